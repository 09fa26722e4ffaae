"""Refining a letter as a conversation: what a follow-up message means, and what it changes.

A message is one of: an edit to the letter's form ("make it shorter", "more firm"), a change to the facts ("add that I
emailed twice in March", "sign it from Sarah Jones", "remove the Norfolk citation"), or a question ("how much
compensation could I ask for?"), which is answered from the benchmarks and timeline already drafted, cited, and never
pasted into the letter. Edits are kept in the facts (`short`, `firm`, `exclude`), so each builds on the last. Anything
else changes nothing and says so.

The officer's letter is the council's response to the complainant, so the same words mean other changes there:
"sign it from Jane Smith, Head of SEND" changes the signing officer and role (`officer`), never the complainant's
name (`name`, to whom it is addressed); "add that we will review our process by 1 March" is a commitment, added to
what the council will change (`changes`); any other fact added is something the council's records show
(`contacts`). The help and the answers speak to an officer too (`help_text`, `answer`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from .deadlines import complaint_due_dates
from .draft_types import SCHOOL_DAYS_PER_TERM, DraftContext
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
OFFICER_HELP = (
    "I did not change the response. I can make it shorter or longer, make it firmer, add what the council will do "
    "(\u2018add that we will review our process by 1 March\u2019), sign it (\u2018sign it from Jane Smith, Head of "
    "SEND\u2019), leave out a decision (\u2018remove the Norfolk citation\u2019), or answer a question (\u2018what have "
    "other councils paid for this?\u2019)."
)
# a commitment the council makes, in an officer's words: "we will review…", "the council will…"
COMMITMENT = re.compile(r"^(?:we|the council|I)\s+(?:will|shall|are going to|commit to)\b|^we'll\b", re.I)
NAME = r"[A-Z][\w'\-]+(?: [A-Z][\w'\-]+){0,3}"
# "sign it from Jane Smith" or "…from Jane Smith, Head of SEND": a name, then a role after a comma
SIGN = re.compile(
    r"\b(?:sign(?:ed)? (?:it )?(?:off )?(?:from|as|by)|my name is|from)\s+(" + NAME + r")"
    r"(?:\s*,\s*([A-Za-z][\w'&/()\- ]{1,100}?))?\s*\.?$"
)
REMOVE = re.compile(r"^(?:please\s+)?(?:remove|drop|delete|leave out|don'?t (?:cite|use|quote))\b", re.I)


def help_text(role: str = "parent") -> str:
    """What a message that changed nothing is told: what can be asked, in the words of the desk's writer."""
    return OFFICER_HELP if role == "officer" else HELP


def interpret(facts: Facts, instruction: str) -> Refinement:
    """What `instruction` asks for, and the facts after it."""
    text = " ".join(instruction.split())
    if not text:
        raise FactsError("tell me what to change, e.g. 'make it shorter' or 'add that I emailed twice in March'")
    if len(text) > 5000:
        raise FactsError("that message is too long; keep it under 5,000 characters")
    data = facts.model_dump()
    changed: list[str] = []
    officer = facts.role == "officer"
    if m := re.match(r"^(?:please\s+)?(?:add|include|mention|say|note)\s+(?:that\s+)?(.+)$", text, re.I):
        fact = m.group(1).strip().rstrip(".")
        sentence = fact[:1].upper() + fact[1:]
        if officer and COMMITMENT.search(fact):
            data["changes"] = " ".join(x for x in (_sentence(data["changes"] or ""), sentence + ".") if x)
            return _facts(data, f"added to what the council will change: \u201c{fact}\u201d")
        data["contacts"] = [*data["contacts"], sentence]
        where = "what the council's records show" if officer else "what you have done"
        return _facts(data, f"added to {where}: \u201c{fact}\u201d")
    if not REMOVE.search(text) and (m := SIGN.search(text)):
        who = m.group(1) + (f", {m.group(2).strip()}" if m.group(2) else "")
        # the officer's letter is signed by the officer; its `name` is the complainant it is addressed to
        data["officer" if officer else "name"] = who
        return _facts(data, f"signed from {who}")
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


def _response_due(ctx: DraftContext) -> list[str]:
    """The officer's question about dates: when this response is due, from the day the complaint arrived (as the
    officer desk's due-dates box counts them), and the SEND Tribunal deadline when the timeline has one."""
    f, t = ctx.facts, ctx.timeline
    received = f.dates.get("complaint_received")
    lines = []
    if received and (f.procedure == "children-act" or t is None or t.code_applies()):
        proc = "children-act" if f.procedure == "children-act" else "corporate"
        stage = 3 if "stage3_requested" in f.dates else 2 if "stage2_requested" in f.dates else 1
        if proc == "corporate":
            stage = min(stage, 2)
        for d in complaint_due_dates(date.fromisoformat(received), proc, stage):
            lines.append(f"{d.label}: due by {long_date(d.due.isoformat())} ({d.rule})")
    if t is not None and t.appeal_by:
        lines.append(f"SEND Tribunal appeal: by {long_date(t.appeal_by.isoformat())}")
    return lines


