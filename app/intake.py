"""Complaint intake: a complaint as it was received (a letter, an email, an officer's note) read into what an
investigating officer records first: the separate points complained of, in the complainant's own words, who is
complaining and about which child, which procedure the words point to, and any stage asked for.

Plain rules over the text (no model), so that an officer can see why a point was split where it was:
numbered or lettered lists and bullets first, then ordinal words ("Firstly", "Secondly", "I also complain"), then
sentences that name distinct failures (grouped by the issue they raise, `app.issues`).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from .issues import FAILURE_CUE, ISSUE_TYPES

MAX_POINT_CHARS = 2000  # `ComplaintPoint.point`'s limit


@dataclass
class Intake:
    """What `split_complaint` read from a complaint. Every field may be empty: nothing is guessed."""

    points: list[str] = field(default_factory=list)  # the points complained of, in the complainant's words
    name: str | None = None  # the complainant's name as written: "Ms A", "Sarah Jones", "Mr and Mrs D"
    child: str | None = None  # the child's name or initial as written: "P", "Amy"
    complainant: str | None = None  # a `Facts.complainant` value: parent, carer, special guardian, ...
    stage_requested: int | None = None  # 2 or 3 when the complainant asks for that stage
    procedure_hint: str | None = None  # a `Facts.procedure` value: "children-act", "send-tribunal", "corporate"
    outcome_sought: str | None = None  # what they ask for ("I want ...", "Please ..."), in their words

    def to_dict(self) -> dict:
        return asdict(self)


# ----------------------------------------------------------------------------- names

_TITLE = r"(?:Mr\.? and Mrs|Mr\.? ?& ?Mrs|Mrs|Mr|Ms|Miss|Mx|Dr|Prof)\.?"
# a name after a title: an initial ("A") or a surname ("Jones"), perhaps a first name and a surname
_NAME_WORD = r"[A-Z][a-zA-Z'’-]*"
_NOT_NAME = frozenset(
    """I A The This That These Those He She They It We You His Her Their Our My Your Has Have Had Was Were Is Are Be
    Been And But Or So Since From With When Where While After Before Because As At On In Of To For By Not No Yes
    Dear Yours Kind Best Regards Thanks Thank Sincerely Faithfully Re Subject Date Please Also Firstly Secondly
    Thirdly Finally Lastly EHC EHCP SEN SEND SENCO SENCo OT SALT CAMHS Council Team School College Tribunal Ombudsman
    Social Worker Stage January February March April May June July August September October November December Monday
    Tuesday Wednesday Thursday Friday Saturday Sunday""".split()
)
_TITLED = rf"{_TITLE}\s+{_NAME_WORD}(?:\s+{_NAME_WORD})?"
_FULL = r"[A-Z][a-z'’-]+(?:\s+[A-Z][a-z'’-]+){1,2}"
# a sign-off alone on its line, or followed by nothing but a name ("Thanks to the council's delay ..." is not one)
_SIGN_OFF = re.compile(
    r"(?im)^[ \t]*(?:yours\s+(?:sincerely|faithfully|truly)|kind(?:est)?\s+regards|warm\s+regards|best\s+(?:regards|wishes)|"
    r"many\s+thanks|thanks(?:\s+you)?|thank\s+you|regards|sincerely)\b[ \t]*[,.!]?[ \t]*"
    rf"(?=$|(?:{_TITLED}|{_FULL}|[A-Z][a-z]+)[ \t.]*$)"
)
_REPORTED = (
    r"says|said|states|stated|complains|complained|has complained|is complaining|reports|reported|told|tells|"
    r"explains|explained|feels|felt|believes|is unhappy|was unhappy|wants|would like|raised|contacted|called|phoned|"
    r"emailed|alleges|alleged|advises|advised|informs|informed|confirms|confirmed|asks|asked|adds|added"
)


def _clean_name(raw: str) -> str | None:
    """A name as written, without a trailing word that is not part of it ("Ms A Says" → "Ms A")."""
    words = raw.replace("’", "'").split()
    title = 0
    if len(words) >= 3 and " ".join(words[:3]).replace(".", "") in ("Mr and Mrs", "Mr & Mrs"):
        title = 3
    elif words and re.fullmatch(_TITLE, words[0]):
        title = 1
    if title:
        # after a title an initial is a name ("Ms A"); a second word only when it is not an ordinary word
        rest = words[title : title + 2]
        if not rest or not rest[0][:1].isupper() or (rest[0] in _NOT_NAME and len(rest[0]) > 1):
            return None
        keep = rest[:1] + [w for w in rest[1:2] if w[:1].isupper() and w not in _NOT_NAME and len(rest[0]) > 1]
        return " ".join(words[:title] + keep).strip(" ,.;:")[:200]
    while len(words) > 1 and (words[-1] in _NOT_NAME or not words[-1][:1].isupper()):
        words.pop()
    name = " ".join(words).strip(" ,.;:")
    if not name or any(w in _NOT_NAME for w in words):
        return None
    if len(words) < 2 and not re.fullmatch(r"[A-Z][a-z]+", name):
        return None
    return name[:200]


def _first(patterns, text: str, flags=0) -> str | None:
    for p in patterns:
        for m in re.finditer(p, text, flags):
            name = _clean_name(m.group("name"))
            if name:
                return name
    return None


def _signature(text: str) -> tuple[str | None, int]:
    """The name under the last sign-off ("Yours sincerely,\\n\\nSarah Jones"), and where the sign-off starts (the
    end of the text when there is none)."""
    offs = list(_SIGN_OFF.finditer(text))
    inline = re.search(
        r"(?<=[.!?])[ \t]+(?P<off>(?:yours\s+(?:sincerely|faithfully)|kind(?:est)?\s+regards|best\s+wishes|many\s+thanks|"
        rf"thanks|thank\s+you|regards)[ \t]*[,.!]?[ \t]*)(?P<name>{_TITLED}|{_FULL})[ \t.]*$",
        text,
        re.I,
    )
    if inline and (name := _clean_name(inline.group("name"))):
        if not offs or offs[-1].start() < inline.start("off"):
            return name, inline.start("off")
    if not offs:
        return None, len(text)
    m = offs[-1]
    after = text[m.end() :]
    lines = [ln.strip(" \t,.") for ln in after.splitlines() if ln.strip(" \t,.")]
    for ln in lines[:2]:
        got = re.match(rf"(?P<name>{_TITLED}|{_FULL}|[A-Z][a-z]+)\b", ln)
        if got and (name := _clean_name(got.group("name"))):
            return name, m.start()
    return None, m.start()


def _name(text: str, first_person: bool) -> str | None:
    labelled = re.search(r"(?im)^[ \t]*(?:complainant(?:'s name)?|name|from)[ \t]*:[ \t]*(?P<name>[^<\n,]{2,80})", text)
    if labelled and (name := _clean_name(labelled.group("name").split(" (")[0])):
        return name
    signed, _ = _signature(text)
    if signed:
        return signed
    found = _first(
        [
            rf"\b(?i:my name is)\s+(?P<name>{_TITLED}|{_FULL}|[A-Z][a-z]+)",
            rf"\b(?:I am|I'm|I’m|(?i:this is))\s+(?P<name>{_TITLED}|{_FULL})\b(?!'s)",
            rf"\b(?i:complaint (?:from|by|made by|raised by|of))\s+(?P<name>{_TITLED}|{_FULL})",
        ],
        text,
    )
    if found or first_person:
        return found
    # an officer's note: "Ms A says her son P ...", "Mr and Mrs D complain that ..."
    return _first(
        [
            rf"(?P<name>{_TITLED})\s+(?:also\s+)?(?:{_REPORTED}|complain)\b",
            rf"\b(?i:mum|mother|dad|father|parent|carer|grandmother|grandfather)\s*\(\s*(?P<name>{_TITLED})\s*\)",
            rf"^\s*(?P<name>{_TITLED})\b",
        ],
        text,
    )


_CHILD_NOUN = (
    r"(?:foster\s+|step-?|grand|adopted\s+)?(?:son|daughter|child|boy|girl)|grandchild|nephew|niece|young person|"
    r"ward|twins"
)
_CHILD_NAME = r"[A-Z][a-z-]*(?:\s+(?:and|&)\s+[A-Z][a-z-]+|\s+[A-Z][a-z-]+)?"


def _child(text: str) -> str | None:
    owner = r"(?:(?i:my|our|her|his|their|the)|(?:Ms|Mrs|Mr|Miss) \w+'s)"
    patterns = [
        r"(?im)^[ \t]*(?:child|child's name|young person)[ \t]*:[ \t]*(?P<name>[^\n,(]{1,40})",
        rf"\b(?:{owner}\s+(?:[\w-]+\s+){{0,3}}?)?(?:{_CHILD_NOUN})\b(?:\s*,\s*|\s*\(\s*|\s+)(?:who is called |called |named )?"
        rf"(?P<name>{_CHILD_NAME})\b",
        rf"\b(?i:mum|mother|dad|father|parent|carer|special guardian|foster carer|grandmother|grandfather|grandparent)"
        rf" (?i:of|to)\s+(?P<name>{_CHILD_NAME})\b",
        rf"\b(?P<name>{_CHILD_NAME})'s\s+(?:special guardian|foster carer|kinship carer|carer|grandmother|grandfather|"
        r"grandparent|mum|mother|dad|father|advocate)\b",
    ]
    for p in patterns:
        for m in re.finditer(p, text):
            words = m.group("name").replace("’", "'").split()
            while words and words[-1] in _NOT_NAME:
                words.pop()
            while words and words[0] in _NOT_NAME:
                words.pop(0)
            if words:
                return " ".join(words)[:40]
    return None


# ----------------------------------------------------------------------------- who, which procedure, which stage

_ROLES: list[tuple[str, str]] = [
    ("special guardian", r"\bspecial guardian(?:ship)?\b"),
    (
        "foster carer",
        r"\bfoster(?:ing)?\s+(?:carer|parent|mum|mother|dad|father|son|daughter|child|placement)|\bI foster\b",
    ),
    (
        "carer",
        r"\b(?:grand(?:mother|father|parent|ma|pa|son|daughter|child)|kinship carer|I am (?:his|her|their|the) (?:main )?carer|"
        r"as (?:his|her|their) carer|my (?:niece|nephew)|I look after (?:my|him|her))\b",
    ),
    (
        "advocate",
        r"\b(?:advocate|advocacy|SENDIASS|IASS|IPSEA|my client|on behalf of (?:Ms|Mr|Mrs|Miss|Mx|the family|the young person))\b",
    ),
]
_PARENT = re.compile(
    r"\b(?:my|our|her|his|their)\s+(?:[\w-]+\s+){0,3}?(?:son|daughter|child|children|boy|girl|twins)\b|"
    r"\b(?:mother|father|mum|dad|parent) of\b|\bas (?:a|his|her|their) (?:parent|mother|father|mum|dad)\b|"
    r"\b(?:mum|mother|dad|father|parents?)\s*\(\s*(?:Mr|Mrs|Ms|Miss|Mx)\b",
    re.I,
)
_YOUNG_PERSON = re.compile(
    r"\bI am (?:1[6-9]|2[0-5])\b|\bI'?m (?:1[6-9]|2[0-5])\b|\bmy (?:own )?(?:EHC ?P?|EHCP|education,? health and care) plan\b|"
    r"\bmy college\b|\bI am a (?:care leaver|young person)\b|\bas a young person\b",
    re.I,
)


def _complainant(text: str) -> str | None:
    for role, pattern in _ROLES:
        if re.search(pattern, text, re.I if role != "advocate" else 0) and not (
            role == "carer"
            and re.search(r"\bcarer'?s assessment\b", text, re.I)
            and not re.search(pattern, re.sub(r"carer'?s assessment", "", text, flags=re.I), re.I)
        ):
            return role
    if _PARENT.search(text):
        return "parent"
    if _YOUNG_PERSON.search(text):
        return "young person"
    return None


_CHILDREN_ACT = re.compile(
    r"\b(?:social workers?|social care|children'?s services|child in need|section 17\b|children act|looked[- ]after|"
    r"in care\b|care plan\b|short breaks?|respite|child protection|safeguarding|leaving care|care leaver|"
    r"personal adviser|pathway plan|special guardian|foster|kinship|family support|disabled children'?s team|"
    r"carer'?s assessment|children'?s complaints procedure|statutory complaints? procedure|independent investigat)",
    re.I,
)
_TRIBUNAL = re.compile(
    r"\b(?:refus\w*\s+(?:to\s+)?(?:carry out|do|undertake|conduct|agree to)?\s*(?:an?\s+)?(?:ehc\s+|education,? health and care\s+)?"
    r"(?:needs\s+)?assess|refus\w*\s+to\s+issue|decided not to (?:assess|issue)|(?:content|wording) of (?:the|his|her|their) "
    r"(?:ehc )?plan|school named in|appeal to the (?:send )?tribunal|send tribunal|tribunal)",
    re.I,
)
_EDUCATION = re.compile(r"\b(?:EHC|EHCP|SEN|SEND|special educational|school|college|tuition|therapy|transport)\b", re.I)


def _procedure(text: str, points: list[str]) -> str | None:
    if _CHILDREN_ACT.search(text):
        return "children-act"
    if _TRIBUNAL.search(text):
        others = [p for p in points if not _TRIBUNAL.search(p) and _failing(p)]
        return "corporate" if others else "send-tribunal"
    if _EDUCATION.search(text):
        return "corporate"
    return None


_STAGE_WORD = {"2": 2, "two": 2, "3": 3, "three": 3, "ii": 2, "iii": 3}
_ASKING = re.compile(
    r"\b(?:want|would like|wish|ask|asking|request|requesting|escalat\w*|go(?:es)? (?:to|on to)|move(?:d)? (?:to|on to)|"
    r"progress\w*|proceed\w*|take (?:it|this|my complaint)|put (?:it|this|my complaint)|be considered|consider|"
    r"investigat\w*|refer\w*|please)\b",
    re.I,
)


def _stage(sentences: list[str]) -> int | None:
    asked: list[int] = []
    for s in sentences:
        if not _ASKING.search(s):
            continue
        for m in re.finditer(r"\bstage\s*(2|3|two|three|ii|iii)\b", s, re.I):
            asked.append(_STAGE_WORD[m.group(1).lower()])
        if re.search(r"\b(?:review panel|stage 3 panel|complaints? review panel|independent panel)\b", s, re.I):
            asked.append(3)
    return max(asked) if asked else None


# ----------------------------------------------------------------------------- points

_ABBREV = re.compile(
    r"\b(Mr|Mrs|Ms|Dr|Mx|Prof|St|No|approx|e\.g|i\.e|etc|vs|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.", re.I
)
_SENT_SPLIT = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[A-Za-z0-9\"“‘(£])|\n+")
_HEADER_LINE = re.compile(
    r"(?im)^[ \t]*(?:dear\b[^\n]*|to whom it may concern[^\n]*|(?:re|subject|from|to|date|sent|cc|complainant(?:'s name)?|"
    r"name|child(?:'s name)?|young person|reference|ref|address|email|tel|phone)[ \t]*:[^\n]*)$"
)
_ASK = re.compile(
    r"^(?:(?:and|so|finally|lastly|also)[, ]+)?(?:I|we)\s+(?:would\s+(?:like|want)|want|wish|am asking|are asking|ask|"
    r"request|expect|hope|need you to|would be grateful)(?! to (?:complain|raise|make|lodge|submit))|^(?:please|can you|could you|I'?d like)\b|"
    r"^(?:what I want|the outcome I want|to put (?:this|things) right)|"
    rf"^(?:(?:they|she|he|{_TITLED})\s+(?:also\s+)?)?(?:wants?|would like|asks?)\b",
    re.I,
)
_PREAMBLE = re.compile(
    r"^(?:I am|I'm|we are|this is)\s+(?:writing|emailing|contacting you)\b(?!.*\b(?:not|no|never|fail|failure|delay|late|"
    r"missed|lack|refus)\w*\b)|^(?:I|we) (?:wish|want|would like) to (?:make|raise|lodge|submit) (?:a |my |our )?(?:formal )?"
    r"complaint\.?$|^(?:I hope you are well|thank you for)",
    re.I,
)
_LIST_ITEM = re.compile(r"(?m)^[ \t]*(?:\(?(?:\d{1,2}|[a-hA-H]|i{1,3}|iv|v)[.)](?!\d)|[-•*–▪◦])[ \t]+(?=\S)")
_INLINE_ITEM = re.compile(r"(?:^|[\s:;,])\(?(?P<n>[1-9]|[a-h])\)\s+(?=\S)")
_INLINE_NUM = re.compile(r"(?:^|(?<=[\s:;,.]))(?P<n>[1-9])\.\s+(?=[A-Z])")  # "1. The OT ... 2. The review ..."
_ORDINAL = (
    r"first(?:ly)?|second(?:ly)?|third(?:ly)?|fourth(?:ly)?|fifth(?:ly)?|next|finally|lastly|in addition|additionally|"
    r"furthermore|moreover|on top of (?:this|that)|as well as this|another (?:issue|problem|concern|complaint|matter|"
    r"thing)|my (?:first|second|third|fourth|next|final|last|other) (?:complaint|concern|issue|point)|the (?:first|second|third|"
    r"fourth|other|final) (?:issue|problem|complaint|concern|point|thing)|(?:I|we|she|he|they) (?:also|further) "
    r"(?:want to |wish to |would like to )?complain|(?:I|we|she|he|they) (?:am|are|is) also complaining|"
    r"(?:I|we|she|he|they) (?:also|further) (?:say|says|said|raise|raises|raised)"
)
_MARKER = re.compile(rf"^(?:{_ORDINAL})\b[,:]?\s*(?:(?:is )?that\s+|about\s+)?", re.I)
_SAYS = (
    r"says|said|states|stated|complains|complained|has complained|is complaining|reports|reported|tells us|told us|"
    r"tells me|told me|explains|explained|feels|felt|believes|alleges|alleged|advises|advised|informs us|informed us|"
    r"adds|added|confirms|confirmed|(?:is |was )?unhappy"
)
# an officer's frame around the complainant's point: "Ms A says (that)", "She also complains about"
_FRAME = re.compile(
    rf"^(?:(?:{_TITLED}|(?i:she|he|they|the complainant|mum|dad|the parents?|the family)(?:\s*\([^)]{{1,40}}\))?)\s+"
    r"(?:also\s+|further\s+)?"
    rf"(?:{_SAYS}|complain)\s+(?:(?i:that|about)\s+)?)",
)
# the complainant's own frame: "As Ellie's foster carer I want to complain that ..."
_OWN_FRAME = re.compile(
    r"^(?:[^.;]{0,60}?\s)?(?:I|we) (?:want|wish|would like|am writing|are writing) to (?:complain|make a (?:formal )?complaint|"
    r"raise a (?:formal )?complaint)\s+(?:that|about)\s+",
    re.I,
)
# what, beyond `app.issues.FAILURE_CUE`, says something went wrong
_FAILING = re.compile(
    r"\b(?:nobody|no[- ]one|nothing|refus\w*|ignor\w*|unanswered|overdue|beyond|weeks? after|months? after|too long|"
    r"still (?:waiting|not|no)|took \w+ (?:weeks|months)|changed \w+ times|wrong|unhappy|poor|lost|"
    r"out of (?:school|education)|excluded|exclusion|cannot|can't|unable|neither|reduced timetable|part[- ]time)\b",
    re.I,
)
# topics that separate points where `app.issues` sees no issue ("Nobody answers my emails" after "No OT for months")
_TOPICS = {
    "contact": r"\b(?:answer\w*|repl(?:y|ied|ies)|respon(?:d|ded|se)|e-?mail\w*|letters?|calls?|phoned?|voicemails?|"
    r"chas(?:ed|ing)|heard back|got back|get back)\b",
    "school place": r"\b(?:named? a school|school place|no school|out of school)\b",
    "assessment": r"\b(?:assessment|EHCNA|20 weeks|final plan|draft plan)\b",
}


def _sentences(text: str) -> list[str]:
    protected = _ABBREV.sub(lambda m: m.group(0).replace(".", "\x00"), text)
    return [s.replace("\x00", ".").strip() for s in _SENT_SPLIT.split(protected) if s and s.strip()]


def _body(text: str) -> str:
    """The complaint without its salutation, header lines and signature block."""
    _, end = _signature(text)
    body = text[:end]
    return _HEADER_LINE.sub("", body).strip()


def _failing(sentence: str) -> bool:
    return bool(FAILURE_CUE.search(sentence) or _FAILING.search(sentence))


def _labels(sentence: str) -> set[str]:
    out = {name for name, rx in _TOPICS.items() if re.search(rx, sentence, re.I)}
    for t in ISSUE_TYPES:
        if re.search(t.pattern, sentence, re.I) and (t.label != "section_f_provision" or _failing(sentence)):
            out.add(t.label)
    return out


def _tidy(point: str) -> str:
    """A point as a sentence of the complainant's: the report frame ("Ms A says") and list markers gone."""
    p = " ".join(point.split()).strip(" ;,")
    p = re.sub(r"^(?:and|but)\s+", "", p, flags=re.I)
    p = _MARKER.sub("", p) if _MARKER.match(p) else p
    p = _FRAME.sub("", p, count=1)
    p = _OWN_FRAME.sub("", p, count=1)
    p = re.sub(r"\s*(?:;|,)?\s*and$", "", p).strip(" ;,")
    if p and p[0].islower():
        p = p[0].upper() + p[1:]
    if p and p[-1] not in '.!?)"”':
        p += "."
    if len(p) > MAX_POINT_CHARS:
        p = p[: MAX_POINT_CHARS - 1].rsplit(" ", 1)[0] + "…"
    return p


