"""Headings of a PDF from the PDF itself: its outline (bookmarks), else its font sizes.

Text extraction gives lines without blank lines between blocks, so the plain-text heading rules
(a short line between blank lines) find nothing in a PDF, and a user's PDF without numbered
headings had no section paths at all: citations without a section, and no section ranking.
Two signals the file itself carries fill that gap:

* the outline: the author's own table of contents, each entry with its level and page. An
  entry's title is looked up among the lines of its page (it may be wrapped over up to three
  lines); the lines that spell it become one heading of that level.
* without a usable outline, the font size pypdf reports for every piece of text: a short run of
  at most three lines set clearly larger than the body text is a heading; the larger the size,
  the higher the level; below them, a short line set in bold at the body's size after a
  paragraph break (a word processor's lower heading levels). With an outline, the fonts add the
  headings it leaves out below its deepest level (bookmarks for the chapters only): those set
  smaller than its own.

Footnotes are read from the fonts too: the last lines of a page, set smaller than the body
text, the first of them opening with its number ("1 Kamerstukken, …"), are notes of their own,
as ``clean.footnote_roles`` reads them in extracted text: never a heading, and neither the note
nor the next page's text runs on into the other.

Footnote markers set in superscript (digits in smaller type stuck to the text before them) come
out as superscript digits, "LEA¹³", instead of as part of the word, "LEA13".

Otherwise the lines are never changed, only marked. Fonts need one extra pass over each page's text
(``extract_text`` with a visitor), which ``readers`` does while it extracts.
"""

from __future__ import annotations

import logging
import math
import re
from collections import Counter
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from assistant.text import fold, heading_key, sentence_end

if TYPE_CHECKING:  # clean imports readers, which imports this module
    from ingest.clean import Line

log = logging.getLogger(__name__)

HEADING_RATIO = 1.15  # a heading is set at least this much larger than the body text
HEADING_MIN_EXTRA = 1.0  # ... and at least this many points larger
MAX_HEADING_LINES = 3
MAX_HEADING_CHARS = 150
MAX_LEVELS = 6
NOTE_RATIO = 0.9  # a footnote is set at most this share of the body text's size
_NOTE = re.compile(r"^\d{1,3}(?: \S|[^\W\d_])")  # "1 Kamerstukken", "2wetten.nl"
_LETTER = re.compile(r"[^\W\d_]")
_FOLD = re.compile(r"[\W_]+", re.UNICODE)


@dataclass(frozen=True)
class OutlineEntry:
    level: int  # 1 = top
    page: int  # physical page number from 1
    title: str


@dataclass(frozen=True)
class PageLayout:
    """A page's extracted text and, per line of it, the font size (points, as printed; 0.0 for
    a line without text) and the baseline's height on the page (None: unknown)."""

    text: str
    sizes: tuple[float, ...] = ()
    ys: tuple[float | None, ...] = ()
    bold: tuple[bool, ...] = ()  # the line is set in a bold face throughout


def page_layout(page) -> PageLayout:
    """Extract a pypdf page's text with the size and height of each line. Sizes and heights are
    left empty when the visitor's pieces do not add up to the text (then only the text is used)."""
    pieces: list[tuple[str, float, float, bool]] = []

    def visit(text, cm, tm, font, size):
        if text:
            y = _coord(tm, cm)
            pieces.append((text, (size or 0.0) * _scale(tm) * _scale(cm), y, _is_bold(font)))

    text = page.extract_text(visitor_text=visit) or ""
    if "".join(p[0] for p in pieces) != text:
        return PageLayout(text)
    pieces = _superscript_markers(pieces)
    text = "".join(p[0] for p in pieces)
    per_line: list[Counter[float]] = [Counter()]
    ys: list[float | None] = [None]
    bold: list[list[int]] = [[0, 0]]  # characters in a bold face, characters
    for piece, size, y, is_bold in pieces:
        for k, part in enumerate(piece.split("\n")):
            if k:
                per_line.append(Counter())
                ys.append(None)
                bold.append([0, 0])
            chars = len(part.strip())
            if chars:
                per_line[-1][round(size, 1)] += chars
                bold[-1][0] += chars if is_bold else 0
                bold[-1][1] += chars
                if ys[-1] is None:
                    ys[-1] = y
    sizes = tuple(c.most_common(1)[0][0] if c else 0.0 for c in per_line)
    return PageLayout(text, sizes, tuple(ys), tuple(n > 0 and b == n for b, n in bold))


MARKER_RATIO = 0.85  # a footnote marker is set at most this share of the text it follows
_MARKER = re.compile(r"\d{1,3}(?:[,-]\d{1,3})*")
_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")  # "13,14" -> "¹³,¹⁴"


