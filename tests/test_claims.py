"""Claim-level verification (issue 13): every writer's sentences that say what the Ombudsman found, recommended or
awarded, what a council did in a decision, or what the law says, checked against the paragraphs each cites itself.

What went wrong before: a complaint quoted as a finding, a finding as a remedy, a council's policy as "the law";
another council's finding and award pinned on the council complained to; a sum cited "somewhere in the letter"
counted as support; a finding of fault reported as "not unreasonable". Each is caught here, marked in the letter the
reader sees, and the letter does not pass."""

from __future__ import annotations

import re

import pytest

from app.cite import IndexSource, verify
from app.claims import CHECK_MARK_RE, MARKS, check_claims, read_claims, sentence_spans, verify_claims
from app.draft import build_context, parse_facts, run_draft
from app.writers import ChatWriter
from fakes import HOSTILE_CHATS

OT_FACTS = {  # a Liverpool parent: the OT situation of tests/test_draft.py
    "role": "parent",
    "stage": "council-stage-1",
    "council": "Liverpool City Council",
    "child": "T",
    "issue": "T's EHC plan says he gets occupational therapy from a specialist OT but he has not had a single session "
    "since September 2024. I have emailed the SEN team again and again and nobody replies.",
    "provision": "Section F: fortnightly 45-minute direct OT sessions with an OT trained in sensory integration.",
    "since": "2024-09",
    "outcome_sought": "OT in place within four weeks, a payment for the sessions T has missed, and an apology.",
}
FACTS_TEXT = parse_facts(OT_FACTS).text()


@pytest.fixture(scope="module")
def seed_source(seed_index, encoder):
    from helpers import make_engine

    eng = make_engine(seed_index, encoder)
    yield IndexSource(eng.index())
    eng.close()


def _sentence_with(body: str, phrase: str) -> str:
    return next(body[s:e] for s, e in sentence_spans(body) if phrase in body[s:e])


# ----------------------------------------------------------------------------- sentences


def test_a_citation_after_the_full_stop_stays_with_its_sentence_and_a_quotation_never_ends_one():
    body = (
        "**What has gone wrong.** T has had no OT. The Ombudsman found: “The Council is at fault. It failed to do "
        "so.” [24 004 187, para 19]. In a complaint against Mr. X's council, it said “a thing”.\n\nI ask for OT."
    )
    got = [body[s:e] for s, e in sentence_spans(body)]
    assert got == [
        "T has had no OT.",
        "The Ombudsman found: “The Council is at fault. It failed to do so.” [24 004 187, para 19].",
        "In a complaint against Mr. X's council, it said “a thing”.",
        "I ask for OT.",
    ], got


# ----------------------------------------------------------------------------- the template's lead-ins (seeds)

GOOD = (
    "In a complaint against Nottinghamshire County Council (decided 8 March 2024), the Ombudsman found: “The Council "
    "is responsible for ensuring the provision in the EHC plan is put into place and failure to do so is fault” "
    "[23 009 620, para 19]. On the remedy, in a complaint against Nottinghamshire County Council (decided 8 March "
    "2024), the Ombudsman said: “I recommended the Council pay Ms B £600 to reflect the missing sessions” "
    "[23 009 620, para 25]. The law says: “The council has a duty to make sure the child or young person receives the "
    "special educational provision set out in section F of an EHC Plan” [24 004 187, para 11]. Liverpool City "
    "Council has let T down in the same way. I ask for £600, as the Ombudsman recommended in a similar case "
    "[23 009 620, para 25]."
)


def test_the_template_lead_ins_quoting_the_right_paragraphs_pass(seed_source):
    body, v = check_claims(GOOD, seed_source, FACTS_TEXT)
    assert v.passed and v.claims_failed == 0 and v.claims_checked == 4, v.notes
    assert body == GOOD and not CHECK_MARK_RE.search(body)
    ask = [c for c in read_claims(GOOD, seed_source, FACTS_TEXT) if c.ask]
    assert ask and ask[0].cites == [("23 009 620", "25")] and not ask[0].problems, "an ask backed by its own citation"


