"""The officer desk in a real browser (Debian Chromium driven by Playwright) against a real `precedent serve`: a
complaint pasted in, read into its points, investigated (evidence and a finding per point, an action with a date and
an owner, a remedy figure), drafted and downloaded as .docx, then refined in the chat under it. A screenshot is
saved at each step under test-artifacts/officer-*.png."""

from __future__ import annotations

import re

import pytest

from test_ui import (  # noqa: F401 - the server, browser, context and page fixtures, shared with the desk tests
    ARTIFACTS,
    DRAFT_TIMEOUT_MS,
    XSS,
    _fill,
    _submit,
    browser,
    context,
    page,
    server,
    startup,
    ws,
)

pytestmark = pytest.mark.slow

NOTE = (
    "Ms A says her son P has had no OT since January. She emailed the SEN team three times and got no reply. "
    "The annual review due in March has not been held."
)
EVIDENCE = [
    "The OT service's records show no sessions for P from January to June.",
    "Our email log shows three emails from Ms A in February and no reply.",
    "The review meeting was held on 12 March and the amended plan issued on 20 March.",
]
FINDINGS = ["Upheld", "Partly upheld", "Not upheld"]
# a bracket that is not a citation ([24 004 187, para 19], [24 012 399, summary]): a placeholder left for the officer
PLACEHOLDER = re.compile(
    r"\[(?!\s*[^\]]+,\s*(?:paras?\s|summary|s\s|regs?\s|para\s))(?!\d{4}\])[^\]]*\]"
)  # not a citation, not a law report year


def _box(pg, elem_id: str):
    return pg.locator(f"#{elem_id}").locator("textarea, input").first


def _shot(pg, name: str, full: bool = True) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / f"officer-{name}.png"), full_page=full)


