"""Storage: documents and paragraphs in SQLite (the source of truth, with an FTS5 table for BM25) and
paragraph vectors in Chroma (embedded PersistentClient, or a Chroma server when a URL is set).

Ingest is incremental and crash-safe. A file whose bytes are unchanged is skipped before parsing.
For a new or changed document, vectors are written to Chroma first under ids that name the content
hash, then the document's rows are committed to SQLite in one transaction. A `dirty` marker is set
for the length of an ingest; if a run dies (kill -9), the next one reconciles the two stores:
vectors that SQLite does not know are deleted, documents whose vectors are missing are re-embedded.
Dense hits are joined to SQLite, so an orphan vector can never surface as a precedent.
"""
from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from .corpus import ParseError, iter_files, parse_file
from .errors import UserError
from .models import Document, Filters, Paragraph, Remedy
from .text import first_line

COLLECTION = "paragraphs"
# cosine distance; ef_construction 64 (pgvector's default; Chroma's is 100) builds the graph with ~25% less CPU and,
# measured on 30k clustered vectors, the same recall@40 against exact search (0.9995). Applies to new collections.
COLLECTION_METADATA = {"hnsw:space": "cosine", "hnsw:construction_ef": 64}
SUMMARY = "summary"  # the para label of a document's summary row
SCHEMA_VERSION = "1"
BM25_BUDGET = 15_000  # rows FTS5 may score for one query before candidates are used (see Index._bm25_bounded)
BM25_CANDIDATES = 300  # candidates, from the query's rarest terms, scored with the whole query
_MATCH_TERMS = re.compile(r'"([^"]+)"')
ENCODER_KEY = "encoder"  # meta: which encoder made the vectors (LocalEmbeddings.fingerprint)
LEGACY_ENCODER = "all-MiniLM-L6-v2:torch"  # what an index from before the key was built with


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


def _date_int(iso: str | None) -> int:
    return int(iso.replace("-", "")) if iso else 0


def embed_text(doc: Document, p: Paragraph) -> str:
    """What the encoder sees for a paragraph: its heading gives it context."""
    return f"{p.section}: {p.text}" if p.section else p.text


