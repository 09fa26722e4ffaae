"""The web app's rendering, without a browser: what users type is escaped, citations become paragraph links,
decision pages carry one id per paragraph, and intake mistakes read as one line."""

from __future__ import annotations

import re

import pytest

from app.errors import UserError
from app.models import Document, Hit, Paragraph
from app.ui import (
    ExportStore,
    decision_href,
    decision_page,
    link_citations,
    make_filters,
    md_text,
    officer_facts,
    parent_facts,
    parse_auth,
    plain_text,
    precedents_html,
    remedies_html,
    render_markdown,
)

XSS = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">'


def test_markdown_never_passes_html_links_or_images_through():
    out = render_markdown(
        f"**Issue.** {XSS}\n\n[click](javascript:alert(1)) ![t](http://example.org/t.png) <http://x.org>"
    )
    assert "<script" not in out and "<img" not in out and "<a " not in out
    assert "&lt;script&gt;" in out and "onerror" in out  # shown as text
    assert "<strong>Issue.</strong>" in out


def test_citations_become_links_to_their_paragraph():
    html = link_citations(
        render_markdown(
            "As found [24 004 187, para 19], and [24 004 187, summary]. "
            "Also [23 009 620, paras 19 and 25]. Not [99 999 999, para 1]."
        ),
        known={"24 004 187", "23 009 620"},
    )
    assert (
        '<a class="cite" href="/decision/24%20004%20187#p19" target="_blank" rel="noopener">[24 004 187, para 19]</a>'
        in html
    )
    assert 'href="/decision/24%20004%20187#summary"' in html
    assert 'href="/decision/23%20009%20620#p19"' in html and 'href="/decision/23%20009%20620#p25"' in html
    assert "[99 999 999, para 1]" in html and "99%20999" not in html  # not a decision we know: left as text


def test_decision_href_escapes_odd_ids():
    assert decision_href('a"b<c', "2.3") == "/decision/a%22b%3Cc#p2.3"


def _doc(**kw):
    base = dict(
        doc_id="24 004 187",
        refs=["24 004 187"],
        organisation="Liverpool <City> Council",
        category="Education > Special educational needs",
        outcome="Upheld",
        decision_date="2024-10-24",
        kind="decision",
        summary="We upheld <b>it</b>.",
        source="/x.txt",
        source_url="https://www.lgo.org.uk/decisions/x",
        paragraphs=[
            Paragraph("1", "The complaint", "Ms X complained."),
            Paragraph("2.3", "Analysis", "A <script>x</script> fault."),
        ],
    )
    base.update(kw)
    return Document(**base)


def test_decision_page_has_one_id_per_paragraph_and_escapes_everything():
    page = decision_page(_doc())
    assert 'id="p1"' in page and 'id="p2.3"' in page and 'id="summary"' in page
    assert "<script>x</script>" not in page and "A &lt;script&gt;x&lt;/script&gt; fault." in page
    assert "Liverpool &lt;City&gt; Council" in page and "<b>it</b>" not in page
    assert 'href="https://www.lgo.org.uk/decisions/x"' in page
    assert ":target" in page


def test_decision_page_links_only_web_urls():
    page = decision_page(_doc(source_url="javascript:alert(1)"))
    assert "javascript:" not in page


def _hit(doc_id, para, text="t", **kw):
    d = dict(
        ref=doc_id,
        organisation="Org <i>",
        section="Findings",
        score=1.0,
        source="/x",
        outcome="Upheld",
        category=None,
        decision_date="2024-03-08",
    )
    d.update(kw)
    return Hit(
        doc_id,
        d["ref"],
        d["organisation"],
        para,
        d["section"],
        text,
        d["score"],
        d["source"],
        d["outcome"],
        d["category"],
        d["decision_date"],
    )


def test_precedents_are_grouped_by_decision_in_rank_order():
    html = precedents_html([_hit("A", "3", XSS), _hit("B", "1"), _hit("A", "5")], "Found")
    assert html.count('class="decision-card"') == 2
    assert html.index('data-doc="A"') < html.index('data-doc="B"')
    assert 'href="/decision/A#p3"' in html and 'href="/decision/A#p5"' in html
    assert "<script>" not in html and "<i>" not in html and "8 March 2024" in html


