"""python -m ingest [--corpus DIR] [--data DIR] [--rebuild | --rebuild-if-outdated]
[--chroma-host H --chroma-port P]"""

from __future__ import annotations

import argparse
import logging
import os
import sys

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ingest",
                                     description="Build or update the search index.")
    parser.add_argument("--corpus", help="corpus folder (default ./corpus)")
    parser.add_argument("--data", help="data folder for the index (default ./data)")
    parser.add_argument("--rebuild", action="store_true", help="re-embed everything")
    parser.add_argument("--rebuild-if-outdated", action="store_true",
                        help="rebuild when the index was made by another embedding model or "
                             "chunker version (bin/start uses this after an update)")
    parser.add_argument("--chroma-host", help="use a Chroma server instead of the data folder")
    parser.add_argument("--chroma-port", type=int, default=8000)
    parser.add_argument("-q", "--quiet", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING if args.quiet else logging.INFO,
                        format="%(levelname)s %(name)s %(message)s")

    from assistant.config import load_settings
    from assistant.store import StoreError
    from ingest.pipeline import IngestError, outdated, run_ingest

    overrides = {"corpus_dir": args.corpus, "data_dir": args.data}
    settings = load_settings(**overrides)
    if args.chroma_host:
        settings.store.host, settings.store.port = args.chroma_host, args.chroma_port
    bar = None

    def progress(done: int, total: int, message: str) -> None:
        nonlocal bar
        if args.quiet:
            return
        if bar is None:
            from tqdm import tqdm

            bar = tqdm(total=total, desc=f"{message} sentence windows", unit="window")
        bar.n = done
        bar.refresh()

    try:
        rebuild = args.rebuild
        if args.rebuild_if_outdated and not rebuild:
            why = outdated(settings)
            if why:
                print(f"the index is outdated ({why}): rebuilding it; the old one stays in use "
                      "until the new one is complete")
                rebuild = True
        report = run_ingest(settings, rebuild=rebuild, progress=progress, on_wait=lambda: print(
            f"another ingest is running on {settings.data_dir}: waiting until it is done",
            file=sys.stderr, flush=True))
    except (IngestError, StoreError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted: the previous index is still in use", file=sys.stderr)
        return 130
    finally:
        if bar is not None:
            bar.close()
    print(report.summary())
    return 1 if report.skipped else 0


if __name__ == "__main__":
    sys.exit(main())
