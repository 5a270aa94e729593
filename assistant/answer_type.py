"""Expected answer type: a question that asks "hoeveel" wants a number.

Classic question answering checks that the answer has the type the question asks for (a
number, an amount of money, a date). Here that check is a guard on the extractive answer: when
a question asks how many or how much and no sentence of the best passages states such a
quantity, the documents cover the topic but not the asked-for fact ("Hoeveel subsidie per
leerling krijgt een school?" finds the beleidsregel, which names no amount). Quoting the
nearest sentences would then look like an answer and is not one.

Only "hoeveel" and money questions are typed. "Wanneer" is just as often "under which
conditions" as "at what time", and "hoe lang" is answered in words as often as in numbers
("tijdelijk of langer", "geen eisen aan de periode").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from assistant.lexical import names_a_thing, stopwords
from assistant.text import asking_sentences, fold, heading_key, split_sentences

Kind = Literal["money", "unit", "share", "count"]


@dataclass(frozen=True)
class Asked:
    kind: Kind
    focus: str | None  # the counted noun ("leerlingen", "uur"); None: any number
    alone: bool  # the question asks nothing else: a missing quantity means no answer


_MONEY_WORDS = {"geld", "euro", "subsidie", "bekostiging", "budget", "middelen", "vergoeding",
                "bedrag", "kosten", "financiering"}
_MONEY_VERBS = {"kost", "kosten", "kostte", "bedraagt", "bedragen", "verdient", "verdienen"}
_UNITS = {"uur", "uren", "lesuur", "lesuren", "minuten", "dag", "dagen", "dagdelen", "week",
          "weken", "maand", "maanden", "jaar", "jaren", "schooljaren", "keer"}
_SKIP = {"extra", "meer", "minder", "andere", "verschillende", "nieuwe"}
_MONEY_ASKED = re.compile(r"\b(wat kost(en|te)?|welk bedrag|hoe duur|hoe hoog is (het|de) "
                          r"(bedrag|subsidie|vergoeding|budget))\b")
_HOEVEEL = re.compile(r"\bhoe ?veel\b(?P<rest>[^?.!;]*)")
_OTHER_QUESTION = re.compile(r"\b(wie|wat|welke?|waar|waarom|wanneer|hoe|mag|moet|kan|kunnen|"
                             r"mogen|moeten|is|zijn|heeft|hebben|geldt|gelden)\b")

# ", en …", " of voor …" before a question word: a second question follows
_SECOND_QUESTION = re.compile(r"(,\s*|\s)(en|of)\s+((voor|in|op|bij|met|van|tot)\s+)?"
                              r"(?=(wie|wat|welke?|waar|waarom|wanneer|hoe|mag|moet|kan|is|zijn"
                              r"|geldt)\b)")

_NUMBER_WORDS = {"twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen", "tien", "elf",
                 "twaalf", "dertien", "veertien", "vijftien", "zestien", "twintig", "dertig",
                 "veertig", "vijftig", "honderd", "honderden", "duizend", "duizenden",
                 "miljoen", "miljard", "helft", "kwart", "driekwart", "tweederde", "eenderde"}
_TOKEN = re.compile(r"€|%|\d+(?:[.,]\d+)*|\w+")
_YEAR = re.compile(r"(19|20)\d\d")
# "hoeveel scholen": a number this many words before "scholen" counts them
_COUNTED_WITHIN = 5
# a number after these names a thing ("artikel 24", "pagina 11", "fase 2"), it counts nothing
REFERENCE_WORDS = {"artikel", "art", "lid", "paragraaf", "hoofdstuk", "pagina", "p", "blz",
                   "cluster", "bijlage", "stap", "fase", "niveau", "groep", "klas", "figuur",
                   "tabel", "noot"}


def asked(question: str) -> Asked | None:
    """The quantity the question's asking sentences ask for, if any."""
    asking = asking_sentences(question)
    text = fold(" ".join(asking))
    money = _MONEY_ASKED.search(text)
    m = _HOEVEEL.search(text)
    if not money and not m:
        return None
    kind: Kind = "money" if money else "count"
    focus = None
    start, end = (money.start(), money.end()) if money else (m.start(), m.start("rest"))
    if m and not money:
        for word in re.findall(r"\w+", m.group("rest")):
            if word in _SKIP:
                continue
            if word in _MONEY_VERBS:  # "Hoeveel kost …", "Hoeveel bedraagt …"
                kind = "money"
            elif word == "procent":
                kind = "share"
            elif word in _MONEY_WORDS:
                kind = "money"
            elif word in _UNITS or any(word.endswith(u) for u in ("uur", "uren")):
                kind, focus = "unit", word
            elif word not in stopwords() and word.isalpha() and len(word) > 2:
                focus = word
            break
    before, after = text[:start], text[end:]
    alone = len(asking) == 1 and not _OTHER_QUESTION.search(_clauses_after(after)) \
        and not re.search(r"\S.*(,\s*|\s)(en|of)\s*$", before)  # "Wat is X, en hoeveel …"
    return Asked(kind, focus, alone)


