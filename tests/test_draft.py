"""Drafting (issue 3): the facts file, the template writer end to end through the CLI, the chat-model path with
LangChain fake models fed hostile output, the gold drafting situations on corpus/ + ../shared/corpus, refinement,
and a smoke test through llama.cpp with a real small GGUF model.

Set DRAFT_LETTERS_DIR=/some/dir to also write every gold situation's template letter there for reading."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
import yaml

from app.cite import CITE_RE, IndexSource, fold_text
from app.draft import FactsError, build_context, load_facts, parse_facts
from app.errors import UserError
from app.law import cite_text
from fakes import FakeChat
from helpers import one_line_error, problem_lines
from letter_checks import cited_pairs, unmarked_defects, verbatim_in

ROOT = Path(__file__).resolve().parents[1]
SITUATIONS = {
    s["id"]: s for s in yaml.safe_load((ROOT / "evals" / "gold" / "drafting.yaml").read_text(encoding="utf-8"))
}
OUT_OF_CORPUS = [i for i, s in SITUATIONS.items() if not s["expect_issues"]]  # d15, the parking fine
IN_CORPUS = [i for i in SITUATIONS if i not in OUT_OF_CORPUS]
NO_PRECEDENT = "not found a published Ombudsman decision close enough"

OT_FACTS = {  # d01, trimmed: close to the Liverpool seed (24 004 187) and Nottinghamshire (23 009 620)
    "role": "parent",
    "stage": "council-stage-1",
    "council": "Liverpool City Council",
    "child": "T",
    "issue": "T's EHC plan says he gets occupational therapy from a specialist OT but he has not had a single session "
    "since September 2024. I have emailed the SEN team again and again and nobody replies.",
    "provision": "Section F: fortnightly 45-minute direct OT sessions with an OT trained in sensory integration.",
    "since": "2024-09",
    "contacts": ["Email to SEN caseworker, 2 October 2024 - no reply", "Email to SEN team inbox, 6 November 2024"],
    "outcome_sought": "OT in place within four weeks, a payment for the sessions T has missed, and an apology.",
}


def write_facts(path: Path, data) -> Path:
    path.write_text(data if isinstance(data, str) else yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def _doc_extra(result) -> str:
    from app.draft import _doc_facts

    # and what drafting computed from the facts (the timeline's due dates, the figure, today's date), each traceable
    # to its rule in `result.derived` (tests/test_timeline.py checks the rules themselves)
    return _doc_facts(result.precedents) + "\n" + result.derived


def assert_clean_letter(result, engine) -> None:
    """The letter as shown has no unmarked defect, and every listed citation is real, given, and quoted exactly."""
    source = IndexSource(engine.index())
    allowed = {(h.doc_id, h.para) for h in result.precedents}
    facts = result.facts.text()
    for text in (result.body, result.letter):
        problems = unmarked_defects(text, source, facts, allowed, _doc_extra(result))
        assert problems == [], "\n".join(problems) + "\n\n" + text
    in_letter = {(d, n) for d, n, _ in cited_pairs(result.letter, source)}
    listed = {(c.doc_id, c.para) for c in result.citations}
    assert in_letter == listed, in_letter ^ listed
    for c in result.citations:
        assert (c.doc_id, c.para) in allowed
        assert c.source and Path(c.source).is_absolute() and Path(c.source).is_file(), c
        if c.quote:
            assert c.quote in source.paragraph_text(c.doc_id, c.para), c
            assert verbatim_in(c.quote, result.body), c


# ============================================================================= 1. the facts file


def test_only_role_and_issue_are_required():
    f = parse_facts({"role": "parent", "issue": "no speech therapy this term"})
    assert f.stage == "council-stage-1" and f.contacts == [] and f.council is None
    assert parse_facts({"role": "officer", "issue": "complaint about missed OT"}).stage == "response"


def test_every_documented_key_is_accepted():
    f = parse_facts(SITUATIONS["d01"]["facts"])
    assert f.child == "T" and f.since == "2024-09" and len(f.contacts) == 3 and f.since_words == "September 2024"


@pytest.mark.parametrize(
    "data, names",
    [
        ({"role": "parent", "issue": "no OT", "school": "Oak Primary"}, ["unknown key", "school"]),
        ({"role": "parent", "issue": "no OT", "contacts": "emailed twice"}, ["contacts", "list"]),
        ({"role": "parent", "issue": "no OT", "since": "last spring"}, ["since", "YYYY-MM"]),
        ({"role": "parent", "issue": "no OT", "since": "2023-13"}, ["since"]),
        ({"role": "parent", "issue": "no OT", "stage": "response"}, ["stage", "parent"]),
        ({"role": "officer", "issue": "no OT", "stage": "ombudsman"}, ["stage", "officer"]),
        ({"role": "teacher", "issue": "no OT"}, ["role", "teacher"]),
        ({"role": "parent"}, ["missing", "issue"]),
        ({"issue": "no OT at all"}, ["missing", "role"]),
        ({"role": "parent", "issue": "no OT", "contacts": ["ok", 5]}, ["contacts"]),
        ({"role": "parent", "issue": "no OT", "child": ["T"]}, ["child"]),
        ({"role": "parent", "issue": "x" * 20_001}, ["issue", "20000"]),
        ({"role": "parent", "issue": "no OT", "contacts": ["y" * 2_001]}, ["contacts", "2,000"]),
        (["role", "parent"], ["mapping"]),
        ("role parent", ["mapping"]),
    ],
)
def test_bad_facts_get_one_line_naming_the_field(data, names):
    with pytest.raises(FactsError) as e:
        parse_facts(data, "facts.yaml")
    msg = str(e.value)
    assert isinstance(e.value, UserError)
    assert "\n" not in msg and msg.startswith("facts.yaml: ") and len(msg) < 400, msg
    for n in names:
        assert n.lower() in msg.lower(), msg


def test_load_facts_accepts_yaml_and_json(tmp_path):
    y = write_facts(tmp_path / "f.yaml", {"role": "parent", "issue": "no OT since 2024", "contacts": ["a", "b"]})
    j = tmp_path / "f.json"
    j.write_text(
        json.dumps({"role": "officer", "issue": "the complaint received", "since": "2024-01"}), encoding="utf-8"
    )
    assert load_facts(y).contacts == ["a", "b"]
    assert load_facts(j).stage == "response" and load_facts(j).since == "2024-01"
    bom = tmp_path / "bom.yaml"
    bom.write_bytes("\ufeffrole: parent\nissue: no OT this year\n".encode("utf-8"))
    assert load_facts(bom).role == "parent"


@pytest.mark.parametrize(
    "line", ["since: 2023-09", "since: 2023-09-01", "since: '2023-09-01'", "since: September 2023"]
)
def test_since_takes_the_ways_people_write_a_month(tmp_path, line):
    p = tmp_path / "facts.yaml"
    p.write_text(f"role: parent\nissue: no OT\n{line}\n", encoding="utf-8")  # unquoted 2023-09-01 is a YAML date
    f = load_facts(p)
    assert f.since == "2023-09" and f.since_words == "September 2023"


@pytest.mark.parametrize(
    "content, words",
    [
        ("", ["empty"]),
        ("   \n\n", ["empty"]),
        ("role: [parent\nissue: x\n", ["not valid YAML or JSON", "line"]),
        ('{"role": "parent", "issue": "no OT"', ["not valid YAML or JSON"]),
        ('{"role": "parent", "issue": }', ["issue", "valid string"]),  # valid YAML: issue is null
        ("- role: parent\n- issue: no OT\n", ["mapping"]),
        ("role: parent\nissue: no OT\nschool: Oak\n", ["unknown key", "school"]),
    ],
)
def test_load_facts_file_errors(tmp_path, content, words):
    p = tmp_path / "facts.yaml"
    p.write_text(content, encoding="utf-8")
    with pytest.raises(FactsError) as e:
        load_facts(p)
    msg = str(e.value)
    assert "\n" not in msg and str(p) in msg, msg
    for w in words:
        assert w.lower() in msg.lower(), msg


def test_load_facts_rejects_a_huge_file_a_missing_file_and_binary(tmp_path):
    big = tmp_path / "big.yaml"
    big.write_text("role: parent\nissue: " + "a" * 300_000 + "\n", encoding="utf-8")
    with pytest.raises(FactsError, match="too large"):
        load_facts(big)
    with pytest.raises(FactsError, match="no such facts file"):
        load_facts(tmp_path / "nope.yaml")
    binary = tmp_path / "bin.yaml"
    binary.write_bytes(b"role: parent\nissue: \xff\xfe\x00 caf\xe9\n")
    with pytest.raises(FactsError, match="UTF-8"):
        load_facts(binary)


@pytest.mark.parametrize(
    "content, words",
    [
        ("role: parent\nissue: no OT\nschool: Oak Primary\n", ["unknown key", "school"]),
        ("role: parent\nissue: no OT\ncontacts: emailed twice\n", ["contacts"]),
        ("role: parent\nissue: no OT\nsince: the spring term\n", ["since"]),
        ("role: officer\nstage: council-stage-2\nissue: no OT\n", ["stage"]),
        ("", ["empty"]),
        ("role: [parent\n", ["not valid YAML"]),
    ],
)
def test_cli_bad_facts_one_line_error_exit_1(run_precedent, tmp_path, content, words):
    p = tmp_path / "facts.yaml"
    p.write_text(content, encoding="utf-8")
    r = run_precedent("draft", "--facts", p, "--llm", "template", "--index", tmp_path / "no-index", timeout=120)
    assert r.code == 1, r
    assert one_line_error(r.stderr) and len(problem_lines(r.stderr)) == 1, r.stderr
    assert "Traceback" not in r.stderr + r.stdout and r.stdout == ""
    for w in words:
        assert w.lower() in r.stderr.lower(), r.stderr


# ============================================================================= 2. template writer through the CLI


@pytest.fixture(scope="module")
def ot_facts_file(tmp_path_factory) -> Path:
    return write_facts(tmp_path_factory.mktemp("facts") / "ot.yaml", OT_FACTS)


@pytest.fixture(scope="module")
def cli_json(run_precedent, full_index, ot_facts_file):
    r = run_precedent(
        "draft", "--facts", ot_facts_file, "--llm", "template", "--index", full_index, "--json", timeout=600
    )
    assert r.code == 0, r.stderr
    assert "Traceback" not in r.stderr
    return r


def test_cli_json_has_the_documented_shape(cli_json):
    d = cli_json.json()
    assert {"letter", "citations", "remedies", "verification"} <= set(d)
    assert isinstance(d["letter"], str) and d["letter"].strip()
    assert d["citations"], d["letter"]
    for c in d["citations"]:
        assert set(c) == {"doc_id", "ref", "para", "quote", "source"}, c
        assert isinstance(c["doc_id"], str) and isinstance(c["para"], str)
        assert c["ref"] is None or isinstance(c["ref"], str)
        assert c["quote"] is None or isinstance(c["quote"], str)
        assert isinstance(c["source"], str)
    v = d["verification"]
    for k in ("citations_checked", "citations_removed", "quotes_checked", "quotes_fixed_or_removed"):
        assert isinstance(v[k], int) and not isinstance(v[k], bool), (k, v)
    assert isinstance(v["unsupported_facts"], list) and isinstance(v["passed"], bool)
    assert (
        v["passed"]
        and v["citations_removed"] == 0
        and v["quotes_fixed_or_removed"] == 0
        and v["unsupported_facts"] == []
    )
    assert v["citations_checked"] >= len({(c["doc_id"], c["para"]) for c in d["citations"]})
    assert isinstance(d["remedies"], list) and d["remedies"]
    for r in d["remedies"]:
        assert {"amount", "purpose", "period", "citation"} <= set(r), r
    assert "verification:" in cli_json.stderr and "passed" in cli_json.stderr


def test_cli_json_every_inline_citation_is_listed_and_every_listed_one_is_inline(cli_json):
    d = cli_json.json()
    listed = {cite_text(c["doc_id"], c["para"]) for c in d["citations"]}
    inline = set()
    for m in CITE_RE.finditer(d["letter"]):
        if m.group("law"):  # [Education Act 1996, s 19(1)]: one held paragraph of the law
            inline.add(m.group(0))
            continue
        nums = ["summary"] if m.group("summary") else re.split(r"\s*(?:,|and)\s*", m.group("nums"))
        inline |= {
            f"[{m.group('id').strip()}, summary]" if n == "summary" else f"[{m.group('id').strip()}, para {n}]"
            for n in nums
        }
    assert inline == listed, inline ^ listed
    assert len(listed) >= 2


def test_cli_json_sources_are_absolute_paths_that_exist(cli_json):
    for c in cli_json.json()["citations"]:
        p = Path(c["source"])
        assert p.is_absolute() and p.is_file(), c


def test_cli_json_quotes_are_verbatim_in_precedent_show(cli_json, cli, full_index):
    d = cli_json.json()
    quoted = [c for c in d["citations"] if c["quote"]]
    assert quoted, "the template writer quotes the paragraphs it cites"
    for c in quoted:
        assert fold_text(c["quote"]) in fold_text(d["letter"]), c
        r = cli("show", c["doc_id"], c["para"], "--index", full_index)
        assert r.code == 0, (c, r.stderr)
        assert fold_text(c["quote"]) in fold_text(r.stdout), (c, r.stdout)


def test_cli_out_docx_and_md_carry_the_same_citations(cli, cli_json, full_index, ot_facts_file, tmp_path):
    import docx

    labels = {cite_text(c["doc_id"], c["para"]) for c in cli_json.json()["citations"]}
    out = tmp_path / "letter.docx"
    r = cli("draft", "--facts", ot_facts_file, "--llm", "template", "--index", full_index, "--out", out)
    assert r.code == 0, r.stderr
    assert out.is_file() and out.read_bytes()[:2] == b"PK"
    d = docx.Document(str(out))
    text = "\n".join(p.text for p in d.paragraphs)
    text += "\n" + "\n".join(cell.text for t in d.tables for row in t.rows for cell in row.cells)
    for label in labels:
        assert label in text, label
    assert "References" in text and any(p.style.name.startswith("Heading") for p in d.paragraphs)
    for c in cli_json.json()["citations"]:
        if c["quote"]:
            assert fold_text(c["quote"]) in fold_text(text), c

    md = tmp_path / "letter.md"
    r = cli("draft", "--facts", ot_facts_file, "--llm", "template", "--index", full_index, "--out", md)
    assert r.code == 0, r.stderr
    m = md.read_text(encoding="utf-8")
    assert "## References" in m
    for label in labels:
        assert label in m, label


def test_cli_out_with_a_wrong_suffix_is_a_one_line_error(cli, full_index, ot_facts_file, tmp_path):
    r = cli(
        "draft", "--facts", ot_facts_file, "--llm", "template", "--index", full_index, "--out", tmp_path / "letter.txt"
    )
    assert r.code == 1 and one_line_error(r.stderr) and ".md or .docx" in r.stderr, r.stderr


# ============================================================================= 3. the chat-model path, fed by fakes


@pytest.fixture(scope="module")
def ot_ctx(full_engine):
    facts = parse_facts(OT_FACTS)
    ctx = build_context(full_engine, facts)
    assert len(ctx.precedents) >= 2 and not ctx.no_close_precedent
    return facts, ctx


def _sentences(text: str) -> list[str]:
    out = []
    for s in re.split(r"(?<=[.!?])\s+(?=[A-Z])", text):
        s = s.strip().rstrip(".")
        if 6 <= len(s.split()) <= 40 and '"' not in s and "“" not in s and ":" not in s:
            out.append(s)
    return out


def _source(ctx, i: int):
    """(marker, hit, a verbatim sentence of it) for the i-th source that has a quotable sentence."""
    found = [(f"S{n}", h, _sentences(h.text)) for n, h in enumerate(ctx.precedents, 1)]
    found = [(m, h, s[0]) for m, h, s in found if s]
    assert len(found) > i, [h.doc_id for h in ctx.precedents]
    return found[i]


def _clean_letter(ctx) -> str:
    (m1, _, q1), (m2, _, q2) = _source(ctx, 0), _source(ctx, 1)
    return (
        "**Formal complaint (stage 1)**\n\nI am writing as the parent of T to complain about Liverpool City Council. "
        "T has had no occupational therapy since September 2024, although his plan requires it.\n\n"
        f"The Ombudsman has said: “{q1}” [{m1}]. In another case it said: “{q2}” [{m2}].\n\n"
        "I emailed the SEN team on 2 October 2024 and had no reply. I ask for OT within four weeks and an apology.\n\n"
        "Yours faithfully,\n\nParent of T\n"
    )


def _draft(engine, facts, text, tokens=None):
    pieces = [] if tokens is None else tokens
    result = engine.draft(facts, chat_model=FakeChat(text), on_token=pieces.append)
    return result, pieces


def test_a_clean_model_letter_passes_and_streams(full_engine, ot_ctx):
    facts, ctx = ot_ctx
    text = _clean_letter(ctx)
    result, pieces = _draft(full_engine, facts, text)
    v = result.verification
    assert v.passed, v.notes
    assert v.citations_removed == v.quotes_fixed_or_removed == 0 and v.unsupported_facts == [] and v.quotes_checked == 2
    assert len(pieces) > 10 and "".join(pieces) == text, "on_token receives the model's pieces as they stream"
    assert result.writer != "template"
    (_, h1, q1), (_, h2, q2) = _source(ctx, 0), _source(ctx, 1)
    assert {(c.doc_id, c.para, c.quote) for c in result.citations} >= {
        (h1.doc_id, h1.para, q1),
        (h2.doc_id, h2.para, q2),
    }
    assert "[S1]" not in result.body and "## References" in result.letter
    assert_clean_letter(result, full_engine)


def test_the_model_is_shown_the_facts_and_numbered_sources(ot_ctx):
    from app.writers import ChatWriter

    facts, ctx = ot_ctx
    messages, smap = ChatWriter("fake", FakeChat("x"))._messages(ctx)
    human = messages[-1].content
    assert "Liverpool City Council" in human and "September 2024" in human
    assert len(smap) == len(ctx.precedents) and all(f"[S{i}]" in human for i in range(1, len(smap) + 1))
    assert "Never invent" in messages[0].content


def test_the_model_sees_verbatim_excerpts_that_hold_the_sentence_to_quote(ot_ctx):
    from app.writers import SOURCE_WORDS, sources_block

    facts, ctx = ot_ctx
    block, smap = sources_block(ctx)
    shown = dict(re.findall(r"^\[(S\d+)\] [^\n]*:\n(.*)$", block, re.M))
    assert set(shown) == set(smap)
    cut = 0
    for key, text in shown.items():
        h = smap[key]
        body = text.removeprefix("... ").removesuffix(" ...")
        assert body in " ".join(h.text.split()), (key, text)  # verbatim: what it quotes from here will verify
        assert len(body.split()) <= max(SOURCE_WORDS, max(len(x.split()) for x in re.split(r"(?<=[.!?])\s+", body)))
        q = ctx.quotes.get((h.doc_id, h.para))
        if q:
            assert " ".join(q.split()) in body, (key, q)
        cut += text != " ".join(h.text.split())
    assert cut, "at least one long paragraph was cut down (the prompt is what a local model waits on)"


def _hostile_cases(engine, ctx):
    """name -> (letter text, what the report must show). Each letter is the clean one plus one planted defect."""
    clean = _clean_letter(ctx)
    m1, h1, q1 = _source(ctx, 0)
    source = IndexSource(engine.index())
    allowed = ctx.allowed()
    # a real paragraph of a decision that was not retrieved at all
    given_docs = {d for d, _ in allowed}
    row = (
        engine.index()
        .db.execute(
            "SELECT d.ref, p.para FROM paragraphs p JOIN documents d USING(doc_id) WHERE d.ref IS NOT NULL AND p.para='5' "
            f"AND d.doc_id NOT IN ({','.join('?' * len(given_docs))}) ORDER BY d.doc_id LIMIT 1",
            tuple(given_docs),
        )
        .fetchone()
    )
    assert row, "need one decision outside the retrieved set"
    other_ref, other_para = row
    # a paragraph number the first source's decision does not have
    missing = str(max(int(p) for p, _ in source.paragraphs_of(h1.doc_id) if p.isdigit()) + 40)
    # the right words attributed to the wrong paragraph of the same decision (both given to the writer)
    by_doc: dict[str, list] = {}
    for h in ctx.precedents:
        if h.para != "summary":
            by_doc.setdefault(h.doc_id, []).append(h)
    pair = next(((hs[0], hs[1]) for hs in by_doc.values() if len(hs) >= 2 and _sentences(hs[1].text)), None)
    assert pair, (
        f"the OT facts should retrieve two paragraphs of one decision: {[(h.doc_id, h.para) for h in ctx.precedents]}"
    )
    wrong_q = next(s for s in _sentences(pair[1].text) if not verbatim_in(s, pair[0].text))
    words = q1.split()
    i = next(k for k, w in enumerate(words) if len(w) > 3 and w.isalpha())
    misquote = " ".join(words[:i] + ["never" if words[i].lower() != "never" else "always"] + words[i:])
    beyond = f"S{len(ctx.precedents) + 3}"
    return {
        "nonexistent_paragraph": (
            clean + f"\nCouncils must replace missed therapy within a term [{h1.doc_id}, para {missing}].\n",
            "citations_removed",
        ),
        "misquotation": (clean + f"\nThe Ombudsman also said: “{misquote}” [{m1}].\n", "quotes_fixed_or_removed"),
        "invented_amount": (
            clean + f"\nIn that case the Ombudsman recommended £4,321 for the missed sessions [{m1}].\n",
            "unsupported_facts",
        ),
        "invented_date": (
            clean + f"\nThe Ombudsman made that decision on 17 March 2019 [{m1}].\n",
            "unsupported_facts",
        ),
        "not_retrieved_decision": (
            clean + f"\nThe Ombudsman has criticised such delays before [{other_ref}, para {other_para}].\n",
            "citations_removed",
        ),
        "marker_beyond_sources": (
            clean + f"\nThe Ombudsman has said councils must act quickly [{beyond}].\n",
            "citations_removed",
        ),
        "wrong_paragraph_quote": (
            clean + f"\nIt also said: “{wrong_q}” [{cite_of(pair[0])}].\n",
            "quotes_fixed_or_removed",
        ),
        "invented_reference": (clean + f"\nThe same happened in case 21 987 654 [{m1}].\n", "unsupported_facts"),
    }


def cite_of(h) -> str:
    return cite_text(h.doc_id, h.para)


HOSTILE_CASES = [
    "nonexistent_paragraph",
    "misquotation",
    "invented_amount",
    "invented_date",
    "not_retrieved_decision",
    "marker_beyond_sources",
    "wrong_paragraph_quote",
    "invented_reference",
]


@pytest.mark.parametrize("case", HOSTILE_CASES)
def test_hostile_model_output_is_caught(full_engine, ot_ctx, case):
    facts, ctx = ot_ctx
    text, counter = _hostile_cases(full_engine, ctx)[case]
    result, pieces = _draft(full_engine, facts, text)
    v = result.verification
    assert "".join(pieces) == text
    assert not v.passed, f"{case} not caught: {v.to_dict()}\n{result.body}"
    assert getattr(v, counter), f"{case}: expected {counter} in the report, got {v.to_dict()}"
    assert v.notes, "the report says which and why"
    assert_clean_letter(result, full_engine)
    # the defect is gone or visibly marked in what the user sees
    if counter == "unsupported_facts":
        for bad in v.unsupported_facts:
            assert f"{bad} [unverified]" in result.body
    if case == "misquotation":
        assert "never" not in result.body.split("The Ombudsman also said:")[-1] or "quotation removed" in result.body
    if case == "not_retrieved_decision":
        assert not re.search(r"\[\d\d \d{3} \d{3}, para 5\]", result.body.split("criticised such delays")[-1])
    if case == "marker_beyond_sources":
        assert not re.search(r"\[S\d+", result.body), result.body
    if case == "wrong_paragraph_quote":
        assert any(n.startswith("moved citation") for n in v.notes), v.notes


def test_the_json_of_a_model_draft_lists_every_citation(full_engine, ot_ctx):
    facts, ctx = ot_ctx
    text, _ = _hostile_cases(full_engine, ctx)["wrong_paragraph_quote"]
    d = json.loads(json.dumps(_draft(full_engine, facts, text)[0].to_dict()))
    listed = {(c["doc_id"], c["para"]) for c in d["citations"]}
    inline = set()
    for m in CITE_RE.finditer(d["letter"]):
        nums = ["summary"] if m.group("summary") else re.split(r"\s*(?:,|and)\s*", m.group("nums"))
        inline |= {(m.group("id").strip(), n) for n in nums}
    assert inline == listed
    assert d["verification"]["quotes_fixed_or_removed"] == 1 and d["verification"]["passed"] is False


UNCITED_LETTER = (
    "**Formal complaint (stage 1)**\n\nI am writing as the parent of T to complain about Liverpool City Council. "
    "T has had no occupational therapy since September 2024, although his plan requires it. The Ombudsman has often "
    "criticised councils for this.\n\nI ask for OT within four weeks and an apology.\n\nYours faithfully,\n\nParent of T\n"
)


def test_a_model_letter_that_cites_nothing_gets_the_verified_precedent_section(full_engine, ot_ctx):
    facts, ctx = ot_ctx
    result, pieces = _draft(full_engine, facts, UNCITED_LETTER)
    v = result.verification
    assert "".join(pieces) == UNCITED_LETTER, "what streamed is the model's own letter"
    assert len({(c.doc_id, c.para) for c in result.citations}) >= 2, result.body
    assert all(c.quote for c in result.citations), "each added citation quotes its paragraph"
    assert v.citations_removed == 0 and v.quotes_fixed_or_removed == 0 and not v.unsupported_facts, v.to_dict()
    assert any("added by the template writer" in n for n in v.notes), v.notes
    # the model's own "The Ombudsman has often criticised councils for this." cites nothing: marked (app.claims)
    from app.claims import CHECK_MARK_RE

    uncited = next(ln for ln in result.body.splitlines() if "often criticised" in ln)
    assert CHECK_MARK_RE.search(uncited.split("often criticised")[1]) and not v.passed, result.body
    body = result.body
    assert body.index("What the Ombudsman has found") < body.index("Yours faithfully"), (
        "the section goes before the sign-off"
    )
    unmarked = re.sub(" " + CHECK_MARK_RE.pattern, "", body)
    assert unmarked.startswith(UNCITED_LETTER.split("Yours faithfully")[0].rstrip()), "the model's own words are kept"
    assert_clean_letter(result, full_engine)


def test_a_model_letter_whose_only_citation_was_invented_keeps_the_report_of_its_removal(full_engine, ot_ctx):
    facts, ctx = ot_ctx
    text = UNCITED_LETTER.replace("for this.", f"for this [S{len(ctx.precedents) + 3}].")
    result, _ = _draft(full_engine, facts, text)
    v = result.verification
    assert v.citations_removed == 1 and not v.passed, v.to_dict()
    assert result.citations and any("added by the template writer" in n for n in v.notes)
    # the report adds up: the model's removed marker plus the section's citations, all checked
    assert v.citations_checked == 1 + len(result.citations) and result.precedents_added
    assert any(n.startswith("removed") and "[S" in n for n in v.notes), "the first pass's note of the removal is kept"
    assert not re.search(r"\[S\d+", result.body)


def test_a_model_letter_with_its_own_citation_is_left_as_written(full_engine, ot_ctx):
    facts, ctx = ot_ctx
    m1, _, q1 = _source(ctx, 0)
    text = UNCITED_LETTER.replace("for this.", f"for this: “{q1}” [{m1}].")
    result, _ = _draft(full_engine, facts, text)
    assert len(result.citations) == 1 and not result.precedents_added
    assert not any("added by the template writer" in n for n in result.verification.notes)


@pytest.mark.parametrize("sign_off", ["Yours faithfully,", "*Yours sincerely*", "With kind regards,", "Many thanks,"])
def test_the_added_precedents_go_before_any_usual_sign_off(full_engine, ot_ctx, sign_off):
    facts, ctx = ot_ctx
    text = UNCITED_LETTER.replace("Yours faithfully,", sign_off)
    body = _draft(full_engine, facts, text)[0].body
    assert body.index("What the Ombudsman has found") < body.index(sign_off.strip("*,")), body


def test_a_model_sentence_its_citation_does_not_bear_out_is_marked(full_engine, ot_ctx):
    from app.cite import UNSUPPORTED_MARK

    facts, ctx = ot_ctx
    m1, h1, q1 = _source(ctx, 0)
    invented = f"The Ombudsman found that the council must buy every disabled child a new laptop each year [{m1}]."
    text = _clean_letter(ctx).replace("Yours faithfully", invented + "\n\nYours faithfully")
    result, _ = _draft(full_engine, facts, text)
    v = result.verification
    assert v.claims_flagged == 1 and not v.passed, v.to_dict()
    assert result.body.count(UNSUPPORTED_MARK) == 1
    flagged_line = next(ln for ln in result.body.splitlines() if UNSUPPORTED_MARK in ln)
    assert "laptop" in flagged_line, "the mark sits on the sentence that says too much, not on the quoted ones"
    assert any("may not say this" in n and "council must buy" in n for n in v.notes), v.notes


def test_a_model_that_fails_gives_a_one_line_user_error(full_engine, ot_ctx):
    facts, _ = ot_ctx
    broken = FakeChat("Dear council, I am writing", fail_at_chunk=3)
    with pytest.raises(UserError) as e:
        full_engine.draft(facts, chat_model=broken)
    assert "\n" not in str(e.value)


# ============================================================================= 4. the gold drafting situations


@pytest.fixture(scope="module")
def gold_drafts(full_engine):
    """Every situation of evals/gold/drafting.yaml drafted once by the template writer."""
    out = {}
    where = os.environ.get("DRAFT_LETTERS_DIR")
    for sid, s in SITUATIONS.items():
        out[sid] = full_engine.draft(parse_facts(s["facts"]), llm="template")
        if where:
            Path(where).mkdir(parents=True, exist_ok=True)
            (Path(where) / f"{sid}.md").write_text(out[sid].markdown(), encoding="utf-8")
    return out


def test_the_gold_set_is_varied_enough():
    roles = [SITUATIONS[i]["facts"]["role"] for i in IN_CORPUS]
    assert len(IN_CORPUS) >= 12 and roles.count("officer") >= 4 and roles.count("parent") >= 8
    assert OUT_OF_CORPUS == ["d15"]


@pytest.mark.parametrize("sid", IN_CORPUS)
def test_gold_situation_template_draft_passes_and_cites_two_paragraphs(gold_drafts, full_engine, sid):
    r = gold_drafts[sid]
    v = r.verification
    assert v.passed, v.notes
    assert v.citations_removed == 0 and v.quotes_fixed_or_removed == 0 and v.unsupported_facts == [], v.notes
    assert r.writer == "template" and not r.no_close_precedent
    cited = {(c.doc_id, c.para) for c in r.citations}
    assert len(cited) >= 2, f"{sid} cites {sorted(cited)}"
    assert_clean_letter(r, full_engine)
    role = SITUATIONS[sid]["facts"]["role"]
    if role == "officer":  # addressed to a person, never quoting the officer's note back as "You wrote"
        assert "Ombudsman" in r.body and "Dear complainant" not in r.body and "You wrote" not in r.body
    else:  # the next step names the Ombudsman; its 12 months are in the letter, or told to the user when they have run
        assert "Local Government and Social Care Ombudsman" in r.body and "What I am asking for" in r.body
        assert "12 months" in r.body or "12-month" in r.body or any("12-month" in n for n in r.notes), r.notes


@pytest.mark.parametrize("sid", IN_CORPUS)
def test_gold_situation_issues_are_spotted(gold_drafts, sid):
    expected = set(SITUATIONS[sid]["expect_issues"])
    assert expected <= set(gold_drafts[sid].issues), (
        f"{sid}: expected {sorted(expected)}, spotted {gold_drafts[sid].issues}"
    )


@pytest.mark.parametrize("sid", IN_CORPUS)
def test_gold_situation_citations_read_as_support(gold_drafts, full_engine, sid):
    """Mechanical parts of 'a reader would agree the paragraph supports the point': a quotation is a whole sentence
    (not a fragment cut at a colon), "the Ombudsman found:" is followed by what it found, and a decision that found
    no fault is not offered as a finding in the complainant's favour."""
    r = gold_drafts[sid]
    source = IndexSource(full_engine.index())
    problems = []
    for c in r.citations:
        text = source.paragraph_text(c.doc_id, c.para) or ""
        if c.quote:
            after = text[text.find(c.quote) + len(c.quote) :].lstrip()
            if after.startswith(":") or len(c.quote.split()) < 6:
                problems.append(f"[{c.doc_id}, {c.para}] quotes a fragment: “{c.quote}”")
        if re.search(r"\bno fault\b", text, re.I) and not re.search(
            r"\b(was|were|is|at) fault\b|found fault|fault (by|with|in)\b", text, re.I
        ):
            problems.append(f"[{c.doc_id}, {c.para}] found no fault, yet is cited as support: {text[:120]}")
    for m in re.finditer(r"(found|said):\s*(\[[^\]]+\])", r.body):
        problems.append(f"“{m.group(0)}”: a citation with nothing quoted or stated")
    for m in re.finditer(
        r"found: “((?:Mr|Mrs|Ms|Miss|Dr|She|He|They)\b[^”]{0,40}?\b(?:complain|says|said|told|asked|wants)[^”]*)”",
        r.body,
    ):
        problems.append(f"the complainant's words are offered as what the Ombudsman found: “{m.group(1)[:100]}”")
    # each quotation under an issue's heading is about that issue (the law, the finding and the remedy alike)
    from app.issues import ISSUE_TYPES

    by_title = {t.title: t.label for t in ISSUE_TYPES}
    for block in r.body.split("\n\n"):
        head = re.match(r"\*([^*]+)\.\*", block)
        label = by_title.get(head.group(1)) if head else None
        if not label or label not in ON_TOPIC:
            continue
        for q in re.finditer(r"“([^”]+)”\s*(\[[^\]]+\])", block):
            about = q.group(1)
            if "On the remedy" in block[max(0, q.start() - 200) : q.start()]:
                # a remedy may be quoted by its sum alone; what it was for can be in the rest of its paragraph
                about += " " + "".join(
                    source.paragraph_text(d, n) or "" for d, n, _ in cited_pairs(q.group(2), source) if d
                )
            if not re.search(ON_TOPIC[label], about, re.I):
                problems.append(
                    f"under “{head.group(1)}”, {q.group(2)} is quoted for something else: “{q.group(1)[:110]}”"
                )
    assert problems == [], "\n".join(problems)