def test_officer_investigates_a_complaint_and_downloads_the_response(page):  # noqa: F811 - the fixture
    page.get_by_role("tab", name="Officer desk").click()
    # a script in the complaint is read as text, everywhere the reading shows it
    _box(page, "o-complaint").fill(f"{XSS} Her son has had no OT since January.")
    page.locator("#o-read").click()
    page.wait_for_selector("#o-read-status .progress.done", timeout=DRAFT_TIMEOUT_MS)
    assert XSS in _box(page, "o-point-1").input_value()
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert page.evaluate("document.querySelectorAll('img[src=\"x\"]').length") == 0

    page.evaluate("() => document.querySelectorAll('#o-read-status .progress').forEach(e => e.dataset.old = '1')")
    _box(page, "o-complaint").fill(NOTE)
    _shot(page, "1-pasted")

    # read: the points appear, with the complainant's name, the child, the due dates and the precedents
    page.locator("#o-read").click()
    page.wait_for_selector("#o-read-status .progress.done:not([data-old])", timeout=DRAFT_TIMEOUT_MS)
    assert "Read 3 points from Ms A" in page.locator("#o-read-status").inner_text()
    assert _box(page, "o-name").input_value() == "Ms A"
    assert _box(page, "o-child").input_value() == "P"
    assert page.locator("#o-complainant input[value=parent]").is_checked()
    points = [_box(page, f"o-point-{i}").input_value() for i in (1, 2, 3)]
    assert points[0] == "Her son P has had no OT since January."
    assert "annual review" in points[2]
    assert not page.locator("#o-point-4").is_visible()
    due = ws(page.locator("#o-due").inner_text())
    assert re.search(r"Acknowledgement by \d{1,2} \w+ 20\d\d", due) and "Stage 1 response by" in due
    summary = page.locator("#o-summary .precedent-summary")
    assert "What the Ombudsman decided in similar complaints" in summary.inner_text()
    assert re.search(r"Upheld \(fault found\) in \d+ of the \d+ decisions? found", summary.inner_text())
    assert summary.locator("a.cite").count() > 0
    assert page.locator("#o-point-1-prec .ps-issue").count() >= 1  # the precedents beside the point itself
    benchmark = page.locator("#o-benchmark .bm-range").inner_text()
    assert re.match(r"£[\d,]+( to £[\d,]+)?", benchmark), benchmark
    _shot(page, "2-read")

    # a due date already past says how late it is
    _box(page, "o-received").fill("2025-01-06")
    _box(page, "o-received").blur()
    page.wait_for_function("() => document.querySelector('#o-due').innerText.includes('late by')", timeout=15_000)
    # an acknowledgement sent on time is marked done, not late; the response is still late
    _box(page, "o-acknowledged").fill("2025-01-08")
    _box(page, "o-acknowledged").blur()
    page.wait_for_function("() => document.querySelector('#o-due').innerText.includes('done 8 January 2025')")
    due = ws(page.locator("#o-due").inner_text())
    assert re.search(
        r"Acknowledgement by 13 January 2025, done 8 January 2025 5 working days from the complaint", due
    ), due
    assert re.search(r"Stage 1 response by 27 January 2025 late by \d+ days", due), due
    page.locator("#o-due").scroll_into_view_if_needed()
    _shot(page, "3-late", full=False)
    _box(page, "o-acknowledged").fill("")
    _box(page, "o-received").fill("2026-11-20")
    _box(page, "o-received").blur()

    # drafting before every point has a finding says which field, in one line, and drafts nothing
    page.locator("#o-draft").click()
    err = page.locator("#o-progress .progress.error")
    err.wait_for(timeout=30_000)
    assert err.inner_text().startswith("Point 1: choose a finding")
    assert page.locator("#o-letter .letter[data-state=empty]").count() == 1
    page.locator("#o-draft").scroll_into_view_if_needed()
    _shot(page, "4-missing-finding", full=False)

    # the investigation: evidence and a finding per point, an action with a date and an owner, a figure
    for i, (evidence, finding) in enumerate(zip(EVIDENCE, FINDINGS, strict=True), 1):
        _box(page, f"o-evidence-{i}").fill(evidence)
        page.locator(f"#o-finding-{i}").get_by_text(finding, exact=True).click()
    _box(page, "o-action-1").fill("Arrange the missed OT sessions")
    _box(page, "o-action-1-by").fill("2026-12-18")
    _box(page, "o-action-1-owner").fill("SEN Team Manager")
    page.locator("#o-add-action").click()
    page.locator("#o-action-2").wait_for(state="visible", timeout=15_000)
    page.locator("#o-use-median").click()  # the benchmark's median as a starting figure, then adjusted
    page.wait_for_function(
        "() => /^£[\\d,]+$/.test(document.querySelector('#o-remedy textarea, #o-remedy input').value)",
        timeout=15_000,
    )
    _box(page, "o-remedy").fill("£650")
    _box(page, "o-changes").fill("Monthly checks that Section F provision is in place")
    _box(page, "o-officer").fill("Jo Smith")
    page.locator("#o-remedy").scroll_into_view_if_needed()
    _shot(page, "5-investigated")

    # reading the complaint again keeps what was recorded on the same points
    page.locator("#o-read").click()
    page.wait_for_function(
        "() => document.querySelector('#o-read-status').innerText.includes('What you recorded on 3 of them is kept')",
        timeout=DRAFT_TIMEOUT_MS,
    )
    assert _box(page, "o-evidence-1").input_value() == EVIDENCE[0]
    assert page.locator("#o-finding-3 input[value='not upheld']").is_checked()

    # draft
    page.evaluate("() => document.querySelectorAll('#o-progress .progress').forEach(e => e.dataset.old = '1')")
    page.locator("#o-draft").click()
    page.wait_for_selector("#o-letter .letter[data-state=verified]", timeout=DRAFT_TIMEOUT_MS)
    assert page.locator("#o-notice .notice").count() == 0, page.locator("#o-notice").inner_text()
    assert page.locator("#o-progress .progress.done").count() == 1
    letter = page.locator("#o-letter .letter").inner_text()
    _shot(page, "6-drafted")

    # the .docx download
    with page.expect_download() as dl:
        page.locator("#o-dl-docx").click()
    import docx

    d = docx.Document(str(dl.value.path()))
    text = "\n".join(p.text for p in d.paragraphs) + "\n".join(
        c.text for t in d.tables for r in t.rows for c in r.cells
    )
    assert text.strip()
    page.locator("#o-downloads").scroll_into_view_if_needed()
    _shot(page, "7-downloaded", full=False)

    # the letter: addressed to the complainant by name, with the figure, and no placeholder left in brackets
    assert "Ms A" in letter and "£650" in letter, letter[:600]
    assert not PLACEHOLDER.search(letter), PLACEHOLDER.findall(letter)
    assert "Ms A" in text and "£650" in text


