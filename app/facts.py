"""The facts file: what the user says happened (`Facts`), read from YAML or JSON (`load_facts`) or a mapping
(`parse_facts`), with one-line `FactsError`s. Follow-up edits to them are `app.refine`."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from typing import Literal, Optional

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .errors import UserError

MAX_FACTS_BYTES = 200_000
PARENT_STAGES = ("council-stage-1", "council-stage-2", "ombudsman")
OFFICER_STAGES = ("response",)
# who is writing (a parent's letter never assumes "parent": special guardians, carers and young people write too)
Complainant = Literal["parent", "carer", "special guardian", "foster carer", "young person", "advocate"]
# the complaints procedure in use: the council's own (corporate) stages, the Children Act 1989 statutory three-stage
# procedure (children's social care), or a matter for the SEND Tribunal (the plan's content, a refusal to assess)
Procedure = Literal["corporate", "children-act", "send-tribunal"]
Finding = Literal["upheld", "partly upheld", "not upheld"]
ISO_DATE = re.compile(r"(19|20)\d\d-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])")


class FactsError(UserError, ValueError):
    pass


def _iso_date(v):
    """A day as YYYY-MM-DD (YAML may hand over a date)."""
    if v is None:
        return v
    if isinstance(v, date):
        return v.isoformat()[:10]
    t = str(v).strip()
    if ISO_DATE.fullmatch(t):
        try:
            date.fromisoformat(t)
            return t
        except ValueError:
            pass
    raise ValueError("must be a date written YYYY-MM-DD, e.g. 2025-03-14")


class ComplaintPoint(BaseModel):
    """One point complained of, as the officer investigating it records it: what the council's records show, and
    the decision on it."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    point: str = Field(min_length=3, max_length=2000)
    evidence: Optional[str] = Field(None, max_length=5000)  # what the council's own records show
    finding: Optional[Finding] = None


class Action(BaseModel):
    """An action the council commits to: what, by when (YYYY-MM-DD), and who is responsible."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    action: str = Field(min_length=3, max_length=1000)
    by: Optional[str] = None
    owner: Optional[str] = Field(None, max_length=200)

    _by = field_validator("by", mode="before")(classmethod(lambda cls, v: _iso_date(v)))


class Facts(BaseModel):
    """The facts file. Only `role` and `issue` are required."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    role: Literal["parent", "officer"]
    issue: str = Field(min_length=3, max_length=20_000)
    stage: Optional[Literal["council-stage-1", "council-stage-2", "ombudsman", "response"]] = None
    council: Optional[str] = Field(None, max_length=200)
    child: Optional[str] = Field(None, max_length=40)
    provision: Optional[str] = Field(None, max_length=10_000)
    # whose words `provision` is: "plan", the plan's own (quoted, or told as "his plan says ..."); "person", the
    # person's account of what the child should have ("hasnt had his taxi to school"), which a letter must not put in
    # the plan's mouth; None, not said (a form's "What the plan says" box: the plan's)
    provision_source: Optional[Literal["plan", "person"]] = None
    since: Optional[str] = None
    contacts: list[str] = Field(default_factory=list, max_length=100)
    impact: Optional[str] = Field(None, max_length=10_000)
    outcome_sought: Optional[str] = Field(None, max_length=10_000)
    # who is writing and about whom; None: not said (a letter then assumes neither)
    complainant: Optional[Complainant] = None
    name: Optional[str] = Field(None, max_length=200)  # the writer's name (parent) / the complainant's (officer)
    address: Optional[str] = Field(None, max_length=500)
    has_plan: Optional[bool] = None  # does the child have an EHC plan
    procedure: Optional[Procedure] = None
    # named dates (YYYY-MM-DD) deadlines are computed from, e.g. assessment_requested, review_meeting, final_plan,
    # complaint_made, stage1_response, panel_requested, decision_letter, mediation_certificate (app.deadlines)
    dates: dict[str, str] = Field(default_factory=dict, max_length=40)
    # the officer's investigation: each point and its finding, the actions, the remedy offered, who signs
    points: list[ComplaintPoint] = Field(default_factory=list, max_length=30)
    actions: list[Action] = Field(default_factory=list, max_length=30)
    remedy_offer: Optional[str] = Field(None, max_length=200)  # "£900" or "£600 to £900"
    changes: Optional[str] = Field(None, max_length=5000)  # what the council will change
    officer: Optional[str] = Field(None, max_length=200)  # the officer signing / the named contact
    # how the letter is written, kept so that refinements build on each other ("shorter", then "firmer")
    short: bool = False
    firm: bool = False
    exclude: list[str] = Field(default_factory=list, max_length=20)  # decisions not to cite: a reference or a council

    @field_validator("dates", mode="before")
    @classmethod
    def _dates(cls, v):
        if v is None:
            return {}
        if not isinstance(v, dict):
            raise ValueError("must be a mapping of event names to dates (YYYY-MM-DD)")
        out = {}
        for k, d in v.items():
            if not re.fullmatch(r"[a-z][a-z0-9_]{1,40}", str(k)):
                raise ValueError(f"event name {str(k)[:40]!r} must be lower_case_words")
            try:
                out[str(k)] = _iso_date(d)
            except ValueError:
                raise ValueError(f"{k}: must be a date written YYYY-MM-DD, e.g. 2025-03-14") from None
        return out

    @field_validator("since", mode="before")
    @classmethod
    def _since(cls, v):
        """A month: 2023-09 as asked, or what people also write (2023-09-01, which YAML reads as a date, or
        'September 2023'), kept as YYYY-MM."""
        if v is None:
            return v
        if isinstance(v, date):  # datetime is a date too
            return f"{v.year:04d}-{v.month:02d}"
        if isinstance(v, str):
            t = " ".join(v.split())
            if re.fullmatch(r"(19|20)\d\d-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?", t):
                return t[:7]
            for fmt in ("%B %Y", "%b %Y"):
                try:
                    d = datetime.strptime(t, fmt)
                    return f"{d.year:04d}-{d.month:02d}"
                except ValueError:
                    pass
        raise ValueError("must be a month written YYYY-MM, e.g. 2023-09")

    @field_validator("contacts")
    @classmethod
    def _contacts(cls, v: list[str]) -> list[str]:
        for c in v:
            if len(c) > 2000:
                raise ValueError("each contact must be under 2,000 characters")
        return [c.strip() for c in v if c.strip()]

    @model_validator(mode="after")
    def _stage_fits_role(self) -> "Facts":
        if self.stage is None:
            self.stage = "council-stage-1" if self.role == "parent" else "response"
        allowed = PARENT_STAGES if self.role == "parent" else OFFICER_STAGES
        if self.stage not in allowed:
            raise ValueError(f"stage {self.stage!r} does not fit role {self.role!r} (use {' or '.join(allowed)})")
        return self

    def text(self) -> str:
        """All the user's words, for the verifier: numbers and dates here are the user's own facts."""
        parts = [
            self.council,
            self.child,
            self.name,
            self.address,
            self.issue,
            self.provision,
            self.since,
            self.impact,
            self.outcome_sought,
            *self.contacts,
            *(f"{k.replace('_', ' ')}: {_long(v)} ({v})" for k, v in self.dates.items()),
            *(" ".join(x for x in (p.point, p.evidence, p.finding) if x) for p in self.points),
            *(" ".join(x for x in (a.action, a.owner, a.by and _long(a.by)) if x) for a in self.actions),
            self.remedy_offer,
            self.changes,
            self.officer,
        ]
        return "\n".join(p for p in parts if p)

    @property
    def since_words(self) -> str | None:
        if not self.since:
            return None
        y, m = self.since.split("-")
        return f"{date(int(y), int(m), 1):%B %Y}"


