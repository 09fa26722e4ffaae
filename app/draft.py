"""Drafting: facts -> issues -> precedents per issue -> a letter from a writer -> verification -> result.

The pipeline is the same whoever writes (template, local model, Ollama, OpenAI-compatible): writers only turn
a `DraftContext` into text; the verifier in `app.cite` then checks every citation, quotation, amount, date and
reference against the index and the user's facts.

This module chooses the paragraphs (`build_context`) and runs a writer and the verifier (`run_draft`). The facts
file is `app.facts`, the types passed between steps `app.draft_types`, quoting and citing `app.quoting`, and the
writers `app.writers` (imported one way: draft -> writers).
"""

from __future__ import annotations

import dataclasses
import re
from datetime import date, timedelta
from typing import Any, Callable, Protocol

from .cite import IndexSource, SupportJudge, find_verbatim, flag_unsupported, verify
from .claims import check_claims
from .corpus import MONEY_RE, PERIOD_RE, PURPOSE_RE, REMEDY_WORDS, sentences
from .draft_types import Award, DraftContext, DraftResult, Figure, LawLine, Point, range_middle
from .facts import Facts, FactsError, load_facts, parse_facts
from .index import Index
from .issues import (
    CHILDREN_ACT,
    COMPLAINT_ISSUES,
    ONLY_WHEN,
    REFUSED,
    IssueType,
    issue_query,
    issues_for,
    letter_stage,
    outside_corpus,
    symbolic_harms,
)
from .law import REGISTER, held_places, held_quote
from .models import Hit
from .owed import offered_sum, owed, paid
from .quoting import QUOTABLE_SENTENCE_SPLIT, best_sentence, cite_label, quote_job, references_md, with_point
from .retrieve import Retriever
from .roles import paragraph_role
from .text import long_date
from .timeline import Timeline, build_timeline
from .writers import RefiningWriter, Writer, add_precedents

