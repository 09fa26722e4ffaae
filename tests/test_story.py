"""The story intake (app/story.py): what the rules read from a person's own words, that a model's invented council,
date or amount never reaches the facts, the questions asked for what is missing, and a person's corrections."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from app import readers
from app import story as story_module
from app.story import (
    Extraction,
    confirm,
    evaluate,
    extract,
    follow_up,
    load_stories,
    missing,
    schema_for,
    understood,
)
from tests.fakes import FakeChat

TODAY = date(2026, 11, 27)
GOLD = Path(__file__).resolve().parents[1] / "evals" / "gold" / "stories.jsonl"

PARENT = (
    "My son Jack is 9 and has an EHCP from Leeds City Council. His plan says he should get weekly speech and language "
    "therapy but he hasnt had any since September. I emailed the SEN team on 3 October 2026 and again on 20 October, "
    "no reply. He has stopped talking at school. I want the council to arrange the therapy and make up the sessions."
)
RUN_ON = (
    "i dont know where to start really my daughter amira has been out of school since last march kent county council "
    "said they would find her a place but nothing she has no ehcp we asked for an assessment on 12 april 2026 and "
    "they refused it. i made a formal complaint on 2 june 2026 and got the stage 1 reply on 30 june"
)
GUARDIAN = (
    "I am Tyler's special guardian (he's my grandson, 11). Since the SGO was made in January 2025 Manchester City "
    "Council have not paid the allowance they agreed."
)


def _quote(ex: Extraction, name: str) -> str:
    start, end = ex.source(name)
    return ex.text[start:end]


def test_rules_read_a_parents_story_with_each_value_pointing_at_their_words():
    ex = extract(PARENT, today=TODAY)
    assert ex.get("council") == "Leeds City Council"
    assert ex.get("child") == "Jack"
    assert ex.get("since") == "2026-09"  # "since September", said in November 2026
    assert ex.get("has_plan") is True
    assert ex.get("complainant") == "parent"
    assert "speech and language therapy" in ex.get("provision")
    assert "arrange the therapy" in ex.get("outcome_sought")
    assert "stopped talking" in ex.get("impact")
    assert any("3 October 2026" in c for c in ex.get("contacts"))
    for name in ("council", "child", "since", "has_plan", "provision", "impact", "outcome_sought"):
        assert ex.values[name].by == "rules"
        assert _quote(ex, name).strip(), name  # a real span of the person's text
    assert _quote(ex, "council") == "Leeds City Council"
    assert _quote(ex, "since").lower().startswith("since september")


def test_rules_read_a_run_on_story_with_no_capitals_and_the_complaint_so_far():
    ex = extract(RUN_ON, today=TODAY)
    assert ex.get("council") == "Kent County Council"
    assert ex.get("child") == "Amira"
    assert ex.get("since") == "2026-03"  # "last March"
    assert ex.get("has_plan") is False
    assert ex.get("stage") == "council-stage-2"  # they have the stage 1 reply
    assert ex.get("dates") == {
        "assessment_requested": "2026-04-12",
        "complaint_made": "2026-06-02",
        "stage1_response": "2026-06-30",
    }


def test_a_special_guardian_is_not_taken_for_a_grandparent_or_parent():
    ex = extract(GUARDIAN, today=TODAY)
    assert ex.get("complainant") == "special guardian"
    assert ex.get("child") == "Tyler"
    assert ex.get("since") == "2025-01"
    assert ex.to_facts().complainant == "special guardian"


def test_to_facts_gives_the_facts_form_with_the_story_as_the_issue():
    facts = extract(RUN_ON, today=TODAY).to_facts()
    assert facts.role == "parent"
    assert facts.council == "Kent County Council" and facts.since == "2026-03" and facts.has_plan is False
    assert facts.dates["complaint_made"] == "2026-06-02"
    assert facts.issue == RUN_ON


def test_a_model_that_invents_a_council_date_or_amount_is_not_believed():
    story = "my son has autism and the school keep sending him home. nobody helps us."
    invented = {
        "council": "Leeds City Council",
        "child": "Harry",
        "since": "2025-09",
        "has_plan": True,
        "complainant": "parent",
        "stage": "ombudsman",
        "provision": "£2,000 of tuition",
        "impact": "he is sent home",
        "outcome_sought": "a payment of £500",
    }
    model = FakeChat(json.dumps(invented))
    ex = extract(story, chat_model=model, today=TODAY)
    for name in ("council", "child", "since", "has_plan", "stage", "provision", "outcome_sought"):
        assert ex.get(name) is None, name
    facts = ex.to_facts()
    assert "Leeds" not in facts.text() and "£" not in facts.text() and "2025" not in facts.text()
    assert any("council" in n and "not in the words" in n for n in ex.notes)
    # the model was asked under the facts schema, for the gaps only
    assert ex.values["complainant"].by == "rules"  # "my son": the rules had it, the model was not asked
    assert "council" in model.prompts[0] and '"complainant"' not in model.prompts[0]


def test_a_models_well_formed_answer_for_a_gap_is_kept_with_its_span():
    story = (
        "Bristol City Council have not given Sam his therapy since March. It is making everything harder for us all."
    )
    assert extract(story, today=TODAY).get("impact") is None  # the impact reader finds no harm likely enough
    model = FakeChat(json.dumps({"impact": "making everything harder for us all", "outcome_sought": None}))
    ex = extract(story, chat_model=model, today=TODAY)
    found = ex.values["impact"]
    assert found.by == "model"
    assert ex.text[found.source[0] : found.source[1]] == "making everything harder for us all"


def test_a_model_that_answers_nonsense_or_fails_leaves_the_rules_reading():
    ex = extract(PARENT, chat_model=FakeChat("I am sorry, I cannot help with that."), today=TODAY)
    assert ex.get("council") == "Leeds City Council"
    story = "My daughter should get speech therapy every week but has had none since June."
    ex = extract(story, chat_model=FakeChat(), today=TODAY)  # no reply left: fails
    assert ex.get("provision") == "speech therapy every week" and any("failed" in n for n in ex.notes)


# the service named first ("no speech therapy"); the plan's fuller wording further on
NAMED_ONLY = (
    "My son Jack has an EHCP from Leeds City Council. He has had no speech therapy since September. The plan has him "
    "down for an hour a week of speech and language therapy with a specialist therapist."
)
FULLER = "an hour a week of speech and language therapy with a specialist therapist"


def test_the_reader_takes_the_plans_fuller_wording_not_the_service_named_in_the_failure():
    found = extract(NAMED_ONLY, today=TODAY).values["provision"]
    assert FULLER in found.value and found.how == "learned" and found.by == "rules"
    assert NAMED_ONLY[found.source[0] : found.source[1]] == found.value  # a span of the person's words


def test_the_model_only_fills_a_provision_the_reader_left_empty_and_only_from_the_words():
    story = "nobody will tell me why his transport was stopped by the council"
    assert extract(story, today=TODAY).get("provision") is None
    model = FakeChat(json.dumps({"provision": "transport"}))
    ex = extract(story, chat_model=model, today=TODAY)
    assert ex.get("provision") == "transport" and ex.values["provision"].by == "model"
    made_up = extract(story, chat_model=FakeChat(json.dumps({"provision": "a taxi with an escort"})), today=TODAY)
    assert made_up.get("provision") is None and any("dropped provision" in n for n in made_up.notes)


def test_a_provision_the_reader_found_is_not_asked_of_the_model_again():
    model = FakeChat(json.dumps({"provision": "speech therapy", "impact": None, "outcome_sought": None}))
    ex = extract(NAMED_ONLY, chat_model=model, today=TODAY)
    assert FULLER in ex.get("provision") and ex.values["provision"].by == "rules"
    assert '"provision"' not in model.prompts[0]


def test_a_models_provision_that_is_what_the_person_asks_for_is_not_taken_as_owed():
    story = (
        "Croydon council agreed in January 2026 to assess my daughter Zara for an EHC plan and there is still no "
        "draft. We want the plan issued straight away with full time support and compensation for the delay."
    )
    asked = "full time support and compensation for the delay"
    assert asked in extract(story, today=TODAY).get("outcome_sought")
    ex = extract(story, chat_model=FakeChat(json.dumps({"provision": asked})), today=TODAY)
    assert ex.get("provision") is None
    assert any("what the person asks for" in n for n in ex.notes)


def test_with_no_model_the_rules_reading_is_unchanged_and_asks_nothing():
    ex = extract(NAMED_ONLY, today=TODAY)
    assert FULLER in ex.get("provision") and not ex.notes
    assert all(f.by == "rules" for f in ex.values.values())


def test_the_schema_keeps_patterns_that_llama_cpp_would_drop_from_a_type_list():
    since = schema_for(["since"])["properties"]["since"]
    assert {"type": "string", "pattern": "^(19|20)[0-9]{2}-(0[1-9]|1[0-2])$"} in since["anyOf"]


def test_follow_up_asks_for_what_is_missing_most_important_first_three_at_a_time():
    ex = extract("they have stopped everything and i am at my wits end", today=TODAY)
    qs = follow_up(ex)
    assert qs == [
        "Which council is this about?",
        "When did the problem start (month and year)?",
        "Does your child have an EHC plan?",
    ]
    ex = confirm(ex, "council", "Hull City Council")
    assert "Which council is this about?" not in follow_up(ex)
    assert len(follow_up(ex)) == 3
    assert follow_up(extract(PARENT, today=TODAY)) == []


def test_no_plan_means_no_question_about_what_the_plan_says():
    ex = extract("Kent County Council refused to assess since May 2026. she has no ehcp.", today=TODAY)
    assert "provision" not in missing(ex)


def test_confirm_marks_the_persons_answer_confirmed_and_correct_wins():
    ex = extract(PARENT, today=TODAY)
    fixed = confirm(ex, "council", "Leeds Council")
    assert fixed.get("council") == "Leeds Council" and fixed.source("council") == "confirmed"
    assert ex.get("council") == "Leeds City Council"  # the earlier reading is not changed in place
    fixed = confirm(fixed, "since", "August 2026")
    assert fixed.get("since") == "2026-08" and fixed.values["since"].by == "person"
    none = confirm(extract("help", today=TODAY), "contacts", None)
    assert "contacts" not in missing(none)
    # added words later do not overwrite what the person confirmed
    more = extract("It is really Bradford Council.", previous=fixed, today=TODAY)
    assert more.get("council") == "Leeds Council"


def test_understood_is_a_plain_summary_to_confirm():
    text = understood(extract(RUN_ON, today=TODAY))
    assert text.startswith("This is what I understood")
    assert "Kent County Council" in text and "March 2026" in text and "EHC plan: no" in text
    assert "2 June 2026" in text


def test_rules_are_well_under_a_second_and_the_eval_reports_every_field():
    stories = load_stories(GOLD)
    assert len(stories) >= 30 and 8 <= sum(s.heldout for s in stories) <= len(stories) // 2
    report = evaluate(stories)
    tuning = report["rules"]["tuning"]
    # the rules and readers, with the provision clause model (about 0.1 s a story, 0.5 s for the longest on 2 cores):
    # well inside the issue's 5 s to the first response, even on a busier machine
    assert tuning["seconds_max"] < 2.0
    assert set(tuning["fields"]) >= {"council", "since", "has_plan", "provision", "contacts", "dates"}
    assert tuning["fields"]["council"]["precision"] >= 0.9


def test_a_model_offering_words_that_are_not_a_name_as_the_child_is_dropped():
    story = "hi im 17 and i have an ehcp from Bristol City Council and no support worker since september."
    ex = extract(story, chat_model=FakeChat(json.dumps({"child": "hi im 17"})), today=TODAY)
    assert ex.get("child") is None
    story = "my grandson lives with me and Derbyshire County Council give us nothing."
    ex = extract(
        story, chat_model=FakeChat(json.dumps({"child": "my grandson", "stage": "council-stage-1"})), today=TODAY
    )
    assert ex.get("child") is None and ex.get("stage") is None  # no complaint made: no stage


def test_words_added_later_fill_the_gaps_with_spans_in_the_whole_conversation():
    first = extract("they stopped his therapy and nobody answers my emails", today=TODAY)
    assert "council" in missing(first)
    more = extract("It is Hull City Council, since March 2026.", previous=first, today=TODAY)
    assert more.get("council") == "Hull City Council" and more.get("since") == "2026-03"
    start, end = more.source("council")
    assert more.text[start:end] == "Hull City Council"
    assert more.text.startswith("they stopped his therapy")


def test_the_intake_command_shows_what_it_understood_and_asks_the_rest(tmp_path):
    from typer.testing import CliRunner

    from app.cli import app

    story = tmp_path / "story.txt"
    story.write_text("my son Jack has an ehcp with Leeds City Council, no speech therapy since september.\n")
    out = CliRunner().invoke(app, ["intake", str(story)])
    assert out.exit_code == 0, out.output
    assert "Leeds City Council" in out.output and "? Who have you contacted about it, and when?" in out.output
    data = json.loads(CliRunner().invoke(app, ["intake", str(story), "--json"]).output)
    assert data["values"]["council"]["value"] == "Leeds City Council" and data["values"]["council"]["by"] == "rules"


def test_every_value_read_from_the_gold_stories_can_be_shown_in_the_persons_words():
    for story in load_stories(GOLD):
        ex = extract(story.text, today=TODAY)
        for found in [*ex.values.values(), *ex.contacts, *ex.dates.values()]:
            start, end = found.source
            assert 0 <= start < end <= len(story.text), (story.id, found)
        for c in ex.contacts:
            assert c.value == story.text[c.source[0] : c.source[1]]


def test_a_models_text_with_a_date_or_amount_the_person_never_gave_is_dropped():
    story = "Hull City Council stopped his speech therapy in march and he is falling behind at school."
    for made_up in (
        "he is falling behind since 4 march",
        "he is falling behind, £300 lost",
        "falling behind since May",
    ):
        ex = extract(story, chat_model=FakeChat(json.dumps({"outcome_sought": made_up})), today=TODAY)
        assert ex.get("outcome_sought") is None, made_up
        assert any("not" in n for n in ex.notes)


def test_the_council_named_the_way_people_name_it_and_hours_with_a_decimal():
    for words, council in (
        ("We live in Wigan and the SENCO says there is no money.", "Wigan Council"),
        ("the LA (north tyneside) has ignored my emails since feb.", "North Tyneside Council"),
        ("Council: Southwark. I would like an apology.", "Southwark Council"),
        ("the london borough of newham has done nothing", "London Borough of Newham"),
    ):
        assert extract(words, today=TODAY).get("council") == council, words
    ex = extract("my son (12) has an ehcp. his ehcp says 32.5 hours of 1:1 a week.", today=TODAY)
    assert ex.get("provision").startswith("32.5 hours of 1:1")
    assert extract("My little girl Evie-Mae is 6.", today=TODAY).get("child") == "Evie-Mae"


def test_the_complaint_stage_said_the_many_ways_people_say_it():
    for words, stage in (
        ("I went to the ombudsman in May.", "ombudsman"),
        ("Parents have now gone to the LGSCO.", "ombudsman"),
        ("I complained in july, got the stage 2 response 5 November 2026.", "ombudsman"),
        ("I complained in June and got a stage one reply in July.", "council-stage-2"),
        ("We're at stage 2 now.", "council-stage-2"),
        ("i put in a complaint on 14 April 2026, they answered on 2 May saying no.", "council-stage-2"),
        ("I emailed a complaint in august, no reply yet.", "council-stage-1"),
        ("still waiting for the stage 1 response to my complaint of 3 June", "council-stage-1"),
        # the ombudsman said to complain to the council first: a complaint to the council, not the ombudsman
        (
            "I rang the ombudsman and they told me I have to go through the council first, so I complained.",
            "council-stage-1",
        ),
    ):
        assert extract(words, today=TODAY).get("stage") == stage, words
    for words in (
        "I haven't made a formal complaint yet.",
        "no formal complaint yet, I just want it sorted",
        "I am thinking of going to the ombudsman.",
        "I want to make a formal complaint.",
        "The stage 2 response is due next week.",
    ):
        assert extract(words, today=TODAY).get("stage") is None, words
    ex = extract("I haven't complained formally yet. I left voicemails for the duty team on 2 october.", today=TODAY)
    assert ex.get("contacts") == [
        "I left voicemails for the duty team on 2 october"
    ]  # a complaint not made is no contact


def test_the_harm_said_in_everyday_words_not_a_diagnosis_or_the_complaint_itself():
    assert "cries every morning" in extract("She cries every morning before school.", today=TODAY).get("impact")
    assert "give up work" in extract("I had to give up work to collect him.", today=TODAY).get("impact")
    ex = extract("hes got autism and anxiety. he just stays in his room all day now.", today=TODAY)
    assert ex.get("impact") == "he just stays in his room all day now"
    ex = extract("D has had no education since July and is behind. D is depressed and sleeping all day.", today=TODAY)
    assert ex.get("impact").endswith("D is depressed and sleeping all day")


def test_officers_notes_foster_carers_and_no_plan_yet():
    ex = extract("Case note. Mother (Mrs Hughes) phoned re son Ethan, Y10, EHCP maintained by Wigan.", today=TODAY)
    assert (ex.get("council"), ex.get("child"), ex.get("complainant")) == ("Wigan Council", "Ethan", "parent")
    ex = extract("We are foster carers for Dorset Council and have had M (aged 8) with us since 2024.", today=TODAY)
    assert (ex.get("complainant"), ex.get("child")) == ("foster carer", "M")
    assert extract("Somerset Council refused an EHC needs assessment in May.", today=TODAY).get("has_plan") is False
    assert extract("this has been going on since last febuary.", today=TODAY).get("since") == "2026-02"
    ex = extract("he was promised portage visits weekly from January and only had 3.", today=TODAY)
    assert ex.get("provision").startswith("portage visits weekly") and "only had" not in ex.get("provision")
    ex = extract("Ben has had an EHCP since he was 6. I have to drive him to school.", today=TODAY)
    assert ex.get("complainant") == "parent"  # a child named by someone writing as I: their parent


def test_the_side_by_side_record_names_the_commit_the_model_and_each_field(tmp_path, capsys):
    from app.story import _main

    gold = tmp_path / "stories.jsonl"
    gold.write_text(GOLD.read_text().splitlines()[0] + "\n")  # one tuning story
    assert _main(["--gold", str(gold), "--markdown"]) == 0
    out = capsys.readouterr().out
    assert "at commit " in out and "Model: none." in out
    assert "| council | 1.00 / 1.00 |" in out and "| all fields (micro) |" in out


def test_an_answer_to_a_question_fills_its_box_but_is_not_told_as_part_of_what_happened():
    story = (
        "my son T has an EHC plan and hasnt had any occupational therapy since September 2025. I emailed the SEN "
        "team on 2 October 2025 and nobody replied."
    )
    ex = extract("It is Liverpool City Council", previous=extract(story))
    facts = ex.to_facts()
    assert facts.council == "Liverpool City Council"
    assert "It is Liverpool City Council" not in facts.issue and facts.issue.startswith("my son T has an EHC plan")
    more = "Also the school told me in November that the therapist has left and nobody is coming back at all."
    assert more in extract(more, previous=ex).to_facts().issue  # more of the story is the story


def test_when_it_started_said_as_a_time_of_year_or_how_long_ago():
    for words, since in (
        ("He has had no tutoring since back in feb.", "2026-02"),
        ("We have been waiting for 18 months now.", "2025-05"),
        ("The package collapsed after the christmas holidays.", "2026-01"),
        ("From easter this year the school took the TA away.", "2026-04"),
        ("She had SALT until the therapist left after february half term.", "2026-02"),
    ):
        ex = extract(words, today=TODAY)
        assert ex.get("since") == since, words
        assert ex.quote("since") and ex.quote("since") in words
    # how long they have fostered is not how long the problem has gone on
    assert extract("We have been foster carers for 6 years.", today=TODAY).get("since") is None


def test_what_the_plan_says_in_the_persons_own_words():
    for words, provision in (
        (
            "his plan says 2 hrs OT a term plus a sensory circuit every morning.",
            "2 hrs OT a term plus a sensory circuit",
        ),
        ("She has an EHCP. She is meant to have a TA full time.", "a TA full time"),
        (
            "section F: weekly speech and language therapy delivered by a therapist",
            "weekly speech and language therapy",
        ),
        ("• What she should get: a taxi with a passenger assistant, both ways", "a taxi with a passenger assistant"),
        (
            "they used to give me a travel pass and a travel trainer but they stopped",
            "a travel pass and a travel trainer",
        ),
    ):
        ex = extract(words, today=TODAY)
        assert provision in ex.get("provision"), words
        assert ex.quote("provision") == ex.get("provision") or provision in ex.quote("provision")


def test_the_complaint_and_its_harm_said_in_notes_bullets_and_plain_words():
    for words, stage in (
        ("I put a formal complaint in on 30 October 2026.", "council-stage-1"),
        ("Formal complaint went in 17/11/2026.", "council-stage-1"),
        ("I sent a formal stage 1 complaint on 28 October 2026.", "council-stage-1"),
        ("• Complaint: stage 1 made 22/09/2026. Stage 2 requested 23/10/2026, still waiting", "council-stage-2"),
        ("So I've written back asking for stage 2, that was on 10 November 2026.", "council-stage-2"),
        ("We went through stage 1 (complaint 10/11/2025) and stage 2 with an investigator.", "ombudsman"),
    ):
        assert extract(words, today=TODAY).get("stage") == stage, words
    ex = extract(
        "• Impact: she's terrified of the bus and I've used all my annual leave\n• What I want: a taxi", today=TODAY
    )
    assert ex.get("impact") == "she's terrified of the bus and I've used all my annual leave"
    ex = extract("He comes home and just melts down.", today=TODAY)
    assert "melts down" in ex.get("impact")
    ex = extract(
        "I put a formal complaint in on 30 October 2026. No one's made a formal complaint about the bus.", today=TODAY
    )
    assert ex.get("contacts") == ["I put a formal complaint in on 30 October 2026"]
    assert ex.get("dates") == {"complaint_made": "2026-10-30"}


def test_councils_children_and_writers_named_the_way_people_name_them():
    ex = extract(
        "Brighton & Hove City Council cut his respite. I look after my sister's boys, the youngest Deacon is 8.",
        today=TODAY,
    )
    assert ex.get("council") == "Brighton & Hove City Council"
    assert ex.get("child") == "Deacon"
    assert extract("he dosent have an ehcp and the school wont apply", today=TODAY).get("has_plan") is False
    assert extract("We've been foster carers for the council for 6 years.", today=TODAY).get("complainant") == (
        "foster carer"
    )
    assert extract("My grandson lives with me on a special guardianship order.", today=TODAY).get("complainant") == (
        "special guardian"
    )


def test_a_plan_that_says_nothing_gives_no_provision_and_a_past_breakdown_is_no_harm():
    assert extract("The plan says nothing about transport.", today=TODAY).get("provision") != "nothing about transport"
    ex = extract(
        "He has been out of school since 2024 after a breakdown. He just sits in his room all day.", today=TODAY
    )
    assert "sits in his room all day" in (ex.get("impact") or "")


# --- general patterns (issue 15): what the rules read in words no tuning story used -----------------------------


def _stage(text: str):
    return extract(text, today=TODAY).get("stage")


def test_stage_is_the_furthest_step_said_as_done_not_an_intention_or_a_step_overdue():
    assert _stage("I am writing to complain about Leeds City Council and the support for my son.") is None
    assert _stage("I'm thinking of making a formal complaint.") is None
    assert _stage("I sent in a complaint on 2 October 2026 and I'm still waiting.") == "council-stage-1"
    assert _stage("Formal complaint: sent by email 14/10/26, auto reply only") == "council-stage-1"
    assert _stage("Still no reply to my complaint, which I sent on 29 September.") == "council-stage-1"
    assert _stage("I complained on 2nd September. Stage one came back on 30 September.") == "council-stage-2"
    assert _stage("I escalated my complaint to stage 2 in July.") == "council-stage-2"
    assert _stage("I complained in May and the stage 2 response is overdue.") != "ombudsman"
    assert _stage("The stage 2 investigation found in our favour in September.") == "ombudsman"
    assert _stage("I have contacted the Ombudsman and they gave me a reference number.") == "ombudsman"
    assert _stage("I sent everything to the Ombudsman on 20 November 2026.") == "ombudsman"
    # the Ombudsman sent it back: the council's procedure comes first
    premature = "I went to the ombudsman first in September, but they said I had to complain to the council first, which I did on 2 November 2026."
    assert _stage(premature) == "council-stage-1"
    # a complaint with no answer at all is still at stage 1 (the conventions: delay does not move the stage)
    assert _stage("I complained on 1 September 2026 and had no response at all.") == "council-stage-1"


def _provision(text: str):
    return extract(text, today=TODAY).get("provision")


def test_provision_is_what_the_person_should_get_in_their_own_or_the_plans_words():
    assert _provision("He is entitled to free home to school transport because the school is 9 miles away.") == (
        "free home to school transport"
    )
    assert "10 hours a week of specialist teaching" in _provision(
        "The plan provides for 10 hours a week of specialist teaching."
    )
    assert "a taxi with an escort" in _provision("They promised us a taxi with an escort but it never came.")
    assert "physiotherapy" in _provision("He should be receiving three sessions of physiotherapy a month.")
    # the plan's quoted words come before a short name for the same thing
    quoted = (
        "Her old plan said 'speech and language therapy, 1 hour per week direct, delivered by a specialist SALT'. "
        "She has had no SALT since July."
    )
    assert _provision(quoted) == "speech and language therapy, 1 hour per week direct, delivered by a specialist SALT"
    # a council's words quoted in a reply are not provision
    reply = "The stage 1 reply said it was 'an administrative error on our part' and he should get weekly OT."
    assert "administrative" not in (_provision(reply) or "")


def test_no_provision_is_read_for_a_child_still_waiting_for_an_assessment():
    text = (
        "On 1st October I sent in a request for an EHC needs assessment for my daughter Rosie. Her nursery say she "
        "needs 1:1 all day but they only get funding for 15 hours."
    )
    ex = extract(text, today=TODAY)
    assert ex.get("has_plan") is False
    assert ex.get("provision") is None


def _impact(text: str):
    return extract(text, today=TODAY).get("impact")


def test_impact_reads_harm_said_in_general_words_to_the_child_and_to_the_family():
    assert "running away" in _impact("The therapy stopped in May. She has started running away from school.")
    assert "savings" in _impact("The allowance never came. I'm on my pension and I've gone through my savings.")
    assert "can't manage the stairs" in _impact("No physio since June. He can't manage the stairs at school now.")
    assert "marriage" in _impact(
        "We have had no respite for six months. I am worn out and my marriage is under strain."
    )
    # harm to the child and to the family, told in two places, are both kept
    both = (
        "Her speech has gone backwards since the therapy stopped. The council says there is a waiting list. "
        "I've had to give up work to look after her."
    )
    got = _impact(both)
    assert "gone backwards" in got and "give up work" in got


def _contacts(text: str) -> list[str]:
    return extract(text, today=TODAY).get("contacts")


def test_contacts_are_read_in_any_words_for_getting_in_touch_but_not_intentions_or_negations():
    assert any(
        "texted the social worker" in c for c in _contacts("I texted the social worker twice and heard nothing.")
    )
    assert any(
        "meeting with the SENCO" in c for c in _contacts("We had a meeting with the SENCO and the caseworker in June.")
    )
    assert any("wrote to me" in c for c in _contacts("The head of service wrote to me on 12 October promising a plan."))
    assert _contacts("I'm thinking of going to the ombudsman.") == []
    assert _contacts("Not complained yet, I just want the Saturday club back.") == []
    # one contact told with a list of months is not cut at its commas
    assert _contacts("I chased in March, April and May by email.") == ["I chased in March, April and May by email"]


def test_since_reads_a_day_and_month_and_otherwise_the_first_dated_event():
    assert extract("She has been on a reduced timetable since 3rd Oct.", today=TODAY).get("since") == "2026-10"
    # "I have since received" is not when it began
    text = "The review was on 20 March 2026. I have since received the stage 2 response on 2 October 2026."
    assert extract(text, today=TODAY).get("since") == "2026-03"
    # no "since": the request that started the clock, not the complaint about it
    text = "On 1st October I sent in a request for an EHC needs assessment. I complained on 20 November."
    assert extract(text, today=TODAY).get("since") == "2026-10"


def test_a_form_or_a_note_is_read_by_its_labels():
    note = (
        "Summary prepared by volunteer advocate - complaint against Bath and North East Somerset Council\n"
        "Child: Elliot, 14\n"
        "Outcome sought: a tutor in place immediately, and a payment for the period without provision.\n"
    )
    ex = extract(note, today=TODAY)
    assert ex.get("complainant") == "advocate"
    assert ex.get("child") == "Elliot"
    assert ex.get("outcome_sought") == "a tutor in place immediately, and a payment for the period without provision"
    carers = extract("We are L's foster carers (she's 12, placed by Derby City Council in 2025).", today=TODAY)
    assert (carers.get("child"), carers.get("complainant")) == ("L", "foster carer")


def test_the_councils_silence_does_not_undo_the_persons_email():
    """The browser test's story: "I emailed the SEN team on 2 October 2025 and nobody replied" is a contact (a rule
    for "nobody has been in touch" had dropped it)."""
    ex = extract("I emailed the SEN team on 2 October 2025 and nobody replied. I want the OT back.")
    assert ex.get("contacts") == ["I emailed the SEN team on 2 October 2025 and nobody replied"]
    assert extract("Nobody has been in touch with us since March.").get("contacts") == []


def test_a_council_named_only_as_a_place_and_a_plan_not_yet_had():
    """From the blind-written tuning stories s104-s153, read unseen at council recall 0.54 and has_plan 0.81: a
    council named only by its place, in any case, is the council; one place among two is not guessed."""
    ex = extract("cheshire east refused to assess my son Ollie for an EHCP. we appealed on 20th May.", today=TODAY)
    assert ex.get("council") == "Cheshire East Council" and _quote(ex, "council") == "cheshire east"
    assert ex.get("has_plan") is False and ex.get("child") == "Ollie"
    assert (
        extract("Plymouth's children with disabilities team cut Noah's short breaks.", today=TODAY).get("council")
        == "Plymouth Council"
    )
    moved = extract("We moved from Hampshire to West Sussex and the SALT stopped.", today=TODAY)
    assert moved.get("council") == "West Sussex Council"  # not the council moved from
    both = extract("Hampshire say it is West Sussex's job and the SALT stopped.", today=TODAY)
    assert both.get("council") is None  # which of the two is not known from the names alone
    uni = extract("im a care leaver from east riding, at uni in hull since sept 2025", today=TODAY)
    assert uni.get("council") == "East Riding of Yorkshire Council"
    assert (
        extract("She hasn't got an EHCP, the school said she doesn't need one.", today=TODAY).get("has_plan") is False
    )


def test_complaint_steps_said_in_short_dates_and_other_words():
    ex = extract("Complained on 15/09. They replied 13/10 saying the SaLT will be commissioned.", today=TODAY)
    assert ex.get("stage") == "council-stage-2"
    assert ex.get("dates") == {"complaint_made": "2026-09-15", "stage1_response": "2026-10-13"}
    assert extract("went to the LGO in august and theyve said theyre investigating", today=TODAY).get("stage") == (
        "ombudsman"
    )
    assert (
        extract("sunderland council still havent sorted my lads taxi, complained 2 weeks ago", today=TODAY).get("stage")
        == "council-stage-1"
    )
    assert extract("he needs 24/7 care and gets 3/4 of his hours", today=TODAY).get("dates") == {}
    assert extract("He should be on 1/1 support.", today=TODAY).get("since") is None  # a ratio, not 1 January
    assert extract("I complained on 3 October. Nobody replied.", today=TODAY).get("stage") == "council-stage-1"
    assert extract("How can I make a complaint? Should I email the SEN team?", today=TODAY).get("contacts") == []
    texted = extract(
        "I texted the leaving care duty number like 6 times and left messages for the manager.", today=TODAY
    )
    assert len(texted.get("contacts")) == 2


def test_when_it_started_in_short_years_and_school_years():
    # a number after a month is a day, never a guessed year (a reviewer: "since March 21" read as 2021)
    assert extract("neither has happened since March 21 when the therapist left", today=TODAY).get("since") == "2026-03"
    assert extract("no OT since October last year", today=TODAY).get("since") == "2025-10"
    assert extract("struggling since year 7 and is now in year 10", today=TODAY).get("since") is None
    assert extract("no annual review since january last year", today=TODAY).get("since") == "2025-01"
    assert extract("hes getting maybe 10hrs ever since year 6 started", today=TODAY).get("since") == "2026-09"


def test_when_it_started_said_in_terms_weeks_and_then():
    """Starts the s204-s303 writers used: a term, weeks counted back, "since then" after a time, a move told first."""
    for words, since in (
        ("Since the start of the spring term the school has been using his TA as a floater.", "2026-01"),
        ("Since the start of the summer term there's been no OT at all.", "2026-04"),
        ("Since the start of this term (September) the passenger assistant has been withdrawn.", "2026-09"),
        ("Y has been out of school for the last 11 weeks after his placement broke down.", "2026-09"),
        ("they have not provided any home tuition for my son Callum for 14 months, he has ME", "2025-09"),
        ("He had his last overnight stay just before Christmas and since then there's been nothing.", "2025-12"),
        ("since he went into year 8 hes been on a part time timetable", "2026-09"),
        ("stockport council took away his taxi after half term in october", "2026-10"),
        ("its over a year since i first asked them to assess, that was october last year.", "2025-10"),
        # the child came to live with the carer, or the family moved, before the failure began
        ("M has lived with us since Easter. Since she started year 8 in September she has had no 1:1.", "2026-09"),
        ("We moved to Luton in July. From September until now he is at home, no teacher.", "2026-09"),
        # a document's date is not a start
        ("his PEP from june says 2 hours of tuition a week. after the october half term the tutor stopped.", "2026-10"),
    ):
        assert extract(words, today=TODAY).get("since") == since, words
    # the term now (told in November: the autumn term's start), as the later writers label it
    assert extract("Isla hasn't been to school since the start of this term.", today=TODAY).get("since") == "2026-09"


def test_dated_steps_in_timelines_dotted_dates_and_replies_in_other_words():
    ex = extract(
        "i complained to birmingham council on 20.7.26, they wrote back on 14 August saying 'the referral is "
        "allocated'. i asked them to move it to stage 2 on Mon 7 Sept and all ive had is silence.",
        today=TODAY,
    )
    assert ex.get("dates") == {
        "complaint_made": "2026-07-20",
        "stage1_response": "2026-08-14",
        "stage2_requested": "2026-09-07",
    }
    assert ex.get("stage") == "council-stage-2"  # the dated steps say how far it has gone
    assert any("and said" not in c and "saying" in c for c in ex.get("contacts"))  # the reply keeps what it said
    timeline = extract(
        "Timeline:\n- 8 Sept: emailed the SEN casework officer\n- 22 Sept: raised it at her PEP meeting\n"
        "- Tues 3 Nov: formal complaint to Kirklees Council through their online form\n",
        today=TODAY,
    )
    assert len(timeline.get("contacts")) == 3 and timeline.get("dates") == {"complaint_made": "2026-11-03"}
    # a LAC review is not the EHC plan's review; a day promised is not a reply had; an order's date is the order's
    assert "review_meeting" not in extract("I raised it at her LAC review on 9 June 2026.", today=TODAY).get("dates")
    promised = extract(
        "I made a complaint by email on 19 October 2026. They sent a letter saying they would reply by 16 November.",
        today=TODAY,
    )
    assert promised.get("dates") == {"complaint_made": "2026-10-19"} and promised.get("stage") == "council-stage-1"
    order = extract("Buckinghamshire lost at tribunal. The order dated 3 July 2026 says section F", today=TODAY)
    assert order.get("dates") == {"tribunal_order": "2026-07-03"}


def test_contacts_said_as_a_visit_a_dated_complaint_or_a_reply_got_back():
    for words in (
        "I went to the council offices on 5 October and they gave me a number to ring.",
        "Complaint sent 15 September.",
        "formal complaint sent 30/09/26, just got the automatic email.",
        "been to my councillor surgery about it.",
        "complained on 4th Feb, got stage one back Feb 25th saying theres a waiting list",
    ):
        assert extract(words, today=TODAY).get("contacts"), words
    # what the council or the school said is not a contact the person made; nor is a shift turned down
    for words in ("they said the school has to apply", "I've had to turn down shifts", "i go to Chesterfield college"):
        assert extract(words, today=TODAY).get("contacts") == [], words


def test_words_that_are_not_a_childs_name():
    assert extract("Im Ruby's special guardian (she's my niece, SGO since 2019).", today=TODAY).get("child") == "Ruby"
    assert (
        extract("Me and my wife have a child arrangements order for our grandson Leo, 9.", today=TODAY).get("child")
        == "Leo"
    )


def test_provision_keeps_every_item_the_plan_quotes_and_how_much_of_a_named_service():
    both = extract(
        "Section F says: 'Speech and language therapy: 30 minutes direct therapy fortnightly from a SaLT' and "
        "'Occupational therapy: a sensory diet programme written by an OT'. She hasn't seen a SaLT since.",
        today=TODAY,
    ).get("provision")
    assert both == (
        "Speech and language therapy: 30 minutes direct therapy fortnightly from a SaLT and "
        "Occupational therapy: a sensory diet programme written by an OT"
    )
    meant = extract(
        "he's meant to get 'direct occupational therapy, 6 sessions per term, delivered by a qualified OT'. Nothing.",
        today=TODAY,
    ).get("provision")
    assert meant == "direct occupational therapy, 6 sessions per term, delivered by a qualified OT"
    said = extract(
        "His child in need plan said 2 overnight stays a month at the short break unit and 6 hours a week of direct "
        "payments for a PA. Both stopped in April.",
        today=TODAY,
    ).get("provision")
    assert said.startswith("2 overnight stays a month") and said.endswith("direct payments for a PA")
    named = extract("Sam used to have two overnight short breaks per month and they stopped in May.", today=TODAY)
    assert named.get("provision") == "two overnight short breaks per month"


def test_a_pasted_emails_header_dates_the_step_its_subject_or_sender_names():
    ex = extract(
        "I complained in July. Pasting the last email below.\n\nFrom: Customer Relations, Surrey County Council\n"
        "Sent: 16 November 2026\nSubject: Stage 2 complaint response - ref 88213\n'... This is the Council's final "
        "response.'",
        today=TODAY,
    )
    assert ex.get("dates").get("stage2_response") == "2026-11-16" and ex.get("stage") == "ombudsman"
    sent = extract(
        "In the end I sent this:\n\nFrom: [me]\nSent: 21 September 2026 08:03\nTo: Complaints team\n"
        "Subject: Formal complaint",
        today=TODAY,
    )
    assert sent.get("dates") == {"complaint_made": "2026-09-21"}


def test_steps_and_starts_said_in_other_orders_and_a_second_language():
    esl = extract(
        "I write complaint to council in march, they answer in april. Nothing. I ask second stage in may, answer "
        "come 20 July say same thing. Now we send to the Ombudsman on 2 September.",
        today=TODAY,
    )
    assert esl.get("stage") == "ombudsman" and esl.get("dates") == {"stage2_response": "2026-07-20"}
    said_after = extract(
        "I complained to WSCC on 6 October, they replied on 3 November basically saying the plan was issued on time.",
        today=TODAY,
    )
    assert said_after.get("dates") == {"complaint_made": "2026-10-06", "stage1_response": "2026-11-03"}
    assert extract("In April they cut the allowance by half.", today=TODAY).get("since") == "2026-04"
    until = extract("the final plan didn't come until 30 September 2026 and still names the wrong school", today=TODAY)
    assert until.get("dates") == {"final_plan": "2026-09-30"}


def test_a_child_named_as_the_stories_subject_an_initial_or_before_their_age():
    for words, child in (
        ("Reuben hasn't seen his speech lady since June. She's meant to come every Tuesday.", "Reuben"),
        ("Since his support worker left nobody has come to take Mason out on Saturdays. He's 12.", "Mason"),
        ("I am an advocate supporting Mrs B and her son A (13, autism, no EHCP).", "A"),
        ("Case note. Call from mother (Ms H) re Ruby, Y9, EHCP.", "Ruby"),
    ):
        assert extract(words, today=TODAY).get("child") == child, words


def test_the_plans_words_quoted_after_a_pause_or_agreed_in_a_letter():
    word_for_word = extract(
        'Section F of his plan says, word for word: "Oliver will receive 25 hours per week of 1:1 support from a '
        'teaching assistant". Since September he has had a TA for mornings only.',
        today=TODAY,
    ).get("provision")
    assert word_for_word == "Oliver will receive 25 hours per week of 1:1 support from a teaching assistant"
    letter = extract(
        "The medical needs service agreed in a letter dated 11th June: 'Callum will receive 10 hours per week of home "
        "tuition'. He got 2 visits.",
        today=TODAY,
    ).get("provision")
    assert letter == "Callum will receive 10 hours per week of home tuition"


def test_a_reviewers_sentences_that_are_not_steps_contacts_names_or_starts():
    """A second reviewer's inputs for today's rules: each was misread before it was fixed."""
    assert (
        extract("I complained to Kent on 1 October. Do I need to send it to the Ombudsman?", today=TODAY).get("stage")
        == "council-stage-1"
    )
    planned = extract("I complained on 1 October. I might go to stage 2. They replied on 3 November.", today=TODAY)
    assert planned.get("dates") == {"complaint_made": "2026-10-01", "stage1_response": "2026-11-03"}
    assert planned.get("stage") == "council-stage-2"
    waiting = extract("I complained in September and am still waiting for the response on it.", today=TODAY)
    assert waiting.get("stage") == "council-stage-1"
    respite = extract("I complained on 1 October. He came back from respite on 3 November with bruises.", today=TODAY)
    assert respite.get("dates") == {"complaint_made": "2026-10-01"}
    for words in (
        "Transport was withdrawn in May. He is 12 and autistic.",
        "I spoke to Mrs Patel at the school on Mondays. He's 12.",
        "I emailed Sarah the SEN officer last week. He's 12.",
    ):
        assert extract(words, today=TODAY).get("child") is None, words
    assert extract("I (32) am a single mum to J (8) who has autism.", today=TODAY).get("child") == "J"
    for words, since in (
        ("Even though he's been at the school for two years, he's had no support since September.", "2026-09"),
        ("He's in year 10 now. Since he went into year 8 he has had no support.", "2024-09"),
        ("He had his last session on 28 November and since then nothing.", "2025-11"),
    ):
        assert extract(words, today=TODAY).get("since") == since, words
    senco = "His plan says he gets a TA. The SENCO thinks he should 'just get on with it like everyone else'."
    assert extract(senco, today=TODAY).get("provision") == "a TA"
    reply = extract(
        "I complained on 1 October.\n\nFrom: Kent County Council\nSent: 20 October 2026\nSubject: RE: Formal complaint",
        today=TODAY,
    )
    assert reply.get("dates") == {"complaint_made": "2026-10-01", "stage1_response": "2026-10-20"}
    for words in (
        "He kept calling out in class and was excluded.",
        "The school sent a letter home about his behaviour.",
        "He went to the council run holiday club in August.",
    ):
        assert extract(words, today=TODAY).get("contacts") == [], words


def test_the_learned_readers_were_trained_on_every_tuning_story_and_no_held_back_one():
    rows = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    for name in ("provision", "impact", "since"):
        trained = set(readers.load(name).trained_on)
        assert trained == {r["id"] for r in rows if not r["heldout"]}, name  # retrain (scripts/train_readers.py)
        assert not trained & {r["id"] for r in rows if r["heldout"]}, name


def test_the_plans_quoted_items_are_given_without_their_quote_marks_or_what_introduced_them():
    story = (
        'Oliver is 9. Section F says, word for word: "25 hours per week of 1:1 support from a trained teaching '
        'assistant" and "Occupational therapy: 6 sessions per term from an HCPC registered OT". He has had mornings '
        "only since September."
    )
    assert extract(story, today=TODAY).get("provision") == (
        "25 hours per week of 1:1 support from a trained teaching assistant and Occupational therapy: 6 sessions per "
        "term from an HCPC registered OT"
    )
    assert extract("The plan says nothing about transport.", today=TODAY).get("provision") is None


def _stage_of(text: str):
    return extract(text, today=TODAY).get("stage")


def test_a_stage_wished_for_acknowledged_promised_or_in_another_bodys_procedure_is_not_reached():
    wished = "I complained to Kent on 2 October. Want: the taxi back, mileage paid, and an answer to my complaint."
    assert _stage_of(wished) == "council-stage-1"
    logged = (
        "i made a complaint on the online form on 21st october, got a email back same day saying 'your complaint has "
        "been logged'. nothing since."
    )
    assert _stage_of(logged) == "council-stage-1"
    assert _stage_of("I complained on 10 November and they havent replied. what else can i do?") == "council-stage-1"
    promised = (
        "Stage 1 reply came in August so I asked for stage 2 on 4 September. The investigator said the stage 2 "
        "response would be with me by 13 November. Nothing."
    )
    assert _stage_of(promised) == "council-stage-2"
    trust = "The school is an academy so I put a formal complaint in to the trust on 12 June. Kent never answered."
    assert _stage_of(trust) is None
    appeal = (
        "They refused his bus pass. The stage 1 review upheld the refusal on 30 September and the stage two appeal "
        "panel said no on 15 October. So that's both stages done."
    )
    assert _stage_of(appeal) is None
    too_soon = "I rang the ombudsman and they said they can't look at it until I've complained to the council."
    assert _stage_of(too_soon) is None


def test_a_stage_told_indirectly_or_undone_by_a_withdrawal():
    assert _stage_of("I complained in September and got an answer in October. I rang and they've escalated it.") == (
        "council-stage-2"
    )
    assert _stage_of("I complained on 24 September, stage one came back in October, stage two done in November.") == (
        "ombudsman"
    )
    assert _stage_of("complained to wiltshire council 3 weeks ago, nothing back - what now?") == "council-stage-1"
    withdrawn = (
        "I complained to Bristol City Council on 7 September. The SEN manager said she'd sort it if I withdrew the "
        "complaint, so I emailed on 15 September to withdraw it. Nothing has changed."
    )
    assert _stage_of(withdrawn) is None


def test_an_automatic_reply_pasted_with_its_header_is_not_the_councils_answer():
    pasted = (
        "I sent my complaint to the complaints team on 12 October.\n\n"
        "From: Devon County Council\nDate: Mon 12 Oct 2026\nSubject: Automatic reply\n"
        "Thank you for contacting Devon County Council."
    )
    ex = extract(pasted, today=TODAY)
    assert "stage1_response" not in ex.dates and ex.get("stage") == "council-stage-1"


def _since_of(text: str):
    return extract(text, today=TODAY).get("since")


def test_a_start_is_not_how_long_they_have_chased_or_when_a_service_began_well():
    chased = (
        "The council still haven't done my daughter's annual review. I've emailed the SEN officer roughly every "
        "fortnight since June. Her plan was issued on 3 February 2026."
    )
    assert _since_of(chased) == "2026-02"
    fine = (
        "He has had a minibus to his special school since September 2024 and it was fine, never a problem. Then from "
        "2 November the minibus stopped coming."
    )
    assert _since_of(fine) == "2026-11"
    tutor = "The tutor started in July and was good with him, but its been 14 weeks now with no tutor at all."
    assert _since_of(tutor) == "2026-08"
    carer = "I've had Kayden (11) since 12 June 2025. His tutor left and for 14 weeks now he has had no tutor."
    assert _since_of(carer) == "2026-08"


def test_a_start_counted_from_the_school_year_or_told_before_a_reply():
    assert _since_of("She's in year 8 now. Ever since she started secondary none of her support has happened.") == (
        "2025-09"
    )
    holding = (
        "Her plan says weekly speech therapy and she hasn't had it since June. I complained on 2 October. On 16 October "
        "I got a letter saying they needed more time. Since then, nothing."
    )
    assert _since_of(holding) == "2026-06"
    asked = "I requested an assessment on the 3rd of June. It's been nearly 6 months since I asked and no draft plan."
    assert _since_of(asked) == "2026-06"


def test_with_no_start_said_the_persons_chasing_and_an_appeals_days_are_not_taken_for_one():
    chasing = (
        "My son's plan says he should have a teaching assistant in lessons and he has nobody. I've emailed the SEN "
        "officer on 2 April, 19 June and 8 September, and rang them on 10 October."
    )
    assert _since_of(chasing) is None  # better asked than guessed from the first email
    asked = "I emailed Leeds to request an EHC needs assessment on 3 March 2026 and they still haven't decided."
    assert _since_of(asked) == "2026-03"  # the request that started the clock
    assert _since_of("She has had no 1:1 since the start of term and school say the funding isn't agreed.") == "2026-09"


# --- fourth blind round (s504-s578): each rule below was written from a story the rules had read unseen ----------


def _read(text: str, name: str):
    return extract(text, today=TODAY).get(name)


def test_a_council_called_by_its_short_name_unless_the_story_names_another_in_full():
    assert _read("brum council have stopped kais taxi no warning", "council") == "Birmingham Council"
    assert (
        _read("im 19 and a care leaver with notts county. my PA never visits", "council") == "Nottinghamshire Council"
    )
    assert _read("Staffs CC never replied to my complaint", "council") == "Staffordshire County Council"
    placed = "I foster Reece (10) for Barnet. We live in Herts so he goes to school here but Barnet is his council."
    assert _read(placed, "council") != "Hertfordshire Council"
    school = "Esme attends a primary school in Solihull. The council's inclusion service stopped visiting in June."
    assert _read(school, "council") == "Solihull Council"


def test_a_child_named_in_an_officers_note_a_form_or_without_the_apostrophe():
    assert _read(
        "Mother phoned to make a formal complaint on behalf of CYP (Tobi, Yr 10, EHCP since 2022).", "child"
    ) == ("Tobi")
    assert _read("CASE NOTE\nYP: Dariusz W., Yr 11. EHCP (final 11/2023).", "child") == "Dariusz"
    assert _read("Hello, my daughter is Beatriz, she is 6 and in Year 2.", "child") == "Beatriz"
    assert _read("suffolk have taken Freddies transport off him. hes 11 and autistic", "child") == "Freddie"
    assert _read("I'm Jordan's auntie, he's lived with me since his mum went into hospital.", "child") == "Jordan"
    assert _read("Foster carer here, looking after a 12 yr old girl, M, placed by Lancashire in June.", "child") == "M"
    assert _read("Background: a child cannot attend school if the LA will not arrange transport.", "child") is None
    assert _read("His plan says he should have a TA and he has nobody.", "child") is None  # not "Hi"


def test_an_advocate_or_foster_carer_said_in_a_heading_or_in_passing():
    assert _read("Advocate summary (SEND advocacy service)\nChild: T, age 9.", "complainant") == "advocate"
    assert _read(
        "I'm writing as an independent parent advocate for Mrs K and her daughter Evie (7).", "complainant"
    ) == ("advocate")
    assert _read("Referral note - independent advocacy (care leavers)\nClient: M, 21", "complainant") == "advocate"
    assert _read("Foster carer (agency) in Preston, looking after a girl placed by Lancashire.", "complainant") == (
        "foster carer"
    )
    assert _read("We've been fostering Grace (11) for Plymouth since January 2025.", "complainant") == "foster carer"
    assert _read("i just want to go back to college with my support worker like my plan says", "complainant") != (
        "advocate"
    )


def test_a_stage_said_in_a_form_an_officers_log_or_a_second_language():
    assert _stage("complained?: yes, on 4 November, had an email back saying it was logged") == "council-stage-1"
    assert (
        _stage(
            "Mother (Ms Okafor) phoned 16/11 to make a formal complaint. Passed to the manager for stage 1 "
            "response within 10 working days."
        )
        == "council-stage-1"
    )
    premature = (
        "I went to the Ombudsman in September and they told me I had to complain to the council first, so I did."
    )
    assert _stage(premature) == "council-stage-1"
    assert _stage("I send complaint to council on 5 October, they answer me on 2 November.") == "council-stage-2"
    assert _stage("Pasting what I sent the Ombudsman last week: I complained to Stockport in April.") == "ombudsman"
    holding = "I made a formal complaint on 2 September and got an email on 4 September saying they would respond within 10 working days."
    assert _stage(holding) == "council-stage-1"


def test_a_start_told_by_what_stopped_what_ran_until_or_what_was_due():
    assert _since_of("In August the allowance just stopped. No letter.") == "2026-08"
    assert _since_of("In July the payments dropped to cover 4 hours a week.") == "2026-07"
    assert _since_of("The support worker stopped at the end of July, they said she'd left.") == "2026-07"
    assert _since_of("It ran fine until the October half term, when the taxi firm's contract ended.") == "2026-10"
    assert _since_of("hull council still havent done my sons annual review, it was due in march.") == "2026-03"
    assert _since_of("The QTVI retired at Easter and no one's replaced her.") == "2026-04"
    assert _since_of("It stopped at Whitsun half term when the therapist went on maternity leave.") == "2026-05"
    assert _since_of("ever since my 18th birthday in march i havent had a personal adviser") == "2026-03"
    lost = (
        "That went fine for over two years. Then the week after we got back from holiday in August the play scheme "
        "rang to say his place was gone. He hasn't had a single Saturday since."
    )
    assert _since_of(lost) == "2026-08"


def test_where_the_child_has_been_or_a_year_alone_is_not_a_start():
    school = (
        "He has had an EHCP since 2021 and has been at his current school since September 2023. We moved out to a "
        "village at the end of February and since the move he has had no transport."
    )
    assert _since_of(school) == "2026-02"
    joined = "He started at this school in September 2024 after we left Stockton. He's been part time all this term."
    assert _since_of(joined) is None
    assert _since_of("Her plan says OT 6 sessions a term. Not one session since 2023. Review was on 14 May.") is None
    spring = "Kayla has been with us since July 2024. Nothing has happened since her social worker left in the spring."
    assert _since_of(spring) is None
    asked = "We asked Reading for an EHC needs assessment for Poppy 31 weeks ago and there is still no draft plan."
    assert _since_of(asked) == "2026-04"


def test_two_missing_services_told_apart_are_both_provision():
    got = _provision(
        "Section F says he should get speech and language therapy every week. He has had none since June. The plan "
        "also says an OT should visit every half term and no OT has come."
    )
    assert got == "speech and language therapy every week and an OT should visit every half term"


def test_steps_dated_in_short_forms_and_a_tribunals_order():
    dates = extract(
        "I complained on 14/07/2026, got stage 1 on 11/08/2026 saying 'with a caseworker', asked for stage 2 on "
        "12/08, stage 2 on 30/09/2026 said the same. The First-tier Tribunal (SEND) ordered on 19 May 2026 that "
        "Section F be amended.",
        today=TODAY,
    ).get("dates")
    assert dates["stage1_response"] == "2026-08-11"
    assert dates["stage2_requested"] == "2026-08-12"
    assert dates["stage2_response"] == "2026-09-30"
    assert dates["tribunal_order"] == "2026-05-19"


def test_the_failure_the_complaint_is_about_and_a_complaint_made_again():
    two = (
        "Two things. First, his social worker has not been out since April. Second, and this is what my complaint is "
        "about, the respite. They agreed one weekend a month. He had it from January. It stopped in August."
    )
    assert _since_of(two) == "2026-08"
    assert _since_of("- June: my support worker left and nobody replaced her\n- September: no support") == "2026-06"
    assert _since_of("i got my flat in june and ive had nothing, no cooker") == "2026-06"
    assert _since_of("His mocks are in January and he's had no tutoring since the tutor left in May.") == "2026-05"
    assessed = "i asked for an ehc needs assessment on 14 may, they agreed to assess on 23 june and since then nothing."
    assert _since_of(assessed) == "2026-05"
    again = (
        "I make complaint first time on 3 June. I withdraw the complaint on 24 June because I believe her. After "
        "summer nothing start. So I make complaint again on 8 October."
    )
    assert _stage(again) == "council-stage-1"
    sent_back = (
        "i went to the ombudsman in june and they said i had to do the councils complaints first, so complained "
        "1 july, they replied 12 august. asked for stage 2 on 19 august."
    )
    assert _stage(sent_back) == "council-stage-2"


def test_a_council_by_initials_and_the_child_the_story_says_it_is_about():
    assert _read("KCC sent me two different stage 1 replies to the same complaint.", "council") == "Kent County Council"
    assert (
        _read(
            "D (15), looked after by LB Tower Hamlets, placed in Basildon, Essex. Essex County Council have "
            "been helpful.",
            "council",
        )
        == "London Borough of Tower Hamlets"
    )
    brothers = "I foster Ryan who is 15 and Callum who is 9. This is about Callum. He should see his sister Ava."
    assert _read(brothers, "child") == "Callum"
    assert _read("I'm Precious's aunt, she's lived with me since my sister passed, no court order.", "child") == (
        "Precious"
    )


# --- fifth blind round (s604-s703): rules written from stories the rules had read unseen --------------------------


def test_a_start_told_by_a_month_opening_the_sentence_or_a_request_in_the_sentence_before():
    assert _since_of("In July the agency told me they couldn't send Dan anymore.") == "2026-07"
    assert _since_of("This September they told us post-16 transport would now be a bursary instead.") == "2026-09"
    assert _since_of("After 3 visits Jo stopped coming, end of september. Rang the social worker twice.") == "2026-09"
    assert _since_of("It didn't go in and the sessions finished in January. I found out why in March.") == "2026-01"
    request = (
        "I'm 17. In March I asked Suffolk adult social care for a transition assessment so there's something in place "
        "for when I turn 18 in February. Nobody has done it."
    )
    assert _since_of(request) == "2026-03"


def test_carers_guardians_and_care_leavers_named_as_they_write():
    assert _read("Writing for myself and my partner, we're Ruby's special guardians (she's 10).", "complainant") == (
        "special guardian"
    )
    assert _read(
        "I'm 22 and I've had my little brother Reece (14) living with me since our mam died.", "complainant"
    ) == ("carer")
    assert _read(
        "From: Sam Whitlock, Independent Advocate\nTo: the Ombudsman\nSubject: L's tutoring", "complainant"
    ) == ("advocate")
    assert _read("Im 19 and left care from Lambeth, I live in semi independent in Croydon.", "council") == (
        "Lambeth Council"
    )
    assert _read("I'm a foster carer with Norfolk. T came to us in July, he's 12, looked after.", "child") == "T"
    assert _read("Nottinghamshire are the placing authority for Grace, who turns 18 on 4 January.", "child") == "Grace"
    assert _read("barnet cancelled Amelia's saturday club at Meadowview from october half term", "child") == "Amelia"


def test_a_complaints_log_a_social_workers_note_and_a_stage_2_adjudication():
    log = (
        "CUSTOMER RELATIONS LOG\nRef: CR/26/4471   Received: 16/11/2026\nComplainant: Mrs A. Okafor (mother)\n"
        "Action: acknowledged 17/11/2026, allocated for stage 1 response (due 14/12/2026)."
    )
    assert _stage(log) == "council-stage-1"
    assert _stage("Telephone call from Mr Pascoe. Mr Pascoe asked to make a formal complaint.") == "council-stage-1"
    adjudication = "Re: Children Act 1989 Representations Procedure - Stage 2 Adjudication. Date: 13 November 2026."
    assert _stage(adjudication) == "ombudsman"
    dates = extract(
        "I complained in April. The stage 2 investigator found in our favour on 2 September 2026. My supervising "
        "social worker helped me put in for stage 2 on 25 July.",
        today=TODAY,
    ).get("dates")
    assert dates["stage2_response"] == "2026-09-02" and dates["stage2_requested"] == "2026-07-25"


def test_a_reviewers_inputs_that_the_fourth_rounds_rules_once_misread():
    # each pair: what a second reviewer wrote to break a rule, and what an adviser would read
    cases = [
        ("The council refused to assess my son. By lunchtime he wilts.", "council", None),
        (
            "Herts CC have refused to assess my son. His dad lives in Enfield.",
            "council",
            "Hertfordshire County Council",
        ),
        ("Client: single parent, two children.", "child", None),
        ("My daughter Ellie is Deaf and her plan says BSL.", "child", "Ellie"),
        ("I am writing as Lewis's mum.", "child", "Lewis"),
        ("We went to St Johns school open day.", "child", None),
        ("In July the school closed for summer. Since September Kent has refused transport.", "since", "2026-09"),
        (
            "- June: annual review held. School said it was fine. In October the TA left and nobody replaced her.",
            "since",
            "2026-10",
        ),
        ("The bus is cancelled until January. He has not been to school since.", "since", None),
        (
            "I asked for an EHC needs assessment on 3 March 2025. I have chased them every week since 2025 and had no "
            "reply.",
            "since",
            "2025-03",
        ),
        ("His speech therapy (stopped in March) has not been replaced.", "since", "2026-03"),
        ("I complained on 3 March and they won't answer me.", "stage", "council-stage-1"),
        ("I was told to complain so I did not bother.", "stage", None),
        ("The council sent the ombudsman leaflet with their letter.", "stage", None),
        (
            "I complained on 2 May, then I withdrew it on 10 May. If they don't fix it, I will complain again.",
            "stage",
            None,
        ),
        ("I asked an advocacy service for help but they were full. My son Sam has no TA.", "complainant", "parent"),
        ("He manages the bus with my support. My son is 12.", "complainant", "parent"),
    ]
    assert [(text, _read(text, name)) for text, name, _ in cases] == [(text, want) for text, _, want in cases]
    repeat = _provision(
        "Section F says he should get weekly speech and language therapy. He is 9. He has had none since June. "
        "Section F also says the speech and language therapy must be weekly."
    )
    assert repeat == "weekly speech and language therapy"


def test_when_it_started_told_as_how_long_ago_the_loss_was():
    assert _since_of("about 8 weeks ago the TA left and they never replaced her") == "2026-10"
    assert _since_of("Then it stopped two terms ago, no explanation.") == "2026-01"  # the spring term, said in autumn
    assert _since_of("the sessions stopped last month and nobody has said why") == "2026-10"
    assert _since_of("It's been six months since I had any support worker at college.") == "2026-05"
    assert _since_of("It's been nearly 6 months since I asked.") is None  # the request's own day says when
    assert _since_of("I rang them 3 weeks ago about the taxi.") is None  # a call, not a loss


def test_a_date_of_birth_or_a_carers_placement_is_not_when_it_started():
    dob = "URGENT - EHC needs assessment request, Maisie W (DOB 03/02/2018) - no decision yet."
    assert _since_of(dob) is None
    placed = (
        "We have cared for Jace (aged 13) since March 2024 under a full care order. In June his tutor left and no "
        "tutor has come since."
    )
    assert _since_of(placed) == "2026-06"


def test_the_since_reader_can_replace_the_rules_month_but_not_with_one_they_rule_out():
    story = (
        "My daughter Ava is 10 and has an EHCP from Leeds. Her annual review was in March 2026 and it went well. "
        "She used to have a TA every afternoon. Since the new SENCo came in September there has been no TA at all and "
        "she comes home crying."
    )
    assert _since_of(story) == "2026-09"
    assert _since_of("He has had a minibus since September 2024 and it was fine. Then from 2 November it stopped.") == (
        "2026-11"
    )
    assert _since_of("The bus is cancelled until January. He has not been to school since.") is None


def test_a_provision_told_in_two_clauses_joined_by_and_is_read_whole():
    story = (
        "Her EHCP from Essex says she should get 2 hours of tuition a week at the Learning Hub in Colchester and a taxi "
        "to get her there. Since September there has been no taxi so she has missed every session."
    )
    got = extract(story, today=TODAY).get("provision")
    assert "Learning Hub" in got and "taxi" in got, got


def test_a_second_reviewers_inputs_to_the_since_reader_and_the_and_join():
    assert (
        _since_of(
            "My husband left 4 months ago and I'm on my own. Since September Mia's respite has been cancelled every week."
        )
        == "2026-09"
    )  # how long ago a loss was gives way to a month said
    assert _since_of("We lost our appeal 2 months ago. The council has never provided the speech therapy.") is None
    assert _since_of("It's been 3 months since I got a reply from the SEN team about the missing OT.") is None
    assert _since_of("I want his transport reinstated from January. He has no way of getting to college.") is None
    got = extract(
        "His plan specifies 32.5 hours of TA support and a named adult at transitions, and the headteacher told me "
        "last week that they are not funded for that.",
        today=TODAY,
    ).get("provision")
    assert "headteacher" not in got, got


def _got(story: str, field: str):
    return extract(story, today=TODAY).get(field)


def test_a_birth_date_in_words_a_carers_own_start_or_a_time_to_come_is_not_when_it_started():
    assert _since_of("Maisie (born 14 May 2015) has had no speech therapy. The therapist left and nobody came.") is None
    assert _since_of("Name: Tom Price\nDOB: 3rd February 2018\nHis OT stopped and there has been nothing.") is None
    carer = "I've been caring for my niece since January. Her short breaks stopped in March and nobody has called."
    assert _since_of(carer) == "2026-03"
    booked = (
        "Annual review held 11/03/2026; everyone agreed to add ELSA sessions but no amended plan has been issued. "
        "School has booked the next annual review for 12 January."
    )
    assert _since_of(booked) == "2026-03"
    assert _since_of("college told him not to come back after christmas and nobody has found anywhere else") is None


def test_a_start_told_by_the_end_of_a_term_the_last_term_or_a_fortnight_ago():
    assert _since_of("The tutoring stopped at the end of the summer term and nobody has said why.") == "2026-07"
    assert _since_of("He hasn't seen a speech therapist since the start of last term.") == "2026-04"  # in November
    assert _since_of("they pulled her school taxi a fortnight ago, no reason given") == "2026-11"
    assert (
        _since_of("Since he changed schools at the start of Year 7 he has had none of the OT. He is in year 7 now.")
        == "2026-09"
    )


def test_what_the_person_did_or_a_complaints_month_is_not_when_the_service_stopped():
    leaver = (
        "i left care when i turned 18 in march and moved into my own flat in july. my pathway plan says i get a "
        "setting up home allowance when i move in. i moved in on 14 july and i still havent had it."
    )
    assert _since_of(leaver) == "2026-07"
    assert _since_of("I havent had a PA since I left care in March.") == "2026-03"
    escort = (
        "they havent sent the escort since she started at her new school in september and after the seizure i stopped "
        "letting her go on the bus i put a complaint in on the 9th november"
    )
    assert _since_of(escort) == "2026-09"


def test_what_is_wanted_said_as_people_open_a_sentence_or_as_a_heading():
    assert _got("The reply said not upheld. All we're asking is for the 20 hours to be funded.", "outcome_sought") == (
        "the 20 hours to be funded"
    )
    assert _got("No reply since June. Looking for the therapy to be put back.", "outcome_sought") == (
        "the therapy to be put back"
    )
    assert _got("Mother requests the taxi reinstated and the fares repaid.", "outcome_sought") == (
        "the taxi reinstated and the fares repaid"
    )
    note = "5. Remedy sought\nA tutor in place within two weeks and a payment for the lost term.\n6. Contact"
    assert _got(note, "outcome_sought") == "A tutor in place within two weeks and a payment for the lost term"
    assert _got("We want the OT back. Can you help me word it?", "outcome_sought") == "the OT back"


def test_a_child_named_as_officers_and_second_language_writers_name_them():
    assert _got(
        "Hello, I am mother of Kacper, he is 8 and have autism. Please I want school for my son quick.", "child"
    ) == ("Kacper")
    assert _got("16/11 Father phoned re B (Y6, Ashford). Transport not arranged.", "child") == "B"
    assert _got("Subject: Priya K (DOB 01/04/2016) - missing OT", "child") == "Priya"
    assert _got("Last week Ollie (he's 10, autistic) ran out of school again.", "child") == "Ollie"


def test_who_writes_for_the_family_or_cares_for_a_relatives_children():
    assert _got("I am a volunteer advocate with a local charity, writing about J, who is 19.", "complainant") == (
        "advocate"
    )
    assert _got("I'm a family support worker helping a mum in Hull with her son's EHCP.", "complainant") == "advocate"
    assert _got("I'm an independent fostering agency carer. D (12) has been with us since 2022.", "complainant") == (
        "foster carer"
    )
    assert _got("I'm looking after my sister's kids since she went into hospital.", "complainant") == "carer"


def test_a_council_by_a_short_name_in_lower_case_or_initials_and_where_the_family_moved():
    assert _got("Foster carer here (north yorks council carer for 9 years).", "council") == "North Yorkshire Council"
    assert _got("BCP council, Poole. My son has no taxi.", "council") == "Bournemouth, Christchurch and Poole Council"
    assert _got("ive emailed the sen team at lincs twice and rang once", "council") == "Lincolnshire Council"
    assert _got("We move to Coventry from Leicester in April and she has no school.", "council") == "Coventry Council"


def test_a_stage_said_briefly_in_a_second_language_or_with_a_reply_the_next_sentence():
    assert _got("I ask stage 2 and they say no fault. I have send to Ombudsman now.", "stage") == "ombudsman"
    assert _got("Complained in July. The reply in August said the works were scheduled.", "stage") == "council-stage-2"
    assert _got("My tutor helped me write a complaint. We sent it on 26 October.", "stage") == "council-stage-1"
    passed = (
        "i put a complaint in on the 9th november and got an email back saying its been passed to the transport team"
    )
    assert _got(passed, "stage") == "council-stage-1"
    assert _got("I sent a formal complaint in October. It's still the complaint I want answered.", "stage") == (
        "council-stage-1"
    )


def test_a_second_reviewers_inputs_that_the_seventh_rounds_rules_once_misread():
    assert _got("His taxi was stopped in September. Please just put the taxi back.", "outcome_sought") == (
        "put the taxi back"
    )
    assert _got("We want the taxi back. He needs to be supervised at all times.", "outcome_sought") == "the taxi back"
    assert _got("I would like the tutor reinstated. Looking for advice really.", "outcome_sought") == (
        "the tutor reinstated"
    )
    assert _got("I want the taxi back. I need to get to work by 8.", "outcome_sought") == "the taxi back"
    assert _since_of("The annual review was booked for 12 March but nobody came and the plan is not amended.") == (
        "2026-03"
    )
    assert _since_of("The school told us not to come back after Easter and he has had no education since.") == (
        "2026-04"
    )
    assert _since_of("His 1:1 was taken away. His report from last term said he was doing well.") is None
    assert _got("I'm a strong advocate for my son. His 1:1 stopped in January.", "complainant") == "parent"
    assert _got(
        "My son has no social worker. The early help worker who was supporting the family left.", "complainant"
    ) == ("parent")
    breaks = "His short breaks were with a fostering agency carer until she retired. I am his mum."
    assert _got(breaks, "complainant") == "parent"
    upheld = "I complained and the stage 1 reply said it was upheld and the case has been passed to the transport team."
    assert _got(upheld, "stage") == "council-stage-2"
    assert _got("I complained in July. She said these things get sent to ombudsman anyway.", "stage") == (
        "council-stage-1"
    )
    holding = "I complained in June. The response in July said they had received it and would reply within 20 days."
    assert _got(holding, "stage") == "council-stage-1"
    assert _got("Finally got his EHCP in March 2023, but his transport stopped in September.", "child") is None
    assert _got("Premature, born at 28 weeks, my son has cerebral palsy.", "child") is None
    assert _got("Our neighbour Dave (he's 70) drives my son to school since the taxi stopped.", "child") is None
    assert _got("14/10 Mum phoned re Taxi - no driver again.", "child") is None
    assert _got("N Yorks council stopped his transport in September.", "council") == "North Yorkshire Council"
    assert _got("It herts so much watching him sit at home. The council won't answer.", "council") is None


def test_what_is_wanted_under_a_letters_or_a_forms_own_heading_or_asked_of_someone():
    assert _got("Impact\nShe cries.\n\nWhat I want\nThe full allowance paid again.\n", "outcome_sought") == (
        "The full allowance paid again"
    )
    form = "What would you like the council to do?\nStart the therapy now and repay the private sessions.\n"
    assert _got(form, "outcome_sought") == "Start the therapy now and repay the private sessions"
    said = "WHAT I WANT\nI want to go to stage 2. I want the therapy back, weekly."
    assert _got(said, "outcome_sought") == "the therapy back, weekly"
    assert _got("He has no school. I ask you to issue the amended plan now.", "outcome_sought") == (
        "issue the amended plan now"
    )
    assert _got("shes had no OT all term. all im asking for is an OT who turns up", "outcome_sought") == (
        "an OT who turns up"
    )
    assert _got("The carers stopped coming. I just need the carers and the hoist.", "outcome_sought") == (
        "the carers and the hoist"
    )


def test_a_month_to_come_a_letters_own_date_or_a_lower_case_may_and_the_clocks():
    ask = "No annual review since 2024. I ask that you hold the review before the end of December 2026."
    assert _since_of(ask) is None
    assert _since_of("This year no physio has been in. Not once.\n\nSarah (Jacob's mum)\n27.11.26") is None
    assert _since_of("its about my sons speech therapy which he hasnt had since may") == "2026-05"
    assert _since_of("the council paid for the club and it stopped when the clocks went back") == "2026-10"
    assert _since_of("Finn has been at home since the summer holidays ended. He gets no education.") == "2026-09"
    assert _since_of("Chronology\n- July: plan issued.\n- September to now: not one visit.") == "2026-09"


def test_a_child_typed_in_lower_case_or_opening_a_message_and_who_writes_a_letter():
    assert _got("im tylers nan, he lives with me. the club stopped.", "child") == "Tyler"
    assert _got("still no OT. maisies section F says 6 sessions a term", "child") == "Maisie"
    assert _got("Isla - we asked for an EHC assessment in feb, still no plan", "child") == "Isla"
    assert _got("its about my sons plan, nothing has happened", "child") is None
    mp = "From: Casework team, office of the MP for Ashford\nI am writing on behalf of the Member of Parliament."
    assert _got(mp, "complainant") == "advocate"
    assert _got("Advocate here, writing for a Hackney family. Z has no school.", "complainant") == "advocate"
    aunt = "I look after my nephew Leon under a child arrangements order. I am not his special guardian, just his aunt."
    assert _got(aunt, "complainant") == "carer"


def test_words_that_are_the_complaint_itself_make_it_stage_1():
    assert _got("FORMAL COMPLAINT - MEDWAY COUNCIL SEND\n\nMy son has had no physio.", "stage") == "council-stage-1"
    email = "No reply since June.\n\nSubject: Formal complaint - personal budget for Elodie\nDear Sir/Madam"
    assert _got(email, "stage") == "council-stage-1"
    assert _got("Dear Sir or Madam, I wish to make a formal complaint about my son's transport.", "stage") == (
        "council-stage-1"
    )


def test_a_second_reviewers_inputs_that_the_eighth_rounds_rules_once_misread():
    assert _got("Sheffield agreed his EHCP in March but this plan has never been followed.", "child") is None
    assert _got("My grandson needs transport to school and Durham refused it.", "child") is None
    assert _got("Hi - we have been waiting since June for Leeds to finish the assessment.", "child") is None
    assert _got("Her EHCP says 25 hours 1:1 support but the school is only funded for 15.", "child") is None
    letter = (
        "I want the missed therapy made up and a therapist named. I would be grateful if you could acknowledge "
        "receipt of this letter and respond within 10 working days."
    )
    assert _got(letter, "outcome_sought") == "the missed therapy made up and a therapist named"
    formal = "I want the respite restored. I ask you to treat this as a formal stage 1 complaint."
    assert _got(formal, "outcome_sought") == "the respite restored"
    assert _got(formal, "stage") == "council-stage-1"
    assert _got("I want the taxi back. I'm so tired. I just need a break from it all.", "outcome_sought") == (
        "the taxi back"
    )
    assert (
        _got("He has had no therapy since March.\nComplaint to follow if nothing happens by Friday.", "stage") is None
    )
    assert _got("I'm writing to make a formal complaint next week if nothing changes.", "stage") is None
    assert _got("I'm Leo's mum. My MP's caseworker emailed Bury for me.", "complainant") == "parent"
    assert _since_of("Timeline:\nMarch 2026\nSpeech therapy stopped.\nJune 2026\nI complained.") == "2026-03"
    assert _since_of("Her taxi went in June. It will be worse when the clocks go forward.") == "2026-06"
    form = "What outcome are you looking for?\n- reinstate the taxi\n- pay back my fuel costs\n- apologise"
    got = _got(form, "outcome_sought")
    assert "reinstate the taxi" in got and "apologise" in got, got


def test_the_remedy_asked_for_is_not_what_is_owed_and_who_writes_a_case_summary():
    story = (
        "His care plan says he will see his brother once a fortnight with a supervisor. Nobody has arranged it since "
        "July. We want fortnightly contact to start again and the missed visits made up."
    )
    got = _got(story, "provision")
    assert "brother once a fortnight" in got and "We want" not in got, got
    summary = "Advocacy case summary (Children's Rights Service)\nYP: Kayleigh, 14\nAdvocate: Sam Okafor\n"
    assert _got(summary, "complainant") == "advocate"
    assert _got("I am a councillor and I am writing on behalf of my constituents Mr and Mrs Dyson.", "complainant") == (
        "advocate"
    )
    note = "Flagging Kai as urgent. His foster carer, Mr Dunmore, made a formal complaint to the SEN service on 6 Nov."
    assert _got(note, "complainant") == "foster carer"


def test_a_failure_put_right_or_a_time_the_support_came_is_not_when_it_started():
    taxi = (
        "brum council transport AGAIN. last year Zak had no transport from the start of september 2025 until they "
        "finally sorted a taxi in november 2025. it worked from november till this october. then since the 2nd of "
        "october no taxi, the firm pulled out."
    )
    assert _since_of(taxi) == "2026-10"
    mentor = (
        "In my first year I had no mentor from September 2025 until the end of October 2025, but after I emailed the "
        "council it was sorted and from November 2025 until July 2026 I saw my mentor every week. The new term began "
        "on 7 September 2026. I have not had a mentor at all this year."
    )
    assert _since_of(mentor) == "2026-09"
    ot = (
        "After her annual review in July 2025 the OT visited school throughout the autumn term 2025 and Isla made good "
        "progress. From January 2026 there has been no OT input at all."
    )
    assert _since_of(ot) == "2026-01"
    # a review still to come when it was promised is not a start
    later = "His taxi was withdrawn and the council said they would look at his transport again at the end of the summer term."
    assert _since_of(later) is None


def test_a_child_named_in_a_short_message_by_a_guardian_or_an_advocate():
    assert _got("leeds stopped isla's weekly SALT after easter its in her ehcp", "child") == "Isla"
    assert _got("wiltshire cut ellas short breaks in april", "child") == "Ella"
    assert _got("im his nan and special guardian for Kai kent cc cut my sgo allowance", "child") == "Kai"
    assert _got("advocate from a care leavers charity here. client K is 18", "child") == "K"
    assert _got("the council's plan was never sent and the week's respite was cancelled", "child") is None


# a second reviewer's inputs that the tenth round's rules once misread: a putting right only promised, wished for or
# denied; a failure said in a period "from X to Y" or "until now"; "would" said of the past; a carer's, a client's
# or an organisation's name and a verb read as the child's
TENTH_ROUND_REVIEW = [
    (
        "since",
        "my son Alfie is 9, he got his ehcp in march 2024 which says weekly speech therapy. he hasnt had any since september 2025 and it still isnt sorted. i put a complaint in to Kent on 3rd october 2026 and heard nothing",
        "2025-09",
    ),
    (
        "since",
        "My daughter Poppy's EHCP was finalised in June 2023. Her transport stopped in September 2025 and nothing has been sorted despite me chasing Norfolk every week. Her annual review was in May 2026.",
        "2025-09",
    ),
    (
        "since",
        "Our daughter Esme (7) has had an EHCP since January 2025. She has been without her 1:1 TA since April 2026 and the school keep promising it will be sorted but it never is. Her review was held in July 2026.",
        "2026-04",
    ),
    (
        "since",
        "Harry (10) - EHCP issued Nov 2023. No SALT since Feb 2026, and Cumbria keep saying it'll be resolved soon. Annual review Jul 2026. Complaint sent Oct 2026.",
        "2026-02",
    ),
    (
        "since",
        "Our son Zac's EHCP was issued in August 2025. From January 2026 he has had no speech and language therapy and I want it reinstated with the missed sessions made up. I emailed Barnsley in March 2026.",
        "2026-01",
    ),
    (
        "since",
        "my daughter Evie (6) got her plan in november 2024. shes been without her TA since april 2026 and the SENCO keeps telling me its being sorted. i complained to Wigan in september 2026 but heard nothing",
        "2026-04",
    ),
    (
        "since",
        "my son Theo has had no respite from may, then the social worker said it would be fixed by half term but it wasnt. Leeds have done nothing and we are exhausted",
        "2026-05",
    ),
    (
        "since",
        "My daughter Maya (8) has had an EHCP since May 2023. From September 2025 to today Hertfordshire have failed to deliver the OT in Section F. Her annual review was in March 2026 and they still did nothing.",
        "2025-09",
    ),
    (
        "since",
        "Jack got his EHCP in July 2024. He was out of school from September 2025 to April 2026 because Lancashire couldn't find him a place and I want compensation for the education he lost. I complained on 2 June 2026.",
        "2025-09",
    ),
    (
        "since",
        "our son Ibrahim has an ehcp since feb 2024. from january until now the LA has not paid for the tuition in his plan, the tutor is owed money and has stopped coming. i emailed Birmingham on 4 march",
        "2026-01",
    ),
    (
        "since",
        "my son Kacper (11) has an ehcp from Peterborough since 2023, last reviewed in june 2025. from october 2025 to march 2026 he only got 2 hours of tuition a week instead of the full time education in his plan. I want the LA to put this right.",
        "2025-10",
    ),
    (
        "since",
        "Since June 2026 till now my son Arlo has been on a waiting list for the OT that is in section F of his plan, and Doncaster say it could be another year. His plan was amended in April 2026.",
        "2026-06",
    ),
    (
        "since",
        "my son Finley (14) has an ehcp with Staffordshire. in july the school told me they would only have him in part time from the start of the autumn term and he has been doing 2 hours a day ever since. his annual review was in march 2026",
        "2026-09",
    ),
    (
        "since",
        "Noah is 12. The council told us his short breaks would be cut in half from the start of the summer term. We complained in May 2026 but nothing has changed.",
        "2026-04",
    ),
    (
        "since",
        "my daughter Sophie (9) has an ehcp since 2022, last review in january 2026. she would come home in tears every day from the start of the summer term because her 1:1 had been moved to another class and nobody covered. Bury",
        "2026-04",
    ),
    (
        "child",
        "I am an advocate with a local charity. My client Sarah, mother of Leo, has asked me to complain to Bradford because Leo has had no speech therapy since March 2026 despite it being in section F.",
        "Leo",
    ),
    (
        "child",
        "my daughter is 14 and her carer Dawn from the agency stopped coming in june when Stockport cut her care package. she now has no help with personal care at all",
        None,
    ),
    (
        "child",
        "im a carer for Mencap, supporting a young man who's 19. his college placement fell through in september 2026 and Hampshire haven't done anything about his ehcp",
        None,
    ),
    (
        "child",
        "hi, section F of the ehcp says weekly SALT with a qualified therapist and there hasnt been a single session since april. Sunderland keep saying theres a shortage. she is 7 and non verbal",
        None,
    ),
    (
        "child",
        "Our family's social worker left in March 2026 and we have not had a new one allocated. My son is 15 and in care of Lambeth under a section 20.",
        None,
    ),
]


@pytest.mark.parametrize("field,text,expected", TENTH_ROUND_REVIEW)
def test_a_second_reviewers_inputs_that_the_tenth_rounds_rules_once_misread(field, text, expected):
    got = _since_of(text) if field == "since" else _got(text, field)
    assert got == expected, (text, got)


def test_a_service_that_ran_until_a_time_and_a_council_email_about_how_to_complain():
    taxi = "He had a taxi every day until October half term. Then Newcastle reassessed him and stopped the taxi."
    assert _since_of(taxi) == "2026-10"
    assert _since_of("Rosa's respite was cancelled until January. We complained in October.") != "2026-01"
    pasted = (
        "Leeds has not replied to my emails.\n\nSubject: Formal complaint - guidance\nDear Ms P, thank you for your "
        "email. Our complaints guidance is attached.\n\nAva has had no speech therapy since May."
    )
    assert _got(pasted, "stage") is None
    assert _got("Subject: Formal complaint - personal budget\nDear Sir, Ava has had no therapy.", "stage") == (
        "council-stage-1"
    )


def test_an_item_owed_cut_off_from_its_service_is_read_whole():
    lunch = "she's meant to have someone with her at lunch and break but since october no one has been there"
    assert _got(lunch, "provision") == "someone with her at lunch and break"


def test_what_is_owed_named_only_as_what_stopped_or_is_missing():
    taxi = "my son Kai hasnt had his taxi to school since 2nd of october the company pulled out"
    assert _got(taxi, "provision") == "his taxi to school"
    assert _got("Kent stopped his allowance from the 1st of June without telling me", "provision") == "his allowance"
    # the person's own work, or a process, is not what is owed
    assert _got("I have had to cut my hours to do the school runs since May.", "provision") is None


def test_a_child_named_on_a_form_after_an_initial_or_mid_sentence():
    form = "Name: Joanne Birchall\nRelationship to child: Mum\nChild's name / age: Harvey, 15\nCouncil: Warrington"
    assert _got(form, "child") == "Harvey"
    assert (
        _got("Complaint - EHC needs assessment request, Oscar B (Year 4)\nI requested it in May.", "child") == "Oscar"
    )
    assert _got("North Yorks council. Son Alfie 12, dyslexia + dyspraxia.", "child") == "Alfie"
    assert _got("I'm Nanna to Kai, he's lived with me since he was 3.", "child") == "Kai"
    assert _got("Since the start of term Amara has had no visits from the teacher", "child") == "Amara"
    assert _got("Wirral council. Complaint has been through stage 1 and 2 and nothing changed.", "child") is None
    assert _got("The contact with her brother happens like clockwork and she loves it.", "child") is None


def test_a_start_told_by_a_school_year_begun_or_a_year_group_with_its_year():
    assert _since_of("Since the college year started there has been no job coach.") == "2026-09"
    assert _since_of("The specialist teaching has never happened since she started year 8 in September 2025.") == (
        "2025-09"
    )
    pep = "I foster Jess. Her PEP agreed 1:1 maths tuition twice a week and counselling. Neither started in September."
    assert _since_of(pep) == "2026-09"


# a second reviewer's inputs that the eleventh round's rules once misread: a verb's particle, someone's own work, another
# body's benefit, a process, a school's sanction or no failure at all read as what is owed; a teacher, a social worker,
# a school, a title-case subject line, a form's refusal or a shop read as the child; a school year begun in another year
ELEVENTH_ROUND_REVIEW = [
    (
        "provision",
        "my son is 11 and autistic with an EHCP. the council have been useless, we asked for help for months and nobody came back to us so in the end we ended up paying for a private OT ourselves. i want them to pay us back",
        None,
    ),
    (
        "provision",
        "We pulled her out of the school in May because of the bullying and the council have done nothing since, no one has even rung. She is 13 and has an EHCP from Norfolk.",
        None,
    ),
    (
        "provision",
        "Our son has a plan from Hampshire. Since the summer he has been at home most days and his dad had to cut his hours at work to look after him. We have complained twice and heard nothing back.",
        None,
    ),
    (
        "provision",
        "i've had to cut down my hours to 16 a week because he is at home all day, the council keep saying they are looking for a school that can meet his needs. Thurrock",
        None,
    ),
    (
        "provision",
        "I stopped my nursing placement at the hospital to care for her full time when she was excluded in March. Calderdale have done nothing.",
        None,
    ),
    (
        "provision",
        "the academy took away his lunch breaks as punishment because he kept running off, he is 8 and autistic. when I complained to Surrey they said it was a school matter",
        None,
    ),
    (
        "provision",
        "I havent had my carers allowance since august because of a mix up at DWP but that's separate. My complaint is about Essex who still have not named a school for Jayden and he has been at home since september.",
        None,
    ),
    (
        "provision",
        "Universal Credit cut my housing element in June which is a separate battle. what I need help with is that Sunderland have not sorted out school for my son since he was excluded in september",
        None,
    ),
    (
        "provision",
        "Devon cancelled his appointment with the educational psychologist twice, it was the assessment they agreed to do in June and we are now way past 20 weeks.",
        None,
    ),
    (
        "provision",
        "he never had any problems with the school until year 5 when the new head came, now he is on a part time timetable and Oldham say it is up to the school",
        None,
    ),
    (
        "provision",
        "The transport has been great and he hasn't had any trouble with the transport this year. The problem is the school keep sending him home at lunch and the council say they can't get involved.",
        None,
    ),
    (
        "provision",
        "She started year 7 at Hillcrest in September 2024 and was fine. Since she started year 8 in September 2025 she has been getting more anxious, and in May the 1:1 was taken away by the school.",
        None,
    ),
    (
        "child",
        "Subject: Daughter Refusing School - no help from SEND team\n\nhi, my daughter is 13, she hasnt been in school since easter and the SEND team wont return my calls.",
        None,
    ),
    (
        "child",
        "My son is in year 5 at St Marys. Since september Mr Okafor has been off sick and the 1:1 in his EHCP isnt happening, the supply teachers dont know him.",
        None,
    ),
    (
        "child",
        "My daughter is 15 and in care with Kent. Our social worker Gemma has been on leave since October and nobody has covered, we don't know who to ring.",
        None,
    ),
    (
        "child",
        "Child's name: Prefer not to say\nCouncil: Lancashire\nWhat went wrong: my son's school transport stopped in September and nobody will tell me why",
        None,
    ),
    (
        "child",
        "every saturday he goes with his nan to Asda and that is the only time he leaves the house. he is 15 and has been out of school since may, Tameside have not provided any education",
        None,
    ),
    (
        "child",
        "my daughter (year 3) has an EHCP. since january Riverside has been refusing to let her go on trips and the council say its the schools decision",
        None,
    ),
    (
        "since",
        "She hasn't had any of her speech therapy since the school year started last year. It's in section F of her plan, 1 hour a fortnight. Hertfordshire keep saying they are recruiting.",
        "2025-09",
    ),
]


@pytest.mark.parametrize("field,text,expected", ELEVENTH_ROUND_REVIEW)
def test_a_second_reviewers_inputs_that_the_eleventh_rounds_rules_once_misread(field, text, expected):
    got = _since_of(text) if field == "since" else _got(text, field)
    assert got == expected, (text, got)


def test_a_school_year_begun_in_a_year_said_is_not_this_september():
    tutor = (
        "My son had a tutor from the council for two hours a day since the school year started back in 2024 and it "
        "was stopped last week without notice."
    )
    assert _since_of(tutor) != "2026-09"


def test_a_harm_told_in_a_later_message_adds_to_the_effect_and_a_confirmed_one_stays():
    first = extract("Kent stopped Kai's taxi in October. I work nights and cant drive him.", today=TODAY)
    assert "cant drive him" in first.get("impact")
    later = extract("hes so anxious every morning he wont get dressed", previous=first, today=TODAY)
    assert "cant drive him" in later.get("impact") and "wont get dressed" in later.get("impact")
    assert "cant drive him" in later.quote("impact") and "wont get dressed" in later.quote("impact")  # traceable
    kept = extract(
        "hes so anxious every morning he wont get dressed",
        previous=confirm(first, "impact", "I lose shifts"),
        today=TODAY,
    )
    assert kept.get("impact") == "I lose shifts"


@pytest.mark.parametrize(
    "story, source",
    [
        (
            "My son Jack has an EHCP. His plan says he should get weekly speech and language therapy but he has not had "
            "any since March.",
            "plan",
        ),
        (
            'Section F of his plan says, word for word: "Oliver will receive 25 hours per week of 1:1 support from a '
            'trained TA" and he gets 10.',
            "plan",
        ),
        (
            "my son josh (10) has an ehcp. it says he gets 2 hours a week with a specialist teacher for dyslexia. he hasnt "
            "had it since september.",
            "plan",
        ),
        (
            "Under section F the plan lists:\n\n\u2022 3 hours a week with a specialist autism mentor\n\nNone of it "
            "since January.",
            "plan",
        ),
        # the person's own account, or another plan's words, or words the plan does not hold
        ("my son Kai hasnt had his taxi to school since 2nd of october. hes got an ehcp.", "person"),
        (
            "hes meant to get a TA all day but hes only had one in the mornings since september. He has an EHCP.",
            "person",
        ),
        (
            "He has an EHCP for school. His child in need plan said 2 overnight stays a month at the short break unit. "
            "None since May.",
            "person",
        ),
        (
            "Harry's EHCP names Oakwood School, 9 miles from us, and since 2023 he's had a taxi with an escort. It "
            "stopped in July.",
            "person",
        ),
        (
            "The final amended plan still hasn't been issued, so her plan still describes her primary-phase support and "
            "says nothing about the 'specialist teaching assistant support for 15 hours per week across core subjects' "
            "that everyone agreed at the review. She's in year 7 and has had none of it since September.",
            "person",
        ),
    ],
)
def test_the_provision_is_the_plans_words_only_where_the_person_tells_it_as_the_plans(story, source):
    """A letter says "The plan says: ..." only for the plan's own words (provision_source "plan")."""
    facts = extract(story, today=TODAY).to_facts()
    assert facts.provision, story
    assert facts.provision_source == source, (facts.provision, story)


