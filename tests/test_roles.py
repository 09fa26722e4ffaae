"""Paragraph roles (app/roles.py) against the hand labels in evals/gold/roles.jsonl: at least 0.90 on the paragraphs
the cues were tuned on and on the third held out; the confusion is printed when either falls short."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from app.evals import role_scores
from app.roles import ROLES, paragraph_role, sentence_roles

GOLD = Path(__file__).resolve().parent.parent / "evals" / "gold" / "roles.jsonl"


@pytest.fixture(scope="module")
def gold() -> list[dict]:
    return [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_gold_spans_the_formats_and_roles(gold):
    assert len(gold) >= 150
    formats = Counter(r["format"] for r in gold)
    assert {"lgsco-web", "lgsco-pdf", "report", "lgsco-shared"} <= set(formats)
    assert len({r["file"] for r in gold if r["format"] == "lgsco-shared"}) >= 20
    assert {r["role"] for r in gold} == set(ROLES)
    heldout = sum(r["split"] == "heldout" for r in gold)
    assert abs(heldout - len(gold) / 3) <= 1


@pytest.mark.parametrize("split", ["tune", "heldout"])
def test_role_accuracy(gold, split):
    score = role_scores(gold)[split]
    assert score["accuracy"] >= 0.90, f"{split}: {score['accuracy']} over {score['n']}; confusion: {score['confusion']}"


@pytest.mark.parametrize(
    ("section", "text", "kind", "role"),
    [
        ("Findings", "Mrs X complained that the Council did not reply.", "decision", "complaint"),
        ("What happened", "The Council says it sent the plan in May.", "decision", "council_account"),
        ("Analysis", "The Council delayed issuing the plan. That was fault.", "decision", "finding_fault"),
        ("My findings", "I found no flaws in the stage two investigation.", "decision", "finding_no_fault"),
        ("Agreed action", "Within one month the Council should pay Mrs X £300.", "decision", "remedy"),
        ("Final decision", "I have completed my investigation.", "decision", "decision"),
        (
            "Relevant law and guidance",
            "The Council's policy says it will reply in 20 days.",
            "decision",
            "council_account",
        ),
        (
            "Relevant law and guidance",
            "The Children Act 1989, section 17, requires councils to act.",
            "decision",
            "law",
        ),
        (
            "Council complaint procedure",
            "The Council has a two-stage complaint procedure.",
            "report",
            "council_account",
        ),
        ("1. Background", "The Ombudsman found fault.", "council response", "council_account"),
    ],
)
def test_paragraph_role_examples(section, text, kind, role):
    assert paragraph_role(section, text, kind) == role


def test_sentence_roles_of_a_summary():
    summary = (
        "Mrs X complained the Council failed to assess her child. The Council properly considered her complaint. "
        "However, it failed to repay her in full. The Council agreed to apologise and pay Mrs X £200."
    )
    assert [r for _, r in sentence_roles(summary)] == ["complaint", "finding_no_fault", "finding_fault", "remedy"]
    assert sentence_roles("") == []


@pytest.mark.parametrize(
    "text",
    [
        "I do not find the Council at fault for the delay.",
        "We did not find fault in how the Council considered the request.",
        "I find no fault with the Council's decision.",
        "The Council was not at fault.",
    ],
)
def test_a_finding_of_no_fault_is_never_read_as_a_finding_of_fault(text):
    """Issue 13: a reversed finding is the worst misuse of a quotation ("the Ombudsman found fault" over no fault)."""
    assert paragraph_role("Analysis", text, "decision") == "finding_no_fault"
    assert [r for _, r in sentence_roles(text)] == ["finding_no_fault"]
