"""Pure text helpers shared by ingest, retrieval, answering and eval: folding and sentences."""

from __future__ import annotations

import re
import unicodedata

# glyphs PDF extraction leaves in front of list items; U+FFFD: one the PDF's font left unmapped
BULLET_GLYPHS = "\uf0b7\uf0a7\uf076\uf0d8\uf0fc\uf0e0•▪◦●■□➢►▶\u2023\u2043✔✓➤➔◆♦○\ufffd"
_WS = re.compile(r"\s+")
_HYPHEN_JOIN = re.compile(r"(?<=\w)[-\u00ad]\s*(?=\w)")
_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "“": '"', "”": '"', "„": '"', "´": "'",
                         "`": "'"})


def fold_ws(text: str) -> str:
    """Collapse every run of whitespace to one space."""
    return _WS.sub(" ", text).strip()


def strip_accents(text: str) -> str:
    if text.isascii():  # most of a Dutch text: nothing to decompose
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def has_words(text: str | None) -> bool:
    """Whether ``text`` holds a letter or digit: "???" or "…" asks nothing."""
    return any(ch.isalnum() for ch in text or "")


def fold(text: str) -> str:
    """Case- and accent-folded form for matching words ("Geïntegreerde" -> "geintegreerde")."""
    return strip_accents(text).casefold()


def match_key(text: str) -> str:
    """The form in which a quote must stand verbatim in a text.

    Formatting that PDF extraction varies is folded on both sides: whitespace, bullet glyphs,
    typographic quotes and hyphens at line breaks ("onder- wijs" ~ "onderwijs"). Words, numbers
    and their order are kept, so a changed number or name never matches.
    """
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    text = "".join(" " if c in BULLET_GLYPHS else c for c in text)
    text = _HYPHEN_JOIN.sub("", text)
    return fold_ws(text)


_NUMBERING = re.compile(r"^\s*\d+(?:\.\d+)*\.?\s*")


def heading_key(text: str) -> str:
    """A heading as it compares: folded, without its number ("3 Tussenvoorzieningen/…")."""
    return fold(_NUMBERING.sub("", text)).strip(" :")


def quoted(quote: str) -> str:
    """“quote”, without doubling the quotation marks of a quote that is itself a quotation."""
    bare = quote.strip("*_ ")  # emphasis around a quotation: "**“Als je … willen.”**"
    opening = "" if bare.startswith(("“", '"', "„")) else "“"
    closing = "" if bare.endswith(("”", '"')) else "”"
    return f"{opening}{quote}{closing}"


def indented(quote: str, prefix: str) -> str:
    """A quote of several lines (a list after a colon) kept together: no blank lines, each next
    line behind ``prefix`` (inside a Markdown quote or list item, under a citation's number)."""
    return f"\n{prefix}".join(ln.strip() for ln in quote.splitlines() if ln.strip())


def words_key(text: str) -> str:
    """``match_key`` with letter case folded: the same words in the same order ("Er mag …" in
    a document, "er mag …" after "Klopt het dat")."""
    return match_key(text).casefold()


def contains_verbatim(haystack: str, quote: str) -> bool:
    key = match_key(quote)
    return bool(key) and key in match_key(haystack)


# --- sentences -------------------------------------------------------------------------------

# Dutch abbreviations that end in a period without ending the sentence.
ABBREVIATIONS = {
    "bijv", "bv", "o.a", "oa", "t.b.v", "m.b.t", "mbt", "e.d", "d.w.z", "dwz", "enz", "nr", "art",
    "o.m", "i.p.v", "ipv", "m.n", "i.c.m", "t.a.v", "tav", "z.s.m", "evt", "ca", "incl", "excl",
    "blz", "pag", "jl", "vgl", "resp", "e.a", "etc", "dr", "drs", "ir", "prof", "dhr",
    "mevr", "t/m", "m.i.v", "n.a.v", "a.s", "z.g", "zgn", "i.s.m", "o.b.v", "obv", "m.u.v",
    "v.w.b", "t.z.t", "w.o", "c.q", "cq",
}

_SENT_END = re.compile(r"([.!?…])([\"'”’)\]]*)(\s+)(?=[\"'“‘(\[]?[A-ZÀ-Þ0-9\uf0b7•▪–-])")
# an e-mail or web address before a word with a capital: the address ends its sentence without
# a full stop ("Email: m.stassen@auris.nl Het Steunpunt Passend Onderwijs is …" was one quote)
_ADDRESS_END = re.compile(
    r"(?<!\S)(?:[\w.+-]+@[\w-]+(?:\.[\w-]+)+|(?:https?://|www\.|mailto:)\S+)()(\s+)"
    r"(?=[A-ZÀ-Þ])")
