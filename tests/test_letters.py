"""What an experienced adviser checks in a letter, on the parts that decide it: who is writing and whether there is a
plan, which issues the facts raise, the statutory dates and how late, the route, a benchmarked figure, and an officer
response that can be sent. Dates are counted with England's bank holidays; the rules are checked against dates worked
out by hand."""

from __future__ import annotations

import re
from datetime import date

import pytest
import yaml

from app.councils import official_name
from app.deadlines import add_working_days, complaint_due_dates, working_days_between
from app.draft import parse_facts, run_draft
from app.issues import ONLY_WHEN, issues_for, plan_status, who_is_writing
from app.models import Hit
from app.template import _in_quotes, _named, story
from app.text import tidy
from app.timeline import build_timeline, found_events, how_late
from app.writers import TemplateWriter
from helpers import ROOT

TODAY = date(2026, 11, 27)


def labels(facts: dict) -> list[str]:
    return [t.label for t in issues_for(parse_facts(facts))]


# ============================================================================= working days and due dates


def test_working_days_skip_weekends_and_englands_bank_holidays():
    # Friday 19 December 2025: Christmas Day, Boxing Day and New Year's Day are not working days
    assert add_working_days(date(2025, 12, 19), 5) == date(2025, 12, 30)
    assert working_days_between(date(2025, 12, 19), date(2026, 1, 9)) == 12
    # the Easter Monday 2026 bank holiday (6 April) is skipped too
    assert add_working_days(date(2026, 4, 2), 2) == date(2026, 4, 8)


def test_complaint_handling_code_and_children_act_timescales():
    stage1 = {d.label: d.due for d in complaint_due_dates(date(2025, 3, 4), "corporate", 1)}
    assert stage1 == {"Acknowledgement": date(2025, 3, 11), "Stage 1 response": date(2025, 3, 25)}
    stage2 = {d.label: d.due for d in complaint_due_dates(date(2025, 3, 4), "corporate", 2)}
    assert stage2["Stage 2 response"] == date(2025, 4, 8)  # 5 working days to acknowledge, then 20
    panel = complaint_due_dates(date(2025, 6, 2), "children-act", 3)
    assert [(d.label, d.due) for d in panel] == [("Stage 3 review panel convened", date(2025, 7, 14))]


# ============================================================================= the facts: who, plan, issues, dates


@pytest.mark.parametrize(
    "words, who",
    [
        ("I am G's special guardian and the council cut my allowance", "special guardian"),
        ("My grandson lives with me and has no school place", "carer"),
        ("I am 19 and my college placement broke down", "young person"),
        ("My son has had no speech therapy since March", "parent"),
        ("The council has not arranged tuition", None),
    ],
)
def test_who_is_writing_is_read_from_their_words_and_never_assumed(words, who):
    assert who_is_writing(parse_facts({"role": "parent", "issue": words})) == who


def test_an_explicit_complainant_wins_over_the_words():
    f = parse_facts({"role": "parent", "issue": "My son has no OT", "complainant": "advocate"})
    assert who_is_writing(f) == "advocate"


def test_no_ehc_plan_means_no_section_f_review_or_phase_transfer():
    story = (
        "L has been out of school since February because of anxiety. She does not have an EHC plan. The school "
        "has her on a part-time timetable and no tuition has been provided."
    )
    assert plan_status(None, story) is False
    assert labels({"role": "parent", "issue": story}) == ["out_of_school"]
    # said the other way round, by the form's yes/no
    assert "section_f_provision" not in labels(
        {"role": "parent", "issue": "OT sessions have not been provided", "has_plan": False}
    )


def test_social_care_complaints_go_through_the_children_act_procedure():
    got = labels(
        {
            "role": "parent",
            "issue": "I am her special guardian. The council cut our special guardianship allowance and ignored my "
            "complaint for weeks, and the stage 3 review panel I asked for has not been arranged.",
        }
    )
    assert "special_guardianship" in got and "children_act_complaint" in got and "complaint_handling" not in got
    # a corporate complaint's "proper stage 2 investigation" is not the Children Act procedure
    assert "children_act_complaint" not in labels(
        {"role": "parent", "issue": "M has had no SALT. I want a proper stage 2 investigation of my complaint."}
    )


def test_a_named_date_raises_its_issue():
    got = labels(
        {
            "role": "parent",
            "issue": "Nothing has happened since the meeting.",
            "dates": {"review_meeting": "2025-01-15"},
        }
    )
    assert "annual_review" in got


def test_events_are_read_from_the_contacts_with_their_replies():
    ev = found_events(
        [
            "Annual review meeting, 15 January 2025",
            "Stage 1 complaint, 20 March 2025; reply 2 May 2025",
            "Final amended plan not yet issued at 1 December 2025",
        ]
    )
    assert ev == {
        "review_meeting": date(2025, 1, 15),
        "complaint_made": date(2025, 3, 20),
        "stage1_response": date(2025, 5, 2),
    }


# ============================================================================= the timeline


def test_annual_review_due_dates_and_how_late():
    f = parse_facts(
        {
            "role": "parent",
            "issue": "The annual review has not been finished.",
            "dates": {"review_meeting": "2025-01-15"},
        }
    )
    t = build_timeline(f, {"annual_review"}, TODAY)
    due = {d.label: d for d in t.due}
    decision = due["The council's decision after the review meeting"]
    final = due["Final amended plan"]
    assert decision.due == date(2025, 2, 12) and decision.provision == "SEND2014-reg20"  # 4 weeks
    assert final.due == date(2025, 4, 9) and final.provision == "SEND2014-reg22"  # then 8 weeks
    assert how_late(final, TODAY) == "20 months late"


def test_a_final_plan_starts_the_tribunal_clock_and_a_mediation_certificate_extends_it():
    f = parse_facts(
        {
            "role": "parent",
            "issue": "The annual review was late.",
            "dates": {
                "review_meeting": "2025-01-15",
                "final_plan": "2026-10-20",
                "mediation_certificate": "2026-12-10",
            },
        }
    )
    t = build_timeline(f, {"annual_review"}, TODAY)
    assert t.appeal_by == date(2027, 1, 10)  # one month after the certificate beats 20 December 2026
    # a transport refusal opens no SEND Tribunal appeal
    g = parse_facts({"role": "parent", "issue": "Transport refused", "dates": {"decision_letter": "2026-10-20"}})
    assert build_timeline(g, {"transport"}, TODAY).appeal_by is None


def test_phase_transfer_deadline_is_15_february_or_31_march_for_post16():
    school = parse_facts({"role": "parent", "issue": "S was due to move to secondary school in September 2025."})
    college = parse_facts({"role": "parent", "issue": "K is moving to college in September 2026."})
    assert [d.due for d in build_timeline(school, {"phase_transfer"}, TODAY).due] == [date(2025, 2, 15)]
    assert [d.due for d in build_timeline(college, {"phase_transfer"}, TODAY).due] == [date(2026, 3, 31)]


# ============================================================================= letters


SG = {
    "role": "parent",
    "council": "Norfolk County Council",
    "child": "G",
    "issue": "I am G's special guardian. The council has cut my special guardianship allowance by half because of its "
    "policy that allowances reduce after two years. Nobody looked at our circumstances.",
    "since": "2025-01",
    "contacts": ["Letter reducing the allowance, 6 January 2025", "Asked for a review panel, 2 June 2025"],
    "outcome_sought": "The allowance restored and backdated.",
}
NO_PLAN = {
    "role": "parent",
    "council": "Devon County Council",
    "child": "L",
    "issue": "L has been out of school since February 2025 because of anxiety. She does not have an EHC plan and the "
    "council says it is the school's problem.",
    "since": "2025-02",
}
OT = {
    "role": "parent",
    "council": "Liverpool City Council",
    "child": "T",
    "issue": "T's EHC plan says he gets occupational therapy but he has not had a single session since September 2024.",
    "provision": "Section F: fortnightly 45-minute OT sessions.",
    "since": "2024-09",
}


def draft(engine, facts: dict):
    return run_draft(engine, parse_facts(facts), TemplateWriter())


def test_a_special_guardians_letter_is_in_her_voice_and_follows_the_children_act(full_engine):
    r = draft(full_engine, SG)
    body = r.body
    assert "as G's special guardian" in body
    own_words = re.sub(r"\u201c[^\u201d]*\u201d", "", body)  # not in quotations of decisions
    assert not re.search(r"\bparent\b", own_words, re.I), own_words  # never "the parent of G"
    assert "special educational needs" not in body.lower() and "EHC Plan" not in body
    assert "Children Act 1989" in body and "30 working days" in body
    assert r.verification.passed, r.verification.notes


def test_no_plan_means_no_plan_in_the_letter_and_section_19_is_named(full_engine):
    r = draft(full_engine, NO_PLAN)
    assert "section 19 of the Education Act 1996" in r.body
    assert not re.search(r"EHC Plan requires|copies of the plan|Section F", r.body)
    assert r.verification.passed, r.verification.notes


def test_only_the_plans_own_words_are_quoted_as_the_plan(full_engine):
    """A parent wrote only that Kai "hasnt had his taxi to school": the letter says what he should have, and never
    "The plan says" (transport is usually arranged under section 508B, not written in the plan)."""
    facts = {
        "role": "parent",
        "council": "Nottinghamshire County Council",
        "child": "Kai",
        "has_plan": True,
        "issue": "my son Kai hasnt had his taxi to school since 2nd of october. hes got an ehcp.",
        "provision": "his taxi to school",
        "since": "2026-10",
    }
    told = draft(full_engine, {**facts, "provision_source": "person"}).body
    assert "**What Kai should have.** His taxi to school." in told
    assert "The plan says" not in told and "EHC Plan requires" not in told
    plans = draft(full_engine, {**facts, "provision_source": "plan"}).body
    assert "**What Kai's EHC Plan requires.** The plan says: His taxi to school." in plans
    typed = draft(full_engine, facts).body  # typed into the form's "What the plan says" box
    assert "The plan says: His taxi to school." in typed


# Kai's mother, whose son has had no taxi to school since 2 October (an adviser's read of her letter)
KAI = {
    "role": "parent",
    "council": "Nottinghamshire County Council",
    "child": "Kai",
    "complainant": "parent",
    "has_plan": True,
    "provision": "his taxi to school",
    "provision_source": "person",
    "since": "2026-10",
}