def _clauses_after(after: str) -> str:
    """The text of clauses that follow ", en …" or "en …?" (a second question), else ""."""
    m = _SECOND_QUESTION.search(after)
    return after[m.end():] if m else ""


def _numbers(tokens: list[str], raw: list[str]) -> list[int]:
    """Positions of the quantities: no years, no "artikel 24", no list or footnote number
    in front of a sentence ("1. INTRODUCTIE", "12 Dan gaat het …")."""
    out = []
    for i, tok in enumerate(tokens):
        if tok[0].isdigit():
            if _YEAR.fullmatch(tok):
                continue
            if i and tokens[i - 1] in REFERENCE_WORDS:
                continue
            if i == 0 and (len(raw) == 1 or raw[1][:1].isupper()):
                continue
            out.append(i)
        elif tok in _NUMBER_WORDS:
            out.append(i)
    return out


def _none_of(tokens: list[str], words: set[str]) -> bool:
    """ "geen (aanvullende) middelen": zero is an amount too; in a sentence, not in a heading
    such as "Geen vergoeding leerlingvervoer"."""
    if len(tokens) < 5:
        return False
    return any(t == "geen" and any(w in words for w in tokens[i + 1:i + 3])
               for i, t in enumerate(tokens))


def states(sentence: str, want: Asked) -> bool:
    """Whether the sentence states a quantity of the asked kind."""
    raw = _TOKEN.findall(sentence)
    tokens = [fold(t) for t in raw]
    if want.kind == "money":
        return "€" in tokens or any(t in ("euro", "miljoen", "miljard", "gratis", "kosteloos")
                                    for t in tokens) or _none_of(tokens, _MONEY_WORDS)
    if want.kind == "share":
        return "%" in tokens or any(t in ("procent", "helft", "kwart", "driekwart")
                                    for t in tokens)
    focus = want.focus
    stem = focus[:-2] if focus and focus.endswith("en") and len(focus) > 5 else focus
    if focus and _none_of(tokens, {focus, stem}):
        return True
    nums = _numbers(tokens, raw)
    if not nums:
        return False
    if focus is None:
        return True
    if want.kind == "unit":
        return any(tokens[j].startswith(stem) or tokens[j].endswith(focus)
                   for i in nums for j in range(i + 1, min(i + 3, len(tokens))))
    # the number counts what was asked: it stands before it ("58 reguliere scholen", "bij 25
    # van de samenwerkingen", "ruim twee derde van de schoolleiders"), not anywhere in a sentence
    # that names it ("Scholen die deelnemen … kunnen als 1 school functioneren")
    return any(tokens[j].endswith((focus, stem))
               for i in nums for j in range(i + 1, min(i + _COUNTED_WITHIN + 1, len(tokens))))


def missing(question: str, texts: Iterable[str]) -> Asked | None:
    """The asked quantity when none of ``texts`` (the passages an answer may quote from)
    states it, else None."""
    want = asked(question)
    if want is None:
        return None
    for text in texts:
        if any(states(s, want) for s in split_sentences(text)):
            return None
    return want


