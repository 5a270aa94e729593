"""Structure-aware chunks: split at headings, then pack whole sentences up to a size.

Every chunk's text is exactly ``doc_text[start:end]``; chunks never cross a section boundary,
and a heading with no text of its own is carried into the chunk that follows it.
"""

from __future__ import annotations

import bisect
import hashlib
from dataclasses import dataclass

from assistant.text import sentence_spans, with_titles
from assistant.types import Chunk
from ingest.structure import Structured

CHUNKER_VERSION = "struct-v17"  # v17: text files with form feeds read page by page


@dataclass(frozen=True)
class ChunkParams:
    target_chars: int = 900  # pack sentences up to this size
    max_chars: int = 1600  # a single longer sentence is cut at a space past this
    min_chars: int = 200  # a smaller trailing piece joins the chunk before it
    unit_chars: int = 350  # dense retrieval embeds windows of whole sentences up to this size
    unit_context: bool = True  # a window is embedded behind its section path (in_context)

    @property
    def version(self) -> str:
        return (f"{CHUNKER_VERSION}-{self.target_chars}-{self.max_chars}-{self.min_chars}"
                f"-u{self.unit_chars}{'c' if self.unit_context else ''}")


def chunk_id(doc: str, start: int, end: int, text: str) -> str:
    digest = hashlib.sha1(f"{doc}\x00{start}\x00{end}\x00{text}".encode()).hexdigest()
    return digest[:20]


def section_ranges(st: Structured) -> list[tuple[int, int, str | None]]:
    """(start, end, section path) ranges covering the text; heading-only ranges are merged."""
    bounds = [(0, None)] + [(off, path) for off, path in st.sections]
    ranges = []
    for i, (off, path) in enumerate(bounds):
        end = bounds[i + 1][0] if i + 1 < len(bounds) else len(st.text)
        if end > off:
            ranges.append([off, end, path])
    merged: list[list] = []
    carry: int | None = None
    for start, end, path in ranges:
        body = st.text[start:end].strip()
        heading_only = path is not None and "\n" not in body and len(body) < 120
        if heading_only and end < len(st.text):
            carry = start if carry is None else carry
            continue
        merged.append([carry if carry is not None else start, end, path])
        carry = None
    return [(s, e, p) for s, e, p in merged]


def _pieces(text: str, start: int, end: int, max_chars: int) -> list[tuple[int, int]]:
    """Sentence spans inside [start, end), overly long sentences cut at spaces."""
    out = []
    for s, e in with_titles(text[start:end], sentence_spans(text[start:end])):
        s, e = s + start, e + start
        while e - s > max_chars:
            cut = text.rfind(" ", s, s + max_chars)
            cut = cut if cut > s else s + max_chars
            out.append((s, cut))
            s = cut + 1 if text[cut:cut + 1] == " " else cut
        out.append((s, e))
    return out


def pack(spans: list[tuple[int, int]], params: ChunkParams) -> list[tuple[int, int]]:
    groups: list[list[tuple[int, int]]] = []
    for s, e in spans:
        if groups and e - groups[-1][0][0] <= params.target_chars:
            groups[-1].append((s, e))
        else:
            groups.append([(s, e)])
    if len(groups) > 1 and groups[-1][-1][1] - groups[-1][0][0] < params.min_chars:
        last = groups.pop()
        if last[-1][1] - groups[-1][0][0] <= params.max_chars:
            groups[-1].extend(last)
        else:
            groups.append(last)
    return [(g[0][0], g[-1][1]) for g in groups]


def page_at(st: Structured, offset: int) -> tuple[int | None, str | None]:
    if not st.pages:
        return None, None
    i = bisect.bisect_right([p[0] for p in st.pages], offset) - 1
    _, number, label = st.pages[max(i, 0)]
    return number, label


def split_into_chunks(st: Structured, doc: str, title: str,
                      params: ChunkParams | None = None) -> list[Chunk]:
    params = params or ChunkParams()
    chunks: list[Chunk] = []
    for r_start, r_end, path in section_ranges(st):
        for s, e in pack(_pieces(st.text, r_start, r_end, params.max_chars), params):
            text = st.text[s:e]
            page, label = page_at(st, s)
            page_end, _ = page_at(st, max(s, e - 1))
            breaks = tuple((o - s, n, lb) for o, n, lb in st.pages if s < o < e)
            chunks.append(Chunk(
                id=chunk_id(doc, s, e, text), doc=doc, title=title, text=text, section=path,
                start=s, end=e, order=len(chunks), page=page, page_label=label,
                page_end=page_end, page_breaks=breaks,
                notes=tuple(o - s for o in st.notes if s <= o < e),
            ))
    return chunks


def split_into_units(chunk: Chunk, max_chars: int = 350) -> list[tuple[int, int]]:
    """Windows of whole sentences (offsets inside ``chunk.text``) for dense retrieval.

    A chunk-level vector of a 900-character passage blurs what it says; small windows keep
    each statement findable, and a chunk scores as its best window (measured: README).
    """
    spans = with_titles(chunk.text, sentence_spans(chunk.text)) or [(0, len(chunk.text))]
    units = []
    j = 0
    while j < len(spans):
        start = spans[j][0]
        k = j + 1
        while k < len(spans) and spans[k][1] - start <= max_chars:
            k += 1
        units.append((start, spans[k - 1][1]))
        j = k
    return units


def in_context(chunk: Chunk, start: int, end: int) -> str:
    """A window as dense retrieval embeds it: behind its section path ("Wet- en regelgeving >
    Symbiose: Er mag in principe 60% …"), unless the window starts with its own heading.

    A window is a few sentences; what they are about is often only in the heading ("Tijdpad"
    over "Voorjaar 2027: Wetsvoorstel wordt ingediend"). Measured:
    docs/experiments.md, fifth round. The plain window is embedded too, for the abstention
    similarity, which it separates better.
    """
    text = chunk.text[start:end]
    heading = (chunk.section or "").rsplit(" > ", 1)[-1].strip()
    if not heading or heading in text[:len(heading) + 5]:
        return text
    return f"{chunk.section}: {text}"


def unit_id(chunk_id_: str, start: int, end: int, text: str) -> str:
    return chunk_id(chunk_id_, start, end, text)
