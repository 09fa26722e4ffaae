"""The story intake: a person's own account of what happened, turned into the facts form (`extract`), with short
questions for what is missing (`follow_up`), a plain summary to confirm (`understood`) and their corrections
(`confirm`).

Nothing is taken that the person did not say. Every value carries where it came from: a span (start, end) of their
own text, or "confirmed" (they told us in answer to a question). Plain rules and small learned readers (`readers`:
provision) read the story first. A local chat model (optional) may then fill the gaps (`read_again`), in one call
under a JSON schema so that even a small model answers well-formed; each value it proposes is kept only if it can be
traced to the words (`trace`): names, councils, dates, numbers and amounts must appear literally, other words must
mostly be the person's own. Otherwise it is dropped.

`evaluate(stories, chat_model=None)` measures it on `evals/gold/stories.jsonl`: precision and recall per field, on the
tuning and the held-back stories, and how many rounds of questions it takes to complete the required facts.
"""

from __future__ import annotations

import calendar
import json
import logging
import re
import time
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import lru_cache, partial
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError

from . import readers
from .councils import COUNCIL_ONLY, NICKNAMES, WORD_NICKNAMES, council_core, official_name
from .facts import Facts, FactsError
from .gguf import load_chat_model
from .issues import FAILURE_CUE, HAS_PLAN, NO_PLAN, WHO_CUES, who_is_writing
from .text import STOPWORDS, content_words
from .timeline import EVENT_CUES, NOT_YET, REPLY_RE, REPLY_TO

log = logging.getLogger(__name__)

Source = tuple[int, int] | Literal["confirmed"]
SCALARS = ("council", "child", "since", "has_plan", "complainant", "stage", "provision", "impact", "outcome_sought")
FIELDS = (*SCALARS, "contacts", "dates")
# what a letter cannot be written without, most important first (the order of the questions)
REQUIRED = ("council", "since", "has_plan", "provision", "contacts", "outcome_sought")
QUESTIONS = {
    "council": "Which council is this about?",
    "since": "When did the problem start (month and year)?",
    "has_plan": "Does your child have an EHC plan?",
    "provision": "What should they be getting (what does the plan or support plan say)?",
    "contacts": "Who have you contacted about it, and when?",
    "outcome_sought": "What would you like the council to do to put it right?",
    "child": "What is your child's name (or an initial)?",
}
MAX_QUESTIONS = 3
# a later message this long is more of the story; a shorter one answers a question ("It is Liverpool City Council")
STORY_MESSAGE_WORDS = 12


@dataclass(frozen=True)
class Found:
    """One value and where it came from: a span of the person's text, or "confirmed" (they said so when asked)."""

    value: Any
    source: Source
    by: Literal["rules", "model", "person"] = "rules"
    # which rule read it, where a field has stronger and weaker rules (provision: "learned" by the reader, "said"
    # outright, "failed" for a service named only as what stopped, the weakest; stage: "dated step")
    how: str = ""

    @property
    def confirmed(self) -> bool:
        return self.source == "confirmed"


@dataclass
class Extraction:
    """What the story says, field by field. `values` holds the scalar fields (SCALARS), `contacts` one `Found` per
    contact, `dates` one per named event (value YYYY-MM-DD). A field confirmed empty (the person said "none" or
    "not sure") is held as `Found(None, "confirmed")` so it is not asked again."""

    text: str
    values: dict[str, Found] = field(default_factory=dict)
    contacts: list[Found] = field(default_factory=list)
    dates: dict[str, Found] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # what the model proposed and was dropped, and why
    # the messages that tell the story (the first, and any later one long enough to be more of it), not the short
    # answers to questions ("It is Liverpool City Council"): the letter's account of what happened
    story: list[str] = field(default_factory=list)

    def get(self, name: str) -> Any:
        if name == "contacts":
            return [c.value for c in self.contacts if c.value]
        if name == "dates":
            return {k: f.value for k, f in self.dates.items() if f.value}
        f = self.values.get(name)
        return f.value if f else None

    def source(self, name: str) -> Source | None:
        """Where a field's value came from: its span in the text, "confirmed", or None (not known)."""
        f = self.values.get(name)
        return f.source if f else None

    def quote(self, name: str) -> str | None:
        """The person's own words a field was read from."""
        src = self.source(name)
        return self.text[src[0] : src[1]] if isinstance(src, tuple) else None

    def answered(self, name: str) -> bool:
        """Known, or asked and answered (even "none")."""
        if name == "contacts":
            return bool(self.contacts)
        if name == "dates":
            return bool(self.dates)
        return name in self.values

    def to_facts(self) -> Facts:
        """The facts form (role parent): the story is the issue, each field as read or confirmed."""
        story = ("\n\n".join(self.story) if self.story else self.text).strip()[:20_000]
        data: dict[str, Any] = {"role": "parent", "issue": story if len(story) >= 3 else "(no story given)"}
        for name in SCALARS:
            v = self.get(name)
            if v is not None and v != "":
                data[name] = v
        data["contacts"] = self.get("contacts")
        data["dates"] = self.get("dates")
        if "provision" in data:
            data["provision_source"] = provision_source(self)
        facts = Facts.model_validate(data)
        if facts.complainant is None and (who := who_is_writing(facts)):
            facts = facts.model_copy(update={"complainant": who})
        return facts

    def to_dict(self) -> dict:
        def one(f: Found) -> dict:
            return {"value": f.value, "source": list(f.source) if isinstance(f.source, tuple) else f.source, "by": f.by}

        return {
            "values": {k: one(f) for k, f in self.values.items()},
            "contacts": [one(f) for f in self.contacts],
            "dates": {k: one(f) for k, f in self.dates.items()},
            "missing": missing(self),
            "questions": follow_up(self),
            "notes": list(self.notes),
        }


# --- reading the words ------------------------------------------------------------------------------------------

MONTHS = [m.lower() for m in calendar.month_name[1:]]
# "febuary" as people often spell it
MONTH_RE = r"(jan(?:uary)?|feb(?:r?uary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
YEAR_RE = r"((?:19|20)\d\d|'\d\d)"


def _month(word: str) -> int:
    w = word.lower()[:3]
    return [m[:3] for m in MONTHS].index(w) + 1


def _year_of(month: int, today: date, day: int = 1) -> int:
    """The year of a month (and day) named without one: the latest that is not after today ("since September",
    said in November, is this September; "in December" is last December)."""
    return today.year if (month, day) <= (today.month, today.day) else today.year - 1


def _year(text: str | None) -> int | None:
    if not text:
        return None
    return 2000 + int(text[1:]) if text.startswith("'") else int(text)


# a day written in words: "on the tenth of july", "the twenty eighth of october"
DAY_WORDS = {
    w: i
    for i, w in enumerate(
        """first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth fourteenth
        fifteenth sixteenth seventeenth eighteenth nineteenth twentieth""".split(),
        start=1,
    )
}
DAY_WORDS |= {f"twenty{sep}{w}": 20 + DAY_WORDS[w] for w in list(DAY_WORDS)[:9] for sep in (" ", "-", "")}
DAY_WORDS |= {"thirtieth": 30, "thirty first": 31, "thirty-first": 31, "thirtyfirst": 31}
DAY_WORD_RE = "|".join(sorted(DAY_WORDS, key=len, reverse=True))
DAY_MONTH = re.compile(
    rf"\b(\d{{1,2}}|(?<=the )(?:{DAY_WORD_RE})(?= of ))(?:st|nd|rd|th)?(?: of)? {MONTH_RE}\b,?(?: {YEAR_RE}\b)?"
    rf"|\b{MONTH_RE} (\d{{1,2}})(?:st|nd|rd|th)?\b,?(?: {YEAR_RE}\b)?"
    r"|\b(\d{1,2})[/.](\d{1,2})[/.](\d{2}|\d{4})\b(?!\.\d)|\b((?:19|20)\d\d)-(\d\d)-(\d\d)\b"
    # a day/month with no year where a date is meant ("complained on 15/09", "they replied 13/10", "wrote on 1/10"),
    # never a score or a fraction ("24/7", "3/4 of the sessions")
    r"|(?:"
    + "|".join(f"(?<=\\b{w} )" for w in ("on", "dated", "sent", "replied", "responded", "answered", "came", "back"))
    + r")(\d{1,2})/(\d{1,2})\b(?![/\d])(?!\s*(?:of|support|care|ratio|staff\w*|time|the time)\b)",
    re.I,
)


def _day(m: re.Match, today: date) -> date | None:
    """The day a DAY_MONTH match names (a missing year is the latest such day not after today)."""
    g = m.groups()
    try:
        if g[0]:
            day = DAY_WORDS.get(" ".join(g[0].lower().split()))
            d, mo, y = day or int(g[0]), _month(g[1]), _year(g[2])
        elif g[3]:
            d, mo, y = int(g[4]), _month(g[3]), _year(g[5])
        elif g[6]:
            d, mo, y = int(g[6]), int(g[7]), int(g[8]) + (2000 if len(g[8]) == 2 else 0)
        elif g[12]:
            d, mo, y = int(g[12]), int(g[13]), None
        else:
            return date(int(g[9]), int(g[10]), int(g[11]))
        return date(y or _year_of(mo, today, d), mo, d)
    except ValueError:
        return None


@lru_cache(maxsize=16)
def _clauses(text: str) -> tuple[tuple[int, int], ...]:
    """Spans of the clauses of a text: cut at sentence ends, semicolons, new lines and commas, and a run-on stretch
    (people often write with no full stops) also before "and", "but", "so", "then", "because". Kept for the last few
    texts: the field readers each ask for the same story's clauses."""
    out = []
    # a comma inside a list of days or months does not cut ("chased in March, April and May by email")
    for m in re.finditer(rf"(?:[^.!?;\n,]|[.!?,](?=\d)|,(?= (?:and )?(?:\d|{MONTH_RE}\b)))+", text, re.I):
        start, end = m.span()
        piece = text[start:end]
        if len(piece.split()) > 14:
            cuts = [
                c.start()
                for c in re.finditer(
                    # not before the last of a list of days ("on 3 March, 17 April and 2 June")
                    # nor inside "to and from school", "there and back"
                    rf"(?<!\bspeech)\s(?:and(?! (?:\d|{MONTH_RE}\b|from\b|back\b))|but|so|then|because|which|although|after|when)\s"
                    # a new event in a run-on story: "... with us i complained on the 5th got a reply on the 30th"
                    r"|\s(?=(?:i|we) (?:\w+ )?(?:complained|phoned|rang|emailed|asked|wrote|sent|made|put|applied)\b)"
                    r"|\s(?=got (?:a|an|the) (?:\w+ )?(?:reply|response|letter|email)\b)|\s(?=(?:nobody|no one|noone)\b)",
                    piece,
                    re.I,
                )
            ]
            bounds = [0, *cuts, len(piece)]
            for a, b in zip(bounds, bounds[1:], strict=False):
                if text[start + a : start + b].strip():
                    out.append(_trim(text, start + a, start + b))
        elif piece.strip():
            out.append(_trim(text, start, end))
    return tuple(out)


def _sentence_around(text: str, pos: int) -> str:
    """The words of `text` from the last sentence end or line break before `pos` to the first at or after it."""
    return re.split(r"[.!?\n]", text[:pos])[-1] + re.split(r"[.!?\n]", text[pos:], maxsplit=1)[0]


def _clause_of(text: str, pos: int) -> str:
    """The clause of `text` that holds position `pos` ("" between clauses)."""
    return next((text[a:b] for a, b in _clauses(text) if a <= pos < b), "")


def _sentences(text: str) -> list[tuple[int, int]]:
    # a full stop inside a number or a word ("32.5 hours", "e.g") does not end a sentence
    return [_trim(text, *m.span()) for m in re.finditer(r"(?:[^.!?\n]|[.!?](?=[^\s.!?]))+", text) if m.group().strip()]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in " \t,;:-—(":
        start += 1
    while end > start and text[end - 1] in " \t,;:-—)":
        end -= 1
    return start, end


# England's local authorities with education and children's social care duties (the names people write before
# "Council"); a lower-case "leeds council" is found through this list, any capitalised "X Council" without it.
AUTHORITIES = """barking and dagenham|barnet|barnsley|bath and north east somerset|bedford|bexley|birmingham|blackburn with
darwen|blackpool|bolton|bournemouth, christchurch and poole|bracknell forest|bradford|brent|brighton and hove|bristol|
bromley|buckinghamshire|bury|calderdale|cambridgeshire|camden|central bedfordshire|cheshire east|cheshire west and
chester|city of london|cornwall|coventry|croydon|cumberland|darlington|derby|derbyshire|devon|doncaster|dorset|dudley|
durham|ealing|east riding of yorkshire|east riding|east sussex|enfield|essex|gateshead|gloucestershire|greenwich|hackney|halton|
hammersmith and fulham|hampshire|haringey|harrow|hartlepool|havering|herefordshire|hertfordshire|hillingdon|hounslow|
isle of wight|isles of scilly|islington|kensington and chelsea|kent|kingston upon hull|hull|kingston upon thames|
royal borough of kingston|
kirklees|knowsley|lambeth|lancashire|leeds|leicester|leicestershire|lewisham|lincolnshire|liverpool|luton|manchester|
medway|merton|middlesbrough|milton keynes|newcastle upon tyne|newcastle|newham|norfolk|north east lincolnshire|north
lincolnshire|north northamptonshire|north somerset|north tyneside|north yorkshire|northumberland|nottingham|
nottinghamshire|oldham|oxfordshire|peterborough|plymouth|portsmouth|reading|redbridge|redcar and cleveland|richmond upon
thames|richmond|rochdale|rotherham|rutland|salford|sandwell|sefton|sheffield|shropshire|slough|solihull|somerset|south
gloucestershire|south tyneside|southampton|southend-on-sea|southend|southwark|st helens|staffordshire|stockport|
stockton-on-tees|stoke-on-trent|suffolk|sunderland|surrey|sutton|swindon|tameside|telford and wrekin|thurrock|torbay|
tower hamlets|trafford|wakefield|walsall|waltham forest|wandsworth|warrington|warwickshire|west berkshire|west
northamptonshire|west sussex|westminster|westmorland and furness|wigan|wiltshire|windsor and maidenhead|wirral|
wokingham|wolverhampton|worcestershire|york|brum|notts|glos|herts|lancs|bucks|staffs|cambs|oxon|wilts|leics|lincs|derbys|
worcs|warks|hants|north yorks|n yorks|bcp|stoke|wolves|west berks|telford"""
# a county council by its initials: "KCC sent me two different stage 1 replies"
COUNTY_INITIALS = {  # only initials that name one council ("HCC" is Hampshire's or Hertfordshire's)
    "KCC": "Kent County Council",
    "ECC": "Essex County Council",
    "WSCC": "West Sussex County Council",
    "ESCC": "East Sussex County Council",
    "NYCC": "North Yorkshire Council",
}
_AUTH = sorted({" ".join(a.split()) for a in AUTHORITIES.replace("\n", " ").split("|")}, key=len, reverse=True)
# "Brighton & Hove" as people write it
_AUTH_RE = "|".join(re.escape(a).replace(r"\ ", r"\s+").replace(r"\s+and\s+", r"\s+(?:and|&)\s+") for a in _AUTH)
KIND = r"(?:county\s+|city\s+|borough\s+|metropolitan\s+borough\s+|district\s+)?"
COUNCIL_RES = [
    re.compile(r"\b(?:london borough of|(?-i:LB)) (" + _AUTH_RE + r")\b", re.I),
    re.compile(r"\b(royal borough of|city of) (" + _AUTH_RE + r")(?: council)?\b", re.I),
    re.compile(r"\b(" + _AUTH_RE + r")(?:'s)?\s+" + KIND + r"(council|cc|la|local authority)\b", re.I),
    re.compile(r"\b((?:[A-Z][a-z]+[ -]){1,3})" + r"(?:County |City |Borough |Metropolitan Borough )?Council\b"),
    re.compile(r"\b(" + _AUTH_RE + r")\s+(?:send|sen|children's services|social services|send team|sen team)\b", re.I),
    # "we live in Wigan", "the LA (north tyneside)", "Council: Southwark", "EHCP maintained by Wigan": the place, named
    # where a council is meant
    re.compile(
        r"\b(?:live in|living in|moved to|move to|moving to|council(?: is|:)|la(?: is|:)|local authority(?: is|:)|la \(|council \(|"
        r"maintained by|issued by|funded by|placed by|left care (?:from|in|with)|looked after by)\s*("
        + _AUTH_RE
        + r")\b",
        re.I,
    ),
    # the place alone as the one acting, as people say it of their council: "Kent refused", "Hertfordshire have
    # said", "Leeds still haven't replied" (capitalised: "reading has" is not Reading)
    re.compile(
        r"\b(" + _AUTH_RE + r")\s+(?:(?:have|has|had|still|then|just|finally|never|also|now)\s+)?(?:refused|said|says|"
        r"agreed|decided|sent|told|wrote|replied|responded|rejected|turned|stopped|cut|cancelled|ignored|promised|offered|"
        r"won'?t|wouldn'?t|didn'?t|did not|haven'?t|hasn'?t|have not|has not|keep|kept)\b",
        re.I,
    ),
]
NOT_PLACE = re.compile(r"^(the|my|our|a|their|this|that|parish|town|local|county|city|borough)\b", re.I)


# an authority named as itself, in any case, when no phrase above says which council: "cheshire east refused",
# "Plymouth's children with disabilities team", "we're in north yorkshire, the council ...", "I foster Reece for Barnet".
# Only when the story names exactly one authority (two: the one moved to, placed by or acting is not known from the
# name alone); "reading" and "bury" are words first, so they count only capitalised
# round 21: a name with a possessive s and no apostrophe ("been to haringeys complaints twice")
ANY_AUTHORITY = re.compile(
    r"\b("
    + _AUTH_RE
    + r")(?:\b|s(?= (?:complaints?|council|send?|team|social|transport|children'?s|education)\b))(?!-)",
    re.I,
)
WORDS_FIRST = {"reading", "bury", "derby", "york", "sutton", "richmond", "halton", "rutland", "bucks"}
NOT_THE_COUNCIL = re.compile(r"\b(school|college|hospital|university|uni|academy|near|outside)\s+(in\s+)?$", re.I)


def _council_only_said(before: str, after: str) -> bool:
    """A short name that is also a word, a name or another place ("Stoke Mandeville", "the Wolves match", "Jane
    Telford") said as the council: "stoke council", "Stoke on Trent council", "stoke childrens services", or, lower
    case, after "from"/"rang"/"asked" and nothing after it ("a care leaver from stoke.")."""
    if re.match(r"\s+(?:on[\s-]+trent\b|(?:city\s+)?(?:council|cc)\b|child(?:ren)?'?s services|send?\b)", after, re.I):
        return True
    return bool(
        re.search(r"\b(?:from|rang|emailed|phoned|asked|told)\s+$", before, re.I)
        and re.match(r"\s*(?:[.,;:!?\n]|$|and\b)", after)
    )


def _one_authority(text: str) -> tuple[str, tuple[int, int]] | None:
    found: dict[str, tuple[int, int]] = {}
    school_place: dict[str, tuple[int, int]] = {}
    for m in ANY_AUTHORITY.finditer(text):
        name = " ".join(m.group(1).lower().split())
        before = text[max(0, m.start() - 25) : m.start()]
        if name in WORDS_FIRST and (not m.group(1)[0].isupper() or re.search(r"(^|[.!?\n]\s*)$", before)):
            continue
        if name in NICKNAMES and not (
            m.group(1)[0].isupper() or re.match(r"\s+(county|council|cc|city)\b", text[m.end() :], re.I)
        ):
            if name in WORD_NICKNAMES or not (
                re.search(
                    r"\b(at|to|from|in|with|by|for|through|ordered|asked|told|emailed|rang|phoned)\s+$", before, re.I
                )
                or re.match(
                    r"\s+(said|say|says|have|has|had|are|is|were|was|sen|send|refused|told|won'?t|wont|didn'?t|didnt|"
                    r"haven'?t|havent|never|still|keep|kept|cut|stopped|agreed|decided)\b",
                    text[m.end() :],
                    re.I,
                )
            ):
                continue  # "by lunchtime he wilts", "it herts so much": words, unless "notts county", "at notts"
        if NOT_THE_COUNCIL.search(before):
            school_place.setdefault(name.replace("&", "and"), m.span(1))
            continue  # "a school in Chichester": not the council complained of, unless no other place is named
        if name in COUNCIL_ONLY and not _council_only_said(before, text[m.end() :]):
            continue
        if re.search(
            r"\b(moved (\w+ )?from|(?:he|she|they|we|i) (?:came|come) (\w+ )?from|left|leaving)\s+$", before, re.I
        ):
            continue  # "we moved here from Kent", "when he came from Telford"
        if _handed_over(text, m.group(1), m.end(1)):
            continue  # "We moved from Walsall to Wolverhampton ... Walsall sent the paperwork"
        found.setdefault(name.replace("&", "and"), m.span(1))
    if set(found) - set(NICKNAMES):  # a short name beside an authority named in full is where the family lives
        found = {n: span for n, span in found.items() if n not in NICKNAMES}
    if not found and len(school_place) == 1 and re.search(r"\bthe (council|la|local authority)\b", text, re.I):
        found = school_place  # "a primary school in Solihull ... the council's inclusion service"
    if len(found) != 1:
        return None
    ((name, span),) = found.items()
    return _tidy_name(text[span[0] : span[1]].lower()) + " Council", span


def _council(text: str) -> tuple[str, tuple[int, int]] | None:
    found = _council_said(text)
    if found is None:
        found = _one_authority(text)
    if found is None:  # "KCC sent me two different stage 1 replies"
        m = re.search(r"\b(" + "|".join(COUNTY_INITIALS) + r")\b", text)
        found = (COUNTY_INITIALS[m.group(1)], m.span(1)) if m else None
    return found


def _council_said(text: str) -> tuple[str, tuple[int, int]] | None:
    for rx in COUNCIL_RES:
        for m in rx.finditer(text):
            span = _trim(text, *m.span())
            words = text[span[0] : span[1]]
            if rx is COUNCIL_RES[3]:
                if NOT_PLACE.match(words):
                    continue
            if rx is COUNCIL_RES[6] and not text[m.start(1)].isupper():
                continue
            if rx in (COUNCIL_RES[5], COUNCIL_RES[6]) and m.group(1).lower() in COUNCIL_ONLY:
                continue  # "We live in Stoke Newington", "Wolves are his special interest"
            if rx in (
                COUNCIL_RES[4],
                COUNCIL_RES[5],
                COUNCIL_RES[6],
            ):  # "bristol SEN team": the council's name, not the team's
                span = m.span(1)
                words = text[span[0] : span[1]] + " Council"
            if _nickname_beside_another(text, words):
                continue  # "We live in Herts ... Barnet is still his council": the short name is the place
            if m.groups() and m.group(1) and _handed_over(text, m.group(1), m.end(1)):
                continue  # "We moved from Walsall to Wolverhampton ... Walsall sent the paperwork": the old council
            words = re.sub(r"'s\b", "", words)
            words = re.sub(r"\bcc\b", "County Council", words, flags=re.I)
            words = re.sub(r"\bla\b|\blocal authority\b", "Council", words, flags=re.I)
            return _tidy_name(words), span
    return None


def _handed_over(text: str, name: str, end: int) -> bool:
    """The council the family moved from ("We moved from Walsall to Wolverhampton"), named where it hands the plan over
    ("Walsall sent the paperwork across"), not where it is the one that failed ("Leeds council kept his plan and never
    did the review")."""
    if not re.match(r"\s+(?:council\s+)?(?:sent|transferred|passed|forwarded|handed)\b", text[end:], re.I):
        return False
    moved = re.search(rf"\bmoved (?:\w+ )?from {re.escape(name)} to ([A-Z][\w ]+)", text, re.I)
    return bool(moved and ANY_AUTHORITY.match(moved.group(1)))


def _nickname_beside_another(text: str, words: str) -> bool:
    """A short name ("Herts", "Notts CC") where the story names another authority in full as the council ("for
    Barnet", "Barnet is still his council"): a place the family lives in, beside the council they complain of."""
    short = NICKNAMES.get(words.split()[0].lower()) if words.split() else None
    if short is None:
        return False
    named = {
        " ".join(m.group(1).lower().split())
        for m in ANY_AUTHORITY.finditer(text)
        if re.search(r"\b(for|by|placed by|looked after by|with)\s+$", text[max(0, m.start() - 20) : m.start()], re.I)
        or re.match(r"\s+(council|cc|is (still )?(his|her|their|the) council|say|said)\b", text[m.end() :], re.I)
    } - set(NICKNAMES)
    return any(not short.lower().startswith(n) and not n.startswith(short.lower()) for n in named)


def _tidy_name(words: str) -> str:
    words = re.sub(r"(?i)^east riding(?! of)", "East Riding of Yorkshire", " ".join(words.split()))  # as people say it
    words = re.sub(r"(?i)^southend(?!-on-sea)", "Southend-on-Sea", words)
    words = re.sub(r"(?i)^stoke(?:[\s-]+on[\s-]+trent)?\b", "Stoke-on-Trent", words)
    words = re.sub(r"(?i)^telford(?!\s+(?:and|&)\s+wrekin)", "Telford and Wrekin", words)
    words = re.sub(r"^LB\b", "London Borough of", words)  # "LB Tower Hamlets"
    first, _, rest = words.partition(" ")
    if " ".join(words.lower().split()[:2]) in NICKNAMES:  # "north yorks council"
        first, _, rest = " ".join(words.split()[:2]), "", " ".join(words.split()[2:])
    if first.lower() in NICKNAMES:
        words = " ".join([NICKNAMES[first.lower()], rest]).strip()
    small = {"of", "and", "upon", "on", "with"}
    return " ".join(
        w if w.isupper() and len(w) > 1 else (w.lower() if w.lower() in small and i else w[:1].upper() + w[1:])
        for i, w in enumerate(words.split())
    )


RELATION = (
    r"(?:(?:\d+[- ](?:year|yr)s?[- ]old |little |eldest |youngest |older |younger |adopted )?)"
    r"(?:son|daughter|child|boy|girl|lad|stepson|stepdaughter|step-son|step-daughter|grandson|granddaughter|grandaughter|"
    r"grandchild|nephew|niece|foster son|foster daughter|little boy|little girl|brother|sister|little brother|little sister)"
)
NOT_NAME = STOPWORDS | {
    # the people about a child (round 22: "My son teacher say", written by a parent whose first language is not English)
    "teacher",
    "teachers",
    # adverbs after "my older boy" (round 18: "my older boy hardly sleeps")
    "hardly",
    "barely",
    "rarely",
    "constantly",
    "usually",
    "sometimes",
    "is",
    "has",
    "was",
    "who",
    "aged",
    "age",
    "also",
    "now",
    "still",
    "currently",
    "really",
    "lives",
    "passed",
    "died",
    "left",
    "moved",
    "went",
    "attends",
    "goes",
    "had",
    "have",
    "needs",
    "with",
    "and",
    "in",
    "at",
    "year",
    "years",
    "hes",
    "shes",
    # "our daughter cant look after them": words people write after a relation, not names
    "cant",
    "wont",
    "dont",
    "doesnt",
    "didnt",
    "isnt",
    "hasnt",
    "havent",
    "wasnt",
    "just",
    "never",
    "keeps",
    "gets",
    "got",
    "can",
    "could",
    "would",
    "will",
    "should",
    "did",
    "does",
    "mum",
    "dad",
    "nan",
    "nana",
    "gran",
    "grandad",
    "carer",
    "carers",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "christmas",
    "easter",
    "cannot",
    "must",
    "might",
}
# a capitalised word before an "s" that is no child's name with the apostrophe left out ("His", "Bus", "Councils")
NOT_POSSESSIVE = r"(?!(?:His|Its|Hers|This|Was|Has|Is|Does|Yes|Us|Bus|Plus|Thus|Parents|Childrens|Councils|Schools)\b)"
CHILD_RES = [
    # said outright, so first: "I foster two brothers, Ryan who is 15 and Callum who is 9 ... This is about Callum"
    re.compile(r"\b(?i:this|it|the complaint|my complaint)(?i: complaint)? (?i:is|is all) about ([A-Z][a-z]+|[A-Z])\b"),
    # "I'm writing about Ngozi (14) who has been with me for two years"
    re.compile(r"\b(?i:writing|complaining) about ([A-Z][a-z]+(?:-[A-Z][a-z]+)?)(?= \((?:aged? )?\d{1,2}\b)"),
    re.compile(rf"\b(?:my|our|her|his|their) {RELATION}(?:,| is| was)? (?:called|named) ([A-Za-z][a-z]*)\b", re.I),
    re.compile(
        rf"\b(?:my|our|her|his|their|a) {RELATION}(?:,| [-–:])? \(?([A-Z][a-z]*(?:-[A-Z][a-z]+)?|[a-z]{{2,}})\b(?!')"
    ),
    re.compile(rf"\b(?:My|Our|my|our) {RELATION},? \(?([A-Z][a-z]*(?:-[A-Z][a-z]+)?|[a-z]{{2,}})\b", re.I),
    re.compile(r"\b(?:his|her|their) name is ([A-Za-z][a-z]+)\b", re.I),
    # round 22: "tower hamlets - Ilyas (my son) hasnt had"
    re.compile(rf"\b([A-Z][a-z]+) \((?:my|our) {RELATION}\)"),
    # round 21: "DD Zofia is 11" (a forum's dear daughter), "Jovan's dad here", "for amara (17, has an ehcp"
    re.compile(r"\b(?:DD|DS)\d?,? ([A-Z][a-z]+)(?= is\b| has\b|,| \()"),
    re.compile(r"(?:^|[.!?\n]\s*)([A-Z][a-z]+)'s (?:mum|mom|dad|mother|father) here\b"),
    re.compile(
        r"(?:\b(?:for|about)|(?:^|[.!?]\s+)) ?([A-Z][a-z]+|[a-z]{3,}) \((?:aged? )?(?:1?\d|2[0-5]), "
        r"(?i:has|with|is|autis\w*|adhd|asd|ehcp|year|yr)\b"
    ),
    # round 23: "no escort on Idris's minibus"
    re.compile(
        r"(?<![-\w])(?<!Mr )(?<!Mrs )(?<!Ms )(?<!Miss )(?<!Dr )([A-Z][a-z]+)'s (?:minibus|taxi|bus|transport|EHCP|EHC plan|escort|tuition|therapy|speech therapy|OT|SALT|"
        r"respite|short breaks|allowance|placement)\b"
    ),
    # round 20: "hes called ellis hes 8", "for Imogen (shes 7, dyslexia"
    re.compile(
        r"\b(?:he'?s|hes|she'?s|shes|he is|she is) (?:called|named) (?!(?:names|round|back|social|me|us|him|her|the|in|out|off|"
        r"them|it|a|an|my|our|his|their|everyone|people|police)\b)([A-Za-z][a-z]+)\b(?=\s*(?:[,.!?\n(]|$|and\b|he|she|\d))",
        re.I,
    ),
    re.compile(
        r"(?<!neighbour )(?<!husband )(?<!partner )(?<!friend )(?<!brother )(?<!sister )(?<!TA )(?<!Miss )(?<!Mrs )(?<!Mr )"
        r"(?<!Ms )(?<!teacher )(?<!worker )(?<!SENCO )(?<!SENCo )\b([A-Z][a-z]+) "
        r"\((?:he'?s|hes|she'?s|shes|aged?) (?:1?\d|2[0-5])\b"
    ),
    # a form's line: "Child: Maisie, 6", "Young person: K"
    re.compile(
        r"(?:^[\s•*\-–]*|\s{2,})(?:child|son|daughter|young person|client|pupil|c?yp)(?:'s)?(?: (?:full )?name)?(?:\s*/\s*age)?\s*:\s*"
        r"(?:(?:my|our) (?:\w+ )?(?:son|daughter|child|boy|girl),? )?"
        r"(?-i:([A-Z][a-z]*(?:-[A-Z][a-z]+)?))\b",
        re.M | re.I,
    ),
    # a form's "Name:" line, only where no line says whose (it is often the writer's: "Name: Joanne Birchall")
    re.compile(
        r"(?:^[\s•*\-–]*|\s{2,})name\s*:\s*(?-i:([A-Z][a-z]*(?:-[A-Z][a-z]+)?))\b(?![\s\S]*^\W*(?:child|son|daughter|young person)[^:\n]{0,20}:)",
        re.M | re.I,
    ),
    # an officer's note: "on behalf of CYP (Tobi, Yr 10)", "YP: Dariusz W."; "my daughter is Beatriz"
    re.compile(r"\b(?:CYP|YP)\s*[:(]\s*([A-Z][a-z]+|[A-Z])\b"),
    re.compile(rf"\b(?i:my|our) (?i:{RELATION}) is ([A-Z][a-z]+)\b(?! \d)"),
    # "We are L's foster carers", "we're Sam's grandparents"
    re.compile(
        r"\b(?i:we are|we're|i am|i'm|im) ([A-Z][a-z]*)'s (?:foster carers?|carers?|parents|grandparents|special guardians?|"
        r"kinship carers?|adoptive parents|guardians?)\b"
    ),
    re.compile(
        r"\b(?:writing as|as|I am|I'm|im|Im) (?:([A-Z][a-z]+)'s|([A-Z][a-z]*(?:[bcdfghjklmnpqrtvwxyz]|ie))s) (?:mum|mother|dad|father|special guardian|carer|parent|auntie|aunt|"
        r"uncle|nan|nana|gran|grandma|grandad|grandmother|grandfather|step-?mum|step-?dad|foster (?:carer|mum|dad))"
    ),
    re.compile(r"\b(?:son|daughter|grandson|granddaughter|niece|nephew)\s*\(([A-Z])\b"),
    re.compile(
        r"(?:^|[.!?:]\s+)\s*(?:(?i:ok|okay|so|right|basically|well|hi|hello)[,.]? ){0,2}([A-Z][a-z]+|[A-Z]) (?:is|has) "
        r"(?:\d+|had|an? ehc|been|in (?:year|yr) ?\d+|"
        r"(?:autism|ADHD|dyslexia|dyspraxia|epilepsy|cerebral palsy|Down'?s? syndrome|hypermobility|ME|PDA|"
        r"global developmental delay|a learning disability|learning difficulties|complex needs|a diagnosis))\b",
        re.M,
    ),
    # "Medical needs tuition question - Wren is 14": after a dash, only with an age or a school year
    re.compile(r"\s[-–]\s+(?:([A-Z][a-z]+) is (?:\d{1,2}|in (?:year|yr) ?\d{1,2})\b|([A-Z]) has (?:had|been)\b)"),
    # "This is about Mae", "the older of the two, who I'll call L", "Dave (Sam's dad)", "My middle one, M., is in year 11"
    re.compile(r"\b(?i:i'?ll|i will|we'?ll|i) call (?:(?:him|her|them) )?([A-Z][a-z]*)\b"),
    re.compile(r"\(([A-Z][a-z]+)'s (?:mum|dad|mother|father|nan|gran|grandad|grandma|carer|foster carer)\)"),
    re.compile(
        r"\b(?i:my|our) (?i:middle|eldest|oldest|youngest|younger|older|little|big) (?i:one|child|son|daughter|boy|girl|lad),? "
        r"([A-Z][a-z]+|[A-Z])\b"
    ),
    # a pasted email's subject: "Subject: Re: Grace Thompson - EHCP - formal complaint"
    re.compile(r"^[\s>'\"]*(?i:re|subject)\s*:\s*(?i:re:\s*)?([A-Z][a-z]+) [A-Z][a-z]+\s*[-–]", re.M),
    # "Kai's been with us since March, hes 14", "riley is 11 has an ehcp" (a name written in lower case, then an age)
    re.compile(r"(?:^|[.!?]\s+)\s*([A-Z][a-z]+)'s been\b", re.M),
    re.compile(
        r"(?:^|[.!?]\s+)\s*([a-z]{3,}) is \d{1,2}\b(?! ?(?:hours|hrs|miles|weeks|months|days|minutes|mins|%|percent|pounds))",
        re.M,
    ),
    # the child as the subject the story opens with: "Reuben hasn't seen his speech lady since June", "Elsie has
    # cerebral palsy and uses an eye gaze device"
    re.compile(
        r"\A\s*([A-Z][a-z]+(?:-[A-Z][a-z]+)?) (?:has|hasn'?t|is|isn'?t|was|wasn'?t|needs|gets|uses|attends|goes|started|"
        r"can'?t|cannot|won'?t|doesn'?t|didn'?t|stopped|missed|had)\b"
        r"|\A\s*([A-Z][a-z]+(?:-[A-Z][a-z]+)?) [-–] (?:we|i|he|she|they|his|her)\b"  # "Isla - we asked for an EHC assessment"
    ),
    re.compile(
        r"(?<![-\w])([A-Z][a-z]+(?:-[A-Z][a-z]+)?|[A-Z])\.? \((?:aged? )?\d{1,2}\)"
        r"|(?<![-\w])([A-Z][a-z]+(?:-[A-Z][a-z]+)?|(?<![A-Z][a-z] )(?<![A-Z][a-z]{2} )(?<![A-Z][a-z]{3} )(?<![A-Z][a-z]{4} )"
        r"(?<![A-Z][a-z]{5} )[A-Z]) \((?:Y|[Yy]ear )\d{1,2}\)"
    ),
    # "Sam, 9, has autism", "Sam, who is 9"
    re.compile(
        # "Callum R, age 24": the first name, not the initial
        r"(?<![-\w])([A-Z][a-z]+(?:-[A-Z][a-z]+)?|[A-Z])(?: [A-Z]\.?(?=,? (?:aged|age) ))?,? (?:who is|who's|who turns|aged|age) \d{1,2}\b"
        r"|\bre ([A-Z][a-z]+(?:-[A-Z][a-z]+)?|[A-Z]),? (?:Y|[Yy]ear ?|[Yy]r ?)\d{1,2}\b"
        r"|(?<![-\w])([A-Z][a-z]+(?:-[A-Z][a-z]+)?|[A-Z]), \d{1,2}\b(?! (?:Street|Road|Lane|Avenue))"
    ),
    # an officer's note: "re son Ethan, Y10", "daughter Adaeze (Y3)"
    re.compile(
        r"\b(?i:son|daughter|grandson|granddaughter|nephew|niece)\s+([A-Z][a-z]+(?<!ing)|[A-Z])\b(?! [A-Z][a-z])"
    ),
    # "the youngest Deacon is 8", "placed T with us"
    re.compile(
        r"\b(?i:the|our|my) (?i:youngest|eldest|oldest|younger|older)(?: (?i:one|boy|girl|lad))?,? ([A-Z][a-z]+)\b"
    ),
    re.compile(r"\bplaced ([A-Z][a-z]*) with (?:me|us)\b"),
    # "Name is Kai", and the child's own things: "that Derbyshire amend Oscar's EHCP", "Ellie's personal budget"
    re.compile(r"\b[Nn]ame is ([A-Z][a-z]+)\b"),
    re.compile(
        r"(?<!\bMrs )(?<!\bMr )(?<!\bMs )(?<!\bMiss )(?<!\bDr )"
        r"\b([A-Z][a-z]+(?:-[A-Z][a-z]+)?)'s (?:\w+ ){0,2}(?:Education, Health and Care Plan|EHCP|EHC plan|ehcp|ehc plan|plan|annual review|school|needs|"
        r"provision|therapy|transport|taxi|tuition|social worker|placement|support plan|education|teacher|TA|SENCO|"
        r"personal budget|direct payments?|talking|speech|behaviour|allowance|respite|short breaks|club|sessions?|"
        r"support|hours|visits|bus|escort|lessons|OT|SALT|SaLT|therapist|college place)\b"
    ),
    # "T came to us in July, he's 12"
    re.compile(
        r"(?:^|[.!?]\s+)([A-Z][a-z]*|[A-Z]) (?:came to (?:us|me|live with (?:us|me))|moved in with (?:us|me))\b", re.M
    ),
    # the apostrophe left out: "suffolk have taken Freddies transport off him"
    re.compile(
        r"(?<=[a-z,] )(?<!St )"
        + NOT_POSSESSIVE
        + r"([A-Z][a-z]+)s (?:EHCP|ehcp|EHC plan|plan|annual review|school|transport|taxi|tuition|social worker|"
        r"placement|support plan|therapy|respite|short breaks|allowance|personal budget|direct payments?|care package)\b"
    ),
    # the same at a sentence's start ("Teodors plan (cornwall council) says"), never a school's name ("Kings school")
    re.compile(
        r"(?:(?<=[.!?] )|^)(?<!St\. )"
        + NOT_POSSESSIVE
        + r"([A-Z][a-z]+)s (?:EHCP|ehcp|EHC plan|plan|annual review|transport|taxi|tuition|social worker|support plan|"
        r"therapy|respite|short breaks|allowance|personal budget|direct payments?|care package)\b",
        re.M,
    ),
    # typed in lower case, the apostrophe left out: "im tylers nan", "maisies section F says", "bens plan"
    re.compile(
        r"\b(?:i'?m|im|i am) (?!(?:son|daughter|lad|child|kid)s\b)([a-z]{3,})s (?:mum|mom|dad|nan|nana|nanna|gran|grandma|grandad|carer|foster carer|"
        r"special guardian|auntie|aunt|uncle)\b"
        r"|(?<![\w'])(?!(?:son|daughter|lad|child|kid|boy|girl|grandson|granddaughter|nephew|niece|brother|sister|parent|"
        r"council|school|children|other|everyone|nobody|somebody|anybody|senco|teacher|carer|friend|hour|day|week|"
        r"night|month|year|term|family|say|include|specifie|provide|state|mention|list|cover|offer|give|get|need)'?s\b|(?:this|needs|was|has|does|is|its|yes|bus|plus|thus|us|class|access|process|address)\b)"
        # and with the apostrophe: "leeds stopped isla's weekly SALT", "ellas short breaks"
        r"([a-z]{3,})'?s (?:weekly |daily |1:1 )?(?i:section f|ehcp|ehc plan|plan|annual review|taxi|transport|tuition|"
        r"respite|short breaks|social worker|ot|salt|speech therapy|1:1|ta)\b"
    ),
    # "im his nan and special guardian for Kai", "client K is 18"
    re.compile(
        r"\b(?:guardian (?:for|to)|(?i:i'?m|im|i am|as) (?:(?i:his|her|their) )?(?i:nanna|nana|nan|gran|granny|grandma|grandad|"
        r"grandpa|mum|dad|auntie|aunt|uncle) to) "
        r"([A-Z][a-z]+(?:-[A-Z][a-z]+)?|[A-Z])\b(?! [A-Z])"
        r"|\bclient ([A-Z][a-z]+|[A-Z])\b(?! [A-Z])(?!,? (?:the |is the |who is the )?(?:mother|father|mum|dad|parent|"
        r"grandmother|grandfather|nan|carer|guardian)\b)"
    ),
    # "father of Yusuf", "(father of Kacper, 14)", "I've fostered JD since", "our Bea is in year 5"
    re.compile(r"\b(?:father|mother|mum|dad|parent|carer|guardian) of ([A-Z][a-z]+)\b"),
    re.compile(
        r"\b(?:fostered|fostering|foster|look after|looking after|care for|caring for) ([A-Z][a-z]+|[A-Z]{1,2})\b"
    ),
    re.compile(r"\b(?i:our) ([A-Z][a-z]+)(?= (?:is|has|was|needs|gets|hasn'?t|has not|can'?t|cannot)\b|'s|,| \()"),
    # an officer's note or letter: "Year 10 pupil R - no education", "Mother phoned re Z (Y5, Stowmarket)", "on behalf
    # of R's family", "Oskar H, Y4"
    re.compile(
        r"\bpupil ([A-Z][a-z]+|[A-Z])\b(?= \(| -|,)|\bre:? ([A-Z])\b(?= \(| -|,)|\bre:? ([A-Z][a-z]+)(?= \((?:Y|[Yy]ear|aged|\d))"
    ),
    re.compile(r"\bon behalf of ([A-Z][a-z]+|[A-Z])'s (?:family|mum|mother|dad|father|parents|carers?)\b"),
    re.compile(r"(?<![-\w])([A-Z][a-z]+) [A-Z]\.?,? \(?(?:Y|[Yy]ear ?)\d{1,2}\b"),
    # the one who has gone without, named mid-sentence: "Since the start of term Amara has had no visits", "how long
    # Jago has been sat at home" (last: a council or a month said so is no child)
    re.compile(
        r"(?<=[a-z,] )(?<!\bM[rs] )(?<!\bMrs )(?<!\bMiss )(?<!\bDr )(?<!\bworker )(?<!\bteacher )([A-Z][a-z]+) "
        r"(?:has had (?:no|nothing|none)|hasn'?t had|has not had|"
        r"has had \d+|has been with (?:us|me)|"
        r"has been (?:at home|out of|off school|without|sat at home|stuck at home|left without|waiting))\b"
    ),
    # the child with a date of birth or an age in brackets: "Reuben, born on the 14th of May 2015", "Fin (he's 12, ...)"
    re.compile(r"(?<![-\w])([A-Z][a-z]+(?:-[A-Z][a-z]+)?)(?: [A-Z]\.?)?,? \(?(?:born|DOB|d\.o\.b\.?)\b"),
    re.compile(r"(?<![-\w])([A-Z][a-z]+(?:-[A-Z][a-z]+)?) \((?:he|she)(?:'s| is) (?:1?\d|2[0-5])\b"),
    # a sentence or a list item opening with the child: "T has lived with us for two years", "- Hafsa was diagnosed in
    # 2021", "Harvey got his EHCP in 2019"
    re.compile(
        r"(?:^|[.!?]\s+)[\s•*\-–]*([A-Z][a-z]+|[A-Z]) (?:has lived with (?:us|me)|was diagnosed|got (?:his|her|their) "
        r"(?:EHCP|ehcp|EHC plan|plan))\b",
        re.M,
    ),
    # "my sisters lad Reece, hes 10", "my brother's daughter Amira"
    re.compile(
        r"\b(?i:my|our) (?i:sister|brother|daughter|son|partner|cousin|niece|nephew)'?s (?i:son|daughter|lad|boy|girl|"
        r"little boy|little girl|child|kid|youngest|eldest),? ([A-Z][a-z]+(?:-[A-Z][a-z]+)?)\b"
    ),
    # the age said with other things in brackets, the name maybe in lower case at a line's start: "jaxon (8, ehcp,
    # autistic)", "lacey (14) has had no social worker"
    re.compile(
        r"(?<![-\w])([A-Z][a-z]+(?:-[A-Z][a-z]+)?)\.? \((?:aged? )?(?:1?\d|2[0-5])(?:,|;| ?yrs?(?: old)?\)| ?years?(?: old)?\))"
        r"|(?:^|[.!?]\s+)([a-z]{3,}) \((?:aged? )?(?:1?\d|2[0-5])(?:\)|,)",
        re.M,
    ),
    # "Chloe turned 16 on 3 August", "mason has a ehcp" (a story opening with the child's name in lower case)
    re.compile(r"(?:^|[.!?]\s+)([A-Z][a-z]+) (?:turned|turns|has just turned) \d{1,2}\b", re.M),
    re.compile(
        r"\A\s*([a-z]{3,}) (?:has|is|hasn'?t|isnt|has got) (?:an? ehc|got an? ehc|autis|\d{1,2}\b|in (?:year|yr))"
        r"|\A\s*([a-z]{3,}) (?:got|was|has been) (?:permanently |perm )?excluded\b"
    ),
    # the child the thing is for or done to: "refused to assess Evie", "not had one SALT session for Poppy"
    re.compile(
        r"\b(?:assess|assessing|assessment (?:on|of)|sessions? for|therapy for|support for|provision for|transport for|tuition for|"
        r"taxi for|a place for|a school for) ([A-Z][a-z]+(?:-[A-Z][a-z]+)?)\b(?! (?:[A-Z]|council|cc|county))"
    ),
    # "had Precious with us since 2024", "Wilf moved to secondary this september", "ordered ... that Harvey gets a place",
    # "Yusuf is profoundly deaf"
    re.compile(r"\b(?:had|have had) ([A-Z][a-z]+) (?:with|in with) (?:us|me) (?:since|for)\b"),
    re.compile(
        r"(?:^|[.!?]\s+)([A-Z][a-z]+) (?:moved|went|started|transferred) (?:up )?(?:to |at )?(?:secondary|high school|"
        r"college|sixth form|year \d{1,2})\b",
        re.M,
    ),
    re.compile(r"\bthat ([A-Z][a-z]+) (?:gets|get|should get|must get|receives)\b"),
    re.compile(
        r"(?:^|[.!?]\s+)([A-Z][a-z]+) is (?:profoundly |severely |partially |registered )?(?:deaf|blind|autistic|"
        r"disabled|dyslexic|non-?verbal)\b",
        re.M,
    ),
]


