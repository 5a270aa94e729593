"""Metric functions on hand-made cases: hits, misses, split quotes, abstentions, citations."""

from __future__ import annotations

import pytest

from eval import metrics as m

DOC = "a.txt"
OTHER = "b.txt"
QUOTE = ("De leerlingen kunnen ingeschreven blijven staan bij hun oorspronkelijke school, "
         "waarmee de eventuele extra bekostiging behouden kan blijven.")
HEAD, TAIL = QUOTE[:70], QUOTE[70:]
FILLER = "Dit is een zin over iets heel anders dan de vraag. " * 3


def passage(text: str, doc: str = DOC) -> dict:
    return {"doc": doc, "text": text, "score": 0.5}


def gold(**kw) -> m.Gold:
    base = {"id": "q1", "question": "?", "type": "factoid", "persona": "ouder",
            "evidence": ((DOC, QUOTE),), "key_facts": (), "notes": "", "docs": (DOC,)}
    return m.Gold(**(base | kw))


# --- quote matching ----------------------------------------------------------------------------

def test_quote_found_whole_with_folded_whitespace_and_case_kept():
    spaced = QUOTE.replace(" ", "\n  ", 3)
    assert m.quote_found(QUOTE, [FILLER, f"Inleiding. {spaced} Verder."])
    assert not m.quote_found(QUOTE.replace("extra", "geen"), [QUOTE])


def test_quote_split_over_two_passages_is_found_in_any_order():
    first = f"{FILLER} {HEAD}"
    second = f"{TAIL} {FILLER}"
    assert m.quote_found(QUOTE, [second, FILLER, first])
    assert not m.quote_found(QUOTE, [first, FILLER])  # the tail is missing
    assert not m.quote_found(QUOTE, [f"{FILLER} {HEAD}{TAIL[:-20]}"])


def test_split_with_overlapping_chunks_is_found():
    assert m.quote_found(QUOTE, [QUOTE[:90] + " ", QUOTE[40:]])


def test_head_and_tail_in_the_same_passage_elsewhere_is_not_a_split():
    assert not m.quote_found(QUOTE, [f"{TAIL} en verder {HEAD}"])


def test_passage_coverage():
    assert m.passage_coverage(QUOTE, f"x {QUOTE} y") == 1.0
    assert m.passage_coverage(QUOTE, f"{FILLER} {HEAD}") == pytest.approx(
        len(m.match_key(HEAD)) / len(m.match_key(QUOTE)), abs=0.02)
    assert m.passage_coverage(QUOTE, FILLER) < 0.1


def test_first_chars_cuts_at_the_budget():
    cut = m.first_chars(["a" * 4000, "b" * 4000, "c" * 10], 6000)
    assert [len(t) for t in cut] == [4000, 2000]


# --- retrieval metrics ---------------------------------------------------------------------------

def test_recall_at_k_hit_and_miss():
    retrieved = [passage(FILLER)] * 6 + [passage(QUOTE)] + [passage(FILLER)] * 3
    ev = ((DOC, QUOTE),)
    assert m.evidence_recall(retrieved, ev, k=5) == 0.0
    assert m.evidence_recall(retrieved, ev, k=10) == 1.0


def test_recall_counts_each_quote_and_needs_the_right_document():
    second = "Een tweede citaat dat nergens in de opgehaalde passages staat, echt nergens."
    ev = ((DOC, QUOTE), (DOC, second))
    assert m.evidence_recall([passage(QUOTE)], ev, k=5) == 0.5
    assert m.evidence_recall([passage(QUOTE, doc=OTHER)], ev, k=5) == 0.0
    assert m.evidence_recall([], (), k=5) is None


