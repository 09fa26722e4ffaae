"""The web server: the FastAPI app with the Gradio page mounted at `/`, its own routes (`/decision/{doc_id}`,
`/export/{token}/letter.docx|.md`), HTTP basic auth over every route, and `serve`, which runs it under uvicorn."""

from __future__ import annotations

import base64
import hmac
import logging
import os
import socket
import sys
import tempfile
from datetime import date
from pathlib import Path

from ..errors import UserError
from ..export import write_letter
from ..settings import Settings
from .assets import CSS, HEAD
from .blocks import build_blocks
from .render import decision_page, message_page
from .runtime import Runtime, friendly_errors


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
        await send(
            {
                "type": "http.response.start",
                "status": 401,
                "headers": [
                    (b"www-authenticate", f'Basic realm="{self.realm}", charset="UTF-8"'.encode()),
                    (b"content-type", b"text/plain; charset=utf-8"),
                ],
            }
        )
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

    def cannot_open(msg: str, *args, **kwargs):
        return HTMLResponse(message_page("Cannot open this decision", msg), status_code=500)

    @api.get("/decision/{doc_id:path}", response_class=HTMLResponse)
    @friendly_errors(cannot_open)
    def decision(doc_id: str):
        if rt.phase not in ("ready", "warming") and (msg := rt.not_ready()):
            return HTMLResponse(
                message_page("Not ready yet", msg, refresh=3 if rt.phase != "error" else None), status_code=503
            )
        doc = rt.engine.document(doc_id)
        if doc is None:
            return HTMLResponse(
                message_page("No such decision", f"There is no decision {doc_id!r} in the index."), status_code=404
            )
        return HTMLResponse(decision_page(doc), headers={"Cache-Control": "no-store"})

    @api.get("/export/{token}/{name}")
    def export(token: str, name: str):
        if name not in ("letter.docx", "letter.md"):
            return Response("Not found", status_code=404, media_type="text/plain")
        result = rt.exports.get(token)
        if result is None:
            return HTMLResponse(
                message_page(
                    "This download has expired",
                    "Drafts are kept in memory for an hour only. Draft the letter again to download it.",
                ),
                status_code=404,
            )
        if rt.exports.locked(token):
            # a letter that failed its checks is downloaded only once the user says they have checked it
            return HTMLResponse(
                message_page(
                    "Check the letter first",
                    "This letter did not pass its citation check. Read the highlighted sentences, tick “I have "
                    "checked the highlighted sentences”, then download it.",
                ),
                status_code=403,
            )
        with tempfile.TemporaryDirectory(prefix="precedent-export-") as tmp:
            path = write_letter(result, Path(tmp) / name, rt.reconstructed)
            data = path.read_bytes()
        media = (
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            if name.endswith(".docx")
            else "text/markdown; charset=utf-8"
        )
        stamp = date.today().isoformat()
        fname = f"precedent-{'response' if result.facts.role == 'officer' else 'letter'}-{stamp}{Path(name).suffix}"
        return Response(
            data,
            media_type=media,
            headers={"Content-Disposition": f'attachment; filename="{fname}"', "Cache-Control": "no-store"},
        )

    demo = build_blocks(rt)
    theme = gr.themes.Default(
        primary_hue="blue",
        neutral_hue="slate",
        radius_size="md",
        font=["system-ui", "-apple-system", "Segoe UI", "Roboto", "sans-serif"],
        font_mono=["ui-monospace", "SFMono-Regular", "Menlo", "monospace"],
    ).set(
        body_background_fill="#f6f7f9",
        block_border_width="0px",
        block_shadow="none",
        block_background_fill="white",
        block_title_text_weight="600",
        block_title_text_color="*neutral_700",
        block_label_text_color="*neutral_600",
        input_background_fill="white",
        input_border_color="*neutral_200",
        input_border_color_focus="*primary_300",
        button_large_radius="8px",
        button_primary_background_fill="#2b5d9c",
        button_primary_background_fill_hover="#244f85",
        button_primary_text_color="white",
        checkbox_label_background_fill="white",
        checkbox_label_border_color="*neutral_200",
        checkbox_label_border_width="1px",
    )
    app = gr.mount_gradio_app(
        api,
        demo,
        path="/",
        server_name=settings.host,
        server_port=settings.port,
        footer_links=[],
        run_history=False,
        show_error=False,
        ssr_mode=False,
        pwa=False,
        mcp_server=False,
        theme=theme,
        css=CSS,
        head=HEAD,
    )
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
        print(
            f"warning: serving on {settings.host} without --auth: anyone who can reach this port can use the app",
            file=sys.stderr,
        )
    app, rt = create_app(settings, builtin_corpus)
    # build or open the index and load the encoder in the background while the page is already served (starting it
    # before Gradio has loaded makes both slower: imports contend for the interpreter lock)
    rt.start(build=True)
    print(
        f"Precedent: open http://{'127.0.0.1' if settings.host == '0.0.0.0' else settings.host}:{settings.port}/",
        file=sys.stderr,
        flush=True,
    )
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning", access_log=False)


def _check_port(host: str, port: int) -> None:
    """A port already in use is a one-line error, not a uvicorn traceback."""
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
            raise UserError(
                f"cannot listen on {host}:{port} ({e.strerror or e}): is Precedent already running? Try --port"
            ) from None
