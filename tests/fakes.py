"""Test doubles the tests share: a chat model that answers from a queue or a function and records every prompt, a
deterministic encoder, and a spy that counts what an encoder is asked to embed.

They are for tests of the plumbing (prompting, streaming, marker resolution, verification, storage), never of a
model's quality: a test that checks ranking or what a real model writes uses the real encoder or model. The fake the
product itself ships, `app.evals.fake_chat_model_for` (the eval's "fake-llm" writer), stays in app/.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from langchain_core.embeddings import DeterministicFakeEmbedding
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from pydantic import Field

__all__ = ["CountingEmbeddings", "FakeChat", "FakeChatError", "FakeEmbeddings"]


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
