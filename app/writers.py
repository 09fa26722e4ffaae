"""Writers behind one interface, the `Writer` Protocol: `name` and `write(ctx, on_token) -> str` (and `refine`, for a
`RefiningWriter`). `WRITERS` is the one registry: each name's catalogue entry (`app.writer_catalog`) and its factory;
`make_writer` makes one and returns a `MadeWriter` (the writer, and a note when it is not what was asked for).

- `template`: deterministic prose around verbatim quotations; no model. What tests and CI use.
- `local`: llama.cpp with the packaged Qwen2.5 GGUF (app.gguf), `ollama`, `openai` (any OpenAI-compatible base URL):
  LangChain chat models driven by the prompt files in `prompts/`. Sources are shown to the model as [S1], [S2]...;
  its [Sn] markers are turned into real citations, and the verifier checks the rest.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Protocol, runtime_checkable

from .councils import official_name
from .draft_types import DraftContext
from .errors import UserError
from .gguf import ModelCorrupt, ModelMissing, load_chat_model
from .models import Hit
from .quoting import QUOTABLE_SENTENCE_SPLIT, cite_label
from .settings import Settings
from .template import STAGE_TITLE, TemplateWriter, _when
from .text import first_line
from .writer_catalog import CATALOG, WriterInfo, unknown_writer

PROMPTS = Path(__file__).resolve().parent.parent / "prompts"


OnToken = Callable[[str], None]


class WriterError(UserError):
    pass


@runtime_checkable
class Writer(Protocol):
    """Turns a `DraftContext` into a letter's text; `run_draft` verifies it. `name` is what `DraftResult.writer` says
    ("template" means nothing but verbatim quotations, so the letter is not judged sentence by sentence)."""

    name: str

    def write(self, ctx: DraftContext, on_token: OnToken | None = None) -> str: ...


@runtime_checkable
class RefiningWriter(Writer, Protocol):
    """A writer that can revise its `previous` letter as an `instruction` asks ('make it shorter')."""

    def refine(self, ctx: DraftContext, previous: str, instruction: str, on_token: OnToken | None = None) -> str: ...


# ----------------------------------------------------------------------------- LLM writers


def _load_prompt(name: str) -> str:
    p = PROMPTS / name
    if not p.is_file():
        raise WriterError(f"prompt file missing: {p}")
    return p.read_text(encoding="utf-8")


SOURCE_WORDS = 90  # the most of a paragraph a model is shown: a local model reads its prompt at ~60 tokens/s


def excerpt(text: str, focus: str | None, max_words: int = SOURCE_WORDS) -> str:
    """Whole sentences of `text`, verbatim, at most about `max_words` words: the paragraph itself when it is short,
    else the sentences around `focus` (the sentence chosen to quote), with "..." where text was left out."""
    text = " ".join(text.split())
    if len(text.split()) <= max_words:
        return text
    sents = QUOTABLE_SENTENCE_SPLIT.split(text)  # the same cut as the sentence chosen to quote
    first = QUOTABLE_SENTENCE_SPLIT.split(" ".join(focus.split()))[0] if focus else ""  # a quote may run on
    at = next((i for i, x in enumerate(sents) if first and first in x), 0)
    lo = hi = at
    words = len(sents[at].split())
    while True:  # grow around the focus, after it first (the finding usually follows its context)
        grew = False
        for j in (hi + 1, lo - 1):
            if 0 <= j < len(sents) and not lo <= j <= hi and words + len(sents[j].split()) <= max_words:
                words += len(sents[j].split())
                lo, hi = min(lo, j), max(hi, j)
                grew = True
        if not grew:
            break
    return ("... " if lo > 0 else "") + " ".join(sents[lo : hi + 1]) + (" ..." if hi < len(sents) - 1 else "")


def sources_block(ctx: DraftContext) -> tuple[str, dict[str, Hit]]:
    """The numbered sources a model may cite, as [S1]..[Sn], each cut to the sentences that matter (quotations are
    still checked against the whole paragraph)."""
    smap: dict[str, Hit] = {}
    lines = []
    for i, h in enumerate(ctx.precedents, 1):
        key = f"S{i}"
        smap[key] = h
        where = f"{h.organisation or h.doc_id}{_when(h)}, {'summary' if h.para == 'summary' else 'paragraph ' + h.para}"
        lines.append(f"[{key}] {where}:\n{excerpt(h.text, ctx.quotes.get((h.doc_id, h.para)))}")
    return "\n\n".join(lines) or "(no close precedent was found: cite nothing)", smap


def facts_block(ctx: DraftContext) -> str:
    f = ctx.facts
    rows = [
        ("Writer", f.role),
        ("Stage", STAGE_TITLE.get(ctx.letter_stage() or "", ctx.letter_stage() or "")),
        ("Council", official_name(f.council)),
        ("Child", f.child),
        ("What went wrong", f.issue),
        ("What the plan says" if f.provision_source != "person" else "What the child should have", f.provision),
        ("Since", f.since_words),
        ("Contacts so far", "; ".join(f.contacts) if f.contacts else None),
        ("Impact", f.impact),
        ("Outcome sought", f.outcome_sought),
    ]
    return "\n".join(f"- {k}: {v}" for k, v in rows if v)


S_RE = re.compile(r"\[\s*(S\d+(?:\s*[,;]\s*S\d+)*)\s*\]")


def resolve_source_markers(text: str, smap: dict[str, Hit]) -> str:
    def repl(m: re.Match) -> str:
        labels = []
        for key in re.split(r"\s*[,;]\s*", m.group(1)):
            h = smap.get(key.upper())
            labels.append(cite_label(h) if h else f"[{key}, para ?]")  # unknown marker: left for the verifier to remove
        return " ".join(labels)

    return S_RE.sub(repl, text)


class ChatWriter:
    """Any LangChain chat model, writing the whole letter (a strong model the user connects: Ollama, an
    OpenAI-compatible server; every claim is checked after). Streams tokens to `on_token`."""

    def __init__(self, name: str, model):
        self.name = name
        self.model = model
        self._lock = threading.Lock()  # one generation at a time on a shared model

    def _messages(self, ctx: DraftContext, extra: str = ""):
        from langchain_core.prompts import ChatPromptTemplate

        role = "officer" if ctx.facts.role == "officer" else "parent"
        prompt = ChatPromptTemplate.from_messages(
            [("system", _load_prompt("system.md")), ("human", _load_prompt(f"{role}.md") + extra)]
        )
        sources, smap = sources_block(ctx)
        return prompt.format_messages(facts=facts_block(ctx), sources=sources), smap

    def _run(self, messages, on_token, **kwargs) -> str:
        chunks = []
        try:
            with self._lock:
                chunks = self._stream(messages, on_token, **kwargs)
        except UserError:
            raise
        except Exception as e:
            raise WriterError(f"the {self.name} writer failed: {type(e).__name__}: {first_line(e)}") from None
        return "".join(chunks)

    def _stream(self, messages, on_token, **kwargs) -> list[str]:
        chunks = []
        for chunk in self.model.stream(messages, **kwargs):
            content = chunk.content
            piece = (
                content
                if isinstance(content, str)
                else "".join(c.get("text", "") if isinstance(c, dict) else str(c) for c in content)
            )
            if piece:
                chunks.append(piece)
                if on_token:
                    on_token(piece)
        return chunks

    def write(self, ctx: DraftContext, on_token=None) -> str:
        messages, smap = self._messages(ctx)
        return resolve_source_markers(self._run(messages, on_token), smap)

    def refine(self, ctx: DraftContext, previous: str, instruction: str, on_token=None) -> str:
        from langchain_core.prompts import ChatPromptTemplate

        sources, smap = sources_block(ctx)
        prompt = ChatPromptTemplate.from_messages(
            [("system", _load_prompt("system.md")), ("human", _load_prompt("refine.md"))]
        )
        messages = prompt.format_messages(
            facts=facts_block(ctx), sources=sources, letter=previous, instruction=instruction
        )
        return resolve_source_markers(self._run(messages, on_token), smap)


@dataclass(frozen=True)
class MadeWriter:
    """What `make_writer` returns: the writer, and a one-line note for the user when it is not the one asked for
    (the local model is missing, so the template writer drafts)."""

    writer: Writer
    note: str | None = None


@dataclass(frozen=True)
class WriterSpec:
    """One registry entry: the catalogue's words about a writer and the factory that makes it from the settings."""

    info: WriterInfo
    factory: Callable[[Settings], MadeWriter]

    @property
    def name(self) -> str:
        return self.info.name

    @property
    def label(self) -> str:
        return self.info.label


