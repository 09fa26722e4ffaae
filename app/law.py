"""The law as a citable source: how a law extract is named and cited, and the register of provisions letters rely on.

A law extract in `corpus/law/` is a document whose id is its citation name, `"{instrument}, {provision}"`
(`"Education Act 1996, s 19"`), and whose paragraphs are numbered as the source numbers them (`"(1)"`, `"13(2)"`,
`"9.166"`). `law_label(doc_id, para)` gives the pinpoint a letter cites (`"Education Act 1996, s 19(1)"`), and
`instrument_name` maps the many ways an instrument is written to the one short name (`INSTRUMENTS`).

The register (`app/data/law_register.yaml`) lists the provisions a letter may name: what each requires, its timescale,
and where its words are really held (`Held`: a law extract's paragraph, or an Ombudsman decision paragraph that states
it). A provision with no held words is cited by name only, never quoted. `named_provisions(text)` finds every
provision a letter names, with its register entry or None when the register does not hold it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Callable

import yaml

from .errors import UserError

# ----------------------------------------------------------------------------- instruments

REGISTER_FILE = Path(__file__).resolve().parent / "data" / "law_register.yaml"


@cache
def _data() -> dict:
    return yaml.safe_load(REGISTER_FILE.read_text(encoding="utf-8"))


def _instruments() -> dict[str, list[str]]:
    """Short name -> the ways it is written (the short name first)."""
    return {short: [short, *(aliases or [])] for short, aliases in _data()["instruments"].items()}


INSTRUMENTS: dict[str, list[str]] = _instruments()
_ALIASES: list[tuple[str, str]] = sorted(
    ((alias, short) for short, aliases in INSTRUMENTS.items() for alias in aliases), key=lambda t: -len(t[0])
)
# an alias as written in running text: "the Education Act 1996", "SEND Regs 2014" (any case, spaces folded)
_ALIAS_RE = re.compile(
    "|".join(r"\b" + r"\s+".join(map(re.escape, a.split())) + r"(?![\w])" for a, _ in _ALIASES), re.I
)


def instrument_name(text: str) -> str | None:
    """The short name of the instrument `text` names (the longest alias found in it), or None."""
    m = _ALIAS_RE.search(text)
    if not m:
        return None
    found = " ".join(m.group(0).split()).lower()
    return next(short for alias, short in _ALIASES if alias.lower() == found)


# ----------------------------------------------------------------------------- labels

PROVISION_RE = re.compile(r"^(?P<unit>s|reg|regs|r|Sch|para|paras|page)\s+(?P<num>\S.*)$")
_UNIT_WORDS = [
    (r"\bsections?\b|\bss?\b\.?", "s"),
    (r"\bregulations?\b|\bregs?\b\.?", "reg"),
    (r"\brules?\b|\br\b\.?", "r"),
    (r"\bschedule\b|\bsch\b\.?", "sch"),
    (r"\bparagraphs?\b|\bparas?\b\.?|¶", "para"),
    (r"\bpages?\b|\bp\b\.?", "page"),
]


def split_law_id(doc_id: str) -> tuple[str, str] | None:
    """("Education Act 1996", "s 19") for a law extract's id; None for a decision's."""
    instrument, sep, provision = doc_id.partition(", ")
    return (instrument, provision) if sep and PROVISION_RE.match(provision) else None


def law_label(doc_id: str, para: str) -> str | None:
    """How a letter cites paragraph `para` of law extract `doc_id`: "Education Act 1996, s 19(1)",
    "SEND Regulations 2014, reg 13(2)", "SEND Code of Practice 2015, para 9.166"; None if `doc_id` is not law."""
    parts = split_law_id(doc_id)
    if parts is None:
        return None
    instrument, provision = parts
    m = PROVISION_RE.match(provision)
    assert m
    unit, num = m.group("unit"), m.group("num")
    if unit == "s":
        section = re.match(r"\d+[A-Z]*", num)
        pin = f"s {section.group(0) if section else num}{para}" if para.startswith("(") else f"s {para}"
    elif unit in ("reg", "regs"):
        pin = f"reg {para}"
    elif unit == "r":
        pin = f"r {para}"
    elif unit == "Sch":
        pin = f"Sch {num.split()[0]} para {para}"
    elif unit == "page":
        pin = f"page {para}"
    else:
        pin = f"para {para}"
    return f"{instrument}, {pin}"


def cite_text(doc_id: str, para: str) -> str:
    """The bracketed citation of any held paragraph: `[Education Act 1996, s 19(1)]`, `[24 004 187, para 19]`."""
    label = law_label(doc_id, para)
    if label is not None:
        return f"[{label}]"
    return f"[{doc_id}, summary]" if para == "summary" else f"[{doc_id}, para {para}]"


def pinpoint_key(pinpoint: str) -> str:
    """A pinpoint folded for comparison: "section 19 (1)", "s.19(1)" and "s 19(1)" all give "s19(1)"."""
    s = pinpoint.strip().lower()
    for pattern, unit in _UNIT_WORDS:
        s = re.sub(pattern, unit, s)
    return re.sub(r"[\s.]+(?=[\w(])|\s+", "", s).replace("–", "-")


# ----------------------------------------------------------------------------- the register


@dataclass(frozen=True)
class Held:
    """Where a provision's words are held."""

    cite: str  # "[Education Act 1996, s 19(1)]" or "[24 012 399, para 10]"
    doc_id: str
    para: str
    quote: str  # a verbatim sentence (or clause) of that paragraph carrying the duty
    builtin: bool  # in corpus/ (always indexed) or only in ../shared/corpus (indexed in tests and evals)


