"""Learned readers: small logistic models that score pieces of a person's story (a clause, a candidate month) from
named features, for the story fields whose wording hand-written rules did not carry to new writers.

A reader is only weights (`app/data/reader_<name>.json`), written by `scripts/train_readers.py` from the tuning
stories of `evals/gold/stories.jsonl` and never from the held-back ones. Scoring needs no library: a weighted sum
and a sigmoid. The features themselves are the story intake's (`app.story`), so the same code makes them when the
reader is trained and when it reads.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

DATA = Path(__file__).parent / "data"


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
