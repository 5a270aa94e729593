"""Pure rendering: escaping, source cards, citation checks, documents, export, streaming."""

from __future__ import annotations

import itertools
import re

from assistant.types import STYLES, Answer, CheckResult, Chunk, Citation, DocInfo, Passage
from assistant.ui_render import (
    EXAMPLES,
    STYLE_LABELS,
    UI_TEXT,
    VERDICTS,
    Exchange,
    SourceView,
    answer_markdown,
    esc,
    export_markdown,
    find_quote,
    format_date,
    highlight,
    question_markdown,
    render_card,
    render_check,
    render_documents,
    render_sources,
    sources_json,
    stream_pieces,
)

SCRIPT = "<script>alert('x')</script>"
PASSAGE = ("Bij symbiose volgen leerlingen een deel van het onderwijs op een reguliere school. "
           f"Er mag in principe 60% van het lesprogramma op de andere school worden gevolgd. {SCRIPT}")
QUOTE = "Er mag in principe 60% van het lesprogramma op de andere school worden gevolgd."


def citation(n: int = 1, quote: str = QUOTE, page: str | None = "12", title: str = "Rapport"):
    return Citation(n=n, chunk_id=f"c{n}", doc="rapport.md", title=title,
                    section="2 Wet > 2.1 Symbiose", page=page, quote=quote,
                    publisher="Inspectie", year="2025")


def chunk(text: str = PASSAGE) -> Chunk:
    return Chunk(id="c1", doc="rapport.md", title="Rapport", text=text,
                 section="2 Wet > 2.1 Symbiose", start=0, end=len(text), order=0)


def answer(text: str = f"{QUOTE} [1]", **kw) -> Answer:
    return Answer(text=text, citations=kw.pop("citations", [citation()]),
                  passages=[Passage(chunk(), 0.9)], abstained=False, **kw)


def test_esc_neutralises_markup_and_template_syntax():
    out = esc(SCRIPT + " ${x} {{y}} `z`")
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert "${" not in out and "{{" not in out and "`" not in out


def test_question_with_script_is_shown_as_text_in_the_chat():
    md = question_markdown(f"Wat is symbiose? {SCRIPT} <img src=x onerror=alert(1)>")
    assert "<script" not in md and "<img" not in md
    assert "&lt;script&#62;" in md and "&lt;img" in md
    assert "*" not in question_markdown("**vet** en __ook__ [link](x)")
    assert "_" not in question_markdown("__ook__")


def test_markdown_links_and_images_in_answers_are_disarmed():
    md = answer_markdown("Klik [hier](javascript:alert(1)) ![x](http://e/x.png) [1]", 0)
    assert "](" not in md
    assert 'href="#bron-0-1"' in md  # our own citation link stays


def test_answer_markdown_links_each_marker_to_its_card_and_keeps_markdown():
    md = answer_markdown("**Titel**\n- Eerste zin. [1]\n- Tweede zin. [2]", 3,
                         [citation(1), citation(2)], notice="Let op.")
    assert md.count('href="#bron-3-1"') == 2  # in the text and in the short source list
    assert 'href="#bron-3-2"' in md
    assert "**Titel**" in md and "- Eerste zin." in md
    assert md.startswith("_Let op._")


def test_card_shows_title_section_page_and_marks_the_quote_in_its_passage():
    html = render_card(SourceView(citation(), PASSAGE, context="Ervoor.\n\n" + PASSAGE,
                                  page=None), 0)
    assert 'id="bron-0-1"' in html
    assert "Rapport" in html and "2 Wet &gt; 2.1 Symbiose" in html and "p. 12" in html
    assert html.count(f"<mark>{esc(QUOTE)}</mark>") == 2  # passage and document view
    assert UI_TEXT["view_in_doc"] in html
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_card_of_a_pdf_shows_its_page_in_the_document_view():
    html = render_card(SourceView(citation(page="iv"), PASSAGE, context=PASSAGE, page=12), 0)
    assert f"{UI_TEXT['page_long']} 12" in html and "p. iv" in html


def test_card_escapes_markup_in_titles_and_sections():
    c = Citation(1, "c1", "x.md", f"Titel {SCRIPT}", f"Sectie <b>{SCRIPT}</b>", None, QUOTE)
    html = render_card(SourceView(c, PASSAGE, context=None), 0)
    assert "<script>" not in html and "<b>" not in html
    assert UI_TEXT["no_context"] in html


def test_highlight_finds_quotes_across_line_breaks_hyphens_and_typographic_quotes():
    text = "Er mag in principe 60% van het les-\nprogramma op de ‘andere’ school."
    assert find_quote(text, "60% van het lesprogramma op de 'andere' school") is not None
    html = highlight(text, "60% van het lesprogramma op de 'andere' school.")
    assert "<mark>" in html and html.endswith("</mark>")


