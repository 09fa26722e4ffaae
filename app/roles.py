"""Paragraph roles: the job a paragraph does in its decision, so a letter quotes a finding as a finding.

`paragraph_role(section, text, kind)` reads the heading the Ombudsman wrote it under, then the cues in its own words
("Mrs X complained", "The Council says", "This was fault", "was not fault", "The Council has agreed to",
"I have completed my investigation"); `sentence_roles(text)` gives each sentence of a summary a role. Roles are
computed from the paragraph itself, where it is read: nothing is stored.

Measured on evals/gold/roles.jsonl (305 hand-labelled paragraphs, every third held out; `tests/test_roles.py`,
`precedent eval`): 0.990 on the 204 tuning paragraphs, 0.990 on the 101 held out (one miss each: a paragraph
that opens with the complainant and goes on to the council's reply; a report's "However, Y went into ..." finding read
as facts). The heading decides most paragraphs; the cues decide findings, chronologies and a report's chapters.
"""

from __future__ import annotations

import re
from typing import Literal, get_args

Role = Literal[
    "complaint",
    "background",
    "council_account",
    "law",
    "finding_fault",
    "finding_no_fault",
    "remedy",
    "decision",
    "jurisdiction",
]
ROLES: tuple[Role, ...] = get_args(Role)


def _re(*alternatives: str) -> re.Pattern[str]:
    return re.compile("|".join(alternatives), re.IGNORECASE)


# ----------------------------------------------------------------------------- headings

# The headings the Ombudsman writes under, first match wins (so "Council complaint procedure" is the council's own
# procedure before "procedure" is law, and "Final decision" is a decision before "decision" could mean anything else).
SECTION_ROLES: list[tuple[re.Pattern[str], str]] = [
    (
        _re(r"role and powers", r"what (i|we) (have|did)( and have not)? (not )?investigat", r"how (i|we) considered"),
        "jurisdiction",
    ),
    (_re(r"^council.*(complaint|procedure|policy)", r"council'?s? complaint procedure"), "council_account"),
    (_re(r"complaint handling"), "finding"),
    (_re(r"\w's complaint$"), "complaint_story"),
    (_re(r"complaint$", r"^the complaint", r"^complaint"), "complaint"),
    (_re(r"agreed action", r"^action", r"recommendation", r"remed"), "remedy"),
    (_re(r"decision"), "decision"),
    (_re(r"analysis", r"finding", r"conclusion", r"assessment", r"what (i|we) found", r"consideration"), "finding"),
    (
        _re(
            r"\blaw\b",
            r"guidance",
            r"legislation",
            r"what should have happened",
            r"\bact \d{4}",
            r"statutory compla",
            r"procedure",
            r"ehc\)? plans?",
            r"section \d+",
            r"transport",
            r"responsibilities",
        ),
        "law",
    ),
    (_re(r"summary", r"overview"), "summary"),
]


def section_role(section: str) -> str:
    """What a heading promises: a role, or 'finding' (fault or not, read from the text), 'summary', 'background'."""
    s = section.strip().replace("’", "'")
    for pattern, role in SECTION_ROLES:
        if pattern.search(s):
            return role
    return "background"  # "What happened", "2022", "Child X", "Background events", report chapters of facts


# ----------------------------------------------------------------------------- cues in the words

