"""Choosing abstention thresholds from recorded evidence signals (hand-made cases)."""

from __future__ import annotations

import json

import pytest

from eval import calibrate as cal
from eval.__main__ import main


def sig(qid: str, unanswerable: bool, similarity: float, coverage: float = 0.5) -> cal.Signal:
    return cal.Signal(qid, unanswerable, coverage, similarity)


def test_cut_lies_midway_in_the_gap_between_the_classes():
    items = [sig(f"u{i}", True, s) for i, s in enumerate((1.70, 1.72, 1.74))]
    items += [sig(f"a{i}", False, s) for i, s in enumerate((1.78, 1.80, 1.82, 1.85))]
    choice = cal.choose(items, max_false=0.0)
    assert choice.min_similarity == pytest.approx(1.76)
    assert (choice.abstention, choice.false_abstention) == (1.0, 0.0)


def test_false_abstention_stays_within_the_budget():
    # one answerable question sits among the unanswerable ones: catching all of them would
    # refuse it (1 in 4 answerable = 0.25 > 0.2), so the cut stays below it
    items = [sig("u1", True, 1.70), sig("u2", True, 1.75), sig("a1", False, 1.72)]
    items += [sig(f"a{i}", False, 1.80 + i / 100) for i in range(2, 5)]
    choice = cal.choose(items, max_false=0.2)
    assert choice.false_abstention <= 0.2
    assert choice.abstention == 0.5 and choice.min_similarity < 1.72


def test_coverage_can_catch_what_similarity_misses():
    items = [sig("u1", True, 1.80, coverage=0.05), sig("u2", True, 1.70)]
    items += [sig(f"a{i}", False, 1.78 + i / 100, coverage=0.4) for i in range(4)]
    choice = cal.choose(items, max_false=0.0)
    assert choice.abstention == 1.0 and choice.min_evidence > 0.05


def test_needs_both_kinds_of_questions():
    with pytest.raises(ValueError):
        cal.choose([sig("a", False, 1.8), sig("b", False, 1.7)])


def test_cli_reads_runs_and_gold(tmp_path, capsys):
    gold = tmp_path / "gold.jsonl"
    run = tmp_path / "run.jsonl"
    items = [("u1", "unanswerable", 1.70), ("u2", "unanswerable", 1.71),
             ("a1", "factoid", 1.80), ("a2", "list", 1.82), ("c1", "citation-check", 1.60)]
    gold.write_text("\n".join(json.dumps({"id": i, "persona": "ouder", "question": "?",
                                          "type": t, "doc": "", "evidence": [],
                                          "key_facts": []}) for i, t, _ in items),
                    encoding="utf-8")
    run.write_text("\n".join(json.dumps({"id": i, "evidence": {"coverage": 0.5,
                                                               "similarity": s}})
                             for i, _, s in items), encoding="utf-8")
    assert main(["calibrate", str(run), "--gold", str(gold), "--max-false", "0",
                 "--coverage-weight", "0"]) == 0
    out = capsys.readouterr().out
    assert "4 questions with evidence signals, 2 unanswerable" in out  # the check is left out
    assert "INCLUSIEF_ANSWER__MIN_SIMILARITY=1.755" in out


def test_a_question_a_fixed_rule_refused_abstains_at_every_threshold():
    # u2 asked for an amount no passage states: it abstains whatever the cut, so the cut need
    # not reach its high similarity (which would refuse the answerable a1)
    items = [sig("u1", True, 1.70), cal.Signal("u2", True, 0.5, 1.84, fixed=True)]
    items += [sig("a1", False, 1.80), sig("a2", False, 1.90)]
    choice = cal.choose(items, max_false=0.0)
    assert (choice.abstention, choice.false_abstention) == (1.0, 0.0)
    assert 1.70 < choice.min_similarity < 1.80


def test_with_a_coverage_weight_the_cut_is_on_the_cosine_plus_the_weighted_coverage():
    # the answerable a1 is as close as the unanswerable u1, but the passages hold its words
    # (coverage 0.3: above every coverage cut the grid tries)
    items = [sig("u1", True, 1.70, coverage=0.3), sig("u2", True, 1.60, coverage=0.3),
             sig("a1", False, 1.70, coverage=1.0), sig("a2", False, 1.80, coverage=0.6)]
    assert cal.choose(items, max_false=0.0).abstention == 0.5  # the cosine alone: u1 = a1
    choice = cal.choose(items, max_false=0.0, coverage_weight=0.1)
    assert (choice.abstention, choice.false_abstention) == (1.0, 0.0)
    assert 1.73 < choice.min_similarity < 1.80  # between u1 (1.73) and a1 (1.80)
