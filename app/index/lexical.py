"""Lexical search: SQLite FTS5 BM25 over the paragraphs (text, and headings at 0.3 weight), with the filters applied
in SQL. On a large index an OR query is scored on candidates from its rarest terms, with FTS5's own formula."""

from __future__ import annotations

import math
import re
import sqlite3

from ..models import Filters
from .store import Store, filter_sql

BM25_BUDGET = 15_000  # rows FTS5 may score for one query before candidates are used (see Lexical._bm25_bounded)
BM25_CANDIDATES = 300  # candidates, from the query's rarest terms, scored with the whole query
_MATCH_TERMS = re.compile(r'"([^"]+)"')


class Lexical:
    """BM25 over the store's `para_fts` table; keeps its scratch tables and a document-frequency cache."""

    def __init__(self, store: Store):
        self.store = store
        self.db = store.db
        self._scratch_ready = False
        self._df_cache: dict[str, int] = {}
        self._df_generation = None

    def bm25(self, match: str, k: int, f: Filters | None, synthetic_ok: bool = False) -> list[tuple[int, float]]:
        """(paragraph row id, bm25 score; higher is better) for an FTS5 MATCH expression."""
        where, args = filter_sql(f, synthetic_ok)
        sql = (
            "SELECT p.id, -bm25(para_fts, 1.0, 0.3) AS s FROM para_fts JOIN paragraphs p ON p.id = para_fts.rowid "
            f"JOIN documents d ON d.doc_id = p.doc_id WHERE para_fts MATCH ? AND {where} ORDER BY bm25(para_fts, 1.0, 0.3) LIMIT ?"
        )
        if where == "1=1" or (where == "d.synthetic=0" and not self.store.has_synthetic()):
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
        with self.store.lock, self.db:  # scratch tables are written: commit, never leave a transaction open
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
        if not self._scratch_ready:
            self.db.executescript(
                "CREATE VIRTUAL TABLE IF NOT EXISTS temp.para_vocab USING fts5vocab(main, para_fts, 'row');"
                "CREATE VIRTUAL TABLE IF NOT EXISTS temp.scratch_fts USING fts5(text, section, "
                "tokenize='porter unicode61 remove_diacritics 2');"
                "CREATE VIRTUAL TABLE IF NOT EXISTS temp.scratch_vocab USING fts5vocab(temp, scratch_fts, 'instance');"
            )
            self._scratch_ready = True
            self._df_cache = {}
            self._df_generation = None
        row = self.db.execute("SELECT block FROM para_fts_data WHERE id=1").fetchone()  # FTS5's 'averages' record
        if not row or not row[0]:
            return None
        avg = varints(row[0])
        n_rows, total_tokens = avg[0], sum(avg[1:])
        if n_rows <= 0:
            return None
        generation = (n_rows, total_tokens, self.db.execute("SELECT max(id) FROM paragraphs").fetchone()[0])
        if generation != self._df_generation:
            self._df_cache, self._df_generation = {}, generation
        # the index's tokenizer stems the terms ('payments' -> 'payment')
        self.db.execute("DELETE FROM temp.scratch_fts")
        self.db.executemany(
            "INSERT INTO temp.scratch_fts(rowid, text, section) VALUES (?,?,'')", list(enumerate(terms))
        )
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

    def _bm25_scores(
        self,
        ids: list[int],
        stems: list[str],
        df: dict[str, int],
        n_rows: int,
        avgdl: float,
        weights: tuple[float, float] = (1.0, 0.3),
        k1: float = 1.2,
        b: float = 0.75,
    ) -> dict[int, float]:
        """FTS5's bm25() (fts5_aux.c) for the given rows: the rows are re-tokenised in a scratch FTS5 table with the
        same tokenizer to count each term's instances per column and the row's length; IDF from the whole index."""
        marks = ",".join("?" * len(ids))
        length = {
            i: sum(varints(sz))
            for i, sz in self.db.execute(f"SELECT id, sz FROM para_fts_docsize WHERE id IN ({marks})", ids)
        }  # tokens a row holds, all columns
        self.db.execute("DELETE FROM temp.scratch_fts")
        self.db.execute(
            "INSERT INTO temp.scratch_fts(rowid, text, section) SELECT id, text, coalesce(section, '') FROM paragraphs "
            f"WHERE id IN ({marks})",
            ids,
        )
        uniq = sorted(set(stems))
        freq: dict[tuple[int, str], float] = {}
        for term, doc, col, n in self.db.execute(
            "SELECT term, doc, col, count(*) FROM temp.scratch_vocab "
            f"WHERE term IN ({','.join('?' * len(uniq))}) GROUP BY term, doc, col",
            uniq,
        ):
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


def varints(blob: bytes) -> list[int]:
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
