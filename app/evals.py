"""`precedent eval`: measures what users rely on and fails when a threshold in evals/thresholds.yaml is missed.

- Retrieval (hybrid, dense-only, BM25-only side by side): capped recall@5, MRR and nDCG@10 at the decision level,
  over graded judgements in evals/gold/retrieval.jsonl; how often out-of-scope queries are recognised as having
  no close precedent (and how often in-scope ones are wrongly flagged).
- Citations, per writer, over evals/gold/drafting.yaml: citations that resolve, quotations that are verbatim,
  ALCE-style citation recall and precision under an offline support judge, amounts/dates/references without
  support, and drafts that pass verification untouched.
- Claims per writer (app/claims.py): quote-function accuracy (each quotation's role against the job its sentence
  gives it), claim recall and precision per sentence (a claim borne out by its own citations; a citation that bears
  its sentence out), claims failing a check left unmarked (must be 0), and letters whose ask or offer states a figure
  its own citation holds.
- The verifier (`claims.verify_claims`: `cite.verify`, then the claim checks) on evals/gold/hostile.jsonl: its catch
  rate (must be 100%) and its false alarms on clean items.
- The support judge's agreement with hand labels (evals/gold/support_labels.jsonl), 2-fold cross-validated.
- Paragraph roles (app/roles.py) against evals/gold/roles.jsonl: accuracy on the tuning split and on the held-out third.
- What the letters say, per writer: each situation's must-say and must-not-say items (regexes written from the law and
  an adviser's checklist, evals/gold/README.md) met or missed (`coverage`), over drafting.yaml and, reported apart,
  over the held-back situations in drafting_heldout.yaml.

With only corpus/ (no ../shared), the gold items about the seeds run, against the `seed_only` thresholds.

`run_eval` reads as its steps: `build_eval_index`, `eval_retrieval`, `eval_support_judge`, `eval_drafting`,
`eval_verifier`, `eval_roles`, `check_thresholds`, `write_report`.
"""

from __future__ import annotations

import json
import math
import re
import subprocess
import time
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable

import yaml

from .cite import CITE_RE, QUOTE_RE, IndexSource, SupportJudge, cited_paragraphs, contradiction_cue, money_values
from .claims import read_claims, unmarked_failures, verify_claims
from .draft import build_context, cite_label, parse_facts, run_draft
from .engine import Engine
from .models import Filters
from .roles import paragraph_role
from .settings import Settings
from .story import FALLBACK, load_stories
from .story import evaluate as evaluate_stories
from .story import format_report as format_story_report
from .text import STOPWORDS, content_words, words3
from .writers import ChatWriter, TemplateWriter, make_writer, sources_block

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "evals" / "gold"
BUILTIN = ROOT / "corpus"
DEFAULT_SHARED = ROOT.parent / "shared" / "corpus"
PART_OF = {
    "retrieval": "retrieval",
    "out_of_scope": "retrieval",
    "drafting": "drafting",
    "heldout": "drafting",
    "verifier": "verifier",
    "roles": "roles",
    "stories": "stories",
}
SEED_REFS = {"24 004 187", "23 009 620", "24 010 960", "24 012 399", "25 022 150"}


# ----------------------------------------------------------------------------- helpers


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def commit_id() -> str:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, timeout=10
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
        return (head or "unknown") + ("+dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def doc_ranking(hits, resolve_ref: Callable[[str], str | None]) -> list[str]:
    """Distinct decisions (by reference) in the order their paragraphs first appear."""
    out: list[str] = []
    for h in hits:
        key = h.ref or resolve_ref(h.doc_id) or h.doc_id
        if key not in out:
            out.append(key)
    return out


def rank_query(g: dict, mode: str, search: Callable, files: "FileBM25") -> tuple[list[str], bool]:
    """One gold query's decisions in rank order by `mode` (or the BM25-over-files baseline), and whether the search
    said nothing close was found."""
    if mode == BASELINE:
        return files.rank(g["query"]), False
    res = search(g["query"], k=60, filters=Filters(category=g.get("category")), mode=mode)
    return doc_ranking(res.hits, lambda d: None), res.no_close_precedent


def retrieval_metrics(ranked: list[str], relevant: dict[str, int]) -> dict[str, float]:
    """Capped recall@5 (any grade, and grade 2 alone: the decisions directly on point), MRR and nDCG@10."""
    rel = {r: g for r, g in relevant.items() if g > 0}
    top5 = ranked[:5]
    recall5 = len(set(top5) & set(rel)) / min(5, len(rel))
    on_point = {r for r, g in rel.items() if g >= 2}
    recall5_2 = len(set(top5) & on_point) / min(5, len(on_point)) if on_point else recall5
    mrr = next((1.0 / (i + 1) for i, r in enumerate(ranked) if r in rel), 0.0)
    dcg = sum((2 ** rel.get(r, 0) - 1) / math.log2(i + 2) for i, r in enumerate(ranked[:10]))
    ideal = sorted(rel.values(), reverse=True)[:10]
    idcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return {"recall@5": recall5, "recall2@5": recall5_2, "mrr": mrr, "ndcg@10": dcg / idcg if idcg else 0.0}


_WORD = re.compile(r"[^\W_]+")


class FileBM25:
    """The baseline an outsider would build first: Okapi BM25 (k1 1.2, b 0.75) over each decision's whole text as one
    bag of lower-cased words (stop words dropped), with no paragraphs, encoder or fusion. Ranks references."""

    def __init__(self, docs: dict[str, str], k1: float = 1.2, b: float = 0.75):
        self.k1, self.b = k1, b
        self.tf: dict[str, dict[str, int]] = {}
        self.length: dict[str, int] = {}
        df: dict[str, int] = {}
        for key, text in docs.items():
            words = [w for w in _WORD.findall(text.lower()) if w not in STOPWORDS]
            counts: dict[str, int] = {}
            for w in words:
                counts[w] = counts.get(w, 0) + 1
            self.tf[key], self.length[key] = counts, len(words)
            for w in counts:
                df[w] = df.get(w, 0) + 1
        n = len(docs) or 1
        self.avgdl = sum(self.length.values()) / n
        self.idf = {w: math.log(1 + (n - d + 0.5) / (d + 0.5)) for w, d in df.items()}

    @classmethod
    def from_index(cls, idx) -> "FileBM25":
        """Every decision in the index, keyed by its reference (else its doc_id), its paragraphs joined."""
        docs: dict[str, str] = {}
        for d in idx.documents():
            key = d.ref or d.doc_id
            docs[key] = docs.get(key, "") + " " + " ".join(t for _, t in idx.paragraph_texts(d.doc_id))
        return cls(docs)

    def rank(self, query: str, k: int = 60) -> list[str]:
        terms = set(w for w in _WORD.findall(query.lower()) if w not in STOPWORDS)
        scores: dict[str, float] = {}
        for key, counts in self.tf.items():
            norm = self.k1 * (1 - self.b + self.b * self.length[key] / self.avgdl)
            s = sum(self.idf[t] * counts[t] * (self.k1 + 1) / (counts[t] + norm) for t in terms if t in counts)
            if s > 0:
                scores[key] = s
        return [key for key, _ in sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:k]]


