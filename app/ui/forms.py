"""What the page's boxes hold, turned into the engine's inputs: the parent's and the officer's facts, search filters.
A mistake reads as one line naming the box (a `UserError`)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from ..corpus import parse_date
from ..draft import FactsError, parse_facts
from ..errors import UserError
from ..models import Filters
from ..story import provision_source
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
    provision_source=None,
):
    """The parent's facts from the form's boxes. `provision_source` ("plan" or "person"): whose words the provision
    box holds, where the story chat read it (`provision_from_story`); None, typed into the box."""
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
        "provision_source": provision_source if _none(provision) else None,
    }
    return intake_facts(data)


def provision_from_story(story_state, provision) -> str | None:
    """Whose words the provision box holds: what the story chat read ("plan" or "person", `app.story.
    provision_source`) while the box still holds the chat's reading; None once the person has typed over it (the box
    is "What the plan says")."""
    ex = (story_state or {}).get("extraction")
    read = ex.get("provision") if ex is not None else None
    if not read or " ".join(str(read).split()) != " ".join((provision or "").split()):
        return None
    return provision_source(ex)


FINDINGS = [("Upheld", "upheld"), ("Partly upheld", "partly upheld"), ("Not upheld", "not upheld")]


@dataclass
class PointRow:
    """One point of the complaint as the officer records it: the point, what the records show, the finding."""

    point: str = ""
    evidence: str = ""
    finding: str | None = None


@dataclass
class ActionRow:
    """One action the council commits to: what, by when (a date), who owns it."""

    action: str = ""
    by: str = ""
    owner: str = ""


@dataclass
class OfficerForm:
    """The officer desk's investigation boxes, as typed."""

    name: str = ""
    child: str = ""
    complainant: str | None = None
    procedure: str | None = "corporate"
    stage: int = 1
    received: str = ""
    acknowledged: str = ""
    points: list[PointRow] = field(default_factory=list)
    actions: list[ActionRow] = field(default_factory=list)
    remedy_offer: str = ""
    changes: str = ""
    officer: str = ""
    outcome_sought: str = ""


def day(value: str | None, box: str) -> str | None:
    """A date box's value as YYYY-MM-DD (it takes 2026-11-27, 27/11/2026, 27 November 2026); a one-line error names
    the box."""
    v = _none(value)
    if not v:
        return None
    m = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", v)
    if m:
        try:
            return date(int(m.group(3)), int(m.group(2)), int(m.group(1))).isoformat()
        except ValueError:
            pass
    d = parse_date(v)
    if not d:
        raise UserError(f"{box}: must be a date like 2026-11-27 (got {v[:30]!r}).")
    return d


def remedy_offer(value: str | None) -> str | None:
    """The remedy box as the facts take it: "£600", or a range "£600 to £900" (from 600, £600, £600-£900, ...)."""
    v = _none(value)
    if not v:
        return None
    nums = re.findall(r"\d[\d,]*(?:\.\d{1,2})?", v)
    rest = re.sub(r"\d[\d,]*(?:\.\d{1,2})?|£|\s|to|-|–|and|,", "", v, flags=re.I)
    if not nums or len(nums) > 2 or rest:
        raise UserError(f"Remedy offer: write a sum like £600, or a range like £600 to £900 (got {v[:30]!r}).")
    amounts = [float(n.replace(",", "")) for n in nums]
    text = [f"£{a:,.0f}" if a.is_integer() else f"£{a:,.2f}" for a in amounts]
    if len(amounts) == 2 and amounts[0] > amounts[1]:
        raise UserError(f"Remedy offer: the range is the wrong way round ({text[0]} is more than {text[1]}).")
    return " to ".join(text)