# faces, evals and tests import the facts and result types from here (they live in app.facts and app.draft_types)
__all__ = [
    "Facts",
    "FactsError",
    "load_facts",
    "parse_facts",
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
        # only a paragraph the law register holds as carrying a duty: by similarity alone, retrieval put the care
        # leavers' s 23C(2) under "poor communication" and s 49(3) ("Regulations may make provision") under personal
        # budgets in the eval's letters
        return "duty" if (h.doc_id, h.para) in held_places() else None
    if h.kind not in ("decision", "report"):
        return None
    if (h.outcome or "").lower().startswith("not upheld") or (NO_FAULT.search(h.text) and not FAULT.search(h.text)):
        return None  # a decision that found no fault supports no complaint
    if h.para == "summary":
        return "finding+remedy" if "£" in h.text and re.search(r"\b(pay|payment|paid)\b", h.text, re.I) else "finding"
    role = paragraph_role(sec, h.text, h.kind)
    if role in ("complaint", "council_account", "jurisdiction", "finding_no_fault", "decision"):
        return None  # what someone said, or not the Ombudsman's view on this: never quoted as a finding or the law
    if role == "remedy" and "£" in h.text:
        return "remedy"
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
        # a council's own complaint procedure or policy is its account of itself, never the law
        return None if paragraph_role(sec, h.text, h.kind) == "council_account" else "duty"
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
    issues = issues_for(facts)
    timeline = build_timeline(facts, {t.label for t in issues})
    # the Code's provisions are not the standard for a complaint made before the Ombudsman applied it
    skip = set() if timeline.code_applies() else {"LGSCO-CHC-ack", "LGSCO-CHC-stage1", "LGSCO-CHC-stage2"}
    skip |= {pid for pid, cue in ONLY_WHEN.items() if not re.search(cue, facts.text(), re.I)}
    # nothing has reached stage 2, nor will this letter take it there: its timescale is clutter (an adviser's read of
    # Kai's); the letter's own stage, not the form's ("they have ignored my complaint" goes to stage 2)
    stage = letter_stage(facts, {t.label for t in issues})[0] or facts.stage
    if (
        facts.role != "officer"
        and stage in (None, "council-stage-1")
        and "stage2_requested" not in timeline.events
        and not re.search(
            r"\bstage (?:2|two) (?:complaint|response|reply|request|review)|\b(?:ask\w*|request\w*|went|go|going|escalat\w*|moved?) "
            r"(?:for |to )?(?:it |my complaint |the complaint )?(?:to )?stage (?:2|two)\b|\bescalat\w* (?:my|the|our|it|this)\b",
            facts.text(),
            re.I,
        )
    ):
        skip.add("LGSCO-CHC-stage2")
    retriever = _Excluding(engine.retriever, facts.exclude) if facts.exclude else engine.retriever
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
        return _finish(facts, points, remedy_hits, no_close=not any(p.hits() for p in points), timeline=timeline)
    for t in issues:
        looked_up = issue_query(t, facts.provision, facts.issue)
        query = f"{looked_up}. {base}"
        found = _for_issue(t, retriever.search(query, k=k))
        if t.label == "transport" and not REFUSED.search(facts.issue):
            # transport that stopped or never came: a finding about an application or an appeal panel is another
            # kind of case, not cited (two advisers' reads of Kai's letter: Bexley's panel, "drop it")
            # (a decision that also tells of transport removed or delayed is kept: "removed their children's transport
            # midway through the school year", 15 018 169, a second reviewer's)
            found.hits = [
                h
                for h in found.hits
                if not re.search(r"\bappeal panel\b|\bapplication\b|\brefus", h.text, re.I)
                or re.search(r"\bremoved\b|\bwithdr|\bstopped\b|\bcancell?ed\b|\bmidway\b|\bdelay", h.text, re.I)
            ]
        point = Point(t, best_similarity=found.best_similarity)
        point.close = not found.no_close_precedent
        if point.close:
            wanted = f"{looked_up} {facts.issue}"
            point.finding = _pick(found.hits, "finding", used, t.topic, wanted)
            point.duty = _pick(_for_issue(t, retriever.search(t.duty, k=k)).hits, "duty", used, t.topic, wanted)
            on_remedy = _for_issue(t, retriever.search(f"{t.remedy}. {t.title}", k=k)).hits
            if point.finding is None:
                # the person's story can outweigh a second issue in the search ("his taxi ... and nothing back"): the
                # issue's own remedy search holds its finding ("it delayed in replying to Mrs E's complaints")
                point.finding = _pick(on_remedy, "finding", used, t.topic, wanted)
            # a remedy paragraph must be about this issue: better no remedy than another issue's
            remedies = [h for h in on_remedy if re.search(t.remedy_words, h.text, re.I) and "£" in h.text]
            remedies.sort(key=lambda h: h.para == "summary")  # a paragraph stating the remedy beats a summary of it
            remedy_hits += [h for h in remedies if "remedy" in (_kind(h) or "")][:4]
            point.remedy = _pick(remedies, "remedy", used, t.topic, wanted)
            if len(point.hits()) < 2 and point.finding is not None:
                others = [h for h in found.hits if h.doc_id != point.finding.doc_id]
                point.another = _pick(others, "finding", used, t.topic, wanted)
        point.close = point.close and bool(point.hits())
        point.law = law_lines(engine.index(), t, facts.exclude, skip)
        points.append(point)
    return _finish(
        facts, points, remedy_hits, no_close=not any(p.close for p in points), retriever=retriever, timeline=timeline
    )


# the Children Act 1989 statutory procedure (stage 2 investigation, stage 3 panel), said in a decision's words
STATUTORY_PROCEDURE = re.compile(
    r"statutory (children'?s )?complaints? (procedure|process)|children'?s statutory complaints|stage (three|3) (panel|review)"
    r"|review panel|panel hearing|children act 1989 (complaints|representations)",
    re.I,
)


def _other_procedure(labels: set[str] | list[str], h: Hit) -> bool:
    """A decision about the Children Act statutory procedure, for a corporate complaint's handling: never its finding
    or its benchmark (an adviser's read: "that case does not apply to us")."""
    return "complaint_handling" in labels and bool(STATUTORY_PROCEDURE.search(h.text))


def _for_issue(t: IssueType, res):
    """A search's hits fit for this issue (`_other_procedure`)."""
    if t.label == "complaint_handling":
        return dataclasses.replace(res, hits=[h for h in res.hits if not _other_procedure({t.label}, h)])
    return res


class _Excluding:
    """A retriever that leaves out the decisions the user asked not to cite (by reference or council name)."""

    def __init__(self, retriever: Retriever, exclude: list[str]):
        self._r = retriever
        self._out = [x.lower() for x in exclude]

    def _keep(self, h: Hit) -> bool:
        names = f"{h.doc_id} {h.ref or ''} {h.organisation or ''}".lower()
        return not any(x in names or names in x for x in self._out)

    def search(self, *args, **kwargs):
        res = self._r.search(*args, **kwargs)
        res.hits = [h for h in res.hits if self._keep(h)]
        return res


def law_lines(
    index: Index, t: IssueType, exclude: list[str] | None = None, skip: set[str] | frozenset[str] = frozenset()
) -> list[LawLine]:
    """The duties an issue rests on, from the law register: each named, with its words quoted and cited where they
    are held in an indexed extract or decision paragraph (and still verbatim there), else named only. A decision the
    user asked not to cite (`exclude`) is not used to hold them."""
    out = []

    def usable(doc_id: str) -> bool:
        if index.resolve(doc_id) is None:
            return False
        if not exclude:
            return True
        doc = index.document(doc_id)
        names = f"{doc_id} {doc.organisation if doc else ''}".lower()
        return not any(x.lower() in names for x in exclude)

    for pid in t.provisions:
        p = REGISTER.get(pid)
        if p is None or pid in skip:
            continue
        held = held_quote(pid, indexed=usable)
        hit = hit_at(index, held.doc_id, held.para) if held else None
        # a fragment ("he is disabled"), or words with quotation marks of their own, is not quoted: the provision is
        # named instead
        whole = held is not None and len(held.quote.split()) >= 6 and not re.search(r"[“”\"]", held.quote)
        quote = held.quote if whole and hit and find_verbatim(held.quote, hit.text) else None
        out.append(LawLine(p, quote, hit if quote else None))
    return out


def hit_at(index: Index, ident: str, para: str) -> Hit | None:
    """One stored paragraph as a `Hit` (what drafting cites), or None."""
    found = index.paragraph(ident, para)
    if not found:
        return None
    doc, p = found
    return Hit(
        doc.doc_id,
        doc.ref,
        doc.organisation,
        p.para,
        p.section,
        p.text,
        1.0,
        doc.source,
        doc.outcome,
        doc.category,
        doc.decision_date,
        doc.kind,
    )


REMEDY_QUERY = "pay apologise payment remedy £ agreed"
# a rate the Ombudsman states or accepts: "a range of £900 to £2400 per term", "the equivalent of £650 a term"
PER_UNIT = re.compile(r"£([\d,]+)(?:\s*(?:to|-|–)\s*£([\d,]+))?\s+(?:per|a|each)\s+(term|month|week)\b", re.I)
ENDORSED = re.compile(r"in line with (our|the) guidance|appropriate|reasonable|proportionate", re.I)
LOST_PROVISION = {"section_f_provision": "provision", "out_of_school": "education", "eotas": "education"}
BENCHMARK_QUERY = "Guidance on Remedies suggests a range per term for loss of educational provision missed therapy"
# a term is a third of the days of a year that fall in term time, counting every day but August and the two weeks
# from 20 December (half terms and Easter are left in: they move from council to council); so September to the end
# of November is most of a term, and April to the end of November about two (an adviser's read)
HOLIDAY_DAYS = 31 + 14
DAYS_PER_TERM = (365.25 - HOLIDAY_DAYS) / 3
TERM_ROUNDING = 0.25  # a quarter of a term (about a month) short of a whole term still counts it


def term_days(begun: date, end: date) -> int:
    """The days from `begun` to `end` that are not in August or the two weeks from 20 December (to 2 January), the
    `HOLIDAY_DAYS` that `DAYS_PER_TERM` leaves out."""
    return sum(
        1
        for n in range((end - begun).days)
        if (d := begun + timedelta(days=n)).month != 8
        and not (d.month == 12 and d.day >= 20)
        and not (d.month == 1 and d.day <= 2)
    )


# the sessions the person counts as missed: "missed at least 12 OT sessions", "27 SALT sessions missed"
MISSED_SESSIONS = re.compile(
    r"\bmissed (?:at least |about |around )?(\d{1,3}) (?:[\w-]+ ){0,3}sessions\b|"
    r"\b(\d{1,3}) (?:[\w-]+ ){0,3}sessions (?:have been |were |had been )?missed\b",
    re.I,
)  # a school year is three terms; months out of provision include the holidays


# where lost education sits in the Guidance's range (an adviser's read of d05, d10, d17, d18 and o04: a range asked is
# a range the council pays the foot of; "count the loss first" and state one figure with its reason). The middle for
# a child who had no education at all, the foot when some was had (a reduced timetable: d10 was read as treating
# part-time attendance as a whole term lost) or when the facts do not say, and half way between the two when the
# education was part time at first and there is none now (a later reader of d10: "now cannot go in at all"); "no
# education at all" said in so many words is the middle whatever came before (o04).
NO_EDUCATION_AT_ALL = re.compile(r"\b(no|any) (education|teaching|tuition|schooling)( \w+){0,3} at all\b", re.I)
SOME_EDUCATION = re.compile(
    r"\b(reduced|part[- ]time) timetable\b|\bpart[- ]time\b(?! (?:job|work|hours at work))|\balmost no\b|\bonly \d+ hours?\b|"
    r"\b\d+ hours? (a|an|each|per) (day|morning|afternoon|week)\b|\b(some|a few hours of) (tuition|teaching|education)\b",
    re.I,
)
NO_EDUCATION = re.compile(
    r"\bno (education|teaching|tuition|school place|schooling)\b|"
    r"\bnot (had|received|been given|been offered|arranged|provided) any (education|teaching|tuition|school)",
    re.I,
)

NONE_NOW = re.compile(
    r"\bnow (cannot|can'?t|does not|doesn'?t|is not|isn'?t) (go|attend)\w*( in)?( at all)?\b|"
    r"\bstopped (going|attending)( \w+)? (altogether|completely|at all)\b|\bnow (at home|out of school) full[- ]time\b",
    re.I,
)


# part days, said of the child's school days ("only the afternoons", "i drive him in most days", "school mornings"), not
# the person's own ("i work part time", "most days hes in tears": a second reviewer's)
PART_DAYS = re.compile(
    r"\b(?:only|just) (?:for )?(?:the )?(?:mornings?|afternoons?)\b|\bfor (?:the )?(?:mornings?|afternoons?)\b"
    r"|\bschool (?:mornings|afternoons)\b|\bhalf[- ]days?\b|\b(?:part[- ]time|reduced) timetable\b"
    r"|\b(?:him|her|them) in (?:most|some) days\b|\blate (?:most|every|some) days?\b",
    re.I,
)


def place_in_range(facts: Facts, low: int, high: int) -> tuple[int, str]:
    """One figure a term within the Guidance's range, and what the facts say the child had ("" when they do not say):
    the middle for none at all, half way to it for part time at first and none now, else the foot."""
    # what happened to the child: not the plan's hours, the part-time package asked for, or the parent's own life in
    # the impact ("I have had to go part-time at work")
    text, harm = facts.issue or "", f"{facts.issue or ''} {facts.impact or ''}"
    middle = range_middle(low, high)
    some = SOME_EDUCATION.search(text)
    if NO_EDUCATION_AT_ALL.search(harm):
        return middle, "had no education at all"  # said in so many words, whatever came before (o04)
    if some and NONE_NOW.search(text):
        # part time at first, none now (d10: "a reduced timetable ... and now cannot go in at all"): between the two
        between = range_middle(low, middle)
        if between > low:
            return between, "had part-time education at first and none now"
    if NO_EDUCATION.search(harm) and not some:
        return middle, "had no education at all"
    return low, "had some education (part time)" if some else ""


# how much provision a plan gives, per term: "nine hours of direct SALT ... across each school year" (3 a term),
# "fortnightly 45-minute OT sessions over a 12-week period each year" (2 a term), "one hour a week" (13 a term). The
# first amount said is the one read (a plan names its direct provision first); a school year is 39 weeks, 3 terms
NUMBER = r"(\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
PLAN_AMOUNT = re.compile(
    NUMBER + r"\s+(?:hours?|sessions?)\b[^;.]{0,90}?\b(?:a|per|each|every)\s+(?:school\s+)?(year|term|week)\b", re.I
)
PLAN_EVERY = re.compile(r"\b(weekly|fortnightly)\b(?:[^;.]{0,60}?\bover an? (\d+)[- ]week period)?", re.I)
# the terms a benchmark's quoted rate counts ("Y lost 6 terms of OT"); its sessions are read as `session_figure` reads
# a decision's (SESSION_COUNT: "Y missed 30 sessions")
BENCH_TERMS = re.compile(r"\b" + NUMBER + r" terms\b", re.I)


def _number(word: str) -> int:
    return int(word) if word.isdigit() else WORD_NUMBERS[word.lower()]


def plan_per_term(provision: str | None) -> tuple[float, str] | None:
    """Sessions (or hours) a term the plan gives, and the words that say so; None when it does not say."""
    text = provision or ""
    amount, every = PLAN_AMOUNT.search(text), PLAN_EVERY.search(text)
    if amount and not (every and every.start() < amount.start()):
        n, per = _number(amount.group(1)), amount.group(2).lower()
        return (n / 3 if per == "year" else n if per == "term" else n * 13), amount.group(0)
    if every:
        weeks = int(every.group(2)) if every.group(2) else 39
        return weeks / (1 if every.group(1).lower() == "weekly" else 2) / 3, every.group(0)
    return None


def scale_to_plan(fig: Figure, facts: Facts) -> None:
    """A single rate for missed therapy, scaled down when the plan gives less than the benchmark's case lost (an
    adviser's read of d02: £650 a term for 9 hours of SALT a year "is not credible"). The benchmark's own paragraph
    must count its sessions and terms; the plan's words must give an amount a term."""
    plan = plan_per_term(facts.provision)
    # the terms counted in the sentence quoted for the rate ("Y lost 6 terms of OT, for which ... £650 a term"), the
    # sessions in the same paragraph ("Y missed 30 sessions between 2022 and 2024")
    s, t = SESSION_COUNT.search(fig.hit.text), BENCH_TERMS.search(fig.quote)
    if plan is None or not s or not t or not _number(t.group(1)) or plan[0] < 1:
        return
    per_term, words = plan
    sessions, terms = _number(s.group(1)), _number(t.group(1))
    bench = sessions / terms
    if per_term >= 0.8 * bench:
        return
    fig.base_rate, fig.unit_low = fig.unit_low, max(10, round(fig.unit_low * per_term / bench / 10) * 10)
    per = f"{per_term:g}" if per_term == int(per_term) else f"about {per_term:.1f}"
    hours = bool(re.search(r"\bhours?\b", words, re.I))
    fig.scale = (
        f"for {bench:g} sessions a term ({sessions} sessions over {terms} terms), and the plan gives {per} "
        f"{'hours' if hours else 'sessions'} a term (\u201c{words}\u201d{', counting an hour as a session' if hours else ''})"
    )


WORD_NUMBERS = {
    w: i
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
        "seventeen eighteen nineteen twenty".split()
    )
}
# the whole school days the person counts as lost: "he's missed 11 days of school", "11 school days missed", "off
# school for 15 days"; never days of a delay ("took 40 days"), a part day ("missed 3 days of his therapy"), a rate
# ("missed 2 days a week") or the parent's own ("I have lost 5 days pay", "missed 6 days at work")
_COUNT = r"(\d{1,3}|" + "|".join(WORD_NUMBERS) + r")"
_SCHOOLING = r"(?:school|education|lessons|learning|college)"  # what a day "of" is when it is a school day
LOST_DAYS = re.compile(
    r"\b(?:missed|lost|off school for|out of school for) (?:at least |about |around |over |nearly |almost )?"
    + _COUNT
    + rf" (?:whole |full )?(?:school )?days\b(?: of {_SCHOOLING})?|"
    r"\b" + _COUNT + r" (?:whole |full )?(?:school )?days (?:of (?:school|education|lessons|college) )?"
    r"(?:have been |were |had been )?(?:missed|lost)\b",
    re.I,
)
NOT_SCHOOL_DAYS = re.compile(
    rf"(?:'|\u2019)?\s*(?:late\b|of (?!{_SCHOOLING})|a week|per week|each week|every week|a "
    r"fortnight|a month|pay\b|wages?\b|salary|earnings|income|at work|off work|work\b|annual leave|leave\b|holiday)",
    re.I,
)


