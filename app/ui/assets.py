"""The page's static files (`static/`: the app's CSS, the decision page's CSS, the copy button's script, the character counts' script), read once."""

from __future__ import annotations

from pathlib import Path

STATIC = Path(__file__).resolve().parent / "static"


def _read(name: str) -> str:
    return (STATIC / name).read_text(encoding="utf-8")


CSS = _read("style.css")
DECISION_CSS = _read("decision.css")
COPY_JS = _read("copy.js")
LIMITS_JS = _read("limits.js")  # needs `const LIMITS = {elem id: characters}` before it
HEAD = (
    '<meta name="referrer" content="no-referrer"><meta name="robots" content="noindex">'
    f"<style>{_read('head.css')}</style>"
)
