"""Pure HTML for the page and the decision pages: letters, the citation check, remedies, precedents.

Everything that came from a user or a document is escaped: the letter goes through markdown-it with raw HTML, links
and images disabled, so text typed into the intake is only ever shown as text.
"""

from __future__ import annotations

import html
import re
from collections import OrderedDict
from urllib.parse import quote

from markdown_it import MarkdownIt

from ..cite import CITE_RE, expand_nums
from ..issues import BY_LABEL
from ..models import Hit
from ..text import long_date
from .assets import DECISION_CSS


def esc(s: object) -> str:
    return html.escape("" if s is None else str(s), quote=True)


def decision_href(doc_id: str, para: str | None = None) -> str:
    base = f"/decision/{quote(doc_id, safe='')}"
    if not para:
        return base
    return base + ("#summary" if para == "summary" else f"#p{quote(para, safe='.')}")


def _markdown_renderer():
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False, "breaks": True})
    md.enable("table")
    # what a user types may only ever be text: no raw HTML, no links, no images (no requests to elsewhere)
    md.disable(["html_block", "html_inline", "link", "image", "autolink", "reference", "code"], ignoreInvalid=True)
    return md


_MD = None


def render_markdown(text: str) -> str:
    """Markdown -> HTML with every `<`, `>` and `&` of the input shown as text."""
    global _MD
    if _MD is None:
        _MD = _markdown_renderer()
    return _MD.render(text or "")


def link_citations(rendered: str, known: set[str] | None = None) -> str:
    """Turn `[24 004 187, para 19]` (and `paras 19 and 21`, `summary`) in rendered HTML into links to the paragraph."""

    def repl(m: re.Match) -> str:
        ident = html.unescape(m.group("id").strip())
        if known is not None and ident not in known:
            return m.group(0)
        if m.group("summary"):
            return f'<a class="cite" href="{esc(decision_href(ident, "summary"))}" target="_blank" rel="noopener">{m.group(0)}</a>'
        nums = expand_nums(m.group("nums") or "")
        if len(nums) == 1:
            return f'<a class="cite" href="{esc(decision_href(ident, nums[0]))}" target="_blank" rel="noopener">{m.group(0)}</a>'
        links = [
            f'<a class="cite" href="{esc(decision_href(ident, n))}" target="_blank" rel="noopener">{esc(n)}</a>'
            for n in nums
        ]
        joined = ", ".join(links[:-1]) + " and " + links[-1]
        return f'<span class="cite-multi">[{esc(ident)}, paras {joined}]</span>'

    return CITE_RE.sub(repl, rendered)


def letter_placeholder(role: str = "parent") -> str:
    what = "letter" if role == "parent" else "response"
    return (
        f'<article class="letter empty" data-state="empty"><p>Your {what} will appear here.</p>'
        "<p>Every citation in it is checked against the decision it names before you see it: anything that cannot "
        "be verified is removed or highlighted, and the check is reported below.</p></article>"
    )


# a model's source markers ([S1], [S2, S3]) while it writes, and one half-written at the end ("[S1", "[S"): they
# become real citations only when the letter is finished, so the streaming view hides them rather than flash them
_STREAM_MARKER = re.compile(
    r"[ \t]*\[\s*S\d+(?:\s*[,;]\s*S?\d+)*\s*\]|[ \t]*\[\s*(?:S\d*(?:\s*[,;]\s*S?\d*)*)?\s*$", re.I
)


def hide_source_markers(partial: str) -> str:
    return _STREAM_MARKER.sub("", partial)


def letter_streaming_html(partial: str, status: str) -> str:
    partial = hide_source_markers(partial)
    body = render_markdown(partial) if partial.strip() else ""
    # column-reverse keeps a scrolled box pinned to its newest line while the text grows
    return (
        f'<article class="letter streaming" data-state="streaming"><div class="stream-inner">'
        f'<p class="stream-status">{esc(status)}</p>{body}</div></article>'
    )


