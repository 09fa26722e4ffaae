"""The `precedent` command: ingest, search, list, show, draft, eval, bench, check, serve.

A thin face over `Engine`. Every user-fixable problem prints one line on stderr and exits non-zero.
JSON field names are a contract other tools read; keep them.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Optional

import typer

from .bench import run_bench, run_draft_bench
from .corpus import SUPPORTED_SUFFIXES, iter_files, parse_date
from .draft import load_facts
from .engine import Engine
from .errors import UserError
from .evals import run_eval
from .export import write_letter
from .gguf import ModelMissing, load_chat_model
from .models import Filters, Paragraph
from .retrieve import QueryError
from .settings import Settings
from .story import extract, follow_up, understood
from .text import first_line
from .ui import serve as serve_app
from .writer_catalog import names_text

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Precedent: find LGSCO precedents and draft complaint letters whose every citation is checked.",
)

BUILTIN_CORPUS = Path(__file__).resolve().parent.parent / "corpus"

IndexOpt = typer.Option(None, "--index", help="index folder (default .precedent, or $PRECEDENT_INDEX)")
ChromaOpt = typer.Option(
    None, "--chroma-url", help="use a Chroma server, e.g. http://127.0.0.1:8000 ($PRECEDENT_CHROMA_URL)"
)
JsonOpt = typer.Option(False, "--json", help="print JSON")
LLM_HELP = f"which writer drafts: {names_text()} (default template, or $PRECEDENT_LLM)"


def _engine(index: Optional[Path], chroma_url: Optional[str] = None, **kw):
    return Engine(Settings().with_overrides(index=index, chroma_url=chroma_url, **kw), on_notice=notice)


def notice(line: str) -> None:
    """A one-line notice for the person at the terminal (which encoder is in use, and why), on stderr."""
    typer.echo(f"note: {line}", err=True)


def _print_json(obj) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")


def _fail(msg: str, code: int = 1) -> None:
    typer.echo(f"error: {msg}", err=True)
    raise typer.Exit(code)


@app.command()
def ingest(
    paths: list[Path] = typer.Argument(..., help="files or folders"),
    index: Optional[Path] = IndexOpt,
    chroma_url: Optional[str] = ChromaOpt,
    as_json: bool = JsonOpt,
):
    """Parse and index decisions (.txt, .pdf, .html, .docx). Unchanged files are not embedded again."""
    from tqdm import tqdm

    files, missing = iter_files([str(p) for p in paths])
    if not files:  # say so before an index is created or opened
        for path, reason in missing:
            typer.echo(f"failed: {path}: {reason}", err=True)
        kinds = ", ".join(sorted(SUPPORTED_SUFFIXES))
        none_exist = len(missing) == len(paths)
        _fail("nothing to ingest: " + ("none of those paths exists" if none_exist else f"no {kinds} files there"), 1)
    eng = _engine(index, chroma_url)
    bar = None

    def progress(i: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = tqdm(
                total=total, unit="file", desc="ingest", file=sys.stderr, disable=total < 10 or not sys.stderr.isatty()
            )
        bar.update(1)

    # the folders are walked once: the ingest gets the files found, and the missing paths to report
    report = eng.ingest([*map(str, files), *(path for path, _ in missing)], progress=progress)
    if bar is not None:
        bar.close()
    for path, reason in report.failed:
        typer.echo(f"failed: {path}: {reason}", err=True)
    if as_json:
        _print_json(report.to_dict())
    else:
        typer.echo(report.summary_line())
    if report.failed and not (report.documents or report.unchanged):
        raise typer.Exit(1)


def _filters(category, outcome, organisation, date_from, date_to) -> Filters:
    def iso(v, name):
        if v is None:
            return None
        d = parse_date(v)
        if not d:
            _fail(f"--{name} must be a date like 2023-01-31 (got {v!r})", 2)
        return d

    return Filters(category, outcome, organisation, iso(date_from, "from"), iso(date_to, "to"))


@app.command()
def search(
    query: Optional[str] = typer.Argument(None),
    k: int = typer.Option(10, "--k", help="how many paragraphs"),
    index: Optional[Path] = IndexOpt,
    chroma_url: Optional[str] = ChromaOpt,
    category: Optional[str] = typer.Option(None, "--category"),
    outcome: Optional[str] = typer.Option(None, "--outcome"),
    organisation: Optional[str] = typer.Option(None, "--organisation"),
    date_from: Optional[str] = typer.Option(None, "--from", help="decided on or after (YYYY-MM-DD)"),
    date_to: Optional[str] = typer.Option(None, "--to", help="decided on or before (YYYY-MM-DD)"),
    mode: str = typer.Option("hybrid", "--mode", help="hybrid, dense or bm25"),
    batch: Optional[Path] = typer.Option(
        None, "--batch", help="JSON lines with a `query` field; one JSON result per line"
    ),
    as_json: bool = JsonOpt,
):
    """Find the paragraphs of past decisions closest to a description, best first."""
    if mode not in ("hybrid", "dense", "bm25"):
        _fail(f"--mode must be hybrid, dense or bm25 (got {mode!r})", 2)
    if (query is None) == (batch is None):
        _fail("give a QUERY or --batch FILE (one of them)", 2)
    eng = _engine(index, chroma_url)
    base = _filters(category, outcome, organisation, date_from, date_to)
    if batch is not None:
        if not batch.is_file():
            _fail(f"{batch}: no such file")
        lines = batch.read_text(encoding="utf-8", errors="replace").splitlines()
        ran = bad = 0
        for n, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                if not isinstance(item, dict) or not isinstance(item.get("query"), str):
                    raise ValueError("needs a string `query` field")
            except ValueError as e:
                _fail(f"{batch}:{n}: not a JSON object with a query ({str(e).splitlines()[0]})")
            f = Filters(
                item.get("category") or base.category,
                item.get("outcome") or base.outcome,
                base.organisation,
                base.date_from,
                base.date_to,
            )
            try:
                try:
                    line_k = int(item.get("k", k))
                except (TypeError, ValueError):
                    raise QueryError(f"k must be a whole number (got {str(item.get('k'))[:20]!r})") from None
                res = eng.search(item["query"], k=line_k, filters=f, mode=mode)
                _print_json(res.to_dict())
                ran += 1
            except QueryError as e:  # this query's own problem; an index or server problem stops the batch
                _print_json({"query": item["query"], "results": [], "error": str(e)})
                bad += 1
            sys.stdout.flush()
        if not ran:
            _fail(
                f"{batch}: no query in it could be run ({bad} failed; each line's `error` says why)"
                if bad
                else f"{batch}: no queries in it (one JSON object with a `query` field per line)"
            )
        return
    res = eng.search(query, k=k, filters=base, mode=mode)
    if as_json:
        _print_json(res.to_dict())
        return
    if res.no_close_precedent:
        typer.echo("note: no close precedent in the index; the nearest paragraphs follow.\n")
    if not res.hits:
        typer.echo("no matching paragraphs")
    for i, h in enumerate(res.hits, 1):
        head = f"{i}. [{h.doc_id}, para {h.para}] {h.organisation or ''} — {h.outcome or 'outcome not stated'}, {h.decision_date or 'undated'}"
        if h.kind == "law":  # an extract of the law: its citation and the source it was copied from
            doc = eng.document(h.doc_id)
            head = f"{i}. {h.label} — law extract; source: {(doc.source_url if doc else None) or h.source}"
        typer.echo(head)
        typer.echo(f"   {h.section}: {h.text[:400]}{'…' if len(h.text) > 400 else ''}\n")


@app.command("list")
def list_(index: Optional[Path] = IndexOpt, chroma_url: Optional[str] = ChromaOpt, as_json: bool = JsonOpt):
    """The indexed documents."""
    docs = _engine(index, chroma_url).documents()
    if as_json:
        _print_json([d.meta_dict() for d in docs])
        return
    for d in docs:
        m = d.meta_dict()
        typer.echo(
            f"{d.doc_id}\t{d.organisation or '-'}\t{d.outcome or '-'}\t{d.decision_date or '-'}\t{d.kind}\t{m['paragraphs']} paras"
        )
    typer.echo(f"{len(docs)} documents", err=True)


@app.command()
def show(
    ident: str = typer.Argument(..., metavar="ID", help="doc_id or any reference the document carries"),
    para: Optional[str] = typer.Argument(None, metavar="[PARA]"),
    index: Optional[Path] = IndexOpt,
    chroma_url: Optional[str] = ChromaOpt,
    as_json: bool = JsonOpt,
):
    """A document's metadata and paragraphs, or one paragraph."""
    eng = _engine(index, chroma_url)
    doc = eng.document(ident)
    if doc is None:
        _fail(f"no document {ident!r} in the index (see `precedent list`)")
    d = doc.to_dict()
    if para is not None:
        p = doc.paragraph(para)
        if p is None and para.lower() == "summary" and doc.summary:  # search hits and citations name it too
            p = Paragraph("summary", "Summary", doc.summary)
        if p is None:
            nums = [x.para for x in doc.paragraphs]
            _fail(
                f"{doc.cite_id} has no paragraph {para!r} (it has {nums[0]}–{nums[-1]})"
                if nums
                else f"{doc.cite_id} has no paragraphs"
            )
        d["paragraphs"] = [p.to_dict(doc.kind)]
    if as_json:
        _print_json(d)
        return
    typer.echo(
        f"{doc.title or doc.doc_id}\nreference: {', '.join(doc.refs) or '-'}   organisation: {doc.organisation or '-'}"
    )
    typer.echo(
        f"category: {doc.category or '-'}   outcome: {doc.outcome or '-'}   date: {doc.decision_date or '-'}   kind: {doc.kind}"
    )
    typer.echo(f"source: {doc.source}" + (f"\nurl: {doc.source_url}" if doc.source_url else ""))
    if doc.summary and para is None:
        typer.echo(f"\nSummary: {doc.summary}")
    section = None
    for p in d["paragraphs"]:
        if p["section"] != section:
            section = p["section"]
            typer.echo(f"\n{section}")
        typer.echo(f"  {p['para']}. {p['text']}")


