"""One per server process: the engine, whether the index is ready, the filter choices, the export store; and the one
plain line a page or an API caller sees when something goes wrong (`friendly`, `friendly_errors`)."""

from __future__ import annotations

import functools
import heapq
import inspect
import logging
import secrets
import statistics
import sys
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tqdm import tqdm

from .. import gguf, readers
from ..encoder_files import EmbeddingError
from ..engine import Engine
from ..errors import UserError
from ..settings import Settings
from ..text import first_line
from .labels import WRITER_LABELS
from .render import esc

log = logging.getLogger("precedent.ui")

WARM_WAIT_S = 180  # a request arriving while the search model loads waits this long for it
EXPORT_TTL_S = 3600
EXPORT_MAX = 256


class ExportStore:
    """Drafts a user may download, in memory only, keyed by an unguessable token; forgotten after an hour. A draft
    that failed its checks is put `locked`: it cannot be downloaded until the user says they have checked it
    (`unlock`)."""

    def __init__(self, ttl_s: int = EXPORT_TTL_S, max_items: int = EXPORT_MAX):
        self.ttl_s, self.max_items = ttl_s, max_items
        self._items: OrderedDict[str, tuple[float, Any]] = OrderedDict()
        self._locked: set[str] = set()
        self._lock = threading.Lock()

    def put(self, result, replaces: str | None = None, locked: bool = False) -> str:
        token = secrets.token_urlsafe(24)
        with self._lock:
            if replaces:
                self._items.pop(replaces, None)
                self._locked.discard(replaces)
            self._items[token] = (time.monotonic() + self.ttl_s, result)
            if locked:
                self._locked.add(token)
            self._expire()
        return token

    def locked(self, token: str) -> bool:
        with self._lock:
            return token in self._locked

    def unlock(self, token: str, unlocked: bool = True) -> None:
        """The user has checked the failing sentences (or, `unlocked=False`, taken that back)."""
        with self._lock:
            if token not in self._items:
                return
            if unlocked:
                self._locked.discard(token)
            else:
                self._locked.add(token)

    def get(self, token: str):
        with self._lock:
            self._expire()
            item = self._items.get(token)
            return item[1] if item else None

    def _expire(self) -> None:
        now = time.monotonic()
        for k in [k for k, (exp, _) in self._items.items() if exp < now]:
            del self._items[k]
        while len(self._items) > self.max_items:
            self._items.popitem(last=False)
        self._locked &= set(self._items)


class DraftCancelled(Exception):
    """The page that asked for a draft has gone (closed or reloaded): its writer is told to stop."""


class DraftLine:
    """The page's drafts on this server: those running (each with a stop flag, set when its page goes away), those
    waiting for a place (Gradio's queue holds them; `limit` run at once), and how long recent drafts took, for the
    waiting ones' estimate. Keys are (browser session, desk prefix)."""

    TYPICAL_S = 20.0  # before any draft has finished
    FORGET_WAITING_S = 900

    def __init__(self, limit: int):
        self.limit = max(1, limit)
        self._waiting: OrderedDict[tuple, float] = OrderedDict()
        self._running: dict[tuple, tuple[float, threading.Event]] = {}
        self._took: deque[float] = deque(maxlen=20)
        self._lock = threading.Lock()

    def wait(self, key: tuple) -> None:
        with self._lock:
            self._waiting.pop(key, None)
            self._waiting[key] = time.monotonic()

    def typical(self) -> float:
        return statistics.median(self._took) if self._took else self.TYPICAL_S

    def position(self, key: tuple) -> tuple[int, float] | None:
        """(drafts ahead of this one that must finish first, seconds until it should start), or None when it is not
        waiting (it started, or its page went)."""
        now = time.monotonic()
        with self._lock:
            for k in [k for k, t in self._waiting.items() if now - t > self.FORGET_WAITING_S]:
                del self._waiting[k]
            if key not in self._waiting:
                return None
            typical = self.typical()
            # each place frees when its draft should end; the waiting drafts take the places in turn
            free = sorted(max(1.0, typical - (now - t0)) for t0, _ in self._running.values())[: self.limit]
            free += [0.0] * (self.limit - len(free))
            heapq.heapify(free)
            ahead = len(self._running)
            for k in self._waiting:
                start = heapq.heappop(free)
                if k == key:
                    return max(0, ahead - self.limit + 1), start
                ahead += 1
                heapq.heappush(free, start + typical)
        return None

    def start(self, key: tuple) -> threading.Event:
        """This draft leaves the queue and runs; the flag returned is set when it should stop."""
        ev = threading.Event()
        with self._lock:
            self._waiting.pop(key, None)
            self._running[key] = (time.monotonic(), ev)
        return ev

    def leave(self, key: tuple) -> None:
        with self._lock:
            self._waiting.pop(key, None)

    def finish(self, key: tuple, ok: bool) -> None:
        with self._lock:
            t0, _ = self._running.pop(key, (None, None))
            if ok and t0 is not None:
                self._took.append(time.monotonic() - t0)

    def running(self) -> int:
        with self._lock:
            return len(self._running)

    def page_gone(self, session: str | None) -> int:
        """A page closed or reloaded: its drafts are told to stop and its waiting ones forgotten. How many stopped."""
        n = 0
        with self._lock:
            for k in [k for k in self._waiting if k[0] == session]:
                del self._waiting[k]
            for k, (_, ev) in self._running.items():
                if k[0] == session and not ev.is_set():
                    ev.set()
                    n += 1
        return n


