"""The officer desk: a complaint pasted in, comparable decisions found, a response drafted and checked."""

from __future__ import annotations

from .desk import Desk, html_block, progress_block, writer_radio
from .forms import officer_facts
from .runtime import Runtime


def build(rt: Runtime) -> Desk:
    """Lay out the officer desk's tab (inside `gr.Tabs`) and wire `/officer_draft` (undocumented API)."""
    import gradio as gr

    with gr.Tab("Officer desk", id="officer", elem_id="officer-desk"):
        with gr.Row(equal_height=False):
            with gr.Column(scale=5, min_width=340):
                html_block(
                    '<h3 class="desk-h">The complaint</h3><p class="intro">Paste the complaint as you received it. Precedent finds comparable '
                    "Ombudsman decisions and the remedies they set, and drafts a response for you to check "
                    "against your records.</p>"
                )
                o_complaint = gr.Textbox(
                    label="Complaint",
                    lines=12,
                    max_length=20_000,
                    elem_id="o-complaint",
                    placeholder="Paste the complaint here",
                )
                o_council = gr.Textbox(label="Your council (optional)", max_length=200, elem_id="o-council")
                o_writer = writer_radio(rt, "o")
                o_go = gr.Button(
                    "Find precedents and draft a response", variant="primary", elem_id="o-draft", size="lg"
                )
                o_progress = progress_block("o")
            with gr.Column(scale=7, min_width=420):
                html_block('<h3 class="desk-h">Draft response</h3>')
                officer = Desk(rt, "o", "officer", progress=o_progress)

    @officer.catches
    def officer_draft(complaint, council, writer, state):
        if not (yield from officer.ready()):
            return
        facts = officer_facts(complaint, council)
        yield from officer.draft(facts, writer, state, "Finding comparable decisions…")

    o_go.click(
        officer_draft,
        inputs=[o_complaint, o_council, o_writer, officer.state],
        api_name="officer_draft",
        api_visibility="undocumented",
        **officer.wiring(),
    )
    return officer