# capitalised words a story uses that are not a child's name ("a child arrangements order", "Nothing has been received")
NOT_A_CHILD = set(
    "arrangements nothing school sleeps mother father mum dad nan grandad saturdays name she he it this that there "
    "today now transport tuition college respite covid life everything support mrs mr ms miss dr sir madam i "
    "wales england scotland every like quick quickly asap back jan feb apr jun jul aug sep sept oct nov dec finally "
    "eventually then also still only just apparently unfortunately sadly premature twins adopted hi hello hey thanks "
    "sorry help update morning evening afternoon urgent nobody authority provider hospital action barnardo family "
    "mencap complaint complaints plan stage nanna nana gran granny grandma grandad grandpa auntie aunty uncle happens "
    "seems goes gets comes needs loves hates keeps starts stays sees prefer riverside london families children "
    "son daughter lad boy girl kid child grandson granddaughter nephew niece brother sister anxiety dyslexia dyspraxia "
    "maths math english science speech language reading writing literacy numeracy ofsted sessions hours lessons "
    "autism adhd asd sen send twice once medical husband wife partner everyone everybody oldest eldest youngest middle "
    "mine stepson stepdaughter teams zoom need needs state ask want report thank feel look health education".split()
) | {d.lower() + end for d in calendar.day_name for end in ("", "s")}


# round 17 (read unseen): "Theo is our son, he is 22"
CHILD_RES.append(
    re.compile(
        r"(?:^|[.!?:]\s+)([A-Z][a-z]{2,}(?:-[A-Z][a-z]+)?) is (?:our|my) (?:son|daughter|grandson|granddaughter|nephew|niece|"
        r"foster son|foster daughter|stepson|stepdaughter)\b",
        re.M,
    )
)


# a worker named just before "shes called": the one place a "called"/"named" child rule is guarded ("our caseworker hes
# called darren", "the new SALT, shes called Priya"); the acronyms in capitals only ("ta", "ot", "pa" are words)
STAFF_BEFORE = re.compile(
    r"(?:\b(?:SALT|SaLT|SENCO|SENCo|TA|OT|PA)\b|(?i:\b(?:senco|teacher|therapist|worker|officer|caseworker|manager|driver|"
    r"tutor|nurse|physio|head|escort|consultant|paediatrician)\b))[^.!?\n]{0,20}$"
)


def _child(text: str) -> tuple[str, tuple[int, int]] | None:
    for rx in CHILD_RES:
        for m in rx.finditer(text):
            group = next(i for i, g in enumerate(m.groups(), 1) if g)
            name = m.group(group)
            initial = len(name) == 1 and name.isupper() and name != "I" and re.match(r"\s*[(,]", text[m.end(group) :])
            if re.search(r"\b(?:called|named)\s*$", text[m.start() : m.start(group)], re.I) and STAFF_BEFORE.search(
                text[max(0, m.start() - 40) : m.start()]
            ):
                continue  # "the new SALT, shes called Priya": the therapist's name, not the child's
            if re.match(r"(?i:his|her|their) (?:(?:little|older|younger|big|baby) )?(?:brother|sister)\b", m.group(0)):
                continue  # round 22: "contact with her brother Idris": the child's sibling, not the child
            if (name.lower() in NOT_NAME and not initial) or name.lower() in MONTHS or len(name) > 25:
                continue  # "her son A (13, autism)" is an initial, not the word "a"
            if name.lower() in {
                "autism",
                "adhd",
                "asd",
                "down",
                "cerebral",
                "non",
                "autistic",
                "severe",
                "complex",
                "deaf",
                "blind",
                "dyslexic",
                "dyspraxic",
                "disabled",
                "epileptic",
                "diabetic",
                "nonverbal",
            }:
                continue
            if " ".join(name.lower().split()) in _AUTH or name.lower() in {"council", "tribunal", "ombudsman"}:
                continue  # "Kingston's plan", "Council's plan": the council's, not a child's
            if name.lower() + "s" in _AUTH and re.match(r"s\b", text[m.end(group) :]):
                continue  # "I rang Leeds direct payments team": the council's, not a child called Leed
            if (len(name) > 2 and name.isupper()) or name.lower() in NOT_A_CHILD:
                continue  # "SGO since 2019"; "a child arrangements order"; "Nothing has been received"
            end = m.end(group)
            if (
                len(name) > 3
                and re.fullmatch(r"[A-Za-z]+(?:[bcdfghjklmnpqrtvwxyz]|ie)s", name)
                and re.match(
                    r"\s+(?:EHCP|ehcp|EHC plan|plan|taxi|transport|annual review|school|tuition|respite|"
                    r"social worker|placement|allowance|direct payments?)\b",
                    text[end:],
                    re.I,
                )
                # round 17's services ("my daughter Zainabs speech therapy"), not for a name that ends so ("my son Rhys
                # speech therapy", "Carys needs 1:1": a second reviewer's)
                or not re.search(r"(?:ys|rs|ss|us|is)$", name, re.I)
                and re.match(
                    r"\s+(?:speech (?:and language )?therapy|therapy|OT|SALT|SaLT|tutor|tutoring|1:1|TA|care package|"
                    r"minibus|statement|funding)(?![\w:])",
                    text[end:],
                    re.I,
                )
            ):
                name, end = name[:-1], end - 1  # "My daughter Ffions taxi", "My son Teodors EHCP": the child's
            return (name.upper() if len(name) == 1 else name[:1].upper() + name[1:]), (m.start(group), end)
    # the name in the sentence before "He's 12" / "She's 14": "nobody has come to take Mason out on Saturdays. He's 12"
    for m in re.finditer(r"[.!?]\s+(?:He|She)(?:'s| is) (?:\d{1,2}|now \d{1,2})\b", text):
        start = max(text.rfind(c, 0, m.start()) for c in ".!?\n") + 1
        for w in re.finditer(r"(?<!^)(?<![.!?]\s)\b([A-Z][a-z]+(?:-[A-Z][a-z]+)?)\b", text[start : m.start()]):
            name = w.group(1)
            if name.lower() in NOT_NAME or name.lower() in MONTHS or name.lower() in NOT_A_CHILD:
                continue
            if re.search(
                r"\b(emailed|rang|phoned|called|spoke to|spoke with|met|told|asked|from|to|with|near|in|at|mrs|mr|ms|miss|dr)\.?\s+$",
                text[start : start + w.start()],
                re.I,
            ):
                continue  # someone the person got in touch with, or a place they came from
            if " ".join(name.lower().split()) in _AUTH or re.match(
                r"\s+(?:council|cc|school|academy)\b", text[start + w.end() :], re.I
            ):
                continue
            return name, (start + w.start(1), start + w.end(1))
    return None


SINCE_CUE = r"(?:since|from|start(?:ed|ing)? in|stopped in|ended in|began in|beginning of|start of|back in|taken away in|made in|stopped|in)"
# a day before or after the month is allowed anywhere a month is ("since 3rd Oct", "since the 4th of March",
# "stopped ... on October 3rd 2025"): the month is what counts
DAY_BEFORE = r"(?:(?:the )?\d{1,2}(?:st|nd|rd|th)?(?: of)? )?"
DAY_AFTER = r"(?: \d{1,2}(?:st|nd|rd|th)?\b,?)?"
SINCE_RES = [
    re.compile(
        rf"\b(?:(?:since|from)(?: back in)?|back in) (?:the )?(?:start of (?:the )?|beginning of |end of )?(?:(last|this) )?{DAY_BEFORE}{MONTH_RE}{DAY_AFTER}(?: {YEAR_RE})?\b",
        re.I,
    ),
    re.compile(
        rf"\b(?:since|from) (?:the )?(?:start|beginning|first day|first week) of (?:the )?(?:\w+ )?(?:term|year(?: \d+)?) in "
        rf"{MONTH_RE}(?: {YEAR_RE})?\b",
        re.I,
    ),
    re.compile(
        # not what the person stopped: "i stopped letting her on it"
        rf"\b(?:(?<!\bi )(?<!\bwe )stopped|ended|started|began|cut|pulled out|taken away|never happened|(?<!\bi )(?<!\bwe )broke(?! (?:my|his|her|their|our|a) (?:leg|arm|wrist|ankle|foot|hand|nose|hip))|left(?! (?:a |an )?(?:\w+ )?(?:message|voicemail)| care\b)|excluded|fell through|withdrawn|withdrew|closed(?! (?:my|our|the|her|his) complaint)|retired|finished)\b[^.!?\n]{{0,90}}?(?:\b(?:in|on|since|at the (?:end|start|beginning) of)|,\s*(?:the )?(?:end|start|beginning) of) (?:(last|this) )?{DAY_BEFORE}{MONTH_RE}{DAY_AFTER}(?: {YEAR_RE})?\b",
        re.I,
    ),
    re.compile(rf"\b(?:since|from) (?:the \w+ was made in|we moved in) {MONTH_RE}(?: {YEAR_RE})?\b", re.I),
    # the month first, then what stopped: "In April they cut the allowance by half", "from May the council stopped"
    re.compile(
        rf"\b(?:in|from|since) {MONTH_RE}(?: {YEAR_RE})?(?: half[- ]term)?,? (?:they|the \w+|\w+ council|it|he|she|"
        r"(?:his|her|their|my|our) \w+|(?-i:[A-Z][a-z]+))"
        r"(?: \w+){0,2}? (?:cut|stopped|ended|withdrew|reduced|removed|took away|pulled|dropped)\b",
        re.I,
    ),
    re.compile(rf"\b(?:since|after|from) (?:the )?half[- ]term (?:in|of) {MONTH_RE}(?: {YEAR_RE})?\b", re.I),
    # "since the start of this term (September)": a term with its month (with none it is no month: null)
    re.compile(
        rf"\b(?:since|from) (?:the )?(?:start|beginning) of (?:this|the) term,? \(?(?:in )?{MONTH_RE}(?: {YEAR_RE})?\b",
        re.I,
    ),
    # "since the taxi firm lost the contract after half term in october", "since the cut at the end of July"
    re.compile(
        rf"\bsince\b[^.!?\n,]{{0,60}}?\b(?:in|on|at the (?:end|start|beginning) of) (?:(last|this) )?{DAY_BEFORE}{MONTH_RE}{DAY_AFTER}(?: {YEAR_RE})?\b",
        re.I,
    ),
    # what went well until then: "It ran fine until the October half term, when the taxi firm's contract ended",
    # "paid every month right up until May this year when it just stopped"
    re.compile(
        rf"\b(?:until|till|up to) (?:the )?(?:(?:end|start|beginning) of (?:the )?)?(?:(last|this) )?{MONTH_RE}"
        rf"(?: half[- ]term)?(?: {YEAR_RE})?(?: this year)?,? (?:when|then)\b"
        # the stop told next, with no other month before it ("until September, then he moved ... in October the council
        # stopped the taxi" is October's)
        rf"(?=(?:(?!\b{MONTH_RE.replace('(', '(?:', 1)}\b)[^.!?\n]){{0,90}}\b(?:ended|stopped|left|closed|was cut|"
        r"was cancelled|fell through|broke down|retired|finished)\b)",
        re.I,
    ),
]
# a sentence opening with the month, then what was lost: "In July the agency told me the contract had ended", "This
# September they told us post-16 transport would stop"
SINCE_RES.append(
    re.compile(
        rf"(?:^|(?<=[.!?]\s))(?:In|This|Last|From) (?:(last|this) )?{MONTH_RE}(?: {YEAR_RE})?\b,?"
        # the loss before any other date in the sentence ("In June they did a review and cut it from July": July's)
        rf"(?=(?:(?!\b{MONTH_RE}\b|\d{{1,2}}/|\b(?:would|will) (?:stop|end|cease|be cut)\b)[^.!?\n])*\b(?:stopped|stop|ended|end|cut|"
        r"cancel\w*|withdr\w*|no longer|nobody|no one|refused|finished|reduced|any ?more|no more|instead|couldn'?t|"
        r"hadn'?t)\b)",
        re.M | re.I,
    )
)
# a stop announced for a day: "they wrote to say that it would stop from 1st September"
SINCE_RES.append(
    re.compile(
        rf"\b(?:would|will) (?:stop|end|cease|be cut|be stopped|be reduced|be withdrawn) (?:from|on|at the end of) "
        rf"(?:(last|this) )?{DAY_BEFORE}{MONTH_RE}(?: {YEAR_RE})?\b",
        re.I,
    )
)
# a timeline's line: "- June: my support worker left and nobody replaced her"; a month then nothing since: "i got my
# flat in june and ive had nothing"
SINCE_RES.append(
    re.compile(
        rf"^[\s•*\-–]*(?:(last|this) )?{MONTH_RE}(?: {YEAR_RE})?(?: (?:to now|to date|onwards|until now))?\s*[:\-–]\s+(?=[^.!?\n]*\b(?:left|stopped|ended|cut|nobody|no one|"
        r"nothing|never|without|refused|cancelled|closed|not one|not a single|none|no(?! (?:problems?|issues?|trouble|concerns?|reply|response|answer|acknowledgement|word|news)\b))\b)",  # "Sept 2026 to date: no SaLT"
        re.I | re.M,
    )
)
SINCE_RES.append(
    re.compile(
        rf"\b(?:got|moved|left|started|came|turned \d+|was|were|stopped|ended|finished)\b[^.!?\n,]{{0,40}}?\bin (?:(last|this) )?"
        rf"{MONTH_RE}(?: {YEAR_RE})?,? and (?:i|we|he|she|they)(?:'ve| have| has|'s|ve)? "
        r"(?:had|got|received) (?:nothing|no\b|none)",
        re.I,
    )
)
# agreed for a month and never begun: "respite one weekend a month ... after his review in Feb but it never started"; a
# loss told as a year before a month: "the QTVI stopped coming a year last september" (September of last year)
SINCE_RES.append(
    re.compile(
        rf"\bin (?:(last|this) )?{MONTH_RE}(?: {YEAR_RE})?,? (?:but|and) (?:it|this|that) "
        r"(?:has |had )?(?:never|still hasn'?t|hasn'?t|has not|didn'?t|did not) (?:started|start|happened|happen|begun|began)\b",
        re.I,
    )
)
# a review held and its plan never come: "my sons annual review was in may and i still havent got the amended plan"
SINCE_RES.append(
    re.compile(
        rf"\b(?:annual |transfer )?review (?:was|happened|took place|was held) (?:back )?in (?:(last|this) )?{MONTH_RE}"
        rf"(?: {YEAR_RE})?\b(?=[^.!?\n]{{0,60}}\b(?:still|never|not|no|havent|haven'?t|hasnt|hasn'?t)\b[^.!?\n]{{0,30}}"
        r"\b(?:amended|final|new|updated) (?:plan|ehcp|ehc plan)\b)",
        re.I,
    )
)
A_YEAR_LAST = re.compile(
    rf"\b(?:stopped|ended|left|cut|finished|withdrawn|pulled out)\b[^.!?\n]{{0,40}}?\ba year (last) {MONTH_RE}(?: {YEAR_RE})?\b",
    re.I,
)
SINCE_RES.append(A_YEAR_LAST)
# a step that was due and did not come: "his annual review, it was due in march", "the second instalment was due in
# January and never came" (not a complaint's reply that was due)
DUE_IN = re.compile(
    rf"\b(?:(?:was|were) (?:due|(?:supposed|meant) to (?:happen|be held|start|begin|be paid))|should have (?:been (?:held|done|"
    rf"started|issued|paid|finalised|completed|in place)|started|happened)) (?:(?:in|on|by) )?(?:(last|this) )?{DAY_BEFORE}"
    rf"{MONTH_RE}(?: {YEAR_RE})?\b",
    re.I,
)
SINCE_RES.append(DUE_IN)
# round 17 (s1854-s1953, read unseen): a stop said with "last" and no "in" ("The respite happened twice then stopped last
# December"); a plan or service dated, then nothing since ("finalised lucas plan in april with OT 1 hour a week ... he
# hasnt had a single session since")
LAST_STOP = re.compile(
    rf"\b(?:stopped|ended|finished|excluded|(?:was|were) (?:stopped|cut|cancell?ed|withdrawn)) (last|this) {MONTH_RE}(?: {YEAR_RE})?\b",
    re.I,
)
SINCE_RES.append(LAST_STOP)
# the plan or service itself named before "finalised" ("his CAMHS worker was named in june" is not a plan): checked in
# `_since_rules`
PLAN_DATED = re.compile(
    rf"\b(?:finalised|finalized|issued|agreed|named)\b[^.!?\n]{{0,30}}? in (?:(last|this) )?{MONTH_RE}(?: {YEAR_RE})?\b"
    r"(?=[^.!?\n]{0,100}\b(?:hasn'?t|hasnt|haven'?t|havent|not|never|nothing|no)\b[^.!?\n]{0,50}\bsince\s*[.!?\n,]|"
    r"[^.!?\n]{0,100}\bnothing since\b)",
    re.I,
)
SINCE_RES.append(PLAN_DATED)
# round 20 (s2104-s2153, read unseen): a service that ran until a month ("she had it fine in reception til last march
# then the therapist went on maternity leave")
FINE_UNTIL = re.compile(
    r"\bhad (?:it|them|this|that|him|her|the \w+) (?:fine|ok|okay|no problem|every week|weekly)\b[^.!?\n]{0,40}?"
    rf"\b(?:til|till|until|up to|up until) (?:(last|this) )?{MONTH_RE}(?: {YEAR_RE})?\b"
    r"(?=[^.!?\n]{0,15}\b(?:then|and then|when)\b[^.!?\n]{0,60}\b(?:left|stopped|ended|cut|went off|maternity|sick|nobody|"
    r"no one|retired|moved on|nothing|no (?:budget|funding|money|therapist|tutor|driver|staff))\b)",
    re.I,
)
SINCE_RES.append(FINE_UNTIL)
COMPLAINT_STEP = re.compile(
    r"\b(complain\w*|stage (1|one|2|two)|repl(y|ied)|respon(se|ded)|ombudsman|lgsco|lgo)\b", re.I
)
# a month in what the person wants ("the mileage paid from September", "backdated to January") is not when it began
WISH = re.compile(r"\b(want|would like|'d like|wish|asking for|backdat\w*|should be paid|paid from)\b", re.I)


HOLIDAY_LOSS = re.compile(
    r"\b(?:(?:stopped|ended|ran out|went off sick|cancelled|broke down|was cut|were cut)\b[^.!?\n,]{0,30}?"
    r"(?:just |the week |the day |a week |right )?(before|after)|since (?:just |the week |right )?(before|after)?) ?"
    r"(christmas|halloween|bonfire night|easter)\b(?: ((?:19|20)\d\d)| (last) year)?",
    re.I,
)
# a time of the school year for a month: "from easter", "after february half term", "after the christmas holidays",
# "since the start of the spring term", "since the new year"
SEASON = re.compile(
    rf"\b(since|from|after|at) (?:about |around |roughly |just after |sometime after )?(?:the )?"
    rf"(?:(?:first|second) (?:few )?(?:weeks?|days?) of (?:the |this )?)?(?:(start|beginning|end) of (?:the |this )?)?((?:spring|summer|autumn) term|"
    rf"{MONTH_RE} half[- ]term|(?:spring|autumn|summer) half[- ]term|whitsun(?: half[- ]term)?|easter|christmas|summer|(?:new )?financial year|new year)"
    rf"(?: holidays?| break)?(?: (this|last) year| {YEAR_RE})?\b",
    re.I,
)
TERM_END = {"spring term": 3, "summer term": 7, "autumn term": 12}  # "stopped at the end of the summer term"
SEASON_MONTH = {
    "whitsun": 5,
    "whitsun half term": 5,
    "easter": 4,
    "summer": 9,
    "spring half term": 2,
    "autumn half term": 10,
    "summer half term": 6,
    "new year": 1,
    "financial year": 4,  # "reduced our allowance from the new financial year"
    "new financial year": 4,
    "spring term": 1,
    "summer term": 4,
    "autumn term": 9,
}
# a start that is not the failure's: the child came to live with the carer ("has lived with us since Easter"), the
# council has known ("have known about since May")
BACKGROUND = re.compile(
    r"\b(?:lived|living|been|placed|stayed|staying|came to live) with (?:us|me|them|(?:my|his|her|our) (?:foster carers?|"
    r"nan|gran|grandparents?|aunt(?:ie|y)?|uncle))\b[^.!?\n,]{0,45}?\s+(?:ever )?$"
    r"|\b(?:i|we)(?:'ve| have) had (?:him|her|them|[A-Z][a-z]+)(?: \(\d{1,2}\))?\s+$"  # a carer: "I've had Kayden (11) since"
    # "have cared for Jace (aged 13) since March 2024", "we've looked after her since", "fostered T since", "I've been
    # caring for my niece since January", "looking after my grandson Theo since"
    r"|\b(?:cared for|caring for|looked after|looking after|fostered|fostering) (?:him|her|them|(?:my |our )?(?:\w+ )?[A-Z][\w-]*)"
    r"(?: \((?:aged )?\d{1,2}\))?(?:\s+since)?\s+$"
    r"|\bknown(?: about it)?(?: about)?\s+$"
    # how long the child has had a plan: "Lewis is 15, EHCP since 2 March 2022", "has had an EHC plan since 2021"
    r"|\b(?:ehcp|ehc plan|statement)\s+$|\b(?:ehcp|plan|statement) from (?:the )?[\w ]{2,50}?\s+$",
    re.I,
)
# the failure said beside a start: what stopped, was cut or never came
FAILED = re.compile(
    r"\b(stopped|stop|left|cut|ended|closed|retired|withdrawn|withdrew|no(?:-| )one|nobody|nothing|none|never|no longer|"
    r"hasn'?t|haven'?t|hasnt|havent|hadn'?t|hadnt|wasn'?t renewed|finished|without|not had|had no|has had no|been no|"
    r"no \w+(?: \w+)? (?:at all|since)|not (?:one|a single)|"
    r"fell through|broke down|excluded|refus\w+|part[- ]time|reduced|missed|neither)\b",
    re.I,
)
# a start that is the story's background: the plan, the order or a diagnosis had since then, a service that began well
STARTED_WELL = re.compile(
    r"\b(?:ehcp|ehc plan|plan|sgo|order|diagnos\w+|had (?:him|her|them|it|(?-i:[A-Z])\w*)|started|began|issued|"
    r"got (?:the|an?|his|her) \w+)\b"
    r"[^.!?\n]{0,30}$",
    re.I,
)
# the person's chasing, said just before a start: "ive emailed her case officer 4 times since september" (not "rang re
# his son who has been off school since March")
CHASED_SINCE = re.compile(
    r"\b(?:emailed|e-mailed|rang|phoned|called|chased|written|wrote|messaged|contacted)\b"
    r"(?:(?!\b(?:who|which|that|has|have|had|is|was|been)\b)[^.!?\n]){0,45}$",
    re.I,
)
# a day that is not when it began: an appeal's or a panel's, the next stage asked for, the person's chasing ("I've
# emailed the SEN officer on 2 April, 19 June and 8 September"), unless what they sent was the request that started
# the clock ("I emailed to request an assessment on 3 March")
NOT_A_START = re.compile(r"\b(appeal\w*|panel|next stage|investigator)\b", re.I)
CHASING = re.compile(
    r"\b(emailed|e-mailed|email|rang|phoned|called|chased|wrote to|messaged|contacted|sent it again)\b", re.I
)
ASKED_FOR = re.compile(r"\b(request\w*|appl(y|ied|ication)|asked for|assess\w*)\b", re.I)
# a service that worked from that start: "since September 2024 and it was fine", "started in July and was good"
WENT_WELL = re.compile(
    r"[^.!?\n]{0,20}?\b(?:and )?(?:it |he |she |they |that )?(?:was|went|has been|worked|were) (?:fine|well|great|good|ok|okay)\b"
    r"|[^.!?\n]{0,20}?\b(?:never a problem|no problems?)\b",
    re.I,
)
# where the child is or has been, never when the failure began: "has been at his current school since September 2023",
# "he is in this school from September 2022", "been in care since 2019", "the school named in it (since Sept 2023)"
WHERE_SINCE = re.compile(
    r"\b(?:been|is|was|be) (?:at|in) (?:his|her|their|the|this|a|my|our) (?:current |new |old |present )?(?:school|college|"
    r"placement|nursery|setting)\b[^.!?\n,]{0,20}?\s+$|\bin care\s+$|\b(?:school|college|placement)\b[^.!?\n]{0,30}\(\s*$",
    re.I,
)
# when the child joined the school: "He started at this school in September 2024"
SETTLED_IN = re.compile(
    r"(?:started|began) (?:at|in) (?:his|her|their|the|this|a|my|our) (?:\w+ ){0,2}?(?:school|college|nursery|"
    r"placement|setting)\b",
    re.I,
)
# a start said with no month: "Not one session since 2023", "since her social worker left in the spring" (null), so
# no other date stands in for it
NO_MONTH = re.compile(
    r"\b(?:since|from) (?:19|20)\d\d\b(?! ?[-/])|\bsince\b[^.!?\n,]{0,40}?\b(?:in )?(?:the|last) (?:spring|autumn|winter)\b",
    re.I,
)
# a document's date, not a start: "his PEP from june says", "the report from March said"
DOCUMENT_FROM = re.compile(
    rf"from {MONTH_RE}(?: {YEAR_RE})? (?:says|said|states|stated|shows|showed|recommends)\b", re.I
)
# a move or a placement: when the story began, but the failure's start only if no other is said
MOVED = re.compile(
    rf"\b(?:placed \w+ with (?:me|us)|moved|came to (?:us|me|live with (?:us|me)))\b[^.!?\n]{{0,90}}?\b(?:in|on|since|at the (?:end|start|beginning) of) (?:(last|this) )?{DAY_BEFORE}{MONTH_RE}{DAY_AFTER}"
    rf"(?: {YEAR_RE})?\b",
    re.I,
)
# "since then": the last time said before it in the same or the sentence before ("just before Christmas and since
# then there's been nothing", "fell through in August and since then")
SINCE_THEN = re.compile(r"\b(?<!ever )since(?: then\b|(?=\s*(?:[.!?\n]|$)))", re.I)
THEN_TIME = re.compile(
    rf"\b(?:(christmas|easter)|(?:in|on|by|before|until|till) (?:the )?{DAY_BEFORE}{MONTH_RE}(?: {YEAR_RE})?)\b", re.I
)
# what was lost, told before a bare "since": "the play scheme rang to say ... his place was gone. He hasn't had a single
# Saturday since", "His placement broke down just before Christmas and he has been at home since"
LOST = re.compile(
    r"\b(stopped|ended|broke down|fell through|closed|gone|left|cancel\w*|cut|withdr\w*|lost|ran out|finished|excluded|"
    r"pulled|took away|taken away|suspended|(?:went|going|gone|go) wrong)\b",
    re.I,
)
# a failure put right before the one complained of, told after its start in the same sentence: "no transport from the
# start of september 2025 until they finally sorted a taxi in november 2025", "no mentor from September 2025 ..., but
# after I emailed the council it was sorted" (the ninth round's batch of many dates read since at 0.58 / 0.64 unseen)
PUT_RIGHT = re.compile(
    r"\b(?:until|till|til|but|then|and)\b[^.!?\n]{0,60}?\b(?:sorted|put right|resolved|fixed|reinstated|restored|restarted|"
    r"started again|arranged)\b"
    r"|\b(?:it|this|that|which|they)\s+(?:was|were|got|had|finally|eventually)\s+(?:\w+\s+)?(?:sorted|put right|resolved|fixed)\b",
    re.I,
)
# ... unless it is said as not done, promised or wished for: "it still isnt sorted", "nothing has been sorted", "keep
# saying it'll be resolved soon", "said it would be fixed by half term but it wasnt", "I want it reinstated"
ONLY_PROMISED = re.compile(
    r"\b(?:not|never|nothing|nobody|no one|still|yet|soon|want|wants|wanted|would|will|should|said|saying|says|keep|keeps|"
    r"promis\w*|hope|hoping|being|told|telling|asked|asking|need|needs|wish)\b|n'?t\b|'ll\b",
    re.I,
)
# a failure said in a period "from X to Y" in words `FAILED` does not name, so not a time the support came: "failed to
# deliver", "he only got 2 hours", "out of school", "on a waiting list", "couldn't find him a place"
LACKED = re.compile(r"\b(?:no|not|fail\w*|only|waiting|instead|out of|lost|off)\b|n'?t\b", re.I)


