"""Ranking: dense (Chroma through LangChain) and lexical (SQLite FTS5 BM25) retrieval, fused by reciprocal
rank fusion, with filters applied inside both stores. Also says when nothing is close enough to cite."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .errors import UserError
from .index import Index
from .models import Filters, Hit
from .text import STOPWORDS

MAX_QUERY_CHARS = 4000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class QueryError(UserError, ValueError):
    pass


def clean_query(query: str) -> str:
    if query is None:
        raise QueryError(
            "empty query: describe what happened, e.g. 'occupational therapy in the EHC plan not provided'"
        )
    q = _CONTROL.sub(" ", str(query))
    q = re.sub(r"\s+", " ", q).strip()
    if not q:
        raise QueryError(
            "empty query: describe what happened, e.g. 'occupational therapy in the EHC plan not provided'"
        )
    if len(q) > MAX_QUERY_CHARS:
        raise QueryError(
            f"query too long ({len(q):,} characters; the limit is {MAX_QUERY_CHARS:,}): shorten it to the key facts"
        )
    return q


# How parents and decisions write the same thing. Each group: any phrase found in the query adds the others.
SYNONYMS = [
    ("occupational therapy", "ot"),
    ("speech and language therapy", "salt"),
    ("physiotherapy", "physio"),
]


def expand(q: str) -> str:
    """The query plus the other names of any domain term it uses (lexical retrieval only)."""
    low = f" {re.sub(r'[^a-z0-9 ]+', ' ', q.lower())} "
    extra = []
    for group in SYNONYMS:
        if any(f" {term} " in low for term in group):
            extra += [t for t in group if f" {t} " not in low]
    return q + (" " + " ".join(extra) if extra else "")


def fts_query(q: str) -> str:
    """A safe FTS5 expression: the query's content words (and domain synonyms), OR-ed (BM25 does the weighting)."""
    words = [w for w in re.findall(r"[^\W_]+", expand(q).lower()) if w not in STOPWORDS and len(w) > 1]
    words = list(dict.fromkeys(words))[:64]
    return " OR ".join(f'"{w}"' for w in words)


@dataclass
class SearchResult:
    query: str
    hits: list[Hit]
    best_similarity: float = 0.0
    no_close_precedent: bool = False
    filters: Filters = field(default_factory=Filters)

    def to_dict(self) -> dict:
        """`search --json` and each `--batch` line: the hits, and whether anything close was found at all (the best
        dense cosine against `min_similarity`), so a tool reading it can tell "nothing close" from a weak top hit."""
        return {
            "query": self.query,
            "no_close_precedent": self.no_close_precedent,
            "best_similarity": round(float(self.best_similarity), 4),
            "results": [h.to_dict() for h in self.hits],
        }


