"""Reliability (issue 7), bad input through the real CLI: unusable queries, bad facts files and bad corpus files
each get a clear one-line error and a non-zero exit (never a traceback), and change nothing in the index. Single bad
corpus files and a silent Chroma socket are covered by test_cli.py and test_chroma_server.py; this file covers what
they do not. The other reliability files: test_reliability_index.py, _server.py, _models.py, _privacy.py."""

from __future__ import annotations

import json
import re
import shutil
import time
from pathlib import Path

import pytest

from helpers import SEEDS, one_line_error, problem_lines
from reliability_support import assert_consistent, check_counts, copy_index, facts_yaml, one_error_line, stderr_lines

# ----------------------------------------------------------------------------- queries


@pytest.mark.parametrize(
    "query, words",
    [
        ("", "empty query"),
        ("   \t \n  ", "empty query"),
        ("\x01\x02\x1b\x7f\x0b", "empty query"),  # control characters only: nothing left to search for
        (
            "x" * 120_000,
            "query too long",
        ),  # Linux caps one argument at 128 KiB: the 1 MB case goes through --batch below
    ],
    ids=["empty", "whitespace", "only-control-chars", "120kB"],
)
def test_unusable_query_is_one_line_and_non_zero(run_precedent, cli_index, query, words):
    run = run_precedent("search", query, "--index", cli_index, timeout=120)
    assert run.code != 0, run.stdout[:500]
    assert one_error_line(run) and words in run.stderr, run.stderr[-2000:]
    assert run.stdout == ""


def test_one_megabyte_query(run_precedent, cli_index, tmp_path):
    """A 1 MB query (through --batch: it cannot be one argv element) is refused in one line, promptly."""
    batch = tmp_path / "big.jsonl"
    batch.write_text(json.dumps({"query": "occupational therapy " * 50_000}) + "\n", encoding="utf-8")
    assert batch.stat().st_size > 1_000_000
    t0 = time.monotonic()
    run = run_precedent("search", "--batch", batch, "--index", cli_index, timeout=120)
    assert time.monotonic() - t0 < 60
    assert run.code != 0  # nothing in the batch could be run
    assert one_error_line(run) and "no query in it could be run" in run.stderr, run.stderr[-2000:]
    (line,) = run.json_lines()
    assert line["results"] == [] and "query too long" in line["error"]