def test_remedy_table_escapes_and_links():
    html = remedies_html(
        [
            {
                "amount": 600.0,
                "amount_text": "£600",
                "purpose": XSS,
                "period": None,
                "doc_id": "23 009 620",
                "organisation": "Notts",
                "para": "25",
                "citation": "[23 009 620, para 25]",
                "decision_date": "2024-03-08",
            }
        ]
    )
    assert "<script>" not in html and 'href="/decision/23%20009%20620#p25"' in html and "£600" in html


def test_chat_text_is_literal_markdown():
    s = md_text("**bold** [x](http://e.org) <b>")
    assert "<b>" not in s and "\\*\\*bold\\*\\*" in s and "\\[x\\]" in s


def test_intake_mistakes_are_one_readable_line():
    with pytest.raises(UserError, match="What went wrong"):
        parent_facts("", "", "", "   ", "", "", "", "", "council-stage-1")
    with pytest.raises(UserError, match=r"^Since when: must be a month written YYYY-MM"):
        parent_facts("", "", "", "OT missing", "Sept 2023", "", "", "", "council-stage-1")
    f = parent_facts("Council", "A", "", "OT missing", "2023-9", "one\n\n two \n", "", "", "ombudsman")
    assert f.since == "2023-09" and f.contacts == ["one", "two"] and f.stage == "ombudsman"
    with pytest.raises(UserError, match="complaint box is empty"):
        officer_facts(" ", None)
    assert officer_facts("Speech therapy missing", "").stage == "response"


def test_the_chats_reading_of_whose_words_the_provision_is_lasts_until_the_box_is_typed_over():
    from datetime import date

    from app.story import extract
    from app.ui.forms import provision_from_story

    ex = extract("my son Kai hasnt had his taxi to school since october. hes got an ehcp.", today=date(2026, 11, 27))
    state = {"extraction": ex}
    assert provision_from_story(state, "his taxi to school") == "person"
    f = parent_facts(
        "", "Kai", "his taxi to school", "no taxi", "", "", "", "", "", has_plan="yes", provision_source="person"
    )
    assert f.provision_source == "person"
    # typed over: the box is "What the plan says", so the person's typing is the plan's words
    assert provision_from_story(state, "Section F: a taxi with a passenger assistant") is None
    assert provision_from_story(None, "his taxi to school") is None


def test_filters_and_auth_parsing():
    assert make_filters("", "", "", "") is None
    f = make_filters("Education", "Upheld", "2024-01-01", "")
    assert f.category == "Education" and f.date_from == "2024-01-01" and f.date_to is None
    with pytest.raises(UserError, match="Decided to"):
        make_filters("", "", "", "soon")
    assert parse_auth("ann:pa:ss") == ("ann", "pa:ss")
    assert parse_auth(None) is None
    with pytest.raises(UserError):
        parse_auth("ann")


def test_export_store_forgets():
    store = ExportStore(ttl_s=60, max_items=2)
    a = store.put("A")
    b = store.put("B", replaces=a)
    assert store.get(a) is None and store.get(b) == "B"
    store.put("C"), store.put("D")
    assert store.get(b) is None  # oldest dropped beyond max_items


def test_a_new_user_drafts_with_the_template_writer_even_when_the_local_model_is_installed(monkeypatch, tmp_path):
    """Issue 18, item 1: the model is offered as experimental, never the default, unless someone asks for it."""
    import app.gguf
    from app.settings import Settings
    from app.ui import WRITER_LABELS, Runtime

    monkeypatch.setattr(app.gguf, "installed", lambda *a, **k: True)
    rt = Runtime(Settings(index=tmp_path / "index"), builtin_corpus=None, engine=object())
    assert rt.default_writer == "template" and rt.writer_note is None
    assert [v for _, v in rt.writer_choices()] == ["template", "local"]
    assert "experimental" in WRITER_LABELS["local"] and "recommended" in WRITER_LABELS["template"]
    asked = Runtime(Settings(index=tmp_path / "index", llm="local"), builtin_corpus=None, engine=object())
    assert asked.default_writer == "local"  # PRECEDENT_LLM=local or --llm local still chooses the model
    monkeypatch.setattr(app.gguf, "installed", lambda *a, **k: False)
    missing = Runtime(Settings(index=tmp_path / "index"), builtin_corpus=None, engine=object())
    assert missing.default_writer == "template" and "make llm" in missing.writer_note


