"""Property tests (hypothesis): cleaning, chunking, sentences and citation checks never crash,
never lose or reorder text, and offsets always point at the text they claim."""

from __future__ import annotations

import unicodedata

from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from assistant.checker import _TOKEN, differences
from assistant.text import BULLET_GLYPHS, contains_verbatim, match_key, sentence_spans
from ingest.chunking import ChunkParams, split_into_chunks, split_into_units
from ingest.clean import drop_furniture, normalize, page_lines
from ingest.readers import Page
from ingest.structure import structure

FAST = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.too_slow])
SMALL = ChunkParams(target_chars=120, max_chars=200, min_chars=30, unit_chars=60)

# Text that looks like extracted documents: Dutch words, numbers, punctuation, headings,
# bullets, hyphens at line ends, blank lines, odd unicode.
WORDS = ["de", "het", "school", "leerling", "Onderwijs", "samenwerkings-", "verband", "9.4.1",
         "Inleiding", "bijv.", "o.a.", "60%", "2025", "J.", "Vries", "•", "\uf0b7", "-", "–",
         "#", "##", "1.", "2)", "(a)", "“citaat”", "'s", "ë", "e\u0301", "ﬁ", "\u00ad", "…",
         "?", "!", ".", ",", ";", ":", "www.voorbeeld.nl", "https://x.nl/a", "3", "Pagina 2",
         "\t", "\u00a0", "\u200b", "🙂", "<b>", "&amp;"]
SEPARATORS = [" ", " ", " ", "\n", "\n\n", "\r\n", ". ", ".\n\n"]
pieces = st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from(SEPARATORS)), max_size=80)
doc_text = pieces.map(lambda ps: "".join(w + s for w, s in ps)) | st.text(max_size=400)
kinds = st.sampled_from(["txt", "md", "pdf"])


def is_layout(text: str, i: int) -> bool:
    """Whitespace, a bullet glyph, or a list marker ("- ", "* ", "– "): formatting that the
    sentence splitter leaves out of quotes. Everything else is content."""
    ch = text[i]
    return (ch.isspace() or ch in BULLET_GLYPHS
            or (ch in "-*–" and text[i + 1:i + 2] == " "))


def uncovered_content(text: str, spans) -> list[tuple[int, str]]:
    """Content characters of ``text`` that no span covers (should be none)."""
    covered = bytearray(len(text))
    for s, e in spans:
        covered[s:e] = b"\x01" * (e - s)
    return [(i, text[i]) for i in range(len(text)) if not covered[i] and not is_layout(text, i)]


def nonspace(text: str) -> str:
    return "".join(ch for ch in text if not ch.isspace())


def is_subsequence(small: str, big: str) -> bool:
    it = iter(big)
    return all(ch in it for ch in small)


def cleaned(pages: list[str], kind: str):
    numbered = [Page(i + 1 if kind == "pdf" else None, None, t) for i, t in enumerate(pages)]
    return structure(drop_furniture(page_lines(numbered)), kind)


# --- cleaning -------------------------------------------------------------------------------

@FAST
@given(st.lists(doc_text, min_size=1, max_size=4), kinds)
def test_cleaning_never_invents_or_reorders_text(pages, kind):
    result = cleaned(pages, kind)
    source = nonspace(normalize("\n".join(pages)))
    assert is_subsequence(nonspace(result.text), source)
    for b in result.blocks:
        assert result.text[b.start:b.end] == b.text
    offsets = [off for off, _ in result.sections]
    assert offsets == sorted(offsets) and all(0 <= o <= len(result.text) for o in offsets)
    page_offsets = [off for off, _, _ in result.pages]
    assert page_offsets == sorted(page_offsets)


plain_words = st.text(alphabet="abcdefghijklmnopqrstuvwxyzéëï", min_size=1, max_size=12)
plain_line = st.lists(plain_words, min_size=1, max_size=12).map(lambda ws: " ".join(ws) + ".")
plain_page = st.lists(plain_line, min_size=1, max_size=8).map("\n".join)


@FAST
@given(st.lists(plain_page, min_size=1, max_size=5), kinds)
def test_cleaning_keeps_every_character_of_body_text(pages, kind):
    """Text without page furniture (sentences, no numbers, no repeated lines) loses nothing."""
    lines = [ln for p in pages for ln in p.splitlines()]
    assume(len(set(lines)) == len(lines))  # a line repeated across pages is a running header
    result = cleaned(pages, kind)
    assert nonspace(result.text) == nonspace(normalize("".join(pages)))