@dataclass(frozen=True)
class Provision:
    id: str  # "EA1996-s19"
    instrument: str  # "Education Act 1996"
    number: str  # "s 19" | "reg 13" | "para 6.2"
    name: str  # how a letter names it without a quote: "section 19 of the Education Act 1996"
    kind: str  # "statute" | "regulations" | "statutory guidance" | "ombudsman guidance" | "procedure rules"
    requires: str  # what it requires, in our words, one sentence
    timescale: str | None  # "within 20 weeks of the request"
    held: tuple[Held, ...]  # may be empty: then cite by name only, never quote


class UnknownProvision(UserError, KeyError):
    """A register id that is not in the register."""

    def __str__(self) -> str:  # KeyError would quote the message
        return self.args[0]


def _load_register() -> tuple[dict[str, Provision], dict[str, str]]:
    register: dict[str, Provision] = {}
    aliases: dict[str, str] = {}
    for entry in _data()["provisions"]:
        if entry["instrument"] not in INSTRUMENTS:
            raise ValueError(f"law register: {entry['id']}: unknown instrument {entry['instrument']!r}")
        held = tuple(
            Held(cite_text(h["doc"], str(h["para"])), h["doc"], str(h["para"]), h["quote"], bool(h["builtin"]))
            for h in entry.get("held") or []
        )
        register[entry["id"]] = Provision(
            entry["id"],
            entry["instrument"],
            entry["number"],
            entry["name"],
            entry["kind"],
            " ".join(entry["requires"].split()),
            entry.get("timescale"),
            held,
        )
        for alias in entry.get("aliases") or []:
            aliases[alias] = entry["id"]
    return register, aliases


REGISTER, _ID_ALIASES = _load_register()


def provision(pid: str) -> Provision:
    """The register entry `pid` names (a register id, or an older alias such as "CA-Reps-reg14")."""
    p = REGISTER.get(pid) or REGISTER.get(_ID_ALIASES.get(pid, ""))
    if p is None:
        raise UnknownProvision(f"no provision {pid!r} in the law register (app/data/law_register.yaml)")
    return p


@cache
def held_places() -> frozenset[tuple[str, str]]:
    """Every (doc_id, para) the register holds a provision's words in: the paragraphs that carry a duty."""
    return frozenset((h.doc_id, h.para) for p in REGISTER.values() for h in p.held)


def held_quote(pid: str, indexed: Callable[[str], bool] | None = None) -> Held | None:
    """The first place the provision's words are held whose document is indexed (any, when `indexed` is None)."""
    for h in provision(pid).held:
        if indexed is None or indexed(h.doc_id):
            return h
    return None


# ----------------------------------------------------------------------------- provisions a letter names


@dataclass(frozen=True)
class Named:
    """One provision a text names: where, the words, and the register entry (None: the register does not hold it)."""

    start: int
    end: int
    text: str
    provision: Provision | None


def _number_key(unit: str, number: str) -> tuple[str, str]:
    """("s", "19") for "s 19(1)": the unit and the bare section/regulation/paragraph number."""
    unit = pinpoint_key(unit)
    unit = {"ss": "s", "regs": "reg", "paras": "para"}.get(unit, unit)
    bare = re.match(r"\d+(?:\.\d+)?[A-Z]*", number.strip(), re.I)
    return unit, (bare.group(0).upper() if bare else number.strip())


@cache
def _by_number() -> dict[tuple[str, str, str], Provision]:
    """(instrument, unit, number) -> provision, from the register's numbers ("regs 13 to 18" gives each of 13..18)."""
    out: dict[tuple[str, str, str], Provision] = {}
    for p in REGISTER.values():
        m = re.match(r"^(\w+)\s+(.+)$", p.number)
        if not m:
            continue
        unit, number = m.groups()
        if unit.lower() == "sch":
            out[(p.instrument, "sch", number.split()[0].upper())] = p
            continue
        u, bare = _number_key(unit, number)
        out[(p.instrument, u, number.strip().upper())] = p  # "s 17(10)" is its own entry
        out.setdefault((p.instrument, u, bare), p)
    return out