TWELFTH_ROUND = [
    # a birthday is never the start; turning 18 may be (a care leaver's support due then)
    (
        "since",
        "im 18 (birthday was 12 april). my setting up allowance was agreed in may and i got the keys on 6 "
        "july and ive been waiting for it since i got the keys. stockport council.",
        None,
        "2026-04",
    ),
    (
        "since",
        "Ellis is 7 he was 7 on the 2nd of may. The tutor stopped coming on 3 October and nothing since.",
        "2026-10",
        None,
    ),
    (
        "since",
        "i turned 18 on the 1st of september and i was meant to stay with my foster carers under staying put "
        "but the council wont pay.",
        "2026-09",
        None,
    ),
    # how long the child has had a plan is background: the start is the failure told after it
    ("since", "Lewis is 15, EHCP since 2 March 2022. The tutor stopped coming in September.", "2026-09", None),
    # a service said to be delivered is not what is owed
    (
        "provision",
        "Our son has an EHCP. His TA and his SALT are great. The problem is the council have not sent the "
        "amended plan since the review in June.",
        None,
        "his TA and his SALT are great",
    ),
    (
        "provision",
        "zayn has ehcp and gets a taxi to school in the mornings thats fine but since october half term "
        "bradford council have stopped the taxi home",
        None,
        "gets a taxi to school in the mornings thats fine",
    ),
    # what is wanted, as formal writers and notes say it
    (
        "outcome_sought",
        "Nothing since June.\nWhat I'm after: the council to make sure the 25 hours are delivered.",
        "the council to make sure the 25 hours are delivered",
        None,
    ),
    (
        "outcome_sought",
        "No QTVI since July. Please allocate a QTVI who actually visits.",
        "allocate a QTVI who actually visits",
        None,
    ),
    (
        "outcome_sought",
        "I want that he have full 25 hours like in the plan. Please tell me what I can do.",
        "he have full 25 hours like in the plan",
        "tell me what I can do",
    ),
    # who is writing: a form's line anywhere, a solicitor's client, a sister's child
    (
        "complainant",
        "COMPLAINTS LOG\nRef: CS/2026/1187\nComplainant: Mr Gareth Pascoe, foster carer (in-house)\nChild: L (aged 14)",
        "foster carer",
        None,
    ),
    (
        "complainant",
        "Dear Sirs,\nWe write on behalf of our client, Ms Riches, about the Council's failure to secure "
        "the provision in her daughter's plan.",
        "advocate",
        "parent",
    ),
    (
        "complainant",
        "My sister's little boy Mason has lived with me since November under a family arrangement. Bury "
        "agreed to fund a nursery place and it never started.",
        "carer",
        None,
    ),
    # how far the complaint has gone
    (
        "stage",
        "complained online on 2 september, got an email on 4 september saying they would reply in 10 working "
        "days, thats nearly 3 months ago",
        "council-stage-1",
        "council-stage-2",
    ),
    (
        "stage",
        "I asked for stage 2 on 1 October. I would be grateful if you would arrange for a substantive stage 2 "
        "response.",
        "council-stage-2",
        "ombudsman",
    ),
    (
        "stage",
        "In October I contacted the Local Government and Social Care Ombudsman, who told me that I must first "
        "complain to the council. I therefore make this formal complaint.",
        "council-stage-1",
        "ombudsman",
    ),
    (
        "stage",
        "Mum has emailed the SEND team four times. She said she'd put in a formal complaint if not.",
        None,
        "council-stage-1",
    ),
]