# what a quotation cited for an issue must be about (a reader's test, written independently of app.issues)
ON_TOPIC = {
    "section_f_provision": r"section f|provision|therap|\bOT\b|SALT|speech|sessions|tuition|support",
    "annual_review": r"review|amend|phase transfer|secondary transfer",
    "needs_assessment": r"assess|20[- ]week|psycholog",  # educational psychologists advise in the assessment
    "out_of_school": r"section 19|s\.19|\beducation\b|school|tuition|alternative provision",
    "transport": r"transport|travel|journey|mileage|taxi|famil",
    "personal_budget": r"personal budget|direct payment",
    "social_care_assessment": r"section 17|social care|assess|short break|respite|disabled",
    "complaint_handling": r"complain|stage (one|two|1|2)",
    "communication": r"communicat|respon|contact|e-?mail|update|correspondence|chas|frustrat",
}


def test_out_of_corpus_situation_says_no_close_precedent_and_cites_nothing(gold_drafts):
    r = gold_drafts["d15"]
    assert r.no_close_precedent, f"spotted {r.issues}, cited {[(c.doc_id, c.para) for c in r.citations]}"
    assert r.citations == [] and not CITE_RE.search(r.body)
    assert NO_PRECEDENT in r.body and r.verification.passed


def test_template_drafts_are_deterministic(full_engine):
    f = parse_facts(SITUATIONS["o01"]["facts"])
    assert full_engine.draft(f, llm="template").letter == full_engine.draft(f, llm="template").letter


