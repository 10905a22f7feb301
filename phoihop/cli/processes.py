"""The processes `phoihop serve` runs, and stopping them all: each in a process group of its own.

A child's own children (uvicorn's, the flow runs the Prefect runner starts) are in its group,
so stopping the group stops them too: SIGTERM, a grace period, then SIGKILL. The children do
not share the terminal's process group, so Ctrl-C reaches only `phoihop serve`, which stops
them in order (the portal, the flows, then the Prefect server they report to).
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

from agencies.errors import UserError

POLL_SECONDS = 0.3


@dataclass
class Child:
    label: str  # what it is, in Vietnamese: `máy chủ Prefect`
    process: subprocess.Popen[bytes]
    log: Path  # its stdout and stderr
    grace: float  # seconds it is given to stop after SIGTERM


@dataclass
class StopSignal:
    """Set by SIGINT (Ctrl-C) or SIGTERM while installed; `phoihop serve` then stops everything."""

    received: int | None = None
    _previous: dict[int, object] = field(default_factory=dict)

    def _handle(self, signum: int, _frame: FrameType | None) -> None:
        self.received = signum

    @contextlib.contextmanager
    def installed(self) -> Iterator[StopSignal]:
        for signum in (signal.SIGINT, signal.SIGTERM):
            self._previous[signum] = signal.signal(signum, self._handle)
        try:
            yield self
        finally:
            for signum, handler in self._previous.items():
                signal.signal(signum, handler)  # type: ignore[arg-type]


class Stopped(Exception):
    """A stop signal arrived while waiting."""


class Children:
    """The processes started, stopped in reverse order when the block ends, whatever ends it."""

    def __init__(self, stop: StopSignal) -> None:
        self.stop = stop
        self.started: list[Child] = []

    def __enter__(self) -> Children:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop_all()

    def start(self, label: str, command: list[str], env: dict[str, str], log: Path, grace: float) -> Child:
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("ab") as out:
            out.write(f"\n---- {time.strftime('%Y-%m-%d %H:%M:%S')} {' '.join(command)}\n".encode())
            out.flush()
            process = subprocess.Popen(
                command, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        child = Child(label, process, log, grace)
        self.started.append(child)
        return child

    def exited(self) -> Child | None:
        """A child that has ended on its own, if any."""
        return next((c for c in self.started if c.process.poll() is not None), None)

    def wait_until(self, ready: Callable[[], bool], child: Child, timeout: float, what: str) -> None:
        """Poll `ready` until true; a stop signal raises Stopped; the child ending or the time running out is a UserError."""
        deadline = time.monotonic() + timeout
        while not ready():
            if self.stop.received is not None:
                raise Stopped
            if child.process.poll() is not None:
                raise child_failed(child, f"đã dừng khi đang khởi động (mã thoát {child.process.returncode})")
            if time.monotonic() > deadline:
                raise child_failed(child, f"chưa {what} sau {timeout:.0f} giây")
            time.sleep(POLL_SECONDS)

    def stop_all(self) -> None:
        for child in reversed(self.started):
            _stop_group(child)
        self.started.clear()


def _stop_group(child: Child) -> None:
    group = child.process.pid  # the leader of its own session and group
    with contextlib.suppress(ProcessLookupError):
        os.killpg(group, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        child.process.wait(timeout=child.grace)
    # Whatever is left of the group — the leader past its grace, or a grandchild it left behind — is killed.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(group, signal.SIGKILL)
    child.process.wait()


def child_failed(child: Child, what: str) -> UserError:
    return UserError(
        "serve_child_failed",
        f"Thành phần «{child.label}» {what}; đã dừng các thành phần còn lại. Xem nhật ký {child.log}.",
        status=503,
    )


def require_free_port(host: str, port: int, setting: str) -> None:
    """That a server can listen on host:port now (bound as uvicorn binds: SO_REUSEADDR), or a UserError saying why."""
    try:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            reason = "đang được một chương trình khác dùng: hãy dừng chương trình đó, hoặc chọn cổng khác"
        elif exc.errno == errno.EACCES:
            reason = "chỉ quản trị hệ thống được dùng (cổng dưới 1024): hãy chọn cổng từ 1024 trở lên"
        else:
            raise UserError(
                "host_unusable", f"Máy này không lắng nghe được ở địa chỉ «{host}»: hãy dùng 127.0.0.1 hoặc 0.0.0.0."
            ) from exc
        raise UserError("port_in_use", f"Cổng {port} trên {host} {reason} ({setting}).") from exc
