"""Storage: documents and paragraphs in SQLite (the source of truth, with an FTS5 table for BM25) and
paragraph vectors in Chroma (embedded PersistentClient, or a Chroma server when a URL is set).

Ingest is incremental and crash-safe. A file whose bytes are unchanged is skipped before parsing.
For a new or changed document, vectors are written to Chroma first under ids that name the content
hash, then the document's rows are committed to SQLite in one transaction. A `dirty` marker is set
for the length of an ingest; if a run dies (kill -9), the next one reconciles the two stores:
vectors that SQLite does not know are deleted, documents whose vectors are missing are re-embedded.
Dense hits are joined to SQLite, so an orphan vector can never surface as a precedent.

`Index` is the one door; behind it, one unit a job:

- `records`: errors, `IngestReport`, `ParagraphRow`, `DocMeta`, and how a document becomes rows and vector ids
- `store`: the SQLite schema; reading and writing documents, references and paragraphs (all SQL but BM25's)
- `vectors`: Chroma, embedded or a server; upserts and deletes by vector id; the metadata filters
- `lexical`: FTS5 BM25, bounded on large indexes
- `encoder`: which encoder made the vectors; re-embedding when it changes
- `recovery`: the writer lock, the in-progress marker, reconciling after a crash, `precedent check`
- `ingest`: files -> vectors then rows, pipelined
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from ..models import Document, Filters, Paragraph
from .encoder import ENCODER_KEY, LEGACY_ENCODER, EncoderRecord
from .ingest import Ingester
from .lexical import BM25_BUDGET, BM25_CANDIDATES, Lexical
from .records import (
    SUMMARY,
    DocMeta,
    IndexError_,
    IngestReport,
    NoIndex,
    ParagraphRow,
    embed_text,
    rows_of,
    vector_id,
)
from .recovery import Recovery
from .store import SCHEMA_VERSION, Store
from .vectors import COLLECTION, COLLECTION_METADATA, Vectors, chroma_where

__all__ = [
    "BM25_BUDGET",
    "BM25_CANDIDATES",
    "COLLECTION",
    "COLLECTION_METADATA",
    "ENCODER_KEY",
    "LEGACY_ENCODER",
    "SCHEMA_VERSION",
    "SUMMARY",
    "DocMeta",
    "Index",
    "IndexError_",
    "IngestReport",
    "NoIndex",
    "ParagraphRow",
    "embed_text",
    "rows_of",
    "vector_id",
]


class Index:
    """One index folder: `index.sqlite` (SQLite), `chroma/` (embedded Chroma, unless `chroma_url` names a server),
    and while a write runs, `writer.lock` and `INGEST_IN_PROGRESS`."""

    def __init__(
        self,
        directory: Path,
        embeddings=None,
        chroma_url: str | None = None,
        chroma_timeout_s: float = 10.0,
        create: bool = False,
    ):
        self.dir = Path(directory).expanduser().resolve()
        self.embeddings = embeddings
        self.chroma_url = chroma_url
        self.chroma_timeout_s = chroma_timeout_s
        db_path = self.dir / "index.sqlite"
        if not db_path.exists() and not create:
            raise NoIndex(f"no index at {self.dir}: build one with `precedent ingest corpus/` (or `make run`)")
        if self.dir.exists() and not self.dir.is_dir():
            raise IndexError_(f"{self.dir} is a file, not an index folder")
        self.dir.mkdir(parents=True, exist_ok=True)
        self.store = Store(db_path)
        self.db = self.store.db  # the SQLite connection, for tests and diagnostics; product code uses the methods
        self.vectors = Vectors(self.dir, embeddings, chroma_url, chroma_timeout_s, self.store.lock)
        self.lexical = Lexical(self.store)
        self.encoder = EncoderRecord(self.dir, self.store, self.vectors, embeddings)
        self.recovery = Recovery(self.dir, self.store, self.vectors)
        self._ingester = Ingester(self.store, self.vectors, self.recovery, self.encoder, embeddings)

    # Chroma
    @property
    def vectorstore(self):
        """LangChain's `Chroma`, opened on first use."""
        return self.vectors.store

    @property
    def collection(self):
        return self.vectors.collection

    # reading
    def count(self) -> tuple[int, int]:
        """(documents, numbered paragraphs), synthetic (benchmark) documents left out."""
        return self.store.count()

    def paragraph_count(self) -> int:
        """Numbered paragraphs stored, synthetic documents' included."""
        return self.store.paragraph_count()

    def documents(self) -> list[Document]:
        return self.store.documents()

    def resolve(self, ident: str) -> str | None:
        """A doc_id or any reference a document carries -> doc_id."""
        return self.store.resolve(ident)

    def document(self, ident: str) -> Document | None:
        doc_id = self.resolve(ident)
        if doc_id is None:
            return None
        return self.store.document(doc_id)

    def paragraph(self, ident: str, para: str) -> tuple[Document, Paragraph] | None:
        doc = self.document(ident)
        if doc is None:
            return None
        p = doc.paragraph(para)
        return (doc, p) if p else None

    def paragraph_texts(self, doc_id: str) -> list[tuple[str, str]]:
        """(para, text) of each stored row of a document in order, its summary row ('summary') first if it has one."""
        return self.store.paragraph_texts(doc_id)

    def key_texts(self, doc_ids: list[str]) -> dict[str, str]:
        """Each document's summary and complaint paragraphs, joined: what it is about (`Store.key_texts`)."""
        return self.store.key_texts(doc_ids)

    def doc_meta(self, doc_id: str) -> DocMeta | None:
        return self.store.doc_meta(doc_id)

    def refs(self) -> set[str]:
        """Every reference the stored documents carry."""
        return self.store.refs()

    # writing
    def ingest(
        self,
        paths: Iterable[str | Path],
        progress: Callable[[int, int], None] | None = None,
        synthetic: bool = False,
        batch_paragraphs: int = 512,
        parse: Callable[[Path], Document] | None = None,
    ) -> IngestReport:
        """`parse` replaces `parse_file` (the benchmark uses it to give synthetic documents SYN ids)."""
        return self._ingester.ingest(paths, progress, synthetic, batch_paragraphs, parse)

    def remove(self, ident: str) -> bool:
        doc_id = self.resolve(ident)
        if not doc_id:
            return False
        self._ingester.remove(doc_id)
        return True

    # which encoder made the vectors
    def stored_encoder(self) -> str | None:
        return self.encoder.stored()

    def encoder_stale(self) -> bool:
        """True when the stored vectors come from another encoder than the one in use (see `reembed`)."""
        return self.encoder.stale()

    def require_encoder(self) -> None:
        """Dense search compares the query's vector with stored ones: both must come from the same encoder."""
        self.encoder.require()

    # crash recovery
    def reconcile(self) -> dict[str, int]:
        """Make Chroma and SQLite agree after an interrupted ingest. Returns what was repaired."""
        return self.recovery.reconcile()

    def check(self) -> dict[str, int]:
        """Counts that prove consistency: paragraphs in SQLite, vectors in Chroma, and how many disagree."""
        return self.recovery.check()

    # search primitives
    def has_synthetic(self) -> bool:
        """Whether any synthetic (benchmark) document is stored."""
        return self.store.has_synthetic()

    def chroma_where(self, f: Filters | None, synthetic_ok: bool = False) -> dict | None:
        return chroma_where(f, exclude_synthetic=not synthetic_ok and self.has_synthetic())

    def bm25(self, match: str, k: int, f: Filters | None, synthetic_ok: bool = False) -> list[tuple[int, float]]:
        """(paragraph row id, bm25 score; higher is better) for an FTS5 MATCH expression."""
        return self.lexical.bm25(match, k, f, synthetic_ok)

    def rows(self, ids: list[int]) -> dict[int, ParagraphRow]:
        return self.store.rows(ids)

    def ids_for_vectors(self, vec_ids: list[str]) -> dict[str, int]:
        """vec_id -> paragraph row id, for the vectors SQLite knows (orphans drop out)."""
        return self.store.ids_for_vectors(vec_ids)

    def filter_ids(self, ids: list[int], f: Filters | None, synthetic_ok: bool = False) -> set[int]:
        """Which of these paragraph row ids the filters allow (category and organisation, which Chroma cannot check)."""
        return self.store.filter_ids(ids, f, synthetic_ok)

    def close(self) -> None:
        self.recovery.release_writer()
        self.store.close()