def _drop_asks(sentences: list[str]) -> tuple[list[str], list[str]]:
    keep, asks = [], []
    for s in sentences:
        (asks if _ASK.search(_MARKER.sub("", s)) else keep).append(s)
    return keep, asks


def _list_points(body: str) -> list[str] | None:
    starts = [m for m in _LIST_ITEM.finditer(body)]
    if len(starts) >= 2:
        items = []
        for i, m in enumerate(starts):
            end = starts[i + 1].start() if i + 1 < len(starts) else len(body)
            chunk = body[m.end() : end]
            if i + 1 == len(starts):
                chunk = re.split(r"\n[ \t]*\n", chunk)[0]  # the last item ends at the paragraph's end
            items.append(chunk)
        return items
    # inline: "(a) delayed ...; (b) failed ...; and (c) did not ..."
    for rx in (_INLINE_ITEM, _INLINE_NUM):
        if items := _inline_items(body, list(rx.finditer(body))):
            return items
    return None


def _inline_items(body: str, inline: list[re.Match]) -> list[str] | None:
    """Items numbered within a paragraph, when the numbers run 1, 2, 3 (or a, b, c) from the first."""
    if len(inline) >= 2:
        seq = [m.group("n") for m in inline]
        first = seq[0]
        if first in ("1", "a") and all(ord(b) - ord(a) == 1 for a, b in zip(seq, seq[1:], strict=False)):
            items = [
                body[m.end() : (inline[i + 1].start() if i + 1 < len(inline) else len(body))]
                for i, m in enumerate(inline)
            ]
            # "Mr and Mrs D complain that the Council: (a) delayed ..." -> "The Council delayed ..."
            subject = re.search(
                r"\b(the (?:council|local authority|school|college|SEN team))\s*:?\s*$", body[: inline[0].start()], re.I
            )
            if subject:
                items = [f"{subject.group(1)} {it.strip()}" if it.strip()[:1].islower() else it for it in items]
            last = _sentences(items[-1])
            items[-1] = last[0] if last else items[-1]
            return items
    return None


