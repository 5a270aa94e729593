"""A PDF's headings and paragraphs from its layout: outline, font sizes, gaps between lines."""

from __future__ import annotations

import pytest

from assistant.factory import build_assistant
from assistant.text import match_key
from ingest.clean import Line, drop_furniture, page_lines
from ingest.pdf_layout import OutlineEntry, mark_footnotes, mark_headings
from ingest.pipeline import run_ingest
from ingest.readers import Page, read_document
from ingest.structure import structure, structure_document
from tests.fixtures.pdfs import LAYOUT, make_layout_pdf, make_marker_pdf


def _expected_sections(layout=LAYOUT) -> list[str]:
    stack: list[tuple[int, str]] = []
    paths = []
    for level, heading, _ in layout:
        while stack and stack[-1][0] >= level:
            stack.pop()
        stack.append((level, heading))
        paths.append(" > ".join(h for _, h in stack))
    return paths


@pytest.mark.parametrize("outline", [9, 2, 0], ids=["outline", "outline-to-chapters", "fonts"])
def test_unnumbered_headings_and_paragraphs_of_a_pdf(tmp_path, outline):
    raw = read_document(make_layout_pdf(tmp_path / "rapport.pdf", outline=outline))
    assert len(raw.outline) == sum(level < outline for level, _, _ in LAYOUT)
    st = structure_document(raw)
    assert [path for _, path in st.sections] == _expected_sections()
    paragraphs = [match_key(b.text) for b in st.blocks if b.kind == "para"]
    # each paragraph a block of its own (the gap between them), none run into a heading
    assert paragraphs == [match_key(p) for _, _, ps in LAYOUT for p in ps]
    assert "  " not in st.text  # justified text's runs of spaces


def test_an_outline_that_does_not_match_the_text_leaves_it_to_the_fonts(tmp_path):
    from pypdf import PdfWriter

    path = make_layout_pdf(tmp_path / "plain.pdf", outline=0)
    writer = PdfWriter(clone_from=str(path))
    for title in ("Hoofdstuk een", "Hoofdstuk twee", "Bijlage"):
        writer.add_outline_item(title=title, page_number=0)
    writer.write(str(path))
    raw = read_document(path)
    assert [e.title for e in raw.outline] == ["Hoofdstuk een", "Hoofdstuk twee", "Bijlage"]
    assert [p for _, p in structure_document(raw).sections] == _expected_sections()


def _lines(*items: tuple[str, float]) -> list[Line]:
    return [Line(text, 1, "1", size=size) for text, size in items]


def _headings(lines: list[Line], outline=()) -> list[tuple[str, int]]:
    return [(b.text, b.level) for b in structure(mark_headings(lines, outline), "pdf").blocks
            if b.kind == "heading"]


def test_large_type_that_is_no_heading():
    body = [("Dit is gewone tekst van de alinea die doorloopt op de volgende regel", 10.0)] * 6
    lines = _lines(("Resultaten", 16.0), *body,
                   ("“Het mooiste vind ik de leerlingen: die vinden het heel gewoon.”", 14.0),
                   *body, ("60%", 24.0), *body, ("Conclusies", 16.0), *body)
    assert _headings(lines) == [("Resultaten", 1), ("Conclusies", 1)]


def test_bold_lines_at_the_body_size_that_are_headings_and_that_are_not():
    body = [("Een regel gewone tekst die bij de alinea hoort en verder gaat", 10.0)] * 3
    blank = [("", 0.0)]

    def bold(text: str) -> Line:
        return Line(text, 1, "1", size=10.0, bold=True)

    lines = [*_lines(("Resultaten", 16.0), *body, *blank), bold("Wat scholen doen"),
             *_lines(*body, *blank), bold("Let op:"), *_lines(*body, *blank),
             bold("Een hele alinea in vet die over twee"), bold("regels doorloopt en zo"),
             bold("verder, tot de punt komt."), *_lines(*body),
             bold("Vet midden in een alinea"), *_lines(*body)]
    # a heading: after a paragraph break, short, no lead-in colon, plain text after it
    assert _headings(lines) == [("Resultaten", 1), ("Wat scholen doen", 2)]


def test_levels_follow_the_sizes_and_outline_titles_match_without_their_numbers():
    body = [("Een regel gewone tekst die bij de alinea hoort en verder gaat", 10.0)] * 4
    lines = _lines(("1. Inleiding", 15.0), *body, ("Aanleiding", 12.0), *body,
                   ("2. Opzet van het", 15.0), ("onderzoek", 15.0), *body)
    assert _headings(lines) == [("1. Inleiding", 1), ("Aanleiding", 2),
                                ("2. Opzet van het onderzoek", 1)]
    outline = (OutlineEntry(1, 1, "Inleiding"), OutlineEntry(1, 1, "Opzet van het onderzoek"))
    # the outline is the author's own table of contents: the fonts only add headings smaller
    # than its own, below its deepest level
    assert _headings(lines, outline) == [("1. Inleiding", 1), ("Aanleiding", 2),
                          ("2. Opzet van het onderzoek", 1)]
    outline = (OutlineEntry(1, 1, "Inleiding"), OutlineEntry(2, 1, "Aanleiding"),
               OutlineEntry(1, 1, "Opzet van het onderzoek"))
    large = _lines(("Inleiding", 15.0), *body, ("Aanleiding", 12.0), *body,
                   ("Opzet van het onderzoek", 15.0), *body, ("Een kader", 16.0), *body)
    # type larger than the outline's own headings is no heading the outline left out
    assert _headings(large, outline) == [("Inleiding", 1), ("Aanleiding", 2),
                                         ("Opzet van het onderzoek", 1)]


