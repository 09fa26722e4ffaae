"""The one settings object. Every value can come from the environment (`PRECEDENT_INDEX`, `PRECEDENT_CHROMA_URL`, ...)
or from command-line flags, which override the environment."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal, get_args

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from .errors import UserError
from .writer_catalog import WriterName, settings_help, unknown_writer

# Offline by construction: no model hub, no telemetry, whoever imports us first.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
# ONNX Runtime (1.32, Linux wheels included) starts Microsoft 1DS telemetry on import: DNS lookups of
# mobile.events.data.microsoft.com from C++ threads and a .ses session file in TMPDIR. This is its off switch.
os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")


def default_cache_dir() -> Path:
    """Where Precedent keeps what it derives on this machine (the ONNX encoder, the joined model weights, the built
    llama-cpp-python wheel): $PRECEDENT_CACHE_DIR, else $XDG_CACHE_HOME/precedent, else ~/.cache/precedent."""
    if explicit := os.environ.get("PRECEDENT_CACHE_DIR"):
        return Path(explicit).expanduser()
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "precedent"


EmbedBackend = Literal["onnx", "torch"]


class SettingError(UserError):
    """A setting outside its closed set. Not a ValueError, so pydantic lets it through as this one line."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PRECEDENT_", extra="ignore")

    index: Path = Path(".precedent")
    cache_dir: Path = Field(default_factory=default_cache_dir)  # PRECEDENT_CACHE_DIR: see default_cache_dir
    chroma_url: str | None = None  # e.g. http://127.0.0.1:8000 to use a Chroma server
    chroma_timeout_s: float = 10.0
    embed_backend: EmbedBackend = Field(  # onnx: recall@5 within 1 point of torch, see bench/RESULTS.md
        "onnx", description="the encoder's backend: onnx (int8 ONNX Runtime, the default) or torch"
    )
    embed_batch: int = 16  # texts an encoder batch holds: small batches stay in cache (2-core Xeon: 64 ran 2-5x slower)
    # retrieval
    # fusion and the "no close precedent" line were measured on evals/gold/retrieval.jsonl (see evals/report)
    rrf_k: int = 10
    bm25_weight: float = 2.0  # weighted reciprocal rank fusion: lexical evidence counts double
    candidates: int = 50
    diversity: float = 0.7  # each further paragraph of one decision on a results page scores x0.7
    facet_boost: float = 0.05  # added to a decision's score per share of the query's issues its summary is about
    evidence_depth: int = 3  # a decision is scored on its best three paragraphs (role-weighted)
    focus_weight: float = 0.5  # a long query's issues, searched in the words decisions use, fused at this weight
    upheld_boost: float = 0.015  # added to a decision's score when the Ombudsman upheld it (app/retrieve.py)
    min_similarity: float = 0.45  # below this best dense cosine there is no close precedent (app/retrieve.py)
    # writers
    llm: WriterName = Field("template", description=settings_help())
    local_model: str = "qwen2.5-coder-1.5b"
    model_dir: Path | None = None  # the local model's weights; default <cache_dir>/models
    ollama_url: str = "http://127.0.0.1:11434"
    ollama_model: str = "qwen2.5:1.5b"
    openai_base_url: str | None = None
    openai_model: str = "gpt-4o-mini"
    openai_api_key: str | None = None
    max_tokens: int = 900
    # app
    host: str = "127.0.0.1"
    port: int = 7860
    auth: str | None = None  # "user:password" for a shared deployment

    @field_validator("llm", mode="before")
    @classmethod
    def _known_writer(cls, v):
        """PRECEDENT_LLM=bogus says what to use in one line, as `--llm bogus` does, not a pydantic report."""
        if v not in get_args(WriterName):
            raise SettingError(unknown_writer(v))
        return v

    @field_validator("embed_backend", mode="before")
    @classmethod
    def _known_backend(cls, v):
        if v not in get_args(EmbedBackend):
            raise SettingError(f"unknown embedding backend {v!r}: use torch or onnx")
        return v

    @property
    def models_dir(self) -> Path:
        """Where the local model's joined weights are kept."""
        return self.model_dir or self.cache_dir / "models"

    @field_validator("cache_dir", "model_dir", "index")
    @classmethod
    def _expand_home(cls, value: Path | None) -> Path | None:
        """A `~` in PRECEDENT_CACHE_DIR, PRECEDENT_MODEL_DIR or PRECEDENT_INDEX (from a .env file or a service
        manager, which do not expand it) means the home folder, as it does in a shell."""
        return Path(value).expanduser() if value is not None else None

    def with_overrides(self, **kw) -> "Settings":
        """A copy with the non-None keyword values applied (what CLI flags do)."""
        return self.model_copy(update={k: v for k, v in kw.items() if v is not None})
