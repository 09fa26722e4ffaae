"""Parsing: files on disk become `Document`s with metadata and the Ombudsman's own paragraph numbers.

Handles the LGSCO web-page copy (numbers restart at 1 in each section), the PDF copy (numbers lost
or surviving only here and there), the public-interest report (numbers intact), council committee
papers (sections "2.3"), transcribed openings headed by `Source-URL:`, statutory extracts, and
files a user saved as .pdf, .html or .docx. Paragraph numbers are reconstructed by the
Ombudsman's rule: consecutive from "The complaint" to the end; headings and summary unnumbered;
bullets belong to the paragraph above. Printed numbers that survive are used as anchors.

`parse_text` reads as its steps: `_read_page` (header, page furniture), `_document_kind`, `_read_metadata`,
`_summary_and_body_start`, `_paragraphs` (by kind), `_complete_summary`, `_assemble`.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from .errors import UserError
from .law import instrument_name
from .models import Document, Paragraph, Remedy
from .text import first_line

SUPPORTED_SUFFIXES = {".txt", ".md", ".text", ".pdf", ".html", ".htm", ".docx"}
MAX_FILE_BYTES = 50 * 1024 * 1024


class ParseError(UserError, ValueError):
    """A file that cannot become a document. The message is one line, fit to show a user."""


# ----------------------------------------------------------------------------- reading files


def read_text(path: Path) -> str:
    """The text of a file, by format. Raises ParseError with a one-line reason."""
    if not path.exists():
        raise ParseError(f"{path}: no such file")
    if path.is_dir():
        raise ParseError(f"{path}: is a folder, not a file")
    size = path.stat().st_size
    if size == 0:
        raise ParseError(f"{path}: empty file")
    if size > MAX_FILE_BYTES:
        raise ParseError(f"{path}: too large ({size // (1024 * 1024)} MB; limit {MAX_FILE_BYTES // (1024 * 1024)} MB)")
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        text = _read_pdf(path)
    elif suffix in (".html", ".htm"):
        text = html_to_text(_decode(path.read_bytes(), path))
    elif suffix == ".docx":
        text = _read_docx(path)
    else:
        text = _decode(path.read_bytes(), path)
    if not text.strip():
        raise ParseError(f"{path}: no text in file")
    return text


def _decode(data: bytes, path: Path) -> str:
    if b"\x00" in data[:65536]:
        raise ParseError(f"{path}: binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ParseError(f"{path}: not UTF-8 text (invalid byte at offset {e.start}); save it as UTF-8") from None


def _read_pdf(path: Path) -> str:
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    # pypdf logs each repair it attempts ("EOF marker not found"); a damaged file gets one line from us instead
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(str(path))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, OSError, TypeError) as e:
        raise ParseError(f"{path}: unreadable PDF ({type(e).__name__}: {first_line(e) or 'damaged'})") from None
    except Exception as e:  # pypdf raises assorted errors on truncated files
        raise ParseError(f"{path}: unreadable PDF ({type(e).__name__})") from None
    return unwrap_pdf_lines("\n".join(pages))


def unwrap_pdf_lines(text: str) -> str:
    """Rejoin the lines a PDF wrapped at its right margin, so each paragraph is one line again.

    A line that reaches (near) the margin continues on the next line unless that line starts a numbered
    paragraph or a bullet, is page furniture, or is a heading after a finished sentence. Page furniture
    between two halves of a sentence does not end the paragraph.
    """
    lines = text.split("\n")
    lengths = sorted(len(ln.strip()) for ln in lines if ln.strip())
    if len(lengths) < 5:
        return text
    width = lengths[int(0.9 * (len(lengths) - 1))]  # characters in a line that runs to the margin
    full = 0.75 * width
    out: list[str] = []
    open_at: int | None = None  # index in `out` of a line that ran to the margin and so continues
    for raw in lines:
        s = raw.strip()
        if not s:
            out.append("")
            open_at = None
            continue
        if NOISE_RE.match(fold(s)):
            out.append(s)  # filtered later; it does not end the paragraph it interrupts
            continue
        # a bullet needs its marker set apart ("**Status" or "-based" at the start of a wrapped line is not one)
        starts_block = classify(raw).kind in ("num", "sec") or bool(re.match(r"^\s*(?:[•▪◦‣]|[-*>]+\s)", raw))
        ended = out[open_at].rstrip().endswith((".", ":", ";", "!", "?")) if open_at is not None else True
        heading = ended and len(s) < 0.9 * width and is_heading(s)  # a heading never runs to the margin
        if open_at is not None and not starts_block and not heading:
            out[open_at] = f"{out[open_at].rstrip()} {s}"
        else:
            out.append(raw.rstrip())
            open_at = len(out) - 1
        if len(s) < full:
            open_at = None
    return "\n".join(out)


def _read_docx(path: Path) -> str:
    import docx

    try:
        document = docx.Document(str(path))
    except Exception as e:  # zip, OPC (PackageNotFoundError) and XML errors on damaged packages
        raise ParseError(f"{path}: unreadable .docx ({type(e).__name__})") from None
    lines = []
    for para in document.paragraphs:
        style = (para.style.name if para.style is not None else "") or ""
        text = para.text.strip()
        if not text:
            lines.append("")
        elif style.startswith("List Number"):
            lines.append(f"- {text}")
        elif style.startswith("List"):
            lines.append(f"    • {text}")
        else:
            lines.append(text)
    return "\n".join(lines)


def html_to_text(html: str) -> str:
    """Block elements become lines; ordered list items get their (per-list) numbers, as browsers show them."""
    from bs4 import BeautifulSoup, NavigableString, Tag

    soup = BeautifulSoup(html, "lxml")
    for tag in soup(["script", "style", "noscript", "nav", "header", "footer", "form", "button"]):
        tag.decompose()
    lines: list[str] = []

    def walk(node: Tag, depth: int) -> None:
        for child in node.children:
            if isinstance(child, NavigableString):
                continue
            if not isinstance(child, Tag):
                continue
            name = child.name
            if name in ("ol", "ul"):
                n = 0
                for li in child.find_all("li", recursive=False):
                    n += 1
                    own = " ".join(
                        (c.get_text(" ", strip=True) if isinstance(c, Tag) else str(c)).strip()
                        for c in li.children
                        if not (isinstance(c, Tag) and c.name in ("ol", "ul"))
                    ).strip()
                    marker = f"{n}." if name == "ol" else "•"
                    lines.append(f"{'  ' * (depth + 1)}{marker} {own}")
                    walk(li, depth + 1)
            elif name in ("p", "h1", "h2", "h3", "h4", "h5", "h6", "dt", "dd", "blockquote", "tr", "caption"):
                lines.append(child.get_text(" ", strip=True))
                lines.append("")
            else:
                walk(child, depth)

    body = soup.body or soup
    walk(body, -1)
    return "\n".join(lines)


# ----------------------------------------------------------------------------- text helpers

REF_RE = re.compile(r"(?<![\d£.,])(\d{2})[ \-]?(\d{3})[ \-]?(\d{3})(?![\d,])")
DATE_FORMATS = ("%d %b %Y", "%d %B %Y", "%d %b. %Y", "%B %d, %Y", "%d/%m/%Y", "%Y-%m-%d")


def normalise_ref(s: str) -> str | None:
    """'24004187', '24-004-187' or '24 004 187' -> '24 004 187'."""
    m = REF_RE.search(s.strip())
    return f"{m.group(1)} {m.group(2)} {m.group(3)}" if m else None


def fold(s: str) -> str:
    """Comparison key: NFKC, straight quotes and apostrophes, dashes, folded whitespace."""
    if s.isascii():  # the common case, and ~10x cheaper: only the backtick needs folding
        if "`" in s:
            s = s.replace("`", "'")
    else:
        s = unicodedata.normalize("NFKC", s).translate(_FOLD_TABLE)
    return " ".join(s.split())


# typography folded for comparison: curly quotes and primes, dashes, no-break spaces (`app.cite` adds the ellipsis)
FOLD_MAP = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u2032": "'",
    "`": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u2033": '"',
    "\u2013": "-",
    "\u2014": "-",
    "\u2212": "-",
    "\u00a0": " ",
}
_FOLD_TABLE = str.maketrans(FOLD_MAP)


def parse_date(s: str) -> str | None:
    s = re.sub(r"\s+", " ", s.strip().rstrip("."))
    s = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", s)
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(s, fmt).date().isoformat()
        except ValueError:
            pass
    return None


def deslug(slug: str) -> str:
    words = slug.replace("-s-", "'s-").split("-")
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def slugify(s: str) -> str:
    s = fold(s).lower()
    return re.sub(r"[^a-z0-9]+", "-", s).strip("-")[:80] or "document"


# ----------------------------------------------------------------------------- line model

NUM_RE = re.compile(r"^(\s*)(?:[-•*]\s*)?(\d{1,3})\.(?!\d)\s*(\S.*)?$")
SEC_RE = re.compile(r"^(\s*)(?:[-•*]\s*)?(\d{1,2}\.\d{1,3})\.?\s+(\S.*)$")
BULLET_RE = re.compile(r"^(\s*)([-•*▪◦‣>]+(?:\s*>)?)\s*(.*)$")
NOISE_RE = re.compile(
    r"^\s*(back to top|print this page|embargoed till.*|(final (decision|report)|page)\s+\d+( of \d+)?|\d{1,3}|lgo logogram)\s*$",
    re.I,
)
END_RE = re.compile(
    r"^\s*(investigator'?s decision on behalf of the ombudsman|decision on behalf of the ombudsman|print this page|"
    r"lgo logogram|review your privacy settings|required cookies|ombudsman satisfied with council's response.*\bview\b)\s*$",
    re.I,
)
START_HEADINGS = {
    "the complaint",
    "the complaints",
    "complaint background",
    "complaint",
    "the complaint and background",
}
KNOWN_HEADINGS = START_HEADINGS | {
    "the ombudsman's role and powers",
    "the ombudsman's role",
    "how i considered this complaint",
    "how we considered this complaint",
    "what i have and have not investigated",
    "what we have and have not investigated",
    "what i have investigated",
    "what i found",
    "what we found",
    "what should have happened",
    "what happened",
    "analysis",
    "findings",
    "my findings",
    "agreed action",
    "action",
    "final decision",
    "decision",
    "conclusions",
    "recommendations",
    "my assessment",
    "assessment",
    "relevant law and guidance",
    "legal and administrative background",
    "law and guidance",
    "background",
    "key facts",
    "the key facts",
    "finding",
    "summary",
    "report summary",
    "key to names used",
    "my consideration",
    "consideration",
    "remedy",
    "what we have investigated",
}
BANNER_RE = re.compile(
    r"^\s*(privacy settings|lgo logogram|review your privacy settings|required cookies|analytical cookies|view (required|analytical) cookies|"
    r"these cookies enable the website.*|google analytics cookies help.*|we recommend you set these.*|in using google analytics.*)\s*$",
    re.I,
)
SUMMARY_RE = re.compile(r"^\s*summary\s*:\s*(.*)$", re.I)


@dataclass
class Line:
    kind: str  # "num", "sec", "bullet", "text"
    indent: int
    text: str
    number: str | None = None
    marker: str = ""


def classify(raw: str) -> Line:
    expanded = raw.replace("\t", "    ")
    m = SEC_RE.match(expanded)
    if m:
        return Line("sec", len(m.group(1)), m.group(3).strip(), m.group(2))
    m = NUM_RE.match(expanded)
    if m:
        return Line("num", len(m.group(1)), (m.group(3) or "").strip(), m.group(2))
    m = BULLET_RE.match(expanded)
    if m and m.group(2):
        return Line("bullet", len(m.group(1)), m.group(3).strip(), marker=m.group(2))
    return Line("text", len(expanded) - len(expanded.lstrip()), expanded.strip())


def is_heading(text: str) -> bool:
    key = fold(text).lower().rstrip(":")
    if key in KNOWN_HEADINGS:
        return True
    if not text or len(text) > 90 or len(text.split()) > 12:
        return False
    if text[-1] in ".,;:!" or text.endswith("..."):
        return False
    first = text[0]
    if first.islower() or first in "\"'“‘(£-":
        return False
    return True


def starts_lower(text: str) -> bool:
    t = text.lstrip("\"'“‘(")
    return bool(t) and (t[0].islower() or t[:3] == "and" or t[0] in ",;)")


# ----------------------------------------------------------------------------- paragraphs


@dataclass
class _Builder:
    para: str | None
    section: str
    parts: list[str]
    printed: str | None = None

    def add(self, text: str, *, newline: bool) -> None:
        if not text:
            return
        if newline or not self.parts:
            self.parts.append(text)
        else:
            self.parts[-1] = f"{self.parts[-1]} {text}"

    @property
    def text(self) -> str:
        return "\n".join(p.strip() for p in self.parts if p.strip())

    def own_text(self) -> str:
        return self.parts[0] if self.parts else ""


def _numbering_mode(lines: list[Line]) -> tuple[str, int]:
    """How to trust printed numbers: 'full' (1..N intact), 'partial' (increasing anchors), 'restart' or 'none'."""
    nums = [ln for ln in lines if ln.kind == "num"]
    if not nums:
        return "none", 0
    base = min(ln.indent for ln in nums) + 2  # copies jitter the indent of top-level numbers by a space or two
    seq = [int(ln.number) for ln in nums if ln.indent <= base]
    if any(b <= a for a, b in zip(seq, seq[1:], strict=False)):
        return "restart", base
    if seq[0] == 1 and all(b == a + 1 for a, b in zip(seq, seq[1:], strict=False)) and len(seq) >= 3:
        return "full", base
    return "partial", base


def number_paragraphs(body: list[str]) -> tuple[list[Paragraph], str, list[str]]:
    """Body lines -> paragraphs numbered as the Ombudsman numbers them.

    Returns the paragraphs, the numbering provenance ('source' or 'reconstructed') and warnings where a
    surviving printed number disagrees with the count.
    """
    lines = [classify(raw) if raw.strip() else Line("blank", 0, "") for raw in body]
    mode, base = _numbering_mode(lines)
    bullet_base = min((ln.indent for ln in lines if ln.kind == "bullet" and ln.text), default=0)
    out: list[_Builder] = []
    warnings: list[str] = []
    section = ""
    cur: _Builder | None = None
    counter = 0

    def new(printed: str | None, text: str) -> _Builder:
        nonlocal counter, cur
        if mode in ("full", "partial") and printed is not None:
            n = int(printed)
            if n != counter + 1:
                warnings.append(f"printed paragraph {n} where the count gives {counter + 1}")
            counter = n
        else:
            counter += 1
        cur = _Builder(str(counter), section, [text], printed)
        out.append(cur)
        return cur

    for ln in lines:
        if ln.kind == "blank":
            continue
        if ln.kind == "num":
            if cur is not None and (ln.indent > base or (mode == "restart" and starts_lower(ln.text))):
                # nested (a), (b) style items printed as 1., 2.
                cur.add(f"{ln.number}. {ln.text}", newline=True)
            else:
                new(ln.number, ln.text)
            continue
        if ln.kind == "bullet":
            if not ln.text:
                continue
            attach = cur is not None and (
                mode == "full" or ln.marker not in ("-", "*") or ln.indent > bullet_base or starts_lower(ln.text)
            )
            if attach:
                cur.add(ln.text, newline=True)
            else:
                new(None, ln.text)
            continue
        # plain text (or an "N.N" line outside council papers)
        text = ln.text if ln.kind == "text" else f"{ln.number} {ln.text}"
        if cur is not None and starts_lower(text):
            # a sentence carried over a page break, or the first item of a list the paragraph introduces
            cur.add(text, newline=cur.parts[-1].rstrip().endswith((":", ";")))
        elif is_heading(text) or (mode == "full" and cur is None):
            section = text.rstrip(":")  # in a fully numbered text, an unnumbered line after a heading is a sub-heading
            cur = None
        elif cur is not None and mode == "full":
            cur.add(text, newline=True)
        else:
            new(None, text)
    paras = [Paragraph(b.para or "", b.section, b.text) for b in out if b.text.strip()]
    provenance = "source" if mode == "full" else "reconstructed"
    return paras, provenance, warnings


def council_paragraphs(body: list[str]) -> list[Paragraph]:
    """Council papers keep their own section numbers: '2.3 text' is paragraph 2.3 under heading '2. Title'."""
    out: list[_Builder] = []
    section = ""
    cur: _Builder | None = None
    for raw in body:
        if not raw.strip():
            continue
        ln = classify(raw)
        if ln.kind == "sec":
            cur = _Builder(ln.number, section, [ln.text])
            out.append(cur)
        elif ln.kind == "num" and is_heading(ln.text):
            section = f"{ln.number}. {ln.text}"
            cur = None
        elif cur is not None and ln.text:
            cur.add(ln.text, newline=not starts_lower(ln.text))
    return [Paragraph(b.para or "", b.section, b.text) for b in out]


def law_citation(stripped: list[str]) -> tuple[str, str]:
    """(instrument, provision) a law extract's first line names: ("Education Act 1996", "s 19"),
    ("SEND Regulations 2014", "reg 13"), ("SEND Code of Practice 2015", "paras 9.166-9.169"),
    ("Education Act 1996", "Sch 35B paras 2-3"). The instrument is its short name (`app.law.INSTRUMENTS`) when known,
    else as the line writes it; the provision is the earliest one the line names ("" if none)."""
    line = next((s for s in stripped if s), "")
    instrument = instrument_name(line)
    if instrument is None:
        m = re.match(r"^(?:The\s+)?(.+?\b(?:Act|Regulations|Rules|Order)\s+(?:19|20)\d\d)", line)
        instrument = m.group(1) if m else re.split(r"\s*[(,—]", line, maxsplit=1)[0][:80]
    rng = r"(\d+(?:\.\d+)?)(?:\s*(?:–|-|to|and)\s*(\d+(?:\.\d+)?))?"
    found: list[tuple[int, str]] = []
    for pattern, make in (
        (rf"\bSchedule\s+(\w+)(?:.*?\bparagraphs?\s+{rng})?", lambda m: _sch(m)),
        (r"\bsection\s+(\d+[A-Z]*(?:\s*\(\d+[A-Z]*\))?)", lambda m: f"s {m.group(1).replace(' ', '')}"),
        (r"\bregulation\s+(\d+[A-Z]*)", lambda m: f"reg {m.group(1)}"),
        (r"\brule\s+(\d+[A-Z]*)", lambda m: f"r {m.group(1)}"),
        (rf"\bparagraphs?\s+{rng}", lambda m: _paras(m.group(1), m.group(2))),
        (r"\bpage\s+(\d+)", lambda m: f"page {m.group(1)}"),
    ):
        m = re.search(pattern, line)
        if m:
            found.append((m.start(), make(m)))
    return instrument, min(found)[1] if found else ""


def _paras(a: str, b: str | None, unit: str = "para") -> str:
    return f"{unit}s {a}-{b}" if b else f"{unit} {a}"


def _sch(m: re.Match) -> str:
    return f"Sch {m.group(1)}" + (f" {_paras(m.group(2), m.group(3))}" if m.group(2) else "")


TRUNCATION_RE = re.compile(r"\s*\[\.\.\. truncated[^\]]*\]")
LAW_REG_RE = re.compile(r"^(\d+[A-Z]?)\s*\.?\s*[—–-]*\s*\((\d+[A-Z]*|[A-Z]{1,2})\)\s*(.*)$")  # 13.—(1), 4 (1), 20.(ZA)
LAW_SUB_RE = re.compile(r"^\((\d+[A-Z]*|ZA)\)\s*(.*)$")  # (1), (1A)
LAW_CODE_RE = re.compile(r"^(\d+\.\d+):?\s+(.*)$")  # 9.166: / 6.2
LAW_NUM_RE = re.compile(r"^(\d+[A-Z]?)\.?\s+(\S.*)$")  # Sch 35B "2 A child ...", reg 2 "2. In these ..."


def law_paragraphs(body: list[str], provision: str = "") -> list[Paragraph]:
    """A law extract's paragraphs, numbered as its source numbers them: a section's subsections "(1)", "(1A)";
    a regulation's or rule's paragraphs "13(2)" (a bare "2." when it has none); a Schedule's paragraphs "2"; a
    Code's paragraphs "9.166". Lettered items, bullets and carried-over lines belong to the paragraph above; headings
    name the section. An extract quoted whole by a third party (no numbered line) is one paragraph, numbered by the
    provision it quotes ("(8)" for "s 36(8)", "12" for "para 12"). The first line (the version line) is skipped."""
    unit, _, num = provision.partition(" ")
    base = (re.match(r"\d+[A-Z]*", num) or re.match(r".*", num)).group(0)
    out: list[_Builder] = []
    loose: list[str] = []
    section = ""
    cur: _Builder | None = None
    reg = base
    lines = [s.strip() for s in body]
    first = next((i for i, s in enumerate(lines) if s), len(lines))
    for s in lines[first + 1 :]:
        if not s:
            continue
        # a quoting page that runs paragraphs together: "(1) Where ... decision. (2) The local authority must ..."
        for part in re.split(r"(?<=[.;:])\s+(?=\(\d+[A-Z]?\)\s)", s):
            para = text = None
            if (m := LAW_REG_RE.match(part)) and unit in ("reg", "regs", "r"):
                reg = m.group(1)
                para, text = f"{reg}({m.group(2)})", m.group(3)
            elif (m := LAW_SUB_RE.match(part)) and unit in ("s", "reg", "regs", "r"):
                para, text = (f"({m.group(1)})" if unit == "s" else f"{reg}({m.group(1)})"), m.group(2)
            elif (m := LAW_CODE_RE.match(part)) and unit in ("para", "paras"):
                para, text = m.group(1), m.group(2)
            elif (m := LAW_NUM_RE.match(part)) and (
                (unit == "Sch" and m.group(2)[0].isupper()) or (unit in ("reg", "regs", "r") and "." in part[:5])
            ):
                para, text = m.group(1), m.group(2)
            if para is not None:
                cur = _Builder(para, section, [text])
                out.append(cur)
            elif cur is not None and not (unit == "s" and re.match(r"^\d+[A-Z]*\s+[A-Z]", part)):
                cur.add(part.lstrip("•").strip(), newline=True)
            else:
                loose.append(part)
                section = part.rstrip(":")
                cur = None
    # where the stored copy was cut short the extract says "[... truncated in the stored copy]": in the paragraph
    # that is an ellipsis (words left out), so no quotation carries the note as if it were the law's words
    paras = [
        Paragraph(b.para or "", b.section, TRUNCATION_RE.sub(" …", b.text)) for b in out if re.sub(r"[.\s]", "", b.text)
    ]
    if not paras and loose:
        sub = re.search(r"(\(\w+\))$", num)
        paras = [Paragraph(sub.group(1) if sub else base, "", "\n".join(loose))]
    return paras


# ----------------------------------------------------------------------------- remedies

MONEY_RE = re.compile(r"£\s?(\d{1,3}(?:,\d{3})+|\d+)(\.\d{2})?")
PURPOSE_RE = re.compile(
    r"^\s*(?:\([^)]*\)\s*)?(?:,\s*)?(?:to|for|in recognition of|as|which|because of|towards)\b\s*(.*)$", re.I
)
PERIOD_RE = re.compile(
    r"((?:between|from)\s+(?:\d{1,2}\s+)?[A-Z][a-z]+\s+\d{4}\s+(?:and|to|until)\s+(?:\d{1,2}\s+)?[A-Z][a-z]+\s+\d{4}|"
    r"\b(?:\w+|\d+)\s+(?:terms?|months?|years?|weeks?)\b(?: of [a-z ]+)?)"
)


REMEDY_WORDS = re.compile(
    r"\b(pay|paid|payment|offer|award|remed|reflect|recognis|refund|reimburs|compensat|symbolic)", re.I
)


def sentences(text: str) -> list[str]:
    parts = re.split(r"(?<=[.;])\s+(?=[A-Z(\"'“‘])|\n", text)
    return [p.strip() for p in parts if p.strip()]


def extract_remedies(paragraphs: list[Paragraph], summary: str | None) -> list[Remedy]:
    found: list[Remedy] = []
    seen: set[tuple[float, str]] = set()
    sources = [("summary", summary or "")] + [(p.para, p.text) for p in paragraphs]
    for para, text in sources:
        for sent in sentences(text):
            if not REMEDY_WORDS.search(sent):
                continue
            for m in MONEY_RE.finditer(sent):
                amount = float(m.group(1).replace(",", "") + (m.group(2) or ""))
                after = sent[m.end() :]
                pm = PURPOSE_RE.match(after)
                purpose = (pm.group(1) if pm else sent).strip().rstrip(".;,")
                purpose = re.split(r"\.\s", purpose)[0]
                period = PERIOD_RE.search(sent)
                key = (amount, para)
                if key in seen:
                    continue
                seen.add(key)
                found.append(Remedy(amount, purpose[:240], para, sent, period.group(1) if period else None))
    # a sum stated in the summary and again in a paragraph: keep the paragraph's, it is citable
    para_amounts = {r.amount for r in found if r.para != "summary"}
    return [r for r in found if r.para != "summary" or r.amount not in para_amounts]


# ----------------------------------------------------------------------------- documents

_ORG_RE = re.compile(
    r"\b((?:(?:London|Royal) Borough of [A-Z][\w&' ]+?|[A-Z][\w&'.-]*(?: (?:and|upon|on|of|[A-Z][\w&'.-]*))*) (?:County |City |Borough |District |Metropolitan Borough |Metropolitan District )?Council)\b"
)


def _outcome_from_summary(summary: str | None) -> str | None:
    s = (summary or "").lower()
    if not s:
        return None
    if re.search(r"\b(will not|won't|cannot|did not|have not|has not|decided not to) (investigate|continue)", s):
        return "Closed after initial enquiries"
    if re.search(
        r"\b(upheld?s?|upholds|found fault|fault causing|at fault|was fault|failed|delay(ed)?)\b", s
    ) and not re.search(r"\bno fault\b|\bnot at fault\b|\bnot uphold", s):
        return "Upheld"
    if re.search(r"\bno fault\b|\bnot at fault\b|\bnot uphold|\bno evidence of fault", s):
        return "Not upheld"
    return None


def parse_text(text: str, source: str, *, sha256: str = "") -> Document:
    """Text of one file -> Document. `source` is the absolute path recorded for citations."""
    page = _read_page(text)
    kind = _document_kind(page)
    meta = _read_metadata(page, kind)
    summary, body_start, meta.category = _summary_and_body_start(page.stripped, meta.category)
    if kind == "council response":
        summary = _council_summary(page.stripped) or summary
    meta.outcome = _outcome(meta.outcome, kind, page.stripped, summary)
    paragraphs, numbering, warnings = _paragraphs(page, kind, body_start)
    summary = _complete_summary(summary, paragraphs, kind)
    return _assemble(page, kind, meta, summary, paragraphs, numbering, warnings, source, sha256)


@dataclass
class _Page:
    """A file's text with its `Source-URL:` header read and the page furniture (cookie banner, navigation, page
    numbers, what follows the decision) dropped."""

    lines: list[str]  # as written (markdown bold kept): what paragraphs are read from
    stripped: list[str]  # folded, bold removed: what metadata is read from
    source_url: str | None

    @property
    def head(self) -> str:
        return "\n".join(self.stripped[:40])


@dataclass
class _Meta:
    """What a document says about itself, before its paragraphs are read."""

    refs: list[str]
    title: str | None
    organisation: str | None
    category: str | None
    outcome: str | None  # as labelled; `_outcome` completes it
    decision_date: str | None


def _read_page(text: str) -> _Page:
    """Step 1: the `Source-URL:` header (and `Source-Repo:`) out of the text; banners, navigation, page furniture and
    everything after the decision's end dropped."""
    raw_lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    source_url = None
    lines: list[str] = []
    for raw in raw_lines:
        m = re.match(r"^\s*Source-URL:\s*(\S+)", raw)
        if m:
            source_url = m.group(1)
            continue
        if re.match(r"^\s*Source-Repo:", raw):
            continue
        lines.append(raw.rstrip())
    # the cookie banner (top or bottom of a saved page) and navigation are never paragraphs
    pairs = [(ln, f) for ln in lines if not BANNER_RE.match(f := fold(ln))]  # (line, its folded form)
    anchor = next(
        (
            i
            for i, (_, f) in enumerate(pairs)
            if re.search(r"\(\d{2} ?\d{3} ?\d{3}\)\s*$|^\s*summary\b|^\s*the complaint", f, re.I)
        ),
        0,
    )
    for i in range(anchor, len(pairs)):
        if END_RE.match(pairs[i][1]):
            pairs = pairs[:i]
            break
    pairs = [(ln, f) for ln, f in pairs if not NOISE_RE.match(f)]
    lines = [ln for ln, _ in pairs]
    stripped = [fold(ln.replace("**", "")) if "**" in ln else f for ln, f in pairs]
    return _Page(lines, stripped, source_url)


