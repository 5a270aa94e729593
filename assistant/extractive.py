"""The default answerer: the sentences that answer the question, quoted, each with its [n].

No model is involved: sentences from the best passages are scored by how much of the question's
weighted vocabulary they hold (plus the passage's retrieval rank), then shown grouped per
document, the best passage first and each passage's quotes in reading order, in the style the
user chose.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import zip_longest

from assistant import answer_type
from assistant import messages as msg
from assistant.answering import Draft
from assistant.citations import make_citation, quote_is_verbatim
from assistant.config import AnswerSettings
from assistant.lexical import analyze, frame_stems, words
from assistant.query import follow_up_of
from assistant.text import (
    BULLET_GLYPHS,
    asking_sentences,
    ends_statement,
    fold,
    heading_key,
    indented,
    match_key,
    note_parts,
    quoted,
    sentence_end,
    sentence_spans,
    words_key,
)
from assistant.types import Chunk, Citation, Passage, Style

# "Waar kunt u verder terecht?" for parents: a sentence on what the samenwerkingsverband, the
# gemeente or an onderwijsconsulent does, not a survey finding ("Driekwart van de schoolleiders
# zegt …") or an action list's label ("Actienemer(s): …").
_ACTORS = {"samenwerkingsverband", "samenwerkingsverbanden", "swv", "gemeente", "gemeenten",
           "onderwijsconsulent", "onderwijsconsulenten"}
_ACTOR_FIRST_WORDS = 4
_ROLE = re.compile(r"\b(?:rol|verantwoordelijk\w*|afspraken|toestemming|arrangeer\w*|beslis\w*|"
                   r"zorgt|zorgen|regel\w*|bekostig\w*|betrokken|overleg\w*|kan|kunnen|moet|"
                   r"moeten)\b", re.I)
_NOT_ROLE = re.compile(r"\b(?:zegt|zeggen|geeft|geven|schoolleiders|betrokkenen|procent|"
                       r"driekwart|helft|niet alle|actienemer\w*)\b|%", re.I)
# "Mag een so-school …?", "Moet de school …?": a question about what is allowed or required is
# answered by a rule ("kan … na toestemming", "moet", "is verplicht"), not by a finding
_ASKS_RULE = re.compile(r"^\W*(?:en |maar |dus )?(?:mag|mogen|moet|moeten|is het toegestaan|"
                        r"is het verplicht|ben ik verplicht|zijn we verplicht)\b")
_RULE = re.compile(r"\b(?:mag|mogen|moet|moeten|kan|kunnen|toestemming|verplicht\w*|"
                   r"toegestaan|wettelijk\w*|wet)\b", re.IGNORECASE)
_RULE_BONUS = 0.1  # 0.2 measured the same
# a sentence of a section about the document itself (answer_type.about_the_document)
_ABOUT_DOCUMENT_PENALTY = 0.3  # 0.6 measured the same
# "Wat is symbiose?": a sentence that says what the term is ("Bij symbiose volgen leerlingen …")
_DEFINITION_BONUS = 0.1
# Question words that name the passage's document (its title or publisher: "inspectie",
# "werkagenda", "TOS" in the toolkit) say which document, not which of its sentences answers: in
# a sentence of that document they count at this weight (0 and 0.25 measured the same;
# docs/experiments.md, tenth round)
_NAMING_WEIGHT = 0.5
# a quote scores at least this share of the best sentence's score
_SCORE_FLOOR = 0.55
# "Wat is het verschil tussen symbiose en een nevenvestiging?": quotes alternate between the sides
_BETWEEN = re.compile(r"\bverschil(?:len)? tussen (?P<a>.+?) en (?P<b>.+?)(?:[?!.,;]|$)")
# A sentence that opens with one of these carries on the one before it: its reason or result
# ("Daarom ..."), or what it means by example ("Dan gaat het bijvoorbeeld om ...", "Denk aan ...").
_CONTINUES = re.compile(r"^(?:daarom|daardoor|hierdoor|dus|op deze manier|zo |hiermee|daarmee|"
                        r"daarbij|bovendien|want|omdat|doordat|dan gaat het|het gaat (?:dan|hier) "
                        r"om|denk (?:hierbij |daarbij )?aan|bijvoorbeeld)\b", re.I)
# A sentence that opens by pointing back says something of what the one before it names ("De
# principes gelden ook voor D/SH en CMB-leerlingen. Voor deze leerlingen zijn wel aanvullende
# voorwaarden …", "… met de modelverordening leerlingenvervoer van de VNG. Dit is een richtlijn,
# geen voorschrift.", "Zo krijgt de vso-leerling wat hij nodig heeft …", "Ze geven aan …",
# "Hiervoor is …", "Dezelfde leerlingen …"): the two are quoted together, when they stand in one
# paragraph.
_POINTS_BACK = re.compile(r"^(?:(?:voor|bij|in|met|van|op|na|door|naast|over) )?(?:deze|dit|die|"
                          r"dat|dezelfde|hetzelfde)\b|^(?:daarom|dus|op deze manier|zo(?= )|ze|zij|"
                          r"hier|(?:hier|daar)(?:bij|door|mee|in|voor|op|over|van|toe|uit|na))\b",
                          re.I)


@dataclass
class Candidate:
    passage: Passage
    rank: int
    start: int  # offsets inside the chunk text
    end: int
    score: float

    @property
    def text(self) -> str:
        return self.passage.chunk.text[self.start:self.end]


def _headings(section: str | None) -> set[str]:
    return {heading_key(part) for part in (section or "").split(" > ") if part}


_LINK = re.compile(r"://|^\(?www\.|\w\.(?:nl|com|org|eu|be|gov|int)\b", re.I)
# fewer words than this and no sentence end: a label ("Steunpunt Passend Onderwijs",
# "Voldoende financiële middelen"), not a statement
_LABEL_WORDS = 5
_FIGURE = re.compile(r"^\W*(?:figuur|tabel|grafiek)\s+\d", re.I)
# a sentence that stops without a sentence end on one of these words was cut off (a page break,
# a footnote or the PDF itself: "Tevens moeten scholen beschrijven welke"); "en" and "of" are
# left out, as a list item may end on them ("… de school; en"), and so are the words a clause
# may end on: pronouns and particles ("hoort er bij", "gaat hier over", "doen mee")
_CUT_OFF = frozenset({"de", "het", "een", "welke", "waarvan", "waarin", "waarbij", "te", "tot",
                      "met", "zoals", "maar", "omdat", "want", "als", "hun", "onze"})


@lru_cache(maxsize=64)
def _document_words(title: str, publisher: str) -> tuple[frozenset[str], frozenset[str]]:
    """The title's words (to spot the subtitle) and the stems that name the document."""
    return frozenset(words(title)), frozenset(analyze(f"{title} {publisher}"))


