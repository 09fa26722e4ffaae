"""Test doubles the tests share: a chat model that answers from a queue or a function and records every prompt, a
deterministic encoder, and a spy that counts what an encoder is asked to embed.

They are for tests of the plumbing (prompting, streaming, marker resolution, verification, storage), never of a
model's quality: a test that checks ranking or what a real model writes uses the real encoder or model. The fake the
product itself ships, `app.evals.fake_chat_model_for` (the eval's "fake-llm" writer), stays in app/.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from langchain_core.embeddings import DeterministicFakeEmbedding
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from pydantic import Field

__all__ = [
    "CountingEmbeddings",
    "FakeChat",
    "FakeChatError",
    "FakeEmbeddings",
    "HOSTILE_CHATS",
    "HostileChat",
    "amount_moving_chat",
    "misattributing_chat",
    "reversing_chat",
    "uncited_chat",
]


class FakeChatError(RuntimeError):
    """What a FakeChat raises when told to fail, or when it has no reply left."""


class FakeChat(GenericFakeChatModel):
    """A LangChain chat model for tests, built on langchain_core's `GenericFakeChatModel`: it streams each reply in
    whitespace-split pieces (as a real model streams tokens) and reports them to callbacks.

    - `FakeChat("first reply", "second reply")`: queued replies, one per call, in turn; running out is an error.
    - `FakeChat(reply=fn)`: every reply computed from the prompt, `fn(prompt) -> text`, where the prompt is every
      message's content joined by newlines (a model that "obeys" whatever the prompt says).
    - `seen`: every conversation it was given, one `[(message type, content), ...]` per call; `prompts`: the same,
      each joined into one string.
    - `fail_at_chunk=n`: raises `FakeChatError` when about to stream piece `n` (a model failing mid-letter).
    """

    reply: Callable[[str], str] | None = None
    fail_at_chunk: int | None = None
    seen: list[list[tuple[str, str]]] = Field(default_factory=list)

    def __init__(self, *replies: str, **kwargs: Any):
        kwargs.setdefault("messages", iter([AIMessage(content=r) for r in replies]))
        super().__init__(**kwargs)

    @property
    def prompts(self) -> list[str]:
        return ["\n".join(content for _, content in turn) for turn in self.seen]

    def _generate(self, messages: list[BaseMessage], stop=None, run_manager=None, **kwargs: Any) -> ChatResult:
        turn = [(m.type, str(m.content)) for m in messages]
        self.seen.append(turn)
        if self.reply is not None:
            text = self.reply("\n".join(content for _, content in turn))
            return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])
        try:
            return super()._generate(messages, stop=stop, run_manager=run_manager, **kwargs)
        except StopIteration:
            raise FakeChatError(f"FakeChat has no reply left for call {len(self.seen)}") from None

    def _stream(self, messages: list[BaseMessage], stop=None, run_manager=None, **kwargs: Any):
        for n, chunk in enumerate(super()._stream(messages, stop=stop, run_manager=run_manager, **kwargs)):
            if n == self.fail_at_chunk:
                raise FakeChatError(f"FakeChat failed at streamed piece {n}, as told")
            yield chunk

    @property
    def _llm_type(self) -> str:
        return "precedent-tests-fake-chat"


class FakeEmbeddings(DeterministicFakeEmbedding):
    """A deterministic encoder built on langchain_core's `DeterministicFakeEmbedding`: the same text always gets the
    same unit vector (seeded by its sha256), different texts unrelated ones, at all-MiniLM-L6-v2's width. It knows
    nothing of meaning, so it is only for tests where the vectors' quality does not matter. It has no `fingerprint`:
    an index it writes records no encoder and checks none."""

    size: int = 384

    def _get_embedding(self, seed: int) -> list[float]:
        v = super()._get_embedding(seed)
        norm = math.sqrt(sum(x * x for x in v)) or 1.0
        return [float(x) / norm for x in v]


class CountingEmbeddings:
    """Wraps an encoder and counts what it is asked to embed (proves unchanged files are not embedded again)."""

    def __init__(self, inner):
        self.inner = inner
        self.document_calls = 0
        self.texts = 0
        self.query_calls = 0

    @property
    def fingerprint(self):  # the index records which encoder wrote its vectors
        return getattr(self.inner, "fingerprint", None)

    def embed_documents(self, texts):
        self.document_calls += 1
        self.texts += len(texts)
        return self.inner.embed_documents(texts)

    def embed_query(self, text):
        self.query_calls += 1
        return self.inner.embed_query(text)

    def reset(self) -> None:
        self.document_calls = self.texts = self.query_calls = 0


# ----------------------------------------------------------------------------- hostile chat models (issue 13)
#
# Each reads the prompt a `ChatWriter` sends (the facts block's "- Council: ..." and the numbered sources "[S1]
# Nottinghamshire County Council (decided 8 March 2024), paragraph 19:\n<excerpt>") and writes a letter whose quotations
# are verbatim and whose citations are real and given, so that only the claim checks (app/claims.py) can see what is
# wrong. `planted` (a phrase of the bad sentence) lets a test find the sentence that must be marked.


class HostileChat(FakeChat):
    """A `FakeChat` that plants one bad claim in its letter; `planted` is a phrase of that sentence."""

    planted: str = ""


@dataclass
class PromptSource:
    key: str  # "S3"
    organisation: str
    text: str  # the excerpt the model was shown (verbatim sentences of the paragraph)

    def sentences(self) -> list[str]:
        """Whole sentences of the excerpt that quote cleanly: 6 to 40 words, no quotation marks or colons."""
        out = []
        for s in re.split(r"(?<=[.!?])\s+(?=[A-Z])", self.text.removeprefix("... ").removesuffix(" ...")):
            s = s.strip().rstrip(".")
            if 6 <= len(s.split()) <= 40 and not re.search(r"[\"“”:;]", s):
                out.append(s)
        return out


SOURCE_LINE = re.compile(
    r"^\[(?P<key>S\d+)\] (?P<org>.+?)(?: \(decided [^)]*\))?, (?:summary|paragraph \S+):\n(?P<text>.+)$", re.M
)


def prompt_sources(prompt: str) -> list[PromptSource]:
    return [PromptSource(m["key"], m["org"], m["text"]) for m in SOURCE_LINE.finditer(prompt)]


def prompt_council(prompt: str) -> str:
    m = re.search(r"^- Council: (.+)$", prompt, re.M)
    return m.group(1).strip() if m else "the Council"


def _letter(council: str, middle: str) -> str:
    return (
        f"**Formal complaint (stage 1)**\n\nI am writing to complain about {council}. My child has had no occupational "
        f"therapy since September 2024, although his plan requires it.\n\n{middle}\n\nI ask for the therapy to start "
        "within four weeks and an apology.\n\nYours faithfully,\n\nParent of T\n"
    )


def _other_council(prompt: str) -> tuple[str, PromptSource, str]:
    """The user's council and a source about another council, with a sentence to quote from it."""
    council = prompt_council(prompt)
    mine = set(council.lower().split()) - {"city", "county", "borough", "council", "of", "the"}
    for src in prompt_sources(prompt):
        theirs = set(src.organisation.lower().split())
        if not mine & theirs and src.sentences():
            return council, src, src.sentences()[0]
    raise FakeChatError("no source about another council in the prompt")


