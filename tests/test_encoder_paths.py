"""A speed-up never stops the product (issue 11). For every CPU the ONNX encoder can meet (avx512_vnni, avx512, avx2,
no AVX, arm64), for an int8 graph that fails its check and for an export that fails outright, the product indexes,
searches and drafts from an empty cache, and says in one line which encoder it uses and why.

Each case exports into its own empty cache folder (about 20-30 s on 2 cores), so this module is marked slow."""

from __future__ import annotations

import numpy as np
import pytest

import app.onnx_export as onnx_export
from app.embed import LocalEmbeddings
from helpers import BUILTIN_DOCUMENTS, CORPUS, OT_QUERY, make_engine

pytestmark = pytest.mark.slow

X86 = "x86_64"
CPUS = {  # name: (machine, flags, the graph used, its label in the notice)
    "avx512_vnni": (
        X86,
        {"avx2", "avx512f", "avx512bw", "avx512_vnni"},
        "onnx/model_qint8_avx512_vnni.onnx",
        "ONNX int8 (avx512_vnni)",
    ),
    "avx512": (X86, {"avx2", "avx512f", "avx512bw"}, "onnx/model_qint8_avx512.onnx", "ONNX int8 (avx512)"),
    "avx2": (X86, {"avx", "avx2"}, "onnx/model_quint8_avx2.onnx", "ONNX int8 (avx2)"),
    "no-avx": (X86, {"sse4_2"}, "onnx/model.onnx", "ONNX fp32"),
    "arm64": ("aarch64", {"asimd"}, "onnx/model_qint8_arm64.onnx", "ONNX int8 (arm64)"),
}
FACTS = {
    "role": "parent",
    "council": "Liverpool City Council",
    "child": "T",
    "issue": "T's EHC plan says he gets occupational therapy but he has not had a session since September 2024.",
    "provision": "Section F: fortnightly direct OT sessions.",
    "since": "2024-09",
    "outcome_sought": "OT in place and a payment for the sessions missed.",
}


def _pretend_cpu(monkeypatch, machine: str, flags: set[str]) -> None:
    monkeypatch.setattr(onnx_export, "cpu_identity", lambda: (machine, frozenset(flags)))


def _product_works(tmp_path, encoder) -> None:
    """Index the built-in corpus, find the OT decisions for a parent's words, draft a verified template letter."""
    from app.draft import parse_facts

    eng = make_engine(tmp_path / "index", encoder)
    try:
        report = eng.ingest([CORPUS])
        assert report.documents == BUILTIN_DOCUMENTS and not report.failed, report.summary_line()
        hits = eng.search(OT_QUERY, k=5).hits
        assert {h.ref for h in hits[:3]} & {"24 004 187", "23 009 620"}, [h.ref for h in hits]
        result = eng.draft(parse_facts(FACTS, "ot"), llm="template")
        assert result.verification.passed and result.citations, result.verification
    finally:
        eng.close()


@pytest.mark.parametrize("cpu", list(CPUS))
def test_every_cpu_path_indexes_searches_and_drafts_and_says_which_encoder(monkeypatch, tmp_path, cpu):
    machine, flags, graph, label = CPUS[cpu]
    _pretend_cpu(monkeypatch, machine, flags)
    notices: list[str] = []
    enc = LocalEmbeddings("onnx", cache_dir=tmp_path / "cache", on_notice=notices.append)
    _product_works(tmp_path, enc)
    assert enc.choice.backend == "onnx" and enc.choice.file_name == graph
    assert enc.fingerprint.endswith(graph)
    # said once, in one line, naming the encoder (first start: the export was made now)
    assert len(notices) == 1 and "\n" not in notices[0] and notices[0].startswith(f"search model: {label}"), notices
    if cpu == "no-avx":
        assert "no int8 speed-up" in notices[0]
    # a second process on the same cache reuses the checked export and, with nothing to report, says nothing
    again: list[str] = []
    enc2 = LocalEmbeddings("onnx", cache_dir=tmp_path / "cache", on_notice=again.append)
    assert enc2.fingerprint == enc.fingerprint and len(again) == (1 if cpu == "no-avx" else 0), again


def _scramble_int8(real_quantize):
    """A quantiser whose int8 graph is broken: the quantised weights are shuffled, so it ranks text at random."""
    import onnx
    from onnx import numpy_helper

    def broken(fp32, out, config):
        real_quantize(fp32, out, config)
        model = onnx.load(str(out))
        rng = np.random.default_rng(0)
        for init in model.graph.initializer:
            arr = numpy_helper.to_array(init)
            if arr.dtype in (np.int8, np.uint8) and arr.size > 1000:
                init.CopyFrom(numpy_helper.from_array(rng.permutation(arr.ravel()).reshape(arr.shape), init.name))
        onnx.save(model, str(out))

    return broken


