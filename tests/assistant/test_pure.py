"""Pure functions of the ask flow: sentences, fusion, query building, checks, glossary."""

from __future__ import annotations

import pytest

from assistant import answer_type
from assistant.checker import differences, extract_statement, strip_attribution
from assistant.citations import invalid_citations, markers
from assistant.index import rrf
from assistant.query import build_query, condense, follow_up_of, is_follow_up
from assistant.text import asking_sentences, contains_verbatim, match_key, split_sentences
from assistant.types import Chunk, Citation, Passage, Turn
from ingest.chunking import in_context
from ingest.glossary import build_glossary, derive


class WordsIndex:
    """What the extractive answerer asks of an index, with every word as rare as the next: the
    question's words (``terms``, or else all its stems) and nothing about the documents."""

    def __init__(self, terms: list[str] | None = None):
        self.terms = terms

    def query_terms(self, text):
        from assistant.lexical import analyze

        return list(self.terms) if self.terms is not None else analyze(text)

    def idf(self, term):
        return 1.0

    def doc_meta(self, doc):
        return {"title": "Doc"}

    def repeated(self, sentence):
        return 1

    def about_document(self, chunk_id):
        return False


def test_sentences_respect_abbreviations_numbers_and_lists():
    text = ("Dit geldt bijv. voor het vso. Zie 9.4.1. Landelijke maatregelen! Wat nu?\n"
            "\uf0b7 Voorjaar 2027: Wetsvoorstel wordt ingediend\n\uf0b7 Voorjaar 2029: "
            "Inwerkingtreding\n1. Eerste punt. Tweede zin.")
    assert split_sentences(text) == [
        "Dit geldt bijv. voor het vso.", "Zie 9.4.1. Landelijke maatregelen!", "Wat nu?",
        "Voorjaar 2027: Wetsvoorstel wordt ingediend", "Voorjaar 2029: Inwerkingtreding",
        "1. Eerste punt.", "Tweede zin."]


def test_an_address_ends_its_sentence_without_a_full_stop():
    # the toolkit as extracted: a contact's e-mail address, then the next paragraph's sentence
    text = ("Telefoonnummer: 06 19 35 20 51 Email: m.stassen@auris.nl Het Steunpunt is in 2025 "
            "gestart. Zie https://simea.nl/passend Het traject loopt. Mail naar a@b.nl of bel. "
            "Kijk op www.simea.nl. Daar staat het.")
    assert split_sentences(text) == [
        "Telefoonnummer: 06 19 35 20 51 Email: m.stassen@auris.nl",
        "Het Steunpunt is in 2025 gestart.", "Zie https://simea.nl/passend", "Het traject loopt.",
        "Mail naar a@b.nl of bel.", "Kijk op www.simea.nl.", "Daar staat het."]


def test_a_footnote_marker_glued_to_a_word_is_no_part_of_it():
    from assistant.lexical import analyze, words

    # the werkagenda as extracted: "zoals de LEA13 of het OOGO14." (footnotes 13 and 14)
    assert words("zoals de LEA13 of het OOGO14.") == ["zoals", "de", "lea", "13", "of", "het",
                                                      "oogo", "14"]
    glued = analyze("aan de Onderwijs-Zorg-tafel11.")
    assert set(analyze("aan de Onderwijs-Zorg-tafel")) < set(glued)
    assert words("collega’s en AD'ers") == ["collega's", "en", "ad'ers"]


def test_verbatim_folds_layout_not_words():
    text = "de cluster 2-\nondersteuning en het onder-\nwijs \uf0b7 ‘Het Wenkend Perspectief’"
    assert contains_verbatim(text, "cluster 2- ondersteuning en het onderwijs")
    assert contains_verbatim(text, "'Het Wenkend Perspectief'")
    assert not contains_verbatim(text, "cluster 3- ondersteuning")
    assert match_key("a  b\n c") == "a b c"


def test_rrf_rewards_agreement():
    fused = rrf({"dense": ["a", "b", "c"], "lexical": ["c", "a", "d"]}, {}, k=60)
    assert [cid for cid, _, _ in fused][:2] == ["a", "c"]
    assert fused[0][2] == {"dense": 1, "lexical": 2}
    weighted = rrf({"dense": ["a"], "lexical": ["b"]}, {"lexical": 2.0}, k=60)
    assert weighted[0][0] == "b"


def test_a_short_chunk_gives_way_to_a_longer_one_it_barely_beats():
    from assistant.index import _short_last

    def chunk(cid, text):
        return Chunk(cid, "d.txt", "D", text, None, 0, len(text), 0)

    title = "Beleidsregel Inclusieve Leeromgeving\n\nVoorbeelden en tips bij de aanvraag."
    tips = "3 tips voor de aanvraag. " + "Beschrijf concreet welke leerlingen meedoen. " * 8
    chunks = {"title": chunk("title", title), "tips": chunk("tips", tips)}
    fused = rrf({"dense": ["title", "tips"], "lexical": ["title", "tips"]}, {}, k=60)
    assert [c for c, _, _ in _short_last(fused, chunks, 200, 0.8)] == ["tips", "title"]
    far_ahead = rrf({"dense": ["title", "x", "y", "tips"]}, {}, k=1)  # 1/2 against 1/5
    assert _short_last(far_ahead, chunks, 200, 0.8)[0][0] == "title"


def test_query_expands_abbreviations_and_repairs_typos():
    glossary = {"swv": "samenwerkingsverband", "d/sh": "doof slechthorend", "tlv": "toelaat"}
    vocab = {"experimenteerplan", "samenwerkingsverband"}

    def correct(tokens):
        return ["experimenteerplan" if t == "expirimenteerplan" else t for t in tokens]

    q = build_query("Moet het SWV instemmen met het expirimenteerplan voor D/SH?", glossary,
                    correct)
    assert "samenwerkingsverband" in q.terms and "experimenteerplan" in q.terms
    assert "doof slechthorend" in q.expansions and "toelaat" not in q.expansions
    assert "samenwerkingsverband" in q.dense and vocab


def test_unknown_compounds_are_searched_by_their_parts():
    from assistant.lexical import LexicalIndex

    lex = LexicalIndex(["c1", "c2"], [
        "De inspectie kijkt naar de norm voor toetsen.",
        "Zorg voor elke leerling; een verklaring van toelaatbaarheid."])
    parts = lex.compound_parts(["inspectienorm", "zorgleerling", "toelaatbaarheidsverklaring",
                                "inspectie", "fietsbel"])
    assert parts == ["inspectie", "norm", "zorg", "leerling", "toelaatbaarheid", "verklaring"]
    q = build_query("Wat zegt de inspectienorm?", {}, lex.correct, lex.compound_parts)
    assert {"inspectienorm", "inspectie", "norm"} <= set(q.terms)
    assert lex.search(q.terms, 2)[0][0] == "c1"