def _document_kind(page: _Page) -> str:
    """Step 2: 'report', 'council response', 'law' or (the rest) 'decision', from the opening lines."""
    stripped, head = page.stripped, page.head
    if re.search(r"report by the local government (and social care )?ombudsman", " ".join(stripped[:12]), re.I):
        return "report"
    if re.search(r"^(meeting date|to)\s*:", head, re.I | re.M) and re.search(
        r"committee|cabinet|council meeting", head, re.I
    ):
        return "council response"
    first = next((s for s in stripped if s), "")
    if LAW_LINE_RE.search(first) and not re.search(r"ombudsman's final decision|\(\d{2} ?\d{3} ?\d{3}\)", head, re.I):
        return "law"
    return "decision"


# the first line of a law extract names its instrument: "Education Act 1996 (c. 56), section 19 ...",
# "SEND Code of Practice: 0 to 25 years ...", "Local Government and Social Care Ombudsman, Complaint Handling Code ..."
LAW_LINE_RE = re.compile(
    r"^(?:The\s+)?[A-Z][^.]{0,150}?\b(?:Act|Regulations|Rules|Order)\s+(?:19|20)\d\d\b|Code of Practice|"
    r"Complaint Handling Code|\bstatutory guidance\b"
)


def _read_metadata(page: _Page, kind: str) -> _Meta:
    """Step 3: references, title, organisation, category, labelled outcome and the decision date."""
    stripped = page.stripped
    organisation, title, ref = _title_line(stripped)
    if kind == "council response":
        title = next((s for s in stripped[:10] if s), None)
    elif kind == "law":
        title = next((s for s in stripped if s), None)
        instrument, _ = law_citation(stripped)
        return _Meta(refs=[], title=title, organisation=instrument, category=None, outcome=None, decision_date=None)
    return _Meta(
        refs=_references(stripped, kind, page.source_url, ref),
        title=title,
        organisation=_organisation(page, kind, organisation),
        category=_category(stripped, page.source_url),
        outcome=_labelled(stripped, "Decision"),
        decision_date=_decision_date(stripped, kind),
    )


