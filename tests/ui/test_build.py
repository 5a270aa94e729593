"""The UI builds without launching; app.py wires settings -> assistant -> UI."""

from __future__ import annotations

import gradio as gr
import pytest
from pydantic import SecretStr

import app
from assistant.ui import ASK_API_NAME, build_ui, launch_options

pytestmark = pytest.mark.slow


def public_endpoints(demo: gr.Blocks) -> set[str]:
    return set(demo.get_api_info()["named_endpoints"])


def test_build_ui_returns_blocks_with_only_the_ask_endpoint(assistant_session, settings_session):
    demo = build_ui(assistant_session, settings_session)
    assert isinstance(demo, gr.Blocks)
    assert public_endpoints(demo) == {f"/{ASK_API_NAME}"}
    params = demo.get_api_info()["named_endpoints"][f"/{ASK_API_NAME}"]["parameters"]
    assert [p["parameter_name"] for p in params] == ["question", "style"]
    assert demo.share is False


def test_upload_controls_only_when_allowed(assistant_session, settings_session):
    def has_upload(demo: gr.Blocks) -> bool:
        return any(getattr(b, "elem_id", None) == "upload" for b in demo.blocks.values())

    assert not has_upload(build_ui(assistant_session, settings_session))
    allowed = settings_session.model_copy(deep=True)
    allowed.ui.allow_upload = True
    assert has_upload(build_ui(assistant_session, allowed))


def test_app_builds_the_whole_app_from_settings_without_launching(settings_session):
    demo = app.build_app(settings_session)
    assert isinstance(demo, gr.Blocks)
    assert f"/{ASK_API_NAME}" in public_endpoints(demo)


def test_app_ensure_index_leaves_an_existing_index_alone(settings_session):
    from assistant.factory import build_store

    before = build_store(settings_session).manifest()["generation"]
    app.ensure_index(settings_session)
    assert build_store(settings_session).manifest()["generation"] == before


def test_launch_options_never_share_and_log_in_only_when_configured(settings_session):
    opts = launch_options(settings_session)
    assert opts["share"] is False and opts["server_name"] == "127.0.0.1"
    assert opts["server_port"] == 7860 and "auth" not in opts
    s = settings_session.model_copy(deep=True)
    s.ui.username, s.ui.password = "school", SecretStr("geheim")
    assert launch_options(s)["auth"] == ("school", "geheim")


def test_app_arguments():
    args = app.parse_args(["--data", "/tmp/x", "--port", "7999", "--host", "0.0.0.0"])
    assert (args.data, args.port, args.host) == ("/tmp/x", 7999, "0.0.0.0")
    assert app.parse_args([]).port is None