def test_typo_repair_leaves_real_words_alone_and_finds_their_lemma():
    from assistant.lexical import LexicalIndex

    lex = LexicalIndex(["c1", "c2", "c3"], [
        "Het samenwerkingsverband bepaalt wie het onderwijs mag betalen.",
        "Scholen mogen een leerling niet zonder meer weigeren; de leerling is ingeschreven.",
        "Ondersteuning in de klas staat in het ondersteuningsplan."])
    # a Dutch word the corpus lacks is no typo of a corpus word one letter away
    assert lex.correct(["uitgeschreven", "directie"]) == ["uitgeschreven", "directie"]
    # its lemma, where the corpus has that
    assert lex.correct(["betaalt", "weigert"]) == ["betalen", "weigeren"]
    # a word no Dutch word list has is a typo; a compound of corpus words is split, not repaired
    assert lex.correct(["samenwerkingsverbnd"]) == ["samenwerkingsverband"]
    assert lex.correct(["ondersteuningsklas"]) == ["ondersteuningsklas"]  # not "…plan"
    assert lex.compound_parts(["ondersteuningsklas"]) == ["ondersteuning", "klas"]


def test_a_word_is_known_in_another_form_but_a_compound_only_whole():
    from assistant.lexical import LexicalIndex

    text = "Beslissingen over integratieklassen en thuiszitters; het onderwijs thuis."
    lex = LexicalIndex(["c1"], [text])
    for word in ("integratieklas", "thuiszitter", "beslist", "thuiszittres", "onderwijs"):
        assert lex.knows(word), word
    for word in ("thuisonderwijs", "zomervakantie", "dyslexie"):
        assert not lex.knows(word), word


def test_follow_ups_are_condensed_with_the_previous_subject():
    history = [Turn("Tot wanneer loopt de experimenteerregeling?", "...",
                    "Tot wanneer loopt de experimenteerregeling?")]
    assert is_follow_up("en wie betaalt dat?")
    assert is_follow_up("geldt dat ook voor het vo?")
    assert condense("en wie betaalt dat?", history).endswith("(Tot wanneer loopt de "
                                                               "experimenteerregeling?)")
    standalone = "Welke aanbevelingen doet de inspectie aan schoolbesturen over symbiose?"
    assert not is_follow_up(standalone)
    assert condense(standalone, history) == standalone
    assert condense("en wie betaalt dat?", []) == "en wie betaalt dat?"
    # what the follow-up itself asks can be told apart again
    assert follow_up_of(condense("en wie betaalt dat?", history)) == "en wie betaalt dat?"
    assert follow_up_of(standalone) is None
    assert follow_up_of("Waarom doen de leraren (AOb, CNV) niet mee?") is None
    assert follow_up_of("En dan? (Waarom doen de leraren (AOb, CNV) niet mee?)") == "En dan?"


@pytest.mark.parametrize("question", [
    "Is er een regio die daar al mee aan de slag is gegaan?",  # "die" binds "regio", not "daar"
    "Gaat die begeleider dan vooral apart met hem aan de slag?",
    "Moet hij dan worden uitgeschreven bij de so-school?",
    "Andere ouders zeggen dat het ten koste gaat van hun kinderen. Klopt dat?",
    "Is het gemeten dat leerlingen er beter van worden, of is dat alleen een gevoel?",
    "Wie betaalt het dan meestal wel?",  # short, and it names nothing
    "Wat zijn de voorwaarden?",  # short, and "de" points at something said before
    "Wat is de rol van het samenwerkingsverband daarin?",  # a name, but "daarin" points back
    "Hoe zit dat bij het so?",  # a question word and a verb, then "dat"
    "Wat gebeurt er op dat moment met de tlv?",  # "dat moment" is one said before
])
def test_a_question_that_points_back_is_a_follow_up(question):
    assert is_follow_up(question)


@pytest.mark.parametrize("question", [
    # the question names what its "daar", "ze", "die", "haar" point at
    "Wat is een nevenvestiging en wie moet daar toestemming voor geven?",
    "Mijn dochter heeft TOS. Kan ze naar een gewone middelbare school?",
    "Hoe vraag ik een vrijstelling aan voor mijn zoon die niet naar school kan?",
    "Waarom presenteert Siméa haar adviezen niet als harde eisen?",
    # "dat" opens a clause here, it points at nothing
    "Klopt het dat de inspectie in 2023 een themaonderzoek deed?",
    "Ik heb het gevoel dat school beslist zonder ons. Wat kunnen we doen?",
    # short, but it names its subject: a definition, an abbreviation, a name, a claim
    "Wat is symbiose?",
    "Wat is de rol van het swv?",
    "wat is de beleidsregel inclusieve leeromgving?",  # a name of several words, a typo too
    "Wat doet Siméa?",
    "Klopt het dat de inspectie toezicht houdt?",
    "Hoeveel thuiszitters zijn er op dit moment in Nederland?",  # "dit moment" is now
    # "is dat" after the question introduced its own subject ("een vo-school")
    "Ik ben mentor op een vo-school met twee leerlingen met TOS. Is dat een probleem?",
])
def test_a_question_that_names_its_own_subject_is_no_follow_up(question):
    history = [Turn("Tot wanneer loopt de experimenteerregeling?", "...",
                    "Tot wanneer loopt de experimenteerregeling?")]
    assert not is_follow_up(question)
    assert condense(question, history) == question