def _optional(info: WriterInfo, error: ImportError) -> WriterError:
    """The one line for a writer whose optional package is not installed."""
    return WriterError(
        f"the {info.name} writer needs the optional {info.package} package ({first_line(error)}): "
        f"pip install 'precedent[{info.extra}]'"
    )


def _template(settings: Settings) -> MadeWriter:
    return MadeWriter(TemplateWriter())


def _local(settings: Settings) -> MadeWriter:
    try:
        model = load_chat_model(settings.local_model, max_tokens=settings.max_tokens, cache_dir=settings.models_dir)
    except (ModelMissing, ModelCorrupt) as e:
        return MadeWriter(TemplateWriter(), f"{e} — drafted with the template writer instead")
    return MadeWriter(RestatingWriter("local", model))


def _ollama(settings: Settings) -> MadeWriter:
    try:
        from langchain_ollama import ChatOllama
    except ImportError as e:
        raise _optional(CATALOG["ollama"], e) from None

    return MadeWriter(
        ChatWriter(
            "ollama",
            ChatOllama(
                base_url=settings.ollama_url,
                model=settings.ollama_model,
                temperature=0.2,
                num_predict=settings.max_tokens,
            ),
        )
    )


def _openai(settings: Settings) -> MadeWriter:
    try:
        from langchain_openai import ChatOpenAI
    except ImportError as e:
        raise _optional(CATALOG["openai"], e) from None

    if not settings.openai_base_url and not settings.openai_api_key:
        raise WriterError(
            "the openai writer needs PRECEDENT_OPENAI_BASE_URL (any OpenAI-compatible server) and/or PRECEDENT_OPENAI_API_KEY"
        )
    return MadeWriter(
        ChatWriter(
            "openai",
            ChatOpenAI(
                base_url=settings.openai_base_url,
                api_key=settings.openai_api_key or "none",
                model=settings.openai_model,
                temperature=0.2,
                max_tokens=settings.max_tokens,
                streaming=True,
                timeout=120,
            ),
        )
    )