@app.command()
def check(
    index: Optional[Path] = IndexOpt,
    chroma_url: Optional[str] = ChromaOpt,
    repair: bool = typer.Option(False, "--repair"),
):
    """Consistency counts of the index (paragraphs vs vectors); --repair sweeps what an interrupted ingest left."""
    idx = _engine(index, chroma_url).index()
    if repair:
        _print_json({"repaired": idx.reconcile()})
    _print_json(idx.check())


@app.command()
def draft(
    facts: Path = typer.Option(..., "--facts", help="YAML or JSON facts file"),
    llm: Optional[str] = typer.Option(None, "--llm", help=LLM_HELP),
    index: Optional[Path] = IndexOpt,
    chroma_url: Optional[str] = ChromaOpt,
    out: Optional[Path] = typer.Option(None, "--out", help="write letter.md or letter.docx"),
    as_json: bool = JsonOpt,
    keep_going: bool = typer.Option(
        False, "--keep-going", help="write --out and exit 0 even when the letter fails its checks (you have read them)"
    ),
):
    """Draft a complaint (parent) or a response (officer) citing verified precedents. A letter that fails its checks
    is not finished: it is shown with its report, not written to --out, and the exit status is 1 (unless
    --keep-going)."""
    eng = _engine(index, chroma_url, llm=llm)
    f = load_facts(facts)
    stream = None
    if not as_json and out is None and eng.settings.llm != "template" and sys.stderr.isatty():

        def stream(tok: str) -> None:
            sys.stderr.write(tok)
            sys.stderr.flush()

    result = eng.draft(f, on_token=stream)
    if stream is not None:
        sys.stderr.write("\n\n")
    unfinished = not result.verification.passed and not keep_going
    if out is not None and not unfinished:
        # the references say where Precedent numbered a decision's paragraphs itself (its copy printed none)
        cited = {c.doc_id for c in result.citations}
        renumbered = {d.doc_id for d in eng.documents() if d.doc_id in cited and d.numbering == "reconstructed"}
        write_letter(result, out, renumbered)
        typer.echo(f"wrote {out}", err=True)
    if as_json:
        _print_json(result.to_dict())
    elif out is None:
        typer.echo(result.markdown())
    for note in result.notes:  # e.g. the local model is missing and the template writer drafted instead
        typer.echo(f"note: {note}", err=True)
    v = result.verification
    typer.echo(
        f"verification: {v.citations_checked} citations checked, {v.citations_removed} removed; {v.quotes_checked} quotations "
        f"checked, {v.quotes_fixed_or_removed} fixed or removed; {len(v.unsupported_facts)} unsupported facts; "
        f"{v.claims_failed} of {v.claims_checked} claims marked; "
        f"{'passed' if v.passed else 'see report'}",
        err=True,
    )
    if not v.passed:  # the report: what was removed or marked, and why, one line each
        for note in v.notes:
            typer.echo(f"failed: {first_line(note, 300)}", err=True)
    if unfinished:
        _fail(
            "the letter failed its checks, so it is not finished"
            + (f" and {out} was not written" if out is not None else "")
            + ": read the report above (--json lists each problem), then fix the facts or pass --keep-going"
        )