def _labelled(stripped: list[str], label: str) -> str | None:
    """A labelled line's value: single-line "Category : X" or the split form "Category :\\nX\\n>\\nY"."""
    for i, s in enumerate(stripped[:60]):
        m = re.match(rf"^{label}\s*:\s*(.*)$", s, re.I)
        if not m:
            continue
        if m.group(1).strip():
            return m.group(1).strip()
        vals = []
        for t in stripped[i + 1 : i + 6]:
            if re.match(r"^(category|decision|decision date)\s*:", t, re.I) or not t:
                break
            vals.append(t)
        return " ".join(vals).replace(" > ", " > ") if vals else None
    return None


def _title_line(stripped: list[str]) -> tuple[str | None, str | None, str | None]:
    """(organisation, title, reference) from a heading such as 'Kent County Council (24 004 187)'."""
    for s in stripped[:30]:
        m = re.match(r"^(.+?)\s*\((\d{2} ?\d{3} ?\d{3})\)\s*$", s)
        if m:
            return m.group(1).strip(), s, normalise_ref(m.group(2))
    return None, None, None


def _references(stripped: list[str], kind: str, source_url: str | None, first: str | None) -> list[str]:
    """The document's references, distinct, in order: the title line's, those on 'reference' lines, any in a
    council paper, else the one in the source URL."""
    refs: list[str] = [first] if first is not None else []
    for s in stripped[:40]:
        if re.search(r"(complaint )?reference( number)?s?\s*:|reference number", s, re.I):
            refs.extend(f"{a} {b} {c}" for a, b, c in REF_RE.findall(s))
    if kind == "council response":
        refs.extend(f"{a} {b} {c}" for a, b, c in REF_RE.findall("\n".join(stripped)))
    if not refs and source_url:
        m = re.search(r"(\d{2})-(\d{3})-(\d{3})", source_url)
        if m:
            refs.append(" ".join(m.groups()))
    return list(dict.fromkeys(r for r in refs if r))


