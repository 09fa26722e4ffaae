"""The officer desk in a real browser (Debian Chromium driven by Playwright) against a real `precedent serve`: a
complaint pasted in, read into its points, investigated (evidence and a finding per point, an action with a date and
an owner, a remedy figure), drafted and downloaded as .docx. A screenshot is saved at each step under
test-artifacts/officer-*.png."""

from __future__ import annotations

import re

import pytest

from test_ui import (  # noqa: F401 - the server, browser, context and page fixtures, shared with the desk tests
    ARTIFACTS,
    DRAFT_TIMEOUT_MS,
    XSS,
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
PLACEHOLDER = re.compile(r"\[(?!\s*[\w .-]+,\s*(?:paras?\s|summary))[^\]]*\]")


def _box(pg, elem_id: str):
    return pg.locator(f"#{elem_id}").locator("textarea, input").first


def _shot(pg, name: str, full: bool = True) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / f"officer-{name}.png"), full_page=full)


def _writer_writes_the_investigation() -> bool:
    """Whether the default (template) writer writes an officer's response from the investigation: addressed to the
    complainant by name, with the remedy figure, and nothing left in brackets for the officer. The wording of that
    response is the lead's (`TemplateWriter._officer`); until it lands, the letter's checks below are expected to
    fail, and say so."""
    from app.draft_types import DraftContext
    from app.facts import Facts
    from app.writers import TemplateWriter

    f = Facts(
        role="officer",
        issue="Ms Zed says her son has had no OT since January.",
        name="Ms Zed",
        officer="Jo Smith",
        remedy_offer="£777",
        points=[{"point": "No OT since January.", "evidence": "No sessions are recorded.", "finding": "upheld"}],
        actions=[{"action": "Arrange the missed sessions", "by": "2026-12-18", "owner": "SEN Team Manager"}],
        dates={"complaint_received": "2026-11-02"},
    )
    text = TemplateWriter().write(DraftContext(f, [], [], [], True))
    return "Ms Zed" in text and "£777" in text and not PLACEHOLDER.search(text)


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
    assert re.search(r"Acknowledgement by 13 January 2025, done 8 January 2025 LGSCO", due), due
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
    if not _writer_writes_the_investigation():
        pytest.xfail("the template writer does not yet write the officer's response from the investigation")
    assert "Ms A" in letter and "£650" in letter, letter[:600]
    assert not PLACEHOLDER.search(letter), PLACEHOLDER.findall(letter)
    assert "Ms A" in text and "£650" in text
