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
        if m.group("law") or (known is not None and ident not in known):
            return m.group(0)  # the law ([Education Act 1996, s 19(1)]) is shown as written, not linked
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
        "be verified is removed or marked <code>[unverified]</code>, and the check is reported below.</p></article>"
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
        return "Checked: see the report below", "warn"
    if result.writer != "template":
        return (
            "Citations and quotations checked; the model's own sentences may still misstate a decision: read "
            "every sentence before sending"
        ), "warn"
    if not v.citations_checked:
        return "No decisions cited", "ok"
    return "All citations verified", "ok"


def letter_final_html(result) -> str:
    known = (
        {c.doc_id for c in result.citations}
        | {h.doc_id for h in result.precedents}
        | {r["doc_id"] for r in result.remedies}
    )
    body = link_citations(render_markdown(result.letter), known)
    badge, cls = letter_badge(result)
    return f'<article class="letter verified" data-state="verified"><p class="badge {cls}">{esc(badge)}</p>{body}</article>'


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
        (len(v.unsupported_facts), "facts marked [unverified]"),
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


def remedies_html(rows: list[dict]) -> str:
    if not rows:
        return (
            '<section class="remedies"><h3>Remedies in comparable decisions</h3>'
            '<p class="muted">The cited decisions state no sums of money.</p></section>'
        )
    body = []
    for r in rows:
        cite = r.get("citation") or ""
        href = decision_href(r["doc_id"], r.get("para"))
        body.append(
            f'<tr><td class="amt">{esc(r.get("amount_text"))}</td><td>{esc(r.get("purpose"))}</td>'
            f"<td>{esc(r.get('period') or '—')}</td><td>{esc(r.get('organisation') or r['doc_id'])}"
            f'<br><span class="muted">{esc(long_date(r.get("decision_date")))}</span></td>'
            f'<td><a class="cite" href="{esc(href)}" target="_blank" rel="noopener">{esc(cite)}</a></td></tr>'
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
    hits: list[Hit], heading: str | None = None, empty: str = "No matching paragraphs.", note: str | None = None
) -> str:
    """Paragraphs grouped by decision, in rank order of each decision's best paragraph."""
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
            f'<div class="dc-meta">{" · ".join(esc(m) for m in meta)}</div><ul class="dc-paras">'
        )
        for h in hs:
            label = "Summary" if h.para == "summary" else f"para {h.para}"
            section = f'<span class="dc-section">{esc(h.section)}</span>' if h.section and h.para != "summary" else ""
            parts.append(
                f'<li><a class="para-link" href="{esc(decision_href(doc_id, h.para))}" target="_blank" '
                f'rel="noopener">{esc(label)}</a>{section}<div class="dc-text">{esc(_shorten(h.text))}</div></li>'
            )
        parts.append("</ul></div>")
    parts.append("</section>")
    return "".join(parts)


NEAREST_WHEN_NOT_CLOSE = 3


def search_results_html(res, empty: str = "No paragraphs match these filters.") -> str:
    """A search's results. When nothing is close (`no_close_precedent`), the notice and only the few nearest
    paragraphs, under a heading that says they are not close: twenty loosely related paragraphs would read as
    support that is not there."""
    hits = list(res.hits)
    if res.no_close_precedent and hits:
        hits = hits[:NEAREST_WHEN_NOT_CLOSE]
        n = len(hits)
        heading = f"The {n} nearest paragraph{'s' if n != 1 else ''}: not close matches"
        note = "No close precedent: nothing in the index is a close match for this problem."
        return precedents_html(hits, heading, note=note, empty=empty)
    n = len({h.doc_id for h in hits})
    return precedents_html(hits, f"{len(hits)} paragraphs from {n} decisions", empty=empty)


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
    """One note of the citation check as plain words: Markdown emphasis markers gone, spaces collapsed."""
    return " ".join(strip_emphasis(str(note or "")).split())


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


def downloads_html(token: str | None, plain: str = "", prefix: str = "p", what: str = "letter") -> str:
    """Download links and a copy button; the letter to copy (`plain`: plain text, see `plain_text`) sits, escaped,
    in a hidden textarea."""
    if not token:
        return ""
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
    if doc.numbering == "reconstructed":
        out.append(
            '<p class="note">This copy of the decision did not print paragraph numbers; Precedent numbered the '
            "paragraphs in order.</p>"
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
        out.append(
            f'<p class="para" id="p{esc(p.para)}"><a class="num" href="#p{esc(p.para)}">{esc(p.para)}</a>'
            f'<span class="text">{esc(p.text)}</span></p>'
        )
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
