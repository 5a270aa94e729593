"""python -m eval pdfs: the PDF path measured on the corpus laid out as a published PDF.

Users add their own PDFs, and the corpus ships as text, so the questions alone never exercise the
PDF path (pypdf, page lines, the outline and font sizes, gaps between lines). Here every corpus
document is set as a PDF the way reports are (fpdf2: unnumbered headings larger than justified
body text, a gap between paragraphs, footnotes at the bottom of the page, a running header and
page numbers; with or without bookmarks, in one column or two), ingested through the PDF path
into a data folder of its own, and asked the same questions. A citation's document is mapped
back to the text file's name, so the gold and the metrics are the usual ones.
"""

from __future__ import annotations

import argparse
import math
import re
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")  # any TTF with Dutch letters
SIZES = {0: 24.0, 1: 18.0, 2: 16.0, 3: 14.0}  # deeper headings: bold at the body's size
BODY = 10.0
FOOTNOTE = 7.5
MARGIN = 20  # mm at the bottom of a page: the page number
HEADING_WIDTH = 140  # mm: long headings wrap over two or three lines (in one column)
KEEP_WITH_NEXT = 40  # mm: room a heading needs at the bottom of a page, else a new page


@dataclass(frozen=True)
class Variant:
    outline: int  # bookmarks for how many levels of headings (0: none, the fonts alone)
    columns: int = 1


VARIANTS = {"outline": Variant(9), "chapters": Variant(1), "fonts": Variant(0),
            "columns": Variant(0, columns=2)}


class Footnote(str):
    """A paragraph set as a footnote: in small type at the bottom of the page it is reached on."""


_FOOTNOTE = re.compile(r"^\d{1,3} \S")  # "1 Kamerstukken, …" (as ``ingest.clean`` reads them)


@dataclass(frozen=True)
class Section:
    level: int  # 0 = the title, 1 = a chapter, ...
    heading: str  # "" for the text before the first heading
    paragraphs: tuple[str, ...] = ()


