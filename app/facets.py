"""What a search query is about: the complaint issues ("facets") it raises, read from the words parents and officers
use, each with a short query in the words the Ombudsman's decisions use.

A parent's story ("asked for an assessment a year ago, the psychologist never came, and my complaint was ignored")
raises two or three issues at once; searched as one bag of words, the issue with the most words wins and the others
are lost. `query_facets(text)` names each issue found, so retrieval can search each one and fuse the rankings
(`app/retrieve.py`). Self-contained (the drafting layer's `app/issues.py` reads facts, not free text; its issue names
are reused here so the two can be joined later).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Facet:
    """One issue a query can raise: `name` (as `app/issues.py` names issues), the `cue` that spots it in a query, and
    `query`: how decisions about it are worded."""

    name: str
    cue: re.Pattern[str]
    query: str
    doc_cue: re.Pattern[str] | None = None  # the same issue in a decision's summary or complaint


def _cue(*alternatives: str) -> re.Pattern[str]:
    return re.compile("|".join(alternatives), re.IGNORECASE)


# Order matters only for ties in the output; every facet whose cue matches is returned.
FACETS: tuple[Facet, ...] = (
    Facet(
        "needs_assessment",
        _cue(
            r"needs? assess",
            r"\bagreed to assess",
            r"\b20 weeks?\b",
            r"\bEHC ?NA\b",
            r"educational psycholog",
            r"\bEP (report|advice|assessment|shortage)",
            r"\bpsychologist\b",
            r"\bno (ehcp|ehc plan|plan) yet\b",
            r"still (have|has|got) no (ehcp|plan)",
        ),
        "delay in the EHC needs assessment and issuing the final EHC plan within the 20 week statutory timescale "
        "educational psychologist advice",
        doc_cue=_cue(
            r"needs assessment",
            r"\bEHC ?(needs )?assessment",
            r"statutory assessment",
            r"assessment process",
            r"educational psycholog",
            r"\bEP\b",
            r"20[- ]week",
            r"(issu|finalis)\w* (an? |the |her |his |their )?(final )?(Education,? Health,? and Care|EHC) ?Plan for",
        ),
    ),
    Facet(
        "annual_review",
        _cue(
            r"an+ual review",
            r"\bre-?view(ed)? (since|for over|in \d{4})",
            r"not (been )?reviewed",
            r"last reviewed",
            r"early review",
        ),
        "delay in the annual review of the EHC plan and issuing the amended final plan within statutory timescales",
        doc_cue=_cue(
            r"(complet|carr\w* out|hold|held|conduct)\w* (an? |the |her |his |their |\w+\W?s )?(early )?annual reviews?",
            r"delay\w* (in )?(the |an? )?annual review",
            r"annual reviews? (process|was late|were late|late)",
            r"(did not|failed to|not) review",
            r"review\w* (within|in line with) (the )?statutory",
            r"early (annual )?review",
        ),
    ),
    Facet(
        "amended_plan",
        _cue(
            r"amended (final )?(plan|ehc ?p)",
            r"never amended",
            r"proposed amendments",
            r"review meeting",
            r"after the (annual )?review",
        ),
        "delay issuing the final amended EHC plan following the annual review, statutory timescales",
        doc_cue=_cue(
            r"amended (final )?(EHC|Education|plan)",
            r"(following|after) (an|the|a|her|his|their) (annual )?review",
            r"amend\w* (his|her|their|the) .{0,40}plan",
        ),
    ),
    Facet(
        "section_f_provision",
        _cue(
            r"section f\b",
            r"provision in (the|his|her|their) (ehcp|ehc plan|plan)",
            r"(ehcp|ehc plan|plan) (provision|support)",
            r"1:1 support",
            r"\bone[- ]to[- ]one\b",
            r"\btherap(y|ies|ist)\b",
            r"\b(ot|salt|physio)\b",
            r"speech",
        ),
        "council failed to secure the special educational provision in section F of the EHC plan, missed therapy",
        doc_cue=_cue(
            r"section F",
            r"special educational provision",
            r"provision (set out |detailed |specified |named |included )?in (his|her|their|the|y|z|x)\S* .{0,40}plan",
            r"failed to (secure|deliver|provide|arrange|ensure) .{0,60}provision",
            r"therap(y|ies)",
        ),
    ),
    Facet(
        "occupational_therapy",
        _cue(r"occupational therap", r"\bOT\b", r"sensory"),
        "occupational therapy in the EHC plan not provided",
        doc_cue=_cue(r"occupational therap", r"\bOT\b"),
    ),
    Facet(
        "speech_therapy",
        _cue(r"speech", r"\bSALT\b", r"language therap"),
        "speech and language therapy in the EHC plan not provided",
        doc_cue=_cue(r"speech and language", r"\bSALT\b", r"speech therap"),
    ),
    Facet(
        "tribunal_order",
        _cue(r"tribunal (order|decision|ordered|said)", r"\b(the )?tribunal\b.*\b(order|ordered)\b"),
        "delay implementing the SEND Tribunal order, amended EHC plan and provision not in place",
        doc_cue=_cue(
            r"tribunal\W?s? (order|decision)",
            r"order of the tribunal",
            r"implement\w* (a|the) tribunal",
            r"tribunal ordered",
        ),
    ),
    Facet(
        "eotas",
        _cue(
            r"\bEOTAS\b",
            r"otherwise than (at|in) (a )?school",
            r"(education|package|tutors?) (at|from) home",
            r"home (education )?package",
            r"education at home",
        ),
        "education otherwise than at school EOTAS package in the EHC plan not arranged",
        doc_cue=_cue(r"\bEOTAS\b", r"otherwise than (at|in) (a )?school", r"home tuition", r"elective home"),
    ),
    Facet(
        "out_of_school",
        _cue(
            r"section 19",
            r"\bs\.? ?19\b",
            r"out of school",
            r"(hasn'?t|has not|not) been (in|to|at) school",
            r"(too anxious|unable|can'?t|cannot) (to )?(go|attend|cope)",
            r"alternative (education|provision)",
            r"reduced timetable",
            r"part[- ]time (timetable|school|education)",
            r"no (education|school place)\b",
            r"missed (education|school)",
            r"nobody teaches",
        ),
        "alternative education under section 19 when a child cannot attend school, full-time education",
        doc_cue=_cue(
            r"section 19",
            r"\bs\.? ?19\b",
            r"alternative (education|provision)",
            r"unable to attend",
            r"not (able to )?attend\w* school",
            r"suitable (full[- ]time )?education",
            r"out of school",
            r"reduced timetable",
            r"missed (out on )?(education|school)",
        ),
    ),
    Facet(
        "phase_transfer",
        _cue(
            r"15 february",
            r"phase transfer",
            r"(secondary|year 7|post-?16|college) (school )?(place|transfer|named|placement)",
            r"start(s|ing)? (secondary|year 7|college)",
            r"school (not )?named",
            r"name[sd]? a school",
        ),
        "phase transfer: amended EHC plan naming the school not issued by 15 February, placement for September",
        doc_cue=_cue(
            r"phase transfer",
            r"15 february",
            r"transfer (to|review)",
            r"secondary (school|transfer)",
            r"post-?16",
            r"nam(e|ed|ing) (a|the) (school|placement)",
        ),
    ),
    Facet(
        "transport",
        _cue(r"transport", r"\btaxi\b", r"\bbus\b", r"travel (assistance|support)", r"driving (him|her|them)"),
        "home to school transport assistance refused, appeal panel decision, eligibility",
        doc_cue=_cue(r"transport", r"travel assistance"),
    ),
    Facet(
        "personal_budget",
        _cue(r"personal budget", r"direct payments?"),
        "personal budget or direct payments for EHC plan provision refused or ended without reasons or review",
        doc_cue=_cue(r"personal budget", r"direct payment"),
    ),
    Facet(
        "social_care_assessment",
        _cue(
            r"social (worker|care) (assess|assessment)",
            r"child in need",
            r"section 17",
            r"short breaks?",
            r"respite",
            r"care package",
            r"carer'?s assessment",
            r"disabled (child|son|daughter)",
        ),
        "disabled children's social care assessment, short breaks and respite, care package delayed",
        doc_cue=_cue(
            r"short breaks?",
            r"respite",
            r"overnight care",
            r"disabled child",
            r"child in need",
            r"section 17",
            r"care package",
            r"carer\W?s assessment",
            r"social care assessment",
        ),
    ),
    Facet(
        "children_act_complaint",
        _cue(
            r"stage (2|3|two|three)",
            r"statutory complaints?",
            r"children act",
            r"review panel",
            r"independent investigat",
            r"corporate complaints?",
        ),
        "children's statutory complaints procedure: delay at stage two investigation and stage three review panel",
        doc_cue=_cue(
            r"stage (two|three|2|3)",
            r"statutory complaints? procedure",
            r"children\W?s statutory",
            r"review panel",
            r"independent investigat",
            r"children act .{0,40}complaint",
        ),
    ),
    Facet(
        "complaint_handling",
        _cue(
            r"\bcomplain(ed|t)\b.*\b(ignored|no reply|not replied|no response|never (answered|replied|responded)|"
            r"nobody (has )?(answered|replied))",
            r"(ignored|answered|respond(ed)? to|reply to|replied to) (my|our|the) complaint",
            r"complaint (response|reply) (was )?(late|delayed)",
            r"stage (1|one) (reply|response)",
            r"upheld (my|our|the) (stage \w+ )?complaint",
        ),
        "delay responding to the complaint, poor complaint handling, upheld complaint without a remedy",
        doc_cue=_cue(
            r"complaint handling",
            r"(respond|repl)\w* to (her|his|their|the|mrs? \w+\W?s|ms \w+\W?s|miss \w+\W?s) complaint",
            r"delay\w* (in )?(responding|dealing|considering) .{0,40}complaint",
            r"complaints? (process|procedure|response)",
        ),
    ),
    Facet(
        "communication",
        _cue(
            r"(ignor|not (reply|respond|return)|never (reply|respond|return|answer)|won'?t answer|chase|chasing)"
            r"\w* (my|our|to my)? ?(emails?|calls?|messages?|letters?)",
            r"(emails?|calls?) (go|went|are) unanswered",
            r"nobody (answers|replied|replies)",
            r"poor communication",
        ),
        "poor communication, the council did not reply to emails and calls, case officer",
        doc_cue=_cue(
            r"communicat",
            r"keep (her|him|them) (informed|updated)",
            r"(respond|reply) to (her|his|their) (emails|calls|contact|correspondence)",
        ),
    ),
    Facet(
        "special_guardianship",
        _cue(r"special guardian", r"\bSGO\b", r"kinship"),
        "special guardianship allowance stopped or reduced, financial support, appeal panel",
        doc_cue=_cue(r"special guardian", r"\bSGO\b"),
    ),
    Facet(
        "care_leaver",
        _cue(r"left care", r"leaving care", r"care leaver", r"pathway plan", r"personal adviser"),
        "care leaver support, pathway plan and personal adviser, leaving care grant",
        doc_cue=_cue(
            r"care leaver", r"leaving care", r"left care", r"pathway plan", r"personal adviser", r"looked after"
        ),
    ),
    Facet(
        "child_protection",
        _cue(r"child protection", r"safeguarding", r"referral", r"conference report"),
        "child protection enquiries and conference, inaccurate information in records not corrected",
        doc_cue=_cue(r"child protection", r"safeguarding", r"section 47", r"strategy meeting"),
    ),
    Facet(
        "moved_area",
        _cue(
            r"moved (from|to|into|house|areas?|count(y|ies))",
            r"new (council|county|local authority|area)",
            r"other council",
        ),
        "EHC plan transferred when the family moved into the council's area, provision reduced, transfer duties",
        doc_cue=_cue(
            r"mov\w* (in)?to (the|another|a new) (council|area|local authority)",
            r"mov\w* (in)?to .{0,20}area",
            r"transferr?\w* from (another|a different|the previous) (local )?(council|authority)",
            r"previous (council|local authority)",
        ),
    ),
    Facet(
        "transition",
        _cue(r"turn(ed|s)? 18", r"adult (social )?(care|services)", r"transition"),
        "transition from children's services to adult social care at 18, gap in care and support",
        doc_cue=_cue(r"transition", r"adult (social )?(care|services)", r"turned 18"),
    ),
    Facet(
        "looked_after",
        _cue(r"section 20\b", r"looked[- ]after", r"\bfoster", r"\b(into|in) care\b", r"accommodate (her|him|them)"),
        "looked after child, accommodation under section 20 of the Children Act, corporate parent",
        doc_cue=_cue(r"section 20\b", r"looked after", r"\bfoster", r"corporate parent", r"accommodat"),
    ),
    Facet(
        "remedy",
        _cue(
            r"compensation",
            r"symbolic payment",
            r"\bremedy\b",
            r"(what|how much) (payment|money)",
            r"make up for",
            r"put (it )?right",
            r"paying for (it|everything) myself",
        ),
        "symbolic payment to remedy the injustice, distress and uncertainty, missed provision per term",
        doc_cue=_cue(r"symbolic payment", r"£\s?\d", r"payment to (remedy|acknowledge|recognise)"),
    ),
)
BY_NAME = {f.name: f for f in FACETS}

# Words that place a query in the corpus's field even when no issue above is named ("the laptop in his EHCP").
IN_FIELD = _cue(
    r"\bEHC ?P?\b",
    r"education,? health and care",
    r"\bSENC?O?\b",
    r"\bSEND\b",
    r"special (educational )?needs",
    r"children'?s services",
    r"social work",
)

# The Ombudsman's other areas (its own categories), which this corpus of children's services and SEND decisions does
# not cover: a query about one of these, naming no issue above, has no close precedent here however similar its words.
OTHER_AREAS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "school admissions",
        _cue(r"admissions?\b", r"preferred (primary |secondary )?schools?", r"(school )?place at (any|one) of"),
    ),
    (
        "adult care and charging",
        _cue(
            r"care home",
            r"residential care",
            r"nursing home",
            r"top-?up fee",
            r"deferred payment",
            r"home care (visits|charges|package)",
            r"(care|care home) (fees|charges)",
            r"charg\w+ (my|her|his) (mum|dad|mother|father|husband|wife)",
            r"financial assessment",
            r"dementia",
        ),
    ),
    (
        "council tax and benefits",
        _cue(r"council tax", r"liability order", r"bailiffs?", r"housing benefit", r"business rates", r"overpayment"),
    ),
    (
        "planning and building control",
        _cue(r"planning (permission|application|enforcement|officer|committee)", r"building control", r"extension\b"),
    ),
    (
        "highways, parking and transport",
        _cue(r"parking", r"penalty charge", r"\bPCN\b", r"pothole", r"highways?", r"blue badge", r"speed bump"),
    ),
    (
        "housing",
        _cue(
            r"temporary accommodation",
            r"housing (register|allocation|list|band|banding|officer|association)",
            r"council (house|flat|tenant)",
            r"\bmould\b",
            r"landlord",
        ),
    ),
    (
        "environment and public protection",
        _cue(
            r"\bbins?\b",
            r"(waste|rubbish|refuse) collection",
            r"environmental health",
            r"noise nuisance",
            r"fly-?tipping",
            r"barks?\b",
            r"\btrees?\b",
        ),
    ),
    (
        "leisure, culture and corporate services",
        _cue(r"\blibrar(y|ies)\b", r"leisure centre", r"cemeter", r"allotment"),
    ),
)


def query_facets(text: str) -> list[Facet]:
    """Every facet whose cue the query matches, in `FACETS` order."""
    return [f for f in FACETS if f.cue.search(text)]


def other_area(text: str) -> str | None:
    """The Ombudsman's area outside this corpus a query is about (school admissions, council tax, ...), or None."""
    return next((name for name, cue in OTHER_AREAS if cue.search(text)), None)


def in_field(text: str) -> bool:
    """Whether a query names the corpus's field (an EHC plan, SEND, children's services) or an issue in it."""
    return bool(IN_FIELD.search(text)) or bool(query_facets(text))
