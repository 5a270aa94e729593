"""The Gradio web UI: chat with source cards, citation check, documents, feedback and export.

``build_ui(assistant, settings)`` wires components to :class:`UIHandlers`; it does not launch.
``launch_options(settings)`` holds what ``Blocks.launch`` needs (CSS, the small script that makes
[n] open its source card, login, upload size). The API endpoint ``/ask`` (``ASK_API_NAME``)
answers ``(question, style) -> (answer text, sources)`` for ``gradio_client``.
"""

# No ``from __future__ import annotations`` here: gr.api reads the real type hints of ``ask``.

import logging
from collections.abc import Callable
from typing import Any

import gradio as gr

from assistant.config import Settings
from assistant.ui_handlers import AssistantLike, Conversation, Prefs, UIHandlers
from assistant.ui_render import EXAMPLES, LABEL_OF_STYLE, STYLE_LABELS, UI_TEXT, render_sources

log = logging.getLogger(__name__)

ASK_API_NAME = "ask"
PRIVATE = "private"

CSS = """
.app-intro p { font-size: 1.05em; }
#bronnen .bronnen h3 { margin: 0 0 .4em 0; }
#bronnen .bron { border: 1px solid var(--border-color-primary); border-radius: 8px;
  margin: .5em 0; padding: .2em .75em; background: var(--background-fill-secondary); }
#bronnen summary { cursor: pointer; padding: .45em 0; }
#bronnen .bron > summary { font-weight: 600; }
#bronnen .bron-meta { display: block; font-weight: 400; font-size: .9em;
  color: var(--body-text-color-subdued); }
#bronnen .bron-passage { margin: .4em 0; padding-left: .75em;
  border-left: 3px solid var(--color-accent); }
#bronnen .bron-context { max-height: 24em; overflow: auto; font-size: .95em;
  padding: .25em .75em; border: 1px dashed var(--border-color-primary); border-radius: 6px; }
#bronnen .bronnen-vraag { font-style: italic; color: var(--body-text-color-subdued); }
#bronnen .bronnen-oud { margin-top: 1em; }
mark { background: #ffe066; color: #111; padding: 0 .1em; border-radius: 2px; }
a.cite { font-weight: 700; text-decoration: none; white-space: nowrap; }
summary:focus-visible, a.cite:focus-visible, button:focus-visible {
  outline: 3px solid #1f6feb; outline-offset: 2px; }
.check del { background: #ffd7d5; color: #111; }
.check ins { background: #c9f5d1; color: #111; text-decoration: none; }
.check .verdict-label { font-weight: 700; padding: .1em .5em; border-radius: 4px; color: #111; }
.check-verbatim .verdict-label { background: #c9f5d1; }
.check-different .verdict-label { background: #ffe9a8; }
.check-not_found .verdict-label { background: #ffd7d5; }
.check table.diffs { border-collapse: collapse; margin-top: .5em; }
.check table.diffs td, .check table.diffs th { border: 1px solid var(--border-color-primary);
  padding: .25em .5em; vertical-align: top; }
.docs-wrap { overflow-x: auto; }
#documenten table.docs { border-collapse: collapse; width: 100%; border: none; }
#documenten table.docs th, #documenten table.docs td { border: none;
  border-bottom: 1px solid var(--border-color-primary); padding: .4em .5em; text-align: left;
  vertical-align: top; }
#documenten table.docs td:first-child { font-weight: 600; }
#documenten table.docs small { font-weight: 400; color: var(--body-text-color-subdued); }
.privacy-note { font-size: .9em; color: var(--body-text-color-subdued); }
@media (max-width: 640px) {
  #documenten table.docs thead { display: none; }
  #documenten table.docs tr { display: block; padding: .5em 0;
    border-bottom: 1px solid var(--border-color-primary); }
  #documenten table.docs td { display: block; border: none; padding: .1em 0; }
  #documenten table.docs td[data-label]::before { content: attr(data-label) ": ";
    color: var(--body-text-color-subdued); }
  #bronnen .bron-context { max-height: 16em; }
}
"""

# Clicking [n] in an answer opens (and scrolls to, and focuses) source card n.
HEAD = """
<script>
document.addEventListener('click', function (ev) {
  var a = ev.target && ev.target.closest ? ev.target.closest('a[href^="#bron-"]') : null;
  if (!a) return;
  var card = document.getElementById(a.getAttribute('href').slice(1));
  ev.preventDefault();
  ev.stopPropagation();
  if (!card) return;
  for (var el = card; el; el = el.parentElement) { if (el.tagName === 'DETAILS') el.open = true; }
  card.scrollIntoView({behavior: 'smooth', block: 'start'});
  var s = card.querySelector('summary');
  if (s) s.focus({preventScroll: true});
}, true);
</script>
"""


