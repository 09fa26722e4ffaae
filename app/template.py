"""The template writer: the letter an experienced adviser would send, built from the user's own words, the law
register, the timeline computed from their dates, and sentences of decisions quoted for what they are (a finding as a
finding, a remedy as a remedy). No model: every sentence is either the user's, a fixed sentence of ours, or a
verbatim quotation with its citation.

Parent letters: who is writing, what happened, the law, the dates and how late, what the Ombudsman has found, the ask
with a benchmarked figure, and the right next step (including a SEND Tribunal deadline, the Children Act procedure,
or the Ombudsman's 12 months). Officer responses: addressed by name, a finding on each point from the council's
records, an apology, actions with dates and a named officer, a figure, what will change, and the next step.
"""

from __future__ import annotations

import re
from datetime import date

from .councils import name_nicknames, official_name
from .deadlines import add_working_days, working_days_between
from .draft_types import SCHOOL_DAYS_PER_TERM, Award, DraftContext, Point, quote_of
from .facts import Facts
from .issues import (
    COMPLAINT_ISSUES,
    DELAY_ISSUES,
    IGNORED_COMPLAINT,
    REFUSED,
    plan_status,
    symbolic_harms,
    transport_panel_decided,
    who_is_writing,
)
from .law import REGISTER
from .models import Hit
from .owed import offered_sum
from .quoting import cite_label
from .text import long_date, plain_dates, tidy
from .timeline import how_late

STAGE_TITLE = {
    "council-stage-1": "Formal complaint (stage 1)",
    "council-stage-2": "Request to escalate my complaint to stage 2",
    "ombudsman": "Complaint to the Local Government and Social Care Ombudsman",
    "response": "Response to your complaint",
}
SEND_ISSUES = {
    "section_f_provision",
    "needs_assessment",
    "annual_review",
    "phase_transfer",
    "tribunal_order",
    "eotas",
    "personal_budget",
    "transport",
    "out_of_school",
}
UNANSWERED_DAYS = 12 * 7  # the Ombudsman: "up to 12 weeks is usually a fair time for the body to ... reply"
LONG_STORY_WORDS = 220  # a longer account is summarised in the letter: its opening and every sentence with a date


def _when(h: Hit) -> str:
    return f" (decided {long_date(h.decision_date)})" if h.decision_date else ""


def _award_said(a: Award) -> str:
    """The award quoted as a remedy, with the council it was against and its citation."""
    return (
        f"in a comparable complaint against {_who(a.hit)}{_when(a.hit)}, on the remedy, the Ombudsman said: "
        f"\u201c{a.quote}\u201d {cite_label(a.hit)}"
    )


def _who(h: Hit) -> str:
    return h.organisation or "a council"


# the person taking the child themselves, or paying for it: what a refund of travel costs would be for ("ive been
# driving him", "we drove her every day", "I paid for taxis", "the mileage"), not "the taxi took him to school" or
# "His driver stopped coming"
OWN_TRAVEL = re.compile(
    r"\b(?P<what>mileage|fuel|petrol|fares?)\b"
    r"|\b(?:i|we|ive|weve)(?:'ve| have| had| am|'m| was| were)?(?: been)?(?: \w+)? "
    r"(?P<did>driv(?:e|ing)|drove|took|take|taking|paid|paying|pay)\b",
    re.I,
)
# a negation before what was done: "i cant drive him", "I can't afford to drive him"
NOT_DONE = re.compile(
    r"\b(?:can'?t|cant|cannot|unable to|not able to|don'?t|dont|do not|never|afford to)\b[\w\s']{0,15}$", re.I
)


def _said_in(part: str, told: str) -> bool:
    """Whether `part` of the facts is already in the account as shown, word for word (case, apostrophes and
    punctuation aside)."""

    def words(t: str) -> str:
        return " ".join(re.sub(r"[^a-z0-9]+", " ", re.sub(r"['\u2019]", "", t.lower())).split())

    return bool(words(part)) and f" {words(part)} " in f" {words(told)} "


def _title(issue, f: Facts) -> str:
    """An issue's heading for these facts: transport that was running and stopped was not "refused" (an adviser's read of
    the Kai letter: "refused" points the council to the eligibility appeal, which does not apply)."""
    if issue.label == "transport" and not REFUSED.search(f.text()):
        return "Home to school transport was not provided"
    return issue.title


def _start_told(told: str, f: Facts) -> bool:
    """Whether the account already says when the problem began, in its month ("hasnt had his taxi to school since 2nd of
    october"): a second "This has been the case since October 2026" would blur the day into the month (an adviser's
    read of the Kai letter)."""
    if not f.since:
        return False
    full = f"{date.fromisoformat(f.since + '-01'):%B}".lower()
    # the month as a word of its own ("oct", "sept"), never inside another ("decided"); May only as a date ("in may",
    # "2nd of may"), never the verb ("they may not have staff"): a second reviewer's
    month = (
        r"(?:in|since|from|of|\d(?:st|nd|rd|th)?|early|late|mid|end of) may\b"
        if full == "may"
        else rf"(?:{full}|{full[:3]}{'t' if full == 'september' else ''})\b\.?"
    )
    return bool(
        re.search(rf"\b(since|from|stopped|started|ended|began|finished)\b[^.;\n]{{0,30}}?\b{month}", told, re.I)
    )


def _own_travel(text: str) -> bool:
    """The person says they took the child or paid for travel (not "i cant drive him", "I can't afford to drive him")."""
    return any(
        not NOT_DONE.search(text[max(0, m.start() - 25) : m.start("what") if m.group("what") else m.start("did")])
        for m in OWN_TRAVEL.finditer(text)
    )


def _sentence(text: str) -> str:
    """The user's words as a sentence: tidied (`text.tidy`: apostrophes, "I", capitals), one full stop. No word
    changes."""
    t = tidy(text.strip().rstrip(".,;: "))
    return (t[:1].upper() + t[1:] + ("" if t.endswith(("?", "!")) else ".")) if t else ""


# a span the person put in quotation marks ("Section F says: 'weekly speech and language therapy'"); an apostrophe
# inside a word ("Kai's", "don't") neither opens nor closes one
QUOTED_SPAN = re.compile(
    r"\u201c([^\u201d\n]+)\u201d|\u2018([^\u2019\n]+)\u2019(?!\w)|\"([^\"\n]+)\"|(?<!\w)'([^'\n]+?)'(?!\w)"
)


# what introduces the plan's own words before the quotation marks: "Section F says:", "his EHCP states"
PLAN_BEFORE_QUOTE = re.compile(
    r"\b(?:plan|section [a-k]\d?|ehcp|ehc plan)\b(?:'s)?(?: \w+){0,2}? ?(?:says?|said|states?|stated|reads|specifies|"
    r"sets out|lists|provides(?: for)?|wording(?: is)?)?\s*[:\-–]?\s*$",
    re.I,
)


def _in_quotes(words: str, text: str) -> bool:
    """`words` are one span the person quoted, or most of it, where what comes just before the quotation marks is the
    plan ("Section F says: '...'"): the plan's own words, to be quoted as such. Not a council's or a school's words
    ("The council emailed: 'we cannot offer ...'"), and not a word or two of a longer quotation."""
    want = " ".join(words.lower().split()).strip(" .")
    if not want:
        return False
    for m in QUOTED_SPAN.finditer(text):
        quoted = " ".join(next(g for g in m.groups() if g).lower().split()).strip(" .")
        inside = re.search(rf"(?<!\w){re.escape(want)}(?!\w)", quoted)
        if (
            inside
            and len(want) >= 0.6 * len(quoted)
            and PLAN_BEFORE_QUOTE.search(text[max(0, m.start() - 60) : m.start()])
        ):
            return True
    return False


def _allowance_cut(f: Facts) -> str | None:
    """When a special guardianship allowance was cut: the facts' start month where the cut's own sentence names that
    month ("cut my allowance ... in april"), else "when it was cut"; None when no such cut is told (a carer's allowance
    stopped is another body's benefit)."""
    text = f.text()
    for m in ALLOWANCE_CUT.finditer(text):
        if CARERS_ALLOWANCE.search(m.group(0)):
            continue
        start = max(text.rfind(c, 0, m.start()) for c in ".!?\n") + 1
        end = min((i for i in (text.find(c, m.end()) for c in ".!?\n") if i >= 0), default=len(text))
        said = text[start:end].lower()
        month = (f.since_words or "").split(" ")[0].lower()
        return f.since_words if month and re.search(rf"\b{month[:3]}", said) else "when it was cut"
    return None


# names that are also everyday words: never capitalised in the person's words ("i will", "we hope")
WORD_NAMES = {"will", "hope", "grace", "faith", "joy", "rose", "may", "june", "april", "summer", "bill", "mark", "art"}


def _named(text: str, child: str | None) -> str:
    """The child's name capitalised where the person typed it in lower case ("my son jayden" → "my son Jayden")."""
    if not child or len(child) < 3 or not child[:1].isupper() or child.lower() in WORD_NAMES:
        return text
    return re.sub(rf"\b{re.escape(child.lower())}\b", child, text)


def _day(d: date) -> str:
    return long_date(d.isoformat())


def _support(ctx: DraftContext, h: Hit | None, lead: str) -> str:
    """One sentence citing `h`, quoting its chosen sentence verbatim; nothing when there is none."""
    if h is None:
        return ""
    q = quote_of(ctx, h)
    return f"{lead} \u201c{q}\u201d {cite_label(h)}." if q else ""


# a complaint's reply that put nothing right, in the complaint's words: "your stage 1 reply ... didn't offer anything"
# (in the sentence that tells of the council's reply: not "the school offered nothing while the therapist was away")
NO_REMEDY = re.compile(
    r"\b(?:reply|response|answer|responded|replied)\b[^.!?\n]{0,80}?(?:\b(?:didn'?t|did not|didnt|never) offer(?:ed)? "
    r"(?:anything|any remedy|a remedy|any compensation)|\boffered nothing\b|\bno remedy\b|\bnothing to put (?:it|this|things) right\b)",
    re.I,
)