def _in_title(sentence: str, title: frozenset[str]) -> bool:
    """The title page's subtitle, not a statement: nearly all its words are the title's."""
    toks = words(sentence)
    return len(toks) >= 4 and sum(t in title for t in toks) >= 0.8 * len(toks)


_LAYOUT = re.compile(r"\b(?:hiernaast|hieronder|hierboven|onderstaande?|bovenstaande?|"
                     r"klik (?:hier|op))\b", re.IGNORECASE)
_LAYOUT_WORDS = 12
# "Bel of mail Erik Schraven": a person to call, without the number or address (a link in the
# PDF); "Bel of mail dan met Suzanne Pronk:" leads into them and stays
_CONTACT = re.compile(r"^\W*(?:[Bb]el|[Mm]ail) of (?:bel|mail)(?: dan)?(?: met)?"
                      r"(?:\s+[A-Z][\w.-]*)+[^\w:]*$")


def _quotable(sentence: str, note: bool = False) -> bool:
    """A statement, not: a list of links, a fragment cut off at a hyphen ("(New York,
    20-11-"), an ellipsis ("... krijgen...") or a word no sentence ends on ("… beschrijven
    welke"), a label, a row of names or a table's header, the caption of a figure the text
    lacks, or a copyright line. A short footnote is no label: it says what an abbreviation
    stands for ("Lokale Educatieve Agenda" for "LEA13")."""
    tokens = sentence.split()
    links = sum(bool(_LINK.search(t)) for t in tokens)
    end = sentence_end(sentence)
    ends = ends_statement(sentence)
    label = len(tokens) < _LABEL_WORDS and not ends and not note
    # set in bold on its own: a title ("**Integratie bij verschillende soorten vakken**")
    label = label or (not ends and sentence.strip().startswith(("**", "__")))
    # in capitals only: a heading or a figure's label ("PRAKTIJK- VOORBEELD MEDIUMSETTING")
    label = label or not any(ch.islower() for ch in sentence)
    # names or a table's header row, no sentence: "Postbus 2730 | 3500 GS Utrecht", "Bijlage 1
    # Tijdpad landelijke maatregel Fase 1 Fase 2 Fase 3 Fase 4" (a label with a colon stays:
    # "Actienemer(s): OCW, VNG")
    # (a closing bracket ends a list item, not a row: "Kentalis College Arnhem & Arentheem
    # College Arnhem (Leerpark Arnhem, vmbo)")
    label = label or (not end.endswith((".", "!", "?", ";")) and ":" not in sentence
                      and len(tokens) >= 6
                      and sum(t[:1].islower() for t in tokens) < len(tokens) / 3)
    cut_off = not ends and bool(tokens) and tokens[-1].strip("*_\"”’',").lower() in _CUT_OFF
    # a short pointer to the page's layout: "De praatplaat vind je hiernaast", "Onderstaand
    # schema laat een aantal praktijkvoorbeelden zien." (the quote shows no page)
    label = label or (len(tokens) <= _LAYOUT_WORDS and bool(_LAYOUT.search(sentence)))
    label = label or bool(_CONTACT.match(sentence))
    return not (links >= 2 or cut_off or (tokens and links / len(tokens) > 0.3) or label
                or end.endswith(("-", "...", "…")) or _FIGURE.match(sentence)
                or "©" in sentence)  # a copyright line ("© Inspectie … | april 2025")