@pytest.mark.parametrize("field,text,expected,not_this", TWELFTH_ROUND)
def test_the_twelfth_rounds_rules(field, text, expected, not_this):
    got = _got(text, field)
    if expected is not None:
        assert got == expected, (text, got)
    assert got != not_this or not_this is None, (text, got)


# the twelfth round's second reviewer: inputs the round's new rules once misread (each now read right)
TWELFTH_ROUND_REVIEW = [
    (
        "provision_source",
        "The Tribunal ordered that Section F says weekly speech and language therapy but the council still haven't amended it.",
        "person",
    ),
    (
        "provision_source",
        "My son has an EHCP. The school sent a letter home and it says he gets 5 hours of 1:1 a week but he hasnt had any since October.",
        "person",
    ),
    (
        "provision_source",
        "The EHCP coordinator said he'd get a taxi from September, he hasnt had one and has missed 8 weeks.",
        "person",
    ),
    (
        "provision_source",
        "His EHCP was reviewed in May and the SENCO says he now gets 15 hours of 1:1, but he's had none since June.",
        "person",
    ),
    (
        "provision_source",
        "The council's proposed amendments to his plan say he gets 10 hours of 1:1 a week but they're not final and he has had none since September.",
        "person",
    ),
    (
        "provision_source",
        "His old plan said 25 hours 1:1 but after the review in March the new one cut it and he has had 10 hours since April.",
        "person",
    ),
    (
        "provision_source",
        "His CIN plan says he gets 2 overnight short breaks a month but they stopped in June.",
        "person",
    ),
    (
        "provision_source",
        "I'm 19 and a care leaver. My plan says I get a setting up home allowance of £2000 but I've had nothing since I moved in June.",
        "person",
    ),
    (
        "provision_source",
        "The SALT report attached to his plan says weekly sessions with a therapist. Nothing since February.",
        "person",
    ),
    (
        "provision_source",
        "I think his plan says something like 20 hours of support but he's getting maybe 5 since September.",
        "person",
    ),
    (
        "provision",
        "He needs a specialist placement, the SEN team is working on finding one. He has been out of school since March.",
        "a specialist placement",
    ),
    (
        "provision",
        "My daughter needs 1:1 support at lunch. The school are working hard but they dont have the funding since the council cut it in April.",
        "1:1 support at lunch",
    ),
    ("since", "Since his birthday (12 April) he hasnt had any respite, the carer just stopped coming.", "2026-04"),
    ("since", "She turned 16 on 1 May and her CAMHS support stopped that week.", "2026-05"),
    ("since", "Timeline:\nApril 2026: moved to new school, no problems\nSeptember 2026: SALT stopped", "2026-09"),
    ("since", "Feb 2026: no reply to my email about the taxi. The taxi itself stopped in October 2026.", "2026-10"),
    ("outcome_sought", "Bottom line: I have emailed 14 times since June and no reply.", None),
    ("outcome_sought", "No taxi since September. I expect nothing will change but I have to try.", None),
    (
        "outcome_sought",
        "My daughter has had no respite since June. Could you please confirm you have received this email.",
        None,
    ),
    ("outcome_sought", "No OT since March. I would be grateful if you could forward this to the right team.", None),
    ("outcome_sought", "Mother asks: why has no one called her back since June.", None),
    ("stage", "I'd made a formal complaint in June about the taxi and they never replied.", "council-stage-1"),
    (
        "stage",
        "I rang to ask where it was and the stage 1 reply came the next day, it said the taxi would be reinstated.",
        "council-stage-2",
    ),
    (
        "stage",
        "I was grateful when the council finally replied to my complaint in July, but they refused to reinstate the taxi.",
        "council-stage-2",
    ),
    (
        "stage",
        "The council responded to my complaint on 3 June, well past the 20 days they aim to respond in, and refused everything.",
        "council-stage-2",
    ),
    (
        "stage",
        "I sent it to the Ombudsman on 2 October. The helpline had said to first complain to the council, which I had done twice, stage 1 and stage 2.",
        "ombudsman",
    ),
    (
        "complainant",
        "My son Tom has had no transport since September. The council's solicitor wrote back saying \"our client has met its statutory duties\". I'm his mum and I'm furious.",
        "parent",
    ),
    (
        "complainant",
        "Name: Jo Hart\nRelationship: mum\nAdvocate: none\nChild: Sam, 8, no school place since September.",
        "parent",
    ),
    (
        "complainant",
        "My sister's kids lived with us for a bit last year, but this is about my own son Jack, who hasnt had his 1:1 since September.",
        "parent",
    ),
]


