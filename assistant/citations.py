"""Citation validation: every [n] resolves, every quote stands verbatim in its cited chunk."""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.text import contains_verbatim, with_footnote
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


def make_citation(n: int, passage: Passage, quote: str, meta: dict | None = None) -> Citation:
    """Citation ``n`` of ``quote`` in ``passage``'s chunk; ``meta``: its document's entry in the
    index manifest (publisher, date) for the reference."""
    c = passage.chunk
    meta = meta or {}
    page = c.page_of(quote)
    return Citation(n=n, chunk_id=c.id, doc=c.doc, title=c.title,
                    section=with_footnote(c.section, c.text, quote, c.notes), page=page,
                    quote=quote, publisher=meta.get("publisher", ""),
                    year=str(meta.get("published", ""))[:4])
