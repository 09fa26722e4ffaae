"""The web app: a Gradio Blocks page (parent desk, officer desk, precedents) mounted on a FastAPI app.

This module owns only presentation:

* `serve(settings, builtin_corpus)`: builds the index from the built-in corpus on a first start (in a background
  thread, with a tqdm bar on the console and a "Building the index…" banner on the page), then runs uvicorn on
  `settings.host:settings.port` (loopback by default), with optional HTTP basic auth (`settings.auth = "user:password"`)
  covering every route, and Gradio analytics off.
* `create_app(settings, builtin_corpus)`: the FastAPI app and its routes:
  `/` the Gradio page; `/decision/{doc_id}` a whole decision as HTML, one `id="p{para}"` per paragraph (the cited one
  highlighted through `:target`) and `id="summary"`; `/export/{token}/letter.docx|.md` a draft written with
  `app.export.write_letter` into a temporary folder at the moment the user clicks, sent, and deleted.
* rendering engine results (letter, verification report, remedy table, precedents grouped by decision) as HTML in
  which everything that came from a user or a document is escaped: the letter goes through markdown-it with raw
  HTML, links and images disabled, so text typed into the intake is only ever shown as text.
* per-session state (`gr.State`: the facts and the last draft), never module globals, so users never see each
  other's drafts. Drafts live in memory only; the export store forgets them after an hour.
* API endpoints for load tests (`gradio_client`): `/search`, `/draft`, `/refine` take plain values and return
  JSON-able values (draft: the letter Markdown and the verification report). The page's own streaming handlers are
  callable too, undocumented: `/parent_draft`, `/officer_draft`, `/search_ui`.

No business logic lives here: searching, drafting, refining and verifying are `app.engine.Engine`'s.
"""
from __future__ import annotations

import base64
import hmac
import html
import logging
import os
import queue
import re
import secrets
import sys
import tempfile
import threading
import time
from collections import OrderedDict
from datetime import date
from pathlib import Path
from typing import Any, Callable, Iterator
from urllib.parse import quote

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

from .errors import UserError  # noqa: E402
from .encoder_files import EmbeddingError  # noqa: E402
from .models import Filters, Hit  # noqa: E402
from .settings import Settings  # noqa: E402
from .text import first_line, long_date  # noqa: E402

log = logging.getLogger("precedent.ui")

STAGES = [("Council complaint, stage 1", "council-stage-1"), ("Council complaint, stage 2", "council-stage-2"),
          ("Ombudsman", "ombudsman")]
WRITER_LABELS = {
    "local": "Local model (experimental: slow, may misword; runs on this computer)",
    "template": "Template (recommended: fast, quotes the decisions word for word)",
    "ollama": "Ollama",
    "openai": "OpenAI-compatible server",
}
FIELD_LABELS = {"council": "Council", "child": "Child's initial", "provision": "What the plan says",
                "issue": "What went wrong", "since": "Since when", "contacts": "Who you contacted", "impact": "Impact",
                "outcome_sought": "What you want", "stage": "Stage", "role": "Role"}
WARM_WAIT_S = 180  # a request arriving while the search model loads waits this long for it
EXPORT_TTL_S = 3600
EXPORT_MAX = 256


# ============================================================================ escaping and rendering (pure)


def esc(s: object) -> str:
    return html.escape("" if s is None else str(s), quote=True)




def decision_href(doc_id: str, para: str | None = None) -> str:
    base = f"/decision/{quote(doc_id, safe='')}"
    if not para:
        return base
    return base + ("#summary" if para == "summary" else f"#p{quote(para, safe='.')}")


def _markdown_renderer():
    from markdown_it import MarkdownIt

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
    from .cite import CITE_RE, expand_nums

    def repl(m: re.Match) -> str:
        ident = html.unescape(m.group("id").strip())
        if known is not None and ident not in known:
            return m.group(0)
        if m.group("summary"):
            return f'<a class="cite" href="{esc(decision_href(ident, "summary"))}" target="_blank" rel="noopener">{m.group(0)}</a>'
        nums = expand_nums(m.group("nums") or "")
        if len(nums) == 1:
            return f'<a class="cite" href="{esc(decision_href(ident, nums[0]))}" target="_blank" rel="noopener">{m.group(0)}</a>'
        links = [f'<a class="cite" href="{esc(decision_href(ident, n))}" target="_blank" rel="noopener">{esc(n)}</a>' for n in nums]
        joined = ", ".join(links[:-1]) + " and " + links[-1]
        return f'<span class="cite-multi">[{esc(ident)}, paras {joined}]</span>'

    return CITE_RE.sub(repl, rendered)


def letter_placeholder(role: str = "parent") -> str:
    what = "letter" if role == "parent" else "response"
    return (f'<article class="letter empty" data-state="empty"><p>Your {what} will appear here.</p>'
            '<p>Every citation in it is checked against the decision it names before you see it: anything that cannot '
            'be verified is removed or marked <code>[unverified]</code>, and the check is reported below.</p></article>')


def letter_streaming_html(partial: str, status: str) -> str:
    body = render_markdown(partial) if partial.strip() else ""
    # column-reverse keeps a scrolled box pinned to its newest line while the text grows
    return (f'<article class="letter streaming" data-state="streaming"><div class="stream-inner">'
            f'<p class="stream-status">{esc(status)}</p>{body}</div></article>')


def letter_badge(result) -> tuple[str, str]:
    """(badge text, css class). "Verified" only where every claim is checkable: the template writer's letters, which
    state the person's own facts and quote decisions word for word. A model's own sentences are not all checkable."""
    v = result.verification
    if not v.passed:
        return "Checked: see the report below", "warn"
    if result.writer != "template":
        return ("Citations and quotations checked; the model's own sentences may still misstate a decision: read "
                "every sentence before sending"), "warn"
    if not v.citations_checked:
        return "No decisions cited", "ok"
    return "All citations verified", "ok"


def letter_final_html(result) -> str:
    known = {c.doc_id for c in result.citations} | {h.doc_id for h in result.precedents} | {r["doc_id"] for r in result.remedies}
    body = link_citations(render_markdown(result.letter), known)
    badge, cls = letter_badge(result)
    return (f'<article class="letter verified" data-state="verified"><p class="badge {cls}">{esc(badge)}</p>{body}</article>')


def verification_html(result, seconds: float | None = None) -> str:
    from .issues import BY_LABEL

    v = result.verification
    if v.passed and not v.citations_checked:
        verdict = "The draft cites no decisions, so there was nothing to check."
    elif v.passed:
        verdict = (f"Every citation ({v.citations_checked}) and quotation ({v.quotes_checked}) was checked against the "
                   "decision it names. Nothing needed changing.")
    else:
        verdict = "Some things were removed or marked so that the letter only says what the decisions support:"
    counts = [(v.citations_checked, "citations checked"), (v.citations_removed, "citations removed"),
              (v.quotes_checked, "quotations checked"), (v.quotes_fixed_or_removed, "quotations fixed or removed"),
              (len(v.unsupported_facts), "facts marked [unverified]")]
    items = "".join(f'<li><span class="n">{n}</span> {esc(label)}</li>' for n, label in counts)
    notes = "".join(f"<li>{esc(n)}</li>" for n in v.notes)
    extra = "".join(f"<li>{esc(n)}</li>" for n in result.notes)
    parts = [f'<section class="verify {"ok" if v.passed else "warn"}" data-passed="{str(v.passed).lower()}">',
             "<h3>Citation check</h3>", f'<p class="verdict">{esc(verdict)}</p>', f'<ul class="counts">{items}</ul>']
    if notes:
        parts.append(f'<ul class="notes">{notes}</ul>')
    if result.no_close_precedent:
        parts.append('<p class="callout">No close precedent was found in the index, so the letter does not rely on one.</p>')
    if extra:
        parts.append(f'<ul class="notes engine-notes">{extra}</ul>')
    issues = "; ".join(BY_LABEL[i].title if i in BY_LABEL else i.replace("_", " ") for i in result.issues)
    took = f" in {seconds:.1f} s" if seconds is not None else ""
    parts.append(f'<p class="meta">Issues recognised: {esc(issues or "none")}. Written by the {esc(result.writer)} '
                 f'writer{took}.</p></section>')
    return "".join(parts)


