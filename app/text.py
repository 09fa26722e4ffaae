"""Small text helpers every layer shares: content words, long dates, and the first line of an error."""

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


def first_line(e: BaseException | str, limit: int = 200) -> str:
    """The first line of an error's message, at most `limit` characters; the error's type name when it has none."""
    lines = [ln for ln in str(e).splitlines() if ln.strip()]
    line = lines[0].strip()[:limit] if lines else ""
    return line or (type(e).__name__ if isinstance(e, BaseException) else "")