@pytest.mark.parametrize("question, expected", [
    ("Kan ik dit citeren: 'Er mag in principe 60% van het lesprogramma op de andere school "
     "worden gevolgd.'?", "Er mag in principe 60% van het lesprogramma op de andere school "
                         "worden gevolgd."),
    ("Klopt het dat de inspectie in 2023/2024 een themaonderzoek doet naar samenwerking?",
     "de inspectie in 2023/2024 een themaonderzoek doet naar samenwerking"),
    ("Is het waar dat de inspectie in 2023/2024 een themaonderzoek doet?",
     "de inspectie in 2023/2024 een themaonderzoek doet"),
    ("Staat er in de werkagenda dat het wetsvoorstel in 2027 wordt ingediend?",
     "het wetsvoorstel in 2027 wordt ingediend"),
    ("Is het waar dat mijn dochter recht heeft op een tolk?", None),
    ("Driegang werkt met twee regio's. Wat was het verschil tussen die regio's in aanpak?", None),
    ("Klopt het dat mijn zoon op het vso minder begeleiding krijgt? Waarom is dat zo?", None),
    ("Wat is symbiose?", None),
    # a short claim is checked when it states a number; without one it is a question
    ("Klopt het dat er zes samenwerkingsvormen zijn?", "er zes samenwerkingsvormen zijn"),
    ("Klopt het dat OCW 30 scholen ondersteunt?", "OCW 30 scholen ondersteunt"),
    ("Klopt het dat de beleidsregel bestaat?", None),
    ("Klopt het dat dat zo is?", None),
    # apostrophes inside words and a quote inside the quote do not end it
    ("Ik wil dit citeren: 'De AD’er helpt collega’s met de ‘routekaart’ van de regio.' Kan dat?",
     "De AD’er helpt collega’s met de ‘routekaart’ van de regio."),
    ("In een notitie staat: “‘Onderwijs en ontwikkeling’ is één van de zes levensdomeinen.” "
     "Klopt dat?", "‘Onderwijs en ontwikkeling’ is één van de zes levensdomeinen."),
])
def test_statements_to_check_are_recognised(question, expected):
    assert extract_statement(question) == expected


def test_differences_name_the_changed_fact():
    doc = ("Ongeveer een derde van de schoolleiders geeft aan een symbioseovereenkomst te "
           "hebben opgesteld.")
    assert differences("ongeveer de helft van de schoolleiders een symbioseovereenkomst heeft "
                       "opgesteld", doc) == [("helft", "een derde")]
    assert differences("Kentalis is in 2024 gestart met een vergelijking",
                       "Auris is in 2024 gestart met het maken van een vergelijking") == [
        ("Kentalis", "Auris")]
    assert differences("het rapport verschijnt eind 2025", "Het rapport wordt eind 2024 "
                                                          "gepubliceerd.") == [("2025", "2024")]
    assert differences("Er mag 60% worden gevolgd", "Er mag 60% worden gevolgd.") == []
    # "een leerling" / "leerlingen": the same actor in another number is no difference
    assert differences("een leerling bij symbiose maximaal 40% van het lesprogramma op de "
                       "reguliere school mag volgen",
                       "Bij symbiose volgen leerlingen die staan inschreven bij een school voor "
                       "gespecialiseerd onderwijs een deel van het onderwijs op een reguliere "
                       "school. Er mag in principe 60% van het lesprogramma op de andere school "
                       "worden gevolgd.") == [("maximaal", "in principe"), ("40%", "60%")]
    assert differences("met jongeren en hun leraren/verzorgers", "met jongeren en hun "
                       "ouders/verzorgers") == [("leraren/verzorgers", "ouders/verzorgers")]
    assert differences("Dit wordt door OCW uitgedragen.", "Dit wordt door VWS uitgedragen.") == [
        ("OCW", "VWS")]
    assert differences("De route is een bezuiniging.", "De route is geen bezuiniging.") == [
        ("bezuiniging", "geen bezuiniging")]
    assert differences("De leraar doet het niet alleen.", "De leraar doet het alleen.") == [
        ("niet alleen", "alleen")]
    assert differences("Dat geldt niet alleen voor het po, maar ook voor het vo.",
                       "Dat geldt voor het po, maar ook voor het vo.") == []
    assert differences("Scholen moeten dat vastleggen.", "Scholen mogen dat vastleggen.") == [
        ("moeten", "mogen")]
    assert differences("Scholen kunnen dat vastleggen.", "Scholen mogen dat vastleggen.") == []
    # how often or how exactly: "altijd" is no "in principe", "ruim" no "bijna"
    symbiose = ("Er mag in principe 60% van het lesprogramma op de andere school worden gevolgd. "
                "Er zijn geen eisen gesteld aan de periode.")
    assert differences("er mag altijd 60% van het lesprogramma op de andere school worden "
                       "gevolgd", symbiose) == [("altijd", "in principe")]  # not "geen"
    assert differences("Ruim twee derde van de schoolleiders", "Bijna twee derde van de "
                       "schoolleiders") == [("Ruim", "Bijna")]
    assert differences("Er mag maximaal 60% worden gevolgd.",
                       "Er mag hoogstens 60% worden gevolgd.") == []  # the same
    assert differences("Steeds meer leerlingen gaan naar het regulier onderwijs.",
                       "Meer leerlingen gaan naar het regulier onderwijs.") == []
    assert strip_attribution("Uit het inspectieonderzoek blijkt dat X doet Y") == "X doet Y"


def _passage(text: str, cid: str = "c1") -> Passage:
    return Passage(Chunk(cid, "d.txt", "Doc", text, None, 0, len(text), 0), 1.0)


def test_citation_validation_catches_invented_markers_and_quotes():
    p = _passage("Er mag in principe 60% van het lesprogramma worden gevolgd. Tweede zin.")
    good = Citation(1, "c1", "d.txt", "Doc", None, None, "Er mag in principe 60% van het "
                                                          "lesprogramma worden gevolgd.")
    assert invalid_citations("Zestig procent [1].", [good], [p]) == []
    bad = Citation(1, "c1", "d.txt", "Doc", None, None, "Er mag 70% worden gevolgd.")
    assert invalid_citations("Zo staat het er [1] [2].", [bad], [p]) == [
        "marker [2] has no citation", "citation [1] quote is not verbatim in chunk c1"]
    assert markers("a [2] b [1] c [2]") == [2, 1]


def test_glossary_is_derived_from_definitions_in_the_text():
    text = ("Leerlingen met een taalontwikkelingsstoornis (TOS) en het Integraal "
            "Huisvestingsplan (IHP). Ook VO Lelystad (VO) is geen definitie.")
    found = derive([text])
    assert found["tos"] == "taalontwikkelingsstoornis"
    assert found["ihp"] == "integraal huisvestingsplan"
    assert "vo" not in found
    assert build_glossary([text])["swv"].startswith("samenwerkingsverband")


