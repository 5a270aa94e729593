"""Feedback on answers: one JSON object a line in a local file. Never an IP address."""

from __future__ import annotations

import json
import logging
import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import Literal

from assistant.types import Answer

log = logging.getLogger(__name__)

Rating = Literal["up", "down"]
RATINGS: tuple[Rating, ...] = ("up", "down")
MAX_COMMENT_CHARS = 2000

_lock = threading.Lock()


def feedback_record(question: str, answer: Answer, rating: Rating, comment: str = "", *,
                    store_question: bool = True, now: datetime | None = None) -> dict:
    """The JSON object stored for one rating (question left out when not allowed)."""
    if rating not in RATINGS:
        raise ValueError(f"rating must be one of {RATINGS}, got {rating!r}")
    when = (now or datetime.now(timezone.utc)).isoformat(timespec="seconds")
    record: dict = {"time": when}
    if store_question:
        record["question"] = question
    record.update({
        "answer": answer.text,
        "citations": [c.to_record() for c in answer.citations],
        "abstained": answer.abstained,
        "style": answer.style,
        "rating": rating,
        "comment": (comment or "").strip()[:MAX_COMMENT_CHARS],
    })
    return record


def append_feedback(path: Path, record: dict) -> None:
    """Append one line; the whole line is written at once so concurrent writers never mix."""
    line = json.dumps(record, ensure_ascii=False) + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    with _lock, open(path, "a", encoding="utf-8") as fh:
        fh.write(line)
    log.info("feedback stored rating=%s path=%s", record.get("rating"), path)
