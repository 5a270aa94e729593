"""Assistant.ask: question (+ history) -> retrieval -> evidence check -> cited answer."""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections.abc import Sequence

from assistant import answer_type
from assistant import messages as msg
from assistant.answering import Draft
from assistant.checker import extract_statement, strip_attribution, verdict
from assistant.citations import invalid_citations
from assistant.config import Settings
from assistant.evidence import assess
from assistant.extractive import make_citation
from assistant.index import NoIndexError, RetrieverView, SearchIndex
from assistant.query import condense, determined_nouns
from assistant.text import asking_sentences, fold, has_words, indented, quoted, words_key
from assistant.types import (
    STYLES,
    Answer,
    CheckResult,
    Chunk,
    Citation,
    DocInfo,
    Passage,
    Style,
    Turn,
)

log = logging.getLogger(__name__)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069]")  # incl. bidi


class Assistant:
    def __init__(self, index: SearchIndex, answerer, extractive, settings: Settings):
        self.index = index
        self.answerer = answerer
        self.extractive = extractive
        self.settings = settings
        self.retriever = RetrieverView(index)
        self._trace_lock = threading.Lock()

    # --- public API -------------------------------------------------------------------------
    def documents(self) -> list[DocInfo]:
        self.index.refresh()
        return self.index.documents()

    def context(self, chunk_id: str) -> tuple[Chunk, str]:
        """The chunk and the document text around it (for PDFs: its whole page)."""
        chunk = self.index.chunk(chunk_id)
        if chunk is None:
            raise KeyError(chunk_id)
        if chunk.page is not None:
            around = self.index.page_chunks(chunk.doc, chunk.page)
        else:
            around = self.index.neighbours(chunk_id)
        return chunk, "\n\n".join(c.text for c in around)

    def ask(self, question: str, history: Sequence[Turn] = (), style: Style | None = None,
            docs: Sequence[str] | None = None) -> Answer:
        started = time.perf_counter()
        style = style if style in STYLES else self.settings.answer.style
        question, notice = self._clean_input(question)
        if not question:
            return Answer(msg.EMPTY_QUESTION, [], [], True, {"total": 0.0}, "", style,
                          notice=msg.EMPTY_QUESTION)
        self.index.refresh()
        statement = extract_statement(question, self._in_documents)
        if statement is not None:
            answer = self._check(statement, docs, style, started)
        else:
            answer = self._answer(question, history, style, docs, started)
        if looks_english(question):
            notice = " ".join(x for x in (notice, msg.ENGLISH_NOTE) if x)
        answer.notice = notice or answer.notice
        self._trace(question, answer)
        return answer

    def check(self, statement: str, docs: Sequence[str] | None = None,
              style: Style = "beleid") -> Answer:
        started = time.perf_counter()
        statement, notice = self._clean_input(statement)
        if not statement:
            return Answer(msg.EMPTY_QUESTION, [], [], True, {"total": 0.0}, "", style,
                          notice=msg.EMPTY_QUESTION)
        self.index.refresh()
        inner = extract_statement(statement, self._in_documents) or statement
        answer = self._check(inner, docs, style, started)
        answer.notice = notice
        self._trace(statement, answer)
        return answer

    # --- steps ------------------------------------------------------------------------------
    def _in_documents(self, text: str) -> bool:
        return bool(self.index.containing(text))

    def _clean_input(self, text: str) -> tuple[str, str | None]:
        text = _CONTROL.sub(" ", text or "").strip()
        if not has_words(text):  # "???": nothing to search for
            return "", None
        limit = self.settings.limits.max_question_chars
        if len(text) > limit:
            return text[:limit], msg.TOO_LONG.format(n=limit)
        return text, None

    def _answer(self, question: str, history: Sequence[Turn], style: Style,
                docs: Sequence[str] | None, started: float) -> Answer:
        timings: dict[str, float] = {}
        query = condense(question, history)
        t = time.perf_counter()
        passages = self.index.retrieve(query, docs=docs,
                                       focus=question if query != question else None,
                                       also_embed=(query,))  # the evidence check's
        timings["retrieve"] = _ms(t)
        t = time.perf_counter()
        a = self.settings.answer
        # a short follow-up to an answered question ("Wie helpt de school dan?" after "Mijn
        # dochter is doof. Kan ze naar een gewone middelbare school?") is judged as a short
        # question is, on its words: joined with the question before it, it would meet the
        # similarity rule that the question it leans on was too short for
        follow_up = query != question and bool(history) \
            and not history[-1].answer.startswith(msg.NOT_IN_DOCUMENTS)
        ev = assess(self.index, query, passages, a.min_evidence, self._min_similarity,
                    a.similarity_min_words, docs, counted=question if follow_up else None,
                    coverage_weight=a.similarity_coverage_weight)
        timings["evidence"] = _ms(t)
        t = time.perf_counter()
        asking = " ".join(asking_sentences(question))
        names = self.index.unknown_names(question)
        asked = [n for n in names if n in asking]
        # too short for the similarity rule: a word no document has is what the question asks
        # about ("Wanneer begint de zomervakantie?")
        unknown = [] if asked or ev.words >= a.similarity_min_words or looks_english(question) \
            else self.index.unknown_words(asking)
        if follow_up:
            # a short follow-up leans on an answered question: a word no document has is its
            # subject only where it names a thing ("En wie betaalt de taxi?"), not "vandaan" in
            # "Waar komt die verplichting eigenlijk vandaan?"
            things = determined_nouns(asking)
            unknown = [w for w in unknown if fold(w) in things]
        # "Hoeveel …?" with no quantity of that kind in the passages an answer may quote from
        gap = answer_type.missing(question, (p.chunk.text for p in
                                             passages[:self.extractive.max_passages]))
        what = msg.QUANTITY["money" if gap and gap.kind == "money" else "count"]
        # rules that abstain whatever the thresholds; recorded for `python -m eval calibrate`
        rule = ("names" if asked else "words" if unknown
                else "quantity" if gap is not None and gap.alone else None)
        if not ev.answerable or rule in ("names", "words"):
            # a question about a school, place, rule or thing no document names has no answer
            draft = self._abstain(query, passages)
        elif rule == "quantity":
            draft = self._abstain(query, passages,
                                  msg.QUANTITY_MISSING.format(what=what))
        else:
            draft = self._draft(query, passages, style)
        if style == "ouder":  # where a parent goes next, after an answer or a refusal alike
            self.extractive.add_next_step(
                draft, query, passages,
                () if draft.abstained else self.extractive.candidates(query, passages),
                earlier=[turn.answer for turn in history])
        problems = invalid_citations(draft.text, draft.citations, [*passages, *draft.sources])
        if problems:  # cannot happen by construction; never show an unchecked quote
            log.error("citations rejected after drafting problems=%s", "; ".join(problems))
            draft = Draft(msg.NOT_IN_DOCUMENTS, [], abstained=True)
        timings["answer"] = _ms(t)
        timings["total"] = _ms(started)
        parts: list[str] = []  # what the user is told before the answer, in this order
        missing = asked or unknown  # what the question asks about and no document has
        if not missing and draft.abstained and ev.coverage < a.min_evidence \
                and not looks_english(question):
            # too few of the question's words in the passages: name those no document has,
            # wherever they stand ("Mijn kind heeft autisme. Kan hij …?": most of its weight)
            missing = self.index.unknown_words(question)
        if missing or (names and not draft.abstained):
            shown = missing or names
            quoted = [f"„{n}”" for n in shown]
            listed = quoted[0] if len(quoted) == 1 else (", ".join(quoted[:-1]) + " en "
                                                        + quoted[-1])
            template = msg.UNKNOWN_NAMES_ASKED if missing else msg.UNKNOWN_NAMES
            parts.append(template.format(names=listed,
                                         verb="komt" if len(shown) == 1 else "komen"))
        if gap is not None and not draft.abstained:
            parts.append(msg.QUANTITY_MISSING_PART.format(what=what))
        term = None if draft.abstained else self.extractive.undefined_term(question,
                                                                           draft.citations)
        if term is not None:  # "Wat is een TLV?": the quotes use the word, none says what it is
            parts.append(msg.NO_DEFINITION.format(term=term))
        if query != question and history and _repeats(draft, history[-1].answer):
            parts.append(msg.SAME_AS_BEFORE)
        notice = " ".join(parts) or None
        return Answer(draft.text, draft.citations, passages, draft.abstained, timings, query,
                      style, notice=notice, evidence={**ev.to_record(), "rule": rule})

    @property
    def _min_similarity(self) -> float | None:
        configured = self.settings.answer.min_similarity
        if configured is not None:
            return configured
        return getattr(self.index.embedder, "abstain_similarity", None)

    def _draft(self, query: str, passages: list[Passage], style: Style) -> Draft:
        try:
            draft = self.answerer.answer(query, passages, style)
        except Exception:  # a broken answer backend must never break the assistant
            log.exception("answerer failed answerer=%s", getattr(self.answerer, "name", "?"))
            draft = self.extractive.answer(query, passages, style)
        problems = invalid_citations(draft.text, draft.citations, [*passages, *draft.sources])
        if problems:
            log.warning("citations rejected answerer=%s problems=%s",
                        getattr(self.answerer, "name", "?"), "; ".join(problems))
            draft = self.extractive.answer(query, passages, style)
        return draft

    def _closest(self, query: str, passages: list[Passage], n: int = 3) -> list[Citation]:
        """The best readable sentence of each of the ``n`` closest passages."""
        seen, citations = set(), []
        for c in self.extractive.candidates(query, passages):
            if c.passage.chunk.id in seen or not _readable(c.text):
                continue
            seen.add(c.passage.chunk.id)
            citations.append(make_citation(len(citations) + 1, c.passage, c.text,
                                           self.index.doc_meta(c.passage.chunk.doc)))
            if len(citations) == n:
                break
        return citations

    @staticmethod
    def _closest_lines(citations: list[Citation]) -> list[str]:
        if not citations:
            return []
        return ["", msg.CLOSEST] + [f"- {c.title}: {indented(quoted(c.quote), '  ')} [{c.n}]"
                                    for c in citations]

    def _abstain(self, query: str, passages: list[Passage], reason: str | None = None
                 ) -> Draft:
        citations = self._closest(query, passages)
        lines = [reason or msg.NOT_IN_DOCUMENTS] + self._closest_lines(citations)
        return Draft("\n".join(lines), citations, abstained=True)

    def _check(self, statement: str, docs: Sequence[str] | None, style: Style,
               started: float) -> Answer:
        t = time.perf_counter()
        passages = self.index.retrieve(statement, docs=docs)
        exact = [Passage(c, 1.0)
                 for c in self.index.containing(strip_attribution(statement), docs)]
        held = {p.chunk.id for p in exact}
        passages = exact + [p for p in passages if p.chunk.id not in held]
        timings = {"retrieve": _ms(t)}
        t = time.perf_counter()
        kind, match, diffs = verdict(statement, passages, self.index.idf)
        citation = None
        lines = [msg.CHECK_VERDICT[kind]]
        citations = []
        if match is not None and kind != "not_found":
            citation = make_citation(1, match.passage, match.text,
                                     self.index.doc_meta(match.passage.chunk.doc))
            citations.append(citation)
            where = " — ".join(x for x in (citation.title, citation.section,
                                           f"p. {citation.page}" if citation.page else None) if x)
            lines += ["", msg.CHECK_SOURCE, f"> {indented(quoted(citation.quote), '> ')} [1]",
                      f"({where})"]
            if diffs:
                lines += ["", msg.CHECK_DIFF_HEADING]
                lines += [f"- “{a}” → “{b}”" for a, b in diffs]
        else:
            citations = self._closest(statement, passages)
            lines += self._closest_lines(citations)
        timings["answer"] = _ms(t)
        timings["total"] = _ms(started)
        check = CheckResult(kind, statement, citation, diffs,
                            round(match.coverage, 3) if match else 0.0)
        return Answer("\n".join(lines), citations, passages, False, timings, statement, style,
                      check=check)

    def _trace(self, question: str, answer: Answer) -> None:
        if not self.settings.ui.trace:
            return
        record = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S"),
            "question": question if self.settings.ui.store_questions else None,
            "query": answer.query if self.settings.ui.store_questions else None,
            "abstained": answer.abstained,
            "evidence": answer.evidence,
            "hits": [{"id": p.chunk.id, "doc": p.chunk.doc, "score": round(p.score, 5),
                      "ranks": p.ranks} for p in answer.passages[:10]],
            "citations": [c.to_record() for c in answer.citations],
            "timings_ms": {k: round(v, 2) for k, v in answer.timings.items()},
        }
        try:
            path = self.settings.trace_path
            path.parent.mkdir(parents=True, exist_ok=True)
            with self._trace_lock, path.open("a", encoding="utf-8") as fh:
                fh.write(json.dumps(record, ensure_ascii=False) + "\n")
        except OSError:
            log.warning("trace not written path=%s", self.settings.trace_path)


