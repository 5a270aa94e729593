"""Citation-check benchmark: statements made from the corpus itself, `python -m eval checks`.

The dev set has five citation checks. This benchmark makes many more, the same way for every
corpus, so the checker is measured on statements nobody picked:

- a sentence of a document that holds a number, a year or an actor is taken as it stands
  (expected: ``verbatim``);
- the same sentence with one number or year changed ("60%" -> "80%", "2024" -> "2025",
  "zes" -> "acht"), one actor swapped ("gemeente" -> "samenwerkingsverband"), a negation
  dropped ("geen eisen" -> "eisen") or "moet" and "mag" swapped (expected: ``different``, with
  the document's own value on the right-hand side of a difference), or a qualifier swapped
  ("soms" -> "altijd", "bijna" -> "ruim");

each pasted in one of three ways people write (a quote to cite, "Klopt het dat …?", a line from a
note). Sentences are drawn with a fixed seed, so two runs on the same index are comparable.
"""

from __future__ import annotations

import json
import random
import re
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from assistant.checker import comparable, negates
from assistant.text import fold, sentence_spans, words_key

_WORD_NUMBERS = ["twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen", "tien"]
_FRACTIONS = {"helft": "derde", "derde": "helft", "kwart": "derde", "driekwart": "helft"}
_ACTOR_SWAP = {"gemeente": "samenwerkingsverband", "gemeenten": "samenwerkingsverbanden",
               "samenwerkingsverband": "gemeente", "samenwerkingsverbanden": "gemeenten",
               "inspectie": "gemeente", "ouders": "leraren", "leraren": "ouders",
               "schoolbesturen": "gemeenten", "OCW": "VWS", "VWS": "OCW"}
_TEMPLATES = (
    "Ik wil dit in een brief citeren: '{s}' Kan dat zo?",
    "Klopt het dat {c}?",
    "In een interne notitie staat: “{s}” Kan ik dat zo overnemen?",
)
_MORE_TEMPLATES = (
    "Is het waar dat {c}?",
    "Staat er in de documenten dat {c}?",
)
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
_NUMBER = re.compile(r"(?<![\w/.,-])(\d{1,3})(%?)(?![\w/.,-]|%\w)")
_TOKEN = re.compile(r"\b\w+\b")


KINDS = ("same", "number", "actor", "negation", "modal", "qualifier")


@dataclass(frozen=True)
class Case:
    kind: str  # one of KINDS
    question: str
    sentence: str  # the document's sentence
    changed: tuple[str, str] | None  # (in the statement, in the document)


def _change_number(sentence: str, rng: random.Random) -> tuple[str, tuple[str, str]] | None:
    years = list(_YEAR.finditer(sentence))
    numbers = [m for m in _NUMBER.finditer(sentence) if not _YEAR.fullmatch(m.group(1))]
    words = [m for m in _TOKEN.finditer(sentence)
             if m.group(0).casefold() in _WORD_NUMBERS or m.group(0).casefold() in _FRACTIONS]
    options = [("year", m) for m in years] + [("number", m) for m in numbers] \
        + [("word", m) for m in words]
    if not options:
        return None
    kind, m = rng.choice(options)
    old = m.group(0)
    if kind == "year":
        new = str(int(old) + rng.choice((-1, 1)))
    elif kind == "number":
        n = int(m.group(1))
        new = f"{n + 20 if m.group(2) and n <= 70 else (n - 20 if m.group(2) else n + 3)}" \
              f"{m.group(2)}"
    else:
        low = old.casefold()
        if low in _FRACTIONS:
            new = _FRACTIONS[low]
        else:
            i = _WORD_NUMBERS.index(low)
            new = _WORD_NUMBERS[(i + 3) % len(_WORD_NUMBERS)]
        new = new.capitalize() if old[0].isupper() else new
    return sentence[:m.start()] + new + sentence[m.end():], (new, old)


def _swapper(table: dict[str, str]):
    """A change that swaps one word of ``table`` for its partner ("gemeente" ->
    "samenwerkingsverband", "moet" -> "mag")."""
    def swap(sentence: str, rng: random.Random) -> tuple[str, tuple[str, str]] | None:
        found = [m for m in _TOKEN.finditer(sentence) if m.group(0) in table]
        if not found:
            return None
        m = rng.choice(found)
        new = table[m.group(0)]
        return sentence[:m.start()] + new + sentence[m.end():], (new, m.group(0))
    return swap


