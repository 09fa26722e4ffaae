"""Deadlines: working days with England's bank holidays, and the due dates a complaint's procedure sets.

Working days come from `govuk-bank-holidays` with its cached GOV.UK list (England and Wales, 2012 to 2028), never
fetched: nothing phones home. Past the cached years only weekends are skipped, and `Due.note` says so.

The statutory due dates from the facts (EHC needs assessment, annual review, phase transfer, Tribunal appeal, the
Ombudsman's 12 months) are `statutory_due_dates`; the complaint procedures' timescales `complaint_due_dates`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from govuk_bank_holidays.bank_holidays import BankHolidays


@lru_cache(maxsize=1)
def _bank_holidays() -> tuple[frozenset[date], int]:
    """England and Wales bank holidays from the package's own cached copy of GOV.UK's list, and the last year held."""
    bh = BankHolidays(use_cached_holidays=True)
    days = frozenset(h["date"] for h in bh.get_holidays(division=BankHolidays.ENGLAND_AND_WALES))
    return days, max(d.year for d in days)


def is_working_day(d: date) -> bool:
    holidays, _ = _bank_holidays()
    return d.weekday() < 5 and d not in holidays


def add_working_days(start: date, n: int) -> date:
    """The date `n` working days after `start` (start itself not counted): 10 working days from a Friday complaint."""
    d = start
    while n > 0:
        d += timedelta(days=1)
        if is_working_day(d):
            n -= 1
    return d


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (0 when end is not after start)."""
    n, d = 0, start
    while d < end:
        d += timedelta(days=1)
        n += is_working_day(d)
    return n


def holidays_known(d: date) -> bool:
    """Whether bank holidays are held for `d`'s year (the cached list ends in 2028)."""
    return d.year <= _bank_holidays()[1]


def add_months(d: date, months: int) -> date:
    """The same day `months` later (the last day of the month when that day does not exist: 31 Jan + 1 = 28/29 Feb)."""
    y, m = divmod(d.month - 1 + months, 12)
    y, m = d.year + y, m + 1
    for day in (d.day, 30, 29, 28):
        try:
            return date(y, m, day)
        except ValueError:
            continue
    raise ValueError(d)


@dataclass(frozen=True)
class Due:
    """One due date: what is due, when, under which rule (a register id or a procedure's name), and how late."""

    label: str  # "Stage 1 response"
    due: date
    rule: str  # "LGSCO Complaint Handling Code 6.3", "SEND Regulations 2014, reg 13(2)"
    provision: str | None = None  # the law register id, when the rule is law
    done: date | None = None  # when it happened, if the facts say
    note: str | None = None

    def late_by(self, today: date) -> timedelta | None:
        """How late: done after due, or not done and due has passed. None when on time or not yet due."""
        end = self.done or today
        return end - self.due if end > self.due else None

    def to_dict(self, today: date) -> dict:
        late = self.late_by(today)
        return {
            "label": self.label,
            "due": self.due.isoformat(),
            "rule": self.rule,
            "provision": self.provision,
            "done": self.done.isoformat() if self.done else None,
            "late_days": late.days if late else 0,
            "note": self.note,
        }


def due_in_working_days(start: date, n: int) -> tuple[date, str | None]:
    """The date `n` working days after `start`, and a note when bank holidays for its year are not held."""
    due = add_working_days(start, n)
    note = None if holidays_known(due) else "bank holidays after 2028 are not held: weekends only were skipped"
    return due, note


# the Children Act 1989 statutory procedure's timescales (Representations Procedure (England) Regulations 2006), per
# stage: (what is due, working days from the complaint or request, the rule in words, the law register id)
CHILDREN_ACT_STAGES: dict[int, list[tuple[str, int, str, str]]] = {
    1: [
        ("Stage 1 response", 10, "10 working days (20 at most) from the complaint", "CAReps2006-reg14"),
        ("Stage 1 response, if extended", 20, "10 working days (20 at most) from the complaint", "CAReps2006-reg14"),
    ],
    2: [
        ("Stage 2 investigation response", 25, "25 working days (65 at most) from the request", "CAReps2006-reg17"),
        ("Stage 2 response, at the latest", 65, "25 working days (65 at most) from the request", "CAReps2006-reg17"),
    ],
    3: [("Stage 3 review panel convened", 30, "30 working days from the request", "CAReps2006-reg19")],
}


def complaint_due_dates(received: date, procedure: str = "corporate", stage: int = 1) -> list[Due]:
    """Due dates from the day a complaint arrived. Corporate: the LGSCO Complaint Handling Code (acknowledge within
    5 working days; respond within 10 (stage 1) or 20 (stage 2) working days of the acknowledgement, taken as the
    last day it was due). Children Act 1989 statutory procedure: stage 1 within 10 working days (up to 20 with an
    extension), stage 2 within 25 working days (up to 65), the stage 3 review panel within 30 working days of the
    request (Children Act 1989 Representations Procedure (England) Regulations 2006)."""
    if procedure == "children-act":
        return [_due(label, received, days, rule, pid) for label, days, rule, pid in CHILDREN_ACT_STAGES[min(stage, 3)]]
    ack = _due(
        "Acknowledgement",
        received,
        5,
        "5 working days from the complaint, the Ombudsman's Complaint Handling Code",
        "LGSCO-CHC-ack",
    )
    days = 10 if stage == 1 else 20
    rule = f"{days} working days from the acknowledgement, the Ombudsman's Complaint Handling Code"
    return [ack, _due(f"Stage {stage} response", ack.due, days, rule, f"LGSCO-CHC-stage{stage}")]


def _due(label: str, start: date, days: int, rule: str, provision: str) -> Due:
    due, note = due_in_working_days(start, days)
    return Due(label, due, rule, provision, note=note)
