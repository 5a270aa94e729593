"""Peer baselines on the same corpus and embedder; only their retrieval is compared.

* ``bm25``: the project's lexical retriever alone.
* ``dense``: the project's dense retriever alone.
* ``llamaindex``: llama-index's default pipeline: ``SentenceSplitter(1024, 200)`` over the corpus
  documents -> ``VectorStoreIndex`` on a ``ChromaVectorStore`` -> retriever top-k. Its index is
  cached in ``<data>/peers/`` under a key of the corpus content, splitter and embedder, so the
  corpus is embedded once.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger(__name__)

CHUNK_SIZE = 1024
CHUNK_OVERLAP = 200
COLLECTION = "llamaindex_peer"


def method_peer(assistant, method: str) -> Callable[[str, int], list[dict]]:
    """``method``: "lexical" or "dense" (one arm of the project's hybrid retriever)."""
    retriever = getattr(assistant.retriever, method)

    def retrieve(question: str, k: int) -> list[dict]:
        return [p.to_record() for p in retriever.retrieve(question, k)]

    return retrieve


def corpus_documents(corpus_dir: Path) -> list[tuple[str, str, int | None]]:
    """(file name, text, page) per document (per page for PDFs), read with the ingest readers."""
    from ingest.readers import SUPPORTED, ReadError, read_document

    out = []
    for path in sorted(Path(corpus_dir).iterdir()):
        if not path.is_file() or path.suffix.lower() not in SUPPORTED:
            continue
        try:
            raw = read_document(path)
        except ReadError as e:
            log.warning("peer skipped file=%s reason=%s", path.name, e.reason)
            continue
        out += [(path.name, p.text, p.number) for p in raw.pages if p.text.strip()]
    return out


def corpus_key(corpus_dir: Path, model_id: str) -> str:
    h = hashlib.sha256(f"{model_id}|{CHUNK_SIZE}|{CHUNK_OVERLAP}".encode())
    for name, text, page in corpus_documents(corpus_dir):
        h.update(f"{name}|{page}|".encode())
        h.update(text.encode())
    return h.hexdigest()[:16]


class LlamaIndexPeer:
    """llama-index's default vector pipeline over Chroma, with the project's embedder."""

    def __init__(self, settings, embedder=None, k: int = 10):
        from assistant.embedders import as_llama_index

        if embedder is None:
            from assistant.factory import build_embedder

            embedder = build_embedder(settings)
        self.embed_model = as_llama_index(embedder)
        self.corpus_dir = Path(settings.corpus_dir)
        self.key = corpus_key(self.corpus_dir, embedder.model_id)
        self.path = Path(settings.data_dir) / "peers" / f"llamaindex-{self.key}"
        self.k = k
        self._retriever = None

    def _vector_store(self):
        import chromadb
        from chromadb.config import Settings as ChromaSettings
        from llama_index.vector_stores.chroma import ChromaVectorStore

        client = chromadb.PersistentClient(
            path=str(self.path), settings=ChromaSettings(anonymized_telemetry=False))
        collection = client.get_or_create_collection(COLLECTION, embedding_function=None)
        return ChromaVectorStore(chroma_collection=collection)

    def build(self) -> int:
        """Build (or load) the cached index; returns the number of nodes."""
        from llama_index.core import Document, StorageContext, VectorStoreIndex
        from llama_index.core import Settings as LlamaSettings
        from llama_index.core.node_parser import SentenceSplitter

        LlamaSettings.llm = None  # never reach for a remote default
        marker = self.path / "complete.json"
        if marker.exists():
            store = self._vector_store()
            index = VectorStoreIndex.from_vector_store(store, embed_model=self.embed_model)
            count = json.loads(marker.read_text())["nodes"]
        else:
            if self.path.exists():  # an interrupted build
                shutil.rmtree(self.path)
            self.path.mkdir(parents=True)
            docs = [Document(text=text, metadata={"doc": name, **({"page": page} if page else {})})
                    for name, text, page in corpus_documents(self.corpus_dir)]
            nodes = SentenceSplitter(chunk_size=CHUNK_SIZE,
                                     chunk_overlap=CHUNK_OVERLAP).get_nodes_from_documents(docs)
            store = self._vector_store()
            storage = StorageContext.from_defaults(vector_store=store)
            log.info("llamaindex peer embedding nodes=%d path=%s", len(nodes), self.path)
            index = VectorStoreIndex(nodes, storage_context=storage, embed_model=self.embed_model)
            count = len(nodes)
            marker.write_text(json.dumps({"nodes": count, "key": self.key}))
        self._retriever = index.as_retriever(similarity_top_k=self.k)
        return count

    def retrieve(self, question: str, k: int = 10) -> list[dict]:
        if self._retriever is None:
            self.build()
        hits = self._retriever.retrieve(question)[:k]
        return [{"doc": h.node.metadata.get("doc", ""), "text": h.node.get_content(),
                 "score": round(float(h.score or 0.0), 6), "id": h.node.node_id}
                for h in hits]
