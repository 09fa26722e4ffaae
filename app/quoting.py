"""Quoting and citing decisions: which sentence of a paragraph a letter quotes (`best_sentence`, cut by
`QUOTABLE_SENTENCE_SPLIT`), how a paragraph is cited (`cite_label`), and the Markdown a letter ends with (the remedy
table and the references). Pure functions of paragraphs and text; writers, drafting and the eval share them."""

from __future__ import annotations

import re
from typing import Callable

from .cite import Citation
from .law import cite_text, split_law_id
from .models import Hit
from .roles import Role, sentence_roles
from .text import content_words, long_date

# the complainant's view rather than the Ombudsman's: never quoted as a finding
COMPLAINANT = re.compile(
    r"^(?:(?:Mr|Mrs|Ms|Miss|Dr)\.? \w+\b(?:, [^,]{1,60},)?|(?:She|He|They|The complainant)\b)(?: also)? (?:says|said|complain\w*|told|wants|asked|believes)"
)


# where a paragraph is cut into the sentences a letter may quote (and a model's excerpt is built from)
QUOTABLE_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-Z(“\"'‘])|\n")


# what a sum of money was for, in a remedy's own words
PURPOSE = re.compile(r"\bto (recognise|reflect|acknowledge|remedy|compensate)\b", re.I)


# a sentence whose sum is named by a sentence before it: quoted alone it reads as another payment ("This payment is
# in addition to the £150 the Council offered Mrs E", 24 012 399 para 70, quoted in 16 eval letters at 7491ced)
ANAPHORIC_SUM = re.compile(r"(?:This|That|These|Those|Such) (?:payments?|sums?|amounts?|awards?)\b")


def best_sentence(
    text: str,
    query: str,
    max_words: int = 55,
    money: bool = False,
    topic: str = r".",
    keep: Callable[[str], bool] | None = None,
) -> str | None:
    """The paragraph sentence that shares most words with the query, verbatim, for quoting. It must be about
    `topic` (a regex): a paragraph on topic can still hold an off-topic sentence. With `money`, a sum of money wins.
    With `keep` (`quote_job`), the sentence must do the job it is quoted for (a finding quotes a finding of fault,
    never the complaint or the council's account; a remedy quotes the remedy), and no clause is cut out of a longer
    one."""
    q = content_words(query)
    best, best_score = None, -50.0
    for sent in QUOTABLE_SENTENCE_SPLIT.split(text):
        s = sent.strip()
        n = len(s.split())
        if n < 6 or n > max_words or re.search(r"(:|;|;? and|;? or|…|\[…\])$", s) or COMPLAINANT.match(s):
            continue  # not a whole statement (or cut short), or the complainant's view rather than the Ombudsman's
        if not re.search(topic, s, re.I):
            continue
        if keep is not None and not keep(s):
            continue
        if money and ANAPHORIC_SUM.match(s):
            continue  # "This payment is in addition to the £150 ...": its sum is the last sentence's (an adviser's read)
        score = len(content_words(s) & q) + (2 if re.search(r"\bfault\b|\bduty\b|\bfailed\b", s) else 0)
        if money and "£" in s:
            score += 10
        if score > best_score:
            best, best_score = s, score
    if best is not None and money and re.match(r"(This|That|These|It)\b", best) and not PURPOSE.search(best):
        # "This payment is in addition to the £150 the Council offered Mrs E in its stage two reply to her complaint":
        # a sum that leans on its neighbour for what it was for (an adviser's read: quoted alone, it shows no award in
        # eight letters); the next sentence, when it says the purpose and names no other sum, is quoted with it
        best = with_point(
            text,
            _trim(best),
            2 * max_words,
            carries=lambda nxt: bool(PURPOSE.search(nxt)) and "£" not in nxt and not COMPLAINANT.match(nxt),
        )
    if best is None and keep is not None:
        return None  # a clause cut from a sentence of another kind would not do the job
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


DUTY_WORDS = re.compile(
    r"\b(has a duty|have a duty|duty to|this duty|must|should have|is required|requires|statutory|the law|delegate)\b",
    re.I,
)
FINDING_WORDS = re.compile(
    r"^(there was|there were|we found|i found|the council (delayed|failed|did not|was wrong|should have))|"
    r"\b(was|were) (delay|unreasonabl|wrong)",
    re.I,
)
MONEY_JOB = re.compile(r"£\s?\d", re.I)


def quote_job(job: str) -> Callable[[str], bool]:
    """Which sentences can be quoted for a job: 'finding' (a finding of fault), 'remedy' (a remedy, or a sum the
    Ombudsman benchmarks: "Our Guidance on Remedies suggests a range of £900 to £2400 per term"), 'duty' (the law
    stated, or a sentence of duty: "It has a duty to secure all provision")."""

    def keep(s: str) -> bool:
        role = sentence_role(s)
        if job == "finding":  # a summary states a finding without the word "fault": "There was delay in ..."
            return role == "finding_fault" or (role == "background" and bool(FINDING_WORDS.search(s)))
        if job == "remedy":
            return role == "remedy" or (role in ("background", "finding_fault") and bool(MONEY_JOB.search(s)))
        if job == "duty":
            return role == "law" or (role in ("background", "finding_fault") and bool(DUTY_WORDS.search(s)))
        return role not in ("complaint", "council_account")

    return keep


# a following sentence that carries the point of the one quoted ("… cannot delegate this duty", "… remains liable")
CARRIES_POINT = re.compile(
    r"cannot delegate|remains? (liable|responsible)|owe[sd]? (it )?personally|denied (the family |them |her |him )?a right|"
    r"right of appeal|(?:is|was) (also )?fault\b",
    re.I,
)


def with_point(text: str, quote: str, most_words: int = 80, carries: Callable[[str], bool] | None = None) -> str:
    """`quote` and the sentence after it in `text` when that sentence carries the point ("The Courts have said
    councils cannot delegate this duty…"; `carries`, else CARRIES_POINT), so a quotation does not stop short of what
    the reader needs."""
    carries = carries or (lambda nxt: bool(CARRIES_POINT.search(nxt)))
    sents = [x.strip() for x in QUOTABLE_SENTENCE_SPLIT.split(text)]
    for i, sent in enumerate(sents[:-1]):
        if _trim(sent) == quote:
            nxt = _trim(sents[i + 1])
            joined = f"{sent} {nxt}"
            if carries(nxt) and len(joined.split()) <= most_words:
                return joined
            break
    return quote


def sentence_role(s: str) -> Role:
    """The job one sentence does, read as a findings sentence is (`app.roles.sentence_roles`)."""
    read = sentence_roles(s)
    return read[0][1] if read else "background"


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
        # a decision with no council named says so, never "None" (an adviser's read of d19's references)
        who = f"{h.organisation or 'A council'}{_long_date(h.decision_date)}" if h else c.doc_id
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
