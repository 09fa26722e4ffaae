"""The timeline: the named dates in a set of facts (given in `Facts.dates`, or found in the contacts and the story:
"Annual review meeting, 15 January 2025"), and the statutory due dates, time limits and appeal deadlines they set.

Every date here is computed from the user's own dates by fixed rules (`app.deadlines` for working days), so a letter
may state them; `Timeline.text()` is what the verifier is told a letter may say beyond the facts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from .deadlines import Due, add_months, complaint_due_dates, due_in_working_days, working_days_between
from .facts import Facts
from .text import long_date

MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
DAY_RE = re.compile(
    rf"\b(\d{{1,2}})(?:st|nd|rd|th)? ({MONTHS}) ((?:19|20)\d\d)\b|\b((?:19|20)\d\d)-(\d\d)-(\d\d)\b", re.I
)

# what a clause naming a date is about: first match wins, so the specific comes before the general
EVENT_CUES: list[tuple[str, str]] = [
    ("mediation_certificate", r"mediation certificate"),
    ("tribunal_order", r"tribunal (order|decision|hearing|ordered)|order(ed)? by the tribunal"),
    (
        "assessment_requested",
        r"request(ed)?( for)? (an? )?(ehc ?)?(needs )?assessment|asked for an? (ehc ?)?(needs )?assessment",
    ),
    ("decision_to_assess", r"(decision|agreed|decided) to assess"),
    ("amendment_notice", r"(draft|proposed) amendments|amendment notice|draft (amended )?plan"),
    ("final_plan", r"final (amended )?(ehc )?plan|amended final plan|plan (was )?(finali[sz]ed|issued)"),
    ("review_meeting", r"(annual |phase transfer )?review meeting|annual review"),
    (
        "panel_requested",
        r"(review )?panel (was )?request|request(ed)? (a |the )?(stage 3|review panel)|asked for (a |the )?(stage 3|review panel)",
    ),
    ("stage2_response", r"stage (2|two) (response|reply|decision)"),
    (
        "stage2_requested",
        r"stage (2|two) (complaint|request)|request(ed)? stage (2|two)|escalat|"
        r"asked for (a |an |the )?(stage (2|two)|independent investigation)",
    ),
    ("stage1_response", r"stage (1|one) (response|reply|decision)"),
    (
        "complaint_made",
        r"stage (1|one) complaint|formal complaint|complain(ed|t) (made|sent|emailed|submitted)|complained at stage (1|one)",
    ),
    ("decision_letter", r"refus(al|ed)|decision letter|decided not to"),
    ("referral", r"\breferr(al|ed)\b|asked the (disabled children'?s|social care|children'?s services)"),
    ("provision_restarted", r"\b(can|will|could) (start|restart|resume)|\brestarted\b|\bresumed\b|\bstarted again\b"),
]
# other names people and forms give the same events
SYNONYMS = {
    "amended_plan": "final_plan",
    "final_amended_plan": "final_plan",
    "final_ehc_plan": "final_plan",
    "ehc_request": "assessment_requested",
    "assessment_request": "assessment_requested",
    "annual_review": "review_meeting",
    "annual_review_meeting": "review_meeting",
    "complaint": "complaint_made",
    "stage1_complaint": "complaint_made",
    "stage2_request": "stage2_requested",
    "panel_request": "panel_requested",
    "stage3_requested": "panel_requested",
    "tribunal_decision": "tribunal_order",
    "referral_date": "referral",
}
ASKED_FOR_REVIEW = re.compile(
    r"\b(ask|request|chas|want)\w*\b(?: \w+){0,3}? (?:for |about )?(?:a |an |the |his |her |their )?"
    r"(?:date (?:for|of) (?:the |an? )?)?(?:annual |phase transfer )?review\b",
    re.I,
)
BARE_REQUEST = re.compile(
    r"^\s*(the |an? )?(ehc(p|na)? )?request (was )?(received|made|submitted|sent)\b|\breceived (the|a|an|your) request\b",
    re.I,
)
REPLY_RE = re.compile(r"^\s*(reply|response|answered|replied)\b", re.I)
# the council's answer to each step a person takes: a reply after the complaint is stage 1's, after asking for stage 2
# it is stage 2's
REPLY_TO = {"complaint_made": "stage1_response", "stage2_requested": "stage2_response"}
NOT_YET = re.compile(
    r"\bnot (yet )?(been )?(issued|held|received|sent|done|convened)|\bstill (no|not)\b|\bno (reply|response)\b", re.I
)
# the person says nothing at all came back, not even an acknowledgement ("put a complaint in on 20th october and nothing
# back"): the Code's 5 working days to acknowledge are overdue too (an adviser's read of the Kai letter); a bare "no
# reply" does not say the complaint went unacknowledged
NOTHING_BACK = re.compile(
    r"\bnothing back\b|\bheard nothing\b|\bnot heard (anything|a thing)\b|\bno acknowledge?ment\b|"
    r"\bnot (even )?(had |received |got )?an? acknowledge?ment\b|\b(never|not|didn'?t|did not) (even )?(been )?acknowledged?\b|"
    r"\bno (reply|response|answer) (at all|whatsoever)\b",
    re.I,
)
# ... but not where anything at all came: an acknowledgement, an automatic email, word that it was received (a second
# reviewer's: "got an email saying they received it but nothing back since")
SOMETHING_BACK = re.compile(
    r"\backnowledg\w* (it|my|our|the|receipt)\b|\b(they|it was|council) acknowledged\b|\b(got|had|received) an? "
    r"(auto\w*|automatic|holding|acknowledge?ment)\b|\b(got|had|received) an? (email|letter|text) (saying|to say)\b|"
    r"\breceived it\b|\bauto(matic)?[- ]?(reply|email|response)\b",
    re.I,
)
# the day the problem began, where the person gives it with the stop itself ("hasnt had his taxi to school since 2nd of
# october", "stopped on the 2nd of october"): the Ombudsman's 12 months run from that day, not the 1st; never a day
# said of something the person did ("I emailed them from work on 20th October")
START_DAY = re.compile(
    rf"\b(?:since|stopped|ended|finished|withdrawn|pulled out)\b(?: on)?(?: the)? (\d{{1,2}})(?:st|nd|rd|th)? "
    rf"(?:of )?({MONTHS})\b",
    re.I,
)
CHC_FROM = date(2026, 4, 1)  # the Ombudsman uses its Complaint Handling Code in casework from this day
SEND_DECISIONS = {"annual_review", "needs_assessment", "phase_transfer", "section_f_provision", "tribunal_order"}


def _date(m: re.Match) -> date | None:
    try:
        if m.group(1):
            return date(int(m.group(3)), MONTHS.split("|").index(m.group(2).lower()) + 1, int(m.group(1)))
        return date(int(m.group(4)), int(m.group(5)), int(m.group(6)))
    except ValueError:
        return None


def found_events(lines: list[str]) -> dict[str, date]:
    """Named dates from the user's lines: each clause (cut at ';') holding one full date, named by its cue. A bare
    "reply 2 May 2025" after "Stage 1 complaint, 20 March 2025" is that stage's reply."""
    out: dict[str, date] = {}
    # an EHC needs assessment being told: "Request received 6 January" is the request for it, and its "draft plan" is
    # the draft EHC plan of regulation 13, not proposed amendments to an existing plan (an officer's notes, o03)
    assessing = any(re.search(r"\bassess", x or "", re.I) for x in lines) and not any(
        re.search(r"annual review|review meeting|amend", x or "", re.I) for x in lines
    )
    for line in lines:
        last = None
        for clause in re.split(r";|\n", line):
            dates = [d for m in DAY_RE.finditer(clause) if (d := _date(m))]
            if len(dates) != 1 or NOT_YET.search(clause):
                continue
            name = next((n for n, cue in EVENT_CUES if re.search(cue, clause, re.I)), None)
            if name == "review_meeting" and ASKED_FOR_REVIEW.search(clause):
                continue  # "Email asking for the annual review date, 14 April 2025" is not the meeting (d10)
            if assessing and name is None and BARE_REQUEST.search(clause):
                name = "assessment_requested"
            if assessing and name == "amendment_notice":
                name = "draft_plan"
            if name is None and last and REPLY_RE.search(clause):
                name = REPLY_TO.get(last)
            if name:
                out.setdefault(name, dates[0])
                last = name
    return out


