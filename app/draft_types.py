"""The types drafting passes between its steps: a `Point` (one issue and the paragraphs chosen for it), the
`DraftContext` a writer writes from, and the `DraftResult` faces show. Writers and `app.draft` both import them
from here, so neither imports the other's internals."""

from __future__ import annotations

from dataclasses import dataclass, field

from .cite import Citation, Verification, find_verbatim
from .facts import Facts
from .issues import IssueType
from .law import Provision
from .models import Hit
from .owed import Owed, Paid
from .quoting import references_md, remedy_table_md
from .timeline import Timeline


@dataclass
class LawLine:
    """One duty an issue rests on: the register's provision, and its words where they are held (quote and the
    paragraph holding it), else None (the letter names the provision without quoting it)."""

    provision: Provision
    quote: str | None = None
    hit: Hit | None = None


# a school year is 190 days (380 sessions: the Education (School Day and School Year) (England) Regulations 1999, reg 3),
# three terms; the school days a person counts as lost are priced at that share of a term
SCHOOL_DAYS_PER_TERM = 190 / 3


def range_middle(low: int, high: int) -> int:
    """The middle of a range, to the nearest £50 (where a payment for no education at all is placed)."""
    return round((low + high) / 2 / 50) * 50


@dataclass
class Figure:
    """A sum to ask for (or offer), benchmarked on a cited paragraph: `units` of loss at the per-unit amount(s) that
    paragraph states (`quote`), e.g. 3 terms at £650 a term."""

    unit_low: int
    unit_high: int | None
    unit: str  # "term"
    units: int  # how many were lost, counted from the facts (0: the facts do not say since when; the rate alone)
    what: str  # "OT", "education"
    hit: Hit
    quote: str
    sessions: int = 0  # the sessions the facts say were missed: the loss is counted in them, not in terms
    # a rate per session worked out from one comparable decision: its award for the missed sessions (`hit`, `quote`,
    # `award`) over the sessions it found missed (`count_hit`, `count_quote`, `count`)
    count_hit: Hit | None = None
    count_quote: str = ""
    count: int = 0
    award: int = 0
    # a single rate scaled down to the plan's intensity: the benchmark's own rate, and why ("M's plan gives 3 hours a
    # term; the £650 a term was for 5 sessions a term (30 sessions over 6 terms)"); 0 / "" when not scaled
    base_rate: int = 0
    scale: str = ""
    # where in a range the ask or offer sits, per unit, and what the facts say the child had ("had no education at
    # all"), from `draft.place_in_range`; 0 keeps the range
    point: int = 0
    reason: str = ""
    # the whole school days the person counts as lost ("he's missed 11 days of school"): the loss is counted in them,
    # each at a school day's share of the term's rate (`SCHOOL_DAYS_PER_TERM`); 0 when not counted
    days: int = 0
    # the loss still going on at the letter's date (nothing says the provision came back): each further school day is
    # priced too
    ongoing: bool = False

    def _per_day(self, per_term: int) -> int:
        """A sum a term over the school days lost, to the nearest £10."""
        return round(per_term * self.days / SCHOOL_DAYS_PER_TERM / 10) * 10

    @property
    def low(self) -> int:
        return self._per_day(self.unit_low) if self.days else self.unit_low * self.units

    @property
    def high(self) -> int | None:
        if not self.unit_high:
            return None
        return self._per_day(self.unit_high) if self.days else self.unit_high * self.units

    @property
    def place(self) -> str:
        """Where in its range the ask or offer sits (`point`)."""
        if self.point == range_middle(self.unit_low, self.unit_high or self.unit_low):
            return "the middle"
        if self.unit_high and self.point == self.unit_high:
            return "the top"
        return "between the foot and the middle" if self.point > self.unit_low else "the foot"

    @property
    def asked(self) -> int:
        """The one sum the letter asks (or offers) for the units lost: the point in the range, else its foot."""
        if self.days:
            return self._per_day(self.point or self.unit_low)
        return (self.point or self.unit_low) * self.units

    @property
    def per_day(self) -> int:
        """A school day's share of the term's rate, to the nearest £1, for the days still being lost."""
        return round((self.point or self.unit_low) / SCHOOL_DAYS_PER_TERM) if self.days else 0

    def amount_words(self) -> str:
        return f"£{self.low:,} to £{self.high:,}" if self.high else f"£{self.low:,}"

    def rate_words(self) -> str:
        """'£900 to £2,400 a term', '£650 a term'."""
        return f"£{self.unit_low:,}" + (f" to £{self.unit_high:,}" if self.unit_high else "") + f" a {self.unit}"

    def text(self) -> str:
        """The sums this figure states (computed from the facts and the cited rate), for the verifier: with a rate per
        session worked out from a decision's award, that rate too."""
        rates = (
            self.unit_low if self.count or self.base_rate else 0,
            self.point,
            self.asked if self.point else 0,
            self.per_day,
        )
        return " ".join(f"£{v:,}" for v in (self.low, self.high, *rates) if v)