# the facts the chat reads from Kai's mother's two messages (the note's transcript)
KAI_CHAT = {
    **KAI,
    "provision": "a taxi to school and back every day",
    "stage": "council-stage-1",
    "issue": "my son kai is 12 and has an ehcp from notts. his taxi to school stopped on the 2nd of october when the "
    "firm pulled out and nothing since, i work nights and cant drive him so hes missed 11 days of school. i put a "
    "complaint in on 20th october and nothing back\n\nhe should have a taxi to school and back every day, its in his "
    "plan. i want the taxi back now and something for the school hes missed",
    "contacts": ["i put a complaint in on 20th october and nothing back"],
    "impact": "i work nights and cant drive him so hes missed 11 days of school",
    "outcome_sought": "the taxi back now and something for the school hes missed",
    "dates": {"complaint_made": "2026-10-20"},
}


def test_a_complaint_whose_reply_is_overdue_is_chased_not_made_again(full_engine):
    """Kai's mother complained on 20 October and heard nothing: the letter chases that complaint (an adviser's read),
    and asks for a stopgap, not a refund of travel costs she never said she had."""
    facts = {
        **KAI,
        "stage": "council-stage-1",
        "issue": "Kai hasnt had his taxi to school since 2nd of october. put a complaint in on 20th october and nothing "
        "back. i work nights and cant drive him",
        "dates": {"complaint_made": "2026-10-20"},
    }
    body = draft(full_engine, facts).body
    assert "not yet answered" in body.split("\n\n")[2]
    assert (
        "I am writing as Kai's parent. I made a formal complaint to Nottinghamshire County Council on 20 October 2026, "
        "and it has not been answered." in body
    )
    assert "Please send your full response to my complaint within 10 working days of this letter" in body
    # "nothing back": not even the acknowledgement the Code wants within 5 working days (an adviser's read)
    assert "- Acknowledgement: due by 27 October 2026 (5 working days from the complaint" in body
    assert "it has still not happened" in body.split("- Acknowledgement:")[1].split("\n")[0]
    # the 12 months from the day he gave, and the day said once, not blurred into "since October 2026"
    assert "when the problem began (2 October 2026), that is by 2 October 2027" in body
    assert "This has been the case since" not in body
    # a taxi that ran and stopped was not "refused" (that points to the eligibility appeal), and nothing has reached
    # stage 2, so its timescale is not set out (an adviser's read)
    assert "Home to school transport was not provided" in body.split("\n\n")[2]
    assert "refused" not in re.sub(r"\u201c[^\u201d]*\u201d", "", body)  # the letter's own words, not a decision's
    assert "Complaint Handling Code (stage 2)" not in body
    # ... but a letter that goes to stage 2 keeps it, whatever the form said (a second reviewer's)
    ignored = {**facts, "issue": facts["issue"].replace("nothing back", "they have ignored my complaint")}
    assert "Complaint Handling Code (stage 2)" in draft(full_engine, ignored).body
    # a taxi that stopped is looked up as transport not provided: a council that failed to put alternative transport
    # in place, and never an appeal panel's handling of an application (Bexley, 18 010 993: two advisers' reads)
    found = body[body.index("*Home to school transport was not provided.*") :].split("\n\n")[0]
    assert "18 010 993" not in found and "failed to consider putting in place alternative transport" in found, found
    # a bare "no reply" may have been acknowledged; an acknowledgement or an email back told anywhere, or "nothing"
    # said of something else, is not "nothing back" (a second reviewer's)
    for said in (
        "no reply yet",
        "got an email saying they received it but nothing back since",
        "they acknowledged it on 22nd october but no response yet",
    ):
        told = {**facts, "issue": facts["issue"].replace("nothing back", said)}
        assert "- Acknowledgement:" not in draft(full_engine, told).body, said
    heard = {
        **facts,
        "issue": facts["issue"].replace(
            "nothing back", "heard nothing, no word since they acknowledged it on the 22nd"
        ),
    }
    assert "- Acknowledgement:" not in draft(full_engine, heard).body
    for said in ("they never acknowledged my complaint", "nothing back. not even an auto reply"):
        told = {**facts, "issue": facts["issue"].replace("nothing back", said)}
        assert "- Acknowledgement:" in draft(full_engine, told).body, said
    other = {
        **facts,
        "issue": "Kai has had no taxi, nothing at all, since 2nd of october. put a complaint in on 20th october, no reply yet.",
    }
    assert "- Acknowledgement:" not in draft(full_engine, other).body
    # the day of something the person did is not when the problem began
    emailed = {
        **facts,
        "issue": "Kai's taxi stopped in october. I emailed them from work on 20th October and nothing back.",
    }
    assert "that is by 1 October 2027" in draft(full_engine, emailed).body
    for own in (
        "Kai's taxi to school stopped in october. I have been off work since 20th october.",
        "Kai's taxi to school stopped in october. The council have ignored our emails since 20th october.",
    ):
        assert "that is by 1 October 2027" in draft(full_engine, {**facts, "issue": own}).body, own
    son = {
        **facts,
        "issue": "My son Kai hasnt had his taxi to school since 2nd of october. put a complaint in on 20th october",
    }
    assert "that is by 2 October 2027" in draft(full_engine, son).body
    declined = {**facts, "issue": facts["issue"] + ". his mental health has declined and his school refusal is worse"}
    assert "Home to school transport was not provided" in draft(full_engine, declined).body
    # a refusal in other words keeps the heading that says so
    refused = {**facts, "issue": facts["issue"] + ". they told us hes not entitled to school transport"}
    assert "Home to school transport was not provided" not in draft(full_engine, refused).body
    # "may" the verb and "decided" are no month told: the start is still said
    verb = {
        **facts,
        "issue": facts["issue"].replace("since 2nd of october", "because they said they may not have staff"),
    }
    assert "This has been the case since October 2026." in draft(full_engine, verb).body
    assert "travel costs" not in body and "within 2 working days with the name of the officer responsible" in body
    # time and trouble is not benchmarked on another family's frustration over OT (23 009 620, an adviser's read)
    pay = next(line for line in _ask(body).splitlines() if "time and trouble" in line)
    assert "23 009 620" not in pay and re.search(r"complaint handling|time and trouble", pay.split(":", 1)[-1]), pay
    drove = {**facts, "issue": facts["issue"].replace("i work nights and cant drive him", "ive been driving him")}
    assert "my travel costs reimbursed" in draft(full_engine, drove).body
    driver = {**facts, "issue": facts["issue"].replace("i work nights and cant drive him", "His driver stopped coming")}
    assert "travel costs" not in draft(full_engine, driver).body


def test_what_the_account_already_says_is_not_listed_again(full_engine):
    """An adviser's read of the Kai chat letter: the complaint and the impact, read from the chat, were said in the
    account and then listed again under "My contacts" and "The impact". Said once; a contact the account does not
    hold is still listed."""
    issue = (
        "His taxi to school stopped on the 2nd of october when the firm pulled out, i work nights and cant drive him so "
        "hes missed 11 days of school. i put a complaint in on 20th october and nothing back"
    )
    facts = {
        **KAI,
        "issue": issue,
        "contacts": ["i put a complaint in on 20th october and nothing back"],
        "impact": "i work nights and cant drive him so hes missed 11 days of school",
        "dates": {"complaint_made": "2026-10-20"},
    }
    body = draft(full_engine, facts).body
    assert body.count("I put a complaint in on 20 October") == 1, body  # "20th October" written as a letter writes it
    assert "**My contacts with the council.**" not in body and "**The impact.**" not in body
    more = {**facts, "contacts": [*facts["contacts"], "rang the transport team on 5 October"]}
    body = draft(full_engine, more).body
    contacts = body[body.index("**My contacts with the council.**") :].split("\n\n")[0]
    assert "Rang the transport team on 5 October" in contacts and "20 October" not in contacts, contacts


@pytest.mark.parametrize(
    "words, days",
    [
        ("hes missed 11 days of school", 11),
        ("11 school days missed so far", 11),
        ("she has been off school for fifteen days", 15),
        ("the plan took 40 days", 0),  # a delay, not school lost
        ("he missed 3 days of his therapy", 0),
        ("I have missed 5 days of work", 0),
        # a second reviewer's: a rate, the parent's own days, a count told in parts or with its total
        ("he's missed 2 days a week since then", 0),
        ("I have lost 5 days pay driving him myself", 0),
        ("I've missed 6 days at work", 0),
        ("he missed 4 days in September and 7 days in October", 11),
        ("he has missed 3 days this week and 10 days in total", 10),
    ],
)
def test_school_days_the_person_counts_as_lost(words, days):
    from app.draft import lost_days

    assert lost_days(words) == days


