"""Which encoder made the stored vectors: recorded in the meta table, checked before dense search (a query's vector
is only comparable with vectors from the same encoder), and every stored row re-embedded when an ingest runs with
another encoder."""

from __future__ import annotations

from pathlib import Path

from ..models import Paragraph
from .records import IndexError_, IngestReport, embed_text
from .store import Store
from .vectors import Vectors

ENCODER_KEY = "encoder"  # meta: which encoder made the vectors (LocalEmbeddings.fingerprint)
LEGACY_ENCODER = "all-MiniLM-L6-v2:torch"  # what an index from before the key was built with


class EncoderRecord:
    def __init__(self, directory: Path, store: Store, vectors: Vectors, embeddings):
        self.dir = directory
        self.store = store
        self.vectors = vectors
        self.embeddings = embeddings
        self._ok: str | None = None  # the fingerprint last found to match the stored one

    def now(self) -> str | None:
        """The configured encoder's fingerprint; None for an embedder that has none (test fakes): no checks then."""
        return getattr(self.embeddings, "fingerprint", None)

    def stored(self) -> str | None:
        value = self.store.meta_get(ENCODER_KEY)
        if value is not None:
            return value
        return LEGACY_ENCODER if self.store.has_paragraphs() else None

    def stale(self) -> bool:
        """The stored vectors come from another encoder than the one in use (a backend was changed, or this
        computer's CPU makes the ONNX speed-up fall back to another graph): they must be re-embedded."""
        now, stored = self.now(), self.stored()
        return now is not None and stored is not None and stored != now

    def require(self) -> None:
        """Dense search compares the query's vector with stored ones: both must come from the same encoder."""
        now = self.now()
        if now is None or self._ok == now:
            return
        stored = self.stored()
        if stored is not None and stored != now:
            if _encoder_backend(stored) == _encoder_backend(now):  # same setting, another graph on this CPU
                fix = "run `precedent ingest` on your folders once to re-embed it (unchanged files are not re-read)"
            else:
                fix = (
                    f"run `precedent ingest` on your folders to re-embed it, or set PRECEDENT_EMBED_BACKEND="
                    f"{_encoder_backend(stored)}"
                )
            raise IndexError_(
                f"the index at {self.dir} was embedded with {_encoder_label(stored)}, but this computer searches "
                f"with {_encoder_label(now)}: {fix}"
            )
        self._ok = now

    def sync(self, report: IngestReport) -> None:
        """Before an ingest: record the encoder of a new index; re-embed every stored paragraph of an index another
        encoder built (rows and ids stay; only vectors change). The key reads 'rebuilding:' until the last vector is
        written, so a run killed half way is finished by the next ingest and searched by none meanwhile."""
        now = self.now()
        if now is None:
            return
        stored = self.stored()
        if stored == now:
            return
        self._ok = None
        if stored is not None:
            self.store.meta_set(ENCODER_KEY, f"rebuilding:{now}")
            last = -1
            while True:
                rows = self.store.paragraphs_after(last, 512)
                if not rows:
                    break
                last = rows[-1][0]
                texts = [embed_text(None, Paragraph("", section or "", text)) for _, _, section, text in rows]
                self.vectors.update([r[1] for r in rows], self.embeddings.embed_documents(texts))
                report.reembedded += len(rows)
        self.store.meta_set(ENCODER_KEY, now)


def _encoder_label(fingerprint: str) -> str:
    backend = _encoder_backend(fingerprint)
    return f"the {backend} encoder ({fingerprint.removeprefix('rebuilding:')})" + (
        ", re-embedding interrupted" if fingerprint.startswith("rebuilding:") else ""
    )


def _encoder_backend(fingerprint: str) -> str:
    return "onnx" if ":onnx" in fingerprint else "torch"
