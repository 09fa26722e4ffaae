"""The `precedent` command: the JSON contract other tools read, and one-line errors on bad input."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from app.roles import ROLES
from helpers import BUILTIN_DOCUMENTS, CORPUS, OT_QUERY, SEEDS, one_line_error, problem_lines

SEARCH_FIELDS = {
    "doc_id": (str,),
    "ref": (str, type(None)),
    "organisation": (str,),
    "para": (str,),
    "section": (str,),
    "text": (str,),
    "score": (float,),
    "source": (str,),
    "outcome": (str, type(None)),
    "category": (str, type(None)),
    "decision_date": (str, type(None)),
    "role": (str,),  # app/roles.py
}
LIST_FIELDS = {
    "doc_id": (str,),
    "refs": (list,),
    "organisation": (str, type(None)),
    "category": (str, type(None)),
    "outcome": (str, type(None)),
    "decision_date": (str, type(None)),
    "kind": (str,),
    "paragraphs": (int,),
    "source": (str,),
}


def assert_search_result(obj: dict, query: str, k: int | None = None) -> None:
    assert set(obj) >= {"query", "results", "no_close_precedent", "best_similarity"} and obj["query"] == query
    assert isinstance(obj["no_close_precedent"], bool) and isinstance(obj["best_similarity"], float)
    assert isinstance(obj["results"], list) and obj["results"]
    if k is not None:
        assert len(obj["results"]) <= k
    scores = []
    for r in obj["results"]:
        assert set(r) == set(SEARCH_FIELDS), sorted(r)
        for name, types in SEARCH_FIELDS.items():
            assert type(r[name]) in types, (name, r[name])
        assert Path(r["source"]).is_absolute() and Path(r["source"]).is_file()
        if r["decision_date"] is not None:
            assert len(r["decision_date"]) == 10 and r["decision_date"][4] == "-" and r["decision_date"][7] == "-"
        if r["ref"] is not None:
            assert len(r["ref"]) == 10 and r["ref"].replace(" ", "").isdigit()
        assert r["text"].strip() and r["role"] in ROLES
        scores.append(r["score"])
    assert scores == sorted(scores, reverse=True)  # best first


# ----------------------------------------------------------------------------- search, batch, list, show (subprocess)


def test_search_json_contract(run_precedent, full_index, full_engine):
    run = run_precedent("search", OT_QUERY, "--json", "--k", "8", "--index", full_index)
    assert run.code == 0, run.stderr
    obj = run.json()
    assert_search_result(obj, OT_QUERY, k=8)
    assert len(obj["results"]) == 8
    # `text` is the paragraph's whole text as stored
    first = obj["results"][0]
    doc = full_engine.document(first["doc_id"])
    if first["para"] != "summary":
        assert first["text"] == doc.paragraph(first["para"]).text


def test_search_json_says_when_nothing_close_was_found(cli, full_index):
    """A tool reading --json can tell "nothing close" (a council tax bill) from an on-topic search."""
    off = cli("search", "my council tax bill went up and I want a discount", "--json", "--index", full_index).json()
    on = cli("search", OT_QUERY, "--json", "--index", full_index).json()
    assert off["no_close_precedent"] is True and on["no_close_precedent"] is False
    assert off["best_similarity"] < on["best_similarity"]


def test_search_batch_one_object_per_line_in_order(run_precedent, full_index, tmp_path):
    queries = [
        {"query": OT_QUERY},
        {"query": "school transport refused for a disabled child", "category": "Education > School transport"},
        {"query": "council took too long to issue the EHC plan", "outcome": "Upheld"},
        {"query": "the council did not complete a section 17 assessment", "k": 3},
    ]
    batch = tmp_path / "queries.jsonl"
    batch.write_text("\n".join(json.dumps(q) for q in queries) + "\n", encoding="utf-8")
    run = run_precedent("search", "--batch", batch, "--k", "5", "--index", full_index)
    assert run.code == 0, run.stderr
    out = run.json_lines()
    assert [o["query"] for o in out] == [q["query"] for q in queries]
    for q, o in zip(queries, out, strict=True):
        assert_search_result(o, q["query"], k=q.get("k", 5))
    assert {r["category"] for r in out[1]["results"]} == {"Education > School transport"}
    assert {r["outcome"] for r in out[2]["results"]} == {"Upheld"}
    assert len(out[3]["results"]) == 3


def test_list_json(cli, full_index, shared_corpus):
    run = cli("list", "--json", "--index", full_index)
    assert run.code == 0, run.stderr
    docs = run.json()
    assert isinstance(docs, list) and len(docs) == BUILTIN_DOCUMENTS + len(
        list((shared_corpus / "lgsco").glob("*.txt"))
    )
    for d in docs:
        assert set(d) == set(LIST_FIELDS), sorted(d)
        for name, types in LIST_FIELDS.items():
            assert type(d[name]) in types, (d["doc_id"], name, d[name])
        assert all(isinstance(r, str) for r in d["refs"])
        assert Path(d["source"]).is_absolute()
    by_id = {d["doc_id"]: d for d in docs}
    assert by_id["24 012 399"]["refs"] == ["24 012 399", "25 022 150"]
    assert by_id["24 012 399"]["paragraphs"] == 74 and by_id["24 012 399"]["kind"] == "report"
    assert by_id["24 004 187"]["source"] == str(SEEDS["000"].resolve())


def test_list_text(cli, full_index):
    run = cli("list", "--index", full_index)
    assert run.code == 0
    assert any(
        line.startswith("24 004 187\tLiverpool City Council\tUpheld\t2024-10-24\tdecision\t26 paras")
        for line in run.stdout.splitlines()
    )


@pytest.mark.parametrize("ident", ["24 012 399", "25 022 150", "25022150"])
def test_show_accepts_any_reference(cli, full_index, ident):
    run = cli("show", ident, "--json", "--index", full_index)
    assert run.code == 0, run.stderr
    d = run.json()
    assert set(d) >= set(LIST_FIELDS) | {"paragraphs"}
    assert d["doc_id"] == "24 012 399" and d["refs"] == ["24 012 399", "25 022 150"]
    assert [p["para"] for p in d["paragraphs"]] == [str(i) for i in range(1, 75)]
    for p in d["paragraphs"]:
        assert set(p) == {"para", "section", "text", "role"} and all(isinstance(v, str) for v in p.values())
        assert p["role"] in ROLES
    roles = {p["para"]: p["role"] for p in d["paragraphs"]}
    assert (roles["1"], roles["3"], roles["9"], roles["50"], roles["70"], roles["73"]) == (
        "complaint",
        "jurisdiction",
        "law",
        "finding_fault",
        "remedy",
        "decision",
    )


def test_show_one_paragraph(cli, full_index):
    run = cli("show", "24 004 187", "22", "--json", "--index", full_index)
    assert run.code == 0, run.stderr
    d = run.json()
    assert d["doc_id"] == "24 004 187" and d["organisation"] == "Liverpool City Council"
    assert len(d["paragraphs"]) == 1
    p = d["paragraphs"][0]
    assert (
        p["para"] == "22"
        and p["section"] == "Agreed action"
        and p["text"].startswith("As set out in paragraphs 19 and 21")
        and p["role"] == "remedy"
    )

    text = cli("show", "24 004 187", "22", "--index", full_index)
    assert text.code == 0 and "22. As set out in paragraphs 19 and 21" in text.stdout


def test_show_summary_row_that_search_returns(cli, full_index, full_engine):
    """Search ranks each decision's summary too (para "summary"); `show` must print what a hit or citation names."""
    run = cli("show", "24 004 187", "summary", "--json", "--index", full_index)
    assert run.code == 0, run.stderr
    assert run.json()["paragraphs"] == [
        {
            "para": "summary",
            "section": "Summary",
            "text": full_engine.document("24 004 187").summary,
            "role": "finding_fault",  # read whole, a summary is the Ombudsman's finding ("We upheld ...")
        }
    ]