def test_recall_within_char_budget():
    long_filler = passage("x " * 3000)  # 6000 characters: the budget is used up
    ev = ((DOC, QUOTE),)
    assert m.evidence_recall([long_filler, passage(QUOTE)], ev, budget=6000) == 0.0
    assert m.evidence_recall([passage(QUOTE), long_filler], ev, budget=6000) == 1.0
    split = [passage(f"{FILLER} {HEAD}"), passage(f"{TAIL} {FILLER}")]
    assert m.evidence_recall(split, ev, budget=6000) == 1.0


def test_mrr_is_the_reciprocal_rank_of_the_first_relevant_passage():
    golds = {"a": gold(id="a"), "b": gold(id="b"), "c": gold(id="c"),
             "u": gold(id="u", type="unanswerable", evidence=())}
    run = [
        {"id": "a", "retrieved": [passage(FILLER), passage(QUOTE)]},  # rank 2
        {"id": "b", "retrieved": [passage(FILLER), passage(FILLER)]},  # miss
        {"id": "c", "retrieved": [passage(f"{FILLER} {HEAD}"), passage(TAIL)]},  # larger half at 1
        {"id": "u", "retrieved": [passage(QUOTE)]},
    ]
    got = m.mrr_by_item(run, golds)
    assert got == pytest.approx({"a": 0.5, "b": 0.0, "c": 1.0})


def test_relevant_ranks_ignore_other_documents():
    ranks = m.relevant_ranks([passage(QUOTE, OTHER), passage(QUOTE)], ((DOC, QUOTE),))
    assert ranks == [2]


# --- answer metrics ------------------------------------------------------------------------------

CORPUS = {DOC: f"Titel\n\n{QUOTE}\n\nNog een alinea over vervoer.", OTHER: "Andere tekst."}
KEYS = {d: m.match_key(t) for d, t in CORPUS.items()}


def test_citation_validity():
    assert m.citation_valid({"doc": DOC, "quote": QUOTE.replace(" ", "  ")}, KEYS)
    assert not m.citation_valid({"doc": OTHER, "quote": QUOTE}, KEYS)  # wrong document
    assert not m.citation_valid({"doc": DOC, "quote": QUOTE.replace("extra", "meer")}, KEYS)
    assert not m.citation_valid({"doc": "missing.txt", "quote": QUOTE}, KEYS)


def test_citation_hits():
    assert m.citation_hits(QUOTE[10:80], QUOTE)  # part of the evidence
    assert m.citation_hits(f"{QUOTE} En meer.", QUOTE)
    assert not m.citation_hits("Nog een alinea over vervoer.", QUOTE)


def test_fact_covered_loosely_but_not_with_another_number():
    answer = "Volgens de notitie zijn de aanvragen verdeeld in vijf samenwerkingsvormen (2026)."
    assert m.fact_covered("vijf samenwerkingsvormen", answer)
    assert m.fact_covered("samenwerkingsvorm", answer)
    assert not m.fact_covered("zes samenwerkingsvormen", answer)
    assert not m.fact_covered("januari 2025", answer)
    assert m.fact_covered("Leerlingen blijven ingeschreven op de oorspronkelijke school",
                          "Uw kind kan ingeschreven blijven bij de oorspronkelijke school.")
    assert not m.fact_covered("leerlingenvervoer", answer)


def record(**kw) -> dict:
    base = {"id": "q1", "question": "?", "answer": "", "abstained": False, "citations": [],
            "retrieved": [passage(QUOTE)], "timings_ms": {}, "check": None}
    return base | kw


def test_abstention_and_false_abstention():
    unans = gold(type="unanswerable", evidence=())
    assert m.score_item(record(abstained=True), unans, KEYS)["abstain"] == 1.0
    assert m.score_item(record(abstained=False), unans, KEYS)["abstain"] == 0.0
    v = m.score_item(record(abstained=True), gold(), KEYS)
    assert v["false_abst"] == 1.0 and v["abstain"] is None and v["cit_hit"] is None


