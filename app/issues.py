"""Issue spotting: which complaint issues a set of facts raises, and what to search the precedents for each.

Rules are deliberately plain (keyword patterns over the user's own words) so that a parent can see why an
issue was raised, and so the template writer is deterministic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class IssueType:
    label: str
    title: str  # how a letter names the point
    pattern: str  # over the facts' text, case-insensitive
    query: str  # the precedent search; {provision} is filled from the facts
    duty: str  # one plain sentence of the duty, in our words (no citation needed: it is a heading, not a claim)
    remedy: str = (
        ""  # what a remedy for this issue is about: the remedy search, and words a remedy paragraph must share
    )
    remedy_words: str = r"\w"
    topic: str = r"."  # what a paragraph chosen for this issue must mention, whatever its role (law, finding, remedy)


ISSUE_TYPES: list[IssueType] = [
    IssueType(
        "section_f_provision",
        "Provision in the EHC Plan has not been delivered",
        r"\b(therap|occupational|\bOT\b|speech|language|SALT|physio|section f|provision|tutor|1:1|one[- ]to[- ]one|teaching assistant|"
        r"specialist teach|sessions?|support (in|set out in|from) (the|his|her|their) plan|not (been )?(provided|delivered|received|in place))",
        "council failed to secure {provision} set out in section F of the EHC plan; missed provision; fault; payment to remedy lost provision",
        "The council must secure the special educational provision in Section F of an EHC Plan; the duty cannot be delegated.",
        "recommended the Council pay to reflect the missed provision in the EHC plan and apologise",
        r"provision|sessions|therap|tuition|support",
        topic=r"section f|provision|therap|\bOT\b|SALT|speech|sessions",
    ),
    IssueType(
        "annual_review",
        "The annual review was late or not completed",
        r"\b(annual review|review (meeting )?(was )?(late|delayed|overdue|not held|never)|amended plan|final (amended )?plan (was )?(late|delayed)|"
        r"(has not|hasn't|did not|didn't) (been )?review)",
        "council delayed the annual review of the EHC plan and did not issue the amended plan in time; fault; uncertainty and lost right of appeal",
        "The council must review an EHC Plan at least every 12 months and issue its decision promptly after the review meeting.",
        "payment to recognise the uncertainty and distress caused by the delay in the annual review and issuing the amended plan",
        r"review|uncertainty|amended|plan",
        topic=r"annual review|\breview|amended (ehc )?plan",
    ),
    IssueType(
        "needs_assessment",
        "The EHC needs assessment was delayed",
        r"\b(needs assessment|ehc ?(needs )?assessment|assess(ment)? (of|for) (his|her|their|my) (needs|sen)|20[- ]weeks?|"
        r"request(ed)? (an? )?(ehc|assessment)|draft plan|issue (an? )?(ehc )?plan)",
        "council delayed the EHC needs assessment beyond the 20 week timescale; delay issuing the EHC plan; fault",
        "The council must complete an EHC needs assessment and issue any final EHC Plan within 20 weeks of the request.",
        "payment to recognise the delay in completing the EHC needs assessment and issuing the plan",
        r"assessment|delay|plan",
        topic=r"needs assessment|ehc (needs )?assessment|20[- ]week|educational psycholog|\bassess",
    ),
    IssueType(
        "out_of_school",
        "The child has been out of school without suitable education",
        r"\b(out of (school|education)|not (been )?(in|attending) school|no school (place)?|section 19|alternative (education|provision)|"
        r"excluded|exclusion|home[- ]?(schooled|tuition)|tuition|missing education|no education|school refus|unable to attend)",
        "child out of school without suitable full-time education; council failed to arrange alternative provision under section 19; fault",
        "Where a child cannot attend school, the council must arrange suitable education (section 19 Education Act 1996).",
        "payment to recognise the education the child lost while out of school without alternative provision",
        r"education|school|tuition|provision|lost",
        topic=r"section 19|alternative (education|provision)|out of school|not attending|unable to attend|suitable education|full[- ]time education|tuition|missing education",
    ),
    IssueType(
        "transport",
        "Home to school transport was refused or not provided",
        r"\b(transport|taxi|bus pass|travel assistance|escort|journey to school)",
        "council refused or failed to provide home to school transport for a child with special educational needs; fault",
        "The council must provide free travel where a child is eligible, and decide transport applications properly.",
        "reimburse the parent's transport costs and pay for the distress caused by the lack of school transport",
        r"transport|travel|mileage|taxi|journey",
        topic=r"transport|travel",
    ),
    IssueType(
        "personal_budget",
        "Personal budget or direct payments",
        r"\b(personal budget|direct payments?)",
        "council delayed or failed to pay direct payments or a personal budget; missed payments; fault; repay money owed",
        "Direct payments and personal budgets agreed by the council must be paid correctly and on time.",
        "repay the direct payments missed and pay for the time and trouble",
        r"direct payment|personal budget|missed|repay",
        topic=r"personal budget|direct payment",
    ),
    IssueType(
        "social_care_assessment",
        "Social care assessment for a disabled child",
        r"\b(social care|social worker|section 17|child in need|disabled children|short breaks?|respite|carer'?s assessment)",
        "council failed to assess a disabled child's social care needs under section 17; delay; short breaks; fault",
        "The council must assess a disabled child's needs for social care support and provide what it has assessed as needed.",
        "payment for the distress caused by the delay in the social care assessment and missed support",
        r"assess|social care|support|short break|delay",
        topic=r"section 17|social care|short breaks?|disabled child|respite|\bassess",
    ),
    IssueType(
        "complaint_handling",
        "The complaint was not handled properly",
        r"\b(complain(t|ed)? .{0,60}(ignored|no (reply|response)|not (replied|responded|answered)|late|delay|never heard|weeks)|"
        r"(ignored|not answered|not responded to|no response to|no reply to) (my |our |the |a )?(formal )?complaint|"
        r"complain.{0,150}?no (acknowledg|reply|response)|"
        r"stage (1|2|one|two) .{0,40}(late|delay|no response|not)|(no|never|didn't|did not) (get|receive|had) (a )?(reply|response))",
        "council delayed responding to the complaint at stage one and stage two of its complaints procedure; complaint handling fault; time and trouble",
        "The council should answer complaints within the timescales its own complaints procedure sets.",
        "payment to recognise the time and trouble caused by delays in complaint handling",
        r"complain|time and trouble",
        topic=r"complain|stage (one|two|1|2)",
    ),
    IssueType(
        "communication",
        "Poor communication",
        r"\b(emails? .{0,40}(ignored|unanswered|no (reply|response))|(ignored|unanswered) .{0,30}(emails?|calls?|letters?)|chas(ed|ing)|"
        r"no one (has )?(replied|responded|got back)|not kept (me )?(informed|updated)|communication|no (reply|response)|"
        r"emailed .{0,40}(times|twice|again)|without telling (me|us)|(nobody|no one|no-one) (told|tells|has told) (me|us))",
        "council failed to respond to a parent's emails and keep her updated; poor communication; frustration; time and trouble",
        "The council should respond to a family's contacts and keep them informed.",
        "apologise and pay for the frustration caused by poor communication and time and trouble chasing the Council",
        r"communicat|frustration|time and trouble|chas",
        topic=r"communicat|respon|update|e-?mails?|contact|chas|correspondence",
    ),
]

BY_LABEL = {t.label: t for t in ISSUE_TYPES}


FAILURE_CUE = re.compile(
    r"(miss|\bnot\b|n't\b|\bno\b|none|cancel|stop|never|only|reduc|gap|lack|fail|without|late|delay)", re.I
)


def spot_issues(text: str) -> list[IssueType]:
    """The issue types whose pattern the facts' text matches, in a fixed order. Provision counts as an issue only
    where a sentence that names it also says something is missing ("no OT since September"), not wherever the plan
    is described."""
    found = []
    sentences = re.split(r"(?<=[.!?])\s+|\n", text)
    for t in ISSUE_TYPES:
        if t.label == "section_f_provision":
            if any(re.search(t.pattern, s_, re.I) and FAILURE_CUE.search(s_) for s_ in sentences):
                found.append(t)
        elif re.search(t.pattern, text, re.I):
            found.append(t)
    return found


def issue_query(t: IssueType, provision: str | None, issue_text: str) -> str:
    prov = (provision or "special educational provision").strip()
    prov = re.sub(r"\s+", " ", prov)[:200]
    return t.query.format(provision=prov)


# Council matters these decisions do not cover. When the facts are about one of these and carry no strong sign of
# special educational needs or children's services, the honest answer is "no close precedent", not a stretched one.
OUTSIDE_CORPUS = re.compile(
    r"\b(parking|penalty charge|pcn|council tax|planning (permission|application)|bin collection|refuse collection|fly[- ]?tipping|"
    r"noise nuisance|noisy neighbour|housing benefit|pothole|business rates|licen[cs]ing|allotment)",
    re.I,
)
STRONG_SCOPE = re.compile(
    r"\b(ehc|education,? health and care|section f|special educational|\bsen\b|send|annual review|needs assessment|social care|"
    r"social worker|child in need|direct payments?|personal budget|alternative provision|section 19|school transport|"
    r"home to school|short breaks|disabled child)",
    re.I,
)


def outside_corpus(text: str) -> str | None:
    """The out-of-corpus topic the facts are about ('parking'), or None."""
    m = OUTSIDE_CORPUS.search(text)
    if m and not STRONG_SCOPE.search(text):
        return m.group(1).lower()
    return None