@pytest.mark.parametrize("field,text,expected", TWELFTH_ROUND_REVIEW)
def test_a_second_reviewers_inputs_that_the_twelfth_rounds_rules_once_misread(field, text, expected):
    ex = extract(text, today=TODAY)
    if field == "provision_source":
        assert ex.to_facts().provision_source == expected, text
    elif field == "provision":
        assert expected.lower() in (ex.get("provision") or "").lower(), (text, ex.get("provision"))
    else:
        assert ex.get(field) == expected, (text, ex.get(field))


THIRTEENTH_ROUND = [
    # councils as people name them, and a place a child came from
    (
        "council",
        "our problem is with stoke council's special guardianship team, no allowance since May",
        "Stoke-on-Trent Council",
    ),
    ("council", "wolves council and the school have done nothing since september", "Wolverhampton Council"),
    ("council", "West Berks wrote afterwards agreeing to fund it, and nothing since June", "West Berkshire Council"),
    ("council", "Southend amended Isla's EHCP last year and the OT never started", "Southend-on-Sea Council"),
    (
        "council",
        "the judge ordered telford council to name the school in July and they havent",
        "Telford and Wrekin Council",
    ),
    (
        "council",
        "He has been with me since January when he came from Telford. I complained to Herefordshire in July.",
        "Herefordshire Council",
    ),
    # a time of the school year or of the year as the start
    ("since", "since she moved up to secondary she has had none of it, not one hour", "2026-09"),
    ("since", "Since she moved up to secondary, over a year ago now, it's never been set up again", "2025-09"),
    ("since", "Northumberland reduced our special guardianship allowance from the new financial year.", "2026-04"),
]


