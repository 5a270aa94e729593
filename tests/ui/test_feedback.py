"""Feedback lines: what is stored, and what never is."""

from __future__ import annotations

import json
import threading
from datetime import datetime, timezone

import pytest

from assistant.feedback import append_feedback, feedback_record
from assistant.types import Answer, Citation

NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)


def make_answer() -> Answer:
    c = Citation(1, "c1", "a.md", "Titel", "1 Sectie", None, "Een zin.", "Uitgever", "2025")
    return Answer("Een zin. [1]", [c], [], False, style="ouder")


def test_record_has_question_answer_citations_rating_and_comment():
    rec = feedback_record("Mijn vraag?", make_answer(), "up", "  goed  ", now=NOW)
    assert rec["time"] == "2026-01-02T03:04:05+00:00"
    assert rec["question"] == "Mijn vraag?"
    assert rec["answer"] == "Een zin. [1]"
    assert rec["citations"][0]["quote"] == "Een zin." and rec["citations"][0]["doc"] == "a.md"
    assert rec["rating"] == "up" and rec["comment"] == "goed"
    assert not {"ip", "ip_address", "client", "host"} & set(rec)


def test_record_leaves_the_question_out_when_questions_are_not_stored():
    rec = feedback_record("Geheime vraag", make_answer(), "down", store_question=False, now=NOW)
    assert "question" not in rec
    assert "Geheime vraag" not in json.dumps(rec)


def test_unknown_rating_is_refused():
    with pytest.raises(ValueError):
        feedback_record("v", make_answer(), "meh")  # type: ignore[arg-type]


def test_append_writes_one_json_line_per_record_even_from_many_threads(tmp_path):
    path = tmp_path / "sub" / "feedback.jsonl"
    rec = feedback_record("v <script>", make_answer(), "up", "x" * 5000, now=NOW)
    threads = [threading.Thread(target=append_feedback, args=(path, rec)) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 20
    assert all(json.loads(line) == rec for line in lines)
    assert len(rec["comment"]) == 2000
