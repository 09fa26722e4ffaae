"""What the drafting desks (parent, officer) share: `Desk`, the outputs of one desk and the protocol its handlers
follow to stream a draft into the page; `stream_call`, which runs an engine call in a thread and streams its tokens;
and the small widgets every tab uses (`html_block`, `writer_radio`)."""

from __future__ import annotations

import json
import logging
import queue
import re
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from ..export import export_markdown
from .assets import COPY_JS
from .render import (
    downloads_html,
    esc,
    letter_failed_html,
    letter_final_html,
    letter_placeholder,
    letter_streaming_html,
    notice_html,
    plain_text,
    precedents_html,
    progress_html,
    remedies_html,
    timeline_html,
    verification_html,
)
from .runtime import WARM_WAIT_S, DraftCancelled, Runtime, friendly_errors, rt_draft_limit

log = logging.getLogger("precedent.ui")


def stream_call(
    call: Callable[[Callable[[str], None]], Any], every: float = 0.12, stop: threading.Event | None = None
) -> Iterator[tuple[str, Any]]:
    """Run `call(on_token)` in a thread; yield ("text", text so far) as tokens arrive (at most every `every` s),
    ("tick", seconds) while waiting, and finally ("done", value). Re-raises the call's exception.

    `stop`: once set (the page went away), the next token the writer hands over raises `DraftCancelled` inside the
    writer, which ends its generation; this generator then raises `DraftCancelled` too. Closing this generator
    before it is done (Gradio dropping the event) sets it as well."""
    q: queue.Queue = queue.Queue()
    box: dict[str, Any] = {}
    stop = stop if stop is not None else threading.Event()

    def on_token(t: str) -> None:
        if stop.is_set():
            raise DraftCancelled("the page that asked for this draft has gone")
        q.put(t)

    def work():
        try:
            box["value"] = call(on_token)
        except BaseException as e:  # noqa: BLE001 - handed back to the caller's thread
            box["error"] = e
        finally:
            q.put(None)

    t0 = time.monotonic()
    threading.Thread(target=work, name="precedent-draft", daemon=True).start()
    text, last, finished = "", 0.0, False
    try:
        while not finished:
            if stop.is_set():
                raise DraftCancelled("the page that asked for this draft has gone")
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
    except GeneratorExit:
        stop.set()  # nobody reads on: the writer stops at its next token
        raise


def html_block(value: str = "", elem_id: str | None = None, js_on_load: str | None = None, **kw):
    """A `gr.HTML` block (inside a `gr.Blocks`)."""
    import gradio as gr

    return gr.HTML(value, elem_id=elem_id, js_on_load=js_on_load, **kw)


def writer_radio(rt: Runtime, prefix: str):
    """The 'Who writes the draft' choice of a desk (`{prefix}-writer`), with a note when the local model is missing."""
    import gradio as gr

    r = gr.Radio(rt.writer_choices(), value=rt.default_writer, label="Who writes the draft", elem_id=f"{prefix}-writer")
    if rt.writer_note:
        note = re.sub(r"`([^`]+)`", r"<code>\1</code>", esc(rt.writer_note))
        html_block(f'<div class="writer-note">{note}</div>', f"{prefix}-writer-note")
    return r


def progress_block(prefix: str):
    """The live status line under a desk's Draft button (`{prefix}-progress`); the Desk writes to it."""
    return html_block(progress_html(""), f"{prefix}-progress")


def remember_form(demo, key: str, fields: dict, clear=None) -> None:
    """Keep a form's boxes in this browser's localStorage under `key`, and put them back when the page is (re)loaded,
    so that a reload mid-draft loses nothing; `clear` (a button) empties them, after asking. `fields` maps each
    component to its empty value. All in the browser (js-only events): the server never sees or keeps the copy."""
    import gradio as gr

    comps, ids = list(fields), json.dumps([c.elem_id for c in fields])
    empty = json.dumps(list(fields.values()))
    k = json.dumps(key)
    restore = f"""(...cur) => {{ let saved = null;
        try {{ saved = JSON.parse(localStorage.getItem({k}) || "null"); }} catch (e) {{ saved = null; }}
        const ids = {ids};
        return cur.map((v, i) => saved && typeof saved[ids[i]] === "string" ? saved[ids[i]] : v); }}"""
    save = f"""(...vals) => {{ const ids = {ids}, o = {{}}; ids.forEach((id, i) => {{ o[id] = vals[i] ?? ""; }});
        try {{ localStorage.setItem({k}, JSON.stringify(o)); }} catch (e) {{}} return []; }}"""
    private = {"queue": False, "api_visibility": "private", "show_progress": "hidden"}
    demo.load(None, inputs=comps, outputs=comps, js=restore, **private)
    gr.on([c.change for c in comps], None, inputs=comps, js=save, **private)
    if clear is not None:
        wipe = f"""(...cur) => {{ if (!window.confirm("Clear every box of the form? This cannot be undone.")) return cur;
            try {{ localStorage.removeItem({k}); }} catch (e) {{}} return {empty}; }}"""
        clear.click(None, inputs=comps, outputs=comps, js=wipe, **private)


