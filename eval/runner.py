"""Ask every gold question (and every conversation turn, in order) and write the run format.

A *system* is a callable ``(question, history) -> (run record without id, Turn)``; the project
and the peer baselines (eval/peers.py) all fit it, so they are run by the same loop.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from assistant.types import Turn

log = logging.getLogger(__name__)

SYSTEMS = ("project", "bm25", "dense", "llamaindex")
MIN_RETRIEVED = 10

System = Callable[[str, Sequence[Turn]], tuple[dict, Turn]]
Progress = Callable[[int, int, str], None]


def read_jsonl(path: Path | None) -> list[dict]:
    if not path:
        return []
    with Path(path).open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def items_to_ask(questions: Sequence[dict], conversations: Sequence[dict] = ()
                 ) -> Iterator[tuple[str, str, str | None]]:
    """(id, question, conversation id or None), conversation turns in order."""
    for q in questions:
        yield q["id"], q["question"], None
    for conv in conversations:
        for n, turn in enumerate(conv["turns"], start=1):
            yield f"{conv['id']}#{n}", turn["question"], conv["id"]


def run_system(system: System, questions: Sequence[dict], conversations: Sequence[dict] = (),
               progress: Progress | None = None) -> list[dict]:
    todo = list(items_to_ask(questions, conversations))
    records: list[dict] = []
    history: list[Turn] = []
    current: str | None = None
    for i, (qid, question, conv) in enumerate(todo, start=1):
        if conv != current:
            history, current = [], conv
        record, turn = system(question, tuple(history))
        records.append({"id": qid, **record})
        if conv is not None:
            history.append(turn)
        if len(record.get("retrieved", [])) < MIN_RETRIEVED:
            log.warning("few passages id=%s retrieved=%d", qid, len(record.get("retrieved", [])))
        if progress:
            progress(i, len(todo), qid)
    return records


def project_system(assistant) -> System:
    """The assistant as configured: full pipeline, answers and citations."""

    def ask(question: str, history: Sequence[Turn]) -> tuple[dict, Turn]:
        answer = assistant.ask(question, history=history)
        record = answer.to_run_record("", question)
        record.pop("id")
        return record, Turn(question, answer.text, answer.query)

    return ask


def retrieval_system(retrieve: Callable[[str, int], list[dict]], k: int = MIN_RETRIEVED
                     ) -> System:
    """A retrieval-only peer: no answer, no citations; the question as typed is the query."""

    def ask(question: str, history: Sequence[Turn]) -> tuple[dict, Turn]:
        started = time.perf_counter()
        retrieved = retrieve(question, k)
        ms = (time.perf_counter() - started) * 1000.0
        record = {"question": question, "answer": "", "abstained": False, "citations": [],
                  "retrieved": retrieved, "timings_ms": {"retrieve": round(ms, 2),
                                                         "total": round(ms, 2)},
                  "query": question, "check": None}
        return record, Turn(question, "", question)

    return ask


def write_run(records: Sequence[dict], path: Path) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for rec in records:
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")


def build_settings(data_dir: Path | None = None, corpus_dir: Path | None = None):
    from assistant.config import load_settings

    return load_settings(data_dir=data_dir, corpus_dir=corpus_dir)


def build_system(name: str, settings, assistant=None, embedder=None) -> System:
    """One of SYSTEMS on the given settings; ``assistant`` is reused when given."""
    if name not in SYSTEMS:
        raise ValueError(f"unknown system {name!r}: choose one of {', '.join(SYSTEMS)}")
    if name == "llamaindex":
        from eval.peers import LlamaIndexPeer

        if embedder is None and assistant is not None:
            embedder = assistant.index.embedder
        peer = LlamaIndexPeer(settings, embedder)
        peer.build()  # embed (or load the cached index) before timing any question
        return retrieval_system(peer.retrieve)
    if assistant is None:
        from assistant.factory import build_assistant

        assistant = build_assistant(settings, embedder=embedder)
    if name == "project":
        return project_system(assistant)
    from eval.peers import method_peer

    return retrieval_system(method_peer(assistant, "lexical" if name == "bm25" else "dense"))