def test_school_days_lost_for_want_of_transport_are_given_a_figure(full_engine):
    """An adviser's read of Kai's letter: "11 lost school days, no figure". The days he counted are priced at a school
    day's share (190 days a year) of the top of the Ombudsman's range for lost education, cited: whole days with no
    school at all (a second adviser's read: "not the middle")."""
    facts = {
        **KAI,
        "issue": "Kai hasnt had his taxi to school since 2nd of october. hes missed 11 days of school. i work nights "
        "and cant drive him",
    }
    r = draft(full_engine, facts)
    pay = next(line for line in _ask(r.body).splitlines() if "school days" in line)
    # 11 / (190 / 3) of £2,400 is £416.84: £420 to the nearest £10; a day is £37.89, £38
    # from the day he gave, and still going on: each school day after the count is priced too (an adviser's read)
    assert (
        "A payment of £420 for the 11 school days Kai has missed since 2 October 2026, and £38 for each further school "
        "day missed until this is put right, at £2,400 a term, the top of the range of £900 to £2,400 a term" in pay
    ), pay
    assert "£900 to £2400 per term" in pay and re.search(r"\[\d\d \d{3} \d{3}, (para \d+|summary)\]", pay), pay
    assert "therapeutic" not in pay, pay  # lost education does not quote the clause that invites a lower sum
    asks = _ask(r.body)
    assert "Catch-up work or tuition to make up the learning Kai has missed" in asks, asks
    assert (
        "Confirmation to Kai's school that the days missed were because the council's transport was not provided"
        in asks
    )
    # a young person writes in their own voice, and a college keeps no school attendance register (a second reviewer's)
    college = {
        **facts,
        "child": None,
        "complainant": "young person",
        "issue": "I am 17 and my taxi to college stopped on 2nd of october. I have missed 11 days of college.",
    }
    asks17 = _ask(draft(full_engine, college).body)
    assert "the learning I have missed" in asks17 and "unauthorised absence" not in asks17, asks17
    # none asked where no school was missed
    drove = {
        **facts,
        "issue": facts["issue"].replace("hes missed 11 days of school", "I drive him so he hasnt missed school"),
    }
    assert "Catch-up work" not in _ask(draft(full_engine, drove).body)
    would = {
        **facts,
        "issue": facts["issue"].replace(
            "hes missed 11 days of school",
            "I have driven him every day, otherwise he would have missed 30 days of school",
        ),
    }
    asks30 = _ask(draft(full_engine, would).body)
    assert "30 school days" not in asks30 and "Catch-up work" not in asks30, asks30
    # the count may be out of date: the person is told how many weekdays have passed since the day it began
    assert any("You counted 11 school days missed. From 2 October 2026 to today there have been" in n for n in r.notes)
    assert r.verification.passed, r.verification.notes
    no_count = {**facts, "issue": facts["issue"].replace(" hes missed 11 days of school.", "")}
    assert "school days" not in _ask(draft(full_engine, no_count).body)  # no count, no figure made up
    # asked in the chat, the same sum and why (a second reviewer: "a school day's share" was said of 11 days)
    _, asked = full_engine.refine(parse_facts(facts), "How much compensation could I ask for?", previous=r)
    assert "For the 11 school days lost, about £420: 11 school days' share of £2,400 a term, the top" in asked.reply
    assert "about £38 a school day" in asked.reply, asked.reply
    # it is over: the days counted are the loss, in the letter and in the chat (a second reviewer's)
    for back in (
        "The council reinstated his taxi on 16 november",
        "His taxi has been back since 16 november, a new firm",
        "His taxi started again on 20 November",
        "The taxi came back on 20 November and is fine now",
        "His transport was reinstated on 16 November",
        "The council sorted a new taxi firm on 16 November and it has been fine since",
    ):
        told = {**facts, "issue": facts["issue"] + ". " + back}
        r2 = draft(full_engine, told)
        pay = next(line for line in _ask(r2.body).splitlines() if "school days" in line)
        assert "each further school day" not in pay, (back, pay)
        _, asked = full_engine.refine(parse_facts(told), "How much compensation could I ask for?", previous=r2)
        assert "each further day" not in asked.reply, (back, asked.reply)
    # still missing: words that are no return of the taxi (a second reviewer's)
    for said in (
        "the council came back to me and said they cant find a driver",
        "i just want him back at school",
        "he was fine at school before this",
        "they said it will be restored when they find a new firm",
        "the transport team came back to me on 5 november and said they cant find a driver",
    ):
        told = {**facts, "issue": facts["issue"] + ". " + said}
        pay = next(line for line in _ask(draft(full_engine, told).body).splitlines() if "school days" in line)
        assert "each further school day" in pay, (said, pay)
    # still missing, though "started" is said of the half term
    half = {
        **facts,
        "issue": facts["issue"].replace("since 2nd of october", "since the half term started on 2nd november"),
    }
    pay = next(line for line in _ask(draft(full_engine, half).body).splitlines() if "school days" in line)
    assert "each further school day" in pay, pay
    # whole terms lost outweigh a count of days (a second reviewer: £80 for 3 days in place of 4 terms)
    terms = {
        **facts,
        "provision": None,
        "issue": "Kai has been out of school since September 2025 with no tuition at all. He missed 3 days of "
        "learning they said he would get.",
        "since": "2025-09",
    }
    pay = next(line for line in _ask(draft(full_engine, terms).body).splitlines() if line.startswith("- A payment"))
    assert "terms of education" in pay and "school days" not in pay, pay


def test_a_letter_reads_as_an_adviser_would_send_it(full_engine):
    """An adviser's read of Ruby's and Kai's letters: the council by its proper name ("Leeds Council" is Leeds City
    Council), the plan's quoted words in quotation marks, the person's words tidied (apostrophes, "I", capitals) but
    not changed, a subject that does not start a second capital mid-line, and transport law that argues the duty
    continuing when a taxi firm pulls out, not who is eligible (nobody disputed it)."""
    ruby = {
        "role": "parent",
        "council": "Leeds Council",
        "child": "Ruby",
        "has_plan": True,
        "issue": "my daughter Ruby (9) has an EHCP from leeds. Section F says: 'weekly speech and language therapy, 45 "
        "minutes, delivered by a qualified speech and language therapist'. shes had nothing since the therapist left "
        "after easter. i complained on 2 september and the stage 1 reply just says theyre recruiting",
        "provision": "weekly speech and language therapy, 45 minutes, delivered by a qualified speech and language "
        "therapist",
        "provision_source": "plan",
        "since": "2026-04",
    }
    r = draft(full_engine, ruby)
    body = r.body
    assert body.startswith("To the complaints team, Leeds City Council")
    assert (
        "The plan says: \u201cweekly speech and language therapy, 45 minutes, delivered by a qualified speech and "
        "language therapist\u201d." in body
    )
    assert "She's had nothing since the therapist left after Easter. I complained on 2 September" in body
    assert "they're recruiting" in body and "shes had" not in body
    # "shes had nothing since the therapist left" says the provision is missing: the plan's duty is argued
    assert "Provision in the EHC Plan has not been delivered" in body.split("\n\n")[2]
    assert "section 42 of the Children and Families Act 2014" in body
    assert r.verification.passed, r.verification.notes
    # therapy lost since the start of the month eight months ago is about 2 terms, not the 1 whole term it falls
    # short of by a day or two (an adviser's read: "April to November is about 2 terms")
    today = date.today()
    k = today.year * 12 + today.month - 1 - 8
    eight = draft(full_engine, {**ruby, "since": f"{k // 12:04d}-{k % 12 + 1:02d}"}).body
    assert re.search(r"for the 2 terms of speech and language therapy", eight), _ask(eight)
    unquoted = {**ruby, "issue": ruby["issue"].replace("'", ""), "provision_source": "plan"}
    assert "The plan says: Weekly speech" in draft(full_engine, unquoted).body
    kai = {
        "role": "parent",
        "council": "Nottinghamshire County Council",
        "child": "Kai",
        "has_plan": True,
        "issue": "Kai hasnt had his taxi to school since 2nd of october, the company pulled out. i complained on 20th "
        "october and nothing back.",
        "provision": "his taxi to school",
        "provision_source": "person",
        "since": "2026-10",
        "dates": {"complaint_made": "2026-10-20"},
    }
    body = draft(full_engine, kai).body
    subject = body.split("\n\n")[2]
    assert "; the complaint" in subject and "; The" not in subject, subject
    assert "so it does not end when a transport provider withdraws" in body
    assert "Schedule 35B" not in body
    refused = {**kai, "issue": "The council refused Kai's application for school transport in August."}
    assert "Schedule 35B" in draft(full_engine, refused).body


@pytest.mark.parametrize(
    "typed, shown",
    [
        ("i.e. the plan", "I.e. the plan"),  # a text's first letter; "i.e." itself kept
        ("his i.d. was lost", "His i.d. was lost"),
        ("at 3 p.m. on monday", "At 3 p.m. on monday"),
        ("approx. two hours", "Approx. two hours"),
        ("starting year 7 may be too much", "Starting year 7 may be too much"),
        ("the 2 may disagree", "The 2 may disagree"),
        ("on the 3 may it stopped", "On the 3 May it stopped"),
        ("see https://www.kent.gov.uk/send/ehcp", "See https://www.kent.gov.uk/send/ehcp"),
        ("(i was told)", "(I was told)"),
        ("her ehcp's section f", "Her EHCP's section f"),
        ("im tired and ive had enough", "I'm tired and I've had enough"),
        ("see (i) and (ii)", "See (i) and (ii)"),
        ("Mr. smith said no. then nothing", "Mr. smith said no. Then nothing"),
    ],
)
def test_the_persons_words_are_tidied_without_changing_one(typed, shown):
    """The second reviewer's inputs: an abbreviation's full stop is no sentence's end, "may" is a month only beside a
    day, a link is kept exactly, and no word is added or dropped."""
    assert tidy(typed) == shown
    assert story("hi,\n\nwhy hasnt anyone called me?\n\nthe plan says:")[0] == (
        "Hi.\n\nWhy hasn't anyone called me?\n\nThe plan says."
    )


def test_a_council_keeps_the_kind_the_person_wrote_and_only_the_plans_quoted_words_are_quoted():
    assert official_name("Leeds Council") == "Leeds City Council"
    assert official_name("Barnet Council") == "London Borough of Barnet"
    assert official_name("Nottingham County Council") == "Nottingham County Council"  # not the city
    assert official_name("Newcastle Borough Council") == "Newcastle Borough Council"  # Newcastle-under-Lyme
    assert official_name("Cornwall Council") == "Cornwall Council"
    assert not _in_quotes("weekly speech therapy", "The council emailed: 'we cannot offer weekly speech therapy'.")
    assert not _in_quotes("OT", "Section F: 'not now'.")
    assert _in_quotes("weekly OT, 1 hour", "Section F says: 'weekly OT, 1 hour'. Nothing since May.")


@pytest.mark.parametrize(
    "words, eligibility",
    [
        ("The taxi firm withdrew from the contract", False),
        ("His mental health has declined", False),
        ("entitled to transport under his EHCP but the taxi company pulled out", False),
        ("12 miles away and the taxi firm went bust", False),
        ("going to appeal to the tribunal about section F", False),
        ("The council refused Kai's application for school transport in August.", True),
        ("Brum council withdrew his transport", True),
    ],
)
def test_who_is_eligible_for_free_travel_is_argued_only_when_eligibility_is_in_question(words, eligibility):
    assert bool(re.search(ONLY_WHEN["EA1996-Sch35B"], words, re.I)) is eligibility


