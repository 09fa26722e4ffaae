"""Parsing: every format becomes a Document with the Ombudsman's own paragraph numbers and the right metadata."""

from __future__ import annotations

import csv
import re
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from app.corpus import ParseError, cross_references, parse_date, parse_file
from helpers import CORPUS, SEEDS, ws

BANNER = re.compile(r"google analytics|privacy settings|cookies", re.I)


@pytest.fixture(scope="module")
def seed_docs():
    return {k: parse_file(p) for k, p in SEEDS.items()}


def numbers(doc) -> list[str]:
    return [p.para for p in doc.paragraphs]


def consecutive(n: int) -> list[str]:
    return [str(i) for i in range(1, n + 1)]


# ----------------------------------------------------------------------------- the five seeds


def test_seed_000_web_copy_numbering(seed_docs):
    d = seed_docs["000"]
    assert d.doc_id == "24 004 187" and d.refs == ["24 004 187"]
    assert numbers(d) == consecutive(26)
    assert d.paragraph("22").text.startswith("As set out in paragraphs 19 and 21")
    assert "offered a payment to reflect lost provision" in d.paragraph("19").text
    p21 = d.paragraph("21").text
    assert "communication was poor" in p21 and "apology" in p21
    assert d.paragraph("1").section == "The complaint"
    assert d.paragraph("26").text == "I completed the investigation."
    # bullets belong to the paragraph above: the four Section F items are in paragraph 14
    assert "Y will use therapeutic listening" in d.paragraph("14").text
    assert "specialist OT with training in sensory integration" in d.paragraph("14").text


def test_seed_001_pdf_copy_numbering(seed_docs):
    d = seed_docs["001"]
    assert d.doc_id == "23 009 620"
    assert d.organisation == "Nottinghamshire County Council"
    assert numbers(d) == consecutive(27)
    assert d.paragraph("7").text.startswith("Ms B and the organisation")
    assert d.paragraph("26").text.startswith("Within one month")
    assert d.paragraph("27").text.startswith("I have completed")
    p18 = ws(d.paragraph("18").text)
    assert p18.startswith("On 8 November Ms B asked the Council")
    assert "pointed out the Council needed to complete the form" in p18 or "point out the Council needed" in p18
    assert p18.endswith("12 confirmed missed occupational therapy sessions.")


def test_seed_002_council_paper_sections(seed_docs):
    d = seed_docs["002"]
    assert d.kind == "council response"
    assert d.organisation == "Cambridgeshire County Council"
    assert "20 013 354" in d.refs and d.ref is None
    assert d.decision_date == "2022-07-05"
    # the paper's own section numbers, in order, exactly those printed at line starts
    printed = re.findall(r"^\s*(?:-\s*)?(\d\.\d+)\s", SEEDS["002"].read_text(encoding="utf-8"), re.M)
    assert numbers(d) == printed
    assert numbers(d)[0] == "1.1" and numbers(d)[-1] == "5.8"
    assert d.paragraph("2.1").section.startswith("2.")


def test_seed_003_numbering(seed_docs):
    d = seed_docs["003"]
    assert d.doc_id == "24 010 960"
    assert d.category == "Children's care services > Other"
    assert numbers(d) == consecutive(40)


def test_seed_004_report_numbering_and_two_references(seed_docs):
    d = seed_docs["004"]
    assert d.kind == "report"
    assert d.refs == ["24 012 399", "25 022 150"]
    assert d.doc_id == "24 012 399"
    assert d.organisation == "Buckinghamshire Council"
    assert d.decision_date == "2026-02-25"
    assert numbers(d) == consecutive(74)
    assert d.numbering == "source"  # the report's printed numbers are intact and used as they are
    assert "paragraphs 51, 65 and 66" in d.paragraph("70").text


# what each in-text cross reference must be about: (doc, citing para) -> {target: words the target contains}
CROSS_REFERENCES = {
    ("000", "22"): {"19": "payment", "21": "communication"},
    ("004", "24"): {"5": "late complaints"},
    ("004", "25"): {"6": "right of appeal", "7": "Tribunal"},
    ("004", "70"): {"51": "injustice", "65": "injustice", "66": "injustice"},
}