@pytest.mark.parametrize(
    "sentence, mark, why",
    [
        (  # the complaint quoted as the Ombudsman's finding
            "In a complaint against Liverpool City Council (decided 24 October 2024), the Ombudsman found: “Ms X said "
            "the Council’s failings caused avoidable distress, time and trouble and a loss of special educational "
            "provision” [24 004 187, para 2].",
            MARKS["finding"],
            "the complaint",
        ),
        (  # a finding quoted as the remedy
            "On the remedy, in a complaint against Nottinghamshire County Council (decided 8 March 2024), the "
            "Ombudsman said: “changing the process should not have resulted in any delay for Ms B” [23 009 620, para 23].",
            MARKS["remedy"],
            "a finding of fault",
        ),
        (  # a council's complaints procedure quoted as the law
            "The law says: “It says it will aim to provide a written response to the complaint at this second stage of "
            "its procedure, within 20 working days” [24 012 399, para 22].",
            MARKS["law"],
            "the council's own account or policy",
        ),
        (  # the council's own account (what it accepted) quoted as the Ombudsman's finding
            "In a complaint against Liverpool City Council, the Ombudsman found: “The Council responded to Ms X’s "
            "complaint saying it was sorry for poor communication” [24 004 187, para 16].",
            MARKS["finding"],
            "the council's own account",
        ),
    ],
)
def test_a_quotation_given_the_wrong_job_is_marked_and_the_letter_fails(seed_source, sentence, mark, why):
    letter = GOOD + " " + sentence
    body, v = check_claims(letter, seed_source, FACTS_TEXT)
    assert not v.passed and v.claims_failed == 1, v.notes
    assert _sentence_with(body, sentence.split("“")[1][:30]).count(mark) == 1, body
    assert len(CHECK_MARK_RE.findall(body)) == 1, "only the misquoted sentence is marked"
    assert why in v.notes[0], v.notes


def test_another_decisions_finding_pinned_on_the_users_council_is_marked(seed_source):
    bad = (
        "The Ombudsman found that Liverpool City Council “is responsible for ensuring the provision in the EHC plan is "
        "put into place” [23 009 620, para 19]."
    )
    body, v = check_claims(bad, seed_source, FACTS_TEXT)
    assert not v.passed and MARKS["council"] in body
    assert "Nottinghamshire County Council" in v.notes[0] and "Liverpool City Council" in v.notes[0], v.notes


@pytest.mark.parametrize(
    "sentence, fails",
    [
        (
            "Liverpool City Council has failed T in the same way, as the Ombudsman found in a similar case "
            "[23 009 620, para 19].",
            False,
        ),  # the user's own clause, then the comparison
        ("Liverpool City Council will therefore pay me £600 [23 009 620, para 25].", True),  # another decision's award
        (
            "Liverpool City Council “failed to ensure Ms B's son received his occupational therapy sessions” "
            "[23 009 620, para 19].",
            True,
        ),  # another decision's words, as if said of the user's council
    ],
)
def test_the_users_council_may_be_compared_but_not_given_another_decisions_award(seed_source, sentence, fails):
    body, v = check_claims(sentence, seed_source, FACTS_TEXT)
    assert (MARKS["council"] in body) == fails and v.passed == (not fails), v.notes


def test_a_figure_supported_only_by_another_sentences_citation_is_marked(seed_source):
    letter = (
        "On the remedy, the Ombudsman said: “I recommended the Council pay Ms B £600 to reflect the missing sessions” "
        "[23 009 620, para 25]. The Council will apologise and pay me £600."
    )
    _, letter_wide, _ = verify(letter, seed_source, facts_text=FACTS_TEXT)
    assert letter_wide.passed, "the letter-wide check is satisfied: £600 is in a paragraph the letter cites"
    body, v, _ = verify_claims(letter, seed_source, facts_text=FACTS_TEXT)
    assert not v.passed and v.claims_failed == 1, v.notes
    assert _sentence_with(body, "will apologise").endswith(MARKS["figure"] + "."), body
    assert "£600" in v.notes[-1]


def test_a_reversed_finding_is_marked(seed_source):
    body, v = check_claims(
        "The Ombudsman concluded that the delay was not unreasonable [23 009 620, para 23].", seed_source, FACTS_TEXT
    )
    assert not v.passed and MARKS["reversed"] in body and "found fault" in v.notes[0], v.notes


def test_the_users_own_account_needs_no_citation(seed_source):
    own = (
        "I am writing to complain about Liverpool City Council. T has had no OT since September 2024. I ask for OT "
        "in place within four weeks, a payment for the sessions T has missed, and an apology."
    )
    body, v = check_claims(own, seed_source, FACTS_TEXT)
    assert v.passed and v.claims_checked == 0 and body == own, v.notes


def test_a_letter_marked_once_is_not_marked_again(seed_source):
    once, v1 = check_claims("The Ombudsman also found that the council ignored every email.", seed_source, FACTS_TEXT)
    twice, v2 = check_claims(once, seed_source, FACTS_TEXT)
    assert twice == once and once.count("[check:") == 1 and v2.claims_failed == 1


