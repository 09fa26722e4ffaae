"""Before drafting: how the Ombudsman has decided complaints like this one.

For each issue the facts raise (`app.issues.spot_issues`), the decisions retrieved, the outcome each decision's own
metadata records ("Upheld", "Not upheld", "Closed after initial enquiries"), and the sentence each found about the
issue, quoted verbatim with its citation; then the sums of money the cited remedy paragraphs state (`build_context`'s
remedy rows), grouped by what they were for, with the lowest, median and highest. Nothing is stated that the cited
paragraphs or the decisions' metadata do not say.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import asdict, dataclass, field

from .draft import DraftEngine, build_context
from .facts import Facts
from .issues import BY_LABEL, IssueType, issue_query, spot_issues
from .models import Hit
from .quoting import best_sentence, cite_label
from .roles import paragraph_role

PER_ISSUE_K = 12
# paragraphs whose words are the Ombudsman's view (quoted); the complaint, the chronology and the council's account
# are someone else's
QUOTABLE_ROLES = ("finding_fault", "finding_no_fault", "remedy", "decision")
# a sentence reporting what someone else said ("The complainant (Mrs X) said ...", "The Council says ..."): not the
# Ombudsman's finding, so not quoted as one
REPORTED = re.compile(
    r"^(?:the complainant|mr|mrs|ms|miss|mx|dr|the council|the school|the parents?|she|he|they)\b[^.;]{0,40}?"
    r"\b(?:says?|said|complain\w*|told|alleg\w*|explain\w*|believes?|feels?|felt|considers?|argued?)\b",
    re.I,
)


def fault_found(outcome: str | None) -> str:
    """What a decision's outcome metadata records: "fault" (upheld), "no fault" (not upheld), or "other" (closed
    after initial enquiries, not recorded)."""
    o = (outcome or "").strip().lower()
    if o.startswith("not upheld") or o.startswith("no fault"):
        return "no fault"
    if o.startswith("upheld") or "fault and injustice" in o or o.startswith("fault"):
        return "fault"
    return "other"


@dataclass
class DecisionOutcome:
    """One decision retrieved for an issue: its outcome as its metadata records it, and the paragraph retrieved."""

    doc_id: str
    ref: str | None
    organisation: str | None
    decision_date: str | None
    outcome: str | None  # as the decision's metadata says: "Upheld", "Not upheld", ...
    found: str  # fault_found(outcome)
    citation: str  # the paragraph retrieved: "[24 004 187, para 19]"
    para: str
    quote: str | None = None  # a verbatim sentence of that paragraph about the issue (the Ombudsman's words only)


@dataclass
class IssueSummary:
    """What the Ombudsman decided on one issue, as far as the retrieved decisions show."""

    label: str
    title: str
    close: bool  # something in the index is close to this issue
    decisions: list[DecisionOutcome] = field(default_factory=list)
    # the duty, in the words of the paragraph the draft would cite for it (a statute extract or a decision's
    # "what should have happened"), verbatim, and its citation
    duty_quote: str | None = None
    duty_citation: str | None = None
    duty_doc: str | None = None
    duty_para: str | None = None

    @property
    def fault(self) -> int:
        return sum(d.found == "fault" for d in self.decisions)

    @property
    def no_fault(self) -> int:
        return sum(d.found == "no fault" for d in self.decisions)

    @property
    def other(self) -> int:
        return sum(d.found == "other" for d in self.decisions)

    def line(self) -> str:
        """ "Upheld in 3 of the 4 decisions found (1 not upheld).", from the decisions' outcome metadata."""
        n = len(self.decisions)
        if not self.close or not n:
            return "No close precedent was found for this issue."
        extra = []
        if self.no_fault:
            extra.append(f"{self.no_fault} not upheld")
        if self.other:
            extra.append(f"{self.other} with another outcome")
        tail = f" ({'; '.join(extra)})" if extra else ""
        return f"Upheld (fault found) in {self.fault} of the {n} decision{'s' if n != 1 else ''} found{tail}."


REMEDY_PURPOSES: list[tuple[str, str]] = [
    ("costs reimbursed", r"reimburs|refund|repay|costs?\b|mileage|expenses|fees"),
    ("missed provision or education", r"provision|education|tuition|therap|sessions|school|support|lost|missed"),
    ("distress, time and trouble", r"distress|uncertain|frustrat|anxiety|upset|time and trouble|injustice|avoidable"),
]


def remedy_purpose(text: str) -> str:
    """Which kind of remedy a cited sum was for, from the words of its purpose ("other" when they do not say)."""
    for name, rx in REMEDY_PURPOSES:
        if re.search(rx, text or "", re.I):
            return name
    return "other"


@dataclass
class RemedyRange:
    """The sums the cited paragraphs state for one purpose: each with its citation."""

    purpose: str
    amounts: list[float]
    citations: list[str]

    @property
    def low(self) -> float:
        return min(self.amounts)

    @property
    def high(self) -> float:
        return max(self.amounts)

    @property
    def median(self) -> float:
        return float(statistics.median(self.amounts))

    def text(self) -> str:
        """'£300 to £3,900 (median £1,000; 5 sums)', or '£500 (1 sum)'."""
        n = len(self.amounts)
        if self.low == self.high:
            return f"{money(self.low)} ({n} sum{'s' if n != 1 else ''})"
        return f"{money(self.low)} to {money(self.high)} (median {money(self.median)}; {n} sums)"

    def to_dict(self) -> dict:
        return asdict(self) | {"low": self.low, "median": self.median, "high": self.high}