def test_show_council_paper_section(cli, full_index, full_engine):
    paper = next(d for d in full_engine.documents() if d.kind == "council response")
    run = cli("show", paper.doc_id, "2.3", "--json", "--index", full_index)
    assert run.code == 0, run.stderr
    assert run.json()["paragraphs"][0]["para"] == "2.3"


@pytest.mark.parametrize(
    "args, words",
    [
        (["show", "99 999 999"], "no document"),
        (["show", "24 004 187", "99"], "has no paragraph"),
        (["search", "   "], "empty query"),
        (["search", OT_QUERY, "--k", "0"], "--k must be"),
        (["search", OT_QUERY, "--from", "yesterday-ish"], "--from must be a date"),
        (["search", OT_QUERY, "--mode", "psychic"], "--mode must be"),
        (["search"], "give a QUERY or --batch"),
    ],
)
def test_user_errors_are_one_line(cli, full_index, args, words):
    run = cli(*args, "--index", full_index)
    assert run.code != 0
    assert one_line_error(run.stderr), run.stderr
    assert words in run.stderr and len(problem_lines(run.stderr)) == 1


def test_search_filters_through_the_cli(cli, full_index):
    run = cli(
        "search",
        OT_QUERY,
        "--json",
        "--k",
        "20",
        "--index",
        full_index,
        "--category",
        "Education",
        "--outcome",
        "Upheld",
        "--organisation",
        "County",
        "--from",
        "2020-01-01",
        "--to",
        "2024-12-31",
    )
    assert run.code == 0, run.stderr
    results = run.json()["results"]
    assert results
    for r in results:
        assert r["category"].startswith("Education > ") and r["outcome"] == "Upheld" and "County" in r["organisation"]
        assert "2020-01-01" <= r["decision_date"] <= "2024-12-31"