@dataclass
class Timeline:
    """The dates the facts give, the due dates they set, and the time limits running."""

    events: dict[str, date]
    due: list[Due] = field(default_factory=list)
    today: date = field(default_factory=date.today)
    aware: date | None = None  # when the problem began, as far as the facts say (the Ombudsman's 12 months run from it)
    ombudsman_by: date | None = None
    appeal_by: date | None = None  # SEND Tribunal: 2 months from the decision, or 1 month from a mediation certificate
    appeal_from: str | None = None  # what the appeal deadline runs from
    procedure: str = "corporate"  # the complaints procedure in use

    def code_applies(self) -> bool:
        """Whether the Ombudsman's Complaint Handling Code governs this complaint: a corporate complaint made (or taken
        to stage 2) from 1 April 2026, when the Ombudsman began applying it; before then a council's own procedure
        set its timescales, which the facts rarely give, so neither due dates nor the Code are claimed."""
        made = self.events.get("complaint_made") or self.events.get("stage2_requested")
        return self.procedure == "corporate" and (made is None or made >= CHC_FROM)

    def outstanding(self) -> list[Due]:
        """What was due and has still not happened."""
        return [d for d in self.due if d.done is None and d.due < self.today]

    def text(self) -> str:
        """Every date this timeline states, in words, for the verifier (computed from the user's dates)."""
        days = [
            *self.events.values(),
            *(d.due for d in self.due),
            self.aware,
            self.ombudsman_by,
            self.appeal_by,
            self.today,
        ]
        return "\n".join(long_date(d.isoformat()) for d in days if d)

    def to_dict(self) -> dict:
        return {
            "events": {k: v.isoformat() for k, v in self.events.items()},
            "due": [d.to_dict(self.today) for d in self.due],
            "ombudsman_by": self.ombudsman_by.isoformat() if self.ombudsman_by else None,
            "appeal_by": self.appeal_by.isoformat() if self.appeal_by else None,
            "appeal_from": self.appeal_from,
        }