AND_DAYS = re.compile(
    r"[^.!?\n,]{0,25}?(?:,? and|,)\s+(?:another )?" + _COUNT + r" (?:more )?(?:school )?days\b([^.!?\n,]{0,15})", re.I
)


# the provision back, in the person's words: "The taxi came back on 20 November", "His transport was reinstated", "sorted
# a new taxi firm ... fine since", "started at his new school ... and is settled" (a second reviewer's)
RESTORED = re.compile(
    r"\b(?:taxi|transport|bus|minibus|driver|escort|passenger assistant|tutor|tuition|therapy|therapist|sessions?|"
    r"respite|it)\b(?! team)(?:(?!\b(?:will|would|want|wants|when|if|until|not|never|no)\b|n'?t\b)[^.;\n]){0,30}?"
    r"\b(?:came back(?! to (?:me|us))(?! (?:saying|and said))|is back(?! to)|(?:has|have) been back|(?:was|has been|got) reinstated|"
    r"(?:was|has been) restored|restarted|resumed|started again|is running again|(?:has been|is) sorted)\b"
    r"|\b(?:reinstated|restored|restarted|resumed) (?:his|her|their|the) (?:taxi|transport|bus|minibus|escort|passenger assistant|"
    r"tutor|tuition|therapy|sessions|respite)\b"
    r"|\bsorted (?:a |the )?new (?:taxi|firm|driver|transport|provider|operator)|\bstarted at (?:his|her|their|the) new school\b",
    re.I,
)


