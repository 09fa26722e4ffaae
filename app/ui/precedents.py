"""The precedents desk (the search tab): paragraphs of past decisions for a described problem, with filters."""

from __future__ import annotations

from .desk import html_block
from .forms import make_filters
from .render import notice_html, search_results_html
from .runtime import WARM_WAIT_S, Runtime, friendly_errors


def build(rt: Runtime):
    """Lay out the search tab (inside `gr.Tabs`) and wire `/search_ui` (undocumented API). Returns the category and
    outcome dropdowns, whose choices the page fills in once the index is ready."""
    import gradio as gr

    eng = rt.engine
    with gr.Tab("Precedents", id="precedents", elem_id="precedents-tab"):
        html_block(
            '<p class="intro">Search the paragraphs of past decisions. Results are grouped by decision; open '
            "one to read the whole decision with the paragraph highlighted.</p>"
        )
        with gr.Row():
            s_query = gr.Textbox(
                label="Describe the problem",
                scale=5,
                max_length=2000,
                elem_id="s-query",
                placeholder="e.g. speech and language therapy in section F not delivered",
            )
            s_go = gr.Button("Search", variant="primary", scale=1, min_width=120, elem_id="s-go")
        with gr.Row():
            s_category = gr.Dropdown([("Any category", "")], value="", label="Category", elem_id="s-category")
            s_outcome = gr.Dropdown([("Any outcome", "")], value="", label="Outcome", elem_id="s-outcome")
            s_from = gr.Textbox(label="Decided from (YYYY-MM-DD)", max_length=20, elem_id="s-from")
            s_to = gr.Textbox(label="Decided to (YYYY-MM-DD)", max_length=20, elem_id="s-to")
        s_notice = html_block("", "s-notice", visible=False)
        s_results = html_block("", "s-results")

    def problem(msg, *args):
        return gr.HTML(notice_html(msg), visible=True), ""

    @friendly_errors(problem)
    def search_ui(query, category, outcome, date_from, date_to):
        if msg := rt.not_ready(WARM_WAIT_S):
            return problem(msg)
        if not (query or "").strip():
            return problem("Describe the problem to search for, e.g. 'speech therapy not delivered'.")
        filters = make_filters(category, outcome, date_from, date_to)
        res = eng.search(query, k=20, filters=filters)
        html = search_results_html(res, renumbered=rt.reconstructed, undated=rt.undated_left_out(filters))
        return gr.HTML("", visible=False), html

    gr.on(
        [s_go.click, s_query.submit],
        search_ui,
        inputs=[s_query, s_category, s_outcome, s_from, s_to],
        outputs=[s_notice, s_results],
        api_visibility="undocumented",
        concurrency_limit=4,
        api_name="search_ui",
        show_progress="minimal",
        show_progress_on=[s_results],
    )
    return s_category, s_outcome