def _put_right(text: str, pos: int, end: int) -> bool:
    """Whether the start at `pos` (its words ending at `end`) is of a failure put right later in its sentence, or only
    of a time the support came ("from November 2025 until July 2026 I saw my mentor every week"); not where the
    putting right is only promised or wished for, nor a failure that runs "until now"."""
    stop = re.search(r"[.!?\n]", text[pos:])
    rest = text[pos : pos + stop.start() if stop else len(text)]
    at = 0
    while m := PUT_RIGHT.search(rest, at):  # each place it may open: "and nothing was offered, but ... they arranged"
        if not ONLY_PROMISED.search(m.group(0)) and not re.match(r"\W*(?:yet|soon)\b|\s+but\b", rest[m.end() :], re.I):
            return True
        at = m.start() + 1
    head = re.split(r"[.,;:!?\n]", text[max(0, pos - 60) : pos])[-1]
    return bool(
        re.match(r"\s+(?:until|till|til|to)\b(?!\s+(?:now|today|date|this day)\b)", text[end:], re.I)
        and not (FAILED.search(head + rest[:50]) or LACKED.search(head + rest[:50]))
    )


FOCUS = re.compile(
    r"\b(?:this|that|it) is what (?:my|the|our) complaint is (?:really )?about\b|\bwhat (?:my|the|our) complaint is about is\b"
    r"|\bthe urgent (?:thing|issue|problem|one)\b|\b(?:want|going) to focus on\b"
    r"|\bthe (?:real|main|actual) (?:problem|issue|complaint) is\b",  # "Things got hard since ..., but the real problem is"
    re.I,
)
# the person's own contact told with that time ("On 16 October I got a letter saying they needed 10 more days. Since
# then, nothing"), not a third party's ("in August the play scheme rang to say his place was gone")
PERSON_CONTACT = re.compile(
    r"\b(?:i|we)\s+(?:\w+\s+)?(?:emailed|e-mailed|rang|phoned|called|wrote|sent|chased|contacted|spoke|"
    r"(?:got|received|had) (?:a|an|the|their|another) (?:\w+ )?(?:letter|email|reply|response|call|message|answer))\b",
    re.I,
)
# the term or school year now, with no month said: "since start of term", "since the new school year"
TERM_START = re.compile(
    r"\b(?:since|from) (?:the )?(?:(?:start|beginning) of (?:the |this )?(?:(school year|academic year)|term)\b"
    r"|new (school year|academic year|term)\b"
    r"|(school year|academic year|college year) (?:started|began)\b)"
    r"(?! in\b| back\b| (?:\w+ )?(?:19|20)\d\d\b)",  # "Since the college year started" (not "started back in 2024")
    re.I,
)
# "it stopped when the clocks went back" (said as done: "when the clocks go forward" is to come)
CLOCKS = re.compile(r"\b(?:since|when|after|from) the clocks (?:went|changed) (back|forward)\b", re.I)
# the term before this one: "since the start of last term", "since last term"
LAST_TERM = re.compile(
    r"\b(?:since (?:the (?:start|beginning) of )?|from the (?:start|beginning) of )last term\b", re.I
)
# "at the beginning of this year", "since the start of last year"
YEAR_START = re.compile(r"\b(?:since|from|at|in) (?:the )?(?:start|beginning) of (this|last) year\b", re.I)
# how long it has gone on: "for 18 months now", "for the last two years", "for the last 7 weeks"
DURATION = re.compile(
    r"\b(?:for|in|since|it'?s been|it has been|been (?:at home|off school|out of school|off)|(?:been |its |it'?s )?like this(?: for)?|so (?:that'?s|thats|that is)) (?:the (?:last|past) |(?:well |just )?over |nearly |almost |about |roughly |around |"
    r"approximately |more than |at least )?(\d{1,2}|two|three|four|five|six|seven|eight|nine|ten|eleven|"
    r"twelve|eighteen) (weeks?|months?|years?)(?: now)?\b"
    r"|\b(\d{1,2}|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|eighteen) (weeks?|months?|years?)\W{1,3}"
    r"(?:that'?s|thats|this is) how long\b",
    re.I,
)
DURATION_CONTEXT = re.compile(
    r"\b(waiting|without|nothing|at this|going on|fighting|chasing|struggling|out of school|off school|missed|had no|"
    r"not|no|never|hasn'?t|haven'?t|none)\b[^.!?\n]*$",
    re.I,
)
# a date of birth is never when a failure began: "Maisie W (DOB 03/02/2018)", "born 14 May 2015", "DOB: 3rd February
# 2018", "born in May 2015"; nor a birthday: "(birthday was 12 april)", "he was 7 on the 2nd of may", "Mason (3 on 9
# January)", "kiara turned 15 on 6 november", "Saffie's 15 on 3 December"; but turning 18 may be when a care leaver's
# support was due to start ("i turned 18 on the 1st of september and i was meant to stay with my foster carers")
BORN = re.compile(r"\b(?:d\.?o\.?b\.?|date of birth|born(?: on| in)?)\W{0,3}$", re.I)
BIRTHDAY = re.compile(
    r"(?:\bbirthday(?: was| is)?|(?:\(|\bwas |\bis |'s |\bturned |\bturns |\bturning |\bwill be )(?!18\b)\d{1,2} on(?: the)?)"
    r"\W{0,3}$",
    re.I,
)
BORN_ON = re.compile(
    rf"\b(?:d\.?o\.?b\.?|date of birth|born(?: on| in)?)\W{{0,3}}(?:\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?)?{MONTH_RE}\b"
    rf"(?:,?\s+{YEAR_RE})?",
    re.I,
)


@lru_cache(maxsize=8)
def _birth_dates(text: str) -> tuple[tuple[int, int], ...]:
    """Spans of the dates of birth a story gives with a month's name."""
    return tuple(m.span() for m in BORN_ON.finditer(text))


ASIDE_END = re.compile(r"[)\n]|[.!?;](?:\s|$)")


def _aside_end(text: str, pos: int) -> int:
    """Where what follows a date at `pos` stops being about it: a closing bracket ("Mason (3 on 9 January) has had
    no nursery place"), the sentence's end, or 60 characters on."""
    m = ASIDE_END.search(text, pos, min(len(text), pos + 60))
    return m.start() if m else min(len(text), pos + 60)


def _born(text: str, pos: int) -> bool:
    """Whether the date at `pos` is a date of birth, or a birthday told as one ("he was 7 on the 2nd of may"), not as
    when the loss began ("Since his birthday (12 April) he hasnt had any respite", "She turned 16 on 1 May and her
    CAMHS support stopped that week")."""
    if BORN.search(text[max(0, pos - 20) : pos]) or any(a < pos < b for a, b in _birth_dates(text)):
        return True
    if not BIRTHDAY.search(text[max(0, pos - 20) : pos]):
        return False
    return not (
        re.search(r"\bsince (?:his|her|my|their) (?:\w+ )?birthday\W{0,3}$", text[max(0, pos - 40) : pos], re.I)
        or FAILED.search(text, pos, _aside_end(text, pos))
    )


# a time still to come: "school has booked the next annual review for 12 January", "told not to come back after
# christmas"
TO_COME = re.compile(
    r"\bnext\b[^.!?\n]{0,40}$|\b(?:not to (?:come|go) back|won'?t be (?:back|going))(?: (?:after|from|in|until))?(?: the)? $",
    re.I,
)


def _to_come(text: str, pos: int) -> bool:
    """Whether the date at `pos` is told as still to come: after "next" in its sentence (a run-on clause may be cut
    before "after"), or as when the child may not return, if that is Christmas or the new year ("told not to come back
    after Easter", said in November, is past)."""
    before = TO_COME.search(text[max(0, pos - 60) : pos])
    if not before:
        return False
    return before.group(0).lower().startswith("next") or bool(
        re.match(r"(?:christmas|new year|january)\b", text[pos:], re.I)
        or re.match(r"\w+ (?:christmas|new year|january)\b", text[pos:], re.I)
    )


# when a loss happened, told as how long ago: "about 8 weeks ago the TA left", "it stopped two terms ago"
AGO = re.compile(
    r"\b(?:about |around |nearly |almost |over |roughly )?(\d{1,2}|a|one|two|three|four|five|six|seven|eight|nine|ten|"
    r"eleven|twelve) (weeks?|months?|terms?|fortnights?) ago\b|\blast month\b",
    re.I,
)
# an assessment asked for is when its wait began ("Over nine months ago I asked ... for a child in need assessment")
ASKED_ASSESSMENT = re.compile(r"\b(?:asked|requested|applied)\b[^.!?\n]{0,80}?\bassessment\b", re.I)
HAD_SINCE = re.compile(
    r"\s+since (?:i|we|they|he|she) (?:last )?(?:had|have had|'ve had)\b"
    r"|\s+since (?:they|the council|\w+ council|it|he|she) (?:took|stopped|cut|withdrew|removed|pulled|ended|left)\b"
    # round 21: "It's been about six weeks now since he was last allowed in the base"
    r"|\s+since (?:he|she) was last (?:allowed|in|at|able|given|seen by)\b|\s+since (?:he|she) last (?:went|had|got|saw)\b",
    re.I,
)
NUMBER_WORDS = {
    w: i for i, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve".split(), start=0)
} | {"eighteen": 18}


def _months_back(today: date, months: int) -> str:
    """The YYYY-MM `months` before today's month."""
    k = today.year * 12 + today.month - 1 - months
    return f"{k // 12:04d}-{k % 12 + 1:02d}"


def _to_come_month(ym: str, today: date) -> bool:
    """Whether a YYYY-MM is after this month: never when a failure began ("hold the review before the end of December
    2026", "15 February 2027"). The since rules' start patterns, their fallback dates and the reader's candidates all ask."""
    return ym > _months_back(today, 0)


@lru_cache(maxsize=8)
def _since_said(
    text: str, today: date
) -> tuple[tuple[tuple[int, str, tuple[int, int]], ...], tuple[tuple[int, str, tuple[int, int]], ...]]:
    """When it started, said as a time of the school year or as how long ago: (position, YYYY-MM, span) each. Kept for
    the last few stories: the rules (`_since_rules`) and the reader's candidates (`since_candidates`) both ask."""
    found = []
    for m in SEASON.finditer(text):
        cue, when = m.group(1).lower(), " ".join(m.group(3).lower().replace("-", " ").split())
        if _to_come(text, m.start()) or re.search(
            r"\b(?:would|will|'ll|going to)\s+(?:look|review|reassess|re-assess|consider|reconsider|revisit|check|decide|"
            r"discuss|see|assess|meet)\b\s+(?:(?!(?:and|but|then)\b)[\w']+\s+){0,6}$",
            text[max(0, m.start() - 60) : m.start()],
            re.I,
        ):
            continue  # "told not to come back after christmas", "they would look at it again at the end of the summer term"
        if (
            cue == "at"
            and not re.search(r"(start|beginning|end) of", m.group(0), re.I)
            # "retired at Easter" is a start; "left at Christmas and from January I had nobody" is January's
            and (
                when == "christmas"
                or not re.search(
                    r"\b(stopped|ended|retired|left|closed|finished)\s+$", text[max(0, m.start() - 12) : m.start()]
                )
            )
        ):
            continue  # "at easter" is a date, not a start; "at the start of the summer term" or "retired at Easter" is
        if WHERE_SINCE.search(text[max(0, m.start() - 60) : m.start()]):
            continue  # "he has been at his current school since Easter 2023"
        if re.match(r"\w+ (?:about|around|roughly|just after|sometime after) ", m.group(0), re.I) and (
            not FAILED.search(_clause_of(text, m.start()))
            or CHASED_SINCE.search(text[max(0, m.start() - 60) : m.start()])
            or re.search(
                r"\b(?:chas\w+|waiting|worse|lived|living|been on|list|ringing|emailing)\b[^.!?\n]*$",
                text[max(0, m.start() - 60) : m.start()],
                re.I,
            )
        ):
            continue  # "since about Easter" only of the loss ("Ive been chasing them since about Easter" is not)
        if "financial year" in when and (
            cue not in ("from", "since") or not FAILED.search(_clause_of(text, m.start()))
        ):
            continue  # "told me at the end of the financial year", "would be funded from the new financial year"
        if cue == "after" and CHASING.search(text[max(0, m.start() - 40) : m.start()]):
            continue  # "I chased the SEN officer just after May half term": when they chased
        if when == "christmas":
            mo = 1 if cue in ("after", "over") else 12
        elif when == "summer":  # "since the summer holidays ended", "at the end of the summer": September
            ended = re.match(r"\s+(?:ended|finished)\b", text[m.end() :]) or (m.group(2) or "").lower() == "end"
            mo = 9 if cue in ("after", "over") or ended else 7
        elif (m.group(2) or "").lower() == "end" and when in TERM_END:
            mo = TERM_END[when]
        elif when in SEASON_MONTH:
            mo = SEASON_MONTH[when]
        else:
            mo = _month(when.split()[0])
        rel, y = m.group(5), _year(m.group(6))
        if y is None:
            y = today.year if rel and rel.lower() == "this" else today.year - 1 if rel else _year_of(mo, today)
            if when == "christmas" and mo == 1 and not rel:
                y = _year_of(1, today)
        found.append((m.start(), f"{y:04d}-{mo:02d}", m.span()))
    # a loss told by a holiday: "ran out the week before Christmas", "Since just after bonfire night they have cancelled
    # them", "went off sick just before Halloween"
    for m in HOLIDAY_LOSS.finditer(text):
        when, after = m.group(3).lower(), (m.group(1) or m.group(2) or "").lower() == "after"
        mo = {"christmas": 1 if after else 12, "halloween": 11 if after else 10, "bonfire night": 11, "easter": 4}[when]
        y = int(m.group(4)) if m.group(4) else _year_of(mo, today) - (1 if m.group(5) else 0)
        if m.group(4) and when == "christmas" and mo == 1:
            y += 1  # "after Christmas 2024" is January 2025
        found.append((m.start(), f"{y:04d}-{mo:02d}", m.span()))
    for m in SINCE_THEN.finditer(text):
        back = text[max(0, m.start() - 160) : m.start()]
        times = [t for t in THEN_TIME.finditer(back) if not re.search(r"[.!?]\s[^.!?]*[.!?]\s", back[t.end() :])]
        if not times:
            continue
        if not m.group(0).lower().endswith("then"):  # "cancelled until January. He has not been since": to come
            times = [t for t in times if not re.match(r"(until|till)\b", t.group(0), re.I)]
            if not times:
                continue
        t = times[-1]
        told = back[max(0, back.rfind(".", 0, t.start()) + 1) :]
        if COMPLAINT_STEP.search(told) or PERSON_CONTACT.search(told):
            continue  # "On 16 October I got a letter saying they needed 10 more days. Since then, nothing": the reply
        if re.search(r"\b(agreed?|decided|decision) (\w+ ){0,2}to assess\b", told, re.I):
            continue  # "they agreed to assess on 23 june and since then nothing": the request started the clock
        if not m.group(0).lower().endswith("then") and (
            CHASED_SINCE.search(text[max(0, m.start() - 60) : m.start()]) or not LOST.search(told)
        ):
            continue  # a bare "since" after chasing ("emailed ... every week since"), or after no loss told

        if t.group(1):
            mo, y = (12, _year_of(12, today)) if t.group(1).lower() == "christmas" else (4, _year_of(4, today))
        else:
            mo = _month(t.group(2))
            day = re.search(r"\b(\d{1,2})(?:st|nd|rd|th)?\b", t.group(0))
            y = _year(t.group(3)) or _year_of(mo, today, int(day.group(1)) if day else 1)
        found.append(
            (m.start() - len(back) + t.start(), f"{y:04d}-{mo:02d}", (m.start() - len(back) + t.start(), m.end()))
        )
    for m in TERM_START.finditer(text):  # "since the start of term", "since the new school year": the term now
        if m.group(1) or m.group(3):
            mo = 9
        else:
            mo = 9 if today.month >= 9 else 4 if today.month >= 4 else 1
        y = today.year if mo <= today.month else today.year - 1
        if m.group(3) and re.match(r"\s+last year\b", text[m.end() :], re.I):
            y -= 1  # "since the school year started last year"
        found.append((m.start(), f"{y:04d}-{mo:02d}", m.span()))
    for m in CLOCKS.finditer(text):  # "it stopped when the clocks went back": the last Sunday of October (of March)
        mo = 10 if m.group(1).lower() == "back" else 3
        y = _year_of(mo, today) - bool(re.match(r"\s+last year\b", text[m.end() :], re.I))
        found.append((m.start(), f"{y:04d}-{mo:02d}", m.span()))
    for m in LAST_TERM.finditer(text):  # terms begin in September, January and April
        k = today.year * 3 + (2 if today.month >= 9 else 1 if today.month >= 4 else 0) - 1
        found.append((m.start(), f"{k // 3:04d}-{(1, 4, 9)[k % 3]:02d}", m.span()))
    for m in YEAR_START.finditer(text):
        y = today.year - (m.group(1).lower() == "last")
        found.append((m.start(), f"{y:04d}-01", m.span()))
    ago = []
    for m in AGO.finditer(text):
        clause = _clause_of(text, m.start())
        since_ago = re.search(r"\bsince\b[^.!?\n]*$", text[max(0, m.start() - 60) : m.start()], re.I)
        sentence = _sentence_around(text, m.start())
        since_clause = text[since_ago.start() + max(0, m.start() - 60) : m.start()] if since_ago else ""
        if since_ago and (PERSON_CONTACT.search(since_clause) or COMPLAINT_STEP.search(since_clause)):
            since_ago = None  # "chasing ever since I emailed them 3 weeks ago": the chase, not the loss
        if not (since_ago or ASKED_ASSESSMENT.search(sentence)) and (
            not LOST.search(clause) or any(rx.search(clause) for rx in (COMPLAINT_STEP, PERSON_CONTACT, NOT_A_START))
        ):
            continue  # only a loss told as how long ago ("the TA left about 8 weeks ago"), not a request, call or appeal
        if m.group(0).lower() == "last month":
            ago.append((m.start(), _months_back(today, 1), m.span()))
            continue
        n = (
            1
            if m.group(1).lower() in ("a", "one")
            else int(m.group(1))
            if m.group(1).isdigit()
            else NUMBER_WORDS[m.group(1).lower()]
        )
        unit = m.group(2).lower()
        if unit.startswith(("week", "fortnight")):  # "a fortnight ago"
            back = today - timedelta(weeks=n * (2 if unit.startswith("fortnight") else 1))
            ago.append((m.start(), f"{back.year:04d}-{back.month:02d}", m.span()))
        elif unit.startswith("month"):
            ago.append((m.start(), _months_back(today, n), m.span()))
        else:  # terms begin in September, January and April: "two terms ago", said in the autumn term, is January
            k = today.year * 3 + (2 if today.month >= 9 else 1 if today.month >= 4 else 0) - n
            ago.append((m.start(), f"{k // 3:04d}-{(1, 4, 9)[k % 3]:02d}", m.span()))
    # how long it has gone on, or how long ago the loss was: a start only if no month or time of year is said ("My
    # husband left 4 months ago ... Since September Mia's respite has been cancelled" is September)
    lasted = ago  # the conventions' order
    for m in DURATION.finditer(text):
        before = text[max(0, m.start() - 60) : m.start()]
        after = text[m.end() : m.end() + 40]
        said_n, said_unit = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        if m.group(0).lower().startswith("in ") and not (
            re.search(
                r"\b(?:no|not|never|nothing|none|hasn'?t|haven'?t)\b"
                r"(?:(?!\b(?:will|would|say|says|said|maybe|might|could|hope|expect|within)\b)[^.!?\n])*$",
                before,
                re.I,
            )
            and re.search(r"\b(?:had|been|seen|received|got|heard|come|attended)\b[^.!?\n]*$", before, re.I)
            and not re.match(r"\s*(?:maybe|time|they said|or so)\b", after, re.I)
        ):
            continue  # "in 6 weeks" is a time to come unless a loss is told before it ("not had one session in 14 months")
        if "like this" in m.group(0).lower() and (
            said_unit.lower().startswith("year") or re.match(r"\s+(?:with|before)\b(?! no\b| nothing\b)", after, re.I)
        ):
            continue  # "its been like this for 5 years with leeds": how long the fight, not the loss
        if m.group(0).lower().startswith("since ") and (
            not (
                re.match(r"[^.!?\n]{0,30}\b(?:no|none|nothing|not|never|hasn'?t|hasnt|haven'?t|havent)\b", after, re.I)
                or re.search(r"\b(?:no|not|never|nothing|hasn'?t|hasnt|haven'?t|havent)\b[^.!?\n]*$", before, re.I)
            )
            or re.search(r"\b(?:answer|reply|response|call back|word)\s*$", before, re.I)
        ):
            continue  # "since 10 weeks no speech therapist" is the loss; "no answer since 3 weeks" is the council's silence
        if m.group(3) and not re.match(
            r"[^.!?\n]{0,40}\b(?:without|no|not|nothing|never|waiting|missed|out of|off)\b", after, re.I
        ):
            continue  # "12 years. that's how long I have been his carer"
        if not (
            m.group(3)  # "7 MONTHS. thats how long my son has been without a school"
            or m.group(0).lower().endswith(" now")
            or re.match(r"(?:been|its|it'?s) like this", m.group(0), re.I)  # "Been like this 3 weeks"
            or re.match(r"for the (last|past)\b", m.group(0), re.I)
            or DURATION_CONTEXT.search(before)
            or re.match(r"[^.!?\n]{0,30}\b(no|none|nothing|not|never)\b", after, re.I)
            or HAD_SINCE.match(after)  # "It's been six months since I had any support worker"
        ):
            continue  # "foster carers for 6 years" is not how long the problem has gone on
        if re.match(r"\s+since (?:i|we|they|he|she|the|my|our)\b", after, re.I) and not HAD_SINCE.match(after):
            continue  # "It's been nearly 6 months since I asked": the request's own day says when; not "since I had"
        if m.group(0).lower().startswith("so ") and re.match(
            r"\s+(?:to wait|to go|left|until|more|away|of waiting)\b", text[m.end() :], re.I
        ):
            continue  # "so that's 4 months to wait", "so thats 2 years left"
        n = int(said_n) if said_n.isdigit() else NUMBER_WORDS.get(said_n.lower(), 0)
        unit = said_unit.lower()
        if unit.startswith("week"):
            back = today - timedelta(weeks=n)
            lasted.append((m.start(), f"{back.year:04d}-{back.month:02d}", m.span()))
            continue
        months = n * 12 if unit.startswith("year") else n
        if not 0 < months <= 240:
            continue
        lasted.append((m.start(), _months_back(today, months), m.span()))
    # "ever since year 6 started", "since the start of year 10", "since he went into year 8", "since she started
    # secondary": this school year's September ("since year 7", with the child now in year 10, is not)
    for m in re.finditer(
        r"\bsince (?:the (?:start|beginning) of (?:year|yr) ?\d{1,2}\b|(?:year|yr) ?\d{1,2} started\b|"
        # "Since she changed schools at the start of Year 7"
        r"[^.!?\n]{0,40}?\bat the (?:start|beginning) of (?:year|yr) ?\d{1,2}\b|"
        r"(?:he|she|they|[a-z]+) (?:went|moved) (?:into|up to) (?:year|yr) ?\d{1,2}\b|"
        r"(?:he|she|they|[a-z]+) (?:started|began) (?:year|yr) ?\d{1,2}\b|"
        r"(?:he|she|they|[a-z]+) started (?:secondary|high school|college|sixth form) in (?:year|yr) ?\d{1,2}\b|"
        # "since she was in year 7", "since the first week of year 10", "since I started my second year at college"
        r"(?:he|she|they|i|[a-z]+) (?:was|were) in (?:year|yr) ?\d{1,2}\b|"
        r"the (?:first|second) (?:week|day|days|weeks) of (?:year|yr) ?\d{1,2}\b|"
        r"(?:i|he|she|they|[a-z]+) started (?:my|his|her|their) (?:first|second|third) year (?:at|of|in) (?:college|sixth form)\b|"
        r"the (?:start|beginning) of (?:my|his|her|their) (?:first|second|third) year\b|"
        r"(?:he|she|they|[a-z]+) (?:started|(?:went|moved) (?:up )?(?:in)?to) (?:secondary|high school|big school|college|"
        r"sixth form|reception)\b(?! (?:in|last|\w+ years? ago)))",
        text,
        re.I,
    ):
        if re.search(r"\b(?:was|were) in (?:year|yr)\b", m.group(0), re.I) and not FAILED.search(
            _sentence_around(text, m.start())
        ):
            continue  # "Since she was in year 7 she loved school": a time told, no loss with it
        y = today.year if today.month >= 9 else today.year - 1
        went, now = re.search(r"(\d{1,2})\s*$", m.group(0)), NOW_IN_YEAR.search(text)
        nth = re.search(r"\b(first|second|third) year (?:at|of|in) (?:college|sixth form)\b", m.group(0), re.I)
        # the school year a stage starts in: secondary in year 7, sixth form or college in year 12
        year = (
            int(went.group(1))
            if went
            else 11 + ("first", "second", "third").index(nth.group(1).lower()) + 1
            if nth
            else {
                "secondary": 7,
                "high school": 7,
                "big school": 7,
                "college": 12,
                "sixth form": 12,
                "reception": 0,
            }.get(re.sub(r".*\b(?:started|to|into)\s+", "", m.group(0).lower()).strip(), None)
        )
        now_in = int(next(g for g in now.groups() if g)) if now else None
        ago = re.match(
            r"[^.!?\n]{0,40}?\b(?:over |almost |nearly |about |more than )?(a|one|two|three|\d) years? (?:ago|now)\b",
            text[m.end() :],
            re.I,
        )
        # how long, said in the same sentence: "for about 14 months, basically since the start of year 8"
        months = re.search(
            r"\b(\d{1,2}) months\b[^.!?\n]{0,40}$", text[max(0, m.start() - 60) : m.start()], re.I
        ) or re.match(r"[^.!?\n]{0,40}?\b(\d{1,2}) months\b", text[m.end() :], re.I)
        said_year = re.match(
            r"[^.!?\n]{0,60}?(?:\bthat was |\bin |\()(?:sept?(?:ember)? )?((?:19|20)\d\d)\b", text[m.end() :], re.I
        )
        if said_year:
            y = int(said_year.group(1))  # "since he went up to high school ... that was September 2024", "(2024)"
        elif year is not None and now_in is not None and now_in >= year:
            y -= (
                now_in - year
            )  # "He's in year 10 now. Since he went into year 8", "(year 8) ... since he started secondary"
        elif ago:  # "Since she moved up to secondary, over a year ago now"
            y -= {"a": 1, "one": 1, "two": 2, "three": 3}.get(ago.group(1).lower()) or int(ago.group(1))
        elif months and 0 < int(months.group(1)) <= 60:
            back = _months_back(today, int(months.group(1)) - 2)
            # the latest September at most two months after the months reach back ("14 months" from November is
            # September; "20 months ... since the start of year 8" is the September before last)
            y = int(back[:4]) - (int(back[5:]) < 9)
        if said := re.match(r"\s+in\s+sept?(?:ember)?\s+((?:19|20)\d\d)\b", text[m.end() :], re.I):
            y = int(said.group(1))  # "since she started year 8 in September 2025"
        found.append((m.start(), f"{y:04d}-09", m.span()))
    return tuple(found), tuple(lasted)


# a note opening with the writer's child, "my" left out: "Son is 13. Autism.", "Daughter has an EHCP"
TERSE_CHILD = re.compile(r"\A\s*(Son|Daughter|Stepson|Stepdaughter) (?:is|has|was|aged|\(\d)")
NOW_IN_YEAR = re.compile(
    r"\b(?:is|'s|am|are|now|and) (?:now )?in (?:year|yr) ?(\d{1,2})\b|\((?:year|yr|y) ?(\d{1,2})\)"
    r"|^\W*(?:child|name|young person)\s*:[^\n,]{1,40}, (?:year|yr) ?(\d{1,2})\s*$",  # "Child: Zainab, year 8"
    re.I | re.M,
)


EARLIEST = re.compile(rf"\b(?:\d{{1,2}}(?:st|nd|rd|th)? (?:of )?)?{MONTH_RE} {YEAR_RE}\b", re.I)


def _no_month_said(text: str) -> bool:
    """The failure's start said with no month ("Not one session since 2023"), so no other date stands in for it."""
    for m in NO_MONTH.finditer(text):
        before = text[max(0, m.start() - 60) : m.start()]
        if FAILED.search(_clause_of(text, m.start())) and not (
            BACKGROUND.search(before) or CHASED_SINCE.search(before)
        ):
            return True
    return False


def _start_weight(text: str, span: tuple[int, int]) -> int:
    """How surely a start said at `span` is the failure's: 1 told with the failure ("stopped after february half term",
    "closed in January and she has had no breaks since"), -1 told as background ("has had an EHCP since March 2025",
    "therapy started in January 2022 and it changed everything"), else 0."""
    a, b = span
    around = text[max(0, a - 70) : b + 70]
    if STARTED_WELL.search(text[max(0, a - 50) : b]) and not FAILED.search(_clause_of(text, a) or around):
        return -1
    if WENT_WELL.match(text, b):
        return -1  # "a minibus ... since September 2024 and it was fine, never a problem. Then from 2 November"
    return 1 if FAILED.search(around) else 0


def _since_rules(text: str, today: date) -> tuple[str, tuple[int, int]] | None:
    """When the problem began, by the rules alone: a month said as its start ("since", "from", "stopped in"; the first
    such in the text, not in what the person wants), else a time of the school year or how long it has gone on, else the earliest
    day or month the story dates (its first event: the request, the review, the order)."""
    clause_at = partial(_clause_of, text)

    def wished(pos: int) -> bool:
        return bool(WISH.search(clause_at(pos)))

    said, lasted = _since_said(text, today)
    # a failure put right, or a time the support came, is never the start: not even where nothing else is said
    ended = [c for c in said if _put_right(text, c[0], c[2][1])]
    later = [c for c in said if BACKGROUND.search(text[max(0, c[0] - 60) : c[0]]) and c not in ended]
    for m in MOVED.finditer(text):
        g = m.groups()
        mo = _month(next(x for x in g if x and re.fullmatch(MONTH_RE, x, re.I)))
        y = _year(g[-1]) or (today.year - 1 if re.match(r"\s+last year\b", text[m.end() :]) else _year_of(mo, today))
        later.append((m.start(), f"{y:04d}-{mo:02d}", m.span()))  # "came to us in November last year"
    starts = [c for c in said if c not in later and c not in ended]
    asides: list[tuple[int, str, tuple[int, int]]] = []
    for rx in SINCE_RES:
        for m in rx.finditer(text):
            if wished(m.start()) or (
                rx is not SINCE_RES[0]
                and re.search(r"\b(have|has|had)\s+$", text[max(0, m.start() - 6) : m.start()], re.I)
            ):
                continue  # "I have since received the stage 2 response on 2 October" (not "he hasnt had since may")
            if (
                rx is DUE_IN
                and (
                    COMPLAINT_STEP.search(clause_at(m.start()))
                    or not (
                        FAILED.search(text[max(0, m.start() - 80) : m.end() + 60])
                        # "should have been held in May this year and it has not happened"
                        or re.search(
                            r"\b(?:has|have|had) not happened|\bhasn'?t happened", text[m.end() : m.end() + 60], re.I
                        )
                    )
                )
            ):
                continue  # "the stage 1 response was due on 3 October"; a step due that came
            if re.search(r"\bcomplain\w*\s+$", text[max(0, m.start() - 15) : m.start()], re.I):
                continue  # "Complained back in August about Delphine's assessment": when they complained
            if (
                rx is SINCE_RES[2]
                and re.search(r"\bat the end of the (?:summer|spring|autumn) term\b", m.group(0), re.I)
                and not re.search(r"\bsince\b", m.group(0), re.I)
            ):
                continue  # "It stopped at the end of the summer term and in September they said ...": July's
            if (
                rx is SINCE_RES[0]
                and re.match(r"back in", m.group(0), re.I)
                and re.search(
                    r"\b(?:put|came|come|got (?:it|him|her|them)|was|were|is|it was|they were)\s+$",
                    text[max(0, m.start() - 20) : m.start()],
                    re.I,
                )
            ):
                continue  # "it was put back in June": put right then, not a start (round 18, read unseen)
            if rx is LAST_STOP and not re.match(r"excluded", m.group(0), re.I):
                subject = text[max(0, m.start() - 50) : m.start()]
                if not (PROVISION_NOUN.search(subject) or PROVISION_TERMS.search(subject)) or re.search(
                    r"\b(?:my|our) (?:job|marriage|relationship|contract|work|hours|own)\b|\b(?:sister|brother)'?s\b",
                    subject,
                    re.I,
                ):
                    continue  # "My job ended last March", "His sister's respite ended last july": not the child's service
            if rx is PLAN_DATED and not re.search(
                r"\b(?:plan|ehcp|ehc|order|package|tuition|therapy|support|transport|placement|place|provision)\b",
                text[max(0, m.start() - 40) : m.end()],
                re.I,
            ):
                continue  # "His CAMHS worker was named in june, no appointments since"
            if CHASED_SINCE.search(text[max(0, m.start() - 60) : m.start()]):
                continue  # how long they have chased ("I've emailed the SEN officer every fortnight since June")
            if WHERE_SINCE.search(text[max(0, m.start() - 60) : m.start()]) or _born(text, m.start()):
                continue
            if clause_at(m.end() - 1) != clause_at(m.start()) and COMPLAINT_STEP.search(clause_at(m.end() - 1)):
                continue  # "i stopped letting her on it ... i put a complaint in on the 9th november": the complaint
            aside = BACKGROUND.search(text[max(0, m.start() - 60) : m.start()]) or DOCUMENT_FROM.match(text, m.start())
            groups = [g for g in m.groups()]
            month_word = next(g for g in groups if g and re.fullmatch(MONTH_RE, g, re.I))
            year_word = groups[-1]
            mo = _month(month_word)
            y = _year(year_word) or _year_of(mo, today)
            if groups[0] and groups[0].lower() == "last" and not year_word:
                y = _year_of(mo, today) if mo < today.month else today.year - 1
            if not year_word and re.match(r"\s+last year\b", text[m.end() : m.end() + 12], re.I):
                y = today.year - 1  # "since january last year", "since October last year"
            if rx is A_YEAR_LAST:
                y -= 1  # "a year last september": the September before last
            cand = (m.start(), f"{y:04d}-{mo:02d}", m.span())
            if _to_come_month(cand[1], today):
                continue  # a month to come, said with its year: "by the end of December 2026"
            # "has lived with us since March", "his PEP from june says", a step that was due: only if nothing else is
            # said ("Since he moved to me in April, no ToD ... His annual review was due in May")
            if SETTLED_IN.match(m.group(0)) and cand[1] < _school_year_start(today):
                continue  # "He started at this school in September 2024" (this September's start may be the failure's)
            if _put_right(text, m.start(), m.end()):
                continue
            (later if aside or rx is DUE_IN else starts).append(cand)
            if aside:
                asides.append(cand)

    # a start that is only when a service began well gives way to how long the failure has lasted ("the tutor started
    # in July and was good with him, but its been 14 weeks now with no tutor")
    # the failure the person says the complaint is about, where they tell two: "Second, and this is what my complaint is
    # about, the respite ... It stopped in August"
    focus = [m.start() for m in FOCUS.finditer(text)]
    if focus:
        starts = [c for c in starts if c[0] >= focus[-1]] or starts
    pool = [c for c in starts if _start_weight(text, c[2]) >= 0] or lasted or starts
    if not pool and _no_month_said(text):
        return None
    # a step that was due and did not come before the story's background ("should have been held in May this year and it
    # has not happened" before "has had an EHC plan ... since May 2023")
    pool = pool or [c for c in later if c not in asides] or later
    best = min(pool, key=lambda c: (-_start_weight(text, c[2]), c[0])) if pool else None
    if best:
        return best[1], best[2]

    # no word of when it began: the earliest day or month the story dates, not counting the complaint's own steps
    # (a complaint is made after the problem began); a deadline missed counts ("amended by 15 February 2026")
    def counts(m: re.Match) -> bool:
        clause = clause_at(m.start())
        return not (
            wished(m.start())
            or COMPLAINT_STEP.search(clause)
            or NOT_A_START.search(clause)
            or (CHASING.search(clause) and not ASKED_FOR.search(clause))
            or promised(m)
            or re.search(r"\bdiagnos\w*", clause, re.I)  # "he have ADHD diagnose in January 2024"
            or WHERE_SINCE.search(text[max(0, m.start() - 60) : m.start()])
            or _born(text, m.start())
            or _to_come(text, m.start())
        )

    def promised(m: re.Match) -> bool:  # "I'd hear by 30 November" (still to come), not a deadline missed
        if not BY_DAY.search(text[max(0, m.start() - 20) : m.start()]):
            return False
        d = _day(m, today) if m.re is DAY_MONTH else None
        later_this_year = d is not None and (d.month, d.day) > (today.month, today.day)
        return later_this_year and not re.search(r"\b(19|20)\d\d\b", m.group(0))

    dated = []
    for m in DAY_MONTH.finditer(text):
        d = _day(m, today)
        if d and counts(m):
            dated.append((f"{d.year:04d}-{d.month:02d}", m.span()))
    for m in re.finditer(rf"\b{MONTH_RE} last year\b", text, re.I):  # "that was october last year"
        if counts(m):
            dated.append((f"{today.year - 1:04d}-{_month(m.group(1)):02d}", m.span()))
    for m in EARLIEST.finditer(text):
        if counts(m):
            y, mo = _year(m.group(2)), _month(m.group(1))
            dated.append((f"{y:04d}-{mo:02d}", m.span()))
    # the request that started the clock, counted back: "We asked Reading for an EHC needs assessment 31 weeks ago"
    for m in re.finditer(r"\b(\d{1,2}) (weeks?|months?) ago\b", text, re.I):
        if re.search(r"\b(request\w*|appl(y|ied)|asked)\b[^.!?\n]{0,60}\b(assess|ehc)", clause_at(m.start()), re.I):
            n = int(m.group(1))
            back = today - timedelta(weeks=n) if m.group(2).lower().startswith("week") else None
            ym = f"{back.year:04d}-{back.month:02d}" if back else _months_back(today, n)
            dated.append((ym, m.span()))
    # the request that started the clock, by its month alone: "we put the request in ourselves in June"
    for m in re.finditer(rf"\b(?:in|on) {MONTH_RE}\b(?! \d)", text, re.I):
        near = text[max(0, m.start() - 80) : m.end() + 80]  # "In March / I asked ... for a transition assessment"
        if re.search(
            r"\b(request\w*|appl(y|ied)|asked)\b[^.!?\n]{0,50}\b(assess|ehc)|\bthe request in\b", near, re.I
        ) and counts(m):
            mo = _month(m.group(1))
            dated.append((f"{_year_of(mo, today):04d}-{mo:02d}", m.span()))
    dated = [
        (ym, span)
        for ym, span in dated
        if not (SETTLED_IN.search(clause_at(span[0])) and ym < _school_year_start(today))
        and not _to_come_month(ym, today)
        and not _dated_line(text, span)  # a letter's own date: "Sarah (Jacob's mum)\n27.11.26"
    ]
    return min(dated) if dated else None


