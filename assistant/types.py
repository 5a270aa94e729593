"""The project's own small types; UI, CLI and eval use these, never library node classes."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Literal

from assistant.text import indented, quoted

Style = Literal["ouder", "leraar", "beleid"]
STYLES: tuple[Style, ...] = ("ouder", "leraar", "beleid")


@dataclass(frozen=True)
class DocInfo:
    """One document of the corpus, as recorded in the manifest."""

    doc: str  # file name inside the corpus folder, e.g. "werkagenda-....txt"
    title: str
    publisher: str = ""
    published: str = ""  # "YYYY" or "YYYY-MM" or ""
    kind: str = ""
    pages: int | None = None  # PDFs, and text files whose pages end in form feeds
    chunks: int = 0

    @property
    def year(self) -> str:
        return self.published[:4] if self.published else ""


@dataclass(frozen=True)
class Chunk:
    """A citable piece of one document's cleaned text."""

    id: str
    doc: str
    title: str
    text: str
    section: str | None  # "9 Werkagenda > 9.4 Regelruimte > 9.4.1 Landelijke maatregelen/acties"
    start: int  # character offsets into the cleaned document text
    end: int
    order: int  # position of the chunk inside its document
    page: int | None = None  # physical page number (1-based): PDFs, text files with form feeds
    page_label: str | None = None  # printed page label where the PDF defines one
    page_end: int | None = None
    # where a new page starts inside ``text``: (offset, page, label), so a quote from the second
    # page of a chunk cites that page and not the one the chunk starts on
    page_breaks: tuple[tuple[int, int, str | None], ...] = ()
    # where a footnote starts inside ``text`` (at its number), as the ingest found it; None: an
    # index from before the ingest recorded them (the footnotes are then told by their lines)
    notes: tuple[int, ...] | None = None

    def page_of(self, quote: str) -> str | None:
        """The page(s) a quote of this chunk stands on, as shown to users: "4", "iv" or "4-5"
        (label where the PDF defines one); None for text and Markdown files."""
        if self.page is None:
            return None
        start = max(self.text.find(quote), 0)
        end = start + max(len(quote) - 1, 0)
        first = last = (self.page, self.page_label)
        for offset, page, label in self.page_breaks:
            if offset <= start:
                first = (page, label)
            if offset <= end:
                last = (page, label)
        shown = [label or str(page) for page, label in (first, last)]
        return shown[0] if first == last else f"{shown[0]}-{shown[1]}"

    def metadata(self) -> dict:
        """Flat metadata for the vector store (no None values: Chroma rejects them)."""
        meta = {
            "doc": self.doc,
            "title": self.title,
            "section": self.section or "",
            "start": self.start,
            "end": self.end,
            "order": self.order,
        }
        if self.page is not None:
            meta["page"] = self.page
            meta["page_end"] = self.page_end if self.page_end is not None else self.page
        if self.page_label:
            meta["page_label"] = self.page_label
        if self.page_breaks:
            meta["page_breaks"] = json.dumps([list(b) for b in self.page_breaks])
        if self.notes is not None:
            meta["notes"] = json.dumps(list(self.notes))
        return meta

    @classmethod
    def from_record(cls, chunk_id: str, text: str, meta: dict) -> Chunk:
        return cls(
            id=chunk_id,
            doc=meta["doc"],
            title=meta.get("title", meta["doc"]),
            text=text,
            section=meta.get("section") or None,
            start=int(meta.get("start", 0)),
            end=int(meta.get("end", 0)),
            order=int(meta.get("order", 0)),
            page=int(meta["page"]) if meta.get("page") is not None else None,
            page_label=meta.get("page_label") or None,
            page_end=int(meta["page_end"]) if meta.get("page_end") is not None else None,
            page_breaks=tuple((int(o), int(p), lb) for o, p, lb
                              in json.loads(meta.get("page_breaks") or "[]")),
            notes=tuple(int(o) for o in json.loads(meta["notes"])) if "notes" in meta else None,
        )


@dataclass
class Passage:
    """A retrieved chunk with its fused score and the ranks that produced it."""

    chunk: Chunk
    score: float
    ranks: dict[str, int] = field(default_factory=dict)  # e.g. {"dense": 1, "lexical": 4}
    dense_score: float | None = None  # cosine similarity, when dense retrieval found it
    units: list[tuple[int, int, float]] = field(default_factory=list)  # dense hits in the text

    def to_record(self) -> dict:
        return {"doc": self.chunk.doc, "text": self.chunk.text, "score": round(self.score, 6),
                "id": self.chunk.id, "section": self.chunk.section, "page": self.chunk.page_label
                or self.chunk.page}


@dataclass
class Citation:
    """[n] Title — section — p. X — "verbatim quote". The quote stands verbatim in the chunk."""

    n: int
    chunk_id: str
    doc: str
    title: str
    section: str | None
    page: str | None  # page label or number as shown to users; None for txt/md
    quote: str
    publisher: str = ""
    year: str = ""

    def render(self) -> str:
        parts = [f"[{self.n}] {self.title}"]
        if self.section:
            parts.append(self.section)
        if self.page:
            parts.append(f"p. {self.page}")
        parts.append(quoted(indented(self.quote, "    ")))
        return " — ".join(parts)

    def reference(self) -> str:
        """A ready-to-copy reference: publisher, year, title, section, page."""
        # a document that states no date: "z.d." (zonder datum), as the Dutch APA has it
        year = f" ({self.year or 'z.d.'})"
        if self.publisher:
            ref = f"{self.publisher}{year}. {self.title}"
        else:  # no author: the title takes its place, as APA has it
            ref = f"{self.title}{year}"
        if self.section:
            ref += f", {self.section}"
        if self.page:
            ref += f", p. {self.page}"
        return ref + "."

    def to_record(self) -> dict:
        return {"n": self.n, "doc": self.doc, "title": self.title, "section": self.section,
                "page": self.page, "quote": self.quote}


@dataclass
class Turn:
    """One earlier exchange in a conversation."""

    question: str
    answer: str = ""
    query: str = ""  # the standalone query the question was condensed into


@dataclass
class CheckResult:
    """Verdict on a pasted statement: letterlijk / in andere woorden / met verschillen /
    niet gevonden."""

    verdict: Literal["verbatim", "supported", "different", "not_found"]
    statement: str
    citation: Citation | None = None
    differences: list[tuple[str, str]] = field(default_factory=list)  # (in statement, in document)
    similarity: float = 0.0


@dataclass
class Answer:
    text: str
    citations: list[Citation]
    passages: list[Passage]
    abstained: bool
    timings: dict[str, float] = field(default_factory=dict)  # milliseconds per stage
    query: str = ""
    style: Style = "leraar"
    check: CheckResult | None = None
    notice: str | None = None  # a short Dutch message about the input (e.g. it was shortened)
    evidence: dict | None = None  # {"coverage", "similarity", "words"}: abstention signals

    def to_run_record(self, qid: str, question: str) -> dict:
        """One line of the run format of eval/README.md."""
        return {
            "id": qid,
            "question": question,
            "answer": self.text,
            "abstained": self.abstained,
            "citations": [c.to_record() for c in self.citations],
            "retrieved": [p.to_record() for p in self.passages],
            "timings_ms": {k: round(v, 2) for k, v in self.timings.items()},
            "query": self.query,
            "check": asdict(self.check) if self.check else None,
            "evidence": self.evidence,
        }
