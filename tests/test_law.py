"""The law as a citable source: the built-in extracts in corpus/law, how they parse and are cited, the register of
provisions (every held quotation verbatim in its paragraph), and the verifier's law checks."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.cite import IndexSource, check_provisions, find_verbatim, verify
from app.corpus import parse_file
from app.errors import UserError
from app.law import REGISTER, cite_text, held_quote, named_provisions, provision
from app.models import Hit
from app.quoting import cite_label
from helpers import BUILTIN_DOCUMENTS, CORPUS, LAW_EXTRACTS, SHARED_CORPUS

LAW = CORPUS / "law"


def law_files() -> list[Path]:
    return sorted(LAW.glob("*.txt"))


@pytest.fixture(scope="module")
def builtin_docs():
    return {d.doc_id: d for d in (parse_file(f) for f in sorted(CORPUS.rglob("*.txt")))}


# ----------------------------------------------------------------------------- the extracts


def test_every_extract_is_headed_by_its_source_and_version():
    files = law_files()
    assert len(files) == LAW_EXTRACTS and BUILTIN_DOCUMENTS == 5 + LAW_EXTRACTS
    for f in files:
        first, version = f.read_text(encoding="utf-8").splitlines()[:2]
        assert first.startswith("Source-URL: http"), f.name
        # the version line says which version, and whether the stored copy was cut short or is a quotation
        assert re.search(r"REVISED|POINT-IN-TIME|AS MADE|AS QUOTED|as published|as quoted", version), f.name
        assert re.search(r"truncated|complete|only this one", version, re.I), f.name
        if "legislation.gov.uk" in first:
            assert "Open Government Licence v3.0" in version, f.name


def test_every_extract_parses_as_law_with_its_citation_name(builtin_docs):
    law = {d.doc_id: d for d in builtin_docs.values() if d.kind == "law"}
    assert len(law) == LAW_EXTRACTS  # one document each: no two extracts claim the same citation
    s19 = law["Education Act 1996, s 19"]
    assert [p.para for p in s19.paragraphs] == ["(1)", "(1A)", "(2B)"]  # "(2) . . ." (repealed) is not a paragraph
    assert s19.source_url.startswith("https://legislation.gov.uk/") and "TRUNCATED" in s19.title
    assert [p.para for p in law["SEND Regulations 2014, reg 20"].paragraphs][:3] == ["20(ZA)", "20(1)", "20(2)"]
    assert [p.para for p in law["Education Act 1996, Sch 35B paras 2-3"].paragraphs] == ["2", "3"]
    assert [p.para for p in law["LGSCO Complaint Handling Code, paras 6.1-6.8"].paragraphs][:2] == ["6.1", "6.2"]
    assert [p.para for p in law["HESC Tribunal Rules 2008, r 20"].paragraphs] == ["20(1)"]
    # a third party's quotation is one paragraph, numbered by the provision it quotes
    assert [p.para for p in law["Children and Families Act 2014, s 36(8)"].paragraphs] == ["(8)"]
    assert all(p.to_dict("law")["role"] == "law" for d in law.values() for p in d.paragraphs)


def test_the_two_shared_extracts_are_built_in_byte_for_byte():
    """../shared/corpus/law is never ingested beside corpus/ (tests and evals take its lgsco/ folder only); and were
    it ingested, the ingester refuses a file with the same bytes as one already indexed."""
    for f in (SHARED_CORPUS / "law").glob("*.txt"):
        assert (LAW / f.name).read_bytes() == f.read_bytes()


def test_decisions_are_not_read_as_law(shared_corpus):
    assert not [f.name for f in sorted((shared_corpus / "lgsco").glob("*.txt")) if parse_file(f).kind == "law"]


# ----------------------------------------------------------------------------- citing the law


def test_a_law_paragraph_is_cited_by_instrument_and_pinpoint():
    hit = Hit("Education Act 1996, s 19", None, None, "(1)", "", "text", 1.0, "", None, None, None, kind="law")
    assert cite_label(hit) == hit.label == "[Education Act 1996, s 19(1)]"
    assert cite_text("SEND Regulations 2014, reg 13", "13(2)") == "[SEND Regulations 2014, reg 13(2)]"
    assert cite_text("Children Act 1989, s 17", "(1)") == "[Children Act 1989, s 17(1)]"
    assert cite_text("SEND Code of Practice 2015, paras 9.166-9.169", "9.166") == (
        "[SEND Code of Practice 2015, para 9.166]"
    )
    assert (
        cite_text("LGSCO Complaint Handling Code, paras 6.1-6.8", "6.2") == "[LGSCO Complaint Handling Code, para 6.2]"
    )
    assert cite_text("Education Act 1996, Sch 35B paras 2-3", "2") == "[Education Act 1996, Sch 35B para 2]"
    assert cite_text("24 004 187", "19") == "[24 004 187, para 19]"  # a decision is cited as before


@pytest.fixture(scope="module")
def seed_source(seed_index, encoder):
    from helpers import make_engine

    eng = make_engine(seed_index, encoder)
    yield IndexSource(eng.index())
    eng.close()


def test_verifier_resolves_law_citations_and_checks_quotations_verbatim(seed_source):
    letter = (
        "The council must arrange education for “those children of compulsory school age who, by reason of illness, "
        "exclusion from school or otherwise, may not for any period receive suitable education” "
        "[Education Act 1996, s 19(1)]. The final plan was due “within 20 "
        "weeks of the local authority receiving a request for an EHC needs assessment” [SEND Regulations 2014, "
        "reg 13(2)]. Plans “must be reviewed by the local authority as a minimum every 12 months” "
        "[SEND Code of Practice 2015, para 9.166]. “Complaints should be acknowledged, and logged at stage 1 of the "
        "complaints procedure within five working days of the complaint being received” "
        "[LGSCO Complaint Handling Code, para 6.2]."
    )
    out, v, cites = verify(letter, seed_source)
    assert v.passed and v.citations_removed == 0 and v.quotes_checked == 4, v.notes
    assert out == letter
    assert {(c.doc_id, c.para) for c in cites} == {
        ("Education Act 1996, s 19", "(1)"),
        ("SEND Regulations 2014, reg 13", "13(2)"),
        ("SEND Code of Practice 2015, paras 9.166-9.169", "9.166"),
        ("LGSCO Complaint Handling Code, paras 6.1-6.8", "6.2"),
    }


def test_a_law_quotation_in_the_wrong_subsection_moves_and_a_misquotation_is_removed(seed_source):
    moved = "“The panel shall meet within 30 working days” [Representations Procedure Regulations 2006, reg 19(1)]."
    out, v, _ = verify(moved, seed_source)
    assert "[Representations Procedure Regulations 2006, reg 19(4)]" in out and v.quotes_fixed_or_removed == 1
    wrong = "“Each local authority shall arrange education within 15 school days” [Education Act 1996, s 19(1)]."
    out, v, _ = verify(wrong, seed_source)
    assert "quotation removed" in out and not v.passed


def test_an_unheld_law_citation_is_removed_like_a_bad_decision_citation(seed_source):
    out, v, _ = verify("The duty is clear [Education Act 1996, s 99(1)].", seed_source)
    assert "[Education Act 1996, s 99(1)]" not in out and v.citations_removed == 1 and not v.passed
    assert any("no such provision is held" in n for n in v.notes)


def test_precedent_show_finds_the_extract_with_its_source(cli, seed_index):
    run = cli("show", "Education Act 1996, s 19", "--index", seed_index)
    assert run.code == 0, run.stderr
    assert "url: https://legislation.gov.uk/id/ukpga/1996/56/paragraph/19" in run.stdout
    assert "Each local authority in England shall make arrangements" in run.stdout
    pin = cli("show", "SEND Regulations 2014, reg 13(2)", "--index", seed_index)
    assert pin.code == 0 and "within 20 weeks" in pin.stdout, pin.stderr


# ----------------------------------------------------------------------------- the register


def _shared_docs() -> dict:
    folder = SHARED_CORPUS / "lgsco"
    return {d.doc_id: d for d in (parse_file(f) for f in sorted(folder.glob("*.txt")))} if folder.is_dir() else {}


def test_every_held_quotation_is_verbatim_in_its_paragraph(builtin_docs):
    shared = None
    checked = 0
    for p in REGISTER.values():
        for h in p.held:
            if h.builtin:
                doc = builtin_docs.get(h.doc_id)
            else:
                shared = _shared_docs() if shared is None else shared
                if not shared:
                    pytest.skip("../shared/corpus is missing")
                doc = shared.get(h.doc_id)
            assert doc is not None, f"{p.id}: no document {h.doc_id!r} ({'corpus/' if h.builtin else 'shared'})"
            para = doc.paragraph(h.para)
            assert para is not None, f"{p.id}: {h.doc_id} has no paragraph {h.para}"
            assert find_verbatim(h.quote, para.text), f"{p.id}: not verbatim in {h.cite}: {h.quote!r}"
            assert h.cite == cite_text(h.doc_id, h.para)
            checked += 1
    assert checked >= 35


def test_every_held_citation_resolves_through_the_verifier(seed_source):
    letter = " ".join(f"“{h.quote}” {h.cite}." for p in REGISTER.values() for h in p.held if h.builtin)
    _, v, _ = verify(letter, seed_source)
    assert v.passed and v.citations_removed == 0 and v.quotes_fixed_or_removed == 0, v.notes


def test_the_ids_the_issue_taxonomy_uses_are_held():
    wanted = (
        "EA1996-s19 EA1996-s508B EA1996-Sch35B CFA2014-s36 CFA2014-s42 CFA2014-s44 CFA2014-s49 CFA2014-s51 "
        "SEND2014-reg4 SEND2014-reg5 SEND2014-reg10 SEND2014-reg13 SEND2014-reg18 SEND2014-reg20 SEND2014-reg22 "
        "SEND2014-reg44 SENPB2014-reg12 SENPB2014-reg14 SENDCoP2015-9.166 CA1989-s17 CA1989-s17-10 CA1989-s26 "
        "CAReps2006-reg14 CAReps2006-reg17 CAReps2006-reg18 CAReps2006-reg19 SGR2005-reg3 SGR2005-reg6 "
        "SGR2005-reg13 SGR2005-reg14 SGR2005-reg15 SGR2005-reg16 SGR2005-reg17 SGR2005-reg18 CA1989-s23C "
        "LGA1974-s26B HESC2008-r20 LGSCO-CHC-ack LGSCO-CHC-stage1 LGSCO-CHC-stage2 LGSCO-remedies DfE-health-needs"
    ).split()
    assert not [pid for pid in wanted if pid not in REGISTER]
    # the deadlines module's older ids still find their entries
    assert provision("CA-Reps-reg14") is REGISTER["CAReps2006-reg14"]
    # what letters rely on most is held in words, not only named
    for pid in ("EA1996-s19", "CFA2014-s42", "SEND2014-reg13", "SEND2014-reg20", "LGA1974-s26B", "HESC2008-r20"):
        assert held_quote(pid) is not None, pid


def test_an_unknown_provision_id_is_one_clear_line():
    with pytest.raises(UserError) as e:
        provision("EA1996-s99")
    assert str(e.value) == "no provision 'EA1996-s99' in the law register (app/data/law_register.yaml)"


def test_held_quote_prefers_an_indexed_document():
    only_reports = held_quote("CFA2014-s42", indexed=lambda doc_id: doc_id == "24 004 187")
    assert only_reports is not None and only_reports.cite == "[24 004 187, para 11]"
    assert held_quote("CFA2014-s42", indexed=lambda doc_id: False) is None
    assert held_quote("SGR2005-reg6") is None  # not held in words: cite by name only


def test_named_provisions_finds_what_a_letter_names():
    text = (
        "Under section 19 of the Education Act 1996 (s 19 Education Act 1996, or simply s19) and section 42 of the "
        "Children and Families Act 2014, regulation 20 of the SEND Regulations 2014 and reg 22 apply; so do regs 13 "
        "to 18 of the Special Guardianship Regulations 2005 and [Education Act 1996, s 19(1)]. But section 99 of the "
        "Education Act 1996 is not held. It's 19 weeks late."
    )
    named = [(n.text, n.provision.id if n.provision else None) for n in named_provisions(text)]
    assert named == [
        ("section 19 of the Education Act 1996", "EA1996-s19"),
        ("s 19 Education Act 1996", "EA1996-s19"),
        ("s19", "EA1996-s19"),
        ("section 42 of the Children and Families Act 2014", "CFA2014-s42"),
        ("regulation 20 of the SEND Regulations 2014", "SEND2014-reg20"),
        ("reg 22", "SEND2014-reg22"),
        *[("regs 13 to 18 of the Special Guardianship Regulations 2005", f"SGR2005-reg{n}") for n in range(13, 19)],
        ("[Education Act 1996, s 19(1)]", "EA1996-s19"),
        ("section 99 of the Education Act 1996", None),
    ]


# ----------------------------------------------------------------------------- the verifier's law checks


def test_a_letter_naming_a_provision_the_register_does_not_hold_does_not_pass(seed_source):
    _, v, _ = verify("The council breached section 99 of the Education Act 1996.", seed_source)
    assert not v.passed and any("section 99 of the Education Act 1996" in n for n in v.notes)
    _, ok, _ = verify("The council breached section 19 of the Education Act 1996.", seed_source)
    assert ok.passed, ok.notes


def test_a_councils_own_policy_is_never_presented_as_the_law(seed_source):
    # report 24 012 399 para 22 is the council's own procedure: "It says it will aim to provide a written response ..."
    policy = "The law says the council must answer a stage 2 complaint within 20 working days [24 012 399, para 22]."
    v = check_provisions(policy, seed_source, seed_source.resolve)
    assert not v.passed and "council's own account or policy" in v.notes[0]
    # the same paragraph cited as what the council says of itself is fine, as is the law cited as the law
    fair = "The council's own procedure says it will aim to respond within 20 working days [24 012 399, para 22]."
    assert check_provisions(fair, seed_source, seed_source.resolve).passed
    law = "The law requires the panel within 30 working days [Representations Procedure Regulations 2006, reg 19(4)]."
    assert check_provisions(law, seed_source, seed_source.resolve).passed


def test_search_shows_a_law_extract_with_its_source(cli, seed_index):
    run = cli(
        "search",
        "children of compulsory school age who by reason of illness may not receive suitable education",
        "--index",
        seed_index,
        "--k",
        "3",
    )
    assert run.code == 0, run.stderr
    assert "[Education Act 1996, s 19(1)] — law extract; source: https://legislation.gov.uk/" in run.stdout


def test_every_numbered_provision_is_found_by_its_own_name():
    """A letter names a provision as the register names it; the verifier must then find that very entry (the name of
    the Children Act 1989 Representations Procedure (England) Regulations 2006 begins with another Act's name)."""
    from app.law import REGISTER, named_provisions

    for p in REGISTER.values():
        if not p.number:
            continue
        got = [n.provision.id if n.provision else None for n in named_provisions(p.name)]
        assert got in ([p.id], []), (p.id, p.name, got)
        if re.match(r"(section|regulation|rule|schedule)", p.name, re.I):
            assert got == [p.id], (p.id, p.name, got)
