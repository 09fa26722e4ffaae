"""Crash safety: one writer per index across processes, the in-progress marker an ingest leaves while it runs, and
reconciling the two stores after a run that died (orphan vectors deleted, documents missing vectors dropped so the
next ingest embeds them again); also the consistency counts `precedent check` prints."""

from __future__ import annotations

import time
from pathlib import Path

from .records import IndexError_, doc_id_of_vector
from .store import Store
from .vectors import Vectors

MARKER = "INGEST_IN_PROGRESS"
WRITER_LOCK = "writer.lock"


class Recovery:
    def __init__(self, directory: Path, store: Store, vectors: Vectors):
        self.dir = directory
        self.store = store
        self.vectors = vectors
        self._writer = None  # the writer lock file while this Index ingests or repairs

    @property
    def marker(self) -> Path:
        return self.dir / MARKER

    def begin(self) -> None:
        """Before a write: take the writer lock, repair what an interrupted run left, set the marker."""
        self.acquire_writer()
        if self.marker.exists():
            self.reconcile()
        self.marker.write_text(str(time.time()))

    def end(self) -> None:
        self.marker.unlink(missing_ok=True)
        self.release_writer()

    def acquire_writer(self) -> bool:
        """One writer per index across processes (an advisory lock the OS drops when its holder dies, even by
        kill -9). Without it a second ingest, seeing the first's marker, would delete the first one's freshly
        written vectors as an interrupted ingest's orphans. False if this Index already holds it."""
        if self._writer is not None:
            return False
        try:
            import fcntl
        except ImportError:  # not POSIX: no cross-process lock
            return False
        f = open(self.dir / WRITER_LOCK, "a+")
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            f.close()
            raise IndexError_(
                f"another process is writing to the index at {self.dir} (an ingest or a repair): "
                "wait for it to finish, then try again"
            ) from None
        self._writer = f
        return True

    def release_writer(self) -> None:
        if self._writer is not None:
            self._writer.close()  # closing the file releases the lock
            self._writer = None

    def reconcile(self) -> dict[str, int]:
        """Make Chroma and SQLite agree after an interrupted ingest. Returns what was repaired."""
        took = self.acquire_writer()
        try:
            return self._reconcile()
        finally:
            if took:
                self.release_writer()

    def _reconcile(self) -> dict[str, int]:
        chroma_ids = self.vectors.all_ids()
        sql_ids = self.store.all_vec_ids()
        orphans = sorted(chroma_ids - sql_ids)
        self.vectors.delete(orphans)
        missing_docs = {doc_id_of_vector(v) for v in sql_ids - chroma_ids}
        self.store.delete(missing_docs)  # re-embedded by the next ingest of their files
        return {"orphan_vectors": len(orphans), "incomplete_documents": len(missing_docs)}

    def check(self) -> dict[str, int]:
        """Counts that prove consistency: paragraphs in SQLite, vectors in Chroma, and how many disagree."""
        sql_ids = self.store.all_vec_ids()
        chroma_ids = self.vectors.all_ids()
        return {
            "documents": self.store.document_total(),
            "paragraphs": len(sql_ids),
            "vectors": len(chroma_ids),
            "orphan_vectors": len(chroma_ids - sql_ids),
            "missing_vectors": len(sql_ids - chroma_ids),
            "duplicate_paragraphs": self.store.duplicate_paragraphs(),
        }
