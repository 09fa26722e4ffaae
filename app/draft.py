"""Drafting: facts -> issues -> precedents per issue -> a letter from a writer -> verification -> result.

The pipeline is the same whoever writes (template, local model, Ollama, OpenAI-compatible): writers only turn
a `DraftContext` into text; the verifier in `app.cite` then checks every citation, quotation, amount, date and
reference against the index and the user's facts.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Callable, Literal, Optional

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .cite import Citation, IndexSource, SupportJudge, Verification, find_verbatim, flag_unsupported, verify
from .errors import UserError
from .issues import IssueType, issue_query, outside_corpus, spot_issues
from .models import Hit
from .text import content_words, long_date

MAX_FACTS_BYTES = 200_000
PARENT_STAGES = ("council-stage-1", "council-stage-2", "ombudsman")
OFFICER_STAGES = ("response",)
BOILERPLATE_SECTIONS = re.compile(
    r"role and powers|how (i|we) considered|what (i|we) (have|will)|investigated|the ombudsman'?s role|"
    r"key to names|my assessment code|^decision$|final decision|^summary$", re.I)


class FactsError(UserError, ValueError):
    pass


# the support judge's thresholds as `precedent eval` fits them on evals/gold/support_labels.jsonl (cosine high, cosine
# low, word overlap): 0.79 agreement with 48 hand labels, 2-fold cross-validated, kappa 0.71
SUPPORT_THRESHOLDS = (0.55, 0.35, 0.6)


class Facts(BaseModel):
    """The facts file. Only `role` and `issue` are required."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    role: Literal["parent", "officer"]
    issue: str = Field(min_length=3, max_length=20_000)
    stage: Optional[Literal["council-stage-1", "council-stage-2", "ombudsman", "response"]] = None
    council: Optional[str] = Field(None, max_length=200)
    child: Optional[str] = Field(None, max_length=40)
    provision: Optional[str] = Field(None, max_length=10_000)
    since: Optional[str] = None
    contacts: list[str] = Field(default_factory=list, max_length=100)
    impact: Optional[str] = Field(None, max_length=10_000)
    outcome_sought: Optional[str] = Field(None, max_length=10_000)

    @field_validator("since", mode="before")
    @classmethod
    def _since(cls, v):
        """A month: 2023-09 as asked, or what people also write (2023-09-01, which YAML reads as a date, or
        'September 2023'), kept as YYYY-MM."""
        if v is None:
            return v
        if isinstance(v, date):  # datetime is a date too
            return f"{v.year:04d}-{v.month:02d}"
        if isinstance(v, str):
            t = " ".join(v.split())
            if re.fullmatch(r"(19|20)\d\d-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?", t):
                return t[:7]
            for fmt in ("%B %Y", "%b %Y"):
                try:
                    d = datetime.strptime(t, fmt)
                    return f"{d.year:04d}-{d.month:02d}"
                except ValueError:
                    pass
        raise ValueError("must be a month written YYYY-MM, e.g. 2023-09")

    @field_validator("contacts")
    @classmethod
    def _contacts(cls, v: list[str]) -> list[str]:
        for c in v:
            if len(c) > 2000:
                raise ValueError("each contact must be under 2,000 characters")
        return [c.strip() for c in v if c.strip()]

    @model_validator(mode="after")
    def _stage_fits_role(self) -> "Facts":
        if self.stage is None:
            self.stage = "council-stage-1" if self.role == "parent" else "response"
        allowed = PARENT_STAGES if self.role == "parent" else OFFICER_STAGES
        if self.stage not in allowed:
            raise ValueError(f"stage {self.stage!r} does not fit role {self.role!r} (use {' or '.join(allowed)})")
        return self

    def text(self) -> str:
        """All the user's words, for the verifier: numbers and dates here are the user's own facts."""
        parts = [self.council, self.child, self.issue, self.provision, self.since, self.impact, self.outcome_sought, *self.contacts]
        return "\n".join(p for p in parts if p)

    @property
    def since_words(self) -> str | None:
        if not self.since:
            return None
        y, m = self.since.split("-")
        return f"{date(int(y), int(m), 1):%B %Y}"