def examples_for(style: str) -> list[dict]:
    return [{"text": q} for q in EXAMPLES.get(style, EXAMPLES["leraar"])]


def launch_options(settings: Settings) -> dict[str, Any]:
    """Keyword arguments for ``Blocks.launch``: never shared, login when configured."""
    opts: dict[str, Any] = {
        "server_name": settings.ui.host,
        "server_port": settings.ui.port,
        "share": False,
        "css": CSS,
        "head": HEAD,
        "max_file_size": f"{int(settings.limits.max_file_mb)}mb",
        "show_error": False,
    }
    password = settings.ui.password.get_secret_value()
    if settings.ui.username and password:
        opts["auth"] = (settings.ui.username, password)
    return opts


def build_ui(assistant: AssistantLike, settings: Settings,
             ingest: Callable[..., Any] | None = None) -> gr.Blocks:
    """The whole UI, wired to ``assistant``; call ``.launch(**launch_options(settings))``."""
    h = UIHandlers(assistant, settings, ingest=ingest)
    default_style = settings.answer.style
    with gr.Blocks(title=UI_TEXT["title"], analytics_enabled=False) as demo:
        conv = gr.State(Conversation())
        prefs = gr.State(Prefs(style=default_style))
        gr.Markdown(f"# {UI_TEXT['title']}\n\n{UI_TEXT['intro']}", elem_classes="app-intro")
        # "wrap": on a phone every tab stays visible; gradio's default hides the ones that
        # do not fit behind a "…" menu, measured at load, so it depends on font timing
        with gr.Tabs(overflow_behavior="wrap"):
            with gr.Tab(UI_TEXT["tab_chat"], id="chat"):
                doc_filter = _chat_tab(h, conv, prefs, default_style)
            with gr.Tab(UI_TEXT["tab_check"], id="check"):
                _check_tab(h, prefs)
            with gr.Tab(UI_TEXT["tab_docs"], id="docs"):
                docs_html = _docs_tab(h, settings, doc_filter)
        demo.load(h.documents_html, outputs=docs_html, api_visibility=PRIVATE)

        def ask(question: str, style: str = "leraar") -> tuple[str, list[dict]]:
            """Ask a question; returns the answer text and its sources (n, title, section,
            page, quote). style: ouder, leraar or beleid."""
            return h.ask_api(question, style)

        gr.api(ask, api_name=ASK_API_NAME)
    return demo


def _chat_tab(h: UIHandlers, conv: gr.State, prefs: gr.State,
              default_style: str) -> gr.CheckboxGroup:
    """The chat tab; returns the document filter (the documents tab updates its choices)."""
    # Row wraps on a phone: chat and input, then the sources, then feedback and export.
    with gr.Row(equal_height=False):
        with gr.Column(scale=3, min_width=320):
            style = gr.Radio(choices=list(STYLE_LABELS), value=LABEL_OF_STYLE[default_style],
                             label=UI_TEXT["style_label"], info=UI_TEXT["style_info"],
                             elem_id="stijl")
            with gr.Accordion(UI_TEXT["docs_accordion"], open=False):
                doc_filter = gr.CheckboxGroup(choices=h.doc_choices(), value=[],
                                              label=UI_TEXT["docs_label"],
                                              info=UI_TEXT["docs_info"], elem_id="docfilter")
            chatbot = gr.Chatbot(label=UI_TEXT["chat_label"], height=480, elem_id="chat",
                                 placeholder=UI_TEXT["chat_placeholder"],
                                 examples=examples_for(default_style), latex_delimiters=[],
                                 feedback_options=None, buttons=["copy"], sanitize_html=True)
            with gr.Row(equal_height=True):
                box = gr.Textbox(label=UI_TEXT["input_label"], elem_id="vraag",
                                 placeholder=UI_TEXT["input_placeholder"], lines=1,
                                 max_lines=6, scale=5, min_width=200, autofocus=True)
                send = gr.Button(UI_TEXT["send"], variant="primary", scale=1, min_width=110,
                                 elem_id="verstuur")
        with gr.Column(scale=2, min_width=300):
            sources = gr.HTML(render_sources([]), elem_id="bronnen", js_on_load=None)
    new = _feedback_row(h, conv)

    outputs = [chatbot, sources, conv, box]
    chat_inputs = [box, chatbot, conv, prefs]
    box.submit(h.respond, chat_inputs, outputs, api_visibility=PRIVATE)
    send.click(h.respond, chat_inputs, outputs, api_visibility=PRIVATE)
    chatbot.example_select(_example_text, None, box, api_visibility=PRIVATE).then(
        h.respond, chat_inputs, outputs, api_visibility=PRIVATE)
    style.change(h.set_style, [style, prefs], prefs, api_visibility=PRIVATE).then(
        lambda p: gr.Chatbot(examples=examples_for(p.style)), prefs, chatbot,
        api_visibility=PRIVATE)
    doc_filter.change(h.set_docs, [doc_filter, prefs], prefs, api_visibility=PRIVATE)
    chatbot.clear(h.new_chat, None, outputs, api_visibility=PRIVATE)
    new.click(h.new_chat, None, outputs, api_visibility=PRIVATE)
    return doc_filter


