"""Metrics over a run (the run format of eval/README) against the gold questions.

Pure functions: a run is a list of dicts, gold items are ``Gold`` values, the corpus is a dict of
document name -> text. Matching always happens on ``assistant.text.match_key`` on both sides.

Retrieval
  * evidence recall@5, @10: the share of an item's evidence quotes found in the top-k retrieved
    passages; recall@6k: found in the first 6,000 characters of retrieved text (best first), so
    systems with different chunk sizes compare fairly.
  * A quote is *found* in a set of passages when it stands in one of them, or when it is split
    over two of them: a head of the quote stands in one passage and the rest (a tail) in another
    (``quote_found``). A passage only counts for quotes of its own document.
  * MRR: a passage is relevant when it holds at least half of an evidence quote of its
    document as one piece (``passage_coverage`` >= 0.5): whole, or the larger part of a quote
    split over a chunk boundary.
Answers
  * citation validity: the citation quote stands verbatim in the cited document's text.
  * citation hit: some citation overlaps some evidence quote (one contains the other, or
    rapidfuzz ``partial_ratio`` >= 90).
  * key-fact coverage: a fact is covered when its numbers all occur in the answer and either
    ``partial_ratio`` >= 85 or >= 75% of its content words occur (``fact_covered``).
  * abstention on ``unanswerable``, false abstention elsewhere, citation-check verdicts right
    (a wrong statement, gold notes "ONJUIST ...": "different" or "not_found"; a correct one:
    "verbatim" or "supported").
"""

from __future__ import annotations

import json
import math
import random
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from assistant.text import fold, match_key

CHAR_BUDGET = 6000
HIT_RATIO = 90  # citation quote ~ evidence quote
FACT_RATIO = 85  # key fact ~ somewhere in the answer
FACT_WORDS = 0.75  # or this share of the fact's content words in the answer
RELEVANT_COVERAGE = 0.5  # a passage holding this share of a quote is relevant (MRR)
STAGES_ORDER = ("condense", "retrieve", "rerank", "evidence", "answer", "check", "total")

METRICS = ("recall@5", "recall@10", "recall@6k", "mrr", "cit_valid", "cit_hit", "cit_first",
           "facts", "abstain", "false_abst", "verdict")
RETRIEVAL_METRICS = METRICS[:4]


@dataclass(frozen=True)
class Gold:
    id: str
    question: str
    type: str
    persona: str
    evidence: tuple[tuple[str, str], ...] = ()  # (doc, quote)
    key_facts: tuple[str, ...] = ()
    notes: str = ""
    docs: tuple[str, ...] = ()

    @property
    def statement_wrong(self) -> bool:
        return self.notes.lstrip().upper().startswith("ONJUIST")


# --- loading -----------------------------------------------------------------------------------

def _read_jsonl(path: Path) -> list[dict]:
    with Path(path).open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _evidence(items: Iterable, default_doc: str) -> tuple[tuple[str, str], ...]:
    out = []
    for e in items:
        if isinstance(e, dict):
            out.append((e["doc"], e["quote"]))
        else:
            out.append((default_doc, e))
    return tuple(out)


def gold_from_question(q: dict) -> Gold:
    docs = tuple(q["doc"]) if isinstance(q.get("doc"), list) else (q.get("doc") or "",)
    return Gold(q["id"], q["question"], q.get("type", ""), q.get("persona", ""),
                _evidence(q.get("evidence", []), docs[0]), tuple(q.get("key_facts", [])),
                q.get("notes", ""), docs)


def golds_from_conversation(conv: dict) -> list[Gold]:
    doc = conv.get("doc") or ""
    return [Gold(f"{conv['id']}#{n}", t["question"], "conversation", conv.get("persona", "-"),
                 _evidence(t.get("evidence", []), doc), tuple(t.get("key_facts", [])),
                 t.get("notes", ""), (doc,))
            for n, t in enumerate(conv["turns"], start=1)]


def load_gold(questions: Path | None, conversations: Path | None = None) -> dict[str, Gold]:
    golds: list[Gold] = []
    if questions:
        golds += [gold_from_question(q) for q in _read_jsonl(questions)]
    if conversations:
        for conv in _read_jsonl(conversations):
            golds += golds_from_conversation(conv)
    return {g.id: g for g in golds}


def load_run(path: Path) -> list[dict]:
    return _read_jsonl(path)


