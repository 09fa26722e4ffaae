"""The chat under a desk's draft that refines it (`Engine.refine`, `app.refine`): a change is applied and the letter
redrafted and checked again, a question is answered in the chat (never pasted into the letter), and the reply says
what changed. Both desks lay out and wire the same chat (`RefineChat`), prefix "p" for the parent's letter and "o" for
the officer's response; element ids `{prefix}-chat`, `-instruction`, `-send`, `-refine-hint`."""

from __future__ import annotations

from .desk import Desk, first_status, html_block
from .render import md_text, notice_html
from .runtime import WARM_WAIT_S, friendly_errors

INSTRUCTION_LIMIT = 5000  # app.refine.interpret takes no more


def chat_reply(result, what: str = "letter") -> str | None:
    """The chat's reply once a refinement has finished: the answer to a question (or what can be asked), or what
    changed and how the citations checked again. None when there is nothing to say (no result)."""
    if result is None:
        return None
    if result.reply and not result.changed:
        # a question answered, or a message that changed nothing: the letter is as it was
        return result.reply
    v = result.verification
    checked = (
        f"{v.citations_checked} citations checked"
        f"{', ' + str(v.citations_removed) + ' removed' if v.citations_removed else ''}"
        f"{'; all verified' if v.passed and result.writer == 'template' else '; see the citation check'}."
    )
    if result.changed:
        return "Changed: " + "; ".join(result.changed) + ". " + checked
    if not v.citations_checked:
        return f"Updated. The {what} now cites no decisions."
    return "Updated. " + checked


class RefineChat:
    """Lay out (inside the desk's column, under its draft) and wire the refine chat of `desk`. `writer` is the desk's
    writer choice. `respond(instruction, history, writer, state)` is the handler, a generator of updates."""

    def __init__(self, desk: Desk, writer, *, intro: str, placeholder: str, first: str):
        import gradio as gr

        self.desk, self.writer = desk, writer
        p = desk.prefix
        self.what = "letter" if desk.role == "parent" else "response"
        self.first = first  # what to do when there is no draft yet
        self.nothing = (
            f"Type what you want changed first, e.g. \u201cmake it shorter\u201d; the {self.what} is left as it is."
        )
        html_block(f'<h3 class="desk-h">Refine the {self.what}</h3><p class="intro">{intro}</p>')
        self.chat = gr.Chatbot(
            label="Changes",
            height=180,
            elem_id=f"{p}-chat",
            feedback_options=None,
            placeholder=placeholder,
            buttons=[],
            show_label=False,
            latex_delimiters=[],
        )
        with gr.Row():
            self.instruction = gr.Textbox(
                show_label=False,
                placeholder="What should change?",
                elem_id=f"{p}-instruction",
                scale=5,
            )
            self.send = gr.Button(f"Update {self.what}", elem_id=f"{p}-send", scale=1, min_width=130)
        # says why "Update" did nothing, next to the box the user is looking at
        self.hint = html_block("", f"{p}-refine-hint", visible=False)
        self.pending = gr.State("")  # the instruction being applied, while the box is cleared
        self.respond = friendly_errors(self._failed)(self._respond)
        self._wire()

    # ------------------------------------------------------------------ the two steps of one message
    def user(self, instruction, history) -> dict:
        """Unqueued: the message joins the chat (the box is cleared) and the desk's queue, or the hint says why not."""
        import gradio as gr

        instruction = (instruction or "").strip()
        history = list(history or [])
        if not instruction:  # nothing to apply: keep the box, the chat and the letter as they are
            return {
                self.instruction: gr.skip(),
                self.chat: gr.skip(),
                self.pending: "",
                self.hint: gr.HTML(notice_html(self.nothing, "info"), visible=True),
            }
        if len(instruction) > INSTRUCTION_LIMIT:  # said, not cut (the browser's own limit would cut it silently)
            msg = (
                f"That change is {len(instruction):,} characters long; it takes at most {INSTRUCTION_LIMIT:,}. "
                "Please shorten it (nothing was cut or sent)."
            )
            return {
                self.instruction: gr.skip(),
                self.chat: gr.skip(),
                self.pending: "",
                self.hint: gr.HTML(notice_html(msg, "error"), visible=True),
            }
        history.append({"role": "user", "content": md_text(instruction)})
        # the update waits in the same queue as drafts: its place shows next to the Draft button too
        return {
            self.instruction: "",
            self.chat: history,
            self.pending: instruction,
            self.hint: gr.HTML("", visible=False),
        } | self.desk.enter_line()

    def _failed(self, msg, instruction, history, writer, state):
        """The chat says what went wrong, and so does the desk's notice."""
        return {self.chat: [*(history or []), {"role": "assistant", "content": md_text(msg)}], **self.desk.error(msg)}

    def _respond(self, instruction, history, writer, state):
        import gradio as gr

        desk, rt = self.desk, self.desk.rt
        history = list(history or [])
        if not instruction:
            # an empty click changes nothing: skip() leaves the letter, its check, the downloads and the chat as
            # they were (a handler that yields nothing would blank them all)
            yield gr.skip()
            return
        rt.drafts.leave(desk.session_key())
        if msg := rt.not_ready(WARM_WAIT_S):
            history.append({"role": "assistant", "content": md_text(msg)})
            yield {self.chat: history}
            return
        if not state or not state.get("result"):
            history.append({"role": "assistant", "content": self.first})
            yield {self.chat: history}
            return
        facts, prev = state["facts"], state["result"]
        last = None
        for update in desk.run(
            lambda tok: rt.engine.refine(facts, instruction, previous=prev, on_token=tok, llm=writer or None),
            facts,
            state,
            first_status(writer, f"Updating the {self.what}…"),
        ):
            last = update
            yield update
        res = (last or {}).get(desk.state, {}) or {}
        reply = chat_reply(res.get("result") if isinstance(res, dict) else None, self.what)
        if reply is not None:
            # shown literally: the reply quotes the user's own words, and the answers cite in [brackets]
            history.append({"role": "assistant", "content": md_text(reply)})
            yield {self.chat: history}

    def _wire(self) -> None:
        import gradio as gr

        desk = self.desk
        gr.on(
            [self.instruction.submit, self.send.click],
            self.user,
            inputs=[self.instruction, self.chat],
            outputs=[self.instruction, self.chat, self.pending, self.hint, desk.progress, desk.line_timer],
            queue=False,
            api_visibility="private",
        ).then(
            self.respond,
            inputs=[self.pending, self.chat, self.writer, desk.state],
            api_visibility="private",
            **desk.wiring(self.chat),
        )
