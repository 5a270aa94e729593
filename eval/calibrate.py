"""Abstention thresholds from runs: `python -m eval calibrate RUN.jsonl ... --gold FILE ...`.

Every answered record carries its evidence signals (``{"coverage", "similarity"}``, see
``assistant/evidence.py``), whatever the thresholds were when it ran. This module replays the
decision of ``assistant.evidence.abstains`` (coverage < c, or similarity + w x coverage < s for
a question of at least ``min_words`` content words; w is given, as the settings have it) over a
grid and picks the pair that abstains most on
unanswerable questions while keeping false abstention within a budget; ties go to the lowest
thresholds (the fewest refusals), and a similarity cut lies midway between two observed values.
A question that a fixed rule made abstain (``"rule"`` in its evidence: it asks about a name no
document has, or for a number no passage states) abstains at every threshold. Use it after
changing the embedder or the chunker.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from assistant.evidence import abstains

COVERAGE_GRID = (0.0, 0.1, 0.15, 0.2, 0.26)


@dataclass(frozen=True)
class Signal:
    qid: str
    unanswerable: bool
    coverage: float
    similarity: float
    words: int = 99
    fixed: bool = False  # a rule abstained whatever the thresholds (a name, a missing number)


@dataclass(frozen=True)
class Choice:
    min_similarity: float
    min_evidence: float
    abstention: float  # share of unanswerable questions that abstain
    false_abstention: float  # share of answerable questions that abstain


def signals(runs: Sequence[Sequence[dict]], golds: dict) -> list[Signal]:
    """The evidence signals of every record with a gold item (citation checks have none)."""
    out = []
    for run in runs:
        for rec in run:
            ev, gold = rec.get("evidence"), golds.get(rec.get("id"))
            if not ev or gold is None or gold.type == "citation-check":
                continue
            out.append(Signal(rec["id"], gold.type == "unanswerable", float(ev["coverage"]),
                              float(ev["similarity"]), int(ev.get("words", 99)),
                              bool(ev.get("rule"))))
    return out


def rates(items: Sequence[Signal], min_similarity: float, min_evidence: float,
          min_words: int = 0, coverage_weight: float = 0.0) -> tuple[float, float]:
    def decide(s: Signal) -> bool:
        return s.fixed or abstains(s.coverage, s.similarity, s.words, min_evidence, min_similarity,
                                   min_words, coverage_weight)

    unans = [decide(s) for s in items if s.unanswerable]
    ans = [decide(s) for s in items if not s.unanswerable]
    return (sum(unans) / len(unans) if unans else 0.0, sum(ans) / len(ans) if ans else 0.0)


def choose(items: Sequence[Signal], max_false: float = 0.05, min_words: int = 0,
           coverage_weight: float = 0.0) -> Choice:
    """The best thresholds on these signals (see the module docstring)."""
    if not any(s.unanswerable for s in items) or all(s.unanswerable for s in items):
        raise ValueError("calibration needs answerable and unanswerable questions")
    sims = sorted({round(s.similarity + coverage_weight * s.coverage, 4)
                   for s in items if s.words >= min_words})
    # candidate cuts: no similarity rule, and midway between neighbouring observed values
    # (the widest margin on both sides)
    cuts = [0.0] + [(a + b) / 2 for a, b in zip(sims, sims[1:])] + [sims[-1] + 1e-3] \
        if sims else [0.0]
    best: Choice | None = None
    for cov in COVERAGE_GRID:
        for cut in cuts:
            abst, false = rates(items, cut, cov, min_words, coverage_weight)
            if false > max_false + 1e-9:
                continue
            if best is None or abst > best.abstention + 1e-9:
                best = Choice(round(cut, 4), cov, abst, false)
    assert best is not None  # cut 0.0 with coverage 0.0 never abstains
    return best


def table(items: Sequence[Signal], choice: Choice, min_words: int = 0,
          coverage_weight: float = 0.0) -> str:
    rows = ["| min_similarity | min_evidence | abstain (unans.) | false abst. |",
            "|---:|---:|---:|---:|"]
    for cut in (choice.min_similarity - 0.01, choice.min_similarity - 0.005,
                choice.min_similarity, choice.min_similarity + 0.005,
                choice.min_similarity + 0.01):
        abst, false = rates(items, cut, choice.min_evidence, min_words, coverage_weight)
        mark = " ← chosen" if cut == choice.min_similarity else ""
        rows.append(f"| {cut:.4f}{mark} | {choice.min_evidence:.2f} | {abst:.2f} | {false:.2f} |")
    return "\n".join(rows)


def main(run_paths: Sequence[str], gold_paths: Sequence[str], max_false: float,
         min_words: int, coverage_weight: float = 0.0) -> int:
    from eval.metrics import load_gold, load_run

    golds: dict = {}
    for path in gold_paths:
        first = Path(path).read_text(encoding="utf-8").lstrip()[:2000]
        is_conv = '"turns"' in first.split("\n", 1)[0]
        golds.update(load_gold(None, Path(path)) if is_conv else load_gold(Path(path)))
    items = signals([load_run(Path(p)) for p in run_paths], golds)
    n_un = sum(s.unanswerable for s in items)
    print(f"{len(items)} questions with evidence signals, {n_un} unanswerable")
    try:
        choice = choose(items, max_false, min_words, coverage_weight)
    except ValueError as e:
        print(f"error: {e}")
        return 2
    print(table(items, choice, min_words, coverage_weight))
    print(f"\nchosen (false abstention ≤ {max_false:.2f}):")
    print(f"INCLUSIEF_ANSWER__MIN_SIMILARITY={choice.min_similarity}")
    print(f"INCLUSIEF_ANSWER__MIN_EVIDENCE={choice.min_evidence}")
    print(f"abstention {choice.abstention:.2f}, false abstention {choice.false_abstention:.2f}")
    return 0