def load_corpus(corpus_dir: Path) -> dict[str, str]:
    """Document name -> text as the readers see it (PDF pages joined by newlines)."""
    from ingest.readers import SUPPORTED, ReadError, read_document

    out = {}
    for path in sorted(Path(corpus_dir).iterdir()):
        if path.is_file() and path.suffix.lower() in SUPPORTED:
            try:
                raw = read_document(path)
            except ReadError:
                continue
            out[path.name] = "\n".join(p.text for p in raw.pages)
    return out


# --- quote matching ----------------------------------------------------------------------------

def _longest(key: str, text: str, head: bool) -> int:
    """Length of the longest head (or tail) of ``key`` that stands in ``text`` (binary search:
    if a head of length n stands in the text, so does every shorter head)."""
    lo, hi = 0, len(key)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        part = key[:mid] if head else key[len(key) - mid:]
        if part in text:
            lo = mid
        else:
            hi = mid - 1
    return lo


def passage_coverage(quote: str, text: str) -> float:
    """Share of the quote that a passage holds as one head or tail piece (1.0 = whole)."""
    key, hay = match_key(quote), match_key(text)
    if not key:
        return 0.0
    if key in hay:
        return 1.0
    return max(_longest(key, hay, True), _longest(key, hay, False)) / len(key)


def quote_found(quote: str, texts: Sequence[str]) -> bool:
    """The quote stands in one text, or its head in one text and the rest in another.

    One character of slack at the seam: whitespace between two passages folds away.
    """
    key = match_key(quote)
    if not key:
        return False
    hays = [match_key(t) for t in texts]
    if any(key in h for h in hays):
        return True
    heads = [_longest(key, h, True) for h in hays]
    tails = [_longest(key, h, False) for h in hays]
    need = len(key) - 1
    for i, h in enumerate(heads):
        if h == 0:
            continue
        for j, t in enumerate(tails):
            if i != j and t > 0 and h + t >= need:
                return True
    return False


def first_chars(texts: Sequence[str], budget: int = CHAR_BUDGET) -> list[str]:
    """The texts best first, the last one cut so that together they hold ``budget`` characters."""
    out, used = [], 0
    for t in texts:
        if used >= budget:
            break
        out.append(t[: budget - used])
        used += len(out[-1])
    return out


# --- retrieval ---------------------------------------------------------------------------------

def _texts_of(retrieved: Sequence[dict], doc: str) -> list[str]:
    """Texts of the passages from ``doc``, keeping their order (others masked as empty)."""
    return [r.get("text", "") if r.get("doc") == doc else "" for r in retrieved]


def evidence_recall(retrieved: Sequence[dict], evidence: Sequence[tuple[str, str]],
                    k: int | None = None, budget: int | None = None) -> float | None:
    if not evidence:
        return None
    passages = list(retrieved[:k] if k else retrieved)
    if budget:
        cut = first_chars([p.get("text", "") for p in passages], budget)
        passages = [dict(p, text=t) for p, t in zip(passages, cut)]
    found = sum(quote_found(q, [t for t in _texts_of(passages, doc) if t]) for doc, q in evidence)
    return found / len(evidence)


def relevant_ranks(retrieved: Sequence[dict], evidence: Sequence[tuple[str, str]]) -> list[int]:
    """1-based ranks of passages holding at least half of an evidence quote of their document."""
    ranks = []
    for rank, p in enumerate(retrieved, start=1):
        if any(doc == p.get("doc") and passage_coverage(q, p.get("text", "")) >= RELEVANT_COVERAGE
               for doc, q in evidence):
            ranks.append(rank)
    return ranks


def mrr_by_item(run: Sequence[dict], golds: dict[str, Gold]) -> dict[str, float]:
    """Reciprocal rank of the first relevant passage per item with evidence (0 without one).

    Computed here, not with ranx: ranx hashes passage ids with Python's per-process string hash
    into float64, and once in a full test run it gave two queries each other's values."""
    out: dict[str, float] = {}
    for rec in run:
        g = golds.get(rec["id"])
        if g is None or not g.evidence:
            continue
        ranks = relevant_ranks(rec.get("retrieved", []), g.evidence)
        out[rec["id"]] = 1.0 / min(ranks) if ranks else 0.0
    return out


# --- answers -----------------------------------------------------------------------------------

def citation_valid(citation: dict, corpus_keys: dict[str, str]) -> bool:
    doc = corpus_keys.get(citation.get("doc", ""))
    key = match_key(citation.get("quote", ""))
    return bool(doc) and bool(key) and key in doc


def citation_hits(quote: str, evidence_quote: str) -> bool:
    from rapidfuzz import fuzz

    a, b = fold(match_key(quote)), fold(match_key(evidence_quote))
    if not a or not b:
        return False
    if a in b or b in a:
        return True
    return fuzz.partial_ratio(a, b) >= HIT_RATIO


