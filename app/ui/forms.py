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


# the most each parent box takes (the facts file's own limits, app.facts.Facts), by the box's key; a contact is one
# line of its box. The page counts as the user types (`LIMITS_BY_ELEM`); a box over its limit is refused with one
# line, never cut.
LIMITS = {
    "council": 200,
    "child": 40,
    "name": 200,
    "address": 500,
    "provision": 10_000,
    "issue": 20_000,
    "contacts": 2_000,
    "impact": 10_000,
    "outcome_sought": 10_000,
}
LIMITS_BY_ELEM = {
    "p-council": LIMITS["council"],
    "p-child": LIMITS["child"],
    "p-name": LIMITS["name"],
    "p-address": LIMITS["address"],
    "p-provision": LIMITS["provision"],
    "p-issue": LIMITS["issue"],
    "p-contacts": LIMITS["contacts"],
    "p-impact": LIMITS["impact"],
    "p-outcome": LIMITS["outcome_sought"],
}


def check_lengths(values: dict[str, str | None]) -> None:
    """One line naming the first box over its limit, and by how much (nothing is ever cut to fit)."""
    for key, value in values.items():
        limit = LIMITS.get(key)
        if not limit or not value:
            continue
        pieces = value.splitlines() if key == "contacts" else [value]
        for piece in pieces:
            n = len(piece.strip())
            if n > limit:
                what = (
                    f"A line of '{FIELD_LABELS.get(key, key)}'"
                    if key == "contacts"
                    else f"'{FIELD_LABELS.get(key, key)}'"
                )
                raise UserError(
                    f"{what} is {n:,} characters long; it takes at most {limit:,}. Please shorten it by "
                    f"{n - limit:,} characters (nothing was cut or sent)."
                )


def parent_facts(
    council,
    child,
    provision,
    issue,
    since,
    contacts,
    impact,
    outcome_sought,
    stage,
    name=None,
    address=None,
    complainant=None,
    has_plan=None,
):
    if not _none(issue):
        raise UserError("Please say what went wrong: the 'What went wrong' box is empty.")
    check_lengths(
        {
            "council": council,
            "child": child,
            "name": name,
            "address": address,
            "provision": provision,
            "issue": issue,
            "contacts": contacts,
            "impact": impact,
            "outcome_sought": outcome_sought,
        }
    )
    data = {
        "role": "parent",
        "name": _none(name),
        "address": _none(address),
        "council": _none(council),
        "child": _none(child),
        "provision": _none(provision),
        "issue": _none(issue),
        "since": _since(since),
        "contacts": [c.strip() for c in (contacts or "").splitlines() if c.strip()],
        "impact": _none(impact),
        "outcome_sought": _none(outcome_sought),
        "stage": stage or "council-stage-1",
        "complainant": _none(complainant),
        "has_plan": {"yes": True, "no": False}.get((has_plan or "").strip().lower()),
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
