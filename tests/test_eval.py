"""The eval gates CI: it passes on the real system and fails when the retriever or the verifier is broken."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from app.cite import Verification
from app.engine import Engine
from app.evals import ROOT, run_eval

THRESHOLDS = ROOT / "evals" / "thresholds.yaml"


class ShuffledEngine(Engine):
    """A deliberately broken retriever: same candidates, ranked at random."""

    def search(self, query, k=10, filters=None, mode="hybrid"):
        res = super().search(query, k=k, filters=filters, mode=mode)
        random.Random(query).shuffle(res.hits)
        res.hits = list(reversed(res.hits))
        return res


def accept_everything(letter, source, **kw):
    """A deliberately broken verifier: waves every draft through."""
    return letter, Verification(), []


@pytest.fixture(scope="module")
def eval_engine(full_engine):
    return full_engine


def test_eval_passes_on_the_real_retriever_and_verifier(eval_engine, tmp_path: Path):
    assert run_eval(
        engine=eval_engine, out=tmp_path, thresholds=THRESHOLDS, quiet=True, parts=("retrieval", "verifier")
    )
    assert (tmp_path / "report.md").read_text().count("|") > 10


def test_eval_fails_on_a_broken_retriever(eval_engine, tmp_path: Path):
    broken = ShuffledEngine(eval_engine.settings, embeddings=eval_engine.embeddings)
    assert not run_eval(engine=broken, out=tmp_path, thresholds=THRESHOLDS, quiet=True, parts=("retrieval",))
    assert "retrieval.hybrid" in (tmp_path / "report.md").read_text()


def test_eval_fails_on_a_broken_verifier(eval_engine, tmp_path: Path):
    assert not run_eval(
        engine=eval_engine,
        out=tmp_path,
        verify_fn=accept_everything,
        thresholds=THRESHOLDS,
        quiet=True,
        parts=("verifier",),
    )
    assert "verifier.catch_rate" in (tmp_path / "report.md").read_text()


# ----------------------------------------------------------------------------- what the letters say (must-say items)

from app.evals import (  # noqa: E402
    GOLD,
    coverage,
    coverage_md,
    coverage_summary,
    load_situations,
    situation_items,
)

ISSUE_TYPES = {
    "section_f", "needs_assessment", "annual_review", "phase_transfer", "tribunal_order", "personal_budget",
    "transport", "out_of_school", "eotas", "social_care", "children_act_procedure", "special_guardianship",
    "care_leavers", "complaint_handling",
}  # fmt: skip
SPECIAL_GUARDIAN = {  # a situation written for these tests, not one of the gold set
    "id": "t1",
    "facts": {
        "role": "parent",
        "issue": "Support refused by policy",
        "complainant": "special guardian",
        "has_plan": False,
    },
    "issue_types": ["special_guardianship"],
    "must_say": [
        {"use": "sg_regs"},
        {"id": "fetter", "any": ["fetter", "blanket"], "why": "a policy applied to everyone"},
    ],
    "must_not_say": [{"use": "invented_plan"}, {"use": "parent_voice"}],
}


def test_a_letter_that_leaves_out_the_law_scores_lower():
    full = "I am Mia's special guardian. The Special Guardianship Regulations 2005 apply; a blanket policy is unlawful."
    thin = "I am Mia's special guardian. The council has refused support and I want it reconsidered."
    good, poor = coverage(full, SPECIAL_GUARDIAN), coverage(thin, SPECIAL_GUARDIAN)
    assert good["coverage"] == 1.0 and good["must_say_missed"] == []
    assert poor["coverage"] < good["coverage"] and poor["must_say_missed"] == ["sg_regs", "fetter"]


def test_an_invented_plan_or_the_wrong_complainant_is_caught():
    letter = "As her parent, I ask the council to deliver the provision in Section F of Mia's EHC plan. Blanket policy."
    c = coverage(letter, SPECIAL_GUARDIAN)
    assert set(c["must_not_say_said"]) == {"invented_plan", "parent_voice"}
    assert c["met"] == 1 and c["items"] == 4
    # the references (quoted decisions) are not the letter: a plan mentioned there is not held against it
    assert not coverage("Blanket policy.\n\n## References\n\nSection F of the plan", SPECIAL_GUARDIAN)[
        "must_not_say_said"
    ]


def test_officer_placeholders_and_pasted_complaints_are_caught_but_citations_are_not():
    officer = {
        "id": "t2",
        "facts": {"role": "officer", "issue": "x"},
        "must_not_say": [{"use": "placeholder"}, {"use": "you_wrote"}],
    }
    clean = "Dear Ms Okafor, the law [Education Act 1996, s 19(1)] and [24 004 187, para 19] apply. [Children Act 1989 Representations Procedure (England) Regulations 2006, reg 19]"
    assert coverage(clean, officer)["must_not_say_said"] == {}
    dirty = "Dear [Name of complainant], You wrote: “my son has had no OT”. Signed [Officer name]"
    assert set(coverage(dirty, officer)["must_not_say_said"]) == {"placeholder", "you_wrote"}


def test_the_report_shows_what_each_letter_lacked_and_hides_the_held_back_items():
    rows = [coverage("The Special Guardianship Regulations 2005.", SPECIAL_GUARDIAN)]
    summary = coverage_summary(rows, [SPECIAL_GUARDIAN])
    assert summary["must_say"] == 0.5 and summary["must_not_say"] == 1.0 and summary["coverage"] == 0.75
    held = {**SPECIAL_GUARDIAN, "id": "h1", "must_say": [{"id": "secret_item", "any": ["zzz"], "why": "held back"}]}
    held_summary = coverage_summary([coverage("text", held)], [held])
    md = "\n".join(coverage_md({"template": {"drafting": summary, "heldout": held_summary}}))
    assert "t1 3/4: missed fetter" in md and "h1 2/3" in md and "secret_item" not in md


def test_the_gold_situations_cover_every_issue_type_on_both_desks():
    shown, held = load_situations(GOLD / "drafting.yaml"), load_situations(GOLD / "drafting_heldout.yaml")
    everything = shown + held
    ids = [s["id"] for s in everything]
    assert len(ids) == len(set(ids))
    for s in everything:
        items = situation_items(s, "must_say") + situation_items(s, "must_not_say")
        assert items and all(i.get("id") and i.get("any") and i.get("why") for i in items), s["id"]
        assert set(s["issue_types"]) <= ISSUE_TYPES | {"out_of_scope"}, s["id"]
    for t in ISSUE_TYPES:
        desks = [s["facts"]["role"] for s in everything if t in s["issue_types"]]
        assert len(desks) >= 2 and {"parent", "officer"} <= set(desks), t
    assert 0.25 <= len(held) / len(everything) <= 0.4
    assert {s["facts"]["role"] for s in held} == {"parent", "officer"}
    who = {s["facts"].get("complainant") for s in everything}
    assert {"special guardian", "young person", "advocate"} <= who
    assert any(s["facts"].get("has_plan") is False for s in everything)
    full_officer = [s for s in everything if s["facts"]["role"] == "officer" and s["facts"].get("points")]
    assert len({t for s in full_officer for t in s["issue_types"]}) >= 6
    assert any(s["facts"].get("procedure") == "children-act" for s in full_officer)


def test_the_remedies_table_after_the_letter_is_not_read_as_the_letter():
    letter = "I ask for an apology.\n\n## Remedies in comparable decisions\n\n| £500 | missed SALT in his EHC Plan |"
    assert coverage(letter, SPECIAL_GUARDIAN)["must_not_say_said"] == {}


def test_a_quotation_of_two_sentences_is_one_claim_with_its_citation(full_engine):
    """The citation-recall measure split a two-sentence quotation at its inner full stop, so its first half counted as
    a claim citing nothing (every letter quoting the section 42 duty, and the remedy quoted with its purpose)."""
    from app.cite import IndexSource, SupportJudge
    from app.evals import alce

    letter = (
        "On the remedy, the Ombudsman said: \u201cThis payment is in addition to the £150 the Council offered Mrs E in "
        "its stage two reply to her complaint. If she did not accept this, the Council will offer this payment again "
        "to recognise the time and trouble she experienced arising from delays in its complaint handling\u201d "
        "[24 012 399, para 70]."
    )
    got = alce(letter, IndexSource(full_engine.index()), SupportJudge(full_engine.embeddings))
    assert got["claims"] == 1 and got["supported"] == 1, got
