"""Typed records that cross module boundaries: documents, paragraphs, remedies, search hits, facts, drafts.

Nothing here knows about storage, models or user interfaces.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from .law import cite_text
from .roles import paragraph_role

Kind = Literal["decision", "report", "council response", "law", "other"]


@dataclass
class Paragraph:
    """One citable paragraph, numbered as its author numbers it ("19", or "2.3" in council papers)."""

    para: str
    section: str
    text: str

    def to_dict(self, kind: str = "decision") -> dict[str, Any]:
        """The paragraph and its role (`app/roles.py`), read in a document of this kind."""
        return asdict(self) | {"role": paragraph_role(self.section, self.text, kind)}


@dataclass
class Remedy:
    """A sum of money a decision states, with what it was for."""

    amount: float
    purpose: str
    para: str
    text: str  # the sentence the amount was taken from, verbatim
    period: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Document:
    doc_id: str
    refs: list[str]
    organisation: str | None
    category: str | None
    outcome: str | None
    decision_date: str | None  # ISO YYYY-MM-DD
    kind: str
    summary: str | None
    source: str  # absolute path of the ingested file
    source_url: str | None
    paragraphs: list[Paragraph]
    remedies: list[Remedy] = field(default_factory=list)
    title: str | None = None
    numbering: str = "source"  # "source": numbers as printed; "reconstructed": numbers we restored
    sha256: str = ""
    paragraph_count: int | None = None  # set when paragraphs are not loaded (listings)

    @property
    def ref(self) -> str | None:
        """The document's own LGSCO reference (a council paper carries the report's, but is not it)."""
        return self.refs[0] if self.refs and self.kind in ("decision", "report") else None

    @property
    def cite_id(self) -> str:
        """What a citation names: the doc_id, which is the reference for a decision ('24 004 187')."""
        return self.doc_id

    def paragraph(self, para: str) -> Paragraph | None:
        for p in self.paragraphs:
            if p.para == para:
                return p
        return None

    def meta_dict(self) -> dict[str, Any]:
        """The fields `precedent list --json` prints."""
        return {
            "doc_id": self.doc_id,
            "refs": list(self.refs),
            "organisation": self.organisation,
            "category": self.category,
            "outcome": self.outcome,
            "decision_date": self.decision_date,
            "kind": self.kind,
            "paragraphs": self.paragraph_count if self.paragraph_count is not None else len(self.paragraphs),
            "source": self.source,
        }

    def to_dict(self) -> dict[str, Any]:
        """The fields `precedent show --json` prints."""
        d = self.meta_dict()
        d.update(
            {
                "ref": self.ref,
                "title": self.title,
                "summary": self.summary,
                "source_url": self.source_url,
                "numbering": self.numbering,
                "remedies": [r.to_dict() for r in self.remedies],
                "paragraphs": [p.to_dict(self.kind) for p in self.paragraphs],
            }
        )
        return d


@dataclass
class Hit:
    """One ranked paragraph: the `results` items of `precedent search --json`."""

    doc_id: str
    ref: str | None
    organisation: str | None
    para: str
    section: str
    text: str
    score: float
    source: str
    outcome: str | None
    category: str | None
    decision_date: str | None
    kind: str = "decision"

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["role"] = paragraph_role(self.section, self.text, d.pop("kind"))
        return d

    @property
    def label(self) -> str:
        """How a letter cites this paragraph: `[24 004 187, para 19]`, or `[Education Act 1996, s 19(1)]`."""
        return cite_text(self.doc_id, self.para)


@dataclass
class Filters:
    category: str | None = None
    outcome: str | None = None
    organisation: str | None = None
    date_from: str | None = None  # ISO
    date_to: str | None = None

    def is_empty(self) -> bool:
        return not any(asdict(self).values())