# ----------------------------------------------------------------------------- support judge (the judge: app/cite.py)


def judge_agreement(embeddings, labels: list[dict], source: IndexSource) -> dict:
    """2-fold cross-validated agreement: thresholds are picked on one half and scored on the other."""
    items = []
    for lab in labels:
        doc_id = source.resolve(lab["ref"])
        text = source.paragraph_text(doc_id, str(lab["para"])) if doc_id else None
        if text is not None:
            items.append((lab["claim"], text, bool(lab["supported"])))
    if not items:
        return {"n": 0}
    grid = [
        (hi, lo, ov)
        for hi in (0.55, 0.6, 0.62, 0.65, 0.7)
        for lo in (0.35, 0.4, 0.45, 0.5)
        for ov in (0.5, 0.6, 0.7)
        if lo < hi
    ]
    # precompute features once
    feats = []
    base = SupportJudge(embeddings)
    for claim, text, gold in items:
        c = base._clean(claim)
        words = content_words(c)
        ov = len(words & words3(text)) / len(words) if words else 0.0
        v = embeddings.embed_documents([c, text])
        cue = contradiction_cue(c, text)
        feats.append((-1.0 if cue else sum(a * b for a, b in zip(v[0], v[1], strict=True)), ov, gold))

    def acc(params, rows):
        hi, lo, ovt = params
        return sum(((cos >= hi) or (cos >= lo and ov >= ovt)) == g for cos, ov, g in rows) / len(rows)

    folds = [feats[0::2], feats[1::2]]
    scores = []
    for train, test in ((folds[0], folds[1]), (folds[1], folds[0])):
        best = max(grid, key=lambda p: acc(p, train))
        scores.append(acc(best, test))
    chosen = max(grid, key=lambda p: acc(p, feats))
    hi, lo, ovt = chosen
    preds = [(cos >= hi) or (cos >= lo and ov >= ovt) for cos, ov, _ in feats]
    golds = [g for _, _, g in feats]
    po = sum(p == g for p, g in zip(preds, golds, strict=True)) / len(golds)
    pp, pg = sum(preds) / len(preds), sum(golds) / len(golds)
    pe = pp * pg + (1 - pp) * (1 - pg)
    return {
        "n": len(items),
        "cv_accuracy": round(sum(scores) / len(scores), 3),
        "kappa_all": round((po - pe) / (1 - pe), 3) if pe < 1 else 1.0,
        "thresholds": {"cos_hi": hi, "cos_lo": lo, "overlap": ovt},
    }


def alce(letter: str, source: IndexSource, judge: SupportJudge) -> dict:
    """ALCE-style citation recall (claim sentences supported by their citations) and precision (citations needed)."""
    body = letter.split("\n## References")[0]
    sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+(?=[A-Z*\"“])|\n+", body) if s.strip()]
    # a citation may follow its sentence's full stop: attach it to that sentence; and a quotation of two sentences is
    # one claim with its citation (split at the full stop inside it, its first half was counted as a claim citing
    # nothing: the duty quote "... (Section 42 ...). The Courts have said ..." and a remedy quoted with the sentence
    # saying what it was for)
    merged: list[str] = []
    for s in sentences:
        if merged and (CITE_RE.fullmatch(s.strip(" .")) or merged[-1].count("“") > merged[-1].count("”")):
            merged[-1] += " " + s
        else:
            merged.append(s)
    claims = [
        s for s in merged if CITE_RE.search(s) or re.search(r"\bOmbudsman\b.*\b(found|said|decided|explained)\b", s)
    ]
    supported = cited_total = cited_relevant = 0
    for s in claims:
        cites = cited_paragraphs(source, CITE_RE.finditer(s))
        ok = judge.supports(s, cites)
        supported += ok
        for i, t in enumerate(cites):
            cited_total += 1
            alone = judge.supports(s, [t])
            rest = cites[:i] + cites[i + 1 :]
            needed = ok and not judge.supports(s, rest) if rest else ok
            cited_relevant += alone or needed
    return {"claims": len(claims), "supported": supported, "citations": cited_total, "relevant": cited_relevant}


# ----------------------------------------------------------------------------- paragraph roles (app/roles.py)

ROLE_GOLD_KIND = {"report": "report", "council-paper": "council response"}  # every other format is a decision


def role_scores(rows: list[dict]) -> dict[str, dict]:
    """Per split of the role gold ('tune', 'heldout'): accuracy, size, and the confusion as 'gold -> got' counts."""
    out: dict[str, dict] = {}
    for split in ("tune", "heldout"):
        items = [r for r in rows if r.get("split", "tune") == split]
        confusion: dict[str, int] = {}
        right = 0
        for r in items:
            got = paragraph_role(r["section"], r["text"], ROLE_GOLD_KIND.get(r.get("format", ""), "decision"))
            right += got == r["role"]
            if got != r["role"]:
                key = f"{r['role']} -> {got}"
                confusion[key] = confusion.get(key, 0) + 1
        out[split] = {
            "n": len(items),
            "accuracy": round(right / len(items), 4) if items else None,
            "confusion": dict(sorted(confusion.items(), key=lambda kv: -kv[1])),
        }
    return out


# ----------------------------------------------------------------------------- fake writer (CI: the LLM path, offline)


def fake_chat_model_for(ctx) -> object:
    """A LangChain fake chat model that 'writes' the template letter with [Sn] markers, so the whole chat-writer path
    (prompting, streaming, marker resolution, verification) runs offline and deterministically."""
    from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
    from langchain_core.messages import AIMessage

    text = TemplateWriter().write(ctx)
    _, smap = sources_block(ctx)
    for key, h in smap.items():
        text = text.replace(cite_label(h), f"[{key}]")
    return GenericFakeChatModel(messages=iter([AIMessage(content=text)]))


# ----------------------------------------------------------------------------- the run


