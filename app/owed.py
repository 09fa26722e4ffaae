"""Money the facts let us count: a weekly or monthly sum the person states ("direct payments of £95 a week") over a
gap they state ("the missing weeks from 16 June to 28 September 2025"); and a sum they paid themselves to cover what
the council did not provide ("I have paid £1,100 to the tutor"), which is asked back instead of a sum for provision
lost, since the child did not lose it. Nothing is assumed: without both a rate and
a dated gap in the person's own words there is no sum. The result is arithmetic on their facts, stated in the letter
with its working (15 weeks at £95 a week: £1,425) and given to the verifier as a computed figure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from .facts import Facts
from .timeline import MONTHS

RATE_RE = re.compile(r"£\s?(\d{1,3}(?:,\d{3})*|\d+)(?:\.(\d\d))?\s+(?:a|per|each)\s+(week|month)\b", re.I)
GAP_RE = re.compile(
    rf"\bfrom (\d{{1,2}})(?:st|nd|rd|th)? ({MONTHS})(?: ((?:19|20)\d\d))? (?:to|until|and) "
    rf"(\d{{1,2}})(?:st|nd|rd|th)? ({MONTHS}) ((?:19|20)\d\d)\b",
    re.I,
)
DAYS_PER_MONTH = 365.25 / 12
# what the person paid themselves to cover what the council did not ("I have paid £1,100 to the tutor")
PAID_RE = re.compile(
    r"\b(?:I|we)(?: have| had|'ve)?(?: already)? (?:paid|spent|funded|covered)\s+(?:out\s+)?(£\s?[\d,]+(?:\.\d\d)?)"
    r"([^.;\n]{0,80})",
    re.I,
)


@dataclass(frozen=True)
class Owed:
    """`units` weeks (or months) from `start` to `end` (both days counted) at `rate` pounds each."""

    rate: float
    unit: str  # "week" | "month"
    start: date
    end: date
    units: int
    what: str  # "direct payments", "payments"

    @property
    def amount(self) -> float:
        return self.rate * self.units

    def words(self) -> str:
        """'15 weeks at £95 a week, £1,425'."""
        return (
            f"{self.units} {self.unit}{'s' if self.units != 1 else ''} at {_money(self.rate)} a {self.unit}, "
            f"{_money(self.amount)}"
        )

    def text(self) -> str:
        """The computed sum, for the verifier."""
        return _money(self.amount)


def _money(x: float) -> str:
    return f"£{x:,.0f}" if float(x).is_integer() else f"£{x:,.2f}"


def _day(d: str, month: str, year: int) -> date | None:
    try:
        return date(year, MONTHS.split("|").index(month.lower()) + 1, int(d))
    except ValueError:
        return None


def owed(facts: Facts) -> Owed | None:
    """The sum owed for a stated gap at a stated rate, or None when the facts do not state both."""
    rate_text = " ".join(x for x in (facts.provision, facts.issue, facts.impact) if x)
    r = RATE_RE.search(rate_text)
    g = GAP_RE.search(facts.outcome_sought or "") or GAP_RE.search(facts.issue or "")
    if not r or not g:
        return None
    year = int(g.group(6))
    end = _day(g.group(4), g.group(5), year)
    start = _day(g.group(1), g.group(2), int(g.group(3)) if g.group(3) else year)
    if start and end and start > end and not g.group(3):
        start = _day(g.group(1), g.group(2), year - 1)  # "from 1 December to 31 January 2026"
    if not start or not end or start >= end:
        return None
    days = (end - start).days + 1  # both days counted: 16 June to 28 September 2025 is 105 days, 15 weeks
    unit = r.group(3).lower()
    units = round(days / 7) if unit == "week" else round(days / DAYS_PER_MONTH)
    if units < 1:
        return None
    rate = float(r.group(1).replace(",", "") + "." + (r.group(2) or "0"))
    what = "direct payments" if re.search(r"direct payment", rate_text, re.I) else "payments"
    return Owed(rate, unit, start, end, units, what)


@dataclass(frozen=True)
class Paid:
    """A sum the person paid themselves, in their own words: "I have paid £1,100 to the tutor since September"."""

    amount: str  # "£1,100", as they wrote it
    words: str  # their clause, from "paid"


def paid(facts: Facts) -> Paid | None:
    """The sum the person says they paid to cover the provision themselves, or None."""
    for text in (facts.impact, facts.issue, facts.outcome_sought):
        m = PAID_RE.search(text or "")
        if m:
            return Paid(m.group(1).replace(" ", ""), f"{m.group(1)}{m.group(2)}".strip())
    return None


def offered_sum(offer: str | None) -> int:
    """The largest whole-pound sum in an officer's remedy offer ("£600 to £900" -> 900), 0 when it names none."""
    return max((int(x.replace(",", "")) for x in re.findall(r"£\s?([\d,]+)", offer or "")), default=0)
