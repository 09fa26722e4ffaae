"""Claim-level verification: each sentence of a letter that says what a decision, the Ombudsman or the law says is
checked against the paragraphs that sentence itself cites, whoever wrote the letter (template included).

`read_claims(body, source, facts_text)` cuts the letter into sentences (a citation belongs to the sentence it ends, a
quotation never ends one) and gives each a `Claim`: its kind (what the Ombudsman found, recommended or awarded, what a
council did in a decision, a statement of the law, an amount, or the writer's own account, which needs no citation),
its citations, its quotations with the job the sentence gives each, and the `Problem`s found:

- `uncited`: it says what the Ombudsman found, recommended or said, or what a council did in a decision, and carries
  no citation of its own (one in a neighbouring sentence does not count);
- `council`: it names a council that is neither the cited decision's nor (outside what it attributes) the user's own,
  so another decision's finding or award is pinned on the council complained to;
- `figure`: a £ amount or date in it is in neither the user's facts nor the paragraphs it cites (the letter-wide check
  in `app.cite` accepts one cited anywhere in the letter);
- `reversed`: it says "no fault" / "not unreasonable" of a decision that found fault, or fault of one that did not;
- `quote_function`: the job it gives a quotation ("the Ombudsman found" -> a finding, "on the remedy" / "recommended"
  -> a remedy, "the law says" -> the law) does not fit the role (`app.roles`) of the paragraph the words come from
  (for a summary, of the sentence they come from): a complaint or a council's account quoted as a finding, a finding
  as a remedy, a council's policy as the law.

`check_claims` marks each failing sentence with a `[check: ...]` mark (the form `cite.flag_unsupported` uses;
`CHECK_MARK_RE` finds both), after its last citation or before its full stop, notes why, counts it in
`Verification.claims_checked` / `claims_failed`, and fails the letter. `verify_claims` is `cite.verify` followed by
`check_claims`: what `precedent eval` runs over evals/gold/hostile.jsonl.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Callable, Literal

from .cite import (
    CITE_RE,
    DATE_RE,
    MONEY_RE,
    QUOTE_RE,
    UNVERIFIED,
    Citation,
    ParagraphSource,
    Verification,
    cited_pairs,
    date_keys,
    find_verbatim,
    money_values,
    verify,
)
from .models import Document
from .roles import COMPLAINT as COMPLAINT_VOICE
from .roles import COUNCIL as COUNCIL_VOICE
from .roles import NO_FAULT as ROLE_NO_FAULT
from .roles import paragraph_role, sentence_roles

ClaimKind = Literal["finding", "remedy", "law", "council_act", "amount", "cited", "own"]
Job = Literal["finding", "remedy", "law"]
Check = Literal["uncited", "council", "figure", "reversed", "quote_function"]

# the one form of mark a reader (and the web app) looks for: "[check: why]"; cite.UNSUPPORTED_MARK has it too
CHECK_MARK_RE = re.compile(r"\[check: [^\[\]\n]+\]")
MARKS: dict[str, str] = {
    "uncited": "[check: no decision is cited for this]",
    "council": "[check: the cited decision is about another council]",
    "figure": "[check: this figure is not in your facts or the decision cited here]",
    "reversed": "[check: the cited decision found the opposite]",
    "finding": "[check: the quoted words are not the Ombudsman's finding]",
    "remedy": "[check: the quoted words are not a remedy]",
    "law": "[check: the quoted words are not the law]",
}

# the roles a quotation may have for the job its sentence gives it. "Found" also fits the investigator's own account of
# the facts: of the 111 quotations the 24 gold template letters give a job, 6 are "background" quoted as found (a
# summary's "There was delay in completing the EHC needs assessment ...", an assessment's "The Council issued Y with an
# EHC Plan ... 11 weeks outside of the 20-week statutory timescale"), and each is what the Ombudsman found happened
JOB_ROLES: dict[str, set[str]] = {
    "finding": {"finding_fault", "finding_no_fault", "decision", "background"},
    "remedy": {"remedy"},
    "law": {"law"},
}
# a paragraph in one of these voices is never the Ombudsman's finding, remedy or law, whatever a sentence of it says
# ("The Council says it accepted it was at fault" reads as a finding sentence by itself)
OTHER_VOICES = {"complaint", "council_account"}


@dataclass
class Problem:
    """Why a claim fails: which check, the mark it gets in the letter, and the note's words."""

    check: Check
    mark: str
    why: str