def test_quotes_are_statements_shown_once_and_whole():
    from assistant.config import AnswerSettings
    from assistant.extractive import Candidate, ExtractiveAnswerer, _quotable
    from assistant.text import indented as _lines
    from assistant.text import quoted as _quoted

    assert not _quotable("https://a.nl/x https://b.nl/y https://c.nl/z")
    assert not _quotable("2 wetten.nl - Regeling - Verdrag inzake de rechten van het kind - "
                         "BWBV0002508 (overheid.nl)")
    assert _quotable("Meer informatie staat op de website van de inspectie.")
    assert not _quotable("Verdrag inzake de rechten van het kind (New York, 20-11-")
    assert not _quotable("**Leerlingen met en zonder extra ondersteuningsbehoeften krijgen...**")
    assert not _quotable("**Figuur 3** Beschrijving van de mate waarin leerlingen samen leren")
    assert _quotable("Er mag in principe 60% van het lesprogramma elders worden gevolgd.")
    assert not _quotable("Voldoende financiële middelen")  # a label, not a statement
    assert not _quotable("PRAKTIJK- VOORBEELD MEDIUMSETTING (GROEP IN SCHOOL)")  # capitals only
    assert _quotable("Voorjaar 2027: Wetsvoorstel wordt ingediend")
    assert _quotable("De school beslist.")
    assert not _quotable("© Inspectie van het Onderwijs | april 2025")  # the colofon's
    # cut off on a word no sentence ends on (the werkagenda's PDF, before its footnotes)
    assert not _quotable("Tevens moeten scholen beschrijven welke")
    assert not _quotable("aantal thuiszitters, wachtlijsten, het")
    assert _quotable("leerlingen die doof of slechthorend (D/SH) zijn")  # a list item
    assert _quotable("Elke jongere hoort er bij")  # a particle ends a clause
    # names or a table's header, no statement; a label with a colon is one
    assert not _quotable("Bijlages Bijlage 1 Tijdpad landelijke maatregel Fase 1 Fase 2 Fase 3")
    assert not _quotable("VierTaal College Amsterdam & PRO ROC Amsterdam")
    assert not _quotable(">> Kentalis College Arnhem & Arentheem College Arnhem (Leerpark Arnhem, "
                         "vmbo)")
    assert _quotable("Actienemer(s): OCW, VNG, PO-Raad en VO-raad")
    assert not _quotable("**Integratie bij verschillende soorten vakken**")  # a bold title
    # a pointer to the page's layout says nothing without the page
    assert not _quotable("De praatplaat vind je hiernaast")
    assert not _quotable("Onderstaand schema laat een aantal praktijkvoorbeelden zien.")
    assert not _quotable("Klik op de pijltjes om meer te lezen over elk voorbeeld.")
    assert _quotable("We noemen hieronder de belangrijkste afspraken die gemeenten en "
                     "samenwerkingsverbanden over het leerlingenvervoer maken.")
    # ... as does a person to call without the number or address; one that leads into them
    # ("…:") stays
    assert not _quotable("Bel of mail Erik Schraven")
    assert _quotable("Bel of mail dan met Suzanne Pronk:")
    assert _quotable("Mail de school bij vragen.")
    assert _quoted("“Bij de bouw is samengewerkt.”") == "“Bij de bouw is samengewerkt.”"
    assert _quoted("Zo is het gegaan.”") == "“Zo is het gegaan.”"
    assert _quoted("**“Dat kost geld.”**") == "**“Dat kost geld.”**"  # emphasis around it
    assert _lines("zes lijnen:\n\nToerusten\nNormaliseren", "> ") == (
        "zes lijnen:\n> Toerusten\n> Normaliseren")

    # the same sentence stands in two places; the quote that carries it on replaces it
    long = "Steeds meer leerlingen gaan naar een gewone school. Daarom zijn er minder vso-plekken."
    short = "Daarom zijn er minder vso-plekken."
    a = Passage(Chunk("a", "d.txt", "Doc", long, None, 0, len(long), 0), 1.0)
    b = Passage(Chunk("b", "d.txt", "Doc", short, None, 500, 500 + len(short), 3), 0.9)
    answerer = ExtractiveAnswerer(AnswerSettings(), index=None)
    chosen = answerer.select([Candidate(b, 1, 0, len(short), 1.0),
                              Candidate(a, 0, 0, long.index(" Daarom"), 0.9)])
    assert [c.text for c in chosen] == [long]

    # an answer leads with its best quote; the rest of its document follows in reading order
    from assistant.extractive import display_order

    text = "Bij symbiose volgen leerlingen lessen elders. Er mag 60% worden gevolgd. Zo is het."
    rule = text.index("Er")
    p = Passage(Chunk("p", "i.md", "Inspectie", text, "Symbiose", 0, len(text), 1), 1.0)
    q = Passage(Chunk("q", "i.md", "Inspectie", "Inleiding over samenwerking.", None, 0, 30, 0),
                0.5)
    r = Passage(Chunk("r", "w.txt", "Werkagenda", "Fase 2 loopt tot 2025.", None, 0, 22, 5), 0.8)
    best_first = [Candidate(p, 0, rule, text.index(" Zo"), 1.0),
                  Candidate(r, 1, 0, 22, 0.9),
                  Candidate(p, 0, 0, rule - 1, 0.8),
                  Candidate(q, 2, 0, 28, 0.7),
                  Candidate(p, 0, text.index("Zo"), len(text), 0.6)]
    shown = display_order(best_first)
    assert [(c.passage.chunk.id, c.start) for c in shown] == [
        ("p", rule), ("p", 0), ("p", text.index("Zo")), ("q", 0), ("r", 0)]
    # ... unless that quote says nothing on the question: then the best one that does leads
    answerer = ExtractiveAnswerer(AnswerSettings(), WordsIndex())
    shown = display_order(best_first, answerer._on_point("Hoe lang loopt fase 2?"))
    assert [(c.passage.chunk.id, c.start) for c in shown] == [
        ("r", 0), ("p", rule), ("p", 0), ("p", text.index("Zo")), ("q", 0)]
    # the heading a quote stands under speaks for it ("Symbiose" over "Er mag 60% …")
    shown = display_order(best_first, answerer._on_point("Hoeveel mag bij symbiose?"))
    assert (shown[0].passage.chunk.id, shown[0].start) == ("p", rule)
    # a follow-up joined with its subject: its own words decide, not the subject's
    shown = display_order(best_first, answerer._on_point(
        "En hoe lang loopt fase 2? (Hoeveel mag bij symbiose?)"))
    assert (shown[0].passage.chunk.id, shown[0].start) == ("r", 0)
    shown = display_order(best_first, answerer._on_point(
        "En dan? (Hoeveel mag bij symbiose?)"))  # no words of its own: the subject's
    assert (shown[0].passage.chunk.id, shown[0].start) == ("p", rule)
    # a document's own question holds the words and says nothing: it does not open the answer
    asks = "Hoe lang loopt fase 2 eigenlijk?"
    s = Passage(Chunk("s", "w.txt", "Werkagenda", asks, None, 0, len(asks), 4), 0.9)
    shown = display_order([Candidate(s, 0, 0, len(asks), 1.0), *best_first],
                          answerer._on_point("Hoe lang loopt fase 2?"))
    assert [c.passage.chunk.id for c in shown][:2] == ["r", "s"]

    # a quote keeps the sentence after it that says what it means by example
    from assistant.extractive import _with_continuation

    text = ("Het is belangrijk dat de huisvesting over de juiste voorzieningen beschikt. Dan gaat "
            "het bijvoorbeeld om een rustige en prikkelarme ruimte. Bijna twee derde heeft die.")
    first = text.index(" Dan")
    c = Passage(Chunk("c", "d.txt", "Doc", text, None, 0, len(text), 0), 1.0)
    assert _with_continuation(Candidate(c, 0, 0, first, 1.0)).text == text[:text.index(" Bijna")]
    second = text.index("Bijna")  # a sentence that opens otherwise is a quote of its own
    assert _with_continuation(Candidate(c, 0, first + 1, second - 1, 1.0)).end == second - 1

    # a sentence that points back goes with the one it points at, either way, in one paragraph
    text = ("De principes gelden ook voor D/SH-leerlingen. Voor deze leerlingen zijn wel "
            "aanvullende voorwaarden nodig. Bekijk de brochure.\n\nDeze toolkit is gemaakt door "
            "Siméa. Dit is een eerste versie.")
    c = Passage(Chunk("c", "d.txt", "Doc", text, None, 0, len(text), 0), 1.0)
    rule, brochure = text.index("Voor deze"), text.index(" Bekijk")
    pair = text[:brochure]
    assert _with_continuation(Candidate(c, 0, 0, rule - 1, 1.0)).text == pair
    assert _with_continuation(Candidate(c, 0, rule, brochure, 1.0)).text == pair
    toolkit = text.index("Deze toolkit")  # after a blank line, and about the document itself
    alone = _with_continuation(Candidate(c, 0, toolkit, text.index(" Dit is"), 1.0))
    assert alone.start == toolkit and alone.text.endswith("Dit is een eerste versie.")
    assert _with_continuation(Candidate(c, 0, brochure + 1, toolkit - 2, 1.0)).text == (
        "Bekijk de brochure.")

    # pronouns and "hier-/daar-" words point back too ("Ze geven aan …", "Hiervoor is …"); a
    # word that only begins like one does not ("Zijn er …", "Zonder …")
    from assistant.extractive import _points_back

    for opener in ("Ze geven aan", "Zij krijgen", "Hierbij valt", "Daarvoor is", "Daarna",
                   "Dezelfde leerlingen", "Hier leven zorgen over"):
        assert _points_back(f"{opener} dat het werkt."), opener
    for opener in ("Zijn er", "Zonder", "Hiernaast staat", "Daarnaast is er"):
        assert not _points_back(f"{opener} plannen voor."), opener

    # the list after a colon stops at the document's furniture
    text = ("Bel of mail dan met Maaike:\n\nTelefoon: 06 12 34 56 78.\n\nZij zorgt dan dat je "
            "met de juiste persoon in contact komt.")
    c = Passage(Chunk("c", "d.txt", "Doc", text, None, 0, len(text), 0), 1.0)
    opener = Candidate(c, 0, 0, text.index("\n"), 1.0)
    assert _with_continuation(opener).text == text
    assert _with_continuation(opener, furniture=lambda s: s.startswith("Zij zorgt")).text == (
        text[:text.index("\n\nZij")])

    # a sentence of a quotation set in bold does not open the emphasis it cannot close
    from assistant.extractive import _balanced

    text = "Intro. **“Als je begint, kost het geld. Dus dat moet je willen.”** Verder."
    first, second, rest = text.index("**"), text.index("Dus"), text.index(" Verder")
    assert text[slice(*_balanced(text, first, second - 1))] == "“Als je begint, kost het geld."
    assert text[slice(*_balanced(text, second, rest))] == "Dus dat moet je willen.”"
    assert text[slice(*_balanced(text, first, rest))] == text[first:rest]  # both ends: kept

    # quotes that come to share a sentence are one quote: no sentence is quoted twice
    text = ("Scholen werken op veel manieren samen. Denk aan symbiose en klas-in-school. Dit "
            "vraagt goede afspraken. Ook de gemeente doet mee.")
    c = Passage(Chunk("c", "d.txt", "Doc", text, None, 0, len(text), 0), 1.0)
    example, town = text.index("Denk"), text.index(" Ook")
    chosen = answerer.select([Candidate(c, 0, example, text.index(" Dit"), 1.0),
                              Candidate(c, 0, 0, example - 1, 0.9)])
    assert [q.text for q in chosen] == [text[:town]]


