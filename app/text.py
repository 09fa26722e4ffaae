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
    w.replace("'", "").lower(): w
    for w in """don't doesn't didn't can't couldn't wouldn't shouldn't isn't wasn't hasn't haven't hadn't aren't weren't
    won't I'm I've he's she's they're they've we've you're you've that's what's there's who's could've would've
    should've""".split()
}
_MONTHS = "january february april june july august september october november december easter christmas".split()
_ALL_CAPS = {"ehcp": "EHCP", "ehc": "EHC", "senco": "SENCO", "camhs": "CAMHS", "sendiass": "SENDIASS", "ot": "OT"}
# a word with a full stop that does not end a sentence: "e.g.", "i.e.", "p.m.", "approx.", "Mr."
_ABBREVIATION = re.compile(r"(?:\b[a-z]\.){2,}$|\b(?:e\.?g|i\.?e|etc|approx|mr|mrs|ms|dr|st|vs|ref|tel)\.?$", re.I)
# "3 may", "on the 4th of march", "may 2026": the month (not "he may", "the 2 may disagree", "year 7 may be")
_MAY_MARCH = re.compile(
    r"(\b(?:on|since|from|by|until|till)(?: the)?\s+\d{1,2}(?:st|nd|rd|th)?(?: of)?\s+"
    r"|\b(?:the|of)\s+\d{1,2}(?:st|nd|rd|th)(?: of)?\s+|^\d{1,2}(?:st|nd|rd|th)?(?: of)?\s+)"
    r"(may|march)\b|()\b(may|march)(?=\s+(?:\d{4}|\d{1,2}(?:st|nd|rd|th)\b))"
    # "since may", "from march to july" (not "in may be")
    r"|(\b(?:since|from|until|till|in|early|late|mid|end of|start of|beginning of)\s+)(may|march)\b"
    r"(?!\s+(?:be|have|not|need|want|get|take|go|come|well|also|still|never)\b)",
    re.I | re.M,
)


def tidy(text: str) -> str:
    """The person's words as a letter shows them: apostrophes put back where a word needs one ("hasnt" → "hasn't"),
    "i" → "I", months, Easter and "EHCP" capitalised, each sentence begun with a capital letter. No word is added,
    dropped or changed in meaning; the spelling of everything else is theirs, and a link or an email address is left
    exactly as it is."""

    def word(m: re.Match) -> str:
        w = m.group(0)
        low = w.lower()
        if low == "i":
            before, after = m.string[m.start() - 1 : m.start()], m.string[m.end() : m.end() + 2]
            # "(i)" numbers a list; "i.e." and "i.d." are not the person
            return w if (before == "(" and after[:1] == ")") or re.match(r"\.[a-z]", after, re.I) else "I"
        if re.fullmatch(r"i'(m|ve|d|ll)", low):
            return "I" + w[1:]
        if low in _CONTRACTIONS and w in (low, low.capitalize()):  # "hasnt", "Hasnt", "Im"
            fixed = _CONTRACTIONS[low]
            return fixed if w == low else fixed[:1].upper() + fixed[1:]
        if low in _MONTHS and w == low:
            return w.capitalize()
        if w == low and low.split("'")[0] in _ALL_CAPS:  # "ehcp", "ehcp's"
            head, _, tail = w.partition("'")
            return _ALL_CAPS[head] + ("'" + tail if tail else "")
        return w

    def words(chunk: str) -> str:
        return re.sub(r"\b[A-Za-z]+(?:'[a-z]+)?\b", word, chunk)

    # a link or an email address (any run with "/", "@" or "www.") is kept as typed
    out = "".join(
        part if re.search(r"[/@]|www\.", part) else words(part) for part in re.split(r"(\S*(?:[/@]|www\.)\S*)", text)
    )
    out = _MAY_MARCH.sub(
        lambda m: (m.group(1) or m.group(5) or "") + (m.group(2) or m.group(4) or m.group(6)).capitalize(), out
    )

    # a sentence's first letter: at the start, after a new line, or after a full stop, question or exclamation mark
    # that ends a sentence (not the one in "e.g.", "p.m." or "Mr.")
    def capital(m: re.Match) -> str:
        if m.group(2) and _ABBREVIATION.search(out[max(0, m.start() - 12) : m.start() + 1]):
            return m.group(0)
        return m.group(1) + m.group(3).upper()

    return re.sub(r"(^|\n\s*|([.!?])\s+)([a-z])", capital, out)


def first_line(e: BaseException | str, limit: int = 200) -> str:
    """The first line of an error's message, at most `limit` characters; the error's type name when it has none."""
    lines = [ln for ln in str(e).splitlines() if ln.strip()]
    line = lines[0].strip()[:limit] if lines else ""
    return line or (type(e).__name__ if isinstance(e, BaseException) else "")


ORDINAL_DAY = re.compile(
    r"\b(?:[Tt]he )?(\d{1,2})(?:st|nd|rd|th)(?: of)? (January|February|March|April|May|June|July|August|September|October|"
    r"November|December)\b|\b(?:[Tt]he )?(\d{1,2}) of (January|February|March|April|May|June|July|August|September|"
    r"October|November|December)\b"
)


def plain_dates(text: str) -> str:
    """A day as a letter writes it: "the 2nd of October" and "20th October" → "2 October", "20 October" (after `tidy`
    has capitalised the month). The day and the month are the person's; nothing else changes."""

    def plain(m: re.Match) -> str:
        if re.search(r"\d(?:st|nd|rd|th)?\s*(?:and|-|–|to|&)\s*$", text[: m.start()]):
            return m.group(0)  # a range or a pair ("the 20th and 21st of October") is left as typed
        return f"{m.group(1) or m.group(3)} {m.group(2) or m.group(4)}"

    return ORDINAL_DAY.sub(plain, text)