def test_no_badge_says_verified_over_a_model_letter():
    """A model's own sentences are not all checkable, so its letter is never badged "verified"."""
    from types import SimpleNamespace

    from app.cite import Verification
    from app.ui import letter_badge

    ok = Verification(citations_checked=3, quotes_checked=2)
    for writer in ("local", "ollama", "openai", "chat"):
        text, cls = letter_badge(SimpleNamespace(verification=ok, writer=writer))
        assert "verified" not in text.lower() and cls == "warn" and "read every sentence" in text
    assert letter_badge(SimpleNamespace(verification=ok, writer="template")) == ("All citations verified", "ok")
    failed = Verification(citations_checked=3, citations_removed=1, passed=False)
    assert letter_badge(SimpleNamespace(verification=failed, writer="template"))[1] == "warn"


@pytest.mark.parametrize(
    "error, words",
    [
        ("encoder", "make setup"),
        ("unexpected", "make run"),
    ],
)
def test_a_first_start_that_cannot_search_says_so_in_plain_words(tmp_path, capsys, error, words):
    """Issue 11: the page says what is wrong and the command that repairs it, never a cosine or a file name."""
    from app.encoder_files import EmbeddingError
    from app.settings import Settings
    from app.ui import Runtime

    class BrokenEngine:
        def has_index(self):
            return True

        def encoder_stale(self):  # the real engine loads the encoder to answer this
            return self.search()

        def search(self, *a, **k):
            if error == "encoder":
                raise EmbeddingError(
                    "ONNX export check failed for onnx/model_qint8_avx512_vnni.onnx: cosine 0.9486 < 0.95"
                )
            raise RuntimeError("/root/.cache/precedent/onnx-all-MiniLM-L6-v2/onnx/model.onnx: bad magic number")

    rt = Runtime(Settings(index=tmp_path / "index"), builtin_corpus=None, engine=BrokenEngine())
    rt.start(build=False)
    assert not rt.wait(30) and rt.phase == "error"
    import html

    page = html.unescape(rt.status_html())
    assert "can't search yet" in page and words in page, page
    for leak in ("cosine", "0.9486", ".onnx", "/root", "RuntimeError", "EmbeddingError"):
        assert leak not in page, (leak, page)


def test_copied_letter_is_plain_text_with_its_citations():
    """Issue 18: what "Copy letter" copies pastes cleanly into an email."""
    md = (
        "**Formal complaint (stage 1)**\n\nThe therapy was *not* delivered [24 004 187, para 19]. A_B's file_name.\n\n"
        "## Remedies in comparable decisions\n\n| Amount | What it was for |\n|---|---|\n| £600 | missed OT |\n\n"
        "## References\n\n- **[24 004 187, para 19]** Liverpool City Council. The council must act.\n"
    )
    text = plain_text(md)
    assert text.startswith("Formal complaint (stage 1)\n\nThe therapy was not delivered [24 004 187, para 19].")
    assert "A_B's file_name" in text  # underscores inside words are not emphasis
    assert "**" not in text and "#" not in text and "|" not in text and "---" not in text
    assert "Remedies in comparable decisions\n\nAmount · What it was for\n£600 · missed OT" in text
    assert "- [24 004 187, para 19] Liverpool City Council." in text


def test_since_when_takes_what_people_write():
    """Issue 18: the form takes the months the facts file takes ("September 2023", "Sep 2023"), and a month name
    alone as the last such month."""
    from datetime import date

    from app.ui.forms import _since

    for typed in ("September 2023", "sep 2023", "2023-09", "2023/9"):
        assert parent_facts("", "", "", "OT missing", typed, "", "", "", "council-stage-1").since == "2023-09"
    assert _since("September", today=date(2026, 11, 27)) == "2026-09"
    assert _since("december", today=date(2026, 11, 27)) == "2025-12"  # not come yet this year: last year's
    assert _since("Nov", today=date(2026, 11, 27)) == "2026-11"
    f = parent_facts("", "", "", "OT missing", "September", "", "", "", "council-stage-1")
    assert f.since and f.since.endswith("-09")
    with pytest.raises(UserError, match="Since when"):
        parent_facts("", "", "", "OT missing", "last autumn", "", "", "", "council-stage-1")