def _phase_transfer(facts: Facts) -> tuple[date, bool] | None:
    """The 15 February (31 March for post-16) before a September move the facts name ("move to secondary school in
    September 2025"), and whether it is a post-16 move."""
    text = f"{facts.issue}\n{facts.provision or ''}"
    m = re.search(
        r"(mov\w*|transfer\w*|start\w*|going) (up )?(to|into) (secondary|year 7|college|sixth form|post[- ]?16)[^.]{0,60}?"
        r"september ((?:19|20)\d\d)|september ((?:19|20)\d\d)[^.]{0,60}?(secondary|college|sixth form|year 7)",
        text,
        re.I,
    )
    if not m:
        return None
    year = int(m.group(5) or m.group(6))
    post16 = bool(re.search(r"college|sixth form|post[- ]?16", m.group(0), re.I))
    return (date(year, 3, 31) if post16 else date(year, 2, 15)), post16


def build_timeline(facts: Facts, labels: set[str], today: date | None = None) -> Timeline:
    """The facts' dates and what they set, for the issues found (`labels`)."""
    today = today or date.today()
    events = found_events([*facts.contacts, facts.issue])
    events.update({SYNONYMS.get(k, k): date.fromisoformat(v) for k, v in facts.dates.items()})
    if facts.role == "officer" and "complaint_received" in events:
        # the officer desk's "complaint received": the complaint this response answers, when no other step is dated
        if not events.keys() & {"complaint_made", "stage2_requested", "panel_requested"}:
            events["complaint_made"] = events["complaint_received"]
    t = Timeline(events, today=today)
    ev = events.get
    if "needs_assessment" in labels and ev("assessment_requested"):
        req = ev("assessment_requested")
        t.due.append(
            Due(
                "Decision whether to assess",
                req + timedelta(weeks=6),
                "6 weeks from the request",
                "SEND2014-reg5",  # the decision whether to assess (reg 4: a decision that no plan is needed)
                done=ev("decision_to_assess"),
            )
        )
        t.due.append(
            Due(
                "Final EHC plan",
                req + timedelta(weeks=20),
                "20 weeks from the request",
                "SEND2014-reg13",
                done=ev("final_plan"),
            )
        )
    if "annual_review" in labels and ev("review_meeting"):
        meeting = ev("review_meeting")
        t.due.append(
            Due(
                "The council's decision after the review meeting",
                meeting + timedelta(weeks=4),
                "4 weeks from the review meeting",
                "SEND2014-reg20",
                done=ev("amendment_notice") or ev("final_plan"),  # a final plan issued means the decision was made
            )
        )
        start, rule = (
            (ev("amendment_notice"), "8 weeks from the proposed amendments")
            if ev("amendment_notice")
            else (meeting + timedelta(weeks=4), "8 weeks from when the amendments were due to be proposed")
        )
        t.due.append(
            Due("Final amended plan", start + timedelta(weeks=8), rule, "SEND2014-reg22", done=ev("final_plan"))
        )
    if "phase_transfer" in labels and (pt := _phase_transfer(facts)):
        due, post16 = pt
        t.due.append(
            Due(
                "Amended plan naming the new school or college",
                due,
                "31 March before a move to post-16 education" if post16 else "15 February in the year of the move",
                "SEND2014-reg18",
                done=ev("final_plan"),
            )
        )
    if "tribunal_order" in labels and ev("tribunal_order"):
        # reg 44(2): a school or other institution named in Section I within 2 weeks of the order; other changes to
        # the plan (Section F) within 5 weeks
        if re.search(
            r"\bname[sd]?\b[^.]{0,60}\b(school|college|setting)|section i\b|school (place|named)", facts.text(), re.I
        ):
            t.due.append(
                Due(
                    "School named in Section I as the Tribunal ordered",
                    ev("tribunal_order") + timedelta(weeks=2),
                    "2 weeks from the order",
                    "SEND2014-reg44",
                    done=ev("final_plan"),
                )
            )
        t.due.append(
            Due(
                "Plan amended as the Tribunal ordered",
                ev("tribunal_order") + timedelta(weeks=5),
                "5 weeks from the order",
                "SEND2014-reg44",
                done=ev("final_plan"),
            )
        )
    if "social_care_assessment" in labels and ev("referral"):
        d, note = due_in_working_days(ev("referral"), 45)
        t.due.append(
            Due(
                "Social care assessment completed",
                d,
                "45 working days from the referral, Working Together to Safeguard Children (statutory guidance)",
                None,  # not in the law register: its words are not held, so it is named, never quoted
                done=ev("assessment_completed"),
                note=note,
            )
        )
    procedure = facts.procedure or ("children-act" if "children_act_complaint" in labels else "corporate")

    t.procedure = procedure

    def coded(day: date) -> bool:
        return procedure != "corporate" or day >= CHC_FROM

    if ev("complaint_made") and coded(ev("complaint_made")):
        unheard = (
            procedure == "corporate" and facts.role != "officer" and not ev("stage1_response") and _nothing_back(facts)
        )
        for d in complaint_due_dates(ev("complaint_made"), procedure, 1):
            if ("response" in d.label.lower() and "extended" not in d.label) or (
                unheard and d.label == "Acknowledgement"
            ):
                t.due.append(_done(d, ev("stage1_response")))
    if ev("stage2_requested") and coded(ev("stage2_requested")):
        for d in complaint_due_dates(ev("stage2_requested"), procedure, 2):
            if "response" in d.label.lower() and "latest" not in d.label:
                t.due.append(_done(d, ev("stage2_response")))
    if facts.role == "officer":
        # the council's response being written now: the stage it answers is done today (not "still not happened")
        answering = [d for d in t.due if d.done is None and "response" in d.label.lower()]
        if answering:
            last = answering[-1]
            t.due[t.due.index(last)] = Due(last.label, last.due, last.rule, last.provision, done=today, note=last.note)
    if ev("panel_requested"):
        t.due.extend(_done(d, ev("panel_held")) for d in complaint_due_dates(ev("panel_requested"), "children-act", 3))
    # the Ombudsman's 12 months run from when the person first knew of the problem: the month they give, else the
    # earliest date in their account
    starts = [_start_day(facts)] if facts.since else sorted(events.values())[:1]
    if starts:
        t.aware = starts[0]
        t.ombudsman_by = add_months(t.aware, 12)
    # a final plan, or a refusal to assess or to issue a plan, opens a SEND Tribunal appeal; a transport or social care
    # decision does not
    # (carrying out the Tribunal's own order opens no new appeal)
    decision = (
        (ev("final_plan") or ev("decision_letter"))
        if labels & SEND_DECISIONS and "tribunal_order" not in labels
        else None
    )
    if decision:
        t.appeal_by, t.appeal_from = (
            add_months(decision, 2),
            "final_plan" if decision == ev("final_plan") else "decision_letter",
        )
        if ev("mediation_certificate"):
            t.appeal_by = max(t.appeal_by, add_months(ev("mediation_certificate"), 1))
    return t