def letter_badge(result) -> tuple[str, str]:
    """(badge text, css class). "Verified" only where every claim is checkable: the template writer's letters, which
    state the person's own facts and quote decisions word for word. A model's own sentences are not all checkable."""
    v = result.verification
    if not v.passed:
        return "Not ready to send: it did not pass its citation check", "warn"
    if result.writer != "template":
        return (
            "Citations and quotations checked; the model's own sentences may still misstate a decision: read "
            "every sentence before sending"
        ), "warn"
    if not v.citations_checked:
        return "No decisions cited", "ok"
    return "All citations verified", "ok"


RENUMBERED_TITLE = (
    "Precedent numbered this decision's paragraphs itself (its copy printed none): the published decision may number "
    "them differently"
)
RENUMBERED_FOOT = (
    "† Paragraph numbers assigned by Precedent: the copy of this decision in the index printed none, so the "
    "published decision may number its paragraphs differently. Find the quoted words to be sure."
)

# the checker's marks in a letter, and what each means to the person who must check the sentence
_FLAG_WHY = {
    "check": "the decision it cites may not say this",
    "unverified": "a sum, date or reference here is not in your facts or in any decision cited",
    "both": "a sum, date or reference here is not in your facts or in any decision cited, and the decision it cites "
    "may not say this",
}
_MARK_RE = re.compile(r"[ \t]*(\[unverified\]|\[check:[^\]\n]*\])")
_FLAG_OPEN, _FLAG_MID, _FLAG_CLOSE = "\ue000", "\ue001", "\ue002"


def _sentence_start(text: str, pos: int) -> int:
    """Where the sentence holding `pos` starts (after the last . ! ? followed by a space, or a line break)."""
    cut = 0
    for m in re.finditer(r"[.!?][\"”’)]*\s+(?=\S)|\n", text[:pos]):
        if m.end() <= pos:
            cut = m.end()
    return cut


def _sentence_end(text: str, pos: int) -> int:
    m = re.compile(r"[.!?](?=[\s\"”’)]|$)|\n").search(text, pos)
    return m.end() if m and m.group(0) != "\n" else (m.start() if m else len(text))


def flag_sentences(markdown: str) -> tuple[str, list[tuple[str, str]]]:
    """The letter with each sentence the checker marked wrapped in private-use sentinels (turned into `<mark>`
    after rendering, `mark_flags`) and its marks gone; and (sentence, why) for each."""
    spans: list[list] = []  # [start, end, kinds]
    for m in _MARK_RE.finditer(markdown):
        kind = "unverified" if m.group(1) == "[unverified]" else "check"
        start, end = _sentence_start(markdown, m.start()), _sentence_end(markdown, m.end())
        if spans and start < spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], end)
            spans[-1][2].append(kind)
        else:
            spans.append([start, end, [kind]])
    out, flagged, last = [], [], 0
    for start, end, kinds in spans:
        prefix = re.match(r"\s*(?:[-*+]\s+|\d+[.)]\s+|#+\s+)?", markdown[start:end])
        start += prefix.end() if prefix else 0
        sentence = _MARK_RE.sub("", markdown[start:end])
        kind = kinds[0] if len(set(kinds)) == 1 else "both"
        out.append(markdown[last:start])
        out.append(f"{_FLAG_OPEN}{kind}{_FLAG_MID}{sentence}{_FLAG_CLOSE}")
        flagged.append((strip_emphasis(" ".join(sentence.split())), _FLAG_WHY[kind]))
        last = end
    out.append(markdown[last:])
    return "".join(out), flagged


def mark_flags(rendered: str) -> str:
    def repl(m: re.Match) -> str:
        why = _FLAG_WHY.get(m.group(1), _FLAG_WHY["check"])
        return (
            f'<mark class="flag {esc(m.group(1))}" title="{esc(why)}">{m.group(2)}'
            f'<span class="why"> ⚠ {esc(why)}</span></mark>'
        )

    return re.sub(f"{_FLAG_OPEN}(\\w+){_FLAG_MID}(.*?){_FLAG_CLOSE}", repl, rendered, flags=re.S)