def _organisation(page: _Page, kind: str, organisation: str | None) -> str | None:
    """The body complained about: the title line's, else a 'Complaint against:' line, the report's opening, the
    source URL, the first council named, or a council e-mail address."""
    stripped, source_url = page.stripped, page.source_url
    for s in stripped[:40]:
        m = re.match(r"^complaint against\s*:\s*(.*)$", s, re.I)
        if m and not organisation:
            organisation = m.group(1).strip() or next((t for t in stripped[stripped.index(s) + 1 :] if t), None)
    if kind == "report" and not organisation:
        m = re.search(
            r"investigation into (?:a )?complaints? (?:about|against)\s+(.+?)(?:\s*\(|$)", " ".join(stripped[:15]), re.I
        )
        if m:
            organisation = m.group(1).strip()
    if not organisation and source_url:
        m = re.search(r"/lgo-\d{2}-\d{3}-\d{3}-([a-z0-9-]+)/?$", source_url)
        if m:
            organisation = " ".join(w.capitalize() for w in m.group(1).split("-"))
    if not organisation:
        m = _ORG_RE.search("\n".join(stripped[:80]))
        if m:
            organisation = m.group(1)
        else:
            m = re.search(r"@([a-z]+)\.gov\.uk", page.head)
            if m:
                organisation = f"{m.group(1).capitalize()} Council"
    if kind == "council response" and organisation and not organisation.lower().startswith(("the ", "london", "royal")):
        org_m = _ORG_RE.search("\n".join(stripped))
        organisation = org_m.group(1) if org_m else organisation
    return organisation