@pytest.mark.parametrize("field,text,expected", THIRTEENTH_ROUND)
def test_the_thirteenth_rounds_rules(field, text, expected):
    assert _got(text, field) == expected, (text, _got(text, field))


# the thirteenth round's second reviewer: inputs the round's new rules once misread (each now read right)
THIRTEENTH_ROUND_REVIEW = [
    ("council", "The council won't pay for his taxi to Stoke Mandeville for his clinic appointments.", None),
    ("council", "We live in Stoke Newington and Hackney have still not issued the final EHCP.", "Hackney Council"),
    (
        "council",
        "He missed the Wolves match because the respite carer never came. The council say nobody is free.",
        None,
    ),
    ("council", "Wolves are his special interest. The council have not found him a school since September.", None),
    ("council", "Our social worker Jane Telford left in July and the council have not replaced her.", None),
    (
        "council",
        "He goes to a school in Wakefield. The refusal came from Leeds and the council won't explain.",
        "Leeds Council",
    ),
    ("council", "The letter seemed designed to stoke my anxiety. The council still won't name a school.", None),
    ("since", "Since he moved up to secondary, almost two years ago now, he has had no OT.", "2024-09"),
    (
        "since",
        "Since she moved up to secondary, over a year ago now, she has had no 1:1. She is in year 8 now.",
        "2025-09",
    ),
    ("since", "Since he went up to high school he has had no support at all, that was September 2024.", "2024-09"),
    ("since", "Since she went into reception she has not had her 1:1. She is in year 2 now.", "2024-09"),
    ("since", "Our son (year 9) has had no speech therapy since he moved up to secondary.", "2024-09"),
    (
        "since",
        "The council told me at the end of the financial year that his budget would be cut. It was cut in June 2026.",
        "2026-06",
    ),
    (
        "since",
        "They said his placement would be funded from the new financial year, but he has been out of school since 3 March 2026.",
        "2026-03",
    ),
    (
        "council",
        "The council have refused to pay for his taxi to Stoke Mandeville for his spinal clinic appointments, so I have to take unpaid leave every month.",
        None,
    ),
    (
        "council",
        "We live in Stoke Mandeville and Buckinghamshire refused to carry out an EHC needs assessment for my daughter even though school supports it.",
        "Buckinghamshire Council",
    ),
    (
        "council",
        "We live in Stoke Newington and Hackney have still not issued the final EHCP, it is now 30 weeks since I asked.",
        "Hackney Council",
    ),
    (
        "council",
        "We live in Stoke, in Coventry, and Coventry have refused to carry out an EHC needs assessment for my son.",
        "Coventry Council",
    ),
    (
        "council",
        "He missed the Wolves match on Saturday because the respite carer never turned up again. The council said there is nobody available until January.",
        None,
    ),
    (
        "council",
        "Wolves are his special interest at the moment and he talks about them all day. He has been out of school since September because the council have not found him a placement.",
        None,
    ),
    (
        "council",
        "The council stopped his direct payments in June. The only thing that calms him down is the Telford shopping centre on a quiet morning.",
        None,
    ),
    (
        "council",
        "Our social worker Jane Telford left in the summer and the council have not allocated anyone since, we have had no support for 5 months.",
        None,
    ),
    (
        "council",
        "He goes to a school in Wakefield. The decision to refuse the assessment came from Leeds and the council won't explain why.",
        "Leeds Council",
    ),
    (
        "council",
        "The letter seemed designed to stoke my anxiety. The council say they will not name a school until the tribunal.",
        None,
    ),
    (
        "council",
        "He's mad about stoke city and the council have refused to fund the after school club where he could watch games with other kids.",
        None,
    ),
    (
        "council",
        "His paediatrician is at Stoke Mandeville. The council have had the EHCP request since April and missed every deadline.",
        None,
    ),
    (
        "since",
        "Since he moved up to secondary, almost two years ago now, he has not had any of the OT sessions in his plan.",
        "2024-09",
    ),
    (
        "since",
        "Since she moved up to secondary, over a year ago now, she has had no 1:1 support. She is in year 8 now.",
        "2025-09",
    ),
    ("since", "Since she went into reception she has not had the 1:1 in her plan. She is in year 2 now.", "2024-09"),
    (
        "since",
        "The council told me at the end of the financial year that the personal budget would be cut. It was cut in June 2026.",
        "2026-06",
    ),
    ("since", "Since I moved up to sixth form the council stopped my transport. I'm 17 and in Year 13.", "2025-09"),
    ("since", "Our son (year 9) has not had his EHCP speech therapy since he moved up to secondary.", "2024-09"),
    (
        "since",
        "The council said the new placement would be funded from the new financial year, but he has been out of school since 3 March 2026 with nothing.",
        "2026-03",
    ),
    (
        "since",
        "I was told to wait until after the financial year for the OT assessment. Meanwhile his OT stopped when the therapist left in July.",
        "2026-07",
    ),
    (
        "since",
        "My daughter is now in year 9. Since she moved up to secondary, over a year ago now, the council have not reviewed her EHCP.",
        "2024-09",
    ),
    ("since", "Since she went up to high school (2024) she hasnt had a single SaLT session.", "2024-09"),
]


