"""The register of provisions (STUB: replaced by the law worker's register, same interface)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Held:
    cite: str
    doc_id: str
    para: str
    quote: str
    builtin: bool


@dataclass(frozen=True)
class Provision:
    id: str
    instrument: str
    number: str
    name: str
    kind: str
    requires: str
    timescale: str | None
    held: tuple[Held, ...] = ()


def _p(pid, instrument, number, name, kind, requires, timescale=None, held=()):
    return Provision(pid, instrument, number, name, kind, requires, timescale, held)


REGISTER: dict[str, Provision] = {
    p.id: p
    for p in [
        _p(
            "EA1996-s19",
            "Education Act 1996",
            "s 19",
            "section 19 of the Education Act 1996",
            "statute",
            "the council must arrange suitable education for a child of compulsory school age who would not otherwise receive it",
        ),
        _p(
            "CFA2014-s42",
            "Children and Families Act 2014",
            "s 42",
            "section 42 of the Children and Families Act 2014",
            "statute",
            "the council must secure the special educational provision in the EHC plan",
        ),
        _p(
            "SEND2014-reg13",
            "SEND Regulations 2014",
            "reg 13",
            "regulation 13 of the SEND Regulations 2014",
            "regulations",
            "the final EHC plan must be issued within 20 weeks of the request",
            "20 weeks",
        ),
        _p(
            "SEND2014-reg20",
            "SEND Regulations 2014",
            "reg 20",
            "regulation 20 of the SEND Regulations 2014",
            "regulations",
            "the council must notify its decision within 4 weeks of the review meeting",
            "4 weeks",
        ),
        _p(
            "SEND2014-reg22",
            "SEND Regulations 2014",
            "reg 22",
            "regulation 22 of the SEND Regulations 2014",
            "regulations",
            "the final amended plan must be issued within 8 weeks of the amendment notice",
            "8 weeks",
        ),
        _p(
            "LGSCO-CHC-stage1",
            "LGSCO Complaint Handling Code",
            "para 6.3",
            "the Ombudsman's Complaint Handling Code",
            "ombudsman guidance",
            "a stage 1 response within 10 working days of acknowledgement",
            "10 working days",
        ),
    ]
}


def provision(pid: str) -> Provision | None:
    return REGISTER.get(pid)


def held_quote(pid: str, indexed: Callable[[str], bool] | None = None) -> Held | None:
    p = REGISTER.get(pid)
    if not p:
        return None
    return next((h for h in p.held if indexed is None or indexed(h.doc_id)), None)