def test_remedy_rows_are_drawn_from_the_paragraph_they_cite(gold_drafts, full_engine):
    source = IndexSource(full_engine.index())
    rows = [row for r in gold_drafts.values() for row in r.remedies]
    assert rows
    for row in rows:
        text = source.paragraph_text(row["doc_id"], row["para"])
        assert text is not None, row
        for amount in re.findall(r"£[\d,]+(?:\.\d\d)?", row["amount_text"]):
            assert amount in text or amount.replace(",", "") in text.replace(",", ""), (row, text[:200])


# ============================================================================= 5. refinement


@pytest.fixture(scope="module")
def first_draft(full_engine):
    facts = parse_facts(OT_FACTS)
    return facts, full_engine.draft(facts, llm="template")


def test_refine_adds_a_fact_and_still_passes(full_engine, first_draft):
    facts, first = first_draft
    new_facts, r = full_engine.refine(facts, "add that I emailed twice in March 2024", previous=first, llm="template")
    assert "emailed twice in March 2024" in r.body
    assert any("March 2024" in c for c in new_facts.contacts)
    assert r.verification.passed and r.verification.citations_removed == 0, r.verification.notes
    assert_clean_letter(r, full_engine)


def test_refine_make_it_shorter(full_engine, first_draft):
    facts, first = first_draft
    new_facts, r = full_engine.refine(facts, "make it shorter", previous=first, llm="template")
    assert new_facts.short and new_facts.model_copy(update={"short": False}) == facts  # kept for the next change
    assert r.verification.passed, r.verification.notes
    assert len(r.body) < len(first.body), "a shorter letter was asked for"
    assert_clean_letter(r, full_engine)


