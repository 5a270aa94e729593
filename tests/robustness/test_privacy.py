"""Privacy: traces and feedback hold no IP address; questions can be kept out of both."""

from __future__ import annotations

import json
import re

import pytest

from assistant.factory import build_assistant
from assistant.ui_handlers import Conversation, Prefs, UIHandlers
from tests.robustness.conftest import QUESTION

pytestmark = pytest.mark.slow

# A question with a name and a number in it that appear in no document.
PRIVATE_TOKEN = "Pietje-Zwartkop-4711"
PRIVATE_QUESTION = f"Mijn zoon {PRIVATE_TOKEN} heeft een TOS. {QUESTION}"
IPV4 = re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b")
IPV6 = re.compile(r"\b(?:[0-9a-f]{1,4}:){3,7}[0-9a-f]{1,4}\b|::1\b", re.IGNORECASE)
ADDRESS_KEYS = {"ip", "ip_address", "client", "client_ip", "host", "remote_addr", "address",
                "user_agent", "x-forwarded-for", "session", "session_hash", "username"}


def lines(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def keys(obj) -> set[str]:
    if isinstance(obj, dict):
        return {k.lower() for k in obj} | {k for v in obj.values() for k in keys(v)}
    if isinstance(obj, list):
        return {k for v in obj for k in keys(v)}
    return set()


def assert_no_address(path) -> None:
    raw = path.read_text(encoding="utf-8")
    assert not IPV4.search(raw), IPV4.search(raw)
    assert not IPV6.search(raw), IPV6.search(raw)
    for record in lines(path):
        assert not keys(record) & ADDRESS_KEYS, keys(record) & ADDRESS_KEYS


def chat_and_rate(assistant, settings) -> None:
    """A question through the UI handlers (as a browser would), then a thumbs-up."""
    h = UIHandlers(assistant, settings)
    *_, (_, _, conv, _) = h.respond(PRIVATE_QUESTION, [], Conversation(), Prefs())
    status, _ = h.feedback("up", "Duidelijk antwoord", conv)
    assert status  # a Dutch thank-you (or a failure message) is shown


@pytest.mark.parametrize("store_questions", [True, False])
def test_traces_and_feedback_hold_no_ip_address(mini_index, embedder, store_questions):
    settings = mini_index
    settings.ui.store_questions = store_questions
    assistant = build_assistant(settings, embedder=embedder)
    chat_and_rate(assistant, settings)
    assistant.check("Klopt het dat er drie tips zijn voor de aanvraag van de beleidsregel?")
    for path in (settings.trace_path, settings.feedback_path):
        assert path.exists() and path.stat().st_size > 0, path
        assert_no_address(path)
    traces = lines(settings.trace_path)
    assert len(traces) == 2 and all(t["hits"] for t in traces)


def test_with_store_questions_off_no_question_text_is_written_anywhere(mini_index, embedder):
    settings = mini_index
    settings.ui.store_questions = False
    assistant = build_assistant(settings, embedder=embedder)
    chat_and_rate(assistant, settings)
    for path in (settings.trace_path, settings.feedback_path):
        raw = path.read_text(encoding="utf-8")
        assert PRIVATE_TOKEN not in raw and "Mijn zoon" not in raw, path
    trace = lines(settings.trace_path)[-1]
    assert trace["question"] is None and trace["query"] is None
    assert trace["citations"]  # what was answered is still kept, for quality checks
    feedback = lines(settings.feedback_path)[-1]
    assert "question" not in feedback and feedback["rating"] == "up"
    # nothing else under the data folder holds the question either
    for path in settings.data_dir.rglob("*"):
        if path.is_file() and path.suffix in {".jsonl", ".json", ".log", ".txt", ".md"}:
            assert PRIVATE_TOKEN not in path.read_text(encoding="utf-8", errors="replace"), path


def test_with_store_questions_on_the_question_is_kept_for_review(mini_index, embedder):
    settings = mini_index
    assistant = build_assistant(settings, embedder=embedder)
    chat_and_rate(assistant, settings)
    assert lines(settings.trace_path)[-1]["question"] == PRIVATE_QUESTION
    assert lines(settings.feedback_path)[-1]["question"] == PRIVATE_QUESTION


def test_tracing_can_be_switched_off(mini_index, embedder):
    settings = mini_index
    settings.ui.trace = False
    assistant = build_assistant(settings, embedder=embedder)
    assert assistant.ask(QUESTION).citations
    assert not settings.trace_path.exists()