@pytest.mark.parametrize("field,text,expected", THIRTEENTH_ROUND_REVIEW)
def test_a_second_reviewers_inputs_that_the_thirteenth_rounds_rules_once_misread(field, text, expected):
    assert _got(text, field) == expected, (text, _got(text, field))


# a review of the whole session's change: inputs its new rules misread (each now read right)
SESSION_REVIEW = [
    (
        "provision",
        "Speech and language therapy once a week has not been happening since September. He has an EHCP.",
        "speech and language therapy",
    ),
    (
        "stage",
        "I made a formal complaint to Leeds City Council, and unless they reply soon I will go to the Ombudsman.",
        "council-stage-1",
    ),
    ("stage", "I asked for stage 2 as they would not act unless I did.", "council-stage-2"),
    (
        "outcome_sought",
        "Mother asks: why has no one called her back?\nFamily's desired outcome: a tutor five mornings a week.",
        "a tutor five mornings a week",
    ),
    ("outcome_sought", "No tutor since May. I expect the council will ignore this again.", None),
    ("since", "Mason (3 on 9 January) has had no nursery place since September.", "2026-09"),
    ("complainant", "Advocate:\nRelationship: mum\nChild: Sam, no school place since September.", "parent"),
]


@pytest.mark.parametrize("field,text,expected", SESSION_REVIEW)
def test_a_reviewers_inputs_that_this_sessions_rules_once_misread(field, text, expected):
    got = _got(text, field)
    if field == "provision":
        assert expected in (got or "").lower(), (text, got)
    else:
        assert got == expected, (text, got)


@pytest.mark.parametrize(
    "story",
    [
        "Section F says he will have 25 hours of 1:1 support in order to access the curriculum. He has had none since "
        "May. He has an EHCP.",
        "His plan says he gets 1:1 support from Mr. Smith for 25 hours a week. He has had none since May. EHCP from Leeds.",
    ],
)
def test_the_plans_own_words_are_not_lost_to_a_word_inside_them_or_a_title(story):
    assert extract(story, today=TODAY).to_facts().provision_source == "plan"


# the fourteenth round (s1504-s1603, read unseen at 0.949 / 0.887): children named in the ways that batch found, and
# starts told as how long ago, how long, or a time of school life
FOURTEENTH_ROUND = [
    ("child", "im nan to Lacey-Mae and got an SGO for her in 2023", "Lacey-Mae"),
    ("child", "lambeth stopped Mia's bus to her special school after half term", "Mia"),
    ("child", "We took on two brothers in March. The younger one, Kacper, has complex needs.", "Kacper"),
    ("child", "im looking after my sisters lad Reece, hes 10, since his mum went into rehab", "Reece"),
    ("child", "Stockport refused to assess Evie. I asked in July.", "Evie"),
    ("child", "not had one SALT session for Poppy in 14 months. its in her plan.", "Poppy"),
    ("child", "hull council - transport\njaxon (8, ehcp, autistic) goes to a special school", "Jaxon"),
    ("child", "Complaint re Alfie, yr 4, Bristol City Council EHCP", "Alfie"),
    ("child", "Im Maisies nan and have a special guardianship order from Kent.", "Maisie"),
    ("child", "lacey (14) has had no social worker for six weeks now", "Lacey"),
    ("child", "mason has a ehcp and is ment to get transport to his school", "Mason"),
    ("child", "Chloe turned 16 on 3 August. Since then Warrington have stopped her respite.", "Chloe"),
    ("child", "He needs transport for London trips", None),
    ("complainant", "Son is 13. Autism. Has EHCP. Transport stopped 2 Nov.", "parent"),
    ("since", "not had one SALT session for Poppy in 14 months. its in her plan.", "2025-09"),
    ("since", "7 MONTHS. thats how long my son has been without a school", "2026-04"),
    ("since", "These sessions have not happened for roughly five months now.", "2026-06"),
    ("since", "since the new driver started about a month ago the bus has been late every day", "2026-10"),
    ("since", "Over nine months ago I asked Medway for a child in need assessment. It was never done.", "2026-02"),
    ("since", "Nadia is 14 and in year 10. She has not had the weekly therapy since she was in year 7.", "2023-09"),
    ("since", "He has been out of education since the first week of year 10.", "2026-09"),
    (
        "since",
        "They paid my college taxi all of first year but since I started my second year at college they say no",
        "2026-09",
    ),
    ("since", "She has not had it since she started year 7, so thats over 2 years now.", "2024-09"),
    ("since", "He has not been in school for about 14 months, basically since the start of year 8.", "2025-09"),
    ("since", "I have been a foster carer for 6 years and it was fine.", None),
    ("since", "The review will happen in 6 weeks.", None),
    # what is owed, where the reader finds nothing likely enough: taken off the child, promised and not come, "must
    # have", "not had one", "have not named"
    ("provision", "Brum council took the taxi off her at the start of September. She can't walk it.", "the taxi"),
    (
        "provision",
        "In the plan she must have 1:1 help all the day in school. Now she is alone.",
        "1:1 help all the day in school",
    ),
    ("provision", "not had one SALT session for Poppy in 14 months. its in her plan.", "SALT session for Poppy"),
    (
        "provision",
        "its the setting up home grant i was told i would get when i moved in july. it never came.",
        "the setting up home grant",
    ),
    ("provision", "still havent sent the final EHCP, no school named for next year, just chasing emails", None),
]


@pytest.mark.parametrize("field,text,expected", FOURTEENTH_ROUND)
def test_the_fourteenth_rounds_rules(field, text, expected):
    got = _got(text, field)
    if field == "provision" and expected is not None:  # what is owed, maybe with the words that frame it
        assert got is not None and expected.lower() in got.lower(), (text, got)
    else:
        assert got == expected, (text, got)


def test_a_service_continuing_as_the_plan_says_is_delivered_and_an_outcome_heading_is_a_wish():
    assert story_module.WORKING.search("OT and specialist teaching continuing as per plan")
    assert not story_module.WORKING.search("the OT is not continuing as per plan")
    assert story_module.WISH_START.match("Outcome requested: SALT reinstated as per section F")


# the fourteenth round's second reviewer: inputs the round's new rules once misread (each now read right)
FOURTEENTH_ROUND_REVIEW = [
    ("child", "I am writing as James mum. No OT since May.", None),
    ("child", "Im Thomas mum and he has had no OT since May", None),
    ("child", "we need therapy for Anxiety since May", None),
    ("child", "tuition for Maths stopped in June", None),
    ("child", "support for English lessons stopped", None),
    ("child", "He has an EHCP. sessions (12 of them) were cancelled", None),
    ("child", "hours (15 a week) were cut in May", None),
    ("child", "rachel (31) here, my son has no OT", None),
    ("child", "Ofsted (3 years ago) rated the school good", None),
    ("child", "Mrs Smith's lessons stopped in May", None),
    ("since", "has not got a school place and they say in 3 months maybe", None),
    ("since", "Nothing will change in 6 months they said", None),
    ("since", "no idea if it will start in 6 weeks", None),
    ("since", "will not be back in 2 weeks", None),
    ("since", "He had no OT. I have been chasing ever since I emailed them 3 weeks ago.", None),
    ("since", "12 years. that's how long I have been his carer. He has no OT now.", None),
    ("since", "Since she was in year 7 she loved school. Now in year 10 she has no OT.", None),
    ("since", "since the second term of year 10. He is in year 11 now.", None),
    ("since", "no OT for 4 months, since the start of year 10", "2026-09"),
]