def _nothing_back(facts: Facts) -> bool:
    """Whether the person says nothing at all came back from their complaint: said in the sentence that tells the
    complaint or the next, and nothing said anywhere of an acknowledgement or an email back."""
    words = " ".join([facts.issue, *facts.contacts])
    for m in SOMETHING_BACK.finditer(words):
        # "they never acknowledged my complaint", "not even an auto reply" say nothing came (a second reviewer's)
        if not re.search(
            r"\b(?:never|not|didn'?t|did not|no|without|even|nor)\b(?:\s+\w+)?\s*$",
            words[max(0, m.start() - 25) : m.start()],
            re.I,
        ):
            return False
    sentences = re.split(r"(?<=[.!?])\s+|\n", words)
    for i, sentence in enumerate(sentences):
        if re.search(r"\bcomplain", sentence, re.I) and any(NOTHING_BACK.search(x) for x in sentences[i : i + 2]):
            return True
    return False


def _start_day(facts: Facts) -> date:
    """The day the problem began: the day the person gives in the month read as its start, else that month's 1st."""
    month = date.fromisoformat(facts.since + "-01")
    for m in START_DAY.finditer(facts.issue):
        before = facts.issue[max(0, m.start() - 40) : m.start()]
        if re.search(
            r"\b(?:i|we|i'?ve|we'?ve|us|our)\b|\bwith (?:me|us)\b|\bmy (?:job|work|hours|own)\b|"
            r"\b(?:ringing|calling|chasing|emailing|emails?|emailed|phoning|phoned|rang|wrote|letters?|ignored|contacted|"
            r"heard|complain\w*|replied|answered|waiting|off work)\b",
            before,
            re.I,
        ):
            continue  # "I have been off work since 20th october", "ringing them every day since the 14th october"
        if MONTHS.split("|").index(m.group(2).lower()) + 1 == month.month:
            try:
                return month.replace(day=int(m.group(1)))
            except ValueError:
                break
    return month


def _done(d: Due, done: date | None) -> Due:
    return Due(d.label, d.due, d.rule, d.provision, done=done, note=d.note)


def how_late(d: Due, today: date) -> str:
    """'3 weeks late' / '9 months late', from the due date to when it happened or to today."""
    late = d.late_by(today)
    if not late:
        return ""
    days = late.days
    if days < 28 and "working day" in d.rule:  # a deadline in working days is late by working days (19 days is 13
        # working days, not "2 weeks": an adviser's read)
        n = working_days_between(d.due, d.done or today)
        return f"{n} working day{'s' if n != 1 else ''} late" if n else ""
    if days < 14:
        return f"{days} day{'s' if days != 1 else ''} late"
    if days < 90:
        # 34 days is nearly 5 weeks, not "4 weeks late" (an adviser's read of Kai's acknowledgement)
        return f"nearly {days // 7 + 1} weeks late" if days % 7 >= 4 else f"{days // 7} weeks late"
    months = round(days / 30.44)
    return f"{months} months late"
