"""Cleaning and structure on hand-made text and on the real corpus (no embedder needed)."""

from __future__ import annotations

import json

import pytest

from assistant.text import match_key, sentence_spans, split_sentences, with_titles
from ingest.chunking import ChunkParams, split_into_chunks, split_into_units
from ingest.clean import drop_furniture, page_lines
from ingest.readers import Page, read_document
from ingest.structure import structure
from tests.conftest import CORPUS, EVAL


def _structured(path):
    raw = read_document(path)
    return structure(drop_furniture(page_lines(raw.pages)), raw.kind)


def _gold_quotes():
    items = [json.loads(line) for name in ("questions.jsonl", "team_questions.jsonl",
                                            "probe_questions.jsonl")
             for line in (EVAL / name).open(encoding="utf-8")]
    for conv in (json.loads(line) for name in ("conversations.jsonl", "team_conversations.jsonl")
                 for line in (EVAL / name).open(encoding="utf-8")):
        items += [{"id": conv["id"], "doc": conv["doc"], "evidence": t["evidence"]}
                  for t in conv["turns"]]
    for it in items:
        for ev in it["evidence"]:
            doc, quote = (ev["doc"], ev["quote"]) if isinstance(ev, dict) else (it["doc"], ev)
            yield it["id"], doc, quote


def test_cleaning_keeps_every_gold_quote():
    texts = {p.name: match_key(_structured(p).text) for p in CORPUS.iterdir()
             if p.suffix in {".txt", ".md"}}
    missing = [(qid, q[:60]) for qid, doc, q in _gold_quotes() if match_key(q) not in texts[doc]]
    assert missing == []


def test_cleaning_removes_furniture_but_no_words():
    topics = ["symbiose", "nevenvestiging", "huisvesting", "vervoer", "samenwerking"]
    pages = [Page(i, str(i), f"Rapport inclusief onderwijs\nTekst op pagina {i} over de "
                             f"samen-\nwerking tussen scholen.\nhttps://example.org/a\n"
                             f"https://example.org/a\n\uf0b7 Een punt van de lijst over {t}\n"
                             f"Slotzin over {t} met {i * 7} leerlingen.\nPagina {i} van 5")
             for i, t in enumerate(topics, start=1)]
    st = structure(drop_furniture(page_lines(pages)), "pdf")
    assert "Rapport inclusief onderwijs" not in st.text  # running header on every page
    assert "\uf0b7" not in st.text
    assert st.text.count("https://example.org/a") == 1  # repeated link line
    assert "samenwerking tussen scholen" in st.text  # hyphen at the line end joined
    assert "Een punt van de lijst over symbiose" in st.text
    assert "Pagina" not in st.text  # page-number footers
    for i in range(1, 6):
        assert f"Tekst op pagina {i}" in st.text  # words and numbers inside sentences stay
        assert f"met {i * 7} leerlingen." in st.text


def test_characters_the_pdf_did_not_map_are_not_quoted():
    st = _structured(CORPUS / "handreiking-ontwikkelagenda-inclusiever-onderwijs.txt")
    assert "\ufffd" not in st.text
    assert "TIP: Gemeenten en schoolbesturen zijn samen verantwoordelijk" in st.text


def test_lists_whose_bullets_the_pdf_lost_stay_lists():
    text = ("Wij zetten ons in voor:\n\nleerlingen met een taalontwikkelingsstoornis (TOS)\n"
            "leerlingen die doof of slechthorend zijn\nleerlingen met een beperking in horen\n\n"
            "Belangrijke aandachtspunten:\n\u2714 Betrek ouders bij alle keuzes\n"
            "\u2714 Maak de wensen van ouders het uitgangspunt\n\n"
            "De overheid heeft verdragen getekend:\nIn deze verdragen is het recht op onderwijs\n"
            "vastgelegd en de overheid heeft zelf\nplannen opgesteld voor scholen.\n")
    st = structure(drop_furniture(page_lines([Page(None, None, text)])), "txt")
    assert "(TOS)\nleerlingen die doof of slechthorend zijn\nleerlingen met" in st.text
    assert "\u2714" not in st.text
    assert "keuzes\nMaak de wensen" in st.text
    # wrapped prose after a colon stays one paragraph
    assert "getekend: In deze verdragen is het recht op onderwijs vastgelegd en" in st.text


