"""Query latency of two retrievers, turn about, on one synthetic index built as `precedent bench` builds it.

    git show 190c241:app/retrieve.py > /tmp/retrieve_old.py
    PYTHONPATH=$PWD .venv/bin/python scripts/latency_ab.py 100000 /tmp/ab100k /tmp/retrieve_old.py

The index is built once in the folder given (kept for later runs); the older `app/retrieve.py` is loaded beside the
current one as `app.retrieve_old` (its own constructor: index, rrf_k, candidates, min_similarity, bm25_weight,
diversity, doc_boost). Two rounds of the bench's 50 queries, each query timed for both, order alternating."""

from __future__ import annotations

import importlib.util
import os
import statistics
import sys
import time
from pathlib import Path

from app import bench
from app.embed import LocalEmbeddings
from app.index import Index
from app.retrieve import Retriever
from app.settings import Settings


def main(n: int, work: Path, old_file: Path) -> None:
    s = Settings()
    enc = LocalEmbeddings("onnx", s.embed_batch, cache_dir=s.cache_dir)
    if not (work / "index" / "index.sqlite").exists():
        bench.build_corpus(work / "corpus", n, None)
        idx = Index(work / "index", enc, create=True)
        idx.ingest([str(work / "corpus")], synthetic=True, parse=bench.parse_synthetic)
    else:
        idx = Index(work / "index", enc)
    print("paragraphs", idx.paragraph_count(), flush=True)
    spec = importlib.util.spec_from_file_location("app.retrieve_old", old_file)
    old = importlib.util.module_from_spec(spec)
    sys.modules["app.retrieve_old"] = old
    spec.loader.exec_module(old)
    retrievers = {
        "old": old.Retriever(idx, s.rrf_k, s.candidates, 0.5, s.bm25_weight, s.diversity, 0.25),
        "new": Retriever.from_settings(idx, s),
    }
    qs = bench.queries()
    for q in qs[:5]:
        for r in retrievers.values():
            r.search(q, k=10, synthetic_ok=True)
    lat: dict[str, list[float]] = {name: [] for name in retrievers}
    for rnd in range(2):
        for q in qs:
            for name in ("old", "new") if rnd % 2 == 0 else ("new", "old"):
                t = time.perf_counter()
                retrievers[name].search(q, k=10, synthetic_ok=True)
                lat[name].append(1000 * (time.perf_counter() - t))
    for name, v in lat.items():
        v.sort()
        print(f"{name} p50 {statistics.median(v):.1f} p95 {v[int(0.95 * (len(v) - 1))]:.1f} ms", flush=True)
    print("load", os.getloadavg())


if __name__ == "__main__":
    main(int(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]))
