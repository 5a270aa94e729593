"""`python -m eval chain`: the same questions asked alone and right after another one."""

from __future__ import annotations

from eval import chain
from eval import metrics as m

DOC = "a.txt"
QUOTE = "Er mag in principe 60% van het lesprogramma op de andere school worden gevolgd."


def _question(qid: str, kind: str = "factoid") -> dict:
    return {"id": qid, "question": f"vraag {qid}?", "type": kind}


def _record(qid: str, question: str, found: bool, query: str | None = None) -> dict:
    text = QUOTE if found else "Een zin over iets anders dan de vraag."
    return {"id": qid, "question": question, "query": query or question, "answer": "",
            "abstained": False, "citations": [],
            "retrieved": [{"doc": DOC, "text": text, "score": 1.0}]}


def test_every_answerable_question_follows_the_one_before_it():
    questions = [_question("q1"), _question("q2", "citation-check"), _question("q3"),
                 _question("q4", "unanswerable"), _question("q5")]
    convs = chain.chained(questions)
    assert [c["id"] for c in convs] == ["after-q3", "after-q5"]
    assert [t["question"] for t in convs[0]["turns"]] == ["vraag q1?", "vraag q3?"]
    assert [t["question"] for t in convs[1]["turns"]] == ["vraag q3?", "vraag q5?"]


def test_the_second_turns_are_scored_against_their_questions_gold():
    golds = {qid: m.Gold(qid, f"vraag {qid}?", "factoid", "ouder", ((DOC, QUOTE),), (), "",
                         (DOC,)) for qid in ("q1", "q3")}
    alone = [_record("q1", "vraag q1?", True), _record("q3", "vraag q3?", True)]
    # asked after q1, q3 was joined with it and lost its passage
    after = [_record("after-q3#1", "vraag q1?", True),
             _record("after-q3#2", "vraag q3?", False, query="vraag q3? (vraag q1?)")]
    result = chain.compare(alone, after, golds, {DOC: QUOTE})
    assert result["alone"]["n"] == result["after"]["n"] == 1  # q3 only, both ways
    assert result["alone"]["recall@6k"] == 1.0 and result["after"]["recall@6k"] == 0.0
    assert result["after"]["joined"] == 1 and result["alone"]["joined"] is None
    lines = chain.table(result).splitlines()
    assert len(lines) == 4 and lines[3].startswith("| after the previous question | 1 | 1 |")
