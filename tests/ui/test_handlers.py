"""Handlers on the real assistant (session index), without launching a server."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import pytest

from assistant.ui_handlers import (
    Conversation,
    Prefs,
    UIHandlers,
    error_message,
    safe_upload_name,
)
from assistant.ui_render import STYLE_LABELS, UI_TEXT, VERDICTS, esc, esc_md, question_markdown
from tests.ui.conftest import SMALL_DOC, SYMBIOSE, run

pytestmark = pytest.mark.slow


def ask(h: UIHandlers, question: str, conv: Conversation | None = None,
        prefs: Prefs | None = None):
    steps = run(h.respond(question, [], conv or Conversation(), prefs or Prefs()))
    chat, sources, conv, _box = steps[-1]
    return steps, chat, sources, conv


def test_answer_streams_into_the_chat_and_its_sources_fill_the_panel(handlers):
    steps, chat, sources, conv = ask(handlers, SYMBIOSE)
    assert len(steps) >= 3  # searching, at least one partial sentence, the final answer
    assert steps[0][0][-1]["content"] == UI_TEXT["searching"]
    assert chat[0] == {"role": "user", "content": question_markdown(SYMBIOSE)}
    answer = conv.exchanges[0].answer
    assert answer.citations and not answer.abstained
    final = chat[-1]["content"]
    assert 'href="#bron-0-1"' in final
    partial = [s[0][-1]["content"] for s in steps[1:-1]]
    assert all(len(a) <= len(b) for a, b in itertools.pairwise(partial))
    for c in answer.citations:
        card = re.search(rf'<details class="bron" id="bron-0-{c.n}">.*?</details></div></details>',
                         sources, re.DOTALL)
        assert card, f"no card for [{c.n}]"
        marked = re.findall(r"<mark>(.*?)</mark>", card.group(0), re.DOTALL)
        assert len(marked) == 2  # in the passage and in the document view
        assert esc(c.title) in card.group(0)


def test_follow_up_keeps_the_conversation_and_folds_older_sources(handlers):
    _, _, _, conv = ask(handlers, SYMBIOSE)
    steps = run(handlers.respond("En is daar een maximale duur voor?", [], conv, Prefs()))
    _chat, sources, conv2, _ = steps[-1]
    assert len(conv2.exchanges) == 2
    assert conv2.exchanges[1].answer.query  # condensed with the history
    assert 'id="bron-1-1"' in sources and "bronnen-oud" in sources


def test_script_in_a_question_is_shown_as_text(handlers):
    _, chat, sources, _ = ask(handlers, "<script>alert('x')</script> wat is symbiose?")
    html = chat[0]["content"] + chat[-1]["content"] + sources
    assert "<script" not in html
    assert chat[0]["content"].startswith("&lt;script&#62;")


@pytest.mark.parametrize("nothing", ["   \n ", "???", "…"])
def test_empty_input_gets_a_dutch_message_and_the_assistant_is_not_asked(handlers, nothing):
    steps = run(handlers.respond(nothing, [], Conversation(), Prefs()))
    chat, _, conv, box = steps[-1]
    assert chat == [{"role": "assistant", "content": UI_TEXT["err_empty"]}]
    assert conv.exchanges == [] and box == ""


def test_huge_input_is_shortened_with_a_message(handlers, ui_settings):
    limit = ui_settings.limits.max_question_chars
    _, chat, _, conv = ask(handlers, "symbiose lesprogramma " * 10_000)
    answer = conv.exchanges[0].answer
    assert answer.notice
    assert chat[-1]["content"].startswith(f"_{esc_md(answer.notice)}_")
    assert len(chat[0]["content"]) <= limit + 2


def test_style_is_remembered_and_changes_the_answer(handlers):
    prefs = handlers.set_style("Ouder", Prefs())
    assert prefs.style == STYLE_LABELS["Ouder"]
    prefs = handlers.set_docs(["x.txt"], prefs)
    assert prefs == Prefs(style="ouder", docs=["x.txt"])
    texts = {}
    for label in STYLE_LABELS:
        _, _, _, conv = ask(handlers, SYMBIOSE, prefs=handlers.set_style(label, Prefs()))
        texts[label] = conv.exchanges[0].answer.text
        assert conv.exchanges[0].answer.style == STYLE_LABELS[label]
    assert len(set(texts.values())) == len(texts)


def test_document_filter_limits_the_sources(handlers, assistant_session):
    doc = next(d.doc for d in assistant_session.documents() if d.doc == SMALL_DOC)
    prefs = handlers.set_docs([doc], Prefs())
    _, _, _, conv = ask(handlers, "Welke samenwerkingsvormen zijn er?", prefs=prefs)
    answer = conv.exchanges[0].answer
    assert answer.passages and {p.chunk.doc for p in answer.passages} == {doc}


def test_citation_check_verbatim_and_with_a_changed_number(handlers):
    _, _, _, conv = ask(handlers, SYMBIOSE)
    quote = next(c.quote for c in conv.exchanges[0].answer.citations if re.search(r"\d", c.quote))
    same = handlers.check(quote)
    assert VERDICTS["verbatim"][0] in same and f"<mark>{esc(quote)}</mark>" in same
    digit = re.search(r"\d", quote)
    changed = quote[:digit.start()] + str((int(digit.group()) + 3) % 10) + quote[digit.end():]
    diff = handlers.check(changed)
    assert VERDICTS["different"][0] in diff
    assert "<del>" in diff and "<ins>" in diff
    assert UI_TEXT["err_check_empty"] in handlers.check("  ")


def test_a_pasted_statement_in_the_chat_gets_a_verdict_and_a_card(handlers):
    _, _chat, sources, conv = ask(
        handlers, "Klopt het dat 'Er mag in principe 50% van het lesprogramma op de andere "
                  "school worden gevolgd'?")
    assert conv.exchanges[0].answer.check is not None
    assert 'class="check check-' in sources and 'id="bron-0-1"' in sources


def test_feedback_is_appended_with_question_answer_and_citations(handlers, ui_settings):
    assert handlers.feedback("up", "", Conversation())[0] == UI_TEXT["feedback_nothing"]
    _, _, _, conv = ask(handlers, SYMBIOSE)
    status, box = handlers.feedback("down", "Te lang <b>", conv)
    assert status == UI_TEXT["feedback_thanks"] and box == ""
    lines = ui_settings.feedback_path.read_text(encoding="utf-8").splitlines()
    rec = json.loads(lines[-1])
    assert rec["question"] == SYMBIOSE and rec["rating"] == "down"
    assert rec["comment"] == "Te lang <b>"
    assert rec["answer"] == conv.exchanges[0].answer.text
    assert [c["quote"] for c in rec["citations"]] == [c.quote for c in
                                                      conv.exchanges[0].answer.citations]


def test_feedback_without_questions_when_the_setting_is_off(assistant_session, ui_settings):
    ui_settings.ui.store_questions = False
    h = UIHandlers(assistant_session, ui_settings)
    _, _, _, conv = ask(h, SYMBIOSE)
    h.feedback("up", "", conv)
    rec = json.loads(ui_settings.feedback_path.read_text(encoding="utf-8").splitlines()[-1])
    assert "question" not in rec and rec["rating"] == "up"


def test_export_writes_markdown_with_the_sources(handlers):
    assert handlers.export(Conversation()) == (None, UI_TEXT["export_nothing"])
    _, _, _, conv = ask(handlers, SYMBIOSE)
    path, msg = handlers.export(conv)
    text = Path(path).read_text(encoding="utf-8")
    assert path.endswith(".md") and msg == ""
    assert esc(SYMBIOSE) in text
    for c in conv.exchanges[0].answer.citations:
        assert esc(c.quote) in text and esc(c.reference()) in text


def test_api_answer_and_sources(handlers):
    text, sources = handlers.ask_api(SYMBIOSE, "Leraar")
    assert "[1]" in text and sources
    assert {"n", "title", "section", "page", "quote"} <= set(sources[0])
    assert handlers.ask_api("", "ouder") == (UI_TEXT["err_empty"], [])


def test_documents_tab_lists_the_corpus(handlers, assistant_session):
    html = handlers.documents_html()
    for d in assistant_session.documents():
        assert esc(d.title) in html
    assert [doc for _, doc in handlers.doc_choices()] == [d.doc for d in
                                                         assistant_session.documents()]


# --- errors -----------------------------------------------------------------------------------

def test_error_messages_are_short_dutch_sentences():
    from assistant.index import NoIndexError

    assert error_message(NoIndexError("no index yet")) == UI_TEXT["err_no_index"]
    assert error_message(ConnectionError("refused")) == UI_TEXT["err_backend"]
    assert error_message(TimeoutError()) == UI_TEXT["err_backend"]
    assert error_message(ValueError("boom")) == UI_TEXT["err_general"]


def test_an_unusable_index_becomes_a_message_and_the_app_keeps_answering(small_index, embedder):
    """Someone re-ingests with another embedding model while the app runs: the index no longer
    fits; each question gets a short Dutch message, and answers return once it fits again."""
    from assistant.factory import build_assistant, build_store

    h = UIHandlers(build_assistant(small_index, embedder=embedder), small_index)
    store = build_store(small_index)
    good = store.manifest()
    store.write_manifest({**good, "model_id": "een-ander-model", "generation": "later"})
    steps = run(h.respond("Welke samenwerkingsvormen zijn er?", [], Conversation(), Prefs()))
    chat, _, conv, _ = steps[-1]
    assert chat[-1] == {"role": "assistant", "content": UI_TEXT["err_no_index"]}
    assert conv.exchanges == []
    assert h.ask_api("Welke samenwerkingsvormen zijn er?") == (UI_TEXT["err_no_index"], [])
    store.write_manifest(good)
    steps = run(h.respond("Welke samenwerkingsvormen zijn er?", [], conv, Prefs()))
    assert steps[-1][2].exchanges and steps[-1][2].exchanges[0].answer.citations


def test_an_llm_backend_that_does_not_answer_still_gives_a_cited_answer(small_index, embedder):
    import socket

    from assistant.factory import build_assistant

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings = small_index.model_copy(deep=True)
    settings.llm.kind, settings.llm.url, settings.llm.model = "openai", \
        f"http://127.0.0.1:{port}/v1", "niemand"
    settings.llm.timeout_s = 2.0
    h = UIHandlers(build_assistant(settings, embedder=embedder), settings)
    steps = run(h.respond("Welke samenwerkingsvormen zijn er?", [], Conversation(), Prefs()))
    chat, sources, conv, _ = steps[-1]
    assert conv.exchanges and 'id="bron-0-1"' in sources
    assert "href=\"#bron-0-1\"" in chat[-1]["content"]


# --- upload -----------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["../evil.txt", "/etc/evil.txt", "a/b.txt", "..\\x.txt",
                                  ".hidden.txt", "", "x\x00.txt", "a..b.txt"])
def test_unsafe_upload_names_are_refused(name):
    assert safe_upload_name(name) is None


def test_plain_upload_names_are_kept():
    assert safe_upload_name("Rapport inclusie (2025).pdf") == "Rapport inclusie (2025).pdf"


def upload_file(tmp_path: Path, name: str, data: bytes) -> tuple[str, str]:
    src = tmp_path / "incoming" / "f.bin"
    src.parent.mkdir(exist_ok=True)
    src.write_bytes(data)
    return str(src), name


def test_upload_is_off_by_default(small_index, tmp_path, embedder):
    from assistant.factory import build_assistant

    h = UIHandlers(build_assistant(small_index, embedder=embedder), small_index)
    assert h.upload([upload_file(tmp_path, "a.txt", b"tekst")]) == UI_TEXT["upload_off"]
    assert not (small_index.corpus_dir / "a.txt").exists()


def test_bad_uploads_get_a_dutch_message_and_nothing_changes(small_index, tmp_path, embedder,
                                                              ingest_with_session_embedder):
    from assistant.factory import build_assistant

    small_index.ui.allow_upload = True
    small_index.limits.max_file_mb = 0.01
    h = UIHandlers(build_assistant(small_index, embedder=embedder), small_index,
                   ingest=ingest_with_session_embedder)
    before = sorted(p.name for p in small_index.corpus_dir.iterdir())
    cases = {
        "../../x.txt": UI_TEXT["upload_bad_name"].split("'")[0],
        "x.exe": UI_TEXT["upload_bad_kind"].split("'{name}'")[1][:10],
        "nep.pdf": UI_TEXT["upload_not_pdf"].split("'{name}'")[1],
        "latin.txt": UI_TEXT["upload_not_text"].split("'{name}'")[1],
        "groot.txt": UI_TEXT["upload_too_big"].split("'{name}'")[1][:10],
        SMALL_DOC: UI_TEXT["upload_exists"].split("'")[0],
    }
    data = {"nep.pdf": b"MZ\x90\x00 not a pdf", "latin.txt": "café".encode("latin-1"),
            "groot.txt": b"a" * 20_000}
    for name, expected in cases.items():
        msg = h.upload([upload_file(tmp_path, name, data.get(name, b"Gewone tekst."))])
        assert expected in msg, (name, msg)
        assert "<script" not in msg
    assert sorted(p.name for p in small_index.corpus_dir.iterdir()) == before
    assert h.upload(None) == UI_TEXT["upload_none"]


def test_upload_is_saved_and_ingested_and_a_broken_pdf_is_rolled_back(
        small_index, tmp_path, embedder, ingest_with_session_embedder):
    from assistant.factory import build_assistant

    small_index.ui.allow_upload = True
    assistant = build_assistant(small_index, embedder=embedder)
    h = UIHandlers(assistant, small_index, ingest=ingest_with_session_embedder)
    text = ("# Nieuwe notitie over thuiszitters\n\nScholen melden thuiszitters binnen vier weken "
            "bij het samenwerkingsverband. Het samenwerkingsverband maakt dan een plan.\n")
    progress = []
    msg = h.upload([upload_file(tmp_path, "notitie-thuiszitters.md", text.encode())],
                   progress=lambda d, t, m="": progress.append((d, t)))
    assert msg == UI_TEXT["upload_done"].format(name="notitie-thuiszitters.md")
    assert progress and progress[-1][0] == progress[-1][1]
    assert "notitie-thuiszitters.md" in [d.doc for d in assistant.documents()]

    broken = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF"
    msg = h.upload([upload_file(tmp_path, "kapot.pdf", broken)])
    assert msg == UI_TEXT["upload_failed"].format(name="kapot.pdf")
    assert not (small_index.corpus_dir / "kapot.pdf").exists()
    docs = [d.doc for d in assistant.documents()]
    assert "kapot.pdf" not in docs and "notitie-thuiszitters.md" in docs


def test_an_upload_waits_for_a_running_ingest_and_says_so(small_index, tmp_path, embedder,
                                                         ingest_with_session_embedder):
    from filelock import FileLock

    from assistant.factory import build_assistant

    small_index.ui.allow_upload = True
    h = UIHandlers(build_assistant(small_index, embedder=embedder), small_index,
                   ingest=ingest_with_session_embedder)
    running = FileLock(str(small_index.data_dir / "ingest.lock"))  # as `python -m ingest` holds it
    running.acquire()
    messages = []

    def progress(done, total, message=""):
        messages.append(message)
        if message == "waiting":
            running.release()  # the other ingest ends

    text = "# Notitie\n\nScholen melden thuiszitters binnen vier weken bij het swv.\n"
    msg = h.upload([upload_file(tmp_path, "notitie.md", text.encode())], progress=progress)
    assert messages[0] == "waiting" and not running.is_locked
    assert msg == UI_TEXT["upload_done"].format(name="notitie.md")


def test_an_upload_the_index_cannot_take_says_so_and_is_not_kept(small_index, tmp_path,
                                                                 embedder):
    """The file is fine; the index was built with another chunker (an update), so the ingest
    refuses until it is rebuilt: no "beschadigd" for a good file."""
    import functools

    from assistant.factory import build_assistant
    from ingest.chunking import ChunkParams
    from ingest.pipeline import run_ingest

    small_index.ui.allow_upload = True
    other_chunker = functools.partial(run_ingest, embedder=embedder,
                                      params=ChunkParams(target_chars=500))
    h = UIHandlers(build_assistant(small_index, embedder=embedder), small_index,
                   ingest=other_chunker)
    msg = h.upload([upload_file(tmp_path, "notitie.md", b"# Notitie\n\nGewone tekst.\n")])
    assert msg == UI_TEXT["upload_index_failed"].format(name="notitie.md")
    assert not (small_index.corpus_dir / "notitie.md").exists()
