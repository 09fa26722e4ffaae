"""Chroma, the vectors: an embedded PersistentClient in the index folder, or a server when a URL is set. Each stored
row's vector is upserted under its `vector_id` (`doc_id::sha12::ordinal`) with the few metadata keys the filters
need; dense hits are joined back to SQLite by that id."""

from __future__ import annotations

import socket
import threading
from pathlib import Path
from urllib.parse import urlparse

from ..models import Document, Filters
from ..text import first_line
from .records import IndexError_, date_int

COLLECTION = "paragraphs"
# cosine distance; ef_construction 64 (pgvector's default; Chroma's is 100) builds the graph with ~25% less CPU and,
# measured on 30k clustered vectors, the same recall@40 against exact search (0.9995). Applies to new collections.
COLLECTION_METADATA = {"hnsw:space": "cosine", "hnsw:construction_ef": 64}
CHUNK = 4000  # ids a single Chroma write or delete carries


class Vectors:
    """The Chroma collection, opened on first use (an unreachable server fails then, in one line)."""

    def __init__(self, directory: Path, embeddings, url: str | None, timeout_s: float, lock: threading.RLock):
        self.dir = directory
        self.embeddings = embeddings
        self.url = url
        self.timeout_s = timeout_s
        self._lock = lock
        self._vs = None

    @property
    def store(self):
        """LangChain's `Chroma` over the collection."""
        if self._vs is None:
            with self._lock:
                if self._vs is None:
                    self._vs = self._open()
        return self._vs

    @property
    def collection(self):
        return self.store._collection

    def _open(self):
        import chromadb
        from chromadb.config import Settings as ChromaSettings
        from langchain_chroma import Chroma

        settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
        if self.url:
            u = urlparse(self.url)
            if u.scheme not in ("http", "https") or not u.hostname:
                raise IndexError_(f"bad Chroma URL {self.url!r}: expected http://host:port")
            _probe(u.hostname, u.port or 8000, self.timeout_s, self.url)
            client = _http_client(chromadb, u, settings, self.timeout_s, self.url)
        else:
            store = self.dir / "chroma"
            try:
                client = chromadb.PersistentClient(path=str(store), settings=settings)
                return Chroma(
                    client=client,
                    collection_name=COLLECTION,
                    embedding_function=self.embeddings,
                    collection_metadata=COLLECTION_METADATA,
                )
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

    def upsert(self, ids: list[str], vectors, metas: list[dict]) -> None:
        coll = self.collection
        for start in range(0, len(ids), CHUNK):
            # no `documents=`: the text lives in SQLite; a copy in Chroma cost ~30% of its upsert time (its own
            # full-text index) and half its disk, and dense search only needs ids and distances
            coll.upsert(
                ids=ids[start : start + CHUNK],
                embeddings=vectors[start : start + CHUNK],
                metadatas=metas[start : start + CHUNK],
            )

    def update(self, ids: list[str], vectors) -> None:
        """New vectors for ids already stored (metadata unchanged)."""
        self.collection.update(ids=ids, embeddings=vectors)

    def delete(self, ids: list[str]) -> None:
        coll = self.collection
        for start in range(0, len(ids), CHUNK):
            coll.delete(ids=ids[start : start + CHUNK])

    def all_ids(self) -> set[str]:
        coll = self.collection
        ids: set[str] = set()
        offset = 0
        while True:
            got = coll.get(include=[], limit=5000, offset=offset)
            if not got["ids"]:
                break
            ids.update(got["ids"])
            offset += len(got["ids"])
        return ids


def metadata(doc: Document, synthetic: bool) -> dict:
    # only what chroma_where filters on: each key is a row in Chroma's metadata store (7 keys cost
    # ~30% of the upsert); the paragraph, its document and the rest are looked up in SQLite by vec_id
    return {"outcome": doc.outcome or "", "date": date_int(doc.decision_date), "synthetic": int(synthetic)}


def chroma_where(f: Filters | None, exclude_synthetic: bool) -> dict | None:
    """The filters Chroma can apply itself (outcome, dates; category and organisation are checked in SQLite)."""
    # the synthetic condition only when there is something to exclude: any `where` makes Chroma pre-filter
    # through its metadata store, which costs more than the whole HNSW search on a large index
    conds: list[dict] = [{"synthetic": {"$eq": 0}}] if exclude_synthetic else []
    if f:
        if f.outcome:
            conds.append({"outcome": {"$eq": f.outcome}})
        if f.date_from or f.date_to:  # undated documents (stored as 0) match no date range, as in SQL
            conds.append({"date": {"$gte": max(1, date_int(f.date_from))}})
        if f.date_to:
            conds.append({"date": {"$lte": date_int(f.date_to)}})
    if not conds:
        return None
    return conds[0] if len(conds) == 1 else {"$and": conds}


def _probe(host: str, port: int, timeout: float, url: str) -> None:
    """Fail fast, with a clear message, when a Chroma server does not answer."""
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
            box["client"] = chromadb.HttpClient(
                host=u.hostname, port=u.port or 8000, ssl=u.scheme == "https", settings=settings
            )
        except Exception as e:
            box["error"] = e

    worker = threading.Thread(target=build, name="chroma-connect", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise IndexError_(
            f"Chroma server at {url} did not answer within {timeout:g}s (timed out; "
            "raise PRECEDENT_CHROMA_TIMEOUT_S for a slow server)"
        )
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
                raise IndexError_(
                    f"Chroma server at {url} did not answer within {timeout:g}s (timed out; "
                    "raise PRECEDENT_CHROMA_TIMEOUT_S for a slow server)"
                ) from None
            except httpx.TransportError as e:
                raise IndexError_(f"Chroma server at {url} is unreachable ({type(e).__name__})") from None

        session.request = request
    return client