def lost_days(text: str) -> int:
    """The school days the person counts as lost, the largest count told; a count told in parts is added up ("4 days
    in September and 7 days in October": 11) unless the last part is the total ("3 days this week and 10 days in
    total": 10). 0 when they do not count them, or count days of something else."""
    counts = []
    for m in LOST_DAYS.finditer(text):
        theirs = re.search(
            r"\b(?:i|i'?ve|i have|we|we'?ve|we have)\s+$", text[max(0, m.start() - 10) : m.start()], re.I
        )
        if re.search(
            r"\b(?:would|could|might)(?: have|'ve)\s+$|\botherwise\b[^.;\n]{0,40}$",
            text[max(0, m.start() - 50) : m.start()],
            re.I,
        ):
            continue  # "otherwise he would have missed 30 days of school": days not lost
        of_school = re.search(rf"\bof {_SCHOOLING}$", m.group(0), re.I)
        if NOT_SCHOOL_DAYS.match(text, m.end()) or (theirs and not of_school):
            continue
        n, end = _number((m.group(1) or m.group(2)).lower()), m.end()
        while (more := AND_DAYS.match(text, end)) and not NOT_SCHOOL_DAYS.match(text, more.start(2)):
            k = _number(more.group(1).lower())
            n = k if re.match(r"\s*(?:in total|altogether|overall|so far)", more.group(2), re.I) else n + k
            end = more.end()
        counts.append(n)
    return max(counts, default=0)