class Index:
    def __init__(self, directory: Path, embeddings=None, chroma_url: str | None = None, chroma_timeout_s: float = 10.0,
                 create: bool = False):
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
        self._lock = threading.RLock()
        try:
            self.db = sqlite3.connect(str(db_path), check_same_thread=False, timeout=30)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self._schema()
        except sqlite3.DatabaseError as e:
            raise IndexError_(f"index database at {db_path} is unreadable ({e}); move it aside and ingest again") from None
        self._vs = None
        self._writer = None  # the writer lock file while this Index ingests or repairs

    # ------------------------------------------------------------------ schema
    def _schema(self) -> None:
        with self.db:
            self.db.executescript(
                """
                CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);
                CREATE TABLE IF NOT EXISTS documents(
                    doc_id TEXT PRIMARY KEY, source TEXT NOT NULL, sha256 TEXT NOT NULL, kind TEXT,
                    organisation TEXT, category TEXT, outcome TEXT, decision_date TEXT, ref TEXT,
                    meta TEXT NOT NULL, synthetic INTEGER NOT NULL DEFAULT 0, ingested_at REAL);
                CREATE INDEX IF NOT EXISTS documents_source ON documents(source);
                CREATE INDEX IF NOT EXISTS documents_sha ON documents(sha256);
                CREATE INDEX IF NOT EXISTS documents_synthetic ON documents(synthetic) WHERE synthetic=1;
                CREATE TABLE IF NOT EXISTS refs(ref TEXT NOT NULL, doc_id TEXT NOT NULL, PRIMARY KEY(ref, doc_id));
                CREATE TABLE IF NOT EXISTS paragraphs(
                    id INTEGER PRIMARY KEY, doc_id TEXT NOT NULL, ordinal INTEGER NOT NULL, para TEXT NOT NULL,
                    section TEXT, text TEXT NOT NULL, vec_id TEXT NOT NULL UNIQUE);
                CREATE INDEX IF NOT EXISTS paragraphs_doc ON paragraphs(doc_id, ordinal);
                CREATE VIRTUAL TABLE IF NOT EXISTS para_fts USING fts5(
                    text, section, content='paragraphs', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2');
                CREATE TRIGGER IF NOT EXISTS paragraphs_ai AFTER INSERT ON paragraphs BEGIN
                    INSERT INTO para_fts(rowid, text, section) VALUES (new.id, new.text, new.section); END;
                CREATE TRIGGER IF NOT EXISTS paragraphs_ad AFTER DELETE ON paragraphs BEGIN
                    INSERT INTO para_fts(para_fts, rowid, text, section) VALUES ('delete', old.id, old.text, old.section); END;
                """
            )
            self.db.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))

    # ------------------------------------------------------------------ chroma
    @property
    def vectorstore(self):
        if self._vs is None:
            with self._lock:
                if self._vs is None:
                    self._vs = self._open_chroma()
        return self._vs

    def _open_chroma(self):
        import chromadb
        from chromadb.config import Settings as ChromaSettings
        from langchain_chroma import Chroma

        settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
        if self.chroma_url:
            u = urlparse(self.chroma_url)
            if u.scheme not in ("http", "https") or not u.hostname:
                raise IndexError_(f"bad Chroma URL {self.chroma_url!r}: expected http://host:port")
            _probe(u.hostname, u.port or 8000, self.chroma_timeout_s, self.chroma_url)
            client = _http_client(chromadb, u, settings, self.chroma_timeout_s, self.chroma_url)
        else:
            store = self.dir / "chroma"
            try:
                client = chromadb.PersistentClient(path=str(store), settings=settings)
                return Chroma(client=client, collection_name=COLLECTION, embedding_function=self.embeddings,
                              collection_metadata=COLLECTION_METADATA)
            except Exception as e:  # a damaged store: SQLite still holds every paragraph, so the vectors can be rebuilt
                first = first_line(e)
                raise IndexError_(
                    f"the vector store at {store} is unreadable ({first}): move that folder aside, then run "
                    f"`precedent check --repair --index {self.dir}` and ingest your files again to rebuild it"
                ) from None
        return Chroma(
            client=client,
            collection_name=COLLECTION,
            embedding_function=self.embeddings,
            collection_metadata=COLLECTION_METADATA,
        )

    @property
    def collection(self):
        return self.vectorstore._collection

    # ------------------------------------------------------------------ reading
    def count(self) -> tuple[int, int]:
        d = self.db.execute("SELECT COUNT(*) FROM documents WHERE synthetic=0").fetchone()[0]
        p = self.db.execute(
            "SELECT COUNT(*) FROM paragraphs JOIN documents USING(doc_id) WHERE synthetic=0 AND ordinal>=0"
        ).fetchone()[0]
        return d, p

    def documents(self) -> list[Document]:
        rows = self.db.execute("SELECT meta FROM documents WHERE synthetic=0 ORDER BY decision_date DESC, doc_id").fetchall()
        return [_doc_from_meta(json.loads(m), []) for (m,) in rows]

    def resolve(self, ident: str) -> str | None:
        """A doc_id or any reference a document carries -> doc_id."""
        from .corpus import normalise_ref

        ident = ident.strip()
        row = self.db.execute("SELECT doc_id FROM documents WHERE doc_id=?", (ident,)).fetchone()
        if row:
            return row[0]
        ref = normalise_ref(ident)
        if ref and len("".join(ch for ch in ident if ch.isdigit())) == 8:
            row = self.db.execute("SELECT doc_id FROM refs WHERE ref=? ORDER BY doc_id LIMIT 1", (ref,)).fetchone()
            if row:
                return row[0]
        return None

    def document(self, ident: str) -> Document | None:
        doc_id = self.resolve(ident)
        if doc_id is None:
            return None
        (meta,) = self.db.execute("SELECT meta FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
        paras = [
            Paragraph(para, section or "", text)
            for para, section, text in self.db.execute(
                "SELECT para, section, text FROM paragraphs WHERE doc_id=? AND ordinal>=0 ORDER BY ordinal", (doc_id,)
            )
        ]
        return _doc_from_meta(json.loads(meta), paras)

    def paragraph(self, ident: str, para: str) -> tuple[Document, Paragraph] | None:
        doc = self.document(ident)
        if doc is None:
            return None
        p = doc.paragraph(para)
        return (doc, p) if p else None

    # ------------------------------------------------------------------ writing
    def ingest(self, paths: Iterable[str | Path], progress: Callable[[int, int], None] | None = None,
               synthetic: bool = False, batch_paragraphs: int = 512,
               parse: Callable[[Path], Document] | None = None) -> IngestReport:
        """`parse` replaces `parse_file` (the benchmark uses it to give synthetic documents SYN ids)."""
        t0 = time.perf_counter()
        report = IngestReport()
        files, missing = iter_files(list(paths))
        report.failed.extend(missing)
        self.vectorstore  # an unreachable Chroma server fails now, not after minutes of embedding
        self._begin()
        self._sync_encoder(report)
        parse = parse or parse_file
        pending: list[Document] = []
        pending_paras = 0
        total = len(files)
        # Pipelined: one batch is embedded in a worker thread (the encoders release the GIL) while this thread
        # parses the next files and commits the previous batch. Batches still commit in order, each vectors first.
        inflight = None
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="precedent-embed")
        try:
            for i, path in enumerate(files, 1):
                try:
                    data = path.read_bytes()
                except OSError as e:
                    report.failed.append((str(path), f"cannot read ({e.strerror})"))
                    continue
                sha = hashlib.sha256(data).hexdigest()
                row = self.db.execute("SELECT doc_id FROM documents WHERE source=? AND sha256=?", (str(path), sha)).fetchone()
                if row:
                    report.unchanged += 1
                else:
                    try:
                        doc = parse(path)
                        self._check_conflicts(doc, pending + (inflight[0] if inflight else []))
                    except ParseError as e:
                        report.failed.append((str(path), str(e).split(": ", 1)[-1]))
                        doc = None
                    except Exception as e:  # a parser bug on one odd file must not stop a multi-file ingest
                        first = first_line(e)
                        report.failed.append((str(path), f"could not parse ({type(e).__name__}: {first})"))
                        doc = None
                    if doc is not None:
                        pending.append(doc)
                        pending_paras += len(doc.paragraphs)
                        if pending_paras >= batch_paragraphs:
                            inflight = self._flush(inflight, pending, pool, report, synthetic)
                            pending, pending_paras = [], 0
                if progress:
                    progress(i, total)
            if pending:
                inflight = self._flush(inflight, pending, pool, report, synthetic)
            self._flush(inflight, [], pool, report, synthetic)
        except BaseException:
            # the in-progress marker stays (the next ingest reconciles), but other processes may write again
            pool.shutdown(wait=True, cancel_futures=True)
            self._release_writer()
            raise
        pool.shutdown(wait=True, cancel_futures=True)
        self._end()
        report.total_documents, report.total_paragraphs = self.count()
        report.seconds = time.perf_counter() - t0
        return report

    def _check_conflicts(self, doc: Document, pending: list[Document]) -> None:
        src = doc.source
        dup = self.db.execute("SELECT doc_id, source FROM documents WHERE sha256=? AND source<>?", (doc.sha256, src)).fetchone()
        if dup:
            raise ParseError(f"{src}: same content as {dup[1]} (already indexed as {dup[0]}); skipped")
        for other in pending:
            if other.sha256 == doc.sha256:
                raise ParseError(f"{src}: same content as {other.source}; skipped")
            if other.doc_id == doc.doc_id:
                raise ParseError(f"{src}: claims reference {doc.doc_id}, which {other.source} also claims; skipped")
        row = self.db.execute("SELECT source FROM documents WHERE doc_id=?", (doc.doc_id,)).fetchone()
        if row and row[0] != src and Path(row[0]).exists():
            raise ParseError(
                f"{src}: claims reference {doc.doc_id}, already indexed from {row[0]}; skipped (remove one of them)"
            )

    def _flush(self, inflight, docs: list[Document], pool, report: IngestReport, synthetic: bool):
        """Start embedding `docs` in the worker, then commit the batch already in flight; returns the new one."""
        nxt = None
        if docs:
            rows = self._rows_to_embed(docs, synthetic)
            nxt = (docs, rows, pool.submit(self.embeddings.embed_documents, rows[0]))
        if inflight:
            done, (texts, ids, metas), vectors = inflight
            self._commit(done, texts, ids, metas, vectors.result(), report, synthetic)
        return nxt

    def _write(self, docs: list[Document], report: IngestReport, synthetic: bool) -> None:
        """Vectors first, then one SQLite transaction: a crash in between leaves only orphans to sweep."""
        texts, ids, metas = self._rows_to_embed(docs, synthetic)
        self._commit(docs, texts, ids, metas, self.embeddings.embed_documents(texts), report, synthetic)

    def _rows_to_embed(self, docs: list[Document], synthetic: bool) -> tuple[list[str], list[str], list[dict]]:
        texts, ids, metas = [], [], []
        for doc in docs:
            for ordinal, p in _rows_of(doc):
                texts.append(embed_text(doc, p))
                ids.append(f"{doc.doc_id}::{doc.sha256[:12]}::{ordinal}")
                # only what chroma_where filters on: each key is a row in Chroma's metadata store (7 keys cost
                # ~30% of the upsert); the paragraph, its document and the rest are looked up in SQLite by vec_id
                metas.append(
                    {"outcome": doc.outcome or "", "date": _date_int(doc.decision_date), "synthetic": int(synthetic)}
                )
        return texts, ids, metas

    def _commit(self, docs: list[Document], texts: list[str], ids: list[str], metas: list[dict], vectors,
                report: IngestReport, synthetic: bool) -> None:
        """Vectors first, then one SQLite transaction: a crash in between leaves only orphans to sweep."""
        # what these documents replace: their own old rows, and any document their files used to be (a changed
        # file can now carry another reference)
        marks = ",".join("?" * len(docs))
        replaced = [
            doc_id for (doc_id,) in self.db.execute(
                f"SELECT doc_id FROM documents WHERE doc_id IN ({marks}) OR source IN ({marks})",
                [d.doc_id for d in docs] + [d.source for d in docs],
            )
        ]
        old_ids = [
            vid for (vid,) in self.db.execute(
                f"SELECT vec_id FROM paragraphs WHERE doc_id IN ({','.join('?' * len(replaced))})", replaced
            )
        ] if replaced else []
        coll = self.collection
        for start in range(0, len(ids), 4000):
            # no `documents=`: the text lives in SQLite; a copy in Chroma cost ~30% of its upsert time (its own
            # full-text index) and half its disk, and dense search only needs ids and distances
            coll.upsert(ids=ids[start:start + 4000], embeddings=vectors[start:start + 4000],
                        metadatas=metas[start:start + 4000])
        with self._lock, self.db:
            for doc_id in replaced:
                self._delete_rows(doc_id)
            for doc in docs:
                self.db.execute(
                    "INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                    (doc.doc_id, doc.source, doc.sha256, doc.kind, doc.organisation, doc.category, doc.outcome,
                     doc.decision_date, doc.ref, json.dumps(_meta_of(doc)), int(synthetic), time.time()),
                )
                self.db.executemany("INSERT OR IGNORE INTO refs VALUES (?,?)", [(r, doc.doc_id) for r in doc.refs])
                self.db.executemany(
                    "INSERT INTO paragraphs(doc_id, ordinal, para, section, text, vec_id) VALUES (?,?,?,?,?,?)",
                    [(doc.doc_id, o, p.para, p.section, p.text, f"{doc.doc_id}::{doc.sha256[:12]}::{o}")
                     for o, p in _rows_of(doc)],
                )
                report.documents += 1
                report.paragraphs += len(doc.paragraphs)  # numbered paragraphs; the summary row rides along
        stale = sorted(set(old_ids) - set(ids))
        if stale:
            for start in range(0, len(stale), 4000):
                coll.delete(ids=stale[start:start + 4000])

    def _delete_rows(self, doc_id: str) -> None:
        self.db.execute("DELETE FROM paragraphs WHERE doc_id=?", (doc_id,))
        self.db.execute("DELETE FROM refs WHERE doc_id=?", (doc_id,))
        self.db.execute("DELETE FROM documents WHERE doc_id=?", (doc_id,))

    def remove(self, ident: str) -> bool:
        doc_id = self.resolve(ident)
        if not doc_id:
            return False
        self._begin()
        ids = [v for (v,) in self.db.execute("SELECT vec_id FROM paragraphs WHERE doc_id=?", (doc_id,))]
        with self._lock, self.db:
            self._delete_rows(doc_id)
        if ids:
            self.collection.delete(ids=ids)
        self._end()
        return True

    # ------------------------------------------------------------------ which encoder made the vectors
    def _encoder_now(self) -> str | None:
        """The configured encoder's fingerprint; None for an embedder that has none (test fakes): no checks then."""
        return getattr(self.embeddings, "fingerprint", None)

    def stored_encoder(self) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key=?", (ENCODER_KEY,)).fetchone()
        if row:
            return row[0]
        has_rows = self.db.execute("SELECT 1 FROM paragraphs LIMIT 1").fetchone()
        return LEGACY_ENCODER if has_rows else None

    def require_encoder(self) -> None:
        """Dense search compares the query's vector with stored ones: both must come from the same encoder."""
        now = self._encoder_now()
        if now is None or getattr(self, "_encoder_ok", None) == now:
            return
        stored = self.stored_encoder()
        if stored is not None and stored != now:
            raise IndexError_(
                f"the index at {self.dir} was embedded with {_encoder_label(stored)}, but {_encoder_label(now)} is "
                f"selected: run `precedent ingest` on your folders to re-embed it, or set PRECEDENT_EMBED_BACKEND="
                f"{_encoder_backend(stored)}"
            )
        self._encoder_ok = now

    def _sync_encoder(self, report: IngestReport) -> None:
        """Before an ingest: record the encoder of a new index; re-embed every stored paragraph of an index another
        encoder built (rows and ids stay; only vectors change). The key reads 'rebuilding:' until the last vector is
        written, so a run killed half way is finished by the next ingest and searched by none meanwhile."""
        now = self._encoder_now()
        if now is None:
            return
        stored = self.stored_encoder()
        if stored == now:
            return
        self._encoder_ok = None
        if stored is not None:
            with self._lock, self.db:
                self.db.execute("INSERT OR REPLACE INTO meta VALUES (?,?)", (ENCODER_KEY, f"rebuilding:{now}"))
            coll = self.collection
            last = -1
            while True:
                rows = self.db.execute(
                    "SELECT id, vec_id, section, text FROM paragraphs WHERE id>? ORDER BY id LIMIT 512", (last,)
                ).fetchall()
                if not rows:
                    break
                last = rows[-1][0]
                texts = [embed_text(None, Paragraph("", section or "", text)) for _, _, section, text in rows]
                coll.update(ids=[r[1] for r in rows], embeddings=self.embeddings.embed_documents(texts))
                report.reembedded += len(rows)
        with self._lock, self.db:
            self.db.execute("INSERT OR REPLACE INTO meta VALUES (?,?)", (ENCODER_KEY, now))

    # ------------------------------------------------------------------ crash recovery
    @property
    def _dirty_marker(self) -> Path:
        return self.dir / "INGEST_IN_PROGRESS"

    def _begin(self) -> None:
        self._acquire_writer()
        if self._dirty_marker.exists():
            self.reconcile()
        self._dirty_marker.write_text(str(time.time()))

    def _end(self) -> None:
        self._dirty_marker.unlink(missing_ok=True)
        self._release_writer()

    def _acquire_writer(self) -> bool:
        """One writer per index across processes (an advisory lock the OS drops when its holder dies, even by
        kill -9). Without it a second ingest, seeing the first's marker, would delete the first one's freshly
        written vectors as an interrupted ingest's orphans. False if this Index already holds it."""
        if self._writer is not None:
            return False
        try:
            import fcntl
        except ImportError:  # not POSIX: no cross-process lock
            return False
        f = open(self.dir / "writer.lock", "a+")
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            f.close()
            raise IndexError_(f"another process is writing to the index at {self.dir} (an ingest or a repair): "
                              "wait for it to finish, then try again") from None
        self._writer = f
        return True

    def _release_writer(self) -> None:
        if self._writer is not None:
            self._writer.close()  # closing the file releases the lock
            self._writer = None

    def reconcile(self) -> dict[str, int]:
        """Make Chroma and SQLite agree after an interrupted ingest. Returns what was repaired."""
        took = self._acquire_writer()
        try:
            return self._reconcile()
        finally:
            if took:
                self._release_writer()

    def _reconcile(self) -> dict[str, int]:
        coll = self.collection
        chroma_ids: set[str] = set()
        offset = 0
        while True:
            got = coll.get(include=[], limit=5000, offset=offset)
            if not got["ids"]:
                break
            chroma_ids.update(got["ids"])
            offset += len(got["ids"])
        sql_ids = {v for (v,) in self.db.execute("SELECT vec_id FROM paragraphs")}
        orphans = sorted(chroma_ids - sql_ids)
        for start in range(0, len(orphans), 4000):
            coll.delete(ids=orphans[start:start + 4000])
        missing_docs = {v.split("::", 1)[0] for v in sql_ids - chroma_ids}
        with self._lock, self.db:
            for doc_id in missing_docs:  # re-embedded by the next ingest of their files
                self._delete_rows(doc_id)
        return {"orphan_vectors": len(orphans), "incomplete_documents": len(missing_docs)}

    def check(self) -> dict[str, int]:
        """Counts that prove consistency: paragraphs in SQLite, vectors in Chroma, and how many disagree."""
        sql_ids = {v for (v,) in self.db.execute("SELECT vec_id FROM paragraphs")}
        chroma_ids: set[str] = set()
        offset = 0
        while True:
            got = self.collection.get(include=[], limit=5000, offset=offset)
            if not got["ids"]:
                break
            chroma_ids.update(got["ids"])
            offset += len(got["ids"])
        dup = self.db.execute(
            "SELECT COUNT(*) FROM (SELECT doc_id, ordinal FROM paragraphs GROUP BY doc_id, ordinal HAVING COUNT(*)>1)"
        ).fetchone()[0]
        return {
            "documents": self.db.execute("SELECT COUNT(*) FROM documents").fetchone()[0],
            "paragraphs": len(sql_ids),
            "vectors": len(chroma_ids),
            "orphan_vectors": len(chroma_ids - sql_ids),
            "missing_vectors": len(sql_ids - chroma_ids),
            "duplicate_paragraphs": dup,
        }

    # ------------------------------------------------------------------ search primitives
    def filter_sql(self, f: Filters | None) -> tuple[str, list]:
        clauses, args = ["d.synthetic=0"], []
        if f:
            if f.category:
                clauses.append("(d.category=? COLLATE NOCASE OR d.category LIKE ? COLLATE NOCASE)")
                args += [f.category, f"{f.category} > %"]
            if f.outcome:
                clauses.append("d.outcome=? COLLATE NOCASE")
                args.append(f.outcome)
            if f.organisation:
                clauses.append("d.organisation LIKE ? COLLATE NOCASE")
                args.append(f"%{f.organisation}%")
            if f.date_from:
                clauses.append("d.decision_date>=?")
                args.append(f.date_from)
            if f.date_to:
                clauses.append("d.decision_date<=?")
                args.append(f.date_to)
        return " AND ".join(clauses), args

    def has_synthetic(self) -> bool:
        """Whether any synthetic (benchmark) document is stored; a partial index makes this O(1)."""
        return self.db.execute("SELECT 1 FROM documents WHERE synthetic=1 LIMIT 1").fetchone() is not None

    def chroma_where(self, f: Filters | None, synthetic_ok: bool = False) -> dict | None:
        # the synthetic condition only when there is something to exclude: any `where` makes Chroma pre-filter
        # through its metadata store, which costs more than the whole HNSW search on a large index
        conds: list[dict] = [] if synthetic_ok or not self.has_synthetic() else [{"synthetic": {"$eq": 0}}]
        if f:
            if f.outcome:
                conds.append({"outcome": {"$eq": f.outcome}})
            if f.date_from or f.date_to:  # undated documents (stored as 0) match no date range, as in SQL
                conds.append({"date": {"$gte": max(1, _date_int(f.date_from))}})
            if f.date_to:
                conds.append({"date": {"$lte": _date_int(f.date_to)}})
        if not conds:
            return None
        return conds[0] if len(conds) == 1 else {"$and": conds}

    def bm25(self, match: str, k: int, f: Filters | None, synthetic_ok: bool = False) -> list[tuple[int, float]]:
        """(paragraph row id, bm25 score; higher is better) for an FTS5 MATCH expression."""
        where, args = self.filter_sql(f)
        if synthetic_ok:
            where = where.replace("d.synthetic=0", "1=1")
        sql = (
            "SELECT p.id, -bm25(para_fts, 1.0, 0.3) AS s FROM para_fts JOIN paragraphs p ON p.id = para_fts.rowid "
            f"JOIN documents d ON d.doc_id = p.doc_id WHERE para_fts MATCH ? AND {where} ORDER BY bm25(para_fts, 1.0, 0.3) LIMIT ?"
        )
        if where == "1=1" or (where == "d.synthetic=0" and not self.has_synthetic()):
            # nothing to filter: FTS5 alone (every FTS row is a paragraph row; the joins cost a third more per match)
            sql = "SELECT rowid, -bm25(para_fts, 1.0, 0.3) FROM para_fts WHERE para_fts MATCH ? ORDER BY bm25(para_fts, 1.0, 0.3) LIMIT ?"
        try:
            fast = self._bm25_bounded(match, k, sql, args)
            if fast is not None:
                return fast
            return [(r, s) for r, s in self.db.execute(sql, [match, *args, k])]
        except sqlite3.OperationalError:
            return []

    # FTS5 scores every row an OR query matches (about a microsecond a row in bm25()), and words like 'council'
    # match most paragraphs: on 100k paragraphs one query scored ~70k rows (~100 ms). When the query's terms
    # together match more than BM25_BUDGET rows, the candidates come from its rarest terms (within the budget, the
    # rarest always), and those candidates are then scored with the whole query by FTS5's own bm25 formula and
    # statistics (same numbers as bm25(para_fts, 1.0, 0.3)). Smaller indexes are searched exactly as before.
    def _bm25_bounded(self, match: str, k: int, sql: str, args: list) -> list[tuple[int, float]] | None:
        terms = _MATCH_TERMS.findall(match)
        if len(terms) < 2 or " OR ".join(f'"{t}"' for t in terms) != match:
            return None
        with self._lock, self.db:  # scratch tables are written: commit, never leave a transaction open
            stats = self._fts_stats(terms)
            if stats is None:
                return None
            stems, df, n_rows, avgdl = stats
            if sum(df[s] for s in stems) <= BM25_BUDGET:
                return None
            order = sorted(range(len(terms)), key=lambda i: df[stems[i]])
            keep = [order[0]]
            for i in order[1:]:
                if sum(df[stems[j]] for j in keep) + df[stems[i]] > BM25_BUDGET:
                    break
                keep.append(i)
            rare = " OR ".join(f'"{terms[i]}"' for i in sorted(keep))
            cand = [r for r, _ in self.db.execute(sql, [rare, *args, max(BM25_CANDIDATES, 4 * k)])]
            if len(cand) < k:  # a narrow filter: the exact query is cheap enough, and complete
                return None
            scores = self._bm25_scores(cand, stems, df, n_rows, avgdl)
        ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
        return ranked[:k]

    def _fts_stats(self, terms: list[str]):
        """(stem of each term, rows holding each stem, rows, mean tokens a row) from FTS5's own index; None when a
        term is several tokens (a phrase: left to FTS5)."""
        if not getattr(self, "_scratch_ready", False):
            self.db.executescript(
                "CREATE VIRTUAL TABLE IF NOT EXISTS temp.para_vocab USING fts5vocab(main, para_fts, 'row');"
                "CREATE VIRTUAL TABLE IF NOT EXISTS temp.scratch_fts USING fts5(text, section, "
                "tokenize='porter unicode61 remove_diacritics 2');"
                "CREATE VIRTUAL TABLE IF NOT EXISTS temp.scratch_vocab USING fts5vocab(temp, scratch_fts, 'instance');"
            )
            self._scratch_ready = True
            self._df_cache: dict[str, int] = {}
            self._df_generation = None
        row = self.db.execute("SELECT block FROM para_fts_data WHERE id=1").fetchone()  # FTS5's 'averages' record
        if not row or not row[0]:
            return None
        avg = _varints(row[0])
        n_rows, total_tokens = avg[0], sum(avg[1:])
        if n_rows <= 0:
            return None
        generation = (n_rows, total_tokens, self.db.execute("SELECT max(id) FROM paragraphs").fetchone()[0])
        if generation != self._df_generation:
            self._df_cache, self._df_generation = {}, generation
        # the index's tokenizer stems the terms ('payments' -> 'payment')
        self.db.execute("DELETE FROM temp.scratch_fts")
        self.db.executemany("INSERT INTO temp.scratch_fts(rowid, text, section) VALUES (?,?,'')", list(enumerate(terms)))
        tokens: dict[int, list[str]] = {}
        for term, doc in self.db.execute("SELECT term, doc FROM temp.scratch_vocab"):
            tokens.setdefault(doc, []).append(term)
        if any(len(tokens.get(i, [])) != 1 for i in range(len(terms))):
            return None
        stems = [tokens[i][0] for i in range(len(terms))]
        for stem in set(stems) - set(self._df_cache):
            got = self.db.execute("SELECT doc FROM temp.para_vocab WHERE term=?", (stem,)).fetchone()
            self._df_cache[stem] = got[0] if got else 0
        return stems, {s: self._df_cache[s] for s in stems}, n_rows, total_tokens / n_rows

    def _bm25_scores(self, ids: list[int], stems: list[str], df: dict[str, int], n_rows: int, avgdl: float,
                     weights: tuple[float, float] = (1.0, 0.3), k1: float = 1.2, b: float = 0.75) -> dict[int, float]:
        """FTS5's bm25() (fts5_aux.c) for the given rows: the rows are re-tokenised in a scratch FTS5 table with the
        same tokenizer to count each term's instances per column and the row's length; IDF from the whole index."""
        import math

        marks = ",".join("?" * len(ids))
        length = {i: sum(_varints(sz)) for i, sz in self.db.execute(
            f"SELECT id, sz FROM para_fts_docsize WHERE id IN ({marks})", ids)}  # tokens a row holds, all columns
        self.db.execute("DELETE FROM temp.scratch_fts")
        self.db.execute(
            "INSERT INTO temp.scratch_fts(rowid, text, section) SELECT id, text, coalesce(section, '') FROM paragraphs "
            f"WHERE id IN ({marks})", ids)
        uniq = sorted(set(stems))
        freq: dict[tuple[int, str], float] = {}
        for term, doc, col, n in self.db.execute(
                "SELECT term, doc, col, count(*) FROM temp.scratch_vocab "
                f"WHERE term IN ({','.join('?' * len(uniq))}) GROUP BY term, doc, col", uniq):
            freq[(doc, term)] = freq.get((doc, term), 0.0) + n * weights[0 if col == "text" else 1]
        self.db.execute("DELETE FROM temp.scratch_fts")
        idf = {}
        for s in set(stems):
            v = math.log((n_rows - df[s] + 0.5) / (df[s] + 0.5))
            idf[s] = v if v > 0 else 1e-6
        out = {}
        for doc in ids:
            norm = k1 * (1 - b + b * length.get(doc, 0) / avgdl)
            score = 0.0
            for s in stems:  # each phrase of the query counts, as in FTS5 (a repeated term counts twice)
                f = freq.get((doc, s), 0.0)
                score += idf[s] * (f * (k1 + 1.0)) / (f + norm)
            out[doc] = score
        return out

    def rows(self, ids: list[int]) -> dict[int, tuple]:
        if not ids:
            return {}
        q = (
            "SELECT p.id, p.doc_id, p.para, p.section, p.text, d.ref, d.organisation, d.source, d.outcome, d.category, "
            f"d.decision_date, d.kind FROM paragraphs p JOIN documents d USING(doc_id) WHERE p.id IN ({','.join('?' * len(ids))})"
        )
        return {r[0]: r for r in self.db.execute(q, ids)}

    def ids_for_vectors(self, vec_ids: list[str]) -> dict[str, int]:
        if not vec_ids:
            return {}
        q = f"SELECT vec_id, id FROM paragraphs WHERE vec_id IN ({','.join('?' * len(vec_ids))})"
        return dict(self.db.execute(q, vec_ids).fetchall())

    def close(self) -> None:
        self._release_writer()
        try:
            self.db.close()
        except Exception:
            pass


