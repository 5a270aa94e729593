"""Fixtures for the robustness tests: a mini corpus, subprocess helpers, a Chroma server."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CORPUS, ROOT

BELEIDSREGEL = "beleidsregel-inclusieve-leeromgeving-tips-2026.txt"
HANDREIKING = "handreiking-ontwikkelagenda-inclusiever-onderwijs.txt"
# Answered by the beleidsregel (the mini corpus); used across the robustness tests.
QUESTION = "Welke tips zijn er voor het doen van de aanvraag?"


def load_script(name: str):
    """A module from ``scripts/`` (not a package) by file path."""
    path = ROOT / "scripts" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"scripts_{name}", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def child_env(**extra: str) -> dict[str, str]:
    """Environment for a project subprocess: offline, no telemetry, no config file."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
           "ANONYMIZED_TELEMETRY": "False", "GRADIO_ANALYTICS_ENABLED": "False",
           "PYTHONUNBUFFERED": "1"}
    env.pop("INCLUSIEF_CONFIG", None)
    for key in [k for k in env if k.startswith("INCLUSIEF_")]:
        env.pop(key)
    env.update(extra)
    return env


def run_module(args: list[str], env: dict[str, str] | None = None,
               timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, env=env or child_env(),
                          capture_output=True, text=True, timeout=timeout, check=False)


@pytest.fixture
def mini_corpus(tmp_path) -> Path:
    """One short real document with its sources.toml entry."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(CORPUS / BELEIDSREGEL, corpus)
    shutil.copy(CORPUS / "sources.toml", corpus)
    return corpus


@pytest.fixture
def mini_index(mini_corpus, make_settings, embedder):
    """Settings on the mini corpus, ingested with the session embedder."""
    from ingest.pipeline import run_ingest

    settings = make_settings(mini_corpus)
    run_ingest(settings, embedder=embedder)
    return settings


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory):
    """A real ``chroma run`` on 127.0.0.1 and a free port, stopped after the module."""
    cs = load_script("chroma_server")
    server = cs.ChromaServer(tmp_path_factory.mktemp("chroma-server") / "db")
    try:
        cs.chroma_executable()
    except FileNotFoundError as e:
        pytest.skip(str(e))
    server.start()
    try:
        yield server
    finally:
        server.stop()
