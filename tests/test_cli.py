"""The command lines, run as a user runs them (subprocesses)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

from tests.conftest import CORPUS, ROOT
from tests.fixtures.pdfs import make_encrypted_pdf

ENV = {**os.environ, "HF_HUB_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False"}


def _run(*args, cwd=ROOT):
    return subprocess.run([sys.executable, *args], cwd=cwd, env=ENV, capture_output=True,
                          text=True, timeout=600)


def test_ingest_cli_reports_bad_files_with_a_non_zero_status(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(CORPUS / "beleidsregel-inclusieve-leeromgeving-tips-2026.txt", corpus)
    make_encrypted_pdf(corpus / "geheim.pdf")
    data = tmp_path / "data"
    first = _run("-m", "ingest", "--corpus", str(corpus), "--data", str(data), "-q")
    assert first.returncode == 1, first.stderr
    assert "skipped: geheim.pdf: the PDF is encrypted" in first.stdout
    assert "documents: 1" in first.stdout

    (corpus / "geheim.pdf").unlink()
    second = _run("-m", "ingest", "--corpus", str(corpus), "--data", str(data), "-q")
    assert second.returncode == 0 and "no changes" in second.stdout

    ask = _run("-m", "assistant", "ask", "--data", str(data), "--json",
               "Moet de medezeggenschapsraad instemmen met het experimenteerplan?")
    record = json.loads(ask.stdout)
    assert {"id", "question", "answer", "abstained", "citations", "retrieved",
            "timings_ms"} <= set(record)
    assert record["citations"] and "instemmen" in " ".join(c["quote"]
                                                           for c in record["citations"])

    wrong = _run("-m", "assistant", "ask", "--data", str(data), "--doc", "bestaat-niet.pdf",
                 "Wat is symbiose?")
    # a document filter that matches nothing says so, instead of abstaining without a reason
    assert wrong.returncode == 2 and "no document bestaat-niet.pdf" in wrong.stderr
    assert "beleidsregel-inclusieve-leeromgeving-tips-2026.txt" in wrong.stderr

    missing = _run("-m", "assistant", "ask", "--data", str(tmp_path / "leeg"), "vraag")
    assert missing.returncode == 2 and "python -m ingest" in missing.stderr


def test_ingest_cli_refuses_a_missing_corpus(tmp_path):
    result = _run("-m", "ingest", "--corpus", str(tmp_path / "nergens"), "--data",
                  str(tmp_path / "data"))
    assert result.returncode == 2 and "does not exist" in result.stderr