def _mark_renumbered(rendered: str, renumbered) -> tuple[str, bool]:
    """A dagger, with a tooltip, after each citation (as `link_citations` made it) of a decision whose paragraph
    numbers Precedent assigned; and whether there was one."""
    if not renumbered:
        return rendered, False
    out = re.sub(
        r"(?:<a class=\"cite\"[^>]*>(?P<a>\[[^\]<]*\])</a>|<span class=\"cite-multi\">(?P<m>\[.*?\])</span>)",
        lambda m: m.group(0) + _dagger(m.group("a") or m.group("m"), renumbered),
        rendered,
    )
    return out, out != rendered


def _dagger(citation_html: str, renumbered) -> str:
    text = html.unescape(re.sub(r"<[^>]+>", "", citation_html))
    m = CITE_RE.fullmatch(text)
    if not m or m.group("summary") or m.group("id").strip() not in renumbered:
        return ""
    return f'<sup class="renumbered" title="{esc(RENUMBERED_TITLE)}">†</sup>'


def letter_final_html(result, renumbered: set[str] | frozenset[str] = frozenset()) -> str:
    """The finished letter. One that failed its checks is not presented as finished: a box says so, and each
    sentence the checker marked is highlighted with why (its mark is not shown as text). Citations of decisions
    Precedent numbered itself (`renumbered`) carry a dagger and a footnote."""
    known = (
        {c.doc_id for c in result.citations}
        | {h.doc_id for h in result.precedents}
        | {r["doc_id"] for r in result.remedies}
    )
    flagged_md, flagged = flag_sentences(result.letter)
    body = link_citations(render_markdown(flagged_md), known)
    body = mark_flags(body)
    body, daggers = _mark_renumbered(body, renumbered)
    foot = f'<p class="renumbered-note">{esc(RENUMBERED_FOOT)}</p>' if daggers else ""
    if result.verification.passed:
        badge, cls = letter_badge(result)
        return (
            f'<article class="letter verified" data-state="verified"><p class="badge {cls}">{esc(badge)}</p>'
            f"{body}{foot}</article>"
        )
    v = result.verification
    n = len(flagged)
    lead = (
        f"{n} sentence{'s are' if n != 1 else ' is'} highlighted below"
        if n
        else "Something in it could not be checked (see the citation check below)"
    )
    whys = "".join(f"<li><q>{esc(_shorten(s, 160))}</q>: {esc(why)}</li>" for s, why in flagged)
    removed = []
    if v.citations_removed:
        removed.append(f"{v.citations_removed} citation{'s' if v.citations_removed != 1 else ''} removed")
    if v.quotes_fixed_or_removed:
        removed.append(
            f"{v.quotes_fixed_or_removed} quotation{'s' if v.quotes_fixed_or_removed != 1 else ''} fixed or removed"
        )
    extra = f"<p>Also: {esc('; '.join(removed))}.</p>" if removed else ""
    box = (
        '<div class="check-failed" role="alert"><p><b>Not ready to send: this draft did not pass its citation check.'
        f"</b> {esc(lead)}. Check each against the decision it cites, or redraft it with the template writer, "
        "which only quotes the decisions word for word. Download and copy open once you tick "
        f"“I have checked the highlighted sentences”.</p>{f'<ul>{whys}</ul>' if whys else ''}{extra}</div>"
    )
    return f'<article class="letter needs-check" data-state="needs-check">{box}{body}{foot}</article>'