def story_form_values(ex, first_message: str) -> list[str]:
    """What the story chat read (`app.story.Extraction`), as the parent form's boxes hold it, in the order council,
    child, provision, what went wrong (the person's first message), since (September 2025), contacts (one a line),
    impact, what they want, stage, who is writing, EHC plan ("yes"/"no"/"")."""

    def text(name: str) -> str:
        v = ex.get(name)
        return "" if v is None else str(v)

    since = text("since")
    if re.fullmatch(r"\d{4}-\d{2}", since):
        since = f"{datetime.strptime(since, '%Y-%m'):%B %Y}"
    plan = ex.get("has_plan")
    return [
        text("council"),
        text("child"),
        text("provision"),
        first_message.strip(),
        since,
        "\n".join(str(c) for c in (ex.get("contacts") or [])),
        text("impact"),
        text("outcome_sought"),
        text("stage"),
        text("complainant"),
        {True: "yes", False: "no"}.get(plan, ""),
    ]


def officer_facts(complaint, council, form: OfficerForm | None = None):
    """The officer's facts. Without `form` (the API): the complaint alone. With it: the investigation, checked first,
    so that anything the officer must still decide is named in one line (and nothing is drafted)."""
    if not _none(complaint):
        raise UserError("Please paste the complaint: the complaint box is empty.")
    data: dict = {"role": "officer", "stage": "response", "issue": _none(complaint), "council": _none(council)}
    if form is None:
        return intake_facts(data)
    points = [p for p in form.points if _none(p.point)]
    if not points:
        raise UserError("Read the complaint first (the 'Read the complaint' button), or add a point to decide.")
    for i, p in enumerate(points, 1):
        if not p.finding:
            raise UserError(f"Point {i}: choose a finding (upheld, partly upheld or not upheld).")
        if not _none(p.evidence):
            raise UserError(f"Point {i}: say what the council's records show (the 'What our records show' box).")
    if not _none(form.name):
        raise UserError(
            "Complainant's name: type it as the complaint gives it (e.g. Ms A); the response is addressed to them."
        )
    if not _none(form.officer):
        raise UserError("Officer who signs: type the name of the officer signing the response (the named contact).")
    received = day(form.received, "Date the complaint arrived")
    if not received:
        raise UserError("Date the complaint arrived: type the date (e.g. 2026-11-27); the due dates run from it.")
    actions = []
    for i, a in enumerate(form.actions, 1):
        if not (_none(a.action) or _none(a.by) or _none(a.owner)):
            continue
        if not _none(a.action):
            raise UserError(f"Action {i}: say what will be done.")
        by = day(a.by, f"Action {i}, done by")
        if not by:
            raise UserError(f"Action {i}: give the date it will be done by (e.g. 2026-12-18).")
        if not _none(a.owner):
            raise UserError(f"Action {i}: say who is responsible (the owner).")
        actions.append({"action": a.action.strip(), "by": by, "owner": a.owner.strip()})
    offer = remedy_offer(form.remedy_offer)
    upheld = [i for i, p in enumerate(points, 1) if p.finding in ("upheld", "partly upheld")]
    if upheld and not offer and not actions:
        raise UserError(
            f"Remedy offer: point {upheld[0]} is upheld, so offer a remedy (a sum here, or an action with a date and "
            "an owner)."
        )
    dates = {"complaint_received": received}
    if ack := day(form.acknowledged, "Acknowledged on"):
        if ack < received:
            raise UserError(f"Acknowledged on: {ack} is before the complaint arrived ({received}).")
        dates["complaint_acknowledged"] = ack
    if form.stage in (2, 3):
        dates[f"stage{form.stage}_requested"] = received
    data |= {
        "name": _none(form.name),
        "child": _none(form.child),
        "complainant": form.complainant or None,
        "procedure": form.procedure or None,
        "dates": dates,
        "points": [{"point": p.point.strip(), "evidence": p.evidence.strip(), "finding": p.finding} for p in points],
        "actions": actions,
        "remedy_offer": offer,
        "changes": _none(form.changes),
        "officer": _none(form.officer),
        "outcome_sought": _none(form.outcome_sought),
    }
    return intake_facts(data)


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
