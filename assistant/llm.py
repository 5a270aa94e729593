"""The optional LLM answerer: a Dutch prompt, then a strict check of what the model wrote.

``build_llm`` constructs a llama-index LLM (OpenAI-compatible server, Ollama or llama.cpp),
importing the backend lazily. ``LLMAnswerer`` asks it for an answer with [n] citations and keeps
only what the passages support:

* every [n] must name a passage that was given; invented markers are removed;
* a sentence without a valid [n] is dropped, except the abstention sentence;
* a sentence is *supported* by a cited passage when it has at least ``MIN_TERMS`` (2) content
  words, at least ``MIN_SUPPORT`` (60 %) of them (case/accent folded, Dutch-stemmed, stop words
  left out) occur in that passage (its text, title, section and page), every number in the
  sentence occurs there too, and the quoted sentence has a word of each ``QUALIFIERS`` group
  the sentence uses (negation, "alleen", "maximaal", ...); a near-verbatim sentence (rapidfuzz
  ``partial_ratio`` >= ``MIN_PARTIAL_RATIO`` on the folded text, numbers and qualifiers still
  required) also counts. Markers to passages that do not support the sentence are removed; a
  sentence left with none is dropped (not marked: users never see it). Lexical support cannot
  catch every change of meaning; it does catch invented facts, numbers, negations and
  restrictions;
* each kept marker becomes a ``Citation`` whose quote is the sentence of the cited chunk that
  best supports the answer sentence, so the quote is verbatim in the chunk; citations are
  renumbered 1..k in order of use.

With nothing left, or when the model call fails, the fallback answerer (extractive) answers.
"""

from __future__ import annotations

import functools
import itertools
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

from assistant.answering import Answerer, Draft
from assistant.citations import invalid_citations, make_citation
from assistant.config import LLMSettings
from assistant.prompts import ABSTAIN_TEXT, build_messages
from assistant.text import fold, fold_ws, split_sentences
from assistant.types import Citation, Passage, Style

log = logging.getLogger(__name__)

MIN_SUPPORT = 0.6  # share of a sentence's content words that must occur in its cited passage
MIN_PARTIAL_RATIO = 90.0  # or: the sentence stands (almost) verbatim in the passage
MIN_TERMS = 2  # fewer content words ("Ja [1].", "HACKED [2].") make no checkable claim
LLAMACPP_CONTEXT = 8192  # tokens; six passages + rules + answer fit comfortably


class LLMConfigError(RuntimeError):
    """The LLM answerer is configured but cannot be built; the message says what to do."""


# --- construction ------------------------------------------------------------------------------


def build_llm(settings: LLMSettings, *, max_retries: int = 1) -> Any:
    """The llama-index LLM for ``settings.kind`` ("openai", "ollama", "llamacpp")."""
    builders = {"openai": _openai_like, "ollama": _ollama, "llamacpp": _llama_cpp}
    if settings.kind not in builders:
        raise LLMConfigError(
            f"llm.kind={settings.kind!r} has no LLM; set INCLUSIEF_LLM__KIND to "
            "openai, ollama or llamacpp")
    return builders[settings.kind](settings, max_retries)


def _require(value: str, env: str, example: str) -> str:
    if not value.strip():
        raise LLMConfigError(f"the LLM answerer needs {env} (for example {example})")
    return value.strip()


def _openai_like(settings: LLMSettings, max_retries: int) -> Any:
    url = _require(settings.url, "INCLUSIEF_LLM__URL", "http://127.0.0.1:8080/v1")
    model = _require(settings.model, "INCLUSIEF_LLM__MODEL", "the server's model name")
    try:
        from llama_index.llms.openai_like import OpenAILike
    except ImportError as e:
        raise LLMConfigError("llm.kind=openai needs llama-index-llms-openai-like: "
                             "pip install -e .") from e
    return OpenAILike(api_base=url, model=model, api_key=settings.api_key.get_secret_value(),
                      is_chat_model=True, timeout=settings.timeout_s,
                      temperature=settings.temperature, max_tokens=settings.max_tokens,
                      max_retries=max_retries)


