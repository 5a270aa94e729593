"""Start and stop a local Chroma server (``chroma run``) for tests, CI or several app instances.

    python scripts/chroma_server.py --path DIR [--port P]     # runs until Ctrl-C

From Python (the robustness tests do this)::

    with ChromaServer(tmp_path / "chroma") as server:
        settings.store.host, settings.store.port = server.host, server.port

The server listens on 127.0.0.1 only, with Chroma's telemetry off; ``start`` waits until
``/api/v2/heartbeat`` answers and fails with the server's own log when it does not.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Self

STARTUP_SECONDS = 60.0


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def chroma_executable() -> str:
    """The ``chroma`` CLI next to this Python (the venv), else the one on PATH."""
    here = Path(sys.executable).with_name("chroma")
    if here.exists():
        return str(here)
    found = shutil.which("chroma")
    if not found:
        raise FileNotFoundError("the `chroma` command is missing: pip install chromadb")
    return found


class ChromaServer:
    """One ``chroma run`` subprocess on ``host:port`` storing its data in ``path``."""

    def __init__(self, path: Path, host: str = "127.0.0.1", port: int | None = None,
                 log_path: Path | None = None):
        self.path = Path(path)
        self.host = host
        self.port = port or free_port(host)
        self.log_path = log_path or self.path.with_name(self.path.name + "-server.log")
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def alive(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/api/v2/heartbeat", timeout=2) as r:
                return r.status == 200
        except OSError:
            return False

    def start(self, timeout: float = STARTUP_SECONDS) -> ChromaServer:
        self.path.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "ANONYMIZED_TELEMETRY": "False"}
        cmd = [chroma_executable(), "run", "--path", str(self.path), "--host", self.host,
               "--port", str(self.port)]
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env,
                                         stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"chroma run exited with {self.proc.returncode}:\n"
                                   f"{self._log_tail()}")
            if self.alive():
                return self
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"chroma run did not answer on {self.url} within {timeout:g}s:\n"
                           f"{self._log_tail()}")

    def stop(self, timeout: float = 15.0) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=5)

    def _log_tail(self, chars: int = 3000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return "(no log)"

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run a local Chroma server on 127.0.0.1.")
    parser.add_argument("--path", required=True, help="folder for the server's data")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    server = ChromaServer(Path(args.path), args.host, args.port).start()
    print(f"Chroma server on {server.url} (data in {server.path}); Ctrl-C stops it", flush=True)
    print(f"use it with: INCLUSIEF_STORE__HOST={server.host} INCLUSIEF_STORE__PORT={server.port}",
          flush=True)
    try:
        server.proc.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