def test_search_dates_the_wrong_way_round_say_so():
    with pytest.raises(UserError, match="wrong way round") as e:
        make_filters("", "", "2025-01-01", "2024-01-01")
    assert "Decided from" in str(e.value) and "Decided to" in str(e.value)
    assert make_filters("", "", "2024-01-01", "2024-01-01").date_to == "2024-01-01"  # one day is fine


def test_citation_check_notes_are_plain_text():
    from types import SimpleNamespace

    from app.cite import Verification
    from app.ui import verification_html

    v = Verification(citations_checked=1, passed=False, notes=["Removed '**** **End of the Letter**'", "*a* _b_"])
    result = SimpleNamespace(
        verification=v, notes=["**Added** the precedents"], no_close_precedent=False, issues=[], writer="local"
    )
    html = verification_html(result)
    assert "*" not in html and "_b_" not in html
    assert "Removed &#x27;End of the Letter&#x27;" in html and "<li>a b</li>" in html
    assert "<li>Added the precedents</li>" in html


def test_streaming_letter_hides_source_markers():
    from app.ui import letter_streaming_html

    html = letter_streaming_html("The council must act [S1]. It did not [S2, S3]. See also [S", "Writing…")
    assert "[S" not in html and "S1" not in html
    assert "The council must act. It did not. See also" in html
    assert "[24 004 187, para 19]" in letter_streaming_html("Found [24 004 187, para 19].", "Writing…")


def test_a_search_with_nothing_close_shows_the_notice_and_three_nearest():
    from types import SimpleNamespace

    from app.ui import search_results_html

    hits = [_hit(f"D{i}", str(i)) for i in range(20)]
    html = search_results_html(SimpleNamespace(hits=hits, no_close_precedent=True))
    assert html.count("<li>") == 3 and "No close precedent" in html
    assert "The 3 nearest paragraphs: not close matches" in html
    close = search_results_html(SimpleNamespace(hits=hits, no_close_precedent=False))
    assert close.count("<li>") == 20 and "No close precedent" not in close
    assert "20 paragraphs from 20 decisions" in close


def _result(letter: str, passed: bool = True, remedies=None, writer: str = "local"):
    from app.cite import Citation, Verification
    from app.draft_types import DraftResult
    from app.facts import Facts

    hit = _hit("24 004 187", "19", "The Council is at fault.", organisation="Liverpool City Council")
    return DraftResult(
        letter=letter,
        body=letter,
        citations=[Citation("24 004 187", "24 004 187", "19", None, "x")],
        remedies=remedies or [],
        verification=Verification(citations_checked=1, passed=passed),
        precedents=[hit],
        issues=[],
        no_close_precedent=False,
        writer=writer,
        facts=Facts(role="parent", issue="OT missing"),
    )


REMEDY = {
    "amount": 900.0,
    "amount_text": "£900–£2400",
    "purpose": "Our Guidance",
    "period": "per term",
    "doc_id": "24 004 187",
    "organisation": "Liverpool City Council",
    "para": "19",
    "citation": "[24 004 187, para 19]",
    "decision_date": "2024-10-24",
}


def test_export_puts_the_remedies_after_the_references_as_an_annex_and_drops_internal_marks():
    """Issue 18 item 7 and issue 15: the .md/.docx/copy text is the letter, signed; its references; then a titled
    annex of remedies. No `[check: …]` or `[unverified]` ever leaves the page; self-numbered paragraphs are said."""
    from app.export import ANNEX_HEADING, export_markdown

    letter = (
        "Dear Council,\n\nYou owe £9,999 [unverified] for it [24 004 187, para 19] "
        "[check: the cited decision may not say this].\n\nYours faithfully\n\nSam Jones"
    )
    md = export_markdown(_result(letter, passed=False, remedies=[REMEDY]), {"24 004 187"})
    assert "[unverified]" not in md and "[check:" not in md
    assert md.index("Sam Jones") < md.index("## References") < md.index(ANNEX_HEADING)
    assert "£900–£2400" in md[md.index(ANNEX_HEADING) :]
    assert "[24 004 187, para 19]** (paragraph number assigned by Precedent" in md