NO_FAULT = _re(
    r"\bno fault\b",
    r"\bnot (at )?fault\b",
    r"\b(do|did|does|cannot|can ?not) not find\b[^.]{0,60}\bfault",  # "I do not find the Council at fault for ..."
    r"\bnot find\b[^.]{0,60}\bfault",
    r"\bfind no fault\b",
    r"\bwas not fault",
    r"\bno flaws\b",
    r"not enough evidence of fault",
    r"no evidence of fault",
    r"\bwithin the (timescale|time limit)",
    r"provided sufficient evidence",
    r"fully considered and accepted",
    r"were not the same as the faults",
    r"we accept the view",
    r"did complete the whole process",
    r"^the council properly considered",
)
FAULT = _re(
    r"\bfault\b",
    r"\bfailed to\b",
    r"\bfailings?\b",
    r"\binjustice\b",
    r"\bwe upheld\b",
    r"\bupheld the complaint\b",
    r"\bi (am|was) (also )?concerned\b",
    r"\bnot convinced\b",
    r"it is clear",
    r"\bdelayed\b",
    r"\bshould (not )?have\b",
    r"\bwe (considered|noted|accepted|recognised|questioned|found)\b",
    r"\bstill owes\b",
    r"^this caused\b",
    r"\bi calculated\b",
)
REMEDY = _re(
    r"\bi recommended\b",
    r"^we recommend",
    r"\bwe recommend within",
    r"\bshould pay\b",
    r"\bwill pay\b",
    r"\bhas agreed to\b(?! resolve)",
    r"\bagreed to (apologise|pay|take|my recommendation)",
    r"\bto remedy the injustice\b",
    r"\basked (to )?the council to consider remedying",
    r"\bagreed to resolve the complaint\b",
    r"\bwithin (one|two|three|\d+) months?\b.*\b(will|should)\b",
)
DECISION = _re(
    r"\b(i|we) (have )?completed (my|our|the) investigation",
    r"\bwe will not (start an )?investigat",
    r"\bi will not investigate this complaint",
    r"\bwe will not investigate\b",
    r"\bi find fault causing injustice\b",
    r"\bwe have published this report\b",
)
COUNCIL = _re(
    r"^(the|in its|in the) council'?s? (says|said|responded|replied|told|accepted|sent|also sent|confirmed|apologised)",
    r"^the council responded",
    r"^in \w+ \d{4},? the council (gave|sent|replied|responded|wrote)",
    r"^in (its|the council's) (final |stage \w+ |complaint )?(response|reply)",
    r"^it (said|says|apologised|told)",
    r"^the council'?s? (final |second stage |stage \w+ )?(response|reply)",
    r"^the council (also )?sent us",
    r"^the council told us\b",
    r"^during our investigation(,)? (we asked the council|the council told)",
    r"^the council (has|had) a \w+-stage complaint",
    r"^if the complainant remains dissatisfied the council",
    r"^the council'?s adjudicating officer",
    r"wrote to \w+ \w+ in \w+ \d{4} with the council's response",
    r"in its final response, the council said",
    r"^the council appointed an investigating officer",
)
COMPLAINANT = r"(mrs?|ms|miss|mr and mrs|the complainant)\s*\(?[a-z]?\)?"
COMPLAINT = _re(
    rf"^{COMPLAINANT} (\w+ )?(complain|says|said|told|wants|was unhappy|escalated|made a complaint)",
    rf"^{COMPLAINANT}, [^,]{{1,60}}, (complain|says|said|told|wants)",  # "Mr X, a care leaver, complains the Council..."
    r"^(they|she|he) (complain|say)",
    r"^the complainant\b.{0,60}?\b(complain|says|said)",
    r"^i will refer to the complainant",
    rf"^{COMPLAINANT}'s view is",
    r"^(later that month|in \w+ \d{4}),? \w+ \w+ (complained|escalated)",
    r"^three weeks later \w+ \w+ escalated",
    rf"^{COMPLAINANT} complains on behalf",
    r"^from late \w+ \d{4}",
)
LAW = _re(
    r"^(where|when) a (child|council)",
    r"^a child (or young person )?with (special educational needs|sen)",
    r"\bcarry a right of appeal\b",
    r"\bthe law (says|sets out)\b",
    r"\bstatutory guidance\b",
    r"\(section \d+",
    r"\bact (19|20)\d\d\b",
    r"^the council'?s responsibilities",
    r"^the council is responsible for",
)
JURISDICTION = _re(
    r"\bwe (cannot|can)( normally| separately)? (investigate|look|question)",
    r"\bmatter for the (send )?tribunal",
    r"\bi (will not|have not) investigat\w* .* (because|complaint that)",
    r"\bthe ombudsman would not normally",
    r"\binformation sharing agreement\b",
)


COUNCIL_POLICY = _re(
    r"^the council'?s (own )?(local )?(policy|procedure|guidance|criteria|scheme|transport policy)",
    r"^the council has a \w+[- ]stage",
    r"^the council'?s? (policy|website) (says|states)",
)


def _first(text: str) -> str:
    return text.strip().replace("’", "'").replace("‘", "'")


