"""The running app (``python app.py`` as a subprocess on the session index) and a Chromium."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
STARTUP_SECONDS = 180
SYMBIOSE = ("Hoeveel procent van het lesprogramma mag een leerling bij symbiose op de "
            "reguliere school volgen?")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"app.py exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"app.py did not answer on {url} within {STARTUP_SECONDS}s:\n"
                       f"{log.read_text()[-3000:]}")


@pytest.fixture(scope="session")
def app_url(settings_session, tmp_path_factory):
    """Start ``python app.py`` on the session data folder and a free port; stop it after."""
    port = free_port()
    log = tmp_path_factory.mktemp("app") / "app.log"
    env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False", "ANONYMIZED_TELEMETRY": "False",
           "HF_HUB_OFFLINE": "1"}
    env.pop("INCLUSIEF_CONFIG", None)
    cmd = [sys.executable, "app.py", "--data", str(settings_session.data_dir),
           "--corpus", str(settings_session.corpus_dir), "--host", "127.0.0.1",
           "--port", str(port), "--quiet"]
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_until_up(url, proc, log)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


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