def run_eval(
    index: Path | None = None,
    llm: str | None = None,
    out: Path = Path("evals/report"),
    shared: Path | None = None,
    thresholds: Path = Path("evals/thresholds.yaml"),
    engine=None,
    verify_fn=verify_claims,
    quiet: bool = False,
    parts: tuple[str, ...] = ("retrieval", "drafting", "verifier", "roles", "stories"),
) -> bool:
    """Run the eval; True when every threshold that applies is met. `engine` and `verify_fn` can be replaced
    (tests prove the eval fails with a broken retriever or verifier); `parts` limits what runs."""
    t0 = time.perf_counter()
    say = (lambda *a: None) if quiet else (lambda *a: print(*a, flush=True))
    shared = shared if shared is not None else (DEFAULT_SHARED if DEFAULT_SHARED.is_dir() else None)
    scope = "full" if shared and (shared / "lgsco").is_dir() else "seed_only"
    if engine is None:
        engine = build_eval_index(index, shared, scope, say)
    idx = engine.index()
    source = IndexSource(idx)
    retrieval = eval_retrieval(engine, scope, idx.refs(), parts, say)
    judge_stats, judge = eval_support_judge(engine, source, parts, say)
    drafting = eval_drafting(engine, source, judge, scope, llm, parts, say)
    verifier = eval_verifier(source, verify_fn, parts, say)
    roles = eval_roles(parts, say)
    stories = eval_stories(parts, say)
    limits, figures, failures = check_thresholds(
        thresholds, scope, parts, retrieval, drafting, verifier, roles, stories
    )

    encoder = engine.encoder_notice()
    say(encoder or "search model: (supplied by the caller)")
    report = {
        "commit": commit_id(),
        "scope": scope,
        "encoder": encoder,
        "retrieval": retrieval.by_mode,
        "retrieval_by_split": retrieval.by_split,
        "out_of_scope": retrieval.out_of_scope,
        "support_judge": judge_stats,
        "drafting": drafting.by_writer,
        "coverage": drafting.coverage,
        "verifier": verifier.report,
        "roles": roles,
        "stories": stories,
        "figures": figures,
        "thresholds": limits,
        "failures": failures,
        "seconds": round(time.perf_counter() - t0, 1),
    }
    write_report(Path(out), report, drafting.letters, say)
    return not failures


@dataclass
class RetrievalResult:
    """Decision-level retrieval figures per mode ('hybrid', 'dense', 'bm25', and the 'bm25-files' baseline; empty when
    retrieval did not run) over all the gold queries, the same per split (`by_split`: 'tune', 'heldback'), and how each
    mode but BM25 recognises queries with no close precedent."""

    by_mode: dict[str, dict] = field(default_factory=dict)
    out_of_scope: dict[str, dict] = field(default_factory=dict)
    by_split: dict[str, dict[str, dict]] = field(default_factory=dict)


@dataclass
class DraftingResult:
    """Citation figures per writer, and the letters each wrote (for letters.md)."""

    by_writer: dict[str, dict] = field(default_factory=dict)
    letters: dict[str, list[str]] = field(default_factory=dict)
    # per writer: {"drafting": ..., "heldout": ...}, each a `coverage_summary` of what the letters say
    coverage: dict[str, dict] = field(default_factory=dict)


@dataclass
class VerifierResult:
    """The verifier on evals/gold/hostile.jsonl: `report` holds its figures; `items` counts what ran (0: not run)."""

    report: dict
    items: int


def build_eval_index(index: Path | None, shared: Path | None, scope: str, say: Callable) -> Engine:
    """Step 1: an engine over the eval index (evals/.index unless given), with the seeds and, in full scope, the
    shared LGSCO decisions ingested (unchanged files are skipped)."""
    settings = Settings().with_overrides(index=index or (ROOT / "evals" / ".index"))
    engine = Engine(settings)
    paths = [str(BUILTIN)] + ([str(shared / "lgsco")] if scope == "full" else [])
    rep = engine.ingest(paths)
    say(f"eval index: {rep.summary_line()}")
    return engine


RETRIEVAL_MODES = ("hybrid", "dense", "bm25")
BASELINE = "bm25-files"
SPLITS = ("tune", "heldback")  # and "stories": the long story-like queries of both splits
METRICS = ("recall@5", "recall2@5", "mrr", "ndcg@10")


def eval_retrieval(engine, scope: str, present: set[str], parts: tuple[str, ...], say: Callable) -> RetrievalResult:
    """Step 2: recall@5 (any grade and grade 2), MRR and nDCG@10 per search mode over evals/gold/retrieval.jsonl, all
    queries and per split (retrieval was tuned on 'tune' only), beside BM25 over whole files on the same queries; and
    out-of-scope recognition."""
    gold = _jsonl(GOLD / "retrieval.jsonl")
    items = [g for g in gold if (g.get("seed_only") or g.get("out_of_scope")) or scope == "full"]
    items = [g for g in items if g.get("out_of_scope") or set(g["relevant"]) & present]
    result = RetrievalResult()
    if "retrieval" not in parts:
        return result
    files = FileBM25.from_index(engine.index())
    groups = {"all": items} | {sp: [g for g in items if g.get("split", "tune") == sp] for sp in SPLITS}
    groups["stories"] = [g for g in items if g.get("style") == "story"]  # parents' stories, officers' notes
    groups = {name: group for name, group in groups.items() if group}
    for mode in (*RETRIEVAL_MODES, BASELINE):
        per_query: dict[str, dict] = {}
        seconds = 0.0
        for g in items:
            t0 = time.perf_counter()
            ranked, flagged = rank_query(g, mode, engine.search, files)
            seconds += time.perf_counter() - t0
            relevant = {r: v for r, v in g["relevant"].items() if r in present}
            scores = retrieval_metrics(ranked, relevant) if not g.get("out_of_scope") else {}
            per_query[g["id"]] = {"flagged": flagged, "oos": bool(g.get("out_of_scope"))} | scores
        for split, group in groups.items():
            figures = _retrieval_figures([per_query[g["id"]] for g in group], mode)
            if split == "all":
                result.by_mode[mode] = figures["ranking"] | {"ms_per_query": round(1000 * seconds / len(items), 1)}
                if mode in ("hybrid", "dense"):
                    result.out_of_scope[mode] = figures["out_of_scope"]
            else:
                result.by_split.setdefault(split, {})[mode] = figures["ranking"] | (
                    figures["out_of_scope"] if mode in ("hybrid", "dense") else {}
                )
    for split, modes in [("all", result.by_mode), *result.by_split.items()]:
        say(
            f"retrieval ({scope}, {split}): "
            + "; ".join(
                f"{m} R@5 {v['recall@5']:.3f} R2@5 {v['recall2@5']:.3f} MRR {v['mrr']:.3f} nDCG@10 {v['ndcg@10']:.3f}"
                for m, v in modes.items()
            )
        )
    return result


def _retrieval_figures(rows: list[dict], mode: str) -> dict[str, dict]:
    """Mean ranking figures over the in-scope rows, and the out-of-scope recognition over all of them."""
    inscope = [r for r in rows if not r["oos"]]
    oos = [r for r in rows if r["oos"]]
    n = len(inscope)
    ranking = {k: round(sum(r[k] for r in inscope) / n, 4) if n else 0.0 for k in METRICS} | {"queries": n}
    recognised = {
        "out_of_scope_recognised": round(sum(r["flagged"] for r in oos) / len(oos), 4) if oos else None,
        "out_of_scope_queries": len(oos),
        "in_scope_wrongly_flagged": round(sum(r["flagged"] for r in inscope) / n, 4) if n else None,
    }
    return {"ranking": ranking, "out_of_scope": recognised}