_NUMBER = re.compile(r"\d+(?:[.,/]\d+)*")
_WORD = re.compile(r"[a-z0-9]+")
# Number words count as numbers: "zes samenwerkingsvormen" is not "vijf samenwerkingsvormen".
NUMBER_WORDS = {"twee": "2", "drie": "3", "vier": "4", "vijf": "5", "zes": "6", "zeven": "7",
                "acht": "8", "negen": "9", "tien": "10", "elf": "11", "twaalf": "12",
                "twintig": "20", "dertig": "30", "veertig": "40", "vijftig": "50",
                "honderd": "100", "duizend": "1000", "helft": "1/2", "derde": "1/3",
                "kwart": "1/4"}


def _numbers(text: str) -> set[str]:
    """Numbers in folded text, number words as digits."""
    found = set(_NUMBER.findall(text))
    found |= {NUMBER_WORDS[w] for w in _WORD.findall(text) if w in NUMBER_WORDS}
    return found


def _content_words(text: str) -> list[str]:
    from assistant.lexical import stopwords

    sw = stopwords()
    return [w for w in _WORD.findall(fold(match_key(text))) if w not in sw and len(w) > 2]


def _word_in(word: str, answer_words: set[str]) -> bool:
    if word in answer_words:
        return True
    if len(word) >= 6:  # inflection: "samenwerkingsvormen" ~ "samenwerkingsvorm"
        stem = word[:-2]
        return any(w.startswith(stem) or word.startswith(w[:-2]) and len(w) >= 6
                   for w in answer_words)
    return False


def fact_covered(fact: str, answer: str) -> bool:
    """Loose match of a key fact in an answer (facts are often paraphrased).

    Every number of the fact (digits or a number word) must occur in the answer (a changed
    number is a different fact);
    then either the folded fact stands nearly verbatim (partial_ratio >= 85), or at least 75% of
    its content words occur (with simple Dutch inflection tolerance).
    """
    from rapidfuzz import fuzz

    f, a = fold(match_key(fact)), fold(match_key(answer))
    if not f or not a:
        return False
    if not _numbers(f) <= _numbers(a):
        return False
    if fuzz.partial_ratio(f, a) >= FACT_RATIO:
        return True
    words = _content_words(fact)
    if not words:
        return False
    answer_words = set(_WORD.findall(a))
    share = sum(_word_in(w, answer_words) for w in words) / len(words)
    return share >= FACT_WORDS


def verdict_right(record: dict, gold: Gold) -> bool:
    verdict = ((record.get("check") or {}).get("verdict")) or ""
    if gold.statement_wrong:
        return verdict in ("different", "not_found")
    return verdict in ("verbatim", "supported")  # "supported": said in other words


# --- per item and aggregate --------------------------------------------------------------------

@dataclass
class ItemScore:
    id: str
    type: str
    persona: str
    values: dict[str, float | None] = field(default_factory=dict)


def retrieval_only(run: Sequence[dict]) -> bool:
    """A peer baseline: no answers, only retrieval."""
    return bool(run) and all(not r.get("answer") and not r.get("citations") for r in run)


def score_item(rec: dict, gold: Gold, corpus_keys: dict[str, str],
               answers: bool = True) -> dict[str, float | None]:
    retrieved = rec.get("retrieved", [])
    v: dict[str, float | None] = {
        "recall@5": evidence_recall(retrieved, gold.evidence, k=5),
        "recall@10": evidence_recall(retrieved, gold.evidence, k=10),
        "recall@6k": evidence_recall(retrieved, gold.evidence, budget=CHAR_BUDGET),
    }
    unanswerable = gold.type == "unanswerable"
    abstained = bool(rec.get("abstained"))
    if not answers:
        return v | {m: None for m in METRICS if m not in v}
    cits = rec.get("citations") or []
    v["cit_valid"] = (sum(citation_valid(c, corpus_keys) for c in cits) / len(cits)
                      if cits else None)
    v["cit_hit"] = v["cit_first"] = None
    if gold.evidence and not abstained:
        hits = [any(citation_hits(c.get("quote", ""), q) for _, q in gold.evidence)
                for c in cits]
        v["cit_hit"] = float(any(hits))
        # the answer leads with the evidence: its first quote holds an evidence quote
        v["cit_first"] = float(bool(hits) and hits[0])
    v["facts"] = None
    if gold.key_facts and not unanswerable:
        answer = rec.get("answer", "")
        v["facts"] = sum(fact_covered(f, answer) for f in gold.key_facts) / len(gold.key_facts)
    v["abstain"] = float(abstained) if unanswerable else None
    v["false_abst"] = None if unanswerable else float(abstained)
    v["verdict"] = float(verdict_right(rec, gold)) if gold.type == "citation-check" else None
    return v