def test_search_text_output(cli, full_index):
    run = cli("search", OT_QUERY, "--k", "3", "--index", full_index)
    assert run.code == 0, run.stderr
    heads = [ln for ln in run.stdout.splitlines() if ln[:2] in ("1.", "2.", "3.")]
    assert len(heads) == 3 and all(", para " in h and h.split("] ", 1)[0].count("[") == 1 for h in heads)


# ----------------------------------------------------------------------------- before any index exists


def test_search_before_any_index_says_how_to_build_one(run_precedent, tmp_path):
    missing = tmp_path / "no-index-here"
    run = run_precedent("search", OT_QUERY, "--index", missing)
    assert run.code != 0
    assert one_line_error(run.stderr) and len(problem_lines(run.stderr)) == 1, run.stderr
    assert "precedent ingest" in run.stderr
    assert run.stdout == ""
    assert not missing.exists()


def test_default_index_location_is_under_the_working_directory(run_precedent, tmp_path):
    run = run_precedent("list", cwd=tmp_path)
    assert run.code != 0 and "precedent ingest" in run.stderr
    assert str(tmp_path / ".precedent") in run.stderr


# ----------------------------------------------------------------------------- bad input (real subprocesses)


@pytest.mark.parametrize(
    "args, words",
    [
        (["search", "--bogus", "x"], ["no such option", "--bogus", "precedent search --help"]),
        (["frobnicate"], ["no such command", "precedent --help"]),
        (["search", "--k", "many", "x"], ["--k", "integer"]),
    ],
)
def test_a_mistyped_command_line_gets_one_line_and_exit_2(run_precedent, args, words):
    run = run_precedent(*args, timeout=120)
    assert run.code == 2, run
    assert one_line_error(run.stderr) and len(problem_lines(run.stderr)) == 1, run.stderr
    for w in words:
        assert w.lower() in run.stderr.lower(), run.stderr


