"""A scripted OpenAI-compatible server on 127.0.0.1 (real HTTP, stdlib only).

``POST /v1/chat/completions`` answers from a script: a list of replies used in turn (the last
one repeats) or a function of the request body. A reply is the assistant's text, or a
``Fail(status)`` to answer with an HTTP error. ``stream: true`` is answered as server-sent
events. ``GET /v1/models`` lists the one model. Every request body is recorded in ``requests``.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

MODEL = "scripted-model"


@dataclass(frozen=True)
class Fail:
    """Answer the request with this HTTP status and an OpenAI-style error body."""

    status: int = 500
    message: str = "scripted failure"


Reply = str | Fail
Script = list[Reply] | Callable[[dict], Reply]


class ScriptedOpenAIServer:
    def __init__(self, script: Script | None = None) -> None:
        self.script: Script = script if script is not None else ["Dit staat niet in de documenten."]
        self.requests: list[dict] = []
        self._calls = 0
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self) -> ScriptedOpenAIServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def set_script(self, script: Script) -> None:
        with self._lock:
            self.script, self._calls = script, 0

    def next_reply(self, body: dict) -> Reply:
        with self._lock:
            self.requests.append(body)
            if callable(self.script):
                return self.script(body)
            reply = self.script[min(self._calls, len(self.script) - 1)]
            self._calls += 1
            return reply

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args) -> None:
                pass

            def do_GET(self) -> None:
                if self.path.rstrip("/") == "/v1/models":
                    self._json(200, {"object": "list", "data": [
                        {"id": MODEL, "object": "model", "created": 0, "owned_by": "tests"}]})
                else:
                    self._json(404, _error("not found", 404))

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                if self.path.rstrip("/") != "/v1/chat/completions":
                    self._json(404, _error("not found", 404))
                    return
                reply = server.next_reply(body)
                if isinstance(reply, Fail):
                    self._json(reply.status, _error(reply.message, reply.status))
                elif body.get("stream"):
                    self._sse(_chunks(reply, body.get("model", MODEL)))
                else:
                    self._json(200, _completion(reply, body.get("model", MODEL)))

            def _json(self, status: int, payload: dict) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _sse(self, events: Iterator[dict]) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Cache-Control", "no-cache")
                self.send_header("Connection", "close")
                self.end_headers()
                for event in events:
                    self.wfile.write(f"data: {json.dumps(event)}\n\n".encode())
                self.wfile.write(b"data: [DONE]\n\n")
                self.wfile.flush()
                self.close_connection = True

        return Handler


def _error(message: str, status: int) -> dict:
    return {"error": {"message": message, "type": "server_error", "code": status}}


def _completion(text: str, model: str) -> dict:
    return {
        "id": "chatcmpl-scripted", "object": "chat.completion", "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "finish_reason": "stop",
                     "message": {"role": "assistant", "content": text}}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


def _chunks(text: str, model: str) -> Iterator[dict]:
    base = {"id": "chatcmpl-scripted", "object": "chat.completion.chunk",
            "created": int(time.time()), "model": model}
    words = text.split(" ")
    for i, word in enumerate(words):
        piece = word if i == len(words) - 1 else word + " "
        delta = {"role": "assistant", "content": piece} if i == 0 else {"content": piece}
        yield {**base, "choices": [{"index": 0, "delta": delta, "finish_reason": None}]}
    yield {**base, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}


@contextmanager
def running_server(script: Script | None = None) -> Iterator[ScriptedOpenAIServer]:
    """A started server, stopped on exit."""
    server = ScriptedOpenAIServer(script).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def openai_server() -> Iterator[ScriptedOpenAIServer]:
    """A running scripted server; set its script with ``openai_server.set_script([...])``.

    Register it with ``pytest_plugins = ["tests.fakes.openai_server"]`` in the root conftest.
    """
    with running_server() as server:
        yield server