def _long(iso: str) -> str:
    d = date.fromisoformat(iso)
    return f"{d.day} {d:%B %Y}"


def parse_facts(data: object, where: str = "facts") -> Facts:
    if data is None:
        raise FactsError(f"{where}: empty (it needs at least `role` and `issue`)")
    if not isinstance(data, dict):
        raise FactsError(
            f"{where}: must be a mapping of keys to values (role, issue, ...), not a {type(data).__name__}"
        )
    try:
        return Facts.model_validate(data)
    except ValidationError as e:
        err = e.errors()[0]
        key = ".".join(str(x) for x in err.get("loc", ())) or "facts"
        allowed = ", ".join(Facts.model_fields)
        if err["type"] == "extra_forbidden":
            raise FactsError(f"{where}: unknown key {key!r} (allowed: {allowed})") from None
        if err["type"] == "missing":
            raise FactsError(f"{where}: missing required key {key!r}") from None
        msg = err.get("msg", "invalid").removeprefix("Value error, ")
        got = err.get("input")
        shown = (
            f" (got {type(got).__name__})" if err["type"].endswith("_type") or err["type"] == "literal_error" else ""
        )
        if err["type"] == "literal_error":
            shown = f" (got {str(got)[:40]!r})"
        raise FactsError(f"{where}: {key}: {msg}{shown}") from None


class _FactsLoader(yaml.SafeLoader):
    """yaml.safe_load, except that a key written twice is an error (YAML would silently keep only the last value,
    losing what the user wrote first), and dates stay text: `since: 2023-09-01` is read as the user wrote it,
    and `since: 2023-02-30` does not fail inside the YAML reader."""

    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            seen = set()
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue
                key = self.construct_object(key_node, deep=deep)
                try:
                    if key in seen:
                        raise yaml.constructor.ConstructorError(
                            None, None, f"key {key!r} is given twice (keep one)", key_node.start_mark
                        )
                    seen.add(key)
                except TypeError:  # an unhashable key: the base constructor reports it
                    pass
        return super().construct_mapping(node, deep)


_FactsLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_facts(path: str | Path) -> Facts:
    p = Path(path)
    if not p.is_file():
        raise FactsError(f"{p}: no such facts file")
    if p.stat().st_size > MAX_FACTS_BYTES:
        raise FactsError(f"{p}: too large ({p.stat().st_size:,} bytes; a facts file is at most {MAX_FACTS_BYTES:,})")
    raw = p.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FactsError(f"{p}: not UTF-8 text") from None
    if not text.strip():
        raise FactsError(f"{p}: empty (it needs at least `role` and `issue`)")
    try:
        data = yaml.load(text, Loader=_FactsLoader)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(e, "problem", None) or "syntax error"
        raise FactsError(f"{p}: not valid YAML or JSON{where}: {problem}") from None
    return parse_facts(data, str(p))
