"""Whatever users paste as a question: an answer or a clear Dutch message, never a crash."""

from __future__ import annotations

import json
import re

import pytest

from assistant import messages as msg
from assistant.citations import invalid_citations
from assistant.text import contains_verbatim
from assistant.ui_handlers import Conversation, Prefs, UIHandlers
from assistant.ui_render import UI_TEXT

pytestmark = pytest.mark.slow

SYMBIOSE = ("Hoeveel procent van het lesprogramma mag een leerling bij symbiose op de "
            "reguliere school volgen?")
DUTCH_OPENINGS = (msg.NOT_FOUND, *msg.LEAD.values(), *msg.CHECK_VERDICT.values())


def assert_sound(answer, corpus_dir) -> None:
    """A Dutch answer whose every citation resolves and stands verbatim in its document."""
    assert answer.text.startswith(DUTCH_OPENINGS), answer.text[:200]
    assert invalid_citations(answer.text, answer.citations, answer.passages) == []
    for c in answer.citations:
        assert contains_verbatim((corpus_dir / c.doc).read_text(encoding="utf-8"), c.quote)


@pytest.mark.parametrize("question", ["", "   ", "\n\t \n", "\x00\x07\x1b", None])
def test_empty_and_whitespace_questions_get_a_message(assistant_session, question):
    answer = assistant_session.ask(question)
    assert answer.text == msg.EMPTY_QUESTION and answer.notice == msg.EMPTY_QUESTION
    assert answer.abstained and answer.citations == [] and answer.passages == []


def test_a_100000_character_question_is_capped_with_a_notice(assistant_session,
                                                             settings_session):
    limit = settings_session.limits.max_question_chars
    question = SYMBIOSE + " " + "en verder " * 10_000
    assert len(question) > 100_000
    answer = assistant_session.ask(question)
    assert answer.notice == msg.TOO_LONG.format(n=limit)
    assert str(limit) in answer.notice
    assert len(answer.query) <= limit
    assert_sound(answer, settings_session.corpus_dir)
    assert any("60%" in c.quote for c in answer.citations)  # the first part was answered


def test_control_characters_and_emoji_are_harmless(assistant_session, settings_session):
    question = ("Hoeveel procent\x00 van het\x07 lesprogramma 🙂🎒 mag een leerling\x1b[31m bij "
                "symbiose 👩‍👧 op de reguliere school\u200b volgen?\r\n")
    answer = assistant_session.ask(question)
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", answer.query)
    assert "🙂" in answer.query
    assert not answer.abstained
    assert_sound(answer, settings_session.corpus_dir)
    assert any("60%" in c.quote for c in answer.citations)
    json.dumps(answer.to_run_record("q", question))  # serialisable for traces and eval runs


@pytest.mark.parametrize("question", [
    "What percentage of the curriculum may a pupil in symbiosis follow at a regular school?",
    "Which tips are given for the application under the inclusive learning environment rule?",
])
def test_an_english_question_is_answered_in_dutch_with_dutch_citations(
        assistant_session, settings_session, question):
    """Decision: the documents are Dutch, so the assistant answers in Dutch with verbatim
    Dutch quotes (or says in Dutch that the documents do not answer it); it never translates
    a quote."""
    answer = assistant_session.ask(question)
    assert_sound(answer, settings_session.corpus_dir)
    assert msg.ENGLISH_NOTE in (answer.notice or "")  # and it says so, in Dutch
    dutch = assistant_session.ask(SYMBIOSE)
    assert msg.ENGLISH_NOTE not in (dutch.notice or "")


def test_html_and_script_in_a_question_stay_text(assistant_session, settings_session):
    question = "<script>alert('x')</script><img src=x onerror=alert(1)> " + SYMBIOSE
    answer = assistant_session.ask(question)
    assert_sound(answer, settings_session.corpus_dir)
    assert "<script" not in answer.text and "onerror" not in answer.text
    # the UI shows the question and the answer as text: no tag survives escaping
    h = UIHandlers(assistant_session, settings_session)
    steps = list(h.respond(question, [], Conversation(), Prefs()))
    chat, sources, _, _ = steps[-1]
    shown = " ".join(m["content"] for m in chat) + sources
    assert "<script" not in shown and "<img" not in shown
    assert "&lt;script" in shown


def test_pasted_statement_with_markup_is_checked_as_text(assistant_session, settings_session):
    answer = assistant_session.check("<b>Er mag in principe 60% van het lesprogramma op de "
                                     "andere school worden gevolgd.</b>")
    assert answer.check is not None
    assert answer.check.verdict in {"verbatim", "supported", "different"}
    assert "<b>" not in "".join(c.quote for c in answer.citations)


def test_the_api_gives_the_same_dutch_messages(assistant_session, settings_session):
    h = UIHandlers(assistant_session, settings_session)
    assert h.ask_api("   ", "ouder") == (UI_TEXT["err_empty"], [])
    text, sources = h.ask_api("x" * 100_000 + " " + SYMBIOSE, "ouder")
    assert text.startswith(msg.TOO_LONG.format(n=settings_session.limits.max_question_chars))
    text, sources = h.ask_api(SYMBIOSE, "<script>")  # an unknown style falls back
    assert sources and "[1]" in text