def _superscript_markers(pieces: list[tuple[str, float, float, bool]]
                         ) -> list[tuple[str, float, float, bool]]:
    """Footnote markers as superscript digits: a piece of digits set smaller than the text it
    sticks to ("… zoals de LEA" + "13" in 7.7 pt after 11 pt). Extracted as they are, they
    become part of the word ("LEA13"); "LEA¹³" reads as the page does, and NFKC/NFKD folding
    (the verbatim check, the word index) still sees "LEA13"."""
    out = list(pieces)
    for i in range(1, len(out)):
        text, size, y, bold = out[i]
        before, before_size = out[i - 1][0], out[i - 1][1]
        if (_MARKER.fullmatch(text) and before and not before[-1].isspace()
                and 0 < size <= MARKER_RATIO * before_size):
            out[i] = (text.translate(_SUPERSCRIPT), size, y, bold)
    return out


_BOLD = re.compile(r"bold|black|heavy|demi", re.IGNORECASE)


def _is_bold(font) -> bool:
    """A font dictionary whose face is bold ("/ABCDEF+Calibri-Bold", "Helvetica-Bold")."""
    try:
        return bool(_BOLD.search(str(font.get("/BaseFont", "")))) if font else False
    except AttributeError:
        return False


PARAGRAPH_GAP = 1.3  # a line further below the one before than this many body lines opens a
# paragraph (text extraction gives no blank lines between paragraphs)


def with_paragraph_breaks(layouts: list[PageLayout]) -> list[PageLayout]:
    """The pages with a blank line where a wider gap than the body text's line spacing (or a jump
    up the page: a new column) separates two lines, as plain-text extraction would show it."""
    pitches: Counter[tuple[int, float]] = Counter()  # (font size, line spacing) -> lines
    for lay in layouts:
        prev = None
        for size, y in zip(lay.sizes, lay.ys):
            if y is None:
                continue
            if prev is not None and prev[1] - y > 0:
                pitches[(round(prev[0]), round((prev[1] - y) * 2) / 2)] += 1
            prev = (size, y)
    sizes = Counter(s for lay in layouts for s in lay.sizes if s)
    if not pitches or not sizes:
        return layouts
    body_size = sizes.most_common(1)[0][0]
    body = [(n, p) for (sz, p), n in pitches.items() if sz == round(body_size)]
    if not body:
        return layouts
    pitch = max(body)[1]
    out = []
    for lay in layouts:
        lines = lay.text.split("\n")
        if len(lines) != len(lay.ys):
            out.append(lay)
            continue
        text_out, sizes_out, ys_out, bold_out = [], [], [], []
        bolds = lay.bold if len(lay.bold) == len(lines) else (False,) * len(lines)
        prev_y, prev_size = None, 0.0
        for line, size, y, is_bold in zip(lines, lay.sizes, lay.ys, bolds):
            if y is not None and prev_y is not None and text_out and text_out[-1].strip():
                gap = prev_y - y
                # larger type (a heading wrapped over two lines) has wider line spacing
                scale = max(size, prev_size, body_size) / body_size
                if gap > PARAGRAPH_GAP * pitch * scale or gap < -pitch / 2:
                    text_out.append("")
                    sizes_out.append(0.0)
                    ys_out.append(None)
                    bold_out.append(False)
            text_out.append(line)
            sizes_out.append(size)
            ys_out.append(y)
            bold_out.append(is_bold)
            if y is not None:
                prev_y, prev_size = y, size
        out.append(PageLayout("\n".join(text_out), tuple(sizes_out), tuple(ys_out),
                              tuple(bold_out)))
    return out


def _coord(tm, cm) -> float:
    """The height on the page where text drawn with these matrices starts."""
    try:
        return float(tm[4]) * float(cm[1]) + float(tm[5]) * float(cm[3]) + float(cm[5])
    except (TypeError, ValueError, IndexError):
        return 0.0


def _scale(matrix) -> float:
    """The factor a text or transformation matrix scales a font by (rotation-proof)."""
    try:
        a, b, c, d = (float(x) for x in matrix[:4])
    except (TypeError, ValueError):
        return 1.0
    det = abs(a * d - b * c)
    return math.sqrt(det) if det > 0 else 1.0