def _ollama(settings: LLMSettings, max_retries: int) -> Any:
    model = _require(settings.model, "INCLUSIEF_LLM__MODEL", "qwen2.5:3b")
    try:
        from llama_index.llms.ollama import Ollama
    except ImportError as e:
        raise LLMConfigError("llm.kind=ollama needs the ollama extra: "
                             "pip install -e '.[ollama]'") from e
    kwargs: dict[str, Any] = {}
    if settings.url.strip():
        kwargs["base_url"] = settings.url.strip()
    return Ollama(model=model, request_timeout=settings.timeout_s,
                  temperature=settings.temperature,
                  additional_kwargs={"num_predict": settings.max_tokens}, **kwargs)


def _llama_cpp(settings: LLMSettings, max_retries: int) -> Any:
    path = _require(settings.model, "INCLUSIEF_LLM__MODEL", "/models/qwen2.5-3b-instruct.gguf")
    if not Path(path).is_file():
        raise LLMConfigError(f"llm.kind=llamacpp: no GGUF file at {path}; "
                             "set INCLUSIEF_LLM__MODEL to a local .gguf path")
    try:
        from llama_index.llms.llama_cpp import LlamaCPP
    except ImportError as e:
        raise LLMConfigError("llm.kind=llamacpp needs the llamacpp extra: "
                             "pip install -e '.[llamacpp]'") from e
    return LlamaCPP(model_path=path, temperature=settings.temperature,
                    max_new_tokens=settings.max_tokens, context_window=LLAMACPP_CONTEXT,
                    verbose=False)


# --- support: does a passage back an answer sentence? ------------------------------------------

_STOPWORDS = """
aan al alle alleen als altijd ander andere anders ben bij bijvoorbeeld binnen daar daarom dan dat
de deze die dit doen door dus een eens en er ermee haar had heb hebben heeft hem het hier hij hoe
hun iemand iets ik in is ja je kan kon kunnen maar me meer men met mij mijn moet moeten na naar
niet niets nog nu of om omdat ons onze ook op over te tegen toch tot u uit uw van veel voor waar
wanneer wat we wel werd wie wij wil worden wordt zal ze zelf zich zij zijn zo zoals zonder zou
volgens staat staan bron bronnen document documenten sectie pagina blz
"""
STOPWORDS = frozenset(_STOPWORDS.split())
# Words that turn a claim around: a sentence using one must find one of the same group in the
# passage ("alleen voor het vo", "maximaal een jaar" are not supported by a passage without them).
QUALIFIERS = (
    frozenset({"niet", "geen", "nooit", "niemand", "niets"}),
    frozenset({"alleen", "uitsluitend", "enkel"}),
    frozenset({"maximaal", "hoogstens", "ten hoogste", "maximum", "max"}),
    frozenset({"minimaal", "minstens", "ten minste", "tenminste", "minimum"}),
    frozenset({"altijd", "verplicht", "verplichte"}),
)
_WORD = re.compile(r"[^\W_]+")
_NUMBER = re.compile(r"\d+")


@functools.lru_cache(maxsize=1)
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("dutch")


def content_terms(text: str) -> set[str]:
    """Folded, stemmed content words of ``text`` (numbers included as they are)."""
    words = [w for w in _WORD.findall(fold(text))
             if w.isdigit() or (len(w) >= 3 and w not in STOPWORDS)]
    return set(_stemmer().stemWords(words))


def numbers(text: str) -> set[str]:
    return {n.lstrip("0") or "0" for n in _NUMBER.findall(text)}


def qualifiers_missing(sentence: str, evidence: str) -> bool:
    """True when ``sentence`` uses a qualifier group (negation, "alleen", ...) not in ``evidence``.
    """
    said, there = _qualifier_words(sentence), _qualifier_words(evidence)
    return any(said & group and not there & group for group in QUALIFIERS)


def _qualifier_words(text: str) -> set[str]:
    words = _WORD.findall(fold(text))
    pairs = {f"{a} {b}" for a, b in itertools.pairwise(words)}
    return set(words) | pairs