def benchmark_figure(ctx: DraftContext, retriever: Retriever) -> Figure | None:
    """The sum to ask for: the terms of provision lost (from the month the facts say it began to today) at the rate
    a cited paragraph states. Missed therapy takes a single rate the Ombudsman accepted ("£650 a term") where one is
    held, since the Guidance puts it below the range for lost education; lost education takes the range."""
    f = ctx.facts
    lost = [LOST_PROVISION[p.issue.label] for p in ctx.points if p.issue.label in LOST_PROVISION]
    days = lost_days(f.text())
    if days and any(p.issue.label == "transport" for p in ctx.points):
        lost.append("education")  # no way to school: the days the person counts are education lost (Kai, an adviser)
    if not lost:
        return None
    units = 0  # the rate alone when the facts do not say since when
    counted = MISSED_SESSIONS.search(f.text())
    sessions = int(counted.group(1) or counted.group(2)) if counted else 0
    # the day the provision restarted (or will) when the facts give one
    restarted = ctx.timeline.events.get("provision_restarted") if ctx.timeline else None
    if f.since and not sessions:  # sessions counted by the person are the loss; terms would overstate it
        begun = date.fromisoformat(f.since + "-01")
        # counted to today, or to the day the provision restarted
        end = min(date.today(), restarted) if restarted and restarted > begun else date.today()
        # whole terms, a term counted once three quarters of it is lost (an adviser's read: April to the end of
        # November is "about 2 terms", not 1, 1.99 terms by the calendar); under that, the rate alone
        units = max(0, int(term_days(begun, end) / DAYS_PER_TERM + TERM_ROUNDING))
    # days the person counts are the loss only where no whole term is (more would undercount it), and not on the officer
    # desk (the parent's count may be the one in dispute: the officer's own finding decides)
    days = days if "education" in lost and not sessions and not units and f.role != "officer" else 0
    education = "education" in lost
    if sessions and not education:
        per = session_figure(ctx, retriever, sessions)
        if per is not None:
            return per
    seen = {(h.doc_id, h.para) for h in ctx.precedents}
    candidates = list(ctx.precedents) + [
        h
        for h in retriever.search(BENCHMARK_QUERY, k=20).hits
        if (h.doc_id, h.para) not in seen and PER_UNIT.search(h.text)
    ]
    best: tuple[int, Figure] | None = None
    for h in candidates:
        if h.kind not in ("decision", "report") or _kind(h) is None:
            continue
        sents = QUOTABLE_SENTENCE_SPLIT.split(h.text)
        for i, sent in enumerate(sents):
            m = PER_UNIT.search(sent)
            if not m or m.group(3).lower() != "term":
                continue
            lo, hi = int(m.group(1).replace(",", "")), m.group(2) and int(m.group(2).replace(",", ""))
            # lost education wants the range; missed therapy a single accepted rate, else the bottom of the range
            score = (2 if hi else 1) if education else (2 if not hi else 1)
            quote = sent.strip()
            if i + 1 < len(sents) and ENDORSED.search(sents[i + 1]):
                quote = f"{quote} {sents[i + 1].strip()}"  # "... £650 a term. The payment ... is in line with our guidance."
            quote = quote.rstrip(".")
            if education:
                # lost education quotes the range, not "and goes on to say missed therapeutic provision is likely to be
                # lower": a clause that invites a lower sum for another kind of loss (an adviser's read of Kai's letter)
                quote = re.sub(r",?\s+and goes on to say\b[^.]*\btherap[^.]*$", "", quote)
            if not find_verbatim(quote, h.text):
                continue
            fig = Figure(
                lo,
                hi if education else None,
                "term",
                units,
                "education" if education else "provision",
                h,
                quote,
                sessions,
            )
            if best is None or score > best[0]:
                best = (score, fig)
    if best and best[1].unit_high and days:
        # whole days with no education at all, a school day's share of the range each: a parent asks the top of it (an
        # adviser's read of Kai's letter: "on those days he had none at all; ask for the top"); anyone else the middle,
        # where place_in_range puts a term with no education
        best[1].days = days
        best[1].ongoing = restarted is None and not RESTORED.search(f.text())
        # only whole days: part days or most days got in ("only the afternoons", "i drive him in most days") are the
        # middle (a second reviewer's)
        top = f.role == "parent" and not PART_DAYS.search(f.text())
        best[1].point = best[1].unit_high if top else range_middle(best[1].unit_low, best[1].unit_high)
        best[1].reason = "missed whole school days"
    elif best and best[1].unit_high and best[1].units:
        best[1].point, best[1].reason = place_in_range(f, best[1].unit_low, best[1].unit_high)
    elif best and not best[1].unit_high:
        scale_to_plan(best[1], f)
    return best[1] if best else None