@pytest.mark.parametrize("field,text,expected", FOURTEENTH_ROUND_REVIEW)
def test_a_second_reviewers_inputs_that_the_fourteenth_rounds_rules_once_misread(field, text, expected):
    assert _got(text, field) == expected, (text, _got(text, field))


def test_a_day_written_in_words_is_read_as_a_date():
    """An adviser's read: "asked for stage 2 on the tenth of july" and "a stage 1 reply on the twenty eighth of october"
    were not read, so one letter asked for the stage 2 already asked for and another called a reply that came late
    one that never came."""
    dates = extract(
        "i complained on the 3rd of october and got a stage 1 reply on the twenty eighth of october. asked for stage 2 "
        "on the tenth of november",
        today=TODAY,
    ).dates
    assert {k: v.value for k, v in dates.items()} == {
        "complaint_made": "2026-10-03",
        "stage1_response": "2026-10-28",
        "stage2_requested": "2026-11-10",
    }
    assert extract("first of all the council said no in the second week of may", today=TODAY).dates == {}


# the second reviewer of this session's later change: inputs it once misread (each now read right)
SESSION_13_REVIEW = [
    ("child", "Ruby (aged 9 years) has no OT since May", "Ruby"),
    ("since", "He has had no OT in 7 months.", "2026-04"),
    ("since", "He has not been seen by a therapist in 8 months.", "2026-03"),
    ("since", "I have emailed them ever since his transport stopped 2 months ago.", "2026-09"),
    ("since", "he hasnt had OT for 20 months since the start of year 8", "2024-09"),
    ("since", "no OT for 14 months, since the start of year 8", "2025-09"),
    ("provision", "There has been no reply to my complaint about her transport since June.", None),
    ("provision", "The council has not provided a reason for cutting her respite", None),
    ("provision", "I've had no explanation of why his transport stopped", None),
    ("provision", "School took his laptop off him as a punishment in June.", None),
]


@pytest.mark.parametrize("field,text,expected", SESSION_13_REVIEW)
def test_a_second_reviewers_inputs_that_this_sessions_later_rules_once_misread(field, text, expected):
    assert _got(text, field) == expected, (text, _got(text, field))


def test_a_day_in_words_needs_the_and_of():
    assert extract("the first may be late but i complained on 3 june", today=TODAY).dates["complaint_made"].value == (
        "2026-06-03"
    )
    assert extract("He has had no OT since the second may be worse", today=TODAY).dates == {}


# Round 15 (s1604-s1703), read unseen at 0.947 / 0.877 by 3d86527; each rule written from it, checked on every tuning
# story, and its near misses.
FIFTEENTH_ROUND = [
    ("child", "GCSE year and still nothing. Callum is in year 11 and has had an EHCP since primary.", "Callum"),
    ("child", "Medical needs tuition question - Wren is 14 and has ME, shes been too ill for school", "Wren"),
    ("child", "Ive emailed the SEN manager. Thandiwe has hypermobility and her handwriting has gone", "Thandiwe"),
    ("child", "Manchester stopped Keziahs direct payments for short breaks from 1 August", "Keziah"),
    ("child", "Im Noors foster carer (shes 11, with us through Nottingham City).", "Noor"),
    ("child", "ezra got permanently excluded, hes 13 and hes got an ehcp for ADHD", "Ezra"),
    ("child", "social care did a child and family assessment on Mikey in March after a referral", "Mikey"),
    ("child", "He wont speak to his sister twice in a row without crying", None),
    ("child", "Medical needs tuition has not been arranged for my son", None),
    (
        "council",
        "We moved from Walsall to Wolverhampton in July. Walsall sent the paperwork across on 10 July.",
        "Wolverhampton Council",
    ),
    (
        "council",
        "My daughter Esme (10), Royal Borough of Kingston.\n- 14 April: tribunal order",
        "Royal Borough of Kingston Council",
    ),
    ("since", "the QTVI stopped coming a year last september, derbyshire said they were short staffed", "2025-09"),
    (
        "since",
        "In year 10 everything was ok until February half term, then his weekly counselling session just stopped",
        "2026-02",
    ),
    (
        "since",
        "nottinghamshire agreed respite one weekend a month after his review in Feb but it never started.",
        "2026-02",
    ),
    ("since", "Last one was January 2025. The next one was due January this year and never happened.", "2026-01"),
    (
        "since",
        "The tuition agency withdrew on 4 September 2026. No tuition has been delivered since that date.",
        "2026-09",
    ),
    ("since", "hes got an ehcp. hes been at home nine weeks now. the governors upheld it on 14 October.", "2026-09"),
    (
        "since",
        "Child: Zainab, year 8\nshe has not had her 1:1 since she started secondary in year 7, not one week.",
        "2025-09",
    ),
]


# a second reviewer's inputs that the fifteenth round's first rules misread
FIFTEENTH_ROUND += [
    ("child", "My son has autism. Husband has ADHD and we are both struggling.", None),
    ("child", "Sorry for the long message - Everyone has been so unhelpful. My son needs a new school.", None),
    ("child", "oldest got permanently excluded in september", None),
    ("child", "they did the assessment on Teams and it was rubbish", None),
    ("child", "I rang Leeds direct payments team five times about my sons budget", None),
    ("child", "27/11 email from dad (Mr Perera) - J has had no OT since May", "J"),
    (
        "council",
        "We moved from Leeds to Bradford but Leeds council kept his plan and never did the review.",
        "Leeds Council",
    ),
    (
        "since",
        "He had a taxi until September, then he moved to a new school, and in October the council stopped the taxi.",
        "2026-10",
    ),
    (
        "since",
        "Direct payments were paid until April, then they said they would review them, and in June they stopped.",
        "2026-06",
    ),
]


@pytest.mark.parametrize("field,text,expected", FIFTEENTH_ROUND)
def test_the_fifteenth_rounds_rules(field, text, expected):
    assert _got(text, field) == expected, text


def test_one_council_under_two_names_is_the_same_council():
    from app.story import field_match

    assert field_match("council", "Royal Borough of Kingston Council", "Royal Borough of Kingston upon Thames")
    assert not field_match("council", "Kingston upon Hull City Council", "Royal Borough of Kingston upon Thames")


@pytest.mark.parametrize(
    "text, contact",
    [
        # the council by its name, telling the person where things stand (round 15)
        ("Cheshire East keep saying they are recruiting. I complained on 14 September.", "Cheshire East keep saying"),
        ("derby council say its up to school and school say its the council", "derby council say its up to school"),
        ("tameside just say its with finance. complaint in since 2 oct nothing back", "tameside just say"),
        # a reply and what it said, in a second language
        (
            "I write complain to council 5 October. They answer me 28 October, they say this is school problem.",
            "they say this is school problem",
        ),
        # an offer made to the family
        (
            "He's been offered 2 hours a week tutoring at the library and nothing else.",
            "offered 2 hours a week tutoring",
        ),
    ],
)
def test_what_the_council_says_or_offers_is_a_contact(text, contact):
    got = extract(text, today=TODAY).get("contacts")
    assert any(contact in c for c in got), got


@pytest.mark.parametrize(
    "text",
    [
        "Devon say it's the college's job.",  # a council's stance in passing, as the older labels read it
        "The school has offered him 'movement breaks' with a midday supervisor.",  # the school's offer
    ],
)
def test_a_stance_in_passing_or_the_schools_offer_is_no_contact(text):
    assert extract(text, today=TODAY).get("contacts") == []


# Round 16 (s1754-s1853), read unseen at 0.951 / 0.896 by d1c86f6; each rule written from it and checked on every
# tuning story.
SIXTEENTH_ROUND = [
    ("child", "My daughter Ffions taxi to school stopped after october half term.", "Ffion"),
    ("child", "I'm a foster carer for a 14 yr old, I'll call him J. He came to me in April.", "J"),
    ("child", "I'm writing about Ngozi (14) who has been with me. Her brother Deji is placed in Halifax.", "Ngozi"),
    ("child", "Your complaint is that the OT set out in Section F of Hamza's Education, Health and Care Plan", "Hamza"),
    ("child", "Quick question. Im a foster carer, had Precious with us since 2024.", "Precious"),
    ("child", "Teodors plan (cornwall council) says OT twice a term.", "Teodor"),
    ("child", "Wilf moved to secondary this september. His plan names a school.", "Wilf"),
    ("child", "The tribunal ordered on 21 May that Harvey gets a place at a specialist school.", "Harvey"),
    ("child", "Nobody has been since Easter. Yusuf is profoundly deaf and has an EHCP.", "Yusuf"),
    ("child", "Call from mother of Harvey (Yr 9, EHCP). States annual review paperwork has been lost", "Harvey"),
    ("since", "my sons annual review was in may and i still havent got the amended plan", "2026-05"),
    ("since", "We moved house at Easter and she has not had a school place since, so thats 7 months", "2026-04"),
    ("since", "its been 7 weeks since they took her 1 to 1 off her and bristol keep passing me round", "2026-10"),
    ("since", "Since just after bonfire night they have cancelled them, first they said staff sickness", "2026-11"),
    (
        "since",
        "The therapist's contract ran out the week before Christmas and the sessions have not started again",
        "2025-12",
    ),
    (
        "since",
        "Complained back in August about the assessment. I asked for it on 9 March and heard nothing.",
        "2026-03",
    ),
    (
        "since",
        "Miss Reyes came 3 mornings a week. It stopped at the end of the summer term and in September they said he had to go back on the waiting list.",
        "2026-07",
    ),
    (
        "since",
        "The counsellor left at the end of the summer term and the school hasn't replaced her, so since Sept nothing",
        "2026-09",
    ),
    ("since", "The job coach left at Christmas and from January I had nobody.", "2026-01"),
    ("since", "I want the plan finished by Christmas.", None),
]


# a second reviewer's inputs that the sixteenth round's first rules misread
SIXTEENTH_ROUND += [
    (
        "child",
        "Im complaining about Sharon who is our caseworker at Leeds. My son Tyler has had no tuition since May.",
        "Tyler",
    ),
    ("child", "I am writing about Karen who is the case officer for my daughter. The EHCP is 10 weeks late.", None),
    (
        "child",
        "Both of my children have additional needs. Oscar is autistic and is settled at his school. The problem is his "
        "sister, the council have refused to assess Evie.",
        "Evie",
    ),
    (
        "child",
        "Jack moved to secondary last year with no problems, but the council have refused transport for Lily.",
        "Lily",
    ),
    ("child", "I took Sarah with me to the annual review. my daughter has had no speech therapy since april", None),
    ("child", "The panel agreed that Health should have paid for the OT. My daughter has had no OT since March.", None),
    ("child", "I went to St. Marys school to ask. my son has been out of school since may", None),
    ("child", "Kings school said no. my son has been out of school since June", None),
    ("since", "Her taxi stopped just before Christmas 2024 and we have been driving her ever since.", "2024-12"),
    ("since", "The OT sessions stopped after Easter last year and he hasnt had any since.", "2025-04"),
    ("since", "his tutor left after easter 2024 and hes had nothing since", "2024-04"),
    ("since", "My husband left before Christmas so I am on my own. Her respite was cut in May.", "2026-05"),
    (
        "since",
        "He has been out of school since May. I left a voicemail before christmas and no one called back.",
        "2026-05",
    ),
    ("since", "The tribunal hearing is in March, so that's 4 months to wait and he has no school at all", None),
    ("since", "He is in year 9 so thats 2 years left and he has not had a single session of SALT", None),
]


@pytest.mark.parametrize("field,text,expected", SIXTEENTH_ROUND)
def test_the_sixteenth_rounds_rules(field, text, expected):
    assert _got(text, field) == expected, text


# Round 17 (s1854-s1953), read unseen at 0.940 / 0.891 by 38cd980; each rule written from it and checked on every
# tuning story (1891): none read worse.
SEVENTEENTH_ROUND = [
    ("child", "Adult social care question. Theo is our son, he is 22, autistic.", "Theo"),
    ("child", "Advocacy summary - Callum R, age 24\n\nI am Callum's Care Act advocate.", "Callum"),
    ("child", "I complained about my daughter Zainabs speech therapy which stopped in june.", "Zainab"),
    (
        "since",
        "The respite happened twice then stopped last December, they said there were no carers. The SGO was made in January 2025.",
        "2025-12",
    ),
    (
        "since",
        "birmingham finalised his plan in april with OT 1 hour a week and he hasnt had a single session since.",
        "2026-04",
    ),
    ("since", "since the start of my second year I've had no specialist tutor at all", "2026-09"),
    (
        "since",
        "It started going wrong about 8 months ago when the school moved his 1:1 TA. I complained in June.",
        "2026-03",
    ),
    (
        "since",
        "My son has had an EHC plan from the Royal Borough of Kingston upon Thames since May 2023. His next review "
        "should have been held in May this year and it has not happened.",
        "2026-05",
    ),
    (
        "since",
        "im living with my foster carers under staying put since my birthday in april. haringey stopped paying them the allowance in august.",
        "2026-08",
    ),
    (
        "provision",
        "im special guardian for my grandson Jaxon 9. his SGO allowance stopped in august with no letter.",
        "SGO allowance",
    ),
    (
        "provision",
        "calderdale still havent given alfie the 32.5 hrs 1:1 the tribunal ordered in july.",
        "the 32.5 hrs 1:1",
    ),
    (
        "provision",
        "hafsa has been off since january. tower hamlets agreed medical needs tuition in june but no tutor has ever come.",
        "medical needs tuition",
    ),
    ("provision", "his social worker stopped coming in May and nobody has replaced her.", None),
    ("provision", "She is just in her room all day and has stopped eating properly.", None),
]


@pytest.mark.parametrize("field,text,expected", SEVENTEENTH_ROUND)
def test_the_seventeenth_rounds_rules(field, text, expected):
    assert _got(text, field) == expected, text


@pytest.mark.parametrize(
    "text, contact",
    [
        (
            "derbyshire transport team keep saying theyre finding a new driver. ive emailed them 3 times",
            "derbyshire transport team keep saying",
        ),
        ("essex admissions just keep saying no spaces", "essex admissions just keep saying no spaces"),
        ("They've offered 1 night a week respite at a unit in Hereford instead.", "offered 1 night a week respite"),
    ],
)
def test_a_council_team_by_name_or_an_offer_in_its_place_is_a_contact(text, contact):
    got = extract(text, today=TODAY).get("contacts")
    assert any(contact in c for c in got), got


def test_what_the_council_offered_instead_is_not_what_is_owed():
    text = (
        "Her plan says one overnight short break a fortnight at the respite unit. The unit closed in April and the team "
        "manager offered 3 hours of sitting service a month instead."
    )
    assert "sitting service" not in (_got(text, "provision") or "")


def test_the_chat_names_the_council_as_the_letter_will():
    """An adviser's read of the Kai transcript: the chat said "Nottinghamshire Council", the letter "Nottinghamshire
    County Council". What the person confirms is the name the letter is addressed to."""
    from app.story import understood

    said = understood(extract("my son kai has an ehcp from notts and his taxi stopped", today=TODAY))
    assert "- The council: Nottinghamshire County Council" in said, said


def test_a_later_message_saying_what_is_owed_replaces_a_service_named_only_as_what_stopped():
    """The Kai chat: "his taxi to school stopped" read "taxi to school"; his mother's next message, "he should have a
    taxi to school and back every day, its in his plan", is what the letter says he should have."""
    first = extract("my son kai has an ehcp from notts. his taxi to school stopped on the 2nd of october", today=TODAY)
    assert first.get("provision") == "taxi to school"
    then = extract("he should have a taxi to school and back every day, its in his plan", previous=first, today=TODAY)
    assert then.get("provision") == "a taxi to school and back every day"


# a second reviewer's inputs that the seventeenth round's rules misread
SEVENTEENTH_REVIEW = [
    ("since", "My job ended last March so I am home now. His taxi hasnt come since september.", "2026-09"),
    ("since", "my marriage ended last june and its been hard. his OT hasnt happened since september.", "2026-09"),
    ("since", "His sister's respite ended last july. Jay's own respite hasnt happened since october.", "2026-10"),
    ("since", "His CAMHS worker was named in june, no appointments since. His taxi stopped in october.", "2026-10"),
    ("since", "Leo is 10. he was excluded last march and he hasnt been in school since.", "2026-03"),
    ("child", "my son Rhys needs 1:1 support and the council wont fund it", "Rhys"),
    ("child", "my daughter Carys needs a plan", "Carys"),
    ("child", "my son Rhys speech therapy stopped in may", "Rhys"),
    ("child", "my son Lars needs OT", "Lars"),
    ("provision", "The transport team stopped responding in october.", None),
    ("provision", "the direct payments team stopped returning my calls", None),
    ("provision", "His taxi driver stopped coming in october.", None),
    ("provision", "my hours stopped in september because I cant work with him at home", None),
    ("provision", "My own counselling which stopped in june was a lifeline.", None),
    ("provision", "His taxi which stopped in september came back in october and has been fine.", None),
    (
        "provision",
        "The interim tuition stopped in october when he started at the new school which is going well.",
        None,
    ),
    ("provision", "his respite stopped in june because we asked for it to stop", None),
    ("provision", "The council agreed the school is unsuitable in may but no new school has been found.", None),
    ("provision", "Her speech therapy stopped in May and nothing since.", "speech therapy"),
]


@pytest.mark.parametrize("field,text,expected", SEVENTEENTH_REVIEW)
def test_a_second_reviewers_inputs_for_the_seventeenth_rounds_rules(field, text, expected):
    assert _got(text, field) == expected, text


@pytest.mark.parametrize(
    "text",
    [
        "The school has also offered him 2 hours a week in the library.",
        "The head has since offered him mornings only.",
        "My neighbour has also offered him lifts.",
        "The school says they are offering him online lessons.",
    ],
)
def test_an_offer_from_anyone_but_the_council_is_no_contact(text):
    assert extract(text, today=TODAY).get("contacts") == []


# Round 18 (s1954-s2053), read unseen at 0.931 / 0.888 by 0c77721; each rule written from it and checked on every
# tuning story (1991): none read worse.
EIGHTEENTH_ROUND = [
    (
        "since",
        "Hes supposed to get speech therapy. He has had no therapist since about Easter. I complained in June.",
        "2026-04",
    ),
    (
        "since",
        "They took the PA off in May, we appealed and it was put back in June. For the last six weeks there has been no "
        "PA on the minibus again.",
        "2026-10",
    ),
    ("since", "The radio aid broke in May and has not been replaced. Mum rang the sensory service in June.", "2026-05"),
    ("child", "Northumberland stopped Maisie's short breaks. my older boy hardly sleeps either.", "Maisie"),
]