# --- definitions ---------------------------------------------------------------------------
# "Wat is symbiose?", "Wat is een OPP?", "Wat betekent TOS?", "Wat houdt de beleidsregel
# Inclusieve Leeromgeving in?", "Wat wordt bedoeld met een tussenvoorziening?". Not "Wat is het
# tijdpad …?", "Wat is de rol van …?" (a specific fact, not what a word means) nor "Wat betekent
# dat voor …?" (a follow-up).
_ASKS_DEFINITION = re.compile(
    r"^\W*(?:en |maar )?wat (?:"
    r"(?:is|zijn) (?:eigenlijk |nou |precies )*(?:een )?(?!(?:de|het|die|dat|dit|deze|er|dan|daar|"
    r"hier|je|u|jullie|mijn|ons|onze|zijn|haar|hun|het verschil)\b)"
    r"|(?:betekent|betekenen|houdt|houden) (?:eigenlijk |nou |precies )*(?:een |de |het )?"
    r"|(?:wordt|worden) (?:er )?(?:in (?:de |het )?\w+ )?(?:precies )?(?:bedoeld|verstaan) "
    r"(?:met|onder) (?:een |de |het )?"
    r"|(?:verstaat|verstaan|bedoel|bedoelt|bedoelen) (?:men|je|jullie|u|ze|we|(?:de |het )?\w+) "
    r"(?:precies |eigenlijk )?(?:onder|met) (?:een |de |het )?)"
    r"(?P<term>[^?.!,;:]+?)(?:\s+(?:in|precies|eigenlijk|nou|dan|nu|eigenlijk precies))*"
    r"\s*[?.!]*\s*$", re.IGNORECASE)
_NOT_A_TERM = {"van", "voor", "bij", "tussen", "om", "op", "met", "over", "naar", "in", "aan",
               "als", "tot", "dat", "die", "dit", "deze", "mijn", "onze", "ons", "jullie", "er",
               "we", "wij", "ik", "je", "u", "ze", "zij", "hij", "wat", "wie", "hoe", "welke"}
_TERM_WORDS = 4
# after the term: what it is ("Inclusief onderwijs is onderwijs waarbij …", "… betekent dat",
# "Symbiose (…) houdt in"); or the sentence opens with it ("Bij symbiose volgen leerlingen …")
_DEFINES_AFTER = re.compile(
    r"^\s*(?:\([^)]{0,80}\)\s*)?(?:,\s*)?(?::|(?:is|zijn|betekent|betekenen|houdt in|houden "
    r"in|wil zeggen|willen zeggen|staat voor|staan voor|heet|heten|verwijst naar|gaat uit van|"
    r"richt zich op|omvat|(?:oftewel|ofwel|dat wil zeggen))\b)")
_DEFINES_BEFORE = re.compile(r"^\W*(?:bij|onder|met) (?:een |de |het )?$")
# the term is what the sentence is about: it opens the sentence, after at most three words
# ("Het doel van passend onderwijs is …"), and is not one of two ("Passend onderwijs en
# inclusief onderwijs zijn nauw verbonden")
_SUBJECT = re.compile(r"^\W*(?:(?!en\b|of\b)\w+\W+){0,3}$")


# the source a question names for the meaning ("Wat is symbiose volgens de inspectie?", "Wat is
# volgens de werkagenda inclusief onderwijs?"): not part of the term
_SOURCE_AT_END = re.compile(r"\s*,?\s+volgens\b[^?.!]*(?=[?.!]*\s*$)", re.IGNORECASE)
_SOURCE_INSIDE = re.compile(r"\b((?:is|zijn|betekent|betekenen|houdt|houden) )volgens "
                            r"(?:de |het )?\S+ ", re.IGNORECASE)


# a second question joined to the first: "Wat is een TLV en wie vraagt die aan?"
_AND_ASKS = re.compile(r",?\s+(?:en|maar)\s+(?=(?:wie|wat|hoe|wanneer|waar|waarom|welke|hoeveel|"
                       r"mag|mogen|moet|moeten|kan|kunnen|geldt|gelden)\b)", re.IGNORECASE)


def defined_term(question: str) -> str | None:
    """The word or phrase a question asks the meaning of ("symbiose", "OPP"), as typed; also
    when a second question follows ("Wat is een TLV en wie vraagt die aan?")."""
    for sentence in asking_sentences(question):
        sentence = _AND_ASKS.split(sentence.strip(), maxsplit=1)[0]
        sentence = _SOURCE_AT_END.sub("", _SOURCE_INSIDE.sub(r"\1", sentence.strip()))
        m = _ASKS_DEFINITION.match(sentence)
        if not m:
            continue
        words = fold(m.group("term")).split()
        if 1 <= len(words) <= _TERM_WORDS and not _NOT_A_TERM.intersection(words) \
                and names_a_thing(words[-1]) and any(ch.isalpha() for ch in words[-1]):
            return m.group("term").strip()
    return None