def _dated_line(text: str, span: tuple[int, int]) -> bool:
    """Whether a date is its line's only words: a letter's or a note's own date, not an event's."""
    if not re.match(r"\s*\d{1,2}\b", text[span[0] : span[1]]):
        return False  # "March 2026" alone on a chronology's line is an event's month; a letter is dated to the day
    a = text.rfind("\n", 0, span[0]) + 1
    b = text.find("\n", span[1])
    return not (text[a : span[0]] + text[span[1] : b if b >= 0 else len(text)]).strip(" \t.,")


def _school_year_start(today: date) -> str:
    """The month this school year began (YYYY-MM)."""
    return f"{today.year if today.month >= 9 else today.year - 1:04d}-09"


# --- since: a learned reader chooses among the months the story names --------------------------------------------
#
# The rules above were written round by round from blind-written stories, and each round's new ways of telling a start
# beat them: read unseen, they chose the right month (or none) for 73 of round 3's 100 stories (s404-s503), 71 of
# round 4's and 66 of round 5's. A logistic reader (`reader_since.json`, `scripts/train_readers.py`) scores every
# month the story names (a day, a month, a time of the school year, how long it has gone on) from the words before
# it, the rules' own cues around it, which of the rules' patterns found it and where it sits, and takes the likeliest.
# Trained, each time, only on the stories written before a round, with the rules as they stood then, it chose right
# for 74, 80 and 75 of those rounds' stories. Given the rules' own choice as a feature as well, it read 77, 77 and 73:
# no better, and it leans on rules that were fitted to the stories it trains on (as the provision reader did).
# So the rules keep their answer unless the reader finds another month likelier by more than `margin`, and where they
# find no month the reader's choice needs `least`: with margin 0.3 and least 0.5, 72, 80 and 79 right (margin 0:
# 75, 80 and 74), and the cases the rules were written for (the tests' stories) keep their answers.
# The sixth round (s704-s803, written blind while the reader was built) read unseen: the rules 59 right of 100, rules
# and reader 61; 15 of the other 39 name their start in no form either read ("since the clocks went back", "the week
# after her 10th birthday"). Trained on all 791 tuning stories, 0.85 / 0.85 cross-validated (least 0.3; margin 0, 0.15,
# 0.3, 0.5: 0.84, 0.85, 0.85, 0.85), against the rules' 0.83 on the very stories they were written from.
# The seventh round (s804-s903, one batch aimed at distracting months: dates of birth in words, a carer's own start, an
# incident, a review to come) read unseen by rules and reader: 86 right of 100. On 891, 0.86 / 0.86 cross-validated.
# The eighth round read unseen at 0.82 / 0.80 (formal letters with chronologies: 0.64 / 0.70); on 991, 0.86 / 0.86.
# The ninth round read unseen at 0.74 / 0.76 (a batch of four to eight plausible dates, and a failure put right before
# the one complained of: 0.58 / 0.64); on 1091, 0.86 / 0.86. The tenth round read unseen at 0.88 / 0.84 (its batch of
# failures put right first: 0.68 / 0.68 with `PUT_RIGHT`, written from the ninth; 0.64 / 0.64 without); with the cues
# `put_right` and `due`, on 1191, 0.86 / 0.86 (`due` alone: +0.001 / +0.002).
# The eleventh round read unseen at 0.84 / 0.83 (4086ba6); on 1291, 0.855 / 0.856 cross-validated; held back,
# 0.89 / 0.86. The twelfth read unseen at 0.76 / 0.80 (65b238e; its batch of many dates told out of order: 0.48 /
# 0.57, formal letters and notes: 0.71 / 0.74); on 1391, 0.850 / 0.849; held back, 0.89 / 0.84. The thirteenth read
# unseen at 0.80 / 0.81 (acc2f1f); on 1491, 0.854 / 0.857; held back, 0.89 / 0.84.
# a step or a start that was due: "poppys annual review meant to be june", "supposed to start at the special school in sept"
DUE_SAID = re.compile(r"\b(?:meant to|supposed to|should (?:have|of) (?:had|been|started|happened))\b", re.I)
SINCE_CUES = {
    **{"failed": FAILED, "lost": LOST, "background": BACKGROUND, "chased": CHASED_SINCE, "where": WHERE_SINCE},
    **{"step": COMPLAINT_STEP, "contact": PERSON_CONTACT, "wish": WISH, "started_well": STARTED_WELL},
    **{"settled": SETTLED_IN, "not_start": NOT_A_START, "chasing": CHASING, "asked": ASKED_FOR, "focus": FOCUS},
    "due": DUE_SAID,
}
MONTH_NAMED = re.compile(rf"\b{MONTH_RE}\b(?:\s+{YEAR_RE}\b)?", re.I)


@lru_cache(maxsize=8)
def _start_spans(text: str) -> tuple[tuple[tuple[int, int], ...], ...]:
    """Where each of the rules' start patterns (`SINCE_RES`) matches: once per story, not once per candidate."""
    return tuple(tuple(m.span() for m in rx.finditer(text)) for rx in SINCE_RES)


def since_candidates(text: str, today: date) -> list[tuple[int, str, tuple[int, int], str]]:
    """Every month the story names, as (position, YYYY-MM, span, kind): a day ("3rd March", "20.7.26"), a month
    ("since June", "May 2025"; "may" and "mar" in lower case are words), a time of the school year or a start said
    another way (`_since_said`), and how long it has gone on ("for 14 weeks now")."""
    found = []
    born = []  # a birthday's day: its month is not a candidate either
    for m in DAY_MONTH.finditer(text):
        if _born(text, m.start()):
            born.append(m.span())
        elif d := _day(m, today):
            found.append((m.start(), f"{d.year:04d}-{d.month:02d}", m.span(), "day"))
    for m in MONTH_NAMED.finditer(text):
        if m.group(1) in ("may", "mar") or _born(text, m.start()) or any(a <= m.start() < b for a, b in born):
            continue
        mo, y = _month(m.group(1)), _year(m.group(2))
        if y is None and re.match(r"\s+last year\b", text[m.end() : m.end() + 12], re.I):
            y = today.year - 1  # "no OT since October last year"
        found.append((m.start(), f"{y or _year_of(mo, today):04d}-{mo:02d}", m.span(), "month"))
    said, lasted = _since_said(text, today)
    found += [(*c, "said") for c in said] + [(*c, "lasted") for c in lasted]
    found = [c for c in found if not _to_come_month(c[1], today)]
    unique: list[tuple[int, str, tuple[int, int], str]] = []
    for c in sorted(found, key=lambda c: (c[0], -c[2][1])):  # a month inside a day ("14 May") is one candidate
        if not any(c[1] == u[1] and u[2][0] <= c[2][0] < max(u[2][1], u[2][0] + 3) for u in unique):
            unique.append(c)
    return unique


def since_features(
    text: str, clauses: list[tuple[int, int]], found: list[tuple[int, str, tuple[int, int], str]], i: int, today: date
) -> dict[str, float]:
    """What the since reader sees of candidate `i`: its kind, the words either side, the rules' cues before it, in its
    clause and around it, which of the rules' start patterns found it, where it sits among the months named, how long
    ago it is and its clause's words."""
    _, value, (a, b), kind = found[i]
    x, y = next(((x, y) for x, y in clauses if x <= a < y), (max(0, a - 60), min(len(text), b + 60)))
    before, around, clause = text[max(0, a - 60) : a], text[max(0, a - 70) : b + 70], text[x:y]
    f = {f"kind={kind}": 1.0}
    words = re.findall(r"[a-z']+", before.lower())
    f |= {"w1=" + words[-1]: 1.0} if words else {}
    f |= {"w2=" + " ".join(words[-2:]): 1.0} if len(words) > 1 else {}
    after = re.findall(r"[a-z']+", text[b : b + 30].lower())
    f |= {"a1=" + after[0]: 1.0} if after else {}
    for k, rx in SINCE_CUES.items():
        f |= {f"{where}:{k}": 1.0 for where, part in (("b", before), ("c", clause), ("r", around)) if rx.search(part)}
    for ix, spans in enumerate(_start_spans(text)):
        if any(s <= a < e or a <= s < b for s, e in spans):
            f[f"res{ix}"] = 1.0
    values = [c[1] for c in found]
    f |= {"first": float(i == 0), "last": float(i == len(found) - 1), "pos": a / max(1, len(text))}
    f |= {"earliest": float(value == min(values)), "latest": float(value == max(values))}
    f["repeat"] = min(3, values.count(value)) / 3
    ago = today.year * 12 + today.month - (int(value[:4]) * 12 + int(value[5:]))
    when = "future" if ago < 0 else ago if ago < 6 else "6-12" if ago <= 12 else "13-24" if ago <= 24 else "25+"
    f[f"ago={when}"] = 1.0
    f["year_said"] = float(bool(re.search(r"(?:19|20)\d\d|'\d\d", text[a:b])))
    f["put_right"] = float(_put_right(text, a, b))
    f |= {"cw=" + w: 1.0 for w in content_words(clause)}
    return f


# a service that ran until then: its end is when the failure began ("He had a taxi every day until October half term")
RAN_UNTIL = re.compile(
    r"\b(?:had|got|saw|went|came|attended|worked|visited|was (?:picked up|collected|paid))\b(?:(?!\b(?:no|not|never|cancel\w*|"
    r"suspended|stopped)\b)[^.!?\n]){0,40}\b(?:until|till|til)\s+(?:the\s+)?(?:end of\s+)?$",
    re.I,
)


def _ruled_out(text: str, c: tuple[int, str, tuple[int, int], str]) -> bool:
    """A month the rules know is not when the failure began, which the reader may not choose over them: where the child
    has been or joined ("at his current school since September 2023", "started at this school in September"), how long
    they have chased ("emailed every fortnight since June"), a time to come ("cancelled until January", "the next review
    for 12 January"), a service that went well from then ("since September 2024 and it was fine"). Leaving care is not
    ruled out: it is where a care leaver's loss often begins ("i left care ... in july. my PA left in the summer too")."""
    a, b = c[2]
    before, clause = text[max(0, a - 60) : a], _clause_of(text, a)
    return bool(
        WHERE_SINCE.search(before)
        or CHASED_SINCE.search(before)
        or SETTLED_IN.search(before[-40:])  # "He started at this school in September 2024"
        or (
            re.search(r"\b(?:until|till|til|by)\s+(?:the\s+)?(?:end of\s+)?$", before, re.I)  # "until January"
            and not RAN_UNTIL.search(before)  # "He had a taxi every day until October half term"
        )
        or WENT_WELL.match(text, b)
        or WISH.search(clause)  # "I want his transport reinstated from January"
        or _to_come(text, a)  # "the next annual review for 12 January"
        or (STARTED_WELL.search(text[max(0, a - 50) : b]) and not FAILED.search(clause))
    )


def _since(text: str, today: date, reader: readers.Reader | None = None) -> tuple[str, tuple[int, int]] | None:
    """When the problem began: the rules' month (`_since_rules`) unless the since reader finds another month the story
    names clearly likelier (by more than `margin`), one the rules have not ruled out (`_ruled_out`) and, where the
    rules' month is told with the failure, told with it too; where the rules find no month, the reader's likeliest if
    likely enough (`least`) and the story does not say the start without one."""
    ruled = _since_rules(text, today)
    found = since_candidates(text, today)
    if not found:
        return ruled
    reader = reader or readers.load("since")
    clauses = _clauses(text)
    p = [reader.probability(since_features(text, clauses, found, i, today)) for i in range(len(found))]
    best = max(
        (i for i in range(len(found)) if not _ruled_out(text, found[i])),
        key=lambda i: (p[i], -i),
        default=None,
    )
    if best is None:
        return ruled
    chosen = found[best][1], found[best][2]
    if ruled is not None and ruled[1][0] <= chosen[1][0] < ruled[1][1]:
        return ruled  # the same words, read with more around them: "a year last september" is September 2025
    if ruled is None:
        return chosen if p[best] >= reader.settings["least"] and not _no_month_said(text) else None
    if max((p[i] for i, c in enumerate(found) if c[1] == ruled[0]), default=0.0) >= p[best] - reader.settings["margin"]:
        return ruled
    if found[best][3] == "lasted":
        return ruled  # how long ago or how long for is a start only where no month is said
    # told with the failure in its own clause, not within `_start_weight`'s 70 characters: that wider test, tried here,
    # fixed 6 tuning stories, broke 5 and broke the unseen s859 ("the PA we had for two years" beside "no PA")
    if FAILED.search(_clause_of(text, ruled[1][0])) and not FAILED.search(_clause_of(text, chosen[1][0])):
        return ruled  # "- June: annual review held. ... In October the TA left and nobody replaced her"
    return chosen


EXTRA_NO_PLAN = re.compile(
    r"\b(no|not got an?|doesnt have an?|dosent have an?|doesent have an?|does not have an?|hasnt got an?|has not got an?|not on an?|isnt on an?) "
    r"(ehcp|ehc ?plan|education,? health and care plan)( yet)?\b|\bno ehcp yet\b"
    r"|\b(asked|applied|request(ed)?)( \w+){0,4} (for )?(an? |the )?(ehc|ehcp|education,? health and care)? ?(needs )?assessment\b",
    re.I,
)
# no word of a plan, and an assessment asked for, refused or under way: no plan yet ("refused an EHC needs assessment",
# "agreed she needed an EHC needs assessment ... still no draft plan")
ASSESSING = re.compile(
    r"\b(refused|refusing|turned down|declined|agreed|decided|waiting for|awaiting|needed|needs|going through|"
    r"carrying out|started|not to carry out|not to do) (\w+ ){0,4}?(an? |the |to )?(ehc|ehcp|education,? health and care) ?(needs )?assess",
    re.I,
)
PLAN_WORD = re.compile(r"\b(ehcp|ehc ?plan|ehc plan|education,? health and care plan|section f)\b", re.I)


# "She hasn't got an EHCP"; an assessment asked for, refused or not done, with no word of a plan the child has
NOT_GOT_PLAN = re.compile(
    r"\b(hasn'?t|has not|haven'?t|have not|doesn'?t|does not|isn'?t|is not|never) (got |had |have |on )?(an?|any) "
    r"(ehcp|ehc ?plan|education,? health and care plan)\b",
    re.I,
)
ASSESSMENT = re.compile(
    r"\b(ehc|ehcp|education,? health and care)( needs)? assessment\b|\bassess\w*\b[^.!?\n]{0,30}\bfor an? (ehcp|ehc ?plan)\b",
    re.I,
)
OWN_PLAN = re.compile(
    r"\b(his|her|their|my \w+'s|\w+'s) (ehcp|ehc ?plan|plan)\b|\bha(s|ve|d) (had )?(an? )?(ehcp|ehc ?plan)\b"
    r"|\bsection [fi]\b|\b(ehcp|plan) (says|states|names|specifies)\b|\bannual review\b|\bplan since\b",
    re.I,
)


# a plan said to exist in so many words, whatever assessment came before it ("Her EHC plan was finalised in September
# (after we requested the assessment in January"), "she still has her old plan"
PLAN_MADE = re.compile(
    r"\b(?:his|her|their|the) (?:ehcp|ehc ?plan|education,? health and care plan) (?:was|has been|got) "
    r"(?:finalised|finalized|issued|signed off)\b|\b(?:his|her|their) (?:old|current|existing) (?:ehcp|ehc ?plan|plan)\b",
    re.I,
)


def _has_plan(text: str) -> tuple[bool, tuple[int, int]] | None:
    m = NOT_GOT_PLAN.search(text) or (not OWN_PLAN.search(text) and ASSESSMENT.search(text))
    if m:
        return False, m.span()
    if m := PLAN_MADE.search(text):
        return True, m.span()
    for rx, value in ((NO_PLAN, False), (EXTRA_NO_PLAN, False), (PLAN_WORD, True)):
        m = rx.search(text)
        if m:
            return value, m.span()
    m = HAS_PLAN.search(text)
    if m and not re.search(
        r"care plan|support plan|pathway plan|child in need plan", text[max(0, m.start() - 10) : m.end() + 5], re.I
    ):
        return True, m.span()
    m = ASSESSING.search(text)
    return (False, m.span()) if m else None


EXTRA_WHO = [
    (
        "special guardian",
        r"\bspecial guardians?\b|(?<!for an )(?<!for a )\bSGO\b(?! (?:assessment|application))|\b(lives|living) with (me|us) (on|under) (a|an) special guardianship order\b",
    ),
    (
        "foster carer",
        r"\bwe foster\b|\bfoster (son|daughter)\b|\bi foster\b|\b(we|i)(?:'ve| have) been fostering\b"
        r"|\b(we are|we're|i am|i'm|im|we've been|we have been|i've been|i have been) (\S+ ){0,3}foster (carers?|parents?)\b"
        # "Lennox came to us as a foster placement", "my other foster child, who's 4"
        r"|\b(?:came|come|placed) (?:to|with) (?:us|me) (?:as|on) (?:a |an )?(?:\w+ )?foster(?:ing)? placement\b(?![\s\S]{0,300}\badopt)"
        r"|\b(?:my|our) other foster (?:child|children|kids?|son|daughter)\b"
        r"|\b(i'?ve|we'?ve|i have|we have) fostered\b"
        r"|\bfoster carers? here\b|\A\W*foster carers?\b"
        # "I'm an independent fostering agency carer", "Writing as Mason's foster carer", "with us as foster carers"
        r"|\b(?:i'm|i am|im|we're|we are) (?:an? )?(?:\w+ ){0,2}fostering agency carers?\b"
        r"|\bas (?:\w+'s |his |her |their )?foster carers?\b|(?m:^)\W*complainant\s*:[^\n]{0,40}\bfoster carer\b"
        # an officer's note of a foster carer's complaint: "His foster carer, Mr Dunmore, made a formal complaint",
        # "Mrs Adeyemi (T's foster carer, KCC in-house) has asked for her complaint to go to stage 2"
        r"|\bfoster carer\b[^.!?\n]{0,40}\b(?:made a (?:formal )?complaint|has asked for (?:her|his|their) complaint)",
    ),
    (
        "advocate",
        r"\b(i am|i'm|im) (an|the|a) ((independent|volunteer|parent|send|sen|education|family|professional|charity|lay|"
        r"trained|specialist|advocacy|case) ){0,2}(advocate|caseworker)\b|\bmy client\b"
        # someone writing for a family: "I'm a family support worker helping a mum", "I am writing on behalf of R's
        # family, with mum's agreement"
        r"|\b(?:i am|i'm|im|i have been|i've been)\b[^.!?\n]{0,60}\b(?:helping|supporting) (?:a|the) (?:mum|mother|dad|father|"
        r"parent|family)\b"
        r"|\bon behalf of (?:\w+'s|the|a) family\b"
        # an MP's office writing for a constituent; "Submitted by: R. A., volunteer SEND advocate, on behalf of"
        r"|\bon behalf of the member of parliament\b|(?m:^)\W*from:[^\n]*\boffice of the (?:mp|member of parliament)\b"
        r"|\badvocate,? on behalf of\b|\bconstituent case\b|\bon behalf of our client\b|\bour client,? (?:ms|mrs|mr|miss)\b"
        r"|\bour client (?:is|was)\b|(?m:^)\W*client\s*:"
        r"|\badvocate here\b|(?m:^)\W*advocate\s*:(?![ \t]*(?:none|n/?a|no\b|nil|-|\n|\Z))|\badvocacy case (?:summary|note)\b"
        # "I am writing on behalf of Ms Burke, with her consent", "on behalf of my constituents", "writing with the
        # agreement of Morwenna's parents"
        r"|\bwriting on behalf of (?:ms|mrs|mr|miss|my constituents?)\b|\bwriting with the agreement of \w+'s parents\b"
        r"|\badvocate'?s? (summary|note|report|letter)\b|\bprepared for the family of\b"
        r"|\b(prepared|written) by (a |an |the )?(\w+ )?advocate\b|\badvocacy (referral|note|summary|report)\b"
        # SENDIASS writing, not SENDIASS that helped the parent ("I rang SENDIASS", "SENDIASS helped me write it")
        r"|\bsendiass (?:here|writing)\b|\b(?:i am|i'm|im) (?:an? |the )?(?:\w+ )?(?:adviser|advisor|caseworker|case worker|"
        r"officer|worker|volunteer|advocate) (?:for|at|from|with) (?:the |our |\w+ )?sendiass\b"
        r"|\b(?:i work (?:for|at)|writing from) (?:the |our |\w+ )?sendiass\b|\bsendiass (?:adviser|advisor|caseworker|case worker|officer|worker)\b"
        r"(?= (?:here|writing|on behalf))|\A(?![^\n]*\b(?:i|we|my|me)\b)[^\n]{0,40}\bsendiass\b|(?m:^)[ \t]*(?:\w+ )?sendiass (?:adviser|advisor|caseworker|"
        r"case worker|officer|worker)[ \t]*$|\bcaseworker summary\b|\b(writing|write) as (an|a|the) (\w+ ){0,2}advocate\b"
        # a heading that names the advocacy service ("Referral note - independent advocacy"), "complained with my support"
        r"|\A[^\n.!?]{0,60}\badvocacy\b[^\n.!?]{0,40}(?:\n|$)|\bcomplain\w*[^.!?\n]{0,40}\bwith my support\b"
        r"|(?m:^)\W*from:[^\n]*\badvocate\b",
    ),
    ("young person", r"\b(i am|i'm|im) (1[6-9]|2[0-5])\b|\bcare leaver\b"),
    (
        "carer",
        # round 21: "I'm the aunt of Ffion who is 7"; a daughter for her mother in adult care ("My mum is 84 and has
        # dementia ... carers from an agency")
        r"\b(?:i'?m|im|i am) (?:the|their|his|her) (?:aunt|auntie|uncle|nan|gran|grandma|grandad|grandmother|grandfather) of\b"
        r"|\bmy (?:elderly )?(?:mum|dad|mother|father) (?:is|who is) (?:[6-9]\d|1[01]\d)\b(?=[^.!?\n]{0,80}\b(?:dementia|frail|"
        r"carers?|care (?:package|home)|home care|visits|stroke|alzheimer'?s|parkinson'?s))|"
        r"\bkinship\b|\b(?:my )?(?:mums|mum'?s|dads|dad'?s) care (?:calls|package|visits|workers?)\b|(?<!with )\bmy grandaughter\b"  # the rest of "my grandson", "my nephew" ... is issues.WHO_CUES' carer cue
        r"|\b(my|our) (\w+ )?(grandkids|grandchildren|grandsons|granddaughters)\b|\bour (grandson|granddaughter|grandaughter|nephew|niece)\b"
        r"|\bchild arrangements order\b|\b(?:looking after|look after|caring for|care for|bringing up) my (?:sister|brother|cousin)'?s\b|\b(i'?m|im|i am) (\w+'?s )?(uncle|aunt|auntie|nan|nana|nanna|grandma|gran|grandad|grandfather|grandmother)\b",
    ),
    (
        "parent",
        r"\b(my|our) (\w+ ){0,3}(son|daughter|child|boy|girl|lad|kid)(s|'s)?\b|\b\w+'s (mum|mother|dad|father)\b"
        r"|\b(i'm|im|i am) (a |his |her |their )?(single )?(mum|mom|dad|mother|father|parent)\b"
        # an officer's note: the parent who rang or complained
        r"|\((mother|father|mum|dad)\)"
        r"|\b(mother|mum|father|dad|parents?)\b( \([^)]{1,30}\))? (phoned|rang|called|emailed|reports?|says|said|"
        r"complained|seeks?|wants?|made|have|has|attended)\b|\b(dad|mum) here\b|\bfamily:"
        # a form's line: "Relationship: mum", "Relationship to child: father"
        r"|(?m:^)\W*relationship(?: to (?:the )?(?:child|young person))?\s*:\s*(?:mum|mother|dad|father|parent)\b",
    ),
]


WHO_ORDER = ("special guardian", "foster carer", "advocate", "young person", "carer", "parent")
SIBLING_CARER = re.compile(
    r"\b(?:i'?ve|i have|we'?ve|we have) had my (?:little |younger |baby )?(?:brother|sister)\b"
    r"|\bmy (?:little |younger |baby )?(?:brother|sister)\b[^.!?\n]{0,30}\b(?:living|lives|lived) with me\b"
    # "im writing for my little sister kiara. our mum died in january and ive looked after her since"; "My sister's
    # little boy Mason ... has lived with me since 30 November"
    r"|\bmy (?:little |younger |baby )?(?:brother|sister)\b[^\n]{0,80}\b(?:i'?ve|i have|ive) looked after (?:him|her|them)\b"
    r"|\bmy (?:sister|brother|cousin)'?s (?:little )?(?:boy|girl|son|daughter|kids?|children)\b[^\n]{0,60}\b(?:has lived|have lived|"
    r"lives|living|has been living|have been living) with (?:me|us)\b",
    re.I,
)


def _who(text: str) -> tuple[str, tuple[int, int]] | None:
    """Who is writing, and the words that say it: `issues.who_is_writing`'s cues (`WHO_CUES`) and a few more
    people write ("im his special guardian"), the most specific first (a special guardian also says "my grandson")."""
    cues = [*WHO_CUES, *EXTRA_WHO]
    own = re.search(r"\bmy (?:own )?(?:son|daughter)\b", text, re.I)  # "this is about my own son Jack"
    if not own and (m := SIBLING_CARER.search(text)):  # bringing up a brother or sister: a carer, not a young person
        return "carer", m.span()
    for who in WHO_ORDER:
        for label, cue in cues:
            for m in re.finditer(cue, text, re.I) if label == who else ():
                if NOT_ROLE.search(text[max(0, m.start() - 25) : m.start()]) or re.search(r"\bnot\b", m.group(0), re.I):
                    continue  # "not an SGO", "we're not foster carers"
                if (
                    who == "carer"
                    and own
                    and re.match(
                        r"my (?:elderly )?(?:mum|dad|mother|father)\b|(?:my )?(?:mums|mum'?s|dads|dad'?s) care",
                        m.group(0),
                        re.I,
                    )
                ):
                    continue  # "my son tom is 12 ... my mum is 70 and helps with his care": the child's grandparent
                return who, m.span()
    return None


NOT_ROLE = re.compile(
    r"\b(not|no|never|without|haven'?t got|havent got|aren'?t|arent)( an?| any| his| her| their)?\s*$", re.I
)


STAGE_RES: list[tuple[str, re.Pattern]] = [
    (
        "ombudsman",
        re.compile(
            r"\b(received|got|had|have had|sent) (the |a |their |its )?(final |council's )?stage (2|two) (response|reply|outcome|decision|letter|answer)"
            # round 23: "The Local Government Ombudsman have it now"
            r"|\b(?:ombudsman|lgsco|lgo) (?:have|has) (?:got )?(?:it|my complaint|the complaint|the case|our complaint) now\b"
            r"|\bstage (2|two) (response|reply|outcome|decision)\b(?! (is|was) due)"
            r"|\bstage (1|one) and (stage )?(2|two)\b[^.!?\n]{0,25}?\b(both|replies|responses|said|answered|upheld|rejected)"
            r"|\b(went|gone|been|complained|referred|escalated|took|taken|brought|sent|reported|appealed|turned)"
            r"( it| this| my complaint| the complaint| the case)? to the (local government (and social care )?)?(ombudsman|lgsco|lgo)"
            r"|\b(ombudsman|lgsco|lgo) (is|are) (now )?(investigating|looking into)|\b(case|complaint) (is )?with the (ombudsman|lgsco|lgo)"
            # the Children Act procedure's last stage: a review panel that has sat
            r"|\b(review|stage (3|three)) panel\b[^.!?\n]{0,60}?\b(met|was held|sat|decided|agreed|upheld|found|recommended|heard)\b"
            r"|\b(went|been|gone) through (both stages|stage (1|one)\b[^.!?\n]{0,60}?\band stage (2|two)\b)"
            r"|\b(their|its|the council's|the|our) final (response|reply|answer)\b|\bexhausted the (\w+ )?complaints"
            r"|\bstage (2|two) (was |is |has been )?(done|finished|completed|over)\b"
            r"|\b(it'?s|its|it is|now|complaint is|case is) with the (local government (and social care )?)?(ombudsman|lgsco|lgo)\b"
            r"|\badjudication letter\b|\bstage (2|two) adjudication\b"
            # a review panel asked for, then "Panel sat on 13th November" in the next sentence
            r"|\b(review|stage (3|three)) panel\b[\s\S]{0,200}?\bpanel (met|sat|was held|heard)\b"
            r"|\b(upheld|not upheld|partly upheld|partially upheld|rejected|closed) (in part )?at stage (2|two)\b"
            # the Ombudsman told of it or at work on it, in any words: "I have contacted the Ombudsman", "the LGSCO
            # accepted it", "the Ombudsman is looking at my complaint"; and stage 2 said as done: "the stage 2
            # investigation found in our favour", "it went to stage two and they replied in August"
            r"|\b(sent|send|taken|took|referred|reported|escalated|brought|passed|gave)\b( \w+){0,3} to the (local government (and social care )?)?(ombudsman|lgsco|lgo)"
            r"|\b(i|we)( have|'ve)? (send|sent) (\w+ ){0,2}to (the )?(ombudsman|lgsco|lgo)\b"  # "I have send to Ombudsman"
            r"|\b(stage (2|two)|second stage)\b( (reply|response|letter|answer|outcome|decision|report|findings))?"
            r"( from [^.!?\n]{0,40}?)?( \(?dated \d[^)]*\)?)?"
            r" (came|came back|arrived|said|apologised|offered|found|upheld|was upheld|agreed)\b"
            r"|\bstage (2|two)\s*[:\-–][^.!?\n]{0,40}?\b(reply|response|answer|outcome)\b"
            r"|\bboth stages\b|\b(both|two) stages (done|completed|finished)"
            r"|\b(contacted|rang|phoned|emailed|called|wrote to|written to|complained to|applied to|lodged (it|a complaint) with|"
            r"registered (it|a complaint) with|submitted (it|a complaint|my complaint|our complaint)? ?to) the "
            r"(local government (and social care )?)?(ombudsman|lgsco|lgo)(?!'s)"
            r"|\b(i|we)(?:'ve| have)? sent the (local government (and social care )?)?(ombudsman|lgsco|lgo)\b(?!'s)"
            r"|\b(ombudsman|lgsco|lgo)\b[^.!?\n]{0,30}?\b(investigating|looking (into|at)|accepted|has taken|gave (me|us) a "
            r"(reference|case)|(case|reference) (number|officer)|assessing|decided|upheld)"
            r"|\bstage (2|two) (investigation |investigator |review |complaint |panel )?(found|upheld|concluded|decided|agreed|"
            r"rejected|came back|partly upheld|did not uphold|didn't uphold)"
            r"|\b(went|gone|escalated|moved|got|took) (it |my complaint |the complaint |our complaint )?to stage (2|two)\b"
            r"[^.!?\n]{0,40}?\b(replied|responded|response|reply|found|upheld|answered|came back|wrote back)",
            re.I,
        ),
    ),
    (
        "council-stage-2",
        re.compile(
            r"\bstage (1|one) (complaint )?(response|reply|outcome|decision|letter|answer)\b"
            r"|\b(requested|asked for|asking for|asked to go to|went to|gone to|moved to|escalated (it )?to|go to|now at|are at|'re at|am at|at) stage (2|two)\b"
            r"|\bstage (2|two) (was |has been )?(requested|asked for)\b|\b(asked|applied) for escalation to stage (2|two)\b"
            r"|\b(requested|asked for) (it|the complaint|my complaint) (to go |to be escalated |be escalated )?to stage (2|two)|\btake it further\b"
            r"|\bcomplain\w*(?:(?!\bwant|\bwish|\bneed)[^.!?\n]){0,80}?\b(they |and they |and )?(replied|responded|answered|answer (me|us)|wrote back|got back to (me|us)|"
            r"got a (reply|response)|had a (reply|response)|received a (reply|response))\b"
            # the reply in the next sentence: "Complained on 15/09. They replied 13/10 saying ..."; "Got a letter back"
            r"|\bcomplain\w*[^!?\n]{0,60}?[.!?]\s+(they|the council|\w+ council) (replied|responded|answered|wrote back)\b"
            r"|\bcomplain\w*[^!?\n]{0,80}?\b(got|had|received) (a|an|their) (letter|email|reply) back\b"
            r"|\bcomplain\w*[^!?\n]{0,60}?[.!?]\s+(?!(?:Nobody|Noone|Nothing|Never|No)\b)[A-Z][a-z]+ "
            r"(replied|responded|answered|wrote back)\b"
            r"|\bcomplain\w*[^.!?\n]{0,60}?\bthe (reply|response|answer) came\b"
            r"|\bcomplain\w*(?:(?!waiting|awaiting)[^.!?\n]){0,80}?\bthe (reply|response|answer) (in|on|dated) "
            r"|\bcomplain\w*[^!?\n]{0,60}?[.!?]\s+the (reply|response|answer) (in|on|dated) [^.!?\n]{0,30}?\b(said|came)\b"
            r"|\b(ask|asked|asking) (for )?(the )?(second|next) stage\b(?![^.!?\n]{0,20}\b(not|no)\b)"
            # "I rang and said I wasn't happy with that and they've escalated it" (a step the council took, not one
            # its officer talks of: "that's when she said about escalating")
            r"|\b(they'?ve|they have|it'?s been|it has been|it was|they) escalated (it|my complaint|the complaint)\b"
            r"|\b(responded|replied|response|reply|answer|answered|wrote back) (to|about|on) (my|our|the|her|his) (formal )?complaint\b"
            r"|\bescalat\w* (my|our|the|her|his) complaint\b|\b(asked|requested) (for )?(my|our|the) complaint (to be|be) "
            r"(escalated|reviewed|looked at again)|\basked for (an |a )?escalation\b"
            r"|\bstage (1|one) (investigation |investigator |review )?(found|concluded|decided|did not uphold|didn't uphold)\b"
            r"|\b(stage (1|one)|first stage)\b( (reply|response|letter|answer|outcome|decision))?( \(?dated \d[^)]*\)?)?"
            r" (came|came back|arrived|said|apologised|offered|upheld|was upheld|agreed|blamed)\b"
            r"|\bstage (1|one)\s*[:\-–][^.!?\n]{0,40}?\b(reply|response|answer|outcome)\b"
            r"|\b(upheld|not upheld|partly upheld|partially upheld|rejected|closed) (in part )?at stage (1|one)\b"
            r"|\bstage (1|one) (was |has been )?(upheld|not upheld|partly upheld|partially upheld|rejected|closed)\b",
            re.I,
        ),
    ),
    (
        "council-stage-1",
        re.compile(
            r"\b(made|put in|sent in|sent|submitted|lodged|raised|emailed|wrote|filed|put|logged|registered|handed in|"
            r"opened) (a|my|our|an|the) ((formal|written|official|stage (1|one)) )*complaint\b"
            r"|\b(sent|emailed|wrote to|written to|contacted)\b[^.!?\n]{0,60}?\bthe complaints? (team|email|department|unit|address|inbox)"
            # a form or a note: "Formal complaint: sent by email 14/10/26", "Complaint: 1 September 2026"; and a
            # complaint said as made by what follows: "no reply to my complaint", "complain first, which I did"
            r"|\b(formal |stage (1|one) )?complaint\s*[:\-–]\s*(sent|made|submitted|lodged|put in|emailed|\d)"
            r"|\b(no|not|nothing|still waiting for an?|awaiting an?) (\w+ ){0,2}(reply|response|answer|acknowledgement) (to|about|on) (my|our|the|her|his) "
            r"(formal )?complaint|\bcomplain\w*[^.!?\n]{0,40}?\b(which|and|so) (i|we) did\b(?! not\b| nothing\b)"
            # an officer's log: "Mother phoned 16/11 to make a formal complaint", "Mr Pascoe asked to make a formal
            # complaint", a complaints log's "Complainant:" line
            r"|\basked to (make|lodge|log|register) (a|her|his|their) (formal )?complaint\b|(?:^|\n)\W*complainant\s*:"
            r"|\b(phoned|rang|called|emailed|wrote|came in|attended)\b[^.!?\n]{0,30}?\bto (make|lodge|log|raise|register) "
            r"(a|her|his|their) (formal )?complaint\b"
            # a form's answer: "complained?: yes, on 4 November"
            r"|\bcomplain\w*\s*\??\s*[:\-–]\s*yes\b"
            r"|\b(formal |written )?complaint (went|has gone|was put) in\b|\bstage (1|one) (complaint )?(made|sent|submitted|lodged)\b"
            r"|\bcomplained( formally)? (on|in|to|about|last|at)\b|\bcomplain (on|in) (\d|the|last|"
            + MONTH_RE
            + r")|\b(i|we|she|he|they|mum|dad|mother|father|parents?) complained\b"
            r"|\bcomplaint (was )?(received|made|sent|submitted|lodged|logged|acknowledged)\b"
            r"|\b(my|our|the|her|his) (formal )?complaint (of|dated|on|from) |\backnowledged (my|our|the) complaint"
            # "First complaint was on 22nd September", "complained 2 weeks ago", an officer's "Logged as formal complaint"
            r"|\bcomplaint (was|went in) on\b|\bcomplained (\w+ ){1,2}(days?|weeks?|months?) ago\b"
            r"|\blogged as (a )?(formal )?complaint\b|\bwritten to complain\b|\bwrote to complain\b"
            # as people write it in a second language: "I make complaint on 2nd October", "I send formal complaint"
            r"|\b(i|we) (?:therefore |hereby )?(make|send|did|do|done|put|write) (a |my |the |this )?(formal )?complaint\b"
            # the words are the complaint itself: "FORMAL COMPLAINT - Medway Council SEND", "Subject: Formal complaint -
            # personal budget", "Complaint to Sheffield City Council - Leaving Care", "I wish to make a formal complaint"
            r"|^\W*(?:subject\s*:\s*)?(?:re:\s*)?formal complaint\b"
            # not a council's email about how to complain: "Subject: Formal complaint - guidance"
            r"(?!\s*[-–:]\s*(?:guidance|procedure|process|policy|information|advice|how to)\b)"
            r"|^\W*complaint(?: to (?!follow|the (?:school|academy|trust|head))|\s*[-–]\s*(?!not\b|draft\b))"
            r"|\b(?:i wish|i am writing|i'm writing) to make a formal complaint\b(?!\s+(?:next|soon|but|if|when|once|later)\b)"
            r"|\bthis is my (?:formal )?complaint\b|\b(?:treat|log|register) this as a (?:formal )?(?:stage (?:1|one) )?complaint\b"
            # "My tutor helped me write a complaint. We sent it on 26 October"
            r"|\bcomplaint[.!]?\s+(i|we) (sent|submitted|emailed|posted|handed) it (in |off )?(on|in)\b",
            re.I | re.M,
        ),
    ),
]
# a stage cue said as not (yet) done: "I haven't made a formal complaint yet", "no stage 2 response has been received",
# "still waiting for the stage 1 reply"
STAGE_NOT = re.compile(
    r"\b(no|not|never|yet to|waiting for|awaiting|without|haven'?t|havent|hasn'?t|hasnt|didn'?t|didnt|don'?t|dont|"
    r"can|could|should|shall|how|"
    r"won'?t|will|going to|want to|would like to|wish to|thinking of|plan to|before|if|until|whether|first|need to|"
    r"'d like to|time to|might|may|'ll|ill|do i|do we|would)\s+(\w[\w']*\s+){0,3}$",
    re.I,
)
STAGE_NOT_AFTER = re.compile(
    r"^\s*\(?((is|was|has been|are) )?(still )?(yet|has not|have not|hasn'?t|haven'?t|was not|wasn'?t|is not|due|expected|"
    r"overdue|late|outstanding|pending|awaited|never|would|will|should|to be|is to|within \d+)\b",
    re.I,
)
FIRST = re.compile(
    r"\b(go|going) through the council'?s? (complaints? )?(process|procedure)? ?first\b"
    r"|\b(complain|go|going|raise it|ask)\b[^.!?\n]{0,30}\b(council|them|la|" + _AUTH_RE + r")\b[^.!?\n]{0,15}\bfirst\b"
    r"|\b(chance|opportunity) to (look at|respond|deal with|put) it|\bpremature"
    r"|\bcouncil'?s? (own )?complaints?\b[^.!?\n]{0,20}\bfirst\b"
    r"|\b(can'?t|cannot|couldn'?t|won'?t|wouldn'?t) (look|investigate|help|take it|consider)|\btoo (early|soon)\b"
    r"|\bfirst (?:complain|go|raise it|make a complaint)\b(?![^.!?\n]{0,40}\bwhich (?:i|we) (?:had )?(?:did|done)\b)",  # "who told me that I must first complain to the council"
    re.I,
)