def remedies_html(rows: list[dict]) -> str:
    if not rows:
        return ('<section class="remedies"><h3>Remedies in comparable decisions</h3>'
                '<p class="muted">The cited decisions state no sums of money.</p></section>')
    body = []
    for r in rows:
        cite = r.get("citation") or ""
        href = decision_href(r["doc_id"], r.get("para"))
        body.append(
            f"<tr><td class=\"amt\">{esc(r.get('amount_text'))}</td><td>{esc(r.get('purpose'))}</td>"
            f"<td>{esc(r.get('period') or '—')}</td><td>{esc(r.get('organisation') or r['doc_id'])}"
            f"<br><span class=\"muted\">{esc(long_date(r.get('decision_date')))}</span></td>"
            f'<td><a class="cite" href="{esc(href)}" target="_blank" rel="noopener">{esc(cite)}</a></td></tr>')
    return ('<section class="remedies"><h3>Remedies in comparable decisions</h3><table><colgroup><col class="c-amt">'
            '<col class="c-purpose"><col class="c-period"><col class="c-dec"><col class="c-src"></colgroup><thead><tr>'
            '<th>Amount</th><th>What it was for</th><th>Period</th><th>Decision</th><th>Source</th></tr></thead><tbody>'
            + "".join(body) + "</tbody></table></section>")


def _shorten(text: str, n: int = 700) -> str:
    text = re.sub(r"\s+", " ", text or "").strip()
    return text if len(text) <= n else text[:n].rsplit(" ", 1)[0] + " …"


def precedents_html(hits: list[Hit], heading: str | None = None, empty: str = "No matching paragraphs.",
                    note: str | None = None) -> str:
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
        meta = [x for x in (h0.outcome, long_date(h0.decision_date), h0.category,
                            None if h0.kind in ("decision", None) else h0.kind) if x]
        parts.append(f'<div class="decision-card" data-doc="{esc(doc_id)}">'
                     f'<div class="dc-head"><a class="dc-title" href="{esc(decision_href(doc_id))}" target="_blank" '
                     f'rel="noopener">{esc(h0.organisation or "Unknown organisation")}</a>'
                     f'<span class="dc-ref">{esc(ref)}</span></div>'
                     f'<div class="dc-meta">{" · ".join(esc(m) for m in meta)}</div><ul class="dc-paras">')
        for h in hs:
            label = "Summary" if h.para == "summary" else f"para {h.para}"
            section = f'<span class="dc-section">{esc(h.section)}</span>' if h.section and h.para != "summary" else ""
            parts.append(f'<li><a class="para-link" href="{esc(decision_href(doc_id, h.para))}" target="_blank" '
                         f'rel="noopener">{esc(label)}</a>{section}<div class="dc-text">{esc(_shorten(h.text))}</div></li>')
        parts.append("</ul></div>")
    parts.append("</section>")
    return "".join(parts)


def notice_html(message: str | None, kind: str = "error") -> str:
    if not message:
        return ""
    return f'<div class="notice {esc(kind)}" role="alert">{esc(message)}</div>'


def downloads_html(token: str | None, plain: str = "", prefix: str = "p", what: str = "letter") -> str:
    """Download links and a copy button; the letter to copy sits, escaped, in a hidden textarea."""
    if not token:
        return ""
    t = quote(token, safe="")
    return ('<div class="downloads"><span class="dl-label">Download</span>'
            f'<a class="dl" id="{prefix}-dl-docx" href="/export/{t}/letter.docx" download>Word (.docx)</a>'
            f'<a class="dl" id="{prefix}-dl-md" href="/export/{t}/letter.md" download>Markdown (.md)</a>'
            f'<button type="button" class="dl copy" id="{prefix}-copy" data-label="Copy {what}">Copy {what}</button>'
            f'<textarea class="copy-src" hidden readonly>{esc(plain)}</textarea></div>')


def letter_failed_html() -> str:
    return ('<article class="letter empty" data-state="failed"><p>The draft could not be finished: see the message '
            'above. Nothing was kept.</p></article>')