def test_refine_needs_an_instruction(full_engine, first_draft):
    facts, first = first_draft
    with pytest.raises(FactsError):
        full_engine.refine(facts, "   ", previous=first, llm="template")


def test_refine_through_a_model_is_verified_too(full_engine, first_draft, ot_ctx):
    facts, first = first_draft
    _, ctx = ot_ctx
    m1, h1, q1 = _source(ctx, 0)
    revised = f"A shorter letter. The Ombudsman said “{q1}” [{m1}]. It also awarded £12,345 [{m1}]. See [24 004 187, para 999]."
    pieces = []
    _, r = full_engine.refine(
        facts, "make it shorter", previous=first, chat_model=FakeChat(revised), on_token=pieces.append
    )
    assert "".join(pieces) == revised
    v = r.verification
    assert not v.passed and v.citations_removed == 1 and v.unsupported_facts == ["£12,345"]
    assert_clean_letter(r, full_engine)


# ============================================================================= 6. llama.cpp smoke test


def test_smoke_draft_through_llama_cpp_with_smollm2(full_engine):
    pytest.importorskip("llama_cpp", reason="llama-cpp-python is not installed (make llm installs it)")
    from app.gguf import load_chat_model

    model = load_chat_model("smollm2-135m", max_tokens=120)
    facts = parse_facts(
        {"role": "parent", "child": "S", "issue": "my son's speech therapy keeps being cancelled", "since": "2025-01"}
    )
    pieces: list[str] = []
    try:
        r = full_engine.draft(facts, chat_model=model, on_token=pieces.append)
    finally:
        try:
            model.client.close()
        except Exception:
            pass
    assert len(pieces) > 5 and "".join(pieces).strip(), "tokens stream from llama.cpp"
    rep = r.verification.to_dict()
    assert {
        "citations_checked",
        "citations_removed",
        "quotes_checked",
        "quotes_fixed_or_removed",
        "unsupported_facts",
        "passed",
    } <= set(rep)
    assert r.body.strip()
    # whatever SmolLM2 wrote, what is shown has no unmarked defect
    assert_clean_letter(r, full_engine)


