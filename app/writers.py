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

from .draft_types import DraftContext, Point, quote_of
from .errors import UserError
from .gguf import ModelCorrupt, ModelMissing, load_chat_model
from .law import split_law_id
from .models import Hit
from .quoting import QUOTABLE_SENTENCE_SPLIT, cite_label
from .settings import Settings
from .text import first_line, long_date
from .writer_catalog import CATALOG, WriterInfo, unknown_writer

PROMPTS = Path(__file__).resolve().parent.parent / "prompts"
STAGE_TITLE = {
    "council-stage-1": "Formal complaint (stage 1)",
    "council-stage-2": "Request to escalate my complaint to stage 2",
    "ombudsman": "Complaint to the Local Government and Social Care Ombudsman",
    "response": "Response to your complaint",
}


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


def _when(h: Hit) -> str:
    if not h.decision_date:
        return ""
    return f" (decided {long_date(h.decision_date)})"


def _sentence(text: str) -> str:
    """The user's words as a sentence: first letter capitalised, one full stop. Nothing else changes."""
    t = text.strip().rstrip(".")
    return (t[:1].upper() + t[1:] + ".") if t else ""


def _who(h: Hit) -> str:
    return h.organisation or "a council"


def _support(ctx: DraftContext, h: Hit | None, lead: str) -> str:
    """One sentence citing `h`, quoting its most relevant sentence verbatim when there is one."""
    if h is None:
        return ""
    q = quote_of(ctx, h)
    label = cite_label(h)
    if q:
        return f"{lead} \u201c{q}\u201d {label}."
    return ""  # nothing quotable: say nothing rather than cite a paragraph for words it does not contain


