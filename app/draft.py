"""Drafting: facts -> issues -> precedents per issue -> a letter from a writer -> verification -> result.

The pipeline is the same whoever writes (template, local model, Ollama, OpenAI-compatible): writers only turn
a `DraftContext` into text; the verifier in `app.cite` then checks every citation, quotation, amount, date and
reference against the index and the user's facts.

This module chooses the paragraphs (`build_context`) and runs a writer and the verifier (`run_draft`). The facts
file is `app.facts`, the types passed between steps `app.draft_types`, quoting and citing `app.quoting`, and the
writers `app.writers` (imported one way: draft -> writers).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any, Callable, Protocol

from .cite import IndexSource, SupportJudge, flag_unsupported, verify
from .claims import check_claims
from .corpus import MONEY_RE, PERIOD_RE, PURPOSE_RE, REMEDY_WORDS, sentences
from .draft_types import DraftContext, DraftResult, Point
from .facts import Facts, FactsError, load_facts, parse_facts, refine_facts
from .index import Index
from .issues import IssueType, issue_query, outside_corpus, spot_issues
from .models import Hit
from .quoting import best_sentence, cite_label, references_md
from .retrieve import Retriever
from .text import long_date
from .writers import RefiningWriter, Writer, add_precedents

# faces, evals and tests import the facts and result types from here (they live in app.facts and app.draft_types)
__all__ = [
    "Facts",
    "FactsError",
    "load_facts",
    "parse_facts",
    "refine_facts",
    "DraftContext",
    "DraftResult",
    "build_context",
    "run_draft",
    "remedy_rows",
    "SUPPORT_THRESHOLDS",
]


class DraftEngine(Protocol):
    """What drafting needs of `app.engine.Engine`, which sits above it (tests and the eval pass the real one)."""

    @property
    def retriever(self) -> Retriever: ...

    @property
    def embeddings(self) -> Any: ...  # a LangChain `Embeddings`: the support judge's encoder

    def index(self) -> Index: ...


BOILERPLATE_SECTIONS = re.compile(
    r"role and powers|how (i|we) considered|what (i|we) (have|will)|investigated|the ombudsman'?s role|"
    r"key to names|my assessment code|^decision$|final decision|^summary$",
    re.I,
)


# the support judge's thresholds as `precedent eval` fits them on evals/gold/support_labels.jsonl (cosine high, cosine
# low, word overlap): 0.79 agreement with 48 hand labels, 2-fold cross-validated, kappa 0.71
SUPPORT_THRESHOLDS = (0.55, 0.35, 0.6)


# ----------------------------------------------------------------------------- choosing paragraphs


DUTY_SECTION = re.compile(
    r"law|guidance|should have happened|legal|legislation|background|duty|what should|children act|"
    r"statutory complaints|complaints?['’]? procedure|section 17|transport for children|home to school transport|"
    r"\(ehc\) plans",
    re.I,
)
FINDING_SECTION = re.compile(
    r"finding|analysis|conclusion|what (i|we) found|consideration|my view|^(my|our) assessment|^summary$", re.I
)
NO_FAULT = re.compile(
    r"\bno fault\b|\bnot at fault\b|did not find (any )?fault|\bnot find (any )?fault|\bdo not uphold|\bnot upheld",
    re.I,
)
FAULT = re.compile(r"\b(was|were|is) at fault\b|\bfound fault\b|\bfind fault\b|\bfault (by|with|in|causing)\b", re.I)
OMBUDSMAN_REMEDY = re.compile(
    r"\b(I|we) (recommend|asked|have recommended)|\bthe council (will|should|must|has agreed to|agreed to) "
    r"(apologise|pay|make|reimburse|refund)|\bshould (apologise|pay)|agreed to (pay|apologise)",
    re.I,
)
FACTS_SECTION = re.compile(
    r"what happened|key facts|the facts|chronolog|^(child|young person) [a-z]$|^\d{4}( and \d{4})?$", re.I
)
REMEDY_SECTION = re.compile(r"agreed action|recommend|^action|remed|what (i|we) (have )?recommend", re.I)


def _kind(h: Hit) -> str | None:
    """What a paragraph can support: 'duty' (the law applied), 'finding', 'remedy'; None for boilerplate."""
    sec = h.section or ""
    if h.kind == "law":
        return "duty"
    if h.kind not in ("decision", "report"):
        return None
    if (h.outcome or "").lower().startswith("not upheld") or (NO_FAULT.search(h.text) and not FAULT.search(h.text)):
        return None  # a decision that found no fault supports no complaint
    if h.para == "summary":
        return "finding+remedy" if "£" in h.text and re.search(r"\b(pay|payment|paid)\b", h.text, re.I) else "finding"
    if BOILERPLATE_SECTIONS.search(sec) or re.search(r"^(the )?complaints?$|complaint background", sec, re.I):
        return None
    if FACTS_SECTION.search(sec):
        return None  # the chronology: what people asked for or were offered, not what the Ombudsman decided
    if REMEDY_SECTION.search(sec):
        return "remedy"
    if FINDING_SECTION.search(sec):
        # the reasoning about a payment sits in the findings: "I recommended the Council pay Ms B £600 to reflect ..."
        if "£" in h.text and OMBUDSMAN_REMEDY.search(h.text):
            return "finding+remedy"
        return "finding"
    if DUTY_SECTION.search(sec):
        return "duty"
    if re.search(r"\b(has|have) a duty|\bmust (secure|arrange|provide|review|complete)", h.text):
        return "duty"
    if "£" in h.text and OMBUDSMAN_REMEDY.search(h.text):
        return "remedy"  # found by its words, so it must be the Ombudsman's remedy, not a narrative of what was paid
    if re.search(r"\bfault\b", h.text, re.I):
        return "finding"
    return None


def build_context(engine: DraftEngine, facts: Facts, k: int = 12) -> DraftContext:
    topic = outside_corpus(facts.text())
    if topic:
        ctx = _finish(facts, [], [], no_close=True)
        ctx.outside = topic
        return ctx
    issues = spot_issues(facts.text()) or []
    retriever = engine.retriever
    points: list[Point] = []
    used: set[tuple[str, str]] = set()
    remedy_hits: list[Hit] = []
    base = re.sub(r"\s+", " ", facts.issue)[:600]
    if not issues:
        res = retriever.search(base, k=k)
        if not res.no_close_precedent:
            # nothing spotted by the rules, but the index has something close: treat it as one general point
            generic = IssueType("general", "What went wrong", "", base, "")
            point = Point(generic, best_similarity=res.best_similarity)
            point.finding = _pick(res.hits, "finding", used)
            points.append(point)
        return _finish(facts, points, remedy_hits, no_close=not any(p.hits() for p in points))
    for t in issues:
        query = f"{issue_query(t, facts.provision, facts.issue)}. {base}"
        found = retriever.search(query, k=k)
        point = Point(t, best_similarity=found.best_similarity)
        point.close = not found.no_close_precedent
        if point.close:
            wanted = f"{t.query} {facts.issue}"
            point.finding = _pick(found.hits, "finding", used, t.topic, wanted)
            point.duty = _pick(retriever.search(t.duty, k=k).hits, "duty", used, t.topic, wanted)
            # a remedy paragraph must be about this issue: better no remedy than another issue's
            remedies = [
                h
                for h in retriever.search(f"{t.remedy}. {t.title}", k=k).hits
                if re.search(t.remedy_words, h.text, re.I) and "£" in h.text
            ]
            remedies.sort(key=lambda h: h.para == "summary")  # a paragraph stating the remedy beats a summary of it
            remedy_hits += [h for h in remedies if "remedy" in (_kind(h) or "")][:4]
            point.remedy = _pick(remedies, "remedy", used, t.topic, wanted)
            if len(point.hits()) < 2 and point.finding is not None:
                others = [h for h in found.hits if h.doc_id != point.finding.doc_id]
                point.another = _pick(others, "finding", used, t.topic, wanted)
        point.close = point.close and bool(point.hits())
        points.append(point)
    return _finish(facts, points, remedy_hits, no_close=not any(p.close for p in points))


REMEDY_QUERY = "pay apologise payment remedy £ agreed"


def _pick(hits: list[Hit], kind: str, used: set[tuple[str, str]], topic: str = r".", query: str = "") -> Hit | None:
    """The best unused hit that can play `kind` and holds a quotable sentence about the issue's `topic`."""
    for h in hits:
        if (
            (h.doc_id, h.para) not in used
            and kind in (_kind(h) or "").split("+")
            and best_sentence(h.text, query if kind != "remedy" else REMEDY_QUERY, money=kind == "remedy", topic=topic)
        ):
            used.add((h.doc_id, h.para))
            return h
    return None