def _grouped(paras: list[list[str]]) -> tuple[list[str], list[str]]:
    """Points from sentences grouped by issue, paragraph by paragraph; and the asks among them."""
    points: list[str] = []
    asks: list[str] = []
    for sents in paras:
        kept, para_asks = _drop_asks(sents)
        asks += para_asks
        points += _sentence_points(kept)
    return points, asks


def _marker_points(paras: list[list[str]]) -> tuple[list[str], list[str]] | None:
    """Points introduced by "Firstly", "Secondly", "I also complain": each runs to the next; what comes before the
    first (unless it is "Firstly") is grouped as sentences are."""
    flat = [(pi, s) for pi, sents in enumerate(paras) for s in sents]
    marks = [i for i, (_, s) in enumerate(flat) if _MARKER.match(s)]
    if not marks or (
        len(marks) < 2
        and not re.match(
            r"(?i)second|another|in addition|additionally|(?:I|we|she|he|they) (?:also|further)", flat[marks[0]][1]
        )
    ):
        return None
    points: list[str] = []
    asks: list[str] = []
    if not re.match(r"(?i)first", flat[marks[0]][1]):
        lead: list[list[str]] = [[] for _ in paras]
        for pi, sent in flat[: marks[0]]:
            lead[pi].append(sent)
        points, asks = _grouped([x for x in lead if x])
    for j, i in enumerate(marks):
        end = marks[j + 1] if j + 1 < len(marks) else len(flat)
        kept, seg_asks = _drop_asks([sent for _, sent in flat[i:end]])
        asks += seg_asks
        if kept:
            points.append(" ".join(kept))
    return points, asks


