"""The verifier (`app.cite.verify`): every citation resolves, every quotation is verbatim, every £ amount, date and
reference is supported; what fails is removed or visibly marked and counted. Unit tests over a small in-memory
source, then every item of evals/gold/hostile.jsonl against the indexed seeds."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from app.cite import CITE_RE, UNVERIFIED, IndexSource, find_verbatim, fold_text, verify
from letter_checks import unmarked_defects

ROOT = Path(__file__).resolve().parents[1]
HOSTILE = [
    json.loads(line)
    for line in (ROOT / "evals" / "gold" / "hostile.jsonl").read_text(encoding="utf-8").splitlines()
    if line.strip()
]


class MemorySource:
    """What the verifier reads, from a dict: {doc_id: {"ref": ..., "paras": {para: text}}}."""

    def __init__(self, docs: dict):
        self.docs = docs

    def resolve(self, ident: str) -> str | None:
        ident = re.sub(r"\s+", " ", ident.strip())
        if ident in self.docs:
            return ident
        digits = re.sub(r"\D", "", ident)
        for d in self.docs:
            if re.sub(r"\D", "", d) == digits and digits:
                return d
        return None

    def paragraph_text(self, doc_id: str, para: str) -> str | None:
        return self.docs.get(doc_id, {}).get("paras", {}).get(para)

    def paragraphs_of(self, doc_id: str) -> list[tuple[str, str]]:
        return [(p, t) for p, t in self.docs.get(doc_id, {}).get("paras", {}).items() if p != "summary"]

    def ref_of(self, doc_id: str) -> str | None:
        return self.docs.get(doc_id, {}).get("ref")


SRC = MemorySource(
    {
        "24 004 187": {
            "ref": "24 004 187",
            "paras": {
                "11": "The council has a duty to secure the provision in section F. The Courts have said this duty is non-delegable.",
                "19": "The Council is at fault. It has a duty to secure all provision on Y’s EHC Plan. It failed to do so. "
                "Our Guidance on Remedies suggests a range of £900 to £2400 per term for loss of educational provision.",
                "20": "The Council needs to secure all the provision in Section F, including the indirect OT.",
                "21": "The Council did not respond to Ms X’s emails between November 2023 and 14 February 2024.",
                "summary": "We upheld Ms X's complaint about the failure to secure occupational therapy.",
            },
        },
        "23 009 620": {
            "ref": "23 009 620",
            "paras": {
                "19": "The Council is responsible for ensuring the provision in the EHC plan is put into place and failure to do so is fault.",
                "25": "I recommended the Council pay Ms B £600 to reflect the missing sessions.",
            },
        },
    }
)
ALL = {(d, p) for d, doc in SRC.docs.items() for p in doc["paras"]}


def run(letter: str, facts: str = "", allowed=ALL, extra: str = ""):
    return verify(letter, SRC, facts_text=facts, allowed=allowed, extra_allowed_text=extra)


# ----------------------------------------------------------------------------- citations


def test_a_good_citation_passes_and_is_listed():
    body, v, cites = run("The council must secure provision [24 004 187, para 19].")
    assert v.passed and v.citations_checked == 1 and v.citations_removed == 0
    assert body == "The council must secure provision [24 004 187, para 19]."
    assert [(c.doc_id, c.para, c.quote) for c in cites] == [("24 004 187", "19", None)]


@pytest.mark.parametrize(
    "written", ["[24004187, para 19]", "[24 004 187, paragraph 19]", "[ 24 004 187 , para. 19 ]", "[24 004 187, ¶ 19]"]
)
def test_variant_spellings_are_rewritten_to_the_canonical_form(written):
    body, v, _ = run(f"It failed {written}.")
    assert v.passed, v.notes
    assert "[24 004 187, para 19]" in body


def test_several_paragraphs_in_one_citation():
    body, v, cites = run("It was fault [24 004 187, paras 19 and 21].")
    assert v.passed and v.citations_checked == 2
    assert "[24 004 187, paras 19 and 21]" in body
    assert {c.para for c in cites} == {"19", "21"}


def test_a_paragraph_that_does_not_exist_is_removed_and_counted():
    body, v, cites = run("Councils must act within a term [24 004 187, para 99].")
    assert not v.passed and v.citations_removed == 1
    assert "para 99" not in body and UNVERIFIED in body
    assert any("99" in n for n in v.notes)
    assert cites == []


def test_one_bad_number_among_several_keeps_the_good_ones():
    body, v, cites = run("It was fault [24 004 187, paras 19 and 45].")
    assert v.citations_checked == 2 and v.citations_removed == 1 and not v.passed
    assert "[24 004 187, para 19]" in body and "45" not in body
    assert [c.para for c in cites] == ["19"]


@pytest.mark.parametrize("ref", ["99 999 999", "23 009 621", "21 000 000"])
def test_a_decision_that_is_not_in_the_index_is_removed(ref):
    body, v, cites = run(f"The Ombudsman said so [{ref}, para 3].")
    assert v.citations_removed == 1 and not v.passed
    assert ref not in body and UNVERIFIED in body
    assert cites == []


def test_a_real_paragraph_that_was_not_retrieved_is_removed():
    allowed = {("24 004 187", "19")}
    body, v, cites = run(
        "It failed [24 004 187, para 19]. It must secure it all [24 004 187, para 20].", allowed=allowed
    )
    assert v.citations_removed == 1 and not v.passed
    assert "para 20" not in body and "[24 004 187, para 19]" in body
    assert "not among the paragraphs retrieved" in " ".join(v.notes)


def test_a_malformed_bracketed_reference_is_not_left_as_if_it_were_a_citation():
    body, v, _ = run("See the decision [LGSCO 24 004 187].")
    assert v.citations_removed == 1 and not v.passed
    assert "[LGSCO 24 004 187]" not in body


def test_an_unknown_source_marker_left_by_a_model_is_caught():
    """A model writes [S9] when it was given 6 sources; the writer leaves `[S9, para ?]` for the verifier."""
    from app.writers import resolve_source_markers

    text = resolve_source_markers("The Ombudsman agreed [S9]. It failed [S1].", {})
    body, v, _ = run(text)
    assert not v.passed and v.citations_removed >= 1, (body, v)
    assert unmarked_defects(body, SRC, "") == [], body


# ----------------------------------------------------------------------------- quotations


def test_a_verbatim_quotation_passes_with_typography_and_whitespace_folded():
    # the source has a curly apostrophe; the letter a straight one, and extra spaces inside the quotation
    body, v, cites = run(
        'The Ombudsman said: "It has a duty to secure all provision on Y\'s   EHC Plan" [24 004 187, para 19].'
    )
    assert v.passed and v.quotes_checked == 1, v.notes
    assert cites[0].quote and fold_text(cites[0].quote) == fold_text(
        "It has a duty to secure all provision on Y’s EHC Plan"
    )
    assert cites[0].quote in SRC.paragraph_text("24 004 187", "19")


def test_a_misquotation_wrapped_across_a_line_is_still_checked():
    """Markdown shows a single line break as a space: the reader sees one quotation, so it must be checked."""
    body, v, _ = run(
        "The Ombudsman explained that “The Courts have said this\nduty cannot be delegated” [24 004 187, para 11]."
    )
    assert not v.passed and v.quotes_fixed_or_removed == 1, (body, v.notes)
    assert "cannot be delegated" not in body


def test_a_quotation_with_an_ellipsis_passes_when_its_parts_are_in_order():
    _, v, _ = run("It said “The Council is at fault … It failed to do so” [24 004 187, para 19].")
    assert v.passed, v.notes
    _, v, _ = run("It said “It failed to do so … The Council is at fault” [24 004 187, para 19].")
    assert not v.passed


def test_a_quotation_may_be_cited_after_the_full_stop():
    _, v, _ = run("The Ombudsman said “The Council is at fault”. [24 004 187, para 19]")
    assert v.passed and v.quotes_checked == 1, v.notes


@pytest.mark.parametrize(
    "altered",
    [
        "The Courts have said this duty cannot be delegated",  # word changed
        "The council has a duty to secure provision in section F",  # word dropped
        "The council has a clear duty to secure the provision in section F",  # word added
    ],
)
def test_a_misquotation_is_removed_and_counted(altered):
    body, v, cites = run(f"The Ombudsman explained that “{altered}” [24 004 187, para 11].")
    assert not v.passed and v.quotes_checked == 1 and v.quotes_fixed_or_removed == 1
    assert altered not in body and "quotation removed" in body
    assert all(c.quote is None for c in cites)


def test_a_quotation_spliced_from_two_paragraphs_is_removed():
    q = "The Council is at fault. It needs to secure all the provision in Section F"
    body, v, _ = run(f"It said “{q}” [24 004 187, para 19].")
    assert v.quotes_fixed_or_removed == 1 and q not in body


def test_the_right_words_in_the_wrong_paragraph_are_moved_to_the_right_one():
    q = "The Council needs to secure all the provision in Section F"
    body, v, cites = run(f"It said “{q}” [24 004 187, para 19].")
    assert not v.passed and v.quotes_fixed_or_removed == 1
    assert f"“{q}” [24 004 187, para 20]" in body
    assert [(c.para, c.quote) for c in cites] == [("20", q)]
    assert "moved citation" in v.notes[0]


def test_a_quotation_is_only_moved_to_a_paragraph_the_writer_was_given():
    q = "The Council needs to secure all the provision in Section F"
    body, v, _ = run(f"It said “{q}” [24 004 187, para 19].", allowed={("24 004 187", "19")})
    assert v.quotes_fixed_or_removed == 1 and q not in body


def test_a_quotation_with_no_citation_is_removed_unless_it_is_the_users_own_words():
    body, v, _ = run("The council told me “we have no therapist available this term at all”.")
    assert v.quotes_fixed_or_removed == 1 and "no therapist" not in body
    body, v, _ = run(
        "The council told me “we have no therapist available this term at all”.",
        facts="Email from the council: we have no therapist available this term at all.",
    )
    assert v.passed and "no therapist" in body


def test_a_short_term_in_quotation_marks_is_not_a_quotation():
    _, v, _ = run("The council called it a “shortfall in communication” and apologised.")
    assert v.passed and v.quotes_checked == 0


# ----------------------------------------------------------------------------- amounts, dates, references


def test_an_amount_in_a_cited_paragraph_or_in_the_facts_is_supported():
    _, v, _ = run(
        "The Ombudsman recommended £600 [23 009 620, para 25]. I have paid £1,100 myself.",
        facts="I have paid £1,100 to the tutor.",
    )
    assert v.passed, v.notes


@pytest.mark.parametrize("amount", ["£1,500", "£7000", "£650.50"])
def test_an_invented_amount_is_marked_unverified(amount):
    body, v, _ = run(f"The Ombudsman usually awards {amount} for this [24 004 187, para 19].")
    assert not v.passed and v.unsupported_facts == [amount]
    assert f"{amount} {UNVERIFIED}" in body


def test_an_amount_from_a_paragraph_that_is_not_cited_is_marked():
    body, v, _ = run("The Ombudsman recommended £600 [24 004 187, para 19].")  # £600 is in 23 009 620 para 25
    assert v.unsupported_facts == ["£600"]


@pytest.mark.parametrize("date", ["14 November 2023", "3 February 2025", "12 September", "March 2021"])
def test_an_invented_date_is_marked_unverified(date):
    body, v, _ = run(f"The council last replied on {date} [24 004 187, para 21].")
    assert not v.passed and v.unsupported_facts == [date], v.notes
    assert f"{date} {UNVERIFIED}" in body


def test_dates_in_the_facts_or_cited_paragraph_are_supported_whatever_the_format():
    _, v, _ = run(
        "Nothing since September 2024. The council did not reply until 14 February 2024 [24 004 187, para 21].",
        facts="since: 2024-09",
    )
    assert v.passed, v.notes


def test_a_reference_number_that_is_not_cited_is_marked():
    body, v, _ = run("In case 22 016 677 the Ombudsman found fault [24 004 187, para 19].")
    assert v.unsupported_facts == ["22 016 677"] and not v.passed


def test_a_decision_date_passed_as_extra_text_is_supported():
    _, v, _ = run(
        "In a complaint decided 24 October 2024 the Ombudsman found fault [24 004 187, para 19].",
        extra="24 October 2024",
    )
    assert v.passed, v.notes


def test_verifying_a_verified_letter_changes_nothing():
    letter = (
        "It said “The Council needs to secure all the provision in Section F” [24 004 187, para 19]. The award was "
        "£9,999 [24 004 187, para 99]. The council wrote on 1 January 2020."
    )
    body, v, _ = run(letter)
    assert not v.passed
    again, v2, _ = run(body)
    assert again == body and v2.passed, v2.notes


def test_find_verbatim_returns_the_source_span():
    text = "It has a duty to secure all provision on Y’s EHC Plan."
    assert find_verbatim("it has a duty to secure all provision on Y's EHC plan", text) == text[:-1]
    assert find_verbatim("it has a duty to secure provision", text) is None


def test_the_citation_regex_matches_the_documented_syntax():
    for ok in (
        "[24 004 187, para 19]",
        "[24 004 187, paras 19 and 21]",
        "[24 004 187, paras 19, 21]",
        "[24 004 187, summary]",
        "[cambs-2021-paper, para 2.3]",
    ):
        assert CITE_RE.fullmatch(ok), ok


# ----------------------------------------------------------------------------- the hostile gold set


@pytest.fixture(scope="module")
def seed_source(seed_index, encoder):
    from helpers import make_engine

    eng = make_engine(seed_index, encoder)
    yield IndexSource(eng.index())
    eng.close()


def _decision_facts(source, doc_ids) -> str:
    """What a letter may say about a retrieved decision beyond its paragraphs (as the drafting pipeline allows)."""
    from datetime import date

    out = []
    for d in doc_ids:
        row = source.index.db.execute("SELECT decision_date, ref FROM documents WHERE doc_id=?", (d,)).fetchone()
        if row and row[0]:
            y, m, dd = map(int, row[0].split("-"))
            out.append(f"{dd} {date(y, m, dd):%B %Y}")
        if row and row[1]:
            out.append(row[1])
    return "\n".join(out)


def _planted(item) -> dict:
    """What the gold item says must be caught: citations, amounts, dates named in `must_catch`."""
    text = " ".join(item["must_catch"])
    return {
        "citations": re.findall(r"\[(\d{2} \d{3} \d{3}), paras? ([0-9][^\]]*)\]", text),
        "amounts": re.findall(r"£[\d,]+", text.split(" (")[0].split(":")[0]),
        "dates": re.findall(r"'([^']*\d[^']*)' (?:is invented|appears)", text),
    }


@pytest.mark.parametrize("item", HOSTILE, ids=[f"{i['id']}-{i['kind']}" for i in HOSTILE])
def test_hostile_gold_item(item, seed_source):
    from app.draft import parse_facts

    facts = parse_facts(item["facts"]).text()
    allowed = set()
    for ref, para in item["retrieved"]:
        doc_id = seed_source.resolve(ref)
        assert doc_id, f"{item['id']}: retrieved decision {ref} is not in the seed index"
        assert seed_source.paragraph_text(doc_id, para) is not None, f"{item['id']}: {ref} has no para {para}"
        allowed.add((doc_id, para))
    extra = _decision_facts(seed_source, {d for d, _ in allowed})
    body, v, cites = verify(
        item["letter"],
        seed_source,
        facts_text=facts,
        allowed=allowed,
        source_path=seed_source.source_of,
        extra_allowed_text=extra,
    )
    kind = item["kind"]
    if kind in CLAIM_KINDS or kind == "clean":
        _claims_caught(item, body, v, seed_source, facts, allowed, extra)
    # whatever the item, the letter as shown has no defect left unmarked
    assert unmarked_defects(body, seed_source, facts, allowed, extra) == [], body
    for c in cites:
        assert (c.doc_id, c.para) in allowed
        assert c.source and Path(c.source).is_absolute() and Path(c.source).exists()
        if c.quote:
            assert c.quote in seed_source.paragraph_text(c.doc_id, c.para)

    if kind in CLAIM_KINDS:
        return
    if kind == "clean":
        assert v.passed, v.notes
        assert v.citations_removed == v.quotes_fixed_or_removed == 0 and v.unsupported_facts == []
        assert UNVERIFIED not in body and "quotation removed" not in body
        assert len(CITE_RE.findall(body)) == len(CITE_RE.findall(item["letter"]))
        return

    assert not v.passed, f"{item['id']} ({kind}) not caught: {item['must_catch']}"
    planted = _planted(item)
    if kind in ("nonexistent_para", "nonexistent_decision", "not_retrieved", "injection"):
        assert v.citations_removed >= 1, v.notes
        for ref, nums in planted["citations"]:
            for n in re.split(r"\s*(?:,|and)\s*", nums):
                if (
                    seed_source.paragraph_text(seed_source.resolve(ref) or "", n) is None
                    or (seed_source.resolve(ref), n) not in allowed
                ):
                    assert not re.search(rf"\[{ref}, paras? [^\]]*\b{re.escape(n)}\b", body), (ref, n, body)
    elif kind == "misquote":
        assert v.quotes_fixed_or_removed == 1 and v.citations_removed == 0 and not v.unsupported_facts, v.notes
        assert "quotation removed" in body
    elif kind == "wrong_para_quote":
        assert v.quotes_fixed_or_removed == 1 and v.citations_removed == 0 and not v.unsupported_facts, v.notes
        assert any(n.startswith("moved citation") for n in v.notes), v.notes
        assert any(c.quote for c in cites)
    elif kind == "invented_amount":
        assert v.citations_removed == 0 and v.quotes_fixed_or_removed == 0, v.notes
        assert planted["amounts"] and set(planted["amounts"]) <= set(v.unsupported_facts), (
            planted,
            v.unsupported_facts,
        )
    elif kind == "invented_date":
        assert v.citations_removed == 0 and v.quotes_fixed_or_removed == 0, v.notes
        assert planted["dates"] and set(planted["dates"]) <= set(v.unsupported_facts), (planted, v.unsupported_facts)
    else:
        pytest.fail(f"unknown kind {kind}")


# the defects only the claim checks (app/claims.py) see: each sentence against the paragraphs it cites itself
CLAIM_KINDS = (
    "misattribution",
    "wrong_council",
    "moved_amount",
    "reversed_finding",
    "complaint_as_finding",
    "finding_as_remedy",
    "policy_as_law",
)


def _claims_caught(item, body, v, source, facts, allowed, extra) -> None:
    """A claim defect passes the letter-wide checks and fails exactly one claim check, whose sentence is marked; a
    clean letter passes the claim checks too."""
    from app.claims import CHECK_MARK_RE, verify_claims

    marked, vc, _ = verify_claims(item["letter"], source, facts_text=facts, allowed=allowed, extra_allowed_text=extra)
    if item["kind"] == "clean":
        assert vc.passed and vc.claims_failed == 0 and not CHECK_MARK_RE.search(marked), vc.notes
        return
    if item["kind"] == "policy_as_law":  # the law step (check_provisions) sees this one letter-wide too
        assert not v.passed or vc.claims_failed == 1, v.notes
    else:
        assert v.passed, f"{item['id']}: the letter-wide checks alone should not see this: {v.notes}"
    assert not vc.passed and vc.claims_failed == 1, f"{item['id']} ({item['kind']}) not caught: {item['must_catch']}"
    marks = CHECK_MARK_RE.findall(marked)
    assert len(marks) == 1 and marked.replace(" " + marks[0], "") == body, "one mark added, nothing else changed"
    assert vc.notes[-1].startswith("marked '"), vc.notes


def test_the_hostile_set_covers_every_kind():
    kinds = {}
    for i in HOSTILE:
        kinds[i["kind"]] = kinds.get(i["kind"], 0) + 1
    assert kinds.get("clean", 0) >= 6
    for k in (
        "nonexistent_para",
        "nonexistent_decision",
        "misquote",
        "invented_amount",
        "invented_date",
        "not_retrieved",
        "injection",
        "wrong_para_quote",
    ):
        assert kinds.get(k, 0) >= 3, kinds
    for k in CLAIM_KINDS:
        assert kinds.get(k, 0) >= 2, kinds