def _finish(facts, points, remedy_hits, no_close: bool) -> DraftContext:
    precedents: list[Hit] = []
    quotes: dict[tuple[str, str], str] = {}
    for p in points:
        if not p.close:
            continue
        for h in p.hits():
            precedents.append(h)
            wanted = REMEDY_QUERY if h is p.remedy else f"{p.issue.query} {facts.issue}"
            s = best_sentence(h.text, wanted, money=h is p.remedy, topic=p.issue.topic or r".")
            if s:
                quotes[(h.doc_id, h.para)] = s
    seen = {(h.doc_id, h.para) for h in precedents}
    table_hits = [h for h in precedents if h.para != "summary"] + [
        h for h in remedy_hits if (h.doc_id, h.para) not in seen
    ]
    remedies = remedy_rows(table_hits) if precedents else []
    return DraftContext(facts, points, precedents, remedies, no_close, quotes)


def remedy_rows(hits: list[Hit]) -> list[dict]:
    """Sums of money the cited-for-remedy paragraphs state, with what each was for (from the paragraph itself)."""
    rows, seen = [], set()
    for h in hits:
        for sent in sentences(h.text):
            if not REMEDY_WORDS.search(sent):
                continue
            rng = re.search(r"range of (£[\d,]+) to (£[\d,]+)", sent)
            for m in MONEY_RE.finditer(sent):
                amount = float(m.group(1).replace(",", "") + (m.group(2) or ""))
                key = (h.doc_id, amount)
                if key in seen or (rng and m.start() > rng.start(1)):
                    continue
                seen.add(key)
                pm = PURPOSE_RE.match(sent[m.end() :])
                purpose = (pm.group(1) if pm and not rng else sent).strip().rstrip(".;,")
                period = PERIOD_RE.search(sent)
                rows.append(
                    {
                        "amount": amount,
                        "amount_text": f"{rng.group(1)}–{rng.group(2)}" if rng else m.group(0).replace(" ", ""),
                        "purpose": purpose[:200],
                        "period": period.group(1) if period else None,
                        "doc_id": h.doc_id,
                        "ref": h.ref,
                        "organisation": h.organisation,
                        "para": h.para,
                        "citation": cite_label(h),
                        "decision_date": h.decision_date,
                    }
                )
    return rows


