"""The web app: a Gradio page (parent desk, officer desk, precedents) mounted on a FastAPI app. Presentation only:
searching, drafting, refining and verifying are `app.engine.Engine`'s.

* `server`: `serve(settings, builtin_corpus)` builds the index from the built-in corpus on a first start (in a
  background thread, with a tqdm bar on the console and a "Building the index…" banner on the page), then runs uvicorn
  on `settings.host:settings.port` (loopback by default), with optional HTTP basic auth (`settings.auth =
  "user:password"`) covering every route, and Gradio analytics off. `create_app` holds the routes: `/` the Gradio
  page; `/decision/{doc_id}` a whole decision as HTML, one `id="p{para}"` per paragraph (the cited one highlighted
  through `:target`) and `id="summary"`; `/export/{token}/letter.docx|.md` a draft written with
  `app.export.write_letter` into a temporary folder at the moment the user clicks, sent, and deleted.
* `blocks`: the page, composed of one module per tab (`parent`, `officer`, `precedents`) and the API endpoints
  (`api`: `/search`, `/draft`, `/refine` for `gradio_client`; the page's own streaming handlers are callable too,
  undocumented: `/parent_draft`, `/officer_draft`, `/search_ui`). `desk.Desk` is what the drafting desks share.
* `render`: engine results as HTML in which everything that came from a user or a document is escaped;
  `investigation`: the officer's investigation as HTML (precedent summary, remedy benchmark, due dates), likewise.
* `runtime`: the engine, readiness and the export store (drafts in memory only, forgotten after an hour); per-session
  state lives in `gr.State`, never in module globals, so users never see each other's drafts.
* `forms`: the boxes' values as facts and filters; `labels`: the words for fixed choices; `assets`: `static/`.
"""

import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # before anything imports gradio

from .assets import COPY_JS, CSS, DECISION_CSS, HEAD
from .blocks import build_blocks
from .desk import Desk, stream_call
from .forms import intake_facts, make_filters, officer_facts, parent_facts
from .labels import FIELD_LABELS, STAGES, WRITER_LABELS
from .render import (
    decision_href,
    decision_page,
    downloads_html,
    esc,
    hide_source_markers,
    letter_badge,
    letter_failed_html,
    letter_final_html,
    letter_placeholder,
    letter_streaming_html,
    link_citations,
    md_text,
    message_page,
    notice_html,
    plain_note,
    plain_text,
    precedents_html,
    progress_html,
    remedies_html,
    render_markdown,
    search_results_html,
    strip_emphasis,
    verification_html,
)
from .runtime import (
    EXPORT_MAX,
    EXPORT_TTL_S,
    PREPARE_FAILED,
    SEARCH_MODEL_BROKEN,
    WARM_WAIT_S,
    ExportStore,
    Runtime,
    friendly,
    friendly_errors,
    rt_draft_limit,
)
from .server import BasicAuth, create_app, parse_auth, serve

__all__ = [
    "COPY_JS",
    "CSS",
    "DECISION_CSS",
    "EXPORT_MAX",
    "EXPORT_TTL_S",
    "FIELD_LABELS",
    "HEAD",
    "PREPARE_FAILED",
    "SEARCH_MODEL_BROKEN",
    "STAGES",
    "WARM_WAIT_S",
    "WRITER_LABELS",
    "BasicAuth",
    "Desk",
    "ExportStore",
    "Runtime",
    "build_blocks",
    "create_app",
    "decision_href",
    "decision_page",
    "downloads_html",
    "esc",
    "hide_source_markers",
    "friendly",
    "friendly_errors",
    "intake_facts",
    "letter_badge",
    "letter_failed_html",
    "letter_final_html",
    "letter_placeholder",
    "letter_streaming_html",
    "link_citations",
    "make_filters",
    "md_text",
    "message_page",
    "notice_html",
    "officer_facts",
    "parent_facts",
    "parse_auth",
    "plain_note",
    "plain_text",
    "precedents_html",
    "progress_html",
    "remedies_html",
    "render_markdown",
    "search_results_html",
    "strip_emphasis",
    "rt_draft_limit",
    "serve",
    "stream_call",
    "verification_html",
]
