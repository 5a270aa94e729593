"""UI fixtures: handlers on the session assistant, and a one-document index for uploads/errors."""

from __future__ import annotations

import functools
import shutil

import pytest

from tests.conftest import CORPUS

SMALL_DOC = "beleidsregel-inclusieve-leeromgeving-tips-2026.txt"
SYMBIOSE = ("Hoeveel procent van het lesprogramma mag een leerling bij symbiose op de "
            "reguliere school volgen?")


@pytest.fixture
def ui_settings(settings_session, tmp_path):
    """The session settings, but feedback and exports go to a fresh folder."""
    return settings_session.model_copy(update={"data_dir": tmp_path / "uidata"}, deep=True)


@pytest.fixture
def handlers(assistant_session, ui_settings):
    from assistant.ui_handlers import UIHandlers

    return UIHandlers(assistant_session, ui_settings)


@pytest.fixture
def small_index(tmp_path, embedder):
    """Settings on a corpus of one short real document, ingested with the real embedder."""
    from assistant.config import Settings
    from ingest.pipeline import run_ingest

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(CORPUS / SMALL_DOC, corpus / SMALL_DOC)
    settings = Settings(corpus_dir=corpus, data_dir=tmp_path / "data")
    run_ingest(settings, embedder=embedder)
    return settings


@pytest.fixture
def ingest_with_session_embedder(embedder):
    from ingest.pipeline import run_ingest

    return functools.partial(run_ingest, embedder=embedder)


def run(gen):
    """All values a streaming handler yields."""
    return list(gen)