def _drop_negation(sentence: str, rng: random.Random) -> tuple[str, tuple[str, str]] | None:
    """"Er zijn geen eisen gesteld" -> "Er zijn eisen gesteld": the statement says the
    opposite. The pair is (the negated word, the negation and that word in the document)."""
    tokens = sentence.split(" ")
    found = [i for i in range(len(tokens) - 1) if negates(tokens, i) and tokens[i].isalpha()
             and tokens[i].islower()]
    if not found:
        return None
    i = rng.choice(found)
    word = tokens[i + 1].strip(".,;:!?")
    return " ".join(tokens[:i] + tokens[i + 1:]), (word, f"{tokens[i]} {word}")


# a duty becomes a permission, or the other way round ("Er moet een overeenkomst …" -> "Er mag")
_MODAL_SWAP = {"moet": "mag", "moeten": "mogen", "mag": "moet", "mogen": "moeten"}
# how often or how exactly ("soms" -> "altijd", "bijna twee derde" -> "ruim twee derde")
_QUALIFIER_SWAP = {"altijd": "soms", "soms": "altijd", "vaak": "zelden", "doorgaans": "altijd",
                   "bijna": "ruim", "ruim": "bijna", "ongeveer": "ruim", "maximaal": "minimaal",
                   "minimaal": "maximaal"}
_QUALIFIER_SWAP |= {k.capitalize(): v.capitalize() for k, v in _QUALIFIER_SWAP.items()}


def _claim(sentence: str) -> str:
    """"Er mag … gevolgd." -> "er mag … gevolgd" for "Klopt het dat {c}?"."""
    s = sentence.rstrip(" .")
    first = s.split(" ", 1)[0]
    return (s[0].lower() + s[1:]) if first[1:].islower() or len(first) == 1 else s


def _part(sentence: str, statement: str, rng: random.Random) -> tuple[str, str]:
    """A stretch of about two thirds of the words (at least 8) that holds the change: people
    often quote part of a sentence. Returns (part of the statement, same part of the sentence)."""
    a, b = statement.split(), sentence.split()
    if len(a) != len(b) or len(a) <= 10:
        return statement, sentence
    changed = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), 0)
    size = max(8, round(len(a) * 2 / 3))
    first = rng.randint(max(0, changed - size + 1), min(changed, len(a) - size))
    return " ".join(a[first:first + size]), " ".join(b[first:first + size])


def make_cases(chunks: Sequence, n: int = 40, seed: int = 7,
               templates: Sequence[str] = _TEMPLATES, partial: bool = False) -> list[Case]:
    """``n`` cases of each kind from the chunks' sentences (8 to 40 words, no line breaks);
    ``partial``: each statement is a stretch of its sentence, not all of it."""
    sentences = []
    seen = set()
    for c in chunks:
        for s, e in sentence_spans(c.text):
            sent = c.text[s:e]
            if "\n" in sent or not 8 <= len(sent.split()) <= 40 or not sent.endswith("."):
                continue
            if sent in seen or "http" in sent or '"' in sent or "“" in sent or "'" in sent:
                continue
            seen.add(sent)
            sentences.append(sent)
    corpus = " ".join(words_key(c.text) for c in chunks)
    rng = random.Random(seed)
    rng.shuffle(sentences)
    cases: list[Case] = []
    counts: Counter[str] = Counter()
    for i, sent in enumerate(sentences):
        template = templates[i % len(templates)]
        for kind, change in (("number", _change_number), ("actor", _swapper(_ACTOR_SWAP)),
                             ("negation", _drop_negation), ("modal", _swapper(_MODAL_SWAP)),
                             ("qualifier", _swapper(_QUALIFIER_SWAP))):
            if counts[kind] >= n:
                continue
            made = change(sent, rng)
            if made is None:
                continue
            statement, pair = made
            same = sent
            if partial:
                statement, same = _part(sent, statement, rng)
            if words_key(statement) in corpus:
                continue  # the change made another true sentence ("De gemeenten zorgen …")
            cases.append(Case(kind, template.format(s=statement, c=_claim(statement)), sent,
                              pair))
            counts[kind] += 1
            if counts["same"] < n:
                cases.append(Case("same", template.format(s=same, c=_claim(same)), sent, None))
                counts["same"] += 1
            break
        if all(counts[k] >= n for k in KINDS):
            break
    return cases