def test_an_int8_graph_that_fails_its_check_falls_back_to_fp32(monkeypatch, tmp_path):
    _pretend_cpu(monkeypatch, *CPUS["avx512_vnni"][:2])
    monkeypatch.setattr(onnx_export, "_quantize", _scramble_int8(onnx_export._quantize))
    notices: list[str] = []
    enc = LocalEmbeddings("onnx", cache_dir=tmp_path / "cache", on_notice=notices.append)
    _product_works(tmp_path, enc)
    assert enc.choice.file_name == onnx_export.FP32_FILE
    (line,) = notices
    assert line.startswith("search model: ONNX fp32: the int8 graph did not rank like the reference encoder"), line
    assert "top10 agreement" in line or "cosine" in line, line
    # every later start makes the same choice, and says why again (a fallback is worth knowing every time)
    later: list[str] = []
    enc2 = LocalEmbeddings("onnx", cache_dir=tmp_path / "cache", on_notice=later.append)
    assert enc2.fingerprint == enc.fingerprint and later == notices


def test_an_export_that_fails_falls_back_to_torch_and_is_not_retried(monkeypatch, tmp_path):
    calls = []

    def no_export(*a, **k):
        calls.append(1)
        raise RuntimeError("torch.onnx.export is not available here")

    monkeypatch.setattr(onnx_export, "_export", no_export)
    notices: list[str] = []
    enc = LocalEmbeddings("onnx", cache_dir=tmp_path / "cache", on_notice=notices.append)
    _product_works(tmp_path, enc)
    assert enc.choice.backend == "torch" and enc.fingerprint.endswith(":torch")
    (line,) = notices
    assert line.startswith("search model: torch: the ONNX export failed on this machine"), line
    enc2 = LocalEmbeddings("onnx", cache_dir=tmp_path / "cache")
    assert enc2.fingerprint == enc.fingerprint and calls == [1]  # recorded once, not retried on every start


def test_the_check_judges_real_text_not_a_two_letter_string():
    """The check set is real corpus paragraphs and parents' queries, and its floors tell a good graph from a bad."""
    from app import encoder_check

    paras, queries = encoder_check.check_texts()
    assert len(paras) >= 100 and len(queries) >= 20 and min(len(p) for p in paras) >= 60
    rng = np.random.default_rng(1)
    ref = (rng.normal(size=(len(paras), 8)).astype(np.float32), rng.normal(size=(len(queries), 8)).astype(np.float32))
    ref = tuple(v / np.linalg.norm(v, axis=1, keepdims=True) for v in ref)
    same = encoder_check.agreement(ref, ref, "int8")
    assert same.passed and same.top10_agreement == 1.0
    noise = tuple(v + rng.normal(scale=2.0, size=v.shape).astype(np.float32) for v in ref)
    noise = tuple(v / np.linalg.norm(v, axis=1, keepdims=True) for v in noise)
    bad = encoder_check.agreement(ref, noise, "int8")
    assert not bad.passed and "top10 agreement" in bad.failed_on


def test_an_index_built_with_another_graph_is_re_embedded_not_refused(monkeypatch, tmp_path):
    """The same clone on another CPU (int8 avx512_vnni -> no int8 path, so fp32): the index's vectors came from
    another graph. The app re-embeds it while starting and searches; the CLI's refusal names the right fix."""
    from app.index import IndexError_
    from app.settings import Settings
    from app.ui import Runtime

    _pretend_cpu(monkeypatch, *CPUS["avx512_vnni"][:2])
    eng = make_engine(tmp_path / "index", LocalEmbeddings("onnx", cache_dir=tmp_path / "cache"))
    eng.ingest([CORPUS])
    eng.close()

    _pretend_cpu(monkeypatch, *CPUS["no-avx"][:2])
    moved = LocalEmbeddings("onnx", cache_dir=tmp_path / "cache")
    cli_engine = make_engine(tmp_path / "index", moved)
    with pytest.raises(IndexError_) as refused:
        cli_engine.search(OT_QUERY)
    assert "precedent ingest" in str(refused.value) and "PRECEDENT_EMBED_BACKEND" not in str(refused.value)
    cli_engine.close()

    rt = Runtime(Settings(index=tmp_path / "index"), builtin_corpus=None, engine=make_engine(tmp_path / "index", moved))
    rt.start(build=False)
    assert rt.wait(300) and rt.phase == "ready", rt.error
    assert {h.ref for h in rt.engine.search(OT_QUERY, k=3).hits} & {"24 004 187", "23 009 620"}
    rt.engine.close()
