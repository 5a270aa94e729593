"""Evidence check: do the passages hold what the question asks about, or should we abstain?

The signal is the share of the question's weighted vocabulary (IDF, words unknown to the corpus
weigh most) that the best passages contain. A question about "De Regenboog in Zwolle" or an
"NGT-tolk" names things no document mentions, and scores low. Threshold: see README.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assistant.lexical import analyze
from assistant.types import Passage


@dataclass(frozen=True)
class Evidence:
    answerable: bool
    coverage: float  # weighted share of query terms found in the top passages


def coverage(index, query: str, passages: Sequence[Passage], top: int = 3) -> float:
    terms = set(analyze(query))
    if not terms:
        return 0.0
    found: set[str] = set()
    for p in passages[:top]:
        found |= terms & set(analyze(p.chunk.text))
    total = sum(index.idf(t) for t in terms)
    return sum(index.idf(t) for t in found) / total if total else 0.0


def assess(index, query: str, passages: Sequence[Passage], threshold: float) -> Evidence:
    if not passages:
        return Evidence(False, 0.0)
    cov = coverage(index, query, passages)
    return Evidence(cov >= threshold, cov)
