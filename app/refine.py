"""Refining a letter as a conversation: what a follow-up message means, and what it changes.

A message is one of: an edit to the letter's form ("make it shorter", "more firm"), a change to the facts ("add that I
emailed twice in March", "sign it from Sarah Jones", "remove the Norfolk citation"), or a question ("how much
compensation could I ask for?"), which is answered from the benchmarks and timeline already drafted, cited, and never
pasted into the letter. Edits are kept in the facts (`short`, `firm`, `exclude`), so each builds on the last. Anything
else changes nothing and says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from .draft_types import DraftContext
from .facts import Facts, FactsError
from .quoting import cite_label
from .text import long_date

Kind = Literal["edit", "facts", "question", "unclear"]


@dataclass
class Refinement:
    kind: Kind
    facts: Facts
    changed: list[str] = field(default_factory=list)  # what changed, in words the person sees
    question: str | None = None

    @property
    def redraft(self) -> bool:
        return self.kind in ("edit", "facts")


QUESTION = re.compile(r"\?\s*$|^(how|what|when|why|who|which|can|could|should|would|is|are|do|does|will|am)\b", re.I)
HELP = (
    "I did not change the letter. I can make it shorter or longer, make it firmer, add a fact (\u2018add that I emailed "
    "twice in March\u2019), sign it (\u2018sign it from Sarah Jones\u2019), leave out a decision (\u2018remove the Norfolk "
    "citation\u2019), or answer a question (\u2018how much compensation could I ask for?\u2019)."
)


def interpret(facts: Facts, instruction: str) -> Refinement:
    """What `instruction` asks for, and the facts after it."""
    text = " ".join(instruction.split())
    if not text:
        raise FactsError("tell me what to change, e.g. 'make it shorter' or 'add that I emailed twice in March'")
    if len(text) > 5000:
        raise FactsError("that message is too long; keep it under 5,000 characters")
    data = facts.model_dump()
    changed: list[str] = []
    if m := re.match(r"^(?:please\s+)?(?:add|include|mention|say|note)\s+(?:that\s+)?(.+)$", text, re.I):
        fact = m.group(1).strip().rstrip(".")
        data["contacts"] = [*data["contacts"], fact[:1].upper() + fact[1:]]
        return Refinement("facts", Facts.model_validate(data), [f"added to what you have done: \u201c{fact}\u201d"])
    if m := re.search(
        r"\b(?:sign(?:ed)? (?:it )?(?:off )?(?:from|as|by)|my name is|from)\s+([A-Z][\w'\-]+(?: [A-Z][\w'\-]+){0,3})\s*\.?$",
        text,
    ):
        data["name"] = m.group(1)
        return Refinement("facts", Facts.model_validate(data), [f"signed from {m.group(1)}"])
    if m := re.search(
        r"\b(?:remove|drop|delete|leave out|don'?t (?:cite|use|quote))\s+(?:the\s+)?(.+?)\s*(?:citation|decision|case|reference|one)?s?\s*\.?$",
        text,
        re.I,
    ):
        what = m.group(1).strip()
        data["exclude"] = [*data["exclude"], what]
        return Refinement("facts", Facts.model_validate(data), [f"left out decisions matching \u201c{what}\u201d"])
    if QUESTION.search(text):
        return Refinement("question", facts, question=text)
    if re.search(r"\b(shorter|brief|briefer|concise|cut it|trim)\b", text, re.I):
        data["short"] = True
        changed.append("shorter")
    elif re.search(r"\b(longer|more detail|expand|fuller)\b", text, re.I):
        data["short"] = False
        changed.append("longer")
    if re.search(r"\b(firm|firmer|stronger|more assertive|tougher)\b", text, re.I):
        data["firm"] = True
        changed.append("firmer")
    elif re.search(r"\b(softer|gentler|more polite|less firm)\b", text, re.I):
        data["firm"] = False
        changed.append("less firm")
    if changed:
        return Refinement("edit", Facts.model_validate(data), changed)
    return Refinement("unclear", facts)


def answer(question: str, ctx: DraftContext) -> str:
    """A question answered from what the draft already holds: the benchmarked figure and the remedies in the
    decisions found (compensation), the timeline (dates and deadlines), or a pointer to what can be asked."""
    q = question.lower()
    if re.search(r"compensat|how much|payment|money|pay me|award|remed", q):
        parts = []
        fig = ctx.figure
        if fig is not None:
            rate = f"£{fig.unit_low:,}" + (f" to £{fig.unit_high:,}" if fig.unit_high else "") + f" a {fig.unit}"
            counted = (
                f"For {fig.units} term{'s' if fig.units != 1 else ''} of lost {fig.what} at {rate}, about "
                f"{fig.amount_words()}."
                if fig.units
                else f"For lost {fig.what}, {rate} (the facts do not say since when, so the terms are not counted)."
            )
            parts.append(f"{counted} The rate comes from: \u201c{fig.quote}\u201d {cite_label(fig.hit)}.")
        a = ctx.award
        if a is not None:
            parts.append(
                f"For distress, time and trouble, {a.amount_words()}: \u201c{a.quote}\u201d {cite_label(a.hit)}."
            )
        for r in ctx.remedies[:4]:
            parts.append(f"{r['amount_text']}: {r['purpose']} {r['citation']}")
        if not parts:
            return (
                "The decisions found for these facts do not state a sum I can point to, so I cannot suggest a figure. "
                "The Ombudsman's Guidance on Remedies sets the ranges it uses."
            )
        return "What comparable decisions awarded:\n" + "\n".join(f"- {p}" for p in parts)
    if re.search(r"deadline|when|how long|time limit|late|appeal|12 months", q):
        t = ctx.timeline
        lines = []
        if t is not None:
            for d in t.due:
                lines.append(f"{d.label}: due by {long_date(d.due.isoformat())} ({d.rule})")
            if t.appeal_by:
                lines.append(f"SEND Tribunal appeal: by {long_date(t.appeal_by.isoformat())}")
            if t.ombudsman_by:
                lines.append(
                    f"The Ombudsman's 12 months from when the problem began: {long_date(t.ombudsman_by.isoformat())}"
                )
        if not lines:
            return "Your facts give no dates I can count from. Add the dates of your request, meetings or complaints."
        return "From the dates you gave:\n" + "\n".join(f"- {x}" for x in lines)
    return (
        "I can answer questions about compensation (from the decisions found) and about dates and deadlines (from "
        "your dates). " + HELP.split(". ", 1)[1]
    )
