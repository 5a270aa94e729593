"""Question -> search query: glossary expansion, typo repair, and condensing follow-ups."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.lexical import content_words, words
from assistant.text import fold
from assistant.types import Turn

# Words that make a question lean on the one before it ("en wie betaalt dat?").
_FOLLOW_UP = {"dat", "die", "dit", "deze", "daar", "daarvan", "daarvoor", "daarbij", "daarin",
              "daarmee", "daarover", "hij", "zij", "ze", "hem", "haar", "zo'n", "zoiets", "hun",
              "zulke"}
_FOLLOW_START = ("en ", "maar ", "ook ", "geldt dat", "geldt dit", "wat als", "en als", "dus ")


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
    q = fold(question).strip()
    toks = words(q)
    if q.startswith(_FOLLOW_START):
        return True
    return len(content_words(q)) <= 3 or any(t in _FOLLOW_UP for t in toks[:6])


def condense(question: str, history: Sequence[Turn]) -> str:
    """A standalone query: a follow-up is joined with the subject of the turn before it."""
    if not history or not is_follow_up(question):
        return question
    subject = history[-1].question
    if len(history) >= 2 and is_follow_up(subject):  # the subject is one more turn back
        subject = f"{history[-2].question} {subject}"
    return f"{question} ({subject})"
