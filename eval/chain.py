"""Questions asked one after another in one chat: `python -m eval chain --questions FILE`.

In the chat every question after the first has a history, and a question that looks like a
follow-up ("dat", "ze", "daar" among its first words, or very short) is joined with the one
before it (``assistant.query.condense``). A new question that names its own subject ("Wat is een
nevenvestiging en wie moet daar toestemming voor geven?") must not be: the previous subject
would pull its search elsewhere. This benchmark asks every answerable question of a set twice,
alone and right after the question before it in the file, and compares the two. The gold
conversations measure the other side: that real follow-ups are still joined.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

from eval.metrics import Gold, score_run

SKIP = ("citation-check", "unanswerable")  # a check is never condensed; no evidence to find
MEASURES = ("recall@6k", "mrr", "cit_hit", "facts", "false_abst")


def chained(questions: Sequence[dict]) -> list[dict]:
    """Two-turn conversations: each answerable question after the one before it."""
    items = [q for q in questions if q.get("type") not in SKIP]
    return [{"id": f"after-{q['id']}", "turns": [{"question": prev["question"]},
                                                  {"question": q["question"]}]}
            for prev, q in pairwise(items)]


def compare(alone: Sequence[dict], after: Sequence[dict], golds: dict[str, Gold],
            corpus: dict[str, str]) -> dict[str, dict[str, float | None]]:
    """Mean measures of the questions asked alone and asked after another one (the second
    turns of ``after``, renamed to their question's id), on the same questions."""
    second = [dict(r, id=r["id"].removeprefix("after-").removesuffix("#2"))
              for r in after if r["id"].endswith("#2")]
    ids = {r["id"] for r in second}
    out: dict[str, dict[str, float | None]] = {}
    for name, run in (("alone", [r for r in alone if r["id"] in ids]), ("after", second)):
        scores = score_run(run, golds, corpus)
        row: dict[str, float | None] = {"n": float(len(scores))}
        for m in MEASURES:
            vals = [s.values[m] for s in scores if s.values.get(m) is not None]
            row[m] = sum(vals) / len(vals) if vals else None
        row["joined"] = (float(sum(r.get("query", r["question"]) != r["question"] for r in run))
                         if name == "after" else None)
        out[name] = row
    return out


def table(result: dict[str, dict[str, float | None]]) -> str:
    head = ["asked", "n", "joined with the question before", *MEASURES]
    rows = ["| " + " | ".join(head) + " |", "|---|" + "---:|" * (len(head) - 1)]
    for name, label in (("alone", "alone"), ("after", "after the previous question")):
        r = result[name]
        cells = [label, f"{r['n']:.0f}", "–" if r["joined"] is None else f"{r['joined']:.0f}"]
        cells += ["–" if r[m] is None else f"{r[m]:.2f}" for m in MEASURES]
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)
