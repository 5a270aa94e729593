"""python -m eval run | report | compare | all | calibrate | checks | chain | pdfs | bench  (--help)."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

HERE = Path(__file__).resolve().parent
QUESTIONS = HERE / "questions.jsonl"
CONVERSATIONS = HERE / "conversations.jsonl"


def _progress(quiet: bool):
    def show(done: int, total: int, message: str) -> None:
        if not quiet:
            print(f"\r{done}/{total} {message}    ", end="" if done < total else "\n",
                  file=sys.stderr, flush=True)

    return show


def _settings(args):
    from eval.runner import build_settings

    return build_settings(Path(args.data) if args.data else None,
                          Path(args.corpus) if getattr(args, "corpus", None) else None)


def _coverage_weight(given: float | None) -> float:
    """The weight the assistant abstains with, unless one is given to try."""
    if given is not None:
        return given
    from assistant.config import load_settings

    return load_settings().answer.similarity_coverage_weight


def _limit(items: list, n: int | None) -> list:
    return items[:n] if n else items


def cmd_run(args) -> int:
    from eval.runner import build_system, read_jsonl, run_system, write_run

    questions = _limit(read_jsonl(Path(args.questions)), args.limit)
    conversations = _limit(read_jsonl(Path(args.conversations)) if args.conversations else [],
                           args.limit)
    system = build_system(args.system, _settings(args))
    records = run_system(system, questions, conversations, _progress(args.quiet))
    write_run(records, Path(args.out))
    print(f"wrote {len(records)} records to {args.out}")
    return 0


def cmd_chain(args) -> int:
    from eval.chain import SKIP, chained, compare, table
    from eval.metrics import load_corpus, load_gold
    from eval.runner import build_system, read_jsonl, run_system

    settings = _settings(args)
    questions = _limit(read_jsonl(Path(args.questions)), args.limit)
    system = build_system("project", settings)
    alone = run_system(system, [q for q in questions if q.get("type") not in SKIP], (),
                       _progress(args.quiet))
    after = run_system(system, [], chained(questions), _progress(args.quiet))
    corpus = load_corpus(Path(args.corpus) if args.corpus else settings.corpus_dir)
    print(table(compare(alone, after, load_gold(Path(args.questions)), corpus)))
    return 0


def _evaluate(runs: dict[str, list[dict]], args) -> dict[str, dict]:
    from eval.metrics import evaluate, load_corpus, load_gold

    conversations = Path(args.conversations) if args.conversations else None
    golds = load_gold(Path(args.questions), conversations)
    corpus = load_corpus(Path(args.corpus) if args.corpus else _settings(args).corpus_dir)
    evals = {}
    for name, run in runs.items():
        ev = evaluate(run, golds, corpus)
        if ev["unmatched"]:
            print(f"warning: {name}: {len(ev['unmatched'])} records without gold "
                  f"(e.g. {ev['unmatched'][0]})", file=sys.stderr)
        evals[name] = ev
    return evals


def _print_report(evals: dict[str, dict], runs: dict[str, list[dict]], out: str | None,
                  paired: bool = False) -> None:
    from eval.report import markdown, summary_line, write_report

    if out:
        path = write_report(evals, runs, Path(out), paired)
        print(path.read_text(encoding="utf-8"))
        print(f"report written to {path}")
    else:
        print(markdown(evals, paired=paired))
    names = list(evals)
    for name in names[1:]:
        print(summary_line(name, evals[name]).replace("summary:", "peer:", 1))
    print(summary_line(names[0], evals[names[0]]))


def _names(paths: list[str]) -> list[str]:
    names = []
    for p in paths:
        stem = Path(p).stem
        names.append(stem if stem not in names else f"{stem}-{len(names)}")
    return names


def cmd_report(args) -> int:
    from eval.metrics import load_run

    runs = {n: load_run(Path(p)) for n, p in zip(_names(args.runs), args.runs)}
    _print_report(_evaluate(runs, args), runs, args.out, paired=args.paired)
    return 0


def cmd_all(args) -> int:
    from assistant.factory import build_assistant, build_embedder
    from eval.runner import build_system, read_jsonl, run_system, write_run
    from ingest.pipeline import IngestError, run_ingest

    settings = _settings(args)
    out = Path(args.out)
    embedder = build_embedder(settings)
    print("ingest (incremental) ...", file=sys.stderr)
    try:
        report = run_ingest(settings, rebuild=args.rebuild, embedder=embedder)
    except IngestError as e:
        print(f"error: {e} (or pass --rebuild to `python -m eval all`)", file=sys.stderr)
        return 2
    print(report.summary(), file=sys.stderr)
    assistant = build_assistant(settings, embedder=embedder)
    questions = _limit(read_jsonl(Path(args.questions)), args.limit)
    conversations = _limit(read_jsonl(Path(args.conversations)) if args.conversations else [],
                           args.limit)
    runs = {}
    for name in args.systems:
        started = time.monotonic()
        print(f"system {name} ...", file=sys.stderr)
        system = build_system(name, settings, assistant=assistant, embedder=embedder)
        runs[name] = run_system(system, questions, conversations, _progress(args.quiet))
        write_run(runs[name], out / "runs" / f"{name}.jsonl")
        print(f"system {name} done in {time.monotonic() - started:.1f}s", file=sys.stderr)
    _print_report(_evaluate(runs, args), runs, str(out))
    return 0


def _gold_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--questions", default=str(QUESTIONS), help="gold questions (JSONL)")
    p.add_argument("--conversations", default=str(CONVERSATIONS),
                   help="gold conversations (JSONL); '' for none")
    p.add_argument("--corpus", help="corpus folder (default: from the settings)")
    p.add_argument("--data", help="data folder (default: from the settings)")


def parser() -> argparse.ArgumentParser:
    from eval.runner import SYSTEMS

    ap = argparse.ArgumentParser(prog="python -m eval", description="Measure the assistant.")
    ap.add_argument("-v", "--verbose", action="store_true")
    sub = ap.add_subparsers(dest="command", required=True)

    p = sub.add_parser("run", help="answer every question and write a run (JSONL)")
    p.add_argument("--questions", required=True)
    p.add_argument("--conversations")
    p.add_argument("--out", required=True)
    p.add_argument("--data")
    p.add_argument("--corpus")
    p.add_argument("--system", choices=SYSTEMS, default="project")
    p.add_argument("--limit", type=int, help="only the first N questions (and conversations)")
    p.add_argument("-q", "--quiet", action="store_true")
    p.set_defaults(func=cmd_run)

    for name, help_ in (("report", "metrics of one run"), ("compare", "runs side by side")):
        p = sub.add_parser(name, help=help_)
        p.add_argument("runs", nargs="+" if name == "compare" else 1, metavar="RUN.jsonl")
        p.add_argument("--out", help="folder for report.md, metrics.json and the plots")
        _gold_args(p)
        # compare: versions of the project on the same questions, each against the first
        p.set_defaults(func=cmd_report, paired=name == "compare")

    p = sub.add_parser("all", help="the project and its peers on the dev set, one report")
    _gold_args(p)
    p.add_argument("--out", required=True)
    p.add_argument("--systems", nargs="+", choices=SYSTEMS, default=list(SYSTEMS))
    p.add_argument("--rebuild", action="store_true", help="re-embed the corpus first")
    p.add_argument("--limit", type=int)
    p.add_argument("-q", "--quiet", action="store_true")
    p.set_defaults(func=cmd_all)

    p = sub.add_parser("calibrate", help="abstention thresholds from runs and their gold")
    p.add_argument("runs", nargs="+", metavar="RUN.jsonl")
    p.add_argument("--gold", nargs="+", default=[str(QUESTIONS), str(CONVERSATIONS)],
                   help="gold questions and conversations files (default: the dev set)")
    p.add_argument("--max-false", type=float, default=0.05,
                   help="largest share of answerable questions that may abstain")
    p.add_argument("--min-words", type=int, default=4,
                   help="the similarity rule applies to questions with this many content words")
    p.add_argument("--coverage-weight", type=float, default=None,
                   help="weight of the word coverage added to the similarity (default: the "
                        "settings' answer.similarity_coverage_weight)")
    p.set_defaults(func=lambda a: __import__("eval.calibrate", fromlist=["main"]).main(
        a.runs, a.gold, a.max_false, a.min_words, _coverage_weight(a.coverage_weight)))

    p = sub.add_parser("checks", help="citation checks on statements made from the corpus")
    p.add_argument("--data", default="data")
    p.add_argument("-n", type=int, default=40, help="cases of each kind")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--show", action="store_true", help="list every case that went wrong")
    p.add_argument("--more-phrasings", action="store_true",
                   help="also 'Is het waar dat …?' and 'Staat er in de documenten dat …?'")
    p.add_argument("--partial", action="store_true",
                   help="statements are a stretch of about two thirds of their sentence")
    p.add_argument("--claims", nargs="?", const=str(HERE / "claims.jsonl"), metavar="FILE",
                   help="instead: facts checked in one's own words, written by hand "
                        "(default file: eval/claims.jsonl)")
    p.set_defaults(func=lambda a: __import__("eval.checks", fromlist=["main"]).main(
        a.data, a.n, a.seed, a.show, a.more_phrasings, a.partial, a.claims))

    p = sub.add_parser("chain", help="questions asked alone and right after another one")
    p.add_argument("--questions", default=str(QUESTIONS))
    p.add_argument("--data")
    p.add_argument("--corpus")
    p.add_argument("--limit", type=int, help="only the first N questions")
    p.add_argument("-q", "--quiet", action="store_true")
    p.set_defaults(func=cmd_chain)

    from eval import pdfs

    p = sub.add_parser("pdfs", help="the corpus set as PDFs, through the PDF path (Markdown)")
    pdfs.add_arguments(p)
    p.set_defaults(func=pdfs.main)

    p = sub.add_parser("bench", help="speed and memory benchmarks (Markdown)")
    p.add_argument("rest", nargs=argparse.REMAINDER)
    p.set_defaults(func=lambda a: __import__("eval.bench", fromlist=["main"]).main(a.rest))
    return ap


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s %(message)s")
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