def test_batch_with_one_bad_query_carries_on(run_precedent, cli_index, tmp_path):
    batch = tmp_path / "mixed.jsonl"
    batch.write_text(
        "\n".join(
            json.dumps(q)
            for q in [
                {"query": "occupational therapy missing from the EHC plan", "k": 2},
                {"query": "   "},
                {"query": "speech therapy", "k": "lots"},
                {"query": "x" * 1_000_000},
                {"query": "the council did not secure the provision", "k": 1},
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    run = run_precedent("search", "--batch", batch, "--index", cli_index, timeout=120)
    assert run.code == 0 and problem_lines(run.stderr) == [], run.stderr
    out = run.json_lines()
    assert [len(o["results"]) for o in out] == [2, 0, 0, 0, 1]
    assert "empty query" in out[1]["error"] and "whole number" in out[2]["error"] and "too long" in out[3]["error"]


@pytest.mark.parametrize(
    "query",
    [
        "ولي أمر طفل لم يحصل على العلاج الوظيفي في خطة التعليم والصحة والرعاية",  # Arabic
        "我儿子的教育健康护理计划中的职业治疗没有提供",  # Chinese
        "occupational\x07 therapy\x1b[31m not\x00 provided\x0c in the EHC plan",  # control characters among the words
    ],
    ids=["arabic", "chinese", "control-chars"],
)
def test_other_scripts_and_control_characters_still_search(run_precedent, cli_index, query):
    run = run_precedent("search", query.replace("\x00", " "), "--index", cli_index, "--k", "3", "--json", timeout=300)
    assert run.code == 0, run.stderr
    assert "Traceback" not in run.stderr
    out = run.json()
    assert len(out["results"]) == 3
    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", out["query"]), out["query"]
    # the text form prints too, without the control characters echoed back
    text = run_precedent("search", query.replace("\x00", " "), "--index", cli_index, "--k", "1", timeout=300)
    assert text.code == 0 and "1. [" in text.stdout and "\x1b" not in text.stdout


# ----------------------------------------------------------------------------- facts files


BAD_FACTS = {
    "empty": ("", "empty"),
    "whitespace": ("  \n\n\t\n", "empty"),
    "malformed-yaml": ("role: parent\nissue: [the council did not\n", "not valid YAML or JSON at line"),
    "tab-indent": ("role: parent\n\tissue: therapy\n", "not valid YAML or JSON at line 2"),
    "malformed-json": ('{"role": "parent", "issue": ', "not valid YAML or JSON"),
    "a-list": ("- role: parent\n- issue: therapy\n", "must be a mapping"),
    "a-string": ("the council did not provide therapy\n", "must be a mapping"),
    "binary": ("\x00\x01\x02\x03", "not valid YAML or JSON"),
    "not-utf8": (b"role: parent\nissue: the caf\xe9 council\n", "not UTF-8"),
    "issue-a-number": ("role: parent\nissue: 12\n", "issue: Input should be a valid string"),
    "issue-a-mapping": ("role: parent\nissue: {a: 1}\n", "issue: Input should be a valid string"),
    "contacts-a-number": (facts_yaml(contacts=5), "contacts: Input should be a valid list"),
    "contacts-nested": (facts_yaml(contacts=[["email", 2]]), "contacts.0"),
    "role-unknown": (facts_yaml(role="lawyer"), "role: Input should be 'parent' or 'officer'"),
    "role-missing": ("issue: the council did not provide therapy\n", "missing required key 'role'"),
    "since-a-year": ("role: parent\nissue: therapy not provided\nsince: 2023\n", "since"),
    "since-words": (facts_yaml(since="last September"), "since: must be a month written YYYY-MM"),
    "stage-for-role": (facts_yaml(stage="response"), "does not fit role"),
    "unknown-key": (facts_yaml(favourite_colour="blue"), "unknown key 'favourite_colour'"),
    "duplicate-key": ("role: parent\nissue: first version\nissue: second version\n", "'issue' is given twice"),
    "python-tag": ("role: !!python/object/apply:os.system ['echo pwned']\nissue: x\n", "not valid YAML or JSON"),
    "huge-issue": (
        facts_yaml(issue="the council failed " * 5_000),
        "issue: String should have at most 20000 characters",
    ),
    "huge-child": (facts_yaml(child="B" * 500), "child: String should have at most 40 characters"),
    "huge-contact": (facts_yaml(contacts=["emailed " * 600]), "under 2,000 characters"),
    "huge-file": ("role: parent\nissue: therapy\nimpact: " + "z" * 300_000 + "\n", "too large"),
}


def _write_facts(tmp_path: Path, case: str) -> Path:
    body = BAD_FACTS[case][0]
    path = tmp_path / f"{case}.{'json' if 'json' in case else 'yaml'}"
    path.write_bytes(body if isinstance(body, bytes) else body.encode("utf-8"))
    return path


@pytest.mark.parametrize("case", sorted(BAD_FACTS))
def test_bad_facts_file_is_one_line_and_non_zero(cli, cli_index, tmp_path, case):
    """Every case through the real `main()` in-process (cheap); a sample through real subprocesses below."""
    words = BAD_FACTS[case][1]
    path = _write_facts(tmp_path, case)
    out = tmp_path / "letter.md"
    run = cli("draft", "--facts", path, "--index", cli_index, "--out", out)
    assert run.code != 0, run.stdout[:300]
    assert one_error_line(run), run.stderr[-2000:]
    assert words in run.stderr and path.name in run.stderr, run.stderr
    assert len(run.stderr) < 600  # a huge field is not echoed back
    assert not out.exists() and run.stdout == ""
    assert "pwned" not in run.stdout


def test_bad_facts_files_through_subprocesses(run_precedent, cli_index, tmp_path):
    for case in ("empty", "malformed-yaml", "issue-a-number", "unknown-key", "duplicate-key", "huge-issue", "not-utf8"):
        path = _write_facts(tmp_path, case)
        run = run_precedent("draft", "--facts", path, "--index", cli_index, "--json", timeout=120)
        assert run.code != 0 and run.stdout == "", (case, run.stdout[:300])
        assert one_error_line(run) and BAD_FACTS[case][1] in run.stderr and path.name in run.stderr, (case, run.stderr)


def test_missing_facts_file(run_precedent, cli_index, tmp_path):
    run = run_precedent("draft", "--facts", tmp_path / "nope.yaml", "--index", cli_index, timeout=120)
    assert run.code != 0 and one_error_line(run) and "no such facts file" in run.stderr


# ----------------------------------------------------------------------------- corpus files


def _truncated_pdf(path: Path) -> Path:
    """A real PDF of a decision made with reportlab, then cut in half."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    whole = path.with_name("whole.pdf")
    c = canvas.Canvas(str(whole), pagesize=A4)
    y = 800
    for line in SEEDS["001"].read_text(encoding="utf-8").splitlines():
        for start in range(0, max(len(line), 1), 100):
            c.drawString(40, y, line[start : start + 100])
            y -= 12
            if y < 40:
                c.showPage()
                y = 800
    c.save()
    data = whole.read_bytes()
    whole.unlink()
    assert data.startswith(b"%PDF") and len(data) > 4000
    path.write_bytes(data[: len(data) // 2])
    return path


def _same_ref_other_content(path: Path, ref: str = "24 004 187") -> Path:
    """Seed 003 (Liverpool 24 010 960) rewritten to claim another decision's reference."""
    path.write_text(SEEDS["003"].read_text(encoding="utf-8").replace("24 010 960", ref), encoding="utf-8")
    return path


def _new_decision(path: Path, ref: str, council: str, extra: str = "") -> Path:
    path.write_text(
        f"{council} ({ref})\n\nCategory : Education > Special educational needs\n\nDecision : Upheld\n\n"
        f"Decision date : 12 Jun 2024\n\nThe Ombudsman's final decision:\n\nSummary: We upheld the complaint that "
        f"{council} failed to arrange speech and language therapy. {extra}\n\nThe complaint\n\n"
        f"  1. Mrs Q complained {council} did not arrange the speech and language therapy in her daughter's plan. {extra}\n\n"
        f"Findings\n\n  1. {council} failed to secure the provision. This was fault.\n",
        encoding="utf-8",
    )
    return path


def test_truncated_pdf_is_reported_in_one_line(run_precedent, tmp_path):
    pdf = _truncated_pdf(tmp_path / "half.pdf")
    run = run_precedent("ingest", pdf, "--index", tmp_path / "index", timeout=120)
    assert run.code != 0
    lines = stderr_lines(run.stderr)
    assert len(lines) == 1 and lines[0].startswith(f"failed: {pdf}: unreadable PDF"), run.stderr
    assert "Traceback" not in run.stderr


def test_copy_under_another_name_is_reported_and_changes_nothing(run_precedent, cli_index, tmp_path):
    index = copy_index(cli_index, tmp_path / "index")
    before = check_counts(run_precedent, index)
    listed_before = run_precedent("list", "--json", "--index", index).json()
    copy = tmp_path / "renamed_copy_of_liverpool.txt"
    shutil.copy(SEEDS["000"], copy)
    run = run_precedent("ingest", copy, "--index", index, timeout=300)
    assert run.code != 0  # nothing could be done
    lines = stderr_lines(run.stderr)
    assert len(lines) == 1 and lines[0].startswith(f"failed: {copy}: same content as"), run.stderr
    assert "24 004 187" in lines[0] and SEEDS["000"].name in lines[0]
    assert check_counts(run_precedent, index) == before
    assert run_precedent("list", "--json", "--index", index).json() == listed_before


def test_two_documents_claiming_one_reference(run_precedent, cli_index, tmp_path):
    """Against the index: the indexed one is kept. Within one run: the first is kept, the second reported."""
    index = copy_index(cli_index, tmp_path / "index")
    original = run_precedent("show", "24 004 187", "--json", "--index", index).json()
    clash = _same_ref_other_content(tmp_path / "clash.txt")
    run = run_precedent("ingest", clash, "--index", index, timeout=300)
    assert run.code != 0 and one_line_error(run.stderr), run.stderr
    assert f"failed: {clash}: claims reference 24 004 187, already indexed from {SEEDS['000']}" in run.stderr
    assert run_precedent("show", "24 004 187", "--json", "--index", index).json() == original

    folder = tmp_path / "pair"
    folder.mkdir()
    first = _new_decision(folder / "a_first.txt", "23 111 222", "Northshire Council")
    second = _new_decision(folder / "b_second.txt", "23 111 222", "Southshire Council", extra="A different text.")
    run = run_precedent("ingest", folder, "--index", index, "--json", timeout=300)
    assert run.code == 0, run.stderr
    assert run.json()["documents"] == 1
    lines = stderr_lines(run.stderr)
    assert len(lines) == 1 and lines[0].startswith(f"failed: {second}: claims reference 23 111 222"), run.stderr
    assert str(first) in lines[0]
    kept = run_precedent("show", "23 111 222", "--json", "--index", index).json()
    assert kept["source"] == str(first) and kept["organisation"].startswith("Northshire")
    assert_consistent(check_counts(run_precedent, index))


def test_ingest_of_many_files_reports_the_bad_ones_and_carries_on(run_precedent, cli_index, tmp_path):
    index = copy_index(cli_index, tmp_path / "index")
    before = check_counts(run_precedent, index)
    folder = tmp_path / "incoming"
    (folder / "sub").mkdir(parents=True)
    good = [
        _new_decision(folder / "good_1.txt", "22 333 444", "Eastshire Council"),
        _new_decision(folder / "sub" / "good_2.txt", "22 333 555", "Westshire Council"),
    ]
    bad = {
        folder / "empty.txt": "empty file",
        folder / "binary.txt": "binary file",
        folder / "latin1.txt": "not UTF-8",
        folder / "half.pdf": "unreadable PDF",
        folder / "sub" / "copy.txt": "same content as",
        folder / "sub" / "clash.txt": "claims reference 24 004 187",
    }
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 64)
    (folder / "latin1.txt").write_bytes("Caf\u00e9 Council (21 000 111)\n\n 1. Ms X complained.\n".encode("latin-1"))
    _truncated_pdf(folder / "half.pdf")
    shutil.copy(SEEDS["002"], folder / "sub" / "copy.txt")
    _same_ref_other_content(folder / "sub" / "clash.txt")
    (folder / "notes.xlsx").write_bytes(b"ignored: not a supported type")

    run = run_precedent("ingest", folder, tmp_path / "not-there", "--index", index, "--json", timeout=600)
    assert run.code == 0, run.stderr
    assert "Traceback" not in run.stderr and one_line_error(run.stderr), run.stderr
    report = run.json()
    assert report["documents"] == 2 and report["unchanged"] == 0
    failed = {f["path"]: f["reason"] for f in report["failed"]}
    assert set(failed) == {str(p) for p in bad} | {str(tmp_path / "not-there")}, failed
    for path, words in bad.items():
        assert words in failed[str(path)], (path, failed[str(path)])
    assert len(stderr_lines(run.stderr)) == len(failed)
    after = check_counts(run_precedent, index)
    assert_consistent(after)
    assert after["documents"] == before["documents"] + 2
    for p in good:
        assert run_precedent(
            "show", "22 333 444" if "good_1" in p.name else "22 333 555", "--json", "--index", index
        ).json()["source"] == str(p)
