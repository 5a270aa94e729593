"""Start the web chat: python app.py [--data DIR] [--host H] [--port P]

Loads the settings once, ingests the default corpus first when there is no index yet, builds the
assistant and the Gradio UI, and serves it on 127.0.0.1:7860 (never shared publicly).
"""

import os

# Before any import that could read them: no Gradio analytics, no Chroma telemetry, no hub calls.
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
os.environ["ANONYMIZED_TELEMETRY"] = "False"
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import argparse
import logging
import sys

log = logging.getLogger("app")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python app.py",
                                     description="Start the chat over the documents.")
    parser.add_argument("--data", help="data folder with the index (default ./data)")
    parser.add_argument("--corpus", help="corpus folder (default ./corpus)")
    parser.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port (default 7860)")
    parser.add_argument("-q", "--quiet", action="store_true", help="less logging")
    return parser.parse_args(argv)


def print_progress(done: int, total: int, message: str = "") -> None:
    print(f"  inlezen: {done}/{total} {message}".rstrip(), flush=True)


def ensure_index(settings) -> None:
    """Ingest the corpus when there is no index yet (first start)."""
    from assistant.factory import build_store

    if build_store(settings).manifest() is not None:
        return
    from ingest.pipeline import run_ingest

    print(f"Nog geen index in {settings.data_dir}: de documenten worden eerst ingelezen…",
          flush=True)
    report = run_ingest(settings, progress=print_progress)
    print(report.summary(), flush=True)


def build_app(settings):
    """The assistant and its UI (no launch); ``python app.py`` launches it."""
    from assistant.factory import build_assistant
    from assistant.ui import build_ui

    return build_ui(build_assistant(settings), settings)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING if args.quiet else logging.INFO,
                        format="%(levelname)s %(name)s %(message)s")
    from assistant.config import load_settings
    from assistant.ui import launch_options

    settings = load_settings(data_dir=args.data, corpus_dir=args.corpus)
    if args.host:
        settings.ui.host = args.host
    if args.port:
        settings.ui.port = args.port
    try:
        ensure_index(settings)
        demo = build_app(settings)
    except Exception as e:  # a CLI: say what went wrong and stop
        log.exception("startup failed")
        print(f"Starten mislukt: {e}", file=sys.stderr)
        return 2
    opts = launch_options(settings)
    print(f"De assistent draait op http://{opts['server_name']}:{opts['server_port']}",
          flush=True)
    demo.queue(default_concurrency_limit=4)
    demo.launch(**opts)
    return 0


if __name__ == "__main__":
    sys.exit(main())