_LINE_BREAK_BLOCK = re.compile(
    rf"\n\s*\n|\n(?=\s*[{re.escape(BULLET_GLYPHS)}\-–]\s)|\n(?=\s*\d+[.)]\s)")


def _is_abbreviation(text: str, dot_pos: int) -> bool:
    start = dot_pos
    while start > 0 and not text[start - 1].isspace() and text[start - 1] not in "([\"'“‘":
        start -= 1
    word = text[start:dot_pos].casefold()
    if not word:
        return False
    if word in ABBREVIATIONS or word.rstrip(".") in ABBREVIATIONS:
        return True
    if len(word) == 1 and word.isalpha():  # initials: "J. de Vries"
        return True
    if re.fullmatch(r"\d+(\.\d+)*", word):  # section numbers "9.4." are not sentence ends
        return True
    return False


def ends_in_abbreviation(text: str) -> bool:
    """Whether ``text`` ends in an abbreviation's period ("… aangepast o.b.v."), which ends no
    sentence (numbers and initials are left out: "… in 2024." ends one)."""
    text = text.rstrip()
    if not text.endswith("."):
        return False
    word = text[:-1].rsplit(None, 1)[-1].lstrip("([\"'“‘").casefold() if text[:-1].strip() else ""
    return word in ABBREVIATIONS


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Sentence (start, end) offsets into ``text``; spans are stripped and never overlap.

    Blank lines, list bullets and numbered list items also end a sentence, so a quote never
    runs across two list items.
    """
    spans: list[tuple[int, int]] = []
    blocks: list[tuple[int, int]] = []
    pos = 0
    for m in _LINE_BREAK_BLOCK.finditer(text):
        blocks.append((pos, m.start()))
        pos = m.end()
    blocks.append((pos, len(text)))
    for b_start, b_end in blocks:
        block = text[b_start:b_end]
        cur = 0
        ends = [m for m in _SENT_END.finditer(block)
                if not (m.group(1) == "." and _is_abbreviation(block, m.start(1)))]
        for end, after in sorted([(m.end(2), m.end(3)) for m in ends]
                                 + [(m.end(1), m.end(2)) for m in _ADDRESS_END.finditer(block)]):
            if end < cur:
                continue
            spans.append((b_start + cur, b_start + end))
            cur = after
        spans.append((b_start + cur, b_end))
    out = []
    for s, e in spans:
        while s < e and (text[s].isspace() or text[s] in BULLET_GLYPHS
                         or (text[s] in "-*–" and text[s + 1:s + 2] == " ")):  # list markers
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out


def sentence_end(sentence: str) -> str:
    """The sentence without the closing quotes, emphasis and spaces after its last word."""
    return sentence.rstrip(" *_\"”’'")


def ends_statement(sentence: str) -> bool:
    """Whether a sentence ends as a statement does (".", "!", "?", ":", ";" or ")", before any
    closing quote or emphasis): a label or a title does not."""
    return sentence_end(sentence).endswith((".", "!", "?", ":", ";", ")"))


def is_title(text: str, start: int, end: int, most_words: int = 10) -> bool:
    """Whether the sentence span is a title: a short paragraph of its own (blank lines or the
    text's edge around it) without a sentence end: a heading, or a label ("**Verschillende
    rollen samenwerkingsverband**" above "Het samenwerkingsverband is …")."""
    span = text[start:end]
    i, j = start, end  # past the spaces around the span, without copying the text
    while i > 0 and text[i - 1] in " \t":
        i -= 1
    while j < len(text) and text[j] in " \t":
        j += 1
    return (i == 0 or text[i - 2:i] == "\n\n") and (j == len(text) or text[j:j + 2] == "\n\n") \
        and len(span.split()) <= most_words and not ends_statement(span)


def with_titles(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """``spans`` with each title joined to the sentence after it, which it names."""
    out: list[tuple[int, int]] = []
    glue = False
    for s, e in spans:
        if glue:
            out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
        glue = is_title(text, s, e)
    return out


def split_sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in sentence_spans(text)]


# the words a Dutch question opens with (a verb or a question word), after "en", "maar", "dus"
_QUESTION_OPENER = (r"(?:en\s+|maar\s+|dus\s+)?(?:kan|kunnen|mag|mogen|moet|moeten|is|zijn|heeft|"
                    r"hebben|krijgt|krijgen|gaat|gaan|wordt|worden|doet|doen|klopt|geldt|wat|wie|"
                    r"welke?|waar|wanneer|waarom|hoe|hoeveel)\b")
# ", kan hij …?", ", wat …?": the question starts after the comma; what comes before is context
_ASKS_AFTER_COMMA = re.compile(rf",\s+(?={_QUESTION_OPENER})", re.IGNORECASE)
_ASKS_FIRST = re.compile(rf"^\W*{_QUESTION_OPENER}", re.IGNORECASE)


def _asking_clause(sentence: str) -> str:
    """A question sentence without a context clause before it ("Mijn kind heeft autisme, kan
    hij naar een gewone school?" -> "kan hij naar een gewone school?"); one that opens with its
    question ("Wat is symbiose, en hoeveel …?") stays whole."""
    if _ASKS_FIRST.match(sentence):
        return sentence
    m = _ASKS_AFTER_COMMA.search(sentence)
    return sentence[m.end():] if m else sentence


def asking_sentences(question: str) -> list[str]:
    """The sentences that ask: those with a question mark, else the last one, each without a
    context clause before a comma. The others are context ("Wij wonen in Zwolle.", "Wij
    hebben 3 kinderen.")."""
    parts = split_sentences(question) or [question]
    asking = [p for p in parts if p.rstrip().endswith("?")] or parts[-1:]
    return [_asking_clause(p) for p in asking]


# A footnote as the ingest keeps it: a line of its own that opens with the note's number
# ("13 Lokale Educatieve Agenda" / "14 Op Overeenstemming Gericht Overleg"). The ingest records
# where each note starts (``Chunk.notes``: after a footnote rule in extracted text, in small
# type at a PDF page's foot). An index from before that is read by the lines: "N Tekst" opens a
# note; in a run of notes, so does "N tekst" ("2 wetten.nl - Regeling …"); "2 op de 3
# schoolleiders …" opens none, and a numbered heading has a full stop ("4. Titel").
_NOTE_LINE = re.compile(r"([1-9]\d{0,2}) (\S)")


def _note_line(text: str, line_start: int, notes: tuple[int, ...] | None = None) -> str | None:
    """The footnote number of the line that starts at ``line_start``, if it opens a note."""
    m = _NOTE_LINE.match(text, line_start)
    if not m:
        return None
    if notes is not None:
        return m.group(1) if line_start in notes else None
    if m.group(2).isupper():
        return m.group(1)
    if line_start == 0:
        return None
    return m.group(1) if _note_line(text, text.rfind("\n", 0, line_start - 1) + 1) else None


def footnote_number(text: str, start: int, notes: tuple[int, ...] | None = None) -> str | None:
    """The number of the footnote that the text at ``start`` stands in (a note is one line).
    ``notes``: where the ingest found notes to start (None: tell them by their lines)."""
    if start < 0:
        return None
    line_start = text.rfind("\n", 0, start) + 1
    m = _NOTE_LINE.match(text, line_start)
    return _note_line(text, line_start, notes) if m and m.end(1) < start else None


def note_parts(text: str, start: int, end: int, notes: tuple[int, ...] | None = None
               ) -> list[tuple[int, int, bool]]:
    """A sentence span cut at each footnote it runs into, each note without its number: (start,
    end, is a note). The notes at the bottom of a page are one "sentence" in the extracted
    text ("13 Lokale Educatieve Agenda 14 Op Overeenstemming …"); as quotes they stand alone.
    (Splitting them in the sentences themselves, which the search's windows are made of, cost
    retrieval: docs/experiments.md, sixteenth round.)"""
    cuts = [start] + [i + 1 for i in range(start, end) if text[i] == "\n"
                      and _note_line(text, i + 1, notes)]
    parts = []
    for a, b in zip(cuts, cuts[1:] + [end]):
        note = _note_line(text, a, notes) if a == 0 or text[a - 1] == "\n" else None
        s = a + len(note) + 1 if note else a
        e = b
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            parts.append((s, e, bool(note)))
    return parts


def with_footnote(section: str | None, text: str, quote: str,
                  notes: tuple[int, ...] | None = None) -> str | None:
    """The section path of a quote from ``text``, with the footnote it stands in, if any:
    "9 Werkagenda route naar inclusief onderwijs 2035 > voetnoot 13" (where exactly)."""
    note = footnote_number(text, text.find(quote), notes)
    if not note:
        return section
    return f"{section} > voetnoot {note}" if section else f"voetnoot {note}"
