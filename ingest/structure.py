"""Lines -> blocks (headings, paragraphs, list items) -> one cleaned text with offsets.

Headings: markdown ``#`` lines; in a PDF the lines ``pdf_layout`` marked from its outline or font
sizes; numbered headings ("9.4.1. Landelijke maatregelen/acties") whose numbers keep increasing
(so a numbered list inside a section is not taken for a heading); and, in plain text, short
stand-alone lines between blank lines. Inside a paragraph, line breaks become
spaces and a hyphen at a line end is joined when the document itself writes the word whole; a
paragraph cut by a page or column end (no sentence end, the next line in lower case) runs on.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from assistant.text import ends_in_abbreviation
from ingest.clean import Line, drop_furniture, page_lines
from ingest.pdf_layout import mark_footnotes, mark_headings
from ingest.readers import RawDocument

_MD_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_NUMBERED = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,3})(\.?)\s+(\S.*)$")
# "- ", "3. ", "b) ", "iv. "; not a short word that ends a sentence on the next line ("is. Betrek")
_LIST_ITEM = re.compile(r"^(?:[-*–•]\s+|\(?(?:\d{1,2}|[a-z]|i{1,3}|iv|vi{0,3}|ix|x)[.)]\s+)")
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_JOIN_KEEP_SPACE = {"en", "of", "tot", "t/m", "naar", "als", "dan", "noch"}
_SENTENCE_END = (".", "!", "?", ":", ";")
_DASHES = "–—"  # inside a sentence that a line break cut; "-" stays a list marker


@dataclass
class Block:
    kind: str  # "heading" | "para" | "item"
    text: str
    page: int | None = None
    label: str | None = None
    level: int = 0  # headings: 1 = top
    start: int = 0  # offsets into the rendered text
    end: int = 0
    # a paragraph that runs on over a page end: (offset in text, page, label) where it turns
    turns: list[tuple[int, int, str | None]] = field(default_factory=list)
    note: bool = False  # the page's text does not run on into it (a footnote, a running title)
    run_in: bool = False  # a title right above its paragraph: on the line before it
    footnote: bool = False  # opens a footnote (``note`` also marks a repeated running title)


@dataclass
class Structured:
    """A cleaned document: its text, blocks with offsets, and where sections and pages start."""

    text: str
    blocks: list[Block]
    sections: list[tuple[int, str]] = field(default_factory=list)  # (offset, section path)
    pages: list[tuple[int, int, str | None]] = field(default_factory=list)  # (offset, page, label)
    notes: list[int] = field(default_factory=list)  # where a footnote starts (at its number)


def _heading_text(text: str) -> str:
    return text.replace("**", "").replace("__", "").strip(" *_")


def _numbered_heading(text: str, last: tuple[int, ...]) -> tuple[int, ...] | None:
    m = _NUMBERED.match(text)
    if not m or len(text) > 110:
        return None
    title = m.group(3)
    if "." not in m.group(1) and not m.group(2):
        return None  # "4 JongPIT, ..." is a footnote; a top-level heading reads "4. Titel"
    if not (title[0].isupper() or title[0].isdigit()) or title.rstrip().endswith((".", ",", ";")):
        return None
    if len(title.split()) > 14:
        return None
    number = tuple(int(x) for x in m.group(1).split("."))
    if any(n == 0 or n > 40 for n in number):
        return None
    if last and number <= last:
        return None
    return number


def _heading_like(text: str, limit: int = 80) -> bool:
    limit = 110 if text.endswith("?") else limit
    if not (3 <= len(text) <= limit) or len(text.split()) > 16:
        return False
    if not (text[0].isupper() or text[0].isdigit()) or "://" in text:
        return False
    return not (text.endswith((".", ",", ";", ":")) or _LIST_ITEM.match(text))


_OPEN_END = {"van", "en", "de", "het", "een", "in", "op", "voor", "met", "of", "aan", "te",
             "die", "dat", "door", "bij", "naar", "om", "tot", "over", "uit", "als"}


def _heading_set(lines: list[Line], i: int, n: int) -> bool:
    """Lines i..i+n-1 read as one heading: short lines, no sentence end, no contact details or
    labels ("Telefoonnummer: ...", "Actienemer: OCW"), not cut off after "van"/"en", and
    followed by a paragraph of body text."""
    block = [ln.text.strip() for ln in lines[i:i + n]]
    joined = " ".join(block)
    if any(len(t) > 60 or t.endswith(_SENTENCE_END + (",",)) or _LIST_ITEM.match(t)
           for t in block):
        return False
    if any(ch in joined for ch in ":@>|") or re.search(r"\d{3}", joined):
        return False
    if joined.split()[-1].casefold() in _OPEN_END:
        return False
    if sum(ln.text.strip() == block[0] for ln in lines) > 1:
        return False  # a label repeated on several pages ("De inclusie- toolkit")
    body = i + n + 1
    return body + 1 < len(lines) and bool(lines[body].text) and bool(lines[body + 1].text) \
        and not lines[body].bullet


def _standalone(lines: list[Line], i: int) -> int:
    """How many lines from ``i`` form a heading of their own between blank lines: 1, or 2-3
    short lines without a sentence end (a heading set in a narrow column: "Werk samen aan
    een gedeelde visie die" / "concrete meerwaarde oplevert"); 0 when they do not."""
    if i > 0 and lines[i - 1].text:
        return 0
    for n in (1, 2, 3):
        block = lines[i:i + n]
        if len(block) < n or not all(ln.text for ln in block):
            return 0
        if i + n >= len(lines) or lines[i + n].text:
            continue  # the block goes on
        if any(ln.bullet for ln in block):
            return 0
        if n > 1 and not _heading_set(lines, i, n):
            return 0
        joined = " ".join(ln.text.strip() for ln in block)
        if not _heading_like(joined, 80 if n == 1 else 100):
            return 0
        if joined.split()[-1].casefold() in _OPEN_END:
            return _spaced_heading(lines, i) if n == 1 else 0
        return n if any(ln.text for ln in lines[i + n + 1:i + n + 6]) else 0
    return 0


def _spaced_heading(lines: list[Line], i: int, pieces: int = 4) -> int:
    """A heading whose lines the extraction set apart by blank lines ("Tip: Betrek gemeenten
    voor" / "" / "huisvesting en leerlingvervoer"): the lines it spans, blanks included, when
    the pieces after the first are short, open in lower case, and the last ends the phrase
    without a sentence end; 0 when the text runs on into a sentence ("Tip: ken de definitie
    van" / "" / "inclusief onderwijs die door de" / "" / "overheid wordt gehanteerd.")."""
    j = i
    while j - i < 2 * (pieces - 1) and j + 2 < len(lines) and not lines[j + 1].text:
        nxt = lines[j + 2].text.strip()
        if not nxt or not _CONTINUATION.match(nxt) or len(nxt) > 60 or "://" in nxt \
                or lines[j + 2].bullet or (j + 3 < len(lines) and lines[j + 3].text):
            break
        j += 2
    last = lines[j].text.strip()
    if j == i or last.endswith(_SENTENCE_END + (",",)) or last.split()[-1].casefold() in _OPEN_END:
        return 0
    return j - i + 1


def _running_title(text: str) -> bool:
    """A numbered chapter title ("4. De Ambulante dienstverlening verandert"), no sentence."""
    m = _NUMBERED.match(text)
    return bool(m) and len(text) <= 80 and m.group(3)[0].isupper() \
        and not text.endswith(_SENTENCE_END + (",",))


def _run_in_title(lines: list[Line], i: int) -> bool:
    """A short title line right above the paragraph it names ("Schil van expertise rond de
    leraar" / "Het geven van inclusief onderwijs doet de leraar niet alleen. …"): the next line
    opens in upper case and runs the column's width."""
    text, nxt = lines[i].text.strip(), lines[i + 1].text.strip() if i + 1 < len(lines) else ""
    if lines[i].bullet or not nxt or lines[i + 1].bullet or not nxt[0].isupper():
        return False
    return len(nxt) >= 60 and len(text) <= 0.6 * len(nxt) and _heading_like(text, 60) \
        and text.split()[-1].casefold() not in _OPEN_END \
        and not _NUMBERED.match(text) and not _LIST_ITEM.match(text)


def to_blocks(lines: list[Line], kind: str) -> list[Block]:
    vocab = {w.casefold() for ln in lines for w in _WORD.findall(ln.text)}
    repeated = Counter(ln.text.strip() for ln in lines if ln.text)
    blocks: list[Block] = []
    last_number: tuple[int, ...] = ()
    max_depth = 1
    parent = 0  # level of a stand-alone heading that a numbered run ("1.", "2.", ...) sits under
    bare_heading = False  # the last block is an unnumbered heading with nothing under it yet
    current: Block | None = None
    skip = 0
    for i, ln in enumerate(lines):
        text = ln.text
        if skip:
            skip -= 1
            continue
        if not text:
            current = None
            continue
        heading = _match_heading(lines, i, kind, last_number, max_depth)
        if heading is not None:
            level, number, n = heading
            for x in lines[i + 1:i + n]:
                if x.text:  # a heading spaced over several lines has blank lines inside
                    text = _join(text, x.text.strip(), vocab)
            skip = n - 1
            if number:
                # "3 tips voor de aanvraag" right above "1. Beschrijf …": the run is its items
                if number == (1,) and bare_heading:
                    parent = blocks[-1].level
                level += parent
                last_number = number
                max_depth = max(max_depth, len(number))
            elif level == 1:
                last_number = ()  # a new unnumbered part restarts the numbering
                parent = 0
            if kind == "md":
                text = _heading_text(_MD_HEADING.match(text).group(2))
            blocks.append(Block("heading", text, ln.page, ln.label, level))
            bare_heading = not number
            current = None
            continue
        bare_heading = False
        if kind == "txt" and repeated[text.strip()] > 1 and _running_title(text.strip()):
            # a chapter title repeated at the top of its pages ("4. De Ambulante dienstverlening
            # verandert" / " Wanneer een reguliere school …"): not the page's first words
            blocks.append(Block("para", text, ln.page, ln.label, note=True))
            current = None
            continue
        if kind == "txt" and current is None and _run_in_title(lines, i):
            # on a line of its own right above its paragraph, not joined into its first sentence;
            # no heading: as headings these titles made sections too small to rank
            # (docs/experiments.md, eighth round), and a quote keeps the title that names it
            # ("Fase 2: 2023-2025")
            blocks.append(Block("para", text, ln.page, ln.label, run_in=True))
            continue
        starts_item = ln.bullet or bool(_LIST_ITEM.match(text))
        if starts_item and not ln.bullet and text[0] in _DASHES and current is not None \
                and current.kind == "para" and not current.text.rstrip().endswith(_SENTENCE_END):
            starts_item = False  # "… doorbraakthema Onderwijs" / "– Jeugdhulp ingericht."
        if current is None and not starts_item and _runs_on(blocks, text):
            current = blocks[-1]  # a page end or blank line cut this sentence in two
            current.text = _join(current.text, text, vocab)
            last_page = current.turns[-1][1] if current.turns else current.page
            if ln.page is not None and ln.page != last_page:
                current.turns.append((len(current.text) - len(text), ln.page, ln.label))
            continue
        if current is None or starts_item or kind == "md":
            current = Block("item" if starts_item else "para", text, ln.page, ln.label,
                            note=ln.note, footnote=ln.note)
            blocks.append(current)
        else:
            current.text = _join(current.text, text, vocab)
    return blocks


_CONTINUATION = re.compile(r"^\(?[a-zà-ÿ]")


def _runs_on(blocks: list[Block], text: str) -> bool:
    """``text`` continues the sentence of the paragraph or list item before it: that block ends
    without a sentence end and ``text`` starts in lower case ("… staan op een" / "(v)so-school
    een deel …"). PDF extraction puts a blank line there at page and column ends."""
    if not blocks or blocks[-1].kind == "heading" or blocks[-1].note \
            or "://" in text.split(" ", 1)[0]:
        return False
    prev = blocks[-1].text.rstrip()
    # "… aangepast o.b.v." / "geformaliseerde verwachtingen.": an abbreviation ends no sentence
    ended = prev.endswith(_SENTENCE_END + ("\u201d", '"', ")")) and not ends_in_abbreviation(prev)
    return bool(prev) and not ended and bool(_CONTINUATION.match(text))


def _match_heading(lines: list[Line], i: int, kind: str, last: tuple[int, ...],
                   max_depth: int) -> tuple[int, tuple[int, ...], int] | None:
    """(level, number, lines it spans) when line ``i`` starts a heading."""
    text = lines[i].text
    if kind == "md":
        m = _MD_HEADING.match(text)
        return (len(m.group(1)), (), 1) if m else None
    if lines[i].heading:  # marked from a PDF's outline or fonts (pdf_layout)
        n = 1
        while i + n < len(lines) and lines[i + n].joins:
            n += 1
        return lines[i].heading, (), n
    number = _numbered_heading(text, last)
    if number is not None:
        return len(number), number, 1
    n = _standalone(lines, i) if kind == "txt" else 0
    if n:
        # under flat numbering ("1." ... "5.") a stand-alone line starts a new part
        return (max_depth + 1 if last and max_depth > 1 else 1), (), n
    return None


def _join(prev: str, nxt: str, vocab: set[str]) -> str:
    """Join a line to the paragraph before it; hyphens at the line end only when safe."""
    if prev.endswith("-") and len(prev) > 1 and prev[-2].isalpha() and nxt[:1].islower():
        head = _WORD.findall(prev[:-1])
        tail = _WORD.findall(nxt)
        first = nxt.split()[0].casefold() if nxt.split() else ""
        if first in _JOIN_KEEP_SPACE or not head or not tail:
            return f"{prev} {nxt}"
        whole = (head[-1] + tail[0]).casefold()
        if whole in vocab:
            return prev[:-1] + nxt
        return prev + nxt  # keep the hyphen: "VN-verdrag", "vso-leerlingen"
    return f"{prev} {nxt}"


def render(blocks: list[Block]) -> Structured:
    """Lay the blocks out as one text (blank line between blocks) and record offsets."""
    parts: list[str] = []
    pos = 0
    stack: list[tuple[int, str]] = []
    sections: list[tuple[int, str]] = []
    pages: list[tuple[int, int, str | None]] = []
    notes: list[int] = []
    prev: Block | None = None
    for b in blocks:
        if prev is not None:
            sep = "\n" if prev.run_in or b.kind == prev.kind == "item" else "\n\n"
            parts.append(sep)
            pos += len(sep)
        b.start, b.end = pos, pos + len(b.text)
        parts.append(b.text)
        pos = b.end
        prev = b
        if b.page is not None and (not pages or pages[-1][1] != b.page):
            pages.append((b.start, b.page, b.label))
        pages += [(b.start + offset, page, label) for offset, page, label in b.turns]
        if b.footnote:
            notes.append(b.start)
        if b.kind == "heading":
            while stack and stack[-1][0] >= b.level:
                stack.pop()
            stack.append((b.level, _section_label(b.text)))
            sections.append((b.start, " > ".join(t for _, t in stack)))
    return Structured("".join(parts), blocks, sections, pages, notes)


def _section_label(text: str) -> str:
    """ "9.4.1. Landelijke maatregelen/acties" -> "9.4.1 Landelijke maatregelen/acties"."""
    m = _NUMBERED.match(text)
    if m:
        return f"{m.group(1)} {m.group(3).strip()}"
    return text.strip()


def structure(lines: list[Line], kind: str) -> Structured:
    return render(to_blocks(lines, kind))


def structure_document(raw: RawDocument) -> Structured:
    """A read document cleaned and structured; a PDF's headings from its outline or fonts."""
    lines = drop_furniture(page_lines(raw.pages))
    if raw.kind == "pdf":
        lines = mark_headings(mark_footnotes(lines), raw.outline)
    return structure(lines, raw.kind)
