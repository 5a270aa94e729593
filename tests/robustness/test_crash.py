"""kill -9 of an ingest part-way through embedding: the previous index answers, the next completes."""

from __future__ import annotations

import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from assistant.factory import build_assistant, build_store
from ingest.pipeline import run_ingest
from tests.conftest import CORPUS, ROOT
from tests.robustness.conftest import HANDREIKING, QUESTION, child_env

pytestmark = pytest.mark.slow

_PROGRESS = re.compile(r"embedding[^:]*:.*?\b([1-9]\d*)/(\d+)")
# small batches on one thread: progress shows early and the run stays killable mid-way
SLOW = {"INCLUSIEF_EMBEDDER__BATCH_SIZE": "4", "INCLUSIEF_EMBEDDER__THREADS": "1",
        "INCLUSIEF_EMBEDDER__NATIVE_BUILD": "false"}


def wait_for_progress(proc: subprocess.Popen, log_path, timeout: float = 120) -> str:
    """Block until the ingest reports at least one embedded batch; return its stderr so far."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = log_path.read_text(errors="replace")
        if _PROGRESS.search(text):
            return text
        if proc.poll() is not None:
            raise AssertionError(f"ingest ended before embedding (rc={proc.returncode}):\n"
                                 f"{text[-2000:]}")
        time.sleep(0.05)
    raise AssertionError("no embedding progress within the timeout")


def test_kill_9_during_embedding_leaves_the_previous_index_and_the_next_ingest_completes(
        mini_index, embedder, tmp_path):
    settings = mini_index
    before = build_assistant(settings, embedder=embedder)
    generation = before.index.state.generation
    expected = [c.quote for c in before.ask(QUESTION).citations]
    assert expected

    shutil.copy(CORPUS / HANDREIKING, settings.corpus_dir / HANDREIKING)
    log_path = tmp_path / "ingest.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "ingest", "--corpus", str(settings.corpus_dir),
             "--data", str(settings.data_dir)],
            cwd=ROOT, env={**child_env(), **SLOW}, stdout=log, stderr=subprocess.STDOUT)
    try:
        progress = wait_for_progress(proc, log_path)
        done, total = (int(x) for x in _PROGRESS.findall(progress)[-1])
        assert done < total, "the ingest finished before it could be killed"
        os.kill(proc.pid, signal.SIGKILL)
        assert proc.wait(timeout=30) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()

    # the Chroma database is intact, and the killed run left only an inactive generation
    db = settings.chroma_dir / "chroma.sqlite3"
    with sqlite3.connect(db) as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    store = build_store(settings)
    assert store.manifest()["generation"] == generation
    names = {c if isinstance(c, str) else c.name for c in store.client.list_collections()}
    leftovers = {n for n in names if n.startswith(f"{store.prefix}_g")
                 and generation not in n}
    assert leftovers, "the killed run should have left its unfinished generation behind"

    after = build_assistant(settings, embedder=embedder)
    assert after.index.state.generation == generation
    assert [c.quote for c in after.ask(QUESTION).citations] == expected
    assert HANDREIKING not in {d.doc for d in after.documents()}

    report = run_ingest(settings, embedder=embedder)  # the next run completes
    assert report.added == [HANDREIKING]
    assert report.reused > 0  # the documents that were already there are not embedded again
    names = {c if isinstance(c, str) else c.name for c in store.client.list_collections()}
    assert not (leftovers & names), "the unfinished generation is cleaned up"
    assert after.index.refresh()
    assert HANDREIKING in {d.doc for d in after.documents()}