_FACTORIES: dict[str, Callable[[Settings], MadeWriter]] = {
    "template": _template,
    "local": _local,
    "ollama": _ollama,
    "openai": _openai,
}
WRITERS: dict[str, WriterSpec] = {name: WriterSpec(info, _FACTORIES[name]) for name, info in CATALOG.items()}


def make_writer(name: str, settings: Settings, chat_model=None) -> MadeWriter:
    """The writer called `name` (see `WRITERS`). A missing local model falls back to the template writer with a note
    saying how to fix it. `chat_model`: any LangChain chat model, written with under `name` (tests pass fakes)."""
    if chat_model is not None:
        return MadeWriter(ChatWriter(name if name != "template" else "chat", chat_model))
    spec = WRITERS.get(name)
    if spec is None:
        raise WriterError(unknown_writer(name))
    return spec.factory(settings)


RESTATE_PROMPT = (
    "Rewrite the account below as clear, calm first-person prose for a complaint letter, in at most {words} words. "
    "Keep every fact, name, date and number exactly as written. Add nothing: no new facts, names, dates, numbers, "
    "laws or opinions. Write only the rewritten account.\n\nAccount:\n{story}"
)
# words a restatement may capitalise although the account does not (sentence starts are allowed anyway)
RESTATE_CAPITALS = {"I", "EHC", "SEN", "SEND", "SENCO", "OT", "SALT", "Plan", "Section", "Council", "School"}
NUMBERISH = re.compile(r"£\s?[\d,]+(?:\.\d+)?|\b\d[\d,./:-]*\b")