@pytest.mark.parametrize("question, kind, focus, alone", [
    ("Hoeveel leerlingen zitten er in de Leerroute?", "count", "leerlingen", True),
    ("Op hoeveel uur ambulante begeleiding heeft een school recht?", "unit", "uur", True),
    ("Hoeveel extra taakuren krijg ik?", "unit", "taakuren", True),
    ("Hoeveel procent van het lesprogramma mag op de andere school?", "share", None, True),
    ("Wat kost een cursus over TOS?", "money", None, True),
    ("Hoeveel subsidie krijgt een school?", "money", None, True),
    ("Hoeveel bedraagt de bekostiging?", "money", None, True),
    ("Hoeveel van hun lessen mogen ze volgen, en voor hoe lang?", "count", None, False),
    ("Mag een leerling extra tijd krijgen? En hoeveel dan?", "count", None, False),
    ("Wat is symbiose, en hoeveel geld krijgt een school daarvoor?", "money", None, False),
    ("En hoeveel kost dat?", "money", None, True),  # a follow-up asks one thing
    # a number in a sentence that only gives context is not asked for
    ("Wij hebben 3 kinderen. Hoeveel scholen werken samen met het vso?", "count", "scholen",
     True),
])
def test_a_question_that_asks_how_many_or_how_much_wants_a_quantity(question, kind, focus,
                                                                    alone):
    assert answer_type.asked(question) == answer_type.Asked(kind, focus, alone)


@pytest.mark.parametrize("question", [
    "Wanneer mag een leerling naar het so?",  # "wanneer" is as often "on what condition"
    "Hoe lang blijft de deskundige in de klas?",  # answered in words: "tijdelijk of langer"
    "Wat is symbiose?",
])
def test_other_questions_want_no_quantity(question):
    assert answer_type.asked(question) is None


