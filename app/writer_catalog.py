"""Which writers there are: each one's name, the label a person chooses it by, a one-line description, whether it is
experimental, and the optional package it needs. Data only (no app imports), so settings, the CLI and the web app
read it without loading the drafting code; `app.writers.WRITERS` joins each entry to the factory that makes it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

WriterName = Literal["template", "local", "ollama", "openai"]


@dataclass(frozen=True)
class WriterInfo:
    name: WriterName
    label: str  # what the web app shows beside the choice
    description: str  # one line, for --help and the settings
    experimental: bool
    extra: str | None = None  # the `pip install 'precedent[extra]'` that provides its package, when optional
    package: str | None = None  # the optional package that extra installs


CATALOG: dict[str, WriterInfo] = {
    "template": WriterInfo(
        "template",
        "Template (recommended: fast, quotes the decisions word for word)",
        "deterministic prose around verbatim quotations; no model",
        experimental=False,
    ),
    "local": WriterInfo(
        "local",
        "Local model (experimental: restates your account in clearer words; the law and precedents are unchanged)",
        "the packaged Qwen2.5 model through llama.cpp, on this computer: it restates your own account, checked so that "
        "it adds no name, date, number or council you did not give",
        experimental=True,
    ),
    "ollama": WriterInfo(
        "ollama",
        "Ollama (experimental: a model your Ollama server runs; may misword)",
        "a model an Ollama server runs, at PRECEDENT_OLLAMA_URL",
        experimental=True,
        extra="ollama",
        package="langchain-ollama",
    ),
    "openai": WriterInfo(
        "openai",
        "OpenAI-compatible server (experimental: sends the facts to that server; may misword)",
        "any OpenAI-compatible server, at PRECEDENT_OPENAI_BASE_URL",
        experimental=True,
        extra="openai",
        package="langchain-openai",
    ),
}
assert tuple(CATALOG) == get_args(WriterName), "every writer name is catalogued once, in the Literal's order"


def names_text() -> str:
    """'template, local, ollama or openai'."""
    names = list(CATALOG)
    return ", ".join(names[:-1]) + " or " + names[-1]


def unknown_writer(name: object) -> str:
    """The one-line message for a writer name that is not in the catalogue."""
    return f"unknown writer {name!r}: use {names_text()}"


def settings_help() -> str:
    """What `Settings.llm` (PRECEDENT_LLM) and `--llm` say about the choice."""
    return "which writer drafts letters: " + "; ".join(f"{i.name} ({i.description})" for i in CATALOG.values())