class TemplateWriter:
    name = "template"

    def write(self, ctx: DraftContext, on_token: OnToken | None = None) -> str:
        text = self._officer(ctx) if ctx.facts.role == "officer" else self._parent(ctx)
        if on_token:
            for piece in re.split(r"(?<=\n)", text):
                on_token(piece)
        return text

    def refine(self, ctx: DraftContext, previous: str, instruction: str, on_token: OnToken | None = None) -> str:
        return self.write(ctx, on_token)  # the instruction was applied to the facts (app.facts.refine_facts)

    # -------------------------------------------------------------- parent
    def _parent(self, ctx: DraftContext) -> str:
        f = ctx.facts
        child = f.child or "my child"
        council = f.council or "the Council"
        stage = f.stage or "council-stage-1"
        parent_of = f"the parent of {f.child}" if f.child else "a parent"
        out: list[str] = []
        if stage == "ombudsman":
            out.append("To the Local Government and Social Care Ombudsman")
        else:
            out.append(f"To the complaints team, {council}")
        out.append(
            f"**{STAGE_TITLE[stage]}: {(f.child + chr(39) + 's') if f.child else 'my child' + chr(39) + 's'} special educational needs and support**"
        )
        intro = {
            "council-stage-1": f"I am writing as {parent_of} to make a formal complaint about {council}.",
            "council-stage-2": f"I am writing as {parent_of}. I am not satisfied with the council's response to my complaint and ask for it to be considered at stage 2 of the complaints procedure.",
            "ombudsman": f"I am writing as {parent_of} to complain about {council}. I have completed the council's complaints procedure and remain dissatisfied.",
        }[stage]
        out.append(intro)
        if f.provision:
            out.append(f"**What {child}'s plan requires.** The EHC Plan says: {f.provision.rstrip('.')}.")
        since = f" This has been the case since {f.since_words}." if f.since_words else ""
        out.append(f"**What has gone wrong.** {_sentence(f.issue)}{since}")
        if f.contacts:
            contacts = "; ".join(c.rstrip(".;") for c in f.contacts)
            out.append(f"**What I have done to resolve this.** {contacts}.")
        if f.impact:
            out.append(f"**The impact.** {_sentence(f.impact)}")
        section = self.precedents(ctx)
        if section:
            out.append(section)
        else:
            why = (
                f" (the decisions Precedent holds are about special educational needs and children's services, not {ctx.outside})"
                if ctx.outside
                else ""
            )
            out.append(
                f"I have not found a published Ombudsman decision close enough to these facts to cite{why}, so I do not rely on "
                "any precedent here; I ask the council to consider my complaint on its own facts."
            )
        asks = f.outcome_sought.rstrip(".") + "." if f.outcome_sought else self._default_asks(ctx)
        out.append(f"**What I am asking for.** {asks}")
        deadline = {
            "council-stage-1": "Please acknowledge this complaint and reply within the timescale your complaints procedure sets (often 10 to 20 working days).",
            "council-stage-2": "Please confirm who will investigate at stage 2 and when I can expect the council's final response.",
            "ombudsman": "I would be grateful if the Ombudsman would investigate. I can provide copies of the plan and my correspondence with the council.",
        }[stage]
        if not ctx.short:
            out.append(deadline)
        nxt = {
            "council-stage-1": "If I am not satisfied with the council's response, I will ask for my complaint to go to stage 2, and then to the Local Government and Social Care Ombudsman, who normally expects complaints within 12 months of when I became aware of the problem.",
            "council-stage-2": "If the council's final response does not put this right, I will complain to the Local Government and Social Care Ombudsman, who normally expects complaints within 12 months of when I became aware of the problem.",
            "ombudsman": "I understand the Ombudsman normally considers complaints made within 12 months of when the complainant became aware of the problem; I have pursued this with the council without delay.",
        }[stage]
        out.append(f"**Next steps.** {nxt}")
        out.append("Yours faithfully,\n\n" + (f"Parent of {f.child}" if f.child else "[Your name]"))
        return "\n\n".join(s for s in out if s)

    def precedents(self, ctx: DraftContext) -> str:
        """The letter's precedent section (a heading, then each close issue's duty, findings and remedy, quoted and
        cited), or "" when no issue has a close precedent."""
        close_points = [p for p in ctx.points if p.close and p.hits()]
        if not close_points:
            return ""
        heading = (
            "**What the Ombudsman has said in comparable cases.**"
            if ctx.facts.role == "officer"
            else "**The council's duties and what the Ombudsman has found in similar cases.**"
        )
        return "\n\n".join([heading, *(self._point(ctx, p) for p in close_points)])

    def _point(self, ctx: DraftContext, p: Point) -> str:
        """One issue: the duty in plain words, then the law, a finding and a remedy, each quoted and cited."""
        lines = [f"*{p.issue.title}.* {p.issue.duty}".strip()]
        if ctx.short:  # the shorter letter keeps one finding per point
            lines.append(
                _support(ctx, p.finding or p.duty or p.remedy, "The Ombudsman has found fault in a similar case:")
            )
            return " ".join(x for x in lines if x)
        if p.duty:
            law = split_law_id(p.duty.doc_id)  # an extract of the law itself is not the Ombudsman's words
            lead = f"In the words of the {law[0]}:" if law else "The Ombudsman has explained the law in these terms:"
            lines.append(_support(ctx, p.duty, lead))
        if p.finding:
            lines.append(
                _support(
                    ctx, p.finding, f"In a complaint against {_who(p.finding)}{_when(p.finding)}, the Ombudsman found:"
                )
            )
        if p.another:
            lines.append(
                _support(
                    ctx,
                    p.another,
                    f"In another complaint, against {_who(p.another)}{_when(p.another)}, the Ombudsman found:",
                )
            )
        if p.remedy:
            lines.append(
                _support(
                    ctx,
                    p.remedy,
                    f"On the remedy, in a complaint against {_who(p.remedy)}{_when(p.remedy)}, the Ombudsman said:",
                )
            )
        return " ".join(x for x in lines if x)

    def _default_asks(self, ctx: DraftContext) -> str:
        asks = ["an apology"]
        labels = {p.issue.label for p in ctx.points}
        if "section_f_provision" in labels:
            asks.append("confirmation of when all the provision in Section F will be in place and who will deliver it")
            asks.append(
                "a payment to recognise the provision that has been missed, in line with the Ombudsman's guidance"
            )
        if "annual_review" in labels:
            asks.append("the review to be completed and the amended plan issued without further delay")
        if "needs_assessment" in labels:
            asks.append("the assessment to be completed and a decision issued without further delay")
        if "out_of_school" in labels:
            asks.append("suitable full-time education to be arranged now")
        if "transport" in labels:
            asks.append("suitable transport to be arranged now")
        if labels & {"complaint_handling", "communication"}:
            asks.append("a named officer to keep me updated")
        return "I ask the council for " + ", ".join(asks[:-1]) + (", and " if len(asks) > 1 else "") + asks[-1] + "."

    # -------------------------------------------------------------- officer
    def _officer(self, ctx: DraftContext) -> str:
        f = ctx.facts
        child = f.child or "your child"
        council = f.council or "the Council"
        out = [f"**{STAGE_TITLE['response']}** ({council})", "Dear complainant,"]
        words = " ".join(f.issue.split())
        out.append(
            f"**Your complaint as we understand it.** You wrote: \u201c{words}\u201d"
            + (f" You say this began in {f.since_words}." if f.since_words else "")
        )
        if f.provision:
            out.append(f"**What the plan requires.** {child}'s EHC Plan says: {f.provision.rstrip('.')}.")
        section = self.precedents(ctx)
        if section:
            out.append(section)
            out.append(
                "**Our position on fault.** [Officer to confirm against our records.] If our records confirm the facts above, "
                "the council accepts that this was fault, consistent with the decisions cited."
            )
            pay = self._remedy_sentence(ctx)
            out.append(f"**Remedy.** We apologise for the distress, time and trouble this has caused.{pay}")
        else:
            out.append(
                "**Precedent.** We have not found a published Ombudsman decision close enough to these facts to rely on, so "
                "we have considered your complaint on its own facts. [Officer to set out the council's findings.]"
            )
        out.append(
            "**If you are not satisfied.** You can ask for your complaint to be considered at the next stage of our "
            "complaints procedure. After that, you can complain to the Local Government and Social Care Ombudsman, "
            "who normally expects complaints within 12 months of when you became aware of the problem."
        )
        out.append("Yours sincerely,\n\nComplaints and Resolution Team")
        return "\n\n".join(out)

    def _remedy_sentence(self, ctx: DraftContext) -> str:
        """The remedy comes from the remedy paragraph chosen for one of this complaint's own issues, quoted."""
        for p in ctx.points:
            h = p.remedy
            q = quote_of(ctx, h) if (p.close and h is not None) else None
            if q and "£" in q:
                return (
                    f" We propose a payment in line with comparable decisions, to be confirmed once our records are checked; "
                    f"in a complaint against {_who(h)}{_when(h)} about {p.issue.title.lower()}, the Ombudsman said: \u201c{q}\u201d {cite_label(h)}."
                )
        return " [Officer to propose a remedy in line with the Ombudsman's guidance on remedies and the table below.]"


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
    at = next((i for i, x in enumerate(sents) if focus and " ".join(focus.split()) in x), 0)
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
        ("Stage", STAGE_TITLE.get(f.stage or "", f.stage or "")),
        ("Council", f.council),
        ("Child", f.child),
        ("What went wrong", f.issue),
        ("What the plan says", f.provision),
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


