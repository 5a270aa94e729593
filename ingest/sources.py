"""sources.toml: title, publisher, date and kind per corpus file."""

from __future__ import annotations

import logging
import re
import tomllib
from pathlib import Path

from assistant.types import DocInfo

log = logging.getLogger(__name__)


def load_sources(corpus_dir: Path) -> dict[str, dict]:
    path = corpus_dir / "sources.toml"
    if not path.exists():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as e:
        raise ValueError(f"{path}: invalid TOML ({e})") from e


def fallback_title(path: Path, text: str) -> str:
    """The first heading (markdown '#', or the first short line), else the file name."""
    for line in text.splitlines()[:40]:
        line = line.strip()
        m = re.match(r"^#{1,3}\s+(.+)$", line)
        if m:
            return m.group(1).strip(" *#")
        if 3 <= len(line) <= 100 and not line.endswith((".", ",", ";")):
            return line
    return path.stem.replace("-", " ").replace("_", " ")


def doc_info(path: Path, sources: dict[str, dict], first_text: str,
             pages: int | None) -> tuple[DocInfo, bool]:
    """DocInfo for a file; the flag says the title was guessed (not in sources.toml)."""
    meta = sources.get(path.name)
    guessed = meta is None or not meta.get("title")
    meta = meta or {}
    title = meta.get("title") or fallback_title(path, first_text)
    return DocInfo(doc=path.name, title=title, publisher=meta.get("publisher", ""),
                   published=str(meta.get("published", "")), kind=meta.get("kind", ""),
                   pages=pages), guessed
