"""The parent desk: the intake form, the streamed letter and its report, and the chat that refines the letter."""

from __future__ import annotations

import json

from ..errors import UserError
from ..story import extract as extract_story
from ..story import follow_up as story_follow_up
from ..story import understood as story_understood
from .assets import LIMITS_JS
from .desk import Desk, html_block, progress_block, writer_radio
from .forms import LIMITS_BY_ELEM, parent_facts, provision_from_story, story_form_values
from .labels import PLAN_CHOICES, STAGES, WHO_CHOICES
from .refine_chat import RefineChat
from .render import md_text, search_results_html
from .runtime import Runtime

# the story searched for precedents beside the chat: its last 2,000 characters (what was told most recently, and
# about the length of the longest stories in evals/gold/stories.jsonl)
STORY_QUERY_CHARS = 2000


def build(rt: Runtime) -> Desk:
    """Lay out the parent desk's tab (inside `gr.Tabs`) and wire its handlers: `/parent_draft` (undocumented API)
    and the refine chat."""
    import gradio as gr

    with gr.Tab("Parent desk", id="parent", elem_id="parent-desk"):
        with gr.Row(equal_height=False):
            with gr.Column(scale=5, min_width=340):
                with gr.Accordion("Tell your story in your own words", open=True, elem_id="p-story"):
                    html_block(
                        '<p class="intro">Write what happened as you would tell a friend. Precedent reads it into the '
                        "form below (every box it fills comes from your own words), asks for what is missing, and you "
                        "check the form before drafting.</p>"
                    )
                    p_story_chat = gr.Chatbot(
                        elem_id="p-story-chat",
                        height=220,
                        feedback_options=None,
                        buttons=[],
                        show_label=False,
                        latex_delimiters=[],
                        placeholder="e.g. “My son has had no speech therapy since March although his EHC plan says…”",
                    )
                    with gr.Row():
                        p_story_in = gr.Textbox(
                            show_label=False,
                            lines=2,
                            placeholder="What happened? Your answer to a question goes here too.",
                            elem_id="p-story-in",
                            scale=5,
                        )
                        p_story_send = gr.Button("Send", elem_id="p-story-send", scale=1, min_width=90)
                    p_story_state = gr.State(None)
                html_block(
                    '<h3 class="desk-h">Tell us what happened</h3><p class="intro">A few short answers are enough; only <b>What went wrong</b> is required. '
                    "What you type is kept in this browser only, so that a reload loses nothing (<b>Clear form</b> "
                    "removes it); a draft is kept in the server's memory only, for an hour at most, so that you can "
                    "download it.</p>"
                )
                # no box has a browser max_length: the browser would cut a long paste silently; the counts under
                # the boxes (limits.js) and the server's one-line refusal say what is too long instead
                with gr.Row():
                    p_name = gr.Textbox(
                        label="Your name (to sign the letter)",
                        placeholder="e.g. Sam Jones",
                        elem_id="p-name",
                        scale=2,
                    )
                    p_address = gr.Textbox(
                        label="Your address (optional)",
                        lines=2,
                        placeholder="e.g. 4 Mill Lane, Liverpool L1 2AB",
                        elem_id="p-address",
                        scale=3,
                    )
                with gr.Row():
                    p_who = gr.Dropdown(
                        WHO_CHOICES,
                        value="",
                        label="You are writing as",
                        elem_id="p-who",
                        scale=2,
                    )
                    p_plan = gr.Radio(
                        PLAN_CHOICES, value="", label="Does the child have an EHC plan?", elem_id="p-plan", scale=3
                    )
                with gr.Row():
                    p_council = gr.Textbox(
                        label="Council",
                        placeholder="e.g. Liverpool City Council",
                        elem_id="p-council",
                        scale=3,
                    )
                    p_child = gr.Textbox(
                        label="Child's initial",
                        placeholder="e.g. A",
                        elem_id="p-child",
                        scale=1,
                        min_width=110,
                    )
                p_provision = gr.Textbox(
                    label="What the plan says",
                    lines=2,
                    placeholder="e.g. Section F: a weekly 45-minute session with a qualified occupational therapist",
                    elem_id="p-provision",
                )
                p_issue = gr.Textbox(
                    label="What went wrong",
                    lines=3,
                    placeholder="e.g. The occupational therapy in Section F has not been delivered.",
                    elem_id="p-issue",
                )
                p_since = gr.Textbox(
                    label="Since when (month and year)",
                    placeholder="e.g. September 2023 or 2023-09",
                    max_length=20,
                    elem_id="p-since",
                )
                p_contacts = gr.Textbox(
                    label="Who you contacted (one per line)",
                    lines=3,
                    placeholder="Emailed the SEN caseworker on 4 October 2023\nPhoned the council in November 2023",
                    elem_id="p-contacts",
                )
                p_impact = gr.Textbox(label="Impact on your child and family", lines=2, elem_id="p-impact")
                p_outcome = gr.Textbox(
                    label="What you want",
                    lines=2,
                    placeholder="e.g. The therapy to start now, and a payment for what was missed",
                    elem_id="p-outcome",
                )
                p_stage = gr.Radio(
                    STAGES, value="council-stage-1", label="Where are you in the process?", elem_id="p-stage"
                )
                p_writer = writer_radio(rt, "p")
                html_block("", "p-limits", js_on_load=f"const LIMITS = {json.dumps(LIMITS_BY_ELEM)};\n{LIMITS_JS}")
                p_go = gr.Button("Draft my letter", variant="primary", elem_id="p-draft", size="lg")
                p_progress = progress_block("p")
                p_clear = gr.Button("Clear form", elem_id="p-clear", size="sm", variant="secondary")
            with gr.Column(scale=7, min_width=420):
                html_block('<h3 class="desk-h">Your letter</h3>')
                parent = Desk(rt, "p", "parent", progress=p_progress)
                parent.refine = RefineChat(
                    parent,
                    p_writer,
                    intro="Ask for changes in your own words; the letter is redrafted and every citation checked again.",
                    placeholder="Ask for a change, e.g. “make it shorter” or “add that I emailed twice in March”.",
                    first="Draft a letter first (the button under the intake), then ask for changes here.",
                )

    @parent.catches
    def parent_draft(
        council,
        child,
        provision,
        issue,
        since,
        contacts,
        impact,
        outcome,
        stage,
        writer,
        state,
        name="",
        address="",
        who="",
        plan="",
        story=None,
    ):
        if not (yield from parent.ready()):
            return
        facts = parent_facts(
            council,
            child,
            provision,
            issue,
            since,
            contacts,
            impact,
            outcome,
            stage,
            name=name,
            address=address,
            complainant=who,
            has_plan=plan,
            provision_source=provision_from_story(story, provision),
        )
        yield from parent.draft(facts, writer, state, "Finding precedents for each issue…")

    p_inputs = [
        p_council,
        p_child,
        p_provision,
        p_issue,
        p_since,
        p_contacts,
        p_impact,
        p_outcome,
        p_stage,
        p_writer,
        parent.state,
        p_name,
        p_address,
        p_who,
        p_plan,
        p_story_state,  # whose words the provision is, where the story chat read it
    ]
    # the intake survives a reload (the writer choice and the chat do not: they are not what a parent types)
    parent.form = {p_name: "", p_address: "", p_council: "", p_child: "", p_provision: ""}
    parent.form |= {p_issue: "", p_since: "", p_contacts: ""}
    parent.form |= {p_impact: "", p_outcome: "", p_stage: "council-stage-1", p_who: "", p_plan: ""}
    parent.clear = p_clear

    story_boxes = [
        p_council,
        p_child,
        p_provision,
        p_issue,
        p_since,
        p_contacts,
        p_impact,
        p_outcome,
        p_stage,
        p_who,
        p_plan,
    ]

    def story_turn(message, history, state, *boxes):
        """One message of the story chat: read into the form (only empty boxes are filled, so nothing the person
        typed is overwritten), then what was understood and the questions for what is missing."""
        message = (message or "").strip()
        history = list(history or [])
        if not message:
            return (gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip(), *[gr.skip()] * len(boxes))
        history.append({"role": "user", "content": md_text(message)})
        try:
            ex = extract_story(message, previous=(state or {}).get("extraction"))
        except UserError as e:
            history.append({"role": "assistant", "content": md_text(str(e))})
            return ("", history, state, gr.skip(), gr.skip(), *[gr.skip()] * len(boxes))
        told = [*(state or {}).get("told", []), message]
        first = (state or {}).get("first") or message
        values = story_form_values(ex, first)
        # a box is filled when the story says something and the box is empty (or holds the stage's default)
        empty = [
            not (cur or "").strip() or (box is p_stage and cur == "council-stage-1")
            for box, cur in zip(story_boxes, boxes, strict=True)
        ]
        updates = [v if (v and blank) else gr.skip() for v, blank in zip(values, empty, strict=True)]
        questions = story_follow_up(ex)
        reply = story_understood(ex)
        reply += (
            ("\n\n" + "\n".join(f"- {q}" for q in questions))
            if questions
            else ("\n\nThat is enough to draft: check the form below, then press **Draft my letter**.")
        )
        history.append({"role": "assistant", "content": reply})
        beside = story_precedents(told)
        shown = gr.Tabs(selected="p-tab-precedents") if not isinstance(beside, dict) else gr.skip()
        return ("", history, {"extraction": ex, "first": first, "told": told}, beside, shown, *updates)

    def story_precedents(told: list[str]):
        """The decisions closest to the story so far, beside the chat (the letter's own decisions replace them when
        it is drafted); nothing while the index is still being built."""
        if rt.not_ready():
            return gr.skip()
        res = rt.engine.search(" ".join(told)[-STORY_QUERY_CHARS:], k=8)
        intro = (
            '<p class="muted" id="p-story-precedents">Decisions close to your story so far, updated as you write. '
            "The letter's own decisions replace these when you draft it.</p>"
        )
        return intro + search_results_html(res, renumbered=rt.reconstructed)

    gr.on(
        [p_story_in.submit, p_story_send.click],
        story_turn,
        inputs=[p_story_in, p_story_chat, p_story_state, *story_boxes],
        outputs=[p_story_in, p_story_chat, p_story_state, parent.precedents, parent.reports, *story_boxes],
        api_visibility="private",
        queue=False,
    )
    parent.click(p_go.click, parent_draft, inputs=p_inputs, api_name="parent_draft")
    return parent