_ENGLISH = {"the", "is", "are", "what", "which", "who", "how", "does", "do", "can", "should",
            "my", "to", "of", "and", "in", "for", "with", "school", "child", "when", "why"}
_DUTCH = {"de", "het", "een", "en", "van", "is", "wat", "hoe", "mijn", "kan", "mag", "moet",
          "wie", "welke", "waarom", "wanneer", "op", "voor", "met", "school", "dat", "er"}


def _repeats(draft: Draft, before: str) -> bool:
    """A follow-up's answer that quotes nothing the answer before it did not quote already
    ("en voor hoe lang?" when the answer before already quoted the period)."""
    said = words_key(before)
    return bool(said and draft.citations and not draft.abstained
                and all(words_key(c.quote) in said for c in draft.citations))


def looks_english(text: str) -> bool:
    """A question written in English (the documents and answers are Dutch)."""
    words = re.findall(r"[a-z']+", text.lower())
    en = sum(w in _ENGLISH for w in words)
    nl = sum(w in _DUTCH for w in words)
    return len(words) >= 3 and en >= 2 and en > 1.5 * nl


def _readable(sentence: str) -> bool:
    """A sentence worth showing as "closest": not a bare link or a lone heading."""
    words = [w for w in sentence.split() if "://" not in w and not w.startswith("www.")]
    return len(words) >= 6


def _ms(since: float) -> float:
    return (time.perf_counter() - since) * 1000.0


__all__ = ["Assistant", "NoIndexError"]