def verification_html(result, seconds: float | None = None) -> str:
    v = result.verification
    if v.passed and not v.citations_checked:
        verdict = "The draft cites no decisions, so there was nothing to check."
    elif v.passed:
        verdict = (
            f"Every citation ({v.citations_checked}) and quotation ({v.quotes_checked}) was checked against the "
            "decision it names. Nothing needed changing."
        )
    else:
        verdict = "Some things were removed or marked so that the letter only says what the decisions support:"
    counts = [
        (v.citations_checked, "citations checked"),
        (v.citations_removed, "citations removed"),
        (v.quotes_checked, "quotations checked"),
        (v.quotes_fixed_or_removed, "quotations fixed or removed"),
        (len(v.unsupported_facts), "sums, dates or references not found in your facts or the decisions"),
    ]
    items = "".join(f'<li><span class="n">{n}</span> {esc(label)}</li>' for n, label in counts)
    # notes may quote a model's letter ("**** **End of the Letter**"): shown as plain words, without Markdown
    notes = "".join(f"<li>{esc(plain_note(n))}</li>" for n in v.notes if plain_note(n))
    extra = "".join(f"<li>{esc(plain_note(n))}</li>" for n in result.notes if plain_note(n))
    parts = [
        f'<section class="verify {"ok" if v.passed else "warn"}" data-passed="{str(v.passed).lower()}">',
        "<h3>Citation check</h3>",
        f'<p class="verdict">{esc(verdict)}</p>',
        f'<ul class="counts">{items}</ul>',
    ]
    if notes:
        parts.append(f'<ul class="notes">{notes}</ul>')
    if result.no_close_precedent:
        parts.append(
            '<p class="callout">No close precedent was found in the index, so the letter does not rely on one.</p>'
        )
    if extra:
        parts.append(f'<ul class="notes engine-notes">{extra}</ul>')
    issues = "; ".join(BY_LABEL[i].title if i in BY_LABEL else i.replace("_", " ") for i in result.issues)
    took = f" in {seconds:.1f} s" if seconds is not None else ""
    parts.append(
        f'<p class="meta">Issues recognised: {esc(issues or "none")}. Written by the {esc(result.writer)} '
        f"writer{took}.</p></section>"
    )
    return "".join(parts)


def remedies_html(rows: list[dict], renumbered: set[str] | frozenset[str] = frozenset()) -> str:
    if not rows:
        return (
            '<section class="remedies"><h3>Remedies in comparable decisions</h3>'
            '<p class="muted">The cited decisions state no sums of money.</p></section>'
        )
    body = []
    for r in rows:
        cite = r.get("citation") or ""
        href = decision_href(r["doc_id"], r.get("para"))
        # data-label: in a narrow box each row is a card, every cell labelled (head.css); the value sits in one div
        cells = [
            ("Amount", esc(r.get("amount_text")), ' class="amt"'),
            ("What it was for", esc(r.get("purpose")), ""),
            ("Period", esc(r.get("period") or "—"), ""),
            (
                "Decision",
                f"{esc(r.get('organisation') or r['doc_id'])}<br>"
                f'<span class="muted">{esc(long_date(r.get("decision_date")))}</span>',
                "",
            ),
            (
                "Source",
                f'<a class="cite" href="{esc(href)}" target="_blank" rel="noopener">{esc(cite)}</a>'
                f"{_dagger(cite, renumbered)}",
                "",
            ),
        ]
        body.append(
            "<tr>"
            + "".join(f'<td{cls} data-label="{label}"><div class="v">{v}</div></td>' for label, v, cls in cells)
            + "</tr>"
        )
    return (
        '<section class="remedies"><h3>Remedies in comparable decisions</h3><table><colgroup><col class="c-amt">'
        '<col class="c-purpose"><col class="c-period"><col class="c-dec"><col class="c-src"></colgroup><thead><tr>'
        "<th>Amount</th><th>What it was for</th><th>Period</th><th>Decision</th><th>Source</th></tr></thead><tbody>"
        + "".join(body)
        + "</tbody></table></section>"
    )


def _shorten(text: str, n: int = 700) -> str:
    text = re.sub(r"\s+", " ", text or "").strip()
    return text if len(text) <= n else text[:n].rsplit(" ", 1)[0] + " …"


