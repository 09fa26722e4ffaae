"""The eval gates CI: it passes on the real system and fails when the retriever or the verifier is broken."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from app.cite import Verification
from app.engine import Engine
from app.evals import ROOT, run_eval

THRESHOLDS = ROOT / "evals" / "thresholds.yaml"


class ShuffledEngine(Engine):
    """A deliberately broken retriever: same candidates, ranked at random."""

    def search(self, query, k=10, filters=None, mode="hybrid"):
        res = super().search(query, k=k, filters=filters, mode=mode)
        random.Random(query).shuffle(res.hits)
        res.hits = list(reversed(res.hits))
        return res


def accept_everything(letter, source, **kw):
    """A deliberately broken verifier: waves every draft through."""
    return letter, Verification(), []


@pytest.fixture(scope="module")
def eval_engine(full_engine):
    return full_engine


def test_eval_passes_on_the_real_retriever_and_verifier(eval_engine, tmp_path: Path):
    assert run_eval(
        engine=eval_engine, out=tmp_path, thresholds=THRESHOLDS, quiet=True, parts=("retrieval", "verifier")
    )
    assert (tmp_path / "report.md").read_text().count("|") > 10


def test_eval_fails_on_a_broken_retriever(eval_engine, tmp_path: Path):
    broken = ShuffledEngine(eval_engine.settings, embeddings=eval_engine.embeddings)
    assert not run_eval(engine=broken, out=tmp_path, thresholds=THRESHOLDS, quiet=True, parts=("retrieval",))
    assert "retrieval.hybrid" in (tmp_path / "report.md").read_text()


def test_eval_fails_on_a_broken_verifier(eval_engine, tmp_path: Path):
    assert not run_eval(
        engine=eval_engine,
        out=tmp_path,
        verify_fn=accept_everything,
        thresholds=THRESHOLDS,
        quiet=True,
        parts=("verifier",),
    )
    assert "verifier.catch_rate" in (tmp_path / "report.md").read_text()
