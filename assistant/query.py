"""Question -> search query: glossary expansion, typo repair, and condensing follow-ups."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from assistant.glossary import CURATED
from assistant.lexical import content_words, function_words, names_a_thing, words
from assistant.text import fold
from assistant.types import Turn

# Words that make a question lean on the one before it ("en wie betaalt dat?").
_FOLLOW_UP = {"dat", "die", "dit", "deze", "daar", "daarvan", "daarvoor", "daarbij", "daarin",
              "daarmee", "daarover", "hij", "zij", "ze", "hem", "haar", "zo'n", "zoiets", "hun",
              "zulke"}
_FOLLOW_START = ("en ", "maar ", "ook ", "geldt dat", "geldt dit", "wat als", "en als", "dus ")
# ... unless the question names what they point at itself (README, "Architecture": follow-ups)
_PERSONAL = {"hij", "zij", "ze", "hem", "haar", "hun"}
_THERE = {"daar", "daarvan", "daarvoor", "daarbij", "daarin", "daarmee", "daarover"}
# "een nevenvestiging", "mijn dochter": a determiner makes the next word a noun
_DETERMINERS = {"de", "het", "een", "mijn", "onze", "ons", "uw", "je", "jouw", "zijn", "haar",
                "hun", "deze", "dit", "die", "dat", "elke", "iedere", "alle"}
_POSSESSIVES = {"mijn", "onze", "ons", "uw", "je", "jouw"}
_INTRODUCING = _POSSESSIVES | {"een"}  # a noun the question brings in itself
# after "dat", a word that opens a clause: "Klopt het dat de inspectie …", "bang dat onze …"
_CLAUSE_OPENERS = _DETERMINERS - {"die", "dat"} | {
    "er", "ik", "we", "wij", "u", "jij", "ze", "zij", "hij", "men", "meer", "minder", "veel",
    "volgens", "in", "op", "bij", "voor", "na", "tot", "met", "door", "als", "scholen",
    "leerlingen", "ouders", "kinderen"}
# anywhere in a question, "klopt dat", "is dat" ask about what was said before: "Andere
# ouders zeggen dat … Klopt dat?", "… of is dat alleen een gevoel van de leraren?" - unless
# the question introduced its own subject before them ("… op een vo-school … Is dat …?")
_ABOUT_THAT = {("klopt", "dat"), ("is", "dat"), ("was", "dat")}
# "op dit moment", "dit schooljaar", "deze week": now, not something said before ("op dat
# moment" does point back)
_TIMES = {"moment", "jaar", "schooljaar", "week", "maand", "periode", "tijd", "fase", "keer"}
# "Hoe zit dat bij het so?", "Wie betaalt dat dan?": a question word and a verb, then "dat"
_QUESTION_WORDS = {"hoe", "wie", "wat", "waarom", "wanneer", "waar", "welke", "hoeveel"}
# a short question names its own subject with a new noun ("een TLV", "mijn dochter"), a name
# ("Siméa"), or as a definition ("Wat is symbiose?"); "Wat zijn de voorwaarden?", "Wat is
# nodig?" lean on the question before
_DEFINING = re.compile(r"^(?:wat|wie) (?:is|zijn|betekent|betekenen) (?P<rest>[^?.!;]+)")
# the abbreviations people type ("Wat is de rol van het swv?"): each names a subject
_ABBREVIATIONS = {k for k in CURATED if len(k) <= 4 and k.isalpha()
                  and k not in {"juf", "doof"}} | {  # everyday words, no abbreviations
    "d/sh", "ib'er"}
_RAW_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?|[,;:.?!]")


@dataclass(frozen=True)
class SearchQuery:
    text: str  # the standalone question (shown as "gezocht op")
    dense: str  # text for the embedder (question + expansions)
    terms: list[str]  # lexical terms (folded words, typo-repaired, with expansions)
    expansions: list[str]


def glossary_keys(question: str, glossary: dict[str, str]) -> list[str]:
    """The glossary entries the question uses ("swv", "d/sh", "den bosch")."""
    folded = " " + " ".join(words(question.replace("/", " / "))) + " "
    raw = fold(question)
    keys = []
    for key in glossary:
        k = fold(key)
        if "/" in k or "'" in k:
            found = re.search(rf"(?<![\w]){re.escape(k)}(?![\w])", raw) is not None
        else:
            found = f" {k} " in folded
        if found:
            keys.append(key)
    return keys


def _glossary_hits(question: str, glossary: dict[str, str]) -> list[str]:
    return list(dict.fromkeys(glossary[k] for k in glossary_keys(question, glossary)))


def build_query(question: str, glossary: dict[str, str], correct=None, split=None
                ) -> SearchQuery:
    """``correct``: typo repair of words; ``split``: corpus words inside unknown compounds."""
    expansions = _glossary_hits(question, glossary)
    terms = content_words(question)
    if correct is not None:
        terms = correct(terms)
    for exp in expansions:
        terms += content_words(exp)
    if split is not None:
        terms += split(terms)
    terms = list(dict.fromkeys(terms))  # a word counts once, however often it is typed
    dense = question if not expansions else f"{question} ({'; '.join(expansions)})"
    return SearchQuery(question, dense, terms, expansions)


def is_follow_up(question: str) -> bool:
    """Whether the question leans on the one before it: it opens with "en", "maar", "dus" …,
    or is short, or points back with one of its first six words ("dat", "die", "ze", "daar",
    "zo'n") - unless the question itself names what the short question is about or what the
    word points at: "Wat is een nevenvestiging en wie moet daar toestemming voor geven?",
    "Mijn dochter is doof. Heeft ze recht op …?", "Klopt het dat de inspectie …?"."""
    q = fold(question).strip()
    if q.startswith(_FOLLOW_START):
        return True
    raw = _RAW_WORD.findall(question.replace("’", "'"))
    toks = [fold(t) for t in raw]
    words_only = [i for i, t in enumerate(toks) if t[0].isalnum()]
    nouns = _nouns(toks)
    bound = {i for n, i in enumerate(words_only)
             if toks[i] in _FOLLOW_UP and _bound(i, n, toks, raw, nouns)}
    claim = any(toks[i] == "dat" for i in bound)  # "Klopt het dat de inspectie …?"
    introduced = [j for j in nouns if toks[j - 1] in _INTRODUCING]
    if len(content_words(q)) <= 3 and not claim \
            and not _names_subject(q, toks, raw, bool(introduced)):
        return True
    if any(toks[i] in _FOLLOW_UP and i not in bound for i in words_only[:6]):
        return True
    return any(pair in _ABOUT_THAT and not (introduced and introduced[0] < i)
               for i, pair in enumerate(pairwise(toks)))


def determined_nouns(text: str) -> set[str]:
    """Folded words a determiner makes nouns in ``text`` ("de taxi", "een rolstoel")."""
    toks = [fold(t) for t in _RAW_WORD.findall(text.replace("’", "'"))]
    return {toks[i] for i in _nouns(toks)}


def _nouns(toks: list[str]) -> list[int]:
    """Positions of words a determiner makes nouns ("een nevenvestiging", "mijn dochter")."""
    function = function_words()
    return [i for i in range(1, len(toks)) if toks[i - 1] in _DETERMINERS
            and toks[i][0].isalnum() and toks[i] not in function and toks[i] not in _NO_NOUN]


# no noun, nor an adjective before one: "het dan", "een paar"
_NO_NOUN = _FOLLOW_UP | {"dan", "wel", "nog", "ook", "eigenlijk", "gewoon", "er", "daar", "hier",
                         "niks", "iets", "paar", "beetje"}


def _names_subject(q: str, toks: list[str], raw: list[str], introduces: bool) -> bool:
    """Whether a short question names what it is about itself: ``introduces`` a noun ("een TLV",
    "mijn dochter"), an abbreviation, a name, or a definition (comment above ``_DEFINING``)."""
    if introduces or _ABBREVIATIONS.intersection(toks):
        return True
    if any(raw[i][:1].isupper() and toks[i - 1][0].isalnum() and toks[i] not in _FOLLOW_UP
           for i in range(1, len(toks))):
        return True
    m = _DEFINING.match(q)
    rest = words(m.group("rest")) if m else []
    if rest[:1] in (["de"], ["het"]) and len(content_words(" ".join(rest))) >= 2 \
            and not _FOLLOW_UP.intersection(rest):
        return True  # "Wat is de beleidsregel inclusieve leeromgeving?": a name of its own
    return bool(rest) and rest[0] not in _DETERMINERS and rest[0] not in _FOLLOW_UP \
        and names_a_thing(rest[-1])


def _bound(i: int, n: int, toks: list[str], raw: list[str], nouns: list[int]) -> bool:
    """Whether the pointing word at ``i`` (the ``n``-th word) points inside the question."""
    tok = toks[i]
    nxt = toks[i + 1] if i + 1 < len(toks) else "?"
    before = [j for j in nouns if j < i]
    if tok in ("dit", "deze") and nxt in _TIMES:
        return True
    if tok == "dat":  # "Klopt het dat de inspectie …", "het gevoel dat …": a clause
        if n == 2 and next(t for t in toks if t[0].isalnum()) in _QUESTION_WORDS:
            return False
        return n > 0 and (nxt in _CLAUSE_OPENERS or (bool(before) and before[-1] == i - 1))
    if tok == "die":  # "een regio die …", "mijn zoon die …": a relative pronoun
        return bool(before) and before[-1] == i - 1
    if tok in _PERSONAL:  # "Mijn dochter is doof. Heeft ze …"; "Siméa haar adviezen"
        return any(toks[j - 1] in _POSSESSIVES for j in before) \
            or (i > 1 and raw[i - 1][:1].isupper() and toks[i - 2][0].isalnum())
    if tok in _THERE:  # "Wat is een nevenvestiging en wie moet daar …"
        return bool(before) and any(t in ("en", ",", ".", "?") for t in toks[before[-1]:i])
    return False


def condense(question: str, history: Sequence[Turn]) -> str:
    """A standalone query: a follow-up is joined with the subject of the turn before it."""
    if not history or not is_follow_up(question):
        return question
    subject = history[-1].question
    if len(history) >= 2 and is_follow_up(subject):  # the subject is one more turn back
        subject = f"{history[-2].question} {subject}"
    return f"{question} ({subject})"


# what ``condense`` makes of a follow-up: "<follow-up>? (<subject>)"; the first "? (" ends the
# follow-up, as the subject may hold brackets of its own
_CONDENSED = re.compile(r"(.+?\?)\s*\((.+)\)\s*", re.DOTALL)


def follow_up_of(query: str) -> str | None:
    """The follow-up as typed, when ``query`` is one that ``condense`` joined with its subject
    ("En wie betaalt dat? (Mag mijn zoon deels naar een gewone school?)"); else None. A
    question typed with a note in brackets after it reads the same way ("Wat is een TLV?
    (toelaatbaarheidsverklaring)"): callers use it only to weigh what the question asks."""
    m = _CONDENSED.fullmatch(query)
    return m.group(1) if m else None
