"""Citation check: does a document say this pasted statement, and what differs?

Verdicts: ``verbatim`` (it stands there literally), ``supported`` (the same facts in other
words), ``different`` (a close passage states another number, year, name, actor, duty ("moet"
/ "mag"), qualifier ("altijd" / "in principe") or negation: shown side by side), ``not_found``.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from assistant.answer_type import REFERENCE_WORDS
from assistant.lexical import analyze, stopwords
from assistant.text import fold, sentence_spans, words_key
from assistant.types import Passage

# A quotation: opening mark not inside a word ("regio's" is no quote), closing mark not
# followed by a letter. Inside single quotes an apostrophe before a letter ("collega’s", "AD’er")
# is part of the text; inside double quotes single ones are a quote in the quote.
_APOSTROPHE = r"[’'](?=[^\W\d_])"
_QUOTED = re.compile(
    r"(?:^|(?<=[\s:(]))(?:"
    rf"[“„\"]((?:[^“”\"„])" r"{25,}?)[”\"“]"
    rf"|[‘']((?:[^‘’“”\"„']|{_APOSTROPHE}|‘[^‘’]{{1,80}}’)" r"{25,}?)[’']"
    r")(?![^\W\d_])")
_ATTRIBUTION = re.compile(
    r"^\s*(?:uit\s+(?:het|de)\s+[\w\-é]+(?:\s+[\w\-é]+)?\s+(?:blijkt|volgt)\s+dat\s+"
    r"|volgens\s+(?:het|de)\s+[\w\-é]+\s+|(?:het|de)\s+[\w\-é]+\s+(?:stelt|zegt|meldt)\s+dat\s+)",
    re.I)
_CLAIM_WORDS = 3  # a claim of fewer words is no statement ("Klopt het dat dat zo is?")
_CLAIM_WORDS_WITHOUT_NUMBER = 5  # ... and of fewer than these, one that states no number
_PERSONAL = re.compile(r"\b(?:ik|mijn|wij|we|ons|onze|mij)\b", re.I)
# "Klopt het dat …", "Is het waar dat …", "Staat er in de werkagenda dat …": the claim after "dat"
_KLOPT = re.compile(
    r"\b(?:klopt (?:het|dit|dat)|is het (?:waar|juist|correct|zo))(?: wel| echt| nog)?,? dat\s+"
    r"(.+?)(?:\?|$)"
    r"|^\s*staat (?:er )?(?:(?:ook |echt |letterlijk )?(?:in|volgens) [^?]{2,80}? )?dat\s+"
    r"(.+?)(?:\?|$)", re.I | re.S)
_NUMBER_WORDS = {
    "een", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen", "tien", "elf",
    "twaalf", "twintig", "dertig", "veertig", "vijftig", "honderd", "duizend", "helft", "derde",
    "kwart", "vierde", "vijfde", "tweederde", "driekwart", "meeste", "alle", "geen", "enkele",
    "weinig", "veel", "meer", "minder", "eerste", "tweede", "laatste", "begin", "eind", "medio",
    "voorjaar", "najaar", "zomer", "winter", "januari", "februari", "maart", "april", "mei",
    "juni", "juli", "augustus", "september", "oktober", "november", "december", "niet",
}
# how often or how exactly: "in principe 60%" is no "altijd 60%", "bijna twee derde" no "ruim
# twee derde". Words of one class say the same ("maximaal" / "hoogstens").
_QUALIFIER_CLASSES = (
    {"altijd", "steeds"}, {"nooit"}, {"meestal", "doorgaans", "principe"}, {"vaak"},
    {"soms"}, {"zelden"}, {"ongeveer", "circa", "ca"}, {"bijna"}, {"ruim"},
    {"maximaal", "hoogstens", "hooguit"}, {"minimaal", "minstens", "tenminste", "minste"},
)
_QUALIFIER_CLASS = {w: i for i, cls in enumerate(_QUALIFIER_CLASSES) for w in cls}
# what a rule says one has to do, against what one may or can do ("moet" / "mag")
_MUST = {"moet", "moeten", "verplicht", "verplichte", "dient", "dienen"}
_MAY = {"mag", "mogen", "kan", "kunnen"}
_ACTORS = {
    "inspectie", "gemeente", "gemeenten", "samenwerkingsverband", "samenwerkingsverbanden",
    "school", "scholen", "schoolbestuur", "schoolbesturen", "besturen", "ocw", "minister",
    "ministerie", "ouders", "leerlingen", "leraren", "schoolleiders", "kabinet", "rijk", "vng",
    "mr", "medezeggenschapsraad", "jeugdhulp", "wethouder", "raad", "vws", "leraar",
    "schoolleider", "ouder", "leerling", "regio", "regio's",
}
# a number with separators ("73.558", "1,5") is one token, as the reader sees it
_TOKEN = re.compile(r"\d+(?:[.,]\d+)+%?|[\w/%’'\-]+", re.UNICODE)
# number words a statement may write for a document's digits, or the other way round
_AS_DIGITS = {"twee": "2", "drie": "3", "vier": "4", "vijf": "5", "zes": "6", "zeven": "7",
              "acht": "8", "negen": "9", "tien": "10", "elf": "11", "twaalf": "12",
              "twintig": "20", "dertig": "30", "veertig": "40", "vijftig": "50",
              "honderd": "100"}
_DATE_WORDS = {"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
               "september", "oktober", "november", "december", "voorjaar", "najaar", "zomer",
               "winter", "begin", "eind", "medio"}
_YEAR = re.compile(r"^(?:19|20)\d\d(?:[-/](?:19|20)?\d\d)?$")


@dataclass
class Match:
    passage: Passage
    start: int
    end: int
    coverage: float
    matched: int = 0  # statement words it holds (its section's included), its number counting one

    @property
    def text(self) -> str:
        return self.passage.chunk.text[self.start:self.end]


def extract_statement(question: str, in_documents: Callable[[str], bool] | None = None
                      ) -> str | None:
    """The statement a user pasted to be checked, or None for an ordinary question.

    ``in_documents``: whether a text stands word for word in a document. A claim with "we" or
    "ons" is a question about one's own case ("Klopt het dat we dan moeten betalen?"), unless
    the documents say it like that ("We moeten eerst een tijdje op weg zijn …": the ministry
    speaking)."""
    quoted = [(m.group(1) or m.group(2)).strip() for m in _QUOTED.finditer(question)]
    quoted = [q for q in quoted if len(q.split()) >= 5]
    if quoted:
        return max(quoted, key=len)
    m = _KLOPT.search(question)
    claim = (m.group(1) or m.group(2) or "").strip() if m else ""
    # "Klopt het dat er zes samenwerkingsvormen zijn?" asks for a verdict as much as a long claim
    # does: a short claim is checked when it states a number ("Klopt het dat de beleidsregel
    # bestaat?" is answered as a question: too few words to find the one sentence it means)
    size = len(claim.split())
    if size < _CLAIM_WORDS or (size < _CLAIM_WORDS_WITHOUT_NUMBER and not _number_kinds(claim)):
        return None
    rest = question[m.end():]
    # "Klopt het dat mijn zoon ...? Waarom?" is a question about one's own case, not a check
    if "?" in rest:
        return None
    if _PERSONAL.search(claim) and not (in_documents and in_documents(claim)):
        return None
    return claim


def _lines(text: str, spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """The lines of sentences that span several (a timeline, a list without bullets): each
    line states its own fact, so a statement is compared with the line it matches."""
    out = []
    for s, e in spans:
        if "\n" not in text[s:e]:
            continue
        pos = s
        for line in text[s:e].split("\n"):
            if line.strip():
                out.append((pos, pos + len(line.rstrip())))
            pos += len(line) + 1
    return out


@lru_cache(maxsize=1)
def _actor_stems() -> frozenset[str]:
    return frozenset(analyze(" ".join(_ACTORS)))


@lru_cache(maxsize=1)
def _number_stems() -> frozenset[str]:
    return frozenset(analyze(" ".join(_AS_DIGITS)))


def _terms(statement: str) -> set[str]:
    """The statement's words that say what it is about: no numbers, in digits or in words
    ("zes" must not find "de zes lijnen van de werkagenda" for "zes samenwerkingsvormen")."""
    return {t for t in analyze(statement)
            if not any(ch.isdigit() for ch in t) and t not in _number_stems()}


@lru_cache(maxsize=1)
def _qualifier_stems() -> frozenset[str]:
    return frozenset(analyze(" ".join(_QUALIFIER_CLASS)))


def _reference(tokens: Sequence[str], i: int) -> bool:
    """``tokens[i]`` is the number of an article, page, cluster … ("artikel 24", "pagina 11")."""
    return bool(i and tokens[i][:1].isdigit() and fold(tokens[i - 1]) in REFERENCE_WORDS)


def _number_kinds(text: str) -> dict[str, str]:
    """The numbers ``text`` states, as digits ("twee" -> "2", "73.558" -> "73558"), each with
    its kind: "percent", "year" or "count"."""
    tokens = [fold(t) for t in _TOKEN.findall(text)]
    out: dict[str, str] = {}
    for i, t in enumerate(tokens):
        if not (t in _AS_DIGITS or t[:1].isdigit()) or _reference(tokens, i):
            continue
        value = comparable(t).rstrip("%").replace(",", ".")
        percent = t.endswith("%") or tokens[i + 1:i + 2] == ["procent"]
        out[value] = "percent" if percent else "year" if _YEAR.match(t) else "count"
    return out


# how much a word of these kinds weighs in finding the passage a statement is about (README,
# "Citation checks"): what a check verifies should not decide where it looks
_ACTOR_WEIGHT = 0.0
_QUALIFIER_WEIGHT = 0.25
_SECTION_WEIGHT = 1.0  # a word of the statement in the passage's headings, not in the window
_NUMBER_KIND_BONUS = 0.1  # the window states a number of the kind the statement has (a share)
_NUMBER_BONUS = 0.1  # ... and the statement's own number


def best_match(statement: str, passages: Sequence[Passage], idf) -> Match | None:
    # numbers, years and actors are what a check verifies, not how the passage is found: a wrong
    # "40%" is unknown to the corpus and would weigh most, hiding the passage that says 60%, and
    # a wrong "gemeente" would favour a passage that names the gemeente in its next sentence.
    # So numbers count only as a small bonus for a window that states one of the statement's
    # kind (a share, a year, a count) or its own; actors weigh nothing (at a quarter or half
    # they pulled swapped-actor statements to other sentences), qualifiers a quarter (a wrong
    # "ruim" must not pull towards another sentence that says "ruim", but "ongeveer" still
    # tells two otherwise alike sentences apart). A statement word in the passage's section path
    # counts as found: the heading "Symbiose" says what the sentence under it is about.
    terms = _terms(statement)
    numbers = _number_kinds(statement)
    kinds = set(numbers.values())

    def weight(t: str) -> float:
        if t in _qualifier_stems():
            return idf(t) * _QUALIFIER_WEIGHT
        return idf(t) * (_ACTOR_WEIGHT if t in _actor_stems() else 1.0)

    total = math.fsum(weight(t) for t in terms) or 1.0  # fsum: the same sum in any set order
    best: Match | None = None
    for p in passages:
        spans = sentence_spans(p.chunk.text)
        windows = [(spans[i][0], spans[min(i + n, len(spans)) - 1][1])
                   for n in (1, 2, 3) for i in range(len(spans) - n + 1)]
        lines = set(_lines(p.chunk.text, spans))  # "Voorjaar 2027: …" / "Voorjaar 2029: …"
        sentences = set(spans)
        windows += sorted(lines)
        in_section = terms & set(analyze(p.chunk.section or ""))
        for s, e in windows:
            text = p.chunk.text[s:e]
            have = terms & set(analyze(text))
            headed = in_section - have
            cov = (math.fsum(weight(t) for t in have)
                   + _SECTION_WEIGHT * math.fsum(weight(t) for t in headed)) / total
            stated = _number_kinds(text) if numbers else {}
            if numbers:
                cov += _NUMBER_KIND_BONUS * bool(kinds & set(stated.values()))
                # one sentence or line: a timeline's next line ("Voorjaar 2029: …") may state
                # the wrong year that a statement about the line before it has
                single = (s, e) in lines or (s, e) in sentences and "\n" not in text
                cov += _NUMBER_BONUS * (single and bool(numbers.keys() & stated.keys()))
            cov -= 0.03 * max(0.0, (e - s) / max(len(statement), 1) - 1.5)  # prefer short
            # the statement's own number anchors as a word does ("het wetsvoorstel in 2027")
            anchors = len(have | headed) + bool(numbers and numbers.keys() & stated.keys())
            if best is None or cov > best.coverage + 1e-9:
                best = Match(p, s, e, cov, anchors)
    return best


def _category(token: str, sentence_start: bool) -> str | None:
    """"number" (digits, number words, dates), "actor", "modal" (moet / mag), "qualifier"
    (altijd / in principe / bijna), "name" (capitalized), or None."""
    f = fold(token)
    if any(ch.isdigit() for ch in token) or f in _NUMBER_WORDS:
        return "number"
    if f in _ACTORS or any(part in _ACTORS for part in f.split("/")):  # "ouders/verzorgers"
        return "actor"
    if f in _MUST or f in _MAY:
        return "modal"
    if f in _QUALIFIER_CLASS:
        return "qualifier"
    if token[:1].isupper() and len(token) > 2 and not (sentence_start and f in stopwords()):
        return "name"
    return None


_FRACTIONS = {"helft", "derde", "kwart", "vierde", "vijfde", "tiende", "procent"}


def _facts(tokens: Sequence[str], indexes: Sequence[int]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for i in indexes:
        start = i == 0 or tokens[i - 1].endswith((".", "?", "!", ":"))
        word = fold(tokens[i])
        if word == "een" and not (i + 1 < len(tokens) and fold(tokens[i + 1]) in _FRACTIONS):
            continue  # the article, not the number
        cat = _category(tokens[i], start)
        if cat == "number" and _reference(tokens, i):
            cat = "reference"  # "artikel 24", "cluster 2": no count to pair with "40%"
        elif cat == "number" and (_YEAR.match(word) or word in _DATE_WORDS):
            cat = "date"  # "in 2023-2024 ongeveer 80.000" / "73.558": the count differs
        if cat == "qualifier" and word in ("principe", "minste") and i \
                and fold(tokens[i - 1]) in ("in", "ten"):
            out.setdefault(cat, []).append(f"{tokens[i - 1]} {tokens[i]}")  # "in principe"
        elif cat == "qualifier" and word == "steeds" and i + 1 < len(tokens) \
                and fold(tokens[i + 1]) in _COMPARATIVES:
            continue  # "steeds meer": ever more, not always
        elif cat and word not in {"de", "het"}:
            out.setdefault(cat, []).append(tokens[i])
    return out


def differences(statement: str, passage: str) -> list[tuple[str, str]]:
    """(in statement, in document) pairs where numbers, years, names or actors differ.

    The statement is aligned with the passage word by word. Between two aligned stretches, the
    facts the statement has are paired, per kind, with the facts the passage has in the same
    gap instead ("de helft" -> "een derde", "Kentalis" -> "Auris", "2025" -> "2024").
    """
    a = [t.strip("'’-") for t in _TOKEN.findall(statement) if t.strip("'’-")]
    b = [t.strip("'’-") for t in _TOKEN.findall(passage) if t.strip("'’-")]
    na, nb = [comparable(x) for x in a], [comparable(x) for x in b]
    sm = difflib.SequenceMatcher(None, na, nb, autojunk=False)
    blocks = [m for m in sm.get_matching_blocks() if m.size]
    if not blocks:
        return []
    gaps = [(range(0, blocks[0].a), range(max(0, blocks[0].b - 4), blocks[0].b))]
    for m, n in zip(blocks, blocks[1:]):
        gaps.append((range(m.a + m.size, n.a), range(m.b + m.size, n.b)))
    last = blocks[-1]
    gaps.append((range(last.a + last.size, len(a)),
                 range(last.b + last.size, min(len(b), last.b + last.size + 4))))
    out = []
    rest_a: dict[str, list[str]] = {}
    for ga, gb in gaps:
        left, right = _facts(a, list(ga)), _facts(b, list(gb))
        for cat, words in left.items():
            if right.get(cat):
                out.append((" ".join(words), " ".join(right[cat])))
            else:
                rest_a.setdefault(cat, []).extend(words)
    # a fact that moved ("Kentalis is in 2024" vs "Auris is in 2024"): pair what is left
    window = range(max(0, blocks[0].b - 4), min(len(b), last.b + last.size + 4))
    in_blocks = {j for m in blocks for j in range(m.b, m.b + m.size)}
    paired_b = {w for _, r in out for w in r.split()}
    rest_b = _facts(b, [j for j in window if j not in in_blocks])
    for cat, words in rest_a.items():
        if cat == "qualifier":
            continue  # a qualifier belongs to the words next to it; it does not move
        others = [w for w in rest_b.get(cat, []) if w not in paired_b]
        if not others and cat == "number":
            # a share the passage states further on, in the sentence the match took in for it
            # ("maximaal 40% …" / "Bij symbiose volgen … Er mag in principe 60% …")
            shares = [w for w in words if w.endswith("%")]
            everywhere = _facts(b, [j for j in range(len(b)) if j not in in_blocks]) \
                if shares else {}
            others = [w for w in everywhere.get(cat, []) if w.endswith("%")]
            words = shares or words
        if others:
            out.append((" ".join(words), " ".join(others)))
    # the same facts in another order ("in het voorjaar van 2027" / "Voorjaar 2027:") differ not,
    # nor "mag" and "kan" (both no obligation), nor a part of what the passage says
    # ("leerlingen" / "leerlingen school")
    out = [(x, y) for x, y in out if sorted(fold(x).split()) != sorted(fold(y).split())
           and not (_modality(x) and _modality(x) == _modality(y))
           and not (_qualifier(x) is not None and _qualifier(x) == _qualifier(y))
           and not {comparable(w) for w in x.split()} <= {comparable(w) for w in y.split()}]
    # a modal verb of the statement that the passage has as well, elsewhere in the window, is
    # no difference ("moet" / "kan … moet")
    out = [(x, y) for x, y in ((_unshared(x, set(nb)), y) for x, y in out) if x]
    # nor is an actor the document names too, in another number ("een leerling" / "leerlingen
    # … school …" was shown as "leerling" -> "leerlingen school school")
    out = [(x, " ".join(dict.fromkeys(y.split()))) for x, y in out
           if not (_all_actors(x) and set(analyze(x)) <= set(analyze(y)))]
    return out + _negations(a, b, blocks)


def _all_actors(words: str) -> bool:
    return all(_category(w, False) == "actor" for w in words.split())


def comparable(token: str) -> str:
    """A token as compared: folded, a number word as its digits ("twee" = "2"), "73.558" as
    "73558"."""
    f = fold(token)
    f = _AS_DIGITS.get(f, f)
    return re.sub(r"(?<=\d)[.,](?=\d{3}(?!\d))", "", f) if f[:1].isdigit() else f


def _unshared(words: str, other: set[str]) -> str:
    """``words`` without the modal verbs that ``other`` (normalized tokens) has."""
    return " ".join(w for w in words.split() if not (fold(w) in _MUST | _MAY and fold(w) in other))


def _modality(words: str) -> str | None:
    """"must" or "may" when ``words`` are modal verbs of one kind only, else None."""
    kinds = {"must" if w in _MUST else "may" if w in _MAY else "other"
             for w in fold(words).split()}
    return kinds.pop() if len(kinds) == 1 and "other" not in kinds else None


def _qualifier(words: str) -> int | None:
    """The class of a qualifier ("in principe" and "doorgaans" are one), else None."""
    classes = {_QUALIFIER_CLASS.get(w) for w in fold(words).split()} - {None}
    return classes.pop() if len(classes) == 1 else None


_NEGATIONS = {"geen", "niet", "nooit", "niemand", "nergens", "niets"}
_COMPARATIVES = {"meer", "minder", "langer", "korter", "later", "eerder", "hoger", "lager",
                 "vaker", "groter", "kleiner"}


def negates(tokens: Sequence[str], i: int) -> bool:
    """``tokens[i]`` negates: "geen eisen", "niet alleen" (not alone), but not "niet meer dan
    60%" (at most) or "niet alleen …, maar ook …"."""
    if fold(tokens[i]) not in _NEGATIONS:
        return False
    nxt = [fold(t) for t in tokens[i + 1:i + 3]]
    also = nxt[:1] == ["alleen"] and "maar" in {fold(t) for t in tokens[i + 2:]}
    return not (also or (len(nxt) == 2 and nxt[0] in _COMPARATIVES and nxt[1] == "dan"))


