"""Ingest: files -> documents -> vectors in Chroma, then rows in SQLite, incremental and crash-safe.

A file whose bytes are unchanged is skipped before parsing. For a new or changed document, vectors are written
first under ids that name the content hash, then the document's rows are committed in one transaction, so a crash
in between leaves only orphan vectors for `Recovery` to sweep. Embedding one batch overlaps parsing the next.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from ..corpus import ParseError, iter_files, parse_file
from ..models import Document
from ..text import first_line
from .encoder import EncoderRecord
from .records import IngestReport, embed_text, rows_of, vector_id
from .recovery import Recovery
from .store import Store
from .vectors import Vectors, metadata

# a batch on its way: its documents, (texts, ids, metadatas) and the worker's future vectors
Inflight = tuple[list[Document], tuple[list[str], list[str], list[dict]], Future]


class Ingester:
    def __init__(self, store: Store, vectors: Vectors, recovery: Recovery, encoder: EncoderRecord, embeddings):
        self.store = store
        self.vectors = vectors
        self.recovery = recovery
        self.encoder = encoder
        self.embeddings = embeddings

    def ingest(
        self,
        paths: Iterable[str | Path],
        progress: Callable[[int, int], None] | None = None,
        synthetic: bool = False,
        batch_paragraphs: int = 512,
        parse: Callable[[Path], Document] | None = None,
    ) -> IngestReport:
        """`parse` replaces `parse_file` (the benchmark uses it to give synthetic documents SYN ids)."""
        t0 = time.perf_counter()
        report = IngestReport()
        files, missing = iter_files(list(paths))
        report.failed.extend(missing)
        _ = self.vectors.store  # an unreachable Chroma server fails now, not after minutes of embedding
        self.recovery.begin()
        self.encoder.sync(report)
        parse = parse or parse_file
        pending: list[Document] = []
        pending_paras = 0
        total = len(files)
        # Pipelined: one batch is embedded in a worker thread (the encoders release the GIL) while this thread
        # parses the next files and commits the previous batch. Batches still commit in order, each vectors first.
        inflight = None
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="precedent-embed")
        try:
            for i, path in enumerate(files, 1):
                try:
                    data = path.read_bytes()
                except OSError as e:
                    report.failed.append((str(path), f"cannot read ({e.strerror})"))
                    continue
                sha = hashlib.sha256(data).hexdigest()
                if self.store.is_unchanged(str(path), sha):
                    report.unchanged += 1
                else:
                    try:
                        doc = parse(path)
                        self._check_conflicts(doc, pending + (inflight[0] if inflight else []))
                    except ParseError as e:
                        report.failed.append((str(path), str(e).split(": ", 1)[-1]))
                        doc = None
                    except Exception as e:  # a parser bug on one odd file must not stop a multi-file ingest
                        first = first_line(e)
                        report.failed.append((str(path), f"could not parse ({type(e).__name__}: {first})"))
                        doc = None
                    if doc is not None:
                        pending.append(doc)
                        pending_paras += len(doc.paragraphs)
                        if pending_paras >= batch_paragraphs:
                            inflight = self._flush(inflight, pending, pool, report, synthetic)
                            pending, pending_paras = [], 0
                if progress:
                    progress(i, total)
            if pending:
                inflight = self._flush(inflight, pending, pool, report, synthetic)
            self._flush(inflight, [], pool, report, synthetic)
        except BaseException:
            # the in-progress marker stays (the next ingest reconciles), but other processes may write again
            pool.shutdown(wait=True, cancel_futures=True)
            self.recovery.release_writer()
            raise
        pool.shutdown(wait=True, cancel_futures=True)
        self.recovery.end()
        report.total_documents, report.total_paragraphs = self.store.count()
        report.seconds = time.perf_counter() - t0
        return report

    def _check_conflicts(self, doc: Document, pending: list[Document]) -> None:
        src = doc.source
        dup = self.store.same_content(doc.sha256, src)
        if dup:
            raise ParseError(f"{src}: same content as {dup[1]} (already indexed as {dup[0]}); skipped")
        for other in pending:
            if other.sha256 == doc.sha256:
                raise ParseError(f"{src}: same content as {other.source}; skipped")
            if other.doc_id == doc.doc_id:
                raise ParseError(f"{src}: claims reference {doc.doc_id}, which {other.source} also claims; skipped")
        stored = self.store.source_of(doc.doc_id)
        if stored and stored != src and Path(stored).exists():
            raise ParseError(
                f"{src}: claims reference {doc.doc_id}, already indexed from {stored}; skipped (remove one of them)"
            )

    def _flush(
        self,
        inflight: Inflight | None,
        docs: list[Document],
        pool: ThreadPoolExecutor,
        report: IngestReport,
        synthetic: bool,
    ) -> Inflight | None:
        """Start embedding `docs` in the worker, then commit the batch already in flight; returns the new one."""
        nxt = None
        if docs:
            rows = self._rows_to_embed(docs, synthetic)
            nxt = (docs, rows, pool.submit(self.embeddings.embed_documents, rows[0]))
        if inflight:
            done, (_, ids, metas), vectors = inflight
            self._commit(done, ids, metas, vectors.result(), report, synthetic)
        return nxt

    def _rows_to_embed(self, docs: list[Document], synthetic: bool) -> tuple[list[str], list[str], list[dict]]:
        texts, ids, metas = [], [], []
        for doc in docs:
            for ordinal, p in rows_of(doc):
                texts.append(embed_text(doc, p))
                ids.append(vector_id(doc, ordinal))
                metas.append(metadata(doc, synthetic))
        return texts, ids, metas

    def _commit(
        self, docs: list[Document], ids: list[str], metas: list[dict], vectors, report: IngestReport, synthetic: bool
    ) -> None:
        """Vectors first, then one SQLite transaction: a crash in between leaves only orphans to sweep."""
        replaced = self.store.replaced_by(docs)
        old_ids = self.store.vec_ids(replaced)
        self.vectors.upsert(ids, vectors, metas)
        self.store.replace(replaced, docs, synthetic)
        report.documents += len(docs)
        report.paragraphs += sum(
            len(doc.paragraphs) for doc in docs
        )  # numbered paragraphs; the summary row rides along
        stale = sorted(set(old_ids) - set(ids))
        if stale:
            self.vectors.delete(stale)

    def remove(self, doc_id: str) -> None:
        """Delete a stored document: its rows in one transaction, then its vectors."""
        self.recovery.begin()
        ids = self.store.vec_ids([doc_id])
        self.store.delete([doc_id])
        if ids:
            self.vectors.delete(ids)
        self.recovery.end()