def _probe(host: str, port: int, timeout: float, url: str) -> None:
    """Fail fast, with a clear message, when a Chroma server does not answer."""
    import socket

    try:
        with socket.create_connection((host, port), timeout=timeout) as s:
            s.settimeout(timeout)
            s.sendall(f"GET /api/v2/heartbeat HTTP/1.0\r\nHost: {host}\r\n\r\n".encode())
            if not s.recv(16):
                raise OSError("no reply")
    except OSError as e:
        reason = "timed out" if isinstance(e, TimeoutError | socket.timeout) else (e.strerror or str(e) or "no reply")
        raise IndexError_(f"Chroma server at {url} did not answer within {timeout:g}s ({reason})") from None


def _http_client(chromadb, u, settings, timeout: float, url: str):
    """A Chroma HttpClient whose every request is bounded by `timeout` (chromadb's own httpx session waits forever):
    a server that answers the probe and then stalls fails with a one-line error instead of hanging."""
    import httpx

    box: dict = {}

    def build() -> None:  # the constructor already talks to the server (tenant and database checks)
        try:
            box["client"] = chromadb.HttpClient(host=u.hostname, port=u.port or 8000, ssl=u.scheme == "https", settings=settings)
        except Exception as e:
            box["error"] = e

    worker = threading.Thread(target=build, name="chroma-connect", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise IndexError_(f"Chroma server at {url} did not answer within {timeout:g}s (timed out; "
                          "raise PRECEDENT_CHROMA_TIMEOUT_S for a slow server)")
    if "error" in box:
        e = box["error"]
        raise IndexError_(f"Chroma server at {url} is not usable: {first_line(e)}")
    client = box["client"]
    session = getattr(getattr(client, "_server", None), "_session", None)
    if isinstance(session, httpx.Client):
        session.timeout = httpx.Timeout(timeout)
        send = session.request

        def request(*args, **kwargs):
            try:
                return send(*args, **kwargs)
            except httpx.TimeoutException:
                raise IndexError_(f"Chroma server at {url} did not answer within {timeout:g}s (timed out; "
                                  "raise PRECEDENT_CHROMA_TIMEOUT_S for a slow server)") from None
            except httpx.TransportError as e:
                raise IndexError_(f"Chroma server at {url} is unreachable ({type(e).__name__})") from None

        session.request = request
    return client


def _varints(blob: bytes) -> list[int]:
    """SQLite/FTS5 varints (big-endian 7-bit groups, a 9th byte of 8 bits)."""
    out, i = [], 0
    while i < len(blob):
        v = 0
        for j in range(9):
            c = blob[i]
            i += 1
            if j == 8:
                v = (v << 8) | c
                break
            v = (v << 7) | (c & 0x7F)
            if not c & 0x80:
                break
        out.append(v)
    return out


def _encoder_label(fingerprint: str) -> str:
    backend = _encoder_backend(fingerprint)
    return f"the {backend} encoder ({fingerprint.removeprefix('rebuilding:')})" + (
        ", re-embedding interrupted" if fingerprint.startswith("rebuilding:") else "")


def _encoder_backend(fingerprint: str) -> str:
    return "onnx" if ":onnx" in fingerprint else "torch"


def _rows_of(doc: Document) -> list[tuple[int, Paragraph]]:
    """The rows a document is searched by: its numbered paragraphs, and its summary as row -1 (cited as 'summary')."""
    rows = list(enumerate(doc.paragraphs))
    if doc.summary and doc.kind in ("decision", "report"):
        rows.insert(0, (-1, Paragraph(SUMMARY, "Summary", doc.summary)))
    return rows


def _meta_of(doc: Document) -> dict:
    d = doc.to_dict()
    d.pop("paragraphs")
    d["paragraph_count"] = len(doc.paragraphs)
    d["sha256"] = doc.sha256
    return d


def _doc_from_meta(m: dict, paragraphs: list[Paragraph]) -> Document:
    doc = Document(
        doc_id=m["doc_id"], refs=m.get("refs", []), organisation=m.get("organisation"), category=m.get("category"),
        outcome=m.get("outcome"), decision_date=m.get("decision_date"), kind=m.get("kind", "decision"),
        summary=m.get("summary"), source=m.get("source", ""), source_url=m.get("source_url"), paragraphs=paragraphs,
        remedies=[Remedy(**r) for r in m.get("remedies", [])], title=m.get("title"), numbering=m.get("numbering", "source"),
        sha256=m.get("sha256", ""),
    )
    if not paragraphs:
        doc.paragraph_count = m.get("paragraph_count", 0)
    return doc
