"""The web app in a real browser (Debian Chromium driven by Playwright) against a real `precedent serve`.

The server runs in a subprocess under the network guard, on a free loopback port, with a fresh index folder: its
first start builds the index from corpus/ (the five seeds), its second start reuses it. Both start-up times (until
the page says it is ready) are written to test-artifacts/ui-startup.json, with screenshots of each desk.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from helpers import PRECEDENT, ROOT, free_port, subprocess_env, ws

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
XSS = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">'
SETTLED = "#status [data-phase=ready], #status [data-phase=error]"
# No wait for readiness is longer than about a minute and a half: the search model is prepared before the server
# starts (the `encoder` fixture fills the same cache), so a first start only indexes the five built-in documents
# (~10-40 s on 2 cores). A page that says it cannot get ready fails the test at once, with its message.
START_TIMEOUT_S = 60
READY_TIMEOUT_S = 90
DRAFT_TIMEOUT_MS = 180_000

if not CHROMIUM.exists():
    pytest.skip("Debian Chromium is missing: apt-get install -y chromium", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")


class Server:
    """`precedent serve` in a subprocess; `start()` returns once the port answers."""

    def __init__(self, index: Path, log: Path):
        self.index, self.log = index, log
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.proc: subprocess.Popen | None = None
        self.started_at = 0.0

    def start(self) -> None:
        exe = str(PRECEDENT) if PRECEDENT.exists() else shutil.which("precedent")
        assert exe, "the precedent console script is not installed"
        self.started_at = time.monotonic()
        self.proc = subprocess.Popen(
            [
                exe,
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--index",
                str(self.index),
                "--llm",
                "template",
            ],
            stdout=self.log.open("a"),
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            cwd=str(ROOT),
            env=subprocess_env(),
            start_new_session=True,
        )
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, f"server exited early:\n{self.output()}"
            try:
                with urllib.request.urlopen(self.url, timeout=5) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.25)
        raise AssertionError(f"server did not answer within {START_TIMEOUT_S} s:\n{self.output()}")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGINT)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


def _wait_usable(page, server: Server) -> dict:
    """Open the page. Seconds from process start until the page shows, and until it says it is ready (the index
    is built or opened and the search model loaded), and the first phase it showed."""
    page.goto(server.url)
    page.wait_for_selector("#status [data-phase]", timeout=60_000)
    shown = time.monotonic() - server.started_at
    first_phase = page.locator("#status [data-phase]").get_attribute("data-phase")
    if first_phase == "starting":  # the moment before the background thread decides to build
        page.wait_for_selector("#status [data-phase]:not([data-phase=starting])", timeout=60_000)
        first_phase = page.locator("#status [data-phase]").get_attribute("data-phase")
    if first_phase == "building":
        assert "Building the index" in page.locator("#status").inner_text()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "first-start-building.png"))
    page.wait_for_selector(SETTLED, timeout=READY_TIMEOUT_S * 1000)
    if page.locator("#status [data-phase=error]").count():
        pytest.fail(f"the app says it cannot get ready: {page.locator('#status').inner_text()}", pytrace=False)
    return {
        "page_shown_s": round(shown, 1),
        "ready_s": round(time.monotonic() - server.started_at, 1),
        "first_phase": first_phase,
    }


@pytest.fixture(scope="module")
def startup():
    return {}


@pytest.fixture(scope="module")
def server(tmp_path_factory, startup, encoder):
    tmp = tmp_path_factory.mktemp("ui")
    srv = Server(tmp / "index", tmp / "server.log")
    assert not (srv.index / "index.sqlite").exists()
    srv.start()
    yield srv
    srv.stop()
    out = srv.output()
    assert "netguard: blocked outbound" not in out, out
    assert "Traceback" not in out, out


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def context(browser, server):
    ctx = browser.new_context(viewport={"width": 1360, "height": 1000}, accept_downloads=True)
    outside: list[str] = []
    ctx.on("request", lambda r: outside.append(r.url) if not r.url.startswith((server.url, "data:", "blob:")) else None)
    ctx.outside = outside
    yield ctx
    ctx.close()
    assert not outside, f"the page reached beyond the app: {outside[:5]}"


@pytest.fixture(scope="module")
def page(context, server, startup):
    pg = context.new_page()
    startup["first_start"] = _wait_usable(pg, server)
    return pg


def _fill(page, elem_id: str, text: str) -> None:
    box = page.locator(f"#{elem_id}").locator("textarea, input").first
    box.fill(text)


def _submit(page, button: str, prefix: str) -> None:
    """Click `button` and wait for this click's outcome on desk `prefix`: a new finished letter (verified, or failed
    its checks: needs-check) or a new notice (what an earlier click left on the page is marked old first)."""
    page.evaluate(
        "(p) => document.querySelectorAll(`#${p}-letter .letter, #${p}-notice .notice`)"
        ".forEach(e => e.dataset.old = '1')",
        prefix,
    )
    page.locator(button).click()
    page.wait_for_selector(
        f"#{prefix}-letter .letter[data-state=verified]:not([data-old]), "
        f"#{prefix}-letter .letter[data-state=needs-check]:not([data-old]), #{prefix}-notice .notice:not([data-old])",
        timeout=DRAFT_TIMEOUT_MS,
    )


def _draft_parent(page) -> None:
    page.get_by_role("tab", name="Parent desk").click()
    page.locator("#p-writer").get_by_text("Template").click()
    _submit(page, "#p-draft", "p")


def _fill_parent(page, **override) -> None:
    fields = {
        "p-council": "Liverpool City Council",
        "p-child": "A",
        "p-provision": "Section F: a weekly session with a qualified occupational therapist (OT)",
        "p-issue": "The occupational therapy (OT) in Section F of the EHC plan is missing: it has not been delivered.",
        "p-since": "2023-09",
        "p-contacts": "Emailed the SEN caseworker on 4 October 2023\nPhoned the council in November 2023",
        "p-impact": "A is struggling with handwriting and dressing.",
        "p-outcome": "The therapy to start now and a payment for the sessions missed.",
    }
    fields.update(override)
    for elem_id, text in fields.items():
        _fill(page, elem_id, text)


def _paragraph_text(index: Path, doc_id: str, para: str) -> str:
    p = subprocess.run(
        [str(PRECEDENT), "show", doc_id, para, "--index", str(index), "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        env=subprocess_env(),
        stdin=subprocess.DEVNULL,
    )
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)["paragraphs"][0]["text"]


# ----------------------------------------------------------------------------- tests (run in this order)


def test_parent_desk_drafts_a_verified_letter_whose_citations_open_their_paragraphs(page, context, server):
    _fill_parent(page)
    _draft_parent(page)
    assert page.locator("#p-notice .notice").count() == 0, page.locator("#p-notice").inner_text()
    letter = page.locator("#p-letter .letter")
    assert letter.get_attribute("data-state") == "verified"
    cites = page.locator("#p-letter a.cite")
    labels = [c.inner_text() for c in cites.all()]
    assert labels, "the letter cites nothing"
    # the verification report is visible with its counts
    verify = page.locator("#p-verify .verify")
    assert verify.is_visible()
    assert re.search(r"\d+ citations checked", ws(verify.inner_text()))
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "parent-desk.png"), full_page=True)

    # a citation opens the whole decision with that paragraph highlighted and in view
    link = next(c for c in cites.all() if ", para " in c.inner_text())
    m = re.match(r"\[(.+), para (\S+)\]", link.inner_text())
    doc_id, para = m.group(1), m.group(2)
    with context.expect_page() as new:
        link.click()
    dp = new.value
    dp.wait_for_load_state()
    assert dp.url.endswith(f"#p{para}"), dp.url
    target = dp.locator(":target")
    assert target.get_attribute("id") == f"p{para}"
    assert target.locator(".num").inner_text().strip() == para
    assert ws(target.locator(".text").inner_text()) == ws(_paragraph_text(server.index, doc_id, para))
    assert dp.evaluate("getComputedStyle(document.querySelector(':target')).backgroundColor") not in (
        "rgba(0, 0, 0, 0)",
        "transparent",
    )
    assert dp.evaluate(
        "(() => { const r = document.querySelector(':target').getBoundingClientRect();"
        " return r.top >= 0 && r.top < window.innerHeight; })()"
    )
    assert doc_id in dp.locator("dl.meta").inner_text()
    dp.close()

    # the .docx download holds the letter with its citations
    with page.expect_download() as dl:
        page.locator("#p-dl-docx").click()
    path = dl.value.path()
    import docx

    d = docx.Document(str(path))
    text = "\n".join(p.text for p in d.paragraphs) + "\n".join(
        c.text for t in d.tables for r in t.rows for c in r.cells
    )
    for label in labels:
        if label.startswith("["):
            assert label in text, label
    assert "Liverpool City Council" in text

    # the remedy table and the decisions used are there too
    page.get_by_role("tab", name="Decisions used").first.click()
    page.wait_for_selector("#p-precedents .decision-card")
    hrefs = [a.get_attribute("href") for a in page.locator("#p-precedents a.para-link").all()]
    assert hrefs and all(h.startswith("/decision/") and "#" in h for h in hrefs)
    page.get_by_role("tab", name="Citation check").first.click()


def test_refine_adds_a_fact(page):
    _fill(page, "p-instruction", "add that I emailed twice in March")
    _submit(page, "#p-send", "p")
    page.wait_for_function("() => document.querySelector('#p-chat').innerText.includes('Changed')", timeout=60_000)
    assert "emailed twice in March" in page.locator("#p-letter").inner_text()
    assert "added to what you have done" in page.locator("#p-chat").inner_text()


def test_refine_answers_a_question_and_leaves_the_letter_as_it_was(page):
    """Issue 15: a question is answered in the chat, from the decisions found; it is never pasted into the letter."""
    before = page.locator("#p-letter .letter").inner_text()
    _fill(page, "p-instruction", "How much compensation could I ask for?")
    page.locator("#p-send").click()
    page.wait_for_function(
        "() => /comparable decisions awarded|cannot suggest a figure/.test(document.querySelector('#p-chat').innerText)",
        timeout=60_000,
    )
    after = page.locator("#p-letter .letter").inner_text()
    assert after == before and "How much compensation" not in after
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("#p-chat").screenshot(path=str(ARTIFACTS / "refine-question-answered.png"))


def test_update_letter_with_an_empty_box_keeps_everything(page):
    """Issue 18: an empty "Update letter" says so next to the box and leaves the letter as it was."""
    # what the user sees (the page's own wrappers may change while an event runs, so compare the content)
    parts = ("#p-letter .letter", "#p-verify .verify", "#p-downloads .downloads", "#p-chat")
    before = {sel: page.locator(sel).inner_text() for sel in parts}
    assert page.locator("#p-letter .letter").get_attribute("data-state") == "verified"
    _fill(page, "p-instruction", "   ")
    page.locator("#p-send").click()
    hint = page.locator("#p-refine-hint .notice")
    hint.wait_for(state="visible", timeout=30_000)
    assert "Type what you want changed first" in hint.inner_text()
    page.wait_for_timeout(1500)  # what a wrongly wired refine would have done by now
    for sel in parts:
        assert page.locator(sel).inner_text() == before[sel], sel
    assert page.locator("#p-letter [data-state=verified]").is_visible()
    assert page.locator("#p-copy").is_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "refine-empty-box.png"), full_page=True)
    # a real instruction afterwards clears the hint
    _fill(page, "p-instruction", "make it shorter")
    _submit(page, "#p-send", "p")
    page.wait_for_selector("#p-refine-hint .notice", state="detached", timeout=30_000)


def test_copy_letter_copies_plain_text(page, context, server):
    """Issue 18: "Copy letter" copies text that pastes cleanly into an email: no Markdown, citations kept."""
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url.rstrip("/"))
    page.locator("#p-copy").click()
    page.wait_for_function("() => document.querySelector('#p-copy').textContent === 'Copied'", timeout=10_000)
    text = page.evaluate("navigator.clipboard.readText()")
    assert "Liverpool City Council" in text
    assert "**" not in text and not re.search(r"(?m)^\s*#", text) and "|---" not in text, text[:400]
    assert re.search(r"\[\d\d \d{3} \d{3}, para \d+\]", text), text[:400]
    assert "References" in text
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "copy-letter.txt").write_text(text)
    page.locator("#p-downloads").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "copy-letter.png"))


def test_script_typed_into_the_intake_is_shown_as_text(page):
    _fill_parent(
        page,
        **{
            "p-council": XSS,
            "p-issue": "OT missing from Section F. " + XSS,
            "p-impact": XSS,
            "p-provision": XSS,
            "p-outcome": XSS,
            "p-contacts": XSS,
        },
    )
    _draft_parent(page)
    assert page.locator("#p-letter [data-state=verified]").count() == 1, page.locator("#p-notice").inner_text()
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert page.evaluate("document.querySelectorAll('img[src=\"x\"]').length") == 0
    assert XSS in page.locator("#p-letter").inner_text()
    # and in the refine chat
    _fill(page, "p-instruction", XSS)
    _submit(page, "#p-send", "p")
    page.wait_for_timeout(500)
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert XSS in page.locator("#p-chat").inner_text()


def _below(page, upper: str, lower: str) -> float:
    """How far (px) the top of `lower` is below the bottom of `upper`."""
    a, b = page.locator(upper).bounding_box(), page.locator(lower).bounding_box()
    return b["y"] - (a["y"] + a["height"])


def test_progress_and_errors_show_next_to_the_draft_button(page):
    """Issue 18: the status line and any error appear under the Draft button, where the user is looking."""
    page.get_by_role("tab", name="Parent desk").click()
    _fill_parent(page)
    # every status line the page shows there, in order (a template draft is over in a second or two)
    page.evaluate(
        """() => { window.__progress = []; const el = document.querySelector('#p-progress');
        new MutationObserver(() => { const t = el.innerText.trim();
          if (t && window.__progress[window.__progress.length - 1] !== t) window.__progress.push(t); })
        .observe(el, {subtree: true, childList: true, characterData: true}); }"""
    )
    _draft_parent(page)
    seen = page.evaluate("window.__progress")
    assert any(t.startswith("Finding precedents for each issue") for t in seen), seen
    assert seen[-1].startswith("Done: your letter"), seen
    page.locator("#p-draft").scroll_into_view_if_needed()
    assert 0 <= _below(page, "#p-draft", "#p-progress .progress") < 40
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "progress-next-to-draft-done.png"))

    _fill_parent(page, **{"p-issue": ""})
    _draft_parent(page)
    err = page.locator("#p-progress .progress.error")
    assert "What went wrong" in err.inner_text()
    page.locator("#p-draft").scroll_into_view_if_needed()
    assert err.is_visible() and 0 <= _below(page, "#p-draft", "#p-progress .progress") < 40
    box, view = err.bounding_box(), page.viewport_size
    assert box["y"] + box["height"] <= view["height"], "the error is out of sight"
    page.screenshot(path=str(ARTIFACTS / "progress-next-to-draft-error.png"))

    page.get_by_role("tab", name="Officer desk").click()
    _fill(page, "o-complaint", " ")
    _submit(page, "#o-draft", "o")
    assert "complaint box is empty" in page.locator("#o-progress .progress.error").inner_text()
    assert 0 <= _below(page, "#o-draft", "#o-progress .progress") < 40
    page.locator("#o-progress .progress").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "progress-next-to-draft-officer-error.png"))
    page.get_by_role("tab", name="Parent desk").click()


def test_mistakes_are_readable_messages(page):
    _fill_parent(page, **{"p-since": "Sept 2023"})
    _draft_parent(page)
    notice = page.locator("#p-notice .notice")
    assert "Since when" in notice.inner_text() and "YYYY-MM" in notice.inner_text()
    _fill_parent(page, **{"p-issue": ""})
    _draft_parent(page)
    assert "What went wrong" in page.locator("#p-notice .notice").inner_text()
    body = page.locator("body").inner_text()
    assert "Traceback" not in body and "Error" not in page.locator("#p-notice").inner_text()
    assert page.evaluate("typeof window.__xss") == "undefined"


def test_since_when_takes_a_month_name(page):
    """Issue 18: "September" and "September 2023" are months, as in the facts file."""
    _fill_parent(page, **{"p-since": "September 2023"})
    _draft_parent(page)
    assert page.locator("#p-notice .notice").count() == 0, page.locator("#p-notice").inner_text()
    assert "since September 2023" in page.locator("#p-letter").inner_text()
    _fill_parent(page, **{"p-since": "September"})
    _draft_parent(page)
    assert page.locator("#p-notice .notice").count() == 0, page.locator("#p-notice").inner_text()
    assert re.search(r"since September 20\d\d", page.locator("#p-letter").inner_text())
    page.locator("#p-since").scroll_into_view_if_needed()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "since-when-month-name.png"))


def test_a_reload_keeps_the_form_and_clear_form_empties_it(page):
    """Issue 18: reloading mid-draft loses nothing that was typed; "Clear form" removes it (after asking)."""
    page.get_by_role("tab", name="Parent desk").click()
    typed = {"p-council": "Leeds City Council", "p-since": "March 2024", "p-contacts": "Phoned twice\nEmailed once"}
    _fill_parent(page, **typed)
    page.locator("#p-stage").get_by_text("Ombudsman").click()
    page.wait_for_timeout(500)  # the browser keeps the boxes as they change
    page.reload()
    page.wait_for_selector(SETTLED, timeout=READY_TIMEOUT_S * 1000)
    box = lambda elem_id: page.locator(f"#{elem_id}").locator("textarea, input").first  # noqa: E731
    page.wait_for_function(
        "() => document.querySelector('#p-council input, #p-council textarea').value === 'Leeds City Council'",
        timeout=15_000,
    )
    for elem_id, text in typed.items():
        assert box(elem_id).input_value() == text, elem_id
    assert "not been delivered" in box("p-issue").input_value()
    assert page.locator("#p-stage input[value=ombudsman]").is_checked()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "reload-keeps-form.png"), full_page=True)

    page.once("dialog", lambda d: d.accept())
    page.locator("#p-clear").click()
    page.wait_for_function(
        "() => document.querySelector('#p-council input, #p-council textarea').value === ''", timeout=15_000
    )
    assert box("p-issue").input_value() == "" and box("p-since").input_value() == ""
    assert page.locator("#p-stage input[value=council-stage-1]").is_checked()
    page.wait_for_timeout(500)
    page.reload()
    page.wait_for_selector(SETTLED, timeout=READY_TIMEOUT_S * 1000)
    page.wait_for_timeout(1000)
    assert box("p-council").input_value() == "" and box("p-issue").input_value() == ""
    page.locator("#p-clear").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "clear-form.png"))


def test_officer_desk_asks_for_the_investigation_before_drafting(page):
    """The officer desk drafts from an investigation (tests/test_ui_officer.py drives it from paste to .docx): a
    complaint drafted unread says what to do first, in one line, and nothing is drafted."""
    page.get_by_role("tab", name="Officer desk").click()
    _fill(
        page,
        "o-complaint",
        "My son's EHC plan says he should get speech and language therapy every week (Section F) "
        "but he has had none since January 2024. I have emailed the SEN team three times.",
    )
    _submit(page, "#o-draft", "o")
    assert "Read the complaint first" in page.locator("#o-notice").inner_text()
    assert page.locator("#o-letter [data-state=verified]").count() == 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "officer-desk.png"), full_page=True)


def test_precedents_search_groups_by_decision_and_filters(page):
    page.get_by_role("tab", name="Precedents").click()
    _fill(page, "s-query", "occupational therapy not delivered")
    page.locator("#s-go").click()
    page.wait_for_selector("#s-results .decision-card", timeout=60_000)
    cards = page.locator("#s-results .decision-card")
    docs = [c.get_attribute("data-doc") for c in cards.all()]
    assert len(docs) == len(set(docs)) >= 2
    _fill(page, "s-from", "2025-01-01")
    page.locator("#s-go").click()
    page.wait_for_function(
        "() => !document.querySelector('#s-results').innerText.includes('23 009 620')", timeout=60_000
    )
    assert "24 004 187" not in page.locator("#s-results").inner_text()  # decided in 2024
    # dates the wrong way round say so, not "No paragraphs match"
    _fill(page, "s-from", "2025-01-01")
    _fill(page, "s-to", "2024-01-01")
    page.locator("#s-go").click()
    page.wait_for_selector("#s-notice .notice", timeout=60_000)
    assert "wrong way round" in page.locator("#s-notice").inner_text()
    page.screenshot(path=str(ARTIFACTS / "search-dates-wrong-way-round.png"))
    _fill(page, "s-to", "")
    _fill(page, "s-from", "not a date")
    page.locator("#s-go").click()
    page.wait_for_function(
        "() => document.querySelector('#s-notice').innerText.includes('must be a date')", timeout=60_000
    )
    assert "Decided from" in page.locator("#s-notice").inner_text()


def test_second_start_reuses_the_index(server, browser, startup, page):
    page.close()
    server.stop()
    server.started_at = time.monotonic()
    server.start()
    ctx = browser.new_context(viewport={"width": 1360, "height": 1000})
    pg = ctx.new_page()
    second = startup["second_start"] = _wait_usable(pg, server)
    ctx.close()
    assert second["first_phase"] != "building"
    startup["load_average"] = os.getloadavg()
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "ui-startup.json").write_text(json.dumps(startup, indent=2) + "\n")
    first = startup.get("first_start", {})
    print(
        f"\nfirst start (builds the seed index): page shown {first.get('page_shown_s')} s, ready {first.get('ready_s')} s;"
        f" second start: page shown {second['page_shown_s']} s, ready {second['ready_s']} s"
    )
