"""Speed and memory benchmarks; each prints a Markdown table.

python -m eval bench [all|ingest|query|startup|memory|load] [--data DIR] [--corpus DIR]
                     [--users N] [--seconds S] [--port P]

* ingest:  full ingest into a temp data folder (in a child process: seconds, chunks/s, peak RSS),
           the same chunk texts embedded alone (the overhead of everything else), and an
           unchanged re-ingest.
* query:   per-stage latency over the dev questions, warm, in process.
* startup: ``python app.py`` until the first answer through gradio_client.
* memory:  peak RSS of ingest (child) and of the app while serving (VmHWM).
* load:    N concurrent gradio_client users for a bounded time (throughput, p50/p95, errors).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from eval.metrics import STAGES_ORDER, percentile
from eval.report import fmt, table

ASK_API = "/ask"  # the app's API endpoint: (question, style) -> (answer_markdown, sources)
ASK_STYLE = "leraar"
ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = Path(__file__).resolve().parent / "questions.jsonl"


# --- helpers -----------------------------------------------------------------------------------

def machine() -> str:
    flags, model = set(), platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
            elif line.startswith("flags"):
                flags = set(line.split(":", 1)[1].split())
    except OSError:
        pass
    simd = [f for f in ("avx2", "avx512f", "fma", "avx512_vnni") if f in flags]
    mem = ""
    try:
        import psutil

        mem = f", {psutil.virtual_memory().total / 2**30:.0f} GB RAM"
    except ImportError:
        pass
    return (f"{os.cpu_count()} cores ({model}; {' '.join(simd) or 'no AVX2'}){mem}, "
            f"Python {platform.python_version()}, {platform.system()}")


def questions(path: Path = QUESTIONS) -> list[str]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line)["question"] for line in fh if line.strip()]


def peak_rss_mb(pid: int | None = None) -> float | None:
    """Peak resident memory (VmHWM) of a process, in MB; current RSS where VmHWM is missing."""
    status = Path(f"/proc/{pid or 'self'}/status")
    try:
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    try:
        import psutil
    except ImportError:
        return None
    try:
        return psutil.Process(pid or os.getpid()).memory_info().rss / 2**20
    except psutil.Error:
        return None


def latency_row(name: str, ms: list[float]) -> list[str]:
    return [name, str(len(ms)), fmt(percentile(ms, 50), 1), fmt(percentile(ms, 95), 1),
            fmt(max(ms) if ms else None, 1)]


def _child(code: str, env: dict | None = None) -> dict:
    """Run Python ``code`` in a child process (cwd = repo root); it prints one JSON line last."""
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         env={**os.environ, **(env or {})}, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"child failed: {out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


_INGEST_CHILD = """
import json, resource, time
from pathlib import Path
from assistant.config import load_settings
from ingest.pipeline import run_ingest
s = load_settings(data_dir=Path({data!r}), corpus_dir=Path({corpus!r}))
t = time.perf_counter()
r = run_ingest(s)
secs = time.perf_counter() - t
print(json.dumps({{"seconds": secs, "chunks": r.chunks, "embedded": r.embedded,
                   "documents": r.documents,
                   "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


# --- benchmarks --------------------------------------------------------------------------------

def bench_ingest(settings) -> str:
    from assistant.factory import build_embedder, build_store
    from assistant.store import all_records
    from ingest.chunking import ChunkParams
    from ingest.pipeline import to_embed, window_units

    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        code = _INGEST_CHILD.format(data=tmp, corpus=str(Path(settings.corpus_dir).resolve()))
        full = _child(code)
        again = _child(code)
        from assistant.config import load_settings

        tmp_settings = load_settings(data_dir=Path(tmp), corpus_dir=settings.corpus_dir)
        store = build_store(tmp_settings)
        chunks = all_records(store.collection(store.manifest()["collection"]))
        embedder = build_embedder(tmp_settings)
        embedder.embed_passages(["warm-up"])  # load the model outside the timing
        # exactly what the ingest embeds: the sentence windows of every chunk, alone and
        # behind their section path (once where both are the same)
        texts = [u[3] for u in to_embed(*window_units(chunks, ChunkParams()))]
        batch = tmp_settings.embedder.batch_size
        t = time.perf_counter()
        for i in range(0, len(texts), batch):
            embedder.embed_passages(texts[i:i + batch])
        embed_s = time.perf_counter() - t
    overhead = full["seconds"] - embed_s
    rows = [
        ["full ingest", f"{full['seconds']:.1f} s",
         (f"{full['chunks']} chunks from {full['documents']} documents, "
          f"{full['chunks'] / full['seconds']:.1f} chunks/s")],
        ["embedding the same texts alone", f"{embed_s:.1f} s",
         f"{len(texts)} sentence windows, {len(texts) / embed_s:.1f}/s, same batch size, "
         "model already loaded"],
        ["overhead of ingest over embedding", f"{overhead:.1f} s",
         f"{100 * overhead / embed_s:.0f}% (reading, cleaning, chunking, Chroma, model load)"],
        ["unchanged re-ingest", f"{again['seconds']:.2f} s",
         f"embedded {again['embedded']} (nothing to do)"],
        ["peak RSS of ingest", f"{full['peak_mb']:.0f} MB", "child process, ru_maxrss"],
    ]
    return "## Ingest\n\n" + table(["measure", "value", "detail"], rows, "lrl")


def bench_query(settings, repeat: int = 1) -> str:
    from assistant.factory import build_assistant

    assistant = build_assistant(settings)
    qs = questions()
    for q in qs[:3]:  # warm up: model, caches
        assistant.ask(q)
    stages: dict[str, list[float]] = {}
    for _ in range(repeat):
        for q in qs:
            for stage, ms in assistant.ask(q).timings.items():
                stages.setdefault(stage, []).append(ms)
    order = {s: i for i, s in enumerate(STAGES_ORDER)}
    rows = [latency_row(s, stages[s]) for s in sorted(stages, key=lambda s: order.get(s, 99))]
    return (f"## Query latency (warm, in process, {len(qs)} dev questions x {repeat})\n\n"
            + table(["stage", "n", "p50 ms", "p95 ms", "max ms"], rows)
            + f"\n\nPeak RSS of this process: {fmt(peak_rss_mb(), 0)} MB")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _client(url: str):
    from gradio_client import Client

    return Client(url, verbose=False, analytics_enabled=False, download_files=False)


@contextmanager
def running_app(data: str | None, port: int, timeout_s: float = 600):
    """Start ``python app.py``; yields (process, url, seconds to first answer)."""
    cmd = [sys.executable, "app.py", "--port", str(port), "-q"] + (["--data", data] if data else [])
    env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False", "ANONYMIZED_TELEMETRY": "False"}
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        client = None
        while client is None:
            if proc.poll() is not None:
                raise RuntimeError(f"app.py exited: {proc.stderr.read()[-2000:]}")
            if time.perf_counter() - started > timeout_s:
                raise TimeoutError(f"app.py did not answer within {timeout_s:.0f} s")
            try:
                client = _client(url)
            except Exception:  # noqa: BLE001 - not listening yet; any failure means "retry"
                time.sleep(0.25)
        client.predict(questions()[0], ASK_STYLE, api_name=ASK_API)
        yield proc, url, time.perf_counter() - started
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def bench_startup(data: str | None, port: int) -> str:
    with running_app(data, port) as (proc, _url, seconds):
        rss = peak_rss_mb(proc.pid)
    rows = [["start-up to first answer", f"{seconds:.1f} s", "python app.py -> gradio_client"],
            ["peak RSS after first answer", f"{fmt(rss, 0)} MB", "app process, VmHWM"]]
    return "## App start-up\n\n" + table(["measure", "value", "detail"], rows, "lrl")


def load_test(url: str, users: int, seconds: float, qs: list[str]) -> dict:
    """``users`` threads, each with its own client, asking until the time is up."""
    lat: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def user(seed: int) -> None:
        rng = random.Random(seed)
        try:
            client = _client(url)
        except Exception as e:  # noqa: BLE001 - a failed user is counted, not raised
            with lock:
                errors.append(f"connect: {e}")
            return
        while time.perf_counter() < stop_at:
            t = time.perf_counter()
            try:
                answer, _sources = client.predict(rng.choice(qs), ASK_STYLE, api_name=ASK_API)
                ok = bool(answer)
            except Exception as e:  # noqa: BLE001 - every failed request counts as an error
                ok, answer = False, repr(e)
            with lock:
                if ok:
                    lat.append((time.perf_counter() - t) * 1000)
                else:
                    errors.append(str(answer)[:200])

    started = time.perf_counter()
    threads = [threading.Thread(target=user, args=(i,), daemon=True) for i in range(users)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(seconds + 120)
    elapsed = time.perf_counter() - started
    return {"answers": len(lat), "errors": errors, "elapsed": elapsed, "latencies": lat}


def bench_load(data: str | None, port: int, users: int, seconds: float) -> str:
    with running_app(data, port) as (proc, url, _):
        res = load_test(url, users, seconds, questions())
        rss = peak_rss_mb(proc.pid)
    lat = res["latencies"]
    rows = [[str(users), f"{res['elapsed']:.0f}", str(res["answers"]),
             f"{res['answers'] / res['elapsed']:.2f}", fmt(percentile(lat, 50), 0),
             fmt(percentile(lat, 95), 0), str(len(res["errors"])), fmt(rss, 0)]]
    text = (f"## Concurrent users through gradio_client ({ASK_API})\n\n"
            + table(["users", "seconds", "answers", "answers/s", "p50 ms", "p95 ms", "errors",
                     "app peak RSS MB"], rows))
    if res["errors"]:
        text += f"\n\nFirst error: `{res['errors'][0]}`"
    return text


def bench_memory(settings, data: str | None, port: int) -> str:
    with tempfile.TemporaryDirectory(prefix="bench-mem-") as tmp:
        ingest = _child(_INGEST_CHILD.format(data=tmp,
                                             corpus=str(Path(settings.corpus_dir).resolve())))
    with running_app(data, port) as (proc, url, _):
        load_test(url, 2, 20, questions())
        rss = peak_rss_mb(proc.pid)
    rows = [["ingest (full corpus)", f"{ingest['peak_mb']:.0f}"],
            ["app while serving (2 users, 20 s)", fmt(rss, 0)]]
    return "## Peak memory (RSS)\n\n" + table(["process", "peak RSS MB"], rows)


# --- CLI ---------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m eval bench", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("what", nargs="?", default="all",
                    choices=("all", "ingest", "query", "startup", "memory", "load"))
    ap.add_argument("--data", help="data folder with the index (default: from the settings)")
    ap.add_argument("--corpus", help="corpus folder (default: from the settings)")
    ap.add_argument("--users", type=int, default=4)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--repeat", type=int, default=1, help="query: passes over the questions")
    ap.add_argument("--port", type=int, help="app port (default: a free one)")
    args = ap.parse_args(argv)
    from assistant.config import load_settings

    settings = load_settings(data_dir=args.data, corpus_dir=args.corpus)
    data = str(Path(args.data).resolve()) if args.data else None
    port = args.port or free_port()
    what = ["ingest", "query", "startup", "load"] if args.what == "all" else [args.what]
    if set(what) - {"ingest"}:  # the others measure the index in --data: make it current
        from ingest.pipeline import outdated, run_ingest

        run_ingest(settings, rebuild=outdated(settings) is not None)
    print(f"# Benchmarks\n\nMachine: {machine()}\n", flush=True)
    for w in what:
        if w == "ingest":
            part = bench_ingest(settings)
        elif w == "query":
            part = bench_query(settings, args.repeat)
        elif w == "startup":
            part = bench_startup(data, port)
        elif w == "memory":
            part = bench_memory(settings, data, port)
        else:
            part = bench_load(data, port, args.users, args.seconds)
        print(part + "\n", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
