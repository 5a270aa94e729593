"""Gradio event handlers: a few lines each around the assistant and the pure renderers.

Handlers take and return plain values (lists of chat messages, a ``Conversation``, strings), so
they are tested without launching a server. Every failure becomes a short Dutch message; the
app keeps running.
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Protocol

from assistant.config import Settings
from assistant.feedback import append_feedback, feedback_record
from assistant.text import has_words
from assistant.types import STYLES, Answer, Chunk, DocInfo, Style, Turn
from assistant.ui_render import (
    STYLE_LABELS,
    UI_TEXT,
    Exchange,
    SourceView,
    answer_markdown,
    esc,
    export_markdown,
    plain_answer,
    question_markdown,
    render_check,
    render_documents,
    render_sources,
    sources_json,
    stream_pieces,
)

log = logging.getLogger(__name__)

UPLOAD_KINDS = (".pdf", ".txt", ".md")
_SAFE_NAME = re.compile(r"^[\w][\w .()+,&'-]{0,150}$")

Message = dict[str, Any]


class AssistantLike(Protocol):
    """What the UI needs of ``assistant.core.Assistant``."""

    def ask(self, question: str, history: Sequence[Turn] = (), style: Style | None = None,
            docs: Sequence[str] | None = None) -> Answer: ...

    def check(self, statement: str, docs: Sequence[str] | None = None) -> Answer: ...

    def documents(self) -> list[DocInfo]: ...

    def context(self, chunk_id: str) -> tuple[Chunk, str]: ...


@dataclass
class Conversation:
    """Per-browser-session state: the exchanges so far."""

    exchanges: list[Exchange] = field(default_factory=list)

    def history(self) -> list[Turn]:
        return [Turn(question=e.question, answer=e.answer.text, query=e.answer.query)
                for e in self.exchanges]


@dataclass
class Prefs:
    """Answer style and document filter, remembered during the conversation."""

    style: Style = "leraar"
    docs: list[str] | None = None  # None: all documents


# --- errors ---------------------------------------------------------------------------------

def error_message(exc: BaseException) -> str:
    """A short Dutch message for an exception raised while answering."""
    name = type(exc).__name__
    text = str(exc).lower()
    if isinstance(exc, (ConnectionError, TimeoutError)) or name in {
        "APIConnectionError", "APITimeoutError", "ConnectError", "ReadTimeout", "ConnectTimeout",
    }:
        return UI_TEXT["err_backend"]
    if name in {"IndexMissingError", "NoIndexError", "StoreError"} or "no index" in text or (
            "ingest" in text and "index" in text):
        return UI_TEXT["err_no_index"]
    return UI_TEXT["err_general"]


def validate_question(text: str | None) -> str | None:
    """A Dutch message when there is nothing to ask, else None.

    Input longer than ``limits.max_question_chars`` is not refused here: the assistant uses
    the first part and says so in ``answer.notice``, which the chat shows.
    """
    return None if has_words(text) else UI_TEXT["err_empty"]


def shown_question(question: str, limit: int) -> str:
    """The question as echoed in the chat: at most ``limit`` characters."""
    return question if len(question) <= limit else question[:limit] + " …"


def safe_upload_name(name: str) -> str | None:
    """The file name to store an upload under, or None when it is unsafe (paths, odd chars)."""
    if not name or "/" in name or "\\" in name or "\x00" in name:
        return None
    if name.startswith(".") or ".." in name or os.path.isabs(name):
        return None
    if not _SAFE_NAME.match(name):
        return None
    return name


# --- handlers -------------------------------------------------------------------------------

class UIHandlers:
    """The UI's behaviour, bound to one assistant and the settings."""

    def __init__(self, assistant: AssistantLike, settings: Settings,
                 ingest: Callable[..., Any] | None = None,
                 clock: Callable[[], datetime] | None = None):
        self.assistant = assistant
        self.settings = settings
        self._ingest = ingest
        self._clock = clock or (lambda: datetime.now(timezone.utc))
        self._ingest_lock = threading.Lock()

    # --- chat ---------------------------------------------------------------------------------
    def respond(self, message: str, chat: list[Message] | None, conv: Conversation | None,
                prefs: Prefs | None) -> Iterator[tuple[list[Message], str, Conversation, str]]:
        """Stream an answer into the chat: (messages, sources html, conversation, input box)."""
        chat = list(chat or [])
        conv = conv if conv is not None else Conversation()
        prefs = prefs if prefs is not None else Prefs()
        question = (message or "").strip()
        problem = validate_question(question)
        if problem:
            chat.append({"role": "assistant", "content": problem})
            yield list(chat), render_sources(conv.exchanges), conv, ""
            return
        limit = self.settings.limits.max_question_chars
        chat.append({"role": "user", "content": question_markdown(shown_question(question,
                                                                                 limit))})
        chat.append({"role": "assistant", "content": UI_TEXT["searching"]})
        yield list(chat), render_sources(conv.exchanges), conv, ""
        try:
            answer = self.assistant.ask(question, history=conv.history(), style=prefs.style,
                                        docs=prefs.docs)
        except Exception as e:  # the boundary: log once, show Dutch
            log.exception("ask failed error=%s", type(e).__name__)
            chat[-1] = {"role": "assistant", "content": error_message(e)}
            yield list(chat), render_sources(conv.exchanges), conv, ""
            return
        turn = len(conv.exchanges)
        for piece in stream_pieces(answer.text)[:-1]:
            chat[-1] = {"role": "assistant", "content": answer_markdown(piece, turn)}
            yield list(chat), render_sources(conv.exchanges), conv, ""
        exchange = Exchange(question=shown_question(question, limit), answer=answer,
                            sources=self.source_views(answer))
        conv = Conversation(exchanges=[*conv.exchanges, exchange])
        chat[-1] = {"role": "assistant", "content": self.final_markdown(answer, turn)}
        yield list(chat), render_sources(conv.exchanges), conv, ""

    def final_markdown(self, answer: Answer, turn: int) -> str:
        return answer_markdown(answer.text, turn, answer.citations, answer.notice)

    def source_views(self, answer: Answer) -> list[SourceView]:
        """One card per citation: its passage and the document text around it."""
        texts = {p.chunk.id: p.chunk for p in answer.passages}
        views = []
        for c in answer.citations:
            chunk = texts.get(c.chunk_id)
            context, page = None, chunk.page if chunk else None
            try:
                ctx_chunk, context = self.assistant.context(c.chunk_id)
                chunk = chunk or ctx_chunk
                page = ctx_chunk.page
            except Exception as e:  # noqa: BLE001 - a card without context still shows
                log.warning("context failed chunk_id=%s error=%s", c.chunk_id, e)
            passage = chunk.text if chunk else c.quote
            views.append(SourceView(citation=c, passage=passage, context=context, page=page))
        return views

    def new_chat(self) -> tuple[list[Message], str, Conversation, str]:
        return [], render_sources([]), Conversation(), ""

    # --- preferences --------------------------------------------------------------------------
    def set_style(self, label: str, prefs: Prefs | None) -> Prefs:
        style = STYLE_LABELS.get(label, label if label in STYLES else "leraar")
        return Prefs(style=style, docs=(prefs.docs if prefs else None))

    def set_docs(self, docs: list[str] | None, prefs: Prefs | None) -> Prefs:
        return Prefs(style=(prefs.style if prefs else "leraar"),
                     docs=list(docs) if docs else None)

    # --- citation check -----------------------------------------------------------------------
    def check(self, statement: str | None, prefs: Prefs | None = None) -> str:
        text = (statement or "").strip()
        if not has_words(text):
            return f"<p class=\"check-msg\">{UI_TEXT['err_check_empty']}</p>"
        try:
            answer = self.assistant.check(text, docs=prefs.docs if prefs else None)
        except Exception as e:
            log.exception("check failed error=%s", type(e).__name__)
            return f"<p class=\"check-msg\">{error_message(e)}</p>"
        if answer.check is None:
            return f"<p class=\"check-msg\">{UI_TEXT['err_general']}</p>"
        notice = f"<p class=\"check-msg\">{esc(answer.notice)}</p>" if answer.notice else ""
        return notice + render_check(answer.check)

    # --- feedback and export ------------------------------------------------------------------
    def feedback(self, rating: str, comment: str | None, conv: Conversation | None
                 ) -> tuple[str, str]:
        """Store a rating of the latest answer: (status message, cleared comment box)."""
        if conv is None or not conv.exchanges:
            return UI_TEXT["feedback_nothing"], comment or ""
        last = conv.exchanges[-1]
        record = feedback_record(last.question, last.answer, rating, comment or "",
                                 store_question=self.settings.ui.store_questions,
                                 now=self._clock())
        try:
            append_feedback(self.settings.feedback_path, record)
        except OSError:
            log.exception("feedback failed path=%s", self.settings.feedback_path)
            return UI_TEXT["feedback_failed"], comment or ""
        return UI_TEXT["feedback_thanks"], ""

    def export(self, conv: Conversation | None) -> tuple[str | None, str]:
        """Write the conversation to a Markdown file: (path or None, status message)."""
        if conv is None or not conv.exchanges:
            return None, UI_TEXT["export_nothing"]
        now = self._clock()
        text = export_markdown(conv.exchanges, now.strftime("%Y-%m-%d %H:%M UTC"))
        folder = Path(tempfile.mkdtemp(prefix="gesprek-"))
        path = folder / f"gesprek-{now.strftime('%Y%m%d-%H%M%S')}.md"
        path.write_text(text, encoding="utf-8")
        return str(path), ""

    # --- documents ------------------------------------------------------------------------------
    def documents(self) -> list[DocInfo]:
        try:
            return list(self.assistant.documents())
        except Exception as e:  # noqa: BLE001 - the tab shows 'no documents'
            log.warning("documents failed error=%s", e)
            return []

    def documents_html(self) -> str:
        return render_documents(self.documents())

    def doc_choices(self) -> list[tuple[str, str]]:
        return [(d.title, d.doc) for d in self.documents()]

    def upload(self, files: Sequence[Any] | Any | None,
               progress: Callable[[int, int, str], None] | None = None) -> str:
        """Save uploaded files into the corpus folder and ingest them; a Dutch status."""
        if not self.settings.ui.allow_upload:
            return UI_TEXT["upload_off"]
        if not files:
            return UI_TEXT["upload_none"]
        items = files if isinstance(files, (list, tuple)) else [files]
        saved, messages = [], []
        for item in items:
            src, name = _upload_path_and_name(item)
            problem, target = self._accept_upload(src, name)
            if problem:
                messages.append(problem)
            else:
                saved.append(target)
        if not saved:
            return "<br>".join(messages)
        from ingest.pipeline import IngestError

        failed_key = "upload_failed"  # the file itself could not be read
        try:
            with self._ingest_lock:
                report = self._run_ingest(progress)
        except Exception as e:  # the boundary: undo the upload, say so in Dutch
            log.exception("upload ingest failed error=%s", type(e).__name__)
            failed = {t.name for t in saved}
            if isinstance(e, IngestError):  # the index, not the file (another setup, say)
                failed_key = "upload_index_failed"
        else:
            failed = {name for name, _ in getattr(report, "skipped", [])} & {t.name for t in saved}
            self._refresh_assistant()
        for target in saved:
            if target.name in failed:
                target.unlink(missing_ok=True)
                messages.append(UI_TEXT[failed_key].format(name=esc(target.name)))
            else:
                messages.append(UI_TEXT["upload_done"].format(name=esc(target.name)))
        return "<br>".join(messages)

    def _accept_upload(self, src: Path | None, name: str) -> tuple[str | None, Path | None]:
        shown = esc(name)
        safe = safe_upload_name(name)
        if src is None or safe is None:
            return UI_TEXT["upload_bad_name"].format(name=shown), None
        if Path(safe).suffix.lower() not in UPLOAD_KINDS:
            return UI_TEXT["upload_bad_kind"].format(name=shown), None
        size_mb = src.stat().st_size / 1_000_000
        limit = self.settings.limits.max_file_mb
        if size_mb > limit:
            return UI_TEXT["upload_too_big"].format(name=shown, mb=size_mb, limit=limit), None
        data = src.read_bytes()
        if Path(safe).suffix.lower() == ".pdf":
            if not data.startswith(b"%PDF-"):
                return UI_TEXT["upload_not_pdf"].format(name=shown), None
        elif b"\x00" in data or not _is_utf8(data):
            return UI_TEXT["upload_not_text"].format(name=shown), None
        corpus = Path(self.settings.corpus_dir)
        target = corpus / safe
        if target.resolve().parent != corpus.resolve():
            return UI_TEXT["upload_bad_name"].format(name=shown), None
        if target.exists():
            return UI_TEXT["upload_exists"].format(name=shown), None
        corpus.mkdir(parents=True, exist_ok=True)
        tmp = corpus / f".upload-{os.getpid()}-{safe}.part"
        tmp.write_bytes(data)
        os.replace(tmp, target)
        log.info("upload saved name=%s bytes=%d", safe, len(data))
        return None, target

    def _refresh_assistant(self) -> None:
        """Let the assistant pick up the new index now (it also does so on the next question)."""
        refresh = getattr(getattr(self.assistant, "index", None), "refresh", None)
        if callable(refresh):
            try:
                refresh()
            except Exception as e:  # noqa: BLE001 - the next question refreshes again
                log.warning("refresh after upload failed error=%s", e)

    def _run_ingest(self, progress: Callable[[int, int, str], None] | None) -> Any:
        ingest = self._ingest
        if ingest is None:
            from ingest.pipeline import run_ingest as ingest

        def waiting() -> None:  # another ingest (the CLI, a second app instance) goes first
            if progress is not None:
                progress(0, 1, "waiting")

        return ingest(self.settings, progress=progress, on_wait=waiting)

    # --- API ----------------------------------------------------------------------------------
    def ask_api(self, question: str, style: str = "leraar") -> tuple[str, list[dict]]:
        """Answer for API clients: (answer text, sources with n, title, section, page, quote)."""
        problem = validate_question(question)
        if problem:
            return problem, []
        style_key = STYLE_LABELS.get(style, style if style in STYLES else "leraar")
        try:
            answer = self.assistant.ask(question.strip(), style=style_key)
        except Exception as e:
            log.exception("api ask failed error=%s", type(e).__name__)
            return error_message(e), []
        return plain_answer(answer), sources_json(answer)


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _upload_path_and_name(item: Any) -> tuple[Path | None, str]:
    """Gradio hands uploads over as paths (str) or objects with ``.name``; also (path, name)."""
    if isinstance(item, tuple):
        path, name = item
        return Path(path), name
    path = getattr(item, "name", item)
    if not isinstance(path, (str, os.PathLike)):
        return None, ""
    original = getattr(item, "orig_name", None)
    return Path(path), original or Path(path).name