@app.command("eval")
def eval_(
    index: Optional[Path] = IndexOpt,
    llm: Optional[str] = typer.Option(
        None,
        "--llm",
        help=f"the writers measured beside the template, comma-separated: {names_text()} or fake-llm "
        "(default fake-llm, an offline fake model)",
    ),
    out: Path = typer.Option(Path("evals/report"), "--out"),
    shared: Optional[Path] = typer.Option(
        None, "--shared", help="folder with lgsco/ decisions (default ../shared/corpus when present)"
    ),
    thresholds: Path = typer.Option(Path("evals/thresholds.yaml"), "--thresholds"),
):
    """Measure retrieval and citation quality; exit 1 when a threshold in evals/thresholds.yaml is missed."""
    ok = run_eval(index=index, llm=llm, out=out, shared=shared, thresholds=thresholds)
    raise typer.Exit(0 if ok else 1)


@app.command()
def bench(
    paragraphs: int = typer.Option(10000, "--paragraphs"),
    as_json: bool = JsonOpt,
    shared: Optional[Path] = typer.Option(None, "--shared"),
    drafts: bool = typer.Option(False, "--drafts", help="time drafting with each writer instead"),
):
    """Build a synthetic scale corpus in a temporary index and print speed and memory figures (--drafts: draft
    latency per writer and the local model's time to first token)."""
    if drafts:
        run_draft_bench(as_json=as_json, shared=shared)
    else:
        run_bench(paragraphs, as_json=as_json, shared=shared)


