"""Ranking: dense (Chroma through LangChain) and lexical (SQLite FTS5 BM25) retrieval, fused by reciprocal
rank fusion, with filters applied inside both stores. Also says when nothing is close enough to cite."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from .errors import UserError
from .facets import Facet, in_field, other_area, query_facets
from .index import Index
from .models import Filters, Hit
from .roles import paragraph_role
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
    other_area: str | None = None  # the Ombudsman's area outside this corpus the query reads as ("council tax")

    def to_dict(self) -> dict:
        """`search --json` and each `--batch` line: the hits, and whether anything close was found at all (the best
        dense cosine against `min_similarity`), so a tool reading it can tell "nothing close" from a weak top hit."""
        return {
            "query": self.query,
            "no_close_precedent": self.no_close_precedent,
            "best_similarity": round(float(self.best_similarity), 4),
            "other_area": self.other_area,
            "results": [h.to_dict() for h in self.hits],
        }


# How much each kind of paragraph counts as evidence that a decision is on point (`app/roles.py` roles; 'summary' is
# the decision's summary row). The summary, complaint, findings and remedy say what a decision is about; the
# Ombudsman's role-and-powers boilerplate is in every decision and says nothing. Tune split of the retrieval gold
# (72 queries): role-weighted 0.707 nDCG@10 against 0.684 with every paragraph counting the same.
ROLE_WEIGHT = {
    "summary": 1.0,
    "complaint": 0.9,
    "finding_fault": 1.0,
    "finding_no_fault": 1.0,
    "remedy": 0.8,
    "decision": 0.7,
    "background": 0.6,
    "council_account": 0.6,
    "law": 0.4,
    "jurisdiction": 0.15,
}


# "No close precedent" (evals/gold/retrieval.jsonl, calibrated on the tune split: 12 out-of-scope queries, 72 in
# scope). One cosine floor for every query recognised 10/12 with 4/72 in scope wrongly flagged; knowing the field
# lets the floor drop to 0.45 for queries in it and rise for the rest: 12/12 recognised, 0/72 flagged.
# Cost at 100k paragraphs (bench index, 50 queries, cold caches, load ~5): ranking decisions took 17 ms a query, half
# of it reading every candidate decision's issues; only the top 30 decisions can now be moved up by theirs (9 ms;
# tune split nDCG@10 0.756 -> 0.755). The rest is reading ~90 candidate paragraphs' roles (cached once read).
FACET_DEPTH = 30

# Long story-like queries (a parent's account, an officer's note): the issues they raise (`app/facets.py`), searched
# again in the words decisions use, each paragraph's fused score from that focused search added at `focus_weight`.
# Tune split (72 in-scope queries, 13 of them stories): nDCG@10 0.742 -> 0.750, stories 0.671 -> 0.713; with every
# query focused (not only long ones) 0.735, so short queries, already in few words, are left as they are.
FOCUS_MIN_WORDS = 20

# `upheld_boost`: a decision the Ombudsman upheld moves up a little. A precedent on point is usually one where fault was
# found (grade 2 in the gold is "the query's issue is the decision's main subject", and 151 of the 184 decisions here
# with an outcome are upheld). Tune split, with its pooled labels (72 in-scope queries): nDCG@10 0.824 -> 0.835,
# grade-2 recall@5 0.772 -> 0.780 at 0.015 (0.005: 0.827; 0.01: 0.834; 0.02: 0.839 / 0.780; 0.04: 0.827 / 0.762);
# lowering decisions "closed after initial enquiries" as well did not help (0.826-0.833). No cost: the outcome is on
# the rows read anyway.

OUT_OF_FIELD_FLOOR = 0.60  # a query naming no issue, plan or service of the corpus's field
OTHER_AREA_FLOOR = 0.70  # ... and about another area of the Ombudsman's work (council tax, planning, care homes)


class Retriever:
    """mode: 'hybrid' (default), 'dense' or 'bm25'.

    Hybrid ranks decisions, then shows their paragraphs: dense and BM25 paragraph rankings fused (weighted reciprocal
    rank fusion); each decision scored on its best `evidence_depth` paragraphs, weighted by role (`ROLE_WEIGHT`);
    decisions whose summary or complaint is about the issues the query raises (`app/facets.py`) moved up by
    `facet_boost` per share of those issues, and upheld decisions by `upheld_boost`; then each decision's paragraphs
    in its order, each further paragraph of the same decision counting `diversity` times less. 'dense' and 'bm25' are
    the plain paragraph rankings."""

    def __init__(
        self,
        index: Index,
        rrf_k: int = 10,
        candidates: int = 50,
        min_similarity: float = 0.50,
        bm25_weight: float = 2.0,
        diversity: float = 0.7,
        facet_boost: float = 0.05,
        evidence_depth: int = 3,
        focus_weight: float = 0.5,
        upheld_boost: float = 0.0,
    ):
        self.index = index
        self.rrf_k = rrf_k
        self.bm25_weight = bm25_weight
        self.diversity = diversity
        self.candidates = candidates
        self.min_similarity = min_similarity
        self.facet_boost = facet_boost
        self.evidence_depth = evidence_depth
        self.focus_weight = focus_weight
        self.upheld_boost = upheld_boost

    @classmethod
    def from_settings(cls, index: Index, s) -> "Retriever":
        return cls(
            index,
            s.rrf_k,
            s.candidates,
            s.min_similarity,
            s.bm25_weight,
            s.diversity,
            s.facet_boost,
            s.evidence_depth,
            s.focus_weight,
            s.upheld_boost,
        )

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
        match = fts_query(q)
        lexical = self.index.bm25(match, n, filters, synthetic_ok) if mode in ("hybrid", "bm25") and match else []
        best = max((s for _, s in dense), default=0.0)
        facets = query_facets(q)
        area = other_area(q) if not facets and not in_field(q) else None
        no_close = mode != "bm25" and not self.close_enough(best, q, facets, area)
        if mode != "hybrid":
            ranked = (dense if mode == "dense" else lexical)[:k]
            rows = self.index.rows([pid for pid, _ in ranked])
            return SearchResult(q, _hits(ranked, rows), best, no_close, filters or Filters(), area)
        fused = self.fuse(dense, lexical)
        focused = self.focused_query(q, facets)
        if focused:
            again = self.fuse(
                self.dense(focused, n, filters, synthetic_ok),
                self.index.bm25(fts_query(focused), n, filters, synthetic_ok),
            )
            fused = _add(fused, again, self.focus_weight)
        rows = self.index.rows([pid for pid, _ in fused])
        decisions = self.rank_decisions(fused, rows, facets)
        hits = _hits(self.paragraphs(fused, rows, decisions)[:k], rows)
        return SearchResult(q, hits, best, no_close, filters or Filters(), area)

    def focused_query(self, q: str, facets: list[Facet]) -> str | None:
        """For a long story-like query raising known issues: those issues in the words decisions use (each facet's
        `query`), searched beside the story itself; None for a short query, or one naming no issue."""
        if not facets or not self.focus_weight or len(q.split()) < FOCUS_MIN_WORDS:
            return None
        return " ".join(f.query for f in facets)

    def close_enough(self, best: float, q: str, facets: list[Facet], area: str | None) -> bool:
        """Whether anything here is close enough to cite: the best dense cosine clears `min_similarity` for a query
        in the corpus's field (an issue it names, an EHC plan, children's services); a higher floor for one that names
        none (`OUT_OF_FIELD_FLOOR`), and higher still for one about another of the Ombudsman's areas."""
        if best < self.min_similarity:
            return False
        if facets or in_field(q):
            return True
        return best >= (OTHER_AREA_FLOOR if area else OUT_OF_FIELD_FLOOR)

    def fuse(self, dense: list[tuple[int, float]], lexical: list[tuple[int, float]]) -> list[tuple[int, float]]:
        """Weighted reciprocal rank fusion of a dense and a lexical paragraph ranking."""
        scores: dict[int, float] = {}
        for weight, ranking in ((1.0, dense), (self.bm25_weight, lexical)):
            for rank, (pid, _) in enumerate(ranking):
                scores[pid] = scores.get(pid, 0.0) + weight / (self.rrf_k + rank + 1)
        return sorted(scores.items(), key=lambda kv: -kv[1])

    def rank_decisions(self, fused: list[tuple[int, float]], rows: dict, facets: list[Facet]) -> dict[str, float]:
        """Each decision's score: its rank by role-weighted paragraph evidence (as a reciprocal rank), plus
        `facet_boost` times the share of the query's issues its summary and complaint are about, plus `upheld_boost`
        when the Ombudsman upheld it."""
        evidence: dict[str, list[float]] = {}
        upheld: set[str] = set()
        for pid, score in fused:
            row = rows.get(pid)
            if row is not None:
                evidence.setdefault(row[1], []).append(score * _weight(row))
                if row[8] == "Upheld":
                    upheld.add(row[1])
        strength = {d: sum(sorted(v, reverse=True)[: self.evidence_depth]) for d, v in evidence.items()}
        order = sorted(strength, key=lambda d: -strength[d])
        score = {d: 1.0 / (self.rrf_k + rank + 1) for rank, d in enumerate(order)}
        if facets and self.facet_boost:
            for d, text in self.index.key_texts(order[:FACET_DEPTH]).items():
                share = sum(1 for f in facets if _about(f, text)) / len(facets)
                score[d] += self.facet_boost * share
        for d in upheld if self.upheld_boost else ():
            score[d] += self.upheld_boost
        return score

    def paragraphs(
        self, fused: list[tuple[int, float]], rows: dict, decisions: dict[str, float]
    ) -> list[tuple[int, float]]:
        """The paragraphs in their decision's order, each decision's best first; each further paragraph of the same
        decision counts `diversity` times less, so one long decision cannot fill the page."""
        seen: dict[str, int] = {}
        ranked = []
        for pid, _ in fused:
            row = rows.get(pid)
            if row is None:
                continue
            i = seen.get(row[1], 0)
            seen[row[1]] = i + 1
            ranked.append((pid, decisions.get(row[1], 0.0) * self.diversity**i))
        return sorted(ranked, key=lambda kv: -kv[1])