# what the plan says, before the failure it frames: "His EHC plan says he must have weekly SALT."
_PLAN_CONTEXT = re.compile(
    r"\b(?:plan|section f|provision)\b.*\b(?:says?|should|must|entitled|includes?|sets out)\b", re.I
)


def _sentence_points(sentences: list[str]) -> list[str]:
    groups: list[tuple[set[str], list[str]]] = []
    context: list[str] = []  # what the plan says, before any failure: kept with the first point it frames
    for s in sentences:
        if _PREAMBLE.search(s) and not _labels(s):
            continue
        labels, failing = _labels(s), _failing(s)
        if groups and (not failing or not labels or not groups[-1][0] or labels & groups[-1][0]):
            if failing or labels & groups[-1][0]:
                groups[-1][0].update(labels)
                groups[-1][1].append(s)
            continue
        if failing:
            groups.append((set(labels), [*context, s]))
            context = []
        elif not groups and _PLAN_CONTEXT.search(s):
            context.append(s)
    return [" ".join(g[1]) for g in groups]


def split_complaint(text: str) -> Intake:
    """Read a complaint (a letter, an email or an officer's note) into an `Intake`."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        return Intake()
    body = _body(text)
    first_person = any(re.search(r"\b(?:I|my|me|we|our)\b", s) for s in _sentences(body)[:3])

    paras = [_sentences(p) for p in re.split(r"\n[ \t]*\n", body)]
    raw = _list_points(body)
    asks: list[str] = []
    if raw is not None:
        points = []
        for item in raw:
            kept, item_asks = _drop_asks(_sentences(item))
            asks += item_asks
            if kept:
                points.append(" ".join(kept))
        tail_start = body.rfind(raw[-1].strip()[:40]) if raw and raw[-1].strip() else -1
        if tail_start >= 0:
            _, tail_asks = _drop_asks(_sentences(body[tail_start + len(raw[-1].strip()) :]))
            asks += tail_asks
    else:
        points, asks = _marker_points(paras) or _grouped(paras)
    if not points and body:
        points = [body]
    points = [p for p in (_tidy(p) for p in points) if len(p) >= 3]
    outcome = " ".join(_tidy(a) for a in dict.fromkeys(asks)) or None

    return Intake(
        points=points,
        name=_name(text, first_person),
        child=_child(text),
        complainant=_complainant(text),
        stage_requested=_stage(_sentences(text)),
        procedure_hint=_procedure(text, points),
        outcome_sought=outcome[:10_000] if outcome else None,
    )