def eval_support_judge(engine, source: IndexSource, parts: tuple[str, ...], say: Callable) -> tuple[dict, SupportJudge]:
    """Step 3: the support judge's agreement with the hand labels (when drafting is measured), and the judge itself,
    with the thresholds that agreement chose (else the defaults)."""
    judge_stats = (
        judge_agreement(engine.embeddings, _jsonl(GOLD / "support_labels.jsonl"), source) if "drafting" in parts else {}
    )
    th = judge_stats.get("thresholds") or {}
    judge = SupportJudge(engine.embeddings, th.get("cos_hi", 0.62), th.get("cos_lo", 0.45), th.get("overlap", 0.6))
    say(f"support judge: {judge_stats}")
    return judge_stats, judge


def eval_drafting(
    engine, source: IndexSource, judge: SupportJudge, scope: str, llm: str | None, parts: tuple[str, ...], say: Callable
) -> DraftingResult:
    """Step 4: every situation in evals/gold/drafting.yaml drafted by each writer (the template, and the fake LLM or
    the model named), with the verifier's and the support judge's figures per writer."""
    situations = load_situations(GOLD / "drafting.yaml")
    if scope == "seed_only":
        situations = [s for s in situations if s.get("seed_only", False) or _about_seeds(s)]
    # beside the template: the offline fake model, or the writers named ("fake-llm,local": both)
    extra = [w.strip() for w in (llm or "").split(",") if w.strip() and w.strip() != "template"]
    writers = ["template", *(extra or ["fake-llm"])]
    if "drafting" not in parts:
        writers = []
    heldout = load_situations(GOLD / "drafting_heldout.yaml")
    if scope == "seed_only":
        heldout = [s for s in heldout if s.get("seed_only", False) or _about_seeds(s)]
    result = DraftingResult()
    for wname in writers:
        result.by_writer[wname], result.letters[wname] = _draft_with(wname, situations, engine, source, judge, say)
        say(f"drafting [{wname}]: {result.by_writer[wname]}")
        result.coverage[wname] = eval_coverage(wname, situations, result.letters[wname], heldout, engine, source, judge)
        say(f"coverage [{wname}]: " + "; ".join(f"{k} {v['coverage']}" for k, v in result.coverage[wname].items()))
    return result


# ----------------------------------------------------------------------------- what the letters say (must-say items)

ITEM_LIBRARY = GOLD / "drafting_items.yaml"
# what follows the letter: the remedies table and the references quote the decisions, they are not the letter's words
LETTER_END = re.compile(r"\n## (?:References|Remedies in comparable decisions)\b")
CURLY_APOSTROPHE = str.maketrans({"\u2019": "'", "\u2018": "'"})


def load_situations(path: Path) -> list[dict]:
    """Drafting situations from a gold file ([] when the file is absent, e.g. a clone without the held-back set)."""
    return (yaml.safe_load(path.read_text(encoding="utf-8")) or []) if path.is_file() else []


@lru_cache(maxsize=1)
def item_library() -> dict[str, dict]:
    """The named items situations take with `- use: <id>` (evals/gold/drafting_items.yaml)."""
    return yaml.safe_load(ITEM_LIBRARY.read_text(encoding="utf-8")) or {}


def situation_items(situation: dict, key: str, library: dict | None = None) -> list[dict]:
    """A situation's `must_say` or `must_not_say` items, each {id, any, why}, with `use:` items taken from the library."""
    library = item_library() if library is None else library
    out = []
    for item in situation.get(key) or []:
        if "use" in item:
            if item["use"] not in library:
                raise KeyError(f"{situation.get('id')}: {key} uses unknown item {item['use']!r}")
            item = {"id": item["use"], **library[item["use"]], **{k: v for k, v in item.items() if k != "use"}}
        out.append(item)
    return out


@lru_cache(maxsize=4096)
def _rx(pattern: str, case_sensitive: bool) -> re.Pattern:
    return re.compile(pattern, 0 if case_sensitive else re.I)


def _said(item: dict, body: str) -> str | None:
    """The words of `body` that one of the item's regexes matches, or None."""
    for pattern in item["any"]:
        m = _rx(pattern, bool(item.get("case_sensitive"))).search(body)
        if m:
            return m.group(0)
    return None


def coverage(letter: str, situation: dict, library: dict | None = None) -> dict:
    """What one letter says of what an adviser would expect for this situation: each must-say item is met when one
    of its regexes matches the letter body (the text before the remedies table and the references; case-insensitive,
    curly apostrophes read as straight, whitespace folded); each must-not-say item is met when none does. Pure: no
    index, no model."""
    body = LETTER_END.split(letter, maxsplit=1)[0].translate(CURLY_APOSTROPHE)
    body = re.sub(r"\s+", " ", body)
    must = situation_items(situation, "must_say", library)
    must_not = situation_items(situation, "must_not_say", library)
    said = [i["id"] for i in must if _said(i, body) is not None]
    wrong = {i["id"]: _said(i, body) for i in must_not if _said(i, body) is not None}
    items = len(must) + len(must_not)
    met = len(said) + len(must_not) - len(wrong)
    return {
        "id": situation.get("id"),
        "must_say_met": said,
        "must_say_missed": [i["id"] for i in must if i["id"] not in said],
        "must_not_say_said": wrong,  # item id -> the words that broke it
        "must_say_items": len(must),
        "must_not_say_items": len(must_not),
        "met": met,
        "items": items,
        "coverage": round(met / items, 4) if items else None,
    }


def _share(met: int, n: int) -> float | None:
    return round(met / n, 4) if n else None


def coverage_summary(rows: list[dict], situations: list[dict]) -> dict:
    """One writer's coverage rows for a set of situations, totalled: the share of must-say items met, of must-not-say
    items kept, of all items (`coverage`), by desk and by issue type, and each situation's row."""

    def total(rs):
        ms = sum(r["must_say_items"] for r in rs)
        ms_met = sum(len(r["must_say_met"]) for r in rs)
        mn = sum(r["must_not_say_items"] for r in rs)
        mn_met = mn - sum(len(r["must_not_say_said"]) for r in rs)
        return {
            "situations": len(rs),
            "must_say": _share(ms_met, ms),
            "must_not_say": _share(mn_met, mn),
            "coverage": _share(ms_met + mn_met, ms + mn),
        }

    by_desk, by_issue = defaultdict(list), defaultdict(list)
    for r, s in zip(rows, situations, strict=True):
        by_desk[s["facts"]["role"]].append(r)
        for t in s.get("issue_types") or ["(none)"]:
            by_issue[t].append(r)
    return total(rows) | {
        "by_desk": {k: total(v) for k, v in sorted(by_desk.items())},
        "by_issue_type": {k: total(v) for k, v in sorted(by_issue.items())},
        "per_situation": rows,
    }