def defines(sentence: str, names: Iterable[str], section: str | None = None) -> bool:
    """Whether ``sentence`` says what one of ``names`` (the term and what it stands for) is: it
    is what the sentence is about ("Inclusief onderwijs is onderwijs waarbij …", "Bij symbiose
    volgen leerlingen …"), the sentence writes out the abbreviation ("… taalontwikkelings-
    stoornis (TOS)"), or it stands in a section headed by the term ("Nevenvestiging" > "Een
    school voor speciaal onderwijs kan … een nevenvestiging starten"; not "Van passend naar
    inclusief onderwijs")."""
    text = fold(sentence)
    heading = heading_key((section or "").rsplit(" > ", 1)[-1])
    for name in names:
        key = fold(name)
        pattern = r"(?<!\w)" + r"\s+".join(map(re.escape, key.split())) + r"\w*"
        if f"({key})" in text or re.match(pattern, heading):
            return True
        for m in re.finditer(pattern, text):
            before, after = text[:m.start()], text[m.end():]
            if (_SUBJECT.match(before) and _DEFINES_AFTER.match(after)
                    and not after.lstrip().startswith(("en ", "of "))) \
                    or _DEFINES_BEFORE.match(before):
                return True
    return False


# --- sections about the document itself ------------------------------------------------------

# A section about the document, not its subject: how the research was done, who made the
# publication ("Werkwijze": "We vroegen (v)so-besturen …", "Colofon": "Het technisch rapport is
# te vinden op …"). Its sentences name the population and the publisher, so they hold any
# question's common words; they answer only a question about the research or the publication.
# Some headings say so alone; "Werkwijze", "Methode", "Aanpak" also head how a
# samenwerkingsverband or a school works, so those count only over a text about research.
_ABOUT_DOCUMENT = re.compile(r"\b(?:colofon|colophon|onderzoeksopzet|onderzoeksmethode\w*|"
                             r"methodologie|onderzoeksverantwoording|leeswijzer|"
                             r"over dit (?:rapport|onderzoek|document))\b")
_MAYBE_ABOUT_DOCUMENT = re.compile(r"^\W*(?:\d+(?:\.\d+)*\.?\s+)?(?:werkwijze|methode|"
                                   r"aanpak|opzet|verantwoording)\b")
_RESEARCH = re.compile(r"\b(?:onderzoeksvraag\w*|vragenlijst\w*|interview\w*|enquete\w*|"
                       r"respondent\w*|steekproef\w*|focusgroep\w*)\b")
# ("methode" alone is how a school teaches: "Welke methode voor rekenen …?")
_ASKS_ABOUT_DOCUMENT = re.compile(r"\b(?:\w*onderzo\w*|vragenlijst\w*|interview\w*|enquete\w*|"
                                  r"respondent\w*|deelnemer\w*|steekproef|"
                                  r"werkwijze|website|download\w*|publicatie|uitgave|"
                                  r"uitgegeven|gemaakt|geschreven|auteur\w*|colofon)\b")
# where a question names its source it asks what the source says, not how it was made ("Hoe
# vinden de leerlingen het, volgens het inspectieonderzoek?", "Uit het onderzoek blijkt dat …",
# "Wat zegt het onderzoek over …?")
_SOURCE_FRAME = re.compile(r"\b(?:volgens|uit|zegt|zeggen|schrijft|schrijven|noemt|noemen|"
                           r"beschrijft|beschrijven)\s+(?:het|de|dit|dat|deze|die)\s+[\w-]+")
# a name is no topic: "de Commissie van Onderzoek" decides on arrangements
_NAMED = re.compile(r"(?<=\w )Onderzoek\b")


def about_the_document(section: str | None, text: str = "") -> bool:
    """Whether ``section`` (a section path; ``text``: the section's text) is about the document
    itself: its last heading says so ("Colofon"), or it heads a method ("Werkwijze") and the
    text speaks of research in two words or more (vragenlijst, interviews, onderzoeksvraag …)."""
    last = fold((section or "").rsplit(" > ", 1)[-1])
    if _ABOUT_DOCUMENT.search(last):
        return True
    return bool(_MAYBE_ABOUT_DOCUMENT.match(last)) \
        and len(set(_RESEARCH.findall(fold(text)))) >= 2


def asks_about_the_document(question: str) -> bool:
    """Whether ``question`` asks about the research or the publication ("Hoeveel scholen zaten
    in het stelselonderzoek?", "Waar kan ik het rapport downloaden?")."""
    asked = _SOURCE_FRAME.sub(" ", fold(_NAMED.sub(" ", question)))
    return bool(_ASKS_ABOUT_DOCUMENT.search(asked))