# what the person wants is not a step taken: "Want: the taxi back ... and an answer to my complaint", "Outcome sought:
# ... and a stage 2 response"
# a step asked for, not taken: "I would be grateful if you would arrange ... a substantive stage 2 response", "Action:
# ask Customer Relations to expedite stage 1 response"
CONDITIONAL_AFTER = re.compile(r"[^.!?\n]{0,40}?\b(?:if not|if they don'?t|if it isn'?t|unless|otherwise)\b", re.I)
STAGE_WISH = re.compile(
    r"\b(want|wants|would like|'d like|outcome sought|i need|we need|grateful if|expedite)\b",
    re.I,
)
# a reply that only says the complaint arrived: "got a email back same day saying 'your complaint has been logged'"
ACKNOWLEDGED = re.compile(
    r"[^.!?\n]{0,80}?\b(logged|acknowledg\w*|automatic|auto[- ]?reply|holding (reply|email|letter)|passed (it )?(on )?to|"
    r"forwarded|(had|has|have) received|(would|will) (reply|respond)|saying (?:they|it|we) aim to (?:reply|respond))",
    re.I,
)
# a complaint to the school, the academy trust or its governors is not the council's procedure
NOT_THE_COUNCILS = re.compile(
    r"[^.!?\n]{0,25}?\b(?:to|with) the (?:academy |school'?s? )?(?:trust|academy|school|governors|head(?:teacher)?|college)\b",
    re.I,
)
# a transport or admissions appeal has stages and panels of its own ("stage 1 review", "the stage two appeal panel",
# "So that's both stages done"), and a tribunal appeal is not a complaint
APPEAL = re.compile(r"\bstage (1|one|2|two) (review|appeal)|\bappeal(ed|ing|s)?\b", re.I)
WITHDRAWN = re.compile(r"\bwithdr(ew|awn|aw|awing) (the |my |our |it|that)|\bcomplaint (was )?withdrawn\b", re.I)


def _stage_cues(text: str) -> dict[str, tuple[int, int]]:
    """Each stage the words say has been reached (its first cue said as done), the negated, the intended, the wished
    for and another body's procedure left out."""
    sentences = _sentences(text)
    out: dict[str, tuple[int, int]] = {}
    for stage, rx in STAGE_RES:
        for m in rx.finditer(text):
            before = text[max(0, m.start() - 40) : m.start()]
            before = re.split(r"[.!?;,\n]", before)[-1]
            if STAGE_NOT.search(before) or STAGE_NOT_AFTER.search(text[m.end() : m.end() + 20]):
                continue
            if CONDITIONAL_AFTER.match(text, m.end()) and re.search(
                r"(?:'d|\bwould|\bwill|\bgoing to)\b[\w\s]{0,20}$", before, re.I
            ):  # "she said she'd put in a formal complaint if not" (not "I made a complaint, and unless they reply")
                continue
            if re.match(r"(?:(?![.!?\n,;]| [-–] ).)*\?", text[m.end() :]):
                continue  # a question: "Do I need to send it to the Ombudsman?" (not "..., nothing back - what now?")
            if stage == "ombudsman" and FIRST.search(text[m.end() : m.end() + 120]):
                continue  # "the ombudsman told me to go through the council first"
            i = next((k for k, x in enumerate(sentences) if x[0] <= m.start() < x[1]), None)
            sentence = text[sentences[i][0] : m.end()] if i is not None else before
            if STAGE_WISH.search(sentence[: m.start() - (sentences[i][0] if i is not None else m.start())]):
                continue
            if (
                stage == "council-stage-2"
                and m.group(0).lower().startswith("complain")
                and re.search(
                    r"\b(not|no|never|havent|haven'?t|hasnt|hasn'?t|didnt|didn'?t|still|won'?t|wont|don'?t|dont|refuse\w*)\b",
                    m.group(0),
                    re.I,
                )
            ):
                continue  # "complained on 10 November and they havent replied"
            if (
                stage == "council-stage-2"
                and ACKNOWLEDGED.match(text, m.end())
                and not re.search(r"\bstage (1|one)\b", m.group(0), re.I)
            ):
                continue  # "got an email back saying its been passed to the transport team" (not "the stage 1 reply")
            if stage == "council-stage-1" and NOT_THE_COUNCILS.match(text, m.end()):
                continue
            told = text[sentences[i - 1][0] if i else 0 : sentences[i][1]] if i is not None else sentence
            if APPEAL.search(told) and not re.search(r"\bcomplain", told, re.I):
                continue
            out[stage] = _trim(text, *m.span())
            break
    return out


def _stage(text: str) -> tuple[str, tuple[int, int]] | None:
    """How far the complaint has gone: the furthest stage the words say (stories are told out of order), unless the
    complaint was withdrawn after it ("so I emailed the complaints team on 15 September to withdraw it")."""
    cues = _stage_cues(text)
    found = next(((stage, cues[stage]) for stage, _ in STAGE_RES if stage in cues), None)
    return None if found and _withdrawn(text, found[1]) else found


def _withdrawn(text: str, step: Any) -> bool:
    """Whether the complaint was withdrawn after the step told at `step` (a span)."""
    if not isinstance(step, tuple):
        return False
    w = WITHDRAWN.search(text, step[1])
    if not w or re.search(r"\b(not|never)\s+$", text[max(0, w.start() - 8) : w.start()]):
        return False
    # made again after it: "So I make complaint again on 8 October", "20 April complained again"
    for again in re.finditer(
        r"\bcomplain\w*\b[^.!?\n]{0,30}\bagain\b|\bnew complaint\b|\bre-?(submitted|complained)\b",
        text[w.end() :],
        re.I,
    ):
        before = text[max(w.end(), w.end() + again.start() - 40) : w.end() + again.start()]
        if not re.search(r"\b(will|would|'ll|going to|if|might|may|could|not|never)\b[^.!?\n]*$", before, re.I):
            return False  # made again: "So I make complaint again on 8 October" (not "If they don't, I will complain again")
    return True


PROVISION_TERMS = re.compile(
    r"((?:\d+(?:\.\d+)? hours? (?:(?:a|per) week )?(?:of |with )?)?(?:weekly |monthly |fortnightly |full[- ]time )?"
    r"(?:speech and language therapy|speech therapy|SALT|occupational therapy|\bOT\b|physiotherapy|play therapy|"
    r"therapeutic (?:parenting )?support|counselling|1:1(?: teaching assistant)?(?: support)?|one to one support|"
    r"(?:a )?teaching assistant(?: full time)?|\bTA\b|(?:a )?specialist teacher[\w ]{0,20}|(?:a )?mentor|"
    r"(?:home to )?school transport|\btransport\b|short breaks|direct payments?(?: for a personal assistant)?|"
    r"home tuition|alternative provision(?: under section 19)?|(?:a )?specialist (?:school|provision)|(?:a )?school place|"
    r"full[- ]time education|(?:a )?support worker(?: in lessons)?|personal adviser|special guardianship allowance|"
    r"(?:a )?(?:monthly )?allowance|carers? assessment|child in need assessment|life story work|sensory diet|"
    r"financial support|(?:a )?small group setting|contact support|portage|note[- ]taker|laptop|tuition)"
    r"(?: (?:every (?:week|fortnight)|weekly|monthly|a week|per week))?"
    # what the person adds to it: "short breaks (Saturday club, 6 hours a week)"
    r"(?: \([^)\n]{3,60}\))?)",
    re.I,
)
PROVISION_CUE = re.compile(
    r"\b(plan|section f|ehcp)\b[^.!?\n]{0,25}?\b(says|states|specifies|specifies|sets out|names|includes|said)\b"
    r"|\b(supposed|meant|entitled|due|promised) to (get|have|receive)|\bshould (get|have|receive|be getting)"
    r"|\bsaid (she|he|they) needs?|\bin (his|her|my|their) (ehcp|plan|care plan)|\bit says\b|\bwas meant to have",
    re.I,
)


# what comes before provision said outright: "meant to get", "was promised", "Section F:" (a feature of the provision
# reader, and where it finds no clause likely enough, the cue `_said_owed` reads after)
GETS = re.compile(
    r"\b(?:(?:supposed|meant|entitled|due|promised|going) to (?:be )?(?:get|have|receive|getting|having|receiving|start)"
    r"|should (?:get|have|receive|be getting|be receiving|be having|be given|be provided with|be in)|entitled to(?! (?:a|an) (?:reply|response))"
    # "In the plan she must have 1:1 help all the day", "the council is supposed to provide education when ..."
    r"|(?:i|he|she|they) must (?:get|have|receive|be given)|(?:supposed|meant) to (?:provide|arrange|fund|pay for)"
    r"|would (?:get|have|receive|be given)|(?:was|were) promised|promised (?:us|me|him|her|them)|promised(?= (?:a|an) )|section f:?"
    r"|(?:meant|supposed) to be(?= (?:\d|one|two|three|four|five|six))|section [a-k]:?|applied for(?! (?:an? |the )?(?:ehc|education|needs|assess))"
    r"|(?:gave|give|given) (?:him|her|them|me|us)|(?:will|would) (?:provide|arrange|fund|pay for)(?: (?:him|her|them|me|us))?|(?:cut|stopped|withdrew|ended|reduced) (?:his|her|their|my|our) (?:\w+'s )?"
    r"|(?:i|he|she|they) needs?,? which (?:is|are)|(?:agreed|ordered|decided|said they would) (?:the council )?to "
    r"(?:fund|provide|pay for|arrange|give (?:him|her|them|us|me)?)|what (?:he|she|they|i) needs? is)\s+",
    re.I,
)
PROVISION_NOUN = re.compile(
    r"\b(support|help|therapy|therapist|visits|place|tuition|hours|worker|school|equipment|laptop|note ?taker|"
    r"assistant|teacher|transport|sessions|allowance|payments?|provision|assessment|OT|SALT|1:1|TA|teaching|tutoring|tutors?|pass|trainer|adviser|budget|breaks|mentor|taxi|bursary|package|escort|"
    # any service a person names: the kinds of thing a plan, an assessment or an order provides
    r"respite|carers?|placement|session|psychologist|room|keyworker|nurse|bus|intervention|programme|therap\w+|"
    r"physio\w*|speech|counsell\w*|education|lessons?|classes|assistance|adaptations?|hoist|wheelchair|care|"
    r"overnights?|visits?|hours?|placement|specialist|accommodation|grant|housing|(?<!baby )sitters?|sitting)\b",
    re.I,
)


# what the plan (or an order, or an assessment) says the child gets: "his plan says 2 hrs OT a term plus a sensory
# circuit every morning", "the Tribunal ordered that her plan include ...", "they used to give me a travel pass" (as GETS)
PLAN_SAYS = re.compile(
    r"\b(?:plan|section f|ehcp|order)\b[^.!?\n]{0,12}?\b(?:says|said|states|specifies|sets out|lists|to include|includes?|"
    r"provides(?: for)?|requires|is clear that (?:he|she|they|i) needs?)"
    r"(?: that)?:?(?: (?:i|he|she|they|we) (?:should |will |would |is to |are to )?(?:gets?|have|has|receive|receives)\b)?"
    r"|\b(?:should|would|will) (?:get|have|receive):|\b(?:i|he|she|they|we)'d (?:get|have|receive)\b"
    r"|\bused to (?:give|get|have|provide)(?: (?:me|him|her|us|them))?\b|\bassessed (?:\w+ ){0,4}?as needing\b"
    r"|\bassessed for\b|\bagreed (?:in (?:his|her|their|the|my) (?:\w+ )?plan(?: last year| in \w+)? )?(?=a |an |\d)",
    re.I,
)


# words quoted: "Section F: '1:1 adult support for 27.5 hours per week'", "they agreed 'five hours a week of home
# tuition'" (the plan's own words where the reader's clauses quote it)
QUOTED = re.compile(r"['‘\"“]([^'’\"”\n]{12,300}?)['’\"”](?!\w)")
AMOUNT = re.compile(
    r"\b(\d+(\.\d+)?|one|two|three|four|five|six|seven|eight|ten|twelve)\s+(hours?|hrs?|sessions?|minutes|days?|times)\b|£\s?\d",
    re.I,
)


# a need for an assessment (none yet, one asked for): what the child "needs" is not yet provision anyone owes
ASSESSMENT_CASE = re.compile(
    r"\b(asked|applied|request\w*|refus\w*|agreed|decid\w*|waiting)\b[^.!?\n]{0,40}\bassess", re.I
)


# --- provision: a learned reader picks the clauses, plain rules trim their words -----------------------------------
#
# Rules written from each round of blind-written stories did not carry to the next: they read 0.82 / 0.80 on the
# tuning stories they were written from and 0.71 / 0.67 on the held-back ones. A logistic reader over each clause's
# words and cues (`reader_provision.json`, `scripts/train_readers.py`), trained on s01-s403 before s404-s503 were
# written, read those 100 unseen stories at 0.81 / 0.83 against the rules' 0.81 / 0.79 (72 right against 69; on the
# batch aimed at provision, with distractors, 20 against 13). Adding the rules' own choice as a feature did worse
# unseen: the rules were fitted to the very stories the reader trains on, so it learnt to trust them too much.
# Trained on all 491 tuning stories it cross-validates at 0.83 / 0.80 (5 folds) and reads the held-back stories at
# 0.82 / 0.69. Rules and reader read the fourth round (s504-s603) unseen at 0.68 / 0.75 (s504-s528, aimed at provision)
# and 0.65 / 0.59 (s554-s578); on all 591 tuning stories, with a second place (below), 0.88 / 0.83 cross-validated.
# The fifth round's batch of provision told without cues (s604-s628) read unseen at 0.61 / 0.52; on all 691 tuning
# stories, 0.85 / 0.81 cross-validated, and the held-back stories at 0.79 / 0.65: what is owed, told only by what
# stopped, is where the reader is weakest; left empty, it is asked ("What should they be getting (what does the plan
# or support plan say)?").
# The sixth round (s704-s803) read unseen at 0.90 / 0.83, 0.74 / 0.70 (s729-s753, aimed at provision in shorthand,
# part-quotes and social care plans), 0.81 / 0.81 and 0.86 / 0.86. On 791, with a neighbour joined by "and" taken
# more readily (`_regions`' anded), 0.87 / 0.83 cross-validated.
# The seventh round read unseen at 0.55 / 0.57 (s804-s828: told once mid-story, beside what is still delivered, paid for
# privately, offered instead or proposed now), 0.89 / 0.81, 0.95 / 0.90 (social care and post-16) and 0.87 / 0.87.
# Features for those distractors (still delivered, paid privately, offered instead, another child's) changed nothing
# (0.871 / 0.825 cross-validated on 791 with or without, 79 of the round's 100 right either way); a rule taking what
# "stopped" or "was pulled" where the reader finds nothing got 4 of the round right, but on the 791 it was not written
# from, 1 right of the 11 it answered, so it is not here. On 891, 0.86 / 0.83 cross-validated; held back, 0.79 /
# 0.65, unchanged. The eighth round (s904-s1003) read unseen at 0.83 / 0.75 (short chat messages that name what is owed
# only in passing, "still no OT", at 0.82 / 0.47); on 991, 0.87 / 0.83 cross-validated; held back, 0.83 / 0.67.
# The ninth round read unseen at 0.85 / 0.85, 0.79 / 0.75, 0.75 / 0.68 and 0.89 / 0.76; on 1091, 0.87 / 0.82
# cross-validated; held back, 0.84 / 0.69. The tenth round read unseen at 0.87 / 0.83, 0.94 / 0.85, 0.70 / 0.73 (two or
# three things owed, told apart) and 0.88 / 0.71; on 1191, 0.86 / 0.82 cross-validated; held back, 0.83 / 0.67. A lower
# `second` (0.1) reads 0.878 / 0.834 cross-validated, but only because the score forgives words that are not the gold's:
# it finds a second place in 770 of 1191 stories, and 462 of those places are not what is owed; so `second` stays.
# A place that opens with a piece of an item cut off at a comma or an "and" (`FRAGMENT`) is widened back to the
# clause that names the service (`_whole_item`): on 1191, 0.864 / 0.821 -> 0.870 / 0.826 cross-validated (5 answers
# that held only a piece now match; 1 longer answer no longer does).
# The eleventh round read unseen (4086ba6) at 0.64 / 0.32 (owed named only in passing: `_failed_owed` written from it),
# 0.95 / 0.95, 0.95 / 0.91 and 0.88 / 0.95 (lists and items set off by commas); on 1291, 0.866 / 0.835 cross-validated;
# held back, 0.80 / 0.63. The twelfth read unseen (65b238e) at 0.80 / 0.78 (several services, only some failed: 0.58 /
# 0.64; a service said to be delivered is no longer what is owed: `WORKING`); on 1391, 0.870 / 0.833; held back,
# 0.81 / 0.65. The thirteenth read unseen at 0.86 / 0.83 (acc2f1f); on 1491, 0.865 / 0.833; held back, 0.78 / 0.62.
# The fifteenth read unseen (3d86527) at 0.91 / 0.88 (0.95 / 0.95, 0.89 / 0.85, 0.95 / 0.88, 0.83 / 0.83); on 1691,
# 0.863 / 0.835 cross-validated; held back, 0.77 / 0.65 on the first 57 and 0.88 / 0.71 on 50 written blind that round.
# The sixteenth read unseen (d1c86f6) at 0.84 / 0.77 (0.88 / 0.71, 0.86 / 0.86, 0.74 / 0.64, 0.90 / 0.90); on 1791,
# 0.868 / 0.839 cross-validated; held back, 0.80 / 0.67 on the first 57, 0.88 / 0.71 on the 50.
# The seventeenth read unseen (38cd980) at 0.89 / 0.77 (0.87 / 0.80, 0.90 / 0.83, 0.83 / 0.65, 0.95 / 0.82; owed told
# before its failure: `OWED_THEN_FAILED`; an offer in its place: `OFFERED_INSTEAD`); on 1891, 0.867 / 0.836
# cross-validated; held back, 0.84 / 0.71 on the first 57, 0.88 / 0.71 on the 50.
# The eighteenth read unseen (0c77721) at 0.83 / 0.82 (0.73 / 0.76 in social and adult care, 0.79 / 0.79, 0.86 / 0.86,
# 0.91 / 0.87; a story whose only place is the wish still reads it: dropping it lost 6 and won 3 on 1991); on 1991,
# 0.861 / 0.828 cross-validated; held back, 0.83 / 0.69 on the 107 (0.86 / 0.71 before this retraining).
# The nineteenth (50 stories) read unseen at 0.90 / 0.72 in social care and 0.92 / 0.78 with the SEND mix; retrained
# on 2041; held back, 0.83 / 0.69.
# Rounds 20-23 read unseen at 0.88 / 0.88 and 0.90 / 0.86, 0.96 / 0.96 and 0.83 / 0.71, 0.95 / 0.84 and 0.79 / 0.79,
# 0.87 / 0.80 and 0.92 / 0.92; on 2141, 0.864 / 0.829 cross-validated; retrained on 2241; held back, 0.83 / 0.69.
TWO_BACK = ("terms", "cue", "plan_says", "gets", "quoted", "wish", "step")


@lru_cache(maxsize=8)
def _first_cue(text: str, clauses: tuple[tuple[int, int], ...]) -> int | None:
    """The story's first clause that says what the child should get (once per story, not once per clause)."""
    return next(
        (j for j, (x, y) in enumerate(clauses) if PLAN_SAYS.search(text, x, y) or GETS.search(text, x, y)), None
    )


def clause_pair(text: str, clauses: list[tuple[int, int]], i: int) -> tuple[str, str]:
    """What a clause model (`readers.ClauseModel`) reads of clause `i`: the clause, and the clause in its place (the two
    clauses before it and the one after, the clause itself marked). Used both to train the model and to read with it."""
    a, b = clauses[i]
    lo, hi = clauses[max(0, i - 2)][0], clauses[min(len(clauses) - 1, i + 1)][1]
    return text[a:b], f"{text[lo:a]} [[ {text[a:b]} ]] {text[b:hi]}"


def clause_features(text: str, clauses: list[tuple[int, int]], i: int) -> dict[str, float]:
    """What a clause reader (provision, impact) sees of clause `i`: its words, which cues it and the clauses either side
    carry, and where it sits. Used both to train the readers and to read with them."""
    a, b = clauses[i]
    clause = text[a:b]
    f: dict[str, float] = {f"w_{w}": 1.0 for w in re.findall(r"[a-z0-9£']+", clause.lower())}
    flags = {
        **{"terms": PROVISION_TERMS, "cue": PROVISION_CUE, "plan_says": PLAN_SAYS, "gets": GETS},
        **{"noun": PROVISION_NOUN, "amount": AMOUNT, "quoted": QUOTED, "failure": FAILURE_CUE, "wish": WISH},
        **{"step": COMPLAINT_STEP, "impact": IMPACT_CUE, "outcome": OUTCOME_CUE, "contact": CONTACT_CUE},
        **{"schooling": SCHOOLING_LOSS, "diagnosis": DIAGNOSIS, "label": IMPACT_LABEL, "wants": WANTS},
        "working": WORKING,
    }
    f |= {f"f_{k}": 1.0 for k, rx in flags.items() if rx.search(clause)}
    if i:
        before = text[clauses[i - 1][0] : clauses[i - 1][1]]
        f |= {f"p_{k}": 1.0 for k, rx in flags.items() if rx.search(before)}
        f |= {f"pw_{w}": 1.0 for w in re.findall(r"[a-z']+", before.lower())[-3:]}
    if i > 1:  # the clause two back: "Section F says: / 'OT every half term' / and 'SALT weekly'"
        two_back = text[clauses[i - 2][0] : clauses[i - 2][1]]
        f |= {f"p2_{k}": 1.0 for k in TWO_BACK if flags[k].search(two_back)}
    if i + 1 < len(clauses):
        after = text[clauses[i + 1][0] : clauses[i + 1][1]]
        f |= {f"n_{k}": 1.0 for k, rx in flags.items() if rx.search(after)}
    # the story's first clause that says what the child should get
    if _first_cue(text, tuple(clauses)) == i:
        f["first_cue"] = 1.0
    if re.search(r"\d", clause):
        f["digit"] = 1.0
    f["len"] = min(len(clause.split()), 40) / 40
    f["pos"] = i / len(clauses)
    return f


# the words before what is owed: "Section F says", "the plan states that", "and", a bullet; then "he should get"
LEAD_IN = re.compile(
    r"[\s•*\-–]*(?:(?:and|but|so|that|which|plus)\s+)?(?:(?:[\w'’()]+[\s,]+){0,8}?(?:says?|said|states?|specif(?:ies|y)|"
    r"sets out|is written|reads|agreed|confirmed|promised)\b(?: that)?\s*[:,]?\s*)?",
    re.I,
)
WHO_GETS = re.compile(
    r"(?:(?:he|she|they|i|we|[A-Z][a-z]+|(?:my|our|his|her) \w+)(?: (?:should|is meant to|are meant to|was meant to|is supposed to|"
    r"used to|are supposed to|must|would|will)|'s (?:meant|supposed) to|s (?:meant|supposed) to) (?:get|have|receive|be getting|be given)|(?:he|she|they|i|we|[A-Z][a-z]+) "
    r"(?:gets|get|has|have|receives)|(?:he|she|they|i|we|[A-Z][a-z]+) (?:is|are|am|was|were) entitled to)\s+",
    re.I,
)
# where what is owed ends and the failure begins: "portage visits weekly from January and only had 3"
OWED_END = re.compile(
    r"\s(?:but|because|since|until|although|though|yet)\b|\sand (?:only|no|not|he|she|they|it|nothing|never|none|we|i)\b",
    re.I,
)
TRIM = " \t\n'\"“”‘’.,;:-•*"


def _owed_words(text: str, a: int, b: int) -> tuple[str, tuple[int, int]] | None:
    """The owed provision within the clauses chosen: the plan's quoted words where the clauses quote it ("Section F
    says, word for word: '...' and '...'"), else the person's words without what introduces them ("his plan says",
    "he should get") or the failure told after them ("... from January and only had 3"), unless that would leave
    fewer than two words. None where the words say the plan has nothing ("the plan says nothing about transport")."""
    for rx in (LEAD_IN, WHO_GETS):
        m = rx.match(text, a, b)
        if m and len(text[m.end() : b].split()) >= 2:
            a = m.end()
    quotes = [q for q in QUOTED.finditer(text, max(0, a - 1), min(len(text), b + 1)) if len(q.group(1).split()) >= 3]
    if quotes and sum(len(q.group(1).split()) for q in quotes) * 2 >= len(text[a:b].split()):
        words = " and ".join(q.group(1).strip().rstrip(".,;") for q in quotes)
        return words, (quotes[0].start(1), quotes[-1].end(1))
    end = OWED_END.search(text, a, b)
    if end and len(text[a : end.start()].split()) >= 3:
        b = end.start()
    while a < b and text[a] in TRIM:
        a += 1
    while b > a and text[b - 1] in TRIM:
        b -= 1
    if re.match(r"(nothing|no|none|not)\b", text[a:b], re.I):
        return None
    return text[a:b], (a, b)


def _regions(
    text: str,
    clauses: list[tuple[int, int]],
    reader: readers.Reader,
    most: int = 1,
    joins=None,
    model: readers.ClauseModel | None = None,
) -> list[tuple[int, int]]:
    """Where a reader finds its field, in text order: the clause it finds most likely to say it, if likely enough
    (`least`), with the clauses beside it that also say it (`beside`, or `anded` where "and" joins them: a list told
    over several lines, a harm told over several sentences); then, up to `most`, the next most likely clause
    elsewhere, if likely enough (`second`, else `least`), and its neighbours (the harm to the child told in one place, the harm to the family in another; a second
    missing service told sentences after the first)."""
    p = [reader.probability(clause_features(text, clauses, i)) for i in range(len(clauses))]
    own = p  # the reader's own: a neighbour in another sentence joins only if the reader too finds it likely enough
    if model is not None and clauses:  # the clause model's word beside the reader's: their mean (CLAUSE_MODEL_SHARE)
        ask = [i for i in range(len(clauses)) if p[i] >= CLAUSE_MODEL_FLOOR]
        try:
            seen = dict(zip(ask, model.probabilities([clause_pair(text, clauses, i) for i in ask]), strict=True))
        except Exception as e:  # noqa: BLE001 - an optional model never stops the chat: the reader reads alone
            log.warning("the clause model failed on a story (%s: %s)", e.__class__.__name__, str(e)[:200])
        else:
            p = [(1 - CLAUSE_MODEL_SHARE) * a + CLAUSE_MODEL_SHARE * seen.get(i, 0.0) for i, a in enumerate(p)]
    taken: list[tuple[int, int]] = []
    least, beside = reader.settings["least"], reader.settings["beside"]
    anded = reader.settings.get("anded", beside)

    def joined(j: int, k: int) -> bool:
        """Clause j, beside clause k (one of those taken), joins it: likely enough, and naming something owed if
        `joins` says what that is; joined by "and", "plus" or "as well as", `anded` is enough."""
        gap = text[min(clauses[j][1], clauses[k][1]) : max(clauses[j][0], clauses[k][0]) + 6]
        names = joins is None or joins(clauses[j])
        least = anded if re.match(r"[\s,]*(?:and|plus|as well as)\b", gap, re.I) else beside
        if re.search(r"[.!?\n]", gap) and own[j] < least:
            return False  # across a sentence's end, the reader too: "He has had no speech therapy since September."
        return p[j] >= least and names  # "2 hours of OT a week at the Learning Hub / and a taxi to get her there"

    for best in sorted(range(len(p)), key=lambda i: -p[i]):
        if len(taken) == most or p[best] < (reader.settings.get("second", least) if taken else least):
            break
        if any(lo - 1 <= best <= hi + 1 for lo, hi in taken):
            continue
        lo = hi = best
        while lo > 0 and joined(lo - 1, lo):
            lo -= 1
        while hi + 1 < len(p) and joined(hi + 1, hi):
            hi += 1
        taken.append((lo, hi))
    return [(clauses[lo][0], clauses[hi][1]) for lo, hi in sorted(taken)]


# Several missing services are told in separate places as often as in one list ("Section F says ... The OT was
# supposed to come every half term"): a second place if the reader finds it likely enough (`second`). With the
# features of the clause two back and of the story's first "should get" clause, cross-validated on the 491 tuning
# stories, 0.855 / 0.802 -> 0.889 / 0.828; trained on those alone, s504-s578 read unseen 47 -> 50 right of 64.
PROVISION_PLACES = 2
# The provision reader's words and cues reach the stories they were not written from less well than those they were
# (cross-validated 0.86 / 0.83; held back 0.83 / 0.69). A clause model (`readers.ClauseModel`: the packaged encoder,
# fine-tuned to read a clause in its place) reads the wording, not the words. Trained on 2041 tuning stories and read on
# the 200 after them (s2104-s2303), provision with the whole encoder retrained: the reader alone 0.898 / 0.855, the
# model alone 0.913 / 0.849, their mean 0.915 / 0.866 (least 0.2); the 107 held back, read once for the three: 0.833 /
# 0.691, 0.854 / 0.745, 0.867 / 0.766. The shipped model (a LoRA adapter, scripts/train_clause_model.py), their mean:
# 0.920 / 0.866 on the 200, 0.877 / 0.755 held back (0.855 / 0.755 as shipped, with the floor and the rules that
# follow). The model gives a failure told in the sentence before the plan's wording ("He has had no speech therapy since
# September. The plan has him down for an hour a week of ...") as much as the wording; a neighbour across a sentence's
# end joins only if the reader alone also finds it likely enough (no change on the 200: joining by the reader alone,
# everywhere, read 0.903 / 0.849). Where the mean finds no place, the reader's own place stands (four second reviewers'
# inputs the mean had lost: "He needs a specialist placement, the SEN team is working on finding one"), and a place that
# names nothing owed gives way to what a clause says is owed (as where no place is found): on the 200, 0.926 / 0.871 ->
# 0.927 / 0.887. Taking the larger of the mean and the reader's own, everywhere, read 0.916 / 0.876.
CLAUSE_MODEL_SHARE = 0.5
# The model reads only the clauses the reader gives at least this (a clause below it is never taken): on the 200,
# floor 0 / 0.01 / 0.02 / 0.05 / 0.1 read 0.920 / 0.866, the same, 0.926 / 0.871, 0.926 / 0.871, 0.914 / 0.860, at
# 0.24 / 0.17 / 0.14 / 0.09 / 0.06 s a story (2 cores); held back at 0.05, 0.877 / 0.755 as at 0.
CLAUSE_MODEL_FLOOR = 0.05
# a place that opens with what the person wants is the remedy asked for, not what is owed ("We want fortnightly contact to
# start again"), unless it is the only place found
WISH_START = re.compile(
    r"[\W]*(?:and\s+|but\s+|so\s+)?(?:(?:i|we) (?:really )?(?:want|would like|'d like)\b"
    r"|(?:(?:outcomes?|remed(?:y|ies)) (?:sought|requested|wanted)|requested outcomes?|desired outcome|sought)\s*:)",
    re.I,
)


