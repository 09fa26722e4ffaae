"""The officer's investigation without a browser: the precedent summary on the seed decisions (only what the cited
paragraphs and the decisions' metadata say), the officer form turned into facts (what is still to decide named in one
line), the due dates, and the investigation's HTML (escaped)."""

from __future__ import annotations

import re
from datetime import date

import pytest

from app.errors import UserError
from app.facts import Facts
from app.precedent_summary import (
    DecisionOutcome,
    IssueSummary,
    PrecedentSummary,
    RemedyRange,
    fault_found,
    remedy_purpose,
)
from app.refine import help_text, interpret
from app.ui.forms import ActionRow, OfficerForm, PointRow, officer_facts, remedy_offer
from app.ui.investigation import benchmark_html, due_html, point_precedents_html, summary_html
from app.ui.officer import due_for
from fakes import desk_engine
from helpers import make_engine

NOTE = (
    "Ms A says her son P has had no OT since January. She emailed the SEN team three times and got no reply. "
    "The annual review due in March has not been held."
)
XSS = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">'


# ----------------------------------------------------------------------------- the precedent summary


@pytest.fixture(scope="module")
def seed_engine(seed_index, encoder):
    eng = make_engine(seed_index, encoder)
    yield eng
    eng.close()


def test_precedent_summary_states_only_what_the_cited_paragraphs_and_metadata_say(seed_engine):
    s = seed_engine.precedent_summary(Facts(role="officer", issue=NOTE))
    assert [i.label for i in s.issues] == ["section_f_provision", "annual_review", "communication"]
    assert any(i.duty_quote for i in s.issues)
    index = seed_engine.index()
    for issue in s.issues:
        assert issue.close and issue.decisions, issue.label
        assert issue.fault + issue.no_fault + issue.other == len(issue.decisions)
        assert len({d.doc_id for d in issue.decisions}) == len(issue.decisions)  # one line per decision
        for d in issue.decisions:
            doc = index.document(d.doc_id)
            assert d.outcome == doc.outcome and d.found == fault_found(doc.outcome)  # the decision's own metadata
            assert d.citation == (f"[{d.doc_id}, summary]" if d.para == "summary" else f"[{d.doc_id}, para {d.para}]")
            text = doc.summary if d.para == "summary" else doc.paragraph(d.para).text
            if d.quote:
                assert " ".join(d.quote.split()) in " ".join(text.split()), (d.citation, d.quote)
        if issue.duty_quote:  # the duty, verbatim from the paragraph cited for it
            duty = index.document(issue.duty_doc)
            dtext = duty.summary if issue.duty_para == "summary" else duty.paragraph(issue.duty_para).text
            assert " ".join(issue.duty_quote.split()) in " ".join(dtext.split())
        assert re.fullmatch(r"Upheld \(fault found\) in \d+ of the \d+ decisions? found( \(.*\))?\.", issue.line())
    # every sum in the benchmark is stated by the paragraph it is cited to
    assert s.overall and s.remedies and s.remedy_rows
    for r in s.remedy_rows:
        doc_id, para = re.match(r"\[(.+), para (\S+)\]", r["citation"]).groups()
        assert f"{r['amount']:,.0f}".replace(",", "") in index.document(doc_id).paragraph(para).text.replace(",", "")
    assert s.overall.low <= s.overall.median <= s.overall.high
    assert sum(len(g.amounts) for g in s.remedies) == len(s.overall.amounts)
    # each point of the complaint finds its own issue
    assert [i.label for i in s.for_text("Her son P has had no OT since January.")] == ["section_f_provision"]
    assert s.to_dict()["issues"][0]["line"] == s.issues[0].line()


def test_precedent_summary_outside_the_corpus_says_so(seed_engine):
    s = seed_engine.precedent_summary(Facts(role="officer", issue="I got a parking ticket outside my house."))
    assert s.outside == "parking" and s.no_close_precedent and not s.issues and s.overall is None


def test_outcomes_and_purposes():
    assert fault_found("Upheld") == "fault" and fault_found("Upheld: fault and injustice") == "fault"
    assert fault_found("Not upheld: no fault") == "no fault" and fault_found("Not upheld") == "no fault"
    assert fault_found("Closed after initial enquiries") == "other" and fault_found(None) == "other"
    assert remedy_purpose("reflect the missing sessions") == "missed provision or education"
    assert remedy_purpose("reflect the frustration she has experienced") == "distress, time and trouble"
    assert remedy_purpose("reimburse her transport costs") == "costs reimbursed"
    assert remedy_purpose("make a symbolic payment to Mrs E of £1,000") == "other"
    r = RemedyRange("x", [600.0, 300.0, 900.0], ["a", "b", "c"])
    assert (r.low, r.median, r.high) == (300.0, 600.0, 900.0)
    assert r.text() == "£300 to £900 (median £600; 3 sums)"
    assert RemedyRange("x", [500.0], ["a"]).text() == "£500 (1 sum)"