@pytest.mark.parametrize("field,text,expected", EIGHTEENTH_ROUND)
def test_the_eighteenth_rounds_rules(field, text, expected):
    assert _got(text, field) == expected, text


@pytest.mark.parametrize(
    "text, contact",
    [
        ("Nottinghamshire medical needs team say they need a consultant letter.", "medical needs team say they need"),
        ("The SEN caseworker keeps telling me next week, its at panel next week.", "keeps telling me next week"),
        ("my sons OT stopped in march and bristol have ignored 6 emails about it", "ignored 6 emails"),
        ("sent 2 emails to the sen team no reply", "sent 2 emails to the sen team"),
    ],
)
def test_a_team_that_says_a_caseworker_who_keeps_telling_or_emails_counted_are_contacts(text, contact):
    got = extract(text, today=TODAY).get("contacts")
    assert any(contact in c for c in got), got


def test_the_councils_own_stance_in_passing_is_still_no_contact():
    assert extract("the council say its the school. I complained on 2 October.", today=TODAY).get("contacts") == [
        "I complained on 2 October"
    ]


# a second reviewer's inputs that the eighteenth round's rules (and the fixes of the seventeenth's review) misread
EIGHTEENTH_REVIEW = [
    ("provision", "his taxi to school stopped on 2nd october and i want it to come back asap", "taxi to school"),
    ("provision", "his OT stopped in june, the council said it would be reinstated but it never was", "OT"),
    ("since", "Ive been chasing them since about Easter. His speech therapy stopped in October.", "2026-10"),
    ("since", "She has been much worse since about Easter. Her speech therapy stopped in September.", "2026-09"),
    ("since", "hes been on a waiting list for camhs since about easter, his 1:1 was cut in september", "2026-09"),
    ("since", "I broke my leg in june. His direct payments stopped in september", "2026-09"),
]


@pytest.mark.parametrize("field,text,expected", EIGHTEENTH_REVIEW)
def test_a_second_reviewers_inputs_for_the_eighteenth_rounds_rules(field, text, expected):
    assert _got(text, field) == expected, text


@pytest.mark.parametrize(
    "text",
    [
        "The school's SEN team say its the council's job",
        "the GP team say its the council",
        "my mum helps a lot, she keeps telling me to complain",
        "he keeps telling me he hates school",
        "the school sent 3 letters home about his attendance",
        "3 emails from the school about his absences",
    ],
)
def test_what_others_say_or_send_is_no_contact_with_the_council(text):
    assert extract(text, today=TODAY).get("contacts") == []


@pytest.mark.parametrize(
    "text",
    [
        "At the meeting at school on 3 November the council offered him 5 hours tuition.",
        "Because the school cant meet his needs the LA have offered 2 hours a week online tuition",
    ],
)
def test_a_councils_offer_is_a_contact_though_a_school_is_named_before_it(text):
    assert len(extract(text, today=TODAY).get("contacts")) == 1


@pytest.mark.parametrize(
    "second",
    [
        "i want him to have a taxi with a PA so he can get to school",
        "the council said they will give him a travel trainer",
    ],
)
def test_a_later_wish_or_offer_does_not_replace_what_stopped(second):
    first = extract("his taxi to school stopped on the 2nd of october", today=TODAY)
    assert extract(second, previous=first, today=TODAY).get("provision") == "taxi to school"


# Round 19 (s2054-s2103), read unseen at 0.944 / 0.895 by 06571b3 and fb68312; each rule written from it and checked on
# every tuning story (1991): none read worse.
NINETEENTH_ROUND = [
    ("provision", "kent county council stoped his taxi after october half term no reason given.", "his taxi"),
    ("provision", "Since the clocks went back we havent had the night sitter.", "the night sitter"),
    ("provision", "During this period my son had no agreed provision for his move to secondary school.", None),
]


@pytest.mark.parametrize("field,text,expected", NINETEENTH_ROUND)
def test_the_nineteenth_rounds_rules(field, text, expected):
    assert _got(text, field) == expected, text


@pytest.mark.parametrize(
    "text, contact",
    [
        ("i ring and leave messages and nobody calls back", "leave messages"),
        ("I rang 3 times and left a voicemail for the case worker.", "left a voicemail"),
        ("ive been chasing calderdale for ages about the allowance", "been chasing calderdale"),
        ("Social worker says its on the brokerage list.", "Social worker says its on the brokerage list"),
    ],
)
def test_messages_left_chasing_and_what_a_worker_says_are_contacts(text, contact):
    got = extract(text, today=TODAY).get("contacts")
    assert any(contact in c for c in got), got


def test_what_someone_said_once_in_passing_is_no_contact():
    got = extract("I filled in the forms twice. now he says 'they always lie'", today=TODAY).get("contacts")
    assert not any("always lie" in c for c in got), got


# a second reviewer's inputs that the nineteenth round's rules (and the fixes of the eighteenth's review) misread
@pytest.mark.parametrize(
    "text",
    [
        'She has had no speech therapy since may. She still says "mama" and nothing else.',
        "The school wont put his 1:1 in place. Ive been chasing them since september.",
        "ive been chasing my pa for her timesheets.",
        "PA says she is leaving at christmas.",
        "His class teacher Mrs Patel has offered him extra reading sessions after school.",
        "The school's SEN team have offered him 2 hours a week in the library.",
        "The school has sent 3 letters home about his attendance",
        "the paediatric team say its the council",
    ],
)
def test_a_childs_words_a_school_or_the_nhs_are_no_contact_with_the_council(text):
    assert extract(text, today=TODAY).get("contacts") == []


@pytest.mark.parametrize(
    "text",
    [
        "I havent had my own counselling since june.",
        "I havent had a social worker since june",
        "we havent had a baby sitter since my mum died",
        "We havent had a respite night since August because we cancelled it",
        "we havent had any agreed provision",
    ],
)
def test_what_the_person_has_not_had_is_owed_only_if_it_is_a_service_for_the_child(text):
    assert _got(text, "provision") is None, text


@pytest.mark.parametrize(
    "second",
    [
        "his sister still gets her taxi to school every day",
        "the council said they could give him a taxi to school next term",
        "i would prefer a taxi to school with a PA",
    ],
)
def test_only_the_plans_words_for_the_same_service_replace_what_stopped(second):
    first = extract("his taxi to school stopped on the 2nd of october", today=TODAY)
    assert extract(second, previous=first, today=TODAY).get("provision") == "taxi to school"


# Round 20 (s2104-s2153), read unseen at 0.958 / 0.922 and 0.923 / 0.857 by 7491ced; each rule written from it and
# checked on every tuning story (2091): 23 read better, none worse.
TWENTIETH_ROUND = [
    (
        "provision",
        "no escort on my daughters bus since october half term even tho her plan says she has to have one. lambeth. "
        "she is 8 non verbal",
        "escort on my daughters bus",
    ),
    ("child", "who do i complain to? hes called tobias hes 9", "Tobias"),
    ("child", "We asked Leeds for an assessment for Marnie (shes 6, dyspraxia) in May.", "Marnie"),
    ("complainant", "SENDIASS helped me write it. My daughter has had no OT since March.", "parent"),
    ("complainant", "I rang SENDIASS who were lovely. My son Joe has had no tutor since May.", "parent"),
    ("complainant", "Im an independent agency foster carer and Kezia has had no therapy.", "foster carer"),
    ("complainant", "Lennox came to us as a foster placement in August and has no taxi.", "foster carer"),
    ("complainant", "My English is not good, my nephew is helping to type. My son Rahim has no OT.", "parent"),
    ("complainant", "My son Rahim has no OT. I sent email in June with my nephew.", "parent"),
    ("has_plan", "Her EHC plan was finalised in September (after we requested the assessment in January).", True),
    ("has_plan", "She won her tribunal in July and still has her old plan with none of the therapy.", True),
    ("since", "He comes home at lunch every day. Been like this 3 weeks. His plan says 1:1 at lunch.", "2026-11"),
    ("since", "she had it fine til last march then the therapist left and no one replaced her", "2026-03"),
]


@pytest.mark.parametrize("field,text,expected", TWENTIETH_ROUND)
def test_the_twentieth_rounds_rules(field, text, expected):
    assert _got(text, field) == expected, text


@pytest.mark.parametrize(
    "text, contact",
    [
        (
            "The stage 2 response came on 2 October and again said the plan was funded.",
            "stage 2 response came on 2 October and again said the plan was funded",
        ),
        ("I phoned the social worker every week and she kept saying it was with her manager.", "kept saying"),
        ("Ive reported it to the transport team 8 times.", "reported it to the transport team"),
        ("A manager called me back and said they were recruiting.", "A manager called me back"),
        ("I brought it up at his annual review on 9 July.", "brought it up at his annual review"),
    ],
)
def test_what_the_council_said_back_stays_with_the_contact(text, contact):
    got = extract(text, today=TODAY).get("contacts")
    assert any(contact in c for c in got), got


# Round 21 (s2154-s2203), read unseen at 0.946 / 0.905 and 0.938 / 0.865 by 18bc482; each rule written from it and
# checked on every tuning story (2141): none read worse.
TWENTY_FIRST_ROUND = [
    ("since", "We havent seen the teacher of the deaf since the first week of the summer term.", "2026-04"),
    ("since", "In July we move house. But since 10 weeks no speech therapist come to school.", "2026-09"),
    (
        "council",
        "been to haringeys complaints twice and they said sorry but he is still without his TA",
        "Haringey Council",
    ),
    ("child", "Lincolnshire. DD Zofia is 11, has hemiplegia, EHCP since reception.", "Zofia"),
    ("child", "Jovan's dad here. Hes 7 and has a severe language disorder.", "Jovan"),
    ("child", "applied for post 16 transport for amara (17, has an ehcp), they refused it", "Amara"),
    ("complainant", "I'm the aunt of Ffion who is 7, her mum is my younger sister.", "carer"),
    ("complainant", "My mum is 84 and has dementia. Her carers from the agency keep missing visits.", "carer"),
]


@pytest.mark.parametrize("field,text,expected", TWENTY_FIRST_ROUND)
def test_the_twenty_first_rounds_rules(field, text, expected):
    assert _got(text, field) == expected, text


def test_what_a_worker_said_on_the_call_is_told_once_with_the_call():
    got = extract(
        "When I rang, a different social worker said the payments were only ever temporary. "
        "cumberland council transport say theyre looking for a new operator.",
        today=TODAY,
    ).get("contacts")
    assert got == [
        "When I rang, a different social worker said the payments were only ever temporary",
        "cumberland council transport say theyre looking for a new operator",
    ], got


# Round 22 (s2204-s2253), read unseen at 0.967 / 0.914 and 0.933 / 0.890 by 84fdec5.
TWENTY_SECOND_ROUND = [
    ("child", "tower hamlets - Ilyas (my son) hasnt had his weekly speech therapy since may", "Ilyas"),
    ("child", "Nadia is 9. Her care plan says she has contact with her brother Idris every fortnight.", "Nadia"),
]


@pytest.mark.parametrize("field,text,expected", TWENTY_SECOND_ROUND)
def test_the_twenty_second_rounds_rules(field, text, expected):
    assert _got(text, field) == expected, text


# a second reviewer's inputs that the twentieth and twenty-first rounds' rules misread
@pytest.mark.parametrize(
    "field,text,expected",
    [
        ("child", "hes called names at the school anyway and he hates it", None),
        ("child", "hes called social services on me", None),
        ("child", "our caseworker hes called darren. jaxon (8, ehcp) has no taxi", "Jaxon"),
        ("child", "DS Nearly 8 has an ehcp", None),
        ("child", "DD Secondary transfer: no school named", None),
        ("child", "his TA Chloe (shes 22) left in march and nobody replaced her", None),
        ("child", "he has been out of school for weeks (12, to be exact)", None),
        ("complainant", "my son tom is 12 and has no taxi. my mum is 70 and helps out with him", "parent"),
        ("complainant", "my son tom is 12. my mum is 84 and looks after my daughter", "parent"),
        ("complainant", "my son came to us as a foster placement when he was 2, we adopted him in 2020", "parent"),
        ("complainant", "i phoned sendiass and they are helping me. my son tom has no OT", "parent"),
        ("complainant", "I asked sendiass for help. my son tom has no OT", "parent"),
        ("since", "no place since he was excluded. its been 3 weeks since we last saw the caseworker", None),
        ("since", "leeds council stopped his taxi. its been like this for 5 years with leeds, always a fight", None),
        ("since", "i chased the council, no answer since 3 weeks", None),
        ("since", "he had it fine til last march when he changed school, it was cut in october", "2026-10"),
    ],
)
def test_a_second_reviewers_inputs_that_the_twentieth_rounds_rules_once_misread(field, text, expected):
    assert _got(text, field) == expected, text


@pytest.mark.parametrize(
    "text",
    [
        "i brought it up with the SENCO on 3 october",
        "i reported it to his key worker at school",
        "i brought it up with our GP who was shocked",
    ],
)
def test_the_school_and_the_gp_told_are_no_contact_with_the_council(text):
    assert extract(text, today=TODAY).get("contacts") == []


# Round 23 (s2254-s2303), read unseen at 0.949 / 0.878 and 0.939 / 0.919 by d49d0ba; 2241 tuning stories: none worse.
TWENTY_THIRD_ROUND = [
    ("child", "Ok so Zofia is in year 4 at a mainstream primary in Derby and has an EHCP.", "Zofia"),
    ("child", "is it normal for SALT to just stop? eshan (7, EHCP, Leicestershire) had it every week", "Eshan"),
    ("child", "Since the new year there has been no escort on Idris's minibus.", "Idris"),
    ("child", "Lily-Mae's taxi has not come since Monday.", None),
    (
        "complainant",
        "lewisham havent sent anyone to do mums care calls since the monday after the clocks went back",
        "carer",
    ),
    ("stage", "This is for Harjot. The Local Government Ombudsman have it now, I sent it in October.", "ombudsman"),
    ("stage", "I asked for stage 2 on 15 July and got the stage 2 answer in October saying no fault.", "ombudsman"),
]


@pytest.mark.parametrize("field,text,expected", TWENTY_THIRD_ROUND)
def test_the_twenty_third_rounds_rules(field, text, expected):
    got = _got(text, field)
    assert got == expected or (expected is None and got != "Mae"), text


# a second reviewer's inputs that rounds 22-23 and the first reviewer's fixes misread
@pytest.mark.parametrize(
    "field,text,expected",
    [
        ("complainant", "my son leo has no taxi. im still waiting for sendiass to ring me back", "parent"),
        ("complainant", "my son leo has no taxi. i'm getting help from sendiass with this", "parent"),
        ("complainant", "my son tom is 12 and has no taxi, i cant drive him because i do my mums care calls", "parent"),
        ("since", "he has had no speech therapy since 10 weeks", "2026-09"),
        ("since", "hes had no taxi since 3 weeks", "2026-11"),
        ("since", "been like this for 7 weeks with no school at all", "2026-10"),
        ("since", "its been 6 weeks since he last saw a speech therapist", "2026-10"),
        ("since", "he had it fine until march when they said there was no budget, nothing since", "2026-03"),
        ("child", "he gets on well with Mr Patel's minibus driver", None),
        ("child", "the new SALT, shes called Priya, is lovely", None),
    ],
)
def test_a_second_reviewers_inputs_that_the_twenty_second_rounds_rules_once_misread(field, text, expected):
    assert _got(text, field) == expected, text


def test_a_caseworker_told_at_a_meeting_is_still_a_contact():
    got = extract("i brought it up with the SEN caseworker in september and heard nothing", today=TODAY)
    assert got.get("contacts"), got.get("contacts")


def test_the_clause_model_was_trained_on_tuning_stories_only():
    rows = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    about = json.loads((readers.model_path_of("provision") / "precedent.json").read_text(encoding="utf-8"))
    tuning = {r["id"] for r in rows if not r["heldout"]}
    assert about["trained_on"] and set(about["trained_on"]) <= tuning  # never a held-back story
    # the tuning stories in file order up to a point, and at least the 200 after them left out of it, so that it can be
    # read on stories it never saw (scripts/train_clause_model.py --leave-out 200)
    order = [r["id"] for r in rows if not r["heldout"]]
    assert about["trained_on"] == order[: len(about["trained_on"])] and len(order) - len(about["trained_on"]) >= 200


def test_a_damaged_clause_model_leaves_the_reader_to_read_alone(tmp_path, monkeypatch, caplog):
    shipped = readers.model_path_of("provision")
    damaged = tmp_path / "reader_provision_model"
    damaged.mkdir()
    for f in shipped.iterdir():
        (damaged / f.name).write_bytes(f.read_bytes())
    weights = next(damaged.glob("*.safetensors"))
    weights.write_bytes(weights.read_bytes()[:1000])  # cut short, as by a failed copy
    monkeypatch.setattr(readers, "model_path_of", lambda name: damaged)
    readers._clause_model.cache_clear()
    try:
        with caplog.at_level("WARNING"):
            assert readers.clause_model("provision") is None
        assert "clause model is not used" in caplog.text
        # the chat still reads the story: the logistic reader alone finds what is owed
        assert extract(PARENT, today=TODAY).get("provision") == "weekly speech and language therapy"
    finally:
        readers._clause_model.cache_clear()


@pytest.mark.parametrize(
    "words, owed",
    [
        # two tuning stories the clause model never saw (s2250, s2254): the reader alone took the reason for the
        # service, or the failure, for what is owed
        (
            "At our CIN meeting in April social care agreed my daughter Niamh would get a sitting service 4 hrs a week "
            "so I can take her brother to his hospital appointments. Still nothing, 7 months on. Every time I ring the "
            "worker she says they're still looking for a provider. Cumberland Council. I want it started or give me a "
            "direct payment and I'll find someone myself.",
            "a sitting service 4 hrs a week",
        ),
        (
            "hi, my daughter tamsin (9) has an ehcp from march 2024 that says 25 hours 1:1 TA support a week. since "
            "october half term the school has had no TA for her because the lady left and cornwall council say its the "
            "schools problem to recruit. shes refusing to go in most mornings and wetting herself again at night. ive "
            "rang the SEN team twice last week and nobody rings back. i just want her support back in place asap.",
            "25 hours 1:1 TA support a week",
        ),
    ],
)
def test_the_clause_model_finds_what_is_owed_where_the_reader_alone_did_not(words, owed):
    assert owed in extract(words, today=TODAY).get("provision")
    with readers.models_off():
        assert owed not in (extract(words, today=TODAY).get("provision") or "")


def test_the_clause_models_kept_pairs_never_lose_one_a_read_needs(monkeypatch):
    model = readers.clause_model("provision")
    monkeypatch.setattr(readers, "PAIRS_KEPT", 3)
    try:
        model.probabilities([("a", "x a"), ("b", "x b"), ("c", "x c")])
        assert len(model.probabilities([("a", "x a"), ("d", "x d")])) == 2  # "a" was the oldest kept
    finally:
        model._seen.clear()


def test_a_clause_model_that_fails_on_a_story_leaves_the_reader_to_read_it(monkeypatch, caplog):
    class Broken:
        def probabilities(self, pairs):
            raise RuntimeError("out of memory")

    monkeypatch.setattr(readers, "clause_model", lambda name: Broken())
    with caplog.at_level("WARNING"):
        assert extract(PARENT, today=TODAY).get("provision") == "weekly speech and language therapy"
    assert "clause model failed" in caplog.text