# an award for the sessions a child missed, and the count of them the same decision found
SESSION_AWARD = re.compile(
    r"£([\d,]+) (?:to reflect|for|in recognition of) (?:the )?(?:missing|missed|lost) sessions", re.I
)
SESSION_COUNT = re.compile(
    r"\bmissed (?:out on )?(\d{1,3}|" + "|".join(WORD_NUMBERS) + r") (?:[\w-]+ ){0,3}sessions\b", re.I
)
SESSION_QUERY = "missed out on therapy sessions; pay to reflect the missing sessions"


def session_figure(ctx: DraftContext, retriever: Retriever, sessions: int) -> Figure | None:
    """The sessions the person counted, priced at a comparable decision's own rate: its award for the missed sessions
    over the number it found missed ("missed out on 12 occupational therapy sessions" and "£600 to reflect the
    missing sessions": £50 a session). Both sentences are quoted and cited; None when no decision holds both. An
    adviser read "12 sessions ... at £650 a term" as a payment with no sum."""
    hits = list(ctx.precedents) + retriever.search(SESSION_QUERY, k=30).hits
    awards: dict[str, tuple[int, Hit, str]] = {}
    counts: dict[str, tuple[int, Hit, str]] = {}
    for h in hits:
        kind = _kind(h) or ""
        for sent in QUOTABLE_SENTENCE_SPLIT.split(h.text):
            quote = sent.strip().rstrip(".")
            a = SESSION_AWARD.search(sent)
            if a and "remedy" in kind and find_verbatim(quote, h.text):
                awards.setdefault(h.doc_id, (int(a.group(1).replace(",", "")), h, quote))
            c = SESSION_COUNT.search(sent)
            if c and "finding" in kind and find_verbatim(quote, h.text):
                n = c.group(1).lower()
                counts.setdefault(h.doc_id, (_number(n), h, quote))
    for doc_id, (amount, hit, quote) in awards.items():
        if doc_id in counts and counts[doc_id][0] and amount % counts[doc_id][0] == 0:
            n, count_hit, count_quote = counts[doc_id]
            rate = amount // n
            return Figure(
                rate, None, "session", sessions, "provision", hit, quote, sessions, count_hit, count_quote, n, amount
            )
    return None


# what a symbolic payment is for, in the words after the sum: the injustice itself, not a loss made good
SYMBOLIC = re.compile(
    r"distress|uncertain|frustrat|time and trouble|time,? trouble|inconvenience|anxiety|upset|avoidable|injustice", re.I
)
MADE_GOOD = re.compile(
    r"miss|\blost\b|\bloss\b|education|provision|tuition|sessions|therap|reimburs|refund|backdat|allowance|fees|"
    r"costs?\b|rent\b|arrears",
    re.I,
)
# an award made to someone other than the person writing ("the grandparents", "the first family"): another harm
THIRD_PARTY = re.compile(
    r"grandparents?|foster carers?|siblings?|first family|second family|the family'?s? carers?|teenager|young person|aunt|uncle",
    re.I,
)
SEND_WORDS = re.compile(r"\bEHC|education,? health and care|special educational|\bSEND\b", re.I)
# what an award's distress was caused by, when it says: it must be this kind of failure (the delay, the complaint)
CAUSE = re.compile(r"\b(?:as a result of|because of|caused by|caused through|through|arising from)\s+(.*)", re.I)
OWN_HARM = r"delay|complaint|communicat|review|assessment|plan\b|fault"
# the symbolic sums in the remedy paragraphs of ../shared/corpus/lgsco run from £100 to £1,000; a larger sum in the
# same sentence pays for a loss (lost education, care costs), not for distress or time and trouble
SYMBOLIC_CAP = 1000
AWARD_QUERY = "pay £ to acknowledge the distress uncertainty frustration time and trouble caused"
AWARD_K = 30  # paragraphs searched per query for an award (15 missed the review-delay award for a needs assessment)
COMPLAINT_AWARD_QUERY = "pay £ for the time and trouble frustration caused by the complaint handling delays"