# a sentence that stands in this many places of a document is its furniture, not a statement
# ("Wil je contact leggen over dit initiatief?", under each of the toolkit's ten examples; a
# rule that a report repeats in its summary and conclusion stands in two or three); one that
# opens a list ("Suggesties voor scholen:") still leads into what follows it
_FURNITURE = 4
# a chapter title repeated at the top of its pages, quoted as if it said something ("4. De
# Ambulante dienstverlening verandert"): a number, then a few words without a sentence end
_NUMBERED_TITLE = re.compile(r"^\d+(?:\.\d+)*\.?\s+[A-ZÀ-Þ]")
_TITLE_WORDS = 8
_LIST_OPENER = re.compile(r"^(?:[-*•–]|\d+[.)]|[a-z][.)])(?:\s|$)")


def _starts_cleanly(text: str, start: int, end: int) -> int:
    """Where a quote of ``text[start:end]`` should start: after a web address that a link's
    text left before the sentence ("https://simea.nl/passend-inclusiever Het
    ondersteuningstraject …", "onderwijs Rijksoverheid.nl Tip/tool: Ga in gesprek …")."""
    tokens = list(re.finditer(r"\S+", text[start:end]))
    for i, m in enumerate(tokens[:3]):
        if not _LINK.search(m.group()):
            continue
        # only the address and what stands before it in lower case, and the sentence after it
        # opens in capitals ("Zie www.example.nl voor meer …" stays whole)
        if all(t.group()[:1].islower() for t in tokens[:i]) and i + 1 < len(tokens) - 3 \
                and tokens[i + 1].group()[:1].isupper():
            return _starts_cleanly(text, start + tokens[i + 1].start(), end)
        break
    return start


def _balanced(text: str, start: int, end: int) -> tuple[int, int]:
    """A sentence of a passage set in bold ("**“Als je … geld. Dus dat moet je …”**") without
    the emphasis mark it holds one end of: an unpaired "**" shows as stars."""
    for mark in ("**", "__"):
        if text.count(mark, start, end) % 2 == 0:
            continue
        if text.startswith(mark, start):
            start += len(mark)
        elif text[start:end].rstrip().endswith(mark):
            end = text.rindex(mark, start, end)
    return start, end