def test_a_quantity_must_be_of_the_asked_kind():
    leerlingen = answer_type.asked("Hoeveel leerlingen volgen de Leerroute?")
    assert answer_type.states("De Leerroute biedt onderwijs aan 132 leerlingen.", leerlingen)
    assert answer_type.states("Op zes basisscholen werken leerlingen samen.", leerlingen)
    # a year, a law article, a footnote number and a number about something else are not
    assert not answer_type.states("In 2035 volgen alle leerlingen inclusief onderwijs.",
                                  leerlingen)
    assert not answer_type.states("Leerlingen volgen les op grond van artikel 24.", leerlingen)
    assert not answer_type.states("12 Dan gaat het over leerlingen met een OPP.", leerlingen)
    assert not answer_type.states("De werkagenda heeft 6 actielijnen.", leerlingen)
    # the number counts them: it stands before them, not anywhere in the sentence
    scholen = answer_type.asked("Hoeveel scholen doen mee aan de beleidsregel?")
    assert answer_type.states("Bij 25 van de samenwerkingen en 58 reguliere scholen.", scholen)
    assert answer_type.states("Ruim twee derde van de deelnemende scholen doet mee.", scholen)
    assert not answer_type.states("Scholen die deelnemen kunnen als 1 school functioneren en "
                                  "groepen leerlingen mengen, terwijl alle scholen blijven "
                                  "bestaan.", scholen)
    assert not answer_type.states("Om andere scholen te inspireren hebben we de aanvragen "
                                  "onderverdeeld in vijf samenwerkingsvormen.", scholen)
    uur = answer_type.asked("Hoeveel uur per week zit hij op die andere school?")
    assert answer_type.states("Dit is voor de derdejaars 7 uur per week.", uur)
    assert not answer_type.states("Voor 7 leerlingen is er begeleiding per week.", uur)
    geld = answer_type.asked("Hoeveel geld is er beschikbaar voor extra ondersteuning?")
    assert answer_type.states("Daarvoor is € 2,5 miljoen beschikbaar gesteld.", geld)
    # zero is an amount too, in a sentence; a heading is no statement
    assert answer_type.states("In deze kabinetsperiode zijn er geen aanvullende middelen "
                              "beschikbaar.", geld)
    assert not answer_type.states("Geen vergoeding leerlingvervoer", geld)
    assert not answer_type.states("Er zijn 58 scholen onderzocht.", geld)
    assert answer_type.missing("Hoeveel geld is er?", ["Er zijn 58 scholen onderzocht."]) == geld
    assert answer_type.missing("Wat is symbiose?", ["Er zijn 58 scholen onderzocht."]) is None


@pytest.mark.parametrize("question, term", [
    ("Wat is symbiose?", "symbiose"),
    ("Wat is een OPP?", "OPP"),
    ("Wat betekent D/SH?", "D/SH"),
    ("Wat houdt de beleidsregel Inclusieve Leeromgeving in?",
     "beleidsregel Inclusieve Leeromgeving"),
    ("Wat wordt bedoeld met een tussenvoorziening?", "tussenvoorziening"),
    ("Wat is een geïntegreerde instroomgroep? Mijn zoontje is 4.", "geïntegreerde instroomgroep"),
    # the source the question names is no part of the term
    ("Wat verstaat de werkagenda onder inclusief onderwijs?", "inclusief onderwijs"),
    ("Wat is een nevenvestiging volgens het rapport?", "nevenvestiging"),
    # a second question joined to the first
    ("Wat is een TLV en wie vraagt die aan?", "TLV"),
    ("Wat betekent OPP, en wie stelt het op?", "OPP"),
    ("Wat is volgens de inspectie symbiose?", "symbiose"),
    ("Wat bedoelt de toolkit met TOS?", "TOS"),
    ("Wat wordt in de werkagenda verstaan onder thuisnabij onderwijs?", "thuisnabij onderwijs"),
    ("Wat is de rol van het swv volgens de werkagenda?", None),
    # a specific fact, a comparison, a follow-up: no question what a word means
    ("Wat is het tijdpad voor de wetswijziging?", None),
    ("Wat is de rol van het swv bij een TLV?", None),
    ("Wat is het verschil tussen symbiose en een nevenvestiging?", None),
    ("Wat betekent dat voor mijn zoon?", None),
    ("Wat is nodig?", None),  # no subject at all
    ("Wat zijn de 3 tips voor de aanvraag?", None),
    ("Wat is 60%?", None),  # a number, no word to explain
    ("Wat is 2035?", None),
])
def test_a_question_that_asks_what_a_word_means(question, term):
    assert answer_type.defined_term(question) == term


def test_a_definition_says_what_the_term_is():
    defines = answer_type.defines
    assert defines("Inclusief onderwijs is onderwijs waarbij alle kinderen samen leren.",
                   ["inclusief onderwijs"])
    assert defines("Bij symbiose volgen leerlingen een deel van het onderwijs elders.",
                   ["symbiose"])
    assert defines("Het doel van passend onderwijs is om leerlingen een plek te geven.",
                   ["passend onderwijs"])
    # written out: the abbreviation in brackets; or in the section the term heads
    assert defines("… voor jongeren met een taalontwikkelingsstoornis (TOS).", ["TOS"])
    assert defines("Een school kan een nevenvestiging starten.", ["nevenvestiging"],
                   "Wet- en regelgeving > Nevenvestiging")
    assert defines("Deze scholen bieden extra voorzieningen.", ["tussenvoorziening"],
                   "3 Tussenvoorzieningen/ondersteuningsklassen")
    # the term is one of two, stands later in the sentence, or the section only mentions it
    assert not defines("Passend onderwijs en inclusief onderwijs zijn nauw verbonden.",
                       ["inclusief onderwijs"])
    assert not defines("Op het Pro college in Nijmegen is een mediumsetting gerealiseerd.",
                       ["mediumsetting"])
    assert not defines("Inclusief onderwijs moet de norm worden.", ["inclusief onderwijs"],
                       "9.6 Normaliseren inclusief onderwijs")