def _haystack(passage: Passage) -> str:
    c = passage.chunk
    return " ".join(str(x) for x in (c.text, c.title, c.section, c.page_label, c.page) if x)


def support(sentence: str, passage: Passage) -> tuple[float, str]:
    """How well ``passage`` backs ``sentence`` (0..1; >= MIN_SUPPORT counts) and the quote.

    The quote is the chunk sentence that best supports ``sentence``; qualifiers (negation,
    "alleen", ...) must stand in that quote, numbers anywhere in the passage.
    """
    terms = content_terms(sentence)
    quote = best_quote(sentence, passage)
    if len(terms) < MIN_TERMS:
        return 0.0, quote
    c = passage.chunk
    hay = _haystack(passage)
    if not numbers(sentence) <= numbers(hay):
        return 0.0, quote
    if qualifiers_missing(sentence, " ".join(x for x in (quote, c.title, c.section) if x)):
        return 0.0, quote
    coverage = len(terms & content_terms(hay)) / len(terms)
    near_verbatim = fuzz.partial_ratio(fold_ws(fold(sentence)), fold_ws(fold(hay)))
    if coverage < MIN_SUPPORT and len(sentence) >= 20 and near_verbatim >= MIN_PARTIAL_RATIO:
        return 1.0, quote
    return coverage, quote


def best_quote(sentence: str, passage: Passage) -> str:
    """The sentence of the passage's chunk that best supports ``sentence`` (verbatim in it)."""
    candidates = split_sentences(passage.chunk.text) or [passage.chunk.text.strip()]
    terms = content_terms(sentence)
    folded = fold(sentence)

    def score(candidate: str) -> tuple[int, float]:
        return len(terms & content_terms(candidate)), fuzz.token_set_ratio(folded, fold(candidate))

    return max(candidates, key=score)


# --- reading the model's reply -----------------------------------------------------------------

_THINK = re.compile(r"<think>.*?</think>", re.DOTALL | re.IGNORECASE)
_GROUP = re.compile(r"\[\s*(?:bron\s*)?(\d+(?:\s*[,;]\s*(?:bron\s*)?\d+)*)\s*\]", re.IGNORECASE)
_MARKER = re.compile(r"\[(\d+)\]")
_TRAILING = re.compile(r"([.!?…])((?:\s*\[\d+\])+)")
_END_PUNCT = re.compile(r"\s*([.!?…]+)$")


def normalize_reply(reply: str) -> str:
    """Plain markers ("[bron 1, 2]" -> "[1][2]"), placed before the sentence's end mark."""
    text = _THINK.sub("", reply).replace("**", "")
    text = _GROUP.sub(lambda m: "".join(f"[{n}]" for n in re.findall(r"\d+", m.group(1))), text)
    return _TRAILING.sub(lambda m: f"{m.group(2)}{m.group(1)}", text)


def is_abstention(sentence: str) -> bool:
    return fold(ABSTAIN_TEXT.rstrip(".")) in fold(fold_ws(sentence))


@dataclass
class _Kept:
    body: str  # the sentence without markers, end punctuation separate
    end: str
    cites: list[tuple[int, str]]  # (passage index, quote)


def _check_sentence(sentence: str, passages: Sequence[Passage]) -> tuple[_Kept | None, int]:
    """The sentence with only its supported citations (None: drop it), and #invented markers."""
    given = [int(n) for n in _MARKER.findall(sentence)]
    body = fold_ws(_MARKER.sub(" ", sentence))
    body = re.sub(r"\s+([,;:.!?…])", r"\1", body)
    m = _END_PUNCT.search(body)
    end = m.group(1) if m else "."
    body = body[: m.start()] if m else body
    valid = list(dict.fromkeys(n for n in given if 1 <= n <= len(passages)))
    invented = sum(1 for n in given if not 1 <= n <= len(passages))
    cites = []
    for n in valid:
        score, quote = support(body, passages[n - 1])
        if score >= MIN_SUPPORT:
            cites.append((n - 1, quote))
    if not cites:
        log.debug("llm_sentence_dropped markers=%s sentence=%r", given, body[:120])
        return None, invented
    return _Kept(body, end, cites), invented


