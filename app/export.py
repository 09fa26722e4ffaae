"""Writing a draft to disk: Markdown, or a Word document (python-docx) with the same content."""

from __future__ import annotations

import re
from pathlib import Path

from .errors import UserError


def write_letter(result, path: str | Path) -> Path:
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in (".md", ".docx"):
        raise UserError(f"{p}: --out must end in .md or .docx")
    if p.parent and not p.parent.exists():
        raise UserError(f"{p.parent}: no such folder")
    text = result.markdown()
    if suffix == ".md":
        p.write_text(text, encoding="utf-8")
    else:
        markdown_to_docx(text, p)
    return p


_INLINE = re.compile(r"(\*\*[^*]+\*\*|\*[^*\n]+\*)")


def _runs(par, text: str) -> None:
    for piece in _INLINE.split(text):
        if not piece:
            continue
        if piece.startswith("**") and piece.endswith("**"):
            par.add_run(piece[2:-2]).bold = True
        elif piece.startswith("*") and piece.endswith("*") and len(piece) > 2:
            par.add_run(piece[1:-1]).italic = True
        else:
            par.add_run(piece)


def markdown_to_docx(md: str, path: Path) -> None:
    import docx

    d = docx.Document()
    table_rows: list[list[str]] = []

    def flush_table():
        nonlocal table_rows
        rows = [r for r in table_rows if not all(set(c) <= set("-: ") for c in r)]
        if rows:
            t = d.add_table(rows=len(rows), cols=len(rows[0]))
            t.style = "Table Grid"
            for i, r in enumerate(rows):
                for j, c in enumerate(r[: len(rows[0])]):
                    t.cell(i, j).text = c
        table_rows = []

    for block in re.split(r"\n\s*\n", md.strip()):
        lines = block.split("\n")
        if all(ln.strip().startswith("|") for ln in lines):
            table_rows = [[c.strip() for c in ln.strip().strip("|").split("|")] for ln in lines]
            flush_table()
            continue
        for ln in lines:
            if ln.startswith("## "):
                d.add_heading(ln[3:].strip(), level=2)
            elif ln.startswith("# "):
                d.add_heading(ln[2:].strip(), level=1)
            elif ln.startswith("- "):
                _runs(d.add_paragraph(style="List Bullet"), ln[2:])
            elif ln.strip():
                _runs(d.add_paragraph(), ln)
    d.save(str(path))
