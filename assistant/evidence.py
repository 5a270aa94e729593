"""Evidence check: is the question about what the documents say, or should we abstain?

Two signals (calibration: README, "Abstention"; `python -m eval calibrate`):

- *similarity*: the cosine between the question as typed and its closest sentence window. A
  question about exam rules or a pgb has no sentence close to it, even when some passages share
  its words. It is used for questions of at least ``min_words`` content words: shorter ones
  ("Wat is symbiose?") score low against any passage and were never calibrated.
- *coverage*: the share of the question's IDF-weighted words (its own words, typos repaired,
  not glossary expansions; words unknown to the corpus weigh most) that the best passages hold.
  A question that names things no document mentions scores low.

The similarity rule compares the cosine plus ``coverage_weight`` times the coverage with its
threshold: a question whose words the passages hold needs a little less closeness ("Welke
kansen ziet de handreiking bij nieuwbouw van scholen?", cosine 0.8581), one whose words they
lack a little more (docs/experiments.md, seventeenth round).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.lexical import frame_stems
from assistant.types import Passage


@dataclass(frozen=True)
class Evidence:
    answerable: bool
    coverage: float  # weighted share of the question's words found in the top passages
    similarity: float  # cosine of the question and its closest sentence window
    words: int  # distinct content words of the question

    def to_record(self) -> dict:
        return {"coverage": round(self.coverage, 4), "similarity": round(self.similarity, 4),
                "words": self.words}


def coverage(index, terms: set[str], passages: Sequence[Passage], top: int = 3,
             stands_for: dict[str, frozenset[str]] | None = None) -> float:
    """``stands_for``: an abbreviation counts as found where what it stands for is written."""
    if not terms:
        return 0.0
    stands_for = stands_for or {}
    found: set[str] = set()
    for p in passages[:top]:
        held = index.chunk_terms(p.chunk.id)
        found |= {t for t in terms if t in held or stands_for.get(t, frozenset()) & held}
    total = math.fsum(index.idf(t) for t in terms)  # fsum: the same sum in any set order
    return math.fsum(index.idf(t) for t in found) / total if total else 0.0


def abstains(coverage_: float, similarity: float, words: int, min_coverage: float,
             min_similarity: float | None, min_words: int, coverage_weight: float = 0.0) -> bool:
    """The decision, shared with the calibration in eval/calibrate.py."""
    if coverage_ < min_coverage:
        return True
    return min_similarity is not None and words >= min_words \
        and similarity + coverage_weight * coverage_ < min_similarity


def assess(index, query: str, passages: Sequence[Passage], min_coverage: float,
           min_similarity: float | None, min_words: int,
           docs: Sequence[str] | None = None, counted: str | None = None,
           coverage_weight: float = 0.0) -> Evidence:
    """``counted``: the text whose words decide whether the similarity rule applies (default
    the query; a short follow-up passes its own words, see ``Assistant._answer``)."""
    if not passages:
        return Evidence(False, 0.0, 0.0, 0)
    terms = set(index.own_terms(query))
    cov = coverage(index, terms, passages, stands_for=index.stands_for(query))
    sim = index.similarity(query, docs)  # always measured: `python -m eval calibrate` reads it
    # "Wat zegt de toolkit over ambulante begeleiding?" asks about two words: the frame that
    # names a document and what it says is no subject, and it draws the question's vector away
    # from every sentence
    words = len((terms if counted is None else set(index.own_terms(counted))) - frame_stems())
    return Evidence(not abstains(cov, sim, words, min_coverage, min_similarity, min_words,
                                 coverage_weight), cov, sim, words)