def test_a_stage_2_already_asked_for_is_chased_and_a_cut_allowance_is_restored_from_the_cut(full_engine):
    """An adviser's read of a special guardian's letter: she asked for stage 2 on 10 July and heard nothing, and the
    letter asked for stage 2 again, told her she could ask for it "if stage 1 does not resolve it", and asked for the
    allowance backdated only "to when I asked"."""
    facts = {
        "role": "parent",
        "council": "Birmingham Council",
        "child": "Mia",
        "complainant": "special guardian",
        "stage": "council-stage-2",
        "issue": "birmingham cut my special guardianship allowance from 180 a week to 95 in april without telling me "
        "why. i complained stage 1 in may, reply in june said its policy. asked for stage 2 on 10 july and nothing since",
        "since": "2026-04",
        "dates": {"stage2_requested": "2026-07-10"},
    }
    body = draft(full_engine, facts).body
    assert body.split("\n\n")[2].startswith("**Stage 2 complaint, not yet answered: Mia")
    assert "I asked Birmingham City Council on 10 July 2026 for my complaint to be considered at stage 2" in body
    assert "if stage 1 does not resolve it" not in body and "Request to escalate" not in body
    assert "Please send the stage 2 response within 10 working days of this letter" in body
    assert "the allowance restored to its previous level, backdated to april 2026" in body.lower()
    corporate = {
        **facts,
        "child": "Jay",
        "complainant": "parent",
        "issue": "Kent have given Jay no tuition since September. I asked for stage 2 on 10 July and nothing since.",
    }
    body = draft(full_engine, corporate).body
    assert "Stage 2 complaint, not yet answered" in body and "Request to escalate" not in body


def test_terms_lost_count_term_time_and_a_childs_name_is_capitalised_in_the_persons_words():
    """An adviser's read of a 15-year-old out of school since September: "the letter never says one term has been
    lost so far" (September to the end of November is most of the autumn term; August and Christmas are not term time),
    and "my son jayden" is the person's typing, not the child's name."""
    from app.draft import DAYS_PER_TERM, TERM_ROUNDING, term_days

    def terms(since: str) -> int:
        return int(term_days(date.fromisoformat(since), date(2026, 11, 29)) / DAYS_PER_TERM + TERM_ROUNDING)

    assert (terms("2026-09-01"), terms("2026-04-01"), terms("2026-01-01"), terms("2023-09-01")) == (1, 2, 3, 10)
    assert terms("2026-10-15") == 0  # six weeks: the rate alone
    assert _named("My son jayden is 15. jaydens school", "Jayden") == "My son Jayden is 15. jaydens school"
    assert _named("I will ask", "Will") == "I will ask"


def test_a_second_reviewers_letters_that_the_stage_2_chaser_and_the_allowance_ask_once_got_wrong(full_engine):
    base = {
        "role": "parent",
        "council": "Birmingham Council",
        "child": "Mia",
        "complainant": "special guardian",
        "stage": "council-stage-2",
        "since": "2026-04",
        "dates": {"stage2_requested": "2026-07-10"},
    }
    answered = {**base, "issue": "I asked for stage 2 on 10 July and they sent a stage 2 response saying no."}
    assert "not yet answered" not in draft(full_engine, answered).body
    waiting = {**base, "issue": "I asked for stage 2 on 10 July and still no stage 2 response."}
    assert "Stage 2 complaint, not yet answered" in draft(full_engine, waiting).body
    before_code = {**waiting, "dates": {"stage2_requested": "2025-12-01"}}
    assert "Stage 2 complaint, not yet answered" in draft(full_engine, before_code).body
    to_ombudsman = {**waiting, "stage": "ombudsman"}
    assert "When I have its response I can ask for a review panel" not in draft(full_engine, to_ombudsman).body
    carers = {
        **base,
        "dates": {},
        "stage": "council-stage-1",
        "issue": "I am Mia's special guardian. Birmingham have never paid the special guardianship allowance. My "
        "carers allowance was stopped in May.",
    }
    assert "restored to its previous level" not in draft(full_engine, carers).body
    recent = {
        **base,
        "dates": {},
        "stage": "council-stage-1",
        "since": "2022-03",
        "issue": "I am special guardian for Mia since March 2022. Birmingham reduced my special guardianship allowance "
        "recently with no reasons.",
    }
    body = draft(full_engine, recent).body
    assert (
        "restored to its previous level, backdated to when it was cut" in body and "backdated to March 2022" not in body
    )


def test_a_councils_words_after_the_plan_are_not_quoted_as_the_plan():
    assert not _in_quotes(
        "we cannot do weekly speech therapy",
        "When I asked about his EHCP the council emailed: 'we cannot do weekly speech therapy'",
    )
    assert not _in_quotes("x y z w", "In order to 'x y z w'")
    assert tidy("its in section F. they have not provided it") == "Its in section F. They have not provided it"
    assert tidy("Im tired and Ive asked since may") == "I'm tired and I've asked since May"


def test_the_ask_carries_a_figure_benchmarked_on_a_cited_paragraph(full_engine):
    r = draft(full_engine, OT)
    ask = r.body[r.body.index("**What I am asking for.**") :].split("\n\n")[0]
    m = re.search(r"A payment of (£[\d,]+)[^\n]*?\u201c([^\u201d]+)\u201d (\[[^\]]+\])", ask)
    assert m, ask
    cited = next(c for c in r.citations if c.quote and c.quote in m.group(2))
    assert "£" in cited.quote and re.search(r"\bterm\b", cited.quote)
    assert r.verification.passed, r.verification.notes


LATE_REVIEW = {
    "role": "parent",
    "council": "Kent County Council",
    "child": "R",
    "issue": "R's annual review meeting was held on 3 March 2025 and the council has still not issued the amended plan. "
    "My stage 1 complaint of 2 June 2025 has had no reply.",
    "outcome_sought": "The amended plan issued now and a symbolic payment for the delay.",
}


def _ask(body: str) -> str:
    return body[body.index("**What I am asking for.**") :].split("\n\n")[0]


def test_a_symbolic_payment_is_benchmarked_on_an_award_for_the_same_kind_of_injustice(full_engine):
    r = draft(full_engine, LATE_REVIEW)
    line = next(x for x in _ask(r.body).splitlines() if "distress and uncertainty" in x)
    # the sum asked for is stated, and the paragraph the same line cites holds it, for distress or time and trouble
    m = re.search(
        r"A payment of (£[\d,]+) for the distress and uncertainty the delay has caused and my time and trouble", line
    )
    assert m, line
    quote = re.search(r"\u201c([^\u201d]+)\u201d", line).group(1)
    assert m.group(1) in quote and re.search(r"distress|uncertain|frustrat|time and trouble", quote), quote
    assert not re.search(r"grandparent|aunt|uncle|teenager|removed from", quote), "another family's harm"
    assert r.verification.passed, r.verification.notes


def test_no_date_for_the_loss_still_gives_the_rate_with_its_citation(full_engine):
    r = draft(full_engine, {k: v for k, v in NO_PLAN.items() if k != "since"})
    ask = _ask(r.body)
    assert re.search(
        r"A payment for the education L has missed, at £900 to £2,400 a term, the range the Ombudsman's own remedies guidance suggests",
        ask,
    ), ask
    assert r.verification.passed, r.verification.notes


def test_an_officers_offer_cites_the_benchmarks_that_bear_it_out_and_a_low_offer_is_flagged_to_the_officer(full_engine):
    high = draft(full_engine, dict(OFFICER, remedy_offer="£5,000"))
    offer = high.body[high.body.index("We offer you £5,000") :].split("\n\n")[0]
    assert re.search(
        r"£650 a term is a rate the Ombudsman accepted as in line with its guidance: \u201c[^\u201d]*£650 a term", offer
    ), offer
    assert high.verification.passed, high.verification.notes
    low = draft(full_engine, dict(OFFICER, remedy_offer="£200"))
    assert "£650 a term" not in low.body[low.body.index("We offer you £200") :]  # a benchmark would argue against it
    assert any("below the benchmark" in n for n in low.notes), low.notes  # told to the officer, not in the letter
    assert "below the benchmark" not in low.body
    assert low.verification.passed, low.verification.notes


def test_what_the_parent_paid_is_asked_back_instead_of_a_sum_for_provision_the_child_did_not_lose(full_engine):
    r = draft(full_engine, dict(OT, impact="I have paid £1,100 to a private OT since September; T is anxious."))
    ask = _ask(r.body)
    assert "Repayment of the £1,100 I have paid myself" in ask, ask
    assert not re.search(r"terms? of occupational therapy T has missed", ask), "the same loss counted twice"
    assert "is without the provision in the plan now" not in r.body  # the parent is paying for it
    assert r.verification.passed, r.verification.notes


def test_sessions_the_parent_counted_are_the_loss_not_terms_since_the_start(full_engine):
    r = draft(full_engine, dict(OT, impact="T has missed at least 12 OT sessions; his handwriting has gone backwards."))
    ask = _ask(r.body)
    # priced at a comparable decision's own award over the sessions it found missed, both quoted and cited (an
    # adviser read "12 sessions ... at £650 a term" as a payment with no sum)
    assert (
        "A payment of £600 for the 12 sessions of occupational therapy T has missed since September 2024, at £50 a"
        in ask
    )
    assert "missed out on 12 occupational therapy sessions" in ask and "£600 to reflect the missing sessions" in ask
    assert not re.search(r"£[\d,]+ for the \d+ terms", ask)
    assert r.verification.passed, r.verification.notes


def test_missed_weekly_payments_are_counted_from_the_persons_own_rate_and_dates():
    from app.owed import owed

    facts = {
        "role": "parent",
        "issue": "The council agreed direct payments for short breaks but they started months late.",
        "provision": "Direct payments of £95 a week for short breaks.",
        "outcome_sought": "Payment of the missing weeks from 16 June to 28 September 2025 and an apology.",
    }
    o = owed(parse_facts(facts))
    assert o is not None and o.words() == "15 weeks at £95 a week, £1,425"  # 105 days, both ends counted
    assert owed(parse_facts(dict(facts, provision="Direct payments for short breaks."))) is None  # no rate: no sum


def test_a_parent_carers_needs_assessment_is_named_only_when_the_facts_raise_it(full_engine):
    care = {
        "role": "parent",
        "council": "Liverpool City Council",
        "child": "D",
        "issue": "I asked the disabled children's team for support in January 2025 and the assessment is not finished.",
        "outcome_sought": "The section 17 assessment completed and short breaks arranged.",
    }
    without = draft(full_engine, care).body
    assert "section 17 of the Children Act 1989" in without and "17ZD" not in without
    asked = draft(full_engine, dict(care, outcome_sought=care["outcome_sought"] + " And a parent carer's assessment."))
    assert "Under section 17ZD of the Children Act 1989, the council must assess whether a parent carer" in asked.body
    assert "section 17(10) of the Children Act 1989, a child is in need" in asked.body  # not "…, A child"
    assert asked.verification.passed, asked.verification.notes