def test_a_pdf_citation_names_its_section_and_page(tmp_path, make_settings, embedder):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    make_layout_pdf(corpus / "samen-naar-school.pdf", outline=0)
    settings = make_settings(corpus)
    run_ingest(settings, embedder=embedder)
    assistant = build_assistant(settings, embedder=embedder)
    answer = assistant.ask("Hoeveel procent van het lesprogramma mag een leerling bij symbiose "
                           "op de andere school volgen?")
    assert not answer.abstained
    rule = [c for c in answer.citations if "zestig procent" in c.quote]
    assert rule and rule[0].page == "1"
    assert rule[0].section == _expected_sections()[2]


def test_a_number_line_inside_a_pdf_page_is_text_not_a_page_number():
    topics = ["symbiose", "nevenvestiging", "huisvesting"]
    pages = [Page(n, str(n), f"Rapport\nDit hoofdstuk gaat over {t} en over de scholen.\n"
                             f"Het doel voor {t} staat in de werkagenda tot\n2035\nen "
                             f"daarna. De scholen werken samen aan {t}.\n{n}")
             for n, t in enumerate(topics, start=1)]
    text = structure(drop_furniture(page_lines(pages)), "pdf").text
    assert text.count("tot 2035 en daarna") == 3  # mid-page: a year on a line of its own
    assert "Rapport" not in text  # the running header
    assert not any(line.strip().isdigit() for line in text.splitlines())  # the page numbers


def test_footnotes_at_the_bottom_of_a_pdf_page_are_notes_of_their_own(tmp_path):
    from eval.pdfs import Footnote, Section, render_pdf

    notes = ["1 Kamerstukken II 2020/21, 31497, nr. 1", "2 Zie artikel 24 van het VN-verdrag"]
    sections = [Section(lv, h, tuple(ps)) for lv, h, ps in LAYOUT]
    first = sections[1]
    sections[1] = Section(first.level, first.heading,
                          first.paragraphs[:1] + tuple(map(Footnote, notes)) + first.paragraphs[1:])
    path = render_pdf(tmp_path / "noten.pdf", sections, outline=0)
    st = structure_document(read_document(path))
    assert [b.text for b in st.blocks if b.note] == notes  # each a note, none a heading
    assert [path for _, path in st.sections] == _expected_sections()
    assert [match_key(b.text) for b in st.blocks if b.kind == "para" and not b.note] == \
        [match_key(p) for _, _, ps in LAYOUT for p in ps]


def test_footnote_markers_set_in_superscript_stay_superscript(tmp_path):
    from assistant.lexical import words

    st = structure_document(read_document(make_marker_pdf(tmp_path / "gremia.pdf")))
    body = " ".join(b.text for b in st.blocks if not b.note)
    # extracted as they are, they would stick to the word: "LEA13", which matches no "LEA"
    assert "zoals de LEA¹³ of het OOGO¹⁴. Hier" in body
    assert "In 2025 deden 12 scholen mee." in body  # numbers in the body's own size stay
    assert [b.text for b in st.blocks if b.note] == ["13 Lokale Educatieve Agenda",
                                                     "14 Op Overeenstemming Gericht Overleg"]
    assert {"lea", "oogo"} <= set(words(body))
    # the text file of the same page ("LEA13") still matches a quote verbatim, and back
    assert match_key("zoals de LEA13 of het OOGO14.") in match_key(body)


def test_the_next_page_does_not_run_on_into_a_footnote():
    body = [Line("De scholen maken afspraken over de lessen die een leerling volgt op een", 1,
                 size=10.0)] * 3
    page_1 = [*body, Line("", 1), Line("3 Zie de beleidsregel", 1, size=7.5),
              Line("inclusieve leeromgeving", 1, size=7.5)]
    page_2 = [Line("reguliere school, en over de begeleiding daarbij.", 2, size=10.0),
              Line("Kleine letters onderaan zonder nummer zijn geen voetnoot", 2, size=7.5)]
    lines = mark_footnotes(page_1 + page_2)
    assert [ln.text for ln in lines if ln.note] == ["3 Zie de beleidsregel"]
    blocks = structure(mark_headings(lines), "pdf").blocks
    note = next(b for b in blocks if b.note)
    assert note.text == "3 Zie de beleidsregel inclusieve leeromgeving"
    assert not any("reguliere school" in b.text for b in blocks if b.note)
    assert not any("geen voetnoot" in b.text for b in blocks if b.note)
