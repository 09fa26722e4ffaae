"""An independent check of a letter as the user sees it: what a careful reader would call an *unmarked defect*.

Written separately from `app.cite.verify` (it only borrows the citation regex, which is the documented syntax) so
that the drafting tests do not grade the verifier with its own logic:

- every `[REF, para N]` citation resolves to a paragraph that exists and that the writer was given;
- nothing else that looks like a citation (`[S9]`, `[S9, para ?]`, `[21 000 000]`) is left in the text;
- every quotation followed by a citation is verbatim (typography and whitespace folded) in a paragraph it cites;
- every £ amount and every full date is in the user's facts or in a cited paragraph, or is followed by `[unverified]`.
"""

from __future__ import annotations

import re
import unicodedata

from app.cite import CITE_RE, citation_targets

UNVERIFIED = "[unverified]"
_FOLD = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u00a0": " ",
        "\u2026": "...",
    }
)
MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
_MON = "|".join(MONTHS) + "|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
FULL_DATE = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MON})\.?\s+((?:19|20)\d\d)\b", re.I)
MONTH_YEAR = re.compile(rf"(?<!\d\s)(?<!\d)\b({_MON})\.?\s+((?:19|20)\d\d)\b", re.I)
ISO_MONTH = re.compile(r"\b((?:19|20)\d\d)-(0[1-9]|1[0-2])\b")
MONEY = re.compile(r"£\s?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?")
# a single line break inside a quotation is still one quotation (Markdown shows it as a space)
QUOTE = re.compile(r"“((?:[^”\n]|\n(?![ \t]*\n))+)”|\"((?:[^\"\n]|\n(?![ \t]*\n))+)\"")
BRACKET = re.compile(r"\[[^\[\]\n]{1,120}\]")


def fold(s: str) -> str:
    s = unicodedata.normalize("NFKC", s).translate(_FOLD).lower()
    return re.sub(r"\s+", " ", s).strip()


def verbatim_in(quote: str, text: str) -> bool:
    """The quote's words, in order (an ellipsis may stand for omitted words), inside `text`."""
    hay = fold(text)
    pos = 0
    parts = [p.strip(" .,;:") for p in re.split(r"\.\.\.|…", fold(quote)) if p.strip(" .,;:")]
    if not parts:
        return False
    for part in parts:
        at = hay.find(part, pos)
        if at < 0:
            return False
        pos = at + len(part)
    return True


def _month(s: str) -> int:
    s = s.lower()[:3]
    return next(i + 1 for i, m in enumerate(MONTHS) if m.startswith(s))


def _dates(text: str) -> tuple[set, set]:
    full = {(int(y), _month(m), int(d)) for d, m, y in FULL_DATE.findall(text)}
    months = {(y, m) for y, m, _ in full}
    months |= {(int(y), _month(m)) for m, y in MONTH_YEAR.findall(text)}
    months |= {(int(y), int(m)) for y, m in ISO_MONTH.findall(text)}
    return full, months


def _money(text: str) -> set[float]:
    return {round(float(a.replace(",", "") + "." + (c or "0")), 2) for a, c in MONEY.findall(text)}


def _marked(text: str, end: int) -> bool:
    return text[end : end + 20].lstrip().startswith(UNVERIFIED)


def cited_pairs(letter: str, source) -> list[tuple[str | None, str, str]]:
    """(doc_id or None, para, the citation as written) for every citation in the letter."""
    out = []
    for m in CITE_RE.finditer(letter):
        out += [(doc_id, n, m.group(0)) for doc_id, n in citation_targets(m, source)]  # decisions and the law
    return out


def unmarked_defects(
    letter: str, source, facts_text: str, allowed: set[tuple[str, str]] | None = None, extra_text: str = ""
) -> list[str]:
    """Every defect in `letter` that is neither removed nor visibly marked. Empty means the letter is clean."""
    problems: list[str] = []
    pairs = cited_pairs(letter, source)
    cited_text = []
    for doc_id, n, written in pairs:
        text = source.paragraph_text(doc_id, n) if doc_id else None
        if text is None:
            problems.append(f"citation {written} (para {n}) does not resolve to a paragraph")
            continue
        if allowed is not None and (doc_id, n) not in allowed:
            problems.append(f"citation {written} (para {n}) was not among the paragraphs given to the writer")
        cited_text.append(text)
    # leftovers that look like citations but are not in citation form
    for m in BRACKET.finditer(letter):
        b = m.group(0)
        if CITE_RE.fullmatch(b) or b == UNVERIFIED:
            continue
        if re.search(r"\bS\d+\b|\bparas?\b|\bparagraph|\d{2} ?\d{3} ?\d{3}", b):
            problems.append(f"unresolved citation-like text {b}")
    # quotations in the letter (the References quote each cited paragraph whole, including any quotation marks of its
    # own, such as a third party's quotation of a statute: that is the source, not a claim)
    body = letter.split("\n## References", 1)[0]
    for m in QUOTE.finditer(body):
        q = m.group(1) if m.group(1) is not None else m.group(2)
        if len(q.split()) <= 3:
            continue  # a term in quotation marks
        rest = body[m.end() :]
        para_end = rest.find("\n\n")
        rest = rest if para_end < 0 else rest[:para_end]
        nxt = QUOTE.search(rest)
        window = rest if nxt is None else rest[: nxt.start()]
        targets = [(d, n) for d, n, _ in cited_pairs(window, source) if d]
        if not targets:
            if not verbatim_in(q, facts_text):
                problems.append(f"quotation “{q[:60]}” is followed by no citation")
            continue
        if not any(verbatim_in(q, source.paragraph_text(d, n) or "") for d, n in targets):
            problems.append(f"quotation “{q[:60]}” is not verbatim in {targets}")
    # amounts and dates, outside the citations themselves
    support = "\n".join([facts_text, extra_text, *cited_text])
    money_ok = _money(support)
    full_ok, months_ok = _dates(support)
    masked = CITE_RE.sub(lambda c: " " * len(c.group(0)), letter)
    for m in MONEY.finditer(masked):
        val = round(float(m.group(1).replace(",", "") + "." + (m.group(2) or "0")), 2)
        if val not in money_ok and not _marked(masked, m.end()):
            problems.append(f"amount {m.group(0)} is unsupported and unmarked")
    for m in FULL_DATE.finditer(masked):
        key = (int(m.group(3)), _month(m.group(2)), int(m.group(1)))
        if key not in full_ok and not _marked(masked, m.end()):
            problems.append(f"date {m.group(0)!r} is unsupported and unmarked")
    for m in MONTH_YEAR.finditer(masked):
        if FULL_DATE.search(masked[max(0, m.start() - 4) : m.end()]):
            continue  # part of a full date, checked above
        key = (int(m.group(2)), _month(m.group(1)))
        if key not in months_ok and not _marked(masked, m.end()):
            problems.append(f"date {m.group(0)!r} is unsupported and unmarked")
    return problems