# ----------------------------------------------------------------------------- the writer seam (issue 17)


def test_one_registry_names_every_writer_and_makes_each_one():
    from typing import get_args

    from app.settings import Settings
    from app.writer_catalog import WriterName, names_text
    from app.writers import WRITERS, MadeWriter, RefiningWriter, TemplateWriter, WriterError, make_writer

    assert tuple(WRITERS) == get_args(WriterName) == ("template", "local", "ollama", "openai")
    assert WRITERS["template"].label == "Template (recommended: fast, quotes the decisions word for word)"
    assert WRITERS["local"].label.startswith("Local model (experimental: restates your account")
    assert [n for n, s in WRITERS.items() if not s.info.experimental] == ["template"]
    assert all(s.label and s.info.description for s in WRITERS.values())
    made = make_writer("template", Settings())
    assert isinstance(made, MadeWriter) and isinstance(made.writer, TemplateWriter) and made.note is None
    assert isinstance(made.writer, RefiningWriter) and made.writer.name == "template"
    with pytest.raises(WriterError) as e:
        make_writer("gpt", Settings())
    assert str(e.value) == f"unknown writer 'gpt': use {names_text()}"
    assert names_text() == "template, local, ollama or openai"


def test_an_unknown_writer_in_the_environment_is_one_line(monkeypatch):
    from app.settings import Settings

    monkeypatch.setenv("PRECEDENT_LLM", "gpt")
    with pytest.raises(UserError, match=r"^unknown writer 'gpt': use template, local, ollama or openai$"):
        Settings()
    monkeypatch.setenv("PRECEDENT_LLM", "local")
    assert Settings().llm == "local"
    assert Settings().with_overrides(llm="chat").llm == "chat"  # what a test passing a chat model may name it