def symbolic_award(ctx: DraftContext, retriever: Retriever | None, at_most: int = SYMBOLIC_CAP) -> Award | None:
    """The benchmark for a symbolic payment: a sum the Ombudsman recommended for distress, uncertainty or time and
    trouble, in a remedy paragraph about the same kind of failure, quoted verbatim with its citation. It must name
    this complaint's issue in its own sentence, or be for the injustice asked for (`symbolic_harms`: the delay, or
    pursuing the complaint); among those, the one that names the issue first, then in retrieval order. Never another
    family's loss made good, a council's offer the Ombudsman did not endorse, an award to a third party (grandparents,
    an aunt, a teenager), distress about another harm, or an EHC plan's award for a social care family. An officer's
    offer is set beside awards no larger than it (`at_most`): a larger one is told to the officer, not cited."""
    labels = [p.issue.label for p in ctx.points if p.issue.label != "general"]
    topics = [p.issue.topic for p in ctx.points if p.issue.label != "general" and p.issue.topic not in (None, ".")]
    candidates = [h for p in ctx.points for h in (p.remedy,) if h is not None] + list(ctx.precedents)
    if retriever is not None:
        for p in [p for p in ctx.points if p.issue.label != "general"][:2]:
            candidates += retriever.search(f"{p.issue.query} {AWARD_QUERY}", k=AWARD_K).hits
        if set(labels) & COMPLAINT_ISSUES:
            candidates += retriever.search(COMPLAINT_AWARD_QUERY, k=AWARD_K).hits
    writer_words = f"{ctx.facts.complainant or ''} {ctx.facts.issue}".lower()
    harms = symbolic_harms(set(labels), bool(ctx.figure or ctx.owed or ctx.paid))
    send = bool(set(labels) - CHILDREN_ACT - COMPLAINT_ISSUES)  # an education (SEND) issue, not only social care
    best: tuple[tuple, Award] | None = None
    seen: set[tuple[str, str]] = set()
    for rank, h in enumerate(candidates):
        if (h.doc_id, h.para) in seen or "remedy" not in (_kind(h) or ""):
            continue
        seen.add((h.doc_id, h.para))
        for sent in QUOTABLE_SENTENCE_SPLIT.split(h.text):
            if re.search(r"\boffered\b", sent, re.I) and not ENDORSED.search(sent):
                continue  # the council's own offer, not the Ombudsman's view of what is due
            amounts = list(MONEY_RE.finditer(sent))
            for i, m in enumerate(amounts):
                upto = amounts[i + 1].start() if i + 1 < len(amounts) else len(sent)
                pm = PURPOSE_RE.match(sent[m.end() : upto])
                purpose = (pm.group(1) if pm else "").strip().rstrip(".;,")
                amount = float(m.group(1).replace(",", "") + (m.group(2) or ""))
                if not purpose or not SYMBOLIC.search(purpose) or MADE_GOOD.search(purpose):
                    continue
                if amount > min(at_most, SYMBOLIC_CAP) or not amount.is_integer():
                    continue
                cause = CAUSE.search(purpose)
                if cause and not any(re.search(t, cause.group(1), re.I) for t in [*topics, OWN_HARM]):
                    continue  # distress about another harm ("as a result of their niece being removed from their care")
                if not send and SEND_WORDS.search(sent):
                    continue  # an EHC plan's award quoted to a family with no SEND complaint
                if _other_procedure(labels, h):
                    continue  # a Children Act panel's award for a corporate complaint's handling
                third = THIRD_PARTY.search(sent)
                if third and third.group(0).lower() not in writer_words:
                    continue
                quote = sent.strip().rstrip(".")
                if not find_verbatim(quote, h.text):
                    continue
                on_issue = any(re.search(t, sent, re.I) for t in topics)
                # time and trouble is benchmarked on a sum for time and trouble, or for the frustration of pursuing
                # a complaint; not on frustration about another failure (an adviser's read: £300 for a family's
                # "frustration ... uncertainty" over OT, 23 009 620, asked as a transport complaint's time and trouble)
                fits = ("delay" in harms and re.search(r"delay|uncertain", purpose, re.I)) or (
                    "complaint" in harms
                    and (
                        re.search(r"complaint|time,? (and )?trouble", purpose, re.I)
                        or (
                            re.search(r"frustrat", purpose, re.I) and re.search(r"complain|chas|communicat", sent, re.I)
                        )
                    )
                )
                if not (on_issue or fits):
                    continue  # not this kind of failure: no benchmark rather than a stranger's
                near = any(re.search(t, h.text, re.I) for t in topics)
                score = (_same_field(h, send), bool(on_issue), bool(fits), bool(near), -rank)
                if best is None or score > best[0]:
                    best = (score, Award(int(amount), purpose, h, quote))
    return best[1] if best else None


def _same_field(h: Hit, send: bool) -> int:
    """1 when the decision's category is the family's field (education for a SEND complaint, children's care for a
    social care one), -1 when it is the other, 0 when the decision has no category. An adviser read a SEND family's
    time and trouble benchmarked on a Children Act stage 2 award (24 004 450) while a SEND one was to hand."""
    cat = (h.category or "").lower()
    if not cat:
        return 0
    return 1 if cat.startswith("education") == send else -1


def _pick(hits: list[Hit], kind: str, used: set[tuple[str, str]], topic: str = r".", query: str = "") -> Hit | None:
    """The best unused hit that can play `kind` and holds a quotable sentence about the issue's `topic`."""
    for h in hits:
        if (
            (h.doc_id, h.para) not in used
            and kind in (_kind(h) or "").split("+")
            and best_sentence(
                h.text,
                query if kind != "remedy" else REMEDY_QUERY,
                money=kind == "remedy",
                topic=topic,
                keep=quote_job(kind),
            )
        ):
            used.add((h.doc_id, h.para))
            return h
    return None


# the issues whose letter counts time from when the problem began (deadlines, the 12-month limit, a payment)
TIMED = {
    "section_f_provision",
    "out_of_school",
    "eotas",
    "annual_review",
    "needs_assessment",
    "phase_transfer",
    "tribunal_order",
    "transport",
    "personal_budget",
    "short_breaks",
}


def facts_to_add(facts: Facts, labels: set[str]) -> list[str]:
    """What a parent's letter from thin facts still needs (an adviser's read of d13 and d14, one line each: "no
    letter; ask first"), when two or more are missing; [] for an officer or for facts that say enough."""
    if facts.role != "parent":
        return []
    text = facts.text()
    gaps = [
        "which council this is about (the letter is addressed to \u201cthe council\u201d until you do)"
        if not facts.council
        else "",
        "when the problem began, month and year (it sets the deadlines, the Ombudsman's time limit and any payment)"
        if not facts.since and labels & TIMED
        else "",
        "what you have already done about it, with dates (emails, calls, any complaint)"
        if not facts.contacts and not facts.dates
        else "",
        "whether your child has an EHC plan, and what section F says"
        if facts.has_plan is None and "section_f_provision" in labels and not re.search(r"\b(ehc|plan)\b", text, re.I)
        else "",
        "what you want the council to do to put it right" if not facts.outcome_sought else "",
    ]
    gaps = [g for g in gaps if g]
    return gaps if len(gaps) >= 2 else []


