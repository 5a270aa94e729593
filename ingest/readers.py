"""Files -> pages. PDFs page by page with pypdf (page labels kept); txt/md as one page, or page by
page where the text marks its page ends with form feeds (as ``pdftotext`` writes them)."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path

from ingest.pdf_layout import OutlineEntry, page_layout, read_outline, with_paragraph_breaks

log = logging.getLogger(__name__)

SUPPORTED = {".pdf", ".txt", ".md", ".markdown"}


class ReadError(Exception):
    """A file that cannot be ingested; ``reason`` says why in plain words."""

    def __init__(self, path: Path, reason: str):
        super().__init__(f"{path.name}: {reason}")
        self.path = path
        self.reason = reason


@dataclass(frozen=True)
class Page:
    number: int | None  # physical page number from 1; None for txt/md without form feeds
    label: str | None  # printed page label ("iv", "12") where the PDF defines one
    text: str
    sizes: tuple[float, ...] = ()  # PDFs: the font size of each line of ``text`` (pdf_layout)
    bold: tuple[bool, ...] = ()  # PDFs: each line of ``text`` set in a bold face throughout


@dataclass(frozen=True)
class RawDocument:
    path: Path
    kind: str  # "pdf" | "txt" | "md"
    pages: list[Page]
    outline: tuple[OutlineEntry, ...] = ()  # PDFs: the bookmarks, where the file has them

    @property
    def doc(self) -> str:
        return self.path.name


def read_document(path: Path, max_mb: float = 50.0, max_pages: int = 2000,
                  max_seconds: float = 120.0) -> RawDocument:
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise ReadError(path, f"unsupported file type {suffix or '(none)'}; use .pdf, .txt or .md")
    size_mb = path.stat().st_size / 1_000_000
    if size_mb > max_mb:
        raise ReadError(path, f"file is {size_mb:.2f} MB, over the limit of {max_mb:g} MB")
    if suffix == ".pdf":
        return _read_pdf(path, max_pages, max_seconds)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        try:
            text = path.read_bytes().decode("cp1252")
        except UnicodeDecodeError as e:
            raise ReadError(path, "not a text file (cannot decode as UTF-8 or Windows-1252)") from e
    if "\x00" in text:
        raise ReadError(path, "not a text file (contains NUL bytes)")
    kind = "md" if suffix in {".md", ".markdown"} else "txt"
    if not text.strip():
        raise ReadError(path, "the file is empty")
    return RawDocument(path, kind, text_pages(text))


def text_pages(text: str) -> list[Page]:
    """A text file's pages: text extracted from a PDF (``pdftotext``, most converters) ends every
    page with a form feed, so citations can name the page. Without form feeds: one page, no
    number. Blank pages keep their number, so the numbers stay those of the PDF."""
    parts = text.split("\f")
    while len(parts) > 1 and not parts[-1].strip():  # the form feed after the last page
        parts.pop()
    if sum(1 for part in parts if part.strip()) < 2:
        return [Page(None, None, text.replace("\f", "\n"))]
    return [Page(i, str(i), part) for i, part in enumerate(parts, start=1)]


def _read_pdf(path: Path, max_pages: int, max_seconds: float) -> RawDocument:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError, PyPdfError

    with path.open("rb") as fh:
        if not fh.read(1024).lstrip().startswith(b"%PDF-"):
            raise ReadError(path, "not a PDF (the file does not start with %PDF-)")
    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted:
            try:
                ok = reader.decrypt("")
            except Exception as e:  # pypdf raises several types for unsupported crypto
                raise ReadError(path, "the PDF is encrypted (password protected)") from e
            if not ok:
                raise ReadError(path, "the PDF is encrypted (password protected)")
        n_pages = len(reader.pages)
    except ReadError:
        raise
    except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError, RecursionError,
            OSError) as e:  # PyPdfError: e.g. LimitReachedError on a page tree nested too deeply
        raise ReadError(path, f"the PDF is damaged or unreadable ({type(e).__name__})") from e
    if n_pages > max_pages:
        raise ReadError(path, f"the PDF has {n_pages} pages, over the limit of {max_pages}")
    try:
        labels = list(reader.page_labels)
    except Exception:  # broken label trees are common; fall back to physical numbers
        labels = []
    started = time.monotonic()
    layouts = []
    for i in range(n_pages):
        if time.monotonic() - started > max_seconds:
            raise ReadError(path, f"reading took longer than {max_seconds:g} s (page {i + 1})")
        try:
            layouts.append(page_layout(reader.pages[i]))
        except RecursionError as e:
            raise ReadError(path, f"page {i + 1} is nested too deeply to read") from e
        except Exception as e:
            raise ReadError(path, f"page {i + 1} is damaged ({type(e).__name__})") from e
    pages = [Page(i + 1, labels[i] if i < len(labels) else str(i + 1), lay.text, lay.sizes,
                  lay.bold) for i, lay in enumerate(with_paragraph_breaks(layouts))]
    if not any(p.text.strip() for p in pages):
        raise ReadError(path, "the PDF has no text layer (scanned images?); run OCR first")
    return RawDocument(path, "pdf", pages, read_outline(reader))
