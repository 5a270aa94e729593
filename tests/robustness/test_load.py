"""Load: 20 concurrent gradio_client users for about a minute against ``python app.py``.

Zero errors is asserted; throughput and latency are printed (never asserted: they depend on
the machine). ``ROBUSTNESS_LOAD_SECONDS`` and ``ROBUSTNESS_LOAD_USERS`` change the size.
"""

from __future__ import annotations

import json
import os
import statistics
import threading
import time

import pytest

from tests.conftest import EVAL, ROOT
from tests.fixtures.app import running_app

pytestmark = pytest.mark.slow

USERS = int(os.environ.get("ROBUSTNESS_LOAD_USERS", "20"))
SECONDS = float(os.environ.get("ROBUSTNESS_LOAD_SECONDS", "60"))
STYLES = ("ouder", "leraar", "beleid")


def questions() -> list[str]:
    """The gold questions of the eval set (real phrasing), plus some awkward input."""
    gold = [json.loads(line)["question"] for line in (EVAL / "questions.jsonl").open()]
    return gold + ["   ", "<script>alert(1)</script> wat is symbiose?", "What is symbiosis?",
                   "🙂" * 50, "x" * 5000]


@pytest.fixture(scope="module")
def app(settings_session, tmp_path_factory):
    if not (ROOT / "app.py").exists():
        pytest.skip("app.py is not there yet: the load test needs the Gradio app")
    pytest.importorskip("gradio_client")
    log = tmp_path_factory.mktemp("load") / "app.log"
    with running_app(settings_session, log) as url:
        yield url, log


def test_twenty_users_for_a_minute_without_errors(app, settings_session, capsys):
    from gradio_client import Client

    from assistant.ui import ASK_API_NAME
    from assistant.ui_render import UI_TEXT

    url, _ = app
    error_texts = {UI_TEXT["err_general"], UI_TEXT["err_backend"], UI_TEXT["err_no_index"]}
    pool = questions()
    latencies: list[float] = []
    errors: list[str] = []
    answered = [0]
    lock = threading.Lock()
    stop_at = [0.0]
    started = [0.0]

    def start_clock() -> None:  # runs once, when every user has connected
        started[0] = time.monotonic()
        stop_at[0] = started[0] + SECONDS

    start = threading.Barrier(USERS, action=start_clock)

    def user(i: int) -> None:
        try:
            client = Client(url, verbose=False)
        except Exception as e:  # noqa: BLE001
            with lock:
                errors.append(f"user {i} could not connect: {e!r}")
            start.abort()
            return
        try:
            start.wait()
        except threading.BrokenBarrierError:
            return
        k = i
        while time.monotonic() < stop_at[0]:
            question, style = pool[k % len(pool)], STYLES[k % len(STYLES)]
            k += USERS
            t = time.perf_counter()
            try:
                text, sources = client.predict(question, style, api_name=f"/{ASK_API_NAME}")
            except Exception as e:  # noqa: BLE001 - every failure is counted
                with lock:
                    errors.append(f"{question[:40]!r}: {e!r}")
                continue
            took = time.perf_counter() - t
            with lock:
                latencies.append(took)
                if not isinstance(text, str) or not text.strip() or text in error_texts:
                    errors.append(f"{question[:40]!r}: bad answer {str(text)[:80]!r}")
                else:
                    answered[0] += 1
                    if sources and f"[{sources[0]['n']}]" not in text:
                        errors.append(f"{question[:40]!r}: source [n] missing from the answer")

    threads = [threading.Thread(target=user, args=(i,), daemon=True) for i in range(USERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=SECONDS + 180)
    wall = time.monotonic() - started[0] if started[0] else float("nan")

    done = len(latencies)
    p50 = statistics.median(latencies) if latencies else float("nan")
    p95 = statistics.quantiles(latencies, n=20)[-1] if len(latencies) >= 20 else float("nan")
    with capsys.disabled():
        print(f"\nload: users={USERS} seconds={wall:.1f} requests={done} "
              f"answered={answered[0]} errors={len(errors)} "
              f"throughput={done / wall:.2f}/s p50={p50:.2f}s p95={p95:.2f}s "
              f"max={max(latencies, default=float('nan')):.2f}s")
    assert not any(t.is_alive() for t in threads), "a user hung"
    assert errors == [], errors[:5]
    assert done >= USERS, "every user should have been answered at least once"
    # the app traced every question, and no trace holds the client's address
    trace = settings_session.trace_path.read_text(encoding="utf-8")
    assert "127.0.0.1" not in trace
