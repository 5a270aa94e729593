"""Citation check: does a document say this pasted statement, and what differs?

Verdicts: ``verbatim`` (it stands there literally), ``supported`` (the same facts in other
words), ``different`` (a close passage states another number, year, name or actor: shown side
by side), ``not_found``.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.lexical import analyze
from assistant.text import contains_verbatim, fold, sentence_spans
from assistant.types import Passage

_QUOTED = re.compile(r"[‘'“\"„]([^‘’'“”\"„]{25,})[’'”\"]")
_KLOPT = re.compile(r"\bklopt (?:het|dit|dat)(?: wel)?,? dat\s+(.+?)(?:\?|$)", re.I | re.S)
_NUMBER_WORDS = {
    "een", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen", "tien", "elf",
    "twaalf", "twintig", "dertig", "veertig", "vijftig", "honderd", "duizend", "helft", "derde",
    "kwart", "vierde", "vijfde", "tweederde", "driekwart", "meeste", "alle", "geen", "enkele",
    "weinig", "veel", "meer", "minder", "eerste", "tweede", "laatste", "begin", "eind", "medio",
    "voorjaar", "najaar", "zomer", "winter", "januari", "februari", "maart", "april", "mei",
    "juni", "juli", "augustus", "september", "oktober", "november", "december", "nooit",
    "altijd", "verplicht", "niet",
}
_ACTORS = {
    "inspectie", "gemeente", "gemeenten", "samenwerkingsverband", "samenwerkingsverbanden",
    "school", "scholen", "schoolbestuur", "schoolbesturen", "besturen", "ocw", "minister",
    "ministerie", "ouders", "leerlingen", "leraren", "schoolleiders", "kabinet", "rijk", "vng",
    "mr", "medezeggenschapsraad", "jeugdhulp", "wethouder", "raad",
}
_TOKEN = re.compile(r"[\w/%’'\-]+", re.UNICODE)


@dataclass
class Match:
    passage: Passage
    start: int
    end: int
    coverage: float

    @property
    def text(self) -> str:
        return self.passage.chunk.text[self.start:self.end]


def extract_statement(question: str) -> str | None:
    """The statement a user pasted to be checked, or None for an ordinary question."""
    quoted = [m.group(1).strip() for m in _QUOTED.finditer(question)]
    quoted = [q for q in quoted if len(q.split()) >= 5]
    if quoted:
        return max(quoted, key=len)
    m = _KLOPT.search(question)
    if m and len(m.group(1).split()) >= 5:
        return m.group(1).strip()
    return None


def best_match(statement: str, passages: Sequence[Passage], idf) -> Match | None:
    terms = set(analyze(statement))
    total = sum(idf(t) for t in terms) or 1.0
    best: Match | None = None
    for p in passages:
        spans = sentence_spans(p.chunk.text)
        windows = [(s, e) for s, e in spans]
        windows += [(spans[i][0], spans[i + 1][1]) for i in range(len(spans) - 1)]
        for s, e in windows:
            have = terms & set(analyze(p.chunk.text[s:e]))
            cov = sum(idf(t) for t in have) / total
            cov -= 0.02 * (e - s > 1.6 * len(statement))  # prefer one sentence to two
            if best is None or cov > best.coverage + 1e-9:
                best = Match(p, s, e, cov)
    return best


def _is_fact(tokens: Sequence[str]) -> bool:
    for t in tokens:
        f = fold(t)
        if any(ch.isdigit() for ch in t) or f in _NUMBER_WORDS or f in _ACTORS:
            return True
        if t[:1].isupper() and len(t) > 2:
            return True
    return False


def differences(statement: str, sentence: str) -> list[tuple[str, str]]:
    """(in statement, in document) pairs where numbers, years, names or actors differ."""
    a = _TOKEN.findall(statement)
    b = _TOKEN.findall(sentence)
    sm = difflib.SequenceMatcher(None, [fold(x) for x in a], [fold(x) for x in b],
                                 autojunk=False)
    out = []
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op != "replace":
            continue
        left, right = a[i1:i2], b[j1:j2]
        if not (_is_fact(left) or _is_fact(right)):
            continue
        if len(left) > 8 or len(right) > 8:  # a rewording, not one changed fact
            left, right = _fact_tokens(left), _fact_tokens(right)
            if not left or not right or {fold(x) for x in left} == {fold(x) for x in right}:
                continue
        out.append((" ".join(left), " ".join(right)))
    return out


def _fact_tokens(tokens: Sequence[str]) -> list[str]:
    return [t for t in tokens if _is_fact([t]) and fold(t) not in {"een", "de", "het"}]


def verdict(statement: str, passages: Sequence[Passage], idf, threshold: float = 0.5
            ) -> tuple[str, Match | None, list[tuple[str, str]]]:
    for p in passages:
        if contains_verbatim(p.chunk.text, statement):
            m = best_match(statement, [p], idf)
            return "verbatim", m, []
    m = best_match(statement, passages, idf)
    if m is None or m.coverage < threshold:
        return "not_found", m, []
    diffs = differences(statement, m.text)
    return ("different" if diffs else "supported"), m, diffs