def _lookup(instrument: str, unit: str, number: str) -> Provision | None:
    """The register entry for "s 17(10)" of an instrument: the exact number, else the bare section ("s 17")."""
    u, bare = _number_key(unit, number)
    table = _by_number()
    return table.get((instrument, u, number.strip().upper())) or table.get((instrument, u, bare))


_UNIT = r"(?:sections?|ss?\.?|regulations?|regs?\.?|rules?|r\.?|schedule|sch\.?|paragraphs?|paras?\.?)"
_NUM = r"\d+(?:\.\d+)?[A-Z]{0,2}(?:\(\w{1,3}\))*"
_NUMS = rf"{_NUM}(?:\s*(?:,|and|or|to|-|–)\s*{_NUM})*"
_INST = (
    # greedy, so that "the Children Act 1989 Representations Procedure (England) Regulations 2006" is one name, not
    # "the Children Act 1989"; a bracket is only a word in brackets ("(England)"), not the start of an aside
    r"(?:the\s+)?(?P<inst>(?-i:[A-Z][\w’'&-]*(?:\s+(?:[A-Z][\w’'&:-]*|\([A-Z][\w ]*\)|and|of|for|the|to|with|in|on|\d+))*"
    r"\s+(?:Act|Regulations|Regs|Rules|Code(?:\s+of\s+Practice)?))(?:\s+(?:19|20)\d\d)?)"
)
NAMED_RE = re.compile(
    # [Education Act 1996, s 19(1)]
    rf"\[(?P<binst>[^\[\],\n]{{3,90}}?),\s*(?P<bunit>{_UNIT})\s*(?P<bnum>{_NUM})(?:\s*paras?\s*{_NUM})?\]"
    # section 19 of the Education Act 1996 / regs 13 to 18 of the Special Guardianship Regulations 2005
    rf"|(?<![\w\[’'])(?P<unit>{_UNIT})\s*(?P<nums>{_NUMS})(?:\s+(?:(?:of|under)\s+)?{_INST}"
    # Education Act 1996, section 19 (the Ombudsman's style)
    rf"|(?P<bare>))"
    rf"|{_INST.replace('inst', 'ainst')},?\s+(?P<aunit>{_UNIT})\s*(?P<anums>{_NUMS})",
    re.I,
)


def _expand(nums: str) -> list[str]:
    """ "13 to 18" -> 13..18; "13, 14 and 16" -> each."""
    out: list[str] = []
    for part in re.split(r"\s*(?:,|and|or)\s*", nums):
        m = re.match(r"^(\d+)\s*(?:to|-|–)\s*(\d+)$", part.strip())
        if m and int(m.group(2)) - int(m.group(1)) < 30:
            out += [str(n) for n in range(int(m.group(1)), int(m.group(2)) + 1)]
        elif part.strip():
            out.append(part.strip())
    return out


def named_provisions(text: str) -> list[Named]:
    """Every provision `text` names, in order, each with its register entry or None when the register does not hold
    it. A bare "s19" or "reg 22" is read against the instrument named nearest before it, else against the one
    instrument whose provision has that number; a bare number no instrument can be found for is left out."""
    found: list[Named] = []
    last_instrument: str | None = None
    for m in NAMED_RE.finditer(text):
        g = m.groupdict()
        if g["binst"] is not None:
            inst_text, unit, nums = g["binst"], g["bunit"], g["bnum"]
        elif g["ainst"] is not None:
            inst_text, unit, nums = g["ainst"], g["aunit"], g["anums"]
        else:
            inst_text, unit, nums = g["inst"], g["unit"], g["nums"]
        instrument = instrument_name(inst_text) if inst_text else None
        if inst_text and instrument is None and not re.search(r"\b(Act|Regulations|Rules)\s+(19|20)\d\d\b", inst_text):
            inst_text = None  # "under the council's Code": not an instrument
        for number in _expand(nums):
            key = _number_key(unit, number)
            if inst_text:
                p = _lookup(instrument, unit, number) if instrument else None
                found.append(Named(m.start(), m.end(), m.group(0), p))
                continue
            candidates = list({p.id: p for (_i, u, n), p in _by_number().items() if (u, n) == key}.values())
            near = [p for p in candidates if p.instrument == last_instrument]
            if near:
                found.append(Named(m.start(), m.end(), m.group(0), near[0]))
            elif len({p.instrument for p in candidates}) == 1:
                found.append(Named(m.start(), m.end(), m.group(0), candidates[0]))
        if instrument:
            last_instrument = instrument
    return found
