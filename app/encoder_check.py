"""Does a candidate encoder (an exported ONNX graph) rank real text the way the reference encoder (torch) does?

Judged on fixed real text shipped with the package (`app/data/encoder_check.json`): 120 paragraphs of the built-in
decisions, report and council paper, and 24 queries written as parents and officers write them. Two measures:
- **ranking agreement**: for each query, the share of the reference's top 10 paragraphs that the candidate also puts
  in its top 10, averaged over the queries (what search quality depends on);
- **paragraph cosine**: cosine between the two encoders' vectors of each real paragraph (mean and minimum).

The cosine of a two-letter string is not a quality gate: on an AMD EPYC (avx512_vnni) the int8 graph scored 0.9486
on "ok" while agreeing with torch on real paragraphs and rankings (figures below)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable

import numpy as np

CHECK_FILE = Path(__file__).resolve().parent / "data" / "encoder_check.json"
TOP_K = 10
# Floors (bench/RESULTS.md, "Encoder check"). Measured on an AMD EPYC (avx512_vnni): the fp32 graph agrees with
# torch to rounding (top-10 agreement 1.00, cosine 1.000); the int8 graphs of every config (avx512_vnni, avx512, avx2,
# arm64) reach top-10 agreement 0.90-0.92, paragraph cosine mean 0.993, min 0.987. A graph below these floors is not
# used: the next encoder down is (int8 -> fp32 -> torch); a scrambled int8 graph scores far below them (tests).
FLOORS = {
    "fp32": {"top10_agreement": 0.98, "mean_cosine": 0.999, "min_cosine": 0.995},
    "int8": {"top10_agreement": 0.85, "mean_cosine": 0.97, "min_cosine": 0.90},
}

Encode = Callable[[list[str]], np.ndarray]  # texts -> L2-normalised vectors, one row per text


@dataclass(frozen=True)
class CheckResult:
    passed: bool
    top10_agreement: float
    mean_cosine: float
    min_cosine: float
    failed_on: str | None = None  # which measure fell below its floor, in words

    def to_dict(self) -> dict:
        return asdict(self)

    def summary(self) -> str:
        return (
            f"top-10 agreement {self.top10_agreement:.2f}, paragraph cosine mean {self.mean_cosine:.3f} "
            f"(min {self.min_cosine:.3f})"
        )


@lru_cache(maxsize=1)
def check_texts() -> tuple[tuple[str, ...], tuple[str, ...]]:
    data = json.loads(CHECK_FILE.read_text(encoding="utf-8"))
    return tuple(data["paragraphs"]), tuple(data["queries"])


def reference_vectors(encode: Encode) -> tuple[np.ndarray, np.ndarray]:
    """The reference encoder's vectors of the check paragraphs and queries (compute once, compare many)."""
    paras, queries = check_texts()
    return np.asarray(encode(list(paras)), dtype=np.float32), np.asarray(encode(list(queries)), dtype=np.float32)


def agreement(
    reference: tuple[np.ndarray, np.ndarray], candidate: tuple[np.ndarray, np.ndarray], kind: str
) -> CheckResult:
    """Compare a candidate's vectors with the reference's, against the floors for `kind` ("fp32" or "int8")."""
    ref_p, ref_q = reference
    got_p, got_q = candidate
    cos = (ref_p * got_p).sum(axis=1)
    ref_top = np.argsort(-(ref_q @ ref_p.T), axis=1)[:, :TOP_K]
    got_top = np.argsort(-(got_q @ got_p.T), axis=1)[:, :TOP_K]
    overlap = float(np.mean([len(set(a) & set(b)) / TOP_K for a, b in zip(ref_top, got_top, strict=True)]))
    measures = {"top10_agreement": overlap, "mean_cosine": float(cos.mean()), "min_cosine": float(cos.min())}
    floors = FLOORS[kind]
    failed = [
        f"{name.replace('_', ' ')} {value:.3f} < {floors[name]}"
        for name, value in measures.items()
        if not value >= floors[name]
    ]
    return CheckResult(
        passed=not failed, failed_on="; ".join(failed) or None, **{k: round(v, 4) for k, v in measures.items()}
    )


def check(reference: tuple[np.ndarray, np.ndarray], encode: Encode, kind: str) -> CheckResult:
    """Encode the check texts with `encode` and compare them with the reference vectors."""
    paras, queries = check_texts()
    candidate = (np.asarray(encode(list(paras)), dtype=np.float32), np.asarray(encode(list(queries)), dtype=np.float32))
    return agreement(reference, candidate, kind)