# ----------------------------------------------------------------------------- every writer, through run_draft


@pytest.fixture(scope="module")
def ot_ctx(full_engine):
    facts = parse_facts(OT_FACTS)
    return facts, build_context(full_engine, facts)


@pytest.mark.parametrize("name", list(HOSTILE_CHATS))
def test_a_hostile_models_bad_claim_is_marked_and_the_letter_does_not_pass(full_engine, ot_ctx, name):
    facts, ctx = ot_ctx
    model = HOSTILE_CHATS[name]()
    result = run_draft(full_engine, facts, ChatWriter("hostile", model), ctx=ctx)
    v = result.verification
    assert not v.passed and v.claims_failed >= 1, f"{name}: {v.to_dict()}\n{result.body}"
    assert v.citations_removed == 0 and v.quotes_fixed_or_removed == 0, "only the claim checks could see this"
    bad = _sentence_with(result.body, model.planted)
    assert CHECK_MARK_RE.search(bad), f"{name}: the planted sentence is not marked:\n{result.body}"
    start = " ".join(bad.split()[:5])
    says_why = [n for n in v.notes if n.startswith(f"marked '{start}") and "before relying on it" not in n]
    assert says_why, f"the report says which sentence failed its claim check, and why: {v.notes}"
    others = [result.body[s:e] for s, e in sentence_spans(result.body) if model.planted not in result.body[s:e]]
    assert not [s for s in others if CHECK_MARK_RE.search(s)], "nothing else is marked"


def test_the_template_letter_is_checked_too(full_engine, ot_ctx):
    facts, _ = ot_ctx
    r = full_engine.draft(facts, llm="template")
    v = r.verification
    assert r.writer == "template" and v.claims_checked >= 2, v.to_dict()
    assert len(CHECK_MARK_RE.findall(r.body)) == v.claims_failed, "every failing claim is marked, once"
    assert v.passed == (v.claims_failed == 0), v.notes


def test_the_eval_figures_count_a_marked_claim_as_marked(seed_source):
    from app.claims import unmarked_failures

    bad = "The Ombudsman also found that the council ignored every email."
    assert len(unmarked_failures(bad, seed_source, "")) == 1, "a letter that skipped the claim checks is caught"
    body, _ = check_claims(bad, seed_source, "")
    assert unmarked_failures(body, seed_source, "") == []
    assert re.search(r"\[check: no decision is cited for this\]\.$", body)


def test_the_eval_reports_claim_figures_per_writer(full_engine):
    from app.cite import SupportJudge
    from app.evals import _draft_with

    situation = {"id": "ot", "facts": OT_FACTS, "expect_issues": ["section_f_provision"]}
    source = IndexSource(full_engine.index())
    figures, _ = _draft_with("template", [situation], full_engine, source, SupportJudge(full_engine.embeddings), print)
    assert figures["misattributions_unmarked"] == 0, "every failing claim in a finished letter is marked"
    assert figures["quotes_with_a_job"] >= 2 and 0 <= figures["quote_function_accuracy"] <= 1, figures
    assert figures["claims_needing_support"] >= 2 and figures["claim_recall"] is not None, figures
    assert figures["ask_figure_cited"] in (0.0, 1.0), figures


def test_an_item_of_the_ask_list_is_an_ask_though_it_does_not_say_i_ask(seed_source):
    from app.claims import read_claims

    body = (
        "**What happened.** The council paid £200 late.\n\n"
        "**What I am asking for.** The therapy now. In particular, I ask for:\n- An apology.\n- A payment of £300.\n\n"
        "**Next steps.** I will go to the Ombudsman."
    )
    asks = {c.text.strip() for c in read_claims(body, seed_source, "") if c.ask}
    assert "- A payment of £300." in asks and "- An apology." in asks
    assert not any("£200" in a or "Ombudsman" in a for a in asks)


def test_a_writer_can_ask_whether_a_quotation_fits_the_job_it_means_to_give_it(seed_source):
    from app.claims import fits_job

    doc = seed_source.index.document("23 009 620")
    p19, p25 = doc.paragraph("19"), doc.paragraph("25")
    recommended = "I recommended the Council pay Ms B £600 to reflect the missing sessions"
    assert fits_job("remedy", recommended, p25.text, p25.section)
    assert not fits_job("remedy", "failure to do so is fault", p19.text, p19.section)
    assert fits_job("finding", "failure to do so is fault", p19.text, p19.section)
    summary = seed_source.index.document("24 010 960").summary
    assert not fits_job("finding", "Mrs X complained the Council failed to properly assess her child", summary, None)