def precedents_html(
    hits: list[Hit],
    heading: str | None = None,
    empty: str = "No matching paragraphs.",
    note: str | None = None,
    renumbered: set[str] | frozenset[str] = frozenset(),
) -> str:
    """Paragraphs grouped by decision, in rank order of each decision's best paragraph. A decision whose paragraph
    numbers Precedent assigned (`renumbered`) says so on its card, and its numbers carry a dagger."""
    groups: OrderedDict[str, list[Hit]] = OrderedDict()
    for h in hits:
        groups.setdefault(h.doc_id, []).append(h)
    parts = ['<section class="precedents">']
    if heading:
        parts.append(f"<h3>{esc(heading)}</h3>")
    if note:
        parts.append(f'<p class="callout">{esc(note)}</p>')
    if not groups:
        parts.append(f'<p class="muted">{esc(empty)}</p>')
    for doc_id, hs in groups.items():
        h0 = hs[0]
        ref = h0.ref or doc_id
        meta = [
            x
            for x in (
                h0.outcome,
                long_date(h0.decision_date),
                h0.category,
                None if h0.kind in ("decision", None) else h0.kind,
            )
            if x
        ]
        parts.append(
            f'<div class="decision-card" data-doc="{esc(doc_id)}">'
            f'<div class="dc-head"><a class="dc-title" href="{esc(decision_href(doc_id))}" target="_blank" '
            f'rel="noopener">{esc(h0.organisation or "Unknown organisation")}</a>'
            f'<span class="dc-ref">{esc(ref)}</span></div>'
            f'<div class="dc-meta">{" · ".join(esc(m) for m in meta)}</div>'
        )
        renum = doc_id in renumbered
        if renum:
            parts.append(
                '<div class="dc-renumbered">† Paragraph numbers assigned by Precedent (this copy printed none): '
                "the published decision may number them differently.</div>"
            )
        parts.append('<ul class="dc-paras">')
        for h in hs:
            label = "Summary" if h.para == "summary" else f"para {h.para}{' †' if renum else ''}"
            section = f'<span class="dc-section">{esc(h.section)}</span>' if h.section and h.para != "summary" else ""
            parts.append(
                f'<li><a class="para-link" href="{esc(decision_href(doc_id, h.para))}" target="_blank" '
                f'rel="noopener">{esc(label)}</a>{section}<div class="dc-text">{esc(_shorten(h.text))}</div></li>'
            )
        parts.append("</ul></div>")
    parts.append("</section>")
    return "".join(parts)


NEAREST_WHEN_NOT_CLOSE = 3


def undated_note(n: int) -> str:
    """What a date filter left out without a word before: decisions with no date."""
    if n <= 0:
        return ""
    which = "1 decision has" if n == 1 else f"{n} decisions have"
    return (
        f'<p class="undated-note" role="note">{which} no date in the index, so the date filter left '
        f"{'it' if n == 1 else 'them'} out. Clear the dates to include {'it' if n == 1 else 'them'}.</p>"
    )


def search_results_html(
    res,
    empty: str = "No paragraphs match these filters.",
    renumbered: set[str] | frozenset[str] = frozenset(),
    undated: int = 0,
) -> str:
    """A search's results. When nothing is close (`no_close_precedent`), the notice and only the few nearest
    paragraphs, under a heading that says they are not close: twenty loosely related paragraphs would read as
    support that is not there. `undated`: how many undated decisions a date filter left out (said, not hidden)."""
    hits = list(res.hits)
    if res.no_close_precedent and hits:
        hits = hits[:NEAREST_WHEN_NOT_CLOSE]
        n = len(hits)
        heading = f"The {n} nearest paragraph{'s' if n != 1 else ''}: not close matches"
        note = "No close precedent: nothing in the index is a close match for this problem."
        return undated_note(undated) + precedents_html(hits, heading, note=note, empty=empty, renumbered=renumbered)
    n = len({h.doc_id for h in hits})
    return undated_note(undated) + precedents_html(
        hits, f"{len(hits)} paragraphs from {n} decisions", empty=empty, renumbered=renumbered
    )