def test_highlight_without_a_match_still_escapes():
    assert highlight(SCRIPT, "niet aanwezig") == esc(SCRIPT)


def test_render_check_marks_differences_on_both_sides():
    c = citation()
    check = CheckResult("different", "Er mag in principe 50% van het lesprogramma <i>x</i>", c,
                        [("50%", "60%")], 0.8)
    html = render_check(check)
    assert VERDICTS["different"][0] in html
    assert "<del>50%</del>" in html and "<ins>60%</ins>" in html
    assert "&lt;i&gt;x&lt;/i&gt;" in html and "<i>" not in html
    assert esc(c.reference()) in html


def test_render_check_verbatim_and_not_found():
    ok = render_check(CheckResult("verbatim", QUOTE, citation(), [], 1.0))
    assert VERDICTS["verbatim"][0] in ok and f"<mark>{esc(QUOTE)}</mark>" in ok
    missing = render_check(CheckResult("not_found", "Iets anders", None, [], 0.0))
    assert VERDICTS["not_found"][0] in missing and "<blockquote" not in missing


def test_sources_panel_puts_the_newest_answer_first_and_folds_older_ones():
    first = Exchange("eerste vraag", answer(), [SourceView(citation(), PASSAGE)])
    second = Exchange(f"tweede {SCRIPT}", answer(), [SourceView(citation(), PASSAGE)])
    html = render_sources([first, second])
    assert html.index('id="bron-1-1"') < html.index('id="bron-0-1"')
    assert "bronnen-oud" in html and "<script>" not in html
    assert UI_TEXT["sources_empty"] in render_sources([])


def test_sources_panel_for_an_abstention_without_citations_shows_closest_passages():
    ex = Exchange("vraag", Answer("Staat er niet in.", [], [Passage(chunk(), 0.1)], True), [])
    html = render_sources([ex])
    assert UI_TEXT["closest"] in html and "&lt;script&gt;" in html and "<script>" not in html


def test_documents_table_lists_every_document_escaped():
    docs = [DocInfo("a.txt", f"Titel A {SCRIPT}", "Uitgever A", "2025-04", "toolkit", None, 7),
            DocInfo("b.pdf", "Titel B", "", "", "", 12, 30)]
    html = render_documents(docs)
    assert html.count("<tr>") == 3  # header + two documents
    assert "april 2025" in html and ">7</td>" in html and ">12</td>" in html
    assert UI_TEXT["docs_unknown"] in html and "<script>" not in html
    assert UI_TEXT["docs_empty"] in render_documents([])


def test_format_date():
    assert format_date("2026-01") == "januari 2026"
    assert format_date("2024") == "2024"
    assert format_date("") == UI_TEXT["docs_unknown"]


def test_export_markdown_has_questions_answers_and_sources():
    titled = citation(2, f"Symbiose\n{QUOTE}")  # a title above its sentence
    exchanges = [Exchange(f"Vraag {SCRIPT}", answer(notice="Ingekort.")),
                 Exchange("Tweede", answer(citations=[])),
                 Exchange("Derde", answer(citations=[titled]))]
    md = export_markdown(exchanges, "2026-01-01 10:00 UTC")
    assert f"   > Symbiose\n   > {esc(QUOTE)}" in md  # both lines in the quote
    assert md.startswith(f"# {UI_TEXT['export_title']}")
    assert "## Vraag 1" in md and "## Vraag 2" in md
    assert "&lt;script&gt;" in md and "<script>" not in md
    assert f"   > {esc(QUOTE)}" in md and esc(citation().reference()) in md
    assert "_Ingekort._" in md


def test_stream_pieces_grow_to_the_whole_text():
    text = "Eerste zin. Tweede zin [1].\n\n- Een punt. [2]"
    pieces = stream_pieces(text)
    assert len(pieces) >= 3
    assert pieces[-1] == text
    assert all(text.startswith(p) for p in pieces)
    assert all(len(a) < len(b) for a, b in itertools.pairwise(pieces))


def test_sources_json_has_the_api_fields():
    rows = sources_json(answer())
    assert rows == [{"n": 1, "title": "Rapport", "section": "2 Wet > 2.1 Symbiose",
                     "page": "12", "quote": QUOTE, "doc": "rapport.md"}]


def test_every_style_has_a_label_and_examples():
    assert set(STYLE_LABELS.values()) == set(STYLES)
    assert all(len(EXAMPLES[s]) >= 2 for s in STYLES)
    assert all(re.search(r"\?$", q) for s in STYLES for q in EXAMPLES[s])