def test_a_dash_that_opens_a_line_inside_a_sentence_is_no_list_item():
    text = ("In de stad is het thema Onderwijs\n– Jeugdhulp ingericht. Dat werkt.\n\n"
            "De punten:\n- eerste punt\n- tweede punt\n")
    st = structure(drop_furniture(page_lines([Page(None, None, text)])), "txt")
    assert "het thema Onderwijs – Jeugdhulp ingericht." in st.text
    assert "- eerste punt\n- tweede punt" in st.text  # "-" stays a list marker


def test_footnotes_stay_in_place_as_notes_of_their_own():
    rule = " " * 48
    text = ("Zoals de doelstellingenmonitor, wachtlijsten, het\n" + rule + "\n"
            "13 Lokale Educatieve Agenda\n14 Op Overeenstemming Gericht Overleg\n"
            "15 In dit kader is een aanvraag\ningediend.\n"
            " aantal thuiszitters en het aantal vrijstellingen. Daarna volgt meer.\n")
    st = structure(drop_furniture(page_lines([Page(None, None, text)])), "txt")
    paras = [b.text for b in st.blocks]
    # each footnote on its own, never a heading; the page's next line does not run on into one
    assert "13 Lokale Educatieve Agenda" in paras
    assert "14 Op Overeenstemming Gericht Overleg" in paras
    assert "15 In dit kader is een aanvraag ingediend." in paras
    assert "aantal thuiszitters en het aantal vrijstellingen. Daarna volgt meer." in paras
    assert st.sections == []
    # nothing moved: every block stands in the text as it was extracted
    assert all(match_key(p) in match_key(text) for p in paras)
    # where each note starts is recorded, for the chunks: a quote names its footnote by it
    assert [st.text[o:o + 5] for o in st.notes] == ["13 Lo", "14 Op", "15 In"]


def test_a_quote_names_the_footnote_the_ingest_found_not_a_numbered_line():
    from assistant.extractive import make_citation
    from assistant.types import Passage

    rule = " " * 48
    text = ("Beschrijf de aanvraag zo:\n\n1 Beschrijf het experiment concreet.\n\n"
            "2 Leg uit hoe het onderwijs inclusief wordt.\n\nDit gaat via de LEA13.\n" + rule
            + "\n13 Lokale Educatieve Agenda\n")
    st = structure(drop_furniture(page_lines([Page(None, None, text)])), "txt")
    [chunk] = split_into_chunks(st, "d.txt", "Doc", ChunkParams())
    assert [chunk.text[o:o + 2] for o in chunk.notes] == ["13"]

    def cite(quote):
        return make_citation(1, Passage(chunk, 1.0), quote).section

    assert cite("Lokale Educatieve Agenda") == "voetnoot 13"
    # a numbered paragraph that is no footnote ("1 Beschrijf …": a list without full stops) is
    # told apart only by what the ingest found; without it, its form would make it one
    assert cite("Beschrijf het experiment concreet.") is None
    from dataclasses import replace
    assert make_citation(1, Passage(replace(chunk, notes=None), 1.0),
                         "Beschrijf het experiment concreet.").section == "voetnoot 1"
    # stored with the chunk; an index from before has none, and the lines tell
    from assistant.types import Chunk
    assert Chunk.from_record(chunk.id, chunk.text, chunk.metadata()) == chunk
    older = {k: v for k, v in chunk.metadata().items() if k != "notes"}
    assert Chunk.from_record(chunk.id, chunk.text, older).notes is None


def test_a_heading_spaced_over_blank_lines_is_one_heading():
    text = ("Tip: Betrek gemeenten voor\n\nhuisvesting en leerlingvervoer\n\n"
            "Bij de ontwikkeling is het van belang dat de gemeente\ntijdig meedoet.\n\n"
            "Tip: ken de definitie van\n\ninclusief onderwijs die door de\n\n"
            "overheid wordt gehanteerd.\n\nDe overheid heeft een animatie gemaakt.\n")
    st = structure(drop_furniture(page_lines([Page(None, None, text)])), "txt")
    heading = "Tip: Betrek gemeenten voor huisvesting en leerlingvervoer"
    assert [s for _, s in st.sections] == [heading]
    # the words run on into a sentence: a paragraph, not a heading cut after "van"
    sentence = ("Tip: ken de definitie van inclusief onderwijs die door de overheid wordt "
                "gehanteerd.")
    assert sentence in [b.text for b in st.blocks]