@pytest.mark.parametrize("key", ["000", "001", "002", "003", "004"])
def test_cross_references_point_at_existing_relevant_paragraphs(seed_docs, key):
    d = seed_docs[key]
    have = set(numbers(d))
    for citing, targets in cross_references(d):
        for t in targets:
            assert t in have, f"{key} para {citing} cites paragraph {t}, which does not exist"
            assert t != citing
        expected = CROSS_REFERENCES.get((key, citing))
        assert expected is not None, f"unexpected cross reference in {key} para {citing}: {targets}"
        assert sorted(targets, key=int) == sorted(expected, key=int)
        for t, words in expected.items():
            assert words.lower() in d.paragraph(t).text.lower(), f"{key} para {t} is not about {words!r}"
    found = {(key, c) for c, _ in cross_references(d)}
    assert found == {k for k in CROSS_REFERENCES if k[0] == key}


def test_seed_metadata(seed_docs):
    d = seed_docs["000"]
    assert (d.organisation, d.category, d.outcome, d.decision_date, d.kind) == (
        "Liverpool City Council",
        "Education > Special educational needs",
        "Upheld",
        "2024-10-24",
        "decision",
    )
    assert d.summary.startswith("We upheld Ms X")
    assert Path(d.source).is_absolute() and Path(d.source) == SEEDS["000"].resolve()
    assert seed_docs["001"].decision_date == "2024-03-08"
    assert seed_docs["001"].outcome == "Upheld"
    assert seed_docs["003"].decision_date == "2025-05-28"


def remedy(doc, amount: float, para: str):
    return next((r for r in doc.remedies if r.amount == amount and r.para == para), None)


def test_remedies(seed_docs):
    r = remedy(seed_docs["000"], 3900, "17")
    assert r is not None and "£3900" in r.text and r.text in seed_docs["000"].paragraph("17").text
    d1 = seed_docs["001"]
    assert remedy(d1, 900, "26") is not None
    assert remedy(d1, 600, "25") is not None and remedy(d1, 300, "25") is not None
    r = remedy(seed_docs["004"], 1000, "70")
    assert r is not None and "£1,000" in r.text
    for doc in seed_docs.values():
        for r in doc.remedies:  # every remedy quotes its paragraph verbatim
            src = doc.summary if r.para == "summary" else doc.paragraph(r.para).text
            assert ws(r.text) in ws(src)
            assert r.purpose


# ----------------------------------------------------------------------------- the cookie banner


def all_corpus_files(shared: Path | None) -> list[Path]:
    files = sorted(CORPUS.glob("*.txt"))
    if shared is not None:
        files += sorted(shared.rglob("*.txt"))
    return files


def test_cookie_banner_never_becomes_a_paragraph(shared_corpus):
    files = all_corpus_files(shared_corpus)
    assert len(files) >= 5 + 184 + 2
    with_banner = 0
    for f in files:
        raw = f.read_text(encoding="utf-8")
        with_banner += bool(re.search("Google Analytics", raw))
        d = parse_file(f)
        for p in d.paragraphs:
            assert not BANNER.search(p.text), f"{f.name} para {p.para}: {p.text[:80]}"
            assert not BANNER.search(p.section), f"{f.name} para {p.para} section {p.section!r}"
        assert not BANNER.search(d.summary or ""), f.name
    assert with_banner >= 4  # the test is only worth something if banners are there to drop


# ----------------------------------------------------------------------------- metadata.csv, all 184 files


def url_category(url_cat: str, url_sub: str) -> str:
    """'children-s-care-services', 'special-educational-needs' -> "Children's care services > Special educational needs"."""

    def words(slug: str) -> str:
        s = slug.replace("-s-", "'s-").replace("-", " ")
        return s[:1].upper() + s[1:]

    return f"{words(url_cat)} > {words(url_sub)}"


