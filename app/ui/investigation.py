"""Pure HTML for the officer's investigation: how the Ombudsman decided similar complaints (per issue and per point),
the remedy benchmark beside the offer, and the procedure's due dates. Everything that came from a user or a document
is escaped."""

from __future__ import annotations

from datetime import date

from ..deadlines import Due
from ..precedent_summary import IssueSummary, PrecedentSummary
from ..text import long_date
from .render import decision_href, esc


def _cite(citation: str, doc_id: str, para: str) -> str:
    return (
        f'<a class="cite" href="{esc(decision_href(doc_id, para))}" target="_blank" rel="noopener">{esc(citation)}</a>'
    )


def _decision_li(d) -> str:
    who = ", ".join(x for x in (d.organisation, long_date(d.decision_date)) if x)
    quote = f": “{esc(d.quote)}”" if d.quote else ""
    return (
        f'<li data-found="{esc(d.found)}"><span class="outcome {esc(d.found.replace(" ", "-"))}">'
        f"{esc(d.outcome or 'Outcome not recorded')}</span> {esc(who)}{quote} {_cite(d.citation, d.doc_id, d.para)}</li>"
    )


def issue_html(i: IssueSummary, limit: int | None = None) -> str:
    items = i.decisions if limit is None else i.decisions[:limit]
    more = len(i.decisions) - len(items)
    lis = "".join(_decision_li(d) for d in items)
    tail = f'<li class="muted">and {more} more (see the summary above)</li>' if more > 0 else ""
    duty = ""
    if i.duty_quote and i.duty_citation:
        duty = (
            f'<p class="ps-law">The duty, as cited: “{esc(i.duty_quote)}” '
            f"{_cite(i.duty_citation, i.duty_doc or '', i.duty_para or '')}</p>"
        )
    return (
        f'<div class="ps-issue" data-issue="{esc(i.label)}"><p class="ps-title"><b>{esc(i.title)}.</b> '
        f"{esc(i.line())}</p>{duty}" + (f'<ul class="ps-decisions">{lis}{tail}</ul>' if lis else "") + "</div>"
    )


def summary_html(s: PrecedentSummary | None, note: str | None = None) -> str:
    """The precedent summary shown before drafting (`Engine.precedent_summary`)."""
    head = '<section class="precedent-summary"><h3>What the Ombudsman decided in similar complaints</h3>'
    if s is None:
        msg = note or "Read the complaint to see how the Ombudsman decided similar complaints."
        return f'{head}<p class="muted">{esc(msg)}</p></section>'
    parts = [head]
    if note:
        parts.append(f'<p class="callout">{esc(note)}</p>')
    if s.outside:
        parts.append(
            f'<p class="callout">The decisions Precedent holds are about special educational needs and children\'s '
            f"services, not {esc(s.outside)}: none is close to this complaint.</p>"
        )
    elif s.no_close_precedent:
        parts.append(
            '<p class="callout">No close precedent: nothing in the index is a close match for this complaint.</p>'
        )
    parts.append(
        '<p class="muted">Outcomes are as each decision records them; each sentence in quotation marks is the '
        "paragraph's own words.</p>"
    )
    parts += [issue_html(i) for i in s.issues]
    if s.remedies:
        rows = "".join(
            f'<tr><td>{esc(r.purpose)}</td><td class="amt">{esc(r.text())}</td><td>'
            + " ".join(esc(c) for c in dict.fromkeys(r.citations))
            + "</td></tr>"
            for r in s.remedies
        )
        parts.append(
            '<h4>Remedies the cited decisions set</h4><table class="ps-remedies"><thead><tr><th>For</th><th>Amounts'
            f"</th><th>Cited</th></tr></thead><tbody>{rows}</tbody></table>"
        )
    parts.append("</section>")
    return "".join(parts)


def point_precedents_html(s: PrecedentSummary | None, point: str) -> str:
    """Under one point of the complaint: the issues it raises, with the decisions found on each (two shown)."""
    if s is None or not (point or "").strip():
        return ""
    found = s.for_text(point)
    if not found:
        return '<div class="point-prec muted">No issue recognised in this point: see the summary above.</div>'
    return '<div class="point-prec">' + "".join(issue_html(i, limit=2) for i in found) + "</div>"


def benchmark_html(s: PrecedentSummary | None) -> str:
    """Beside the remedy offer: the range of sums the cited decisions set, per purpose."""
    if s is None or s.overall is None:
        return '<div class="benchmark muted">No sums of money in the decisions found: no benchmark to show.</div>'
    lines = "".join(f"<li>{esc(r.purpose)}: {esc(r.text())}</li>" for r in s.remedies)
    return (
        f'<div class="benchmark"><p><b>Comparable decisions:</b> <span class="bm-range">{esc(s.overall.text())}</span>'
        f'</p><ul>{lines}</ul><p class="muted">The sums the cited paragraphs state (see the summary above); '
        "adjust the offer to the facts.</p></div>"
    )


def due_html(dues: list[Due], today: date, note: str | None = None) -> str:
    """The procedure's due dates from the day the complaint arrived, and how late each is."""
    if note and not dues:
        return f'<div class="due muted">{esc(note)}</div>'
    items = []
    for d in dues:
        late = d.late_by(today)
        when = f"{d.due.day} {d.due:%B %Y}"
        flag = f' <span class="late">late by {late.days} day{"s" if late.days != 1 else ""}</span>' if late else ""
        extra = f' <span class="muted">({esc(d.note)})</span>' if d.note else ""
        if d.done:
            flag = f", done {d.done.day} {d.done:%B %Y}{flag}"
        items.append(
            f'<li data-late="{late.days if late else 0}">{esc(d.label)} by <b>{esc(when)}</b>{flag} '
            f'<span class="muted">{esc(d.rule)}</span>{extra}</li>'
        )
    tail = f'<p class="muted">{esc(note)}</p>' if note else ""
    return f'<div class="due"><ul>{"".join(items)}</ul>{tail}</div>'