def parse_facts(data: object, where: str = "facts") -> Facts:
    if data is None:
        raise FactsError(f"{where}: empty (it needs at least `role` and `issue`)")
    if not isinstance(data, dict):
        raise FactsError(f"{where}: must be a mapping of keys to values (role, issue, ...), not a {type(data).__name__}")
    try:
        return Facts.model_validate(data)
    except ValidationError as e:
        err = e.errors()[0]
        key = ".".join(str(x) for x in err.get("loc", ())) or "facts"
        allowed = ", ".join(Facts.model_fields)
        if err["type"] == "extra_forbidden":
            raise FactsError(f"{where}: unknown key {key!r} (allowed: {allowed})") from None
        if err["type"] == "missing":
            raise FactsError(f"{where}: missing required key {key!r}") from None
        msg = err.get("msg", "invalid").removeprefix("Value error, ")
        got = err.get("input")
        shown = f" (got {type(got).__name__})" if err["type"].endswith("_type") or err["type"] == "literal_error" else ""
        if err["type"] == "literal_error":
            shown = f" (got {str(got)[:40]!r})"
        raise FactsError(f"{where}: {key}: {msg}{shown}") from None


class _FactsLoader(yaml.SafeLoader):
    """yaml.safe_load, except that a key written twice is an error (YAML would silently keep only the last value,
    losing what the user wrote first), and dates stay text: `since: 2023-09-01` is read as the user wrote it,
    and `since: 2023-02-30` does not fail inside the YAML reader."""

    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            seen = set()
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue
                key = self.construct_object(key_node, deep=deep)
                try:
                    if key in seen:
                        raise yaml.constructor.ConstructorError(
                            None, None, f"key {key!r} is given twice (keep one)", key_node.start_mark)
                    seen.add(key)
                except TypeError:  # an unhashable key: the base constructor reports it
                    pass
        return super().construct_mapping(node, deep)


_FactsLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_facts(path: str | Path) -> Facts:
    p = Path(path)
    if not p.is_file():
        raise FactsError(f"{p}: no such facts file")
    if p.stat().st_size > MAX_FACTS_BYTES:
        raise FactsError(f"{p}: too large ({p.stat().st_size:,} bytes; a facts file is at most {MAX_FACTS_BYTES:,})")
    raw = p.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FactsError(f"{p}: not UTF-8 text") from None
    if not text.strip():
        raise FactsError(f"{p}: empty (it needs at least `role` and `issue`)")
    try:
        data = yaml.load(text, Loader=_FactsLoader)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(e, "problem", None) or "syntax error"
        raise FactsError(f"{p}: not valid YAML or JSON{where}: {problem}") from None
    return parse_facts(data, str(p))


# ----------------------------------------------------------------------------- context


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

    def hits(self) -> list[Hit]:
        return [h for h in (self.finding, self.duty, self.remedy, self.another) if h is not None]


@dataclass
class DraftContext:
    facts: Facts
    points: list[Point]
    precedents: list[Hit]
    remedies: list[dict]
    no_close_precedent: bool
    quotes: dict[tuple[str, str], str] = field(default_factory=dict)  # (doc_id, para) -> verbatim sentence to quote
    short: bool = False
    outside: str | None = None  # an out-of-corpus topic the facts are about ("parking")

    def allowed(self) -> set[tuple[str, str]]:
        return {(h.doc_id, h.para) for h in self.precedents}


@dataclass
class DraftResult:
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

    def markdown(self, with_remedies: bool = True) -> str:
        parts = [self.body.rstrip()]
        if with_remedies and self.remedies:
            parts.append(remedy_table_md(self.remedies))
        parts.append(references_md(self.citations, self.precedents))
        return "\n\n".join(parts) + "\n"

    def to_dict(self) -> dict:
        return {
            "letter": self.letter,
            "citations": [c.to_dict() for c in self.citations],
            "remedies": self.remedies,
            "verification": self.verification.to_dict(),
            "issues": self.issues,
            "no_close_precedent": self.no_close_precedent,
            "writer": self.writer,
            "precedents_added": self.precedents_added,
            "notes": self.notes,
        }


# ----------------------------------------------------------------------------- choosing paragraphs


DUTY_SECTION = re.compile(r"law|guidance|should have happened|legal|legislation|background|duty|what should|children act|"
                          r"statutory complaints|complaints?['’]? procedure|section 17|transport for children|home to school transport|"
                          r"\(ehc\) plans", re.I)
FINDING_SECTION = re.compile(r"finding|analysis|conclusion|what (i|we) found|consideration|my view|^(my|our) assessment|^summary$", re.I)
NO_FAULT = re.compile(r"\bno fault\b|\bnot at fault\b|did not find (any )?fault|\bnot find (any )?fault|\bdo not uphold|\bnot upheld", re.I)
FAULT = re.compile(r"\b(was|were|is) at fault\b|\bfound fault\b|\bfind fault\b|\bfault (by|with|in|causing)\b", re.I)
OMBUDSMAN_REMEDY = re.compile(r"\b(I|we) (recommend|asked|have recommended)|\bthe council (will|should|must|has agreed to|agreed to) "
                              r"(apologise|pay|make|reimburse|refund)|\bshould (apologise|pay)|agreed to (pay|apologise)", re.I)
