"""The facade the faces (CLI, web app, evals, benchmark) use. Holds the settings, loads the encoder and the
index once, and knows nothing about how results are shown."""
from __future__ import annotations

import threading
from pathlib import Path

from .embed import LocalEmbeddings
from .index import Index, IngestReport
from .models import Document, Filters
from .retrieve import Retriever, SearchResult
from .settings import Settings


class Engine:
    def __init__(self, settings: Settings | None = None, embeddings=None):
        self.settings = settings or Settings()
        self._embeddings = embeddings
        self._index: Index | None = None
        self._lock = threading.RLock()

    @property
    def embeddings(self):
        if self._embeddings is None:
            with self._lock:
                if self._embeddings is None:
                    self._embeddings = LocalEmbeddings(self.settings.embed_backend, self.settings.embed_batch)
        return self._embeddings

    def index(self, create: bool = False) -> Index:
        with self._lock:
            if self._index is None:
                s = self.settings
                self._index = Index(s.index, self.embeddings, s.chroma_url, s.chroma_timeout_s, create=create)
            return self._index

    def has_index(self) -> bool:
        return (Path(self.settings.index).expanduser() / "index.sqlite").exists()

    @property
    def retriever(self) -> Retriever:
        s = self.settings
        return Retriever(self.index(), s.rrf_k, s.candidates, s.min_similarity)

    def ingest(self, paths, progress=None) -> IngestReport:
        return self.index(create=True).ingest(paths, progress=progress)

    def search(self, query: str, k: int = 10, filters: Filters | None = None, mode: str = "hybrid") -> SearchResult:
        return self.retriever.search(query, k=k, filters=filters, mode=mode)

    def documents(self) -> list[Document]:
        return self.index().documents()

    def document(self, ident: str) -> Document | None:
        return self.index().document(ident)

    def close(self) -> None:
        if self._index is not None:
            self._index.close()
            self._index = None