def _category(stripped: list[str], source_url: str | None) -> str | None:
    """'Education > Special educational needs' from the 'Category' line, else from the source URL."""
    category = _labelled(stripped, "Category")
    if category:
        category = re.sub(r"\s*>\s*", " > ", category)
    if not category and source_url:
        m = re.search(r"/decisions/([a-z-]+)/([a-z-]+)/", source_url)
        if m:
            category = f"{deslug(m.group(1))} > {deslug(m.group(2))}"
    return category


def _decision_date(stripped: list[str], kind: str) -> str | None:
    """ISO date: the 'Decision date' line, a council paper's meeting date, else the first date near the top."""
    date_s = _labelled(stripped, "Decision date")
    decision_date = parse_date(date_s) if date_s else None
    if kind == "council response":
        date_s = next(
            (
                re.sub(r"^meeting date\s*:\s*", "", s, flags=re.I)
                for s in stripped[:40]
                if re.match(r"^meeting date\s*:", s, re.I)
            ),
            None,
        )
        decision_date = parse_date(date_s) if date_s else decision_date
    if decision_date is None:
        for s in stripped[:20]:
            if s and (d := parse_date(s)):
                decision_date = d
                break
    return decision_date


def _summary_and_body_start(stripped: list[str], category: str | None) -> tuple[str | None, int | None, str | None]:
    """Step 4: the summary ('Summary: ...' or a report's 'Report summary' block), the line the numbered body starts
    at (after 'The complaint'), and the category, which a report summary's 'Education - ...' line supplies if the
    metadata did not."""
    summary = None
    body_start = None
    for i, s in enumerate(stripped):
        m = SUMMARY_RE.match(s)
        if m and summary is None:
            summary = m.group(1).strip() or None
            if summary is None:
                summary = next((t for t in stripped[i + 1 :] if t), None)
        if s.lower().rstrip(":") == "report summary" and summary is None:
            chunk = []
            for t in stripped[i + 1 :]:
                if not t:
                    continue
                if t.lower() in ("finding", "findings", "recommendations"):
                    break
                chunk.append(t)
            cat_line = next(
                (c for c in chunk if re.match(r"^(Education|Children's care services|Adult care services)\s*-", c)),
                None,
            )
            if cat_line and not category:
                main, _, sub = cat_line.partition("-")
                category = f"{main.strip()} > {sub.split('(')[0].strip()}"
            summary = " ".join(c for c in chunk if c != cat_line) or None
        if s.lower().rstrip(":") in START_HEADINGS and body_start is None:
            body_start = i + 1
    return summary, body_start, category