def test_score_item_answer_with_wrong_and_right_citation():
    cits = [{"n": 1, "doc": DOC, "quote": QUOTE[:60]},
            {"n": 2, "doc": DOC, "quote": "Dit staat niet in het document."}]
    answer = "Uw kind kan ingeschreven blijven bij de oorspronkelijke school [1]."
    v = m.score_item(record(answer=answer, citations=cits),
                     gold(key_facts=("ingeschreven blijven", "extra bekostiging")), KEYS)
    assert v["cit_valid"] == 0.5
    assert v["cit_hit"] == 1.0
    assert v["cit_first"] == 1.0  # the answer leads with the evidence
    assert v["facts"] == 0.5
    assert v["false_abst"] == 0.0
    later = m.score_item(record(answer=answer, citations=cits[::-1]), gold(), KEYS)
    assert later["cit_hit"] == 1.0 and later["cit_first"] == 0.0


@pytest.mark.parametrize("notes,verdict,right", [
    ("ONJUIST: vijf, niet zes.", "different", True),
    ("ONJUIST: vijf, niet zes.", "not_found", True),
    ("ONJUIST: vijf, niet zes.", "verbatim", False),
    ("Klopt letterlijk.", "verbatim", True),
    ("Klopt letterlijk.", "different", False),
    ("Klopt, in andere woorden.", "supported", True),
    ("ONJUIST: actor.", "supported", False),
    ("Klopt letterlijk.", None, False),
])
def test_citation_check_verdicts(notes, verdict, right):
    g = gold(type="citation-check", notes=notes)
    rec = record(check={"verdict": verdict} if verdict else None)
    assert m.verdict_right(rec, g) is right
    assert m.score_item(rec, g, KEYS)["verdict"] == float(right)


def test_percentiles_and_latency():
    assert m.percentile([1, 2, 3, 4, 5], 50) == 3
    assert m.percentile([0, 10], 95) == pytest.approx(9.5)
    assert m.percentile([], 50) is None
    lat = m.latency([{"timings_ms": {"retrieve": 10, "total": 20}},
                     {"timings_ms": {"retrieve": 30, "total": 40}}])
    assert list(lat) == ["retrieve", "total"]
    assert lat["total"]["p50"] == 30


def test_evaluate_breaks_down_by_type_and_persona_and_spots_peer_runs():
    golds = {"q1": gold(), "q2": gold(id="q2", type="unanswerable", persona="beleid", evidence=()),
             "c#1": gold(id="c#1", type="conversation", persona="-")}
    run = [record(answer="x", citations=[{"doc": DOC, "quote": QUOTE}]),
           record(id="q2", abstained=True, answer="Niet gevonden."),
           record(id="c#1", retrieved=[passage(FILLER)], answer="y")]
    ev = m.evaluate(run, golds, CORPUS)
    assert ev["overall"]["recall@5"] == 0.5
    assert ev["by_type"]["factoid"]["recall@5"] == 1.0
    assert ev["by_type"]["conversation"]["recall@5"] == 0.0
    assert ev["by_persona"]["beleid"]["abstain"] == 1.0
    assert not ev["retrieval_only"]
    peer = [dict(r, answer="", citations=[], abstained=False) for r in run]
    ev_peer = m.evaluate(peer, golds, CORPUS)
    assert ev_peer["retrieval_only"] and ev_peer["overall"]["false_abst"] is None


def test_load_gold_reads_questions_and_conversation_turns(tmp_path):
    import json

    q = tmp_path / "q.jsonl"
    q.write_text(json.dumps({"id": "m1", "persona": "beleid", "question": "?", "type": "multi-doc",
                             "doc": [DOC, OTHER], "evidence": [{"doc": OTHER, "quote": "x"}],
                             "key_facts": [], "notes": ""}) + "\n")
    c = tmp_path / "c.jsonl"
    c.write_text(json.dumps({"id": "c1", "doc": DOC, "turns": [
        {"question": "a?", "evidence": ["e1"], "key_facts": ["k"]},
        {"question": "en b?", "evidence": ["e2"], "key_facts": []}]}) + "\n")
    golds = m.load_gold(q, c)
    assert golds["m1"].evidence == ((OTHER, "x"),)
    assert golds["c1#2"].evidence == ((DOC, "e2"),) and golds["c1#2"].type == "conversation"