class Retriever:
    """mode: 'hybrid' (default), 'dense' or 'bm25'."""

    def __init__(
        self,
        index: Index,
        rrf_k: int = 10,
        candidates: int = 50,
        min_similarity: float = 0.50,
        bm25_weight: float = 2.0,
        diversity: float = 0.7,
        doc_boost: float = 0.25,
    ):
        self.index = index
        self.rrf_k = rrf_k
        self.bm25_weight = bm25_weight
        self.diversity = diversity
        self.doc_boost = doc_boost
        self.candidates = candidates
        self.min_similarity = min_similarity

    @classmethod
    def from_settings(cls, index: Index, s) -> "Retriever":
        return cls(index, s.rrf_k, s.candidates, s.min_similarity, s.bm25_weight, s.diversity, s.doc_boost)

    def dense(self, q: str, k: int, filters: Filters | None, synthetic_ok: bool = False) -> list[tuple[int, float]]:
        where = self.index.chroma_where(filters, synthetic_ok)
        needs_post = bool(filters and (filters.category or filters.organisation))
        fetch = k * 4 if needs_post else k
        coll = self.index.collection  # first: an unreachable Chroma server fails before the encoder loads
        self.index.require_encoder()
        vec = self.index.embeddings.embed_query(q)
        # the collection LangChain's Chroma wraps, asked for ids and distances only (what
        # similarity_search_by_vector_with_relevance_scores runs, without fetching texts and metadata we never read)
        got = coll.query(query_embeddings=[vec], n_results=fetch, where=where, include=["distances"])
        pairs = list(zip(got["ids"][0], got["distances"][0], strict=True)) if got["ids"] else []
        by_vec = self.index.ids_for_vectors([v for v, _ in pairs])  # orphans (not in SQLite) drop out here
        out = []
        for vec_id, dist in pairs:
            pid = by_vec.get(vec_id)
            if pid is not None:
                out.append((pid, 1.0 - float(dist)))
        if needs_post and out:
            ok = self.index.filter_ids([p for p, _ in out], filters, synthetic_ok)
            out = [(p, s) for p, s in out if p in ok]
        return out[:k]

    def search(
        self, query: str, k: int = 10, filters: Filters | None = None, mode: str = "hybrid", synthetic_ok: bool = False
    ) -> SearchResult:
        q = clean_query(query)
        if not 1 <= k <= 200:
            raise QueryError(f"--k must be between 1 and 200 (got {k})")
        n = max(self.candidates, k)
        dense = self.dense(q, n, filters, synthetic_ok) if mode in ("hybrid", "dense") else []
        lexical = (
            self.index.bm25(fts_query(q), n, filters, synthetic_ok)
            if mode in ("hybrid", "bm25") and fts_query(q)
            else []
        )
        best = max((s for _, s in dense), default=0.0)
        if mode == "dense":
            ranked = dense
        elif mode == "bm25":
            ranked = lexical
        else:
            scores: dict[int, float] = {}
            for weight, ranking in ((1.0, dense), (self.bm25_weight, lexical)):
                for rank, (pid, _) in enumerate(ranking):
                    scores[pid] = scores.get(pid, 0.0) + weight / (self.rrf_k + rank + 1)
            ranked = sorted(scores.items(), key=lambda kv: -kv[1])
        pool = ranked if mode == "hybrid" else ranked[: max(k * 3, 30)]
        rows = self.index.rows([pid for pid, _ in pool])
        if mode == "hybrid" and self.doc_boost:
            # a decision that meets the query in several paragraphs is a stronger precedent than one that mentions it
            # once: each paragraph gains a share of its decision's best three fused scores (measured on the gold set)
            by_doc: dict[str, list[float]] = {}
            for pid, score in ranked:
                if pid in rows:
                    by_doc.setdefault(rows[pid][1], []).append(score)
            strength = {d: sum(sorted(v, reverse=True)[:3]) for d, v in by_doc.items()}
            ranked = sorted(
                (
                    (pid, score + self.doc_boost * strength.get(rows[pid][1], 0.0))
                    for pid, score in ranked
                    if pid in rows
                ),
                key=lambda kv: -kv[1],
            )
        if mode == "hybrid" and self.diversity < 1.0:
            # each further paragraph of the same decision counts a little less, so one long decision cannot fill the page
            seen: dict[str, int] = {}
            rescored = []
            for pid, score in ranked[: max(k * 3, 30)]:
                doc = rows[pid][1] if pid in rows else ""
                n = seen.get(doc, 0)
                seen[doc] = n + 1
                rescored.append((pid, score * self.diversity**n))
            ranked = sorted(rescored, key=lambda kv: -kv[1])
        ranked = ranked[:k]
        hits = []
        for pid, score in ranked:
            r = rows.get(pid)
            if r is None:
                continue
            _, doc_id, para, section, text, ref, org, source, outcome, category, date, kind = r
            hits.append(
                Hit(
                    doc_id,
                    ref,
                    org,
                    para,
                    section or "",
                    text,
                    round(float(score), 6),
                    source,
                    outcome,
                    category,
                    date,
                    kind,
                )
            )
        no_close = mode != "bm25" and best < self.min_similarity
        return SearchResult(q, hits, best, no_close, filters or Filters())