def notice_html(message: str | None, kind: str = "error") -> str:
    if not message:
        return ""
    return f'<div class="notice {esc(kind)}" role="alert">{esc(message)}</div>'


def progress_html(text: str, kind: str = "busy") -> str:
    """The line next to a Draft button: what is happening now ("busy"), that it finished ("done"), or what went
    wrong ("error"). Empty before the first click; announced to screen readers as it changes."""
    if not text:
        return '<div class="progress idle" role="status" aria-live="polite"></div>'
    role = "alert" if kind == "error" else "status"
    return f'<div class="progress {esc(kind)}" role="{role}" aria-live="polite">{esc(text)}</div>'


_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+!|~>-])")
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EMPH = re.compile(r"(?<![\w*])([*_])(?=[^\s*_])(.+?)(?<=[^\s*_])\1(?![\w*])")


def strip_emphasis(text: str) -> str:
    """`**bold**`, `__bold__`, `*it*`, `_it_` and `` `code` `` as their words; stray runs of `*` dropped. Citations
    (`[24 004 187, para 19]`) are untouched."""
    text = _STRONG.sub(r"\2", text)
    text = _EMPH.sub(r"\2", text)
    text = re.sub(r"`([^`]*)`", r"\1", text)
    text = re.sub(r"\*{2,}\s*", "", text)  # stray runs ("**** End"): gone with the space they leave
    return _MD_ESCAPE.sub(r"\1", text)


def plain_note(note: object) -> str:
    """One note of the citation check as plain words: Markdown emphasis markers and the checker's own marks
    (`[unverified]`, `[check: …]`, which a note quoting the letter may carry) gone, spaces collapsed."""
    return " ".join(strip_emphasis(_MARK_RE.sub("", str(note or ""))).split())


