"""What the page's boxes hold, turned into the engine's inputs: the parent's and the officer's facts, search filters.
A mistake reads as one line naming the box (a `UserError`)."""

from __future__ import annotations

import re
from datetime import date, datetime

from ..corpus import parse_date
from ..draft import FactsError, parse_facts
from ..errors import UserError
from ..models import Filters
from .labels import FIELD_LABELS


def _none(s: str | None) -> str | None:
    s = (s or "").strip()
    return s or None


def _since(s: str | None, today: date | None = None) -> str | None:
    """The "Since when" box as the facts file takes it. Beyond what `Facts` reads (2023-09, "September 2023",
    "Sep 2023"): 2023/9, and a month name alone ("September"), which a parent means as the last one, this year's or,
    if it has not come yet, last year's."""
    s = _none(s)
    if s and (m := re.fullmatch(r"(\d{4})[-/.](\d{1,2})", s)):
        return f"{m.group(1)}-{int(m.group(2)):02d}"
    if s:
        for fmt in ("%B", "%b"):
            try:
                month = datetime.strptime(" ".join(s.split()), fmt).month
            except ValueError:
                continue
            today = today or date.today()
            year = today.year if month <= today.month else today.year - 1
            return f"{year:04d}-{month:02d}"
    return s


def parent_facts(council, child, provision, issue, since, contacts, impact, outcome_sought, stage):
    if not _none(issue):
        raise UserError("Please say what went wrong: the 'What went wrong' box is empty.")
    data = {
        "role": "parent",
        "council": _none(council),
        "child": _none(child),
        "provision": _none(provision),
        "issue": _none(issue),
        "since": _since(since),
        "contacts": [c.strip() for c in (contacts or "").splitlines() if c.strip()],
        "impact": _none(impact),
        "outcome_sought": _none(outcome_sought),
        "stage": stage or "council-stage-1",
    }
    return intake_facts(data)


def officer_facts(complaint, council):
    if not _none(complaint):
        raise UserError("Please paste the complaint: the complaint box is empty.")
    return intake_facts({"role": "officer", "stage": "response", "issue": _none(complaint), "council": _none(council)})


def intake_facts(data: dict):
    """Facts from a dict of box values (empty ones left out); a mistake names the box, not the key."""
    data = {k: v for k, v in data.items() if v not in (None, [])}
    try:
        return parse_facts(data, "intake")
    except FactsError as e:
        msg = str(e)
        m = re.match(r"intake: (\w+): (.*)$", msg, re.S)
        if m:
            msg = f"{FIELD_LABELS.get(m.group(1), m.group(1))}: {m.group(2)}"
        raise UserError(msg) from None


def make_filters(category, outcome, date_from, date_to) -> Filters | None:
    def iso(v, name):
        v = (v or "").strip()
        if not v:
            return None
        d = parse_date(v)
        if not d:
            raise UserError(f"'{name}' must be a date like 2023-01-31 (got {v[:30]!r})")
        return d

    date_from, date_to = iso(date_from, "Decided from"), iso(date_to, "Decided to")
    if date_from and date_to and date_from > date_to:
        raise UserError(
            f"The dates are the wrong way round: 'Decided from' ({date_from}) is after 'Decided to' ({date_to})."
        )
    f = Filters(
        category=(category or None),
        outcome=(outcome or None),
        date_from=date_from,
        date_to=date_to,
    )
    return None if f.is_empty() else f
