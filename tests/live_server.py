"""The API as it runs in production: `uvicorn --factory portal.app:create_app` in its own process on loopback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).parent.parent


@dataclass(frozen=True)
class LiveServer:
    url: str
    log: Path  # the server's stdout and stderr

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def live_server(database_url: str, log: Path, workers: int = 1, **settings: str) -> Iterator[LiveServer]:
    """Start the server with PHOIHOP_* `settings`; ready when it answers; stopped (SIGTERM) after."""
    port = free_port()
    env = {**os.environ, "PHOIHOP_DATABASE_URL": database_url}
    env.update({f"PHOIHOP_{key.upper()}": value for key, value in settings.items()})
    command = [sys.executable, "-m", "uvicorn", "--factory", "portal.app:create_app", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--workers", str(workers), "--log-level", "warning"]
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    server = LiveServer(f"http://127.0.0.1:{port}", log)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, f"the server exited:\n{server.log_text()}"
            assert time.monotonic() < deadline, f"the server did not answer in 60 s:\n{server.log_text()}"
            try:
                if httpx.get(f"{server.url}/api/v1/openapi.json", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
