"""Smoke run: `python -m eval run` on three gold questions and a short conversation, then report."""

from __future__ import annotations

import json

import pytest

from eval.__main__ import main
from tests.conftest import EVAL

pytestmark = pytest.mark.slow


def _pick_questions() -> list[dict]:
    items = [json.loads(line) for line in (EVAL / "questions.jsonl").open(encoding="utf-8")]
    picked = []
    for kind in ("factoid", "unanswerable", "citation-check"):
        picked.append(next(q for q in items if q["type"] == kind))
    return picked


def test_eval_run_and_report_on_three_questions(settings_session, tmp_path, capsys):
    questions = tmp_path / "q.jsonl"
    questions.write_text("".join(json.dumps(q, ensure_ascii=False) + "\n"
                                 for q in _pick_questions()), encoding="utf-8")
    conv = json.loads((EVAL / "conversations.jsonl").open(encoding="utf-8").readline())
    conv["turns"] = conv["turns"][:2]
    conversations = tmp_path / "c.jsonl"
    conversations.write_text(json.dumps(conv, ensure_ascii=False) + "\n", encoding="utf-8")
    out = tmp_path / "run.jsonl"

    rc = main(["run", "--questions", str(questions), "--conversations", str(conversations),
               "--out", str(out), "--data", str(settings_session.data_dir),
               "--corpus", str(settings_session.corpus_dir), "-q"])
    assert rc == 0
    records = [json.loads(line) for line in out.open(encoding="utf-8")]
    wanted = [q["id"] for q in _pick_questions()] + [f"{conv['id']}#1", f"{conv['id']}#2"]
    assert [r["id"] for r in records] == wanted
    for r in records:
        assert set(r) >= {"question", "answer", "abstained", "citations", "retrieved",
                          "timings_ms"}
        assert len(r["retrieved"]) >= 10
        assert {"doc", "text", "score"} <= set(r["retrieved"][0])
        assert r["timings_ms"]["total"] > 0
    by_id = {r["id"]: r for r in records}
    assert by_id[wanted[2]]["check"] is not None  # the pasted statement went to the check

    capsys.readouterr()
    rc = main(["report", str(out), "--out", str(tmp_path / "report"),
               "--questions", str(questions), "--conversations", str(conversations),
               "--corpus", str(settings_session.corpus_dir)])
    assert rc == 0
    printed = capsys.readouterr().out.strip().splitlines()
    assert printed[-1].startswith("summary: system=run n=5 ")
    metrics = json.loads((tmp_path / "report" / "metrics.json").read_text(encoding="utf-8"))
    overall = metrics["run"]["overall"]
    assert 0.0 <= overall["recall@10"] <= 1.0
    assert overall["cit_valid"] in (None, 1.0)  # the project only cites verbatim quotes
    assert (tmp_path / "report" / "recall_by_type.png").stat().st_size > 1000
    report = (tmp_path / "report" / "report.md").read_text(encoding="utf-8")
    assert "## Overall" in report and "## What `run` got wrong" in report

    # compare: the same run with the first answer's passages in reverse order, against it
    worse = tmp_path / "worse.jsonl"
    worse.write_text("".join(json.dumps(dict(r, retrieved=r["retrieved"][::-1]) if i == 0 else r,
                                        ensure_ascii=False) + "\n"
                             for i, r in enumerate(records)), encoding="utf-8")
    capsys.readouterr()
    rc = main(["compare", str(out), str(worse), "--questions", str(questions),
               "--conversations", str(conversations),
               "--corpus", str(settings_session.corpus_dir)])
    assert rc == 0
    printed = capsys.readouterr().out
    assert "## Against the first run" in printed
    rows = [line for line in printed.splitlines() if line.startswith("| worse | MRR |")]
    assert len(rows) == 1 and rows[0].split(" | ")[6] == "0 / 1"