def test_a_chapter_title_repeated_on_its_pages_is_not_the_pages_first_words():
    text = ("4. De Ambulante dienstverlening verandert\n\nDe begeleider gaat naar school.\n\n"
            "4. De Ambulante dienstverlening verandert\n Wanneer een school weinig leerlingen "
            "heeft, raakt de steun versnipperd.\n")
    st = structure(drop_furniture(page_lines([Page(None, None, text)])), "txt")
    paras = [b.text for b in st.blocks]
    assert "Wanneer een school weinig leerlingen heeft, raakt de steun versnipperd." in paras


def test_a_title_right_above_its_paragraph_stays_on_its_own_line():
    text = ("Iedere medewerker heeft een rol.\n\nSchil van expertise rond de leraar \n"
            "Het geven van inclusief onderwijs doet de leraar niet alleen. Hulp wordt bij \n"
            "voorkeur dichtbij georganiseerd en om hulp vragen is normaal.\n")
    st = structure(drop_furniture(page_lines([Page(None, None, text)])), "txt")
    assert st.sections == []  # no heading: no section of two sentences
    title = "Schil van expertise rond de leraar"
    assert f"{title}\nHet geven van inclusief onderwijs" in st.text
    # a quote carries the title on a line of its own; a chunk or window never ends with it
    assert split_sentences(st.text)[1] == (f"{title}\nHet geven van inclusief onderwijs doet de "
                                           "leraar niet alleen.")
    labelled = "Tekst ervoor.\n\n**Verschillende rollen**\n\nHet verband is betrokken. Meer."
    spans = with_titles(labelled, sentence_spans(labelled))
    assert [labelled[s:e] for s, e in spans][1] == ("**Verschillende rollen**\n\nHet verband is "
                                                    "betrokken.")


def test_hyphen_before_conjunction_is_kept():
    pages = [Page(None, None, "tussen speciaal-\nen regulier onderwijs en het VN-\nverdrag")]
    st = structure(drop_furniture(page_lines(pages)), "txt")
    assert "speciaal- en regulier" in st.text
    assert "VN-verdrag" in st.text



def test_a_sentence_cut_by_a_page_end_is_one_sentence_again():
    pages = [Page(1, "1", "Eerste zin staat hier, en loopt door op de volgende regel.\n"
                          "Soms volgen leerlingen die ingeschreven staan op een"),
             Page(2, "2", "(v)so-school een deel van de lessen.\n\nNieuwe alinea.\n\n"
                          "Een lijst van\n\nhttps://example.org/bron-die-hier-staat")]
    st = structure(drop_furniture(page_lines(pages)), "txt")
    paras = [b.text for b in st.blocks]
    assert "Soms volgen leerlingen die ingeschreven staan op een (v)so-school een deel van de " \
           "lessen." in st.text
    assert "Nieuwe alinea." in paras  # a sentence end before the break keeps the paragraphs
    assert "https://example.org/bron-die-hier-staat" in paras  # a link is not a continuation


def test_a_sentence_cut_after_an_abbreviation_is_one_sentence_again():
    # the werkagenda: "… aangepast o.b.v." / blank line / "geformaliseerde verwachtingen."
    text = ("Planvorming van samenwerkingsverbanden aangepast o.b.v.\n\n"
            "geformaliseerde verwachtingen.\n\nHet plan is klaar in 2024.\n\nvolgens de wet.")
    st = structure(drop_furniture(page_lines([Page(1, "1", text)])), "txt")
    assert "Planvorming van samenwerkingsverbanden aangepast o.b.v. geformaliseerde " \
           "verwachtingen." in split_sentences(st.text)
    # a year is no abbreviation: the sentence before the break ended there
    assert "Het plan is klaar in 2024." in [b.text for b in st.blocks]


