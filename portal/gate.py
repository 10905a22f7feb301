"""The database seen from the event loop: every piece of work in a worker thread, in a session of its own.

A request never blocks the event loop on the database and never holds more than one pooled
connection: it hands `DatabaseGate.run` a plain function of a session. At most as many
functions run at once as the pool has connections, so no thread ever waits inside the pool;
a request that finds them all busy waits its turn for `wait` seconds, then gets a 503 with
Retry-After instead of stalling.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import anyio
from anyio.to_thread import run_sync
from sqlalchemy import Engine

from agencies.errors import UserError
from schema.database import make_session_factory
from schema.faults import service_busy

T = TypeVar("T")


class DatabaseGate:
    def __init__(
        self,
        engine: Engine | None,
        capacity: int,
        wait: float,
        retry_after: int,
        unavailable: UserError | None = None,
    ) -> None:
        self.engine = engine
        self.unavailable = unavailable  # why there is no database at all (e.g. an unusable data folder)
        self.capacity = capacity
        self.wait = wait
        self.retry_after = retry_after
        self._turns: anyio.CapacityLimiter | None = None
        self._threads: anyio.CapacityLimiter | None = None

    def _limiters(self) -> tuple[anyio.CapacityLimiter, anyio.CapacityLimiter]:
        # Made on first use, inside the server's event loop.
        if self._turns is None or self._threads is None:
            self._turns = anyio.CapacityLimiter(self.capacity)
            self._threads = anyio.CapacityLimiter(self.capacity)
        return self._turns, self._threads

    @property
    def busy(self) -> int:
        """Calls running now."""
        return 0 if self._turns is None else int(self._turns.borrowed_tokens)

    @property
    def waiting(self) -> int:
        """Calls waiting for their turn now."""
        return 0 if self._turns is None else self._turns.statistics().tasks_waiting

    async def run(self, work: Callable[..., T], *args: Any, wait: float | None = None) -> T:
        """`work(session, *args)` in a worker thread; the session is closed when it returns.

        It waits its turn `wait` seconds (default: the gate's), then raises `service_busy` (a 503).
        """
        if self.unavailable is not None:
            raise self.unavailable
        turns, threads = self._limiters()
        try:
            with anyio.fail_after(self.wait if wait is None else wait):
                await turns.acquire()
        except TimeoutError:
            raise service_busy(self.retry_after) from None
        try:
            # Once started, the work runs to its end even if the client goes away: an upload
            # that was kept is always finished.
            return await run_sync(self._in_session, work, args, limiter=threads)
        finally:
            turns.release()

    def _in_session(self, work: Callable[..., T], args: tuple[Any, ...]) -> T:
        # One connection for the whole call: a session left to itself hands its connection back
        # at every commit and checks one out (and pings it) again for the next statement.
        assert self.engine is not None
        with self.engine.connect() as connection, make_session_factory(connection)() as session:
            return work(session, *args)