def test_a_window_is_embedded_behind_its_section_path():
    chunk = Chunk("c", "d.txt", "T", "Tijdpad\n\nVoorjaar 2027: Wetsvoorstel wordt ingediend. "
                  "Voorjaar 2029: Inwerkingtreding.", "Wet- en regelgeving > Tijdpad", 0, 80, 0)
    start = chunk.text.index("Voorjaar")
    assert in_context(chunk, start, len(chunk.text)) == (
        "Wet- en regelgeving > Tijdpad: " + chunk.text[start:])
    # a window that starts with its own heading says what it is about already
    assert in_context(chunk, 0, len(chunk.text)) == chunk.text
    assert in_context(Chunk("c", "d.txt", "T", "Tekst.", None, 0, 6, 0), 0, 6) == "Tekst."


def test_a_claim_with_we_is_checked_when_the_documents_say_it_like_that():
    claim = "we moeten eerst een tijdje op weg zijn om de ambitie concreter te kunnen maken"
    question = f"Klopt het dat {claim}?"
    assert extract_statement(question) is None  # "we": about one's own case
    assert extract_statement(question, lambda text: text == claim) == claim  # the ministry's "we"
    assert extract_statement("Klopt het dat we dan zelf het vervoer moeten betalen?",
                             lambda text: False) is None


def test_a_citation_of_several_lines_keeps_them_under_its_number():
    c = Citation(1, "c1", "werkagenda.txt", "Werkagenda", "Tijdpad", "12",
                 "Voorjaar 2027: Wetsvoorstel wordt ingediend\nVoorjaar 2029: Inwerkingtreding")
    lines = c.render().splitlines()
    assert lines[0].startswith("[1] Werkagenda — Tijdpad — p. 12 — “Voorjaar 2027")
    assert lines[1] == "    Voorjaar 2029: Inwerkingtreding”"


@pytest.mark.parametrize("question, asking", [
    ("Wij wonen in Zwolle. Doet onze gemeente mee?", ["Doet onze gemeente mee?"]),
    # a context clause before a comma is context as well
    ("Mijn kind heeft autisme, kan hij naar een gewone school?",
     ["kan hij naar een gewone school?"]),
    ("Onze zoon zit op De Vlinder, mag hij bij symbiose lessen volgen?",
     ["mag hij bij symbiose lessen volgen?"]),
    # a sentence that opens with its question stays whole
    ("Wat is symbiose, en hoeveel geld krijgt een school daarvoor?",
     ["Wat is symbiose, en hoeveel geld krijgt een school daarvoor?"]),
    ("Klopt het dat symbiose 60% is, of is het meer?",
     ["Klopt het dat symbiose 60% is, of is het meer?"]),
    ("Symbiose", ["Symbiose"]),
])
def test_the_asking_part_of_a_question(question, asking):
    assert asking_sentences(question) == asking


def test_differences_compare_numbers_as_a_reader_does():
    # a number word is its digits, and "73.558" is one number
    assert differences("voor de twee scholen", "voor de 2 scholen.") == []
    assert differences("er stonden 80.000 leerlingen ingeschreven",
                       "er stonden 73.558 leerlingen ingeschreven.") == [("80.000", "73.558")]
    # a year pairs with a year, a count with a count
    assert differences("in 2023-2024 ongeveer 80.000 leerlingen",
                       "In 2023-2024 stonden er in totaal 73.558 leerlingen ingeschreven.") == [
        ("80.000", "73.558")]
    # "artikel 24" names an article; it is no share to compare "40%" with
    assert ("40%", "24") not in differences(
        "leerlingen volgen bij symbiose maximaal 40% op de reguliere school",
        "Bij symbiose volgen leerlingen op grond van artikel 24 van de wet een deel op een "
        "reguliere school.")
    # a share the passage states further on, in a sentence the match took in for it
    assert ("40%", "60%") in differences(
        "leerlingen bij symbiose maximaal 40% op de reguliere school volgen",
        "Bij symbiose volgen leerlingen op grond van artikel 24 een deel van het onderwijs op een "
        "reguliere school. Er mag in principe 60% van het lesprogramma op de andere school worden "
        "gevolgd.")
    # a part of what the passage names is no difference
    assert differences("leerlingen volgen les", "leerlingen school volgen les.") == []


def test_the_statement_s_numbers_and_headings_steer_which_sentence_is_compared():
    from assistant.checker import best_match

    text = ("Bij symbiose volgen leerlingen een deel van het onderwijs op een reguliere school. "
            "Er mag in principe 60% van het lesprogramma op de andere school worden gevolgd. "
            "Er zijn geen eisen gesteld aan de periode waarvoor de symbiose kan worden aangegaan.")
    chunk = Chunk("c", "d.txt", "T", text, "Wet- en regelgeving > Symbiose", 0, len(text), 0)
    m = best_match("bij symbiose mag in principe 60% van het lesprogramma op de andere school "
                   "gevolgd worden", [Passage(chunk, 1.0)], lambda t: 1.0)
    # the heading says the sentence is about symbiose: the next sentence (and its "geen") is
    # not needed to cover that word
    assert m.text.startswith("Er mag in principe 60%") and m.text.endswith("gevolgd.")


def test_a_reference_without_a_publisher_opens_with_the_title():
    cite = Citation(n=1, chunk_id="c", doc="d.txt", title="Beleidsregel", section="Tips",
                    page=3, quote="q", publisher="", year="2026")
    assert cite.reference() == "Beleidsregel (2026), Tips, p. 3."
    cite.publisher = "OCW"
    assert cite.reference() == "OCW (2026). Beleidsregel, Tips, p. 3."
    cite.year = ""  # the document states no date
    assert cite.reference() == "OCW (z.d.). Beleidsregel, Tips, p. 3."