@dataclass
class Quoted:
    """A quotation in a claim: the job the sentence gives it, and the role of the words it quotes (None: unknown)."""

    text: str
    job: Job | None
    role: str | None = None
    fits: bool | None = None  # None: no job given, or the role could not be read


@dataclass
class Claim:
    """One sentence of a letter, what it claims, and what is wrong with it."""

    text: str
    start: int  # its span in the body
    end: int
    kind: ClaimKind
    cites: list[tuple[str, str]] = field(default_factory=list)  # (doc_id, para) it cites, in order
    quotes: list[Quoted] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    marked: bool = False  # it already carries a mark ([check: ...] or [unverified])
    ask: bool = False  # an ask or an offer ("I ask for ...", "We propose a payment ...")
    supporting: list[tuple[str, str]] = field(default_factory=list)  # cited pairs that bear it out on every check

    @property
    def needs_support(self) -> bool:
        return self.kind != "own"


# ----------------------------------------------------------------------------- sentences

_ABBREV = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|St|No|para|paras|s|ss|e\.g|i\.e|etc|cf|vs|Co|Ltd)\.$")
_SPLIT = re.compile(r"[.!?][”\"’')]?\*{0,2}(?=\s)|\n")
_BRACKET = re.compile(r"\[[^\[\]\n]{1,200}\]")
_LEAD = re.compile(r"^(?:#+[^\n]*$|\*\*[^*\n]+\*\*\s*|\*[^*\n]+\*\s+)")


def _masked(body: str) -> str:
    """The body with the inside of quotations and every bracketed span (citations, marks) blanked to 'x', so what
    ends a sentence is found in the writer's own words only (same length: offsets carry over)."""
    chars = list(body)
    for m in QUOTE_RE.finditer(body):
        g = 1 if m.group(1) is not None else 2
        for i in range(m.start(g), m.end(g)):
            if chars[i] != "\n":
                chars[i] = "x"
    for m in _BRACKET.finditer(body):
        for i in range(m.start(), m.end()):
            chars[i] = "x"
    return "".join(chars)


def _soft_wrap(masked: str, at: int) -> bool:
    """A single line break inside a sentence (a hard-wrapped paragraph): the line before it ends mid-sentence and the
    next line goes on with it (not blank, not a list item or heading)."""
    before = masked[:at].rstrip(" \t")
    after = masked[at + 1 :]
    return bool(before) and before[-1] not in '.!?:;,*)]”"\n' and bool(re.match(r"[ \t]*[^\s\-*#>|0-9]", after))