COMPLAINANT = re.compile(r"^(?:(?:Mr|Mrs|Ms|Miss|Dr)\.? \w+|She|He|They|The complainant)\b(?: also)? (?:says|said|complain\w*|told|wants|asked|believes)")
FACTS_SECTION = re.compile(r"what happened|key facts|the facts|chronolog|^(child|young person) [a-z]$|^\d{4}( and \d{4})?$", re.I)
REMEDY_SECTION = re.compile(r"agreed action|recommend|^action|remed|what (i|we) (have )?recommend", re.I)


def _words(s: str) -> set[str]:
    return content_words(s)


# where a paragraph is cut into the sentences a letter may quote (and a model's excerpt is built from)
QUOTABLE_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-Z(“\"'‘])|\n")


def best_sentence(text: str, query: str, max_words: int = 55, money: bool = False, topic: str = r".") -> str | None:
    """The paragraph sentence that shares most words with the query, verbatim, for quoting. It must be about
    `topic` (a regex): a paragraph on topic can still hold an off-topic sentence. With `money`, a sum of money wins."""
    q = _words(query)
    best, best_score = None, -50.0
    for sent in QUOTABLE_SENTENCE_SPLIT.split(text):
        s = sent.strip()
        n = len(s.split())
        if n < 6 or n > max_words or re.search(r"(:|;|;? and|;? or)$", s) or COMPLAINANT.match(s):
            continue  # not a whole statement, or the complainant's view rather than the Ombudsman's
        if not re.search(topic, s, re.I):
            continue
        score = len(_words(s) & q) + (2 if re.search(r"\bfault\b|\bduty\b|\bfailed\b", s) else 0)
        if money and "£" in s:
            score += 10
        if score > best_score:
            best, best_score = s, score
    if best is None:
        # no whole sentence of a quotable length: quote the opening clause of the longest sentence, verbatim
        longest = max(re.split(r"(?<=[.!?])\s+", text), key=len, default="").strip()
        clause = re.split(r"[;:,](?=\s)", longest)[0].strip()
        ok = 6 <= len(clause.split()) <= 60 and not COMPLAINANT.match(clause) and re.search(topic, clause, re.I)
        return _trim(clause) if ok else None
    return _trim(best)


def _trim(s: str) -> str:
    """End a quoted span cleanly: no closing punctuation or dangling 'and'/'or' (still a verbatim span)."""
    s = s.rstrip(" .;:,")
    return re.sub(r"[;,]?\s+(and|or)$", "", s).rstrip(" .;:,")


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


def build_context(engine, facts: Facts, k: int = 12) -> DraftContext:
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
            remedies = [h for h in retriever.search(f"{t.remedy}. {t.title}", k=k).hits
                        if re.search(t.remedy_words, h.text, re.I) and "£" in h.text]
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
        if (h.doc_id, h.para) not in used and kind in (_kind(h) or "").split("+") and best_sentence(
                h.text, query if kind != "remedy" else REMEDY_QUERY, money=kind == "remedy", topic=topic):
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
    table_hits = [h for h in precedents if h.para != "summary"] + [h for h in remedy_hits if (h.doc_id, h.para) not in seen]
    remedies = remedy_rows(table_hits) if precedents else []
    return DraftContext(facts, points, precedents, remedies, no_close, quotes)


def remedy_rows(hits: list[Hit]) -> list[dict]:
    """Sums of money the cited-for-remedy paragraphs state, with what each was for (from the paragraph itself)."""
    from .corpus import MONEY_RE, PERIOD_RE, PURPOSE_RE, REMEDY_WORDS, sentences

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
                pm = PURPOSE_RE.match(sent[m.end():])
                purpose = (pm.group(1) if pm and not rng else sent).strip().rstrip(".;,")
                period = PERIOD_RE.search(sent)
                rows.append({
                    "amount": amount,
                    "amount_text": f"{rng.group(1)}–{rng.group(2)}" if rng else m.group(0).replace(" ", ""),
                    "purpose": purpose[:200],
                    "period": period.group(1) if period else None,
                    "doc_id": h.doc_id,
                    "ref": h.ref,
                    "organisation": h.organisation,
                    "para": h.para,
                    "citation": f"[{h.doc_id}, para {h.para}]" if h.para != "summary" else f"[{h.doc_id}, summary]",
                    "decision_date": h.decision_date,
                })
    return rows


# ----------------------------------------------------------------------------- output helpers