def test_misses_table_lists_what_went_wrong_with_the_question():
    from eval.report import misses_table

    items = [m.ItemScore("q1", "factoid", "ouder", {"recall@6k": 0.5, "mrr": 0.25}),
             m.ItemScore("q2", "factoid", "ouder", {"recall@6k": 1.0, "mrr": 1.0}),
             m.ItemScore("q3", "unanswerable", "leraar", {"recall@6k": None, "abstain": 0.0})]
    run = [{"id": "q1", "question": "Wat is  symbiose | of niet?"},
           {"id": "q2", "question": "Goed beantwoord"},
           {"id": "q3", "question": "Hoeveel kost het?"}]
    rows = misses_table({"items": items}, run).splitlines()[2:]
    assert len(rows) == 2
    assert rows[0].startswith("| q1 | factoid | 0.25 | R@6k 0.50 |")
    assert "Wat is symbiose \\| of niet?" in rows[0]  # one space; a pipe does not split the row
    assert "answered, but not in the documents" in rows[1]
    assert misses_table({"items": items[1:2]}, run[1:2]) == "None."


def _scores(metric: str, values: dict[str, float | None]) -> list[m.ItemScore]:
    return [m.ItemScore(i, "factoid", "ouder", {metric: v}) for i, v in values.items()]


def test_paired_difference_counts_items_both_runs_score_and_how_sure_a_gain_is():
    before = _scores("mrr", {f"q{i}": 0.5 for i in range(20)} | {"only": 1.0})
    after = _scores("mrr", {f"q{i}": 1.0 for i in range(20)} | {"new": 0.0})
    d = m.paired_difference(before, after, "mrr")
    assert (d["n"], d["before"], d["after"], d["diff"]) == (20, 0.5, 1.0, 0.5)
    assert (d["better"], d["worse"], d["sure"]) == (20, 0, 1.0)
    # one question that gained alone: the mean moves, most resamples do not see it
    one = _scores("mrr", {"q0": 1.0} | {f"q{i}": 0.5 for i in range(1, 20)})
    d = m.paired_difference(before, one, "mrr")
    assert d["better"] == 1 and d["worse"] == 0 and 0.5 < d["sure"] < 0.8
    assert m.paired_difference(before, one, "mrr") == d  # seeded: the same share again
    assert m.paired_difference(before, before, "mrr")["sure"] is None  # nothing moved
    assert m.paired_difference(before, after, "facts") is None  # no item has it


def test_paired_difference_counts_fewer_false_abstentions_as_better():
    before = _scores("false_abst", {"q1": 1.0, "q2": 1.0, "q3": 0.0})
    after = _scores("false_abst", {"q1": 0.0, "q2": 0.0, "q3": 0.0})
    d = m.paired_difference(before, after, "false_abst")
    assert d["diff"] < 0 and (d["better"], d["worse"]) == (2, 0) and d["sure"] > 0.5


def test_compare_report_puts_each_run_against_the_first():
    from eval.report import markdown

    def ev(values):
        items = _scores("mrr", values)
        return {"items": items, "overall": m.aggregate(items), "by_type": {}, "by_persona": {},
                "latency": {}}

    evals = {"before": ev({"q1": 0.5, "q2": 1.0}), "after": ev({"q1": 1.0, "q2": 1.0})}
    text = markdown(evals, paired=True)
    row = next(line for line in text.splitlines() if line.startswith("| after | MRR |"))
    assert row.split(" | ")[2:7] == ["2", "0.7500", "1.0000", "+0.2500", "1 / 0"]
    assert "peers" not in text and "Against the first run" in markdown(evals, paired=True)
    assert "Against the first run" not in markdown(evals)
