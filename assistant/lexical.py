"""Lexical search: BM25 (bm25s) over folded, Dutch-stemmed tokens, with typo-tolerant terms."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from assistant.text import fold

# Letters and digits apart: a footnote marker sticks to its word in extracted text ("LEA13",
# "aan tafel11."), and "lea13" would match neither "LEA" nor "tafel".
_TOKEN = re.compile(r"[a-z]+(?:['’][a-z]+)?|[0-9]+")


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("dutch")


@lru_cache(maxsize=1)
def function_words() -> frozenset[str]:
    """Dutch function words (bm25s's list, folded): articles, pronouns, auxiliaries."""
    from bm25s.stopwords import STOPWORDS_DUTCH

    return frozenset(fold(w) for w in STOPWORDS_DUTCH)


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """Function words and the words every question has ("mijn dochter", "klopt", "gewone")."""
    extra = {"wel", "nog", "ook", "eigenlijk", "gewoon", "dan", "mijn", "ons", "onze", "jullie",
             "kan", "kunnen", "mag", "moet", "moeten", "wordt", "worden", "welke", "wat", "hoe",
             "waar", "wie", "waarom", "wanneer", "staat", "staan", "klopt", "er", "daar", "hier",
             "zit", "zitten", "gaat", "gaan", "volgens", "s", "t", "zoon", "zoontje", "dochter",
             "dochtertje", "kind", "ik", "wij", "we", "helemaal", "niks", "nou", "straks",
             "ooit", "gewone", "echt", "best", "soms", "allemaal", "iets", "graag", "noemt",
             "noemen", "precies", "daarvoor", "zo'n", "lukt", "zin", "vraag"}
    return function_words() | extra


# what a question says about the documents rather than about its subject: "Wat zegt de toolkit
# over …", "Wat schrijft het rapport …"
_FRAME = ("zegt zeggen schrijft schrijven vermeldt vermelden beschrijft beschrijven toolkit "
          "werkagenda handreiking rapport inspectierapport document documenten notitie "
          "publicatie factsheet brochure")


@lru_cache(maxsize=1)
def frame_stems() -> frozenset[str]:
    return frozenset(stems(content_words(_FRAME)))


_ADJECTIVE_ENDS = ("ig", "ijk", "baar", "isch", "end", "ief", "loos")


def names_a_thing(word: str) -> bool:
    """Whether a folded word can end a noun phrase: no function word, no adjective ending
    ("Wat is nodig?", "Wat is belangrijk?" ask for no subject and no definition)."""
    return word not in function_words() and not word.endswith(_ADJECTIVE_ENDS)


def words(text: str) -> list[str]:
    """Folded word tokens ("Geïntegreerde" -> "geintegreerde"), apostrophes kept inside."""
    return _TOKEN.findall(fold(text).replace("’", "'"))


def content_words(text: str) -> list[str]:
    sw = stopwords()
    return [w for w in words(text) if w not in sw and len(w) > 1]


def stems(tokens: Sequence[str]) -> list[str]:
    # Snowball leaves "klassen" as "klass", apart from "klas"; undoubling such stems was
    # measured and dropped (docs/experiments.md, ninth round)
    return _stemmer().stemWords(list(tokens))


def analyze(text: str) -> list[str]:
    """Index/query terms: folded content words, stemmed."""
    return stems(content_words(text))


@lru_cache(maxsize=65536)
def dutch_lemma(word: str) -> str | None:
    """The lemma of a folded Dutch word ("betaalt" -> "betalen", "hielden" -> "houden",
    "klassen" -> "klasse"), or None when simplemma's Dutch word list lacks it (a typo, a rare
    compound). simplemma carries its data in the wheel: no download."""
    import simplemma

    if not simplemma.is_known(word, lang="nl"):
        return None
    return fold(simplemma.lemmatize(word, lang="nl")).replace("_", "")  # "in_zetten"


class LexicalIndex:
    """BM25 over chunk texts; rebuilt at start-up (well under a second for this corpus)."""

    def __init__(self, ids: Sequence[str], texts: Sequence[str]):
        import logging

        import bm25s

        logging.getLogger("bm25s").setLevel(logging.WARNING)  # it logs every build at DEBUG

        self.ids = list(ids)
        tokenized = [content_words(t) for t in texts]
        self.vocab: set[str] = set().union(*tokenized) if tokenized else set()
        self._vocab_list = sorted(self.vocab)  # for typo repair, built once
        corpus = [stems(toks) or ["_"] for toks in tokenized]
        self._bm25 = bm25s.BM25()
        self._bm25.index(corpus, show_progress=False)
        self._known_stems = {t for doc in corpus for t in doc}
        dutch_lemma("school")  # load the word list now (0.4 s), not at the first question

    def correct(self, tokens: Sequence[str], min_len: int = 6) -> list[str]:
        """Replace words the corpus lacks: a Dutch word by its lemma when the corpus has that,
        a word no Dutch word list has (a typo) by a corpus word one edit away (two for long
        words)."""
        from rapidfuzz import process
        from rapidfuzz.distance import OSA  # a swap of two letters ("inpsectie") is one edit

        out = []
        for tok in tokens:
            if tok in self.vocab or not tok.isalpha():
                out.append(tok)
                continue
            # a real word: its lemma when the corpus has that ("betaalt" -> "betalen",
            # "weigert" -> "weigeren"), else as typed; never a corpus word one letter away
            # ("betaalt" is no typo of "bepaalt", "uitgeschreven" none of "ingeschreven")
            lemma = dutch_lemma(tok)
            if lemma is not None:
                # only a lemma that keeps the word's start: "raadt" -> "raden" would find the
                # corpus's councils ("PO & VO raden"), a homograph
                same = lemma in self.vocab and lemma[:4] == tok[:4]
                out.append(lemma if same else tok)
                continue
            # two corpus words: a compound the split finds ("ondersteuningsklas" is
            # "ondersteuning" + "klas", not a typo of "ondersteuningsplan")
            if len(tok) < min_len or self.compound_parts([tok]):
                out.append(tok)
                continue
            limit = 1 if len(tok) < 10 else 2
            hit = process.extractOne(tok, self._vocab_list, scorer=OSA.distance,
                                     score_cutoff=limit)
            out.append(hit[0] if hit else tok)
        return out

    def extends(self, prefix: str, most: int | None = None) -> bool:
        """Whether some corpus word starts with ``prefix`` (and has at most ``most`` letters
        more)."""
        import bisect

        i = bisect.bisect_left(self._vocab_list, prefix)
        while i < len(self._vocab_list) and self._vocab_list[i].startswith(prefix):
            if most is None or len(self._vocab_list[i]) - len(prefix) <= most:
                return True
            i += 1
        return False

    def knows(self, word: str) -> bool:
        """Whether the corpus has a folded word in some form: as written, by its stem, one typo
        away, with an ending the stemmer misses ("integratieklas": "integratieklassen"), or as
        a word that shares all but a verb's -t or -d ("beslist": "beslissingen", "besteedt":
        "besteden"). A compound is known only whole: "thuisonderwijs" is no "thuis" and
        "onderwijs"."""
        if word in self.vocab or stems([word])[0] in self._known_stems:
            return True
        if self.extends(word, 3):
            return True
        if word[-1:] in ("t", "d") and len(word) > 4 and self.extends(word[:-1]):
            return True
        return self.correct([word]) != [word]

    def compound_parts(self, tokens: Sequence[str], min_len: int = 8) -> list[str]:
        """Corpus words inside words the corpus does not have: "inspectienorm" -> "inspectie",
        "norm"; "zorgleerling" -> "zorg", "leerling". A linking "s", "e" or "en" is dropped
        ("toelaatbaarheidsverklaring"). The split with the longest shorter part wins."""
        out: list[str] = []
        for tok in tokens:
            if tok in self.vocab or len(tok) < min_len or not tok.isalpha():
                continue
            best: tuple[int, list[str]] | None = None
            for i in range(3, len(tok) - 2):
                head, tail = tok[:i], tok[i:]
                if tail not in self.vocab:
                    continue
                for link in ("", "s", "e", "en"):
                    stem = head[: len(head) - len(link)] if head.endswith(link) else None
                    if stem and len(stem) >= 3 and stem in self.vocab:
                        score = min(len(stem), len(tail))
                        if best is None or score > best[0]:
                            best = (score, [stem, tail])
            if best:
                out += best[1]
        return out

    def search(self, tokens: Sequence[str], k: int,
               allowed: Sequence[int] | None = None) -> list[tuple[str, float]]:
        """(chunk id, BM25 score) best first for already-analyzed query ``tokens``."""
        terms = [t for t in stems(tokens) if t in self._known_stems]
        if not terms or not self.ids:
            return []
        import numpy as np

        mask = None
        if allowed is not None:
            mask = np.zeros(len(self.ids), dtype=float)
            mask[list(allowed)] = 1.0
        n = min(k, len(self.ids))
        docs, scores = self._bm25.retrieve([terms], k=n, show_progress=False, weight_mask=mask,
                                           n_threads=1)
        return [(self.ids[int(d)], float(s)) for d, s in zip(docs[0], scores[0]) if s > 0]