class Runtime:
    """One per server process: the engine, whether the index is ready, the filter choices, the export store."""

    def __init__(self, settings: Settings, builtin_corpus: Path | None, engine=None):
        self.settings = settings
        self.builtin_corpus = Path(builtin_corpus) if builtin_corpus else None
        self.engine = engine or Engine(
            settings, on_notice=lambda line: print(f"Precedent: {line}", file=sys.stderr, flush=True)
        )
        self.encoder: str | None = None  # one line: which encoder searches, and why
        self.exports = ExportStore()
        self.phase = "starting"  # starting | building | warming | ready | error
        self.done = 0
        self.total = 0
        self.error: str | None = None
        self.documents = 0
        self.categories: list[str] = []
        self.outcomes: list[str] = []
        # decisions whose paragraph numbers Precedent assigned (the copy printed none), and those with no date
        # (category, outcome) that a date filter leaves out
        self.reconstructed: set[str] = set()
        self.undated: list[tuple[str | None, str | None]] = []
        self.started = time.monotonic()
        self.ready_after: float | None = None
        self.default_writer, self.writer_note = self._writer_default()
        self.drafts = DraftLine(rt_draft_limit(self))
        self._thread: threading.Thread | None = None

    # -------------------------------------------------------------- writers
    def _writer_default(self) -> tuple[str, str | None]:
        s = self.settings
        try:
            have_local = gguf.installed(s.local_model, s.models_dir)
        except Exception:  # an unknown model name, an unreadable cache: treat as not installed
            have_local = False
        self.local_installed = have_local
        # The template writer is the default, whatever is installed: the local model's letters are experimental
        # (slow on 2 cores, and its own sentences can misstate a decision) until its quality gates pass. Someone who
        # asks for a model (PRECEDENT_LLM or --llm) gets it as the default.
        missing = (
            "The experimental local model isn't installed, so letters are written by the template writer even if "
            "you choose it (every citation is still checked). To try it, run `make llm` and restart Precedent."
        )
        if "llm" in s.model_fields_set and s.llm and s.llm != "template":
            return s.llm, missing if s.llm == "local" and not have_local else None
        return "template", None if have_local else missing

    def writer_choices(self) -> list[tuple[str, str]]:
        names = ["template", "local"]
        if self.default_writer not in names:
            names.insert(0, self.default_writer)
        return [(WRITER_LABELS.get(n, n), n) for n in names]

    # -------------------------------------------------------------- readiness
    def start(self, build: bool = True) -> None:
        self._thread = threading.Thread(target=self._prepare, args=(build,), name="precedent-prepare", daemon=True)
        self._thread.start()

    def wait(self, timeout: float | None = None) -> bool:
        if self._thread:
            self._thread.join(timeout)
        return self.phase == "ready"

    def _prepare(self, build: bool) -> None:
        eng = self.engine
        try:
            if build and not self._has_documents():
                corpus = self.builtin_corpus
                if corpus is None or not corpus.exists():
                    raise UserError(
                        f"no index at {self.settings.index} and no built-in corpus to build one from: run "
                        "`precedent ingest FOLDER` first"
                    )
                self.phase = "building"
                print(
                    f"Precedent: first start, building the index at {self.settings.index} from {corpus} …",
                    file=sys.stderr,
                    flush=True,
                )
                bar = None

                def progress(i: int, total: int) -> None:
                    nonlocal bar
                    if bar is None:
                        bar = tqdm(total=total, unit="file", desc="building the index", file=sys.stderr)
                    self.done, self.total = i, total
                    bar.update(1)

                report = eng.ingest([str(corpus)], progress=progress)
                if bar is not None:
                    bar.close()
                for path, reason in report.failed:
                    print(f"failed: {path}: {reason}", file=sys.stderr)
                print(f"Precedent: {report.summary_line()}", file=sys.stderr, flush=True)
            elif not eng.has_index():
                raise UserError(f"no index at {self.settings.index}: build one with `precedent ingest corpus/`")
            self.phase = "warming"
            # an index built with another encoder (this computer's CPU makes the ONNX speed-up fall back, or the
            # backend changed) is re-embedded here, so a speed-up never leaves the page unable to search
            if eng.encoder_stale():
                self.phase = "building"
                print(
                    "Precedent: re-embedding the index for this computer's search model …", file=sys.stderr, flush=True
                )
                report = eng.reembed()
                print(f"Precedent: re-embedded {report.reembedded} paragraphs", file=sys.stderr, flush=True)
            eng.search("special educational needs provision", k=1)  # loads the encoder, SQLite and the vector store
            readers.clause_model("provision")  # and the story chat's clause model (about 2 s), before the first story
            self.encoder = eng.encoder_notice()
            docs = eng.documents()
            self.documents = len(docs)
            cats: set[str] = set()
            for d in docs:
                if d.category:
                    cats.add(d.category)
                    cats.add(d.category.split(" > ")[0])
            self.categories = sorted(cats)
            self.outcomes = sorted({d.outcome for d in docs if d.outcome})
            self.reconstructed = {d.doc_id for d in docs if d.numbering == "reconstructed"}
            self.undated = [(d.category, d.outcome) for d in docs if not d.decision_date]
            self.ready_after = time.monotonic() - self.started
            self.phase = "ready"
            print(
                f"Precedent: ready ({self.documents} documents) after {self.ready_after:.1f} s",
                file=sys.stderr,
                flush=True,
            )
        except EmbeddingError as e:
            print(f"error: {e}", file=sys.stderr, flush=True)
            self.error, self.phase = SEARCH_MODEL_BROKEN, "error"
        except UserError as e:
            self.error, self.phase = str(e), "error"
            print(f"error: {e}", file=sys.stderr, flush=True)
        except Exception:  # noqa: BLE001 - the page says it in plain words; the traceback goes to the log
            log.exception("preparing the index failed")
            self.error, self.phase = PREPARE_FAILED, "error"

    def _has_documents(self) -> bool:
        if not self.engine.has_index():
            return False
        try:
            return self.engine.index().count()[0] > 0
        except UserError:
            return False

    def not_ready(self, wait_s: float = 0.0) -> str | None:
        """None when handlers may use the engine, else a sentence saying why not yet. While only the search model
        is loading (a bounded wait), wait up to `wait_s` for it rather than turn the user away."""
        if wait_s and self.phase in ("starting", "warming") and self._thread is not None:
            deadline = time.monotonic() + wait_s
            while self.phase in ("starting", "warming") and time.monotonic() < deadline:
                self._thread.join(0.25)
        if self.phase == "ready":
            return None
        if self.phase == "error":
            return f"Precedent can't search yet: {self.error}"
        if self.phase == "building":
            n = f" ({self.done} of {self.total} files read)" if self.total else ""
            return f"Building the index of decisions{n}. This happens once, on the first start; please try again in a moment."
        return "Precedent is still starting up (loading the search model). Please try again in a moment."

    def undated_left_out(self, filters) -> int:
        """How many undated decisions a date filter leaves out (those the other filters would have kept)."""
        if filters is None or not (filters.date_from or filters.date_to):
            return 0
        return sum(
            1
            for cat, out in self.undated
            if (
                not filters.category
                or (cat or "") == filters.category
                or (cat or "").startswith(filters.category + " > ")
            )
            and (not filters.outcome or out == filters.outcome)
        )

    def status_html(self) -> str:
        if self.phase == "ready":
            encoder = f'<span class="encoder">{esc(self.encoder)}</span>' if self.encoder else ""
            return (
                f'<div class="status ready" data-phase="ready">Ready · {self.documents} decisions and reports '
                f"indexed · nothing you type is stored by the server{encoder}</div>"
            )
        if self.phase == "error":
            return f'<div class="status error" data-phase="error">{esc(self.not_ready())}</div>'
        if self.phase == "building":
            pct = int(100 * self.done / self.total) if self.total else 0
            n = (
                f"read {self.done} of {self.total} files"
                if self.total and self.done < self.total
                else f"embedding the paragraphs of {self.total} files"
                if self.total
                else "reading the corpus"
            )
            return (
                f'<div class="status busy" data-phase="building">Building the index… {esc(n)}. This happens on the '
                "first start only; you can fill in the form meanwhile."
                f'<div class="bar"><span style="width:{pct}%"></span></div></div>'
            )
        if self.phase == "starting":
            return '<div class="status busy" data-phase="starting">Starting up…</div>'
        return (
            '<div class="status busy" data-phase="warming">Starting up: loading the search model… You can fill in '
            "the form meanwhile.</div>"
        )