def _fragment(text: str, start: int) -> bool:
    """A sentence that opens in lower case where the text before it neither introduces it
    (":", ";", ",", a title such as "Tijdpad") nor is a list it goes on: the rest of a sentence
    a footnote or page break cut off ("… wachtlijsten, het" / "9 statement-op-weg… (fontys.nl)"
    / "aantal thuiszitters en …"). At the start of a chunk nothing tells, and it stays."""
    if not text[start:start + 1].islower():
        return False
    before = text[:start].rstrip()
    if not before or before.endswith((":", ";", ",")):
        return False
    line = before.rsplit("\n", 1)[-1].lstrip()
    title = not ends_statement(line) and len(line.split()) <= _TITLE_WORDS
    return not (title or line[:1].islower() or _LIST_OPENER.match(line)
                or line[:1] in BULLET_GLYPHS)


def _overlaps(a: Candidate, b: Candidate) -> bool:
    return a.passage.chunk.id == b.passage.chunk.id and a.start < b.end and b.start < a.end


def display_order(chosen: Sequence[Candidate],
                  on_point: Callable[[Candidate], bool] | None = None) -> list[Candidate]:
    """``chosen`` (best first) as an answer shows them: documents by their best quote, which
    opens its document's group (the answer before what surrounds it: the evidence is the
    first quote in 0.49 of the dev answers against 0.29 in plain reading order;
    docs/experiments.md, eighteenth round); then the rest of the passage it stands in, then
    the document's other passages, in reading order (a timeline's "Fase 2" before "Fase 3").
    ``on_point``: quotes for which it is false (they owe their place to their passage, not to
    what they say: a list item "Veilige sfeer om van elkaar te leren" under "Werkklimaat")
    count after the others in choosing which quote opens a group, and which group comes first."""
    if on_point is not None:
        chosen = sorted(chosen, key=lambda c: not on_point(c))
    doc_rank: dict[str, int] = {}
    best: set[int] = set()
    first: set[str] = set()
    for c in chosen:
        if c.passage.chunk.doc not in doc_rank:
            doc_rank[c.passage.chunk.doc] = len(doc_rank)
            best.add(id(c))
            first.add(c.passage.chunk.id)
    return sorted(chosen, key=lambda c: (doc_rank[c.passage.chunk.doc], id(c) not in best,
                                         c.passage.chunk.id not in first,
                                         c.passage.chunk.order, c.start))


def _one_paragraph(text: str, end: int, start: int) -> bool:
    """Whether nothing but spaces or a line break stands between two sentences: no blank line,
    no list bullet."""
    gap = text[end:start]
    return not gap.strip() and "\n\n" not in gap


def _points_back(sentence: str) -> bool:
    """Whether a sentence opens by pointing at the one before it; "Deze toolkit …", "Dit
    rapport …" point at the document itself."""
    return bool(_POINTS_BACK.match(sentence)) and not (
        set(analyze(" ".join(sentence.split()[:3]))) & frame_stems())


def _with_continuation(c: Candidate, max_chars: int = 600,
                       furniture: Callable[[str], bool] = lambda _: False) -> Candidate:
    """Extend a quote with what completes it: the list after a colon (up to the document's
    furniture: "Zij zorgt dan dat je met de juiste persoon in contact komt." after each
    example's contact person), or a next sentence that carries on the reasoning ("Daarom ...")
    or points back at it ("Dit is een richtlijn …"); and a quote that itself opens by pointing
    back with the sentence it points at; as long as the quote stays short."""
    text = c.passage.chunk.text
    spans = sentence_spans(text)
    after = [(s, e) for s, e in spans if s >= c.end]
    start, end = c.start, c.end
    if text[c.start:c.end].rstrip().endswith(":"):
        for s, e in after[:4]:
            if e - c.start > max_chars or not _quotable(text[s:e]) or furniture(text[s:e]):
                break
            end = e
    elif after and after[0][1] - c.start <= max_chars:
        s, e = after[0]
        if _CONTINUES.match(text[s:e]) or (_points_back(text[s:e])
                                           and _one_paragraph(text, c.end, s)):
            end = e
    before = [(s, e) for s, e in spans if e <= c.start]
    if (before and _points_back(text[c.start:c.end]) and end - before[-1][0] <= max_chars
            and _one_paragraph(text, before[-1][1], c.start)
            and ends_statement(text[before[-1][0]:before[-1][1]])
            and _quotable(text[before[-1][0]:before[-1][1]])):
        start = before[-1][0]
    return Candidate(c.passage, c.rank, *_balanced(text, start, end), c.score)


