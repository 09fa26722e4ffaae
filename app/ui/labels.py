"""Words the page shows for fixed choices: complaint stages, writers, intake fields."""
from __future__ import annotations

STAGES = [("Council complaint, stage 1", "council-stage-1"), ("Council complaint, stage 2", "council-stage-2"),
          ("Ombudsman", "ombudsman")]
WRITER_LABELS = {
    "local": "Local model (experimental: slow, may misword; runs on this computer)",
    "template": "Template (recommended: fast, quotes the decisions word for word)",
    "ollama": "Ollama",
    "openai": "OpenAI-compatible server",
}
FIELD_LABELS = {"council": "Council", "child": "Child's initial", "provision": "What the plan says",
                "issue": "What went wrong", "since": "Since when", "contacts": "Who you contacted", "impact": "Impact",
                "outcome_sought": "What you want", "stage": "Stage", "role": "Role"}
