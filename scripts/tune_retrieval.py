"""Retrieval figures on the `tune` split only, per mode, in seconds: for trying an idea before the held-back queries
are read once at the end (evals/gold/README.md).

    PYTHONPATH=$PWD .venv/bin/python scripts/tune_retrieval.py [--modes=hybrid,dense,bm25,bm25-files] [--per] \
        - rrf_k=15 bm25_weight=1.5,facet_boost=0.08

Each configuration ('-' for the settings as they are) is a comma-separated list of `Retriever` attributes, applied to
a fresh retriever on the eval index (`evals/.index`, built by `precedent eval` or here: corpus/ + ../shared/corpus).
Prints nDCG@10, grade-2 recall@5, recall@5 and MRR over the in-scope tune queries, the same for its long stories,
out-of-scope recognition and ms a query; `--per` adds each tune query's nDCG@10 and grade-2 recall@5. Held-back
queries are never read."""

from __future__ import annotations

import sys
import time

from app.evals import DEFAULT_SHARED, GOLD, FileBM25, _jsonl, build_eval_index, rank_query, retrieval_metrics


def main(argv: list[str]) -> None:
    modes, per, configs = ["hybrid"], False, []
    for a in argv:
        if a.startswith("--modes="):
            modes = a.split("=", 1)[1].split(",")
        elif a == "--per":
            per = True
        else:
            configs.append(a)
    engine = build_eval_index(None, DEFAULT_SHARED, "full", lambda s: None)
    idx = engine.index()
    present = idx.refs()
    items = [g for g in _jsonl(GOLD / "retrieval.jsonl") if g.get("split", "tune") == "tune"]
    items = [g for g in items if g.get("out_of_scope") or set(g["relevant"]) & present]
    files = FileBM25.from_index(idx) if "bm25-files" in modes else None
    for config in configs or ["-"]:
        retriever = engine.retriever  # a fresh one from the settings
        for kv in [] if config == "-" else config.split(","):
            key, value = kv.split("=")
            setattr(retriever, key, float(value) if "." in value else int(value))
        print("#", config)
        for mode in modes:
            rows, seconds = [], 0.0
            for g in items:
                t0 = time.perf_counter()
                ranked, flagged = rank_query(g, mode, retriever.search, files)
                seconds += time.perf_counter() - t0
                relevant = {r: v for r, v in g["relevant"].items() if r in present}
                rows.append((g, retrieval_metrics(ranked, relevant) if not g.get("out_of_scope") else {}, flagged))
            inscope = [(g, m) for g, m, _ in rows if not g.get("out_of_scope")]
            stories = [(g, m) for g, m in inscope if g.get("style") == "story"]

            def mean(group, key):
                return sum(m[key] for _, m in group) / len(group) if group else 0.0

            oos = [f for g, _, f in rows if g.get("out_of_scope")]
            wrong = sum(f for g, _, f in rows if not g.get("out_of_scope"))
            print(
                f"{mode:10s} n={len(inscope)} nDCG {mean(inscope, 'ndcg@10'):.4f} R2@5 {mean(inscope, 'recall2@5'):.4f} "
                f"R@5 {mean(inscope, 'recall@5'):.4f} MRR {mean(inscope, 'mrr'):.4f} | stories nDCG "
                f"{mean(stories, 'ndcg@10'):.4f} R2@5 {mean(stories, 'recall2@5'):.4f} | out of scope {sum(oos)}/"
                f"{len(oos)}, in scope flagged {wrong}/{len(inscope)} | {1000 * seconds / len(items):.1f} ms/query",
                flush=True,
            )
            if per:
                for g, m in inscope:
                    print(f"  {g['id']:5s} {m['ndcg@10']:.3f} {m['recall2@5']:.3f} {g['query'][:90]}")


if __name__ == "__main__":
    main(sys.argv[1:])
