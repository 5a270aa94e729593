"""Cleaning of PDF-extracted text: drop page furniture, never rewrite words.

Works on lines (each remembers its page). What is removed: page-number lines, running headers and
footers that repeat across pages, link lines that repeat, bullet glyphs (the list item itself is
kept). Joining lines into paragraphs (line breaks mid-sentence, hyphens at line ends) happens in
``structure.py``, which knows where headings and list items start.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, replace

from assistant.text import BULLET_GLYPHS
from ingest.readers import Page

_PAGE_NUMBER = re.compile(
    r"^\s*(?:[-–—]\s*)?(?:pagina|page|blz\.?|p\.)?\s*\d{1,4}(?:\s*(?:/|van|of)\s*\d{1,4})?"
    r"(?:\s*[-–—])?\s*$",
    re.IGNORECASE,
)
_SPACES = re.compile(r" {2,}")
_URL_LINE = re.compile(r"^\s*(?:https?://|www\.)\S+\s*$", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\u200c\u200d\ufeff]")


@dataclass(frozen=True)
class Line:
    text: str
    page: int | None = None
    label: str | None = None
    bullet: bool = False  # the line started with a bullet glyph (a list item)
    note: bool = False  # the line opens a footnote (read as a list item of its own)
    size: float = 0.0  # font size in points where the PDF tells (0.0: unknown)
    bold: bool = False  # set in a bold face throughout, where the PDF tells
    heading: int = 0  # level of the heading this line is (or continues), from the PDF's layout
    joins: bool = False  # the line continues the heading on the line before it


def normalize(text: str) -> str:
    """Unicode NFC, unified line ends, no control characters or soft hyphens, tabs as spaces."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u00ad", "").replace("\t", " ").replace("\u00a0", " ")
    return _CONTROL.sub("", text)


def page_lines(pages: list[Page]) -> list[list[Line]]:
    """Split every page into lines, trailing spaces removed, bullet glyphs taken off."""
    out = []
    for page in pages:
        lines = []
        raw_lines = normalize(page.text).split("\n")
        n = len(raw_lines)
        sizes = page.sizes if len(page.sizes) == n else (0.0,) * n
        bolds = page.bold if len(page.bold) == n else (False,) * n
        for raw, role, size, bold in zip(raw_lines, footnote_roles(raw_lines), sizes, bolds):
            # U+FFFD: a character or icon the PDF's font left unmapped ("�TIP: …")
            stripped = raw.replace("\ufffd", " ").strip()  # as ``match_key`` folds it
            # justified PDF text comes out with runs of spaces ("Een  heldere  visie"), which
            # would make chunks, measured in characters, hold fewer words
            stripped = _SPACES.sub(" ", stripped)
            if role == "resume":
                lines.append(Line("", page.number, page.label))  # the page goes on after them
            note = role == "note"
            bullet = bool(stripped) and stripped[0] in BULLET_GLYPHS
            if bullet:
                stripped = stripped.lstrip(BULLET_GLYPHS + " ")
            lines.append(Line(stripped, page.number, page.label, bullet or note, note, size,
                              bold=bold))
        out.append(lines)
    return out


# a footnote rule as text extraction renders it: a line of spaces only
_FOOTNOTE_RULE = re.compile(r"^ {20,}$")
_FOOTNOTE = re.compile(r"^\d{1,3} \S")