# ----------------------------------------------------------------------------- the officer form


def _form(**kw) -> OfficerForm:
    base = dict(
        name="Ms A",
        child="P",
        complainant="parent",
        procedure="corporate",
        stage=1,
        received="2026-11-20",
        points=[
            PointRow("Her son P has had no OT since January.", "No OT sessions are recorded.", "upheld"),
            PointRow("The annual review was not held.", "It was held on 12 March.", "not upheld"),
        ],
        actions=[ActionRow("Arrange the missed OT sessions", "18/12/2026", "SEN Team Manager"), ActionRow()],
        remedy_offer="650",
        changes="Monthly checks of Section F provision",
        officer="Jo Smith",
        outcome_sought="I want the OT to start.",
    )
    return OfficerForm(**(base | kw))


def test_officer_facts_carry_the_investigation():
    f = officer_facts(NOTE, "Liverpool City Council", _form())
    assert f.role == "officer" and f.stage == "response" and f.issue == NOTE
    assert (f.name, f.child, f.complainant, f.procedure, f.officer) == ("Ms A", "P", "parent", "corporate", "Jo Smith")
    assert f.dates == {"complaint_received": "2026-11-20"}
    assert [(p.finding, p.evidence) for p in f.points] == [
        ("upheld", "No OT sessions are recorded."),
        ("not upheld", "It was held on 12 March."),
    ]
    assert [(a.action, a.by, a.owner) for a in f.actions] == [
        ("Arrange the missed OT sessions", "2026-12-18", "SEN Team Manager")
    ]
    assert f.remedy_offer == "£650" and f.changes and f.outcome_sought == "I want the OT to start."
    assert officer_facts(NOTE, "", _form(stage=2)).dates == {
        "complaint_received": "2026-11-20",
        "stage2_requested": "2026-11-20",
    }
    assert officer_facts(NOTE, "", _form(acknowledged="2026-11-23")).dates["complaint_acknowledged"] == "2026-11-23"
    assert officer_facts(NOTE, None).points == []  # the API's complaint-only facts are unchanged


@pytest.mark.parametrize(
    "change, message",
    [
        ({"points": []}, "Read the complaint first"),
        ({"points": [PointRow("No OT.", "None recorded.", None)]}, "Point 1: choose a finding"),
        ({"points": [PointRow("No OT.", " ", "upheld")]}, "Point 1: say what the council's records show"),
        ({"name": " "}, "Complainant's name:"),
        ({"officer": ""}, "Officer who signs:"),
        ({"received": "last Tuesday"}, "Date the complaint arrived: must be a date"),
        ({"received": ""}, "Date the complaint arrived: type the date"),
        ({"acknowledged": "2026-11-01"}, "Acknowledged on: 2026-11-01 is before"),
        ({"actions": [ActionRow("", "2026-12-18", "")]}, "Action 1: say what will be done"),
        ({"actions": [ActionRow("Arrange OT", "", "Team")]}, "Action 1: give the date"),
        ({"actions": [ActionRow("Arrange OT", "2026-12-18", "")]}, "Action 1: say who is responsible"),
        ({"remedy_offer": "some money"}, "Remedy offer: write a sum like £600"),
        ({"remedy_offer": "", "actions": []}, "Remedy offer: point 1 is upheld"),
    ],
)
def test_what_is_still_to_decide_is_named_in_one_line(change, message):
    with pytest.raises(UserError) as e:
        officer_facts(NOTE, "", _form(**change))
    assert str(e.value).startswith(message) and "\n" not in str(e.value), str(e.value)


def test_the_empty_complaint_is_named_first():
    with pytest.raises(UserError, match="complaint box is empty"):
        officer_facts(" ", "", _form(points=[]))


@pytest.mark.parametrize(
    "typed, offer",
    [("600", "£600"), ("£1,200", "£1,200"), ("£600-£900", "£600 to £900"), ("600 to 900", "£600 to £900"), ("", None)],
)
def test_remedy_offer(typed, offer):
    assert remedy_offer(typed) == offer


def test_remedy_range_the_wrong_way_round():
    with pytest.raises(UserError, match="wrong way round"):
        remedy_offer("£900 to £600")


# ----------------------------------------------------------------------------- due dates