def _add(ranking: list[tuple[int, float]], more: list[tuple[int, float]], weight: float) -> list[tuple[int, float]]:
    """A fused paragraph ranking with another one's scores added at `weight`, best first."""
    scores = dict(ranking)
    for pid, score in more:
        scores[pid] = scores.get(pid, 0.0) + weight * score
    return sorted(scores.items(), key=lambda kv: -kv[1])


def _weight(row) -> float:
    """How much a search row counts as evidence for its document: by its role (`ROLE_WEIGHT`, 'summary' for the summary
    row) in a decision, report or council response; fully in law and other documents, which have no such parts."""
    _, _, para, section, text, *_rest, kind = row
    if (kind or "decision") not in ("decision", "report", "council response"):
        return 1.0
    role = "summary" if para == "summary" else _paragraph_role(section or "", text, kind or "decision")
    return ROLE_WEIGHT.get(role, 0.6)


# Both read regular expressions over a paragraph (about 50 us each); the same paragraphs come back query after query.
_paragraph_role = lru_cache(maxsize=50_000)(paragraph_role)


@lru_cache(maxsize=50_000)
def _about(facet: Facet, text: str) -> bool:
    """Whether a decision's summary and complaint (`text`) are about this issue."""
    return bool(facet.doc_cue and facet.doc_cue.search(text))


def _hits(ranked: list[tuple[int, float]], rows: dict) -> list[Hit]:
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
    return hits
