"""Everything the assistant says to a user, in Dutch, in one place so it can be reviewed."""

from __future__ import annotations

LEAD = {
    "ouder": "Dit staat er in de documenten over uw vraag. Hieronder leest u de zinnen zelf, "
             "met de bron erbij.",
    "leraar": "Wat de documenten hierover zeggen, letterlijk geciteerd:",
    "beleid": "Vindplaatsen in de documenten (letterlijke citaten met document, paragraaf en "
              "pagina):",
}
FURTHER_HEADING = "Waar kunt u verder terecht?"
NOT_FOUND = "Dit staat niet in de documenten die ik kan doorzoeken"  # how every abstention opens
NOT_IN_DOCUMENTS = f"{NOT_FOUND}. Ik geef daarom geen antwoord op deze vraag."
# the question asks how many or how much, and no passage states such a quantity
QUANTITY = {"money": "geen bedrag", "count": "geen aantal"}
QUANTITY_MISSING = (NOT_FOUND + ": ik vind er {what} dat bij uw vraag hoort. Ik geef daarom "
                    "geen antwoord op deze vraag.")
QUANTITY_MISSING_PART = ("Let op: in de documenten vind ik {what} dat bij uw vraag hoort. Het "
                         "antwoord hieronder gaat alleen over de rest van uw vraag.")
# "Wat is een TLV?" when no quote says what it is
NO_DEFINITION = ("Let op: een uitleg van wat „{term}” is, staat niet in de zinnen die ik vond. "
                 "Hieronder staat wat de documenten er wel over zeggen.")
# a follow-up whose answer quotes only what the answer before it quoted
# ("Wie moet daar toestemming voor geven?" after "Wat is een nevenvestiging?": the answer may be
# in them, so the notice says they are the same, not that nothing answers it)
SAME_AS_BEFORE = ("Let op: voor uw vervolgvraag vind ik in de documenten geen andere zinnen dan "
                  "bij uw vorige vraag. Ze staan hieronder nog een keer; lees ze met uw "
                  "vervolgvraag in gedachten.")
CLOSEST = "Deze passages komen het dichtst in de buurt (mogelijk relevant):"
SOURCES = "Bronnen"
REFERENCE = "Bronvermelding"
EMPTY_QUESTION = "Typ eerst een vraag."
TOO_LONG = ("Uw vraag was erg lang. Ik heb alleen de eerste {n} tekens gebruikt. Stel liever "
            "een korte vraag.")
NO_INDEX = ("Er is nog geen zoekindex. Start de assistent opnieuw, of voer "
            "`python -m ingest` uit.")
SEARCHED_FOR = "Gezocht op: {query}"
UNKNOWN_NAMES = ("Let op: {names} {verb} nergens in de documenten voor. Het antwoord hieronder "
                 "gaat over wat de documenten in het algemeen zeggen.")
UNKNOWN_NAMES_ASKED = ("{names} {verb} nergens in de documenten voor. Daarover kan ik dus niets "
                       "zeggen. Hieronder ziet u wat er in de documenten het dichtst bij komt.")
ENGLISH_NOTE = ("De documenten zijn Nederlandstalig: ik zoek en antwoord in het Nederlands, met "
                "letterlijke citaten. Stel uw vraag in het Nederlands voor het beste resultaat. "
                "(The documents are in Dutch; please ask in Dutch.)")

CHECK_VERDICT = {
    "verbatim": "Dit staat letterlijk in het document.",
    "supported": "Dit staat in het document, in andere woorden. Zie het citaat hieronder.",
    "different": "Dit staat er niet zo: het document zegt iets anders.",
    "not_found": "Deze bewering heb ik niet gevonden in de documenten.",
}
CHECK_DIFF_HEADING = "Verschillen (uw tekst → het document):"
CHECK_SOURCE = "Wat het document zegt:"