def test_no_school_place_in_the_impact_is_the_section_19_duty_and_health_guidance_needs_a_health_reason(full_engine):
    facts = {
        "role": "parent",
        "council": "Staffordshire County Council",
        "child": "O",
        "issue": "The Tribunal ordered the council on 3 June 2026 to amend O's plan; it still has not.",
        "impact": "O has been at home since September with no school place.",
    }
    assert "out_of_school" in labels(facts)
    body = draft(full_engine, facts).body
    assert "section 19 of the Education Act 1996" in body
    assert "health needs" not in body  # a missing place, not illness: the health needs guidance is not the law here
    assert "must comply with the order" in body  # the Tribunal's order binds the council
    ill = draft(full_engine, dict(facts, impact="O has been at home since September because of anxiety.")).body
    assert "health needs" in ill
    assert "out_of_school" not in labels(dict(facts, impact="Two exclusions for meltdowns; he is anxious."))


def test_a_shortage_of_educational_psychologists_is_answered_with_the_limits_on_missing_20_weeks(full_engine):
    late = {
        "role": "parent",
        "council": "Kent County Council",
        "child": "E",
        "issue": "I asked for an EHC needs assessment on 3 March 2025. The council says it is waiting for an "
        "educational psychologist because of a shortage, and the plan is months late.",
    }
    r = draft(full_engine, late)
    assert "such as a shortage of educational psychologists, is not a reason it allows" in r.body
    assert "[SEND Regulations 2014, reg 13(3)]" in r.body and r.verification.passed, r.verification.notes
    other = draft(full_engine, dict(late, issue="I asked for an EHC needs assessment on 3 March 2025; no plan yet."))
    assert "13(3)" not in other.body


def test_a_complaint_unanswered_for_12_weeks_can_go_to_the_ombudsman_now(full_engine):
    facts = dict(OT, stage="ombudsman", contacts=["Stage 1 complaint emailed 4 March 2025"])
    body = draft(full_engine, facts).body
    assert "The council has not replied to my complaint of 4 March 2025, more than 12 weeks ago." in body
    assert "so I ask the Ombudsman to consider it now" in body
    assert "I complained to the council on 4 March 2025 and it has not replied." in body
    assert "I have been through the council's complaints procedure" not in body  # it never answered
    answered = dict(facts, contacts=["Stage 1 complaint emailed 4 March 2025; reply 20 March 2025"])
    assert "more than 12 weeks ago" not in draft(full_engine, answered).body


def test_a_complaint_told_back_keeps_the_council_as_the_subject():
    from app.template import _told_back

    facts = parse_facts({"role": "officer", "issue": "about the assessment"})
    said = (
        "You agreed to assess my son in January. You keep blaming a shortage. I have emailed you and you never replied."
    )
    assert _told_back(said, facts) == (
        "We agreed to assess your son in January. We keep blaming a shortage. You have emailed us and we never replied."
    )
    assert _told_back("Stage 1 was upheld in part and I asked for stage 2.", facts) == (
        "Stage 1 was upheld in part and you asked for stage 2."
    )


def test_social_care_direct_payments_are_not_argued_under_the_sen_personal_budget_law(full_engine):
    care = {
        "role": "parent",
        "council": "Liverpool City Council",
        "child": "K",
        "issue": "After K's social care assessment the council agreed direct payments for short breaks, but they "
        "started months late.",
    }
    body = draft(full_engine, care).body
    assert "Personal Budgets" not in body and "section 49 of the Children and Families Act" not in body
    send = dict(care, issue="The personal budget in K's EHC plan for tuition stopped without notice.")
    assert "section 49 of the Children and Families Act 2014" in draft(full_engine, send).body


def test_quotes_do_the_job_their_sentence_gives_them(full_engine):
    from app.quoting import sentence_role

    r = draft(full_engine, OT)
    for m in re.finditer(r"the Ombudsman found: \u201c([^\u201d]+)\u201d", r.body):
        assert sentence_role(m.group(1)) == "finding_fault", m.group(1)
        assert not re.match(r"(Mr|Mrs|Ms|Miss) \w+ complain", m.group(1))


OFFICER = {
    "role": "officer",
    "council": "Liverpool City Council",
    "name": "Ms A",
    "child": "P",
    "issue": "Ms A says her son P has had no occupational therapy since January and nobody answers her emails.",
    "since": "2025-01",
    "dates": {"complaint_received": "2026-11-02"},
    "points": [
        {
            "point": "Ms A says her son P has had no OT since January",
            "evidence": "The provider cancelled 14 sessions.",
            "finding": "upheld",
        },
        {
            "point": "Nobody answered her emails",
            "evidence": "Two emails were answered within 5 days.",
            "finding": "not upheld",
        },
    ],
    "actions": [{"action": "Arrange make-up OT sessions", "by": "2027-01-15", "owner": "Jo Smith, SEN team manager"}],
    "remedy_offer": "£1,300",
    "officer": "Jo Smith",
}


def test_an_officer_response_can_be_sent(full_engine):
    r = draft(full_engine, OFFICER)
    body = r.body
    assert body.count("Dear Ms A,") == 1 and "Dear complainant" not in body
    assert "You wrote" not in body and "Ms A says" not in body  # the officer's own note is not quoted back
    assert "Your son P has had no OT since January." in body and "Nobody answered your emails." in body
    assert "I uphold this point" in body and "I do not uphold this point" in body
    assert "The provider cancelled 14 sessions." in body
    assert "by 15 January 2027; Jo Smith, SEN team manager is responsible" in body
    assert "We offer you £1,300" in body
    assert not [
        b
        for b in re.findall(r"\[[^\]\n]+\]", body)
        if not re.search(r"\d{2} \d{3} \d{3}|para|summary|Act|Regulations|Code", b)
    ]
    assert "stage 2" in body and "Ombudsman" in body
    assert r.verification.passed, r.verification.notes


# ============================================================================= refining is a conversation


def test_a_question_is_answered_from_the_benchmarks_and_never_pasted_into_the_letter(full_engine):
    facts = parse_facts(OT)
    first = full_engine.draft(facts, llm="template")
    same, r = full_engine.refine(facts, "How much compensation could I ask for?", previous=first, llm="template")
    assert same == facts and r.body == first.body  # the letter is as it was
    assert "compensation" not in r.body.lower()
    assert "£" in r.reply and re.search(r"\[\d{2} \d{3} \d{3}, para \w+\]", r.reply), r.reply


def test_edits_build_on_each_other_and_keep_the_request_for_a_reply(full_engine):
    facts = parse_facts(OT)
    first = full_engine.draft(facts, llm="template")
    f1, r1 = full_engine.refine(facts, "Make it shorter and more firm", previous=first, llm="template")
    assert f1.short and f1.firm and r1.changed == ["shorter", "firmer"]
    assert len(r1.body) < len(first.body)
    assert "working days" in r1.body and "without further notice" in r1.body
    f2, r2 = full_engine.refine(f1, "Sign it from Sarah Jones", previous=r1, llm="template")
    assert f2.short and f2.name == "Sarah Jones" and r2.body.rstrip().endswith("Sarah Jones")
    assert "Sign it" not in r2.body
    assert len(r2.body) < len(first.body)  # the shortening was not undone


def test_remove_a_citation_by_council(full_engine):
    facts = parse_facts(OT)
    first = full_engine.draft(facts, llm="template")
    council = next(c for c in first.citations if c.doc_id[:2].isdigit())
    org = full_engine.document(council.doc_id).organisation.split()[0]
    f1, r1 = full_engine.refine(facts, f"remove the {org} citation", previous=first, llm="template")
    assert f1.exclude == [org]
    assert all(org not in (full_engine.document(c.doc_id).organisation or "") for c in r1.citations)
    assert r1.verification.passed


def test_an_unclear_message_changes_nothing_and_says_what_can_be_done(full_engine):
    facts = parse_facts(OT)
    first = full_engine.draft(facts, llm="template")
    same, r = full_engine.refine(facts, "hmm not sure about this", previous=first, llm="template")
    assert same == facts and r.body == first.body and "I did not change the letter" in r.reply


# ============================================================================= the local model's narrow job


def test_the_local_model_only_restates_the_account_and_is_checked(full_engine):
    from app.writers import RestatingWriter, check_restatement
    from fakes import FakeChat

    facts = parse_facts(OT)
    own = facts.issue
    faithful = (
        "My son T has an EHC plan that says he should have occupational therapy from a specialist OT. "
        "He has not had a single session since September 2024."
    )
    assert check_restatement(facts.text(), faithful) is None
    invented = faithful + " He was diagnosed in 2015 and Westmoor Council paid £600."
    assert "2015" in check_restatement(facts.text(), invented)

    r = run_draft(full_engine, facts, RestatingWriter("local", FakeChat(faithful)))
    assert faithful in r.body and own not in r.body
    assert r.verification.passed, r.verification.notes
    assert any("restated your account" in n for n in r.notes)

    bad = run_draft(full_engine, facts, RestatingWriter("local", FakeChat(invented)))
    assert "2015" not in bad.body and "Westmoor" not in bad.body and own.rstrip(".") in bad.body
    assert any("not used" in n and "2015" in n for n in bad.notes), bad.notes


def test_a_tribunal_order_sets_two_weeks_for_the_school_and_five_for_the_plan():
    f = parse_facts(
        {
            "role": "parent",
            "issue": "The Tribunal ordered the council to add SALT to Section F and to name Brook House School.",
            "dates": {"tribunal_order": "2026-07-02", "final_plan": "2026-09-30"},
        }
    )
    due = {d.label: d.due for d in build_timeline(f, {"tribunal_order"}, TODAY).due}
    assert due["School named in Section I as the Tribunal ordered"] == date(2026, 7, 16)
    assert due["Plan amended as the Tribunal ordered"] == date(2026, 8, 6)
    assert build_timeline(f, {"tribunal_order"}, TODAY).appeal_by is None  # its own order opens no new appeal


def test_an_officers_own_response_is_not_still_awaited():
    f = parse_facts(
        {
            "role": "officer",
            "issue": "Stage 2 has not started.",
            "dates": {"stage2_requested": "2026-10-01"},
            "procedure": "children-act",
        }
    )
    t = build_timeline(f, {"children_act_complaint"}, TODAY)
    assert [d.done for d in t.due if "response" in d.label.lower()][-1] == TODAY


