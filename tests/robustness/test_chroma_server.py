"""Server mode for real: ``chroma run`` on 127.0.0.1, an ingest into it, two processes answering."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from assistant.config import Settings, StoreSettings
from assistant.text import contains_verbatim
from tests.conftest import ROOT
from tests.robustness.conftest import QUESTION, child_env, run_module

pytestmark = pytest.mark.slow


def server_settings(server, corpus, data) -> Settings:
    return Settings(corpus_dir=corpus, data_dir=data,
                    store=StoreSettings(host=server.host, port=server.port))


def test_ingest_into_the_server_then_two_processes_answer_from_it_at_once(
        chroma_server, mini_corpus, tmp_path):
    env = child_env(INCLUSIEF_STORE__HOST=chroma_server.host,
                    INCLUSIEF_STORE__PORT=str(chroma_server.port))
    ingest = run_module(["ingest", "--corpus", str(mini_corpus), "--data", str(tmp_path / "d0"),
                         "--chroma-host", chroma_server.host,
                         "--chroma-port", str(chroma_server.port), "--quiet"], env)
    assert ingest.returncode == 0, ingest.stderr[-2000:]
    assert "chunks:" in ingest.stdout
    # the index lives in the server, not in the local data folder
    assert not (tmp_path / "d0" / "chroma").exists()

    cmd = [sys.executable, "-m", "assistant", "ask", "--json", QUESTION]
    procs = [subprocess.Popen(cmd + ["--data", str(tmp_path / f"app{i}")], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for i in range(2)]
    results = [p.communicate(timeout=180) for p in procs]
    records = []
    for proc, (out, err) in zip(procs, results):
        assert proc.returncode == 0, err[-2000:]
        records.append(json.loads(out))
    text = (mini_corpus / "beleidsregel-inclusieve-leeromgeving-tips-2026.txt").read_text()
    for record in records:
        assert not record["abstained"]
        assert record["citations"]
        for c in record["citations"]:
            assert contains_verbatim(text, c["quote"]), c
    assert records[0]["citations"] == records[1]["citations"]  # one shared index
    for i in range(2):
        assert not (tmp_path / f"app{i}" / "chroma").exists()


def test_server_index_is_updated_in_place_and_readers_see_the_new_generation(
        chroma_server, mini_corpus, tmp_path, embedder):
    from assistant.factory import build_assistant
    from ingest.pipeline import run_ingest

    settings = server_settings(chroma_server, mini_corpus, tmp_path / "data")
    settings.store.collection_prefix = "second"  # its own index on the shared server
    run_ingest(settings, embedder=embedder)
    reader = build_assistant(settings, embedder=embedder)
    before = reader.index.state.generation
    (mini_corpus / "extra.md").write_text(
        "# Onderwijszorgloket\n\nHet onderwijszorgloket in de regio Zuiderkwartier helpt ouders "
        "bij het vinden van een passende plek voor hun kind.\n", encoding="utf-8")
    report = run_ingest(settings, embedder=embedder)
    assert report.added == ["extra.md"] and report.reused > 0
    answer = reader.ask("Wat doet het onderwijszorgloket in de regio Zuiderkwartier?")
    assert reader.index.state.generation != before
    assert any(c.doc == "extra.md" for c in answer.citations)


def test_unreachable_server_gives_a_message_that_says_what_to_run(tmp_path, mini_corpus):
    from tests.robustness.conftest import load_script

    port = load_script("chroma_server").free_port()
    out = run_module(["assistant", "ask", "--data", str(tmp_path), QUESTION],
                     child_env(INCLUSIEF_STORE__HOST="127.0.0.1",
                               INCLUSIEF_STORE__PORT=str(port)))
    assert out.returncode != 0
    assert "chroma run" in out.stderr