def eval_coverage(
    wname: str, situations: list[dict], letters: list[str], heldout: list[dict], engine, source, judge
) -> dict[str, dict]:
    """A writer's coverage on the drafting situations (from the letters it already wrote, in order) and on the
    held-back ones, which it drafts here (their letters are not written to letters.md)."""

    def rows(texts: list[str], sits: list[dict]) -> list[dict]:
        # each text is "### <id> (<role>, <stage>)" and the letter: only the letter is scored
        return [
            coverage(x.split("\n", 1)[1] if x.startswith("### ") else x, s) for x, s in zip(texts, sits, strict=True)
        ]

    out = {"drafting": coverage_summary(rows(letters, situations), situations)}
    if heldout:
        held_figures, held_letters = _draft_with(wname, heldout, engine, source, judge, lambda *a: None)
        out["heldout"] = coverage_summary(rows(held_letters, heldout), heldout)
        # the claim figures of the held-back letters too (counts and rates only)
        keep = (*CLAIM_FIGURES, "letters_asking_payment", "quotes_with_a_job", "claims_needing_support")
        out["heldout"]["claims"] = {k: held_figures.get(k) for k in (*keep, "payment_asks_with_figure")}
        # scores only: the items a held-back letter missed would give the set's contents away (report.json is read)
        out["heldout"]["per_situation"] = [
            {k: r[k] for k in ("id", "met", "items", "coverage")} for r in out["heldout"]["per_situation"]
        ]
    return out


def _writer_for(wname: str, ctx, engine, say: Callable):
    """The writer named: the template, the offline fake chat model (which writes the template letter), or a model."""
    if wname == "template":
        return TemplateWriter()
    if wname == "fake-llm":
        return ChatWriter("fake-llm", fake_chat_model_for(ctx))
    made = make_writer(wname, engine.settings)
    if made.note:
        say(f"note: {made.note}")
    return made.writer


def _draft_with(
    wname: str, situations: list[dict], engine, source: IndexSource, judge: SupportJudge, say: Callable
) -> tuple[dict, list[str]]:
    """One writer's drafts of every situation: its figures, and the letters."""
    agg = {
        "drafts": 0,
        "passed": 0,
        "citations_checked": 0,
        "citations_resolved": 0,
        "quotes_checked": 0,
        "quotes_verbatim": 0,
        "unsupported_facts": 0,
        "claims": 0,
        "claims_supported": 0,
        "citations": 0,
        "citations_relevant": 0,
        "no_close_expected": 0,
        "no_close_said": 0,
        "min_citations": None,
        "seconds": 0.0,
        "precedents_added": 0,
    }
    letters = []
    for s in situations:
        facts = parse_facts(s["facts"], s["id"])
        ctx = build_context(engine, facts)
        writer = _writer_for(wname, ctx, engine, say)
        t1 = time.perf_counter()
        r = run_draft(engine, facts, writer, ctx=ctx)
        agg["seconds"] += time.perf_counter() - t1
        v = r.verification
        agg["drafts"] += 1
        agg["passed"] += v.passed and not r.precedents_added  # a letter the template had to ground is not untouched
        agg["precedents_added"] += r.precedents_added
        agg["citations_checked"] += v.citations_checked
        agg["citations_resolved"] += v.citations_checked - v.citations_removed
        agg["quotes_checked"] += v.quotes_checked
        agg["quotes_verbatim"] += v.quotes_checked - v.quotes_fixed_or_removed
        agg["unsupported_facts"] += len(v.unsupported_facts)
        distinct = len({(c.doc_id, c.para) for c in r.citations})
        if not s.get("expect_issues"):
            agg["no_close_expected"] += 1
            agg["no_close_said"] += r.no_close_precedent and distinct == 0
        else:
            agg["min_citations"] = distinct if agg["min_citations"] is None else min(agg["min_citations"], distinct)
        _add_claim_figures(agg, r, source)
        # honest labels: how often a model's part (the restated account) was kept, and how often the check put the
        # person's own words back in its place
        agg["model_parts_kept"] = agg.get("model_parts_kept", 0) + any("restated your account;" in n for n in r.notes)
        agg["model_parts_rejected"] = agg.get("model_parts_rejected", 0) + any(
            "restatement of your account was not used" in n for n in r.notes
        )
        a = alce(r.body, source, judge)
        agg["claims"] += a["claims"]
        agg["claims_supported"] += a["supported"]
        agg["citations"] += a["citations"]
        agg["citations_relevant"] += a["relevant"]
        letters.append(f"### {s['id']} ({facts.role}, {facts.stage})\n\n{r.markdown()}")
    return _drafting_figures(agg), letters


CLAIM_COUNTS = (
    "quotes_with_a_job",
    "quotes_fitting_their_job",
    "claims_needing_support",
    "claims_borne_out",
    "claim_citations",
    "claim_citations_bearing",
    "misattributions_unmarked",
    "letters_citing",
    "letters_asking_payment",
    "asks_with_cited_figure",
    "payment_asks",
    "payment_asks_with_figure",
)
# an ask or offer of money: "a payment for ...", "We offer you £450", "reimbursement of the £1,100"
PAYMENT_ASK = re.compile(r"\bpayment\b|\bpay\b|compensat|reimburs|\brefund|£\s?\d", re.I)


def _add_claim_figures(agg: dict, r, source: IndexSource) -> None:
    """One letter's claims (app.claims), read again from the finished letter: quotations against the job their
    sentence gives them, claims borne out by their own citations (ALCE-style, per sentence), claims that fail a check
    and carry no mark, and whether the ask or offer states a figure its own citation holds."""
    for key in CLAIM_COUNTS:
        agg.setdefault(key, 0)
    facts_text = (
        r.facts.text() + "\n" + r.derived
    )  # as run_draft checked it: the facts, and what was computed from them
    claims = read_claims(r.body, source, facts_text)
    for c in claims:
        for q in c.quotes:
            if q.fits is not None:
                agg["quotes_with_a_job"] += 1
                agg["quotes_fitting_their_job"] += q.fits
        if not c.needs_support:
            continue
        agg["claims_needing_support"] += 1
        agg["claims_borne_out"] += bool(c.cites) and not c.problems
        agg["claim_citations"] += len(c.cites)
        agg["claim_citations_bearing"] += len(c.supporting)
    agg["misattributions_unmarked"] += len(unmarked_failures(r.body, source, facts_text))
    payments = [c for c in claims if c.ask and PAYMENT_ASK.search(CITE_RE.sub(" ", c.text))]
    agg["payment_asks"] += len(payments)
    agg["payment_asks_with_figure"] += sum(bool(money_values(_own_words(c.text))) for c in payments)
    if r.citations:
        agg["letters_citing"] += 1
    if r.citations and payments:  # the facts allow a figure: the letter asks for (or offers) money
        agg["letters_asking_payment"] += 1
        agg["asks_with_cited_figure"] += any(_figure_cited(c, source) for c in payments)