STAGE2_DELAY = {
    "role": "officer",
    "stage": "response",
    "council": "Kirklees Metropolitan Borough Council",
    "child": "D",
    "procedure": "children-act",
    "issue": "I complained about the disabled children's team's assessment of my son. Stage 1 was upheld in part and "
    "I asked for stage 2. Six months later no investigating officer has contacted me.",
    "contacts": ["Stage 1 response 3 March 2025", "Stage 2 requested 7 April 2025"],
    "outcome_sought": "Parent wants the stage 2 investigation completed and the assessment redone.",
}


def test_a_stage_2_response_does_not_promise_to_arrange_the_next_stage(full_engine):
    """An adviser read "arrange the next stage" beside "if you remain unhappy after this stage 2 response": the
    review panel is the person's to ask for, so the council commits to holding it in time instead."""
    body = draft(full_engine, STAGE2_DELAY).body
    assert "after this stage 2 response" in body
    assert "arrange the next stage" not in body.lower()
    assert "Hold any review panel you ask for within 30 working days of your request." in body
    assert re.search(r"Stage 2 investigation response: due by [^\n]*; this response is dated [^\n]*late\.", body)


def test_a_send_familys_award_benchmark_comes_from_an_education_decision(full_engine):
    from app.draft import _same_field

    def hit(cat):
        return Hit("x", None, None, "1", "", "pay £100 for distress", 1.0, "", None, cat, None)

    assert _same_field(hit("Education > Special educational needs"), True) == 1
    assert _same_field(hit("Children's care services > Other"), True) == -1
    assert _same_field(hit("Children's care services > Other"), False) == 1
    assert _same_field(hit(None), True) == 0
    gold = yaml.safe_load((ROOT / "evals/gold/drafting.yaml").read_text())
    d07 = next(s for s in gold if s["id"] == "d07")  # a personal budget paid for by the parent
    r = draft(full_engine, d07["facts"])
    line = next(x for x in _ask(r.body).splitlines() if "time and trouble" in x)
    assert "statutory children" not in line and "stage 2 response" not in line, line  # not a Children Act award


def test_each_sum_in_a_remedy_table_row_is_for_its_own_purpose():
    from app.draft import remedy_rows

    text = (
        "The Council agreed to apologise to Miss X and pay her £500 for the uncertainty caused by the delays, £3,000 for "
        "her child's potential missed education and £100 for the frustration caused through the complaint handling delays."
    )
    rows = remedy_rows(
        [Hit("d", "24 015 110", "Lancashire County Council", "summary", "", text, 1.0, "", None, None, None)]
    )
    purposes = {r["amount_text"]: r["purpose"] for r in rows}
    assert purposes["£500"] == "the uncertainty caused by the delays", purposes
    assert purposes["£3,000"] == "her child's potential missed education", purposes
    assert purposes["£100"].startswith("the frustration"), purposes


def test_make_it_firmer_on_an_officers_response_firms_its_commitments(full_engine):
    """Tried in the app: "make it firmer" on the officer desk changed nothing. A council's response is firmer in what
    it commits to (a date to confirm the actions are done, and notice if one slips), not in threats."""
    facts = parse_facts(OFFICER)
    first = full_engine.draft(facts, llm="template")
    _, firm = full_engine.refine(facts, "make it firmer", previous=first, llm="template")
    assert firm.body != first.body
    assert "We will write to you by 15 January 2027 to confirm that each action has been done." in firm.body
    assert "next stage without further notice" not in firm.body  # the parent's firmness is not the council's
    assert firm.verification.passed, firm.verification.notes


def test_a_precedent_under_the_tribunal_order_heading_is_about_an_order(full_engine):
    """An adviser read "delayed her right of appeal to the SEND tribunal" quoted under "The council has not carried out
    the Tribunal's order": any mention of the Tribunal is not a finding about an order."""
    gold = yaml.safe_load((ROOT / "evals/gold/drafting.yaml").read_text())
    body = draft(full_engine, next(s for s in gold if s["id"] == "d17")["facts"]).body
    for para in re.findall(r"\*The council has not carried out the Tribunal's order\.\*[^\n]*", body):
        for quote in re.findall(r"\u201c([^\u201d]+)\u201d", para):
            assert re.search(r"tribunal'?s? (order|decision)|ordered|order of", quote, re.I), quote
    assert "right of appeal to the SEND tribunal" not in body
    # the order is not yet in the plan: it is what the Tribunal ordered, not what "the plan says"
    assert "**What the Tribunal ordered.** Section F to include" in body and "The plan says: Tribunal order" not in body


def test_a_special_guardians_support_assessment_is_not_a_disabled_childs_unless_she_says_so(full_engine):
    """An adviser read d19: a grandmother's special guardianship support letter was headed "support for a disabled
    child" and quoted the disabled children's duty, though nobody said Mia is disabled."""
    gold = yaml.safe_load((ROOT / "evals/gold/drafting.yaml").read_text())
    facts = next(s for s in gold if s["id"] == "d19")["facts"]
    labels_found = [t.label for t in issues_for(parse_facts(facts))]
    assert "special_guardianship" in labels_found and "social_care_assessment" not in labels_found
    assert "disabled child" not in draft(full_engine, facts).body
    said = dict(facts, impact="Mia is autistic and I am struggling to pay for her therapy.")
    assert "social_care_assessment" in [t.label for t in issues_for(parse_facts(said))]


def test_an_officers_notes_on_a_needs_assessment_date_the_request_and_the_draft_plan():
    """o03's notes: "Request received 6 January 2025; decision to assess 17 February 2025" and "Draft plan issued":
    the request starts the 20 weeks, and a new plan's draft is not proposed amendments to an existing one."""
    lines = [
        "Request received 6 January 2025; decision to assess 17 February 2025",
        "Draft plan issued 26 August 2025",
        "We agreed to assess your son for an EHC plan in January.",
    ]
    ev = found_events(lines)
    assert ev["assessment_requested"] == date(2025, 1, 6)
    assert "amendment_notice" not in ev and ev["draft_plan"] == date(2025, 8, 26)
    review = found_events(["Annual review meeting 3 March 2025", "Draft amended plan issued 26 August 2025"])
    assert review["amendment_notice"] == date(2025, 8, 26)


def test_an_officer_restates_the_complaint_in_reported_speech_not_as_the_councils_admission():
    """o03: turned round sentence by sentence, "You keep blaming the lack of educational psychologists. That isn't my
    problem." read as the council saying "We keep blaming ... That isn't your problem." (an adviser's read); and "she
    stopped going" (the child) became "you stopped going", blaming the parent (o04)."""
    from app.template import _reported

    facts = parse_facts({"role": "officer", "issue": "about the assessment"})
    said = (
        "You agreed to assess my son in January and it's now 32 weeks. You keep blaming the lack of educational "
        "psychologists. That isn't my problem. He needs support now."
    )
    assert _reported(said, facts) == (
        "You told us that we agreed to assess your son in January and it's now 32 weeks, that we keep blaming the lack "
        "of educational psychologists, that this isn't your problem, and that he needs support now."
    )
    child = "K hasn't been to school since January 2024. The school put her on a reduced timetable and then she stopped going."
    assert "then she stopped going" in _reported(child, facts) and "you stopped" not in _reported(child, facts)


def test_asking_for_a_review_date_is_not_the_review_meeting():
    """d10: "Email asking for the annual review date, 14 April 2025" was read as the meeting, and the letter told the
    council a review had been held and computed its deadlines from it (an adviser's read)."""
    assert found_events(["Email asking for the annual review date, 14 April 2025"]) == {}
    assert found_events(["Chased the council for a review meeting on 2 May 2025"]) == {}
    assert found_events(["Annual review meeting 3 March 2025"]) == {"review_meeting": date(2025, 3, 3)}


def _gold(sid: str) -> dict:
    return next(s for s in yaml.safe_load((ROOT / "evals/gold/drafting.yaml").read_text()) if s["id"] == sid)["facts"]


def test_a_penalty_charge_goes_to_the_traffic_penalty_tribunal_not_the_ombudsman(full_engine):
    """d15: a parking fine's rejected representations were sent down the complaints route to the Ombudsman, running the
    person past the 28 days to appeal to the adjudicator (an adviser's read)."""
    r = draft(full_engine, _gold("d15"))
    route = r.body[r.body.index("**Next steps.**") :].split("\n\n")[0]
    assert "Traffic Penalty Tribunal" in route and "Ombudsman" not in route
    assert any("within 28 days" in n and "notice of rejection" in n for n in r.notes), r.notes
    assert r.verification.passed, r.verification.notes


def test_after_the_transport_appeal_panel_the_next_step_is_the_ombudsman(full_engine):
    """d06 and o06: after the council's stage 2 transport appeal panel, the parent's letter asked to 'escalate to
    stage 2' of a complaint never made, and the officer overturned the independent panel (an adviser's read)."""
    parent = draft(full_engine, _gold("d06"))
    assert parent.body.startswith("To the Local Government and Social Care Ombudsman")
    assert "escalate my complaint to stage 2" not in parent.body
    assert any("appeal panel" in n and "Ombudsman" in n for n in parent.notes), parent.notes
    officer = draft(full_engine, _gold("o06")).body
    assert "fresh stage 2 appeal hearing, by a panel whose members did not sit on the first" in officer
    assert "Arrange suitable home to school transport" not in officer
    assert "we will consider your complaint at stage 2" not in officer


def test_a_complaint_the_council_ignored_goes_to_the_next_stage_not_a_new_stage_1(full_engine):
    """d14: "the council has ignored my complaint for three months" opened a new stage 1 complaint, restarting the clock
    on a council that had not answered (an adviser's read)."""
    r = draft(full_engine, _gold("d14"))
    assert "Formal complaint (stage 1)" not in r.body
    assert "it has not answered my complaint, so I ask for it to be considered at the next stage" in r.body
    assert "not satisfied with the council's response" not in r.body  # there was no response
    assert any("12 weeks" in n for n in r.notes), r.notes
    assert r.verification.passed, r.verification.notes