def money(x: float) -> str:
    return f"£{x:,.0f}" if float(x).is_integer() else f"£{x:,.2f}"


@dataclass
class PrecedentSummary:
    """How the Ombudsman decided complaints like this one: per issue, and the remedies' amounts."""

    issues: list[IssueSummary]
    remedies: list[RemedyRange]  # per purpose, most sums first
    overall: RemedyRange | None  # every cited sum
    remedy_rows: list[dict]  # build_context's rows: amount, amount_text, purpose, period, citation, ...
    no_close_precedent: bool
    outside: str | None = None  # an out-of-corpus topic ("parking")

    def for_text(self, text: str) -> list[IssueSummary]:
        """The issues a piece of text (one point of the complaint) raises, as summarised here."""
        labels = {t.label for t in spot_issues(text or "")}
        return [i for i in self.issues if i.label in labels]

    def to_dict(self) -> dict:
        return {
            "issues": [
                asdict(i) | {"fault": i.fault, "no_fault": i.no_fault, "other": i.other, "line": i.line()}
                for i in self.issues
            ],
            "remedies": [r.to_dict() for r in self.remedies],
            "overall": self.overall.to_dict() if self.overall else None,
            "no_close_precedent": self.no_close_precedent,
            "outside": self.outside,
        }


def _best_per_decision(hits: list[Hit], topic: str) -> list[Hit]:
    """The paragraph to cite for each decision, in rank order: on the issue's topic, preferring the Ombudsman's own
    words (a finding, a remedy, the summary) over the complaint or the chronology."""
    by_doc: dict[str, list[Hit]] = {}
    for h in hits:
        if h.kind not in ("decision", "report") or not re.search(topic, h.text, re.I):
            continue
        by_doc.setdefault(h.doc_id, []).append(h)

    def rank(h: Hit) -> int:
        if h.para == "summary":
            return 1
        return 0 if paragraph_role(h.section, h.text, h.kind) in QUOTABLE_ROLES else 2

    return [min(hs, key=rank) for hs in by_doc.values()]


def _quote(h: Hit, wanted: str, topic: str) -> str | None:
    q = best_sentence(h.text, wanted, topic=topic)
    return None if q is None or REPORTED.match(q) else q


def _issue_summary(engine: DraftEngine, facts: Facts, t: IssueType, query: str) -> IssueSummary:
    found = engine.retriever.search(query, k=PER_ISSUE_K)
    out = IssueSummary(t.label, t.title, close=not found.no_close_precedent)
    if not out.close:
        return out
    wanted = f"{t.query} {facts.issue}"
    for h in _best_per_decision(found.hits, t.topic or r"."):
        quotable = h.para == "summary" or paragraph_role(h.section, h.text, h.kind) in QUOTABLE_ROLES
        out.decisions.append(
            DecisionOutcome(
                doc_id=h.doc_id,
                ref=h.ref,
                organisation=h.organisation,
                decision_date=h.decision_date,
                outcome=h.outcome,
                found=fault_found(h.outcome),
                citation=cite_label(h),
                para=h.para,
                quote=_quote(h, wanted, t.topic or r".") if quotable else None,
            )
        )
    return out


def _amounts(row: dict) -> list[float]:
    """The sums a remedy row states: its amount, and the top of a range ("£900–£2400": both ends)."""
    ends = [float(x.replace(",", "")) for x in re.findall(r"£\s?([\d,]+(?:\.\d{2})?)", row.get("amount_text") or "")]
    return ends if len(ends) == 2 else [float(row["amount"])]


def precedent_summary(engine: DraftEngine, facts: Facts) -> PrecedentSummary:
    """How the Ombudsman has decided complaints like `facts`: the issues spotted, the decisions retrieved for each
    and their outcomes, and the sums of money the cited remedy paragraphs state (low, median, high per purpose)."""
    ctx = build_context(engine, facts)
    if ctx.outside:
        return PrecedentSummary([], [], None, [], True, ctx.outside)
    base = re.sub(r"\s+", " ", facts.issue)[:600]
    issues: list[IssueSummary] = []
    for p in ctx.points:
        t = p.issue
        if t.label == "general":
            query = base
        else:
            query = f"{issue_query(BY_LABEL.get(t.label, t), facts.provision, facts.issue)}. {base}"
        summary = _issue_summary(engine, facts, t, query)
        q = ctx.quotes.get((p.duty.doc_id, p.duty.para)) if p.duty is not None and p.close else None
        if q:
            summary.duty_quote, summary.duty_citation = q, cite_label(p.duty)
            summary.duty_doc, summary.duty_para = p.duty.doc_id, p.duty.para
        issues.append(summary)
    rows = list(ctx.remedies)
    groups: dict[str, RemedyRange] = {}
    every = RemedyRange("all", [], [])
    for r in rows:
        purpose = remedy_purpose(r.get("purpose") or "")
        g = groups.setdefault(purpose, RemedyRange(purpose, [], []))
        for amount in _amounts(r):
            for rng in (g, every):
                rng.amounts.append(amount)
                rng.citations.append(r["citation"])
    remedies = sorted(groups.values(), key=lambda g: (-len(g.amounts), g.purpose))
    overall = every if every.amounts else None
    return PrecedentSummary(
        issues=issues,
        remedies=remedies,
        overall=overall,
        remedy_rows=rows,
        no_close_precedent=ctx.no_close_precedent and not any(i.decisions for i in issues),
    )
