"""Words the page shows for fixed choices: complaint stages, writers, intake fields."""

from __future__ import annotations

from ..writer_catalog import CATALOG

STAGES = [
    ("Council complaint, stage 1", "council-stage-1"),
    ("Council complaint, stage 2", "council-stage-2"),
    ("Ombudsman", "ombudsman"),
]
WRITER_LABELS = {name: info.label for name, info in CATALOG.items()}  # the writer registry's own words
FIELD_LABELS = {
    "council": "Council",
    "child": "Child's initial",
    "provision": "What the plan says",
    "issue": "What went wrong",
    "since": "Since when",
    "contacts": "Who you contacted",
    "impact": "Impact",
    "outcome_sought": "What you want",
    "stage": "Stage",
    "role": "Role",
    "name": "Complainant's name",
    "complainant": "Who is complaining",
    "procedure": "Procedure",
    "dates": "Date the complaint arrived",
    "points": "Points",
    "actions": "Actions",
    "remedy_offer": "Remedy offer",
    "changes": "What the council will change",
    "officer": "Officer who signs",
}
