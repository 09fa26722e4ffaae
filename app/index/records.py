"""What the index's units share: its errors, the ingest report, the row a search reads, and how a document
becomes rows (its numbered paragraphs plus a summary row) and vector ids."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from ..errors import UserError
from ..models import Document, Paragraph

SUMMARY = "summary"  # the para label of a document's summary row


class IndexError_(UserError):
    """A problem with the index a user can act on. One line."""


class NoIndex(IndexError_):
    pass


@dataclass
class IngestReport:
    documents: int = 0  # new or changed documents indexed in this run
    paragraphs: int = 0  # paragraphs embedded in this run
    unchanged: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    seconds: float = 0.0
    total_documents: int = 0
    total_paragraphs: int = 0
    reembedded: int = 0  # stored paragraphs re-embedded because the encoder changed (not in to_dict)

    def summary_line(self) -> str:
        line = (
            f"{self.documents} documents, {self.paragraphs} paragraphs indexed; {self.unchanged} unchanged; "
            f"{len(self.failed)} failed ({self.seconds:.1f}s; index holds {self.total_documents} documents, "
            f"{self.total_paragraphs} paragraphs)"
        )
        if self.reembedded:
            line += f"; {self.reembedded} stored paragraphs re-embedded with the new encoder"
        return line

    def to_dict(self) -> dict:
        return {
            "documents": self.documents,
            "paragraphs": self.paragraphs,
            "unchanged": self.unchanged,
            "failed": [{"path": p, "reason": r} for p, r in self.failed],
            "seconds": round(self.seconds, 3),
            "total_documents": self.total_documents,
            "total_paragraphs": self.total_paragraphs,
        }


class ParagraphRow(NamedTuple):
    """One stored paragraph joined to its document, as search reads it (a tuple, so it unpacks in this order)."""

    id: int
    doc_id: str
    para: str
    section: str | None
    text: str
    ref: str | None
    organisation: str | None
    source: str
    outcome: str | None
    category: str | None
    decision_date: str | None
    kind: str | None


@dataclass(frozen=True)
class DocMeta:
    """What the verifier needs of a document besides its paragraphs."""

    doc_id: str
    ref: str | None
    source: str
    decision_date: str | None


def date_int(iso: str | None) -> int:
    return int(iso.replace("-", "")) if iso else 0


def embed_text(doc: Document | None, p: Paragraph) -> str:
    """What the encoder sees for a paragraph: its heading gives it context."""
    return f"{p.section}: {p.text}" if p.section else p.text


def rows_of(doc: Document) -> list[tuple[int, Paragraph]]:
    """The rows a document is searched by: its numbered paragraphs, and its summary as row -1 (cited as 'summary')."""
    rows = list(enumerate(doc.paragraphs))
    if doc.summary and doc.kind in ("decision", "report"):
        rows.insert(0, (-1, Paragraph(SUMMARY, "Summary", doc.summary)))
    return rows


def vector_id(doc: Document, ordinal: int) -> str:
    """A row's id in Chroma and in `paragraphs.vec_id`: `doc_id::sha12::ordinal`, so a changed file gets new ids."""
    return f"{doc.doc_id}::{doc.sha256[:12]}::{ordinal}"


def doc_id_of_vector(vec_id: str) -> str:
    return vec_id.split("::", 1)[0]
