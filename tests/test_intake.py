"""Complaint intake (`app.intake.split_complaint`) on complaints written the ways councils receive them: letters,
emails, numbered lists, "Firstly/Secondly", one long paragraph, officers' third-person notes."""

from __future__ import annotations

import pytest

from app.intake import Intake, split_complaint

# (complaint, expected fields, words each point must contain, in order)
CASES = {
    "officer note, third person": (
        "Ms A says her son P has had no OT since January. She emailed the SEN team three times and got no reply. "
        "The annual review due in March has not been held.",
        {"name": "Ms A", "child": "P", "complainant": "parent", "stage_requested": None, "procedure_hint": "corporate"},
        [["OT", "January"], ["emailed", "three times"], ["annual review"]],
    ),
    "formal letter, numbered list": (
        "Dear Sir or Madam,\n\nI am writing to make a formal complaint about the support for my daughter, Amy.\n\n"
        "1. The speech and language therapy in Section F of her EHC plan has not been delivered since September 2024.\n"
        "2. Her annual review in May was never completed and we have had no amended plan.\n"
        "3. I emailed the SEN team on 4 October and 18 October and have had no reply.\n\n"
        "I want the therapy to start and an apology.\n\nYours sincerely,\n\nSarah Jones",
        {"name": "Sarah Jones", "child": "Amy", "complainant": "parent", "stage_requested": None},
        [["speech and language therapy"], ["annual review"], ["emailed", "no reply"]],
    ),
    "firstly, secondly, and a stage 2 request": (
        "My name is Mrs Patel and I am complaining on behalf of my son, Ravi. Firstly, the council has not provided "
        "the taxi to school it agreed in July, so I have driven him every day. Secondly, nobody replied to my "
        "complaint for eight weeks. Finally, I want my complaint to go to stage 2.",
        {"name": "Mrs Patel", "child": "Ravi", "complainant": "parent", "stage_requested": 2},
        [["taxi", "driven him"], ["eight weeks"]],
    ),
    "special guardian, social care": (
        "I am Jack's special guardian. The social worker has not visited since March and the short breaks in his "
        "child in need plan stopped in April. I also complain that my carer's assessment was never done. I want "
        "this considered at stage 2 of the children's complaints procedure.\n\nKind regards,\nMargaret Hill",
        {
            "name": "Margaret Hill",
            "child": "Jack",
            "complainant": "special guardian",
            "stage_requested": 2,
            "procedure_hint": "children-act",
        },
        [["social worker", "short breaks"], ["carer's assessment"]],
    ),
    "grandparent": (
        "I look after my grandson Leo, who is 8, full time. His EHC plan says he should have a teaching assistant "
        "for 15 hours a week but the school has had no funding for it since Easter. Nobody at the council has "
        "answered my letters.\n\nMany thanks\nPeter Walsh",
        {"name": "Peter Walsh", "child": "Leo", "complainant": "carer"},
        [["teaching assistant", "Easter"], ["answered my letters"]],
    ),
    "young person": (
        "Hi, I am 17 and I have an EHC plan. My college has not had the 1:1 support in my plan since I started in "
        "September. I emailed the council twice and nobody replied.\n\nThanks,\nJordan Smith",
        {"name": "Jordan Smith", "child": None, "complainant": "young person"},
        [["1:1 support"], ["emailed the council twice"]],
    ),
    "advocate": (
        "I am an advocate from SENDIASS writing on behalf of Ms B about her son, C. The council issued C's final "
        "plan 31 weeks after the request for an assessment, well beyond 20 weeks. It has also not named a school, so "
        "C has been out of school since the summer with no alternative provision.\n\nYours faithfully,\nTom Green",
        {"name": "Tom Green", "child": "C", "complainant": "advocate"},
        [["31 weeks"], ["out of school"]],
    ),
    "email with a From line, out of school, panel": (
        "From: David Okafor <d.okafor@example.com>\nSubject: Complaint about Daniel\n\nMy son Daniel has been out "
        "of school since he was excluded in February. The council has not arranged any alternative education. He "
        "gets 2 hours of tuition a week. Another problem is that the transport to his new school has not been "
        "arranged. Please take this to the stage 3 review panel.",
        {"name": "David Okafor", "child": "Daniel", "complainant": "parent", "stage_requested": 3},
        [["excluded in February", "alternative education"], ["transport"]],
    ),
    "foster carer": (
        "As Ellie's foster carer I want to complain that her social worker has changed four times this year and "
        "none of them has visited. Her care plan has not been reviewed since it was made.",
        {"child": "Ellie", "complainant": "foster carer", "procedure_hint": "children-act"},
        [["social worker", "none of them has visited"], ["care plan"]],
    ),
    "officer note, lettered list": (
        "Mr and Mrs D complain that the Council: (a) delayed the EHC needs assessment for their daughter E beyond "
        "20 weeks; (b) failed to consider their views; and (c) did not respond to their complaint. They want the "
        "Council to apologise.",
        {"name": "Mr and Mrs D", "child": "E", "complainant": "parent"},
        [
            ["the Council delayed the EHC needs assessment", "20 weeks"],
            ["the Council failed"],
            ["respond to their complaint"],
        ],
    ),
    "one long paragraph, I also complain": (
        "I have been chasing the council since the autumn about my son's occupational therapy. The OT stopped in "
        "January and has not restarted even though it is in Section F of his plan. I also complain about how the "
        "council handled my complaint, as it took 12 weeks to reply and the reply did not answer my questions. "
        "I would like the OT to restart and compensation for the sessions he missed.",
        {"name": None, "complainant": "parent", "stage_requested": None},
        [["OT stopped in January"], ["12 weeks to reply"]],
    ),
    "refusal to assess": (
        "Dear complaints team,\n\nThe council refused to carry out an EHC needs assessment for my son Sam even "
        "though the school asked for one. I do not understand why.\n\nKind regards\n\nMs Rachel Cole",
        {"name": "Ms Rachel Cole", "child": "Sam", "complainant": "parent", "procedure_hint": "send-tribunal"},
        [["refused to carry out an EHC needs assessment"]],
    ),
    "no name at all, short": (
        "No OT for months. Nobody answers my emails.",
        {"name": None, "child": None},
        [["No OT"], ["emails"]],
    ),
    "mum of, bullets": (
        "Dear complaints team,\nI'm Laura Bell, mum of Oscar (age 6). Oscar's plan has not been followed:\n"
        "- the speech therapy sessions stopped after October half term\n"
        "• the annual review meeting was cancelled twice and never rearranged\n\n"
        "Please put this right.",
        {"name": "Laura Bell", "child": "Oscar", "complainant": "parent"},
        [["speech therapy sessions stopped"], ["annual review meeting"]],
    ),
    "officer note, she says, Children Act": (
        "Mrs K reports that the disabled children's team has not completed the section 17 assessment of her "
        "daughter R, requested in June. She says the direct payments for R's personal assistant have been late "
        "every month since August. She wants the complaint dealt with under the statutory procedure.",
        {"name": "Mrs K", "child": "R", "complainant": "parent", "procedure_hint": "children-act"},
        [["section 17 assessment"], ["direct payments"]],
    ),
    "letter in paragraphs, I also want to complain": (
        "Re: Formal complaint - ref 12345\n\nTo whom it may concern,\n\nOn 3 March 2025 I emailed my son's "
        "caseworker to ask why his speech therapy had stopped. I did not get a reply. I emailed again on 17 March and "
        "phoned on 24 March. Still nothing.\n\nMy son Harry (10) has autism and his EHC plan says he must have weekly "
        "SALT. He has not had a session since the February half term. He is now refusing to speak at school and is "
        "very distressed.\n\nI also want to complain about the transport. His taxi has been late 12 times this term, "
        "and on 2 occasions it did not turn up at all.\n\nI would like the sessions he has missed to be made up and a "
        "written apology.\n\nRegards,\nMrs Karen O'Neill",
        {"name": "Mrs Karen O'Neill", "child": "Harry", "complainant": "parent"},
        [["emailed again on 17 March"], ["weekly SALT", "February half term"], ["taxi has been late"]],
    ),
    "officer's shorthand, lower case": (
        "complaint received by phone 12/11. mum (Ms T) reports daughter K (Y9) has been on a reduced timetable since "
        "September - only 2 hours a day. school say they cannot meet need. no alternative provision arranged by LA. "
        "Ms T also unhappy that EHCNA request made in June has had no decision. wants K back in full time education.",
        {
            "name": "Ms T",
            "child": "K",
            "complainant": "parent",
            "outcome_sought": "Wants K back in full time education.",
        },
        [["reduced timetable", "no alternative provision"], ["EHCNA request made in June"]],
    ),
    "twins, signed at the end of the paragraph": (
        "Hello, my name is Aisha and I'm the mum of twins, Zara and Omar. Both have EHC plans. Neither has received "
        "the occupational therapy in section F since the new term began. When I raised this with the school they told "
        "me it was the council's responsibility. Nobody at the council has replied to me. Thank you, Aisha Rahman",
        {"name": "Aisha Rahman", "child": "Zara and Omar", "complainant": "parent"},
        [["occupational therapy"], ["Nobody at the council"]],
    ),
    "a first word that is not a sign-off": (
        "Thanks to the council's delay my son has missed a year of school.\nThe council has not named a school in "
        "his plan.",
        {"name": None, "complainant": "parent"},
        [["Thanks to the council's delay", "named a school"]],
    ),
}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_split_complaint_reads_points_and_people(case):
    text, expected, points = CASES[case]
    got = split_complaint(text)
    assert isinstance(got, Intake)
    for key, value in expected.items():
        assert getattr(got, key) == value, (key, got)
    assert len(got.points) == len(points), got.points
    for point, words in zip(got.points, points, strict=True):
        for w in words:
            assert w.lower() in point.lower(), (w, point)