def _finish(
    facts, points, remedy_hits, no_close: bool, retriever: Retriever | None = None, timeline: Timeline | None = None
) -> DraftContext:
    precedents: list[Hit] = []
    quotes: dict[tuple[str, str], str] = {}
    held = {(line.hit.doc_id, line.hit.para) for p in points for line in p.law if line.hit is not None}
    for p in points:
        for line in p.law:
            if line.hit is not None and (line.hit.doc_id, line.hit.para) not in quotes:
                precedents.append(line.hit)
                quotes[(line.hit.doc_id, line.hit.para)] = line.quote
        if p.duty is not None and (p.duty.doc_id, p.duty.para) in held:
            p.duty = None  # the law section quotes it already, as the register's words for a provision
        if not p.close:
            continue
        for h in p.hits():
            if (h.doc_id, h.para) in quotes:
                continue  # one paragraph, cited once, for one job
            precedents.append(h)
            job = "remedy" if h is p.remedy else "duty" if h is p.duty else "finding"
            wanted = (
                REMEDY_QUERY
                if h is p.remedy
                else f"{p.issue.duty} {p.issue.query}"
                if h is p.duty
                else f"{p.issue.query} {facts.issue}"
            )
            s = best_sentence(h.text, wanted, money=h is p.remedy, topic=p.issue.topic or r".", keep=quote_job(job))
            if s:
                quotes[(h.doc_id, h.para)] = with_point(h.text, s) if job != "remedy" else s
    seen = {(h.doc_id, h.para) for h in precedents}
    table_hits = [h for h in precedents if h.para != "summary"] + [
        h for h in remedy_hits if (h.doc_id, h.para) not in seen
    ]
    remedies = remedy_rows(table_hits) if precedents else []
    labels = {p.issue.label for p in points}
    ctx = DraftContext(facts, points, precedents, remedies, no_close, quotes)
    ctx.stage, why = letter_stage(facts, labels)
    if why:
        ctx.advice.append(why)
    if gaps := facts_to_add(facts, labels):
        ctx.advice.append(
            f"Before you send this, add {'; '.join(gaps)}. Without them the letter can only speak in general terms: an "
            "adviser would ask for them first."
        )
    ctx.timeline = timeline or build_timeline(facts, labels)
    ctx.owed, ctx.paid = owed(facts), paid(facts)
    # the person paid for the provision themselves: the child did not lose it, so no sum for lost provision is asked
    ctx.figure = benchmark_figure(ctx, retriever) if retriever is not None and ctx.paid is None else None
    offered = offered_sum(facts.remedy_offer)
    ctx.award = symbolic_award(ctx, retriever, offered or SYMBOLIC_CAP)
    larger = symbolic_award(ctx, retriever) if offered and ctx.award is None else None
    if larger is not None:
        ctx.advice.append(
            f"Your offer ({facts.remedy_offer}) is below a comparable award for distress ({larger.amount_words()}, "
            f"{cite_label(larger.hit)}): the Ombudsman may ask the council for more. The response does not cite it."
        )
    if ctx.award and (ctx.award.hit.doc_id, ctx.award.hit.para) not in ctx.allowed():
        ctx.precedents.append(ctx.award.hit)
    if ctx.award:
        ctx.quotes.setdefault((ctx.award.hit.doc_id, ctx.award.hit.para), ctx.award.quote)
    # the benchmark table shows the sums the ask or offer rests on, whatever paragraph they were found in
    have = {(r["doc_id"], r["para"], r["amount"]) for r in ctx.remedies}
    for h in [x.hit for x in (ctx.figure, ctx.award) if x is not None and x.hit is not None]:
        ctx.remedies += [r for r in remedy_rows([h]) if (r["doc_id"], r["para"], r["amount"]) not in have]
    if ctx.figure and ctx.figure.hit is not None and (ctx.figure.hit.doc_id, ctx.figure.hit.para) not in quotes:
        ctx.precedents.append(ctx.figure.hit)
        ctx.quotes[(ctx.figure.hit.doc_id, ctx.figure.hit.para)] = ctx.figure.quote
    count_hit = ctx.figure.count_hit if ctx.figure else None
    if count_hit is not None and (count_hit.doc_id, count_hit.para) not in ctx.quotes:
        ctx.precedents.append(count_hit)
        ctx.quotes[(count_hit.doc_id, count_hit.para)] = ctx.figure.count_quote
    return ctx


def remedy_rows(hits: list[Hit]) -> list[dict]:
    """Sums of money the cited-for-remedy paragraphs state, with what each was for (from the paragraph itself)."""
    rows, seen = [], set()
    for h in hits:
        for sent in sentences(h.text):
            if not REMEDY_WORDS.search(sent):
                continue
            rng = re.search(r"range of (£[\d,]+) to (£[\d,]+)", sent)
            amounts = list(MONEY_RE.finditer(sent))
            for i, m in enumerate(amounts):
                amount = float(m.group(1).replace(",", "") + (m.group(2) or ""))
                key = (h.doc_id, amount)
                if key in seen or (rng and m.start() > rng.start(1)):
                    continue
                seen.add(key)
                # what this sum was for: the words after it, up to the next sum ("£600 to reflect the missing
                # sessions and £300 to reflect the frustration" is two rows, not the first holding both)
                upto = amounts[i + 1].start() if i + 1 < len(amounts) else len(sent)
                pm = PURPOSE_RE.match(sent[m.end() : upto])
                purpose = re.sub(r"\s+and$", "", (pm.group(1) if pm and not rng else sent).strip().rstrip(".;,"))
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
    facts_text = facts.text() + "\n" + long_date(date.today().isoformat())

    def check(letter: str):
        return verify(
            letter,
            source,
            facts_text=facts_text,
            allowed=ctx.allowed(),
            source_path=source.source_of,
            extra_allowed_text=_doc_facts(ctx.precedents) + "\n" + ctx.derived_text(),
        )

    body, verification, citations = check(text)
    writer_name = writer.name
    by_model = getattr(writer, "free_form", writer_name != "template")  # a restating model writes no claims
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
    body, by_claims = check_claims(body, source, facts_text + "\n" + ctx.derived_text())
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
        notes=list(dict.fromkeys(ctx.advice)),
        derived=ctx.derived_text() + "\n" + long_date(date.today().isoformat()),
        timeline=ctx.timeline.to_dict() if ctx.timeline else None,
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
