"""Issue spotting: which complaint issues a set of facts raises, and what to search the precedents for each.

Rules are deliberately plain (keyword patterns over the user's own words) so that a parent can see why an
issue was raised, and so the template writer is deterministic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .facts import Facts


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
    provisions: tuple[str, ...] = ()  # the duties that apply, as law register ids (app.law), most decisive first
    needs_plan: bool = False  # arises only where the child has an EHC plan
    route: str = "corporate"  # "send" (a Tribunal right may matter), "children-act" (statutory procedure), "corporate"
    ask: str = ""  # what a parent usually asks for on this issue (the letter's default ask)
    action: str = ""  # what a council that upholds it does (an officer's default action)
    events: tuple[str, ...] = ()  # named dates (Facts.dates / found in the facts) that show this issue


ISSUE_TYPES: list[IssueType] = [
    IssueType(
        "section_f_provision",
        "Provision in the EHC Plan has not been delivered",
        r"\b(therap|occupational|\bOT\b|speech|language|SALT|physio|section f|provision|tutor|1:1|one[- ]to[- ]one|teaching assistant|"
        r"specialist teach|sessions?|support (in|set out in|from) (the|his|her|their) plan|not (been )?(provided|delivered|received|in place))",
        "council failed to secure {provision} set out in section F of the EHC plan; missed provision; fault; payment to remedy lost provision",
        "The council must secure the special educational provision in Section F of an EHC Plan; councils cannot delegate this duty.",
        "recommended the Council pay to reflect the missed provision in the EHC plan and apologise",
        r"provision|sessions|therap|tuition|support",
        topic=r"section f|provision|therap|\bOT\b|SALT|speech|sessions",
        provisions=("CFA2014-s42",),
        needs_plan=True,
        ask="confirmation of when all the provision in Section F will be in place and who will deliver it",
        action="put all the provision in Section F in place and confirm who will deliver it",
    ),
    IssueType(
        "needs_assessment",
        "The EHC needs assessment was delayed",
        r"\b(needs assessment|ehc ?(needs )?assessment|assess(ment)? (of|for) (his|her|their|my) (needs|sen)|20[- ]weeks?|"
        r"request(ed)? (an? )?(ehc|assessment)|draft plan|issue (an? )?(ehc )?plan|refused to assess|decision (not )?to assess)",
        "council delayed the EHC needs assessment beyond the 20 week timescale; delay issuing the EHC plan; fault",
        "The council must decide whether to assess within 6 weeks of a request, and issue any final EHC Plan within 20 weeks of it.",
        "payment to recognise the delay in completing the EHC needs assessment and issuing the plan",
        r"assessment|delay|plan",
        topic=r"needs assessment|ehc (needs )?assessment|20[- ]week|\bassess",
        provisions=("SEND2014-reg5", "SEND2014-reg4", "SEND2014-reg13", "SEND2014-reg13-3", "CFA2014-s36"),
        route="send",
        ask="the assessment completed and the final plan issued without further delay, with a date",
        events=("assessment_requested", "decision_to_assess"),
        action="complete the assessment and issue the final plan",
    ),
    IssueType(
        "annual_review",
        "The annual review was late or not completed",
        r"\b(annual review|review (meeting )?(was )?(late|delayed|overdue|not held|never)|amended plan|final (amended )?plan (was )?(late|delayed)|"
        r"(has not|hasn't|did not|didn't) (been )?review|not (been )?reviewed)",
        "council delayed the annual review of the EHC plan and did not issue the amended plan in time; fault; uncertainty and lost right of appeal",
        "The council must review an EHC Plan at least every 12 months, tell the family its decision within 4 weeks of the review meeting, and issue any amended plan within 8 weeks of proposing the amendments.",
        "payment to recognise the uncertainty and distress caused by the delay in the annual review and issuing the amended plan",
        r"review|uncertainty|amended|plan",
        topic=r"annual review|\breview|amended (ehc )?plan",
        provisions=("SEND2014-reg20", "SEND2014-reg22", "CFA2014-s44"),
        needs_plan=True,
        route="send",
        ask="the review decision and the final amended plan issued without further delay, with a date",
        events=("review_meeting", "amendment_notice"),
        action="issue the review decision and the final amended plan",
    ),
    IssueType(
        "phase_transfer",
        "The plan was not amended in time for the move to a new school or college",
        r"\b(phase transfer|transition (to|into) (secondary|year 7|college|post[- ]?16)|mov(e|ing) (up )?to (secondary|college|year 7)|"
        r"secondary (school )?(place|placement|transfer)|15(th)? february|31(st)? march|named (school|setting|college) for september|"
        r"no school named|school (was )?not named)",
        "council failed to amend the EHC plan and name a school by 15 February before phase transfer; uncertainty; fault",
        "Before a move between phases of education, the council must review and amend the EHC Plan, naming the new school, by 15 February (31 March for a move to post-16 education).",
        "payment to recognise the uncertainty caused by the late phase transfer and naming of a school",
        r"transfer|placement|school|uncertainty",
        topic=r"phase transfer|transition|15 february|secondary|placement|named",
        provisions=("SEND2014-reg18",),
        needs_plan=True,
        route="send",
        ask="the amended plan naming the new school issued now, so that the move can be planned",
        events=("phase_transfer_deadline",),
        action="issue the amended plan naming the new school or college",
    ),
    IssueType(
        "tribunal_order",
        "The council has not carried out the Tribunal's order",
        r"\b(tribunal (ordered|order|decision|decided|directed|said)|order(ed)? by the tribunal|(won|after) (at |the |our |my )*(send )?tribunal|"
        r"tribunal .{0,80}(not (been )?(implemented|followed|complied|carried out)|still (not|no|hasn't))|appeal was (allowed|successful))",
        "council failed to implement the SEND Tribunal's order within the timescale; delay amending and issuing the plan; fault",
        "When the SEND Tribunal orders a change to an EHC Plan, the council must carry out the order within the time the regulations set.",
        "payment to recognise the delay in implementing the Tribunal's order and the provision lost",
        r"tribunal|order|delay|provision",
        # the order itself, not any mention of the Tribunal ("delayed her right of appeal to the SEND tribunal" is
        # a finding about appeal rights, filed under this heading by an adviser's read of d17)
        topic=r"tribunal'?s? (order|decision|direction)|(tribunal|court) (ordered|directed)|ordered by the (send |first-tier )?"
        r"tribunal|(implement|compl[yi]\w* with|carr[yi]\w* out|follow\w*) (the |its |a |this )?(tribunal|order)",
        provisions=("SEND2014-reg44",),
        needs_plan=True,
        ask="the Tribunal's order carried out now, with a date",
        events=("tribunal_order",),
        action="carry out the Tribunal's order in full",
    ),
    IssueType(
        "personal_budget",
        "Personal budget or direct payments",
        r"\b(personal budget|direct payments?)",
        "council delayed or failed to pay direct payments or a personal budget; missed payments; fault; repay money owed",
        "Direct payments and personal budgets agreed by the council must be paid correctly and on time, and may be stopped only for the reasons the regulations allow, with notice and reasons.",
        "repay the direct payments missed and pay for the time and trouble",
        r"direct payment|personal budget|missed|repay",
        topic=r"personal budget|direct payment",
        provisions=("CFA2014-s49", "SENPB2014-reg12"),
        ask="the payments reinstated and the missed payments repaid, and the reasons for the decision in writing",
        action="review the decision on the direct payments and give you written reasons",
    ),
    IssueType(
        "transport",
        "Home to school transport was refused or not provided",
        r"\b(transport|taxi|bus pass|travel assistance|escort|journey to school|mileage)",
        "council refused or failed to provide home to school transport for a child with special educational needs; fault",
        "The council must make suitable travel arrangements, free of charge, for an eligible child, and decide transport applications properly.",
        "reimburse the parent's transport costs and pay for the distress caused by the lack of school transport",
        r"transport|travel|mileage|taxi|journey",
        topic=r"transport|travel",
        provisions=("EA1996-s508B", "EA1996-Sch35B"),
        ask="suitable transport arranged now, and my travel costs reimbursed",
        action="arrange suitable home to school transport",
    ),
    IssueType(
        "out_of_school",
        "The child has been out of school without suitable education",
        r"\b(out of (school|education)|not (been )?(in|attending|going to) school|no school (place)?|section 19|alternative (education|provision)|"
        r"excluded|exclusion|home[- ]?(schooled|tuition)|(alternative|online|home) tuition|tuition (at home|instead)|missing education|(receiving|getting|had|having) no education|no education (at all|since|for)|school refus|unable to attend|"
        r"can(no|')t attend|part[- ]time timetable|reduced timetable|off[- ]roll|(medical|health) needs)",
        "child out of school without suitable full-time education; council failed to arrange alternative provision under section 19; fault",
        "Where a child of compulsory school age would not otherwise receive suitable education, because of illness, exclusion or otherwise, the council must arrange it (section 19 Education Act 1996); the duty applies whether or not the child is on a school roll and whether or not there is an EHC Plan.",
        "payment to recognise the education the child lost while out of school without alternative provision",
        r"education|school|tuition|provision|lost",
        topic=r"section 19|alternative (education|provision)|out of school|not attending|unable to attend|suitable education|full[- ]time education|tuition|missing education",
        provisions=("EA1996-s19", "DfE-health-needs"),
        ask="suitable full-time education arranged now under section 19, with a start date",
        action="arrange suitable full-time education under section 19 of the Education Act 1996",
    ),
    IssueType(
        "eotas",
        "Education otherwise than at school",
        r"\b(eotas|education otherwise than (at|in) (a )?school|otherwise than (at|in) (a )?school|home education package|package of education at home)",
        "council failed to deliver education otherwise than at school set out in the EHC plan; EOTAS package; fault",
        "Where the EHC Plan specifies education otherwise than at school, the council must arrange that provision.",
        "payment to recognise the EOTAS provision the child missed",
        r"education|provision|package|tuition",
        topic=r"otherwise than|eotas|package|home",
        provisions=("CFA2014-s61", "CFA2014-s42"),
        needs_plan=True,
        ask="the education otherwise than at school in the plan arranged now, with a start date",
        action="arrange the education otherwise than at school set out in the plan",
    ),
    IssueType(
        "social_care_assessment",
        "Social care assessment and support for a disabled child",
        r"\b(social care|social worker|section 17|child in need|disabled children|short breaks?|respite|carer'?s assessment|care package)",
        "council failed to assess a disabled child's social care needs under section 17; delay; short breaks; fault",
        "The council must assess a disabled child's needs for social care support and provide what it has assessed as needed.",
        "payment for the distress caused by the delay in the social care assessment and missed support",
        r"assess|social care|support|short break|delay",
        topic=r"section 17|social care|short breaks?|disabled child|respite|\bassess",
        provisions=("CA1989-s17", "CA1989-s17-10", "CA1989-s17ZD"),
        route="children-act",
        ask="the assessment completed and the support it identifies put in place, with dates",
        action="complete the assessment and put the support it identifies in place",
    ),
    IssueType(
        "children_act_complaint",
        "The Children Act complaints procedure was not followed",
        r"\b(stage (2|two) investigation|independent (investigator|person)|investigating officer|review panel|stage (3|three)|statutory (children'?s )?complaints?|"
        r"children act (complaints?|procedure)|representations procedure)",
        "council delayed the statutory children's complaints procedure; stage 2 investigation; stage 3 review panel not convened; fault",
        "A complaint about children's social care goes through the Children Act 1989 statutory procedure: a stage 2 investigation within 25 working days (65 at most), and a review panel within 30 working days of the request.",
        "payment for the time and trouble caused by delays in the statutory complaints procedure",
        r"complain|panel|stage|time and trouble",
        topic=r"complain|panel|stage|investigat",
        provisions=("CA1989-s26", "CAReps2006-reg17", "CAReps2006-reg19"),
        route="children-act",
        ask="the next stage of the statutory procedure arranged now, with a date",
        events=("panel_requested", "stage2_requested"),
        action="arrange the next stage of the statutory complaints procedure",
    ),
    IssueType(
        "special_guardianship",
        "Special guardianship support",
        r"\b(special guardian(ship)?|\bSGO\b|special guardianship (order|allowance|support))",
        "council reduced or stopped a special guardianship allowance under a blanket policy; fettered discretion; financial support; fault",
        "A council must assess and review special guardianship support, including financial support, on each family's circumstances under the Special Guardianship Regulations 2005; a blanket policy that ignores them fetters its discretion.",
        "backdated special guardianship allowance and payment for distress",
        r"allowance|financial|support|backdat|pay",
        topic=r"special guardian|allowance|financial support",
        provisions=("SGR2005-reg6", "SGR2005-reg13"),
        route="children-act",
        ask="a fresh assessment of our circumstances, with a written decision and reasons, and any allowance found payable backdated to when I asked",
        action="reassess the special guardianship allowance on your family's own circumstances",
    ),
    IssueType(
        "care_leaver",
        "Support for a care leaver",
        r"\b(care leaver|leaving care|pathway plan|personal adviser|former relevant child|staying put|left care)",
        "council failed to provide leaving care support, a pathway plan and personal adviser to a care leaver; fault",
        "A council has continuing duties to a young person who has left its care, including a personal adviser and a pathway plan.",
        "payment for the distress caused by the missed leaving care support",
        r"care leaver|support|pathway|adviser",
        topic=r"care leaver|leaving care|pathway|personal adviser",
        provisions=("CA1989-s23C", "CA1989-s23C-5A"),
        route="children-act",
        ask="a personal adviser and an up-to-date pathway plan in place now",
        action="confirm your personal adviser and bring your pathway plan up to date",
    ),
    IssueType(
        "complaint_handling",
        "The complaint was not handled properly",
        r"\b(complain(t|ed)? .{0,60}(ignored|no (reply|response)|not (replied|responded|answered)|late|delay|never heard|weeks)|"
        r"(ignored|not answered|not responded to|no response to|no reply to) (my |our |the |a )?(formal )?complaint|"
        r"complain.{0,150}?no (acknowledg|reply|response)|"
        r"stage (1|2|one|two) .{0,40}(late|delay|no response|not)|(no|never|didn't|did not) (get|receive|had) (a )?(reply|response))",
        "council delayed responding to the complaint at stage one and stage two of its complaints procedure; complaint handling fault; time and trouble",
        "A council should acknowledge a complaint within 5 working days and answer it within 10 working days at stage 1 and 20 at stage 2 (the Ombudsman's Complaint Handling Code).",
        "payment to recognise the time and trouble caused by delays in complaint handling",
        r"complain|time and trouble",
        topic=r"complain|stage (one|two|1|2)",
        provisions=("LGSCO-CHC-stage1", "LGSCO-CHC-stage2"),
        ask="a full response to every point of my complaint",
        events=("complaint_made",),
    ),
    IssueType(
        "communication",
        "Poor communication",
        r"\b(emails? .{0,40}(ignored|unanswered|no (reply|response))|(ignored|unanswered) .{0,30}(emails?|calls?|letters?)|chas(ed|ing)|"
        r"no one (has )?(replied|responded|got back)|not kept (me )?(informed|updated)|communication|no (reply|response)|"
        r"emailed .{0,40}(times|twice|again)|without telling (me|us)|(nobody|no one|no-one) (told|tells|has told) (me|us)|"
        r"(none of them|nobody|no one|never) (answered|replied to|responded to|returned) (my|our) (e-?mails?|calls?|letters?))",
        "council failed to respond to a parent's emails and keep her updated; poor communication; frustration; time and trouble",
        "The council should respond to a family's contacts and keep them informed.",
        "apologise and pay for the frustration caused by poor communication and time and trouble chasing the Council",
        r"communicat|frustration|time and trouble|chas",
        topic=r"communicat|respon|update|e-?mails?|contact|chas|correspondence",
        ask="a named officer to keep me updated",
        action="name an officer to keep you updated",
    ),
]

BY_LABEL = {t.label: t for t in ISSUE_TYPES}


FAILURE_CUE = re.compile(
    r"(miss|\bnot\b|n't\b|\bno\b|none|cancel|stop|never|only|reduc|gap|lack|fail|without|late|delay)", re.I
)
# a provision's sentence that says it is missing, in more of the ways people say so than FAILURE_CUE (which the story
# readers were trained on, so it stays as it is): "shes had nothing since the therapist left", "hasnt had his taxi"
PROVISION_MISSING = re.compile(
    FAILURE_CUE.pattern[:-1] + r"|nothing|nobody|\b(?:has|have|had|did|was|is|does|do|ca|wo|are|were)nt\b)", re.I
)


def spot_issues(text: str) -> list[IssueType]:
    """The issue types whose pattern the facts' text matches, in a fixed order. Provision counts as an issue only
    where a sentence that names it also says something is missing ("no OT since September"), not wherever the plan
    is described."""
    found = []
    sentences = re.split(r"(?<=[.!?])\s+|\n", text)
    for t in ISSUE_TYPES:
        if t.label == "section_f_provision":
            if any(re.search(t.pattern, s_, re.I) and PROVISION_MISSING.search(s_) for s_ in sentences):
                found.append(t)
        elif re.search(t.pattern, text, re.I):
            found.append(t)
    return found


NO_PLAN = re.compile(
    r"\b(no|not got an?|does ?n[o']t have an?|did ?n[o']t have an?|has never had an?|without an?|is not on an?|is ?n't on an?) "
    r"(ehc ?p\b|ehc plan|education,? health and care plan)",
    re.I,
)
HAS_PLAN = re.compile(
    r"\b(ehc ?plan|ehcp|education,? health and care plan|section f|(his|her|their|my) plan|annual review|amended plan)\b",
    re.I,
)
CHILDREN_ACT = {"social_care_assessment", "special_guardianship", "care_leaver"}


def plan_status(has_plan: bool | None, text: str) -> bool | None:
    """Whether the child has an EHC plan: as the facts say, else as the words say ("she has no EHC plan"), else
    None (unknown: a letter then assumes neither)."""
    if has_plan is not None:
        return has_plan
    if NO_PLAN.search(text):
        return False
    if HAS_PLAN.search(text):
        return True
    return None


WHO_CUES: list[tuple[str, str]] = [
    (
        "special guardian",
        r"\b(i am|i'?m|as) (his|her|their|the|a|[A-Z]'s) special guardian|\bspecial guardianship order (for|in respect of)|\bour special guardianship\b|\bmy special guardianship\b",
    ),
    (
        "foster carer",
        r"\b(i am|i'?m|as) (his|her|their|the|a) foster carer|\bwe foster\b|\bour foster (son|daughter|child)\b",
    ),
    (
        "young person",
        r"\b(i am|i'?m) (1[6-9]|2[0-5])( years old)?\b|\bmy (own )?(ehc ?plan|education|college|pathway plan|personal adviser)\b|\bi left care\b|\bi am a care leaver\b",
    ),
    (
        "advocate",
        r"\b(i am|i'?m) (an|the|a) (advocate|caseworker|support worker) (for|of|supporting)\b|\bon behalf of (my client|the family)\b|\badvocate for (a|the) family\b",
    ),
    (
        "carer",
        r"(?<!with )\bmy (grandson|granddaughter|grandchild|nephew|niece)\b(?! (?:is )?(?:helping|helped|helps|typing|typed|wrote|writing)\b)|\b(kinship|family) carer\b",
    ),
    (
        "parent",
        r"\bmy (son|daughter|child|children|boy|girl)\b|\bour (son|daughter|child)\b|\bas (his|her|their) (mum|mother|dad|father|parent)\b",
    ),
]


def who_is_writing(facts: Facts) -> str | None:
    """Who the complainant is: as the facts say, else from their words ("my grandson" → carer, "I am 19 and my
    college..." → young person), else None (a letter then assumes nothing)."""
    if facts.complainant:
        return facts.complainant
    words = "\n".join(x for x in (facts.issue, facts.impact, facts.outcome_sought, *facts.contacts) if x)
    return next((who for who, cue in WHO_CUES if re.search(cue, words, re.I)), None)


SEND_CONTEXT = r"\behc|education,? health|special educational|\bsend\b|section f|\bsen\b|personal budget"
# provisions an issue names only when the facts raise them (register id -> words in the facts)
ONLY_WHEN = {
    # a decision that no plan is needed (or not to assess): not law to cite when the council agreed to assess (d04, o03)
    "SEND2014-reg4": r"refus|decided not to|not to (assess|issue)|(plan|one) (is |was )?not (needed|necessary)|no plan (is )?needed",
    "CA1989-s17ZD": r"parent carer|carer'?s'? (needs )?assessment",
    # the limits on missing the 20 weeks, when the council blames its own staffing (an EP shortage is no excuse)
    "SEND2014-reg13-3": r"educational psycholog|\bEPs?\b|shortage|staffing|capacity|backlog|demand",
    # the SEN personal budget law, for an EHC plan's budget, not a social care family's direct payments (s17A)
    "CFA2014-s49": SEND_CONTEXT,
    # the higher education bursary, when the care leaver is at or going to university (d20)
    "CA1989-s23C-5A": r"bursary|higher education|universit|\bdegree\b",
    # notice, reasons and reconsideration when a council cuts an EHC plan's direct payments (regulation 14's "must stop
    # making direct payments if" is no longer cited: its held words list when a council must stop, which reads for
    # the council, an adviser's read of d07 and o05)
    "SENPB2014-reg12": rf"(?=[\s\S]*(?:{SEND_CONTEXT}))[\s\S]*\b(reduc|cut|lower|decreas)",
    # who is eligible for free travel, when eligibility is in question (refused, withdrawn, an application or appeal),
    # in a sentence about the child's travel; not when the transport ran and a firm stopped it (an adviser's read:
    # "the taxi firm pulled out" is the continuing duty, not eligibility)
    "EA1996-Sch35B": r"(?:^|[.!?\n])(?![^.!?\n]*\b(?:firm|company|operator|provider|contractor|driver|escort)s?\b)"
    r"(?:[^.!?\n]*\b(?:eligib|not entitled|no longer entitled|(?:doesn'?t|does not|don'?t|do not|won'?t) qualify"
    r"|walking distance|(?:less than|under|within) (?:\d|two|three) miles)"
    r"|(?=[^.!?\n]*\b(?:transport|taxi|bus|minibus|travel)\b)[^.!?\n]*\b(?:refus|turned down|reject|declin|appeal"
    r"|appl(?:y|ied|ication)|withdr[ae]w|taken away|took (?:it|his|her) \w+ away|won'?t (?:give|provide)))",
    # the health needs guidance, for a child out of school because of illness or health needs (not a missing place)
    "DfE-health-needs": r"\b(ill|illness|health|medical|anxiety|anxious|mental|hospital|cancer|fatigue|school refus|emotional)",
}

# issues where the injustice is the delay itself (a symbolic payment for distress and uncertainty), and those where
# it is the trouble of pursuing the complaint (time and trouble)
DELAY_ISSUES = {"annual_review", "needs_assessment", "phase_transfer", "tribunal_order", "eotas"}
COMPLAINT_ISSUES = {"complaint_handling", "children_act_complaint", "communication"}


def symbolic_harms(labels: set[str], loss_asked: bool) -> tuple[str, ...]:
    """What a symbolic payment is asked for: "delay" (the distress and uncertainty of a statutory delay, when no sum
    for the loss itself is asked), "complaint" (the time and trouble of pursuing it), else "distress"."""
    harms = tuple(
        h
        for h, on in (
            ("delay", bool(labels & DELAY_ISSUES) and not loss_asked),
            ("complaint", bool(labels & COMPLAINT_ISSUES)),
        )
        if on
    )
    return harms or ("distress",)


NO_SCHOOL_AT_ALL = re.compile(
    r"\bno school place|\bout of (?:school|education) (?:since|for)\b|\b(?:at|stuck at) home (?:since|for)\b|"
    r"\bnot (?:been )?(?:in|attending|going to) (?:any )?school (?:since|for|at all)\b",
    re.I,
)


# provision said to be lost, in the person's words: what makes "provision" a Section F complaint beside a budget one
PROVISION_LOST = re.compile(
    r"not (been )?(provided|delivered|received|in place|happening)|\bmiss(ed|ing)\b|\b(has|have)n'?t (had|got)|"
    r"\b(has|have) not (had|got)|\bno (therapy|ot|salt|sessions?|tuition|tutor|support|provision)\b|\bstopp?(ed|ing)\b|"
    r"\bcancel|\bwithout (the|his|her|their|any) (therapy|provision|support|tuition)",
    re.I,
)
# a disabled child's needs said in the person's words: what makes section 17's disabled children's duties the point
DISABLED_CHILD = re.compile(
    r"\bdisab|short breaks?|respite|\bautis|\badhd\b|learning difficult|cerebral palsy|wheelchair|complex (medical )?needs|"
    r"additional needs|special needs|\bsend\b|\behc",
    re.I,
)


def issues_for(facts: Facts) -> list[IssueType]:
    """The issues a set of facts raises: the complaint's own words (`spot_issues` over what went wrong, the plan and
    the contacts; not the impact, where "two exclusions for meltdowns" describes harm, not the complaint), the named
    dates given (a review meeting date raises the annual review), and what the facts rule out (no EHC plan: no
    Section F, review or phase transfer). A complaint about children's social care runs through the Children Act
    1989 procedure, not the corporate one."""
    words = "\n".join(x for x in (facts.issue, facts.provision, *facts.contacts) if x)
    found = {t.label: t for t in spot_issues(words)}
    # the impact describes harm, but a child with no school place at all is the section 19 duty, wherever it is said
    if facts.impact and NO_SCHOOL_AT_ALL.search(facts.impact):
        found.setdefault("out_of_school", BY_LABEL["out_of_school"])
    send_words = re.search(
        r"\behc|education,? health|special educational|\bsend?\b|needs assessment", facts.text(), re.I
    )
    for t in ISSUE_TYPES:
        # a named date raises its issue, but a date alone is not an EHC matter: "assessment_requested" for a
        # special guardian's support assessment is not an EHC needs assessment
        named = set(t.events) & set(facts.dates)
        if named and (send_words or not named <= {"assessment_requested", "decision_to_assess"}):
            found.setdefault(t.label, t)
    if "tribunal_order" in found and "annual_review" in found and "review_meeting" not in facts.dates:
        del found["annual_review"]  # "the amended plan" a Tribunal ordered is not a late annual review
    if plan_status(facts.has_plan, facts.text()) is False:
        found = {k: t for k, t in found.items() if not t.needs_plan}
    social_care = bool(CHILDREN_ACT & set(found)) or facts.procedure == "children-act"
    if "children_act_complaint" in found and not social_care:
        del found["children_act_complaint"]  # "a proper stage 2 investigation" of a corporate complaint
    if "personal_budget" in found and "section_f_provision" in found and not PROVISION_LOST.search(words):
        # "a personal budget for S's provision ... refused": the budget decision, not provision lost (an adviser's
        # read of o05, where the council offered £3,900 for a loss its records did not show)
        del found["section_f_provision"]
    if (
        found.keys() & {"special_guardianship", "care_leaver"}
        and "social_care_assessment" in found
        and not DISABLED_CHILD.search(facts.text())
    ):
        # a special guardian's support assessment is under the Special Guardianship Regulations, and a care leaver's
        # support under sections 23C-24B, not a disabled child's assessment under section 17 (an adviser read d19's
        # and d20's letters assume a disability nobody mentioned)
        del found["social_care_assessment"]
    if social_care and "complaint_handling" in found:
        del found["complaint_handling"]
        found.setdefault("children_act_complaint", BY_LABEL["children_act_complaint"])
    return [t for t in ISSUE_TYPES if t.label in found]


TRANSPORT_PANEL = re.compile(
    r"\b(stage (2|two) )?(transport )?appeal panel\b[^.;\n]{0,80}?\b(decision|decided|turned down|refused|rejected|"
    r"upheld|dismissed|did not)\b|\bstage (2|two) (transport )?appeal\b[^.;\n]{0,40}?\b(decision|refused|rejected|turned down)\b",
    re.I,
)
IGNORED_COMPLAINT = re.compile(
    r"\b(ignored|not (replied|responded|answered)( to)?|no (reply|response|answer) to|never (replied|responded|answered)( to)?)"
    r" (my|our|the) (formal )?complaint|\b(my|our) (formal )?complaint (has been|was|is being) ignored",
    re.I,
)


def transport_panel_decided(facts: Facts, labels: set[str]) -> bool:
    """A school travel complaint after the council's stage 2 appeal panel has decided."""
    return "transport" in labels and bool(TRANSPORT_PANEL.search(facts.text()))


def letter_stage(facts: Facts, labels: set[str]) -> tuple[str | None, str | None]:
    """The stage a parent's letter takes where the person's words put it past the one chosen (the form's default is
    stage 1), and why, to tell them beside the letter; (None, None) when the chosen stage stands. Every writer drafts
    at this stage, the template and a connected model alike."""
    stage = facts.stage or "council-stage-1"
    if facts.role != "parent":
        return None, None
    if stage == "council-stage-1" and IGNORED_COMPLAINT.search(facts.text()):
        # a complaint already made and not answered is not started again at stage 1 (an adviser's read of d14)
        return "council-stage-2", (
            "Your complaint has not been answered, so this letter asks for it to go to the next stage rather than "
            "starting again at stage 1. If it has been more than 12 weeks since you complained, the Ombudsman can "
            "usually consider it now without waiting for the council: add the date you complained and the letter "
            "will say so."
        )
    if stage != "ombudsman" and transport_panel_decided(facts, labels):
        # the review and appeal process for school travel is the council's procedure: after its stage 2 panel the
        # next step is the Ombudsman, not a corporate complaint (an adviser's read of d06)
        return "ombudsman", (
            "The transport appeal panel (stage 2 of the council's review and appeal process for home to school "
            "travel) has decided, so the council's own process is finished: this letter goes to the Local "
            "Government and Social Care Ombudsman, who can consider whether the panel's decision was properly made. "
            "A complaint to the council's complaints team would not reopen the panel's decision."
        )
    return None, None


# a refusal in the person's words: transport that ran and stopped, or never came, was not refused
REFUSED = re.compile(
    # the council's refusal in any words, not a child's school refusal or health that "has declined" (second reviewers')
    r"(?<!school )\brefus(?:ed|al)\b(?! to (?:go|attend|get))|\brefuse to (?:pay|fund|provide)|\bturned (?:\w+ )?down\b|"
    r"\breject\w*|\bnot eligible\b|\bineligible\b|\bnot entitled\b|\bdeclined (?:the|his|her|my|our|to|it|us|him)\b|"
    r"\bsaid no\b|\bwon'?t (?:pay|fund|provide)\b|\bno longer qualif\w*|\b(?:doesn'?t|does not|didn'?t|did not) (?:meet|qualify)\b|"
    r"\bdenied\b|\bappeal",
    re.I,
)


def issue_query(t: IssueType, provision: str | None, issue_text: str) -> str:
    prov = (provision or "special educational provision").strip()
    prov = re.sub(r"\s+", " ", prov)[:200]
    if t.label == "transport" and not REFUSED.search(issue_text):
        # transport that stopped or never came is looked up as a failure to provide, not as an application refused
        # (an adviser's read of the Kai letter: a Bexley appeal panel's handling of an application, cited for a taxi
        # firm pulling out)
        return (
            "council failed to provide home to school transport for an eligible child with special educational needs; "
            "transport stopped or was not arranged and the council failed to put alternative transport in place; fault"
        )
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