def _figure_cited(claim, source: IndexSource) -> bool:
    """An ask or offer that states, in its own words (not only inside a quotation), a sum of money held by a
    paragraph the same sentence cites."""
    amounts = money_values(_own_words(claim.text))
    cited = money_values(" ".join(source.paragraph_text(d, n) or "" for d, n in claim.cites))
    return bool(amounts & cited)


def _own_words(text: str) -> str:
    """A sentence without its citations and quotations: what the writer asks for in their own words."""
    return QUOTE_RE.sub(" ", CITE_RE.sub(" ", text))


def _claim_rates(agg: dict) -> dict:
    """The claim figures as rates (None when there was nothing to measure)."""

    def rate(a: str, b: str):
        return round(agg.get(a, 0) / agg[b], 4) if agg.get(b) else None

    return {
        "quote_function_accuracy": rate("quotes_fitting_their_job", "quotes_with_a_job"),
        "quotes_with_a_job": agg.get("quotes_with_a_job", 0),
        "claim_recall": rate("claims_borne_out", "claims_needing_support"),
        "claim_precision": rate("claim_citations_bearing", "claim_citations"),
        "claims_needing_support": agg.get("claims_needing_support", 0),
        "misattributions_unmarked": agg.get("misattributions_unmarked", 0),
        # of the letters asking for (or offering) money, those whose ask states a sum its own citation holds
        "ask_figure_cited": rate("asks_with_cited_figure", "letters_asking_payment"),
        "letters_asking_payment": agg.get("letters_asking_payment", 0),
        # every payment asked for or offered, with a sum stated (from the facts or a cited benchmark)
        "payment_asks_with_figure": rate("payment_asks_with_figure", "payment_asks"),
    }


def _drafting_figures(agg: dict) -> dict:
    """A writer's totals as the report's rates."""
    return _claim_rates(agg) | {
        "drafts": agg["drafts"],
        "model_parts_kept": agg.get("model_parts_kept", 0),
        "model_parts_rejected": agg.get("model_parts_rejected", 0),
        "passed_untouched": round(agg["passed"] / agg["drafts"], 4) if agg["drafts"] else None,
        "precedents_added": agg["precedents_added"],
        "citations_resolve": round(agg["citations_resolved"] / agg["citations_checked"], 4)
        if agg["citations_checked"]
        else 1.0,
        "quotes_verbatim": round(agg["quotes_verbatim"] / agg["quotes_checked"], 4) if agg["quotes_checked"] else 1.0,
        "unsupported_facts": agg["unsupported_facts"],
        "citation_recall": round(agg["claims_supported"] / agg["claims"], 4) if agg["claims"] else None,
        "citation_precision": round(agg["citations_relevant"] / agg["citations"], 4) if agg["citations"] else None,
        "min_distinct_citations": agg["min_citations"],
        "no_close_precedent_said": f"{agg['no_close_said']}/{agg['no_close_expected']}",
        "seconds_per_draft": round(agg["seconds"] / agg["drafts"], 3) if agg["drafts"] else None,
    }


def eval_verifier(source: IndexSource, verify_fn: Callable, parts: tuple[str, ...], say: Callable) -> VerifierResult:
    """Step 5: the verifier over evals/gold/hostile.jsonl: every defect must be caught, clean letters must pass."""
    hostile = _jsonl(GOLD / "hostile.jsonl") if "verifier" in parts else []
    caught = defects = false_alarms = clean = 0
    missed = []
    for h in hostile:
        facts_text = parse_facts(h["facts"], h["id"]).text() if h.get("facts") else ""
        allowed = set()
        for ref, para in h.get("retrieved", []):
            doc_id = source.resolve(ref)
            if doc_id:
                allowed.add((doc_id, str(para)))
        _, v, _ = verify_fn(h["letter"], source, facts_text=facts_text, allowed=allowed)
        if h["kind"] == "clean":
            clean += 1
            false_alarms += not v.passed
            if not v.passed:
                missed.append(f"{h['id']} false alarm: {v.notes}")
        else:
            defects += 1
            caught += not v.passed
            if v.passed:
                missed.append(f"{h['id']} ({h['kind']}) not caught")
    verifier = {
        "hostile_items": defects,
        "caught": caught,
        "catch_rate": round(caught / defects, 4) if defects else None,
        "clean_items": clean,
        "false_alarms": false_alarms,
        "misses": missed,
    }
    say(f"verifier: {verifier}")
    return VerifierResult(verifier, len(hostile))


def eval_roles(parts: tuple[str, ...], say: Callable) -> dict[str, dict]:
    """Step 6: paragraph roles against evals/gold/roles.jsonl, per split ({} when roles are not measured)."""
    if "roles" not in parts:
        return {}
    scores = role_scores(_jsonl(GOLD / "roles.jsonl"))
    say("roles: " + "; ".join(f"{s} {v['accuracy']} over {v['n']} {v['confusion']}" for s, v in scores.items()))
    return scores


def eval_stories(parts: tuple[str, ...], say: Callable) -> dict:
    """Step 6b: the story intake (`app.story`, the rules and readers with no chat model: what CI can run) against
    evals/gold/stories.jsonl, per field and split, with the follow-up rounds it takes ({} when not measured); the
    held-back stories also without the clause model (the fallback), side by side. The local model's figures are
    `python -m app.story --llm ... --markdown`, kept as evals/report/stories_llm.md (too slow for every run on 2 cores)."""
    if "stories" not in parts:
        return {}
    full = evaluate_stories(load_stories(GOLD / "stories.jsonl"))
    result = dict(full["rules"])
    if FALLBACK in full:  # the held back read again as where torch or the clause model is missing: side by side
        result["heldout_no_clause_model"] = full[FALLBACK]["heldout"]
    for split, r in result.items():
        worst = min(result[split]["fields"].items(), key=lambda kv: min(kv[1]["precision"] or 0, kv[1]["recall"] or 0))
        say(
            f"stories ({split}, rules): {r['stories']} stories; weakest field {worst[0]} {worst[1]['precision']}/"
            f"{worst[1]['recall']}; follow-up rounds {r['rounds']['mean']}"
        )
    return result


def story_figures(stories: dict) -> dict[str, object]:
    """`stories.<split>.<field>.precision|recall`, and each split's micro-averaged `precision` / `recall`."""
    figures: dict[str, object] = {}
    for split, r in stories.items():
        tp = fp = fn = 0
        for name, f in r["fields"].items():
            figures[f"stories.{split}.{name}.precision"] = f["precision"]
            figures[f"stories.{split}.{name}.recall"] = f["recall"]
            tp, fp, fn = tp + f["tp"], fp + f["fp"], fn + f["fn"]
        figures[f"stories.{split}.precision"] = round(tp / (tp + fp), 4) if tp + fp else None
        figures[f"stories.{split}.recall"] = round(tp / (tp + fn), 4) if tp + fn else None
    return figures