@pytest.fixture
def bad_files(tmp_path):
    d = tmp_path / "bad"
    d.mkdir()
    files = {
        "empty": d / "empty.txt",
        "binary": d / "binary.txt",
        "latin1": d / "latin1.txt",
        "pdf": d / "broken.pdf",
        "docx": d / "broken.docx",
    }
    files["empty"].write_bytes(b"")
    files["binary"].write_bytes(b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 8)
    files["latin1"].write_bytes(
        "Liverpool City Council (24 004 187)\n\nThe complaint\n\n  1. Ms X complained \u00e0 la Council.\n".encode(
            "cp1252"
        )
    )
    files["pdf"].write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\ntrunc")
    files["docx"].write_bytes(b"PK\x03\x04\x14\x00\x00\x00 this is not a zip archive")
    return files


@pytest.mark.parametrize(
    "which, reason",
    [
        ("missing", "no such file"),
        ("empty", "empty file"),
        ("binary", "binary file"),
        ("latin1", "not UTF-8"),
        ("pdf", "unreadable PDF"),
        ("docx", "unreadable .docx"),
    ],
)
def test_ingest_bad_input_one_line_and_non_zero(run_precedent, bad_files, tmp_path, which, reason):
    path = tmp_path / "does-not-exist.txt" if which == "missing" else bad_files[which]
    run = run_precedent("ingest", path, "--index", tmp_path / "index", timeout=120)
    assert run.code != 0, (run.stdout, run.stderr)
    assert "Traceback" not in run.stderr and one_line_error(run.stderr), run.stderr
    failed = [ln for ln in run.stderr.splitlines() if ln.startswith("failed: ")]
    assert len(failed) == 1 and reason in failed[0] and str(path.name) in failed[0], run.stderr
    if which == "missing":  # nothing to read at all: said before any index is made
        assert "nothing to ingest" in run.stderr and not (tmp_path / "index").exists()
    else:
        assert "1 failed" in run.stdout


def test_ingest_of_a_folder_without_decisions_creates_no_index(run_precedent, tmp_path):
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "cat.jpg").write_bytes(b"\xff\xd8\xff")
    run = run_precedent("ingest", tmp_path / "photos", "--index", tmp_path / "index", timeout=120)
    assert run.code == 1 and one_line_error(run.stderr), run.stderr
    assert "nothing to ingest" in run.stderr and ".pdf" in run.stderr
    assert not (tmp_path / "index").exists()


def test_ingest_carries_on_past_bad_files(run_precedent, bad_files, tmp_path, cli):
    folder = bad_files["empty"].parent
    shutil.copy(SEEDS["000"], folder / SEEDS["000"].name)
    shutil.copy(SEEDS["002"], folder / SEEDS["002"].name)
    index = tmp_path / "index"
    run = run_precedent("ingest", folder, tmp_path / "not-there.txt", "--index", index, "--json", timeout=600)
    assert run.code == 0, run.stderr
    assert "Traceback" not in run.stderr and one_line_error(run.stderr), run.stderr
    report = run.json()
    assert report["documents"] == 2 and report["paragraphs"] == 26 + 20
    assert len(report["failed"]) == 6  # five bad files and the missing path, each with its reason
    assert all(f["reason"] and "\n" not in f["reason"] for f in report["failed"])
    assert len([ln for ln in run.stderr.splitlines() if ln.startswith("failed: ")]) == 6

    listed = cli("list", "--json", "--index", index).json()
    assert sorted((d["kind"], d["source"]) for d in listed) == [
        ("council response", str((folder / SEEDS["002"].name).resolve())),
        ("decision", str((folder / SEEDS["000"].name).resolve())),
    ]

    again = run_precedent("ingest", folder, "--index", index, timeout=300)
    assert again.code == 0 and "2 unchanged" in again.stdout and "5 failed" in again.stdout


def test_ingest_text_summary_line(cli, tmp_path):
    run = cli("ingest", CORPUS / SEEDS["001"].name, "--index", tmp_path / "index")
    assert run.code == 0, run.stderr
    assert run.stdout.startswith("1 documents, 27 paragraphs indexed; 0 unchanged; 0 failed (")
    assert "index holds 1 documents, 27 paragraphs" in run.stdout
