"""Hostile and broken files, made by hand (no downloads): PDFs that nest, lie or explode."""

from __future__ import annotations

from pathlib import Path

_FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def _content(text: bytes) -> bytes:
    stream = b"BT /F1 12 Tf 72 720 Td (" + text + b") Tj ET"
    return b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream"


def write_pdf(path: Path, objects: list[bytes]) -> Path:
    """A syntactically valid PDF: object i+1 is ``objects[i]``, object 1 is the catalog."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += (b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
            % (len(objects) + 1, xref))
    path.write_bytes(bytes(out))
    return path


def deep_page_tree_pdf(path: Path, depth: int = 5000) -> Path:
    """One page at the bottom of a page tree ``depth`` levels deep (each node has one kid)."""
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    for i in range(depth):
        me = 2 + i
        parent = b"" if i == 0 else b" /Parent %d 0 R" % (me - 1)
        objs.append(b"<< /Type /Pages /Kids [%d 0 R] /Count 1%s >>" % (me + 1, parent))
    page = 2 + depth
    objs.append(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
                b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (page - 1, page + 1, page + 2))
    objs += [_content(b"Diep genest document over symbiose."), _FONT]
    return write_pdf(path, objs)


def nested_arrays_pdf(path: Path, depth: int = 100_000) -> Path:
    """A page whose resources hold an array nested ``depth`` levels deep: [[[[...]]]]."""
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
             b"/Resources << /Font << /F1 5 0 R >> /X " + b"[" * depth + b"]" * depth
             + b" >> >>"),
            _content(b"Genest."), _FONT]
    return write_pdf(path, objs)


def cyclic_page_tree_pdf(path: Path) -> Path:
    """A page tree whose node lists itself as its own kid (a loop)."""
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
            (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
             b"/Resources << /Font << /F1 5 0 R >> >> >>"),
            _content(b"Een kringetje."), _FONT]
    return write_pdf(path, objs)


def many_blank_pages_pdf(path: Path, pages: int = 3000) -> Path:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=200, height=200)
    writer.write(str(path))
    return path


def fake_pdf(path: Path) -> Path:
    """A text file (a zip header, even) renamed to .pdf."""
    path.write_bytes(b"PK\x03\x04 dit is geen pdf maar een hernoemd zip-bestand\n" * 20)
    return path


def truncated_pdf(path: Path, source: Path) -> Path:
    """The first third of a real PDF: header present, body and xref gone."""
    data = source.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    return path