def test_points_are_in_the_complainants_words_not_the_officers_frame():
    got = split_complaint(CASES["officer note, third person"][0])
    assert got.points[0] == "Her son P has had no OT since January."
    assert not any(p.startswith(("Ms A", "She says")) for p in got.points), got.points
    assert all(p.endswith(".") and p[0].isupper() for p in got.points)


def test_asks_are_not_points_but_are_kept_as_what_is_sought():
    got = split_complaint(CASES["formal letter, numbered list"][0])
    assert not any("I want" in p for p in got.points)
    assert got.outcome_sought == "I want the therapy to start and an apology."
    got = split_complaint(CASES["firstly, secondly, and a stage 2 request"][0])
    assert "stage 2" in (got.outcome_sought or "")


def test_numbers_within_one_paragraph_are_a_list():
    text = (
        "I complain about three things. 1. The OT in Section F has not been delivered since January. 2. The annual "
        "review was late. 3. Nobody answered my emails."
    )
    got = split_complaint(text)
    assert got.points == [
        "The OT in Section F has not been delivered since January.",
        "The annual review was late.",
        "Nobody answered my emails.",
    ]


def test_empty_and_unsplittable_text():
    assert split_complaint("   ") == Intake()
    got = split_complaint("I am unhappy with the council.")
    assert got.points == ["I am unhappy with the council."]


def test_a_staff_name_in_a_first_person_letter_is_not_the_complainant():
    got = split_complaint("Mrs Brown the SENCO said my son's OT has stopped. Nobody has explained why.")
    assert got.name is None