def _draft_response(pg) -> None:
    """The investigation of NOTE recorded (evidence and a finding per point, an action, a figure, the officer) and
    the response drafted with the template writer; returns once it is verified."""
    pg.get_by_role("tab", name="Officer desk").click()
    _box(pg, "o-complaint").fill(NOTE)
    # the first point's box is emptied first: a page that read NOTE already shows the same status line
    if _box(pg, "o-point-1").is_visible():
        _box(pg, "o-point-1").fill("")
    pg.locator("#o-read").click()
    pg.wait_for_function(
        "() => document.querySelector('#o-read-status .progress.done') && "
        "(document.querySelector('#o-point-1 textarea')?.value || '').startsWith('Her son P')",
        timeout=DRAFT_TIMEOUT_MS,
    )
    for i, (evidence, finding) in enumerate(zip(EVIDENCE, FINDINGS, strict=True), 1):
        _box(pg, f"o-evidence-{i}").fill(evidence)
        pg.locator(f"#o-finding-{i}").get_by_text(finding, exact=True).click()
    _box(pg, "o-received").fill("2026-11-20")
    _box(pg, "o-action-1").fill("Arrange the missed OT sessions")
    _box(pg, "o-action-1-by").fill("2026-12-18")
    _box(pg, "o-action-1-owner").fill("SEN Team Manager")
    _box(pg, "o-remedy").fill("£650")
    _box(pg, "o-officer").fill("Jo Smith")
    pg.locator("#o-writer").get_by_text("Template").click()
    _submit(pg, "#o-draft", "o")
    assert pg.locator("#o-letter .letter").get_attribute("data-state") == "verified", pg.locator(
        "#o-notice"
    ).inner_text()


def _chat_says(pg, text: str) -> None:
    pg.wait_for_function(
        "(t) => document.querySelector('#o-chat').innerText.includes(t)", arg=text, timeout=DRAFT_TIMEOUT_MS
    )


def test_officer_refines_the_response_in_a_chat(page):  # noqa: F811 - the fixture
    """Issue 15 on the officer desk: "make it shorter" redrafts the response, checks it again and says what changed;
    a question about compensation is answered in the chat from the cited remedies and never put into the response;
    the chat fits a 390 px phone."""
    _draft_response(page)
    before = page.locator("#o-letter .letter").inner_text()
    assert "Refine the response" in page.locator("#officer-desk").inner_text()

    _fill(page, "o-instruction", "make it shorter")
    _submit(page, "#o-send", "o")
    _chat_says(page, "Changed: shorter.")
    chat = ws(page.locator("#o-chat").inner_text())
    assert re.search(r"Changed: shorter\. \d+ citations checked; all verified\.", chat), chat
    letter = page.locator("#o-letter .letter")
    assert letter.get_attribute("data-state") == "verified"
    shorter = letter.inner_text()
    assert len(shorter) < len(before) and "Dear Ms A" in shorter and "£650" in shorter
    assert _box(page, "o-instruction").input_value() == ""
    _shot(page, "8-refined-shorter", full=False)

    _fill(page, "o-instruction", "What have other councils paid for this?")
    page.locator("#o-send").click()
    _chat_says(page, "What comparable decisions awarded")
    chat = ws(page.locator("#o-chat").inner_text())
    answer = chat.split("What comparable decisions awarded", 1)[1]
    assert re.search(r"£[\d,]+: .+\[\d\d \d{3} \d{3}, para \d+\]", answer), answer  # a sum, cited
    assert "The offer in this response: £650" in answer
    after = page.locator("#o-letter .letter")
    assert after.get_attribute("data-state") == "verified"
    assert after.inner_text() == shorter
    assert "What comparable decisions awarded" not in after.inner_text()
    assert "What have other councils paid" not in after.inner_text()
    page.locator("#o-chat").scroll_into_view_if_needed()
    _shot(page, "9-refine-question", full=False)

    # on a 390 px phone the chat, its box and its button fit the screen
    page.set_viewport_size({"width": 390, "height": 844})
    try:
        page.wait_for_timeout(500)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        for sel in ("#o-chat", "#o-instruction", "#o-send", "#o-letter .letter"):
            b = page.locator(sel).bounding_box()
            assert b and b["x"] >= 0 and b["x"] + b["width"] <= 390, (sel, b)
        page.locator("#o-send").scroll_into_view_if_needed()
        _shot(page, "10-refine-390", full=False)
    finally:
        page.set_viewport_size({"width": 1360, "height": 1000})
