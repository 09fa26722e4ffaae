"""The facade the faces (CLI, web app, evals, benchmark) use. Holds the settings, loads the encoder and the
index once, and knows nothing about how results are shown."""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from pathlib import Path

from .cite import IndexSource, law_targets
from .draft import DraftResult, build_context, run_draft
from .embed import LocalEmbeddings
from .facts import Facts
from .index import Index, IngestReport
from .models import Document, Filters
from .precedent_summary import PrecedentSummary, precedent_summary
from .refine import answer, help_text, interpret
from .retrieve import Retriever, SearchResult
from .settings import Settings
from .writers import MadeWriter, make_writer


class Engine:
    def __init__(self, settings: Settings | None = None, embeddings=None, on_notice=None):
        """`on_notice(line)`: hears one-line notices meant for the user (which encoder is in use, and why)."""
        self.settings = settings or Settings()
        self._embeddings = embeddings
        self.on_notice = on_notice
        self._index: Index | None = None
        self._lock = threading.RLock()
        self._writers: dict[str, MadeWriter] = {}

    @property
    def embeddings(self):
        if self._embeddings is None:
            with self._lock:
                if self._embeddings is None:
                    s = self.settings
                    self._embeddings = LocalEmbeddings(
                        s.embed_backend, s.embed_batch, cache_dir=s.cache_dir, on_notice=self.on_notice
                    )
        return self._embeddings

    def index(self, create: bool = False) -> Index:
        with self._lock:
            if self._index is None:
                s = self.settings
                self._index = Index(s.index, self.embeddings, s.chroma_url, s.chroma_timeout_s, create=create)
            return self._index

    def encoder_notice(self) -> str | None:
        """One line: which encoder this engine searches with, and why (None for an encoder that cannot say)."""
        choice = getattr(self.embeddings, "choice", None)
        return choice.notice() if choice is not None else None

    def encoder_stale(self) -> bool:
        """The index was built with another encoder than this computer uses now (loads the encoder to know)."""
        return self.index().encoder_stale()

    def reembed(self) -> IngestReport:
        """Re-embed every stored paragraph with this computer's encoder (an ingest of nothing does exactly that, and
        nothing more when the encoder is the one the index was built with)."""
        return self.ingest([])

    def has_index(self) -> bool:
        return (Path(self.settings.index).expanduser() / "index.sqlite").exists()

    @property
    def retriever(self) -> Retriever:
        return Retriever.from_settings(self.index(), self.settings)

    def ingest(self, paths, progress=None) -> IngestReport:
        return self.index(create=True).ingest(paths, progress=progress)

    def search(self, query: str, k: int = 10, filters: Filters | None = None, mode: str = "hybrid") -> SearchResult:
        return self.retriever.search(query, k=k, filters=filters, mode=mode)

    def documents(self) -> list[Document]:
        return self.index().documents()

    def document(self, ident: str) -> Document | None:
        """A document by id or reference; for the law also by a pinpoint ("Education Act 1996, s 19(1)")."""
        doc = self.index().document(ident)
        if doc is None and "," in ident:
            instrument, _, pin = ident.partition(",")
            targets = law_targets(IndexSource(self.index()), instrument, pin.strip())
            doc = self.index().document(targets[0][0]) if targets else None
        return doc

    def close(self) -> None:
        if self._index is not None:
            self._index.close()
            self._index = None

    # ------------------------------------------------------------------ drafting
    def precedent_summary(self, facts: Facts) -> PrecedentSummary:
        """Before drafting: how the Ombudsman decided complaints like these facts (issues, outcomes, remedy sums)."""
        return precedent_summary(self, facts)

    def writer(self, llm: str | None = None, chat_model=None) -> MadeWriter:
        """The writer `llm` names (default: the settings'), and its note. Model-backed writers are made once per
        engine: the local model loads a single time. `chat_model`: written with under the name `llm` or "chat"."""
        if chat_model is not None:
            return make_writer(llm or "chat", self.settings, chat_model=chat_model)
        name = llm or self.settings.llm
        with self._lock:
            if name not in self._writers:
                self._writers[name] = make_writer(name, self.settings)
            return self._writers[name]

    def draft(
        self, facts: Facts, on_token=None, llm: str | None = None, chat_model=None, short: bool = False
    ) -> DraftResult:
        """Facts -> verified DraftResult. `chat_model`: any LangChain chat model (tests pass fakes)."""
        t0 = time.perf_counter()
        made = self.writer(llm, chat_model)
        ctx = build_context(self, facts)
        ctx.short = short or facts.short
        result = run_draft(self, facts, made.writer, on_token=on_token, ctx=ctx)
        if made.note:
            result.notes.append(made.note)
        result.seconds = time.perf_counter() - t0  # retrieval included
        return result

    def refine(
        self,
        facts: Facts,
        instruction: str,
        previous: DraftResult | None = None,
        on_token=None,
        llm: str | None = None,
        chat_model=None,
    ) -> tuple[Facts, DraftResult]:
        """A follow-up message (`app.refine.interpret`): an edit or a change to the facts redrafts, building on the
        last; a question is answered from the draft (`result.reply`) and leaves the letter as it was."""
        t0 = time.perf_counter()
        ref = interpret(facts, instruction)
        if not ref.redraft:
            ctx = build_context(self, facts)
            ctx.short = facts.short
            reply = answer(ref.question or "", ctx) if ref.kind == "question" else help_text(facts.role)
            if previous is not None:
                result = replace(previous, reply=reply, changed=[], seconds=time.perf_counter() - t0)
            else:
                result = run_draft(self, facts, self.writer(llm, chat_model).writer, ctx=ctx)
                result.reply = reply
            return facts, result
        made = self.writer(llm, chat_model)
        new_facts = ref.facts
        ctx = build_context(self, new_facts)
        ctx.short = new_facts.short
        prev_text = previous.body if previous is not None else None
        result = run_draft(
            self, new_facts, made.writer, on_token=on_token, ctx=ctx, instruction=instruction, previous=prev_text
        )
        if made.note:
            result.notes.append(made.note)
        result.changed = ref.changed
        result.reply = "Changed: " + "; ".join(ref.changed) + "."
        result.seconds = time.perf_counter() - t0
        return new_facts, result
