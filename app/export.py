"""Writing a draft to disk: Markdown, or a Word document (python-docx) with the same content.

What is exported is the letter a reader receives: the letter, signed; then its references (the cited paragraphs);
then, as a titled annex, the remedies the cited decisions set. The remedy table is evidence a reader consults after
the letter, as the references are, so it follows them rather than sit between the letter and its signature (where it
used to land, after the sign-off, looking like part of the signature block). The checker's internal marks
(`[check: …]`, `[unverified]`) are never exported: the page shows them, and asks for them to be checked first.
"""

from __future__ import annotations

import re
from pathlib import Path

from .cite import UNSUPPORTED_MARK, UNVERIFIED
from .errors import UserError
from .quoting import remedy_table_md

ANNEX_HEADING = "## Annex: remedies in comparable decisions"
RENUMBERED_NOTE = "(paragraph number assigned by Precedent: this copy of the decision printed none, so the published decision may number it differently)"
# the checker's marks: `[unverified]`, and `[check: …]` (UNSUPPORTED_MARK and any variant of its wording)
_MARKS = re.compile(r"[ \t]*(?:" + re.escape(UNVERIFIED) + "|" + re.escape(UNSUPPORTED_MARK) + r"|\[check:[^\]\n]*\])")


def strip_marks(text: str) -> str:
    """The letter without the checker's internal marks (`[check: the cited decision may not say this]`,
    `[unverified]`)."""
    return _MARKS.sub("", text or "")


def export_markdown(result, renumbered: set[str] | frozenset[str] = frozenset()) -> str:
    """The letter as exported (.md, .docx, the page's copy): body, references, then the remedies annex; no internal
    marks. `renumbered`: decisions whose paragraph numbers Precedent assigned, flagged in the references."""
    text = result.markdown(with_remedies=False).rstrip()
    if result.remedies:
        table = remedy_table_md(result.remedies)
        table = re.sub(r"^## .*$", ANNEX_HEADING, table, count=1, flags=re.M)
        text += "\n\n" + table
    if renumbered:
        ids = "|".join(re.escape(d) for d in sorted(renumbered, key=len, reverse=True))
        text = re.sub(rf"(?m)^(- \*\*\[(?:{ids}), (?:para|paras) [^\]]*\]\*\*)", rf"\1 {RENUMBERED_NOTE}", text)
    return strip_marks(text) + "\n"


def write_letter(result, path: str | Path, renumbered: set[str] | frozenset[str] = frozenset()) -> Path:
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in (".md", ".docx"):
        raise UserError(f"{p}: --out must end in .md or .docx")
    if p.parent and not p.parent.exists():
        raise UserError(f"{p.parent}: no such folder")
    text = export_markdown(result, renumbered)
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