def plain_text(markdown: str) -> str:
    """A letter in Markdown as plain text that pastes cleanly into an email: headings as their words, no emphasis
    markers, bullets as "- ", tables as one line per row, citations kept as they are."""
    out: list[str] = []
    for line in (markdown or "").splitlines():
        if re.fullmatch(r"\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*", line):
            continue  # a table's |---|---| rule
        if re.fullmatch(r"\s*(\*\s*){3,}|\s*(-\s*){3,}|\s*(_\s*){3,}", line):
            out.append("")  # a thematic break
            continue
        line = re.sub(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$", r"\1", line)
        line = re.sub(r"^\s{0,3}>\s?", "", line)
        line = re.sub(r"^(\s*)[*+]\s+", r"\1- ", line)
        if re.match(r"^\s*\|.*\|\s*$", line):
            line = " · ".join(c.strip() for c in line.strip().strip("|").split("|"))
        out.append(strip_emphasis(line).rstrip())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip() + "\n"


def downloads_html(
    token: str | None, plain: str = "", prefix: str = "p", what: str = "letter", locked: bool = False
) -> str:
    """Download links and a copy button; the letter to copy (`plain`: plain text, see `plain_text`) sits, escaped,
    in a hidden textarea. `locked` (a letter that failed its checks, not yet acknowledged): no links and nothing to
    copy, only what to do first."""
    if not token:
        return ""
    if locked:
        return (
            f'<div class="downloads locked" id="{prefix}-dl-locked"><span class="dl-label">Download and copy</span>'
            f"<span>open once you tick “I have checked the highlighted sentences” above, or redraft the {esc(what)} "
            "with the template writer.</span></div>"
        )
    t = quote(token, safe="")
    return (
        '<div class="downloads"><span class="dl-label">Download</span>'
        f'<a class="dl" id="{prefix}-dl-docx" href="/export/{t}/letter.docx" download>Word (.docx)</a>'
        f'<a class="dl" id="{prefix}-dl-md" href="/export/{t}/letter.md" download>Markdown (.md)</a>'
        f'<button type="button" class="dl copy" id="{prefix}-copy" data-label="Copy {what}">Copy {what}</button>'
        f'<textarea class="copy-src" hidden readonly>{esc(plain)}</textarea></div>'
    )


def letter_failed_html() -> str:
    return (
        '<article class="letter empty" data-state="failed"><p>The draft could not be finished: see the message '
        "above. Nothing was kept.</p></article>"
    )


def decision_page(doc, para: str | None = None) -> str:
    """A whole decision; every paragraph carries id="p{para}", the summary id="summary"."""
    title = doc.title or doc.organisation or doc.doc_id
    refs = ", ".join(doc.refs) or doc.doc_id
    rows = [
        ("Organisation", esc(doc.organisation or "—")),
        ("Reference", esc(refs)),
        ("Outcome", esc(doc.outcome or "—")),
        ("Date", esc(long_date(doc.decision_date) or "—")),
        ("Category", esc(doc.category or "—")),
        ("Kind", esc(doc.kind)),
    ]
    url = doc.source_url or ""
    if re.match(r"^https?://", url, re.I):
        rows.append(("Source", f'<a href="{esc(url)}" rel="noopener noreferrer" target="_blank">{esc(url)}</a>'))
    meta = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows)
    out = [
        f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex"><title>{esc(refs)} · {esc(doc.organisation or "")} · Precedent</title>
<style>{DECISION_CSS}</style></head><body><main>
<p class="crumb">Precedent · decision of the Local Government and Social Care Ombudsman</p>
<h1>{esc(title)}</h1><dl class="meta">{meta}</dl>"""
    ]
    renum = doc.numbering == "reconstructed"
    if renum:
        out.append(
            '<p class="note renumbered-note">† This copy of the decision did not print paragraph numbers: Precedent '
            "numbered the paragraphs in order, so the published decision may number them differently. To find a "
            "paragraph there, look for its words.</p>"
        )
    if doc.summary:
        out.append(
            f'<section class="para summary" id="summary"><h2>Summary</h2><p class="text">{esc(doc.summary)}</p></section>'
        )
    section = None
    for p in doc.paragraphs:
        if p.section != section:
            section = p.section
            if section:
                out.append(f"<h2>{esc(section)}</h2>")
        num = (
            f'<a class="num" href="#p{esc(p.para)}" title="{esc(RENUMBERED_TITLE)}">{esc(p.para)}</a>'
            f'<sup class="renumbered" title="{esc(RENUMBERED_TITLE)}">†</sup>'
            if renum
            else f'<a class="num" href="#p{esc(p.para)}">{esc(p.para)}</a>'
        )
        out.append(f'<p class="para" id="p{esc(p.para)}">{num}<span class="text">{esc(p.text)}</span></p>')
    out.append(
        "<footer>Decisions of the Local Government and Social Care Ombudsman, re-used with attribution.</footer>"
        "</main><script>(function(){var t=location.hash&&document.getElementById(decodeURIComponent("
        'location.hash.slice(1)));if(t){t.scrollIntoView({block:"center"});}})();</script></body></html>'
    )
    return "".join(out)


def message_page(title: str, message: str, refresh: int | None = None) -> str:
    meta = f'<meta http-equiv="refresh" content="{int(refresh)}">' if refresh else ""
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8">{meta}<title>{esc(title)} · Precedent</title>'
        f"<style>{DECISION_CSS}</style></head><body><main><h1>{esc(title)}</h1><p>{esc(message)}</p>"
        '<p><a href="/">Back to Precedent</a></p></main></body></html>'
    )


def md_text(s: str) -> str:
    """User text for a Markdown-rendering component (the chat): shown literally, never as HTML or Markdown."""
    s = html.escape(s, quote=False)
    return re.sub(r"([\\`*_{}\[\]()#+!|~>-])", r"\\\1", s)