def test_due_dates_and_lateness():
    html = due_for("2026-11-20", "corporate", "1", today=date(2026, 11, 27))
    assert "Acknowledgement by <b>27 November 2026</b>" in html and "late by" not in html
    assert "Stage 1 response by <b>11 December 2026</b>" in html
    late = due_for("2026-11-02", "corporate", "1", today=date(2026, 11, 27))
    assert "late by 18 days" in late  # the acknowledgement was due on 9 November
    ca = due_for("2026-11-02", "children-act", "2", today=date(2026, 11, 27))
    assert "Stage 2 investigation response by" in ca and "25 working days (65 at most)" in ca
    assert "SEND Tribunal" in due_for("2026-11-20", "send-tribunal", "1", today=date(2026, 11, 27))
    assert "must be a date" in due_for("soon", "corporate", "1")
    assert "Type the date" in due_for("", "corporate", "1")
    # an acknowledgement sent on time is not late; one sent late says by how much
    sent = due_for("2026-11-02", "corporate", "1", "2026-11-05", today=date(2026, 11, 27))
    assert '<li data-late="0">Acknowledgement by <b>9 November 2026</b>, done 5 November 2026 <span' in sent
    sent_late = due_for("2026-11-02", "corporate", "1", "2026-11-12", today=date(2026, 11, 27))
    assert (
        'Acknowledgement by <b>9 November 2026</b>, done 12 November 2026 <span class="late">late by 3 days'
        in sent_late
    )
    assert due_html([], date(2026, 11, 27), XSS).count("<script>") == 0


# ----------------------------------------------------------------------------- HTML


def _summary(text: str) -> PrecedentSummary:
    d = DecisionOutcome(text, text, text, "2024-10-24", text, "fault", f"[{text}, para 1]", "1", text)
    issue = IssueSummary("section_f_provision", "Provision", True, [d])
    return PrecedentSummary(
        [issue], [RemedyRange(text, [600.0], [text])], RemedyRange("all", [600.0], [text]), [], False
    )


def test_investigation_html_escapes_everything():
    s = _summary(XSS)
    for html in (summary_html(s, XSS), point_precedents_html(s, "No OT since January"), benchmark_html(s)):
        assert "<script>" not in html and "<img" not in html and "&lt;script&gt;" in html
    assert "No sums of money" in benchmark_html(None)
    assert "Read the complaint" in summary_html(None)
    assert point_precedents_html(s, "") == ""
    assert "No issue recognised" in point_precedents_html(s, "The weather was bad.")


def test_what_others_said_is_not_quoted_as_a_finding():
    from app.precedent_summary import REPORTED

    assert REPORTED.match("The complainant (Mrs X) said the Council failed to provide OT")
    assert REPORTED.match("The Council says two of the children are now in mainstream school")
    assert not REPORTED.match("The Council was at fault because it failed to issue an amended EHC Plan")
    assert not REPORTED.match("We find the Council at fault for delay")


# ----------------------------------------------------------------------------- refining the response (issue 15)


def _officer_facts() -> Facts:
    return officer_facts(NOTE, "Liverpool City Council", _form())


def test_refine_speaks_in_the_councils_voice_on_the_officers_response():
    """The same words mean the officer's changes: the signing officer and role (never the complainant the response
    is addressed to), a commitment added to what the council will change, a fact to what its records show."""
    f = _officer_facts()
    r = interpret(f, "sign it from Jane Smith, Head of SEND")
    assert r.kind == "facts" and r.changed == ["signed from Jane Smith, Head of SEND"]
    assert (r.facts.officer, r.facts.name) == ("Jane Smith, Head of SEND", "Ms A")
    r = interpret(r.facts, "add that we will review our process by 1 March")
    assert r.facts.changes == "Monthly checks of Section F provision. We will review our process by 1 March."
    assert r.changed == ["added to what the council will change: \u201cwe will review our process by 1 March\u201d"]
    r = interpret(r.facts, "add that the OT service recruited a therapist in June")
    assert r.facts.contacts == ["The OT service recruited a therapist in June"]
    assert r.changed[0].startswith("added to what the council's records show")
    r2 = interpret(r.facts, "remove the Norfolk citation")  # not read as "sign it from"
    assert r2.facts.exclude == ["Norfolk"] and r2.facts.officer == "Jane Smith, Head of SEND"
    q = interpret(r.facts, "what have other councils paid for this?")
    assert q.kind == "question" and q.facts == r.facts
    assert "Jane Smith, Head of SEND" in help_text("officer") and "Sarah Jones" in help_text("parent")
    # the parent's letter is unchanged: signed by the parent, a fact added to what they have done
    p = Facts(role="parent", issue="No OT since January.", name="Sam Jones")
    assert interpret(p, "sign it from Sarah Jones").facts.name == "Sarah Jones"
    assert interpret(p, "add that I emailed twice in March").changed == [
        "added to what you have done: \u201cI emailed twice in March\u201d"
    ]


