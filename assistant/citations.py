"""Citation validation: every [n] resolves, every quote stands verbatim in its cited chunk."""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.text import contains_verbatim
from assistant.types import Citation, Passage

MARKER = re.compile(r"\[(\d+)\]")


def markers(text: str) -> list[int]:
    """The citation numbers used in ``text``, in order of first use."""
    seen: list[int] = []
    for m in MARKER.finditer(text):
        n = int(m.group(1))
        if n not in seen:
            seen.append(n)
    return seen


def quote_is_verbatim(citation: Citation, passages: Sequence[Passage]) -> bool:
    for p in passages:
        if p.chunk.id == citation.chunk_id:
            return contains_verbatim(p.chunk.text, citation.quote)
    return False


def invalid_citations(text: str, citations: Sequence[Citation],
                      passages: Sequence[Passage]) -> list[str]:
    """Problems, in plain English, that make a cited answer unfit to show (empty: all good)."""
    problems = []
    by_n = {c.n: c for c in citations}
    for n in markers(text):
        if n not in by_n:
            problems.append(f"marker [{n}] has no citation")
    for c in citations:
        if not quote_is_verbatim(c, passages):
            problems.append(f"citation [{c.n}] quote is not verbatim in chunk {c.chunk_id}")
    return problems
