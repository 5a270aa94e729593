"""Abbreviations and jargon -> their full form, derived from the corpus plus a curated list.

The corpus defines many terms the usual way: "taalontwikkelingsstoornis (TOS)" or
"TOS (taalontwikkelingsstoornis)". Those definitions win; the curated list fills the gaps for
what people type ("swv", "IB'er").
"""

from __future__ import annotations

import re

from assistant.glossary import CURATED

_ABBR = r"[A-Z][A-Za-z/&'’\-]{1,9}"
_LONG_THEN_ABBR = re.compile(rf"((?:[\w\-’']+\s){{0,5}}[\w\-’']+)\s\(({_ABBR})\)")
_ABBR_THEN_LONG = re.compile(rf"\b({_ABBR})\s\(([a-zà-ÿ][\w\s\-’']{{5,80}})\)")


def _initials_match(abbr: str, words: list[str]) -> list[str] | None:
    """The shortest tail of ``words`` whose initials (or first word's letters) spell ``abbr``."""
    letters = [c for c in abbr.lower() if c.isalpha()]
    for n in range(1, min(len(words), 6) + 1):
        tail = words[-n:]
        initials = "".join(w[0].lower() for w in tail if w)
        if initials == "".join(letters):
            return tail
        joined = "".join(tail).lower()
        if n <= 2 and joined.startswith(letters[0]) and all(c in joined for c in letters):
            pos = 0
            ok = True
            for c in letters:
                pos = joined.find(c, pos)
                if pos < 0:
                    ok = False
                    break
                pos += 1
            if ok and len(tail[-1]) > 6:
                return tail
    return None


def derive(texts: list[str]) -> dict[str, str]:
    """Definitions found in the documents: abbreviation (folded) -> long form."""
    found: dict[str, str] = {}
    for text in texts:
        for m in _LONG_THEN_ABBR.finditer(text):
            abbr, words = m.group(2), m.group(1).split()
            tail = _initials_match(abbr, words)
            if tail and abbr.lower() not in (w.lower() for w in tail):
                found.setdefault(abbr.lower(), " ".join(tail).lower())
        for m in _ABBR_THEN_LONG.finditer(text):
            abbr, long = m.group(1), m.group(2).strip()
            if _initials_match(abbr, long.split()):
                found.setdefault(abbr.lower(), long.lower())
    return found


def build_glossary(texts: list[str]) -> dict[str, str]:
    """Corpus definitions, with the curated entries (which add the words people type) on top."""
    return {**derive(texts), **CURATED}
