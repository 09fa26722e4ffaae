"""`precedent bench` end to end on a tiny synthetic corpus: the JSON contract, and that re-ingest embeds nothing."""
from __future__ import annotations

import json

KEYS = {
    "paragraphs", "encoder_pps", "ingest_pps", "ingest_ratio", "query_p50_ms", "query_p95_ms", "index_mb",
    "peak_rss_mb", "reingest_s", "onnx_speedup", "machine", "targets",
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
