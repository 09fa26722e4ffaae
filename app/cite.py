"""Verification: whoever wrote a draft, every citation must resolve to a real paragraph, every quotation must
be verbatim in the paragraph it cites, and every £ amount, date and reference must appear in the user's facts or
in a cited paragraph. What fails is removed or visibly marked, and the report says which and why.

`verify` runs the checks in turn, each a function returning a partial `Verification` that `Verification.merge`
adds up: `check_citations` (resolve, and among the paragraphs retrieved), `check_citation_form` (malformed
citations and stray source markers), `check_quotations` (verbatim), `check_provisions` (every provision named is in
the law register; a council's own policy is never presented as the law), `check_facts` (amounts, dates,
references), then `citation_list`.

Citation syntax: `[24 004 187, para 19]`, `[24 004 187, paras 19 and 21]`, `[24 004 187, summary]`; the law as
`[Education Act 1996, s 19(1)]`, `[SEND Regulations 2014, reg 13(2)]`, `[SEND Code of Practice 2015, para 9.166]`
(`citation_targets` resolves either form to the held paragraphs).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from typing import Callable, Protocol

from .corpus import FOLD_MAP, normalise_ref
from .law import cite_text, instrument_name, law_label, named_provisions, pinpoint_key, split_law_id
from .roles import paragraph_role
from .text import content_words, words3

CITE_RE = re.compile(
    r"\[\s*(?P<id>[^\[\],\n]{2,80}?)\s*,\s*(?:(?P<summary>summary)|(?:paras?|paragraphs?|¶¶?)\.?\s*"
    r"(?P<nums>[0-9][0-9.()a-z]*(?:\s*(?:,|and|&)\s*[0-9][0-9.()a-z]*)*)"
    # the law: [Education Act 1996, s 19(1)], [SEND Regulations 2014, reg 13(2)], [Education Act 1996, Sch 35B para 2]
    r"|(?P<law>(?:s|ss|sections?|regs?|regulations?|r|rules?|Sch(?:edule)?\.?\s*\d+[A-Z]*\s+paras?|page)\.?\s*"
    r"\d+[A-Z]*(?:\([0-9A-Za-z]{1,3}\))*))\s*\]",
    re.I,
)
QUOTE_RE = re.compile(r"“((?:[^”\n]|\n(?![ \t]*\n)){1,1500})”|\"((?:[^\"\n]|\n(?![ \t]*\n)){1,1500})\"")
MONEY_RE = re.compile(r"£\s?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?(?!\d)")
MONTHS = "january february march april may june july august september october november december".split()
_MON = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
DATE_RE = re.compile(
    rf"\b(?:(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m1>{_MON})\.?,?\s+(?P<y1>(?:19|20)\d\d)"
    rf"|(?P<m2>{_MON})\.?\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y2>(?:19|20)\d\d)"
    rf"|(?P<m3>{_MON})\.?\s+(?P<y3>(?:19|20)\d\d)"
    rf"|(?P<y4>(?:19|20)\d\d)-(?P<m4>[01]\d)(?:-(?P<d4>[0-3]\d))?"
    rf"|(?P<d5>[0-3]?\d)/(?P<m5>[01]?\d)/(?P<y5>(?:19|20)\d\d)"
    rf"|(?P<d6>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m6>{_MON})(?!\w)"
    rf"|(?P<m7>{_MON})\s+(?P<d7>\d{{1,2}})(?:st|nd|rd|th)?(?![\d,]))\b",
    re.I,
)
UNVERIFIED = "[unverified]"
# a reference in running text: as corpus.REF_RE, but "in case 25 123 456, the ..." counts too (a comma may follow)
PROSE_REF_RE = re.compile(r"(?<![\d£.,])(\d{2})[ \-]?(\d{3})[ \-]?(\d{3})(?!\d|,\d)")


class ParagraphSource(Protocol):
    def resolve(self, ident: str) -> str | None: ...

    def paragraph_text(self, doc_id: str, para: str) -> str | None: ...

    def paragraphs_of(self, doc_id: str) -> list[tuple[str, str]]: ...


@dataclass
class Citation:
    doc_id: str
    ref: str | None
    para: str
    quote: str | None
    source: str

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Verification:
    citations_checked: int = 0
    citations_removed: int = 0
    quotes_checked: int = 0
    quotes_fixed_or_removed: int = 0
    unsupported_facts: list[str] = field(default_factory=list)
    passed: bool = True
    notes: list[str] = field(default_factory=list)  # one line per thing removed, fixed or marked, and why
    claims_flagged: int = 0  # model-written sentences whose cited paragraphs may not bear them out (flag_unsupported)
    claims_checked: int = 0  # sentences that claim what a decision, the Ombudsman or the law says (app.claims)
    claims_failed: int = 0  # of those, the ones marked: uncited, another council's, a moved figure, reversed, misquoted

    def merge(self, other: Verification) -> Verification:
        """Two records as one (two checks, or two passes over a letter): counts add up, lists and notes run on
        (this one's first), and it passed only if both did."""
        return Verification(
            citations_checked=self.citations_checked + other.citations_checked,
            citations_removed=self.citations_removed + other.citations_removed,
            quotes_checked=self.quotes_checked + other.quotes_checked,
            quotes_fixed_or_removed=self.quotes_fixed_or_removed + other.quotes_fixed_or_removed,
            unsupported_facts=self.unsupported_facts + other.unsupported_facts,
            passed=self.passed and other.passed,
            notes=self.notes + other.notes,
            claims_flagged=self.claims_flagged + other.claims_flagged,
            claims_checked=self.claims_checked + other.claims_checked,
            claims_failed=self.claims_failed + other.claims_failed,
        )

    def to_dict(self) -> dict:
        return {
            "citations_checked": self.citations_checked,
            "citations_removed": self.citations_removed,
            "quotes_checked": self.quotes_checked,
            "quotes_fixed_or_removed": self.quotes_fixed_or_removed,
            "unsupported_facts": list(self.unsupported_facts),
            "passed": self.passed,
            "claims_flagged": self.claims_flagged,
            "claims_checked": self.claims_checked,
            "claims_failed": self.claims_failed,
            "notes": list(self.notes),
        }


# ----------------------------------------------------------------------------- text matching


_TABLE = str.maketrans(FOLD_MAP | {"\u2026": "..."})  # a quotation's "…" may stand for the source's "..."


def _fold_with_map(s: str) -> tuple[str, list[int]]:
    """Lower-cased, typography-folded, whitespace-collapsed text and, per output char, its index in `s`."""
    out: list[str] = []
    idx: list[int] = []
    prev_space = True
    for i, ch in enumerate(s):
        ch = unicodedata.normalize("NFKC", ch).translate(_TABLE).lower()
        for c in ch:
            if c.isspace():
                if prev_space:
                    continue
                c = " "
                prev_space = True
            else:
                prev_space = False
            out.append(c)
            idx.append(i)
    while out and out[-1] == " ":
        out.pop()
        idx.pop()
    return "".join(out), idx


def fold_text(s: str) -> str:
    return _fold_with_map(s)[0]


def find_verbatim(quote: str, text: str) -> str | None:
    """The span of `text` that `quote` reproduces (typography, case at sentence start and whitespace folded), or None.
    An ellipsis in the quote may stand for omitted words; the parts must then appear in order."""
    parts = [p.strip(" .,;:") for p in re.split(r"\s*(?:\.\.\.|…)\s*", quote) if p.strip(" .,;:")]
    if not parts:
        return None
    hay, idx = _fold_with_map(text)
    pos = 0
    start = end = None
    for part in parts:
        needle = fold_text(part)
        if not needle:
            continue
        at = hay.find(needle, pos)
        if at < 0:
            return None
        if start is None:
            start = at
        pos = at + len(needle)
        end = pos
    if start is None or end is None:
        return None
    return text[idx[start] : idx[end - 1] + 1]


def money_values(text: str) -> set[float]:
    vals = set()
    for m in MONEY_RE.finditer(text):
        vals.add(round(float(m.group(1).replace(",", "") + "." + (m.group(2) or "0")), 2))
    return vals


def _month(s: str | None) -> int | None:
    if not s:
        return None
    if s.isdigit():
        return int(s)
    s = s.lower()[:3]
    return next((i + 1 for i, m in enumerate(MONTHS) if m.startswith(s)), None)


def date_keys(text: str) -> set[tuple[int, int, int | None]]:
    """(year, month, day or None) for each date written in the text."""
    keys = set()
    for m in DATE_RE.finditer(text):
        g = m.groupdict()
        for d, mo, y in (
            ("d1", "m1", "y1"),
            ("d2", "m2", "y2"),
            (None, "m3", "y3"),
            ("d4", "m4", "y4"),
            ("d5", "m5", "y5"),
            ("d6", "m6", None),
            ("d7", "m7", None),
        ):
            if g.get(mo) and (y is None or g.get(y)):
                month = _month(g.get(mo))
                day = int(g[d]) if d and g.get(d) else None
                if month and 1 <= month <= 12 and (day is None or 1 <= day <= 31):
                    keys.add((int(g[y]) if y else 0, month, day))  # year 0: a day and month written without a year
                break
    return keys


def ref_values(text: str) -> set[str]:
    return {f"{a} {b} {c}" for a, b, c in PROSE_REF_RE.findall(text)}


def _date_supported(key: tuple[int, int, int | None], known: set[tuple[int, int, int | None]]) -> bool:
    y, m, d = key
    if y == 0:
        return any(k[1] == m and k[2] == d for k in known)
    if d is None:
        return any(k[0] == y and k[1] == m for k in known)
    return key in known


# ----------------------------------------------------------------------------- the verifier


def expand_nums(nums: str) -> list[str]:
    return [n for n in re.split(r"\s*(?:,|and|&)\s*", nums.strip()) if n]


def law_targets(source: ParagraphSource, instrument: str, pinpoint: str) -> list[tuple[str, str]]:
    """(doc_id, para) of the held law paragraphs a pinpoint names: "s 19(1)" of the Education Act 1996, or a whole
    extract ("s 19") as all its paragraphs. Empty when the source holds no such words (or cannot list law)."""
    docs = getattr(source, "law_docs", None)
    if docs is None:
        return []
    key = pinpoint_key(pinpoint)
    found: list[tuple[str, str]] = []
    for doc_id in docs(instrument_name(instrument) or " ".join(instrument.split())):
        _, provision = split_law_id(doc_id) or ("", "")
        paras = source.paragraphs_of(doc_id)
        if pinpoint_key(provision) == key:
            return [(doc_id, p) for p, _ in paras]
        found += [(doc_id, p) for p, _ in paras if pinpoint_key((law_label(doc_id, p) or "").partition(", ")[2]) == key]
    return found[:1]


def citation_targets(
    c: re.Match, source: ParagraphSource, resolve: Callable[[str], str | None] | None = None
) -> list[tuple[str | None, str]]:
    """(doc_id, para) for each paragraph one CITE_RE match cites; doc_id None where nothing held answers it (the
    para is then the pinpoint as written). A decision: `[24 004 187, paras 19 and 21]`; the law:
    `[Education Act 1996, s 19(1)]`, or `[SEND Code of Practice 2015, para 9.166]` when no decision has that name."""
    resolve = resolve or source.resolve
    ident = c.group("id").strip()
    if c.group("law"):
        pin = " ".join(c.group("law").split())
        return law_targets(source, ident, pin) or [(None, pin)]
    doc_id = resolve(ident)
    nums = _paras_cited(c)
    if doc_id is None and not c.group("summary"):
        out: list[tuple[str | None, str]] = []
        for n in nums:
            out += law_targets(source, ident, f"para {n}")[:1] or [(None, n)]
        return out
    return [(doc_id, n) for n in nums]


def verify(
    letter: str,
    source: ParagraphSource,
    facts_text: str = "",
    allowed: set[tuple[str, str]] | None = None,
    source_path: Callable[[str], str] | None = None,
    extra_allowed_text: str = "",
) -> tuple[str, Verification, list[Citation]]:
    """Check a draft. Returns the corrected letter, the report, and one Citation per (paragraph, quote) kept.

    `allowed`: the (doc_id, para) pairs the writer was given; a citation outside them is removed even if real,
    because nothing checked that it supports the sentence it is attached to.
    """
    original = letter
    resolve = functools.cache(source.resolve)
    letter, by_citations = check_citations(letter, source, resolve, allowed)
    letter, by_form = check_citation_form(letter)
    letter, by_quotes, quotes = check_quotations(letter, source, resolve, facts_text, allowed)
    by_law = check_provisions(letter, source, resolve)
    cited = cited_pairs(letter, resolve, source)
    letter, by_facts = check_facts(letter, original, source, cited, facts_text, extra_allowed_text)
    v = by_citations.merge(by_form).merge(by_quotes).merge(by_law).merge(by_facts)
    return _tidy_spacing(letter), v, citation_list(source, cited, quotes, source_path)


def _paras_cited(c: re.Match) -> list[str]:
    """The paragraph numbers one citation names ("summary" for `[.., summary]`)."""
    return ["summary"] if c.group("summary") else expand_nums(c.group("nums") or "")


def check_citations(
    letter: str, source: ParagraphSource, resolve: Callable[[str], str | None], allowed: set[tuple[str, str]] | None
) -> tuple[str, Verification]:
    """Check 1: each citation resolves to a real paragraph the writer was given; rewritten to canonical form,
    dropped (or marked unverified) when it does not."""
    v = Verification()

    def fix_citation(m: re.Match) -> str:
        ident = m.group("id").strip()
        targets = citation_targets(m, source, resolve)
        good: list[tuple[str, str]] = []
        for doc_id, n in targets:
            v.citations_checked += 1
            if doc_id is None:
                v.citations_removed += 1
                if m.group("law") or (instrument_name(ident) and resolve(ident) is None):
                    v.notes.append(f"removed citation {m.group(0)}: no such provision is held in the index")
                else:
                    v.notes.append(f"removed citation [{ident}, para {n}]: no decision {ident!r} in the index")
                continue
            if source.paragraph_text(doc_id, n) is None:
                v.citations_removed += 1
                v.notes.append(f"removed citation [{ident}, para {n}]: {doc_id} has no paragraph {n}")
                continue
            if allowed is not None and (doc_id, n) not in allowed:
                v.citations_removed += 1
                v.notes.append(
                    f"removed citation {cite_text(doc_id, n)}: not among the paragraphs retrieved for this draft"
                )
                continue
            good.append((doc_id, n))
        if not good:
            return UNVERIFIED if targets else ""
        if any(split_law_id(d) for d, _ in good):
            # the law keeps the form it was cited in when every paragraph held; else each held paragraph's own label
            if len(good) == len(targets):
                return m.group(0)
            return " ".join(cite_text(d, n) for d, n in good)
        doc_id, nums = good[0][0], [n for _, n in good]
        if nums == ["summary"]:
            return f"[{doc_id}, summary]"
        label = "para" if len(nums) == 1 else "paras"
        joined = nums[0] if len(nums) == 1 else ", ".join(nums[:-1]) + " and " + nums[-1]
        return f"[{doc_id}, {label} {joined}]"

    letter = CITE_RE.sub(fix_citation, letter)
    v.passed = not v.citations_removed
    return letter, v


def check_citation_form(letter: str) -> tuple[str, Verification]:
    """Check 1b: a bracketed reference that is not in citation form is not a citation either, nor is a source marker
    ([S7], [S2, S3], [S9, para ?]) that no source answers: one typed into the facts, or invented by a model."""
    v = Verification()
    for m in re.finditer(
        r"\[(?:[^\[\]\n]*?)(\d{2} ?\d{3} ?\d{3})(?:[^\[\]\n]*?)\]|\[\s*S\d+\b[^\[\]\n]{0,40}\]", letter
    ):
        if not CITE_RE.fullmatch(m.group(0)) and m.group(0) != UNVERIFIED:
            v.citations_checked += 1
            v.citations_removed += 1
            v.notes.append(f"removed malformed citation {m.group(0)}")
            letter = letter.replace(m.group(0), UNVERIFIED, 1)
    v.passed = not v.citations_removed
    return letter, v


def check_quotations(
    letter: str,
    source: ParagraphSource,
    resolve: Callable[[str], str | None],
    facts_text: str,
    allowed: set[tuple[str, str]] | None,
) -> tuple[str, Verification, dict[tuple[str, str], list[str]]]:
    """Check 2: each quotation is verbatim in a paragraph cited after it in the same sentence. The right words in the
    wrong paragraph of the same decision move the citation; words found nowhere are removed. Also returns the
    verbatim spans found, by (doc_id, para), for the citation list."""
    v = Verification()
    quotes: dict[tuple[str, str], list[str]] = {}
    out = []
    pos = 0
    for m in QUOTE_RE.finditer(letter):
        q = m.group(1) if m.group(1) is not None else m.group(2)
        words = len(q.split())
        sentence_end = _sentence_end(letter, m.end())
        cites = [(citation_targets(c, source, resolve), c) for c in CITE_RE.finditer(letter, m.end(), sentence_end)]
        targets = [(doc_id, n) for ts, _ in cites for doc_id, n in ts if doc_id]
        if not targets and words <= 3:
            continue  # a term in quotation marks, not a quotation
        if not targets and find_verbatim(q, facts_text):
            continue  # the user quoting their own correspondence
        v.quotes_checked += 1
        found = None
        for doc_id, n in targets:
            span = find_verbatim(q, source.paragraph_text(doc_id, n) or "")
            if span:
                found = (doc_id, n, span)
                break
        if found:
            quotes.setdefault((found[0], found[1]), []).append(found[2])
            continue
        # the right words in the wrong paragraph of the same decision: correct the citation
        moved = None
        for doc_id in dict.fromkeys(d for d, _ in targets):
            for n, text in source.paragraphs_of(doc_id):
                if (allowed is None or (doc_id, n) in allowed) and (span := find_verbatim(q, text)):
                    moved = (doc_id, n, span)
                    break
            if moved:
                break
        v.quotes_fixed_or_removed += 1
        if moved:
            doc_id, n, span = moved
            old = next(c for ts, c in cites if any(d == doc_id for d, _ in ts))
            v.notes.append(
                f"moved citation of quotation \u201c{_short(q)}\u201d from {old.group(0)} to {cite_text(doc_id, n)}"
            )
            quotes.setdefault((doc_id, n), []).append(span)
            out.append(letter[pos : old.start()])
            out.append(cite_text(doc_id, n))
            pos = old.end()
            continue
        where = ", ".join(cite_text(d, n) for d, n in targets) or "no cited paragraph"
        v.notes.append(f"removed quotation \u201c{_short(q)}\u201d: not verbatim in {where}")
        out.append(letter[pos : m.start()])
        out.append("[quotation removed: not found verbatim in the cited decision]")
        pos = m.end()
    out.append(letter[pos:])
    v.passed = not v.quotes_fixed_or_removed
    return "".join(out), v, quotes


# a sentence in the letter's own voice that presents something as the law
LAW_CLAIM_RE = re.compile(
    r"\bthe law\b|\bstatutory\b|\b(?:legal|statutory) (?:duty|requirement|obligation|timescale)|\brequired by law\b|"
    r"\bthe (?:regulations|legislation)\b",
    re.I,
)


def check_provisions(letter: str, source: ParagraphSource, resolve: Callable[[str], str | None]) -> Verification:
    """Check 2b, the law: every provision the letter names in its own words (quotations aside) is in the law register
    (`app.law.named_provisions`); and no sentence presents as the law ("the law says", "statutory") what its only
    citations hold as a council's own account or policy (`roles.paragraph_role` reads them as council_account).
    Nothing is removed: each is a note, and the letter does not pass."""
    v = Verification()
    own = QUOTE_RE.sub(lambda m: " " * len(m.group(0)), letter)
    for text in dict.fromkeys(n.text for n in named_provisions(own) if n.provision is None):
        v.notes.append(
            f"names {text!r}, which the law register does not hold: check the provision, or name one the register "
            "holds (app/data/law_register.yaml)"
        )
    for group in cited_sentences(letter):
        start = _sentence_start(letter, group[0].start())
        if len(CITE_RE.sub("", letter[start : group[0].start()]).split()) < 3:
            start = _sentence_start(letter, max(0, start - 2))  # "... is the law. [cite]": the sentence before
        claim = CITE_RE.sub(" ", own[start : group[-1].end()])
        if LAW_CLAIM_RE.search(claim):
            pairs = [(d, n) for c in group for d, n in citation_targets(c, source, resolve) if d]
            roles = [_role(source, d, n) for d, n in pairs]
            if roles and all(r == "council_account" for r in roles):
                v.notes.append(
                    f"'{_short(' '.join(claim.split()))}' presents as the law what "
                    f"{', '.join(cite_text(d, n) for d, n in pairs)} gives as the council's own account or policy"
                )
    v.passed = not v.notes
    return v


def _role(source: ParagraphSource, doc_id: str, para: str) -> str:
    """The role of a cited paragraph: the source's own reading (heading and kind) when it has one."""
    own = getattr(source, "paragraph_role", None)
    if own is not None:
        return own(doc_id, para)
    return paragraph_role("", source.paragraph_text(doc_id, para) or "")


def cited_pairs(
    letter: str, resolve: Callable[[str], str | None], source: ParagraphSource | None = None
) -> list[tuple[str, str]]:
    """(doc_id, para) for every paragraph the letter cites, in order, repeats included (the law too, given a
    `source` that holds it)."""
    pairs = []
    for c in CITE_RE.finditer(letter):
        if source is not None:
            pairs += [(d, n) for d, n in citation_targets(c, source, resolve) if d]
            continue
        doc_id = resolve(c.group("id").strip())
        if doc_id:
            pairs += [(doc_id, n) for n in _paras_cited(c)]
    return pairs


def check_facts(
    letter: str,
    original: str,
    source: ParagraphSource,
    cited: list[tuple[str, str]],
    facts_text: str,
    extra_allowed_text: str,
) -> tuple[str, Verification]:
    """Check 3: every £ amount, date and reference is in the facts or in a paragraph the letter cites; what is not
    is marked unverified in the letter and listed. `original` is the letter before any check ran."""
    v = Verification()
    cited_text = "\n".join(source.paragraph_text(d, n) or "" for d, n in dict.fromkeys(cited))
    support = "\n".join([facts_text, cited_text, extra_allowed_text])
    for _start, e, text in sorted(set(_unsupported_spans(letter, support, cited)), key=lambda t: -t[0]):
        if letter[e : e + len(UNVERIFIED) + 1].strip().startswith(UNVERIFIED):
            # already marked: by the writer's input (a re-verified letter), or just now by the removal of the citation
            # that followed it ("£25,000 [99 999 999, para 99]"), which still makes it an unsupported fact to report
            if not re.search(re.escape(text) + r"\s*" + re.escape(UNVERIFIED), original):
                v.unsupported_facts.append(text)
            continue
        letter = letter[:e] + " " + UNVERIFIED + letter[e:]
        v.unsupported_facts.append(text)
    v.unsupported_facts.reverse()
    for text in v.unsupported_facts:
        v.notes.append(f"marked {text!r} unverified: not in your facts or in any cited paragraph")
    v.passed = not v.unsupported_facts
    return letter, v


def _unsupported_spans(letter: str, support: str, cited: list[tuple[str, str]]) -> list[tuple[int, int, str]]:
    """(start, end, text) of each amount, date or reference in the letter that `support` does not contain."""
    money_ok, dates_ok, refs_ok = money_values(support), date_keys(support), ref_values(support)
    refs_ok |= {d for d, _ in cited if d}
    masked = CITE_RE.sub(lambda m: " " * len(m.group(0)), letter)  # citations themselves are checked above
    marks: list[tuple[int, int, str]] = []
    for m in MONEY_RE.finditer(masked):
        val = round(float(m.group(1).replace(",", "") + "." + (m.group(2) or "0")), 2)
        if val not in money_ok:
            marks.append((m.start(), m.end(), m.group(0)))
    for m in DATE_RE.finditer(masked):
        keys = date_keys(m.group(0))
        if keys and not all(_date_supported(k, dates_ok) for k in keys):
            marks.append((m.start(), m.end(), m.group(0)))
    for m in PROSE_REF_RE.finditer(masked):
        r = normalise_ref(m.group(0))
        if r and r not in refs_ok and not any(s <= m.start() < e for s, e, _ in marks):
            marks.append((m.start(), m.end(), m.group(0)))
    return marks


def citation_list(
    source: ParagraphSource,
    cited: list[tuple[str, str]],
    quotes: dict[tuple[str, str], list[str]],
    source_path: Callable[[str], str] | None,
) -> list[Citation]:
    """Step 4, the citation list: one entry per cited paragraph (and per distinct quotation from it)."""
    cites_out: list[Citation] = []
    for doc_id, n in dict.fromkeys(cited):
        path = source_path(doc_id) if source_path else ""
        ref = getattr(source, "ref_of", lambda d: d)(doc_id)
        qs = list(dict.fromkeys(quotes.get((doc_id, n), [])))
        if qs:
            cites_out += [Citation(doc_id, ref, n, q, path) for q in qs]
        else:
            cites_out.append(Citation(doc_id, ref, n, None, path))
    return cites_out


def _tidy_spacing(letter: str) -> str:
    """No space before punctuation and no double spaces, where removals left them."""
    # (but not inside a statute's ". . ." for repealed words, which a quotation keeps as printed)
    letter = re.sub(r"(?<!\.)[ \t]+([.,;:])(?! \.)", r"\1", letter)
    return re.sub(r"[ \t]{2,}", " ", letter)


def _sentence_end(text: str, start: int) -> int:
    m = re.compile(r"(?<=[.!?])\s+(?=[A-Z*#\-])|\n\s*\n").search(text, start)
    # a citation may follow the sentence's full stop: `... “quote”. [24 004 187, para 19]`
    if m:
        nxt = CITE_RE.match(text, m.end())
        return nxt.end() if nxt else m.start()
    return len(text)


def _short(q: str, n: int = 60) -> str:
    q = " ".join(q.split())
    return q if len(q) <= n else q[: n - 1] + "…"


class IndexSource:
    """Adapts `app.index.Index` to what the verifier reads, with a small cache."""

    def __init__(self, index):
        self.index = index
        self._paras: dict[str, list[tuple[str, str]]] = {}
        self._meta: dict[str, tuple[str | None, str]] = {}
        self._law: dict[str, list[str]] | None = None
        self._docs: dict = {}

    def resolve(self, ident: str) -> str | None:
        return self.index.resolve(ident)

    def paragraph_role(self, doc_id: str, para: str) -> str:
        """The role (`app.roles`) of a stored paragraph, read under its heading and in its document's kind."""
        if doc_id not in self._docs:
            self._docs[doc_id] = self.index.document(doc_id)
        doc = self._docs[doc_id]
        p = doc.paragraph(para) if doc is not None else None
        return paragraph_role(p.section, p.text, doc.kind) if doc is not None and p is not None else "background"

    def law_docs(self, instrument: str) -> list[str]:
        """The ids of the law extracts held for an instrument ("Education Act 1996, s 19", ...)."""
        if self._law is None:
            self._law = {}
            for d in self.index.documents():
                parts = split_law_id(d.doc_id) if d.kind == "law" else None
                if parts:
                    self._law.setdefault(parts[0], []).append(d.doc_id)
        return self._law.get(instrument, [])

    def _load(self, doc_id: str) -> list[tuple[str, str]]:
        if doc_id not in self._paras:
            self._paras[doc_id] = self.index.paragraph_texts(doc_id)
            meta = self.index.doc_meta(doc_id)
            self._meta[doc_id] = (meta.ref, meta.source) if meta else (None, "")
        return self._paras[doc_id]

    def paragraph_text(self, doc_id: str, para: str) -> str | None:
        for p, t in self._load(doc_id):
            if p == para:
                return t
        return None

    def paragraphs_of(self, doc_id: str) -> list[tuple[str, str]]:
        return [(p, t) for p, t in self._load(doc_id) if p != "summary"]

    def ref_of(self, doc_id: str) -> str | None:
        self._load(doc_id)
        return self._meta.get(doc_id, (None, ""))[0]

    def source_of(self, doc_id: str) -> str:
        self._load(doc_id)
        return self._meta.get(doc_id, (None, ""))[1]


# ----------------------------------------------------------------------------- support: does a paragraph say it?

ABSOLUTES = (
    "refused",
    "never",
    "all",
    "every",
    "always",
    "fixed",
    "ordered",
    "increased",
    "alone",
    "only",
    "none",
    "no",
)


def contradiction_cue(claim: str, text: str) -> bool:
    """Cheap signs a claim says more than its paragraph: a number, amount or month the paragraph does not contain,
    or an absolute or negating word ('refused', 'every', 'always') the paragraph does not use."""
    low = text.lower()
    for n in re.findall(r"£?\d[\d,]*(?:\.\d+)?", claim):
        if n.replace(",", "").lstrip("£") not in low.replace(",", ""):
            return True
    words = set(re.findall(r"[a-z]+", claim.lower()))
    para_words = set(re.findall(r"[a-z]+", low))
    return any(w in words and w not in para_words for w in ABSOLUTES)


@dataclass
class SupportJudge:
    """Offline citation-support judge: a claim is supported by a paragraph when it quotes it verbatim, or when the
    sentence embedding is close (cosine >= cos_hi), or fairly close with most content words shared."""

    embeddings: object
    cos_hi: float = 0.62
    cos_lo: float = 0.45
    overlap: float = 0.6

    def _clean(self, claim: str) -> str:
        c = CITE_RE.sub("", claim)
        return re.sub(r"\s+", " ", c).strip()

    def supports(self, claim: str, texts: list[str]) -> bool:
        if not texts:
            return False
        joined = "\n".join(texts)
        for m in QUOTE_RE.finditer(claim):
            q = m.group(1) or m.group(2)
            if len(q.split()) >= 4 and find_verbatim(q, joined):
                return True
        c = self._clean(claim)
        if contradiction_cue(c, joined):
            return False
        words = content_words(c)
        para_words = words3(joined)
        overlap = len(words & para_words) / len(words) if words else 0.0
        vecs = self.embeddings.embed_documents([c, *texts])
        cos = max(sum(a * b for a, b in zip(vecs[0], v, strict=True)) for v in vecs[1:])
        return cos >= self.cos_hi or (cos >= self.cos_lo and overlap >= self.overlap)


def cited_paragraphs(source: ParagraphSource, matches) -> list[str]:
    """The text of every paragraph the CITE_RE matches name, in order ("" for one the source does not hold)."""
    out: list[str] = []
    for m in matches:
        out += [source.paragraph_text(d, n) or "" for d, n in citation_targets(m, source) if d]
    return out


UNSUPPORTED_MARK = "[check: the cited decision may not say this]"


def flag_unsupported(body: str, source: ParagraphSource, judge: SupportJudge) -> tuple[str, list[str]]:
    """Mark each sentence whose citations do not bear it out (by `judge`) with UNSUPPORTED_MARK after its last
    citation; returns (body, one note per sentence marked). For model-written letters: a real paragraph cited for
    words it does not say is the misgrounding citation checks alone cannot see."""
    inserts: list[int] = []
    notes: list[str] = []
    for group in cited_sentences(body):
        first, last = group[0], group[-1]
        start = _sentence_start(body, first.start())
        end = _sentence_end(body, last.end())  # the whole sentence: "In [cite], the council ..." claims what follows
        line_end = body.find("\n", last.end())
        if line_end != -1:
            end = min(end, line_end)
        end = max(end, last.end())
        claim = body[start:end]
        # "... found this. [cite]" or "This was fault” [cite].": the claim is the sentence before (a lone full stop is
        # no word: 24 012 399 para 67 was marked in 8 fake-llm letters)
        if len(re.findall(r"\w+", CITE_RE.sub("", claim))) < 4:
            start = _sentence_start(body, max(0, start - 2))
            claim = body[start:end]
        texts = [t for t in cited_paragraphs(source, group) if t]
        if (
            texts
            and UNSUPPORTED_MARK not in body[last.end() : last.end() + len(UNSUPPORTED_MARK) + 2]
            and not judge.supports(claim, texts)
        ):
            inserts.append(last.end())
            notes.append(
                f"marked '{_short(' '.join(CITE_RE.sub('', claim).split()))}': the paragraph it cites may not "
                "say this (check it before relying on it)"
            )
    for pos in reversed(inserts):
        body = body[:pos] + " " + UNSUPPORTED_MARK + body[pos:]
    return body, notes


def cited_sentences(body: str) -> list[list[re.Match]]:
    """The letter's citations grouped by sentence: consecutive citations with nothing that ends a sentence between."""
    groups: list[list[re.Match]] = []
    for m in CITE_RE.finditer(body):
        if groups and not re.search(r"[.!?](?:\s|$)|\n", body[groups[-1][-1].end() : m.start()]):
            groups[-1].append(m)
        else:
            groups.append([m])
    return groups


def _sentence_start(text: str, pos: int) -> int:
    """Where the sentence holding `pos` begins: after the last line break or sentence end before it."""
    stops = [k + 1 for k in (text.rfind(p, 0, pos) for p in (". ", "! ", "? ")) if k >= 0]  # the space after it
    cut = max([text.rfind("\n", 0, pos), *stops])
    return cut + 1 if cut >= 0 else 0