def _negations(a: Sequence[str], b: Sequence[str], blocks) -> list[tuple[str, str]]:
    """A negation on one side only ("Er zijn eisen gesteld" / "Er zijn geen eisen gesteld"):
    the statement says the opposite, even when every other word matches. Shown with the word
    it negates."""
    first, last = blocks[0], blocks[-1]
    in_a = {i for m in blocks for i in range(m.a, m.a + m.size)}
    in_b = {j for m in blocks for j in range(m.b, m.b + m.size)}
    only_a = [i for i in range(len(a)) if i not in in_a and negates(a, i)]
    only_b = [j for j in range(first.b, last.b + last.size) if j not in in_b and negates(b, j)]
    if len(only_a) == len(only_b):
        return []
    if only_b:  # the document negates what the statement affirms
        j = only_b[0]
        return [(" ".join(b[j + 1:j + 2]) or "—", " ".join(b[j:j + 2]))]
    i = only_a[0]
    return [(" ".join(a[i:i + 2]), " ".join(a[i + 1:i + 2]) or "—")]


def strip_attribution(statement: str) -> str:
    """ "Uit het inspectieonderzoek blijkt dat X" -> "X": who says it is not what is said."""
    return _ATTRIBUTION.sub("", statement, count=1).strip() or statement


def verdict(statement: str, passages: Sequence[Passage], idf, threshold: float = 0.5
            ) -> tuple[str, Match | None, list[tuple[str, str]]]:
    statement = strip_attribution(statement)
    key = words_key(statement)
    for p in passages:
        # "Klopt het dat er moet …" quotes "Er moet …": the case of a letter is no difference
        if key and key in words_key(p.chunk.text):
            m = best_match(statement, [p], idf)
            return "verbatim", m, []
    m = best_match(statement, passages, idf)
    words = _terms(statement)
    if m is None or m.coverage < threshold or (m.matched < 2 <= len(words)):
        return "not_found", m, []  # one shared word ("onderzocht") locates no statement
    diffs = differences(statement, m.text)
    if not diffs and _number_kinds(statement).keys() - _number_kinds(m.text).keys():
        # the passage is about the same thing but does not state the statement's number:
        # nothing to confirm it with ("… 40 van de samenwerkingen …" where it names none)
        return "not_found", m, []
    return ("different" if diffs else "supported"), m, diffs