@dataclass
class Award:
    """A sum the Ombudsman recommended for the injustice itself (distress, uncertainty, frustration, time and
    trouble), quoted from a remedy paragraph: the benchmark for a symbolic payment. `purpose` is the award's own words
    after the sum ("for the uncertainty caused by the delays in the EHC Plan review")."""

    amount: int
    purpose: str
    hit: Hit
    quote: str

    def amount_words(self) -> str:
        return f"£{self.amount:,}"


@dataclass
class Point:
    """One issue with the paragraphs chosen to support it."""

    issue: IssueType
    duty: Hit | None = None
    finding: Hit | None = None
    remedy: Hit | None = None
    another: Hit | None = None  # a second decision's finding, when the first leaves the point thinly supported
    best_similarity: float = 0.0
    close: bool = True
    law: list[LawLine] = field(default_factory=list)

    def hits(self) -> list[Hit]:
        return [h for h in (self.finding, self.duty, self.remedy, self.another) if h is not None]


@dataclass
class DraftContext:
    """Everything a writer writes from: the facts, each issue's chosen paragraphs, and the sentence to quote of each."""

    facts: Facts
    points: list[Point]
    precedents: list[Hit]
    remedies: list[dict]
    no_close_precedent: bool
    quotes: dict[tuple[str, str], str] = field(default_factory=dict)  # (doc_id, para) -> verbatim sentence to quote
    short: bool = False
    outside: str | None = None  # an out-of-corpus topic the facts are about ("parking")
    stage: str | None = None  # the stage the letter takes when the person's words put it past the one chosen
    timeline: Timeline | None = None  # the facts' dates and the due dates they set
    figure: Figure | None = None  # the benchmarked sum for the ask or offer
    award: Award | None = None  # the benchmark for a symbolic payment (distress, time and trouble)
    owed: Owed | None = None  # a sum the facts let us count (a stated weekly rate over a stated gap)
    paid: Paid | None = None  # what the person paid to cover the provision themselves
    advice: list[str] = field(default_factory=list)  # what the writer wants the user told, outside the letter
    restated: str | None = None  # the person's account restated by a model, checked (`writers.check_restatement`)
    derived: list[str] = field(default_factory=list)  # other dates and sums the writer computed from the facts

    def letter_stage(self) -> str | None:
        """The stage a letter takes: where the person's words put it (`stage`), else the one chosen."""
        return self.stage or self.facts.stage

    def derived_text(self) -> str:
        """Dates and sums the letter may state that are computed from the facts (not copied from them)."""
        parts = [
            self.timeline.text() if self.timeline else "",
            self.figure.text() if self.figure else "",
            self.owed.text() if self.owed else "",
            *self.derived,
            # the law register's own statements of what a provision requires ("by 15 February; 31 March for post-16")
            *(f"{line.provision.requires} {line.provision.timescale or ''}" for p in self.points for line in p.law),
        ]
        return "\n".join(p for p in parts if p)

    def allowed(self) -> set[tuple[str, str]]:
        return {(h.doc_id, h.para) for h in self.precedents}


@dataclass
class DraftResult:
    """A verified letter and its record; `to_dict()` is the `precedent draft --json` contract."""

    letter: str  # body + references, Markdown
    body: str
    citations: list[Citation]
    remedies: list[dict]
    verification: Verification
    precedents: list[Hit]
    issues: list[str]
    no_close_precedent: bool
    writer: str
    facts: Facts
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0  # the whole draft, retrieval included (set by Engine.draft / Engine.refine)
    precedents_added: bool = False  # the model cited nothing, so the template's precedent section was added
    derived: str = ""  # dates and sums computed from the facts by fixed rules (due dates, the figure, today)
    timeline: dict | None = None  # `Timeline.to_dict()`: the facts' dates, the due dates and how late, time limits
    reply: str | None = None  # the answer to a follow-up message, or what it changed (never part of the letter)
    changed: list[str] = field(default_factory=list)

    def markdown(self, with_remedies: bool = True) -> str:
        parts = [self.body.rstrip()]
        if with_remedies and self.remedies:
            parts.append(remedy_table_md(self.remedies))
        parts.append(references_md(self.citations, self.precedents))
        return "\n\n".join(parts) + "\n"

    def to_dict(self) -> dict:
        return {
            "passed": self.verification.passed,  # False: the letter failed its checks and is not finished
            "letter": self.letter,
            "citations": [c.to_dict() for c in self.citations],
            "remedies": self.remedies,
            "verification": self.verification.to_dict(),
            "issues": self.issues,
            "no_close_precedent": self.no_close_precedent,
            "writer": self.writer,
            "precedents_added": self.precedents_added,
            "notes": self.notes,
            "timeline": self.timeline,
            "reply": self.reply,
        }


def quote_of(ctx: DraftContext, h: Hit) -> str | None:
    """The sentence chosen to quote from `h`, when it is still verbatim in the paragraph; else None."""
    q = ctx.quotes.get((h.doc_id, h.para))
    return q if q and find_verbatim(q, h.text) else None
