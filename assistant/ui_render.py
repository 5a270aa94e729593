"""Pure rendering for the web UI: answers, source cards, citation checks, documents, exports.

Every string a user reads in the UI lives here (``UI_TEXT``, ``STYLE_LABELS``, ``EXAMPLES``)
so it can be reviewed in one place. Every piece of text that comes from a question or a document
goes through :func:`esc` before it is put into HTML or Markdown: it is shown, never run.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from assistant.citations import MARKER
from assistant.text import indented, match_key, split_sentences
from assistant.types import Answer, CheckResult, Citation, DocInfo, Style

# --- texts ------------------------------------------------------------------------------------

STYLE_LABELS: dict[str, Style] = {
    "Ouder": "ouder",
    "Leraar": "leraar",
    "Beleidsmedewerker": "beleid",
}
LABEL_OF_STYLE: dict[str, str] = {v: k for k, v in STYLE_LABELS.items()}

EXAMPLES: dict[str, list[str]] = {
    "ouder": [
        "Mag mijn kind van het speciaal onderwijs ook lessen volgen op een gewone school?",
        "Verdwijnt het speciaal onderwijs als alles in 2035 inclusief moet zijn?",
        "Mijn kind heeft TOS. Hoe kan de middelbare school helpen?",
    ],
    "leraar": [
        ("Hoeveel procent van het lesprogramma mag een leerling bij symbiose op de reguliere "
         "school volgen?"),
        "Welke tips geeft de toolkit voor leerlingen met TOS in de klas?",
        "Hoe kunnen regulier en speciaal onderwijs samenwerken?",
    ],
    "beleid": [
        "Welke samenwerkingsvormen noemt de beleidsregel Inclusieve Leeromgeving?",
        "Wat zijn de actielijnen van de werkagenda Route naar inclusief onderwijs 2035?",
        "Wat adviseert de handreiking over een ontwikkelagenda met gemeenten?",
    ],
}

VERDICTS: dict[str, tuple[str, str]] = {
    "verbatim": ("Letterlijk", "Deze tekst staat letterlijk zo in het document."),
    "different": ("Met verschillen", ("Een vergelijkbare tekst staat in het document, "
                                      "maar met verschillen.")),
    "supported": ("In andere woorden", "Dit staat in het document, maar in andere woorden."),
    "not_found": ("Niet gevonden", "Deze tekst hebben we niet in de documenten gevonden."),
}

MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
          "september", "oktober", "november", "december")

UI_TEXT: dict[str, str] = {
    "title": "Inclusief onderwijs: vraag het de documenten",
    "intro": (
        "Stel een vraag over inclusief onderwijs. Het antwoord komt uit de beleidsdocumenten "
        "onder 'Documenten'. "
        "Achter elke zin staat een nummer, zoals [1]. Klik op het nummer of op de bron om te "
        "zien waar het staat."
    ),
    "tab_chat": "Vragen",
    "tab_check": "Citaat controleren",
    "tab_docs": "Documenten",
    "style_label": "Ik ben",
    "style_info": "Het antwoord past zich aan u aan.",
    "docs_label": "Zoek in deze documenten",
    "docs_info": "Niets aangevinkt = alle documenten.",
    "docs_accordion": "Documenten kiezen",
    "chat_label": "Gesprek",
    "chat_placeholder": "**Welkom!** Stel hieronder een vraag, of kies een voorbeeld.",
    "input_label": "Uw vraag",
    "input_placeholder": "Typ uw vraag en druk op Enter",
    "send": "Vraag stellen",
    "new_chat": "Nieuw gesprek",
    "sources_title": "Bronnen",
    "sources_empty": "Hier ziet u de bronnen van het antwoord, met de zin uit het document.",
    "sources_for": "Bronnen bij uw vraag",
    "sources_older": "Bronnen bij een eerdere vraag",
    "sources_none": "Bij dit antwoord horen geen bronnen.",
    "closest": "Wat er het dichtst bij komt",
    "view_in_doc": "Bekijk in document",
    "no_context": "De tekst van het document kon niet worden geladen.",
    "page": "p.",
    "page_long": "Pagina",
    "reference": "Verwijzing",
    "searching": "Ik zoek in de documenten…",
    "sources_inline": "Bronnen",
    "feedback_title": "Was dit antwoord nuttig?",
    "feedback_up": "👍 Nuttig",
    "feedback_down": "👎 Niet nuttig",
    "feedback_comment": "Opmerking (mag leeg blijven)",
    "feedback_privacy": (
        "Als u feedback geeft, bewaren we uw vraag, het antwoord en de bronnen op deze "
        "computer. We bewaren geen IP-adres."
    ),
    "feedback_privacy_noq": (
        "Als u feedback geeft, bewaren we het antwoord en de bronnen op deze computer, niet uw "
        "vraag. We bewaren geen IP-adres."
    ),
    "feedback_thanks": "Bedankt voor uw feedback!",
    "feedback_nothing": "Stel eerst een vraag; daarna kunt u feedback geven.",
    "feedback_failed": "Uw feedback kon niet worden opgeslagen. Probeer het later opnieuw.",
    "export": "Gesprek downloaden (Markdown)",
    "export_file": "Download",
    "export_nothing": "Er is nog geen gesprek om te downloaden.",
    "export_title": "Gesprek met de assistent inclusief onderwijs",
    "export_date": "Gedownload op",
    "export_question": "Vraag",
    "export_answer": "Antwoord",
    "check_intro": (
        "Plak een zin of citaat. We zoeken of het zo in de documenten staat, en laten de "
        "verschillen zien."
    ),
    "check_label": "Zin of citaat",
    "check_placeholder": "Bijvoorbeeld: 'Er mag in principe 60% van het lesprogramma op de "
                         "andere school worden gevolgd.'",
    "check_button": "Controleren",
    "check_source": "Bron",
    "check_in_doc": "In het document",
    "check_diffs": "Verschillen",
    "check_yours": "In uw tekst",
    "check_theirs": "In het document",
    "check_statement": "Uw tekst",
    "docs_intro": "Deze documenten gebruikt de assistent.",
    "docs_title": "Titel",
    "docs_publisher": "Uitgever",
    "docs_date": "Datum",
    "docs_kind": "Soort",
    "docs_chunks": "Passages",
    "docs_pages": "Pagina's",
    "docs_unknown": "onbekend",
    "docs_empty": "Er zijn nog geen documenten ingelezen.",
    "upload_label": "Document toevoegen (PDF, txt of md)",
    "upload_button": "Toevoegen en inlezen",
    "upload_none": "Kies eerst een bestand.",
    "upload_off": "Documenten toevoegen staat uit.",
    "upload_bad_name": "De bestandsnaam '{name}' is niet toegestaan. Gebruik een gewone naam "
                       "zonder mappen, bijvoorbeeld 'rapport.pdf'.",
    "upload_bad_kind": "'{name}' kan niet: alleen PDF, txt en md zijn toegestaan.",
    "upload_too_big": "'{name}' is te groot ({mb:.1f} MB). Het maximum is {limit:.0f} MB.",
    "upload_not_pdf": "'{name}' is geen echte PDF.",
    "upload_not_text": "'{name}' is geen leesbaar tekstbestand (UTF-8).",
    "upload_exists": "Er staat al een document met de naam '{name}'.",
    "upload_failed": ("'{name}' kon niet worden ingelezen: het bestand is beschadigd, "
                      "beveiligd, leeg of te groot. Het is niet toegevoegd."),
    "upload_index_failed": ("'{name}' is niet toegevoegd: de zoekindex kon nu niet worden "
                            "bijgewerkt. Vraag de beheerder om de documenten opnieuw in te "
                            "lezen (`python -m ingest --rebuild`) en probeer het daarna opnieuw."),
    "upload_busy": "Bezig met inlezen…",
    "upload_waiting": "Er worden al documenten ingelezen. Uw bestand komt daarna aan de beurt…",
    "upload_done": "'{name}' is toegevoegd en ingelezen.",
    # errors shown in the chat
    "err_empty": "Typ eerst een vraag.",
    "err_no_index": ("De zoekindex is nog niet klaar. Vraag de beheerder om de documenten in "
                     "te lezen (`python -m ingest`) en probeer het daarna opnieuw."),
    "err_backend": ("Het taalmodel reageert nu niet. Probeer het over een paar minuten "
                    "opnieuw."),
    "err_general": "Er ging iets mis bij het beantwoorden. Probeer het opnieuw.",
    "err_check_empty": "Plak eerst een zin of citaat.",
}


# --- escaping and highlighting --------------------------------------------------------------

_HTML_EXTRA = str.maketrans({"{": "&#123;", "}": "&#125;", "$": "&#36;", "`": "&#96;",
                             "\\": "&#92;"})


def esc(text: object) -> str:
    """HTML-escape text from a question or a document (also template and markdown specials)."""
    return html.escape(str(text), quote=True).translate(_HTML_EXTRA)


def esc_md(text: object) -> str:
    """Escape for a Markdown chat message: no HTML tag or entity can form, links and images
    are disarmed; Markdown structure (bold, lists, quotes) stays."""
    out = str(text).replace("&", "&amp;").replace("<", "&lt;")
    return out.replace("![", "!&#91;").replace("](", "&#93;(")


_SPACE_CLASS = r"[\s\uf0b7\uf0a7\uf076\uf0d8\uf0fc•▪◦●■□➢►▶]+"
_QUOTE_CLASS = {"'": "['‘’‚´`]", '"': "[\"“”„]"}


def quote_pattern(quote: str) -> re.Pattern[str] | None:
    """A regex that finds ``quote`` in a text, folding what :func:`match_key` folds."""
    key = match_key(quote)
    if not key:
        return None
    parts: list[str] = []
    for ch in key:
        if ch == " ":
            parts.append(_SPACE_CLASS)
        elif ch in _QUOTE_CLASS:
            parts.append(_QUOTE_CLASS[ch])
        else:
            parts.append(re.escape(ch))
            if ch.isalnum():
                parts.append(r"(?:[-\u00ad]\s*)?")
    return re.compile("".join(parts))


def find_quote(text: str, quote: str) -> tuple[int, int] | None:
    """(start, end) of ``quote`` inside ``text``; case-insensitive as a fallback."""
    pattern = quote_pattern(quote)
    if pattern is None:
        return None
    m = pattern.search(text) or re.compile(pattern.pattern, re.IGNORECASE).search(text)
    if not m:
        return None
    start, end = m.start(), m.end()
    while end > start and text[end - 1] in "-\u00ad \n\t":
        end -= 1
    return start, end


def highlight(text: str, quote: str) -> str:
    """Escaped ``text`` with ``quote`` wrapped in <mark> (escaped text only, if not found)."""
    span = find_quote(text, quote) if quote else None
    if span is None:
        return esc(text)
    s, e = span
    return f"{esc(text[:s])}<mark>{esc(text[s:e])}</mark>{esc(text[e:])}"


def highlight_all(text: str, fragments: Iterable[str], tag: str) -> str:
    """Escaped ``text`` with each fragment (found left to right) wrapped in ``<tag>``."""
    out, pos = [], 0
    for frag in fragments:
        frag = frag.strip()
        if not frag:
            continue
        i = text.find(frag, pos)
        if i < 0:
            continue
        out.append(esc(text[pos:i]))
        out.append(f"<{tag}>{esc(frag)}</{tag}>")
        pos = i + len(frag)
    out.append(esc(text[pos:]))
    return "".join(out)


def paragraphs(escaped: str) -> str:
    """Turn blank-line separated escaped text into <p> blocks (single newlines kept as <br>)."""
    blocks = [b.strip() for b in re.split(r"\n\s*\n", escaped) if b.strip()]
    return "".join(f"<p>{b.replace(chr(10), '<br>')}</p>" for b in blocks)


# --- answers --------------------------------------------------------------------------------

def card_id(turn: int, n: int) -> str:
    return f"bron-{turn}-{n}"


def link_markers(escaped: str, turn: int) -> str:
    """Make each [n] in already-escaped text a link to its source card."""
    return MARKER.sub(
        lambda m: f'<a class="cite" href="#{card_id(turn, int(m.group(1)))}" '
                  f'aria-label="Bron {m.group(1)}">[{m.group(1)}]</a>',
        escaped,
    )


def stream_pieces(text: str) -> list[str]:
    """Growing prefixes of ``text``, one sentence more each, for streaming to the chat."""
    if not text:
        return [""]
    pieces, pos = [], 0
    for sentence in split_sentences(text):
        i = text.find(sentence, pos)
        if i < 0:
            continue
        pos = i + len(sentence)
        pieces.append(text[:pos])
    if not pieces or pieces[-1] != text:
        pieces.append(text)
    return pieces


def source_line(c: Citation) -> str:
    """'Title — section — p. 3' as plain text."""
    bits = [c.title]
    if c.section:
        bits.append(c.section)
    if c.page:
        bits.append(f"{UI_TEXT['page']} {c.page}")
    return " — ".join(bits)


def answer_markdown(text: str, turn: int, citations: Sequence[Citation] = (),
                    notice: str | None = None) -> str:
    """The chat message of an answer: escaped text, linked [n], a short list of sources."""
    parts = []
    if notice:
        parts.append(f"_{esc_md(notice)}_")
    parts.append(link_markers(esc_md(text), turn))
    if citations:
        by_title: dict[str, list[int]] = {}
        for c in citations:
            by_title.setdefault(c.title, []).append(c.n)
        items = [link_markers(" ".join(f"[{n}]" for n in ns), turn) + f" {esc_md(title)}"
                 for title, ns in by_title.items()]
        parts.append(f"**{UI_TEXT['sources_inline']}:**  \n" + "  \n".join(items))
    return "\n\n".join(parts)


_MD_SPECIALS = str.maketrans({c: f"&#{ord(c)};" for c in "\\`*_[]{}#>|~$!"})


def question_markdown(question: str) -> str:
    """A question as literal text in a Markdown message: no HTML, no Markdown formatting."""
    return str(question).replace("&", "&amp;").replace("<", "&lt;").translate(_MD_SPECIALS)


def plain_answer(answer: Answer) -> str:
    """The answer as plain text for API clients (notice first)."""
    return f"{answer.notice}\n\n{answer.text}" if answer.notice else answer.text


def sources_json(answer: Answer) -> list[dict]:
    return [{"n": c.n, "title": c.title, "section": c.section, "page": c.page,
             "quote": c.quote, "doc": c.doc} for c in answer.citations]


# --- source cards ---------------------------------------------------------------------------

@dataclass
class SourceView:
    """What one source card shows: the citation, its passage, the document text around it."""

    citation: Citation
    passage: str
    context: str | None = None
    page: int | None = None


@dataclass
class Exchange:
    """One question and its answer in a conversation, with what the cards need."""

    question: str
    answer: Answer
    sources: list[SourceView] = field(default_factory=list)


def render_card(view: SourceView, turn: int) -> str:
    c = view.citation
    meta = []
    if c.section:
        meta.append(esc(c.section))
    if c.page:
        meta.append(f"{UI_TEXT['page']} {esc(c.page)}")
    meta_html = f'<span class="bron-meta">{" · ".join(meta)}</span>' if meta else ""
    if view.context:
        heading = (f"<p class=\"bron-page\">{UI_TEXT['page_long']} {esc(view.page)}</p>"
                   if view.page else "")
        context = heading + paragraphs(highlight(view.context, c.quote))
    else:
        context = f"<p>{UI_TEXT['no_context']}</p>"
    return (
        f'<details class="bron" id="{card_id(turn, c.n)}">'
        f'<summary><span class="bron-n">[{c.n}]</span> '
        f'<span class="bron-titel">{esc(c.title)}</span>{meta_html}</summary>'
        f'<div class="bron-body">'
        f'<blockquote class="bron-passage">{paragraphs(highlight(view.passage, c.quote))}'
        f'</blockquote>'
        f'<p class="bron-ref"><strong>{UI_TEXT["reference"]}:</strong> {esc(c.reference())}</p>'
        f'<details class="bron-doc"><summary>{UI_TEXT["view_in_doc"]}</summary>'
        f'<div class="bron-context">{context}</div></details>'
        f"</div></details>"
    )


def render_closest(answer: Answer, limit: int = 3) -> str:
    """For an abstention: the passages that came closest, escaped."""
    items = []
    for p in answer.passages[:limit]:
        where = esc(p.chunk.title) + (f" — {esc(p.chunk.section)}" if p.chunk.section else "")
        snippet = p.chunk.text if len(p.chunk.text) <= 400 else p.chunk.text[:400] + "…"
        items.append(f"<li><strong>{where}</strong><br>{esc(snippet)}</li>")
    if not items:
        return f"<p>{UI_TEXT['sources_none']}</p>"
    return f"<p>{UI_TEXT['closest']}:</p><ul class=\"closest\">{''.join(items)}</ul>"


def render_turn_sources(ex: Exchange, turn: int) -> str:
    cards = "".join(render_card(v, turn) for v in ex.sources)
    if ex.answer.check is not None:
        body = render_check(ex.answer.check) + cards
    elif ex.sources:
        body = cards
    elif ex.answer.abstained:
        body = render_closest(ex.answer)
    else:
        body = f"<p>{UI_TEXT['sources_none']}</p>"
    return f'<p class="bronnen-vraag">“{esc(ex.question)}”</p>{body}'


def render_sources(exchanges: Sequence[Exchange]) -> str:
    """The sources panel: the newest answer's cards open to read, older ones folded away."""
    if not exchanges:
        return (f'<div class="bronnen" aria-live="polite"><h3>{UI_TEXT["sources_title"]}</h3>'
                f'<p class="bronnen-leeg">{UI_TEXT["sources_empty"]}</p></div>')
    last = len(exchanges) - 1
    parts = [f'<div class="bronnen" aria-live="polite"><h3>{UI_TEXT["sources_for"]}</h3>',
             render_turn_sources(exchanges[last], last)]
    for turn in range(last - 1, -1, -1):
        parts.append(f'<details class="bronnen-oud"><summary>{UI_TEXT["sources_older"]} '
                     f'{turn + 1}</summary>{render_turn_sources(exchanges[turn], turn)}</details>')
    parts.append("</div>")
    return "".join(parts)