def _example_text(evt: gr.SelectData) -> str:
    value = evt.value
    return value.get("text", "") if isinstance(value, dict) else str(value or "")


def _feedback_row(h: UIHandlers, conv: gr.State) -> gr.Button:
    """Feedback buttons, export and 'new chat'; returns the 'new chat' button."""
    note = UI_TEXT["feedback_privacy" if h.settings.ui.store_questions else
                   "feedback_privacy_noq"]
    with gr.Column(elem_id="feedback", variant="panel"):
        gr.Markdown(f"**{UI_TEXT['feedback_title']}**")
        with gr.Row():
            up = gr.Button(UI_TEXT["feedback_up"], size="md", min_width=120, elem_id="fb-up")
            down = gr.Button(UI_TEXT["feedback_down"], size="md", min_width=120,
                             elem_id="fb-down")
        comment = gr.Textbox(label=UI_TEXT["feedback_comment"], lines=1, max_lines=4,
                             elem_id="fb-comment", max_length=2000)
        gr.Markdown(note, elem_classes="privacy-note")
        status = gr.Markdown("", elem_id="fb-status")
    with gr.Row():
        export = gr.Button(UI_TEXT["export"], size="sm", elem_id="export")
        new = gr.Button(UI_TEXT["new_chat"], size="sm", elem_id="new-chat")
    export_file = gr.File(label=UI_TEXT["export_file"], visible=False, elem_id="export-file")
    export_msg = gr.Markdown()

    up.click(lambda c, v: h.feedback("up", c, v), [comment, conv], [status, comment],
             api_visibility=PRIVATE)
    down.click(lambda c, v: h.feedback("down", c, v), [comment, conv], [status, comment],
               api_visibility=PRIVATE)

    def do_export(v: Conversation) -> tuple[Any, str]:
        path, msg = h.export(v)
        return gr.File(value=path, visible=path is not None), msg

    export.click(do_export, conv, [export_file, export_msg], api_visibility=PRIVATE)
    new.click(lambda: (gr.File(value=None, visible=False), ""), None,
              [export_file, export_msg], api_visibility=PRIVATE)
    return new


def _check_tab(h: UIHandlers, prefs: gr.State) -> None:
    gr.Markdown(UI_TEXT["check_intro"])
    statement = gr.Textbox(label=UI_TEXT["check_label"], lines=3, max_lines=10,
                           placeholder=UI_TEXT["check_placeholder"], elem_id="citaat")
    button = gr.Button(UI_TEXT["check_button"], variant="primary", elem_id="controleer")
    result = gr.HTML("", elem_id="check-result", js_on_load=None)
    button.click(h.check, [statement, prefs], result, api_visibility=PRIVATE)
    statement.submit(h.check, [statement, prefs], result, api_visibility=PRIVATE)


def _docs_tab(h: UIHandlers, settings: Settings, doc_filter: gr.CheckboxGroup) -> gr.HTML:
    gr.Markdown(UI_TEXT["docs_intro"])
    docs_html = gr.HTML(h.documents_html(), elem_id="documenten", js_on_load=None)
    if settings.ui.allow_upload:
        files = gr.File(label=UI_TEXT["upload_label"], file_count="multiple",
                        file_types=[".pdf", ".txt", ".md"], type="filepath", elem_id="upload")
        button = gr.Button(UI_TEXT["upload_button"], elem_id="upload-button")
        status = gr.Markdown(elem_id="upload-status")

        def upload(paths: list[str] | None, progress=gr.Progress()) -> tuple:  # noqa: B008
            def report(done: int, total: int, message: str = "") -> None:
                desc = UI_TEXT["upload_waiting" if message == "waiting" else "upload_busy"]
                progress((done, max(total, 1)), desc=desc)

            message = h.upload(paths, progress=report)
            return (message, h.documents_html(), gr.File(value=None),
                    gr.CheckboxGroup(choices=h.doc_choices()))

        button.click(upload, files, [status, docs_html, files, doc_filter],
                     api_visibility=PRIVATE)
    return docs_html