# What the page says when Precedent cannot get ready: plain words and the command that repairs it, never a file
# name or a figure (the details go to the terminal it runs in).
SEARCH_MODEL_BROKEN = (
    "its search model could not be loaded on this computer. To repair it, stop Precedent "
    "(Ctrl+C in its terminal), run `make setup`, then `make run` again."
)
PREPARE_FAILED = (
    "something went wrong while preparing the decisions. Stop Precedent (Ctrl+C in its terminal) and "
    "run `make run` again; if it happens again, the details are in that terminal."
)


def friendly(e: BaseException) -> str:
    """One line for the page, whatever went wrong."""
    if isinstance(e, UserError):
        return str(e)
    log.error("unexpected error in a handler", exc_info=e)
    return f"Something went wrong ({type(e).__name__}: {first_line(e)}). The details are in the server log."


def friendly_errors(reply: Callable[..., Any]):
    """Decorator for a handler: whatever it raises becomes `reply(friendly(e), *args, **kwargs)`, the handler's own
    way of showing one plain line (a notice on its desk, a chat message, an API error). A generator handler yields
    the reply as its last update; a plain one returns it (or raises what `reply` raises)."""

    def wrap(fn):
        if inspect.isgeneratorfunction(fn):

            @functools.wraps(fn)
            def stream(*args, **kwargs):
                try:
                    return (yield from fn(*args, **kwargs))
                except Exception as e:  # noqa: BLE001 - one line for the page; the traceback goes to the log
                    yield reply(friendly(e), *args, **kwargs)

            return stream

        @functools.wraps(fn)
        def call(*args, **kwargs):
            try:
                return fn(*args, **kwargs)
            except Exception as e:  # noqa: BLE001 - one line for the page; the traceback goes to the log
                return reply(friendly(e), *args, **kwargs)

        return call

    return wrap


def rt_draft_limit(rt: Runtime) -> int:
    """Drafts at once: one when a local model writes (it has the whole CPU), else two."""
    return 1 if rt.default_writer == "local" else 2