def _council_summary(stripped: list[str]) -> str | None:
    """A council paper's 'Outcome:' or 'Purpose:' line, which stands as its summary."""
    for s in stripped[:60]:
        m = re.match(r"^(?:outcome|purpose)\s*:\s*(.+)$", s, re.I)
        if m:
            return m.group(1)
    return None


def _outcome(labelled: str | None, kind: str, stripped: list[str], summary: str | None) -> str | None:
    """The labelled outcome, else for a report 'Upheld' when it finds fault, else for a decision what its summary says."""
    outcome = labelled
    if kind == "report":
        outcome = outcome or (
            "Upheld" if re.search(r"fault found causing injustice|we find fault", "\n".join(stripped), re.I) else None
        )
    if kind == "decision" and not outcome:
        outcome = _outcome_from_summary(summary)
    return outcome


def _paragraphs(page: _Page, kind: str, body_start: int | None) -> tuple[list[Paragraph], str, list[str]]:
    """Step 5: the paragraphs, numbered by the document's kind; with the numbering's provenance and any warnings.

    Council papers and statutory extracts keep their own numbers; decisions and reports (web copy, PDF copy,
    transcriptions) are numbered as the Ombudsman numbers them (`number_paragraphs`)."""
    if kind == "council response":
        return council_paragraphs(page.lines), "source", []
    if kind == "law":
        instrument, provision = law_citation(page.stripped)
        return law_paragraphs(page.lines, provision), "source", []
    lines, stripped = page.lines, page.stripped
    if body_start is None:
        # no "The complaint" heading: start after the summary, else at the first numbered line
        after_summary = next((i + 1 for i, s in enumerate(stripped) if SUMMARY_RE.match(s)), None)
        first_num = next((i for i, raw in enumerate(lines) if classify(raw).kind == "num"), None)
        body_start = after_summary if after_summary is not None else (first_num or 0)
    body = [ln.replace("**", "") for ln in lines[body_start:]]
    paragraphs, numbering, warnings = number_paragraphs(body)
    # the body starts under its heading
    first_heading = stripped[body_start - 1] if body_start else ""
    for p in paragraphs:
        if p.section:
            break
        p.section = first_heading.rstrip(":")
    return paragraphs, numbering, warnings


