"""Small text helpers every layer shares: content words, long dates, the person's words tidied for a letter, and the
first line of an error."""

from __future__ import annotations

import re
from datetime import date

STOPWORDS = frozenset(
    """a an and are as at be been but by can could did do does for from had has have he her his how i if in into is it its
    me my not of on or our she so than that the their them then there they this to too us was we were what when where which
    who why will with would you your since about after again all also am any because before being both each few get got
    just more most no nor only other own same should some such very""".split()
)
_WORD3 = re.compile(r"[a-z]{3,}")


def content_words(text: str) -> set[str]:
    """Lower-cased words of three letters or more that carry meaning (stop words dropped)."""
    return {w for w in _WORD3.findall(text.lower()) if w not in STOPWORDS}


def words3(text: str) -> set[str]:
    """Every lower-cased word of three letters or more, stop words included."""
    return set(_WORD3.findall(text.lower()))


def long_date(iso: str | None) -> str:
    """'2024-10-24' -> '24 October 2024'; '' for none; the input itself when it is not an ISO date."""
    if not iso:
        return ""
    try:
        y, m, d = (int(x) for x in iso.split("-"))
        return f"{d} {date(y, m, d):%B %Y}"
    except ValueError:
        return iso


# words typed without their apostrophe that are no other word ("hasnt", "cant"; not "its", "were", "ill", "id")
_CONTRACTIONS = {
    w.replace("'", ""): w
    for w in """don't doesn't didn't can't couldn't wouldn't shouldn't isn't wasn't hasn't haven't hadn't aren't weren't
    won't I'm I've he's she's they're they've we've you're you've that's what's there's who's wouldn't could've
    would've should've""".split()
}
_MONTHS = "january february april june july august september october november december easter christmas".split()
_ALL_CAPS = {"ehcp": "EHCP", "ehc": "EHC", "senco": "SENCO", "camhs": "CAMHS", "sendiass": "SENDIASS", "ot": "OT"}


def tidy(text: str) -> str:
    """The person's words as a letter shows them: apostrophes put back where a word needs one ("hasnt" → "hasn't"),
    "i" → "I", months, Easter and "EHCP" capitalised, each sentence begun with a capital letter. No word is added, dropped or
    changed in meaning; the spelling of everything else is theirs."""

    def word(m: re.Match) -> str:
        w = m.group(0)
        low = w.lower()
        if low == "i":
            return w if m.string[m.start() - 1 : m.start()] == "(" else "I"  # "(i)" numbers a list
        if re.fullmatch(r"i'(m|ve|d|ll)", low):
            return "I" + w[1:]
        if low in _CONTRACTIONS and w == low:
            return _CONTRACTIONS[low]
        if low in _MONTHS and w == low:
            return w.capitalize()
        if low in _ALL_CAPS and w == low:
            return _ALL_CAPS[low]
        return w

    out = re.sub(r"\b[A-Za-z]+(?:'[a-z]+)?\b", word, text)
    # "3 may", "may 2026": the month (not "he may"); "march" likewise
    out = re.sub(r"(?<=\d )(may|march)\b|\b(may|march)(?= \d)", lambda m: m.group(0).capitalize(), out)
    # a sentence's first letter: at the start, after a full stop, question or exclamation mark, or a new line
    # (not after "e.g." or "Mr.")
    return re.sub(
        r"(^|(?<!\be\.g)(?<!\bi\.e)(?<!\betc)(?<!\bMrs)(?<!\bM[rs])(?<!\bDr)[.!?]\s+|\n\s*)([a-z])",
        lambda m: m.group(1) + m.group(2).upper(),
        out,
    )


def first_line(e: BaseException | str, limit: int = 200) -> str:
    """The first line of an error's message, at most `limit` characters; the error's type name when it has none."""
    lines = [ln for ln in str(e).splitlines() if ln.strip()]
    line = lines[0].strip()[:limit] if lines else ""
    return line or (type(e).__name__ if isinstance(e, BaseException) else "")
