"""python -m assistant ask [--data DIR] [--style S] [--json] "vraag" | check "..." | config"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m assistant")
    sub = parser.add_subparsers(dest="command", required=True)
    ask = sub.add_parser("ask", help="answer one question")
    ask.add_argument("question")
    ask.add_argument("--data", help="data folder with the index (default ./data)")
    ask.add_argument("--style", choices=["ouder", "leraar", "beleid"])
    ask.add_argument("--doc", action="append", help="search only this document (repeatable)")
    ask.add_argument("--json", action="store_true", help="print one run-format record")
    check = sub.add_parser("check", help="check a statement against the documents")
    check.add_argument("statement")
    check.add_argument("--data")
    check.add_argument("--json", action="store_true")
    cfg = sub.add_parser("config", help="print the effective settings")
    cfg.add_argument("--data")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s %(message)s")

    from assistant.config import load_settings

    settings = load_settings(data_dir=args.data)
    if args.command == "config":
        print(settings.model_dump_json(indent=2))
        return 0
    from assistant.factory import build_assistant
    from assistant.index import NoIndexError
    from assistant.store import StoreError

    try:
        assistant = build_assistant(settings)
    except (NoIndexError, StoreError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if args.command == "ask":
        known = {d.doc for d in assistant.documents()}
        unknown = [d for d in args.doc or [] if d not in known]
        if unknown:  # else the question is searched in nothing and abstains without saying why
            print(f"error: no document {', '.join(unknown)} in the index; the documents are: "
                  f"{', '.join(sorted(known))}", file=sys.stderr)
            return 2
        answer = assistant.ask(args.question, style=args.style, docs=args.doc)
        text = args.question
    else:
        answer = assistant.check(args.statement)
        text = args.statement
    if args.json:
        print(json.dumps(answer.to_run_record("cli", text), ensure_ascii=False))
        return 0
    if answer.notice:
        print(f"({answer.notice})\n")
    print(answer.text)
    if answer.citations:
        print("\nBronnen")
        for c in answer.citations:
            print(c.render())
    return 0


if __name__ == "__main__":
    sys.exit(main())