def first_status(writer: str | None, what: str) -> str:
    return f"Loading the local model, then: {what[0].lower()}{what[1:]}" if writer == "local" else what


def _session() -> str | None:
    """The browser session of the Gradio event being handled (None outside one, e.g. in a unit test)."""
    try:
        from gradio.context import LocalContext
    except ImportError:  # pragma: no cover - gradio is a dependency of the web app
        return None
    req = LocalContext.request.get(None)
    return getattr(req, "session_hash", None)


def waiting_text(ahead: int, seconds: float) -> str:
    """The status line of a draft waiting in the queue."""
    if ahead <= 0:
        return "Starting your draft…"
    drafts = "1 draft" if ahead == 1 else f"{ahead} drafts"
    when = "less than a minute" if seconds < 55 else f"about {round(seconds / 60) or 1} min"
    return (
        f"Waiting for a free place: {drafts} ahead of yours, so it should start in about {max(5, round(seconds / 5) * 5)} "
        f"s ({when}). It starts by itself: keep this page open."
        if seconds < 55
        else f"Waiting for a free place: {drafts} ahead of yours, so it should start in {when}. It starts by itself: "
        "keep this page open."
    )


class Desk:
    """One drafting desk's outputs and the protocol its handlers share.

    Creating a Desk (inside a `gr.Blocks`) lays out its outputs, with element ids `{prefix}-notice`, `-letter`,
    `-downloads`, `-verify`, `-remedies`, `-precedents` (prefix "p" for the parent desk, "o" for the officer desk),
    and, shown when a letter fails its checks, `-ack` ("I have checked these", which unlocks download and copy) and
    `-retemplate` (redraft with the template writer).
    A handler that drafts is a generator of `{component: value}` updates:

        @desk.catches                                   # any exception: one plain line in the desk's notice
        def handler(..., writer, state):
            if not (yield from desk.ready()):           # the engine can't be used yet: a message is shown
                return
            facts = ...                                 # a UserError is shown as it is
            yield from desk.draft(facts, writer, state, "Finding precedents…")

        desk.click(button.click, handler, inputs=[..., writer, desk.state], api_name=...)

    `click` shows the request's place in the queue next to the button while it waits (a first, unqueued step), then
    runs the handler with `wiring()`: the outputs (in the order the updates name them), the shared draft queue and
    the progress display. `run(call, ...)` streams any engine call that takes `on_token` (refine, for one); a draft
    whose page is closed or reloaded is stopped (`Runtime.drafts.page_gone`, from the page's unload event).
    """

    def __init__(self, rt: Runtime, prefix: str, role: str, progress=None):
        import gradio as gr

        self.rt, self.prefix, self.role = rt, prefix, role
        # the status line and any error next to the Draft button (`progress_block`, laid out with the form), where
        # the user is looking when they click; the letter column may be out of sight on a long form
        self.progress = progress
        self.notice = html_block("", f"{prefix}-notice", visible=False)
        self.letter = html_block(letter_placeholder(role), f"{prefix}-letter")
        # a letter that failed its checks: redraft it with the template writer, or say it has been checked
        self.retemplate = gr.Button(
            "Redraft with the template writer (it quotes the decisions word for word)",
            elem_id=f"{prefix}-retemplate",
            visible=False,
            size="sm",
        )
        self.ack = gr.Checkbox(
            label="I have checked the highlighted sentences against the decisions they cite",
            value=False,
            visible=False,
            elem_id=f"{prefix}-ack",
        )
        self.downloads = html_block("", f"{prefix}-downloads", js_on_load=COPY_JS)
        with gr.Tabs(elem_id=f"{prefix}-reports", elem_classes=["reports"]) as self.reports:
            with gr.Tab("Citation check", id=f"{prefix}-tab-verify"):
                self.verify = html_block(
                    '<p class="muted">The check of every citation and quotation appears here.</p>', f"{prefix}-verify"
                )
            with gr.Tab("Remedies", id=f"{prefix}-tab-remedies"):
                self.remedies = html_block(
                    '<p class="muted">Sums of money the cited decisions set appear here.</p>', f"{prefix}-remedies"
                )
            with gr.Tab("Decisions used", id=f"{prefix}-tab-precedents"):
                self.precedents = html_block(
                    '<p class="muted">The decisions and paragraphs the draft relies on appear here.</p>',
                    f"{prefix}-precedents",
                )
        self.state = gr.State(None)
        # polls the queue position while a request waits (`click`)
        self.line_timer = gr.Timer(2.0, active=False)
        # the boxes kept in the browser across a reload, with their empty values, and the button that clears them
        # (`remember_form`); the desk's builder fills them in
        self.form: dict = {}
        self.clear = None
        self.refine = (
            None  # the chat under the draft that refines it (`refine_chat.RefineChat`), laid out by the builder
        )
        self._wire_own()

    def _wire_own(self) -> None:
        """The desk's own events: the queue position while waiting, the acknowledgement, the template redraft."""

        private = {"queue": False, "api_visibility": "private", "show_progress": "hidden"}
        if self.progress is not None:
            self.line_timer.tick(self._line_tick, outputs=[self.progress, self.line_timer], **private)
        # .input: the user ticking it, not the desk resetting it for a new letter
        self.ack.input(self._acknowledge, inputs=[self.ack, self.state], outputs=[self.downloads], **private)

        @self.catches
        def retemplate(state):
            if not (yield from self.ready()):
                return
            if not state or not state.get("facts"):
                yield self.error("Draft a letter first.")
                return
            yield from self.draft(state["facts"], "template", state, "Redrafting with the template writer…")

        self.click(self.retemplate.click, retemplate, inputs=[self.state])

    # ------------------------------------------------------------------ the queue
    def session_key(self) -> tuple:
        session = _session()
        return (session, self.prefix) if session else (object(), self.prefix)

    def click(self, trigger, fn, inputs, api_name: str | None = None, before=()):
        """Wire `fn` (a drafting handler) to `trigger` (e.g. `button.click`): a first, unqueued step puts the
        request's place in the queue next to the button, and keeps it current while it waits."""

        outputs = [x for x in (self.progress, self.line_timer) if x is not None]
        kw = {"api_name": api_name, "api_visibility": "undocumented"} if api_name else {"api_visibility": "private"}
        return trigger(
            self.enter_line, outputs=outputs, queue=False, api_visibility="private", show_progress="hidden"
        ).then(fn, inputs=inputs, **kw, **self.wiring(*before))

    def enter_line(self) -> dict:
        """For an unqueued first step: this session's draft joins the line; its place goes next to the button (and
        is kept current while it waits). Outputs: the desk's progress line and `line_timer`."""
        import gradio as gr

        key = self.session_key()
        self.rt.drafts.wait(key)
        pos = self.rt.drafts.position(key)
        ahead, seconds = pos if pos else (0, 0.0)
        return {**self.status(waiting_text(ahead, seconds)), self.line_timer: gr.Timer(active=ahead > 0)}

    def _line_tick(self):
        import gradio as gr

        pos = self.rt.drafts.position(self.session_key())
        if pos is None:  # started (the handler writes the line now), or gone
            return gr.skip(), gr.Timer(active=False)
        return progress_html(waiting_text(*pos)), gr.skip()

    # ------------------------------------------------------------------ a failing letter
    def _acknowledge(self, checked, state):
        import gradio as gr

        token = (state or {}).get("token")
        result = (state or {}).get("result")
        if not token or result is None or result.verification.passed:
            return gr.skip()
        self.rt.exports.unlock(token, bool(checked))
        return self._downloads(result, token)

    def _downloads(self, result, token: str) -> str:
        what = "letter" if self.role == "parent" else "response"
        locked = self.rt.exports.locked(token)
        return downloads_html(
            token, plain_text(export_markdown(result, self.rt.reconstructed)), self.prefix, what, locked=locked
        )

    @property
    def outputs(self):
        near = [self.progress] if self.progress is not None else []
        return [
            self.notice,
            *near,
            self.letter,
            self.retemplate,
            self.ack,
            self.downloads,
            self.verify,
            self.remedies,
            self.precedents,
            self.state,
        ]

    def status(self, text: str, kind: str = "busy") -> dict:
        """The line next to the Draft button (nothing when the desk has none)."""
        return {self.progress: progress_html(text, kind)} if self.progress is not None else {}

    def wiring(self, *before) -> dict:
        """Keyword arguments for an event whose handler streams into this desk: outputs (any `before` first), the
        shared draft queue, progress shown on the letter."""
        return {
            "outputs": [*before, *self.outputs],
            "concurrency_id": "draft",
            "concurrency_limit": rt_draft_limit(self.rt),
            "show_progress": "minimal",
            "show_progress_on": [self.letter],
        }

    def catches(self, handler):
        """Decorator: whatever the handler raises is shown as one plain line in this desk's notice."""
        return friendly_errors(lambda msg, *args, **kwargs: self.error(msg))(handler)

    def error(self, msg: str) -> dict:
        import gradio as gr

        return {self.notice: gr.HTML(notice_html(msg), visible=True), **self.status(msg, "error")}

    def ready(self):
        """Generator: shows 'loading' while the search model loads (waiting for it); returns False with a
        message on the page when the engine cannot be used yet (e.g. the index is still being built). The request
        has left the queue by now."""
        self.rt.drafts.leave(self.session_key())
        waited = self.rt.phase in ("starting", "warming")
        if waited:
            yield {
                self.letter: letter_streaming_html("", "Loading the search model…"),
                **self.status("Loading the search model…"),
            }
        msg = self.rt.not_ready(WARM_WAIT_S)
        if msg:
            update = self.error(msg)
            if waited:
                update[self.letter] = letter_placeholder(self.role)
            yield update
            return False
        return True

    def draft(self, facts, writer: str | None, state, what: str) -> Iterator[dict]:
        """Draft from `facts` with the chosen writer, streamed into this desk; `what` is the first status line."""
        eng = self.rt.engine
        return self.run(
            lambda tok: eng.draft(facts, on_token=tok, llm=writer or None), facts, state, first_status(writer, what)
        )

    def run(self, call, facts, state, status0: str) -> Iterator[dict]:
        """Stream a draft into this desk; finish with the verified letter and its report. Stops (the writer is told
        to, at its next token) when the page that asked for it is closed or reloaded."""
        import gradio as gr

        key = self.session_key()
        stop = self.rt.drafts.start(key)
        ok = False
        yield {
            self.notice: gr.HTML("", visible=False),
            self.letter: letter_streaming_html("", status0),
            self.retemplate: gr.Button(visible=False),
            self.ack: gr.Checkbox(value=False, visible=False),
            self.downloads: "",
            **self.status(status0),
        }
        seen_text, t0 = False, time.monotonic()
        try:
            for kind, value in stream_call(call, stop=stop):
                if kind == "tick" and not seen_text:
                    yield {
                        self.letter: letter_streaming_html("", f"{status0} ({value:.0f} s)"),
                        **self.status(f"{status0} ({value:.0f} s)"),
                    }
                elif kind == "tick":
                    yield self.status(f"Writing… ({value:.0f} s)")
                elif kind == "text":
                    first, seen_text = not seen_text, True
                    yield {
                        self.letter: letter_streaming_html(
                            value, "Writing… (the citations are checked when it is finished)"
                        ),
                        **(self.status("Writing…") if first else {}),
                    }
                elif kind == "done":
                    new_facts, result = value if isinstance(value, tuple) else (facts, value)
                    old = (state or {}).get("token")
                    token = self.rt.exports.put(result, replaces=old, locked=not result.verification.passed)
                    ok = True
                    yield self.final(
                        result, {"facts": new_facts, "result": result, "token": token}, time.monotonic() - t0
                    )
        except DraftCancelled:
            log.info("a draft was stopped: its page has gone")
            return
        except Exception:
            yield {self.letter: letter_failed_html()}
            raise
        finally:
            self.rt.drafts.finish(key, ok)

    def final(self, result, state, seconds: float | None = None) -> dict:
        import gradio as gr

        heading = "Decisions this letter draws on" if self.role == "parent" else "Decisions this response draws on"
        what = "letter" if self.role == "parent" else "response"
        failed = not result.verification.passed
        renumbered = self.rt.reconstructed
        return {
            self.notice: gr.HTML("", visible=False),
            **(
                self.status(
                    f"Your {what} did not pass its citation check: read the highlighted sentences before using it.",
                    "warn",
                )
                if failed
                else self.status(f"Done: your {what} and its citation check are ready.", "done")
            ),
            self.letter: letter_final_html(result, renumbered),
            self.retemplate: gr.Button(visible=failed and result.writer != "template"),
            self.ack: gr.Checkbox(value=False, visible=failed),
            self.downloads: self._downloads(result, state["token"]),
            self.verify: verification_html(result, seconds),
            self.remedies: timeline_html(result.timeline) + remedies_html(result.remedies, renumbered),
            self.precedents: precedents_html(
                result.precedents,
                heading,
                empty="No close precedent was found, so none is cited.",
                renumbered=renumbered,
            ),
            self.state: state,
        }