@pytest.fixture(scope="module")
def officer_desk(seed_index, encoder):
    """The officer desk laid out and wired as on the page, over a ready runtime on the seed index; its engine is the
    real one, except a writer a test installs under a name in `fakes` (as tests/test_ui_desk.py does)."""
    import gradio as gr

    from app.settings import Settings
    from app.ui import Runtime
    from app.ui.officer import build

    settings = Settings(index=seed_index, llm="template")
    eng = desk_engine(settings, encoder)
    rt = Runtime(settings, None, engine=eng)
    rt.start(build=False)
    assert rt.wait(120), rt.error
    with gr.Blocks(), gr.Tabs():
        desk = build(rt)
    yield desk
    eng.close()


def _updates(gen) -> dict:
    """Every update a handler streamed, the last value of each component kept."""
    out: dict = {}
    for u in gen:
        if isinstance(u, dict):
            out |= u
    return out


def test_officer_refine_chat_changes_answers_and_rechecks_the_response(officer_desk):
    """Issue 15 on the officer desk, without a browser: the chat's handler redrafts the response for a change, says
    what changed and that it was checked again, and answers a question about compensation in the chat from the
    remedy benchmarks, cited, leaving the response as it was."""
    desk, chat = officer_desk, officer_desk.refine
    assert chat is not None and chat.chat.elem_id == "o-chat" and chat.send.value == "Update response"
    out = _updates(desk.draft(_officer_facts(), "template", None, "Finding comparable decisions…"))
    state = out[desk.state]
    first = state["result"]
    assert first.verification.passed

    # nothing typed: the hint says so, nothing is queued
    said = chat.user("  ", [])
    assert said[chat.pending] == "" and "the response is left as it is" in said[chat.hint].value

    # an edit: redrafted, shorter, checked again, and the reply says what changed
    said = chat.user("make it shorter", [])
    history = said[chat.chat]
    out = _updates(chat.respond(said[chat.pending], history, "template", state))
    state = out[desk.state]
    shorter = state["result"]
    assert state["facts"].short and len(shorter.body) < len(first.body)
    assert shorter.verification.passed and 'data-state="verified"' in out[desk.letter]
    reply = out[chat.chat][-1]["content"]
    assert reply.startswith("Changed: shorter. ") and "citations checked; all verified" in reply
    assert [m["role"] for m in out[chat.chat]] == ["user", "assistant"]

    # signed from the officer named, with the role, in the council's voice
    out = _updates(chat.respond("sign it from Jane Smith, Head of SEND", out[chat.chat], "template", state))
    state = out[desk.state]
    body = state["result"].body
    assert "Yours sincerely,\n\nJane Smith\nHead of SEND\nLiverpool City Council" in body
    assert "Dear Ms A," in body and "Jane Smith (Head of SEND) will be your named contact" in body
    assert "Changed: signed from Jane Smith, Head of SEND." in out[chat.chat][-1]["content"]

    # a question: answered in the chat from the cited remedies, never put into the response
    before = state["result"].body
    out = _updates(chat.respond("What have other councils paid for this?", out[chat.chat], "template", state))
    answer_text = out[chat.chat][-1]["content"]
    assert "What comparable decisions awarded" in answer_text and "£600" in answer_text
    assert re.search(r"\\\[\d\d \d{3} \d{3}, para \d+\\\]", answer_text), answer_text  # cited, shown literally
    assert "The offer in this response: £650" in answer_text
    assert out[desk.state]["result"].body == before and "What comparable decisions" not in before
    assert "£600: reflect" not in out[desk.state]["result"].body


FAILING_RESPONSE = (
    "Dear Ms A,\n\nThank you for your complaint.\n\n"
    "The Ombudsman ordered another council to pay £9,999 for every missed week [S1].\n\n"
    "Yours sincerely,\n\nJo Smith"
)


def test_a_failing_refined_response_is_shown_as_failing(officer_desk):
    """The response is checked again after each change: one that fails its checks is shown as failing, with the
    acknowledgement and the template redraft offered, as on the parent desk."""
    from app.writers import make_writer
    from fakes import FakeChat

    desk, chat = officer_desk, officer_desk.refine
    eng = desk.rt.engine
    out = _updates(desk.draft(_officer_facts(), "template", None, "Finding comparable decisions…"))
    eng.fakes["local"] = make_writer("local", desk.rt.settings, chat_model=FakeChat(reply=lambda p: FAILING_RESPONSE))
    try:
        out = _updates(chat.respond("make it firmer", [], "local", out[desk.state]))
    finally:
        eng.fakes.clear()
    result = out[desk.state]["result"]
    assert not result.verification.passed
    assert 'data-state="needs-check"' in out[desk.letter]
    assert out[desk.ack].visible and out[desk.retemplate].visible
    assert out[desk.progress].count("did not pass its citation check")
    reply = out[chat.chat][-1]["content"]
    assert reply.startswith("Changed: firmer. ") and "see the citation check" in reply
