"""API endpoints for load tests (`gradio_client`): `/search`, `/draft`, `/refine` take plain values and return
JSON-able values (draft: the letter Markdown and the verification report)."""

from __future__ import annotations

from types import SimpleNamespace

from ..errors import UserError
from .forms import intake_facts, make_filters, officer_facts, parent_facts
from .runtime import WARM_WAIT_S, Runtime, friendly_errors, rt_draft_limit


def api_error(msg: str, *args, **kwargs):
    """The reply of an API endpoint that failed: a Gradio error carrying the one plain line, no traceback."""
    import gradio as gr

    raise gr.Error(msg, print_exception=False) from None


def build(rt: Runtime) -> None:
    """Register the endpoints (inside a `gr.Blocks`)."""
    import gradio as gr

    eng = rt.engine

    @friendly_errors(api_error)
    def search(
        query: str, category: str = "", outcome: str = "", date_from: str = "", date_to: str = "", k: int = 10
    ) -> dict:
        """Search paragraphs of past decisions. Returns {"query", "results": [...], "no_close_precedent"}."""
        _api_ready(rt)
        res = eng.search(query, k=int(k), filters=make_filters(category, outcome, date_from, date_to))
        out = res.to_dict()
        out["no_close_precedent"] = res.no_close_precedent
        return out

    @friendly_errors(api_error)
    def draft(
        issue: str,
        role: str = "parent",
        council: str = "",
        child: str = "",
        provision: str = "",
        since: str = "",
        contacts: str = "",
        impact: str = "",
        outcome_sought: str = "",
        stage: str = "",
        writer: str = "",
    ) -> tuple[str, dict]:
        """Draft a letter (parent) or response (officer). Contacts: one per line. Returns (letter Markdown,
        {"verification", "citations", "remedies", "issues", "writer", "notes", "facts"})."""
        _api_ready(rt)
        if role == "officer":
            facts = officer_facts(issue, council)
        else:
            facts = parent_facts(
                council, child, provision, issue, since, contacts, impact, outcome_sought, stage or "council-stage-1"
            )
        result = eng.draft(facts, llm=writer or rt.default_writer)
        return result.markdown(), _api_report(result, facts)

    @friendly_errors(api_error)
    def refine(facts: dict, instruction: str, previous_letter: str = "", writer: str = "") -> tuple[str, dict]:
        """Refine a draft: `facts` as returned by /draft, an instruction such as 'make it shorter'.
        Returns (letter Markdown, report with the updated facts)."""
        _api_ready(rt)
        f = intake_facts(dict(facts or {}))
        prev = SimpleNamespace(body=previous_letter) if previous_letter else None
        new_facts, result = eng.refine(f, instruction, previous=prev, llm=writer or rt.default_writer)
        return result.markdown(), _api_report(result, new_facts)

    gr.api(search, api_name="search", concurrency_limit=4)
    gr.api(draft, api_name="draft", concurrency_id="draft", concurrency_limit=rt_draft_limit(rt))
    gr.api(refine, api_name="refine", concurrency_id="draft", concurrency_limit=rt_draft_limit(rt))


def _api_ready(rt: Runtime) -> None:
    """Refuse (with the page's sentence) while the engine cannot be used, after the bounded wait for the model."""
    if msg := rt.not_ready(WARM_WAIT_S):
        raise UserError(msg)


def _api_report(result, facts) -> dict:
    d = result.to_dict()
    d.pop("letter", None)
    d["facts"] = facts.model_dump(exclude_none=True)
    d["seconds"] = round(result.seconds, 3)
    return d