NO_REASON = re.compile(
    r"\b(?:provided|given|gave|had|got|sent)(?: (?:me|us))? (?:a|any|no) (?:reason|explanation|reply|response|answer)\b",
    re.I,
)
OFFERED_INSTEAD = re.compile(
    r"\b(?:offered|offering|suggested|proposed)\b(?:(?!\binstead of\b)[^.!?\n]){0,80}\binstead\b(?! of)", re.I
)


def _provision(text: str, reader: readers.Reader | None = None) -> tuple[str, tuple[int, int], str] | None:
    """The provision owed: the clauses the provision reader finds (`_region`), trimmed to what is owed; where it finds
    none likely enough, what a clause says outright is owed (`_said_owed`)."""
    reader = reader or readers.load("provision")
    if ASSESSMENT_CASE.search(text) and not PLAN_WORD.search(text):
        return None  # an assessment story: the support a child "needs" is not yet owed (the plan will say)
    clauses = _clauses(text)
    # a neighbour joins only if it names something owed ("weekly speech and language therapy", not "He is 9")
    names = lambda c: any(rx.search(text, *c) for rx in (PROVISION_NOUN, PROVISION_TERMS, AMOUNT, QUOTED))  # noqa: E731
    model = readers.clause_model("provision")
    regions = _regions(text, clauses, reader, most=PROVISION_PLACES, joins=names, model=model)
    if not regions and model is not None:  # where the mean finds no place, the reader's own stands
        regions = _regions(text, clauses, reader, most=PROVISION_PLACES, joins=names)
    regions = [r for r in regions if not WISH_START.match(text, r[0])] or regions[:1]
    # what the council offered in its place is not what is owed ("offered 3 hours of sitting service a month instead")
    regions = [r for r in regions if not OFFERED_INSTEAD.search(text[r[0] : r[1]])]
    # nor a reason or a reply never given ("The council has not provided a reason for cutting her respite")
    regions = [r for r in regions if not NO_REASON.search(text[r[0] : r[1]])]
    # nor another body's benefit ("I havent had my carers allowance since august because of a mix up at DWP")
    regions = [r for r in regions if not DWP.search(text, *r)]
    # nor a word on its own that names no service ("... her plan says she has to have one. lambeth.")
    regions = [r for r in regions if len(text[r[0] : r[1]].split()) > 1 or PROVISION_NOUN.search(text, *r)]
    widened: list[tuple[int, int]] = []
    for a, b in sorted(_whole_item(text, clauses, r) for r in regions):
        if widened and a <= widened[-1][1]:  # widened into the place before it: one place
            widened[-1] = (widened[-1][0], max(b, widened[-1][1]))
        else:
            widened.append((a, b))
    # a service said to be delivered is not what is owed ("his TA and his SALT are great", "the allowance comes in
    # every month no problem", "a) speech and language therapy weekly - happening")
    regions = [k for k in (_not_working(text, r) for r in widened) if k]
    if not regions:
        return _said_owed(text, clauses) or _failed_owed(text)
    owed = [o for o in (_owed_words(text, *r) for r in regions) if o]
    if len(owed) > 1 and len(content_words(owed[1][0]) - content_words(owed[0][0])) * 2 < len(
        content_words(owed[1][0])
    ):
        owed = owed[
            :1
        ]  # a second place that mostly repeats the first ("Section F also says the therapy must be weekly")
    if not owed:  # the place found names nothing owed ("no escort on her bus since ..."): what a clause says is owed
        return _said_owed(text, clauses) or _failed_owed(text)
    return " and ".join(words for words, _ in owed), (owed[0][1][0], owed[-1][1][1]), "learned"


# a service running as it should: "is happening", "in place", "are great", "thats fine", "still happen", "comes through"
WORKING = re.compile(
    r"\b(?:(?<!not )(?<!n't )(?<!nt )(?<!never )(?<!been )(?<!longer )(?<!stopped )happening|(?:is|are|has been|have been|was|were) (?:all )?in place|"
    r"(?:is|are|'s|s|was|were|has been|have been) (?:all )?"
    r"(?:fine|great|brilliant|working well|going well|ok|okay)|thats? (?:fine|working|great)|fair play|no problem|"
    r"still (?:happens?|comes?|runs?|going)|comes? through|(?<!not )(?<!n't )(?<!nt )continuing (?:as (?:per|in) (?:the )?plan|fine))\b",
    re.I,
)
# how a piece of an item cut off at a comma opens: "delivered by", "including at break", "two nights per month"
FRAGMENT = re.compile(
    r"[\s'\"]*(?:and(?! (?:they|he|she|i|we|it|you|then|now|the council|\w+ council)\b)|plus|including|delivered|provided|with|"
    r"per|every|each|weekly|daily|fortnightly|monthly|termly|twice|"
    r"once|\d+|one|two|three|four|five|six|eight|ten|in term)\b",
    re.I,
)


def _not_working(text: str, region: tuple[int, int]) -> tuple[int, int] | None:
    """A place without what it says is delivered: cut before a later sentence that says so ("- a 1:1 mentor for 10
    hours a week | The mentor is happening, credit to the school"); None where its first sentence says so and
    nothing in it says what is owed or that it failed ("his TA and his SALT are great")."""
    a, b = region
    if NO_TROUBLE.search(text, a, b):
        return None  # "he hasn't had any trouble with the transport this year"
    m = WORKING.search(text, a, b)
    if not m:
        return region
    cut = _sentence_at(text, m.start())
    if cut > a:
        return (a, len(text[:cut].rstrip(TRIM + "\n"))) if text[a:cut].strip(TRIM + "\n") else None
    owed = any(rx.search(text, a, b) for rx in (FAILED, GETS, PLAN_SAYS, PROVISION_CUE)) or STOPPED_AFTER.search(
        text, a, b + 30
    )
    return region if owed else None


NO_TROUBLE = re.compile(
    r"\b(?:hasn'?t|hasnt|haven'?t|havent|never|not) had any (?:trouble|problems?|issues?)|\bno (?:trouble|problems?|issues?) with\b",
    re.I,
)
STOPPED_AFTER = re.compile(r"\buntil\b", re.I)  # "paid the allowance every month no problem, £142 a week, until April"


def _whole_item(text: str, clauses: tuple[tuple[int, int], ...], region: tuple[int, int]) -> tuple[int, int]:
    """A place that opens with a fragment of the item owed, cut from it at a comma ("physiotherapy, 6 sessions per term,
    | delivered by a paediatric physiotherapist", "someone with her at lunch | and break"), widened back to the clause in
    its sentence that names the service."""
    a, b = region
    i = next((k for k, c in enumerate(clauses) if c[0] == a), None)
    while i and FRAGMENT.match(text, clauses[i][0]) and not PROVISION_NOUN.search(text, *clauses[i]):
        prev = clauses[i - 1]
        if not re.fullmatch(r"[\s,]*", text[prev[1] : clauses[i][0]]):  # only a comma between: the same sentence
            break
        i -= 1
        a = prev[0]
        if PROVISION_NOUN.search(text, *prev):
            break
    return a, b


# what is owed, named only as what was stopped or is missing ("hasnt had his taxi to school since", "Kent stopped his
# allowance", "took away his passenger assistant"): the words after the failure, up to where the sentence goes on
FAILED_OWED = re.compile(
    r"\b(?:stopp?ed(?: paying(?: for)?(?: (?:him|her|them|me|us)(?= (?:the|a|an|his|her|their|my|our)\b))?)?|cut|cancell?ed|took away|taken away|withdr(?:ew|awn)|removed|ended|pulled|"
    r"(?:has|have|had)n'?t (?:had|seen|got)|hasnt (?:had|seen|got)|havent (?:had|seen|got)|"
    r"(?:has|have) not (?:had|seen|got|funded|paid for)|not funded|without|no longer (?:gets?|has|have)|"
    r"not had(?: one| a single| any)?|(?:has|have|had)(?: not|n'?t) (?:arranged|provided|found|secured|put in place)|"
    r"(?:hasnt|havent) (?:arranged|provided|found|secured)|"
    r"(?:has had|have had|had|there(?:'s| is| has been)|still|getting) no|^no|, no|"
    r"never (?:got|had|received)|took (?:\w+ ){1,3}away|owe me|still (?:no|not got))\s+"
    r"((?:(?:his|her|their|my|our|the|a|an|any|[A-Z][a-z]+'s|\w+s)\s+)?(?:[\w'-]+\s+){0,6}?[\w'-]+)"
    r"(?=\s+(?:since|in|from|at|when|because|after|before|until|till|for (?:\d|the last|months|weeks|my|his|her|him|them)|to save|without|but|"
    r"and (?:he|she|they|i|we|nobody|no one|the)|so|which|that|as|on \d|last|this|yesterday|ages|\d+ (?:weeks|months|days))\b"
    r"|[,.;:!?\n(]|$)",
    re.I,
)
# not a service: a verb's particle or a preposition where the service came before the verb ("ended up paying", "cut down
# my hours", "was taken away by the school", "pulled her out of"); someone's own work ("cut my hours", "his dad had to cut
# his hours", "my nursing placement"); another body's benefit ("my carers allowance", "my housing element"); a process
# ("his appointment with the educational psychologist", "the review"); a school's sanction ("took away his lunch
# breaks"); no failure at all ("never had any problems with the school")
DWP = re.compile(r"\b(?:carers? allowance|universal credit|dwp)\b", re.I)  # paid by the DWP, never the council
NOT_OWED = re.compile(
    r"^(?:up|down|back|off|out|by|from|to|for|with|in|on|at|of|into|him|them|me|us|her (?:out|off|from|to|into|back))\b"
    r"|^(?:my|his|her|their|our) (?:hours|job|shifts|work)\b|\b(?:job|shifts)\b"
    r"|\b(?:carers? allowance|housing element|universal credit|benefits?|pip|dla|esa|tax credits?|child benefit)\b"
    r"|\b(?:asking|review|assessment|appointment|meeting|to finish)\b|\b(?:lunch ?breaks?|break ?times?|playtimes?|phone)\b"
    r"|^any (?:problems?|trouble|issues?)\b|\bnamed\b|^(?:(?:any|the|an?) )?(?:agreed |suitable |proper )?provision$"
    r"|^(?:(?:a|an|any|the)\s+)?(?:reply|response|reason|explanation|update|answer|acknowledgement)s?\b",  # "no school named for next year": the plan not yet final
    re.I,
)


# a service taken off the child, or told as promised and not come: "took the taxi off her", "the setting up home money i
# was told i would get"
TAKEN_OFF = re.compile(
    r"(?<!school )(?<!teacher )\btook ((?:the|his|her|their|my|our) (?:[\w'-]+\s+){0,4}?[\w'-]+) off (?:him|her|them|me|us)\b"
    r"(?! (?:as a |for (?:a |his |her )?)(?:punishment|sanction|behaviour|detention))"
    r"|\b((?:the|his|her|their|my|our) (?:[\w'-]+\s+){0,5}?[\w'-]+) (?:i|we|he|she|they) (?:was|were) "
    r"(?:told|promised) (?:i|we|he|she|they) (?:would|wud|'d) (?:get|have|receive)\b",
    re.I | re.M,
)


# the service told before its failure (round 17, s1854-s1953, read unseen: 5 of 21 provision misses had nothing read):
# "his SGO allowance stopped in august", "Zainabs speech therapy which stopped in june", "the 32.5 hrs 1:1 the tribunal
# ordered" not given, "agreed medical needs tuition in june but no tutor has ever come"
OWED_THEN_FAILED = re.compile(
    r"\b((?:(?:his|her|their|my|our|the|[A-Z][a-z]+'?s)\s+)(?:[\w'-]+(?:[.:][\w'-]+)*\s+){0,5}?[\w'-]+(?:[.:][\w'-]+)*)\s+(?:which |that )?"
    r"(?:stopped|ended|was (?:stopped|cut|cancell?ed|withdrawn)|(?:has|have) (?:stopped|been (?:stopped|cut|cancell?ed)))\b"
    r"(?! (?:me|him|her|them|us|going|working|attending|answering|replying|responding|returning|turning up|coming|"
    r"calling|ringing|visiting|contacting|getting back)\b)"
    r"|\b(?:haven'?t|havent|hasn'?t|hasnt|(?:has|have|had) not|never|still (?:not|havent|haven'?t)) "
    r"(?:given|provided|arranged|put in place|delivered|funded)\s+(?:(?:him|her|them|me|us|[A-Za-z]+)\s+)?"
    r"((?:the|his|her|their|my|our)\s+(?:[\w'-]+(?:[.:][\w'-]+)*\s+){0,5}?[\w'-]+(?:[.:][\w'-]+)*)\s+(?:that |which )?the (?:tribunal|panel|council|plan) "
    r"(?:ordered|agreed|promised|says)\b"
    r"|\bagreed (?:to (?:provide|fund|arrange) )?((?:[\w'-]+\s+){0,4}?[\w'-]+)\s+(?:(?:in|on|at|by) [^,.;!?\n]{1,25}?\s+)?"
    r"(?:but|and) (?:no|nothing|never|it never|they never|it hasn'?t|it hasnt|still no)\b",
    re.I,
)


def _names_service(words: str) -> bool:
    """Whether words read as what stopped name a service (`PROVISION_NOUN`, `PROVISION_TERMS`), not what is never owed
    (`NOT_OWED`: a particle, the person's own work, another body's benefit, a process)."""
    return bool((PROVISION_NOUN.search(words) or PROVISION_TERMS.search(words)) and not NOT_OWED.search(words))


def _failed_owed(text: str) -> tuple[str, tuple[int, int], str] | None:
    """Where the reader and the plain words find nothing owed: a service named as what stopped or is missing. Written
    from s1204-s1228 (8 of 8); on the 1191 tuning stories it was not written from, where the cross-validated reader
    found nothing, it answers 9: 4 right, 5 less exact than the gold ("his short breaks" for "2 weekends a month at the
    respite centre"), none where nothing is owed (after the eleventh round's reviewer: 12 inputs where it named the
    person's own work, another body's benefit, a process or a school's sanction, now each a test)."""
    for m in FAILED_OWED.finditer(text):
        words = re.sub(r"(?:\s+(?:for|to|in|at|of|with|from|on))+$", "", m.group(1))  # "home tuition for my son for"
        if re.search(r"\b(?:i|we)\s+(?:\w+\s+)?$", text[max(0, m.start() - 20) : m.start()], re.I) and not re.match(
            r"(?:has|have|had)n'?t|hasnt|havent|(?:has|have) not|not had|never", m.group(0), re.I
        ):
            continue  # "I stopped my nursing placement": the person's own doing ("we havent had the night sitter" is not)
        if re.match(
            r"(?:my|our) own\b|(?:an? |my |the |his |her )?(?:social|support) worker$|(?:the |my |a )?carers?$",
            words,
            re.I,
        ):
            continue  # the person's own, or a person ("I havent had my own counselling", "a social worker")
        if re.search(
            r"\bbecause (?:we|i) (?:cancell?ed|asked|stopped)|\bat (?:our|my) request\b",
            text[m.end() : m.end() + 60],
            re.I,
        ):
            continue  # ended at the person's request
        if _names_service(words) and 2 <= len(words.split()) <= 8:
            return words, (m.start(1), m.start(1) + len(words)), "failed"
    for m in OWED_THEN_FAILED.finditer(text):
        group = next(i for i in (1, 2, 3) if m.group(i))
        start, words = m.start(group), m.group(group)
        if re.search(r"\b(?:why|how|whether|if|when)\s+$", text[max(0, start - 10) : start], re.I):
            continue  # "no explanation of why his transport stopped": a question, not the service owed
        # the service nearest the verb: "my grandson Jaxon 9 his SGO allowance" is "SGO allowance", "my daughter Zainabs
        # speech therapy" is "speech therapy"; "the" stays ("the staying put allowance")
        whole = words
        cut = [
            w.end()
            for w in re.finditer(
                r"\b(?i:his|her|their|my|our)\s+|\b(?!The\b|This\b|His\b|Her\b|Its\b)[A-Z][a-z]+'?s\s+|\b(?=(?i:the)\s)",
                words,
            )
        ]
        if cut and cut[-1] < len(words):
            start, words = start + cut[-1], words[cut[-1] :]
        if re.search(
            r"\b(?:and|but|so|then|now|all day|is|was|are|were|would|should|could)\b", words, re.I
        ) or re.fullmatch(
            r"(?:the )?(?:[\w-]+ )?(?:mum|dad|mother|father|nan|gran|grandad|husband|wife|partner|sister|brother|social worker|"
            r"teacher|head|headteacher|school|senco|college|family|marriage|placement|team|driver|carer|officer|"
            r"manager|case ?worker|worker)s?",
            words,
            re.I,
        ):
            continue  # a person or a thing that is no service: "his social worker stopped coming", "her dad stopped",
            # "the direct payments team stopped returning my calls", a finding ("agreed the school is unsuitable")
        if re.match(r"(?:my|our) (?:own|working)\b|(?:my|our) hours\b", whole, re.I) or re.search(
            r"\bworking hours\b|\bmy hours\b", words, re.I
        ):
            continue  # the person's own: "my hours stopped", "My own counselling which stopped in june"
        if re.search(
            # a wish or a promise ("i want it to come back", "we need it restarted", "said it would be reinstated but it
            # never was") is not a service put right (a second reviewer's)
            r"(?<!\bto )(?<!\bbe )(?<!\bit )\b(?:came back|(?:was|has|had|have) (?:been )?(?:restarted|resumed|reinstated)|"
            r"(?:it|they|he|she) (?:restarted|resumed)|started again|back now|(?:has been|is|was) fine|"
            r"going well|because (?:we|i) asked|at our request|when (?:he|she|they) (?:started|moved))\b",
            text[m.end() : m.end() + 100],
            re.I,
        ) and not re.search(r"\b(?:never|not|want|need|would|will)\b", text[m.end() : m.end() + 100], re.I):
            continue  # put right, or ended as it should: "His taxi which stopped in september came back in october"
        if _names_service(words) and len(words.split()) <= 8:
            return words, (start, start + len(words)), "failed"
    for m in TAKEN_OFF.finditer(text):
        group = 1 if m.group(1) else 2
        words = m.group(group)
        if _names_service(words):
            return words, m.span(group), "failed"
    return None


# the EHC plan's own words told as such: "his plan says", "Section F states", "the EHCP lists", "Section F: '...'",
# "word for word", "In the plan is written", "the plan still has him down for"; not "the school says", "hes meant to
# get" (the person's account of what the child should have), nor another plan's ("his child in need plan said")
OTHER_PLANS = "".join(
    f"(?<!{w} )"
    for w in (
        "care",
        "need",
        "cin",
        "pep",
        "tac",
        "action",
        "behaviour",
        "behavior",
        "cp",
        "pathway",
        "placement",
        "support",
        "protection",
        "safety",
        "health",
        "transport",
        "travel",
        "education",
        "risk",
        "handling",
        "individual",
        "learning",
        "old",
        "previous",
        "draft",
        "proposed",
        "new",
        "last",
    )
)
# between the plan and what it is said to say, nobody else speaks: not "his EHCP was reviewed in May and the SENCO
# says", "the EHCP coordinator said", "the SALT report attached to his plan says"
PLAN_GAP = (
    r"(?:(?!\b(?:and|but|so|because|who|which|senco|school|teacher|co-?ordinator|officer|team|caseworker|manager|"
    r"meeting|letter|report|email|told)\b)[^.!?\n]){0,60}?"
)
NOT_SPOKEN_BY = (
    r"(?!\s+(?:co-?ordinator|officer|team|caseworker|manager|worker|meeting|review))"  # "the EHCP team said"
)
PLAN_FRAME = re.compile(
    rf"\b(?:{OTHER_PLANS}plan{NOT_SPOKEN_BY}|section [a-k]\d?|ehcp{NOT_SPOKEN_BY})\b"
    rf"{PLAN_GAP}\b(?:says?|said|states|stated|specifies|specified|sets out|set out|"
    r"lists|listed|includes?|included|provides(?: for)?|provided for|requires|required|names|is clear|is written|"
    r"(?:has|had) (?:him|her|them|me) down for)\b"
    r"|\bsection [a-k]\d?\b[^.!?\n]{0,20}?[:'\"“‘]|\bword for word\b|\bagreed in (?:his|her|their|the|my) (?:\w+ )?plan\b",
    re.I,
)
# the plan's words told at second hand or from memory, or an order, a draft, a report: not the plan's own words
NOT_THE_PLANS = re.compile(
    r"\b(?:tribunal|ordered|order|think|thought|basically|memory|something like|roughly|i believe|i'?m not sure|"
    r"apparently|report|letter|proposed|draft)\b",
    re.I,
)
# an EHC plan named somewhere in the story: a bare "my plan says" in a care leaver's story is the pathway plan's
EHC_NAMED = re.compile(r"\b(?:ehcp|ehc ?plan|education,? health and care|section [a-k]\d?|statement)\b", re.I)
# something else said after the plan cue, nearer the words read: those are its words, not the plan's
SAYS_AFTER = re.compile(r"\b(?:says|said|states|stated|reads|told|wrote|emailed)\b", re.I)
CLAUSE_AFTER = re.compile(
    r"\b(?:and|so|then)\s+(?:since|from|he|she|they|i|we|it|the school|the council|there)\b"
    r"|\b(?:but|because|although|though|whereas|until)\b",
    re.I,
)
NOT_IN_PLAN = re.compile(r"\b(?:nothing|not|never|no longer|be amended|leaves? out|left out)\b|n't\b", re.I)
# "It says he gets ...", where the sentence before names the plan ("my son josh (10) has an ehcp. it says he gets")
IT_SAYS = re.compile(r"\bit (?:says|said|states|also says)\b", re.I)
PLAN_NAMED = re.compile(r"\b(?:plan|ehcp|section [a-k]\d?)\b", re.I)
LIST_ITEM = re.compile(r"\s*(?:[-•*~]|\d+[.)])\s")
# where a sentence ends: a full stop, "!" or "?" and a space (not "Mr. Smith", "Dr. Patel", "e.g. OT"), or a line break
SENTENCE_END = re.compile(r"(?<!\bMr)(?<!\bMrs)(?<!\bMs)(?<!\bDr)(?<!\bSt)(?<!\be\.g)(?<!\bi\.e)[.!?] +|\n+", re.I)


def _sentence_at(text: str, at: int) -> int:
    """Where the sentence (or line) holding `at` begins."""
    return max((m.end() for m in SENTENCE_END.finditer(text, 0, at)), default=0)


def _sentence_end(text: str, at: int, limit: int) -> int:
    """Where the sentence holding `at` ends, at most `limit`."""
    m = SENTENCE_END.search(text, at, limit)
    return m.start() if m else limit


def _framed(text: str, lo: int, end: int, at: int | None = None) -> bool:
    """The words from `lo` to `end` tell what follows as the plan's own: a plan cue, or "it says" just after a
    sentence that names the plan. Words that make it another's are looked for before the words read (`at`), not in
    them ("25 hours of 1:1 support in order to access the curriculum")."""
    if NOT_THE_PLANS.search(text, lo, at if at is not None else end):
        return False  # "The Tribunal ordered that Section F says", "I think his plan says something like"
    if m := PLAN_FRAME.search(text, lo, end):
        # "the EHCP names X and the transport letter says '...'"; "says nothing about", "that Section F be amended to"
        # "the EHCP names Oakwood School, and since 2023 he's had a taxi": a clause of its own, not the plan's words
        after = (SAYS_AFTER, CLAUSE_AFTER)
        return not (any(rx.search(text, m.end(), end) for rx in after) or NOT_IN_PLAN.search(text, m.start(), end))
    it = IT_SAYS.search(text, lo, end)
    if not it or re.search(r"\b(?:letter|report|email|review|school|they)\b", text[lo : it.start()], re.I):
        return False  # "The school sent a letter home and it says he gets"
    return bool(PLAN_NAMED.search(text, _sentence_at(text, max(lo - 1, 0)), lo))


def provision_source(extraction: Extraction) -> str:
    """Whose words the provision is: "plan" where every sentence it was read from tells it as the plan's (its own
    words, or those before it in its sentence, or the line before that ends "says:"), else "person": told in
    passing, paraphrased, or given as an answer, which a letter must not quote as the plan. A list's later items,
    one quotation, and a sentence between two places read (not in the value) ride on the first."""
    src, text, value = extraction.source("provision"), extraction.text, extraction.get("provision") or ""
    if not isinstance(src, tuple) or not EHC_NAMED.search(text):
        return "person"  # an answer to a question; or no EHC plan named ("I'm 19 and a care leaver. My plan says")
    a, b = src
    quoted = a > 0 and text[a - 1] in "'\"“‘" and b < len(text) and text[b] in "'\"”’"
    starts = [a] + ([] if quoted else [m.end() for m in SENTENCE_END.finditer(text, a, b) if m.end() < b])
    for k, at in enumerate(starts):
        end = _sentence_end(text, at, b)
        if k:  # a later sentence of the span: a list's item, or between the places read, rides on the first
            said = content_words(text[at:end])
            if LIST_ITEM.match(text, at) or len(said & content_words(value)) * 2 < len(said):
                continue
            lo = at
        else:
            lo = _sentence_at(text, at)
            up = len(text[:lo].rstrip())  # the sentence or line before, past any blank line
            before = text[_sentence_at(text, up) : lo]
            if re.search(r":\s*$", before) or (m := PLAN_FRAME.search(before)) and not before[m.end() :].strip(" \n:"):
                lo = _sentence_at(text, up)  # "Section F of his plan says, word for word:\n\n..."
        if not _framed(text, lo, end, at if k == 0 else None):
            return "person"
    return "plan"


def _said_owed(text: str, clauses: list[tuple[int, int]]) -> tuple[str, tuple[int, int], str] | None:
    """Where the reader finds no clause likely enough: a clause that says outright what is owed ("He is entitled to
    free home to school transport", "the plan provides for ..."), from after those words to the clause's end."""
    for a, b in clauses:
        cue = GETS.search(text, a, b) or PLAN_SAYS.search(text, a, b)
        if cue and PROVISION_NOUN.search(text, cue.end(), b):
            owed = _owed_words(text, cue.end(), b)
            if owed:
                return (*owed, "said")
    return None


IMPACT_CUE = re.compile(
    r"\b(regress\w*|anxious|anxiety|self[- ]harm\w*|meltdowns?|nightmares|excluded|exclusions?|isolated|depressed|"
    r"frustrated|stressed|exhausted|breaking point|breakdown|bullied|falling (further )?behind|behind|struggling|"
    r"refusing|upset|unhappy|cries|crying|lost (my job|skills|nearly|a whole)|in debt|failing|dropped|sleeping all day|"
    r"not learning|not leaving|wetting|bruised|restrained|stopped talking|deteriorated|suffering|"
    r"stuck at home|at home doing nothing|sent home|reduced timetable|leave work|cant write|can't write|cannot read|"
    r"cant read|doesnt want to go|doesn't want to go|no friends|stupid|drop out|driving her|driving him|"
    r"lost (?:\w+ ){0,3}education|hates? (school|going)|hitting|biting|hits out|lashing out|aggressive|violent|"
    r"(gone|going|went) backwards|giving up|give up (my |her |his )?(job|work)|gave up (my |her |his )?(job|work)|"
    r"given up (my |her |his )?(job|work)|reduce(d)? (my|her|his) (hours|work)|lost (my|her|his|our) (job|income)|"
    r"money is (really |so )?tight|can'?t afford|cant afford|can'?t keep up|cant keep up|falls? apart|panic attacks?|"
    r"masks|masking|lost weight|stopped eating|not eating|barely (leaves|leaving)|in (his|her|their) room all day|"
    r"lost (all )?(his|her|their) friends|tantrums|soiling|refusing school|school refus\w*|missed \d+ days|"
    r"can'?t cope|cant cope|not coping|distress(ed)?|traumati[sz]ed|scared|frightened|withdrawn|suicidal|"
    r"no agreed provision|can'?t work|cant work|sad|lonely|angry|outbursts?|not sleeping|can'?t sleep|cant sleep|"
    r"hurt (himself|herself|themselves)|hates? (himself|herself)|wants? to die|signed off|"
    r"worried sick|end of (my|our) tether|heartbroken|devastated|overwhelmed|screaming|shuts? down|shut down|"
    r"missed (months|weeks|a year|a term|most of|so much)|fallen behind|lost confidence|self[- ]esteem|in crisis|"
    r"melts? down|melting down|meltdown|terrified|petrified|burn[et] out|doesn'?t want to live|don'?t want to live|"
    r"bangs? (his|her|my) head|wets? (himself|herself|myself|the bed)|wetting the bed|bored|punished|antidepressants|"
    r"failed (a|my|his|her) \w+|lose (my|his|her) (place|job|home)|missed loads|dropped out|gaming all (day|night)|"
    r"won'?t come out of (his|her|their) room|wont come out of (his|her|their) room|sleeping till|barely speaks|"
    r"not speaking|lost contact|sending (him|her) home|(his|her|their) hopes up|chewing|hides (in|under|away)|cried|"
    r"not wanting to see anyone|not reading|no bed|no cooker|no furniture|(used|using) (all )?(my|our) (annual )?leave|"
    r"missing work|cant go back to work|can'?t go back to work|choose between|ran away|run(ning)? off|"
    r"r[au]n out of (the )?(school|house|class)|no words|thick|"
    # harm said in general words, not a list of the tuning stories' own: getting worse, losing ground, worn down,
    # health, money and work, and "it has had a huge impact on ..."
    r"(got|getting|gotten|grown|become) (much |a lot |far |even )?(worse|harder)|worsen\w*|declin(ed|ing)|"
    r"deteriorat\w*|losing (skills|ground|confidence|weight|sleep)|lost (skills|ground|weight|sleep|progress)|"
    r"no progress|not (made|making) (any )?progress|(worn|burnt|burned) out|tired all the time|"
    r"under (huge |so much |a lot of )?(strain|pressure)|strain on|unpaid leave|time off work|off work|"
    r"(my|her|his|our|their) (mental )?health (has|is)|seizures|(ended up|been|admitted|taken) (in|to) (hospital|a&e)|"
    r"crisis team|"
    r"attendance (has|is|dropped|fell)|(huge|big|massive|serious|terrible|devastating|real|significant|awful) "
    r"(impact|effect|toll)|(impact|effect|toll) (on|it has)|affected (him|her|them|us|me|our|his|her)|"
    r"isolat\w*|withdrawn|lonel\w+|miserable|confidence (is|has)|rock bottom|"
    # a change in the person: "he's started running away", "she's stopped going to football", "keeps asking when",
    # "he can't hold a pencil", "gone from talking in sentences to barely speaking"
    r"(started|begun|began) (running|asking|skipping|refusing|hitting|biting|hurting|scratching|pulling|picking|"
    r"wetting|soiling|crying|screaming|shouting|hiding|staying|sleeping|saying|talking about|self)\w*|"
    r"(has|have|'s|'ve) stopped (going|eating|sleeping|talking|speaking|messaging|seeing|leaving|playing|reading|"
    r"writing|walking|wanting|coming out|trying|attending|swimming)|keeps? (asking|crying|saying (she|he)|falling)|"
    r"(can'?t|cant|cannot|can no longer|unable to|no longer able to) (hold|manage|walk|write|read|speak|sleep|eat|"
    r"keep (up|a job|going)|concentrate|climb|use|leave|dress|wash|get (out|up|dressed))|gone from \w+|barely \w+ing|"
    r"in (more |constant |so much )?pain|stiff(er)?|falling over|injur\w*|clingy|won'?t (sleep|eat|talk|leave|go)|"
    r"screams?|running on empty|savings|loan|overdraft|arrears|debt|food ?bank|sofa surfing|homeless|evicted|hostel|"
    r"sleeping rough|(the one thing|everything) (he|she|they) loved?|(he|she|they) loved|"
    r"(leave|left|leaving) (my |work |the )?(shift|work|job) early|(manager|employer|boss)\b[^.!?\n]{0,30}\bwarning|"
    r"gone down to \d+ days|missing overnight|running away|ran away|"
    # more of the same, from the blind-written tuning stories s154-s203: what the family gave up, the child's withdrawal
    r"had to (take on|drop|cut|give up|stop|cancel|leave|borrow|use|sell)|(gone|went|going) (completely )?into (him|her|them)sel\w+|"
    r"not left the house|laughed at|teased|picked up by (the )?police|spent (over |more than )?£|cost (me|us)|"
    r"(mini[- ])?stroke|heart attack|failed (two|three|\d+|a|my|his|her) \w+|missing (school|clubs|college|lessons|out)|"
    r"lost (many|\d+|so many) hours|stopped contributing|forgetting|headaches|nowhere to)\b",
    re.I,
)
# the loss of schooling is often the complaint itself ("D has had no education since July"): a sentence saying how it
# has hurt the child or family comes first, one of these only when there is none
SCHOOLING_LOSS = re.compile(
    r"\b(excluded|exclusions?|falling (further )?behind|behind|fallen behind|sent home|reduced timetable|stuck at home|"
    r"at home doing nothing|lost (?:\w+ ){0,3}education|missed \d+ days|missed (months|weeks|a year|a term|most of|so much)|"
    r"no agreed provision|driving her|driving him|failing|dropped|not learning)\b",
    re.I,
)

# a condition named, not a harm done: "he's got autism and anxiety" (on the tuning stories it was taken for the impact)
DIAGNOSIS = re.compile(
    r"\b(got|has|have|with|diagnosed with|and|suffers from|confirms|confirmed|is)\s+(\w+\s+and\s+)?(anxiety)\b", re.I
)
WANTS = re.compile(r"\s*(i|we|they|the family)\b.{0,20}\b(want|would like|seek)\b", re.I)


IMPACT_LABEL = re.compile(
    r"^[\s•*\-–]*(?:impact|the impact|impact on (?:\w+ ){0,3}|effect on (?:\w+ ){0,3}|how (?:it|this) (?:has )?affect(?:s|ed) (?:\w+ ){0,3})\s*[:\-–]",
    re.I | re.M,
)


def _impact(text: str, reader: readers.Reader | None = None) -> tuple[str, tuple[int, int]] | None:
    """How it has hurt the child or family: the clauses the impact reader finds most likely to say it, in up to two
    places (the harm to the child often told in one, the harm to the family in another). Rules that took the first one
    or two sentences saying a harm read 0.87 / 0.80 on the tuning stories they were written from and 0.65 / 0.65 on
    s554-s578, a batch aimed at impact, read unseen; the reader, trained on s01-s503 only, read that batch at
    1.00 / 1.00 (23 of 23; its answers a median 33 words against the gold's 37, 98% of their content words the gold's)
    and cross-validates at 0.99 / 0.98 on the 491 tuning stories (0.98 / 0.98 on 591 and on 691)."""
    reader = reader or readers.load("impact")
    pieces = []
    clauses = _clauses(text)
    for a, b in _regions(text, clauses, reader, most=IMPACT_PLACES):
        # not a condition named before the harm: "hes got autism and anxiety. he just stays in his room all day now"
        inside = [c for c in clauses if a <= c[0] and c[1] <= b]
        while len(inside) > 1 and _only_condition(text[inside[0][0] : inside[0][1]]):
            inside.pop(0)
        a, b = _trim(text, inside[0][0] if inside else a, b)
        lead = IMPACT_LEAD.match(text, a, b)
        a = lead.end() if lead else a
        while b > a and text[b - 1] in TRIM:
            b -= 1
        if b > a:
            pieces.append((a, b))
    if not pieces:
        return None
    return " ".join(text[a:b] for a, b in pieces), (pieces[0][0], pieces[-1][1])


def _only_condition(clause: str) -> bool:
    """A clause that names a condition ("he's got autism and anxiety") and no harm besides."""
    return bool(DIAGNOSIS.search(clause)) and not any(
        m.group(0).lower() not in ("anxiety", "anxious") for m in IMPACT_CUE.finditer(clause)
    )


# how many places a harm is told in that are read (the child's in one, the family's in another)
# (cross-validated on the 491 tuning stories: one place 0.975 / 0.971, two 0.986 / 0.982)
IMPACT_PLACES = 2
# what may come before the harm in its clause: "and", "• Impact:", a condition named first ("hes got autism and
# anxiety. he just stays in his room")
IMPACT_LEAD = re.compile(
    r"(?:[\s•*\-–]*(?:impact|the impact|impact on (?:\w+ ){0,3}|effect on (?:\w+ ){0,3})\s*[:\-–]\s*)?"
    r"(?:(?:and|but|so|also|plus)\s+)?",
    re.I,
)


OUTCOME_CUE = re.compile(
    r"\b(i|we|they|the family|the parents)? ?(want|would like|'d like|wish|need|seek|am asking|are asking|ask)\b"
    r"(?! to (complain|go to the ombudsman))[^.!?\n]{3,}",
    re.I,
)
OUTCOME_HEAD = re.compile(
    r"\s*(?:i|we|they|the family|the parents)? ?(?:really )?(?:would like|'d like|wants|want|wish|need|seeks|seek|"
    r"(?:am|are|'m|'re) asking for(?: is)?|am asking|ask)"
    r"(?: (?:for|that))?(?: (?:the council|them|it) to)?(?: to)?\s+",
    re.I,
)