def footnote_roles(raw: list[str]) -> list[str]:
    """For each line: "note" when it opens a footnote, "resume" when the page's text goes on
    right after the footnotes, else "".

    The text was extracted page by page: a page's footnotes (after a rule of spaces) come
    before the next page's first line, which may carry on a sentence ("… wachtlijsten, het" /
    rule / "9 statement-op-weg….htm" / " aantal thuiszitters en …" was read "9 statement-op-
    weg….htm aantal thuiszitters en …"). The footnotes run from the rule to a blank line or to a
    line that opens with a space (the next page). Each footnote is read as a note of its own
    ("13 Lokale Educatieve Agenda" / "14 Op Overeenstemming Gericht Overleg" were one sentence),
    never a heading, and the page's text does not run on into it. The lines stay where they are:
    a quote must stand in the document as it was extracted."""
    roles = [""] * len(raw)
    for i, line in enumerate(raw):
        if not (_FOOTNOTE_RULE.match(line) and i + 1 < len(raw) and _FOOTNOTE.match(raw[i + 1])):
            continue
        j = i + 1
        while j < len(raw) and raw[j].strip() and not raw[j][:1].isspace():
            roles[j] = "note" if _FOOTNOTE.match(raw[j]) else ""
            j += 1
        if j < len(raw) and raw[j].strip():
            roles[j] = "resume"
    return roles


def _furniture_key(text: str) -> str:
    """Lines compare as furniture keys: short lines with their numbers folded ("Pagina 3")."""
    key = text.casefold().strip()
    return re.sub(r"\d+", "#", key) if len(key) <= 40 else key


_EDGE = 2  # lines at the top and at the bottom of a page where furniture stands


def running_furniture(pages: list[list[Line]], edge: int = _EDGE,
                      min_share: float = 0.5) -> set[str]:
    """Header/footer lines: among the first/last ``edge`` lines of at least half of the pages."""
    if len(pages) < 3:
        return set()
    counts: Counter[str] = Counter()
    for lines in pages:
        content = [ln for ln in lines if ln.text]
        edges = {_furniture_key(ln.text) for ln in content[:edge] + content[-edge:]
                 if not ln.text.endswith(("-", ","))}  # a line that runs on is body text
        counts.update(k for k in edges if k and len(k) <= 120)
    return {k for k, c in counts.items() if c >= max(3, min_share * len(pages))}


def drop_furniture(pages: list[list[Line]]) -> list[Line]:
    """All lines of the document, without page numbers, running headers/footers, repeated links."""
    furniture = running_furniture(pages)
    seen_links: set[str] = set()
    out: list[Line] = []
    for lines in pages:
        content = [k for k, ln in enumerate(lines) if ln.text]
        # page numbers, headers and footers stand at the page's top or bottom; in a document
        # read page by page a number line elsewhere is text (a year on a line of its own: "…
        # onderwijs in" / "2035"); text files come as one page, where they may stand anywhere
        edges = set(content[:_EDGE] + content[-_EDGE:]) if len(pages) > 1 else None
        for k, ln in enumerate(lines):
            t = ln.text
            at_edge = edges is None or k in edges
            if t and at_edge and (_PAGE_NUMBER.match(t) or _furniture_key(t) in furniture):
                continue
            if t and _URL_LINE.match(t):
                key = t.strip().casefold()
                if key in seen_links:
                    continue
                seen_links.add(key)
            out.append(ln)
        out.append(Line("", ln.page if lines else None))  # a page end is a paragraph break
    return _lists_without_bullets(out)


_LIST_RUN = 3  # lines in a row that make a list
_ITEM_CHARS = 80


def _lists_without_bullets(lines: list[Line]) -> list[Line]:
    """Lines after a colon that all open with the same word and end without punctuation are
    list items whose bullets the PDF lost ("… bevorderen voor:" / "leerlingen met een TOS" /
    "leerlingen die doof of slechthorend (D/SH) zijn" / …); else they are read as one sentence."""
    out = list(lines)
    for i, ln in enumerate(lines):
        if not ln.text.rstrip().endswith(":"):
            continue
        j = i + 1
        while j < len(lines) and not lines[j].text:
            j += 1
        run = []
        while j < len(lines) and lines[j].text and not lines[j].bullet:
            run.append(j)
            j += 1
        texts = [lines[k].text.strip() for k in run]
        if len(run) >= _LIST_RUN and len({t.split()[0].casefold() for t in texts}) == 1 \
                and all(len(t) <= _ITEM_CHARS and (t[-1].isalnum() or t.endswith(")"))
                        for t in texts):
            for k in run:
                out[k] = replace(lines[k], bullet=True)
    return out
