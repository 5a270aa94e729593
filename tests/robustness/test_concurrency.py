"""Ingest while answering: every answer comes from one complete generation, old or new."""

from __future__ import annotations

import shutil
import threading

import pytest

from assistant.factory import build_assistant
from assistant.text import contains_verbatim
from ingest.pipeline import run_ingest
from tests.conftest import CORPUS
from tests.robustness.conftest import HANDREIKING, QUESTION

pytestmark = pytest.mark.slow

NEW_QUESTION = "Wat is een ontwikkelagenda voor gemeenten en samenwerkingsverbanden?"


def test_answers_keep_coming_from_a_complete_generation_during_an_ingest(mini_index, embedder):
    settings = mini_index
    assistant = build_assistant(settings, embedder=embedder)
    old = assistant.index.state
    old_ids = set(old.chunks)
    shutil.copy(CORPUS / HANDREIKING, settings.corpus_dir / HANDREIKING)

    results, errors = [], []
    stop = threading.Event()

    def keep_asking() -> None:
        questions = [QUESTION, NEW_QUESTION]
        i = 0
        while not stop.is_set():
            q = questions[i % 2]
            i += 1
            try:
                answer = assistant.ask(q)
                results.append(answer)
            except Exception as e:  # noqa: BLE001 - collected and asserted below
                errors.append(repr(e))

    asker = threading.Thread(target=keep_asking)
    asker.start()
    try:
        report = run_ingest(settings, embedder=embedder)
    finally:
        stop.set()
        asker.join(timeout=60)
    assert report.added == [HANDREIKING]
    assert errors == []  # the previous generation stays until the next ingest
    assistant.index.refresh()
    new = assistant.index.state
    assert new.generation != old.generation
    new_ids = set(new.chunks)
    assert any(c.doc == HANDREIKING for c in new.chunks.values())

    assert len(results) >= 4, "the asking thread should overlap the ingest"
    generations = set()
    for answer in results:
        ids = {p.chunk.id for p in answer.passages}
        assert ids, answer.text
        assert ids <= old_ids or ids <= new_ids, "an answer mixed two generations"
        generations.add("old" if ids <= old_ids else "new")
        chunks = {p.chunk.id: p.chunk.text for p in answer.passages}
        for c in answer.citations:
            assert contains_verbatim(chunks[c.chunk_id], c.quote)
    assert "old" in generations  # answered from the previous index while the ingest ran

    after = assistant.ask(NEW_QUESTION)
    assert any(p.chunk.doc == HANDREIKING for p in after.passages)


class FlipDuringQuery:
    """The real embedder, but the first query embedding waits for a whole ingest to finish.

    This is the race of a busy server made deterministic: a request has loaded the active
    generation and starts retrieving; meanwhile an ingest (here, or in another process on the
    same Chroma server) writes a new generation, flips the manifest and cleans up."""

    def __init__(self, inner, settings):
        self.inner, self.settings = inner, settings
        self.model_id, self.dim = inner.model_id, inner.dim
        self.armed = False
        self.report = None

    def embed_passages(self, texts):
        return self.inner.embed_passages(texts)

    def embed_query(self, text):
        if self.armed:
            self.armed = False
            self.report = run_ingest(self.settings, embedder=self.inner)
        return self.inner.embed_query(text)


def test_a_request_in_flight_during_the_flip_still_gets_an_answer(mini_index, embedder):
    settings = mini_index
    racer = FlipDuringQuery(embedder, settings)
    assistant = build_assistant(settings, embedder=racer)
    old_generation = assistant.index.state.generation
    (settings.corpus_dir / "extra.md").write_text(
        "# Onderwijszorgloket\n\nHet onderwijszorgloket in de regio Zuiderkwartier helpt "
        "ouders bij het vinden van een passende plek voor hun kind.\n", encoding="utf-8")
    racer.armed = True
    answer = assistant.ask(QUESTION)  # must not fail with "collection does not exist"
    assert racer.report is not None and racer.report.added == ["extra.md"]
    assert answer.citations and not answer.abstained
    assert assistant.index.state.generation == old_generation  # answered from the old one
    later = assistant.ask("Wat doet het onderwijszorgloket in de regio Zuiderkwartier?")
    assert assistant.index.state.generation != old_generation
    assert any(c.doc == "extra.md" for c in later.citations)