def _complete_summary(summary: str | None, paragraphs: list[Paragraph], kind: str) -> str | None:
    """Step 6: the summary starts with a capital; a document without one (other than law) is summed up by the
    first line of its first paragraph."""
    if summary and summary[0].islower():
        summary = summary[0].upper() + summary[1:]  # "the Council failed ..." after "Summary:" starts a sentence
    if summary is None and paragraphs and kind not in ("law",):
        summary = paragraphs[0].text.split("\n")[0][:300]
    return summary


def _doc_id(meta: _Meta, kind: str, source_url: str | None, source: str) -> str:
    """A decision's or report's reference (a later report chapter marked 'ch2'); for anything else, a slug of
    organisation, title and date, else of the file name."""
    if kind == "law":
        instrument, provision = law_citation([meta.title or ""])
        return f"{instrument}, {provision}" if provision else instrument
    refs = meta.refs
    doc_id = refs[0] if refs and kind in ("decision", "report") else None
    chapter = re.search(r"[?&]chapter=(\d+)", source_url or "")
    if doc_id and chapter and chapter.group(1) != "1":
        doc_id = f"{doc_id} ch{chapter.group(1)}"  # a report's later chapter: same reference, its own paragraphs
    if doc_id is None:
        bits = [
            meta.organisation or "",
            meta.title if kind != "council response" else "response to ombudsman report",
            meta.decision_date or "",
        ]
        slug = slugify("-".join(b for b in bits if b))
        doc_id = slug if slug != "document" else slugify(Path(source).stem)
    return doc_id