def test_a_failing_letter_highlights_its_sentences_and_locks_its_downloads():
    from app.ui import letter_final_html
    from app.ui.render import downloads_html

    letter = "Dear Council,\n\nYou owe £9,999 [unverified] for it [24 004 187, para 19]. Thanks.\n\nYours faithfully"
    html = letter_final_html(_result(letter, passed=False), {"24 004 187"})
    assert 'data-state="needs-check"' in html and "Not ready to send" in html
    assert "[unverified]" not in html
    m = re.search(r'<mark class="flag unverified"[^>]*>(.*?)</mark>', html, re.S)
    assert m and "£9,999" in m.group(1) and "not in your facts" in m.group(1) and "Thanks" not in m.group(1)
    assert 'class="renumbered"' in html and "assigned by Precedent" in html
    locked = downloads_html("tok", "text", "p", "letter", locked=True)
    assert "/export/" not in locked and "copy-src" not in locked and "I have checked" in locked
    assert "/export/tok/letter.docx" in downloads_html("tok", "text", "p", "letter")


def test_an_exported_letter_that_failed_is_locked_until_acknowledged():
    store = ExportStore()
    t = store.put(object(), locked=True)
    assert store.locked(t)
    store.unlock(t)
    assert not store.locked(t)
    store.unlock(t, False)
    assert store.locked(t)
    t2 = store.put(object(), replaces=t)
    assert not store.locked(t2) and store.get(t) is None


def test_a_waiting_draft_knows_its_place_and_when_it_should_start():
    from app.ui.runtime import DraftLine

    line = DraftLine(limit=1)
    line._took.extend([30.0, 30.0])
    running = line.start(("a", "p"))
    line.wait(("b", "p"))
    line.wait(("c", "p"))
    ahead, seconds = line.position(("c", "p"))
    assert ahead == 2 and 55 <= seconds <= 61
    assert line.position(("b", "p"))[0] == 1
    assert line.page_gone("a") == 1 and running.is_set()
    assert line.position(("zzz", "p")) is None


def test_limits_refuse_with_one_line_and_cut_nothing():
    with pytest.raises(UserError, match=r"'What went wrong' is 20,500 characters long; it takes at most 20,000"):
        parent_facts("", "", "", "x" * 20_500, "", "", "", "", "council-stage-1")
    with pytest.raises(UserError, match=r"A line of 'Who you contacted' is 2,001"):
        parent_facts("", "", "", "OT missing", "", "ok\n" + "y" * 2001, "", "", "council-stage-1")
    f = parent_facts("", "", "", "OT " * 6000, "", "", "", "", "council-stage-1", name="Sam", address="1 Road")
    assert len(f.issue) == len(("OT " * 6000).strip()) and f.name == "Sam" and f.address == "1 Road"


def test_a_date_filter_says_how_many_undated_decisions_it_left_out():
    from types import SimpleNamespace

    from app.models import Filters
    from app.settings import Settings
    from app.ui import search_results_html
    from app.ui.runtime import Runtime

    rt = Runtime(Settings(), builtin_corpus=None, engine=object())
    rt.undated = [("Education > SEN", "Upheld"), ("Planning", "Upheld")]
    assert rt.undated_left_out(Filters(date_from="2020-01-01")) == 2
    assert rt.undated_left_out(Filters(date_from="2020-01-01", category="Education")) == 1
    assert rt.undated_left_out(Filters(category="Education")) == 0
    html = search_results_html(SimpleNamespace(hits=[_hit("A", "1")], no_close_precedent=False), undated=2)
    assert "2 decisions have no date in the index, so the date filter left them out" in html


def test_the_timeline_shows_each_due_date_how_late_and_the_time_limits():
    from app.ui.render import timeline_html

    html = timeline_html(
        {
            "due": [
                {"label": "Final amended plan", "due": "2025-04-09", "rule": "8 weeks", "done": None, "late_days": 597},
                {
                    "label": "Stage 1 response",
                    "due": "2025-04-10",
                    "rule": "10 working days <b>",
                    "done": "2025-04-08",
                    "late_days": 0,
                },
            ],
            "appeal_by": "2027-01-10",
            "ombudsman_by": "2026-01-01",
        }
    )
    assert "Final amended plan: due <b>9 April 2025</b>" in html and "597 days late" in html
    assert "done 8 April 2025" in html and "on time" in html
    assert "SEND Tribunal appeal: by <b>10 January 2027</b>" in html and "1 January 2026" in html
    assert '<b>"' not in html and "10 working days &lt;b&gt;" in html  # escaped
    assert timeline_html({"due": [], "appeal_by": None, "ombudsman_by": None}) == "" == timeline_html(None)