def test_a_corporate_complaints_handling_is_not_argued_from_the_children_act_procedure(full_engine):
    """d14 and others: a SEND complaint ignored under the corporate procedure was argued from "delayed considering a
    complaint at stage two of the children's statutory complaints procedure" and benchmarked on a review panel's award
    (an adviser's read: "that case does not apply to us")."""
    from app.draft import STATUTORY_PROCEDURE

    body = draft(full_engine, _gold("d14")).body
    for quote in re.findall(r"\u201c([^\u201d]+)\u201d", body):
        assert not STATUTORY_PROCEDURE.search(quote), quote
    assert "statutory complaints procedure" not in body and "panel hearing" not in body


def test_asks_and_actions_do_not_contradict_the_facts(full_engine):
    """An adviser's read: "Section F" asked for when nothing said there is a plan (d13); an officer promising to issue
    a plan already issued (o04) or the review decision already made (o02); a council offering a range (o04)."""
    d13 = draft(full_engine, _gold("d13")).body
    assert "Section F" not in _ask(d13)
    o04 = draft(full_engine, _gold("o04"))
    assert "Issue the" not in o04.body.split("We will:")[1].split("\n\n")[0]
    offer = re.search(r"We offer you a payment of (£[\d,]+)( to £[\d,]+)? for", o04.body)
    assert offer and not offer.group(2), "a council offers a sum, not a range"
    assert any("of the Ombudsman's range (£900 to £2,400 a term" in n for n in o04.notes), o04.notes
    assert o04.verification.passed, o04.verification.notes
    o02 = draft(full_engine, _gold("o02")).body
    assert "- Issue the final amended plan by" in o02 and "Issue the review decision" not in o02


def test_lost_education_is_one_sum_placed_in_the_range_by_what_the_child_had(full_engine):
    """An adviser's read of d05, d10, d17 and o04: "£4,500 to £12,000" invites the council to pay the foot, a child
    with no education at all (o04, self-harming) was offered the foot, and d10 counted part-time attendance as whole
    terms lost. One sum a term, placed by the facts, with the reason in the letter and the whole range beside it."""
    cases = (
        ("d05", "ask", "£1,650", "the middle", "no education at all"),
        ("o04", "offer", "£1,650", "the middle", "no education at all"),
        # part time at first, none now (a later reader: the foot was too low once Y "now cannot go in at all")
        ("d10", "ask", "£1,300", "between the foot and the middle", "part-time education at first and none now"),
    )
    for sid, voice, rate, where, why in cases:
        r = draft(full_engine, _gold(sid))
        said = re.search(
            r"(?:A|We offer you a) payment of £([\d,]+)( to £[\d,]+)? for the (\d+) terms of education", r.body
        )
        assert said and not said.group(2), (sid, "one sum, not a range")
        assert int(said.group(1).replace(",", "")) == int(rate[1:].replace(",", "")) * int(said.group(3)), sid
        assert f"at {rate} a term, {where} of the range" in r.body, sid
        assert f"has had {why}" in r.body, sid
        assert any(n.startswith(f"The {voice} is") and "£900 to £2,400 a term" in n for n in r.notes), r.notes
        assert r.verification.passed, r.verification.notes


def test_a_refused_personal_budget_is_not_provision_lost(full_engine):
    """o05: "a personal budget for S's provision ... refused at panel" was read as provision not delivered, and the
    council offered £3,900 for six terms of a loss its records did not show (an adviser's read)."""
    labels_found = [t.label for t in issues_for(parse_facts(_gold("o05")))]
    assert "personal_budget" in labels_found and "section_f_provision" not in labels_found
    assert "terms of the provision" not in draft(full_engine, _gold("o05")).body
    stopped = dict(
        _gold("o05"), issue="The personal budget stopped in May and S has missed his sessions with the tutor since."
    )
    assert "section_f_provision" in [t.label for t in issues_for(parse_facts(stopped))]


def test_a_late_response_says_sorry_and_counts_working_days():
    """An adviser's read of o09/o11/o12: the officer's response computed its own lateness ("5 days late", counting a
    weekend) and did not apologise for it."""
    from app.deadlines import Due
    from app.timeline import how_late

    due = Due(
        "Stage 1 response", date(2026, 11, 23), "10 working days from the acknowledgement", "x", done=date(2026, 11, 27)
    )
    assert how_late(due, date(2026, 11, 27)) == "4 working days late"
    # 19 days is 13 working days late, not "2 weeks" (an adviser's read of Kai's letter)
    kai = Due("Stage 1 response", date(2026, 11, 10), "10 working days from the acknowledgement", "x")
    assert how_late(kai, date(2026, 11, 29)) == "13 working days late"


def test_an_officers_late_response_apologises_for_its_lateness(full_engine):
    body = draft(full_engine, STAGE2_DELAY).body  # stage 2 asked for on 7 April 2025, answered today
    assert "I am sorry that this response is late: it was due by 15 May 2025 (25 working days" in body, body[:600]


def test_transport_that_started_late_is_not_asked_for_again(full_engine):
    """d16: transport "started 22 September 2025", three weeks late; the letter asked for "suitable transport arranged
    now" (an adviser's read)."""
    ask = _ask(draft(full_engine, _gold("d16")).body)
    assert "arranged now" not in ask
    assert "My travel costs reimbursed for the days I had to take F myself." in ask


def test_a_letter_to_the_council_does_not_raise_the_ombudsmans_time_limit_once_it_has_run(full_engine):
    """An adviser's read: "I know the Ombudsman normally expects a complaint within 12 months ... and can consider a
    later one" in a stage 1 letter hands the council a time-limit argument; the person is told beside the letter."""
    r = draft(full_engine, dict(OT, since="2023-09"))
    assert "can consider a later one" not in r.body and "12 months" not in r.body
    assert any("12-month window" in n for n in r.notes), r.notes


def test_personal_budget_law_is_not_quoted_for_the_council(full_engine):
    """d07/o05: "A local authority must stop making direct payments if" was the only personal budget law quoted, and
    reads as the council's case (an adviser's read); a cut to the payments cites the duty to give notice, reasons and
    to reconsider."""
    assert "must stop making direct payments" not in draft(full_engine, _gold("d07")).body
    cut = dict(_gold("d07"), issue="The council cut A's EHC plan personal budget direct payments by half in May.")
    assert "must reconsider its decision" in draft(full_engine, cut).body


def test_a_care_leaver_at_university_cites_the_bursary_duty_and_asks_for_it(full_engine):
    """d20: the letter dropped what she asked for, the higher education bursary and vacation accommodation (an
    adviser's read)."""
    r = draft(full_engine, _gold("d20"))
    assert "[Children Act 1989, s 23C(5A)]" in r.body and "It is the duty of the local authority to pay" in r.body
    ask = _ask(r.body)
    assert "higher education bursary paid" in ask and "accommodation for the vacations" in ask
    assert r.verification.passed, r.verification.notes


def test_a_reference_with_no_council_never_says_none():
    """d19's references printed "None, decided 8 December 2016" for a decision with no council named."""
    from app.cite import Citation
    from app.quoting import references_md

    h = Hit("15 018 561", "15 018 561", None, "3", "", "pay her £500", 1.0, "", None, None, "2016-12-08")
    md = references_md([Citation("15 018 561", "15 018 561", "3", None, "decision")], [h])
    assert "None" not in md and "A council, decided 8 December 2016" in md


def test_an_officers_note_naming_the_complainant_speaks_to_her():
    """o09/o11/o12: "Ms Okafor's emails ... were not answered" in a letter to Ms Okafor (an adviser's read)."""
    from app.template import _second_person

    f = parse_facts({"role": "officer", "issue": "about the review", "name": "Ms Adaeze Okafor"})
    assert _second_person("Ms Okafor's emails of 12 January were not answered", f) == (
        "Your emails of 12 January were not answered."
    )
    assert _second_person("The council named a school Ms Okafor did not ask for", f) == (
        "The council named a school you did not ask for."
    )


def test_every_writer_drafts_at_the_stage_the_words_put_the_letter(full_engine):
    """The stage an ignored complaint or a decided transport panel puts the letter at is the context's, so a connected
    model is told it too (it was decided inside the template writer alone)."""
    from app.draft import build_context
    from app.writers import facts_block

    ignored = build_context(full_engine, parse_facts(_gold("d14")))
    assert ignored.stage == "council-stage-2" and "Request to escalate my complaint to stage 2" in facts_block(ignored)
    panel = build_context(full_engine, parse_facts(_gold("d06")))
    assert panel.stage == "ombudsman" and "Complaint to the Local Government" in facts_block(panel)
    assert build_context(full_engine, parse_facts(OT)).stage is None  # the chosen stage stands


def test_a_letter_to_the_ombudsman_does_not_ask_it_for_the_councils_full_response(full_engine):
    """An adviser's read: "a full response to every point of my complaint" is an ask of the council at its own stages;
    in a letter to the Ombudsman (d03, d09, d16) it is asked of the wrong body."""
    assert "A full response to every point of my complaint." in _ask(draft(full_engine, _gold("d02")).body)
    for sid in ("d03", "d09", "d16"):
        assert "full response to every point" not in _ask(draft(full_engine, _gold(sid)).body), sid


def test_a_letter_from_one_line_says_what_it_still_needs_before_it_is_sent(full_engine):
    """An adviser's read of d13 and d14 ("my son's speech therapy keeps being cancelled"): no letter should go from
    one line; ask first which council, since when, what was done, whether there is a plan, what is wanted."""
    notes = draft(full_engine, _gold("d13")).notes
    ask = next(n for n in notes if n.startswith("Before you send this, add"))
    for need in ("which council", "when the problem began", "what you have already done", "EHC plan", "what you want"):
        assert need in ask, need
    assert not any(n.startswith("Before you send this") for n in draft(full_engine, _gold("d01")).notes)


def test_an_appeal_time_already_run_is_not_told_as_still_to_come_and_a_penalty_appeal_is_not_put_off(full_engine):
    """A second adviser's read: o04 told the parent "When the final plan is issued you will have 2 months to appeal"
    though the records say it was issued on 30 June 2025; d15 said "If the council does not cancel the penalty
    charge, I will appeal", inviting the person to miss the 28 days."""
    o04 = draft(full_engine, _gold("o04")).body
    assert "When the final plan is issued" not in o04
    assert re.search(
        r"The time to appeal to the SEND Tribunal about the content of the plan ran until \d+ \w+ 2025", o04
    )
    d15 = draft(full_engine, _gold("d15")).body
    assert "If the council does not cancel" not in d15
    assert "I am appealing to the Traffic Penalty Tribunal" in d15 and "within 28 days" in d15


