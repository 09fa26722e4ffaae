"""`precedent bench` end to end on a tiny synthetic corpus: the JSON contract, and that re-ingest embeds nothing."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent

KEYS = {
    "paragraphs",
    "encoder_pps",
    "ingest_pps",
    "ingest_ratio",
    "query_p50_ms",
    "query_p95_ms",
    "index_mb",
    "peak_rss_mb",
    "reingest_s",
    "onnx_speedup",
    "machine",
    "targets",
}


def test_bench_json_at_300_paragraphs(cli, monkeypatch, tmp_path):
    import app.bench as bench
    import app.index

    # smaller timing samples keep the test short; the figures' meaning is unchanged
    monkeypatch.setattr(bench, "SAMPLE_TEXTS", 96)
    monkeypatch.setattr(bench, "SPEEDUP_TEXTS", 48)
    monkeypatch.setattr(bench, "N_QUERIES", 12)
    monkeypatch.setenv("PRECEDENT_INDEX", str(tmp_path / "users-index"))  # must stay untouched

    embedded_per_ingest: list[int] = []
    real_ingest = app.index.Index.ingest

    def spy(self, *args, **kwargs):
        before = self.embeddings.texts
        report = real_ingest(self, *args, **kwargs)
        embedded_per_ingest.append(self.embeddings.texts - before)
        return report

    monkeypatch.setattr(app.index.Index, "ingest", spy)

    r = cli("bench", "--paragraphs", "300", "--json")
    assert r.code == 0, r.stderr
    res = json.loads(r.stdout)
    assert set(res) == KEYS
    assert res["paragraphs"] == 300
    for key in KEYS - {"paragraphs", "machine", "targets"}:
        assert isinstance(res[key], (int, float)) and res[key] >= 0, (key, res[key])
    assert res["encoder_pps"] > 0 and res["ingest_pps"] > 0 and res["onnx_speedup"] > 0
    assert res["query_p50_ms"] <= res["query_p95_ms"]
    assert {"cpu", "cores", "ram_gb"} <= set(res["machine"])
    assert set(res["targets"]) == {"ingest_ratio", "onnx_speedup", "query_p50_ms", "reingest_s"}
    assert all(isinstance(t["met"], bool) for t in res["targets"].values())

    # the first ingest embedded the corpus (300 paragraphs and the summaries); the re-ingest embedded nothing
    assert len(embedded_per_ingest) == 2, embedded_per_ingest
    assert embedded_per_ingest[0] >= 300
    assert embedded_per_ingest[1] == 0
    assert not (tmp_path / "users-index").exists()


def test_bench_drafts_times_each_writer(cli, monkeypatch, tmp_path):
    """`bench --drafts`: template latency over the gold situations and, with a local model installed, its first
    streamed token (the tiny smoke model here; the README's figures are for the default Qwen)."""
    import importlib.util

    monkeypatch.setenv("PRECEDENT_LOCAL_MODEL", "smollm2-135m")
    monkeypatch.setenv("PRECEDENT_MAX_TOKENS", "40")
    monkeypatch.setenv("PRECEDENT_INDEX", str(tmp_path / "users-index"))
    r = cli("bench", "--drafts", "--json", "--shared", tmp_path / "no-shared")  # the built-in corpus only
    assert r.code == 0, r.stderr
    res = json.loads(r.stdout)
    assert res["drafts"] == len(yaml.safe_load((ROOT / "evals" / "gold" / "drafting.yaml").read_text()))
    assert 0 < res["template_draft_p50_s"] <= res["template_draft_p95_s"]
    assert set(res["targets"]) == {"template_draft_p95_s", "local_first_token_p50_s"}
    if importlib.util.find_spec("llama_cpp") is not None and _installed("smollm2-135m"):
        assert res["local_model"] == "smollm2-135m"
        assert 0 < res["local_first_token_p50_s"] <= res["local_first_token_max_s"] <= res["local_draft_s"]
        assert res["local_tokens"] > 1
    assert not (tmp_path / "users-index").exists()


def _installed(model: str) -> bool:
    from app.gguf import ModelCorrupt, ModelMissing, locate

    try:
        locate(model)
    except (ModelMissing, ModelCorrupt):
        return False
    return True