# writers whose limits apply only when they were measured (the default eval measures the template and the fake model)
OPTIONAL_WRITERS = ("local", "ollama", "openai")
# the claim figures a threshold may name (app.claims): see _claim_rates
CLAIM_FIGURES = (
    "quote_function_accuracy",
    "claim_recall",
    "claim_precision",
    "misattributions_unmarked",
    "ask_figure_cited",
)


def check_thresholds(
    thresholds: Path,
    scope: str,
    parts: tuple[str, ...],
    retrieval: RetrievalResult,
    drafting: DraftingResult,
    verifier: VerifierResult,
    roles: dict[str, dict] | None = None,
    stories: dict | None = None,
) -> tuple[dict, dict[str, object], list[str]]:
    """Step 7: the scope's limits from evals/thresholds.yaml, the figures they name, and one line per limit missed
    (among the parts that ran)."""
    limits = yaml.safe_load(Path(thresholds).read_text(encoding="utf-8")) if Path(thresholds).is_file() else {}
    limits = limits.get(scope, {})
    figures: dict[str, object] = {}
    if retrieval.by_mode:
        hybrid, oos = retrieval.by_mode["hybrid"], retrieval.out_of_scope["hybrid"]
        figures |= {
            "retrieval.hybrid.recall@5": hybrid["recall@5"],
            "retrieval.hybrid.mrr": hybrid["mrr"],
            "retrieval.hybrid.ndcg@10": hybrid["ndcg@10"],
            "out_of_scope.recognised": oos["out_of_scope_recognised"],
            "out_of_scope.in_scope_wrongly_flagged": oos["in_scope_wrongly_flagged"],
        }
        held = retrieval.by_split.get("heldback", {})
        if held.get("hybrid", {}).get("queries"):
            h, base = held["hybrid"], held[BASELINE]
            figures |= {
                "retrieval.heldback.hybrid.ndcg@10": h["ndcg@10"],
                "retrieval.heldback.hybrid.recall2@5": h["recall2@5"],
                "retrieval.heldback.gain_over_bm25_files": round(h["ndcg@10"] / base["ndcg@10"] - 1, 4)
                if base["ndcg@10"]
                else None,
            }
    if verifier.items:
        figures |= {
            "verifier.catch_rate": verifier.report["catch_rate"],
            "verifier.false_alarms": verifier.report["false_alarms"],
        }
    figures |= coverage_figures(drafting)
    figures |= story_figures(stories or {})
    if roles:
        figures |= {"roles.accuracy": roles["tune"]["accuracy"], "roles.heldout_accuracy": roles["heldout"]["accuracy"]}
    for wname, d in drafting.by_writer.items():
        for key in (
            "citations_resolve",
            "quotes_verbatim",
            "citation_recall",
            "citation_precision",
            "passed_untouched",
            "min_distinct_citations",
            *CLAIM_FIGURES,
        ):
            figures[f"drafting.{wname}.{key}"] = d.get(key)
    failures = []
    for key, rule in limits.items():
        if PART_OF[key.split(".")[0]] not in parts:
            continue
        # a limit on a writer that is not measured by default (the local model: `--llm fake-llm,local`, as make test
        # runs it) applies when that writer ran
        if key.split(".")[0] in ("drafting", "heldout") and key.split(".")[1] in OPTIONAL_WRITERS:
            if key.split(".")[1] not in drafting.by_writer:
                continue
        val = figures.get(key)
        op, target = rule.split(" ", 1) if isinstance(rule, str) else (">=", rule)
        target = float(target)
        ok = val is not None and ((val >= target) if op == ">=" else (val <= target) if op == "<=" else (val == target))
        if not ok:
            failures.append(f"{key} = {val} (needs {op} {target:g})")
    return limits, figures, failures


def coverage_figures(drafting: DraftingResult) -> dict[str, object]:
    """`drafting.<writer>.must_say|must_not_say|coverage`, and the same under `heldout.` for the held-back set."""
    figures: dict[str, object] = {}
    for wname, sets in drafting.coverage.items():
        for name, c in sets.items():
            for key in ("must_say", "must_not_say", "coverage"):
                figures[f"{name}.{wname}.{key}"] = c[key]
            for key, v in c.get("claims", {}).items():  # heldout.<writer>.ask_figure_cited, ...
                figures[f"{name}.{wname}.{key}"] = v
    return figures


def write_report(out: Path, report: dict, letters: dict[str, list[str]], say: Callable) -> None:
    """Step 8: report.json, report.md and letters.md in `out`, and the verdict on the console."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (out / "report.md").write_text(report_md(report), encoding="utf-8")
    (out / "letters.md").write_text("\n\n---\n\n".join(x for w in letters.values() for x in w), encoding="utf-8")
    failures = report["failures"]
    for f in failures:
        say(f"THRESHOLD MISSED: {f}")
    say(f"eval {'passed' if not failures else 'FAILED'} ({len(failures)} thresholds missed); report in {out}/report.md")


def _about_seeds(s: dict) -> bool:
    return "seed" in (s.get("note") or "").lower() or any(r in (s.get("note") or "") for r in SEED_REFS)


def _claims_md(drafting: dict, coverage: dict | None = None) -> list[str]:
    """The claim figures per writer (app.claims) as a table, with the held-back letters' figures beneath."""
    lines = [
        "",
        "## Claims per writer",
        "",
        "Each sentence that says what the Ombudsman found, recommended or awarded, what a council did in a decision, or "
        "what the law says, checked against the paragraphs it cites itself (app/claims.py). Cited figure: of the "
        "letters that ask for (or offer) money, those whose ask states a sum, in its own words, that a paragraph the "
        "same sentence cites holds; sums stated: of every payment asked for or offered, those that name a sum.",
        "",
        "| writer | quote function accuracy (quotes) | claim recall | claim precision | claims | misattributions left unmarked | cited figure (letters asking for money) | payments with a sum stated |",
        "|---|---|---|---|---|---|---|---|",
    ]
    rows = list(drafting.items())
    rows += [
        (f"{w} (held back)", sets["heldout"]["claims"])
        for w, sets in (coverage or {}).items()
        if "claims" in sets.get("heldout", {})
    ]
    for w, d in rows:
        lines.append(
            f"| {w} | {d.get('quote_function_accuracy')} ({d.get('quotes_with_a_job')}) | {d.get('claim_recall')} | "
            f"{d.get('claim_precision')} | {d.get('claims_needing_support')} | {d.get('misattributions_unmarked')} | "
            f"{d.get('ask_figure_cited')} ({d.get('letters_asking_payment')}) | {d.get('payment_asks_with_figure')} |"
        )
    for w, d in drafting.items():
        if d.get("model_parts_kept") or d.get("model_parts_rejected"):
            lines.append(
                f"\n{w}: the model restated the person's account in {d['model_parts_kept']} of {d['drafts']} letters; "
                f"the check rejected its restatement in {d['model_parts_rejected']} (the person's own words stood in); "
                "every other part of each letter is the template's."
            )
    return lines