def test_a_sentence_over_a_pdf_page_end_is_whole_and_cites_both_pages(tmp_path):
    from assistant.extractive import make_citation
    from assistant.types import Chunk, Passage
    from tests.fixtures.pdfs import make_text_pdf

    pages = [("1. Inleiding", "Een leerling van het speciaal onderwijs kan een deel van de "
                              "lessen volgen op een"),
             ("", "reguliere school als beide scholen dat afspreken. Dit heet symbiose."),
             ("2. Regels", "De scholen maken daarover een schriftelijke overeenkomst.")]
    st = _structured(make_text_pdf(tmp_path / "doc.pdf", pages=pages, labels_start=7))
    sentence = ("Een leerling van het speciaal onderwijs kan een deel van de lessen volgen op een "
                "reguliere school als beide scholen dat afspreken.")
    assert sentence in st.text
    chunk = next(c for c in split_into_chunks(st, "doc.pdf", "Doc") if sentence in c.text)
    assert (chunk.page, chunk.page_label, chunk.page_end) == (1, "7", 2)
    assert chunk.page_of(sentence) == "7-8"  # the PDF's own labels
    assert chunk.page_of("Dit heet symbiose.") == "8"
    assert make_citation(1, Passage(chunk, 1.0), "Dit heet symbiose.").page == "8"
    assert Chunk.from_record(chunk.id, chunk.text, chunk.metadata()) == chunk  # as stored


def test_a_text_file_with_form_feeds_is_read_page_by_page(tmp_path):
    """Text extracted from a PDF (pdftotext) ends every page with a form feed: citations name
    the page, page numbers and the running header at the pages' edges are dropped."""
    from assistant.extractive import make_citation
    from assistant.types import Passage

    bodies = [("1. Inleiding\n\nScholen werken samen met het samenwerkingsverband. Een leerling "
               "kan een deel van de\nlessen volgen op een"),
              ("reguliere school. Dit heet symbiose.\n\n2. Regels\n\nDe scholen leggen dat vast "
               "in een overeenkomst."),
              "",  # a blank page keeps its number
              "3. Vervoer\n\nDe gemeente betaalt het leerlingenvervoer in 2026."]
    pages = [f"Handboek samenwerking\n\n{body}\n\n{n}\n" for n, body in enumerate(bodies, 1)]
    path = tmp_path / "handboek.txt"
    path.write_text("\f".join(pages) + "\f", encoding="utf-8")
    raw = read_document(path)
    assert [p.number for p in raw.pages] == [1, 2, 3, 4]
    st = _structured(path)
    assert "Handboek samenwerking" not in st.text and "\n3\n" not in st.text
    sentence = "Een leerling kan een deel van de lessen volgen op een reguliere school."
    assert sentence in st.text
    chunks = split_into_chunks(st, "handboek.txt", "Handboek")
    first = next(c for c in chunks if sentence in c.text)
    assert first.page_of(sentence) == "1-2"
    last = next(c for c in chunks if "leerlingenvervoer" in c.text)
    quote = "De gemeente betaalt het leerlingenvervoer in 2026."
    assert (make_citation(1, Passage(last, 1.0), quote).page, last.section) == ("4", "3 Vervoer")
    # without form feeds (or with one page only) a text file is one page without a number
    for text in (pages[0], pages[0] + "\f"):
        path.write_text(text, encoding="utf-8")
        assert [p.number for p in read_document(path).pages] == [None]


def test_a_short_word_with_a_full_stop_does_not_start_a_list_item():
    text = ("Het is nodig te weten wat de ondersteuningsbehoefte\nis. Betrek hierbij de ouders.\n"
            "a. Een echt lijstitem\nii. Nog een lijstitem\n")
    st = structure(drop_furniture(page_lines([Page(None, None, text)])), "txt")
    assert [b.kind for b in st.blocks] == ["para", "item", "item"]
    assert st.blocks[0].text.endswith("ondersteuningsbehoefte is. Betrek hierbij de ouders.")