@pytest.fixture(scope="module")
def metadata_rows(shared_corpus):
    with open(shared_corpus / "metadata.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_metadata_csv_covers_184_files(metadata_rows, shared_corpus):
    assert len(metadata_rows) == 184
    assert all((shared_corpus / r["file"]).is_file() for r in metadata_rows)


def test_metadata_matches_csv(metadata_rows, shared_corpus):
    problems = []
    for r in metadata_rows:
        d = parse_file(shared_corpus / r["file"])
        got, want = {}, {}
        want["ref"], got["ref"] = r["ref"], r["ref"] if r["ref"] in d.refs else d.refs
        if not r["file"].endswith("_ch2.txt"):
            want["doc_id"], got["doc_id"] = r["ref"], d.doc_id
        if r["council"]:
            want["council"], got["council"] = r["council"], d.organisation
        if r["header_category"]:
            want["category"], got["category"] = r["header_category"], d.category
        elif r["category_inferred"] != "True":
            want["category"], got["category"] = url_category(r["url_category"], r["url_subcategory"]), d.category
        if r["decision"]:
            want["outcome"], got["outcome"] = r["decision"], d.outcome
        if r["decision_date"]:
            want["date"], got["date"] = parse_date(r["decision_date"]), d.decision_date
        want["url"], got["url"] = r["url"], d.source_url
        if got != want:
            problems.append((r["file"], {k: (want[k], got[k]) for k in want if want[k] != got[k]}))
        assert d.paragraphs, r["file"]
    assert not problems, problems[:10]


def test_report_chapters_get_their_own_doc_id(shared_corpus):
    d = parse_file(shared_corpus / "lgsco" / "23-004-979_ch2.txt")
    assert d.doc_id == "23 004 979 ch2" and d.refs == ["23 004 979"]


# ----------------------------------------------------------------------------- each format in ../shared


def test_transcribed_opening_with_source_url(shared_corpus):
    f = shared_corpus / "lgsco" / "15-010-577.txt"
    d = parse_file(f)
    assert d.source_url == "http://www.lgo.org.uk/decisions/education/special-educational-needs/15-010-577"
    assert (d.doc_id, d.organisation, d.outcome, d.decision_date) == (
        "15 010 577",
        "Norfolk County Council",
        "Upheld",
        "2017-03-30",
    )
    assert d.paragraphs[0].para == "1" and d.paragraphs[0].section == "The complaint"
    assert numbers(d) == consecutive(len(d.paragraphs))
    assert not any("Source-URL" in p.text for p in d.paragraphs)


def test_accountability_index_copy_without_printed_numbers(shared_corpus):
    d = parse_file(shared_corpus / "lgsco" / "22-001-679.txt")
    assert d.doc_id == "22 001 679"
    assert d.organisation == "London Borough Of Bexley" or d.organisation == "London Borough of Bexley"
    assert d.outcome == "Closed after initial enquiries"
    assert d.paragraphs[0].section == "The complaint" and d.paragraphs[0].text.startswith("Mr X complained")
    assert numbers(d) == consecutive(len(d.paragraphs))


def test_law_extracts(shared_corpus):
    cop = parse_file(shared_corpus / "law" / "SEND_CoP_2015_paras_9.166-9.169_as_quoted.txt")
    assert cop.kind == "law"
    assert numbers(cop) == ["9.166", "9.167", "9.168", "9.169"]
    assert "reviewed by the local authority as a minimum every 12 months" in cop.paragraph("9.166").text
    regs = parse_file(shared_corpus / "law" / "SEND_Regs_2014_reg13_as_made.txt")
    assert regs.kind == "law"
    assert numbers(regs)[:2] == ["13(1)", "13(2)"]
    assert regs.source_url.startswith("http://www.legislation.gov.uk/")


# ----------------------------------------------------------------------------- files a user saved: .pdf, .html, .docx


def web_copy_blocks(text: str) -> list[tuple[str, object]]:
    """The structure of an LGSCO web page copy: ('p', text) header lines, ('h', heading), and one
    ('ol', [(item, [bullets])]) per printed list, the lists restarting at 1 as the web page's do."""
    blocks: list[tuple[str, object]] = []
    in_body = False
    for raw in text.splitlines():
        s = raw.strip()
        if not s or s == "Back to top":
            continue
        if "decision on behalf of the Ombudsman" in s:
            break
        m = re.match(r"^(\d+)\.\s+(.*)$", s)
        if m:
            if m.group(1) == "1" or not blocks or blocks[-1][0] != "ol":
                blocks.append(("ol", []))
            blocks[-1][1].append((m.group(2), []))
        elif s.startswith("•"):
            blocks[-1][1][-1][1].append(s.lstrip("•").strip())
        else:
            in_body = in_body or s.startswith("The Ombudsman's final decision")
            blocks.append(("h" if in_body and not s.startswith("Summary:") else "p", s))
    return blocks


COOKIE_BANNER_HTML = """
<div id="ccc" class="cookie-banner" role="dialog">
  <h2>Privacy settings</h2>
  <p>Review your privacy settings</p>
  <h3>Required cookies</h3>
  <p>These cookies enable the website to function properly. You can only disable these by changing your browser
     preferences, but this will affect how the website performs.</p>
  <h3>Analytical cookies</h3>
  <p>Google Analytics cookies help us improve the performance of the website by understanding how visitors use the site.
     We recommend you set these 'ON'.</p>
  <p>In using Google Analytics, we do not collect or store personal information that could identify you.</p>
  <button>Accept all cookies</button>
</div>
"""


def write_html(blocks, path: Path) -> None:
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Decision</title>",
        "<style>.x{}</style><script>window.dataLayer=[];</script></head><body>",
        "<header><nav><a href='/'>Home</a> <a href='/decisions'>Decisions</a></nav></header><main>",
    ]
    for kind, value in blocks:
        if kind == "p":
            parts.append(f"<p>{escape(value)}</p>")
        elif kind == "h":
            parts.append(f"<h2>{escape(value)}</h2>")
        else:
            parts.append("<ol>")
            for item, bullets in value:
                sub = "".join(f"<li>{escape(b)}</li>" for b in bullets)
                parts.append(f"<li>{escape(item)}" + (f"<ul>{sub}</ul>" if sub else "") + "</li>")
            parts.append("</ol><p><a href='#top'>Back to top</a></p>")
    parts.append("<p>Investigator's decision on behalf of the Ombudsman</p></main>")
    parts.append("<footer><p>Print this page</p></footer>" + COOKIE_BANNER_HTML + "</body></html>")
    path.write_text("\n".join(parts), encoding="utf-8")