def test_quotes_start_where_the_sentence_does():
    from assistant.config import AnswerSettings
    from assistant.extractive import ExtractiveAnswerer, _fragment, _starts_cleanly

    # a web address that a link's text left before the sentence is not quoted with it
    text = "https://simea.nl/passend-inclusiever Het traject in het vo moet flexibel zijn."
    assert text[_starts_cleanly(text, 0, len(text)):] == "Het traject in het vo moet flexibel zijn."
    text = "onderwijs Rijksoverheid.nl Tip/tool: Ga in gesprek over wat inclusief onderwijs is"
    assert text[_starts_cleanly(text, 0, len(text)):].startswith("Tip/tool: Ga in gesprek")
    text = "Zie www.example.nl voor meer informatie over de regeling."  # the address says it
    assert _starts_cleanly(text, 0, len(text)) == 0
    # the rest of a sentence that a footnote cut off is no quote; a list item after ":" is one
    cut = "zoals wachtlijsten, het\n\n9 statement.htm (fontys.nl)\n\naantal thuiszitters en meer."
    assert _fragment(cut, cut.index("aantal"))
    listed = "bevorderen voor:\n\nleerlingen met een TOS\nleerlingen die doof zijn"
    assert not _fragment(listed, listed.index("leerlingen"))
    assert not _fragment("- de school beslist\n- de ouders praten mee", 22)
    assert not _fragment("Tijdpad\n\nschooljaar 2024/2025: de regeling gaat in.", 9)  # a title
    # in an answer: a chapter title repeated on its page, the fragment and the address go
    body = ("4. De Ambulante dienstverlening verandert\n\n"
            "https://simea.nl/x Het ondersteuningstraject wordt met de ambulante dienst afgestemd."
            "\n\nwachtlijsten, het\n\n9 bron (fontys.nl)\n\n"
            "aantal thuiszitters bij de ambulante dienst daalt.")
    p = Passage(Chunk("c", "d.txt", "Doc", body, None, 0, len(body), 0), 1.0)

    quotes = [c.text for c in ExtractiveAnswerer(AnswerSettings(),
                                                 WordsIndex(["ambulant", "dienst"]))
              .candidates("Wat doet de ambulante dienst?", [p])]
    assert quotes == ["Het ondersteuningstraject wordt met de ambulante dienst afgestemd."]


def test_footnotes_are_quoted_one_by_one_with_their_number_in_the_location():
    from assistant.extractive import make_citation
    from assistant.text import footnote_number, note_parts

    # the notes at the bottom of a page, one line each, read as one "sentence" in the text
    body = ("Dit kan via de LEA13 of het OOGO14.\n\n13 Lokale Educatieve Agenda\n"
            "14 Op Overeenstemming Gericht Overleg\n2 wetten.nl - Regeling\n\n"
            "2 op de 3 schoolleiders geeft aan zich te verantwoorden.")
    run = body.index("13 Lokale")
    parts = [(body[s:e], note) for s, e, note in note_parts(body, run, body.index("\n\n2 op"))]
    assert parts == [("Lokale Educatieve Agenda", True),
                     ("Op Overeenstemming Gericht Overleg", True),
                     ("wetten.nl - Regeling", True)]  # in a run of notes, lower case too
    assert footnote_number(body, body.index("Op Overeenstemming")) == "14"
    # a sentence that opens with a number opens no note, nor does text before the notes
    assert footnote_number(body, body.index("op de 3")) is None
    assert footnote_number(body, body.index("LEA13")) is None
    only = body.index("2 op de 3")
    assert note_parts(body, only, len(body)) == [(only, len(body), False)]
    chunk = Chunk("c", "w.txt", "Werkagenda", body, "9 Werkagenda", 0, len(body), 0)
    cite = make_citation(1, Passage(chunk, 1.0), "Lokale Educatieve Agenda")
    assert (cite.quote, cite.section) == ("Lokale Educatieve Agenda", "9 Werkagenda > voetnoot 13")
    assert make_citation(1, Passage(chunk, 1.0), "Dit kan via de LEA13 of het OOGO14.").section \
        == "9 Werkagenda"


def test_the_similarity_rule_gives_a_question_whose_words_the_passages_hold_some_slack():
    from assistant.evidence import abstains

    # cosine 0.86 against a cut of 0.89: held words (coverage 0.72) lift it over, 0.2 do not
    assert not abstains(0.72, 0.86, 4, 0.15, 0.89, 4, coverage_weight=0.05)
    assert abstains(0.20, 0.86, 4, 0.15, 0.89, 4, coverage_weight=0.05)
    assert abstains(0.72, 0.86, 4, 0.15, 0.89, 4)  # no weight: the cosine alone decides
    assert not abstains(0.20, 0.50, 3, 0.15, 0.89, 4, coverage_weight=0.05)  # too short


def test_sections_about_the_document_itself_answer_only_questions_about_it():
    from assistant.answer_type import about_the_document, asks_about_the_document
    from assistant.index import _weigh

    assert about_the_document("Rapport > Colofon")
    assert not about_the_document("Colofon van de school > Toewijzing")
    assert not about_the_document(None)
    assert asks_about_the_document("Hoeveel scholen zaten in het stelselonderzoek?")
    assert asks_about_the_document("Waar kan ik het rapport downloaden?")
    assert not asks_about_the_document("Wat raadt de inspectie de besturen aan?")
    # naming the source asks what it says; a name or a teaching method is no research
    assert not asks_about_the_document("Hoe vinden de leerlingen zelf dat samen les krijgen, "
                                       "volgens het inspectieonderzoek?")
    assert not asks_about_the_document("Wat zegt het onderzoek over de sfeer in de klas?")
    assert not asks_about_the_document("Hoe lang mag de Commissie van Onderzoek erover doen?")
    assert not asks_about_the_document("Welke methode voor rekenen werkt het best?")
    assert asks_about_the_document("Wie heeft het onderzoek uitgevoerd?")

    # "Werkwijze" also heads how a samenwerkingsverband works: a method only over research
    research = "We stuurden een vragenlijst en hielden interviews met schoolleiders."
    assert about_the_document("Samenwerking regulier en speciaal onderwijs > Werkwijze",
                              research)
    assert not about_the_document("Ondersteuningsplan > 3.2 Werkwijze",
                                  "Het samenwerkingsverband wijst een arrangement toe.")

    fused = [("m", 0.040, {}), ("b", 0.030, {})]
    assert [cid for cid, _, _ in _weigh(fused, frozenset({"m"}), 0.5)] == ["b", "m"]
    assert [cid for cid, _, _ in _weigh(fused, frozenset({"m"}), 0.8)] == ["m", "b"]


def test_the_words_of_the_sentence_that_asks_weigh_more_than_its_context():
    from assistant.config import AnswerSettings
    from assistant.extractive import ExtractiveAnswerer

    body = ("De toelaatbaarheidsverklaring wordt uitgekeerd aan de so-school. "
            "Een leerling kan een deel van de week naar een gewone school.")
    p = Passage(Chunk("c", "d.txt", "Doc", body, None, 0, len(body), 0), 1.0)

    question = ("Mijn kind heeft een toelaatbaarheidsverklaring, uitgekeerd aan de so-school. "
                "Mag hij een deel van de week naar een gewone school?")
    first = ExtractiveAnswerer(AnswerSettings(), WordsIndex()).candidates(question, [p])[0]
    assert first.text.startswith("Een leerling kan"), first.text
    alike = ExtractiveAnswerer(AnswerSettings(), WordsIndex(), context_weight=1.0)
    assert alike.candidates(question, [p])[0].text.startswith("De toelaatbaarheidsverklaring")