def decision_page(doc, para: str | None = None) -> str:
    """A whole decision; every paragraph carries id="p{para}", the summary id="summary"."""
    title = doc.title or doc.organisation or doc.doc_id
    refs = ", ".join(doc.refs) or doc.doc_id
    rows = [("Organisation", esc(doc.organisation or "—")), ("Reference", esc(refs)),
            ("Outcome", esc(doc.outcome or "—")), ("Date", esc(long_date(doc.decision_date) or "—")),
            ("Category", esc(doc.category or "—")), ("Kind", esc(doc.kind))]
    url = doc.source_url or ""
    if re.match(r"^https?://", url, re.I):
        rows.append(("Source", f'<a href="{esc(url)}" rel="noopener noreferrer" target="_blank">{esc(url)}</a>'))
    meta = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows)
    out = [f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex"><title>{esc(refs)} · {esc(doc.organisation or '')} · Precedent</title>
<style>{DECISION_CSS}</style></head><body><main>
<p class="crumb">Precedent · decision of the Local Government and Social Care Ombudsman</p>
<h1>{esc(title)}</h1><dl class="meta">{meta}</dl>"""]
    if doc.numbering == "reconstructed":
        out.append('<p class="note">This copy of the decision did not print paragraph numbers; Precedent numbered the '
                   'paragraphs in order.</p>')
    if doc.summary:
        out.append(f'<section class="para summary" id="summary"><h2>Summary</h2><p class="text">{esc(doc.summary)}</p></section>')
    section = None
    for p in doc.paragraphs:
        if p.section != section:
            section = p.section
            if section:
                out.append(f"<h2>{esc(section)}</h2>")
        out.append(f'<p class="para" id="p{esc(p.para)}"><a class="num" href="#p{esc(p.para)}">{esc(p.para)}</a>'
                   f'<span class="text">{esc(p.text)}</span></p>')
    out.append('<footer>Decisions of the Local Government and Social Care Ombudsman, re-used with attribution.</footer>'
               '</main><script>(function(){var t=location.hash&&document.getElementById(decodeURIComponent('
               'location.hash.slice(1)));if(t){t.scrollIntoView({block:"center"});}})();</script></body></html>')
    return "".join(out)


def message_page(title: str, message: str, refresh: int | None = None) -> str:
    meta = f'<meta http-equiv="refresh" content="{int(refresh)}">' if refresh else ""
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8">{meta}<title>{esc(title)} · Precedent</title>'
            f'<style>{DECISION_CSS}</style></head><body><main><h1>{esc(title)}</h1><p>{esc(message)}</p>'
            '<p><a href="/">Back to Precedent</a></p></main></body></html>')


# ============================================================================ runtime: engine, readiness, exports


class ExportStore:
    """Drafts a user may download, in memory only, keyed by an unguessable token; forgotten after an hour."""

    def __init__(self, ttl_s: int = EXPORT_TTL_S, max_items: int = EXPORT_MAX):
        self.ttl_s, self.max_items = ttl_s, max_items
        self._items: OrderedDict[str, tuple[float, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def put(self, result, replaces: str | None = None) -> str:
        token = secrets.token_urlsafe(24)
        with self._lock:
            if replaces:
                self._items.pop(replaces, None)
            self._items[token] = (time.monotonic() + self.ttl_s, result)
            self._expire()
        return token

    def get(self, token: str):
        with self._lock:
            self._expire()
            item = self._items.get(token)
            return item[1] if item else None

    def _expire(self) -> None:
        now = time.monotonic()
        for k in [k for k, (exp, _) in self._items.items() if exp < now]:
            del self._items[k]
        while len(self._items) > self.max_items:
            self._items.popitem(last=False)


class Runtime:
    """One per server process: the engine, whether the index is ready, the filter choices, the export store."""

    def __init__(self, settings: Settings, builtin_corpus: Path | None, engine=None):
        from .engine import Engine

        self.settings = settings
        self.builtin_corpus = Path(builtin_corpus) if builtin_corpus else None
        self.engine = engine or Engine(settings, on_notice=lambda line: print(f"Precedent: {line}", file=sys.stderr, flush=True))
        self.encoder: str | None = None  # one line: which encoder searches, and why
        self.exports = ExportStore()
        self.phase = "starting"  # starting | building | warming | ready | error
        self.done = 0
        self.total = 0
        self.error: str | None = None
        self.documents = 0
        self.categories: list[str] = []
        self.outcomes: list[str] = []
        self.started = time.monotonic()
        self.ready_after: float | None = None
        self.default_writer, self.writer_note = self._writer_default()
        self._thread: threading.Thread | None = None

    # -------------------------------------------------------------- writers
    def _writer_default(self) -> tuple[str, str | None]:
        s = self.settings
        try:
            from .gguf import installed

            have_local = installed(s.local_model, s.models_dir)
        except Exception:  # an unknown model name, an unreadable cache: treat as not installed
            have_local = False
        self.local_installed = have_local
        # The template writer is the default, whatever is installed: the local model's letters are experimental
        # (slow on 2 cores, and its own sentences can misstate a decision) until its quality gates pass. Someone who
        # asks for a model (PRECEDENT_LLM or --llm) gets it as the default.
        missing = ("The local model isn't installed, so only the template writer is offered (every citation is still "
                   "checked). To try the experimental local model, run `make llm` and restart Precedent.")
        if "llm" in s.model_fields_set and s.llm and s.llm != "template":
            return s.llm, missing if s.llm == "local" and not have_local else None
        return "template", None if have_local else missing

    def writer_choices(self) -> list[tuple[str, str]]:
        names = ["template", "local"]
        if self.default_writer not in names:
            names.insert(0, self.default_writer)
        return [(WRITER_LABELS.get(n, n), n) for n in names]

    # -------------------------------------------------------------- readiness
    def start(self, build: bool = True) -> None:
        self._thread = threading.Thread(target=self._prepare, args=(build,), name="precedent-prepare", daemon=True)
        self._thread.start()

    def wait(self, timeout: float | None = None) -> bool:
        if self._thread:
            self._thread.join(timeout)
        return self.phase == "ready"

    def _prepare(self, build: bool) -> None:
        eng = self.engine
        try:
            if build and not self._has_documents():
                corpus = self.builtin_corpus
                if corpus is None or not corpus.exists():
                    raise UserError(f"no index at {self.settings.index} and no built-in corpus to build one from: run "
                                    "`precedent ingest FOLDER` first")
                self.phase = "building"
                print(f"Precedent: first start, building the index at {self.settings.index} from {corpus} …",
                      file=sys.stderr, flush=True)
                from tqdm import tqdm

                bar = None

                def progress(i: int, total: int) -> None:
                    nonlocal bar
                    if bar is None:
                        bar = tqdm(total=total, unit="file", desc="building the index", file=sys.stderr)
                    self.done, self.total = i, total
                    bar.update(1)

                report = eng.ingest([str(corpus)], progress=progress)
                if bar is not None:
                    bar.close()
                for path, reason in report.failed:
                    print(f"failed: {path}: {reason}", file=sys.stderr)
                print(f"Precedent: {report.summary_line()}", file=sys.stderr, flush=True)
            elif not eng.has_index():
                raise UserError(f"no index at {self.settings.index}: build one with `precedent ingest corpus/`")
            self.phase = "warming"
            eng.search("special educational needs provision", k=1)  # loads the encoder, SQLite and the vector store
            self.encoder = eng.encoder_notice()
            docs = eng.documents()
            self.documents = len(docs)
            cats: set[str] = set()
            for d in docs:
                if d.category:
                    cats.add(d.category)
                    cats.add(d.category.split(" > ")[0])
            self.categories = sorted(cats)
            self.outcomes = sorted({d.outcome for d in docs if d.outcome})
            self.ready_after = time.monotonic() - self.started
            self.phase = "ready"
            print(f"Precedent: ready ({self.documents} documents) after {self.ready_after:.1f} s", file=sys.stderr, flush=True)
        except EmbeddingError as e:
            print(f"error: {e}", file=sys.stderr, flush=True)
            self.error, self.phase = SEARCH_MODEL_BROKEN, "error"
        except UserError as e:
            self.error, self.phase = str(e), "error"
            print(f"error: {e}", file=sys.stderr, flush=True)
        except Exception:  # noqa: BLE001 - the page says it in plain words; the traceback goes to the log
            log.exception("preparing the index failed")
            self.error, self.phase = PREPARE_FAILED, "error"

    def _has_documents(self) -> bool:
        if not self.engine.has_index():
            return False
        try:
            return self.engine.index().count()[0] > 0
        except UserError:
            return False

    def not_ready(self, wait_s: float = 0.0) -> str | None:
        """None when handlers may use the engine, else a sentence saying why not yet. While only the search model
        is loading (a bounded wait), wait up to `wait_s` for it rather than turn the user away."""
        if wait_s and self.phase in ("starting", "warming") and self._thread is not None:
            deadline = time.monotonic() + wait_s
            while self.phase in ("starting", "warming") and time.monotonic() < deadline:
                self._thread.join(0.25)
        if self.phase == "ready":
            return None
        if self.phase == "error":
            return f"Precedent can't search yet: {self.error}"
        if self.phase == "building":
            n = f" ({self.done} of {self.total} files read)" if self.total else ""
            return f"Building the index of decisions{n}. This happens once, on the first start; please try again in a moment."
        return "Precedent is still starting up (loading the search model). Please try again in a moment."

    def status_html(self) -> str:
        if self.phase == "ready":
            encoder = f'<span class="encoder">{esc(self.encoder)}</span>' if self.encoder else ""
            return (f'<div class="status ready" data-phase="ready">Ready · {self.documents} decisions and reports '
                    f'indexed · nothing you type is saved{encoder}</div>')
        if self.phase == "error":
            return f'<div class="status error" data-phase="error">{esc(self.not_ready())}</div>'
        if self.phase == "building":
            pct = int(100 * self.done / self.total) if self.total else 0
            n = (f"read {self.done} of {self.total} files" if self.total and self.done < self.total else
                 f"embedding the paragraphs of {self.total} files" if self.total else "reading the corpus")
            return (f'<div class="status busy" data-phase="building">Building the index… {esc(n)}. This happens on the '
                    'first start only; you can fill in the form meanwhile.'
                    f'<div class="bar"><span style="width:{pct}%"></span></div></div>')
        if self.phase == "starting":
            return '<div class="status busy" data-phase="starting">Starting up…</div>'
        return ('<div class="status busy" data-phase="warming">Starting up: loading the search model… You can fill in '
                'the form meanwhile.</div>')


# What the page says when Precedent cannot get ready: plain words and the command that repairs it, never a file
# name or a figure (the details go to the terminal it runs in).
SEARCH_MODEL_BROKEN = ("its search model could not be loaded on this computer. To repair it, stop Precedent "
                       "(Ctrl+C in its terminal), run `make setup`, then `make run` again.")
PREPARE_FAILED = ("something went wrong while preparing the decisions. Stop Precedent (Ctrl+C in its terminal) and "
                  "run `make run` again; if it happens again, the details are in that terminal.")


def friendly(e: BaseException) -> str:
    """One line for the page, whatever went wrong."""
    if isinstance(e, UserError):
        return str(e)
    log.error("unexpected error in a handler", exc_info=e)
    return f"Something went wrong ({type(e).__name__}: {first_line(e)}). The details are in the server log."


# ============================================================================ facts from the page


def _none(s: str | None) -> str | None:
    s = (s or "").strip()
    return s or None


def _since(s: str | None) -> str | None:
    s = _none(s)
    if s and (m := re.fullmatch(r"(\d{4})[-/.](\d{1,2})", s)):
        return f"{m.group(1)}-{int(m.group(2)):02d}"
    return s


def parent_facts(council, child, provision, issue, since, contacts, impact, outcome_sought, stage):
    from .draft import parse_facts

    if not _none(issue):
        raise UserError("Please say what went wrong: the 'What went wrong' box is empty.")
    data = {"role": "parent", "council": _none(council), "child": _none(child), "provision": _none(provision),
            "issue": _none(issue), "since": _since(since),
            "contacts": [c.strip() for c in (contacts or "").splitlines() if c.strip()],
            "impact": _none(impact), "outcome_sought": _none(outcome_sought), "stage": stage or "council-stage-1"}
    return _parse(parse_facts, data)


def officer_facts(complaint, council):
    from .draft import parse_facts

    if not _none(complaint):
        raise UserError("Please paste the complaint: the complaint box is empty.")
    return _parse(parse_facts, {"role": "officer", "stage": "response", "issue": _none(complaint), "council": _none(council)})


def _parse(parse_facts, data):
    from .draft import FactsError

    data = {k: v for k, v in data.items() if v not in (None, [])}
    try:
        return parse_facts(data, "intake")
    except FactsError as e:
        msg = str(e)
        m = re.match(r"intake: (\w+): (.*)$", msg, re.S)
        if m:
            msg = f"{FIELD_LABELS.get(m.group(1), m.group(1))}: {m.group(2)}"
        raise UserError(msg) from None


# ============================================================================ drafting with streaming


def stream_call(call: Callable[[Callable[[str], None]], Any], every: float = 0.12) -> Iterator[tuple[str, Any]]:
    """Run `call(on_token)` in a thread; yield ("text", text so far) as tokens arrive (at most every `every` s),
    ("tick", seconds) while waiting, and finally ("done", value). Re-raises the call's exception."""
    q: queue.Queue = queue.Queue()
    box: dict[str, Any] = {}

    def work():
        try:
            box["value"] = call(lambda t: q.put(t))
        except BaseException as e:  # noqa: BLE001 - handed back to the caller's thread
            box["error"] = e
        finally:
            q.put(None)

    t0 = time.monotonic()
    threading.Thread(target=work, name="precedent-draft", daemon=True).start()
    text, last, finished = "", 0.0, False
    while not finished:
        try:
            tok = q.get(timeout=1.0)
        except queue.Empty:
            yield "tick", time.monotonic() - t0
            continue
        if tok is None:
            break
        text += tok
        while True:  # drain what is already there
            try:
                tok = q.get_nowait()
            except queue.Empty:
                break
            if tok is None:
                finished = True
                break
            text += tok
        now = time.monotonic()
        if now - last >= every or finished:
            last = now
            yield "text", text
    if "error" in box:
        raise box["error"]
    yield "done", box.get("value")


# ============================================================================ the page


CSS = """
.gradio-container { max-width: 1240px !important; margin: 0 auto !important; }
#header { padding: 8px 4px 4px; }
#header h1 { font-size: 1.7rem; font-weight: 650; margin: 0 0 4px; letter-spacing: -0.01em; }
#header p { margin: 0; color: #4a5360; font-size: 1rem; line-height: 1.5; max-width: 60rem; }
#header .tick { color: #1f7a4d; font-weight: 600; }
.status { border-radius: 8px; padding: 8px 14px; font-size: 0.92rem; }
.status.ready { background: #eef7f1; color: #1f5c3d; border: 1px solid #cfe6d8; }
.status.busy { background: #eef3fb; color: #27466e; border: 1px solid #d3e0f3; }
.status.error { background: #fdf0ef; color: #8a2a22; border: 1px solid #f2cdc9; }
.status .encoder { display: block; font-size: 0.8rem; opacity: 0.75; margin-top: 2px; }
.status .bar { height: 4px; background: #d3e0f3; border-radius: 2px; margin-top: 6px; overflow: hidden; }
.status .bar span { display: block; height: 100%; background: #4a78b5; }
.desk-h { font-size: 1.08rem; font-weight: 650; margin: 8px 0 4px; color: #1d232b; }
.intro { color: #5b6572; font-size: 0.95rem; margin: 0 0 4px; line-height: 1.5; }
.writer-note { font-size: 0.88rem; color: #7a5a12; background: #fdf7e7; border: 1px solid #f0e2b6; border-radius: 8px; padding: 8px 12px; }
.writer-note code { background: #f6ecd0; padding: 0 4px; border-radius: 4px; }
.notice { border-radius: 8px; padding: 10px 14px; margin: 4px 0 8px; font-size: 0.95rem; line-height: 1.45; }
.notice.error { background: #fdf0ef; color: #8a2a22; border: 1px solid #f2cdc9; }
.notice.info { background: #eef3fb; color: #27466e; border: 1px solid #d3e0f3; }
.letter { background: #fff; border: 1px solid #e3e6ea; border-radius: 10px; padding: 26px 30px; font-size: 1rem;
  line-height: 1.65; color: #1d232b; box-shadow: 0 1px 2px rgba(16,24,40,.04); max-height: 76vh; overflow-y: auto; }
.letter p { margin: 0 0 0.9em; }
.letter h2 { font-size: 1.1rem; margin: 1.4em 0 0.6em; padding-top: 0.8em; border-top: 1px solid #eceef1; }
.letter ul { padding-left: 1.2em; } .letter li { margin-bottom: 0.55em; font-size: 0.93rem; color: #38414d; }
.letter.streaming { display: flex; flex-direction: column-reverse; }
.letter.empty { color: #6b7480; background: #fafbfc; border-style: dashed; }
.letter .stream-status { color: #4a78b5; font-size: 0.9rem; font-style: italic; }
.letter .badge { display: inline-block; font-size: 0.82rem; font-weight: 600; border-radius: 999px; padding: 2px 10px; margin-bottom: 14px; }
.letter .badge.ok { background: #eef7f1; color: #1f5c3d; } .letter .badge.warn { background: #fdf7e7; color: #7a5a12; }
a.cite { color: #1d5fa8; text-decoration: none; border-bottom: 1px solid #b9cfe8; white-space: nowrap; }
a.cite:hover { background: #eef3fb; }
.verify, .remedies, .precedents { background: #fff; border: 1px solid #e3e6ea; border-radius: 10px; padding: 16px 20px; margin-top: 4px; }
.verify h3, .remedies h3, .precedents h3 { font-size: 1.02rem; margin: 0 0 8px; }
.verify.ok { border-left: 4px solid #3c9a6a; } .verify.warn { border-left: 4px solid #d9a521; }
.verify .counts { list-style: none; padding: 0; margin: 8px 0; display: flex; flex-wrap: wrap; gap: 8px 18px; font-size: 0.92rem; }
.verify .counts .n { font-weight: 700; font-variant-numeric: tabular-nums; }
.verify .notes { font-size: 0.9rem; color: #4d4636; margin: 6px 0; }
.verify .meta, .muted { color: #6b7480; font-size: 0.88rem; }
.callout { background: #fdf7e7; border: 1px solid #f0e2b6; border-radius: 8px; padding: 8px 12px; font-size: 0.92rem; }
.remedies table { width: 100%; border-collapse: collapse; font-size: 0.9rem; table-layout: fixed; border: none !important; }
.remedies col.c-amt { width: 14%; } .remedies col.c-purpose { width: 40%; } .remedies col.c-period { width: 14%; }
.remedies col.c-dec { width: 18%; } .remedies col.c-src { width: 14%; }
.remedies th { text-align: left; font-weight: 600; color: #4a5360; border: none !important; border-bottom: 2px solid #e3e6ea !important; padding: 6px 8px; background: none !important; }
.remedies td { border: none !important; border-bottom: 1px solid #eceef1 !important; padding: 8px; vertical-align: top; }
.remedies td a.cite { white-space: normal; }
.remedies td.amt { font-weight: 600; white-space: nowrap; }
.decision-card { border-top: 1px solid #eceef1; padding: 12px 0 4px; }
.decision-card:first-of-type { border-top: none; }
.dc-head { display: flex; gap: 10px; align-items: baseline; flex-wrap: wrap; }
.dc-title { font-weight: 600; color: #1d5fa8; text-decoration: none; font-size: 1rem; }
.dc-ref { font-variant-numeric: tabular-nums; color: #4a5360; font-size: 0.9rem; }
.dc-meta { color: #6b7480; font-size: 0.86rem; margin: 2px 0 6px; }
.dc-paras { list-style: none; padding: 0; margin: 0; }
.dc-paras li { margin: 6px 0 10px; }
.dc-paras .dc-text { display: block; margin: 4px 0 0; font-size: 0.92rem; line-height: 1.55; color: #38414d; }
.para-link { font-weight: 600; font-size: 0.85rem; color: #1d5fa8; text-decoration: none; background: #eef3fb; border-radius: 4px; padding: 1px 6px; }
.dc-section { color: #6b7480; font-size: 0.82rem; margin-left: 8px; }
.downloads { display: flex; gap: 10px; align-items: center; flex-wrap: wrap; margin: 10px 0 4px; }
.downloads .dl-label { color: #4a5360; font-size: 0.92rem; margin-right: 2px; }
.downloads .dl { border: 1px solid #cdd5df; border-radius: 8px; padding: 6px 14px; text-decoration: none; color: #1d232b;
  font-size: 0.92rem; background: #fff; cursor: pointer; font-family: inherit; line-height: 1.4; }
.downloads .dl:hover { background: #f4f6f8; }
.downloads .copy { margin-left: auto; }
.reports { margin-top: 10px; }
.reports .verify, .reports .remedies, .reports .precedents { margin-top: 8px; }
footer { display: none !important; }
"""

DECISION_CSS = """
body { margin: 0; background: #f6f7f9; color: #1d232b; font: 16px/1.65 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
main { max-width: 820px; margin: 0 auto; padding: 32px 28px 80px; background: #fff; min-height: 100vh; box-shadow: 0 0 0 1px #e3e6ea; }
.crumb { color: #6b7480; font-size: 0.85rem; margin: 0 0 4px; }
h1 { font-size: 1.5rem; line-height: 1.3; margin: 0 0 16px; }
h2 { font-size: 1.05rem; margin: 28px 0 8px; color: #2c3440; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; font-size: 0.93rem; background: #f8f9fb;
  border: 1px solid #e3e6ea; border-radius: 10px; padding: 14px 18px; margin: 0 0 20px; }
dl.meta dt { color: #6b7480; } dl.meta dd { margin: 0; word-break: break-word; }
.note { font-size: 0.9rem; color: #7a5a12; background: #fdf7e7; border-radius: 8px; padding: 8px 12px; }
.para { display: grid; grid-template-columns: 3.2em 1fr; gap: 0 6px; margin: 0; padding: 8px 10px; border-radius: 8px;
  scroll-margin-top: 30vh; transition: background .3s; }
.summary { display: block; background: #f8f9fb; }
.para .num { color: #6b7480; text-decoration: none; font-variant-numeric: tabular-nums; font-size: 0.9rem; padding-top: 2px; }
.para:target { background: #fff4c2; box-shadow: inset 4px 0 0 #d9a521; }
footer { margin-top: 40px; color: #6b7480; font-size: 0.85rem; border-top: 1px solid #e3e6ea; padding-top: 12px; }
a { color: #1d5fa8; }
"""

HEAD = '<meta name="referrer" content="no-referrer"><meta name="robots" content="noindex">'

COPY_JS = """element.addEventListener('click', (e) => {
  const b = e.target.closest('button.copy'); if (!b) return;
  const src = element.querySelector('textarea.copy-src'); const text = src ? src.value : '';
  const done = () => { b.textContent = 'Copied'; setTimeout(() => { b.textContent = b.dataset.label; }, 1500); };
  const fallback = () => { const t = document.createElement('textarea'); t.value = text; document.body.appendChild(t);
    t.select(); try { document.execCommand('copy'); done(); } finally { document.body.removeChild(t); } };
  if (navigator.clipboard && window.isSecureContext) { navigator.clipboard.writeText(text).then(done, fallback); } else { fallback(); }
});"""


def _html(value: str = "", elem_id: str | None = None, js_on_load: str | None = None, **kw):
    import gradio as gr

    return gr.HTML(value, elem_id=elem_id, js_on_load=js_on_load, **kw)


def build_blocks(rt: Runtime):
    import gradio as gr

    eng = rt.engine

    # ---------------------------------------------------------------- outputs of one desk
    class Desk:
        def __init__(self, prefix: str, role: str):
            self.prefix, self.role = prefix, role
            self.notice = _html("", f"{prefix}-notice", visible=False)
            self.letter = _html(letter_placeholder(role), f"{prefix}-letter")
            self.downloads = _html("", f"{prefix}-downloads", js_on_load=COPY_JS)
            with gr.Tabs(elem_id=f"{prefix}-reports", elem_classes=["reports"]):
                with gr.Tab("Citation check", id=f"{prefix}-tab-verify"):
                    self.verify = _html('<p class="muted">The check of every citation and quotation appears here.</p>',
                                        f"{prefix}-verify")
                with gr.Tab("Remedies", id=f"{prefix}-tab-remedies"):
                    self.remedies = _html('<p class="muted">Sums of money the cited decisions set appear here.</p>',
                                          f"{prefix}-remedies")
                with gr.Tab("Decisions used", id=f"{prefix}-tab-precedents"):
                    self.precedents = _html('<p class="muted">The decisions and paragraphs the draft relies on appear '
                                            'here.</p>', f"{prefix}-precedents")
            self.state = gr.State(None)

        @property
        def outputs(self):
            return [self.notice, self.letter, self.downloads, self.verify, self.remedies, self.precedents, self.state]

        def error(self, msg: str) -> dict:
            return {self.notice: gr.HTML(notice_html(msg), visible=True)}

        def ready(self):
            """Generator: shows 'loading' while the search model loads (waiting for it); returns False with a
            message on the page when the engine cannot be used yet (e.g. the index is still being built)."""
            waited = rt.phase in ("starting", "warming")
            if waited:
                yield {self.letter: letter_streaming_html("", "Loading the search model…")}
            msg = rt.not_ready(WARM_WAIT_S)
            if msg:
                update = self.error(msg)
                if waited:
                    update[self.letter] = letter_placeholder(self.role)
                yield update
                return False
            return True

        def run(self, call, facts, state, status0: str) -> Iterator[dict]:
            """Stream a draft into this desk; finish with the verified letter and its report."""
            yield {self.notice: gr.HTML("", visible=False), self.letter: letter_streaming_html("", status0),
                   self.downloads: ""}
            seen_text, t0 = False, time.monotonic()
            try:
                for kind, value in stream_call(call):
                    if kind == "tick" and not seen_text:
                        yield {self.letter: letter_streaming_html("", f"{status0} ({value:.0f} s)")}
                    elif kind == "text":
                        seen_text = True
                        yield {self.letter: letter_streaming_html(value, "Writing… (the citations are checked when it "
                                                                         "is finished)")}
                    elif kind == "done":
                        new_facts, result = value if isinstance(value, tuple) else (facts, value)
                        old = (state or {}).get("token")
                        token = rt.exports.put(result, replaces=old)
                        yield self.final(result, {"facts": new_facts, "result": result, "token": token},
                                         time.monotonic() - t0)
            except Exception:
                yield {self.letter: letter_failed_html()}
                raise

        def final(self, result, state, seconds: float | None = None) -> dict:
            heading = "Decisions this letter draws on" if self.role == "parent" else "Decisions this response draws on"
            return {
                self.notice: gr.HTML("", visible=False),
                self.letter: letter_final_html(result),
                self.downloads: downloads_html(state["token"], result.markdown(), self.prefix,
                                               "letter" if self.role == "parent" else "response"),
                self.verify: verification_html(result, seconds),
                self.remedies: remedies_html(result.remedies),
                self.precedents: precedents_html(result.precedents, heading,
                                                 empty="No close precedent was found, so none is cited."),
                self.state: state,
            }

    def writer_radio(prefix: str):
        r = gr.Radio(rt.writer_choices(), value=rt.default_writer, label="Who writes the draft",
                     elem_id=f"{prefix}-writer")
        if rt.writer_note:
            note = re.sub(r"`([^`]+)`", r"<code>\1</code>", esc(rt.writer_note))
            _html(f'<div class="writer-note">{note}</div>', f"{prefix}-writer-note")
        return r

    with gr.Blocks(title="Precedent · SEND complaints with checked citations", analytics_enabled=False,
                   delete_cache=(3600, 3600)) as demo:
        _html('<div id="header"><h1>Precedent</h1><p>Draft a complaint about special educational needs support, or a '
              "council's response, grounded in published decisions of the Local Government and Social Care Ombudsman. "
              '<span class="tick">Every citation is checked</span> against the paragraph it names before you see it.</p></div>')
        status = _html(rt.status_html(), "status")
        timer = gr.Timer(1.0, active=True)

        with gr.Tabs(elem_id="tabs"):
            # ============================================================ parent desk
            with gr.Tab("Parent desk", id="parent", elem_id="parent-desk"):
                with gr.Row(equal_height=False):
                    with gr.Column(scale=5, min_width=340):
                        _html('<h3 class="desk-h">Tell us what happened</h3><p class="intro">A few short answers are enough; only <b>What went wrong</b> is required. '
                              "Nothing you type is saved: a draft is kept in memory only, for an hour at most, so that you can "
                              "download it.</p>")
                        with gr.Row():
                            p_council = gr.Textbox(label="Council", placeholder="e.g. Liverpool City Council",
                                                   max_length=200, elem_id="p-council", scale=3)
                            p_child = gr.Textbox(label="Child's initial", placeholder="e.g. A", max_length=40,
                                                 elem_id="p-child", scale=1, min_width=110)
                        p_provision = gr.Textbox(label="What the plan says", lines=2, max_length=10_000,
                                                 placeholder="e.g. Section F: a weekly 45-minute session with a qualified occupational therapist",
                                                 elem_id="p-provision")
                        p_issue = gr.Textbox(label="What went wrong", lines=3, max_length=20_000,
                                             placeholder="e.g. The occupational therapy in Section F has not been delivered.",
                                             elem_id="p-issue")
                        p_since = gr.Textbox(label="Since when (YYYY-MM)", placeholder="e.g. 2023-09", max_length=20,
                                             elem_id="p-since")
                        p_contacts = gr.Textbox(label="Who you contacted (one per line)", lines=3,
                                                placeholder="Emailed the SEN caseworker on 4 October 2023\nPhoned the council in November 2023",
                                                elem_id="p-contacts")
                        p_impact = gr.Textbox(label="Impact on your child and family", lines=2, max_length=10_000,
                                              elem_id="p-impact")
                        p_outcome = gr.Textbox(label="What you want", lines=2, max_length=10_000,
                                               placeholder="e.g. The therapy to start now, and a payment for what was missed",
                                               elem_id="p-outcome")
                        p_stage = gr.Radio(STAGES, value="council-stage-1", label="Where are you in the process?",
                                           elem_id="p-stage")
                        p_writer = writer_radio("p")
                        p_go = gr.Button("Draft my letter", variant="primary", elem_id="p-draft", size="lg")
                    with gr.Column(scale=7, min_width=420):
                        _html('<h3 class="desk-h">Your letter</h3>')
                        parent = Desk("p", "parent")
                        _html('<h3 class="desk-h">Refine the letter</h3><p class="intro">Ask for changes in your own words; '
                              'the letter is redrafted and every citation checked again.</p>')
                        p_chat = gr.Chatbot(label="Changes", height=180, elem_id="p-chat", feedback_options=None,
                                            placeholder="Ask for a change, e.g. “make it shorter” or “add that I emailed twice in March”.",
                                            buttons=[], show_label=False, latex_delimiters=[])
                        with gr.Row():
                            p_instruction = gr.Textbox(show_label=False, placeholder="What should change?",
                                                       max_length=5000, elem_id="p-instruction", scale=5)
                            p_send = gr.Button("Update letter", elem_id="p-send", scale=1, min_width=130)

            # ============================================================ officer desk
            with gr.Tab("Officer desk", id="officer", elem_id="officer-desk"):
                with gr.Row(equal_height=False):
                    with gr.Column(scale=5, min_width=340):
                        _html('<h3 class="desk-h">The complaint</h3><p class="intro">Paste the complaint as you received it. Precedent finds comparable '
                              "Ombudsman decisions and the remedies they set, and drafts a response for you to check "
                              "against your records.</p>")
                        o_complaint = gr.Textbox(label="Complaint", lines=12, max_length=20_000, elem_id="o-complaint",
                                                 placeholder="Paste the complaint here")
                        o_council = gr.Textbox(label="Your council (optional)", max_length=200, elem_id="o-council")
                        o_writer = writer_radio("o")
                        o_go = gr.Button("Find precedents and draft a response", variant="primary", elem_id="o-draft",
                                         size="lg")
                    with gr.Column(scale=7, min_width=420):
                        _html('<h3 class="desk-h">Draft response</h3>')
                        officer = Desk("o", "officer")

            # ============================================================ precedents
            with gr.Tab("Precedents", id="precedents", elem_id="precedents-tab"):
                _html('<p class="intro">Search the paragraphs of past decisions. Results are grouped by decision; open '
                      "one to read the whole decision with the paragraph highlighted.</p>")
                with gr.Row():
                    s_query = gr.Textbox(label="Describe the problem", scale=5, max_length=2000, elem_id="s-query",
                                         placeholder="e.g. speech and language therapy in section F not delivered")
                    s_go = gr.Button("Search", variant="primary", scale=1, min_width=120, elem_id="s-go")
                with gr.Row():
                    s_category = gr.Dropdown([("Any category", "")], value="", label="Category", elem_id="s-category")
                    s_outcome = gr.Dropdown([("Any outcome", "")], value="", label="Outcome", elem_id="s-outcome")
                    s_from = gr.Textbox(label="Decided from (YYYY-MM-DD)", max_length=20, elem_id="s-from")
                    s_to = gr.Textbox(label="Decided to (YYYY-MM-DD)", max_length=20, elem_id="s-to")
                s_notice = _html("", "s-notice", visible=False)
                s_results = _html("", "s-results")

        # ---------------------------------------------------------------- readiness banner
        def refresh():
            ready = rt.phase in ("ready", "error")
            cats = [("Any category", "")] + [(c, c) for c in rt.categories]
            outs = [("Any outcome", "")] + [(o, o) for o in rt.outcomes]
            return (rt.status_html(), gr.Dropdown(choices=cats), gr.Dropdown(choices=outs), gr.Timer(active=not ready))

        demo.load(refresh, outputs=[status, s_category, s_outcome, timer], api_visibility="private", queue=False,
                  show_progress="hidden")
        timer.tick(refresh, outputs=[status, s_category, s_outcome, timer], api_visibility="private", queue=False,
                   show_progress="hidden")

        # ---------------------------------------------------------------- parent
        def parent_draft(council, child, provision, issue, since, contacts, impact, outcome, stage, writer, state):
            try:
                if not (yield from parent.ready()):
                    return
                facts = parent_facts(council, child, provision, issue, since, contacts, impact, outcome, stage)
                yield from parent.run(lambda tok: eng.draft(facts, on_token=tok, llm=writer or None), facts, state,
                                      _first_status(writer, "Finding precedents for each issue…"))
            except Exception as e:  # noqa: BLE001
                yield parent.error(friendly(e))

        p_inputs = [p_council, p_child, p_provision, p_issue, p_since, p_contacts, p_impact, p_outcome, p_stage, p_writer,
                    parent.state]
        p_go.click(parent_draft, inputs=p_inputs, outputs=parent.outputs, api_name="parent_draft",
                   api_visibility="undocumented", concurrency_id="draft", concurrency_limit=rt_draft_limit(rt),
                   show_progress="minimal", show_progress_on=[parent.letter])

        def chat_user(instruction, history):
            instruction = (instruction or "").strip()
            history = list(history or [])
            if instruction:
                history.append({"role": "user", "content": md_text(instruction)})
            return "", history, instruction

        def parent_refine(instruction, history, writer, state):
            history = list(history or [])
            try:
                if not instruction:
                    return
                if msg := rt.not_ready(WARM_WAIT_S):
                    history.append({"role": "assistant", "content": md_text(msg)})
                    yield {p_chat: history}
                    return
                if not state or not state.get("result"):
                    history.append({"role": "assistant", "content": "Draft a letter first (the button under the intake), then ask for changes here."})
                    yield {p_chat: history}
                    return
                facts, prev = state["facts"], state["result"]
                last = None
                for update in parent.run(lambda tok: eng.refine(facts, instruction, previous=prev, on_token=tok,
                                                                llm=writer or None),
                                         facts, state, _first_status(writer, "Updating the letter…")):
                    last = update
                    yield update
                res = (last or {}).get(parent.state, {}) or {}
                result = res.get("result") if isinstance(res, dict) else None
                if result is not None:
                    v = result.verification
                    if not v.citations_checked:
                        reply = "Updated. The letter now cites no decisions."
                    else:
                        reply = (f"Updated. {v.citations_checked} citations checked"
                                 f"{', ' + str(v.citations_removed) + ' removed' if v.citations_removed else ''}"
                                 f"{'; all verified' if v.passed and result.writer == 'template' else '; see the citation check'}.")
                    history.append({"role": "assistant", "content": reply})
                    yield {p_chat: history}
            except Exception as e:  # noqa: BLE001
                history.append({"role": "assistant", "content": md_text(friendly(e))})
                yield {p_chat: history, **parent.error(friendly(e))}

        pending = gr.State("")
        gr.on([p_instruction.submit, p_send.click], chat_user, inputs=[p_instruction, p_chat],
              outputs=[p_instruction, p_chat, pending], queue=False, api_visibility="private").then(
                parent_refine, inputs=[pending, p_chat, p_writer, parent.state], outputs=[p_chat, *parent.outputs],
                api_visibility="private", concurrency_id="draft", concurrency_limit=rt_draft_limit(rt),
                show_progress="minimal", show_progress_on=[parent.letter])

        # ---------------------------------------------------------------- officer
        def officer_draft(complaint, council, writer, state):
            try:
                if not (yield from officer.ready()):
                    return
                facts = officer_facts(complaint, council)
                yield from officer.run(lambda tok: eng.draft(facts, on_token=tok, llm=writer or None), facts, state,
                                       _first_status(writer, "Finding comparable decisions…"))
            except Exception as e:  # noqa: BLE001
                yield officer.error(friendly(e))

        o_go.click(officer_draft, inputs=[o_complaint, o_council, o_writer, officer.state], outputs=officer.outputs,
                   api_name="officer_draft", api_visibility="undocumented", concurrency_id="draft",
                   concurrency_limit=rt_draft_limit(rt), show_progress="minimal", show_progress_on=[officer.letter])

        # ---------------------------------------------------------------- precedents search
        def search_ui(query, category, outcome, date_from, date_to):
            def problem(msg):
                return gr.HTML(notice_html(msg), visible=True), ""

            try:
                if msg := rt.not_ready(WARM_WAIT_S):
                    return problem(msg)
                if not (query or "").strip():
                    return problem("Describe the problem to search for, e.g. 'speech therapy not delivered'.")
                res = eng.search(query, k=20, filters=make_filters(category, outcome, date_from, date_to))
                note = ("No close precedent: these are the nearest paragraphs, but none is a close match."
                        if res.no_close_precedent and res.hits else None)
                n = len({h.doc_id for h in res.hits})
                return gr.HTML("", visible=False), precedents_html(
                    res.hits, f"{len(res.hits)} paragraphs from {n} decisions", note=note,
                    empty="No paragraphs match these filters.")
            except Exception as e:  # noqa: BLE001
                return problem(friendly(e))

        gr.on([s_go.click, s_query.submit], search_ui, inputs=[s_query, s_category, s_outcome, s_from, s_to],
              outputs=[s_notice, s_results],
              api_visibility="undocumented", concurrency_limit=4, api_name="search_ui", show_progress="minimal",
              show_progress_on=[s_results])

        # ---------------------------------------------------------------- API (plain values in, JSON-able values out)
        def search(query: str, category: str = "", outcome: str = "", date_from: str = "", date_to: str = "",
                   k: int = 10) -> dict:
            """Search paragraphs of past decisions. Returns {"query", "results": [...], "no_close_precedent"}."""
            _api_ready(rt)
            try:
                res = eng.search(query, k=int(k), filters=make_filters(category, outcome, date_from, date_to))
            except Exception as e:  # noqa: BLE001
                raise gr.Error(friendly(e), print_exception=False) from None
            out = res.to_dict()
            out["no_close_precedent"] = res.no_close_precedent
            return out

        def draft(issue: str, role: str = "parent", council: str = "", child: str = "", provision: str = "",
                  since: str = "", contacts: str = "", impact: str = "", outcome_sought: str = "", stage: str = "",
                  writer: str = "") -> tuple[str, dict]:
            """Draft a letter (parent) or response (officer). Contacts: one per line. Returns (letter Markdown,
            {"verification", "citations", "remedies", "issues", "writer", "notes", "facts"})."""
            _api_ready(rt)
            try:
                if role == "officer":
                    facts = officer_facts(issue, council)
                else:
                    facts = parent_facts(council, child, provision, issue, since, contacts, impact, outcome_sought,
                                         stage or "council-stage-1")
                result = eng.draft(facts, llm=writer or rt.default_writer)
            except Exception as e:  # noqa: BLE001
                raise gr.Error(friendly(e), print_exception=False) from None
            return result.markdown(), _api_report(result, facts)

        def refine(facts: dict, instruction: str, previous_letter: str = "", writer: str = "") -> tuple[str, dict]:
            """Refine a draft: `facts` as returned by /draft, an instruction such as 'make it shorter'.
            Returns (letter Markdown, report with the updated facts)."""
            _api_ready(rt)
            from types import SimpleNamespace

            from .draft import parse_facts

            try:
                f = _parse(parse_facts, dict(facts or {}))
                prev = SimpleNamespace(body=previous_letter) if previous_letter else None
                new_facts, result = eng.refine(f, instruction, previous=prev, llm=writer or rt.default_writer)
            except Exception as e:  # noqa: BLE001
                raise gr.Error(friendly(e), print_exception=False) from None
            return result.markdown(), _api_report(result, new_facts)

        gr.api(search, api_name="search", concurrency_limit=4)
        gr.api(draft, api_name="draft", concurrency_id="draft", concurrency_limit=rt_draft_limit(rt))
        gr.api(refine, api_name="refine", concurrency_id="draft", concurrency_limit=rt_draft_limit(rt))

    demo.queue(default_concurrency_limit=2, max_size=64)
    return demo


def rt_draft_limit(rt: Runtime) -> int:
    """Drafts at once: one when a local model writes (it has the whole CPU), else two."""
    return 1 if rt.default_writer == "local" else 2


def _first_status(writer: str | None, what: str) -> str:
    return f"Loading the local model, then: {what[0].lower()}{what[1:]}" if writer == "local" else what


def _api_ready(rt: Runtime) -> None:
    import gradio as gr

    if msg := rt.not_ready(WARM_WAIT_S):
        raise gr.Error(msg, print_exception=False)


def _api_report(result, facts) -> dict:
    d = result.to_dict()
    d.pop("letter", None)
    d["facts"] = facts.model_dump(exclude_none=True)
    d["seconds"] = round(result.seconds, 3)
    return d


def md_text(s: str) -> str:
    """User text for a Markdown-rendering component (the chat): shown literally, never as HTML or Markdown."""
    s = html.escape(s, quote=False)
    return re.sub(r"([\\`*_{}\[\]()#+!|~>-])", r"\\\1", s)


def make_filters(category, outcome, date_from, date_to) -> Filters | None:
    from .corpus import parse_date

    def iso(v, name):
        v = (v or "").strip()
        if not v:
            return None
        d = parse_date(v)
        if not d:
            raise UserError(f"'{name}' must be a date like 2023-01-31 (got {v[:30]!r})")
        return d

    f = Filters(category=(category or None), outcome=(outcome or None), date_from=iso(date_from, "Decided from"),
                date_to=iso(date_to, "Decided to"))
    return None if f.is_empty() else f


# ============================================================================ FastAPI app, auth, serve


class BasicAuth:
    """HTTP basic auth over every route (page, API, decision pages, downloads); constant-time comparison."""

    def __init__(self, app, user: str, password: str, realm: str = "Precedent"):
        self.app = app
        self.expected = base64.b64encode(f"{user}:{password}".encode()).decode()
        self.realm = realm

    async def __call__(self, scope, receive, send):
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        got = dict(scope.get("headers") or []).get(b"authorization", b"").decode("latin-1")
        scheme, _, value = got.partition(" ")
        if scheme.lower() == "basic" and hmac.compare_digest(value.strip().encode(), self.expected.encode()):
            return await self.app(scope, receive, send)
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        await send({"type": "http.response.start", "status": 401,
                    "headers": [(b"www-authenticate", f'Basic realm="{self.realm}", charset="UTF-8"'.encode()),
                                (b"content-type", b"text/plain; charset=utf-8")]})
        await send({"type": "http.response.body", "body": b"Sign in to use Precedent."})


def parse_auth(auth: str | None) -> tuple[str, str] | None:
    if not auth:
        return None
    user, sep, password = auth.partition(":")
    if not sep or not user or not password:
        raise UserError("--auth must be user:password (both non-empty)")
    return user, password


def create_app(settings: Settings, builtin_corpus: Path | None = None, runtime: Runtime | None = None):
    """(ASGI app, Runtime). The runtime's background preparation is not started here."""
    import gradio as gr
    from fastapi import FastAPI
    from fastapi.responses import HTMLResponse, Response

    creds = parse_auth(settings.auth)
    rt = runtime or Runtime(settings, builtin_corpus)
    api = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)

    @api.get("/decision/{doc_id:path}", response_class=HTMLResponse)
    def decision(doc_id: str):
        if rt.phase not in ("ready", "warming") and (msg := rt.not_ready()):
            return HTMLResponse(message_page("Not ready yet", msg, refresh=3 if rt.phase != "error" else None), status_code=503)
        try:
            doc = rt.engine.document(doc_id)
        except Exception as e:  # noqa: BLE001
            return HTMLResponse(message_page("Cannot open this decision", friendly(e)), status_code=500)
        if doc is None:
            return HTMLResponse(message_page("No such decision", f"There is no decision {doc_id!r} in the index."),
                                status_code=404)
        return HTMLResponse(decision_page(doc), headers={"Cache-Control": "no-store"})

    @api.get("/export/{token}/{name}")
    def export(token: str, name: str):
        from .export import write_letter

        if name not in ("letter.docx", "letter.md"):
            return Response("Not found", status_code=404, media_type="text/plain")
        result = rt.exports.get(token)
        if result is None:
            return HTMLResponse(message_page("This download has expired",
                                             "Drafts are kept in memory for an hour only. Draft the letter again to download it."),
                                status_code=404)
        with tempfile.TemporaryDirectory(prefix="precedent-export-") as tmp:
            path = write_letter(result, Path(tmp) / name)
            data = path.read_bytes()
        media = ("application/vnd.openxmlformats-officedocument.wordprocessingml.document" if name.endswith(".docx")
                 else "text/markdown; charset=utf-8")
        stamp = date.today().isoformat()
        fname = f"precedent-{'response' if result.facts.role == 'officer' else 'letter'}-{stamp}{Path(name).suffix}"
        return Response(data, media_type=media, headers={"Content-Disposition": f'attachment; filename="{fname}"',
                                                         "Cache-Control": "no-store"})

    demo = build_blocks(rt)
    theme = gr.themes.Default(primary_hue="blue", neutral_hue="slate", radius_size="md",
                              font=["system-ui", "-apple-system", "Segoe UI", "Roboto", "sans-serif"],
                              font_mono=["ui-monospace", "SFMono-Regular", "Menlo", "monospace"]).set(
        body_background_fill="#f6f7f9", block_border_width="0px", block_shadow="none", block_background_fill="white",
        block_title_text_weight="600", block_title_text_color="*neutral_700", block_label_text_color="*neutral_600",
        input_background_fill="white", input_border_color="*neutral_200", input_border_color_focus="*primary_300",
        button_large_radius="8px", button_primary_background_fill="#2b5d9c", button_primary_background_fill_hover="#244f85",
        button_primary_text_color="white", checkbox_label_background_fill="white",
        checkbox_label_border_color="*neutral_200", checkbox_label_border_width="1px")
    app = gr.mount_gradio_app(api, demo, path="/", server_name=settings.host, server_port=settings.port,
                              footer_links=[], run_history=False, show_error=False, ssr_mode=False, pwa=False,
                              mcp_server=False, theme=theme, css=CSS, head=HEAD)
    if creds:
        return BasicAuth(app, *creds), rt
    return app, rt


