"""Words the page shows for fixed choices: complaint stages, writers, intake fields."""

from __future__ import annotations

from ..writer_catalog import CATALOG

STAGES = [
    ("Council complaint, stage 1", "council-stage-1"),
    ("Council complaint, stage 2", "council-stage-2"),
    ("Ombudsman", "ombudsman"),
]
# who is writing: a letter never assumes "parent" ("" = not said: the letter then assumes nothing)
WHO_CHOICES = [
    ("Not said", ""),
    ("Parent", "parent"),
    ("Carer (e.g. grandparent, kinship carer)", "carer"),
    ("Special guardian", "special guardian"),
    ("Foster carer", "foster carer"),
    ("The young person (about my own support)", "young person"),
    ("Advocate", "advocate"),
]
PLAN_CHOICES = [("Yes", "yes"), ("No", "no"), ("Not sure", "")]
WRITER_LABELS = {name: info.label for name, info in CATALOG.items()}  # the writer registry's own words
FIELD_LABELS = {
    "council": "Council",
    "name": "Your name",
    "address": "Your address",
    "child": "Child's initial",
    "provision": "What the plan says",
    "issue": "What went wrong",
    "since": "Since when",
    "contacts": "Who you contacted",
    "impact": "Impact",
    "outcome_sought": "What you want",
    "stage": "Stage",
    "role": "Role",
    "complainant": "Who is writing (or complaining)",
    "has_plan": "Does the child have an EHC plan?",
    "procedure": "Procedure",
    "dates": "Date the complaint arrived",
    "points": "Points",
    "actions": "Actions",
    "remedy_offer": "Remedy offer",
    "changes": "What the council will change",
    "officer": "Officer who signs",
}