# --- citation check -------------------------------------------------------------------------

def render_check(check: CheckResult) -> str:
    label, explanation = VERDICTS[check.verdict]
    parts = [f'<div class="check check-{check.verdict}" role="status">',
             f'<p class="verdict"><span class="verdict-label">{label}</span> {explanation}</p>']
    yours = [d[0] for d in check.differences]
    theirs = [d[1] for d in check.differences]
    parts.append(f'<p><strong>{UI_TEXT["check_statement"]}:</strong> '
                 f'{highlight_all(check.statement, yours, "del")}</p>')
    c = check.citation
    if c is not None:
        quote_html = (highlight_all(c.quote, theirs, "ins") if check.differences
                      else f"<mark>{esc(c.quote)}</mark>")
        parts.append(f'<p><strong>{UI_TEXT["check_in_doc"]}:</strong></p>'
                     f'<blockquote class="check-quote">{quote_html}</blockquote>')
        parts.append(f'<p class="bron-ref"><strong>{UI_TEXT["check_source"]}:</strong> '
                     f'{esc(c.reference())}</p>')
    if check.differences:
        rows = "".join(f"<tr><td><del>{esc(a) or '—'}</del></td><td><ins>{esc(b) or '—'}</ins>"
                       f"</td></tr>" for a, b in check.differences)
        parts.append(f'<table class="diffs"><caption>{UI_TEXT["check_diffs"]}</caption>'
                     f'<thead><tr><th scope="col">{UI_TEXT["check_yours"]}</th>'
                     f'<th scope="col">{UI_TEXT["check_theirs"]}</th></tr></thead>'
                     f"<tbody>{rows}</tbody></table>")
    parts.append("</div>")
    return "".join(parts)


