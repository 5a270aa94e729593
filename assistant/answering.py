"""The answerer seam: passages in, a cited draft out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from assistant.types import Citation, Passage, Style


@dataclass
class Draft:
    """An answer text whose [n] markers refer to ``citations``."""

    text: str
    citations: list[Citation] = field(default_factory=list)
    abstained: bool = False
    # passages quoted beyond those the answerer was given (where a parent can go next, from
    # anywhere in the documents): the citation check reads them too
    sources: list[Passage] = field(default_factory=list)


class Answerer(Protocol):
    name: str

    def answer(self, question: str, passages: Sequence[Passage], style: Style) -> Draft:
        """Answer from ``passages`` only; every statement carries a [n] citation."""
        ...