def cite_label(h: Hit) -> str:
    return f"[{h.doc_id}, summary]" if h.para == "summary" else f"[{h.doc_id}, para {h.para}]"


def remedy_table_md(rows: list[dict]) -> str:
    lines = ["## Remedies in comparable decisions", "", "| Amount | What it was for | Period | Decision | Citation |", "|---|---|---|---|---|"]
    for r in rows:
        purpose = r["purpose"].replace("|", "/").replace("\n", " ")
        lines.append(f"| {r['amount_text']} | {purpose} | {r['period'] or '—'} | {r['organisation'] or r['doc_id']} | {r['citation']} |")
    return "\n".join(lines)


def _long_date(iso: str | None) -> str:
    return f", decided {long_date(iso)}" if iso else ""


def references_md(citations: list[Citation], precedents: list[Hit]) -> str:
    by_key = {(h.doc_id, h.para): h for h in precedents}
    lines = ["## References", ""]
    seen = set()
    for c in citations:
        if (c.doc_id, c.para) in seen:
            continue
        seen.add((c.doc_id, c.para))
        h = by_key.get((c.doc_id, c.para))
        who = f"{h.organisation}{_long_date(h.decision_date)}" if h else c.doc_id
        label = f"[{c.doc_id}, summary]" if c.para == "summary" else f"[{c.doc_id}, para {c.para}]"
        text = (h.text if h else "").replace("\n", " ")
        lines.append(f"- **{label}** {who}. {text}" if text else f"- **{label}** {who}")
    if len(lines) == 2:
        lines.append("No decisions are cited.")
    lines.append("")
    lines.append("Decisions of the Local Government and Social Care Ombudsman, re-used with attribution.")
    return "\n".join(lines)


# ----------------------------------------------------------------------------- running a draft


def run_draft(engine, facts: Facts, writer, on_token: Callable[[str], None] | None = None,
              ctx: DraftContext | None = None, instruction: str | None = None, previous: str | None = None) -> DraftResult:
    ctx = ctx or build_context(engine, facts)
    if instruction and previous is not None and hasattr(writer, "refine"):
        text = writer.refine(ctx, previous, instruction, on_token)
    else:
        text = writer.write(ctx, on_token)
    source = IndexSource(engine.index())

    def check(letter: str):
        return verify(
            letter, source, facts_text=facts.text() + "\n" + date.today().strftime("%d %B %Y"),
            allowed=ctx.allowed(), source_path=source.source_of, extra_allowed_text=_doc_facts(ctx.precedents),
        )

    body, verification, citations = check(text)
    writer_name = getattr(writer, "name", "template")
    by_model = writer_name != "template"
    precedents_added = False
    if not citations and by_model:
        from .writers import add_precedents  # writers build on this module

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
    cited_docs = {c.doc_id for c in citations}
    remedies = [r for r in ctx.remedies if r["doc_id"] in cited_docs] or ctx.remedies
    result = DraftResult(
        letter="", body=body, citations=citations, remedies=remedies, verification=verification, precedents=ctx.precedents,
        issues=[p.issue.label for p in ctx.points if p.issue.label != "general"], no_close_precedent=ctx.no_close_precedent,
        writer=writer_name, facts=facts, precedents_added=precedents_added,
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


def refine_facts(facts: Facts, instruction: str) -> tuple[Facts, bool | None]:
    """Template writer refinements: 'add that I emailed twice in March' adds a fact; 'make it shorter' shortens."""
    text = instruction.strip()
    if not text:
        raise FactsError("tell me what to change, e.g. 'make it shorter' or 'add that I emailed twice in March'")
    if len(text) > 5000:
        raise FactsError("that instruction is too long; keep it under 5,000 characters")
    short = None
    if re.search(r"\b(shorter|brief|concise|cut|trim)\b", text, re.I):
        short = True
    elif re.search(r"\b(longer|more detail|expand)\b", text, re.I):
        short = False
    m = re.match(r"^(?:please\s+)?(?:add|include|mention|say|note)\s+(?:that\s+)?(.+)$", text, re.I | re.S)
    if m:
        fact = m.group(1).strip().rstrip(".")
        fact = fact[0].upper() + fact[1:]
        data = facts.model_dump()
        data["contacts"] = [*data.get("contacts", []), fact]
        facts = Facts.model_validate(data)
    elif short is None:
        data = facts.model_dump()
        data["issue"] = f"{data['issue']}\n{text}"
        facts = Facts.model_validate(data)
    return facts, short


def quote_of(ctx: DraftContext, h: Hit) -> str | None:
    q = ctx.quotes.get((h.doc_id, h.para))
    return q if q and find_verbatim(q, h.text) else None