def score_run(run: Sequence[dict], golds: dict[str, Gold], corpus: dict[str, str]) -> list[ItemScore]:
    keys = {doc: match_key(text) for doc, text in corpus.items()}
    answers = not retrieval_only(run)
    mrr = mrr_by_item(run, golds)
    out = []
    for rec in run:
        g = golds.get(rec["id"])
        if g is None:
            continue
        values = score_item(rec, g, keys, answers)
        values["mrr"] = mrr.get(rec["id"])
        out.append(ItemScore(g.id, g.type, g.persona or "-", values))
    return out


def aggregate(items: Sequence[ItemScore]) -> dict[str, float | None]:
    """Mean of each metric over the items where it applies (None where it applies to none)."""
    out: dict[str, float | None] = {"n": float(len(items))}
    for m in METRICS:
        vals = [i.values.get(m) for i in items if i.values.get(m) is not None]
        out[m] = sum(vals) / len(vals) if vals else None
    return out


def breakdown(items: Sequence[ItemScore], by: str) -> dict[str, dict[str, float | None]]:
    groups: dict[str, list[ItemScore]] = defaultdict(list)
    for i in items:
        groups[getattr(i, by)].append(i)
    return {k: aggregate(v) for k, v in sorted(groups.items())}


def percentile(values: Sequence[float], p: float) -> float | None:
    """Linear-interpolated percentile (numpy's default method)."""
    if not values:
        return None
    xs = sorted(values)
    pos = (len(xs) - 1) * p / 100
    lo = int(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def latency(run: Sequence[dict]) -> dict[str, dict[str, float | None]]:
    """p50/p95/max per timing stage (ms)."""
    stages: dict[str, list[float]] = defaultdict(list)
    for rec in run:
        for stage, ms in (rec.get("timings_ms") or {}).items():
            if isinstance(ms, (int, float)):
                stages[stage].append(float(ms))
    order = {s: i for i, s in enumerate(STAGES_ORDER)}
    return {s: {"p50": percentile(v, 50), "p95": percentile(v, 95), "max": max(v), "n": len(v)}
            for s, v in sorted(stages.items(), key=lambda kv: (order.get(kv[0], 99), kv[0]))}


LOWER_IS_BETTER = frozenset({"false_abst"})


def paired_difference(before: Sequence[ItemScore], after: Sequence[ItemScore], metric: str,
                      resamples: int = 2000, seed: int = 0) -> dict[str, float | None] | None:
    """``after`` against ``before`` on one metric, item by item (the items both score on it).

    ``diff``: the mean difference; ``better``/``worse``: the items that moved either way;
    ``sure``: the share of paired bootstrap resamples (items drawn with replacement, the same
    draw for both runs) in which ``after`` does better on average: near 1 a gain that does not
    hang on one or two items, near 0.5 a coin toss, near 0 a loss; None when no item moved.
    Seeded: the same runs give the same share. None when no item has the metric in both."""
    mine = {i.id: i.values.get(metric) for i in before}
    pairs = [(mine[i.id], i.values[metric]) for i in after
             if i.values.get(metric) is not None and mine.get(i.id) is not None]
    if not pairs:
        return None
    sign = -1.0 if metric in LOWER_IS_BETTER else 1.0
    gains = [sign * (b - a) for a, b in pairs]  # above 0: ``after`` does better
    n = len(gains)
    sure = None
    if any(gains):
        rnd = random.Random(seed)
        sure = sum(math.fsum(gains[rnd.randrange(n)] for _ in range(n)) > 0
                   for _ in range(resamples)) / resamples
    return {"n": float(n), "before": math.fsum(a for a, _ in pairs) / n,
            "after": math.fsum(b for _, b in pairs) / n,
            "diff": math.fsum(b - a for a, b in pairs) / n,
            "better": float(sum(g > 0 for g in gains)),
            "worse": float(sum(g < 0 for g in gains)), "sure": sure}


def evaluate(run: Sequence[dict], golds: dict[str, Gold], corpus: dict[str, str]) -> dict:
    """Everything a report shows about one run."""
    items = score_run(run, golds, corpus)
    return {
        "n": len(items),
        "unmatched": [r["id"] for r in run if r["id"] not in golds],
        "retrieval_only": retrieval_only(run),
        "overall": aggregate(items),
        "by_type": breakdown(items, "type"),
        "by_persona": breakdown(items, "persona"),
        "latency": latency(run),
        "items": items,
    }