def misattributing_chat() -> HostileChat:
    """(a) Pins another council's decision on the user's council: "The Ombudsman has already found that Liverpool City
    Council ...: “<words from a Nottinghamshire decision>” [S2]"."""

    def reply(prompt: str) -> str:
        council, src, quote = _other_council(prompt)
        return _letter(
            council,
            f"The Ombudsman has already found that {council} let a family down in this way: \u201c{quote}\u201d [{src.key}].",
        )

    return HostileChat(reply=reply, planted="has already found that")


def reversing_chat() -> HostileChat:
    """(b) Reverses a finding: cites a paragraph that finds fault for "the delay ... was not unreasonable"."""

    def reply(prompt: str) -> str:
        src = next(
            (s for s in prompt_sources(prompt) if re.search(r"\b(?:is|was) (?:also )?fault\b|\bat fault\b", s.text)),
            None,
        )
        if src is None:
            raise FakeChatError("no source finding fault in the prompt")
        return _letter(
            prompt_council(prompt),
            f"In a similar case the Ombudsman concluded that the council's delay was not unreasonable [{src.key}].",
        )

    return HostileChat(reply=reply, planted="was not unreasonable")


def amount_moving_chat() -> HostileChat:
    """(c) Moves an amount between councils: quotes one decision's award, then gives the same sum to another council's
    decision, citing that one (the letter-wide check sees the sum in a cited paragraph and passes it)."""

    def reply(prompt: str) -> str:
        sources = prompt_sources(prompt)
        for a in sources:
            for quote in a.sentences():
                amount = re.search(r"£[\d,]+(?:\.\d\d)?", quote)
                if not amount:
                    continue
                b = next(
                    (s for s in sources if s.organisation != a.organisation and amount.group(0) not in s.text), None
                )
                if b is None:
                    continue
                return _letter(
                    prompt_council(prompt),
                    f"On the remedy, the Ombudsman said: \u201c{quote}\u201d [{a.key}]. In a complaint against "
                    f"{b.organisation}, the Ombudsman awarded {amount.group(0)} for the same failings [{b.key}].",
                )
        raise FakeChatError("no sum of money in the prompt's sources")

    return HostileChat(reply=reply, planted="for the same failings")


def uncited_chat() -> HostileChat:
    """(d) Writes claims about what the Ombudsman found with no citation of their own, beside one that is cited."""

    def reply(prompt: str) -> str:
        src = next(s for s in prompt_sources(prompt) if s.sentences())
        return _letter(
            prompt_council(prompt),
            f"The Ombudsman has said: \u201c{src.sentences()[0]}\u201d [{src.key}]. The Ombudsman also found that the "
            "council ignored the family's emails for months and recommended an apology.",
        )

    return HostileChat(reply=reply, planted="ignored the family's emails")


HOSTILE_CHATS: dict[str, Callable[[], HostileChat]] = {
    "misattribution": misattributing_chat,
    "reversed finding": reversing_chat,
    "moved amount": amount_moving_chat,
    "uncited claim": uncited_chat,
}


def desk_engine(settings, embeddings):
    """The real `Engine`, except that `engine.fakes[name] = made_writer` stands in for the writer of that name."""
    from app.engine import Engine

    class _DeskEngine(Engine):
        def __init__(self, *a, **kw):
            super().__init__(*a, **kw)
            self.fakes: dict = {}

        def writer(self, llm=None, chat_model=None):
            name = llm or self.settings.llm
            return self.fakes[name] if name in self.fakes else super().writer(llm, chat_model)

    return _DeskEngine(settings, embeddings=embeddings)