LATE_OR_TRIBUNAL = _re(
    r"more than 12 months ago",
    r"\blate complaints?\b",
    r"matter for the (send )?tribunal",
    r"information sharing agreement",
)
# The investigator's own verdict: what makes "Ms B says the Council failed ... and failure to do so is fault" a finding
VERDICT = _re(
    r"\bfault\b",
    r"\bi (find|found|consider|decided|am satisfied)\b",
    r"\bsatisfies me\b",
    r"\bthe evidence (suggested|shows|i have seen)\b",
)


def _sentences(t: str) -> list[str]:
    return [s for s in SENTENCE_SPLIT.split(t) if s.strip()]


def _finding(t: str) -> str:
    """A paragraph under a findings heading: the decision, a remedy, or whether it finds fault; an account or a
    complaint when the investigator is reporting what someone said; bare facts are background."""
    if DECISION.search(t):
        return "decision"
    if LATE_OR_TRIBUNAL.search(t) or (JURISDICTION.search(t) and not FAULT.search(t)):
        return "jurisdiction"
    if REMEDY.search(t):
        return "remedy"
    if NO_FAULT.search(t):
        return "finding_no_fault"
    if not VERDICT.search(t):
        if any(COUNCIL.search(s) for s in _sentences(t)):
            return "council_account"
        if COMPLAINT.search(t):
            return "complaint"
    if LAW.search(t) and not FAULT.search(t):
        return "law"
    if FAULT.search(t):
        return "finding_fault"
    return "background"


# A report's findings chapters reuse the facts chapters' headings ("Child X"): the investigator's voice tells them apart
REPORT_FINDING = _re(
    r"\bwe (upheld|considered|noted|accept|accepted|recognised|questioned)\b", r"\bfault\b", r"\bfail", r"injustice"
)
# Outside the findings, "I decided the faults ... were not the same" is still a finding
OWN_VERDICT = _re(r"\bi (find|found|consider|considered this|decided)\b")


def _narrative(t: str, kind: str, default: str = "background") -> str:
    """A paragraph of facts: who is speaking decides, and a report's findings chapters reuse the facts' headings."""
    if COUNCIL.search(t):
        return "council_account"
    if COMPLAINT.search(t):
        return "complaint"
    if (kind == "report" and REPORT_FINDING.search(t)) or OWN_VERDICT.search(t):
        return _finding(t)
    return default


def paragraph_role(section: str, text: str, kind: str = "decision") -> Role:
    """The role of one paragraph, from its heading, its words and its document's kind."""
    if kind == "council response":
        return "council_account"  # a council's own paper is its account, whatever it quotes
    if kind == "law":
        return "law"  # a statutory extract (corpus/law) is law, whatever its heading
    t = _first(text)
    by_section = section_role(section)
    if by_section == "law" and COUNCIL_POLICY.search(t):
        return "council_account"  # the council's own policy, under a law heading, is still not the law
    if by_section in ("jurisdiction", "complaint", "law", "council_account"):
        return by_section  # type: ignore[return-value]
    if by_section == "remedy":
        return "remedy"
    if by_section == "decision":
        return "decision"
    if by_section in ("finding", "summary"):
        return _finding(t)  # type: ignore[return-value]
    if by_section == "complaint_story":
        return _narrative(t, kind, "complaint")  # type: ignore[return-value]
    return _narrative(t, kind)  # type: ignore[return-value]


SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"'(])")


def sentence_roles(text: str) -> list[tuple[str, Role]]:
    """Each sentence of a summary with its role, read as a findings paragraph would be."""
    out: list[tuple[str, Role]] = []
    for s in SENTENCE_SPLIT.split(text.strip()):
        if s.strip():
            out.append((s.strip(), _summary_sentence(_first(s))))
    return out


# A summary names its remedy in a few words ("are a partial remedy", "The Council will review ...")
SUMMARY_REMEDY = _re(r"\bremedy\b", r"^the council (will|has agreed|agreed|should)\b", r"^an apology\b")


def _summary_sentence(t: str) -> Role:
    if COMPLAINT.search(t) and re.search(r"\bcomplain(s|ed|t)?\b|\bsa(ys|id)\b|\btold\b", t, re.I):
        return "complaint"
    if SUMMARY_REMEDY.search(t) and not re.search(r"\bfail", t, re.I):
        return "remedy"
    return _finding(t)  # type: ignore[return-value]