def report_md(r: dict) -> str:
    lines = [
        "# Eval report",
        "",
        f"Commit `{r['commit']}`, scope `{r['scope']}`, {r['seconds']} s.",
        "",
        f"Encoder: {r.get('encoder') or 'supplied by the caller'}.",
        "",
        "## Retrieval (decision level)",
        "",
        "Queries are split into `tune` (retrieval was tuned on these) and `heldback` (never looked at while tuning); "
        "`stories` are the 20 long parent stories and officer notes of both; "
        "`bm25-files` is plain BM25 over each decision's whole text, on the same queries. recall2@5: grade-2 decisions only.",
        "",
        "| queries | mode | n | recall@5 | recall2@5 | MRR | nDCG@10 | ms/query |",
        "|---|---|---|---|---|---|---|---|",
    ]
    splits = [("all", r["retrieval"]), *(r.get("retrieval_by_split") or {}).items()]
    for split, modes in splits:
        for m, v in modes.items():
            lines.append(
                f"| {split} | {m} | {v['queries']} | {v['recall@5']:.3f} | {v.get('recall2@5', 0):.3f} | {v['mrr']:.3f} | "
                f"{v['ndcg@10']:.3f} | {v.get('ms_per_query', '')} |"
            )
    lines += ["", "| queries | mode | out-of-scope recognised | in-scope wrongly flagged |", "|---|---|---|---|"]
    oos_rows = [("all", m, v) for m, v in r["out_of_scope"].items()] + [
        (split, m, v)
        for split, modes in (r.get("retrieval_by_split") or {}).items()
        for m, v in modes.items()
        if "out_of_scope_queries" in v
    ]
    for split, m, v in oos_rows:
        lines.append(
            f"| {split} | {m} | {v['out_of_scope_recognised']} ({v['out_of_scope_queries']} queries) | "
            f"{v['in_scope_wrongly_flagged']} |"
        )
    lines += [
        "",
        "## Citations per writer",
        "",
        "| writer | drafts | citations resolve | quotes verbatim | citation recall | citation precision | unsupported facts found | passed untouched | min citations | no-precedent said | s/draft |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for w, d in r["drafting"].items():
        lines.append(
            f"| {w} | {d['drafts']} | {d['citations_resolve']} | {d['quotes_verbatim']} | {d['citation_recall']} | "
            f"{d['citation_precision']} | {d['unsupported_facts']} | {d['passed_untouched']} | {d['min_distinct_citations']} | "
            f"{d['no_close_precedent_said']} | {d['seconds_per_draft']} |"
        )
    lines += _claims_md(r["drafting"], r.get("coverage") or {})
    j = r["support_judge"]
    v = r["verifier"]
    lines += [
        "",
        "## Support judge",
        "",
        "Offline judge: a claim is supported by its cited paragraphs when it quotes them verbatim, or when the all-MiniLM-L6-v2 "
        "cosine between claim and paragraph is high, or moderately high with most content words shared.",
        f"Agreement with {j.get('n')} hand labels: {j.get('cv_accuracy')} accuracy (2-fold cross-validated), kappa {j.get('kappa_all')}; "
        f"thresholds {j.get('thresholds')}.",
        "",
        "## Verifier on hostile outputs",
        "",
        f"{v['caught']}/{v['hostile_items']} defects caught (catch rate {v['catch_rate']}); {v['false_alarms']}/{v['clean_items']} false alarms on clean items.",
        "",
    ]
    roles = r.get("roles") or {}
    if roles:
        tune, held = roles["tune"], roles["heldout"]
        lines += [
            "## Paragraph roles",
            "",
            f"Accuracy against hand labels: {tune['accuracy']} on {tune['n']} tuning paragraphs, {held['accuracy']} on "
            f"{held['n']} held out; misread: {dict(tune['confusion']) or 'none'} / {dict(held['confusion']) or 'none'}.",
            "",
        ]
    if r.get("stories"):
        lines += [
            "## Story intake (rules and readers, no chat model)",
            "",
            format_story_report({"rules": r["stories"]}),
            "",
            "Follow-up rounds to complete the facts, answering from the gold: "
            + "; ".join(
                f"{split} {v['rounds']['mean']} (at most {v['rounds']['max']})" for split, v in r["stories"].items()
            ),
            "",
        ]
    lines += coverage_md(r.get("coverage") or {})
    lines += [
        "## Thresholds",
        "",
    ]
    for k, rule in r["thresholds"].items():
        lines.append(f"- {k} {rule}: {r['figures'].get(k)}")
    lines += [
        "",
        "**" + ("All thresholds met." if not r["failures"] else "Missed: " + "; ".join(r["failures"])) + "**",
        "",
    ]
    return "\n".join(lines)


def coverage_md(cov: dict[str, dict]) -> list[str]:
    """The report's section on what the letters say: per writer and set, then each drafting situation's misses (the
    held-back situations show their scores only, so the report does not give their contents away)."""
    if not cov:
        return []
    lines = [
        "## What the letters say (must-say coverage)",
        "",
        "Each situation lists what an adviser would expect its letter to say (the duty and its section, the deadline "
        "missed and by how long, the route and time limits, the asks or the officer's findings, actions and remedy) "
        "and what it must not say (an invented EHC plan, the wrong complainant, placeholders). See evals/gold/README.md.",
        "",
        "| writer | set | situations | must-say met | must-not-say kept | coverage | parent | officer |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for w, sets in cov.items():
        for name, c in sets.items():
            desk = c["by_desk"]
            lines.append(
                f"| {w} | {name} | {c['situations']} | {c['must_say']} | {c['must_not_say']} | {c['coverage']} | "
                f"{desk.get('parent', {}).get('coverage')} | {desk.get('officer', {}).get('coverage')} |"
            )
    for w, sets in cov.items():
        types = sets["drafting"]["by_issue_type"]
        held = sets.get("heldout", {}).get("by_issue_type", {})
        lines += ["", f"Coverage by issue type, {w} (drafting / held back):", ""]
        lines += [
            f"- {t}: {v['coverage']} ({v['situations']})"
            + (f" / {held[t]['coverage']} ({held[t]['situations']})" if t in held else "")
            for t, v in types.items()
        ]
        lines += [f"- {t}: - / {v['coverage']} ({v['situations']})" for t, v in held.items() if t not in types]
    for w, sets in cov.items():
        lines += ["", f"### What each letter lacked ({w})", ""]
        for row in sets["drafting"]["per_situation"]:
            missed = ", ".join(row["must_say_missed"]) or "nothing"
            said = "; ".join(f"{k} (“{v}”)" for k, v in row["must_not_say_said"].items())
            lines.append(
                f"- {row['id']} {row['met']}/{row['items']}: missed {missed}" + (f"; said {said}" if said else "")
            )
        if "heldout" in sets:
            lines.append(
                "- held back: "
                + ", ".join(f"{row['id']} {row['met']}/{row['items']}" for row in sets["heldout"]["per_situation"])
            )
    return lines + [""]