def _assemble(
    page: _Page,
    kind: str,
    meta: _Meta,
    summary: str | None,
    paragraphs: list[Paragraph],
    numbering: str,
    warnings: list[str],
    source: str,
    sha256: str,
) -> Document:
    """Step 7: the Document, with its identifier, remedies and numbering warnings."""
    doc = Document(
        doc_id=_doc_id(meta, kind, page.source_url, source),
        refs=meta.refs,
        organisation=meta.organisation,
        category=meta.category,
        outcome=meta.outcome,
        decision_date=meta.decision_date,
        kind=kind,
        summary=summary,
        source=source,
        source_url=page.source_url,
        paragraphs=paragraphs,
        remedies=[],
        title=meta.title,
        numbering=numbering,
        sha256=sha256,
    )
    doc.remedies = extract_remedies(paragraphs, summary)
    doc.warnings = warnings  # type: ignore[attr-defined]
    return doc


DECISION_MARK_RE = re.compile(
    r"ombudsman['\u2019]?s (?:final )?decision|\bfinal decision\b|^\s*decision\s*:", re.I | re.M
)


def parse_file(path: str | Path) -> Document:
    """One file -> Document; raises ParseError (one line) for anything that is not a usable document."""
    p = Path(path).expanduser().resolve()
    text = read_text(p)
    sha = hashlib.sha256(p.read_bytes()).hexdigest()
    doc = parse_text(text, str(p), sha256=sha)
    if not doc.paragraphs:
        raise ParseError(f"{p}: no paragraphs found (is this an Ombudsman decision, report or council paper?)")
    if doc.kind == "decision" and not doc.refs and not DECISION_MARK_RE.search(text):
        # someone's notes or letter (which may well mention the Ombudsman) would otherwise be cited as a decision
        raise ParseError(
            f"{p}: not recognised as an Ombudsman decision (no reference such as 24 004 187 and no "
            "'final decision' or 'Decision :' line)"
        )
    return doc


def cross_references(doc: Document) -> list[tuple[str, list[str]]]:
    """In-text cross references: ('22', ['19', '21']) for 'As set out in paragraphs 19 and 21' in paragraph 22."""
    out = []
    for p in doc.paragraphs:
        for m in re.finditer(r"\bparagraphs?\s+((?:\d+(?![.\d]\d)(?:\s*(?:,|and|to|-)\s*)?)+)", p.text):
            nums = re.findall(r"\d+", m.group(1))
            if nums:
                out.append((p.para, nums))
    return out


def iter_files(paths: list[str | Path]) -> tuple[list[Path], list[tuple[str, str]]]:
    """Expand files and folders into supported files, sorted; returns (files, [(path, reason)]) for what was skipped."""
    files: list[Path] = []
    bad: list[tuple[str, str]] = []
    for raw in paths:
        p = Path(raw).expanduser()
        if not p.exists():
            bad.append((str(raw), "no such file or folder"))
        elif p.is_dir():
            for f in sorted(p.rglob("*")):
                if (
                    f.is_file()
                    and f.suffix.lower() in SUPPORTED_SUFFIXES
                    and not any(part.startswith(".") for part in f.relative_to(p).parts)
                ):
                    files.append(f.resolve())
        else:
            files.append(p.resolve())
    return list(dict.fromkeys(files)), bad