OUTCOME_LABEL = re.compile(
    r"^[\s•*\-–]*(?:outcome sought|outcomes? wanted|desired outcome|remedy sought|outcome|what (?:i|we|the family|they) "
    r"(?:want|would like|are asking for|am asking for)|what (?:i|we) want)(?: per \w+)?\s*:\s*",
    re.I | re.M,
)
# a heading in a note, a form or a letter, numbered or not, with what is wanted after it or on the next line: "Outcome
# sought by complainant:", "6. Outcome sought", "Family's desired outcome:", "5. Remedy sought.", "What I'm asking:"
OUTCOME_HEADING = re.compile(
    r"(?:^|(?<=[.!?] ))[ \t•*\-–]*(?:\d+(?:\.\d+)?\.? +)?(?:(?:outcomes?|remed(?:y|ies)|what is|what's) (?:sought|requested|wanted)"
    r"|(?:[\w']+ )?desired outcome|what (?:i'm|we're|i am|we are|they are|she is|he is) asking(?: for)?"
    # "What I'm after:", "Bottom line:", "Asking for:", "Requested outcome:", "Mother asks:" (with a colon only)
    r"|what (?:i'm|im|we're|i am|we are) after(?=:)|bottom line(?=:)|asking for(?=:)|requested outcomes?(?=:)|"
    r"(?:mother|father|mum|dad|she|he|they|the family|the parents) asks(?=:)"
    # a form's or a letter's own heading: "What I want from stage 2", "What would you like the council to do?", "What
    # outcome are you looking for?"
    r"|what (?:i|we) want(?: from (?:the )?[\w ]{1,20}?)?|what (?:would you like|do you think|do you want) (?:the council|them|us) "
    r"(?:to do|should do|to put right)\??|what outcome (?:are you|do you|would you) (?:looking for|want|seek|like)\??)"
    r"(?: (?:by|from|per) (?:the )?[\w' ]{1,25}?)?(?:[ \t]*[:.][ \t]*(?=\S)|[ \t]*[:.]?[ \t]*\n\s*)",
    re.I | re.M,
)
# what is wanted, said at the start of a sentence: "Mother requests payments restarted", "D asks that the allowance
# is paid", "We are seeking a school place", "All I'm asking is for the 25 hours", "What would help is a social
# worker", "Looking for the provision to be put back", "Need the payments sorted", "Hoping the ombudsman will make
# them issue the plan", "Can someone make them give me a PA", "Please just put the taxi back"
WISH_OPENING = re.compile(
    r"[\s•*\-–]*(?:\d+\. )?(?:(?:so|and|but|honestly|really|please),? )?(?:(?:i|we|they|she|he|mum|dad|mother|father|the family|the parents|"
    r"parents?|our client|my client|[A-Z][a-z]+|[A-Z])(?: (?:is|are|am|would|'m|'re))? )?"
    r"(?:requests?:?|asks? that|asks?(?= the council\b)|asking (?:for|that|to)|seeking|ask (?:for|that)|"
    r"(?:all (?:i'm|im|we're|i am|we are) asking (?:is(?: for)?|for is))|what would help is|"
    # a letter's request: "I ask you to issue the amended plan", "We ask the Ombudsman to ...", "We are asking Notts to
    # fund ...", "The MP would be grateful if the council could confirm ...", "Please could you ask the council to ..."
    r"ask (?:you|the ombudsman|the council|the lgsco) to|(?:is|are|am|'m|'re) asking [A-Z]\w+ to|"
    r"would be grateful if the council (?:could|would)|would be grateful if you could press|"
    r"could you (?:please )?ask (?:the council|them) to|looking for(?! (?:some )?(?:advice|help|guidance))|"
    r"hoping (?:the \w+|they|you) (?:will|can|would)|(?:can|could) (?:someone|you|they|i) (?:please )?(?:just )?"
    r"(?:make them|help me (?:to )?get|press)|(?:the |\w+ )?council needs? to|(?:really |just )?need(?! (?:help|advice|to|a break|some sleep|some rest|someone to (?:listen|talk))\b)|"
    r"please(?: just| can| could you| can you)?(?= \w+ (?:the|my|his|her|them|a|an|us|back|me|our)\b)|"
    # "Can they please pay for the nursery place", "I expect the draft and final plan issued", "She is requesting that
    # the sessions are commissioned", "we invite the Council to confirm", "I am asking the Ombudsman to find"
    r"(?:can|could) (?:they|you|the council) please|(?:i|we) expect(?= (?:the council|you|them|\w+ council) to\b(?! do nothing)|"
    r" (?:the|a|an|my|his|her|their|our) (?:\w+ ){1,4}(?:to be|issued|restored|reinstated|paid|delivered|put back|arranged|"
    r"named|made up|completed|back)\b)|requesting(?: that)?|invite (?:the council|you) to|"
    r"(?:is|are|am|'m|'re) asking (?:the ombudsman|the council|the lgsco|you|them) to|"
    r"would be grateful if (?:you|the council|the ombudsman) (?:could|would)(?: please| kindly)?)"
    r"(?: (?:you|them) to)?\s+"
    # not a letter's routine close: "I would be grateful if you could acknowledge receipt", "I ask you to treat this as a
    # formal complaint", "could you ask them to ring me", "Please tell me what I can do" (advice asked for)
    r"(?!acknowledge|respond|reply|note\b|treat this|ring me|call me|contact me|email me|tell me|let me know|advise|"
    r"confirm (?:you|receipt|that you|the receipt)|forward|pass (?:this|it) on|send me)",
    re.I,
)


def _outcome(text: str) -> tuple[str, tuple[int, int]] | None:
    label = None
    for cand in (*OUTCOME_LABEL.finditer(text), *OUTCOME_HEADING.finditer(text)):
        after = text[cand.end() :]
        if re.match(r"\s*(?:\d+\.\s*)?(?:i|we) (?:want|would like|'d like|ask|need)\b", after, re.I):
            break  # "WHAT I WANT\nI want to go to stage 2. I want the therapy back": the sentences say it
        if re.match(
            r"\s*(?:(?:i|we|they|she|he) (?:have|has|had|'ve|was|were|emailed|rang|phoned|called|sent)\b|(?:why|how|"
            r"when|who|where|whether)\b)",
            after,
            re.I,
        ):
            continue  # "Bottom line: I have emailed 14 times", "Mother asks: why has no one called her back"
        label = cand
        break
    if label:  # "Outcome sought: a tutor in place immediately, ..." (a heading in a note or a form)
        start = label.end() + len(re.match(r"\s*(?:\d+\.\s+)?", text[label.end() :]).group(0))  # "5. We ask ..."
        listed = re.match(r"(?:[ \t]*[•*\-–][^\n]+(?:\n|$))+", text[start:])  # "- reinstate the taxi\n- pay back ..."
        end = re.search(r"\n|(?<=[.!?])\s", text[start:])
        span = _trim(text, start, start + (listed.end() if listed else end.start() if end else len(text) - start))
        if span[1] > span[0]:
            return text[span[0] : span[1]].rstrip("."), span
    hits = []
    for s in _sentences(text):
        piece = text[s[0] : s[1]]
        for m in re.finditer(
            r"\b(?:i|we|the family|the parents)? ?(?:really )?(?:want|wants|would like|'d like|seeks?|am asking for|are asking for"
            r"|'m asking for|'re asking for)\b",
            piece,
            re.I,
        ):
            rest = piece[m.start() :]
            if re.match(r"\S+ ?(?:want|would like|'d like) to (complain|know where|make)", rest, re.I):
                continue
            hits.append((s[0] + m.start(), s[1]))
            break
        else:
            opening = WISH_OPENING.match(piece)
            if opening and len(piece[opening.end() :].split()) >= 2:
                hits.append((s[0] + opening.end(), s[1]))
    if not hits:
        m = re.search(r"\b(?:i|we) (?:really )?need (?:him|her|them|the council|[A-Z][a-z]+) [^.!?\n]+", text, re.I)
        if not m:
            return None
        hits = [m.span()]
    start, end = hits[-1]  # what they want is usually said last
    head = OUTCOME_HEAD.match(text, start)
    if head:
        start = head.end()
    return text[start:end].strip(), (start, end)


CONTACT_CUE = re.compile(
    r"\b(emailed|e-mailed|email(ed)? (on|in)|sent an email|rang|phoned|called (the|them|him|her|social|children)|wrote to|written to|spoke to|spoken to|"
    r"met with|contacted|chased|complained|complaint (on|was made|made)|made a (formal |stage (1|one) )?complaint|"
    r"replied|responded|requested stage|asked for stage|appealed|asked (\w+ ){0,3}for (an? )?(ehc|ehcp|needs|transport|assessment)|"
    r"applied|messaged|told the|ignored my|(?:my|our) (?:emails|calls|letters)|called back|rang back|"
    r"answered|wrote back|got a (?:reply|response)|stage (?:1|one|2|two) (?:reply|response)|asked for (?:it to go to )?stage|"
    r"left (?:a )?voicemails?|(?:went|gone) to the (?:ombudsman|lgsco|lgo)|complaint received|"
    r"put (?:a|my|our|the) (?:formal )?complaint in|complaint (?:went|has gone|was put) in|complaint logged|complain (?:on|in)|"
    r"stage (?:1|one|2|two|3|three) (?:complaint )?(?:letter|answer|made|requested|response|reply)|asking for stage|"
    r"asked for (?:a |an )?(?:stage|escalation)|panel (?:met|hearing)|adjudication letter|"
    r"(?:went|gone|go) straight to the (?:ombudsman|lgsco|lgo)|sent (?:it|this|everything)(?: all)? to the (?:ombudsman|lgsco|lgo)|"
    r"(?:went|gone|moved) to stage|(?:ombudsman|lgsco|lgo) accepted|raised it (?:at|with)|brought it up (?:at (?:his|her|their|the) (?:\w+ )?(?:annual review|review|meeting)|with (?:the|his|her|my|our) (?:\w+ )?(?:social worker|iro|caseworker|case worker|sen officer|sen team|council))|reported (?:it |this )?to (?:the|his|her|my|our) (?:\w+ )?(?:team|officer|council|social worker)(?! at (?:the )?school)|sent an acknowledgement|"
    r"got an? (?:email|letter)|a letter saying)\b",
    re.I,
)
# a contact in general words: a way of getting in touch (each verb in its forms) with someone on the council's side
# or said by the person ("I texted the social worker twice", "we had a meeting with the SENCO", "the caseworker told
# me on 3 May"), rather than only the phrases the tuning stories use
PERSON_SIDE = r"(?:i|we|mum|dad|mother|father|parents?|the family|my (?:husband|wife|partner|mum|dad))"
COUNCIL_SIDE = (
    r"(?:they|the council|the la|the local authority|(?:the|her|his|my|our|a) (?:\w+ ){0,2}(?:case ?worker|officer|manager|"
    r"team|worker|director|head of \w+|coordinator|co-ordinator)|the head of \w+|\w+ council)"
)
CONTACT_VERB = re.compile(
    rf"\b{PERSON_SIDE}(?:'ve| have| had| then| also| even| already| finally| eventually| \w+ly){{0,2}} "
    r"(?:e-?mailed|(?:tele)?phoned|rang|called|wrote|texted|messaged|met|spoke|talked|told|raised|chased|followed (?:it )?up|"
    r"asked|requested|applied|filled in|submitted|lodged|appealed|sent|contacted|visited|attended (?:a|the) (?:\w+ )?meeting|"
    r"went to see|left (?:a |an )?(?:\w+ )?(?:message|voicemail)s?|been (?:ringing|phoning|calling|emailing|chasing|writing))\b"
    rf"|\b{COUNCIL_SIDE} (?:\w+ )?(?:e-?mailed|(?:tele)?phoned|rang|called|wrote|texted|messaged|told|replied|responded|"
    r"answered|got back|came back|sent)(?: (?:me|us|back|to (?:me|us)))\b"
    r"|\b(?:had|have had|at|in) (?:a|an|the) (?:\w+ )?meeting with\b",
    re.I,
)


def _contact_said(clause: str) -> bool:
    """A clause that tells of a contact: a known phrase (CONTACT_CUE), or a way of getting in touch with a party."""
    if CONTACT_CUE.search(clause):
        return True
    return bool(CONTACT_VERB.search(clause))


# a contact said as not made: "I haven't complained formally yet"
NOT_DONE = re.compile(
    r"\b(haven'?t|havent|hasn'?t|hasnt|have not|has not|not yet|not|never|no one'?s|nobody'?s|no one|nobody|noone)"
    r"(\s+\w+){0,2}\s+(made|complained|contacted|emailed|phoned|rang|written|wrote|replied|had|asked|put|called|rung|"
    r"responded|got back|been in touch)\b",
    re.I,
)
# a contact meant, not made: "I'm going to the ombudsman next", "thinking of going to the ombudsman"
INTENT = re.compile(
    r"\b(i'?m|im|i am|we'?re|we are) (going|thinking|planning|about) (to|of)\b|\bthinking of\b|\bplan(ning)? to\b"
    r"|\b(i|we)(?: will|'ll) (go|complain|contact|write|take)\b",
    re.I,
)
# "she's not answered my texts": the texts were sent, so it is a contact even so
MY_MESSAGES = re.compile(r"\b(my|our) (texts|emails|calls|letters|messages|voicemails)\b", re.I)
# a contact in other words: a form's line ("Formal complaint: sent by email 14/10/26", "Stage 2: asked for ..."), a
# complaint step said as it came ("Stage one came back on 30 September", "it's gone to the second stage"), a reply had,
# the Ombudsman approached in any words, a refusal with its date
MORE_CONTACT = re.compile(
    r"\b(formal |stage (1|one|2|two) )?complaint\s*:|\bstage (1|one|2|two)\s*:|\b(auto|automatic|holding) (reply|response)"
    r"|\b(stage (1|one|2|two)|first stage|second stage)\b[^.!?\n,;]{0,25}?\b(came|said|apologised|upheld|reply|response|"
    r"letter|answer|asked|requested|escalat\w*)\b|\b(gone|went|moved|go) (on )?to the (second|next) stage\b"
    r"|\b(had|got|received) (a|an|one|two|\w+) (\w+ )?(reply|response|email|letter|call|phone call|text|message)\b"
    r"|\b(been|went|gone|sent \w+|submitted \w*|referred \w*|complained) to the (local government (and social care )?)?"
    r"(ombudsman|lgsco|lgo)\b|\bcomplaint\b[^.!?\n,;]{0,30}\b(was|went|dated)\b[^.!?\n,;]{0,6}\d"
    r"|\brefused\b(?=[^.!?\n]{0,12}\d)|\b(i|we) (\w+ and )?(signed|sent) (it|them|the \w+) back\b",
    re.I,
)


# more ways a contact is said, without a subject or with the council's side acting: "texted the duty number",
# "left messages for the team manager", "Complaint submitted via the online form", "put it to stage 2", "asked for a
# review", "requested an ehcna", an officer's "Call from mother", "refusal letter came 28 April", "The director wrote
# on 1/10", "Panel sat on 13th November", "went in to County Offices"
OTHER_CONTACT = re.compile(
    r"\b(texted|left (a )?messages?|submitted|put (it|this|my complaint|the complaint|a complaint|our complaint) (in|to)|"
    r"spoke to|went (in )?to (the|county|council) offices?|went to the office|referred (it |this )?to the (ombudsman|lgsco|lgo)|"
    r"asked for (a|an|the) (review|reconsideration|stage \w+ appeal|appeal|\w+ panel)|requested an? (ehcna|ehc|needs|assessment)|"
    r"call from (the )?(mother|father|mum|dad|parents?|carer)|(i'?ve|i have|we'?ve|we have) rung|"
    r"(automatic|auto)[- ]?(acknowledgement|reply|response)|acknowledgement (email|letter)|refusal letter|"
    r"(they|director|manager|officer|caseworker|council) wrote (on|to)|said no on|panel (sat|met)|had a meeting|"
    r"meeting with [^.!?\n]{0,40}took place|logged every|chase[ds]? the (caseworker|case officer|officer|team)|"
    # an acknowledgement had; "This is what came back on 30 September"
    r"(got|had|received) (an? |their )?acknowledg\w+|acknowledged (it|my|our|the)|came back (on|in)|signed the|"
    r"did (a|my) complaint|"
    # round 19 (read unseen): "i ring and leave messages", "left a voicemail for the case worker", "ive been chasing
    # calderdale for ages"
    r"(?:leave|leaving|left) (?:a |loads of |lots of |\d+ )?(?:messages?|voicemails?)\b|"
    r"(?:been|keep|kept) chasing (?:the council|the (?:sen|send|transport|sgo|finance|leaving care|social care|"
    r"children'?s services|direct payments?) team|(?:his|her|my|the) (?:social worker|case ?worker|case officer|sen officer)|"
    + _AUTH_RE
    + r")\b|"
    # emails counted: "sent 4 emails to her caseworker", "bristol have ignored 6 emails", "3 emails no reply"
    r"(?:(?:i|we|i'?ve|we'?ve|i have|we have)\s+(?:sent|written|wrote)|(?:have|has) ignored|^\W*sent) "
    r"(?:\d+|two|three|four|five|six|seven|eight|several|loads of|lots of|countless) (?:e-?mails|letters)\b"
    r"|^\W*\d+ e-?mails\b(?! from)|"
    # an offer made to the family: "He's been offered 2 hours a week tutoring", "they offered 5 hours a week online"
    r"(?<!school )(?<!college )(?:been|has|have|'ve|they|council|then|since|also|and) offered (?:me|us|him|her|them|an? |\d+ |one |two |three |"
    r"four |five |six |ten )|(?:they|council) (?:are|were|'re) offering (?:me|us|him|her|them|an? |\d+ )|"
    r"sent (it|this|everything)( all)? to the (local government (and social care )?)?(ombudsman|lgsco|lgo)|"
    r"(it'?s|its) with the (local government (and social care )?)?(ombudsman|lgsco|lgo)|"
    # a visit: "went to the leaving care office in person", "went to see the head", "been to my councillor's surgery"
    r"(?:went|been|gone|(?:i|we) go) (?:in )?to (?:see )?(?:the|my|our|his|her) (?:\w+ ){0,2}(?:offices?|head|councillor|mp|surgery)|"
    r"got (?:stage (?:1|2|one|two)|(?:a|an|the|their) (?:reply|response|letter|answer|email)) back|got (?:an|the) answer|"
    r"got a reference|(?:they|council) turned (?:it |us |him |her )?down|"
    # in everyday words: "i text her loads", "went down to the council offices", "turned up at the civic centre",
    # "kept ringing childrens services", "sent letters recorded delivery", "got two replies", "asked notts for stage 2"
    r"text(?:ed)? (?:her|them) (?:loads|again|twice|lots|many|every)|"
    r"(?:went|go|going) (?:down |in |over |up )?to the (?:council (?:offices?|building|reception)|civic centre|town hall)|"
    r"turned up at the (?:council|civic|town hall|office)|"
    r"kept (?:ringing|calling|phoning|emailing|chasing|writing)(?: to)? (?:the|them|her|his|social|sen|send|children\w*|council)|"
    r"sent (?:emails|letters|an? letter)(?! home)|"
    r"(?:got|had|received) (?:two|three|four|\d+|one|a few|some) (?:\w+ )?(?:replies|responses|emails|letters)|"
    r"asked \w+ for stage (?:2|two)|wrote (?:a |an )?(?:letter|email|complaint)|"
    r"(?:i|we) (?:call|leave (?:a )?messages?|go to the (?:council|office|town hall|civic)|fill (?:and give|it|the form))\b|"
    r"they (?:send|answer|reply) (?:me|us|email|letter|a letter)|"
    # as people write it in a second language: "I email the SEN officer", "I call the SENAR team many times"
    r"(i|we) (email|call|ring|phone|send|write|complain|ask) (the|my|to|formal|them|her|him|stage|email)|(i|we) make (a )?complaint)\b",
    re.I,
)


# the same events said in other words (before timeline.EVENT_CUES, which a story's wording often misses)
MORE_EVENT_CUES: list[tuple[str, str]] = [
    (
        "stage2_response",
        r"stage (2|two) (complaint )?(response|reply|decision|answer|outcome|report)|\bfinal (response|reply)\b|adjudication"
        r"|stage (2|two) \((letter|response|reply|report) dated|\(stage (2|two)\) (was )?dated"
        r"|second stage (reply|response|came|said)|(stage (2|two)|second stage) (came|said|apologised|upheld|agreed)"
        r"|stage (2|two)\s*[:\-–][^,]*, (reply|response)"
        # "stage 2 on 30/09/2026 said the same", "the stage 2 letter came on", "the independent investigator's report came"
        r"|^\W*stage (2|two) (on|\d|\()|\bstage (2|two) (letter|investigation report)\b|\binvestigator'?s report (came|on|dated)"
        # "the stage 2 investigator found in our favour on 2 September", "went to stage 2, that reply came on 22 July",
        # "Stage 2 Adjudication. Date: 13 November 2026", "the final letter on 3 March 2026"
        r"|stage (2|two) investigator (found|upheld|agreed|said)|\bstage (2|two)\b[^.;]{0,20}\b(reply|response|letter) came"
        r"|stage (2|two) adjudication|\bthe final letter\b",
    ),
    (
        "stage1_response",
        r"stage (1|one) (complaint )?(response|reply|decision|letter|answer|outcome)|stage (1|one),? (came )?back"
        r"|stage (1|one) \((letter|response|reply) dated|(answer|response|reply|letter) (from|for|to) stage (1|one)"
        r"|(stage (1|one)|first stage) (came|said|apologised|upheld|agreed|blamed)"
        # "got stage 1 on 11/08/2026", "Complained 3/6/26, stage 1 5/7/26", "Stage 1 (17 July) partially upheld"
        r"|^\W*(got )?stage (1|one) (on|\d|\()|\bat stage (1|one) \((letter|reply|response) (of|dated)",
    ),
    (
        "stage2_requested",
        r"stage (2|two) (was )?requested|asking for stage (2|two)|escalation to stage (2|two)|requested (a |the )?stage (2|two)"
        r"|stage (2|two) asked|\bask(ed)? (for )?stage (2|two)|(move|moved|take|took|put) (it |my complaint )?(on )?to stage (2|two)"
        r"|\b(went|go|gone) to stage (2|two)|escalated (it )?to stage (2|two)|\bask(ed)? (for )?(the )?(second|next) stage"
        r"|stage (2|two)\s*[:\-–]\s*asked for|\bask(ed)? (them|the council) (for )?stage (2|two)"
        r"|\bput in for stage (2|two)|\bstage (2|two)\s*[:\-–]\s*asked\b|\brequest stage (2|two)\b[^.;]{0,10}\bi did so\b",
    ),
    (
        "complaint_made",
        r"complaint (went|has gone|was put) in|put (a|my|our|the) (formal )?complaint in|complaint logged"
        r"|stage (1|one) (complaint )?made|\bcomplain (on|in)\b|\bcomplain\w*\s*\??\s*[:\-–]\s*yes\b"
        r"|\bcomplaint was (first )?made\b",
    ),
    ("decision_to_assess", r"agreed?\b[^,.;]{0,25}\bto assess|\byes\b[^,.;]{0,20}\bwill assess"),
    ("tribunal_order", r"\border (dated|of the (first-tier )?tribunal)|\btribunal\b[^,.;]{0,20}\bordered\b"),
    (
        "final_plan",
        r"finali[sz]ed the (amended )?(ehc )?plan|\bgot (his|her|their|the|my) (amended |final )?(ehcp|ehc plan|plan) on",
    ),
    (
        "review_meeting",
        r"\b(transfer |emergency |phase transfer )?review (meeting )?(was )?(held|on)\b|\b(last )?reviewed on\b|\breview \(held",
    ),
]


STAGE2_ASKED = dict(MORE_EVENT_CUES)["stage2_requested"]


def _event_cue(words: str) -> tuple[str, int] | None:
    """The first event (MORE_EVENT_CUES, then timeline.EVENT_CUES) the words name, and where its cue starts."""
    for name, cue in [*MORE_EVENT_CUES, *EVENT_CUES]:
        if m := re.search(cue, words, re.I):
            return name, m.start()
    return None


def _events(text: str, today: date) -> tuple[list[Found], dict[str, Found]]:
    """The contacts (each clause naming one, with its date if it has one) and the named dates (a clause holding one
    date, named by `timeline.EVENT_CUES`; a bare reply after a complaint is that stage's reply)."""
    contacts: list[Found] = []
    dates: dict[str, Found] = {}
    last = None
    sentences = _sentences(text)
    clauses = _clauses(text)
    for i, s in enumerate(clauses):
        prev = clauses[i - 1] if i else None
        clause = text[s[0] : s[1]]
        sentence = next((text[a:b] for a, b in sentences if a <= s[0] < b), clause)
        days = [  # a day to come, or one promised ("would reply by 16 November"), is a deadline, not an event
            (d, m.span())
            for m in DAY_MONTH.finditer(clause)
            if (d := _day(m, today)) and d <= today and not BY_DAY.search(clause[: m.start()])
        ]
        dated_reply = days and re.search(r"\b(response|reply)\b", clause, re.I)
        # what the person wants ("I want a reply"), not what the council said it wants ("saying they want to cease")
        wish = re.search(
            r"^(\w+ ){0,3}?(want|would like|seek)\b|\b(i|we|i'd|we'd)\b[^,.;]{0,20}\b(want|would like|seek)\b",
            clause,
            re.I,
        )
        # the clause opens a timeline's line ("- 8 Sept: emailed the SEN casework officer")
        line_start = text.rfind("\n", 0, s[0]) + 1
        head = TIMELINE_LINE.match(text, line_start) if s[0] == _trim(text, line_start, s[1])[0] else None
        timeline = head and any(_day(d, today) for d in DAY_MONTH.finditer(head.group(0)))
        said = (
            _contact_said(clause)
            or MORE_CONTACT.search(clause)
            or ((oc := OTHER_CONTACT.search(clause)) and not _others_offer(clause, oc))
            or dated_reply
            or (days and DATED_CONTACT.search(clause) and not REVIEW_ONLY.search(clause))
            or timeline
            or (
                (cs := COUNCIL_SAID.search(clause))
                and not DOCUMENT_WORD.search(clause[: cs.start()])
                and not _not_councils_team(clause, cs)
            )
        )
        intent = INTENT.search(clause)
        # "I emailed the SEN team on 2 October and nobody replied": the council's silence does not undo the email
        silence = re.search(r"\s(?:and|but)\s+(?=(?:nobody|no one|noone|they)\b)", clause, re.I)
        negated = clause[: silence.start()] if silence and _contact_said(clause[: silence.start()]) else clause
        # a question is not a contact made: "Should I email the SEN team?", "How can I make a complaint?"
        question = clause.rstrip().endswith("?") or re.match(
            r"\s*(should|can|could|shall|how|do|does|is|are|will|would)\b", clause, re.I
        )
        if (
            said
            and not wish
            and not intent
            and not question
            and (not NOT_DONE.search(negated) or MY_MESSAGES.search(clause))
        ):
            lead = re.match(r"(?:and|but|so|then)\s+", clause, re.I)
            start, end = s[0] + (lead.end() if lead else 0), s[1]
            nxt = clauses[i + 1] if i + 1 < len(clauses) else None
            if nxt and re.fullmatch(r"[\s,]*", text[end : nxt[0]]) and SAYING.match(text, nxt[0]):
                end = nxt[1]  # "they wrote back on 16 october and said the plan would be done in 'the coming weeks'"
            contacts.append(Found(text[start:end], (start, end)))
        if not days:
            # a step told with no day still says what a later reply answers ("I ask second stage in may, answer
            # come 20 July")
            meant = (
                INTENT.search(clause)
                or question
                or re.search(r"\b(might|if|should|could|would|'ll|will)\b", clause, re.I)
            )
            if re.search(STAGE2_ASKED, clause, re.I) and not NOT_DONE.search(clause) and not meant:
                last = "stage2_requested"
            elif last is None and re.search(r"\bcomplain", clause, re.I) and said and not NOT_DONE.search(clause):
                last = "complaint_made"
            continue
        if NOT_YET.search(clause[: days[0][1][1] + 10]):
            continue
        nxt = clauses[i + 1] if i + 1 < len(clauses) else None
        bare = re.fullmatch(r"(?:(?:that|this|it) was )?(?:on|dated|in)\s+\S+(?:\s+\S+){0,3}", clause.strip(), re.I)
        if (
            bare
            and nxt
            and any(a == s[0] for a, _ in sentences)
            and nxt[0] < next((b for a, b in sentences if a == s[0]), 0)
        ):
            clause = f"{clause}, {text[nxt[0] : nxt[1]]}"  # "On 1st October, I sent in a request for an assessment"
        elif (bare or re.match(r"(?:which|that)\b", clause.strip(), re.I)) and prev:
            # "we asked the council for an assessment, on 10 March 2025"; "my complaint, which I sent on 29 September"
            clause = f"{text[prev[0] : prev[1]]}, {clause}"
        cue_at = _event_cue(clause)
        name = cue_at[0] if cue_at else None
        if HEADER_DATE.match(clause):  # "Sent: 16 November 2026" in a pasted email: what its other lines say
            name = _header_event(text, s, last)
        reply_at = REPLY_AFTER.search(clause) if last in REPLY_TO else None
        if reply_at and NOT_COUNCIL.search(clause):
            reply_at = None  # "The head answered us on 2 October", "a letter on 2 October from the school"
        if name and cue_at and reply_at and reply_at.start() < cue_at[1] and not name.startswith("stage"):
            name = None  # "they replied on 3 November saying the plan was issued 'within a reasonable timeframe'"
        if name == "decision_letter":
            name = None  # "refused" next to a date is usually the request's date, not the decision's
        if name == "review_meeting" and re.search(
            r"\b(lac|cla|cin|child in need|looked after|care plan|pathway plan|iro|statutory|complaints?)\s+review|review panel",
            clause,
            re.I,
        ):
            name = None  # only an EHC plan's annual or transfer review has this key, not a looked-after child's
        # "still waiting for the stage 1 response to my complaint of 3 June": the day is the complaint's
        if name in ("stage1_response", "stage2_response") and WAITING.search(clause):
            name = None
        if name in (None, "referral", "provision_restarted") and reply_at:
            name = REPLY_TO[last]  # "they wrote back on 14 August saying the referral is allocated": the reply
        if (
            name is None
            and re.search(r"\bcomplain(ed|ts?)?\b", clause, re.I)
            and not re.search(r"complain\w*[^,.;]{0,15}stage (2|two)|stage (2|two)[^,.;]{0,10}complain", clause, re.I)
        ):
            name = "complaint_made"
        if (
            name is None
            and last
            and (
                REPLY_RE.search(clause)
                or re.search(
                    r"\b(replied|responded|response|reply|answered|wrote back|(letter|email) back)\b", clause, re.I
                )
            )
        ):
            name = REPLY_TO.get(last)
        if name is None and re.search(
            r"\basked for (it to go to )?stage (2|two)\b|\b(go|went|gone|escalated\w*)( it)? to stage (2|two)\b",
            clause,
            re.I,
        ):
            name = "stage2_requested"
        if (
            name is None
            and re.search(r"\b(asked|applied|request\w*|sent in)\b", clause, re.I)
            and re.search(r"\bassess|\behc", sentence, re.I)
        ):
            name = "assessment_requested"
        if name == "stage1_response" and re.search(
            r"\b(holding|auto(matic)?) (reply|response)|\backnowledgement\b"
            r"|\b(would|will|'ll|to) (respond|reply|get back)\b[^.!?\n]{0,30}\b(?:with)?in \d+",
            clause,
            re.I,
        ):
            name = (
                None  # a holding reply is not the council's answer ("saying they would respond within 10 working days")
            )
        if name in STEP_KEYS and APPEAL.search(sentence) and not re.search(r"\bcomplain", sentence, re.I):
            name = None  # "ive asked for the stage 2 appeal panel and its on 10 december": a transport appeal's step
        if (
            name == "complaint_made"
            and (c := re.search(r"\bcomplain\w*", clause, re.I))
            and NOT_THE_COUNCILS.match(clause, c.end())
        ):
            name = None  # "I put a formal complaint in to the trust on 12 June": the academy's procedure
        if len(days) > 1 and name != "complaint_made":
            continue  # several dates in one clause: only "complaints on 12 August, 9 September ..." (the first)
        if name and name not in dates:
            d, span = days[0]
            dates[name] = Found(d.isoformat(), (s[0] + span[0], s[0] + span[1]))
            last = name
    # a step cannot come before the one it answers: a "response" dated before the complaint was something else
    for step, before in STEP_AFTER:
        if step in dates and before in dates and dates[step].value < dates[before].value:
            del dates[step]
    # a clause told again inside the contact it was joined to ("When I rang, a different social worker said ..."): once
    inside = lambda c, o: o is not c and o.source[0] <= c.source[0] and c.source[1] <= o.source[1]  # noqa: E731
    return [c for c in contacts if not any(inside(c, o) for o in contacts)], dates


# a reply and the step it answers (only the first reply: the later steps' days are read more surely than the complaint's
# own, whose year people often leave out, and dropping them on that evidence lost 2 right of 2 on the tuning stories)
STEP_AFTER = (("stage1_response", "complaint_made"),)


# what the council's side said about it: "my PA keeps saying its 'in the system'", "the virtual school said a new tutor
# was being sourced", "they keep saying its with the manager"; not a document's words ("the plan from Kent says")
COUNCIL_SAID = re.compile(
    r"\b(?:(?:his|her|my|our|the|their) (?:\w+ ){0,2}(?:social worker|case ?worker|caseworker|officer|pa|personal adviser|"
    r"manager|team|coordinator|co-ordinator|iro|virtual school)|the council|the la|the local authority|[a-z]+ (?:council|cc)) "
    r"(?:just |always |still )?(?:keeps? saying|keeps? telling (?:me|us)|says|said|told (?:me|us|mum|mother|dad|father))\b(?! in\b)"
    r"|\bthey (?:just |always |still )?keep (?:saying|telling)\b"
    # round 18 (read unseen): "The grants team say they havent had the referral", "She keeps telling me next week" (the
    # council's own "council say its the schools problem" stays a stance in passing, as the older labels read it)
    r"|\b(?:the )?(?:[\w-]+ )?team (?:just |always |still )?say (?:its|it'?s|it is|they|that|he|she)\b"
    r"|^\W*(?:she|he) (?:just |always |still )?keeps? (?:saying|telling (?:me|us)) (?:next week|its|it'?s|it is|that (?:it|the|they)|"
    r"shes|hes|she is|he is|they|the)\b"
    # round 19: "Social worker says its on the brokerage list", "she just says 'looking at options'"
    r"|^\W*(?:social worker|case ?worker|case officer|sen officer|personal adviser) (?:just |always |still )?(?:says|keeps saying)\b"
    # the council by its name, in the plural people use: "derby council say its up to school", "Cheshire East keep
    # saying they are recruiting", "tameside just say its with finance", "Cornwall keep telling me"
    r"|\b(?:" + _AUTH_RE + r")(?: (?:county |city |borough )?(?:council|cc))?"
    # a team of it named ("derbyshire transport team keep saying", "portsmouth sen team just say", "essex admissions just
    # keep saying no spaces": round 17, read unseen)
    r"(?: (?:sen|send|transport|admissions|sgo|finance|education|inclusion|social care|adult social care|direct payments?|"
    r"leaving care|fostering|children'?s services)(?: team| service| department)?)? "
    r"(?:(?:just|always|still) (?:say|keep saying|keep telling (?:me|us))|keeps? saying|keeps? telling (?:me|us)|kept saying|"
    r"kept telling (?:me|us))\b(?! in\b)"
    r"|\b(?:" + _AUTH_RE + r") (?:county |city |borough )?(?:council|cc) say\b(?! in\b)"
    # round 21: a team of it named, saying what it is doing ("cumberland council transport say theyre 'looking for a new
    # operator'"); the council alone saying so stays a stance
    r"|\b(?:" + _AUTH_RE + r")(?: (?:county |city |borough )?(?:council|cc))? (?:sen|send|transport|admissions|finance|"
    r"inclusion|social care|leaving care|children'?s services)(?: team| service| department)? say "
    r"(?:theyre|they'?re|they are|they have|theyve|they'?ve)\b",
    re.I,
)
DOCUMENT_WORD = re.compile(r"\b(plan|ehcp|order|letter|report|policy|handbook)\b", re.I)
# a line of a timeline: "- 8 Sept: emailed the SEN casework officer", "09/01/2026: Ms Hughes emails social worker"
TIMELINE_LINE = re.compile(
    r"^[ \t]*(?:[-•*][ \t]*)?(?:(?:mon|tues?|wed|thurs?|fri|sat|sun)\w*\.? )?\S+(?: \S+){0,2}[ \t]*[:–-][ \t]", re.I
)
SAYING = re.compile(
    r"(?:and )?(?:(?:again|also|then) )?(?:said|saying|to say|telling (?:me|us)|(?:she|he|they) (?:said|say|says)|(?:was|were) told|promised|"
    r"every time|stating|which said|(?:she|he|they) (?:keep|kept|keeps) (?:saying|telling)|"
    # round 21: "When I rang, a different social worker said the payments were 'only ever temporary'"
    r"(?:a|an|the|her|his|my) (?:different |new |another )?(?:\w+ ){0,2}(?:social worker|officer|case ?worker|manager) "
    r"(?:said|says|told))\b",
    re.I,
)
WAITING = re.compile(
    r"\b(waiting|awaiting|wait) (for )?(the |a |an |their |any )?(stage \w+ )?(response|reply|answer)|\bno (stage \w+ )?(response|reply)\b",
    re.I,
)
BY_DAY = re.compile(r"\b(by|due(?: on)?|deadline(?: of)?|no later than)\s+(?:the\s+)?$", re.I)
REVIEW_ONLY = re.compile(
    r"\b(annual review|review meeting|plan (?:was )?(?:issued|finalised|named)|deadline|due)\b", re.I
)
# a dated clause naming a way of getting in touch is a contact: "Complaint sent 15 September", "online complaint form
# 3/11/26", "acknowledgement sent 10/11/26"
DATED_CONTACT = re.compile(
    r"\b(complain\w*|e-?mails?|letter|phoned|rang|call(?:ed)?|form|acknowledg\w*|repl(?:y|ied)|response|answer(?:ed)?|"
    r"escalat\w*|stage (?:1|2|3|one|two|three)|panel|ombudsman|lgsco|lgo|refused|declined|turned \w+ down|investigat\w*)\b",
    re.I,
)


