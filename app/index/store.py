"""SQLite, the source of truth: the schema, and reading and writing documents, references and paragraphs.

Every SQL statement of the product on `index.sqlite` lives in this package; the FTS5 ranking queries are in
`lexical.py`, everything else here.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from pathlib import Path

from ..corpus import normalise_ref
from ..models import Document, Filters, Paragraph, Remedy
from .records import DocMeta, IndexError_, ParagraphRow, rows_of, vector_id

SCHEMA_VERSION = "1"


class Store:
    """One SQLite connection (shared across threads, writes under `lock`) with the index's tables."""

    def __init__(self, db_path: Path):
        self.lock = threading.RLock()
        try:
            self.db = sqlite3.connect(str(db_path), check_same_thread=False, timeout=30)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self._schema()
        except sqlite3.DatabaseError as e:
            raise IndexError_(
                f"index database at {db_path} is unreadable ({e}); move it aside and ingest again"
            ) from None

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

    # documents and paragraphs, read
    def count(self) -> tuple[int, int]:
        d = self.db.execute("SELECT COUNT(*) FROM documents WHERE synthetic=0").fetchone()[0]
        p = self.db.execute(
            "SELECT COUNT(*) FROM paragraphs JOIN documents USING(doc_id) WHERE synthetic=0 AND ordinal>=0"
        ).fetchone()[0]
        return d, p

    def paragraph_count(self) -> int:
        """Numbered paragraphs stored, synthetic (benchmark) documents' included; `count` leaves those out."""
        return self.db.execute("SELECT COUNT(*) FROM paragraphs WHERE ordinal>=0").fetchone()[0]

    def documents(self) -> list[Document]:
        rows = self.db.execute(
            "SELECT meta FROM documents WHERE synthetic=0 ORDER BY decision_date DESC, doc_id"
        ).fetchall()
        return [_doc_from_meta(json.loads(m), []) for (m,) in rows]

    def resolve(self, ident: str) -> str | None:
        """A doc_id or any reference a document carries -> doc_id."""
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

    def document(self, doc_id: str) -> Document:
        (meta,) = self.db.execute("SELECT meta FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
        paras = [
            Paragraph(para, section or "", text)
            for para, section, text in self.db.execute(
                "SELECT para, section, text FROM paragraphs WHERE doc_id=? AND ordinal>=0 ORDER BY ordinal", (doc_id,)
            )
        ]
        return _doc_from_meta(json.loads(meta), paras)

    def paragraph_texts(self, doc_id: str) -> list[tuple[str, str]]:
        """(para, text) of every row of a document in order, the summary row ('summary') first when it has one."""
        rows = self.db.execute(
            "SELECT para, text FROM paragraphs WHERE doc_id=? ORDER BY ordinal", (doc_id,)
        ).fetchall()
        return [(p, t) for p, t in rows]

    def key_texts(self, doc_ids: list[str]) -> dict[str, str]:
        """What each document is about, in its own words: its summary row and the paragraphs under its complaint
        heading ("The complaint", "Mrs X's complaint"), joined; documents with neither are left out."""
        if not doc_ids:
            return {}
        out: dict[str, list[str]] = {}
        q = (
            f"SELECT doc_id, text FROM paragraphs WHERE doc_id IN ({','.join('?' * len(doc_ids))}) "
            "AND (para = 'summary' OR section LIKE '%complaint%') ORDER BY doc_id, ordinal"
        )
        for doc_id, text in self.db.execute(q, doc_ids):
            out.setdefault(doc_id, []).append(text)
        return {d: " ".join(t) for d, t in out.items()}

    def doc_meta(self, doc_id: str) -> DocMeta | None:
        row = self.db.execute("SELECT ref, source, decision_date FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
        return DocMeta(doc_id, row[0], row[1], row[2]) if row else None

    def refs(self) -> set[str]:
        """Every reference the stored documents carry."""
        return {r for (r,) in self.db.execute("SELECT ref FROM refs")}

    def has_synthetic(self) -> bool:
        """Whether any synthetic (benchmark) document is stored; a partial index makes this O(1)."""
        return self.db.execute("SELECT 1 FROM documents WHERE synthetic=1 LIMIT 1").fetchone() is not None

    # search rows
    def rows(self, ids: list[int]) -> dict[int, ParagraphRow]:
        if not ids:
            return {}
        q = (
            "SELECT p.id, p.doc_id, p.para, p.section, p.text, d.ref, d.organisation, d.source, d.outcome, d.category, "
            f"d.decision_date, d.kind FROM paragraphs p JOIN documents d USING(doc_id) WHERE p.id IN ({','.join('?' * len(ids))})"
        )
        return {r[0]: ParagraphRow(*r) for r in self.db.execute(q, ids)}

    def ids_for_vectors(self, vec_ids: list[str]) -> dict[str, int]:
        if not vec_ids:
            return {}
        q = f"SELECT vec_id, id FROM paragraphs WHERE vec_id IN ({','.join('?' * len(vec_ids))})"
        return dict(self.db.execute(q, vec_ids).fetchall())

    def filter_ids(self, ids: list[int], f: Filters | None, synthetic_ok: bool = False) -> set[int]:
        """Which of these paragraph row ids belong to documents the filters (and the synthetic rule) allow."""
        if not ids:
            return set()
        where_sql, args = filter_sql(f, synthetic_ok)
        return {
            r
            for (r,) in self.db.execute(
                f"SELECT p.id FROM paragraphs p JOIN documents d USING(doc_id) WHERE p.id IN ({','.join('?' * len(ids))}) AND {where_sql}",
                [*ids, *args],
            )
        }

    # what an ingest asks before writing
    def is_unchanged(self, source: str, sha256: str) -> bool:
        return (
            self.db.execute("SELECT doc_id FROM documents WHERE source=? AND sha256=?", (source, sha256)).fetchone()
            is not None
        )

    def same_content(self, sha256: str, source: str) -> tuple[str, str] | None:
        """(doc_id, source) of a document from another file with these bytes."""
        row = self.db.execute(
            "SELECT doc_id, source FROM documents WHERE sha256=? AND source<>?", (sha256, source)
        ).fetchone()
        return (row[0], row[1]) if row else None

    def source_of(self, doc_id: str) -> str | None:
        row = self.db.execute("SELECT source FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
        return row[0] if row else None

    def replaced_by(self, docs: list[Document]) -> list[str]:
        """What these documents replace: their own old rows, and any document their files used to be (a changed
        file can now carry another reference)."""
        marks = ",".join("?" * len(docs))
        return [
            doc_id
            for (doc_id,) in self.db.execute(
                f"SELECT doc_id FROM documents WHERE doc_id IN ({marks}) OR source IN ({marks})",
                [d.doc_id for d in docs] + [d.source for d in docs],
            )
        ]

    def vec_ids(self, doc_ids: list[str]) -> list[str]:
        if not doc_ids:
            return []
        return [
            vid
            for (vid,) in self.db.execute(
                f"SELECT vec_id FROM paragraphs WHERE doc_id IN ({','.join('?' * len(doc_ids))})", doc_ids
            )
        ]

    def all_vec_ids(self) -> set[str]:
        return {v for (v,) in self.db.execute("SELECT vec_id FROM paragraphs")}

    # writing
    def replace(self, replaced: list[str], docs: list[Document], synthetic: bool) -> None:
        """One transaction: delete the replaced documents' rows, insert these documents with their references and
        rows (vector ids as `vector_id` makes them)."""
        with self.lock, self.db:
            for doc_id in replaced:
                self._delete_rows(doc_id)
            for doc in docs:
                self.db.execute(
                    "INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                    (
                        doc.doc_id,
                        doc.source,
                        doc.sha256,
                        doc.kind,
                        doc.organisation,
                        doc.category,
                        doc.outcome,
                        doc.decision_date,
                        doc.ref,
                        json.dumps(_meta_of(doc)),
                        int(synthetic),
                        time.time(),
                    ),
                )
                self.db.executemany("INSERT OR IGNORE INTO refs VALUES (?,?)", [(r, doc.doc_id) for r in doc.refs])
                self.db.executemany(
                    "INSERT INTO paragraphs(doc_id, ordinal, para, section, text, vec_id) VALUES (?,?,?,?,?,?)",
                    [(doc.doc_id, o, p.para, p.section, p.text, vector_id(doc, o)) for o, p in rows_of(doc)],
                )

    def delete(self, doc_ids: list[str] | set[str]) -> None:
        """One transaction deleting these documents' rows."""
        with self.lock, self.db:
            for doc_id in doc_ids:
                self._delete_rows(doc_id)

    def _delete_rows(self, doc_id: str) -> None:
        self.db.execute("DELETE FROM paragraphs WHERE doc_id=?", (doc_id,))
        self.db.execute("DELETE FROM refs WHERE doc_id=?", (doc_id,))
        self.db.execute("DELETE FROM documents WHERE doc_id=?", (doc_id,))

    # the meta table, and paragraphs in bulk (re-embedding, consistency counts)
    def meta_get(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    def meta_set(self, key: str, value: str) -> None:
        with self.lock, self.db:
            self.db.execute("INSERT OR REPLACE INTO meta VALUES (?,?)", (key, value))

    def has_paragraphs(self) -> bool:
        return self.db.execute("SELECT 1 FROM paragraphs LIMIT 1").fetchone() is not None

    def paragraphs_after(self, last: int, limit: int = 512) -> list[tuple[int, str, str | None, str]]:
        """(row id, vec_id, section, text) of the next `limit` rows after row id `last`, in id order."""
        return self.db.execute(
            "SELECT id, vec_id, section, text FROM paragraphs WHERE id>? ORDER BY id LIMIT ?", (last, limit)
        ).fetchall()

    def document_total(self) -> int:
        """Every stored document, synthetic ones included."""
        return self.db.execute("SELECT COUNT(*) FROM documents").fetchone()[0]

    def duplicate_paragraphs(self) -> int:
        return self.db.execute(
            "SELECT COUNT(*) FROM (SELECT doc_id, ordinal FROM paragraphs GROUP BY doc_id, ordinal HAVING COUNT(*)>1)"
        ).fetchone()[0]

    def close(self) -> None:
        try:
            self.db.close()
        except Exception:
            pass


def filter_sql(f: Filters | None, synthetic_ok: bool = False) -> tuple[str, list]:
    """The filters as a WHERE clause over `documents d` (synthetic documents excluded unless `synthetic_ok`)."""
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
    where = " AND ".join(clauses)
    if synthetic_ok:
        where = where.replace("d.synthetic=0", "1=1")
    return where, args


def _meta_of(doc: Document) -> dict:
    d = doc.to_dict()
    d.pop("paragraphs")
    d["paragraph_count"] = len(doc.paragraphs)
    d["sha256"] = doc.sha256
    return d


def _doc_from_meta(m: dict, paragraphs: list[Paragraph]) -> Document:
    doc = Document(
        doc_id=m["doc_id"],
        refs=m.get("refs", []),
        organisation=m.get("organisation"),
        category=m.get("category"),
        outcome=m.get("outcome"),
        decision_date=m.get("decision_date"),
        kind=m.get("kind", "decision"),
        summary=m.get("summary"),
        source=m.get("source", ""),
        source_url=m.get("source_url"),
        paragraphs=paragraphs,
        remedies=[Remedy(**r) for r in m.get("remedies", [])],
        title=m.get("title"),
        numbering=m.get("numbering", "source"),
        sha256=m.get("sha256", ""),
    )
    if not paragraphs:
        doc.paragraph_count = m.get("paragraph_count", 0)
    return doc