def serve(settings: Settings, builtin_corpus: Path | None = None) -> None:
    """Start the app: build the index in the background on a first start, then serve until interrupted."""
    import uvicorn

    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    parse_auth(settings.auth)
    _check_port(settings.host, settings.port)
    if settings.host not in ("127.0.0.1", "localhost", "::1") and not settings.auth:
        print(f"warning: serving on {settings.host} without --auth: anyone who can reach this port can use the app",
              file=sys.stderr)
    app, rt = create_app(settings, builtin_corpus)
    # build or open the index and load the encoder in the background while the page is already served (starting it
    # before Gradio has loaded makes both slower: imports contend for the interpreter lock)
    rt.start(build=True)
    print(f"Precedent: open http://{'127.0.0.1' if settings.host == '0.0.0.0' else settings.host}:{settings.port}/",
          file=sys.stderr, flush=True)
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning", access_log=False)


def _check_port(host: str, port: int) -> None:
    """A port already in use is a one-line error, not a uvicorn traceback."""
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as e:
        raise UserError(f"cannot resolve --host {host!r} ({e.strerror})") from None
    family, _, _, _, addr = infos[0]
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(addr)
        except OSError as e:
            raise UserError(f"cannot listen on {host}:{port} ({e.strerror or e}): is Precedent already running? "
                            "Try --port") from None