@pytest.mark.parametrize("name,module", [("ollama", "langchain_ollama"), ("openai", "langchain_openai")])
def test_a_writer_whose_optional_package_is_missing_names_the_extra(monkeypatch, name, module):
    import sys

    from app.settings import Settings
    from app.writers import make_writer

    monkeypatch.setitem(sys.modules, module, None)  # as if it were not installed
    with pytest.raises(UserError) as e:
        make_writer(name, Settings(openai_base_url="http://127.0.0.1:9"))
    assert f"pip install 'precedent[{name}]'" in str(e.value) and "\n" not in str(e.value)


def test_drafting_modules_import_one_way():
    """writers never import draft (draft imports writers), and no module of the app imports itself round a cycle."""
    import ast

    graph = {}
    for p in (ROOT / "app").glob("*.py"):
        deps = set()
        for node in ast.parse(p.read_text(encoding="utf-8")).body:  # module level: what loads on import
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                deps |= {node.module.split(".")[0]} if node.module else {a.name for a in node.names}
        graph[p.stem] = deps
    assert "draft" not in graph["writers"] and "writers" in graph["draft"]
    assert not graph["writer_catalog"], "the catalogue is data: settings, the CLI and the UI read it cheaply"

    def reaches(a: str, b: str, seen: set) -> bool:
        return any(d == b or (d not in seen and not seen.add(d) and reaches(d, b, seen)) for d in graph.get(a, ()))

    assert not [m for m in graph if reaches(m, m, set())], "an import cycle"