def judge(case: Case, check) -> tuple[bool, str]:
    """(right, what happened) for the assistant's ``CheckResult`` (or None: not taken as a
    check at all)."""
    if check is None:
        return False, "not taken as a check"
    got = check.verdict
    if case.kind == "same":
        return got in ("verbatim", "supported"), got
    if got != "different":
        return False, got
    right = any(fold(case.changed[1]) in fold(doc) for _, doc in check.differences)
    return right, "different" if right else "different, without the document's value"


CLAIMS = Path(__file__).parent / "claims.jsonl"


@dataclass(frozen=True)
class Claim:
    """A fact checked in one's own words ("Klopt het dat inspecteurs bij 40 van de
    samenwerkingen interviews hebben gehouden?"), written by hand: ``holds`` or not, and then
    the value the document states (``document``), which the check should show."""

    claim: str
    holds: bool
    document: str = ""


def load_claims(path: Path = CLAIMS) -> list[Claim]:
    with open(path, encoding="utf-8") as f:
        return [Claim(**json.loads(line)) for line in f if line.strip()]


def _value(text: str) -> str:
    """As the checker compares: "73.558" and "73558" are one value, "twee" is "2"."""
    return " ".join(comparable(t) for t in text.split())


def judge_claim(claim: Claim, check) -> tuple[bool, str]:
    """(right, what happened): a claim that holds is confirmed (verbatim or supported); one
    that does not is "different", with the document's value on the right-hand side."""
    if check is None:
        return False, "not taken as a check"
    got = check.verdict
    if claim.holds:
        return got in ("verbatim", "supported"), got
    if got in ("verbatim", "supported"):
        return False, f"{got} (a wrong claim confirmed)"
    if got != "different":
        return False, got
    right = any(_value(claim.document) in _value(doc) for _, doc in check.differences)
    return right, "different" if right else "different, without the document's value"


def main_claims(assistant, path: Path, show: bool) -> int:
    claims = load_claims(path)
    outcomes: dict[bool, Counter[str]] = {True: Counter(), False: Counter()}
    right: dict[bool, list[bool]] = {True: [], False: []}
    for claim in claims:
        ok, what = judge_claim(claim, assistant.ask(claim.claim).check)
        right[claim.holds].append(ok)
        outcomes[claim.holds][what] += 1
        if show and not ok:
            print(f"[{'holds' if claim.holds else 'wrong'}] {what}: {claim.claim}",
                  file=sys.stderr)
    print("| claim | n | verdict right | outcomes |")
    print("|---|---:|---:|---|")
    for holds, label in ((True, "holds"), (False, "a number, year, actor or duty wrong")):
        rows = right[holds]
        if rows:
            seen = ", ".join(f"{k} {v}" for k, v in outcomes[holds].most_common())
            print(f"| {label} | {len(rows)} | {sum(rows) / len(rows):.2f} | {seen} |")
    return 0


def main(data: str = "data", n: int = 40, seed: int = 7, show: bool = False,
         more: bool = False, partial: bool = False, claims: str | None = None) -> int:
    from assistant.factory import build_assistant
    from eval.runner import build_settings

    assistant = build_assistant(build_settings(Path(data)))
    if claims:
        return main_claims(assistant, Path(claims), show)
    chunks = sorted(assistant.index.state.chunks.values(), key=lambda c: (c.doc, c.order))
    cases = make_cases(chunks, n, seed, _TEMPLATES + _MORE_TEMPLATES if more else _TEMPLATES,
                       partial)
    results: dict[str, list[bool]] = {}
    outcomes: dict[str, Counter[str]] = {}
    for case in cases:
        answer = assistant.ask(case.question)
        right, what = judge(case, answer.check)
        results.setdefault(case.kind, []).append(right)
        outcomes.setdefault(case.kind, Counter())[what] += 1
        if show and not right:
            print(f"[{case.kind}] {what}: {case.question}\n    document: {case.sentence}",
                  file=sys.stderr)
    print("| statement | n | verdict right | outcomes |")
    print("|---|---:|---:|---|")
    labels = {"same": "as in the document", "number": "a number or year changed",
              "actor": "an actor swapped", "negation": "a negation dropped",
              "modal": "moet and mag swapped", "qualifier": "a qualifier swapped"}
    for kind in KINDS:
        rows = results.get(kind, [])
        if rows:
            seen = ", ".join(f"{k} {v}" for k, v in outcomes[kind].most_common())
            print(f"| {labels[kind]} | {len(rows)} | {sum(rows) / len(rows):.2f} | {seen} |")
    return 0
