"""The Gradio page: the header and readiness banner, then one tab per desk (each lays out and wires itself), then the
API endpoints."""

from __future__ import annotations

from . import api, officer, parent, precedents
from .desk import html_block, remember_form
from .runtime import Runtime


def build_blocks(rt: Runtime):
    import gradio as gr

    with gr.Blocks(
        title="Precedent · SEND complaints with checked citations", analytics_enabled=False, delete_cache=(3600, 3600)
    ) as demo:
        html_block(
            '<div id="header"><h1>Precedent</h1><p>Draft a complaint about special educational needs support, or a '
            "council's response, grounded in published decisions of the Local Government and Social Care Ombudsman. "
            '<span class="tick">Every citation is checked</span> against the paragraph it names before you see it.</p></div>'
        )
        status = html_block(rt.status_html(), "status")
        timer = gr.Timer(1.0, active=True)

        with gr.Tabs(elem_id="tabs"):
            parent_desk = parent.build(rt)
            officer.build(rt)
            s_category, s_outcome = precedents.build(rt)

        # the readiness banner, and the search filters' choices once the index is read; polls until ready or failed
        def refresh():
            ready = rt.phase in ("ready", "error")
            cats = [("Any category", "")] + [(c, c) for c in rt.categories]
            outs = [("Any outcome", "")] + [(o, o) for o in rt.outcomes]
            return (rt.status_html(), gr.Dropdown(choices=cats), gr.Dropdown(choices=outs), gr.Timer(active=not ready))

        demo.load(
            refresh,
            outputs=[status, s_category, s_outcome, timer],
            api_visibility="private",
            queue=False,
            show_progress="hidden",
        )
        timer.tick(
            refresh,
            outputs=[status, s_category, s_outcome, timer],
            api_visibility="private",
            queue=False,
            show_progress="hidden",
        )

        remember_form(demo, "precedent-parent-form", parent_desk.form, parent_desk.clear)

        # a page closed or reloaded: its drafts stop (Gradio stops reading them, but their writer would run on)
        def page_gone(request):
            rt.drafts.page_gone(getattr(request, "session_hash", None))

        # a real annotation (this module's are strings, and `gr` is not one of its globals): Gradio passes the request
        page_gone.__annotations__ = {"request": gr.Request}
        demo.unload(page_gone)
        api.build(rt)

    demo.queue(default_concurrency_limit=2, max_size=64)
    return demo