@app.command()
def serve(
    host: Optional[str] = typer.Option(None, "--host"),
    port: Optional[int] = typer.Option(None, "--port"),
    index: Optional[Path] = IndexOpt,
    chroma_url: Optional[str] = ChromaOpt,
    llm: Optional[str] = typer.Option(None, "--llm", help=LLM_HELP),
    auth: Optional[str] = typer.Option(None, "--auth", help="user:password"),
):
    """Start the web app (on 127.0.0.1 unless --host says otherwise). Builds the built-in corpus index on first start."""
    settings = Settings().with_overrides(host=host, port=port, index=index, chroma_url=chroma_url, llm=llm, auth=auth)
    serve_app(settings, builtin_corpus=BUILTIN_CORPUS)


@app.command()
def intake(
    file: Path = typer.Argument(..., help="a text file: the story in the person's own words"),
    as_json: bool = JsonOpt,
    llm: Optional[str] = typer.Option(None, "--llm", help="local: the local model fills what the rules left"),
):
    """Read a story into the facts form: what was understood (each value from the person's words) and what to ask."""
    if not file.is_file():
        raise UserError(f"{file}: no such file")
    model = None
    if llm == "local":
        try:
            model = load_chat_model(Settings().local_model, temperature=0.0, streaming=False, n_ctx=2048)
        except ModelMissing as e:
            notice(f"{e}; the rules read it alone")
    elif llm:
        raise UserError(f"--llm {llm}: only `local` reads a story")
    ex = extract(file.read_text(encoding="utf-8", errors="replace"), chat_model=model)
    if as_json:
        typer.echo(json.dumps(ex.to_dict(), indent=2, ensure_ascii=False))
        return
    typer.echo(understood(ex))
    for q in follow_up(ex):
        typer.echo(f"? {q}")


def main() -> None:
    debug = os.environ.get("PRECEDENT_DEBUG")
    try:
        # in non-standalone mode click *returns* the code of a `typer.Exit(n)` instead of raising it
        rc = app(standalone_mode=False)
        sys.exit(rc if isinstance(rc, int) else 0)
    except UserError as e:
        typer.echo(f"error: {e}", err=True)
        sys.exit(1)
    except typer.Exit as e:
        sys.exit(e.exit_code)
    except typer.Abort:
        typer.echo("aborted", err=True)
        sys.exit(130)
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        sys.exit(130)
    except Exception as e:  # usage errors and anything unforeseen: still one line
        # a click usage error (typer 0.29 raises its vendored click's classes, so matched by shape): exit 2
        if callable(getattr(e, "format_message", None)) and isinstance(getattr(e, "exit_code", None), int):
            ctx = getattr(e, "ctx", None)
            hint = f" (see `{ctx.command_path} --help`)" if ctx is not None else ""
            typer.echo(f"error: {e.format_message()}{hint}", err=True)
            sys.exit(e.exit_code)
        if debug:
            raise
        first = first_line(e, 300)
        typer.echo(f"error: {type(e).__name__}: {first} (set PRECEDENT_DEBUG=1 for details)", err=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