def sentence_spans(body: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence: a sentence ends at . ! ? followed by a space and something that is not
    lower case (a citation after the full stop, `... “quote”. [24 004 187, para 19]`, stays with its sentence) or at a
    line break. Bold or italic lead-ins ("**What has gone wrong.**") and Markdown headings are not part of it."""
    masked = _masked(body)
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _SPLIT.finditer(masked):
        end = m.end()
        if m.group(0) == "\n" and _soft_wrap(masked, m.start()):
            continue
        if m.group(0) != "\n":
            rest = masked[end:].lstrip(" \t")
            if (
                (rest and rest[0].islower())
                or _ABBREV.search(masked[max(start, end - 8) : end].rstrip("*”\"’')"))
                or re.fullmatch(r"\s*\d{1,3}\.", masked[start:end])  # a numbered list's "1."
            ):
                continue
        spans.append((start, end))
        start = end
    spans.append((start, len(body)))
    out = []
    for s, e in spans:
        while s < e and body[s].isspace():
            s += 1
        while True:  # a heading or a bold lead-in is not a claim
            lead = _LEAD.match(body[s:e])
            if not lead or not lead.group(0):
                break
            s += lead.end()
            while s < e and body[s].isspace():
                s += 1
        e2 = e
        while e2 > s and body[e2 - 1].isspace():
            e2 -= 1
        if e2 > s:
            out.append((s, e2))
    return out


# ----------------------------------------------------------------------------- what a sentence claims

_VERB_PREFIX = r"(?:(?:has|have|had|also|then|further|previously|recently|repeatedly|often|clearly|already|once) )*"
ATTRIBUTION = re.compile(
    r"\b(?:the )?(?:Ombudsman|LGSCO)(?:['’]s)?\b[^.;:“\"]{0,80}?\b" + _VERB_PREFIX + r"(?P<verb>"
    r"found|finds|concluded|concludes|decided(?!\s+(?:on\s+)?\d)|decides|recommended|recommends|awarded|awards|ordered|"
    r"criticised|criticized|criticises|upheld|ruled|held that|said|says|stated|required|requires|agreed|accepted|"
    r"asked the council|told the council|made clear|confirmed)\b",
    re.I,
)
# what the Ombudsman does in general, not what it found in a decision ("The Ombudsman says it normally expects complaints
# within 12 months"): no citation needed
PROCEDURE = re.compile(
    r"\b(?:12|twelve) months\b|\bcomplain(?:t|ts)? to the (?:Local Government and Social Care )?Ombudsman\b|"
    r"\bOmbudsman(?:['’]s)? (?:will|would|can|could|may|might|normally|usually) ",
    re.I,
)
DECISION_CONTEXT = re.compile(
    r"\bin (?:a|an|one|another|that|this|the same|the other|a similar|a comparable|similar|comparable|other|a recent|"
    r"a previous|an earlier)\s+(?:(?:similar|comparable|other|recent|previous|earlier|published) )?"
    r"(?:case|complaint|decision|investigation|report)s?\b|\bin a complaint against\b|\bin the \w+ case\b",
    re.I,
)
REMEDY_VERB = re.compile(r"recommend|award|order|agreed", re.I)

JOB_CUES: list[tuple[str, re.Pattern[str]]] = [
    (
        "law",
        re.compile(
            r"\bthe law\b|\blegal duty\b|\bstatutory guidance\b|\bthe (?:\w+ )*act (?:says|requires|provides|states)|"
            r"\bthe regulations\b|\bthe code of practice\b|\bunder the statutory\b|\bstatutory (?:\w+ )?procedure\b",
            re.I,
        ),
    ),
    (
        "remedy",
        re.compile(
            r"\bon (?:the )?remed(?:y|ies)\b|\brecommend(?:ed|s)\b|\bagreed (?:remedy|to (?:pay|apologise|make|"
            r"reimburse|refund|remedy))\b|\bthe remedy (?:was|included|includes)\b|\bawarded\b|"
            r"\b(?:ordered|asked) (?:the|a|that) council to (?:pay|apologise)\b|\bagreed to pay\b",
            re.I,
        ),
    ),
    (
        "finding",
        re.compile(
            r"\b(?:found|finds|concluded|concludes|criticised|criticized|upheld|ruled|held that)\b|"
            r"\bdecided(?!\s+(?:on\s+)?\d)",
            re.I,
        ),
    ),
]

# what the writer says a decision found, outside the words quoted from it: "not unreasonable" before "unreasonable"
SAYS_NO_FAULT = re.compile(
    r"\bnot (?:been )?unreasonabl\w*|\bno fault\b|\bnot (?:at )?fault\b|\bdid not (?:find|uphold)\b|\bfound no\b|"
    r"\bnot find (?:any )?fault|\bacted (?:reasonably|properly|correctly|lawfully|appropriately)\b|"
    r"\b(?:was|were|is) (?:reasonable|justified|entitled)\b|\bnot upheld\b|\bno evidence of fault\b|"
    r"\bnot maladministration\b|\bno injustice\b|\bnothing wrong\b|\bnot delayed\b|\bno delay\b",
    re.I,
)
SAYS_FAULT = re.compile(
    r"\bfound fault\b|\bfinds? fault\b|\b(?:was|were|is|been) (?:at )?fault\b|\bat fault\b|\bfault (?:by|with|in|causing)\b|"
    r"\bfailed to\b|\bfailures?\b|\bfailings?\b|\bunreasonabl\w*|\bupheld\b|\bcriticised\b|\bmaladministration\b|"
    r"\binjustice\b",
    re.I,
)
PARA_FAULT = re.compile(
    r"\b(?:was|is|were|amounts? to|this is) (?:also )?fault\b|\bfault (?:by|causing|with)\b|\bfind fault\b|"
    r"\bfound fault\b|\bfailed to\b|\binjustice\b|\bunreasonabl",
    re.I,
)
PARA_NO_FAULT = re.compile(r"\bnot unreasonabl|\bwas reasonable\b|\bacted (?:reasonably|properly)\b", re.I)

# the sections that hold the ask (a parent's letter) or the offer (an officer's response)
ASK_HEADING = re.compile(r"\*\*(?:What I am asking for|What we are asking for|Putting things right)\b", re.I)
ASK = re.compile(
    r"\b(?:I|we) (?:ask|am asking|are asking|request|would like|want|seek|expect|propose|offer|will pay|"
    r"are offering|would ask)\b|\bplease\b|\bwhat I am asking for\b",
    re.I,
)

# ----------------------------------------------------------------------------- councils

_GENERIC = {
    "council",
    "city",
    "county",
    "borough",
    "district",
    "metropolitan",
    "of",
    "and",
    "&",
    "the",
    "royal",
    "london",
    "upon",
    "on",
    "unitary",
}
_STARTERS = {
    "a",
    "an",
    "in",
    "like",
    "unlike",
    "as",
    "both",
    "when",
    "where",
    "if",
    "for",
    "by",
    "with",
    "from",
    "to",
    "but",
    "so",
    "also",
    "then",
    "dear",
    "against",
    "at",
    "whereas",
    "while",
    "after",
    "before",
    "this",
    "that",
    "my",
    "our",
    "your",
    "their",
    "its",
    "his",
    "her",
    "each",
    "every",
    "any",
    "another",
    "other",
    "however",
    "similarly",
    "mr",
    "mrs",
    "ms",
    "miss",
    "dr",
    "i",
    "we",
}
COUNCIL_NAME = re.compile(
    r"\b(?:London|Royal) Borough [Oo]f [A-Z][\w’'-]+(?:,? (?:(?:and|upon) )?[A-Z][\w’'-]+)*(?: Council)?"
    r"|(?:[A-Z][\w’'-]*,? (?:(?:and|&|of|upon|on|the) )?)+Council\b"
)


def council_core(name: str | None) -> frozenset[str]:
    """The words that tell one council from another ("Liverpool City Council" -> {"liverpool"})."""
    words = re.findall(r"[a-z’'&-]+", (name or "").lower().replace("’", "'"))
    words = [w.strip("'") for w in words]
    return frozenset(w for w in words if w and w not in _GENERIC and w not in _STARTERS and not w.endswith("'s"))


def council_names(text: str) -> list[tuple[int, str, frozenset[str]]]:
    """(offset, name, core) of each council named in `text` ("the Council" names none)."""
    out = []
    for m in COUNCIL_NAME.finditer(text):
        core = council_core(m.group(0))
        if core:
            out.append((m.start(), m.group(0).strip(" ,"), core))
    return out


def same_council(a: frozenset[str], b: frozenset[str]) -> bool:
    return bool(a) and bool(b) and (a <= b or b <= a)


# ----------------------------------------------------------------------------- what the claims are checked against


class DecisionBook:
    """What the claim checks read of a cited decision: its council, its date, and its paragraphs with their headings
    (for their roles). Reads through `source.index` when the source has one (`cite.IndexSource`); a source without one
    gives only paragraph texts, and the checks that need more are skipped."""

    def __init__(self, source: ParagraphSource):
        self.source = source
        self._docs: dict[str, Document | None] = {}

    def document(self, doc_id: str) -> Document | None:
        if doc_id not in self._docs:
            index = getattr(self.source, "index", None)
            try:
                self._docs[doc_id] = index.document(doc_id) if index is not None else None
            except Exception:  # a source that cannot say: the checks that need it are skipped
                self._docs[doc_id] = None
        return self._docs[doc_id]

    def text(self, doc_id: str, para: str) -> str:
        return self.source.paragraph_text(doc_id, para) or ""

    def organisation(self, doc_id: str) -> str | None:
        doc = self.document(doc_id)
        return doc.organisation if doc else None

    def decision_words(self, doc_id: str) -> str:
        """The decision's date as letters write it, which a sentence citing it may state ("decided 8 March 2024")."""
        doc = self.document(doc_id)
        if not doc or not doc.decision_date:
            return ""
        y, m, d = (int(x) for x in doc.decision_date.split("-"))
        return f"{d} {date(y, m, d):%B %Y}"

    def roles(self, doc_id: str, para: str, quote: str | None = None) -> tuple[str | None, list[tuple[str, str]]]:
        """(the paragraph's role, the roles of the sentences `quote` comes from); (None, [...]) for a summary, whose
        sentences are read one by one, and (None, []) when the paragraph cannot be read."""
        doc = self.document(doc_id)
        if doc is None:
            return None, []
        if para == "summary":
            text, role = doc.summary or "", None
        else:
            p = doc.paragraph(para)
            if p is None:
                return None, []
            text, role = p.text, paragraph_role(p.section, p.text, doc.kind)
        return role, _sentence_roles_of(text, quote)

    def polarity(self, doc_id: str, para: str) -> set[str]:
        """What a cited paragraph says of fault: {"fault"}, {"no_fault"}, both, or neither (not a finding)."""
        doc = self.document(doc_id)
        if doc is not None and doc.kind not in ("decision", "report"):
            return set()
        role, sroles = self.roles(doc_id, para)
        text = self.text(doc_id, para)
        roles = {role} if role else {r for _, r in sroles}
        out = set()
        if roles & {"finding_fault", "remedy"} or (role in (None, "decision") and PARA_FAULT.search(text)):
            out.add("fault")
        if "finding_no_fault" in roles or ROLE_NO_FAULT.search(text) or PARA_NO_FAULT.search(text):
            out.add("no_fault")
        return out


def _sentence_roles_of(text: str, quote: str | None) -> list[tuple[str, str]]:
    """(sentence, role) for the sentences of `text` the quote's words come from (every sentence when no quote)."""
    sents = sentence_roles(text)
    if not quote:
        return list(sents)
    span = find_verbatim(quote, text)
    if not span:
        return []
    at = text.find(span)
    out, pos = [], 0
    for s, role in sents:
        i = text.find(s, pos)
        if i < 0:
            continue
        pos = i + len(s)
        if at < 0 or (i < at + len(span) and at < i + len(s)):
            out.append((s, role))
    return out


# ----------------------------------------------------------------------------- reading the claims


def _blank(text: str, pattern: re.Pattern[str]) -> str:
    return pattern.sub(lambda m: " " * len(m.group(0)), text)


def _frame(sentence: str) -> str:
    """The writer's own words of a sentence: quotations and bracketed spans blanked (offsets kept)."""
    return _blank(_blank(sentence, QUOTE_RE), _BRACKET)


def _job(segment: str) -> Job | None:
    """The job a lead-in gives the quotation after it: the cue closest to the quotation wins."""
    best: tuple[int, Job] | None = None
    for job, pattern in JOB_CUES:
        for m in pattern.finditer(segment):
            if best is None or m.end() > best[0]:
                best = (m.end(), job)  # type: ignore[assignment]
    return best[1] if best else None


def _figures(frame: str, body_after: Callable[[int], str]) -> list[tuple[str, str]]:
    """(kind, text) of each £ amount and date in the writer's own words, skipping those already marked unverified."""
    out = []
    for m in MONEY_RE.finditer(frame):
        if not body_after(m.end()).lstrip().startswith(UNVERIFIED):
            out.append(("amount", m.group(0)))
    for m in DATE_RE.finditer(frame):
        if date_keys(m.group(0)) and not body_after(m.end()).lstrip().startswith(UNVERIFIED):
            out.append(("date", m.group(0)))
    return out


def _date_ok(key: tuple[int, int, int | None], known: set[tuple[int, int, int | None]]) -> bool:
    y, m, d = key
    if y == 0:
        return any(k[1] == m and k[2] == d for k in known)
    if d is None:
        return any(k[0] == y and k[1] == m for k in known)
    return key in known


def _figure_in(kind: str, text: str, support: str) -> bool:
    if kind == "amount":
        return money_values(text) <= money_values(support)
    known = date_keys(support)
    return all(_date_ok(k, known) for k in date_keys(text))


def read_claims(
    body: str, source: ParagraphSource, facts_text: str = "", book: DecisionBook | None = None
) -> list[Claim]:
    """Every sentence of `body` as a `Claim`, with its problems (nothing is marked: see `check_claims`)."""
    book = book or DecisionBook(source)
    facts_low = facts_text.lower()
    facts_words = set(re.findall(r"[a-z’'&-]+", facts_low))
    claims = []
    in_ask = False
    for start, end in sentence_spans(body):
        sentence = body[start:end]
        claim = _read_claim(body, start, end, sentence, source, book, facts_text, facts_words)
        line_start = body.rfind("\n", 0, start) + 1
        if body.startswith("**", line_start):  # a section starts: the ask or the offer, or something else
            in_ask = bool(ASK_HEADING.match(body, line_start))
        # every sentence of the ask or the offer is an ask, though a list item does not say "I ask" itself
        claim.ask = claim.ask or in_ask
        claims.append(claim)
    return claims


def _read_claim(
    body: str,
    start: int,
    end: int,
    sentence: str,
    source: ParagraphSource,
    book: DecisionBook,
    facts_text: str,
    facts_words: set[str],
) -> Claim:
    frame = _frame(sentence)
    cites = list(dict.fromkeys(cited_pairs(sentence, source.resolve)))
    marked = bool(CHECK_MARK_RE.search(sentence)) or UNVERIFIED in sentence
    claim = Claim(sentence, start, end, "own", cites=cites, marked=marked)
    claim.ask = bool(ASK.search(frame))
    attribution = None if PROCEDURE.search(frame) else ATTRIBUTION.search(frame)
    context = DECISION_CONTEXT.search(frame)
    in_facts = lambda core: core <= facts_words  # noqa: E731
    named = council_names(frame)
    others = [(at, n, core) for at, n, core in named if not in_facts(core)]

    # the quotations, each with the job its lead-in gives it
    previous_end, previous_job = 0, None
    for m in QUOTE_RE.finditer(sentence):
        q = m.group(1) if m.group(1) is not None else m.group(2)
        if len(q.split()) <= 3 or (not cites and find_verbatim(q, facts_text)):
            continue  # a term in quotation marks, or the user quoting their own correspondence
        segment = CITE_RE.sub(" ", sentence[previous_end : m.start()])
        job = _job(segment) or (previous_job if previous_end else None)
        quoted = Quoted(q, job)
        holder = next(((d, n) for d, n in cites if find_verbatim(q, book.text(d, n))), None)
        if holder and job:
            _read_quote(quoted, job, *book.roles(*holder, quote=q))
        claim.quotes.append(quoted)
        previous_end, previous_job = m.end(), job

    # what kind of claim it is
    jobs = [q.job for q in claim.quotes if q.job]
    if jobs:
        claim.kind = jobs[0]
    elif attribution:
        claim.kind = "remedy" if REMEDY_VERB.search(attribution.group("verb")) else "finding"
    elif context or others:
        claim.kind = "council_act"
    elif cites and _job(frame) == "law":
        claim.kind = "law"
    elif any(not _figure_in(k, t, facts_text) for k, t in _figures(frame, lambda i: body[start + i : start + i + 20])):
        claim.kind = "amount"  # a figure the user did not give, with no citation to hold it
    elif cites:
        claim.kind = "cited"

    # 1. its own citation
    needs_own = bool(attribution or context or others)
    if needs_own and not cites and UNVERIFIED not in sentence:  # a removed citation is reported where it was removed
        who = (
            "what the Ombudsman " + attribution.group("verb").lower()
            if attribution
            else f"what {others[0][1]} did"
            if others
            else "what happened in another decision"
        )
        claim.problems.append(Problem("uncited", MARKS["uncited"], f"it says {who} but cites no decision itself"))

    # 2. the council it names
    if cites:
        _check_councils(claim, frame, named, book, attribution, facts_words, facts_text)

    # 3. its figures: in the facts or in the paragraphs it cites
    support = "\n".join(
        [
            facts_text,
            *(book.text(d, n) for d, n in cites),
            *(book.decision_words(d) for d in dict.fromkeys(c[0] for c in cites)),
        ]
    )
    for kind, text in _figures(frame, lambda i: body[start + i : start + i + 20]):
        if not _figure_in(kind, text, support):
            where = "the decision it cites" if cites else "a decision cited beside it (it cites none itself)"
            claim.problems.append(Problem("figure", MARKS["figure"], f"{text} is not in your facts or in {where}"))

    # 4. the direction of the finding it reports
    if cites:
        says = "no_fault" if SAYS_NO_FAULT.search(frame) else "fault" if SAYS_FAULT.search(frame) else None
        if says and (attribution or context or claim.kind in ("finding", "council_act")):
            found = set().union(*(book.polarity(d, n) for d, n in cites))
            opposite = "fault" if says == "no_fault" else "no_fault"
            if found and says not in found and opposite in found:
                said = "no fault" if says == "no_fault" else "fault"
                actual = "found fault" if opposite == "fault" else "found no fault"
                claim.problems.append(
                    Problem(
                        "reversed",
                        MARKS["reversed"],
                        f"it says the decision found {said}, but the decision it cites {actual}",
                    )
                )

    # 5. what each quotation is quoted as
    for q in claim.quotes:
        if q.fits is False and q.job:
            shown = (q.role or "something else").replace("_", " ")
            claim.problems.append(
                Problem(
                    "quote_function",
                    MARKS[q.job],
                    f"it quotes “{_short(q.text, 40)}” as {_JOB_WORDS[q.job]}, but those words are {_ROLE_WORDS.get(q.role or '', shown)}",
                )
            )
    claim.supporting = [pair for pair in cites if _pair_supports(claim, pair, book, frame)]
    return claim


def _read_quote(quoted: Quoted, job: Job, role: str | None, sroles: list[tuple[str, str]]) -> None:
    """Does the quotation do the job its sentence gives it? `role`: its paragraph's (None for a summary); `sroles`:
    (sentence, role) for the sentences its words come from."""
    if role is None and not sroles:
        return
    allowed = JOB_ROLES[job]
    roles = [r for _, r in sroles]
    voiced = any(COUNCIL_VOICE.search(_plain(s)) or COMPLAINT_VOICE.search(_plain(s)) for s, _ in sroles)
    if role is not None and role in allowed:
        quoted.fits = True
    elif role in OTHER_VOICES:
        # a complaint or a council's account, unless the words quoted are a sentence of the investigator's own in it
        quoted.fits = bool(sroles) and not voiced and any(r in allowed for r in roles)
    else:
        quoted.fits = any(r in allowed for r in roles)
    quoted.role = role if role is not None and not (quoted.fits and role not in allowed) else None
    if quoted.role is None:
        quoted.role = next((r for r in roles if (r in allowed) == quoted.fits), roles[0] if roles else role)


def fits_job(job: Job, quote: str, text: str, section: str | None, kind: str = "decision") -> bool:
    """Would quoting `quote` from this paragraph (its heading `section`, None for a decision's summary) as `job` pass
    the quote-function check? For a writer choosing what to quote: a `Hit`'s `section`, `text` and `kind`."""
    role = paragraph_role(section, text, kind) if section is not None else None
    quoted = Quoted(quote, job)
    _read_quote(quoted, job, role, _sentence_roles_of(text, quote))
    return quoted.fits is not False


def _plain(s: str) -> str:
    return s.strip().replace("’", "'").replace("‘", "'")


_JOB_WORDS = {"finding": "the Ombudsman's finding", "remedy": "a remedy", "law": "the law"}
_ROLE_WORDS = {
    "complaint": "the complaint (what the complainant said)",
    "council_account": "the council's own account or policy",
    "background": "an account of what happened",
    "law": "the law",
    "finding_fault": "a finding of fault",
    "finding_no_fault": "a finding of no fault",
    "remedy": "the remedy",
    "decision": "the decision",
    "jurisdiction": "about the Ombudsman's jurisdiction",
}


def _check_councils(
    claim: Claim,
    frame: str,
    named: list[tuple[int, str, frozenset[str]]],
    book: DecisionBook,
    attribution: re.Match | None,
    facts_words: set[str],
    facts_text: str,
) -> None:
    """A council named in a cited sentence is the cited decision's (or is named in the cited words), or it is the
    user's own council in the user's own clause, before anything is attributed to a decision, and that clause does not
    give it the cited decision's award or words ("Liverpool City Council will pay me £2,200 [Norfolk's decision]")."""
    orgs = [(d, book.organisation(d)) for d in dict.fromkeys(d for d, _ in claim.cites)]
    known = [(d, council_core(o), o) for d, o in orgs if o]
    if not known:
        return  # no decision here says which council it was about
    cited_text = " ".join(book.text(d, n) for d, n in claim.cites).lower()
    cited_words = set(re.findall(r"[a-z’'&-]+", cited_text))
    claim_from = attribution.start() if attribution else len(frame)
    for at, name, core in named:
        if any(same_council(core, c) for _, c, _ in known) or core <= cited_words:
            continue
        clause = frame[at:claim_from]  # what the sentence says of the user's council, before any attribution
        pinned = bool(money_values(clause) - money_values(facts_text)) or (attribution is None and bool(claim.quotes))
        if core <= facts_words and at < claim_from and not DECISION_CONTEXT.search(frame[:at]) and not pinned:
            continue  # "Liverpool City Council has failed T, as the Ombudsman found in a similar case [..]"
        about = " and ".join(dict.fromkeys(o for _, _, o in known))
        claim.problems.append(
            Problem("council", MARKS["council"], f"it names {name}, but the decision it cites is about {about}")
        )


def _pair_supports(claim: Claim, pair: tuple[str, str], book: DecisionBook, frame: str) -> bool:
    """Does this one cited paragraph bear the claim out (ALCE-style precision)? Not when the claim names another
    council or reverses the finding (no cited paragraph bears that out), nor when it quotes words from it as what they
    are not; a paragraph the claim quotes nothing from bears out only a figure it holds."""
    if any(p.check in ("council", "reversed") for p in claim.problems):
        return False
    text = book.text(*pair)
    held = [q for q in claim.quotes if find_verbatim(q.text, text)]
    if held:
        return all(q.fits is not False for q in held)
    if claim.quotes:
        figures = _figures(frame, lambda i: "")
        return any(_figure_in(kind, t, text) for kind, t in figures)
    return True


def _short(text: str, n: int = 60) -> str:
    text = re.sub(r"\s+([.,;:])", r"\1", " ".join(CITE_RE.sub("", text).split()))
    return text if len(text) <= n else text[: n - 1] + "…"


# ----------------------------------------------------------------------------- marking


def _mark_at(body: str, claim: Claim) -> int:
    """Where a claim's mark goes: after its last citation, else before its closing punctuation."""
    last = None
    for m in CITE_RE.finditer(body, claim.start, claim.end):
        last = m
    if last:
        return last.end()
    end = claim.end
    while end > claim.start and body[end - 1] in ".!?*”\"’')":
        end -= 1
    return end


def check_claims(body: str, source: ParagraphSource, facts_text: str = "") -> tuple[str, Verification]:
    """Check 5, every writer's letter: each claim against the paragraphs it cites. Failing sentences are marked
    (`MARKS`), noted and counted; the letter passes only if none fails."""
    v = Verification()
    claims = read_claims(body, source, facts_text)
    inserts: list[tuple[int, str]] = []
    for c in claims:
        if not c.needs_support:
            continue
        v.claims_checked += 1
        if not c.problems:
            continue
        v.claims_failed += 1
        v.notes.append(f"marked '{_short(c.text)}': " + "; ".join(p.why for p in c.problems))
        if not c.marked:
            inserts.append((_mark_at(body, c), c.problems[0].mark))
    for pos, mark in sorted(inserts, reverse=True):
        body = body[:pos] + " " + mark + body[pos:]
    v.passed = not v.claims_failed
    return body, v


def verify_claims(
    letter: str,
    source: ParagraphSource,
    facts_text: str = "",
    allowed: set[tuple[str, str]] | None = None,
    source_path: Callable[[str], str] | None = None,
    extra_allowed_text: str = "",
) -> tuple[str, Verification, list[Citation]]:
    """`cite.verify`, then `check_claims` on what it leaves: the whole check a letter gets (same signature)."""
    body, v, citations = verify(letter, source, facts_text, allowed, source_path, extra_allowed_text)
    body, by_claims = check_claims(body, source, facts_text)
    return body, v.merge(by_claims), citations


def unmarked_failures(body: str, source: ParagraphSource, facts_text: str = "") -> list[Claim]:
    """Claims in a finished letter that fail a check and carry no mark: what a reader would take at its word."""
    return [c for c in read_claims(body, source, facts_text) if c.problems and not c.marked]