def _facts(data: dict, change: str) -> Refinement:
    try:
        return Refinement("facts", Facts.model_validate(data), [change])
    except ValueError as e:  # a field grown past its limit: one line, nothing changed
        raise FactsError(f"that change would make the letter's facts too long ({change[:80]})") from e


def _sentence(text: str) -> str:
    t = text.strip().rstrip(".")
    return (t[:1].upper() + t[1:] + ".") if t else ""


def answer(question: str, ctx: DraftContext) -> str:
    """A question answered from what the draft already holds: the benchmarked figure and the remedies in the
    decisions found (compensation), the timeline (dates and deadlines), or a pointer to what can be asked."""
    q = question.lower()
    officer = ctx.facts.role == "officer"
    if re.search(r"compensat|how much|payment|money|\bpa(?:y|id|ys|ying)\b|award|remed|offer", q):
        parts = []
        fig = ctx.figure
        if fig is not None:
            rate = fig.rate_words()
            further = f" (about £{fig.per_day:,} a school day, for each further day too)" if fig.ongoing else ""
            counted = (
                f"For {fig.units} {fig.unit}{'s' if fig.units != 1 else ''} of lost {fig.what} at {rate}, about "
                f"{fig.amount_words()}."
                if fig.units
                else f"For the {fig.days} school days lost, about £{fig.asked:,}: {fig.days} school days' share of "
                f"£{fig.point:,} a term, {fig.place} of {rate}, a term being {SCHOOL_DAYS_PER_TERM:.0f} of the 190 school days of a "
                f"year{further}."
                if fig.days
                else f"For lost {fig.what}, {rate} (the facts do not say since when, so the terms are not counted)."
            )
            if fig.count:  # a rate per session: the decision's award over the sessions it found missed
                parts.append(
                    f"{counted} The rate is £{fig.award:,} for {fig.count} missed sessions: \u201c{fig.count_quote}\u201d "
                    f"{cite_label(fig.count_hit)}; \u201c{fig.quote}\u201d {cite_label(fig.hit)}."
                )
            else:
                parts.append(f"{counted} The rate comes from: \u201c{fig.quote}\u201d {cite_label(fig.hit)}.")
        a = ctx.award
        if a is not None:
            parts.append(
                f"For distress, time and trouble, {a.amount_words()}: \u201c{a.quote}\u201d {cite_label(a.hit)}."
            )
        for r in ctx.remedies[:4]:
            parts.append(f"{r['amount_text']}: {r['purpose']} {r['citation']}")
        offer = (
            f"\n\nThe offer in this response: {ctx.facts.remedy_offer} (the response is unchanged)."
            if officer and ctx.facts.remedy_offer
            else ""
        )
        if not parts:
            return (
                "The decisions found for these facts do not state a sum I can point to, so I cannot suggest a figure. "
                "The Ombudsman's Guidance on Remedies sets the ranges it uses." + offer
            )
        return "What comparable decisions awarded:\n" + "\n".join(f"- {p}" for p in parts) + offer
    if re.search(r"deadline|when|how long|time limit|late|appeal|12 months|\bdue\b", q):
        t = ctx.timeline
        lines = _response_due(ctx) if officer else []
        if t is not None and not officer:
            for d in t.due:
                lines.append(f"{d.label}: due by {long_date(d.due.isoformat())} ({d.rule})")
            if t.appeal_by:
                lines.append(f"SEND Tribunal appeal: by {long_date(t.appeal_by.isoformat())}")
            if t.ombudsman_by:
                lines.append(
                    f"The Ombudsman's 12 months from when the problem began: {long_date(t.ombudsman_by.isoformat())}"
                )
        if not lines:
            if officer:
                return "No dates are recorded that I can count from. Give the date the complaint arrived."
            return "Your facts give no dates I can count from. Add the dates of your request, meetings or complaints."
        return ("From the dates recorded:\n" if officer else "From the dates you gave:\n") + "\n".join(
            f"- {x}" for x in lines
        )
    dates = "the dates recorded" if officer else "your dates"
    return (
        "I can answer questions about compensation (from the decisions found) and about dates and deadlines (from "
        f"{dates}). " + help_text(ctx.facts.role).split(". ", 1)[1]
    )