# --- chunking -------------------------------------------------------------------------------

@FAST
@given(st.lists(doc_text, min_size=1, max_size=3), kinds)
def test_chunks_cover_the_cleaned_text_once_and_in_order(pages, kind):
    result = cleaned(pages, kind)
    chunks = split_into_chunks(result, "doc.txt", "Titel", SMALL)
    pos = 0
    for c in chunks:
        assert result.text[c.start:c.end] == c.text
        assert c.start >= pos  # in order, never overlapping
        pos = c.end
    # every content character of the cleaned text is in exactly one chunk (the chunks are
    # ordered, disjoint slices of it), so nothing is lost, doubled or reordered
    assert uncovered_content(result.text, [(c.start, c.end) for c in chunks]) == []
    assert len({c.id for c in chunks}) == len(chunks)
    assert [c.order for c in chunks] == list(range(len(chunks)))


@FAST
@given(st.lists(doc_text, min_size=1, max_size=3), st.integers(min_value=20, max_value=400))
def test_units_are_windows_of_their_chunk_in_order(pages, unit_chars):
    result = cleaned(pages, "txt")
    for c in split_into_chunks(result, "doc.txt", "Titel", SMALL):
        units = split_into_units(c, unit_chars)
        assert units
        pos = 0
        for s, e in units:
            assert pos <= s < e <= len(c.text)
            pos = e
        assert uncovered_content(c.text, units) == []


# --- sentences ------------------------------------------------------------------------------

@FAST
@given(doc_text)
def test_sentence_spans_are_ordered_stripped_and_lose_no_words(text):
    spans = sentence_spans(text)
    pos = 0
    for s, e in spans:
        assert pos <= s < e <= len(text)
        assert not text[s].isspace() and not text[e - 1].isspace()
        pos = e
    assert uncovered_content(text, spans) == []


# --- citation checks ------------------------------------------------------------------------

_HYPHENS = ("-", "\u00ad")


def quotable(text: str, i: int, j: int) -> bool:
    """A quote a user or the answerer could make: it does not cut a character in two (a base
    letter from its combining accent) and does not start or end on the hyphen of a word broken
    across a line ("samenwerkings- verband"), which the verbatim check joins on both sides."""
    if unicodedata.combining(text[i]) or (j < len(text) and unicodedata.combining(text[j])):
        return False
    key = match_key(text[i:j])
    return bool(key) and not key.startswith(_HYPHENS) and not key.endswith(_HYPHENS)


@FAST
@given(doc_text, st.data())
@example("Het VN-verdrag geldt voor samenwerkings- verbanden en scholen.", None)
def test_any_substring_is_verbatim_in_its_text(text, data):
    assume(text)
    if data is None:  # the explicit example: every run of whole words
        words = text.split()
        spans = [(i, j) for i in range(len(words)) for j in range(i + 1, len(words) + 1)]
        quotes = [" ".join(words[i:j]) for i, j in spans]
        quotes = [q for q in quotes if not match_key(q).endswith(_HYPHENS)]
    else:
        i = data.draw(st.integers(0, len(text) - 1))
        j = data.draw(st.integers(i + 1, len(text)))
        assume(quotable(text, i, j))
        quotes = [text[i:j]]
    for quote in quotes:
        assert contains_verbatim(text, quote), quote
        assert contains_verbatim(" ".join(text.split()), quote)  # line breaks do not matter


@FAST
@given(doc_text, st.data())
def test_any_run_of_whole_words_is_verbatim_across_reflowed_text(text, data):
    words = text.split()
    assume(words)
    i = data.draw(st.integers(0, len(words) - 1))
    j = data.draw(st.integers(i + 1, len(words)))
    quote = " ".join(words[i:j])
    key = match_key(quote)
    assume(key and not key.endswith(_HYPHENS) and not key.startswith(_HYPHENS))
    assume(not unicodedata.combining(quote[0]))
    assert contains_verbatim(text, quote)
    assert contains_verbatim("\n".join(text.split()), quote)


@FAST
@given(doc_text, doc_text)
def test_differences_never_crash_and_name_only_words_that_are_there(statement, passage):
    diffs = differences(statement, passage)
    left = {t.strip("'’-") for t in _TOKEN.findall(statement)}
    right = {t.strip("'’-") for t in _TOKEN.findall(passage)}
    for in_statement, in_document in diffs:
        assert set(in_statement.split()) <= left
        assert set(in_document.split()) <= right
    assert differences(statement, statement) == []