def write_docx(blocks, path: Path) -> None:
    import docx

    document = docx.Document()
    for kind, value in blocks:
        if kind == "p":
            document.add_paragraph(value)
        elif kind == "h":
            document.add_heading(value, level=2)
        else:
            for item, bullets in value:
                document.add_paragraph(item, style="List Number")
                for b in bullets:
                    document.add_paragraph(b, style="List Bullet 2")
    document.save(str(path))


def _vera_fonts() -> tuple[str, str]:
    """A TrueType font with a Unicode map, as browsers embed when they save a page as PDF."""
    import reportlab
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    fonts = Path(reportlab.__file__).parent / "fonts"
    pdfmetrics.registerFont(TTFont("Vera", str(fonts / "Vera.ttf")))
    pdfmetrics.registerFont(TTFont("VeraBd", str(fonts / "VeraBd.ttf")))
    return "Vera", "VeraBd"


def write_pdf(blocks, path: Path) -> None:
    """A4 pages with wrapped lines, lists numbered by the renderer and restarting per section, • bullets."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    regular, bold = _vera_fonts()
    plain = ParagraphStyle("plain", fontName=regular, fontSize=10, leading=13, spaceAfter=4)
    head = ParagraphStyle("head", fontName=bold, fontSize=12, leading=15, spaceBefore=8, spaceAfter=4)
    item = ParagraphStyle("item", parent=plain, leftIndent=18, bulletIndent=0, bulletFontName=regular)
    bullet = ParagraphStyle("bullet", parent=item, leftIndent=36, bulletIndent=22)
    story = []
    for kind, value in blocks:
        if kind in ("p", "h"):
            story.append(Paragraph(escape(value), plain if kind == "p" else head))
        else:
            for n, (text, bullets) in enumerate(value, 1):
                story.append(Paragraph(escape(text), item, bulletText=f"{n}."))
                story.extend(Paragraph(escape(b), bullet, bulletText="•") for b in bullets)
    SimpleDocTemplate(str(path), pagesize=A4, title="Decision").build(story)


def write_pdf_of_lines(src: Path, path: Path) -> None:
    """Any text file printed line by line to PDF: long lines wrap at the margin, as a printed copy does."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    regular, bold = _vera_fonts()
    story = []
    for raw in src.read_text(encoding="utf-8").splitlines():
        if not raw.strip():
            continue
        indent = len(raw) - len(raw.lstrip())
        style = ParagraphStyle(
            f"i{indent}", fontName=regular, fontSize=10, leading=13, leftIndent=4 * indent, spaceAfter=3
        )
        marked = re.sub(r"\*\*(.+?)\*\*", rf"<font name='{bold}'>\1</font>", escape(raw.strip()))
        story.append(Paragraph(marked, style))
    SimpleDocTemplate(str(path), pagesize=A4).build(story)