def test_werkagenda_section_paths():
    st = _structured(CORPUS / "werkagenda-route-naar-inclusief-onderwijs-2035.txt")
    chunks = split_into_chunks(st, "werkagenda.txt", "Werkagenda")
    paths = {c.section for c in chunks}
    assert ("9 Werkagenda route naar inclusief onderwijs 2035 > 9.4 Regelruimte creëren in "
            "leerpad en ontwikkeling > 9.4.1 Landelijke maatregelen/acties") in paths
    # a numbered list inside section 8 is not taken for chapter headings
    assert not any(p and p.startswith("1 Toerusten") for p in paths)


def test_headings_set_over_two_or_three_lines():
    text = ("Intro zin die eindigt met een punt.\n\n"
            "Werk samen aan een gedeelde visie die\nconcrete meerwaarde oplevert\n\n"
            "Een heldere visie met gezamenlijke uitgangspunten zorgt voor\n"
            "gedeeld eigenaarschap. Dat vraagt inzet.\n\n"
            "Telefoonnummer: 06 12 38 41 75\nEmail: iemand@example.org\n\n"
            "Meer tekst over iets anders dat hier\nook gewoon doorloopt.\n")
    st = structure(drop_furniture(page_lines([Page(None, None, text)])), "txt")
    headings = [b.text for b in st.blocks if b.kind == "heading"]
    assert headings == ["Werk samen aan een gedeelde visie die concrete meerwaarde oplevert"]


def test_handreiking_tips_have_their_own_sections():
    st = _structured(CORPUS / "handreiking-ontwikkelagenda-inclusiever-onderwijs.txt")
    chunks = split_into_chunks(st, "handreiking.txt", "Handreiking")
    visie = [c for c in chunks if "Een heldere visie met gezamenlijke uitgangspunten" in c.text]
    assert visie and visie[0].section == ("Werk samen aan een gedeelde visie die concrete "
                                          "meerwaarde oplevert")


def test_a_numbered_run_right_under_a_heading_is_its_items():
    text = ("Een inleiding die eindigt met een punt.\n\n"
            "3 tips voor de aanvraag\n\n"
            "1. Beschrijf het experiment\n\nBeschrijf welke leerlingen het betreft.\n\n"
            "2. Laat zien hoe het werkt\n\nBeschrijf hoe leerlingen meedoen.\n\n"
            "Een ander onderwerp\n\nTekst over iets anders dat hier doorloopt.\n\n"
            "1. Eerste punt van een nieuwe lijst\n\nMet tekst eronder die doorloopt.\n")
    st = structure(drop_furniture(page_lines([Page(None, None, text)])), "txt")
    paths = [path for _, path in st.sections]
    assert "3 tips voor de aanvraag > 1 Beschrijf het experiment" in paths
    assert "3 tips voor de aanvraag > 2 Laat zien hoe het werkt" in paths
    # body text between a heading and "1." keeps the numbered run on its own level
    assert not any(p.startswith("Een ander onderwerp >") for p in paths)


def test_markdown_headings_become_section_paths():
    st = _structured(CORPUS / "inspectie-samenwerking-regulier-speciaal-onderwijs-2025.md")
    chunks = split_into_chunks(st, "inspectie.md", "Inspectie")
    symbiose = [c for c in chunks if "60% van het lesprogramma" in c.text]
    assert symbiose and symbiose[0].section.endswith("Wet- en regelgeving > Symbiose")


@pytest.mark.parametrize("target", [300, 900, 1500])
def test_chunks_point_at_their_text_and_cover_the_sentences(target):
    st = _structured(CORPUS / "simea-toolkit-inclusief-onderwijs-tos-vo.txt")
    chunks = split_into_chunks(st, "simea.txt", "Siméa", ChunkParams(target_chars=target))
    assert len({c.id for c in chunks}) == len(chunks)
    for prev, cur in zip(chunks, chunks[1:]):
        assert prev.end <= cur.start  # in order, never overlapping
    for c in chunks:
        assert st.text[c.start:c.end] == c.text
        assert len(c.text) <= max(target, ChunkParams().max_chars) * 2
        units = split_into_units(c)
        assert units and all(0 <= s < e <= len(c.text) for s, e in units)
    covered = "".join(c.text for c in chunks)
    assert len(covered) > 0.95 * len(st.text.replace("\n", ""))  # nothing important dropped