SECTIONS = {
    "1_opening": 260,
    "2_precedents": 380,
    "3_closing": 160,
}  # part -> most tokens it may take (~600 words in all)


class ChatWriter:
    """Any LangChain chat model. Streams tokens to `on_token`.

    `sectioned` (the local model): the letter is written in three turns of one conversation: the opening from the
    facts alone, then what the Ombudsman found once the sources are given, then the asks and sign-off. A small
    model cites far more reliably when citing is the whole of its task, and the first words stream after only the
    facts are read: llama.cpp keeps the conversation so far in its cache, so each turn reads just its new text."""

    def __init__(self, name: str, model, sectioned: bool = False):
        self.name = name
        self.model = model
        self.sectioned = sectioned
        # a llama.cpp model must not run two generations at once; re-entrant, so a sectioned letter holds it across
        # its three turns (interleaved with another letter's, each turn would re-read the whole conversation)
        self._lock = threading.RLock()

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
        if self.sectioned:
            return self._write_sections(ctx, on_token)
        messages, smap = self._messages(ctx)
        return resolve_source_markers(self._run(messages, on_token), smap)

    def _write_sections(self, ctx: DraftContext, on_token=None) -> str:
        from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

        role = "officer" if ctx.facts.role == "officer" else "parent"
        sources, smap = sources_block(ctx)
        fill = {"facts": facts_block(ctx), "sources": sources}
        messages: list = [SystemMessage(_load_prompt("system.md"))]
        parts: list[str] = []
        budget = getattr(
            self.model, "max_tokens", None
        )  # llama.cpp's: no part may take more than its own limit or this
        with self._lock:
            for i, (section, tokens) in enumerate(SECTIONS.items()):
                if i and on_token:
                    on_token("\n\n")  # the parts stream as written (the final letter is the verified one)
                messages.append(HumanMessage(_load_prompt(f"{role}_{section}.md").format(**fill)))
                limit = {"max_tokens": min(tokens, budget)} if isinstance(budget, int) and budget > 0 else {}
                part = self._run(messages, on_token, **limit).strip()
                messages.append(AIMessage(part))
                parts.append(part)
        # part 1 has not seen the sources: a marker there cites nothing it read (part 3's are resolved and verified)
        parts[0] = re.sub(r"(?<!\S)\*\*\s*\*\*(?!\S)", "", re.sub(r"[ \t]*" + S_RE.pattern, "", parts[0])).strip()
        return resolve_source_markers("\n\n".join(parts), smap)

    def warm(self) -> None:
        """Read the fixed start of every prompt (the rules and part 1's opening words) into the model's cache, so
        the first letter waits only for its own facts. For llama.cpp; a no-op for other models."""
        llm = getattr(self.model, "client", None)
        if not self.sectioned or llm is None or not hasattr(llm, "create_chat_completion"):
            return
        head = _load_prompt("parent_1_opening.md").split("{facts}")[0]
        try:
            with self._lock:
                llm.create_chat_completion(
                    messages=[
                        {"role": "system", "content": _load_prompt("system.md")},
                        {"role": "user", "content": head},
                    ],
                    max_tokens=1,
                )
        except Exception:  # only a head start: a draft reads the same text anyway, and reports its own errors
            pass

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
    writer = ChatWriter("local", model, sectioned=True)
    writer.warm()
    return MadeWriter(writer)


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