# ----------------------------------------------------------------------------- running a draft


def run_draft(
    engine: DraftEngine,
    facts: Facts,
    writer: Writer,
    on_token: Callable[[str], None] | None = None,
    ctx: DraftContext | None = None,
    instruction: str | None = None,
    previous: str | None = None,
) -> DraftResult:
    """Write (or, given `instruction` and the `previous` letter, refine) a letter with `writer`, then verify it."""
    ctx = ctx or build_context(engine, facts)
    if instruction and previous is not None and isinstance(writer, RefiningWriter):
        text = writer.refine(ctx, previous, instruction, on_token)
    else:
        text = writer.write(ctx, on_token)
    source = IndexSource(engine.index())
    facts_text = facts.text() + "\n" + date.today().strftime("%d %B %Y")

    def check(letter: str):
        return verify(
            letter,
            source,
            facts_text=facts_text,
            allowed=ctx.allowed(),
            source_path=source.source_of,
            extra_allowed_text=_doc_facts(ctx.precedents),
        )

    body, verification, citations = check(text)
    writer_name = writer.name
    by_model = writer_name != "template"
    precedents_added = False
    if not citations and by_model:
        grounded = add_precedents(ctx, body)
        if grounded is not None:
            body, second, citations = check(grounded)
            # the first pass's record stays: the second sees the cleaned letter (no citation of the model's is left,
            # and what was marked is not marked again), so the two add up
            verification = verification.merge(second)
            precedents_added = True
            verification.notes.append(
                f"The {writer_name} model cited none of the decisions it was given, so the section on what the "
                "Ombudsman found was added by the template writer, quoting the decisions word for word."
            )
    if citations and by_model:
        # a model can cite a real paragraph for words it does not say; the template only quotes
        body, flagged = flag_unsupported(body, source, SupportJudge(engine.embeddings, *SUPPORT_THRESHOLDS))
        if flagged:
            verification.notes += flagged
            verification.claims_flagged = len(flagged)
            verification.passed = False
    # every writer's claims, last: each sentence against the paragraphs it cites (app.claims)
    body, by_claims = check_claims(body, source, facts_text)
    verification = verification.merge(by_claims)
    cited_docs = {c.doc_id for c in citations}
    remedies = [r for r in ctx.remedies if r["doc_id"] in cited_docs] or ctx.remedies
    result = DraftResult(
        letter="",
        body=body,
        citations=citations,
        remedies=remedies,
        verification=verification,
        precedents=ctx.precedents,
        issues=[p.issue.label for p in ctx.points if p.issue.label != "general"],
        no_close_precedent=ctx.no_close_precedent,
        writer=writer_name,
        facts=facts,
        precedents_added=precedents_added,
    )
    result.letter = body.rstrip() + "\n\n" + references_md(citations, ctx.precedents) + "\n"
    return result


def _doc_facts(hits: list[Hit]) -> str:
    """What a letter may state about a cited decision beyond its paragraphs: its date and reference."""
    out = []
    for h in hits:
        if h.decision_date:
            out.append(long_date(h.decision_date))
        if h.ref:
            out.append(h.ref)
    return "\n".join(out)