def test_cli_a_letter_that_fails_its_checks_is_not_finished(cli, full_index, ot_facts_file, tmp_path, monkeypatch):
    """Issue 15: `draft --json` says passed: false and exits 1, --out is not written, and only --keep-going (the
    person has read the report) writes it and exits 0."""
    import app.engine
    from app.writers import ChatWriter, MadeWriter

    hostile = (
        "Dear Council,\n\nThe Ombudsman ordered £25,000 for every child [99 999 999, para 99].\n\nYours faithfully"
    )
    made = MadeWriter(ChatWriter("local", FakeChat(reply=lambda prompt: hostile)))
    monkeypatch.setattr(app.engine.Engine, "writer", lambda self, llm=None, chat_model=None: made)
    out = tmp_path / "letter.docx"
    r = cli("draft", "--facts", ot_facts_file, "--llm", "local", "--index", full_index, "--json", "--out", out)
    assert r.code == 1 and r.json()["passed"] is False, r.stderr
    assert not out.exists()
    assert "failed its checks" in r.stderr and "was not written" in r.stderr and "--keep-going" in r.stderr
    assert any(ln.startswith("failed: ") and "99 999 999" in ln for ln in r.stderr.splitlines()), r.stderr
    kept = cli("draft", "--facts", ot_facts_file, "--llm", "local", "--index", full_index, "--out", out, "--keep-going")
    assert kept.code == 0 and out.exists(), kept.stderr


def test_cli_a_letter_that_passes_exits_zero_with_passed_true(cli_json):
    assert cli_json.json()["passed"] is True