def read_outline(reader) -> tuple[OutlineEntry, ...]:
    """The PDF's outline as (level, page, title); empty when it has none or it is broken."""
    out: list[OutlineEntry] = []

    def walk(items, level: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
                continue
            try:
                page = reader.get_destination_page_number(item)
                title = str(item.title or "").strip()
            except Exception as e:  # a dangling or malformed destination: skip the entry
                log.debug("outline entry skipped (%s)", type(e).__name__)
                continue
            if page is not None and page >= 0 and title:
                out.append(OutlineEntry(level, page + 1, title))

    try:
        walk(reader.outline, 1)
    except Exception as e:  # broken outline trees are common; the fonts still work
        log.info("outline unreadable (%s)", type(e).__name__)
        return ()
    return tuple(out)


def _fold(text: str, first: bool = True) -> str:
    """A title as compared: case, accents, spacing, punctuation and (on its first line) a
    leading section number left out (the outline may say "Inleiding" where the page says "1.
    Inleiding", or the other way)."""
    return _FOLD.sub("", heading_key(text) if first else fold(text))


def _ends_like(text: str, ends: tuple[str, ...]) -> bool:
    """Whether ``text`` ends with one of ``ends`` before closing quotes and brackets."""
    return sentence_end(text).rstrip(")").endswith(ends)


def mark_headings(lines: list[Line], outline: tuple[OutlineEntry, ...] = ()) -> list[Line]:
    """The lines with their headings marked (``Line.heading`` = level; the lines a heading
    wraps onto also ``Line.joins``). Where the outline stops short of the text's headings
    (bookmarks for the chapters only), the fonts add the smaller headings below its deepest
    level."""
    marked = _by_outline(lines, outline) if outline else None
    if marked is None:
        return _by_font(lines)
    sizes = [ln.size for ln in marked if ln.heading and ln.size]
    if not sizes:
        return marked
    deepest = max(ln.heading for ln in marked if ln.heading)
    return _by_font(marked, below=min(sizes) - 0.5, first_level=deepest + 1)


def _mark(lines: list[Line], spans: dict[int, tuple[int, int]]) -> list[Line]:
    """``spans``: first line index -> (lines spanned, level). The first line of each heading gets
    its level, the lines it wraps onto ``joins`` (structure joins them, hyphens and all)."""
    out = list(lines)
    for i, (n, level) in spans.items():
        out[i] = replace(lines[i], heading=level, bullet=False, note=False)
        for k in range(i + 1, i + n):
            out[k] = replace(lines[k], heading=level, joins=True, bullet=False, note=False)
    return out


def _by_page(lines: list[Line]) -> dict[int | None, list[int]]:
    """Page -> the indices of its lines that hold text, in reading order."""
    out: dict[int | None, list[int]] = {}
    for i, ln in enumerate(lines):
        if ln.text:
            out.setdefault(ln.page, []).append(i)
    return out


def _by_outline(lines: list[Line], outline: tuple[OutlineEntry, ...]) -> list[Line] | None:
    """Headings where the outline's titles stand on their pages; None when fewer than half of
    the entries (or fewer than two) are found: then the outline does not describe the text."""
    spans: dict[int, tuple[int, int]] = {}
    taken: set[int] = set()
    by_page = _by_page(lines)
    found = 0
    for entry in outline:
        want = _fold(entry.title)
        if not want:
            continue
        hit = None
        for page in (entry.page, entry.page + 1):  # a destination may point just before it
            for i in by_page.get(page, []):
                if i in taken:
                    continue
                n = _spells(lines, i, want)
                if n:
                    hit = (i, n)
                    break
            if hit:
                break
        if hit is None:
            continue
        i, n = hit
        spans[i] = (n, min(entry.level, MAX_LEVELS))
        taken.update(range(i, i + n))
        found += 1
    if found < 2 or found < len(outline) / 2:
        return None
    return _mark(lines, spans)


def _spells(lines: list[Line], i: int, want: str) -> int:
    """How many lines from ``i`` (1-3, without a blank between) spell ``want`` exactly; 0."""
    got = ""
    for n in range(MAX_HEADING_LINES):
        if i + n >= len(lines) or not lines[i + n].text:
            return 0
        got += _fold(lines[i + n].text, first=not n)
        if got == want:
            return n + 1
        if not want.startswith(got):
            return 0
    return 0


def _body_size(lines: list[Line]) -> float | None:
    """The size most of the text is set in; None when the PDF told no sizes."""
    chars: Counter[float] = Counter()
    for ln in lines:
        if ln.text and ln.size:
            chars[ln.size] += len(ln.text)
    return chars.most_common(1)[0][0] if chars else None


def mark_footnotes(lines: list[Line]) -> list[Line]:
    """The lines with each page's footnotes marked as notes (``Line.note``, opening a list item
    of its own) and a blank line after them, so that the next page's text, which may carry on
    the sentence the page ended in, does not run on into the last note."""
    body = _body_size(lines)
    if body is None:
        return lines
    notes: dict[int, bool] = {}  # line index -> opens a note
    ends = set()  # the last line of a page's notes
    for idx in _by_page(lines).values():
        k = len(idx)
        while k > 0 and 0 < lines[idx[k - 1]].size <= body * NOTE_RATIO:
            k -= 1
        if k in (0, len(idx)) or not _NOTE.match(lines[idx[k]].text):
            continue  # no small lines at the bottom, or a page in small type throughout
        notes |= {i: bool(_NOTE.match(lines[i].text)) for i in idx[k:]}
        ends.add(idx[-1])
    if not notes:
        return lines
    out = []
    for i, ln in enumerate(lines):
        if i in notes:
            ln = replace(ln, note=notes[i], bullet=notes[i])
        out.append(ln)
        if i in ends:
            out.append(replace(ln, text="", note=False, bullet=False))
    return out


def _by_font(lines: list[Line], below: float = math.inf, first_level: int = 1) -> list[Line]:
    """Headings by font size: runs of 1-3 lines set clearly larger than the body text (and
    smaller than ``below``), levels from ``first_level`` down as the size goes down."""
    body = _body_size(lines)
    if body is None:
        return lines
    floor = max(body * HEADING_RATIO, body + HEADING_MIN_EXTRA)

    def large(ln: Line) -> bool:
        return bool(ln.text) and not ln.heading and floor <= ln.size < below

    def same_run(i: int, k: int) -> bool:  # set large, on the page and in the size of line i
        return large(lines[k]) and lines[k].page == lines[i].page \
            and abs(lines[k].size - lines[i].size) < 0.5

    runs: list[tuple[int, int, float]] = []
    for i, n in _runs(lines, same_run):
        text = _joined(lines, i, n)
        if n <= MAX_HEADING_LINES and len(text) <= MAX_HEADING_CHARS and _LETTER.search(text) \
                and not _ends_like(text, (".", ",", ";")):
            # a sentence set large (a pull quote, "“Het mooiste vind ik …”") is no heading
            runs.append((i, n, lines[i].size))
    sizes = sorted({round(s, 1) for _, _, s in runs}, reverse=True)
    level_of = {s: min(first_level + k, MAX_LEVELS) for k, s in enumerate(sizes)}
    spans = {i: (n, level_of[round(s, 1)]) for i, n, s in runs}
    bold_level = min(first_level + len(sizes), MAX_LEVELS)  # below every larger heading
    spans |= {i: (n, bold_level) for i, n in _bold_headings(lines, body, spans)}
    return _mark(lines, spans)


MAX_BOLD_LINES = 2
MAX_BOLD_CHARS = 100


def _bold_headings(lines: list[Line], body: float,
                   taken: dict[int, tuple[int, int]]) -> list[tuple[int, int]]:
    """Headings set in bold at the body text's size (a word processor's lower heading levels):
    one or two bold lines after a paragraph break, short, not ending as a sentence or a lead-in
    ("Let op:") does, with text in another face after them (so not a bold paragraph)."""
    covered = {k for i, (n, _) in taken.items() for k in range(i, i + n)}

    def same_run(i: int, k: int) -> bool:  # bold at the body's size, on the page of line i
        ln = lines[k]
        return bool(ln.text) and ln.bold and not ln.heading and not ln.bullet \
            and k not in covered and ln.page == lines[i].page and abs(ln.size - body) < 0.5

    out = []
    for i, n in _runs(lines, same_run):
        text = _joined(lines, i, n)
        after = next((lines[k] for k in range(i + n, len(lines)) if lines[k].text), None)
        opens = i == 0 or not lines[i - 1].text or lines[i - 1].page != lines[i].page
        if opens and n <= MAX_BOLD_LINES and len(text) <= MAX_BOLD_CHARS \
                and _LETTER.search(text) and after is not None and not after.bold \
                and not _ends_like(text, (".", ",", ";", ":")):
            out.append((i, n))
    return out


def _runs(lines: list[Line], same_run) -> list[tuple[int, int]]:
    """(first line, lines) of the longest runs where ``same_run(first, k)`` holds for every
    line ``k`` of the run, the first included."""
    out = []
    i = 0
    while i < len(lines):
        if not same_run(i, i):
            i += 1
            continue
        n = 1
        while i + n < len(lines) and same_run(i, i + n):
            n += 1
        out.append((i, n))
        i += n
    return out


def _joined(lines: list[Line], i: int, n: int) -> str:
    return " ".join(ln.text.strip() for ln in lines[i:i + n])