def check_reply(reply: str, passages: Sequence[Passage],
                doc_meta: Callable[[str], dict] | None = None) -> tuple[Draft | None, dict]:
    """The supported part of ``reply`` as a Draft (None: nothing usable) and counts for the log.
    ``doc_meta``: a document's manifest entry (publisher, date) for the citations' reference."""
    kept: list[_Kept] = []
    stats = {"sentences": 0, "dropped": 0, "invented": 0, "abstain": False}
    keep_abstain = False
    for sentence in split_sentences(normalize_reply(reply)):
        stats["sentences"] += 1
        if is_abstention(sentence):
            stats["abstain"] = keep_abstain = True
            continue
        result, invented = _check_sentence(sentence, passages)
        stats["invented"] += invented
        if result is None:
            stats["dropped"] += 1
        else:
            kept.append(result)
    if not kept:
        return (Draft(ABSTAIN_TEXT, [], abstained=True) if keep_abstain else None), stats
    draft = _render(kept, passages, doc_meta or (lambda doc: {}))
    if keep_abstain:
        draft.text += " " + ABSTAIN_TEXT
    return draft, stats


def _render(kept: list[_Kept], passages: Sequence[Passage],
            doc_meta: Callable[[str], dict]) -> Draft:
    numbering: dict[tuple[int, str], int] = {}
    citations: list[Citation] = []
    parts = []
    for k in kept:
        ns = []
        for idx, quote in k.cites:
            key = (idx, quote)
            if key not in numbering:
                numbering[key] = len(numbering) + 1
                p = passages[idx]
                citations.append(make_citation(numbering[key], p, quote, doc_meta(p.chunk.doc)))
            ns.append(numbering[key])
        parts.append(f"{k.body} {''.join(f'[{n}]' for n in ns)}{k.end}")
    return Draft(" ".join(parts), citations, abstained=False)


# --- the answerer ------------------------------------------------------------------------------


class LLMAnswerer:
    """Answers with an LLM, keeps only cited and supported sentences, else uses ``fallback``."""

    name = "llm"

    def __init__(self, llm: Any, fallback: Answerer, max_passages: int = 6,
                 doc_meta: Callable[[str], dict] | None = None) -> None:
        self.llm = llm
        self.fallback = fallback
        self.max_passages = max_passages
        self.doc_meta = doc_meta  # the index's, so a reference names publisher and year

    def answer(self, question: str, passages: Sequence[Passage], style: Style) -> Draft:
        given = list(passages[: self.max_passages])
        if not given:
            return self._fallback(question, passages, style, "no_passages")
        try:
            reply = self._chat(build_messages(question, given, style))
        except Exception as e:  # noqa: BLE001 - any backend failure: answer extractively
            return self._fallback(question, passages, style, "llm_error",
                                  error=f"{type(e).__name__}: {e}")
        draft, stats = check_reply(reply, given, self.doc_meta)
        if draft is None:
            return self._fallback(question, passages, style, "no_supported_sentence", **stats)
        problems = invalid_citations(draft.text, draft.citations, given)
        if problems:  # cannot happen by construction; never show an unverified citation
            return self._fallback(question, passages, style, "invalid_citations",
                                  problems=problems)
        log.info("llm_answer kept=%d dropped=%d invented=%d abstained=%s",
                 stats["sentences"] - stats["dropped"], stats["dropped"], stats["invented"],
                 draft.abstained)
        return draft

    def _chat(self, messages: list[tuple[str, str]]) -> str:
        from llama_index.core.llms import ChatMessage

        response = self.llm.chat([ChatMessage(role=role, content=text) for role, text in messages])
        return response.message.content or ""

    def _fallback(self, question: str, passages: Sequence[Passage], style: Style, reason: str,
                  **details: Any) -> Draft:
        extra = " ".join(f"{k}={v!r}" for k, v in details.items())
        level = logging.WARNING if reason == "llm_error" else logging.INFO
        log.log(level, "llm_fallback reason=%s %s", reason, extra)
        return self.fallback.answer(question, passages, style)