def check_restatement(own_words: str, restated: str) -> str | None:
    """Why a model's restatement of the person's account cannot be used, or None when it can: every number, date
    and amount in it, and every capitalised name after a sentence's first word, must be in the person's own words;
    it is prose of about the same length (not a letter, not a list, no brackets)."""
    text = " ".join(restated.split())
    own = " ".join(own_words.split()).lower()
    if not text:
        return "it was empty"
    n, m = len(text.split()), len(own_words.split())
    if n < 0.4 * min(m, 220) or n > 1.6 * max(m, 40):
        return f"its length ({n} words) is far from the account's ({m})"
    if re.search(r"\[|\]|^dear\b|yours (sincerely|faithfully)|^\s*[-*•]", restated, re.I | re.M):
        return "it is not plain prose (a letter, a list or brackets)"
    for tok in NUMBERISH.findall(text):
        if tok.lower().rstrip(".,") not in own:
            return f"it says \u201c{tok}\u201d, which is not in your words"
    for sent in re.split(r"(?<=[.!?])\s+", text):
        for word in re.findall(r"(?<=\s)[A-Z][a-zA-Z'\-]+", " " + sent)[1:]:
            w = word.rstrip("'s").rstrip("'")
            if w not in RESTATE_CAPITALS and w.lower() not in own:
                return f"it names \u201c{w}\u201d, which is not in your words"
    return None


class RestatingWriter:
    """The local model's narrow job: restate the person's own account as clear first-person prose. Everything else
    (the law, the dates, the findings, the remedies, the ask) is the template's, and the restatement is used only
    when `check_restatement` passes; otherwise the person's own words stay and the reason is told to them."""

    free_form = False  # the letter's claims are the template's: judged as the template's are

    def __init__(self, name: str, model):
        self.name = name
        self.model = model
        self._lock = threading.Lock()

    def restate(self, story: str, on_token: OnToken | None = None) -> str:
        from langchain_core.messages import HumanMessage

        words = min(220, max(60, len(story.split())))
        prompt = RESTATE_PROMPT.format(words=words, story=story.strip()[:6000])
        chunks: list[str] = []
        try:
            with self._lock:
                for chunk in self.model.stream([HumanMessage(prompt)]):
                    piece = chunk.content if isinstance(chunk.content, str) else ""
                    chunks.append(piece)
                    if on_token and piece:
                        on_token("")  # progress only: the restatement is checked before anything is shown
        except Exception as e:
            raise WriterError(f"the {self.name} writer failed: {type(e).__name__}: {first_line(e)}") from None
        return "".join(chunks).strip()

    def write(self, ctx: DraftContext, on_token: OnToken | None = None) -> str:
        f = ctx.facts
        if f.role == "parent":
            restated = self.restate(f.issue, on_token)
            why = check_restatement(f.text(), restated)
            if why is None:
                ctx.restated = restated
                ctx.advice.append(f"The {self.name} model restated your account; check it says what you meant.")
            else:
                ctx.advice.append(f"The {self.name} model's restatement of your account was not used: {why}.")
        return TemplateWriter().write(ctx, on_token)

    def refine(self, ctx: DraftContext, previous: str, instruction: str, on_token: OnToken | None = None) -> str:
        return self.write(ctx, on_token)


SIGN_OFF_RE = re.compile(
    r"^[ \t]*[*_]{0,2}(?:yours (?:faithfully|sincerely|truly)|(?:with )?(?:kind |best |warm )?regards|many thanks)\b",
    re.I | re.M,
)


def add_precedents(ctx: DraftContext, letter: str) -> str | None:
    """A model's letter that cites nothing although close precedents were found gets the template writer's
    precedent section (verbatim quotations, real citations), placed before the sign-off. None when there is
    nothing to add. Small local models often write a fluent letter and leave every source uncited."""
    section = TemplateWriter().precedents(ctx)
    if not section:
        return None
    m = SIGN_OFF_RE.search(letter)
    if m is None:
        return letter.rstrip() + "\n\n" + section + "\n"
    return letter[: m.start()].rstrip() + "\n\n" + section + "\n\n" + letter[m.start() :]
