"""Quoting and citing decisions: which sentence of a paragraph a letter quotes (`best_sentence`, cut by
`QUOTABLE_SENTENCE_SPLIT`), how a paragraph is cited (`cite_label`), and the Markdown a letter ends with (the remedy
table and the references). Pure functions of paragraphs and text; writers, drafting and the eval share them."""

from __future__ import annotations

import re

from .cite import Citation
from .law import cite_text, split_law_id
from .models import Hit
from .text import content_words, long_date

# the complainant's view rather than the Ombudsman's: never quoted as a finding
COMPLAINANT = re.compile(
    r"^(?:(?:Mr|Mrs|Ms|Miss|Dr)\.? \w+|She|He|They|The complainant)\b(?: also)? (?:says|said|complain\w*|told|wants|asked|believes)"
)


# where a paragraph is cut into the sentences a letter may quote (and a model's excerpt is built from)
QUOTABLE_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-Z(“\"'‘])|\n")


def best_sentence(text: str, query: str, max_words: int = 55, money: bool = False, topic: str = r".") -> str | None:
    """The paragraph sentence that shares most words with the query, verbatim, for quoting. It must be about
    `topic` (a regex): a paragraph on topic can still hold an off-topic sentence. With `money`, a sum of money wins."""
    q = content_words(query)
    best, best_score = None, -50.0
    for sent in QUOTABLE_SENTENCE_SPLIT.split(text):
        s = sent.strip()
        n = len(s.split())
        if n < 6 or n > max_words or re.search(r"(:|;|;? and|;? or|…|\[…\])$", s) or COMPLAINANT.match(s):
            continue  # not a whole statement (or cut short), or the complainant's view rather than the Ombudsman's
        if not re.search(topic, s, re.I):
            continue
        score = len(content_words(s) & q) + (2 if re.search(r"\bfault\b|\bduty\b|\bfailed\b", s) else 0)
        if money and "£" in s:
            score += 10
        if score > best_score:
            best, best_score = s, score
    if best is None:
        # no whole sentence of a quotable length: quote the opening clause of the longest sentence, verbatim
        longest = max(re.split(r"(?<=[.!?])\s+", text), key=len, default="").strip()
        clause = re.split(r"[;:,](?=\s)", longest)[0].strip()
        ok = (
            6 <= len(clause.split()) <= 60
            and "…" not in clause
            and not COMPLAINANT.match(clause)
            and re.search(topic, clause, re.I)
        )
        return _trim(clause) if ok else None
    return _trim(best)


def _trim(s: str) -> str:
    """End a quoted span cleanly: no closing punctuation or dangling 'and'/'or' (still a verbatim span)."""
    s = s.rstrip(" .;:,")
    return re.sub(r"[;,]?\s+(and|or)$", "", s).rstrip(" .;:,")


def cite_label(h: Hit) -> str:
    """How a letter cites a paragraph: [24 004 187, para 19], [doc_id, summary], or for the law
    [Education Act 1996, s 19(1)], [SEND Regulations 2014, reg 13(2)], [SEND Code of Practice 2015, para 9.166]."""
    return cite_text(h.doc_id, h.para)


def remedy_table_md(rows: list[dict]) -> str:
    lines = [
        "## Remedies in comparable decisions",
        "",
        "| Amount | What it was for | Period | Decision | Citation |",
        "|---|---|---|---|---|",
    ]
    for r in rows:
        purpose = r["purpose"].replace("|", "/").replace("\n", " ")
        lines.append(
            f"| {r['amount_text']} | {purpose} | {r['period'] or '—'} | {r['organisation'] or r['doc_id']} | {r['citation']} |"
        )
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
        label = cite_text(c.doc_id, c.para)
        text = (h.text if h else "").replace("\n", " ")
        lines.append(f"- **{label}** {who}. {text}" if text else f"- **{label}** {who}")
    if len(lines) == 2:
        lines.append("No decisions are cited.")
    lines.append("")
    lines.append("Decisions of the Local Government and Social Care Ombudsman, re-used with attribution.")
    if any(split_law_id(c.doc_id) for c in citations):
        lines.append("Legislation: Crown copyright, Open Government Licence v3.0 (each extract names its source).")
    return "\n".join(lines)