def paragraph_pairs(doc) -> list[tuple[str, str]]:
    return [(p.para, ws(p.text.replace("**", ""))) for p in doc.paragraphs]


@pytest.fixture(scope="module")
def saved_copies(tmp_path_factory):
    """Seed 000 as a user would save it: a PDF, a web page and a Word document."""
    out = tmp_path_factory.mktemp("saved")
    blocks = web_copy_blocks(SEEDS["000"].read_text(encoding="utf-8"))
    assert sum(len(v) for k, v in blocks if k == "ol") == 26
    assert sum(1 for k, _ in blocks if k == "ol") > 5  # the printed lists restart per section
    files = {"pdf": out / "liverpool.pdf", "html": out / "liverpool.html", "docx": out / "liverpool.docx"}
    write_pdf(blocks, files["pdf"])
    write_html(blocks, files["html"])
    write_docx(blocks, files["docx"])
    return files


@pytest.mark.parametrize("fmt", ["pdf", "html", "docx"])
def test_saved_copy_parses_like_the_text(seed_docs, saved_copies, fmt):
    want = seed_docs["000"]
    got = parse_file(saved_copies[fmt])
    assert paragraph_pairs(got) == paragraph_pairs(want)
    assert [p.section for p in got.paragraphs] == [p.section for p in want.paragraphs]
    assert (got.doc_id, got.organisation, got.category, got.outcome, got.decision_date) == (
        want.doc_id,
        want.organisation,
        want.category,
        want.outcome,
        want.decision_date,
    )
    assert ws(got.summary) == ws(want.summary)
    assert not any(BANNER.search(p.text) for p in got.paragraphs)
    assert remedy(got, 3900, "17") is not None


@pytest.mark.parametrize("key", ["000", "001", "002", "003", "004"])
def test_seed_printed_to_pdf_parses_like_the_text(seed_docs, tmp_path, key):
    """Line wraps at the page margin must not split or merge paragraphs."""
    pdf = tmp_path / f"{key}.pdf"
    write_pdf_of_lines(SEEDS[key], pdf)
    got = parse_file(pdf)
    assert paragraph_pairs(got) == paragraph_pairs(seed_docs[key])
    assert got.doc_id == seed_docs[key].doc_id or seed_docs[key].kind == "council response"


# ----------------------------------------------------------------------------- files that are not documents


@pytest.mark.parametrize(
    "name, content, reason",
    [
        ("empty.txt", b"", "empty file"),
        ("blank.txt", b"   \n\n  \n", "no text"),
        ("binary.txt", b"\x7fELF\x02\x01\x01\x00\x00\x00" + bytes(range(256)) * 4, "binary file"),
        ("latin1.txt", "Décision de la Médiatrice: paragraphe 1.".encode("latin-1"), "not UTF-8"),
        ("broken.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\ntruncated", "unreadable PDF"),
        ("broken.docx", b"PK\x03\x04 not really a zip", "unreadable .docx"),
        ("hello.txt", b"hello world\n", "not recognised as an Ombudsman decision"),
        (
            "my-notes.txt",
            b"Notes for the complaint.\n\nThe council did not reply to my email.\n\nI am upset.\n",
            "not recognised as an Ombudsman decision",
        ),
        (
            "letter.txt",
            b"Dear council,\n\nIf you do not reply I will complain to the Ombudsman.\n\nYours faithfully\n",
            "not recognised as an Ombudsman decision",
        ),
    ],
)
def test_bad_files_raise_one_line_parse_errors(tmp_path, name, content, reason):
    f = tmp_path / name
    f.write_bytes(content)
    with pytest.raises(ParseError) as e:
        parse_file(f)
    msg = str(e.value)
    assert reason in msg and "\n" not in msg and str(f) in msg


def test_missing_file_raises_parse_error(tmp_path):
    with pytest.raises(ParseError, match="no such file"):
        parse_file(tmp_path / "nope.txt")