# --- documents ------------------------------------------------------------------------------

def format_date(published: str) -> str:
    if not published:
        return UI_TEXT["docs_unknown"]
    year, _, month = published.partition("-")
    if month.isdigit() and 1 <= int(month) <= 12:
        return f"{MONTHS[int(month) - 1]} {year}"
    return published


def render_documents(docs: Sequence[DocInfo]) -> str:
    if not docs:
        return f"<p>{UI_TEXT['docs_empty']}</p>"
    head = "".join(f'<th scope="col">{UI_TEXT[k]}</th>' for k in
                   ("docs_title", "docs_publisher", "docs_date", "docs_kind", "docs_chunks",
                    "docs_pages"))
    rows = []
    for d in docs:
        cells = [(UI_TEXT["docs_publisher"], esc(d.publisher or UI_TEXT["docs_unknown"])),
                 (UI_TEXT["docs_date"], esc(format_date(d.published))),
                 (UI_TEXT["docs_kind"], esc(d.kind or "—")),
                 (UI_TEXT["docs_chunks"], str(d.chunks)),
                 (UI_TEXT["docs_pages"], str(d.pages) if d.pages else "—")]
        rows.append(f"<tr><td>{esc(d.title)}<br><small>{esc(d.doc)}</small></td>"
                    + "".join(f'<td data-label="{label}">{value}</td>' for label, value in cells)
                    + "</tr>")
    return (f'<div class="docs-wrap"><table class="docs"><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table></div>")


# --- export ---------------------------------------------------------------------------------

def export_markdown(exchanges: Sequence[Exchange], when: str) -> str:
    """The conversation as a Markdown document with its sources (text escaped)."""
    lines = [f"# {UI_TEXT['export_title']}", "", f"{UI_TEXT['export_date']} {when}", ""]
    for i, ex in enumerate(exchanges, start=1):
        lines += [f"## {UI_TEXT['export_question']} {i}", "", esc(ex.question), "",
                  f"### {UI_TEXT['export_answer']}", ""]
        if ex.answer.notice:
            lines += [f"_{esc(ex.answer.notice)}_", ""]
        lines += [esc(ex.answer.text), ""]
        if ex.answer.check is not None:
            label, explanation = VERDICTS[ex.answer.check.verdict]
            lines += [f"**{label}.** {explanation}", ""]
        if ex.answer.citations:
            lines += [f"### {UI_TEXT['sources_inline']}", ""]
            for c in ex.answer.citations:
                lines.append(f"{c.n}. {esc(source_line(c))}")
                lines.append(f"   > {indented(esc(c.quote), '   > ')}")
                lines.append(f"   {UI_TEXT['reference']}: {esc(c.reference())}")
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"