def render_pdf(path: Path, sections: list[Section], outline: int = 9,
               header: str | None = None, font: Path | None = FONT, columns: int = 1) -> Path:
    """Set ``sections`` as a PDF: headings larger than the justified body text (wrapped within
    a narrower column; from level 4 in bold at the body's size), a gap before each paragraph,
    ``Footnote`` paragraphs in small type at the bottom of the page, bookmarks for the top
    ``outline`` levels of headings (0: none), with ``header`` a running header and page
    numbers, and the text in ``columns`` columns (headings within them; no bookmarks). Without
    a ``font`` file (or when it is missing) the PDF core font Helvetica sets it: Latin-1 only."""
    from fpdf import FPDF

    pdf = FPDF()
    family = "helvetica"
    if font is not None and font.exists():
        family = "body"
        pdf.add_font(family, "", str(font))
        bold = font.with_name(font.stem + "-Bold" + font.suffix)
        pdf.add_font(family, "B", str(bold if bold.exists() else font))
    pdf.set_auto_page_break(True, margin=MARGIN)
    notes: list[str] = []  # the footnotes of the page being set

    def notes_height(texts: list[str]) -> float:
        pdf.set_font(family, size=FOOTNOTE)
        width = pdf.epw
        return 3 + sum(3.5 * math.ceil(pdf.get_string_width(t) / width * 1.1) for t in texts)

    def queue_note(text: str) -> None:  # room for it above the page number
        notes.append(text)
        pdf.set_auto_page_break(True, margin=MARGIN + notes_height(notes))

    def set_notes() -> None:
        if not notes:
            return
        top = pdf.h - MARGIN - notes_height(notes)
        pdf.line(pdf.l_margin, top, pdf.l_margin + 40, top)
        pdf.set_xy(pdf.l_margin, top + 1.5)
        for text in notes:
            pdf.multi_cell(0, 3.5, text, new_x="LMARGIN", new_y="NEXT")
        notes.clear()

    def furniture() -> None:
        pdf.set_auto_page_break(True, margin=MARGIN)
        if header:
            pdf.set_y(8)
            pdf.set_font(family, size=8)
            pdf.cell(0, 5, header)
            pdf.set_y(20)

    def footer() -> None:
        set_notes()
        if header:
            pdf.set_y(-14)
            pdf.set_font(family, size=8)
            pdf.cell(0, 5, str(pdf.page_no()), align="C")

    pdf.header, pdf.footer = furniture, footer
    pdf.add_page()
    if columns > 1:
        _set_columns(pdf, family, sections, columns, queue_note)
        pdf.output(str(path))
        return path
    top = min((s.level for s in sections if s.heading), default=0)
    last = -1
    for sec in sections:
        if sec.heading:
            if sec.level - top < outline:
                last = min(sec.level - top, last + 1)  # bookmarks may not skip a level
                pdf.start_section(sec.heading, level=last)
            size = SIZES.get(sec.level, BODY)
            pdf.set_font(family, "" if sec.level in SIZES else "B", size=size)
            pdf.ln(4)
            if pdf.get_y() + KEEP_WITH_NEXT > pdf.page_break_trigger:
                pdf.add_page()  # a heading stays with the lines after it, as publishers set it
            pdf.multi_cell(HEADING_WIDTH, size * 0.5, sec.heading, new_x="LMARGIN", new_y="NEXT")
        for text in sec.paragraphs:
            if isinstance(text, Footnote):
                if pdf.get_y() > pdf.h - MARGIN - notes_height([*notes, text]):
                    pdf.add_page()  # no room left on this page for the note
                queue_note(text)
                continue
            pdf.set_font(family, size=BODY)
            pdf.ln(3)
            pdf.multi_cell(0, 5, text, align="J", new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


def _set_columns(pdf, family: str, sections: list[Section], columns: int,
                 queue_note: Callable[[str], None]) -> None:
    """The text in ``columns`` columns, headings included (no bookmarks: the fonts alone)."""
    with pdf.text_columns(ncols=columns, gutter=8, text_align="J") as cols:
        for sec in sections:
            if sec.heading:
                size = SIZES.get(sec.level, BODY)
                pdf.set_font(family, "" if sec.level in SIZES else "B", size=size)
                with cols.paragraph(text_align="L", top_margin=4, line_height=1.1) as par:
                    par.write(sec.heading)
            for text in sec.paragraphs:
                if isinstance(text, Footnote):
                    queue_note(text)
                    continue
                pdf.set_font(family, size=BODY)
                with cols.paragraph(top_margin=3) as par:
                    par.write(text)


def corpus_sections(path: Path) -> list[Section]:
    """A corpus document's headings and paragraphs, as its text ingest reads them."""
    from ingest.readers import read_document
    from ingest.structure import structure_document

    out = [Section(0, "")]
    for block in structure_document(read_document(path)).blocks:
        if block.kind == "heading":
            out.append(Section(block.level, block.text))
        elif block.note and _FOOTNOTE.match(block.text):
            last = out[-1]
            out[-1] = Section(last.level, last.heading, last.paragraphs + (Footnote(block.text),))
        else:
            text = ("• " if block.kind == "item" else "") + block.text
            last = out[-1]
            out[-1] = Section(last.level, last.heading, last.paragraphs + (text,))
    return out


def render_corpus(corpus: Path, out: Path, variant: Variant) -> dict[str, str]:
    """Every document of ``corpus`` as a PDF in ``out`` with a sources.toml for the PDFs;
    returns PDF name -> the text file's name."""
    out.mkdir(parents=True, exist_ok=True)
    names = {}
    for path in sorted(corpus.iterdir()):
        if path.suffix.lower() not in {".txt", ".md"}:
            continue
        pdf = out / (path.stem + ".pdf")
        render_pdf(pdf, corpus_sections(path), variant.outline,
                   header=path.stem.replace("-", " "), columns=variant.columns)
        names[pdf.name] = path.name
    sources = corpus / "sources.toml"
    if sources.exists():
        text = sources.read_text(encoding="utf-8")
        text = re.sub(r'^\["([^"]+)\.(?:txt|md)"\]', r'["\1.pdf"]', text, flags=re.MULTILINE)
        (out / "sources.toml").write_text(text, encoding="utf-8")
    return names


def _renamed(records: list[dict], names: dict[str, str]) -> list[dict]:
    def fix(o):
        if isinstance(o, dict):
            return {k: names.get(v, v) if k == "doc" and isinstance(v, str) else fix(v)
                    for k, v in o.items()}
        if isinstance(o, list):
            return [fix(x) for x in o]
        return o

    return [fix(r) for r in records]


def add_arguments(ap: argparse.ArgumentParser) -> None:
    here = Path(__file__).resolve().parent
    ap.add_argument("--work", default="data/eval-pdfs", help="folder for the PDFs and indexes")
    ap.add_argument("--corpus", default="corpus")
    ap.add_argument("--questions", nargs="+", default=[str(here / "questions.jsonl")])
    ap.add_argument("--conversations", nargs="*", default=[str(here / "conversations.jsonl")])
    ap.add_argument("--variants", nargs="+", choices=list(VARIANTS), default=list(VARIANTS))
    ap.add_argument("--runs", help="folder for each variant's run (<variant>.jsonl, the text "
                                   "files' names), for `eval compare`")


def main(args: argparse.Namespace) -> int:
    from assistant.config import load_settings
    from assistant.factory import build_assistant, build_embedder
    from eval.metrics import evaluate, load_corpus, load_gold
    from eval.report import markdown
    from eval.runner import build_system, read_jsonl, run_system, write_run
    from ingest.pipeline import run_ingest

    if not FONT.exists():
        print(f"error: the font {FONT} is missing (DejaVu Sans sets the PDFs)", file=sys.stderr)
        return 2
    corpus = Path(args.corpus)
    golds: dict = {}
    questions, conversations = [], []
    for i, q in enumerate(args.questions):
        c = args.conversations[i] if i < len(args.conversations) else None
        golds |= load_gold(Path(q), Path(c) if c else None)
        questions += read_jsonl(Path(q))
        conversations += read_jsonl(Path(c)) if c else []
    text = load_corpus(corpus)
    evals = {}
    for variant in args.variants:
        work = Path(args.work) / variant
        shutil.rmtree(work, ignore_errors=True)
        names = render_corpus(corpus, work / "corpus", VARIANTS[variant])
        settings = load_settings(data_dir=work / "data", corpus_dir=work / "corpus")
        embedder = build_embedder(settings)
        report = run_ingest(settings, embedder=embedder)
        print(f"{variant}: {report.summary()}", file=sys.stderr)
        system = build_system("project", settings,
                              assistant=build_assistant(settings, embedder=embedder))
        records = _renamed(run_system(system, questions, conversations), names)
        evals[f"pdf ({variant})"] = evaluate(records, golds, text)
        if args.runs:
            write_run(records, Path(args.runs) / f"{variant}.jsonl")
    report = markdown(evals)
    print(report[report.index("## Overall"):report.index("\n## ", report.index("## Overall") + 1)])
    return 0