# a pasted email's header: "From: SEND Complaints, West Sussex County Council / Sent: 11 November 2026 / Subject: ..."
HEADER_DATE = re.compile(r"^[\s>]*(?:sent|date)\s*:", re.I)
HEADER_LINE = re.compile(r"^[ \t>]*(from|sent|date|subject|to|re)\s*:(.*)$", re.I | re.M)
COUNCIL_SENDER = re.compile(
    r"\b(council|complaints?|customer|send|sen|service|team|department|borough|authority)\b", re.I
)


def _header_event(text: str, clause: tuple[int, int], last: str | None) -> str | None:
    """The complaint step a pasted email's date line dates, from the lines of its header: its subject names the stage
    ("Stage 2 complaint response"), else an email from the council answers the last step, and one to the council's
    complaints address makes the complaint."""
    lines = text.split("\n")
    at = text.count("\n", 0, clause[0])
    top, bottom = at, at
    while top > 0 and HEADER_LINE.match(lines[top - 1]):
        top -= 1
    while bottom + 1 < len(lines) and HEADER_LINE.match(lines[bottom + 1]):
        bottom += 1
    # a letter's "Re:" line a line or two below its date ("Date: 23rd November 2026 / Dear Mr Hassan, / Re: ...")
    bottom = next(
        (
            i
            for i in range(bottom + 1, min(bottom + 4, len(lines)))
            if re.match(r"[ \t>]*(re|subject)\s*:", lines[i], re.I)
        ),
        bottom,
    )
    block: dict[str, str] = {}
    for line in lines[top : bottom + 1]:
        if m := HEADER_LINE.match(line):
            block.setdefault(m.group(1).lower(), m.group(2))
    subject = f"{block.get('subject', '')} {block.get('re', '')}"
    reply = re.match(r"\s*(re|fw|fwd)\s*:", subject, re.I)
    named = (_event_cue(subject) or (None,))[0]
    if named and (named.endswith("response") or (named.startswith(("stage", "complaint")) and not reply)):
        return named
    if re.search(r"\b(stage (2|two)|final response)\b", subject, re.I):
        return "stage2_response"
    if re.search(r"\b(auto(matic)?[- ]?reply|out of office|acknowledg\w*|holding)\b", subject, re.I):
        return None  # "Subject: Automatic reply": the council's machine, not its answer
    sender = block.get("from", "")
    if COUNCIL_SENDER.search(sender) and not re.search(r"\b(me|myself)\b|\[me\]", sender, re.I):
        return REPLY_TO.get(last or "")
    if re.search(r"complain", f"{block.get('to', '')} {subject}", re.I):
        return "complaint_made"
    return None


# a reply from someone other than the council
def _not_councils_team(clause: str, m: re.Match) -> bool:
    """Whether a team said to "say" something is not the council's: "The school's SEN team say", "the GP team say",
    "the camhs team say" (a second reviewer's)."""
    said = m.group(0)
    if not re.search(r"\bteam\b", said, re.I):
        return False
    who = clause[max(0, m.start() - 20) : m.start()] + said[: re.search(r"\bteam\b", said, re.I).end()]
    return bool(
        re.search(
            r"\b(?:school'?s?|pastoral|gp|camhs|hospital|nhs|health|class|college|academy|nursery|ward|paediatric|sleep|clinic)\b",
            who,
            re.I,
        )
    )


def _others_offer(clause: str, m: re.Match) -> bool:
    """Whether a contact cue is an offer made by someone who is not the council: "The school has also offered him 2
    hours a week", "The head has since offered him mornings only", "My neighbour has also offered him lifts" (a second
    reviewer's)."""
    # who offered: the two words before the offer ("The school has also offered", "the school says they are
    # offering"), not a school named earlier in the clause ("At the meeting at school ... the council offered")
    # the subject: the last four words before the offer, within the last part of the clause ("his school closed so they
    # offered" is the council's; "His class teacher Mrs Patel has offered" is not)
    last = re.split(r"\b(?:so|because|and|but|then|when|after)\b|[,;]", clause[: m.start()], flags=re.I)[-1]
    before = " ".join(re.findall(r"[\w']+", last)[-4:])
    return "offer" in m.group(0).lower() and bool(
        re.search(
            r"\b(?:school'?s?|head|headteacher|college|teacher|senco|neighbou?r|friend|family|charity|gp|nursery|academy)\b",
            before,
            re.I,
        )
    )


NOT_COUNCIL = re.compile(r"\b(school|head|headteacher|college|teacher|senco|gp|hospital|nursery)\b", re.I)
# the council's answer to the last step, in the person's words: "they wrote back on 14 August", "They sent me their
# answer on 11 November", "The letter we got on 30 July", "They answer me 20 October", "I got this on 6 October"
REPLY_AFTER = re.compile(
    r"\b(wrote back|replied|responded|answered|answer (me|us)|sent (me |us )?(their|an?|the) (answer|letter|reply|response)"
    r"|(?:they|it|this|that|what|the (?:reply|response|answer|letter|email)|\w+ council) came back(?! from)"
    r"|the (letter|email|reply|response) (we|i) got|got (this|that|it|a letter|an email) (back )?on"
    r"|(answer|reply|response) (came|come|comes))\b",
    re.I,
)


FIRST_PERSON = re.compile(r"\b(i|we|i'm|im|i've|ive|we're|we've)\b", re.I)


# the stage each dated complaint step puts the complaint at (who has to act next), furthest first
STAGE_OF_DATE = (
    ("stage2_response", "ombudsman"),
    ("stage2_requested", "council-stage-2"),
    ("stage1_response", "council-stage-2"),
    ("complaint_made", "council-stage-1"),
)
STAGE_ORDER = ("ombudsman", "council-stage-2", "council-stage-1")
STEP_KEYS = {"complaint_made", "stage1_response", "stage2_requested", "stage2_response"}


def _rules(text: str, today: date) -> Extraction:
    ex = Extraction(text)
    readers = {
        "council": _council,
        "child": _child,
        "since": lambda t: _since(t, today),
        "has_plan": _has_plan,
        "complainant": _who,
        "stage": _stage,
        "provision": _provision,
        "impact": _impact,
        "outcome_sought": _outcome,
    }
    for name, read in readers.items():
        got = read(text)
        if got is not None:
            ex.values[name] = Found(got[0], got[1], how=got[2] if len(got) > 2 else "")
    if ex.get("complainant") == "young person":
        ex.values.pop("child", None)  # they write about themselves
    elif "complainant" not in ex.values and "child" in ex.values and FIRST_PERSON.search(text):
        # "Ben has had an EHCP since he was 6 ... I have to drive him": a child named by someone writing as I or we,
        # with no word of another role, is their parent's story (2 such tuning stories, no other role among them)
        ex.values["complainant"] = Found("parent", ex.values["child"].source)
    elif "complainant" not in ex.values and (opening := TERSE_CHILD.search(text)):
        # a parent's terse note: "Son is 13. Autism. Has EHCP." (the child unnamed, or named later)
        ex.values["complainant"] = Found("parent", opening.span(1))
    ex.contacts, ex.dates = _events(text, today)
    # a complaint step the dates read ("Stage 2 asked 15 June", "they wrote back on 14 August") says how far the
    # complaint has gone even where no stage cue does: the furthest of the two stands
    implied = next(((st, ex.dates[k]) for k, st in STAGE_OF_DATE if k in ex.dates), None)
    now = ex.get("stage")
    if (
        implied
        and (now is None or STAGE_ORDER.index(implied[0]) < STAGE_ORDER.index(now))
        and not _withdrawn(text, implied[1].source)
    ):
        ex.values["stage"] = Found(implied[0], implied[1].source, how="dated step")
    return ex


# --- the model, and what keeps it honest ------------------------------------------------------------------------


def _or_null(schema: dict) -> dict:
    """A value or null. llama.cpp's schema-to-grammar drops a pattern or maxLength given with `"type": [..,
    "null"]` (it rebuilds the union from the bare types), so the union is spelt out with anyOf."""
    return {"anyOf": [schema, {"type": "null"}]}


MODEL_FIELDS = {
    "council": _or_null({"type": "string", "maxLength": 80}),
    "child": _or_null({"type": "string", "maxLength": 40}),
    "since": _or_null({"type": "string", "pattern": "^(19|20)[0-9]{2}-(0[1-9]|1[0-2])$"}),
    "has_plan": {"type": ["boolean", "null"]},
    "complainant": {"enum": ["parent", "carer", "special guardian", "foster carer", "young person", "advocate", None]},
    "stage": {"enum": ["council-stage-1", "council-stage-2", "ombudsman", None]},
    "provision": _or_null({"type": "string", "maxLength": 200}),
    "impact": _or_null({"type": "string", "maxLength": 150}),
    "outcome_sought": _or_null({"type": "string", "maxLength": 200}),
}
SYSTEM = (
    "You read a parent's account of a problem with a council (special educational needs or children's services) and "
    "fill in a form. Answer with one JSON object and nothing else. Copy words exactly from the account. Use null for "
    "anything the account does not say. Never guess a name, council, date or amount."
)
FIELD_HELP = {
    "council": "the council's name as written, e.g. 'Leeds City Council'",
    "child": "the child's first name or initial",
    "since": "when the problem started, as YYYY-MM",
    "has_plan": "true if the child has an EHC plan (EHCP), false if the account says they do not",
    "complainant": "who is writing: parent, carer, special guardian, foster carer, young person or advocate",
    "stage": "council-stage-1 (complained, no reply yet), council-stage-2 (had the stage 1 reply), ombudsman (had the stage 2 reply)",
    "provision": "what the child should be getting and is not, copied word for word: the plan's, order's or "
    "support plan's own wording when the account quotes it, with how much and how often",
    "impact": "how it has affected the child or family, a few words copied from the account",
    "outcome_sought": "what the person wants the council to do",
}
# The model used to read provision a second time where the rules had only named a service ("speech therapy"); the
# learned reader (`_provision`) reads the clauses whole, so the model now only fills what the reader left empty.
# a model's answer for these must appear in the words literally (case and spacing aside)
LITERAL = {"council", "child"}
# share of a free-text value's content words that must be the person's own words
OWN_WORDS = 0.8
# a choice the model makes must rest on words that say it
KEY_WORDS: dict[str, dict[Any, str]] = {
    "has_plan": {
        True: r"\b(ehcp|ehc|education,? health and care|section f)\b|\b(his|her|their|my) plan\b",
        False: r"\b(no|not|n't|nt|without|never|applied for|asked for)\b[^.!?\n]{0,30}\b(ehcp|ehc|education,? health and care)",
    },
    "complainant": {
        "special guardian": r"\bspecial guardian|\bSGO\b",
        "foster carer": r"\bfoster",
        "advocate": r"\badvocate|\bcaseworker|\bmy client|\bon behalf of",
        "young person": r"\bi('m| am|m) (1[6-9]|2[0-5])\b|\bmy (college|course|ehcp|ehc plan|pathway plan)\b|\bcare leaver",
        "carer": r"\b(grand\w*|aunt|uncle|niece|nephew|kinship|carer)\b",
        "parent": r"\b(son|daughter|mum|dad|mother|father)\b",
    },
}
NUMBERISH = re.compile(r"£\s?\d[\d,.]*|\d+(?:[.:/]\d+)*")
PROPER = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]{2,}\b")


def schema_for(fields: list[str]) -> dict:
    """The JSON schema a model's answer must follow (llama.cpp turns it into a grammar)."""
    return {
        "type": "object",
        "properties": {f: MODEL_FIELDS[f] for f in fields},
        "required": list(fields),
        "additionalProperties": False,
    }


def _find(value: str, text: str) -> tuple[int, int] | None:
    pat = r"\s+".join(re.escape(w) for w in value.split())
    m = re.search(rf"(?<!\w){pat}(?!\w)", text, re.I) if pat else None
    return m.span() if m else None


def _name_like(v: str) -> bool:
    """One word that could be a first name, or an initial (a small model also offers "my grandson" or "19")."""
    v = v.strip().rstrip(".")
    return bool(re.fullmatch(r"[A-Za-z][A-Za-z'-]{0,19}", v)) and v.lower() not in NOT_NAME | set(MONTHS) | {
        "son",
        "daughter",
        "child",
        "grandson",
        "granddaughter",
        "ehcp",
        "ehc",
        "sen",
        "send",
    }


def trace(name: str, value: Any, text: str, today: date | None = None) -> tuple[Any, tuple[int, int]] | str:
    """Where in the person's words a proposed value comes from: (value, span), or why it cannot be traced (a
    string). Names and councils must appear literally; a month must be named in the words (and its year, unless it
    is the latest such month); a yes/no must rest on the words that say it; free text must be mostly the person's own
    words, with every number, amount and capitalised name in it appearing literally."""
    today = today or date.today()
    if value is None or value == "":
        return "empty"
    if name == "child" and not _name_like(str(value)):
        return f"{str(value)[:40]!r} is not a name or an initial"
    if name in LITERAL:
        span = _find(str(value), text)
        if not span:
            return f"{value!r} is not in the words"
        if name == "council" and not council_core(str(value)):
            return "not a council's name"
        return value, span
    if name == "since":
        m = re.fullmatch(r"((?:19|20)\d\d)-(\d\d)", str(value))
        if not m:
            return "not a month"
        y, mo = int(m.group(1)), int(m.group(2))
        for mm in re.finditer(rf"\b{MONTH_RE}\b(?: {YEAR_RE})?", text, re.I):
            if _month(mm.group(1)) != mo or (mm.group(1).lower() == "may" and not mm.group(2)):
                continue
            said = _year(mm.group(2))
            if (
                said == y
                or (said is None and y in (_year_of(mo, today), today.year - 1))
                or re.search(rf"\b{y}\b", text)
            ):
                return value, mm.span()
        return f"{value} is not a month the words name"
    if name == "stage":
        # a stage is an inference, not a phrase: a model's stage stands only where the words say it as plainly as
        # the rules ask ("I am complaining about" is not a complaint made; a looser cue kept 2 wrong stages of 2)
        cues = _stage_cues(text)
        return (value, cues[value]) if value in cues else f"{value!r}: the words do not say so"
    if name in KEY_WORDS:
        cue = KEY_WORDS[name].get(value)
        m = re.search(cue, text, re.I) if cue else None
        return (value, m.span()) if m else f"{value!r}: the words do not say so"
    # free text: the person's own words, numbers and names literally
    v = str(value)
    for tok in [*NUMBERISH.findall(v), *PROPER.findall(v), *re.findall(rf"\b{MONTH_RE}\b", v, re.I)]:
        if not re.search(rf"(?<!\w){re.escape(tok)}(?!\w)", text, re.I):
            return f"{tok!r} is not in the words"
    said = {_day(m, today) for m in DAY_MONTH.finditer(text)}
    for m in DAY_MONTH.finditer(v):
        if _day(m, today) not in said:
            return f"{m.group(0)!r} is not a date the words give"
    span = _find(v, text)
    if span:
        return text[span[0] : span[1]], span
    words = content_words(v)
    if not words:
        return "no words of the person's"
    best = None
    for s in _sentences(text):
        own = content_words(text[s[0] : s[1]])
        share = len(words & own) / len(words)
        if best is None or share > best[0]:
            best = (share, s)
    if best and best[0] >= OWN_WORDS:
        return v, best[1]
    return f"{v[:60]!r}: not the person's words"


def _ask_model(chat_model, text: str, fields: list[str]) -> dict:
    """One call: the model fills `fields` under the JSON schema; {} if it answers with no JSON object."""
    from langchain_core.messages import HumanMessage, SystemMessage

    form = "\n".join(f'- "{f}": {FIELD_HELP[f]}' for f in fields)
    prompt = f'The account:\n"""\n{text[:6000]}\n"""\n\nFill in these fields (null if not said):\n{form}\n\nJSON:'
    schema = schema_for(fields)
    reply = chat_model.invoke(
        [SystemMessage(SYSTEM), HumanMessage(prompt)],
        response_format={"type": "json_object", "schema": schema},
        max_tokens=400,
    )
    raw = str(reply.content)
    m = re.search(r"\{.*\}", raw, re.S)
    if not m:
        return {}
    try:
        data = json.loads(m.group(0))
    except ValueError:
        return {}
    return {k: v for k, v in data.items() if k in fields} if isinstance(data, dict) else {}


# --- the public API -----------------------------------------------------------------------------------------------


def _asked_for(name: str, span: tuple[int, int], ex: Extraction) -> bool:
    """A model's provision that lies inside what the person asks the council to do (the rules' outcome_sought) is
    the remedy wanted ("full time support and compensation for the delay"), not the provision owed."""
    wish = ex.values.get("outcome_sought")
    if name != "provision" or wish is None or not isinstance(wish.source, tuple):
        return False
    return wish.source[0] <= span[0] and span[1] <= wish.source[1]


def _shift(f: Found, offset: int) -> Found:
    """A value read from added words, its span moved into the whole text."""
    if isinstance(f.source, tuple):
        return replace(f, source=(f.source[0] + offset, f.source[1] + offset))  # keeps who read it and how
    return f


def extract(text: str, previous: Extraction | None = None, chat_model=None, today: date | None = None) -> Extraction:
    """Read the person's words: `text` is their story, or (with `previous`) what they add to it. What was known or
    confirmed before is kept; new words fill what was missing. With a `chat_model`, the model then fills the gaps
    the rules left, and each value it proposes is kept only if `trace` finds it in the words."""
    today = today or date.today()
    whole = f"{previous.text}\n\n{text}" if previous and previous.text.strip() else text
    offset = len(whole) - len(text)
    ex = _rules(whole, today)
    ex.story = [text.strip()]
    if previous:
        new = _rules(text, today)  # spans shifted into the whole text
        more = [text.strip()] if len(text.split()) >= STORY_MESSAGE_WORDS else []
        ex = Extraction(
            whole,
            dict(previous.values),
            list(previous.contacts),
            dict(previous.dates),
            list(previous.notes),
            [*previous.story, *more] or [text.strip()],
        )
        for k, f in new.values.items():
            was = ex.values.get(k)
            if (
                k == "impact"
                and was is not None
                and was.by == "rules"
                and isinstance(was.source, tuple)
                and f.value.lower() not in was.value.lower()
            ):
                # the harm is told over several messages ("i work nights and cant drive him", then "hes so anxious
                # every morning he wont get dressed"): a later message adds to what the rules read, never replaces
                # what the person confirmed
                f = _shift(f, offset)
                ex.values[k] = Found(f"{was.value}; {f.value}", (was.source[0], f.source[1]), "rules", was.how)
                continue
            if (
                k == "provision"
                and was is not None
                and was.by == "rules"
                and was.how == "failed"
                and f.how != "failed"
                # the same service told more fully, never a wish, an offer or another service (a second reviewer's:
                # "i want him to have a taxi with a PA", "they will give him a travel trainer", "she gets a laptop")
                and content_words(str(was.value)) & content_words(str(f.value))
                and isinstance(f.source, tuple)
                and re.search(
                    r"\b(?:should (?:have|get|be getting)|(?:is|are) (?:meant|supposed) to (?:have|get)|plan says|"
                    r"in (?:his|her|their|the) plan|entitled to)\b",
                    _sentence_around(text, f.source[0]),
                    re.I,
                )
                and not re.search(
                    r"\b(?:want|would like|'d like|prefer|wish|asking for|will give|would give|could give|offered|offer|"
                    r"sister|brother)\b",
                    text[max(0, f.source[0] - 40) : f.source[1]],
                    re.I,
                )
            ):
                # a service named only as what stopped ("his taxi to school stopped") gives way to the person's later
                # words for what is owed ("he should have a taxi to school and back every day, its in his plan")
                ex.values[k] = _shift(f, offset)
                continue
            ex.values.setdefault(k, _shift(f, offset))
        ex.contacts += [_shift(c, offset) for c in new.contacts]
        for k, f in new.dates.items():
            ex.dates.setdefault(k, _shift(f, offset))
    if chat_model is not None:
        ex = read_again(ex, chat_model, today)
    return ex


def read_again(ex: Extraction, chat_model, today: date) -> Extraction:
    """The model's one call: it fills the fields the rules left empty. Every value it gives is kept only if `trace`
    finds it in the words. Fields the person confirmed are never asked."""
    whole = ex.text
    gaps = [f for f in SCALARS if f not in ex.values]
    if ex.get("complainant") == "young person":
        gaps = [f for f in gaps if f != "child"]  # they write about themselves
    if not gaps:
        return ex
    try:
        proposed = _ask_model(chat_model, whole, gaps)
    except Exception as e:  # a model failing is not the person's problem: the rules' reading stands
        ex.notes.append(f"the local model failed ({type(e).__name__}); the rules' reading stands")
        proposed = {}
    for name, value in proposed.items():
        if value is None:
            continue
        got = trace(name, value, whole, today)
        if isinstance(got, str):
            ex.notes.append(f"dropped {name} from the model: {got}")
            continue
        if _asked_for(name, got[1], ex):
            ex.notes.append(f"dropped {name} from the model: it is what the person asks for, not what is owed")
            continue
        ex.values[name] = Found(got[0], got[1], "model")
    return ex


def confirm(extraction: Extraction, field_name: str, value: Any) -> Extraction:
    """The person's answer or correction: the field takes `value`, marked confirmed (None: they said there is
    none, so it is not asked again). Contacts: a string adds one; dates: a (event, YYYY-MM-DD) pair sets one."""
    ex = replace(
        extraction,
        values=dict(extraction.values),
        contacts=list(extraction.contacts),
        dates=dict(extraction.dates),
        notes=list(extraction.notes),
    )
    if field_name == "contacts":
        items = [str(v) for v in (value if isinstance(value, list) else [value]) if v]
        ex.contacts += [Found(v, "confirmed", "person") for v in items] or [Found(None, "confirmed", "person")]
        return ex
    if field_name == "dates":
        event, day = value
        ex.dates[event] = Found(day, "confirmed", "person")
        return ex
    if field_name not in SCALARS:
        raise ValueError(f"unknown field {field_name!r} (one of {', '.join(FIELDS)})")
    if field_name == "since" and value:
        try:
            value = Facts.model_validate({"role": "parent", "issue": "...", "since": value}).since
        except ValidationError:
            raise FactsError(f"since: {str(value)[:40]!r} is not a month; say it like 'September 2025'") from None
    ex.values[field_name] = Found(value, "confirmed", "person")
    return ex


def missing(extraction: Extraction) -> list[str]:
    """The required fields not yet known or answered, most important first (no plan: no plan provision to ask)."""
    out = []
    for name in REQUIRED:
        if extraction.answered(name):
            continue
        if name == "provision" and extraction.get("has_plan") is False and "has_plan" in extraction.values:
            continue
        out.append(name)
    return out


def follow_up(extraction: Extraction) -> list[str]:
    """Short questions for what is missing, most important first, at most three at a time."""
    return [QUESTIONS[name] for name in missing(extraction)[:MAX_QUESTIONS]]


WHO_WORDS = {
    "parent": "you are the parent",
    "carer": "you are the child's carer",
    "special guardian": "you are the child's special guardian",
    "foster carer": "you are the child's foster carer",
    "young person": "you are writing about yourself",
    "advocate": "you are writing as an advocate",
}
STAGE_WORDS = {
    "council-stage-1": "you have complained to the council and are waiting for its reply",
    "council-stage-2": "you have had the council's first (stage 1) reply and want to go further",
    "ombudsman": "you have been through the council's complaints procedure (or it has not answered)",
}


EVENT_WORDS = {
    "assessment_requested": "You asked for an assessment",
    "decision_to_assess": "The council decided to assess",
    "review_meeting": "The review meeting",
    "amendment_notice": "The proposed amendments",
    "final_plan": "The final plan",
    "complaint_made": "Your complaint",
    "stage1_response": "The stage 1 reply",
    "stage2_requested": "You asked for stage 2",
    "stage2_response": "The stage 2 reply",
    "panel_requested": "You asked for a review panel",
    "tribunal_order": "The Tribunal's order",
    "mediation_certificate": "The mediation certificate",
    "decision_letter": "The decision letter",
}


def _said(extraction: Extraction, name: str) -> str:
    """For a value read between the lines (a month, yes/no, the stage): the words it was read from."""
    quote = extraction.quote(name)
    return f' (you wrote: "{" ".join(quote.split())[:80]}")' if quote else ""


def understood(extraction: Extraction) -> str:
    """A short plain summary of what was understood, for the person to confirm or correct."""
    g = extraction.get
    lines = []
    about = g("child") or "your child"
    if g("council"):
        # the name the letter will be addressed to ("Nottinghamshire County Council", not the "Nottinghamshire Council"
        # read from the words), so the chat and the letter agree (an adviser's read of the Kai transcript)
        lines.append(f"- The council: {official_name(g('council'))}")
    if g("complainant"):
        lines.append(f"- Who is writing: {WHO_WORDS[g('complainant')]}")
    if g("child"):
        lines.append(f"- About: {g('child')}")
    if g("has_plan") is not None:
        lines.append(f"- EHC plan: {'yes' if g('has_plan') else 'no'}{_said(extraction, 'has_plan')}")
    if g("provision"):
        lines.append(f"- What {about} should get: {g('provision')}")
    if g("since"):
        y, m = g("since").split("-")
        lines.append(f"- Since: {date(int(y), int(m), 1):%B %Y}{_said(extraction, 'since')}")
    if g("impact"):
        lines.append(f"- The effect: {g('impact')}")
    for c in g("contacts"):
        lines.append(f"- You contacted them: {c}")
    for k, v in g("dates").items():
        lines.append(f"- {EVENT_WORDS.get(k, k.replace('_', ' ').capitalize())}: {date.fromisoformat(v):%-d %B %Y}")
    if g("stage"):
        lines.append(f"- Where things are: {STAGE_WORDS[g('stage')]}{_said(extraction, 'stage')}")
    if g("outcome_sought"):
        lines.append(f"- What you want: {g('outcome_sought')}")
    head = (
        "This is what I understood. Please correct anything that is wrong:"
        if lines
        else "I could not pick out any facts yet."
    )
    return "\n".join([head, *lines])


# --- the eval --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Story:
    id: str
    text: str
    facts: dict
    heldout: bool = False


def load_stories(path: str | Path) -> list[Story]:
    """The gold stories, one JSON object a line: `id`, `text` (the story as a person wrote it), `heldout` (not
    looked at while the rules were written), `facts` (what an adviser reads from it: the SCALARS, null where the
    story does not say; `contacts`, a list; `dates`, event → YYYY-MM-DD)."""
    out = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip():
            d = json.loads(line)
            out.append(Story(d["id"], d["text"], d["facts"], bool(d.get("heldout"))))
    return out


def _same_text(pred: str, gold: str) -> bool:
    """A free-text value matches when it holds at least half the gold's content words and is not mostly other
    words (a whole paragraph does not count as the answer)."""
    p, g = content_words(pred), content_words(gold)
    if not g:
        return gold.lower() in pred.lower()
    if not p:
        return False
    return len(p & g) / len(g) >= 0.5 and len(p & g) / len(p) >= 0.2


def field_match(name: str, pred: Any, gold: Any) -> bool:
    if name == "council":  # "Royal Borough of Kingston" is the Royal Borough of Kingston upon Thames
        return council_core(pred) == council_core(gold) or official_name(pred) == official_name(gold)
    if name == "child":
        return str(pred).lower() == str(gold).lower()
    if name in ("provision", "impact", "outcome_sought"):
        return _same_text(str(pred), str(gold))
    return pred == gold


def _contact_match(pred: str, gold: str) -> bool:
    p, g = content_words(pred), content_words(gold)
    return bool(g) and len(p & g) / len(g) >= 0.5


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    def to_dict(self) -> dict:
        r = lambda x: None if x is None else round(x, 3)  # noqa: E731
        return {"precision": r(self.precision), "recall": r(self.recall), "tp": self.tp, "fp": self.fp, "fn": self.fn}


def score(ex: Extraction, gold: dict, tallies: dict[str, Tally]) -> None:
    for name in SCALARS:
        t = tallies.setdefault(name, Tally())
        p, g = ex.get(name), gold.get(name)
        if p is not None and g is not None and field_match(name, p, g):
            t.tp += 1
        else:
            t.fp += p is not None
            t.fn += g is not None
    t = tallies.setdefault("contacts", Tally())
    golds, preds = list(gold.get("contacts") or []), ex.get("contacts")
    hit = sum(any(_contact_match(p, g) for p in preds) for g in golds)
    good = sum(any(_contact_match(p, g) for g in golds) for p in preds)
    t.tp += hit
    t.fn += len(golds) - hit
    t.fp += len(preds) - good
    t = tallies.setdefault("dates", Tally())
    gd, pd = gold.get("dates") or {}, ex.get("dates")
    for k, v in pd.items():
        if gd.get(k) == v:
            t.tp += 1
        else:
            t.fp += 1
    t.fn += sum(1 for k, v in gd.items() if pd.get(k) != v)


def rounds_to_complete(ex: Extraction, gold: dict, limit: int = 6) -> int:
    """How many rounds of questions it takes to complete the required facts, answering each question from the gold
    (an answer the gold does not have is "none"/"not sure")."""
    n = 0
    while missing(ex) and n < limit:
        n += 1
        for name in missing(ex)[:MAX_QUESTIONS]:
            answer = gold.get(name)
            ex = confirm(ex, name, None if answer in ("", []) else answer)
    return n


def model_alone(text: str, chat_model, today: date | None = None) -> Extraction:
    """What the model reads with no rules before it (every scalar field asked), each value still traced: for the
    eval, to see whether the model could stand on its own."""
    today = today or date.today()
    ex = Extraction(text)
    for name, value in _ask_model(chat_model, text, list(SCALARS)).items():
        got = trace(name, value, text, today) if value is not None else "empty"
        if isinstance(got, str):
            ex.notes.append(f"dropped {name} from the model: {got}")
        else:
            ex.values[name] = Found(got[0], got[1], "model")
    return ex


FALLBACK = "rules, no clause model"


def evaluate(stories: list[Story], chat_model=None, today: date | None = None, alone: bool = False) -> dict:
    """Precision and recall per field, for the rules alone and (with `chat_model`) rules + model, on the tuning and
    the held-back stories; the rounds of questions to complete the facts; and the time per story. `alone`: also the
    model with no rules (its scalar fields only; contacts and dates are the rules' job)."""
    today = today or date(2026, 11, 27)  # the day the gold stories were written ("since September" is 2026-09)
    out: dict = {}
    runs = [("rules", None)] + ([("rules+model", chat_model)] if chat_model is not None else [])
    # the fallback where torch or the clause model's files are missing: the logistic readers alone (held back only)
    runs += [(FALLBACK, None)] if readers.clause_model("provision") is not None else []
    runs += [("model alone", chat_model)] if chat_model is not None and alone else []
    for label, model in runs:
        for split in ("tuning", "heldout") if label != FALLBACK else ("heldout",):
            chosen = [s for s in stories if s.heldout == (split == "heldout")]
            if not chosen:
                continue
            tallies: dict[str, Tally] = {}
            rounds, seconds = [], []
            for s in chosen:
                t0 = time.perf_counter()
                if label == "model alone":
                    ex = model_alone(s.text, model, today)
                elif label == FALLBACK:
                    with readers.models_off():
                        ex = extract(s.text, today=today)
                else:
                    ex = extract(s.text, chat_model=model, today=today)
                seconds.append(time.perf_counter() - t0)
                score(ex, s.facts, tallies)
                rounds.append(rounds_to_complete(ex, s.facts))
            out.setdefault(label, {})[split] = {
                "stories": len(chosen),
                "fields": {k: v.to_dict() for k, v in tallies.items()},
                "rounds": {"mean": round(sum(rounds) / len(rounds), 2), "max": max(rounds), "zero": rounds.count(0)},
                "seconds_per_story": round(sum(seconds) / len(seconds), 4),
                "seconds_max": round(max(seconds), 4),
            }
    return out


def format_report(result: dict) -> str:
    """`evaluate`'s result as a Markdown table: per field, precision / recall for each reader and split."""
    cols = [(label, split) for label, splits in result.items() for split in splits]
    head = "| field | " + " | ".join(f"{label} {split} P / R" for label, split in cols) + " |"
    rows = [head, "|---" * (len(cols) + 1) + "|"]
    fields = list(next(iter(next(iter(result.values())).values()))["fields"])

    def pr(d: dict) -> str:
        f = lambda x: "–" if x is None else f"{x:.2f}"  # noqa: E731
        return f"{f(d['precision'])} / {f(d['recall'])}"

    for name in fields:
        rows.append(
            f"| {name} | " + " | ".join(pr(result[label][split]["fields"][name]) for label, split in cols) + " |"
        )

    def micro(fields: dict) -> str:
        tp, fp, fn = (sum(f[k] for f in fields.values()) for k in ("tp", "fp", "fn"))
        return pr({"precision": tp / (tp + fp) if tp + fp else None, "recall": tp / (tp + fn) if tp + fn else None})

    rows.append(
        "| all fields (micro) | " + " | ".join(micro(result[label][split]["fields"]) for label, split in cols) + " |"
    )
    rows.append(
        "| rounds of questions (mean, max) | "
        + " | ".join(
            f"{result[label][split]['rounds']['mean']}, {result[label][split]['rounds']['max']}"
            for label, split in cols
        )
        + " |"
    )
    rows.append(
        "| seconds per story (mean, max) | "
        + " | ".join(
            f"{result[label][split]['seconds_per_story']}, {result[label][split]['seconds_max']}"
            for label, split in cols
        )
        + " |"
    )
    return "\n".join(rows)


def _main(argv: list[str]) -> int:
    """`python -m app.story [--llm MODEL] [--heldout-only] [--json | --markdown] [--alone]`: the eval on
    evals/gold/stories.jsonl (`--markdown`: the dated record kept as evals/report/stories_llm.md)."""
    import argparse

    ap = argparse.ArgumentParser(prog="python -m app.story")
    ap.add_argument("--gold", default=str(Path(__file__).resolve().parents[1] / "evals" / "gold" / "stories.jsonl"))
    ap.add_argument("--llm", help="a local model name (app.gguf.MODELS), e.g. smollm2-135m")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--heldout-only", action="store_true")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--alone", action="store_true", help="also the model with no rules before it")
    ap.add_argument("--markdown", action="store_true", help="the measured record (evals/report/stories_llm.md)")
    args = ap.parse_args(argv)
    stories = load_stories(args.gold)
    if args.heldout_only:
        stories = [s for s in stories if s.heldout]
    model, loaded = None, None
    if args.llm:
        t0 = time.perf_counter()
        model = load_chat_model(args.llm, n_threads=args.threads, n_ctx=2048, temperature=0.0, streaming=False)
        loaded = time.perf_counter() - t0
        if not args.markdown:
            print(f"loaded {args.llm} in {loaded:.1f} s")
    commit = _commit()
    result = evaluate(stories, chat_model=model, alone=args.alone)
    if args.json:
        print(json.dumps(result, indent=1))
    elif args.markdown:
        print(_record(result, args.llm, args.threads, loaded, commit, args.alone, args.heldout_only))
    else:
        print(format_report(result))
    return 0


def _commit() -> str:
    """The commit the code runs at (taken before a long run, "+changes" if app/ differs from it)."""
    import subprocess

    root = Path(__file__).resolve().parents[1]

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True).stdout.strip()

    try:
        return git("rev-parse", "--short", "HEAD") + ("+changes" if git("status", "--porcelain", "app") else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def _record(
    result: dict,
    model: str | None,
    threads: int,
    loaded: float | None,
    commit: str,
    alone: bool = False,
    heldout_only: bool = False,
) -> str:
    """The side-by-side table as a dated record (the commit, the model, the machine): CI runs the rules alone on every
    change, the model only when someone runs this."""
    import os
    import platform

    info = Path("/proc/cpuinfo")
    lines = info.read_text().splitlines() if info.exists() else []
    cpu = next((ln.split(":", 1)[1].strip() for ln in lines if ln.startswith("model name")), platform.processor())
    head = [
        "# Story intake: the rules alone and with the local model, side by side",
        "",
        f"Measured {date.today().isoformat()} at commit {commit} with `python -m app.story"
        + (f" --llm {model} --threads {threads}" if model else "")
        + (" --alone" if alone else "")
        + (" --heldout-only" if heldout_only else "")
        + " --markdown`"
        + f" on {os.cpu_count()} cores ({cpu}), load average {os.getloadavg()[0]:.1f} at the end (other jobs share them).",
        f"Model: {model or 'none'}"
        + (f" (loaded in {loaded:.1f} s, once, before the first story)." if loaded else "."),
        "Each field: precision / recall against evals/gold/stories.jsonl (held back: never read while the rules were "
        'written or the provision reader trained). "rules" reads with the learned readers and the provision clause '
        'model; "rules, no clause model" is the fallback where torch, peft or the model\'s files are missing. The '
        "model fills, in one call, the fields the rules and the reader "
        "left empty, and each value it gives is kept only if it can be traced to the person's words. Seconds per "
        "story: reading one story (rules, and the model's one call when there are gaps), i.e. the time to the first "
        "response (the facts understood or a question back).",
        "",
    ]
    return "\n".join(head) + "\n" + format_report(result) + "\n"


if __name__ == "__main__":
    import sys

    sys.exit(_main(sys.argv[1:]))
