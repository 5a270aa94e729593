"""The vector-store seam: Chroma, embedded (PersistentClient) or a server (HttpClient).

An index is a *generation*: one Chroma collection with every chunk and two with their sentence
windows, plus a manifest record in a small meta collection that names the active generation. An
ingest writes a new generation and only then flips the manifest (one SQLite transaction), so a
crash part-way leaves the previous index answering; readers notice the flip and reload.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from pathlib import Path

from assistant.types import Chunk

log = logging.getLogger(__name__)

META_ID = "manifest"
# The windows of a few hundred pages are some thousands of vectors: a search that looks at up to
# 1000 candidates is exact there, and the same in every process. With Chroma's default (100),
# 3 of the 1290 top-10 places of the eval questions went to another window, and which ones
# depended on the process (the graph is approximate).
HNSW = {"space": "cosine", "ef_search": 1000, "ef_construction": 200}


class StoreError(RuntimeError):
    pass


def make_client(data_dir: Path, host: str | None = None, port: int = 8000):
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if host:
        try:
            client = chromadb.HttpClient(host=host, port=port, settings=chroma_settings)
            client.heartbeat()
        except Exception as e:
            raise StoreError(f"cannot reach the Chroma server at {host}:{port}: start it with "
                             f"`chroma run --path DIR --host {host} --port {port}`") from e
        return client
    (data_dir / "chroma").mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(data_dir / "chroma"), settings=chroma_settings)


class ChromaStore:
    def __init__(self, client, prefix: str = "inclusief"):
        self.client = client
        self.prefix = prefix
        self._meta = client.get_or_create_collection(
            f"{prefix}_meta", embedding_function=None, metadata={"hnsw:space": "cosine"})

    # --- manifest ---------------------------------------------------------------------------
    def manifest(self) -> dict | None:
        got = self._meta.get(ids=[META_ID], include=["documents"])
        if not got["ids"]:
            return None
        return json.loads(got["documents"][0])

    def write_manifest(self, manifest: dict) -> None:
        self._meta.upsert(ids=[META_ID], documents=[json.dumps(manifest, ensure_ascii=False)],
                          embeddings=[[0.0]])

    # --- generations ------------------------------------------------------------------------
    def collection_name(self, generation: str) -> str:
        return f"{self.prefix}_g{generation}"

    def units_name(self, generation: str) -> str:
        return f"{self.prefix}_g{generation}_u"

    def plain_name(self, generation: str) -> str:
        return f"{self.prefix}_g{generation}_p"

    def new_generation(self, generation: str):
        """Three fresh collections: chunks (text, metadata, pooled vector), their units as
        dense retrieval embeds them (behind their section path), and the plain units."""
        made = []
        for name in (self.collection_name(generation), self.units_name(generation),
                     self.plain_name(generation)):
            self.drop(name)
            made.append(self.client.create_collection(
                name, embedding_function=None, configuration={"hnsw": dict(HNSW)}))
        return tuple(made)

    def collection(self, name: str):
        return self.client.get_collection(name, embedding_function=None)

    def drop(self, name: str) -> None:
        try:
            self.client.delete_collection(name)
        except Exception:  # not there: nothing to drop
            pass

    def drop_stale(self, keep: str, previous: str | None = None) -> list[str]:
        """Remove generations older than ``keep``, except ``previous`` (the one before it, which
        requests that started before the flip may still be reading). A newer generation is an
        ingest still being written (another app instance on the same Chroma server): it stays."""
        kept = {f"{g}{suffix}" for g in (keep, previous) if g for suffix in ("", "_u", "_p")}
        dropped = []
        for col in self.client.list_collections():
            name = col if isinstance(col, str) else col.name
            if (name.startswith(f"{self.prefix}_g") and name not in kept
                    and _generation(name) < _generation(keep)):
                self.drop(name)
                dropped.append(name)
        return dropped


def _generation(name: str) -> str:
    """"inclusief_g20261204140512123456ab12_u" -> "20261204140512123456ab12" (a timestamp
    first, so generations sort by age)."""
    return name.rsplit("_g", 1)[-1].removesuffix("_u").removesuffix("_p")


def add_chunks(collection, chunks: Sequence[Chunk], vectors: Sequence[Sequence[float]],
               batch: int = 256) -> None:
    for i in range(0, len(chunks), batch):
        part = chunks[i:i + batch]
        collection.add(ids=[c.id for c in part], documents=[c.text for c in part],
                       metadatas=[c.metadata() for c in part],
                       embeddings=[list(v) for v in vectors[i:i + batch]])


def all_records(collection) -> list[Chunk]:
    got = collection.get(include=["documents", "metadatas"])
    return [Chunk.from_record(i, d, m) for i, d, m in
            zip(got["ids"], got["documents"], got["metadatas"])]


def add_units(collection, units: Sequence[tuple[str, str, str, str, int, int]],
              vectors: Sequence[Sequence[float]], batch: int = 256) -> None:
    """Units as (unit id, chunk id, doc, text, start, end); offsets inside the chunk text."""
    for i in range(0, len(units), batch):
        part = units[i:i + batch]
        collection.add(ids=[u[0] for u in part], documents=[u[3] for u in part],
                       metadatas=[{"chunk": u[1], "doc": u[2], "start": u[4], "end": u[5]}
                                  for u in part],
                       embeddings=[list(v) for v in vectors[i:i + batch]])


def _where(docs: Sequence[str] | None):
    if not docs:
        return None
    return {"doc": docs[0]} if len(docs) == 1 else {"doc": {"$in": list(docs)}}


def query_units(collection, vector: Sequence[float], k: int,
                docs: Sequence[str] | None = None, size: int | None = None
                ) -> tuple[list[tuple[str, float]], dict[str, list[tuple[int, int, float]]]]:
    """The ``k`` best chunks as (chunk id, best unit similarity), best first, and per chunk
    the units that were hit as (start, end, similarity) inside the chunk text. ``size``: the
    collection's count when the caller knows it (a count costs as much as a small query)."""
    n = min(k * 4, collection.count() if size is None else size)
    if n == 0:
        return [], {}
    res = collection.query(query_embeddings=[list(vector)], n_results=n, where=_where(docs),
                           include=["distances", "metadatas"])
    best: dict[str, float] = {}
    spans: dict[str, list[tuple[int, int, float]]] = {}
    for meta, dist in zip(res["metadatas"][0], res["distances"][0]):
        cid, sim = meta["chunk"], 1.0 - float(dist)
        best.setdefault(cid, sim)
        spans.setdefault(cid, []).append((int(meta.get("start", 0)), int(meta.get("end", 0)),
                                          sim))
    return list(best.items())[:k], spans