def _possessive(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"


# the transport is running now (it started late): nothing to arrange, the loss is what the wait cost
TRANSPORT_IN_PLACE = re.compile(
    # not "hasnt had his taxi to school since the half term started" (a second reviewer's)
    r"\b(transport|taxi|bus|minibus)\b(?:(?!\bsince\b|\bnot?\b|n'?t\b)[^.;\n]){0,40}?\b(started|began|finally (came|arrived|started)|"
    r"is now (in place|running))\b",
    re.I,
)
# school missed, in the person's words ("hes missed 11 days of school", "she cant get to school")
MISSED_SCHOOL = re.compile(
    r"(?<!n't )(?<!nt )(?<!not )(?<!never )(?<!will )(?<!to )(?<!would have )(?<!could have )(?<!would've )"
    r"\bmissed (?:(?:\d+|[a-z]+) (?:school |college )?(?:days|weeks)"
    r"(?! (?:of|at) (?!school|college|education|learning|lessons))|(?:so much |a lot of )?(?:school|college|lessons)\b)"
    r"|\bout of (?:school|college)\b|\b(?:can'?t|cannot|unable to|not able to) (?:get|go)(?:ting)? (?:him |her |them )?(?:in)?to "
    r"(?:school|college)\b",
    re.I,
)
# a stage 2 reply told without its day ("they sent a stage 2 response saying no")
STAGE2_ANSWERED = re.compile(
    r"\bstage (?:2|two) (?:response|reply|decision|letter|outcome|report)\b(?! (?:is|was) (?:due|overdue|late))"
    r"|\b(?:sent|got|had|received) (?:a |the |their |my )?stage (?:2|two)\b",
    re.I,
)
# a special guardianship allowance cut, reduced or stopped (not one never paid)
ALLOWANCE_CUT = re.compile(
    r"\b(?:cut|reduced|lowered|stopped|decreased|taken away|withdrawn)\b[^.!?\n]{0,60}?"
    r"\b(?:special guardianship|sgo|guardianship|my|our|the|her|his) allowance\b"
    r"|\b(?:special guardianship|sgo|guardianship) allowance\b[^.!?\n]{0,40}\b(?:was |has been |got )?"
    r"(?:cut|reduced|lowered|stopped|decreased|taken away|withdrawn)\b",
    re.I,
)
CARERS_ALLOWANCE = re.compile(r"\bcarer'?s'? allowance\b", re.I)
# a penalty charge's representations already rejected ("the council rejected my appeal against the penalty charge")
REJECTED = re.compile(r"\breject\w*|\bturned down\b|\brefused my (appeal|challenge|representations)", re.I)
# a London council: its penalty charges go to London Tribunals, not the Traffic Penalty Tribunal
LONDON = re.compile(
    r"\blondon\b|\b(barking|barnet|bexley|brent|bromley|camden|croydon|ealing|enfield|greenwich|hackney|hammersmith|"
    r"haringey|harrow|havering|hillingdon|hounslow|islington|kensington|kingston upon thames|lambeth|lewisham|merton|"
    r"newham|redbridge|richmond upon thames|southwark|sutton|tower hamlets|waltham forest|wandsworth|westminster)\b",
    re.I,
)
PENALTY_CHARGE = re.compile(r"\b(penalty charge|pcn\b|parking (fine|ticket|penalty)|bus lane (fine|penalty))", re.I)


def _rate_whose(quote: str) -> tuple[str, str]:
    """Whose rate a benchmark is, as its own words say, with the article it takes ("the range" / "a rate" / "the
    rate"): a council's offer the Ombudsman endorsed ("for which the Council has offered the equivalent of £650 a term
    ... in line with our guidance") is a rate the Ombudsman accepted, not one it set (an adviser's read); a range from
    the Guidance on Remedies is that guidance's."""
    if re.search(r"guidance on remedies suggests", quote, re.I):
        return "the range", "the Ombudsman's own remedies guidance suggests"
    if re.search(r"\boffer", quote, re.I):
        guidance = (
            " as in line with its guidance" if re.search(r"in line with (our|its|the) guidance", quote, re.I) else ""
        )
        return "a rate", f"the Ombudsman accepted{guidance}"
    return "the rate", "the Ombudsman has used"


def _rate_source(quote: str) -> str:
    """ "a rate the Ombudsman accepted as in line with its guidance", "the range the Ombudsman's own remedies guidance
    suggests", "the rate the Ombudsman has used"."""
    return " ".join(_rate_whose(quote))


def story(text: str, limit: int = LONG_STORY_WORDS) -> tuple[str, bool]:
    """The user's account for the letter: whole when short; when long, its opening sentences and every later
    sentence that carries a date or a number, in their order, up to about `limit` words (and True: it was cut)."""
    words = text.split()
    if len(words) <= limit:  # each paragraph (each message of a chat) its own sentence's end
        return "\n\n".join(_sentence(p) for p in re.split(r"\n\s*\n", text) if p.strip()), False
    sents = [s.strip() for s in re.split(r"(?<=[.!?])\s+", " ".join(words)) if s.strip()]
    keep, n = [], 0
    for i, s in enumerate(sents):
        wanted = i < 3 or re.search(r"\b(19|20)\d\d\b|\d", s)
        if wanted and n + len(s.split()) <= limit:
            keep.append(s)
            n += len(s.split())
    return " ".join(_sentence(s) for s in keep), True


WISH_FRAME = re.compile(r"(?:i|we)(?: would|'d|d)? (?:want|like|would like|are asking for|am asking for)\b", re.I)


def _without_wish(text: str, wish: str | None) -> str:
    """The account without a sentence that only says what the person wants ("i want the taxi back now and something for
    the school hes missed"): "What I am asking for" says it, and an account of what happened does not (a chat's answer
    to "what would you like the council to do?" lands at the account's end). Anything else is left as typed."""
    if not wish or len(wish.split()) < 3:
        return text
    for m in re.finditer(r"[^.!?\n]+[.!?]*", text):
        head = m.group(0).strip()
        if wish.lower() in head.lower() and WISH_FRAME.match(head) and len(head) <= len(wish) + 30:
            cut = (text[: m.start()] + text[m.end() :]).strip()
            return cut or text
    return text


THERAPIES = [
    (r"\bOT\b|occupational therap", "occupational therapy"),
    (r"\bSALT\b|speech (and language )?therap", "speech and language therapy"),
    (r"physio", "physiotherapy"),
    (r"tuition|tutor", "tuition"),
]


def _therapy(f: Facts) -> str:
    """What provision was lost, in the user's terms where they name a therapy ("occupational therapy")."""
    words = f"{f.issue} {f.provision or ''}"
    return next((name for rx, name in THERAPIES if re.search(rx, words, re.I)), "the provision in the plan")


class TemplateWriter:
    name = "template"

    def write(self, ctx: DraftContext, on_token=None) -> str:
        text = self._officer(ctx) if ctx.facts.role == "officer" else self._parent(ctx)
        if on_token:
            for piece in re.split(r"(?<=\n)", text):
                on_token(piece)
        return text

    def refine(self, ctx: DraftContext, previous: str, instruction: str, on_token=None) -> str:
        return self.write(ctx, on_token)  # the instruction was applied to the facts (app.refine.interpret)

    # ================================================================= parent
    def _parent(self, ctx: DraftContext) -> str:
        f = ctx.facts
        stage = ctx.letter_stage() or "council-stage-1"  # where the person's words put the letter (app.issues)
        council = official_name(f.council) or "the council"
        labels = {p.issue.label for p in ctx.points}
        plan = plan_status(f.has_plan, f.text())
        out: list[str] = []
        out.append(
            "To the Local Government and Social Care Ombudsman"
            if stage == "ombudsman"
            else f"To the complaints team, {council}"
        )
        sender = [x for x in (f.name, f.address) if x]
        out.append("\n".join([*sender, long_date(date.today().isoformat())]))
        panel = self._panel_pending(ctx) if stage != "ombudsman" else None
        awaited = self._awaited(ctx) if stage == "council-stage-1" else None
        awaited2 = self._awaited_stage2(ctx) if stage == "council-stage-2" and not panel else None
        title = (
            "Request to convene the stage 3 review panel"
            if panel
            else f"{STAGE_TITLE[stage]}, not yet answered"
            if awaited
            else "Stage 2 complaint, not yet answered"
            if awaited2
            else STAGE_TITLE[stage]
        )
        out.append(f"**{title}: {self._subject(ctx)}**")
        intro = self._intro(f, stage, council, labels, self._unanswered(ctx), awaited, awaited2)
        if panel:  # past stage 2 of the statutory procedure: the letter is a demand for the panel, not a new complaint
            intro = intro.split(" to make a formal complaint", 1)[0].split(". I am not satisfied", 1)[0]
            intro += (
                f". I asked {council} for a stage 3 review panel on {_day(panel)} under the Children Act 1989 statutory "
                "complaints procedure, and it has not been convened."
            )
        out.append(intro)
        if f.provision:
            ordered = re.match(
                r"\s*(the )?(send |first-tier )?tribunal('s)? (order|ordered|decision)\s*[:\-–]?\s*", f.provision, re.I
            )
            what = (
                # the order is not yet in the plan (d17, an adviser's read): it is what the Tribunal ordered
                "**What the Tribunal ordered.** "
                if ordered
                else f"**What {_possessive(f.child) if f.child else 'the'} EHC Plan requires.** The plan says: "
                if plan and f.provision_source != "person"
                # the person's own account of what is owed ("hasnt had his taxi to school"), not the plan's words
                else f"**What {f.child or 'my child'} should have.** "
                if plan
                else f"**What {f.child or 'my child'} needs.** "
            )
            said = f.provision[ordered.end() :] if ordered else f.provision
            quoted = what.endswith("The plan says: ") and _in_quotes(said, f.issue)
            out.append(
                f"{what}\u201c{said.strip().rstrip('.')}\u201d." if quoted else f"{what}{_sentence(said.rstrip('.'))}"
            )
        account = _without_wish(f.issue, f.outcome_sought)
        told, cut = (ctx.restated, False) if ctx.restated else story(account, 120 if ctx.short else LONG_STORY_WORDS)
        # the council by the name the letter is addressed to, a day as a letter writes it ("an EHCP from notts", "on the
        # 2nd of October": an adviser's read of Kai's letter); the contacts and impact alike, so none is said twice
        plain = lambda t: plain_dates(name_nicknames(t, f.council))  # noqa: E731
        told = plain(told)
        since = f" This has been the case since {f.since_words}." if f.since_words and not _start_told(told, f) else ""
        more = " My full account is attached." if cut else ""
        out.append(_named(f"**What has happened.** {told}{since}{more}", f.child))
        # a contact or the impact the account above already says in the same words is not said twice (an adviser's
        # read of the Kai chat letter: "I put a complaint in on 20th October and nothing back" three times over)
        unsaid = [c for c in f.contacts if not _said_in(plain(tidy(c)), told)]
        if unsaid:
            # the person's own steps and the council's replies alike ("stage 1 reply 30 september just says theyre
            # recruiting"): not all of them are what the person did (an adviser's read)
            contacts = "\n".join(f"- {plain(_sentence(c))}" for c in unsaid)
            out.append(_named("**My contacts with the council.**\n" + contacts, f.child))
        if f.impact and not _said_in(plain(tidy(f.impact)), told):
            out.append(_named(f"**The impact.** {plain(_sentence(f.impact))}", f.child))
        out += self._grounds(ctx, "**The law.**")
        if not self.precedents(ctx):
            if ctx.outside:  # said to the person, not to the council
                ctx.advice.append(
                    f"The decisions Precedent holds are about special educational needs and children's services, not "
                    f"{ctx.outside}, so the letter relies on no precedent."
                )
            out.append(
                "I have not found a published Ombudsman decision close enough to these facts to cite, so I do not rely on "
                "any precedent here; I ask the council to consider my complaint on its own facts."
            )
        out.append(self._asks(ctx, plan))
        fig = ctx.figure
        # school still being missed while an overdue answer is awaited: a shorter time asked, and why (an adviser's
        # read of Kai's letter: "no urgency while he is out of school every day")
        urgent = bool(fig and fig.days and fig.ongoing and fig.place == "the top")  # whole days, still being missed
        within = "5 working days" if urgent else "10 working days"
        who = "I am" if f.complainant == "young person" else f"{f.child or 'My child'} is"
        college = (
            r"\bcollege\b"
            if f.complainant == "young person"
            else r"\b(?:his|my|their) college\b|\b(?:goes|go|going|is|attends|started|'s|s) (?:to |at )college\b"
            r"|\b(?:taxi|transport|bus|travel) to college\b"
        )
        where = "college" if re.search(college, f.text(), re.I) else "school"  # not a sister's college bus
        why = f" {who} missing {where} every day this goes on." if urgent else ""
        reply = (
            "Please confirm within 10 working days the date on which the review panel will meet."
            if panel
            else f"Please send your full response to my complaint within {within} of this letter; the time the "
            f"Ombudsman's Complaint Handling Code gives for it has passed.{why} If I do not have it by then, I will ask for my "
            "complaint to be considered at the next stage."
            if awaited
            else "Please send the stage 2 response within 10 working days of this letter; the time for it has passed. If I "
            "do not have it by then, I will ask the Local Government and Social Care Ombudsman to consider my complaint "
            "because of the council's delay."
            if awaited2
            else self._reply_by(ctx, stage)
        )
        if f.role == "parent":
            # what the council needs to find the records, said beside the letter (an adviser's read of Kai's letter: no
            # surname, date of birth or reference; a placeholder in the letter itself is what the eval forbids)
            add = (
                [f"{_possessive(f.child)} full name and date of birth"]
                if f.child and " " not in f.child.strip()
                else []
            )
            if (awaited or awaited2 or panel or stage != "council-stage-1") and not re.search(
                r"\b(?:ref(?:erence)?|case (?:no|number))\b", f.text(), re.I
            ):
                add.append("the council's reference for your complaint if it gave you one")
            if add:
                reader = "the Ombudsman" if stage == "ombudsman" else "the council"
                ctx.advice.append(f"Under the heading, add {', and '.join(add)}, so {reader} can find the records.")
        if reply:  # kept in a shorter letter too: the request for a reply is what the letter is for
            if f.firm and stage != "ombudsman":
                reply += (
                    " If I do not receive a full response within that time, I will take my complaint to the next stage "
                    "without further notice."
                )
            out.append(reply)
        if urgent and "transport" in labels and stage != "ombudsman":
            # the transport cannot wait for the complaint (an adviser's read of Kai's letter: "copy it to the transport
            # team")
            whose = "my" if f.complainant == "young person" else _possessive(f.child) if f.child else "my child's"
            out.append(
                f"I am sending a copy of this letter to the council's home to school transport team, because {whose} "
                "transport cannot wait for the outcome of my complaint."
            )
        out.append(f"**Next steps.** {self._route(ctx, stage, labels, plan)}")
        out.append("Yours sincerely,\n\n" + (f.name or "[Your name]"))
        return "\n\n".join(s for s in out if s)

    def _subject(self, ctx: DraftContext) -> str:
        f = ctx.facts
        titles = [_title(p.issue, f).rstrip(".") for p in ctx.points if p.issue.label != "general"]
        # later titles go on in lower case ("...not provided; the complaint was not handled properly"), an acronym
        # as it is ("EHC")
        titles = titles[:1] + [t[:1].lower() + t[1:] if re.match(r"[A-Z][a-z]", t) else t for t in titles[1:3]]
        about = "; ".join(titles) if titles else "the council's handling of my concerns"
        return f"{f.child} — {about}" if f.child else about

    def _intro(
        self,
        f: Facts,
        stage: str,
        council: str,
        labels: set[str],
        unanswered: date | None = None,
        awaited: date | None = None,
        awaited2: date | None = None,
    ) -> str:
        who = {
            "parent": f"as {_possessive(f.child)} parent" if f.child else "as a parent",
            "carer": f"as {_possessive(f.child)} carer" if f.child else "as a carer",
            "special guardian": f"as {_possessive(f.child)} special guardian" if f.child else "as a special guardian",
            "foster carer": f"as {_possessive(f.child)} foster carer" if f.child else "as a foster carer",
            "young person": "about my own education and support",
            "advocate": f"as an advocate for {f.child}" if f.child else "as an advocate",
        }.get(who_is_writing(f) or "", f"about {f.child}" if f.child else "about my child")
        if stage == "council-stage-1" and awaited is not None:  # its reply overdue: chased (an adviser's read)
            return f"I am writing {who}. I made a formal complaint to {council} on {_day(awaited)}, and it has not been answered."
        if stage == "council-stage-1":
            return f"I am writing {who} to make a formal complaint about {council}."
        # stage 2 asked for and overdue: chased, not asked again
        if stage == "council-stage-2" and awaited2 is not None:
            return (
                f"I am writing {who}. I asked {council} on {_day(awaited2)} for my complaint to be considered at stage 2, "
                "and I have not had the stage 2 response."
            )
        if stage == "council-stage-2" and IGNORED_COMPLAINT.search(f.text()):
            return (
                f"I am writing {who}. I complained to {council} and it has not answered my complaint, so I ask for it to "
                "be considered at the next stage of the complaints procedure."
            )
        if stage == "council-stage-2":
            return (
                f"I am writing {who}. I am not satisfied with {council}'s response to my complaint and ask for it to be "
                "considered at the next stage of the complaints procedure."
            )
        if unanswered is not None:  # to the Ombudsman, with no reply from the council (the route says why now)
            return (
                f"I am writing {who} to complain about {council}. I complained to the council on {_day(unanswered)} "
                "and it has not replied."
            )
        if transport_panel_decided(f, labels):
            return (
                f"I am writing {who} to complain about {council}. I have been through the council's review and appeal "
                "process for school travel, and its appeal panel has decided."
            )
        return f"I am writing {who} to complain about {council}. I have been through the council's complaints procedure and remain dissatisfied."

    def _grounds(self, ctx: DraftContext, law_heading: str) -> list[str]:
        """The law, the dates and what the Ombudsman has found: the sections both desks share, those that apply."""
        law = self.law_section(ctx).replace("**The law.**", law_heading)
        return [x for x in (law, self.dates_section(ctx), self.precedents(ctx)) if x]

    # ------------------------------------------------------------- the law
    def law_section(self, ctx: DraftContext) -> str:
        """Each duty the issues rest on, named, and quoted with its citation where its words are held. Ombudsman
        guidance is called guidance, never the law."""
        lines, seen = [], set()

        # a decision paragraph chosen to state the duty may already quote a provision's held words, at more length
        # ("… The Courts have said the duty … is non-delegable"): the provision is then named, not quoted twice
        def fold(q: str | None) -> str:
            return " ".join((q or "").split()).lower()[:80]

        stated = [fold(quote_of(ctx, p.duty)) for p in ctx.points if p.duty is not None and quote_of(ctx, p.duty)]
        # nothing says there is an EHC plan: the plan's duties are said as depending on one (an adviser's read of
        # d13, "a statutory duty built on a fact the user never gave")
        unknown = plan_status(ctx.facts.has_plan, ctx.facts.text()) is not True
        for p in ctx.points:
            if_plan = (
                f"If {ctx.facts.child or 'my child'} has an EHC plan: "
                if unknown and p.issue.label == "section_f_provision"
                else ""
            )
            for line in p.law:
                pr = line.provision
                if pr.id in seen:
                    continue
                seen.add(pr.id)
                requires = pr.requires.strip().rstrip(".")
                if not re.match(r"[A-Z]{2}", requires):  # "EHC plans must …" keeps its capitals; "A child …" does not
                    requires = requires[:1].lower() + requires[1:]
                first = requires.split(" ", 1)[0]
                guidance = "guidance" in pr.kind
                kind = "the Ombudsman's guidance, not law" if pr.kind == "ombudsman guidance" else pr.kind
                name = pr.name[:1].upper() + pr.name[1:]
                if guidance:
                    lead = f"{name} ({kind}): {requires}"
                elif first in ("how", "what", "which"):  # "how the council must assess …"
                    lead = f"{name} sets out {requires}"
                elif first in ("sets", "defines", "lists", "says", "provides", "requires", "allows", "gives"):
                    lead = f"{name} {requires}"  # "sets the circumstances in which …"
                else:
                    lead = f"Under {pr.name}, {requires}"
                timescale = (
                    f" ({pr.timescale})" if pr.timescale and pr.timescale.lower() not in requires.lower() else ""
                )
                text = f"- {if_plan}{lead[:1].lower() + lead[1:] if if_plan else lead}{timescale}."
                if line.quote and line.hit is not None and not any(fold(line.quote)[:60] in q for q in stated):
                    says = "The guidance says" if guidance else "The words are"
                    if line.hit.kind in ("decision", "report"):
                        says = f"As the Ombudsman has put it, in a complaint against {_who(line.hit)}"
                    text += f" {says}: \u201c{line.quote}\u201d {cite_label(line.hit)}."
                lines.append(text)
        for p in ctx.points:  # the Ombudsman stating the law, for an issue with a decision paragraph that does
            lead = (
                f"In the words of the {p.duty.organisation or 'law'}:"
                if p.duty is not None and p.duty.kind == "law"
                else "The Ombudsman has explained the duty in these terms:"
            )
            s = _support(ctx, p.duty, lead)
            if s and not ctx.short:
                lines.append(f"- {s}")
        if not lines:
            return ""
        return "**The law.**\n" + "\n".join(lines)

    # ------------------------------------------------------------- dates
    def dates_section(self, ctx: DraftContext) -> str:
        t = ctx.timeline
        if t is None or not t.due:
            return ""
        lines = []
        for d in t.due:
            pr = REGISTER.get(d.provision or "")
            under = f", {pr.name}" if pr and "guidance" not in pr.kind else ""
            late = how_late(d, t.today)
            if d.done and ctx.facts.role == "officer" and d.done == t.today:
                # the response being written is this stage's: its lateness is this letter's own
                status = f"this response is dated {_day(d.done)}" + (f", {late}" if late else ", on time")
            elif d.done:
                status = f"it happened on {_day(d.done)}" + (f", {late}" if late else ", on time")
            elif late:
                status = f"it has still not happened, {late}"
            else:
                status = "it is not yet due"
            lines.append(f"- {d.label}: due by {_day(d.due)} ({d.rule}{under}); {status}.")
        return "**Dates and deadlines.**\n" + "\n".join(lines)

    # ------------------------------------------------------------- precedents
    def precedents(self, ctx: DraftContext) -> str:
        """Each close issue's findings and remedy, quoted for what they are and cited, or "" when none is close."""
        close_points = [p for p in ctx.points if p.close and (p.finding or p.remedy or p.another)]
        if not close_points:
            return ""
        heading = (
            "**What the Ombudsman has said in comparable cases.**"
            if ctx.facts.role == "officer"
            else "**What the Ombudsman has found in similar cases.**"
        )
        body = [self._point(ctx, p) for p in close_points]
        return "\n\n".join([heading, *(b for b in body if b)])

    def _point(self, ctx: DraftContext, p: Point) -> str:
        lines = [f"*{_title(p.issue, ctx.facts)}.*"]
        if ctx.short:
            lines.append(
                _support(
                    ctx,
                    p.finding or p.remedy,
                    f"In a complaint against {_who(p.finding or p.remedy)}, the Ombudsman found:",
                )
                if (p.finding or p.remedy)
                else ""
            )
            return " ".join(x for x in lines if x)
        if p.finding:
            lines.append(
                _support(
                    ctx, p.finding, f"In a complaint against {_who(p.finding)}{_when(p.finding)}, the Ombudsman found:"
                )
            )
        if p.another:
            lines.append(
                _support(
                    ctx,
                    p.another,
                    f"In another complaint, against {_who(p.another)}{_when(p.another)}, the Ombudsman found:",
                )
            )
        if p.remedy:
            lines.append(
                _support(
                    ctx,
                    p.remedy,
                    f"On the remedy, in a complaint against {_who(p.remedy)}{_when(p.remedy)}, the Ombudsman said:",
                )
            )
        return " ".join(x for x in lines if x) if len([x for x in lines if x]) > 1 else ""

    # ------------------------------------------------------------- the ask
    def _figure_sentence(self, ctx: DraftContext, voice: str) -> str:
        fig = ctx.figure
        if fig is None:
            return ""
        f = ctx.facts
        what = "education" if fig.what == "education" else _therapy(f)
        since = f" since {f.since_words}" if f.since_words else ""
        if f.since and (t := ctx.timeline) and t.aware and t.aware.day > 1:
            since = f" since {_day(t.aware)}"  # the day the person gave ("since 2nd of october")
        child = f.child or ("my child" if voice == "parent" else "your child")
        basis = f"at {fig.rate_words()}, {_rate_source(fig.quote)}: \u201c{fig.quote}\u201d {cite_label(fig.hit)}"
        if fig.base_rate:  # scaled down to the plan's intensity: the benchmark's own rate, and why it was scaled
            basis = (
                f"at £{fig.unit_low:,} a {fig.unit}: £{fig.base_rate:,} a {fig.unit} is {_rate_source(fig.quote)} "
                f"{fig.scale}: \u201c{fig.quote}\u201d {cite_label(fig.hit)}"
            )
        if fig.count:  # priced per session at a comparable decision's own award over the sessions it found missed
            return (
                f"a payment of £{fig.low:,} for the {fig.sessions} sessions of {what} {child} has missed{since}, at "
                f"£{fig.unit_low:,} a session (£{fig.award:,} for {fig.count} missed sessions): in a comparable complaint "
                f"against {_who(fig.hit)}, the Ombudsman found \u201c{fig.count_quote}\u201d {cite_label(fig.count_hit)}, "
                f"and on the remedy said \u201c{fig.quote}\u201d {cite_label(fig.hit)}"
            )
        if fig.days:  # the person counted whole school days: each a school day's share of the point in the range
            # still going on: the count is the person's at the time of writing, so each day after it is priced too (an
            # adviser's read of the Kai letter: 11 days told, about 36 by the letter's date)
            t = ctx.timeline
            if voice == "parent" and fig.ongoing and t is not None and t.aware and f.since:
                # the count is the person's, perhaps from when they first wrote: the weekdays since the day it began
                # say when it may be out of date (an adviser's read of Kai's: "nothing since 2 October" is about 36
                # school days by the end of November, not 11)
                weekdays = working_days_between(t.aware, t.today)
                if weekdays > fig.days + 5:
                    # the day only where the person gave it (a second reviewer's: "stopped in october" is no 1 October)
                    span = (
                        f"From {_day(t.aware)} to today" if t.aware.day > 1 else f"Since the start of {t.aware:%B %Y}"
                    )
                    ctx.advice.append(
                        f"You counted {fig.days} school days missed. {span} there have been up to {weekdays} weekdays "
                        f"(bank holidays left out, school holidays not): if {child} has missed more, change the count "
                        f"before sending. Each school day is £{fig.per_day:,} at the rate the letter uses."
                    )
            further = (
                f", and £{fig.per_day:,} for each further school day missed until this is put right"
                if fig.ongoing
                else ""
            )
            # why the top: whole days with nothing at all, in the letter's own words (the guidance names no place)
            top = f", because on these days {child} missed school altogether" if fig.place == "the top" else ""
            return (
                f"a payment of £{fig.asked:,} for the {fig.days} school days {child} has missed{since}{further}, at "
                f"£{fig.point:,} a {fig.unit}, {fig.place} of the range of {fig.rate_words()} "
                f"{_rate_whose(fig.quote)[1]}{top}, a term being {SCHOOL_DAYS_PER_TERM:.0f} of the 190 school days of a "
                f"year: \u201c{fig.quote}\u201d {cite_label(fig.hit)}"
            )
        if fig.sessions:  # the person counted sessions: the loss in their terms, with the rate the Ombudsman has used
            return f"a payment for the {fig.sessions} sessions of {what} {child} has missed{since}, {basis}"
        if not fig.units:  # the facts do not say since when: the rate, for the council to count the terms
            return f"a payment for the {what} {child} has missed, {basis}"
        amount = fig.amount_words()
        if fig.high:
            # one sum, not a range (an adviser's read of d05, d10, o04: a council pays the foot of a range asked, and
            # offers a sum): the point the facts place it at, with their reason, and the user is told the whole range
            amount = f"£{fig.asked:,}"
            where = fig.place
            because = f", because {child} has {fig.reason}" if fig.reason else ""
            facts_say = f" because the facts say {child} has {fig.reason}" if fig.reason else ""
            span = f"£{fig.low:,} to £{fig.high:,} for {fig.units} {fig.unit}{'s' if fig.units != 1 else ''}"
            ctx.advice.append(
                f"The {'offer' if voice == 'officer' else 'ask'} is {where} of the Ombudsman's range ({fig.rate_words()}, "
                f"{span}){facts_say}. The guidance places a payment "
                "within the range by what the child lost (no education at all sits higher): "
                f"{'decide the figure before sending' if voice == 'officer' else 'change it if that does not fit'}."
            )
            basis = (
                f"at £{fig.point or fig.unit_low:,} a {fig.unit}, {where} of the range of {fig.rate_words()} "
                f"{_rate_whose(fig.quote)[1]}{because}: \u201c{fig.quote}\u201d {cite_label(fig.hit)}"
            )
        return (
            f"a payment of {amount} for the {fig.units} {fig.unit}{'s' if fig.units != 1 else ''} of {what} "
            f"{child} has missed{since}, {basis}"
        )

    def _asks(self, ctx: DraftContext, plan: bool | None) -> str:
        f = ctx.facts
        asks = ["an apology"]
        own = (f.outcome_sought or "").lower()
        issued = ctx.timeline is not None and "final_plan" in ctx.timeline.events
        for p in ctx.points:
            a = p.issue.ask
            if issued and p.issue.label in ("annual_review", "phase_transfer", "needs_assessment", "tribunal_order"):
                continue  # the plan has been issued since: asking for it now would contradict the facts
            if p.issue.label == "transport" and TRANSPORT_IN_PLACE.search(f.text()):
                # it started late (d16): nothing to arrange now, the cost of the wait is the ask
                a = f"my travel costs reimbursed for the days I had to take {f.child or 'my child'} myself"
            elif p.issue.label == "transport" and not _own_travel(f.text()):
                # no costs told ("i work nights and cant drive him"): a stopgap, not a refund of costs never had (an
                # adviser's read of the Kai letter), confirmed within days: each school day without it is another lost
                a = (
                    "suitable transport arranged now, confirmed to me in writing within 2 working days with the name of "
                    "the officer responsible, and an interim arrangement until it is in place"
                )
            elif p.issue.label == "special_guardianship" and (cut := _allowance_cut(f)):
                # an allowance cut or stopped: restored from when it was cut, not from when the guardian asked (an
                # adviser's read of a special guardian's letter)
                a = (
                    f"the allowance restored to its previous level, backdated to {cut}, until a fresh assessment of "
                    "our circumstances is made, with a written decision and reasons"
                )
            if a and plan is not True and "Section F" in a:
                # no plan in the facts: the provision in the person's words, never "Section F" (an adviser's read
                # of d13, where nothing said the therapy was in a plan)
                what = _therapy(f)
                what = "provision" if what.startswith("the provision") else what
                a = f"confirmation of when the {what} will be in place and who will deliver it"
            if ctx.letter_stage() == "ombudsman" and a and a.startswith("a full response to every point"):
                continue  # the council's job at its own stages; the Ombudsman is asked to investigate (an adviser's read)
            if a and a not in asks and not (p.issue.label == "communication" and "named" in own):  # said already
                asks.append(a)
        fig = self._figure_sentence(ctx, "parent")
        labels = {p.issue.label for p in ctx.points}
        if "care_leaver" in labels:  # what a care leaver at university asked for, each its own ask (d20)
            text = f.text()
            if re.search(r"bursary", text, re.I):
                asks.append("the higher education bursary paid, as section 23C(5A) of the Children Act 1989 requires")
            if re.search(r"vacation|holidays?\b", text, re.I) and re.search(
                r"accommodation|somewhere to (live|stay)", text, re.I
            ):
                asks.append("a written decision on my accommodation for the vacations before the next vacation starts")
        if ctx.owed:  # a sum counted from their own facts
            o = ctx.owed
            asks.append(
                f"the {o.what} missed from {o.start.day} {o.start:%B %Y} to {o.end.day} {o.end:%B %Y} paid: {o.words()}"
            )
        if ctx.paid:  # what they paid to cover the provision: asked back, not a sum for provision lost
            asks.append(
                f"repayment of the {ctx.paid.amount} I have paid myself to cover what the council did not provide"
            )
        if (
            "transport" in labels
            and not TRANSPORT_IN_PLACE.search(f.text())
            and f.role != "officer"
            and MISSED_SCHOOL.search(f.text())
        ):
            # school missed for want of transport: the learning made up, and the absence not held against the child
            # (an adviser's read of the Kai letter); in the writer's own voice, and no attendance ask for college
            themself = f.complainant == "young person"
            child = "I have" if themself else f"{f.child or 'my child'} has"
            asks.append(f"catch-up work or tuition to make up the learning {child} missed")
            if not themself and not re.search(
                r"\b(?:college|sixth form|post[- ]?16|day (?:centre|service))\b", f.text(), re.I
            ):
                whose = _possessive(f.child) if f.child else "my child's"
                asks.append(
                    f"confirmation to {whose} school that the days missed were because the council's transport was not "
                    "provided, so that they are not recorded as unauthorised absence"
                )
        if fig:
            asks.append(fig)
        elif labels & {"section_f_provision", "out_of_school", "eotas"} and not ctx.paid:
            asks.append(
                "a payment to recognise the provision that has been missed, in line with the Ombudsman's Guidance on Remedies"
            )
        # a symbolic payment: for pursuing the complaint, or for the distress and uncertainty of a delay when no sum
        # for lost provision is asked for, or when the person asks for a payment of their own accord
        wants_money = re.search(
            r"symbolic|compensat|payment for (?:the |my |our )?(?:delay|distress|time|trouble|upset|uncertain)", own
        )
        loss_asked = bool(fig or ctx.owed or ctx.paid)
        if labels & COMPLAINT_ISSUES or (not loss_asked and (labels & DELAY_ISSUES or wants_money)):
            asks.append(self._award_ask(ctx, symbolic_harms(labels, loss_asked)))
        head = "**What I am asking for.**"
        if f.outcome_sought:
            head += f" {_sentence(f.outcome_sought)} In particular, I ask for:"
        else:
            head += " I ask for:"
        return head + "\n" + "\n".join(f"- {_sentence(a)}" for a in asks)

    def _unanswered(self, ctx: DraftContext) -> date | None:
        """The day of a corporate complaint (or stage 2 request) the council has not answered after more than 12
        weeks, the time the Ombudsman says is usually fair for a council to reply (lgo.org.uk, "Submitting a
        complaint"); None otherwise."""
        t = ctx.timeline
        if t is None:
            return None
        ev = t.events
        for asked, answered in (("stage2_requested", "stage2_response"), ("complaint_made", "stage1_response")):
            if ev.get(asked) and not ev.get(answered) and (t.today - ev[asked]).days > UNANSWERED_DAYS:
                return ev[asked]
            if ev.get(asked):
                return None  # the latest stage asked for was answered, or is not yet 12 weeks old
        return None

    def _awaited(self, ctx: DraftContext) -> date | None:
        """The day of a complaint made under the council's own procedure whose stage 1 reply is overdue and has not
        come: a letter at stage 1 then chases it rather than making the complaint again."""
        t = ctx.timeline
        if t is None or self._procedure(ctx) == "children-act":
            return None
        made = t.events.get("complaint_made")
        if not made or t.events.get("stage1_response") or t.events.get("stage2_requested"):
            return None
        late = [d for d in t.due if d.label == "Stage 1 response" and d.done is None and d.due < t.today]
        return made if late else None

    def _awaited_stage2(self, ctx: DraftContext) -> date | None:
        """The day stage 2 was asked for, when its response has not come and the time for it has passed (under either
        procedure): the letter chases it rather than asking for stage 2 again (an adviser's read of a special guardian's
        letter that asked for the stage 2 she had asked for in July)."""
        t = ctx.timeline
        if t is None:
            return None
        asked = t.events.get("stage2_requested")
        if not asked or t.events.get("stage2_response"):
            return None
        text = ctx.facts.text()
        if any(
            not re.search(
                r"\b(?:no|not|never|without|waiting for|chasing|still|yet)\b[^.!?\n]{0,30}$", text[: m.start()], re.I
            )
            for m in STAGE2_ANSWERED.finditer(text)
        ):
            return None  # a stage 2 reply told without its day
        due = [d for d in t.due if d.label.startswith("Stage 2")]
        late = [d for d in due if d.done is None and d.due < t.today]
        if not due:  # asked before the Code's dates apply: 20 working days after 5 to acknowledge
            return asked if add_working_days(asked, 25) < t.today else None
        return asked if late else None

    def _panel_pending(self, ctx: DraftContext):
        """The day a stage 3 review panel was asked for, when it has not been held (Children Act procedure)."""
        t = ctx.timeline
        if t is None or self._procedure(ctx) != "children-act":
            return None
        return t.events.get("panel_requested") if not t.events.get("panel_held") else None

    def _award_ask(self, ctx: DraftContext, harms: tuple[str, ...]) -> str:
        """The symbolic payment asked for: what it is for, and its sum and benchmark when one fits this complaint."""
        words = {
            "delay": "the distress and uncertainty the delay has caused",
            "distress": "the distress this has caused",
            "complaint": "my time and trouble in pursuing this",
        }
        harms = [words[h] for h in harms]
        what = " and ".join(harms)
        a = ctx.award
        if a is None:
            return f"a payment for {what}"
        return f"a payment of {a.amount_words()} for {what}: {_award_said(a)}"

    def _reply_by(self, ctx: DraftContext, stage: str) -> str:
        children_act = self._procedure(ctx) == "children-act"
        if stage == "council-stage-1":
            if children_act:
                return (
                    "Please consider this complaint under the Children Act 1989 statutory complaints procedure and respond "
                    "within 10 working days, or 20 working days at most if you need longer."
                )
            return (
                "Please acknowledge this complaint within 5 working days and send your response within 10 working days "
                "of acknowledging it, as the Ombudsman's Complaint Handling Code expects."
            )
        if stage == "council-stage-2":
            if children_act:
                return (
                    "Please arrange the stage 2 investigation by an independent investigator and independent person; the "
                    "statutory procedure expects the response within 25 working days, and 65 at most."
                )
            return (
                "Please acknowledge this request within 5 working days and send the council's final response within 20 "
                "working days of acknowledging it, as the Ombudsman's Complaint Handling Code expects."
            )
        plan = plan_status(ctx.facts.has_plan, ctx.facts.text())
        copies = "the plan, " if plan else ""
        return f"I would be grateful if the Ombudsman would investigate. I can provide copies of {copies}my correspondence with the council and its responses."

    # ------------------------------------------------------------- route
    def _procedure(self, ctx: DraftContext) -> str:
        f = ctx.facts
        if f.procedure:
            return f.procedure
        if {p.issue.route for p in ctx.points} & {"children-act"}:
            return "children-act"
        return "corporate"

    def _route(self, ctx: DraftContext, stage: str, labels: set[str], plan: bool | None) -> str:
        f = ctx.facts
        t = ctx.timeline
        today = t.today if t else date.today()
        out: list[str] = []
        if PENALTY_CHARGE.search(f.text()):
            # a penalty charge has its own statutory appeal, not the complaints procedure and the Ombudsman (an
            # adviser's read of d15: the letter ran the person past the 28 days)
            ctx.advice.append(
                "A penalty charge notice is not decided through the council's complaints procedure. Once the council has "
                "rejected your formal representations (its notice of rejection), you can appeal to an independent "
                "adjudicator, the Traffic Penalty Tribunal (London Tribunals for a London council), within 28 days "
                "beginning with the date the notice of rejection was served; the adjudicator can allow longer. The "
                "Ombudsman does not usually consider a matter that can be appealed to a tribunal. Appeal first: a "
                "complaint does not stop the 28 days."
            )
            # the appeal is not put off until the council answers (the second adviser read "If the council does not
            # cancel ..., I will appeal" as inviting the person to miss the 28 days)
            tribunal = "London Tribunals" if LONDON.search(f.council or "") else "the Traffic Penalty Tribunal"
            if REJECTED.search(f.text()):
                return (
                    f"I am appealing to {tribunal}, the independent adjudicator for penalty charges, within 28 days of "
                    "the council's notice of rejection; this letter does not replace that appeal or stop its time."
                )
            return (
                "I am making formal representations against the penalty charge; if the council rejects them, I will "
                f"appeal to {tribunal}, the independent adjudicator, within 28 days of its notice of rejection."
            )
        child = f.child or "my child"
        if t and t.appeal_by:
            plan_of = f"{_possessive(f.child)} plan" if f.child else "the plan"
            if t.appeal_by >= today:
                out.append(
                    f"I know I can appeal to the SEND Tribunal about the content of {plan_of} until {_day(t.appeal_by)} "
                    "(2 months from the council's decision, or 1 month after a mediation certificate if that is later), and "
                    "that the Ombudsman cannot look at what a plan contains; this complaint is about the council's delay and "
                    "handling, and does not stop that deadline."
                )
            else:
                out.append(
                    f"The time to appeal to the SEND Tribunal about the content of {plan_of} ran until {_day(t.appeal_by)}; "
                    "this complaint is about the council's delay and handling, which the Ombudsman can consider."
                )
        elif labels & {"annual_review", "needs_assessment", "phase_transfer"} and not (t and "final_plan" in t.events):
            out.append(
                "When the council issues its decision or the final plan, I will have 2 months to appeal to the SEND Tribunal "
                "about its content (or 1 month after a mediation certificate); the Ombudsman cannot look at what a plan "
                "contains, so this complaint is about the delay."
            )
        children_act = self._procedure(ctx) == "children-act"
        ev = t.events if t else {}
        if children_act and ev.get("panel_requested"):
            due = add_working_days(ev["panel_requested"], 30)
            ctx.derived.append(_day(due))
            held = ev.get("panel_held")
            late = "" if held or today <= due else ", and it has not been"
            out.append(
                f"I asked for a review panel on {_day(ev['panel_requested'])}. Under the Children Act 1989 statutory "
                f"procedure it had to be held within 30 working days, by {_day(due)}{late}. If the panel is not convened "
                "now, I will complain to the Local Government and Social Care Ombudsman without waiting further."
            )
        elif children_act and ev.get("stage2_response"):
            out.append(
                "Under the Children Act 1989 statutory procedure I can ask for a review panel within 20 working days of the "
                "stage 2 response, and the panel must be held within 30 working days of my request; after that I can go to "
                "the Local Government and Social Care Ombudsman."
            )
        elif children_act and ev.get("stage2_requested") and stage != "ombudsman":
            out.append(
                "Under the Children Act 1989 statutory procedure the stage 2 investigation is due within 25 working days "
                "of my request, and 65 at most. When I have its response I can ask for a review panel within 20 working "
                "days, and after that go to the Local Government and Social Care Ombudsman; if the council does not "
                "complete stage 2, I will ask the Ombudsman to consider my complaint because of the delay."
            )
        elif children_act:
            out.append(
                "This complaint is about children's social care, so it falls under the statutory Children Act 1989 "
                "complaints procedure, not the corporate one: if stage 1 does not resolve it, I can ask for a stage 2 "
                "investigation by an independent investigator (due within 25 working days, 65 at most), then for a review "
                "panel (to be held within 30 working days of asking), and then go to the Local Government and Social Care "
                "Ombudsman."
            )
        elif stage == "council-stage-1":
            out.append(
                "If I am not satisfied with the council's response, I will ask for my complaint to go to the next stage, and "
                "then to the Local Government and Social Care Ombudsman."
            )
        elif stage == "council-stage-2":
            out.append(
                "If the council's final response does not put this right, I will complain to the Local Government and "
                "Social Care Ombudsman."
            )
        unanswered = self._unanswered(ctx)
        if unanswered is not None and not children_act:
            ctx.derived.append(_day(unanswered))
            out.append(
                f"The council has not replied to my complaint of {_day(unanswered)}, more than 12 weeks ago. The "
                "Ombudsman considers up to 12 weeks usually a fair time for a council to investigate and reply, and can "
                + (
                    "consider a complaint the council has not replied to in that time, so I ask the Ombudsman to consider "
                    "it now, without waiting for the council's final response."
                    if stage == "ombudsman"
                    else "consider a complaint the council has not replied to in that time: if I have no answer soon, I "
                    "will go to the Ombudsman without waiting further."
                )
            )
        # "continuing" only while something due has not happened (a plan issued late is late, not continuing)
        continuing = ", and the problem is continuing" if (t is None or t.outstanding() or not t.due) else ""
        if t and t.aware and t.ombudsman_by:
            # the day where the person gave one ("since 2nd of october"), else the month
            began = _day(t.aware) if t.aware.day > 1 else f"{t.aware:%B %Y}"
            began_in = f"{'on' if t.aware.day > 1 else 'in'} {began}"
            if stage == "ombudsman":
                if today <= t.ombudsman_by:
                    out.append(
                        f"The problem began {began_in}, so this complaint is within the Ombudsman's 12-month time limit "
                        f"(section 26B of the Local Government Act 1974), which runs until {_day(t.ombudsman_by)}."
                    )
                else:
                    pursued = t.events.get("complaint_made") or t.events.get("stage2_requested")
                    why = (
                        f" I have been pursuing it through the council's complaints procedure since {_day(pursued)}"
                        if pursued
                        else " I have been trying to resolve it with the council"
                    )
                    out.append(
                        f"The problem began {began_in}, more than 12 months ago.{why}{continuing}, so I ask "
                        "the Ombudsman to use the discretion section 26B of the Local Government Act 1974 gives to consider it."
                    )
            elif today <= t.ombudsman_by:
                out.append(
                    f"The Ombudsman normally expects a complaint within 12 months of when the problem began ({began}), that is "
                    f"by {_day(t.ombudsman_by)}, or later where there is good reason."
                )
        # past the Ombudsman's 12 months, a letter to the council does not raise the time limit itself (it hands the
        # council an argument, an adviser's read): the person is told, beside the letter (below)
        if (t is None or t.aware is None) and stage != "ombudsman":
            out.append(
                "The Ombudsman normally expects a complaint within 12 months of when the problem began, or later where "
                "there is good reason."
            )
        if t and t.ombudsman_by and stage != "ombudsman" and today > t.ombudsman_by:
            ctx.advice.append(
                f"The Ombudsman's 12-month window from when the problem began ({t.aware:%B %Y}) ended on "
                f"{_day(t.ombudsman_by)}. The Ombudsman can still accept a later complaint for good reason (for example while "
                "the council's complaints procedure was running), so keep your dates and move to the next stage promptly."
            )
        # not when the person is paying for the provision themselves: the child is not without it
        if (
            labels & {"out_of_school", "section_f_provision", "eotas"}
            and not ctx.short
            and not ctx.paid
            and (plan is True or labels & {"out_of_school", "eotas"})
        ):
            what = "education" if labels & {"out_of_school", "eotas"} else "the provision in the plan"
            out.append(
                f"Because {child} is without {what} now, I may also take legal advice about a judicial review pre-action "
                "letter: a complaint cannot put provision in place quickly."
            )
        return " ".join(out)

    # ================================================================= officer
    def _officer(self, ctx: DraftContext) -> str:
        f = ctx.facts
        council = official_name(f.council) or "the council"
        t = ctx.timeline
        today = t.today if t else date.today()
        out = [f"**{STAGE_TITLE['response']}** ({council})", long_date(today.isoformat())]
        out.append(f"Dear {salutation(f.name)}," if f.name else "Dear Sir or Madam,")
        ev = t.events if t else {}
        received = ev.get("complaint_received") or ev.get("stage2_requested") or ev.get("complaint_made")
        thanks = (
            f"Thank you for your complaint, which we received on {_day(received)}."
            if received
            else "Thank you for your complaint."
        )
        sorry = ""
        if t:
            answering = [d for d in t.due if d.done == today and how_late(d, today)]
            if answering:
                # the response being written is late: the Ombudsman expects the council to say so and apologise
                d = answering[-1]
                sorry = f" I am sorry that this response is late: it was due by {_day(d.due)} ({d.rule})."
        out.append(
            f"{thanks}{sorry} I have investigated it and set out below what I found, what we will do and what you can "
            "do next."
        )
        if f.points:
            pts = "\n".join(f"{i}. {_second_person(p.point, f)}" for i, p in enumerate(f.points, 1))
            out.append("**Your complaint.** You complained about the following:\n" + pts)
        else:
            told, _ = story(f.issue, 120)
            out.append(f"**Your complaint.** {_reported(told, f)}")
        findings = self._officer_findings(ctx)
        if findings:
            out.append(findings)
        out += self._grounds(ctx, "**The law and guidance we have applied.**")
        upheld = any(p.finding in ("upheld", "partly upheld") for p in f.points) or not f.points
        if not f.points:
            ctx.advice.append(
                "No decision was recorded on each point complained of, so this draft treats the complaint as upheld: record "
                "what the council's records show and your decision on each point before sending."
            )
        out.append(self._putting_right(ctx, upheld))
        if f.changes:
            out.append(f"**What we will change.** {_sentence(f.changes)}")
        out.append(f"**If you are not satisfied.** {self._officer_route(ctx)}")
        name, role = _signer(f.officer)
        sign = "\n".join(x for x in (name or "Complaints and Resolution Team", role) if x)
        out.append(f"Yours sincerely,\n\n{sign}\n{council}")
        return "\n\n".join(s for s in out if s)

    def _officer_findings(self, ctx: DraftContext) -> str:
        f = ctx.facts
        if not f.points:
            # no decision recorded per point: what the council's records say (the officer's notes), and the
            # complaint upheld on them, which the advice tells the officer to confirm
            records = "\n".join(f"- {_sentence(c)}" for c in f.contacts)
            titles = [_title(p.issue, f) for p in ctx.points if p.issue.label != "general"]
            titles = [t[:1].lower() + t[1:] for t in titles]
            upheld = f"On these records, I uphold your complaint: {'; '.join(titles)}." if titles else ""
            if upheld and any(p.issue.label == "complaint_handling" for p in ctx.points) and NO_REMEDY.search(f.text()):
                # the complaint says the reply put nothing right: the officer accepts that too (o08's must-say, met
                # until then only by a precedent's words "If she did not accept this")
                upheld += " Our earlier reply did not offer anything to put things right, and it should have."
            return "**What I found.** " + ("Our records show:\n" + records + "\n\n" if records else "") + upheld

        lines = []
        # facts the officer added after drafting ("add that the OT service has recruited"): more of the records
        also = "\n".join(f"- {_sentence(c)}" for c in f.contacts)
        for i, p in enumerate(f.points, 1):
            verdict = {
                "upheld": "I uphold this point",
                "partly upheld": "I uphold this point in part",
                "not upheld": "I do not uphold this point",
            }.get(p.finding or "", "I have not reached a decision on this point")
            evidence = f" Our records show: {_sentence(p.evidence)}" if p.evidence else ""
            sorry = " I am sorry that this happened." if p.finding in ("upheld", "partly upheld") else ""
            lines.append(f"{i}. {_second_person(p.point, f).rstrip('.')}: {verdict}.{evidence}{sorry}")
        return "**What I found.**\n" + "\n".join(lines) + (f"\n\nOur records also show:\n{also}" if also else "")

    def _putting_right(self, ctx: DraftContext, upheld: bool) -> str:
        f = ctx.facts
        parts = []
        if upheld:
            parts.append(
                "The council apologises for the faults set out above and the distress, time and trouble they caused."
            )
        actions = f.actions
        if actions:
            lines = []
            for a in actions:
                by = f" by {long_date(a.by)}" if a.by else ""
                owner = f"; {a.owner} is responsible" if a.owner else ""
                lines.append(f"- {_sentence(a.action).rstrip('.')}{by}{owner}.")
            parts.append("The actions we will take:\n" + "\n".join(lines))
        elif upheld:
            due = add_working_days(date.today(), 10)
            ctx.derived.append(_day(due))
            ctx.advice.append(
                f"No actions were recorded, so the response commits to each usual action by {_day(due)} (10 working days): "
                "check the dates and owners before sending."
            )
            acts = [a for p in ctx.points if (a := self._officer_action(ctx, p.issue.label, p.issue.action))]
            if acts:
                parts.append(
                    "We will:\n"
                    + "\n".join(
                        f"- {_sentence(a).rstrip('.')}{'' if undated else f' by {_day(due)}'}."
                        for a, undated in acts[:4]
                    )
                )
        if f.officer:
            name, role = _signer(f.officer)
            parts.append(
                f"{name}{f' ({role})' if role else ''} will be your named contact and will keep you updated until "
                "these actions are complete."
            )
        if f.firm and (actions or upheld):
            # "make it firmer" on a council's response: its commitments, not its tone (a response is not a threat)
            last = max((a.by for a in actions if a.by), default=None)
            when = f"by {long_date(last)}" if last else "when each action is complete"
            parts.append(
                f"We will write to you {when} to confirm that each action has been done. If a date cannot be met, we "
                "will tell you before it passes, with the reason and a new date."
            )
        if upheld:
            offer = f.remedy_offer
            fig = self._figure_sentence(ctx, "officer")
            if offer:
                parts.append(f"We offer you {offer} to recognise the injustice caused.{self._offer_basis(ctx, offer)}")
            elif fig:
                parts.append(f"We offer you {fig}.")
            elif ctx.award:
                a = ctx.award
                parts.append(
                    f"We offer you {a.amount_words()} to recognise the distress this has caused: {_award_said(a)}."
                )
        return "**Putting things right.** " + "\n\n".join(parts) if parts else ""

    def _offer_basis(self, ctx: DraftContext, offer: str) -> str:
        """The benchmarks that bear out an officer's own offer, each sum stated and cited. A benchmark above the offer
        is not put in the letter (it would argue against it) but told to the officer, outside the letter."""
        out = []
        offered = offered_sum(offer)
        fig, a = ctx.figure, ctx.award
        if fig is not None:
            what = "lost education" if fig.what == "education" else "missed provision"
            enough = offered >= (fig.low if fig.units else fig.unit_low)
            if enough and fig.count:
                out.append(
                    f" For missed sessions, £{fig.award:,} for {fig.count} is {fig.rate_words()}: in a comparable "
                    f"complaint the Ombudsman found \u201c{fig.count_quote}\u201d {cite_label(fig.count_hit)}, and on the "
                    f"remedy said \u201c{fig.quote}\u201d {cite_label(fig.hit)}."
                )
            elif enough:
                scaled = f" {fig.scale}, so £{fig.unit_low:,} a {fig.unit} here" if fig.base_rate else ""
                rate = f"£{fig.base_rate:,} a {fig.unit}" if fig.base_rate else fig.rate_words()
                out.append(
                    f" For {what}, {rate} is {_rate_source(fig.quote)}{scaled}: \u201c{fig.quote}\u201d {cite_label(fig.hit)}."
                )
            else:
                counted = (
                    f"the {fig.units} {fig.unit}{'s' if fig.units != 1 else ''} missed ({fig.amount_words()} at "
                    if fig.units
                    else "("
                )
                ctx.advice.append(
                    f"Your offer ({offer}) is below the benchmark for {counted}{fig.rate_words()}, "
                    f"{cite_label(fig.hit)}): the Ombudsman may ask the council for more. The response does not cite it."
                )
        if a is not None:  # no larger than the offer (app.draft.symbolic_award); a larger one is told to the officer
            out.append(
                f" For distress, in a comparable complaint against {_who(a.hit)}{_when(a.hit)}, the remedy included "
                f"{a.amount_words()}: \u201c{a.quote}\u201d {cite_label(a.hit)}."
            )
        return "".join(out)

    def _officer_action(self, ctx: DraftContext, label: str, action: str | None) -> tuple[str, bool] | None:
        """The usual action for a point the officer upholds, and whether it stands without a date. Under the Children
        Act procedure the next stage depends on the stage this response is (as `_officer_route` tells the person): a
        stage 2 response does not "arrange the next stage" (the review panel is the person's to ask for); it commits
        to holding the panel in time if they do."""
        if not action:
            return None
        ev = ctx.timeline.events if ctx.timeline else {}
        if ev.get("final_plan") and label in ("annual_review", "phase_transfer", "needs_assessment", "tribunal_order"):
            return None  # the plan has been issued: promising to issue it contradicts the records (o04)
        if label == "annual_review" and (ev.get("amendment_notice") or ev.get("review_decision")):
            return "issue the final amended plan", False  # the decision and draft amendments are out (o02)
        if label == "transport" and transport_panel_decided(ctx.facts, {label}):
            # a complaints officer cannot overturn an independent panel: the remedy is a fresh hearing (o06)
            return (
                "arrange a fresh stage 2 appeal hearing, by a panel whose members did not sit on the first, that "
                "considers all the evidence, including the medical evidence, and gives written reasons",
                False,
            )
        if label != "children_act_complaint" or self._procedure(ctx) != "children-act":
            return action, False
        if ev.get("panel_requested"):
            return "convene the review panel", False
        if ev.get("stage2_requested"):
            return "hold any review panel you ask for within 30 working days of your request", True
        return "consider any stage 2 request with an independent investigator within 25 working days (65 at most)", True

    def _officer_route(self, ctx: DraftContext) -> str:
        t = ctx.timeline
        ev = t.events if t else {}
        today = t.today if t else date.today()
        out = []
        if transport_panel_decided(ctx.facts, {p.issue.label for p in ctx.points}):
            out.append(
                "If you remain unhappy after the fresh appeal panel's decision, you can complain to the Local Government "
                "and Social Care Ombudsman."
            )
        elif self._procedure(ctx) == "children-act":
            if ev.get("panel_requested"):
                due = add_working_days(ev["panel_requested"], 30)
                held = ev.get("panel_held")
                if not held and today > due:
                    out.append(
                        f"You asked for a review panel on {_day(ev['panel_requested'])}. It should have been held within 30 "
                        f"working days, by {_day(due)}, and I apologise that it was not; we will convene it as set out above. "
                        "After the panel's findings you can complain to the Local Government and Social Care Ombudsman."
                    )
                else:
                    out.append(
                        "After the review panel's findings, you can complain to the Local Government and Social Care Ombudsman."
                    )
            elif ev.get("stage2_requested"):
                out.append(
                    "If you remain unhappy after this stage 2 response, you can ask for a review panel (stage 3) within 20 "
                    "working days of receiving it; the panel must be held within 30 working days of your request. After that "
                    "you can complain to the Local Government and Social Care Ombudsman."
                )
            else:
                out.append(
                    "This complaint is considered under the Children Act 1989 statutory complaints procedure. If you remain "
                    "unhappy, you can ask for a stage 2 investigation by an independent investigator within 20 working days of "
                    "receiving this letter; we will respond within 25 working days (65 at most). After that you can ask for a "
                    "review panel, and then complain to the Local Government and Social Care Ombudsman."
                )
        elif ev.get("stage2_requested") or ev.get("stage1_response"):
            out.append(
                "This is the council's final response. If you remain unhappy, you can complain to the Local Government and "
                "Social Care Ombudsman, who normally expects complaints within 12 months of when you became aware of the problem."
            )
        else:
            out.append(
                "If you remain unhappy, reply to this letter saying what is unresolved and we will consider your complaint at "
                "stage 2: we will acknowledge it within 5 working days and respond within 20 working days. After that you can "
                "complain to the Local Government and Social Care Ombudsman, who normally expects complaints within 12 months "
                "of when you became aware of the problem."
            )
        if t and t.appeal_by and t.appeal_by >= today:
            out.append(
                f"If you disagree with the content of the plan, you can appeal to the SEND Tribunal until {_day(t.appeal_by)}; "
                "the Ombudsman cannot consider what a plan contains."
            )
        elif t and t.appeal_by:
            # the plan was issued and the time has run: never "when the final plan is issued" (an adviser's read of o04,
            # whose records say the plan was issued on 30 June 2025)
            out.append(
                f"The time to appeal to the SEND Tribunal about the content of the plan ran until {_day(t.appeal_by)}; the "
                "Ombudsman cannot consider what a plan contains."
            )
        elif {p.issue.label for p in ctx.points} & {"annual_review", "needs_assessment", "phase_transfer"} and not (
            t and "final_plan" in t.events
        ):
            out.append(
                "When the final plan is issued you will have 2 months to appeal to the SEND Tribunal about its content (1 month "
                "after a mediation certificate, if later); the Ombudsman cannot consider what a plan contains."
            )
        return " ".join(out)


def _signer(officer: str | None) -> tuple[str, str]:
    """The officer who signs, as typed ("Jo Smith") or as a refinement sets it ("Jane Smith, Head of SEND"): the
    name, and the role after the first comma ("" when none)."""
    name, _, role = (officer or "").partition(",")
    return name.strip(), role.strip()


TITLES = r"(Mr|Mrs|Ms|Miss|Mx|Dr|Prof)\.?"


def salutation(name: str) -> str:
    """How a letter greets someone: "Mr Daniel Hughes" -> "Mr Hughes"; a name without a title as given."""
    parts = name.split()
    if len(parts) >= 3 and re.fullmatch(TITLES, parts[0]):
        return f"{parts[0]} {parts[-1]}"
    return name


# "she" and "he": the complainant only in a note about her ("Ms A says she has emailed five times")
SUBJECT_PRONOUNS = [
    (r"\bshe has\b", "you have"),
    (r"\bhe has\b", "you have"),
    (r"\bshe is\b", "you are"),
    (r"\bhe is\b", "you are"),
    (r"\bshe was\b", "you were"),
    (r"\bhe was\b", "you were"),
    (r"\bshe\b", "you"),
]
# "her son", "her emails": the complainant's, whoever the note is about
PRONOUNS = [
    (r"\bher (son|daughter|child|grandson|granddaughter)\b", r"your \1"),
    (r"\bhis (son|daughter|child|grandson|granddaughter)\b", r"your \1"),
    (r"\b(her|his) (e-?mails?|calls?|complaints?|letters?|requests?|messages?)\b", r"your \2"),
]


FIRST_TO_SECOND = [
    # the council as the subject: "You agreed to assess my son" -> "We agreed to assess your son"
    (
        r"(?:^|(?<=[.!?;:]\s)|(?<=\band\s)|(?<=\bbut\s)|(?<=\bthat\s)|(?<=\bbecause\s)|(?<=\bwhen\s)|(?<=\bif\s))you\b(?!r)",
        "\x00we",
    ),
    (r"\byou\b", "\x00us"),  # the council the complainant wrote to: "I have emailed you" -> "you have emailed us"
    (r"\byour\b", "\x00our"),
    (r"\bI am\b", "you are"),
    (r"\bI'm\b", "you're"),
    (r"\bI've\b", "you've"),
    (r"\bI\b", "you"),
    (r"\bmy\b", "your"),
    (r"\bme\b", "you"),
    (r"\bmine\b", "yours"),
    (r"\bmyself\b", "yourself"),
]


def _told_back(text: str, f: Facts) -> str:
    """A complaint written in the first person, put back to its writer: "I have emailed you five times" becomes
    "you have emailed us five times"; an officer's note about the complainant goes through `_second_person`."""
    if not re.search(r"\b(I|my|me|[Yy]ou|[Yy]our)\b", text):
        return _second_person(text, f)  # an officer's note about the complainant ("Ms A says her son ...")
    out = text
    for pattern, to in FIRST_TO_SECOND:
        flags = 0 if pattern.startswith(r"\bI") else re.I  # "I" is a word only in capitals

        def swap(m: re.Match, to: str = to, first: bool = not flags) -> str:
            # "I" is always a capital: "and I asked" is "and you asked" (a sentence's start is capitalised below)
            return to if first or m.group(0)[0].islower() else to.replace("\x00", "").capitalize()

        out = re.sub(pattern, swap, out, flags=flags)
    out = out.replace("\x00", "")
    out = re.sub(r"(^|[.!?]\s+)([a-z])", lambda m: m.group(1) + m.group(2).upper(), out)  # a capital starts each
    return _sentence(out)


# a sentence's first word that is not a name: lower-cased when the sentence becomes "that ..." in reported speech
COMMON_START = re.compile(
    r"^(We|You|He|She|It|They|There|The|A|An|Our|Your|His|Her|Their|Nobody|No|Nothing|Six|Since|After|Now|And|But|"
    r"So|Stage|Then|When|Even|Still|Every|All)\b"
)


def _reported(text: str, f: Facts) -> str:
    """The complaint restated as what the person told the council, in reported speech: "You told us that we agreed to
    assess your son in January and it's now 32 weeks, that we keep blaming the lack of educational psychologists,
    that this isn't your problem, and that he needs support now." Turned round sentence by sentence in the council's
    voice, "We keep blaming ..." read as the council's own admission (an adviser's read of o03)."""
    told = _told_back(text, f)
    sents = [x.strip().rstrip(".!") for x in re.split(r"(?<=[.!])\s+", told) if x.strip()]
    if not sents or any(x.endswith("?") for x in sents):
        return f"You told us: {told}"
    parts = []
    for x in sents:
        x = re.sub(r"^(That|This|It) (is|isn't|was|wasn't)\b", r"this \2", x)
        parts.append(COMMON_START.sub(lambda m: m.group(1).lower(), x))
    said = parts[0] if len(parts) == 1 else ", that ".join(parts[:-1]) + f", and that {parts[-1]}"
    return f"You told us that {said}."


def _name_forms(name: str | None) -> list[str]:
    """The ways an officer's note names the complainant: "Ms Adaeze Okafor", "Ms Okafor", "Adaeze Okafor"."""
    words = (name or "").split()
    if len(words) < 2:
        return [name] if name else []
    title = words[0] if re.fullmatch(r"(Mr|Mrs|Ms|Miss|Mx|Dr)\.?", words[0]) else None
    forms = [" ".join(words)]
    if title and len(words) >= 3:
        forms += [f"{title} {words[-1]}", " ".join(words[1:])]
    return forms


def _second_person(point: str, f: Facts) -> str:
    """A point as the response puts it back to the complainant: "Ms A says her son P has had no OT" becomes "your son
    P has had no OT", never a quotation of the officer's own note."""
    p = point.strip()
    if f.name:
        p = re.sub(
            rf"^{re.escape(f.name)}\s+(says|said|complains|complained|states|reports)( that)?\s+", "", p, flags=re.I
        )
    p = re.sub(
        r"^(Mr|Mrs|Ms|Miss|Dr|Mx)\.? [A-Z]\w*\s+(says|said|complains|complained|states|reports)( that)?\s+", "", p
    )
    p = re.sub(
        r"^(the )?(parent|complainant|mother|father|carer)\s+(says|said|complains|complained)( that)?\s+",
        "",
        p,
        flags=re.I,
    )
    for who in _name_forms(f.name):
        # the complainant named in the officer's note is "you" in the response ("Ms Okafor's emails ... were not
        # answered" is "your emails", an adviser's read of o09/o11/o12)
        p = re.sub(rf"\b{re.escape(who)}'s\b", "your", p)
        p = re.sub(rf"^{re.escape(who)}\b", "You", p)
        p = re.sub(rf"\b{re.escape(who)}\b", "you", p)
    about_them = p != point.strip() or re.search(r"\b(parent|complainant|mother|father|carer|Mr|Mrs|Ms|Miss|Mx)\b", p)
    # otherwise "she" is the child ("then she stopped going", an adviser's read of o04)
    for a, b in (SUBJECT_PRONOUNS if about_them else []) + PRONOUNS:
        p = re.sub(a, b, p, flags=re.I)
    return _sentence(p)