def test_a_second_ingest_waits_for_the_one_running_and_then_finds_the_index_complete(
        mini_index):
    """Two ingests on one data folder (the CLI while the app takes an upload, say) used to run
    side by side, and the one that finished first removed the other's collections as stale."""
    import os
    import subprocess
    import sys

    from assistant.store import ChromaStore, make_client
    from ingest.pipeline import one_at_a_time
    from tests.conftest import ROOT

    settings = mini_index
    store = ChromaStore(make_client(settings.data_dir), settings.store.collection_prefix)
    before = store.manifest()["generation"]
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False"}
    with one_at_a_time(settings.data_dir):  # this test is the ingest that runs
        second = subprocess.Popen(
            [sys.executable, "-m", "ingest", "--corpus", str(settings.corpus_dir), "--data",
             str(settings.data_dir), "-q"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True)
        said = []
        for line in second.stderr:  # it says why it waits, then blocks until the lock is free
            said.append(line)
            if "waiting until it is done" in line:
                break
        assert any("another ingest is running" in line for line in said), said
        assert second.poll() is None, "the second ingest did not wait"
        assert store.manifest()["generation"] == before
    out, err = second.communicate(timeout=300)
    assert second.returncode == 0, err
    assert "no changes" in out
    assert store.manifest()["generation"] == before


def test_an_ingest_leaves_a_newer_generation_that_another_instance_is_writing(mini_index):
    """With a shared Chroma server the lock file of one machine does not reach the other: a
    finishing ingest must not remove the collections of one that started after it."""
    from assistant.store import ChromaStore, make_client

    store = ChromaStore(make_client(mini_index.data_dir), mini_index.store.collection_prefix)
    manifest = store.manifest()
    store.new_generation("29991231235959abcdef")  # being written elsewhere
    store.new_generation("20000101000000abcdef")  # an interrupted run long ago
    dropped = store.drop_stale(manifest["collection"], manifest.get("previous"))
    names = {c if isinstance(c, str) else c.name for c in store.client.list_collections()}
    assert {store.collection_name("29991231235959abcdef"),
            store.units_name("29991231235959abcdef"),
            store.plain_name("29991231235959abcdef")} <= names
    assert store.collection_name("20000101000000abcdef") in dropped
    assert manifest["collection"] in names


def test_an_ingest_whose_collections_another_instance_removed_stops_with_a_clear_error(
        mini_index, embedder):
    """Across machines on one Chroma server: a newer ingest finished first and dropped this
    run's half-written generation as older than its own."""
    from assistant.store import ChromaStore, make_client
    from ingest.pipeline import IngestError

    settings = mini_index
    store = ChromaStore(make_client(settings.data_dir), settings.store.collection_prefix)
    active = store.manifest()
    shutil.copy(CORPUS / HANDREIKING, settings.corpus_dir / HANDREIKING)

    def newer_instance_finishes(done, total, message):
        for col in store.client.list_collections():
            name = col if isinstance(col, str) else col.name
            if name.startswith(f"{store.prefix}_g") and name not in (
                    active["collection"], active["units_collection"], active["plain_collection"]):
                store.drop(name)

    with pytest.raises(IngestError, match="newer ingest"):
        run_ingest(settings, embedder=embedder, progress=newer_instance_finishes)
    assistant = build_assistant(settings, embedder=embedder)
    assert assistant.index.state.generation == active["generation"]
    assert assistant.ask(QUESTION).citations
