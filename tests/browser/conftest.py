"""The running app (``python app.py`` as a subprocess on the session index) and a Chromium."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.fixtures.app import running_app

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
SYMBIOSE = ("Hoeveel procent van het lesprogramma mag een leerling bij symbiose op de "
            "reguliere school volgen?")


@pytest.fixture(scope="session")
def app_url(settings_session, tmp_path_factory):
    """Start ``python app.py`` on the session data folder and a free port; stop it after."""
    with running_app(settings_session, tmp_path_factory.mktemp("app") / "app.log") as url:
        yield url


@pytest.fixture(scope="session")
def chromium():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing: install it with `apt-get install -y chromium`")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    folder = Path(os.environ.get("SCREENSHOT_DIR") or ROOT / "data" / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def page_factory(chromium):
    """New pages in fresh contexts (Dutch locale), closed after the test."""
    contexts = []

    def make(width: int = 1280, height: int = 900):
        ctx = chromium.new_context(viewport={"width": width, "height": height}, locale="nl-NL")
        ctx.set_default_timeout(30_000)
        contexts.append(ctx)
        return ctx.new_page()

    yield make
    for ctx in contexts:
        ctx.close()

