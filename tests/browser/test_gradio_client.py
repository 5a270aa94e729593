"""The /ask API of the running app, through gradio_client."""

from __future__ import annotations

import pytest

from assistant.text import contains_verbatim
from assistant.ui import ASK_API_NAME
from assistant.ui_render import UI_TEXT
from tests.browser.conftest import SYMBIOSE

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def client(app_url):
    from gradio_client import Client

    return Client(app_url, verbose=False)


def test_ask_returns_an_answer_and_sources_quoted_from_the_documents(client, settings_session):
    answer, sources = client.predict(SYMBIOSE, "leraar", api_name=f"/{ASK_API_NAME}")
    assert isinstance(answer, str) and "[1]" in answer
    assert sources and [s["n"] for s in sources] == list(range(1, len(sources) + 1))
    for s in sources:
        assert {"n", "title", "section", "page", "quote"} <= set(s)
        assert f"[{s['n']}]" in answer
        text = (settings_session.corpus_dir / s["doc"]).read_text(encoding="utf-8")
        assert contains_verbatim(text, s["quote"]), s


def test_styles_and_empty_questions_through_the_api(client):
    ouder, _ = client.predict(SYMBIOSE, "ouder", api_name=f"/{ASK_API_NAME}")
    beleid, _ = client.predict(SYMBIOSE, "beleid", api_name=f"/{ASK_API_NAME}")
    assert ouder != beleid
    empty = client.predict("   ", "ouder", api_name=f"/{ASK_API_NAME}")
    assert list(empty) == [UI_TEXT["err_empty"], []]