def test_a_remedy_sum_named_by_the_sentence_before_it_is_not_quoted(full_engine):
    """ "This payment is in addition to the £150 the Council offered Mrs E ..." leans on the sentence before it for its
    sum (16 eval letters quoted it; an adviser read it as a fragment). Kai's complaint, ignored, quotes the same
    decision's finding on complaint handling instead, found by the issue's own search when the story outweighs it."""
    for body in (draft(full_engine, _gold("d02")).body, draft(full_engine, KAI_CHAT).body):
        assert "This payment is in addition" not in body
    kai = draft(full_engine, KAI_CHAT).body
    handled = kai.split("*The complaint was not handled properly.*")[1].split("\n")[0]
    assert "it delayed in replying to Mrs E's complaints. This was fault\u201d [24 012 399, para 67]" in handled, (
        handled
    )
    # a chat model's letter that quotes it passes its checks: "This was fault\u201d [cite]." is read with the sentence
    # before it, not as a claim of its own (a full stop is no word; 8 fake-llm eval letters were marked)
    from app.draft import build_context
    from app.evals import fake_chat_model_for
    from app.writers import ChatWriter

    facts = parse_facts(KAI_CHAT)
    ctx = build_context(full_engine, facts)
    chat = run_draft(full_engine, facts, ChatWriter("fake-llm", fake_chat_model_for(ctx)), ctx=ctx)
    assert chat.verification.passed and "This was fault" in chat.body, chat.verification.notes


def test_a_plans_duty_is_said_as_depending_on_a_plan_nobody_mentioned(full_engine):
    """d13 ("my son's speech therapy keeps being cancelled"): the second adviser read section 42 and "without the
    provision in the plan now" as a statutory duty built on a fact the user never gave."""
    body = draft(full_engine, _gold("d13")).body
    assert "- If my child has an EHC plan: under section 42 of the Children and Families Act 2014" in body
    assert "provision in the plan now" not in body
    assert "- Under section 42 of the Children and Families Act 2014" in draft(full_engine, _gold("d01")).body


def test_a_therapy_rate_is_scaled_down_to_what_the_plan_gives(full_engine):
    """Two advisers read d02's "£5,850 for the 9 terms ... at £650 a term" as not credible for nine hours of SALT a
    year: the £650 a term the Ombudsman accepted was for 5 sessions a term (30 over 6 terms, its own paragraph), so a
    plan giving 3 hours a term is priced at 3/5 of it, with both counts stated; a fuller plan is not scaled (d01)."""
    d02 = draft(full_engine, _gold("d02"))
    ask = _ask(d02.body)
    assert "A payment of £3,900 for the 10 terms of speech and language therapy M has missed" in ask, ask
    assert "at £390 a term: £650 a term is a rate the Ombudsman accepted" in ask
    assert "for 5 sessions a term (30 sessions over 6 terms), and the plan gives 3 hours a term" in ask
    assert d02.verification.passed, d02.verification.notes
    assert "at £650 a term, a rate the Ombudsman accepted" in _ask(draft(full_engine, _gold("d01")).body)
    o01 = draft(full_engine, _gold("o01"))
    assert "at £260 a term" in o01.body and "the plan gives 2 sessions a term" in o01.body
    assert o01.verification.passed, o01.verification.notes


def test_a_penalty_charge_letter_fits_where_the_challenge_is_and_whose_tribunal_hears_it(full_engine):
    """A reviewer: "I am appealing ... within 28 days of the council's notice of rejection" was said with no rejection
    in the facts, and for a London council, whose penalty charges go to London Tribunals."""
    body = draft(
        full_engine,
        {
            "role": "parent",
            "stage": "council-stage-1",
            "council": "London Borough of Camden",
            "issue": "I got a parking fine outside my son's school while dropping him off for his therapy.",
        },
    ).body
    assert "I am making formal representations against the penalty charge" in body
    assert "London Tribunals" in body and "Traffic Penalty Tribunal" not in body


def test_an_officers_offer_above_a_range_states_the_range_it_rests_on(full_engine):
    """A reviewer: an offer at or above the range's foot was said to rest on "£900 a term is the range ...", the
    foot alone, after the single-rate scaling changed the sentence."""
    body = draft(full_engine, dict(_gold("o04"), remedy_offer="£20,000")).body
    assert "£900 to £2,400 a term is the range the Ombudsman's own remedies guidance suggests" in body, body


def test_a_wish_answered_in_the_chat_is_asked_for_not_told_as_what_happened(full_engine):
    """A chat's answer to "what would you like the council to do?" lands at the account's end: the letter asks for it
    under "What I am asking for" and does not tell it again as what happened (Kai's transcript)."""
    facts = {
        **KAI,
        "issue": "Kai hasnt had his taxi to school since 2nd of october.\n\nhe should have a taxi to school and back every "
        "day. i want the taxi back now and something for the school hes missed",
        "outcome_sought": "the taxi back now and something for the school hes missed",
    }
    body = draft(full_engine, facts).body
    happened = body[body.index("**What has happened.**") :].split("\n\n**")[0]
    assert "want the taxi back" not in happened and "He should have a taxi to school and back every day." in happened
    assert "The taxi back now and something for the school he's missed." in _ask(body)


def test_a_child_out_of_school_while_the_complaint_waits_is_urgent(full_engine):
    """An adviser's read of Kai's letter: no urgency while he misses school every day, and nothing to tell the council
    which child (surname, date of birth) or which complaint (its reference). The overdue reply is asked within 5
    working days, with why; once the taxi is back, 10. What to add is said beside the letter, not left in it."""
    r = draft(full_engine, KAI_CHAT)
    assert (
        "Please send your full response to my complaint within 5 working days of this letter; the time the Ombudsman's "
        "Complaint Handling Code gives for it has passed. Kai is missing school every day this goes on." in r.body
    ), r.body
    assert any(
        "add Kai's full name and date of birth, and the council's reference for your complaint" in n for n in r.notes
    ), r.notes
    assert "[" not in r.body.replace("[Your name]", "").split("**What Kai should have.**")[0]  # no placeholder in it
    back = {**KAI_CHAT, "issue": KAI_CHAT["issue"] + ". The council reinstated his taxi on 16 november"}
    body = draft(full_engine, back).body
    assert "within 10 working days of this letter" in body and "missing school every day" not in body
    named = {**KAI_CHAT, "child": "Kai Brennan", "issue": KAI_CHAT["issue"] + ". our ref is CF/2231"}
    assert not any("Under the heading, add" in n for n in draft(full_engine, named).notes)


def test_part_days_are_the_middle_and_no_every_day_claim(full_engine):
    """A second reviewer's: "only the afternoons" or "i drive him in most days" is not whole school days missed, so the
    ask is the middle of the range and the letter does not say the child misses school every day; a sister's college
    bus is not the child's college; an Ombudsman letter's reference is for the Ombudsman to find the records."""
    for said in (
        "i can only get him in for the afternoons so hes missed 11 days of school mornings",
        "i now drive him in most days but hes still missed 11 days of school",
    ):
        r = draft(
            full_engine, {**KAI_CHAT, "impact": said, "issue": KAI_CHAT["issue"].replace(KAI_CHAT["impact"], said)}
        )
        pay = next((line for line in _ask(r.body).splitlines() if "school days" in line), "")
        assert "the top of the range" not in pay and "every day this goes on" not in r.body, (said, pay)
    sister = {**KAI_CHAT, "issue": KAI_CHAT["issue"] + ". his big sister still gets her college bus fine"}
    body = draft(full_engine, sister).body
    assert "Kai is missing school every day" in body and "missing college" not in body
    assert "I am sending a copy of this letter to the council's home to school transport team" in body


def test_the_account_names_the_council_and_its_days_as_the_letter_does(full_engine):
    """An adviser's read of Kai's letter: "an EHCP from notts ... on the 2nd of October" is chat, not a letter. The
    council's short name is its name, a day is written as a letter writes it; nothing else of the person's changes,
    and a contact said in the account is still not listed again."""
    body = draft(full_engine, KAI_CHAT).body
    told = body.split("**What has happened.** ")[1].split("\n\n")[0]
    assert told.startswith(
        "My son Kai is 12 and has an EHCP from Nottinghamshire County Council. His taxi to school stopped on 2 October "
        "when the firm pulled out and nothing since"
    ), told
    assert "I put a complaint in on 20 October and nothing back." in told
    assert "**My contacts with the council.**" not in body
    leeds = {**KAI_CHAT, "council": "Leeds City Council"}  # another council's short name is left as written
    assert "from notts" in draft(full_engine, leeds).body


def test_an_officer_accepts_that_the_earlier_reply_put_nothing_right(full_engine):
    """o08: "your stage 1 reply took ten weeks and didn't offer anything". The response says so in its own words (the
    eval's must-say had been met only by a precedent's "If she did not accept this", quoted no more)."""
    body = draft(full_engine, _gold("o08")).body
    assert "Our earlier reply did not offer anything to put things right, and it should have." in body, body
    assert "did not offer anything" not in draft(full_engine, _gold("o04")).body


def test_the_short_name_a_date_and_part_days_are_read_of_the_child_and_the_council(full_engine):
    """A second reviewer's: "i work part time" is the parent's, not part days of school (the top stays); "stoke-on-trent
    city council" and "we live in notts" are left as written; "the 20th and 21st of October" is left as typed; a reply
    that offered nothing is the council's, not "the school offered nothing"."""
    from app.councils import name_nicknames
    from app.text import plain_dates

    part = {**KAI_CHAT, "issue": KAI_CHAT["issue"] + ". i work part time"}
    assert "the top of the range" in draft(full_engine, part).body
    assert name_nicknames("from stoke-on-trent city council", "Stoke-on-Trent City Council").endswith("city council")
    assert name_nicknames("we live in notts", "Nottinghamshire County Council") == "we live in notts"
    assert plain_dates("on the 20th and 21st of October") == "on the 20th and 21st of October"
    assert plain_dates("The 2nd of October was the last day") == "2 October was the last day"
    from app.template import NO_REMEDY

    assert not NO_REMEDY.search("The school offered nothing while the therapist was away. No response was sent.")
    assert NO_REMEDY.search("your stage 1 reply took ten weeks and didn't offer anything")