class ExtractiveAnswerer:
    name = "extractive"

    def __init__(self, settings: AnswerSettings, index, max_passages: int = 6,
                 dense_weight: float = 0.5, dense_band: float = 0.2, heading_weight: float = 0.5,
                 rank_weight: float = 0.25, context_weight: float = 0.5):
        self.settings = settings
        # provides query_terms(text), idf(term), doc_meta(doc), repeated(sentence) and
        # about_document(chunk id)
        self.index = index
        self.max_passages = max_passages
        self.dense_weight = dense_weight  # weight of the sentence window's dense similarity
        self.dense_band = dense_band  # similarity below the best window that still counts
        self.heading_weight = heading_weight  # question words in the section path, not the sentence
        self.rank_weight = rank_weight  # the passage's rank: rank_weight / (rank + 1)
        # the weight of a word that only the question's context has, not the sentence that
        # asks ("Mijn kind heeft een TLV voor het so. Kan hij toch naar een gewone school?"):
        # measured 0.25 / 0.4 / 0.5 / 0.75 (docs/experiments.md, twenty-first round)
        self.context_weight = context_weight
        self._roles: tuple[str, list] | None = None  # (generation, role sentences)

    # --- selection --------------------------------------------------------------------------
    def candidates(self, question: str, passages: Sequence[Passage]) -> list[Candidate]:
        terms = set(self.index.query_terms(question))
        asked = set(self.index.query_terms(" ".join(asking_sentences(question))))
        weight = {t: 1.0 if t in asked else self.context_weight for t in terms}
        # math.fsum over sets: a plain sum's last bits follow the set's order, which follows
        # the process's string hashing, and near-ties flipped from one start to the next
        total = math.fsum(self.index.idf(t) * weight[t] for t in terms) or 1.0
        top_sim = max((u[2] for p in passages[: self.max_passages] for u in p.units),
                      default=0.0)
        rule_question = bool(_ASKS_RULE.match(fold(question)))
        about_document = answer_type.asks_about_the_document(question)
        term = answer_type.defined_term(question)
        names = self.term_names(term) if term else []
        out = []
        for rank, p in enumerate(passages[: self.max_passages]):
            headings = _headings(p.chunk.section)
            meta = self.index.doc_meta(p.chunk.doc)
            title, naming = _document_words(meta.get("title") or "", meta.get("publisher") or "")
            frame = frame_stems()
            # question words in the section path count at half weight; measured: the gain comes
            # from top-level headings that repeat the title (a prior for the document the
            # question names), not from deeper headings (docs/experiments.md, third round)
            in_section = terms & set(analyze(p.chunk.section or ""))
            about = self.index.about_document(p.chunk.id)
            for s, e, note in (part for span in sentence_spans(p.chunk.text)
                               for part in note_parts(p.chunk.text, *span, p.chunk.notes)):
                s, e = _balanced(p.chunk.text, _starts_cleanly(p.chunk.text, s, e), e)
                sent = p.chunk.text[s:e]
                if len(sent) < 20 or heading_key(sent) in headings or _in_title(sent, title) \
                        or not _quotable(sent, note) \
                        or self._in_place_only(p.chunk.text, s, sent):
                    continue  # a heading or the title is where a quote stands, not what it says
                words_in = set(analyze(sent))
                have = terms & words_in
                # words that name a document ("inspectie", "rapport") say which, not what
                lexical = (math.fsum(self.index.idf(t) * weight[t]
                                     * (_NAMING_WEIGHT if t in naming or t in frame else 1.0)
                                     for t in have)
                           + self.heading_weight * math.fsum(self.index.idf(t)
                                                             for t in in_section - words_in)
                           ) / total
                sim = max((u[2] for u in p.units if u[0] < e and s < u[1]), default=0.0)
                dense = max(0.0, 1.0 - (top_sim - sim) / self.dense_band) if sim else 0.0
                score = lexical + self.dense_weight * dense + self.rank_weight / (rank + 1)
                if rule_question and _RULE.search(sent):
                    score += _RULE_BONUS
                if names and answer_type.defines(sent, names, p.chunk.section):
                    score += _DEFINITION_BONUS
                if len(sent) > 700:
                    score -= 0.1
                if about and not about_document:
                    score -= _ABOUT_DOCUMENT_PENALTY
                out.append(Candidate(p, rank, s, e, score))
        return sorted(out, key=lambda c: -c.score)

    def _on_point(self, question: str) -> Callable[[Candidate], bool]:
        """Whether a quote says something on ``question``: it, or the heading it stands under,
        holds one of the question's words (frame words such as "toolkit" or "rapport", which
        say which document, do not count). For a follow-up joined with its subject, the
        follow-up's own words: "En wanneer komt die wetswijziging dan?" opens with the
        wetswijziging, not with the regeling the question before it was about. A document's
        own question ("Dan gaat het bijvoorbeeld over: is er een grens aan …?") states nothing:
        it never counts."""
        own = follow_up_of(question)
        terms = set(self.index.query_terms(own)) - frame_stems() if own else set()
        terms = terms or set(self.index.query_terms(question)) - frame_stems()

        def on_point(c: Candidate) -> bool:
            if sentence_end(c.text).endswith("?"):
                return False
            heading = (c.passage.chunk.section or "").rsplit(" > ", 1)[-1]
            return bool(terms & (set(analyze(c.text)) | set(analyze(heading))))

        return on_point

    def _in_place_only(self, text: str, start: int, sent: str) -> bool:
        """What makes sense only where it stands in the document, not as a quote: the rest of
        a sentence that a footnote cut off, a chapter title repeated on its pages, and the
        document's furniture."""
        return (_fragment(text, start)
                or (bool(_NUMBERED_TITLE.match(sent)) and len(sent.split()) <= _TITLE_WORDS
                    and not ends_statement(sent))
                or (self._furniture(sent) and not sentence_end(sent).endswith(":")))

    def _furniture(self, sentence: str) -> bool:
        return self.index is not None and self.index.repeated(sentence) >= _FURNITURE

    def term_names(self, term: str) -> list[str]:
        """The term and what the glossary says it stands for ("TLV" -> "toelaatbaarheids-
        verklaring"): a definition may use either."""
        names = [term]
        for expansion in self.index.query(term).expansions:
            names += [expansion] + [w for w in expansion.split() if len(w) >= 8]
        return names

    def undefined_term(self, question: str, citations: Sequence[Citation]) -> str | None:
        """The term a question asks the meaning of ("Wat is een TLV?"), when none of
        ``citations`` says what it is; else None."""
        term = answer_type.defined_term(question)
        if term is None:
            return None
        names = self.term_names(term)
        return None if any(answer_type.defines(c.quote, names, c.section)
                           for c in citations) else term

    def select(self, cands: list[Candidate]) -> list[Candidate]:
        if not cands:
            return []
        best = cands[0].score
        chosen: list[Candidate] = []
        per_chunk: dict[str, int] = {}
        keys: list[str] = []  # the text of every quote so far, continuation included
        for c in cands:
            if len(chosen) >= self.settings.max_sentences or c.score < _SCORE_FLOOR * best:
                break
            cid = c.passage.chunk.id
            key = words_key(c.text)
            if per_chunk.get(cid, 0) >= 3 or any(key in k for k in keys) \
                    or any(_overlaps(c, o) for o in chosen):
                continue  # the same sentence can stand twice in a document: quote it once
            c = _with_continuation(c, furniture=self._furniture)
            joined = next((i for i, o in enumerate(chosen) if _overlaps(c, o)), None)
            if joined is not None:  # it now shares a sentence with a quote: one quote of both
                o = chosen[joined]
                chosen[joined] = Candidate(o.passage, o.rank, min(o.start, c.start),
                                           max(o.end, c.end), o.score)
                keys[joined] = words_key(chosen[joined].text)
                continue
            key = words_key(c.text)
            held = [i for i, k in enumerate(keys) if k in key]
            if held:  # it holds a quote already chosen (the text stands twice): it replaces it
                chosen[held[0]], keys[held[0]] = c, key
                continue
            keys.append(key)
            per_chunk[cid] = per_chunk.get(cid, 0) + 1
            chosen.append(c)
        return chosen

    def _both_sides(self, question: str, cands: list[Candidate], chosen: list[Candidate]
                    ) -> list[Candidate]:
        """For "het verschil tussen A en B": the quotes alternate between sentences on one side
        and on the other, each side's best first, and only then come sentences that name both
        (they tend to say how the two relate, not what each is). Only sentences that ``select``
        would take on their score."""
        m = _BETWEEN.search(fold(question))
        if not m or not chosen:
            return chosen
        a, b = (set(self.index.query_terms(m.group(x))) for x in ("a", "b"))
        a, b = a - b, b - a
        if not a or not b:
            return chosen
        pool = [c for c in cands if c.score >= _SCORE_FLOOR * cands[0].score]
        terms = [set(analyze(c.text)) for c in pool]
        only_a = [c for c, t in zip(pool, terms) if t & a and not t & b]
        only_b = [c for c, t in zip(pool, terms) if t & b and not t & a]
        if not only_a or not only_b:
            return chosen
        alternating = [c for pair in zip_longest(only_a, only_b) for c in pair if c is not None]
        taken = {id(c) for c in alternating}
        rest = [c for c in pool if id(c) not in taken]
        return self.select(alternating + rest)

    # --- rendering --------------------------------------------------------------------------
    def answer(self, question: str, passages: Sequence[Passage], style: Style) -> Draft:
        cands = self.candidates(question, passages)
        chosen = self._both_sides(question, cands, self.select(cands))
        if not chosen:
            return Draft(msg.NOT_IN_DOCUMENTS, [], abstained=True)
        chosen = display_order(chosen, self._on_point(question))
        citations = [make_citation(i, c.passage, c.text,
                                   self.index.doc_meta(c.passage.chunk.doc))
                     for i, c in enumerate(chosen, start=1)]
        lines = [msg.LEAD[style]]
        current_doc = None
        for c, cit in zip(chosen, citations):
            if c.passage.chunk.doc != current_doc:
                current_doc = c.passage.chunk.doc
                lines += ["", f"**{cit.title}**"]
            lines.append(self._line(style, cit))
        if style == "beleid":
            lines += ["", f"**{msg.REFERENCE}**"]
            # one line per reference: quotes from one section share it ("[1] [2] [5] OCW …")
            refs: dict[str, list[int]] = {}
            for c in citations:
                refs.setdefault(c.reference(), []).append(c.n)
            lines += [f"{' '.join(f'[{n}]' for n in ns)} {ref}" for ref, ns in refs.items()]
        return Draft("\n".join(lines).strip(), citations)

    def add_next_step(self, draft: Draft, question: str, passages: Sequence[Passage],
                      cands: Sequence[Candidate] = (), earlier: Sequence[str] = ()) -> None:
        """A parent's "Waar kunt u verder terecht?": what the samenwerkingsverband or the
        gemeente does, from ``cands`` (the answer's candidate sentences), or else from anywhere
        in the documents; never a sentence the answer quotes, alone or within a quote that
        carries on, nor one an ``earlier`` answer of the conversation showed."""
        shown = [match_key(c.quote) for c in draft.citations] + [match_key(t) for t in earlier]

        def new(text: str) -> bool:
            key = match_key(text)
            return not any(key in q for q in shown)

        extra = self._further(cands, new)
        if extra is None and not any(msg.FURTHER_HEADING in t for t in earlier):
            # the documents' general next step once per conversation; a follow-up gets one
            # only from its own passages
            extra = self._further_elsewhere(question, new)
        if extra is None:
            return
        cit = make_citation(len(draft.citations) + 1, extra.passage, extra.text,
                            self.index.doc_meta(extra.passage.chunk.doc))
        if not quote_is_verbatim(cit, [extra.passage]):  # checked like every quote shown
            return
        draft.citations.append(cit)
        if extra.passage.chunk.id not in {p.chunk.id for p in passages}:
            draft.sources.append(extra.passage)
        draft.text += f"\n\n**{msg.FURTHER_HEADING}**\n- {indented(cit.quote, '  ')} [{cit.n}]"

    @staticmethod
    def _line(style: Style, cit: Citation) -> str:
        if style == "leraar":
            return f"> {indented(quoted(cit.quote), '> ')} [{cit.n}]"
        if style == "beleid":
            where = " — ".join(x for x in (cit.section, f"p. {cit.page}" if cit.page else None)
                               if x)
            return (f"- {indented(quoted(cit.quote), '  ')} [{cit.n}]"
                    + (f" ({where})" if where else ""))
        return f"- {indented(cit.quote, '  ')} [{cit.n}]"

    @staticmethod
    def _further(cands: Sequence[Candidate], new: Callable[[str], bool]) -> Candidate | None:
        for c in cands:
            if c.score > 0.2 and _says_what_actor_does(c.text) and new(c.text):
                return c
        return None

    def _further_elsewhere(self, question: str, new: Callable[[str], bool]
                           ) -> Candidate | None:
        """No passage of the answer says what an actor does: the documents' sentence that does
        and holds most of the question's words; one that speaks of parents first."""
        pool = self._role_sentences()
        if not pool:
            return None
        terms = set(self.index.query_terms(question))

        def key(item: tuple[Chunk, int, int]) -> tuple[bool, float, int]:
            chunk, s, e = item
            sent = chunk.text[s:e]
            have = terms & set(analyze(sent)) - _actor_stems()
            return (_PARENTS in words(sent), math.fsum(self.index.idf(t) for t in have),
                    -len(sent))

        chunk, s, e = max((i for i in pool if new(i[0].text[i[1]:i[2]])), key=key,
                          default=(None, 0, 0))
        return None if chunk is None else Candidate(Passage(chunk, 0.0), -1, s, e, 0.0)

    def _role_sentences(self) -> list[tuple[Chunk, int, int]]:
        """Every quotable sentence of the index that says what an actor does (once per index
        generation)."""
        state = getattr(self.index, "state", None)
        if state is None:
            return []
        if self._roles is None or self._roles[0] != state.generation:
            found = []
            for chunk in state.order:
                for s, e in sentence_spans(chunk.text):
                    s = _starts_cleanly(chunk.text, s, e)
                    sent = chunk.text[s:e]
                    if _says_what_actor_does(sent) and _quotable(sent) \
                            and ends_statement(sent) and not _points_back(sent) \
                            and heading_key(sent) not in _headings(chunk.section):
                        found.append((chunk, s, e))
            self._roles = (state.generation, found)
        return self._roles[1]


# measured on the parents' questions of the three sets (32 answers): by the question's words
# alone the pick was often a sentence about the gemeente's choices or a label ("Afspraken
# rondom monitoring samenwerkingsverbanden."); a sentence that names parents tells them where
# they sit at the table ("… arrangeert aan tafel met scholen en ouders …")
_PARENTS = "ouders"


@lru_cache(maxsize=1)
def _actor_stems() -> frozenset[str]:
    return frozenset(analyze(" ".join(_ACTORS)))


def _says_what_actor_does(text: str) -> bool:
    """The actor is what the sentence is about ("Het samenwerkingsverband arrangeert …",
    "Gemeenten hebben lokaal een belangrijke rol …"), not a school that needs its permission
    ("Na toestemming van de gemeente … kan een school …"), nor a survey finding."""
    return bool(_ACTORS.intersection(words(text)[:_ACTOR_FIRST_WORDS]) and _ROLE.search(text)
                and not _NOT_ROLE.search(text) and not _LINK.search(text))
