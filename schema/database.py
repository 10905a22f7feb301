"""Engines and sessions: an embedded SQLite file by default, PostgreSQL by URL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError
from sqlalchemy.orm import Session, sessionmaker

from schema import faults
from schema.settings import Settings

SQLITE_BUSY_TIMEOUT_MS = 30_000
SCHEMA_REVISION = "0010"  # the newest migration; tests/schema/test_migrations.py keeps the two in step


def _tune_sqlite(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str, pool_size: int = 5, max_overflow: int = 5, pool_timeout: float = 10) -> Engine:
    """An engine for `url`; an SQLite file gets its folder, WAL and a busy timeout.

    The pool holds `pool_size` connections and opens up to `max_overflow` more under load;
    a caller that finds them all in use waits `pool_timeout` seconds, then gets a TimeoutError.
    A folder that cannot be made (a file in the way, no permission, a full disk) is a `UserError`.
    """
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise faults.database_url_invalid(url) from exc
    pool = {"pool_size": pool_size, "max_overflow": max_overflow, "pool_timeout": pool_timeout}
    if parsed.get_backend_name() == "sqlite":
        in_memory = not parsed.database or parsed.database == ":memory:"
        if not in_memory and not parsed.database.startswith("file:"):  # a `file:` URI is not a path
            folder = Path(parsed.database).parent
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise faults.data_dir_unusable(folder, faults.os_reason(exc)) from exc
        options = {} if in_memory else pool  # an in-memory database lives in one connection
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, **options)
        event.listen(engine, "connect", _tune_sqlite)
        return engine
    try:
        return create_engine(url, pool_pre_ping=True, **pool)
    except (ArgumentError, NoSuchModuleError, ModuleNotFoundError) as exc:  # a misspelt scheme or driver
        raise faults.database_url_invalid(url) from exc


def make_session_factory(engine: Engine | Connection) -> sessionmaker[Session]:
    """Sessions on `engine`, or all on one `connection` (the API's gate: one connection per call)."""
    return sessionmaker(engine, expire_on_commit=False)


def schema_revision(engine: Engine) -> str | None:
    """The migration this database is at; None before `phoihop init`."""
    if not inspect(engine).has_table("alembic_version"):
        return None
    with engine.connect() as connection:
        return connection.scalar(text("SELECT version_num FROM alembic_version"))


def is_initialized(engine: Engine) -> bool:
    """True once `phoihop init` has migrated this database."""
    return inspect(engine).has_table("alembic_version")


@contextmanager
def configured_session(settings: Settings | None = None) -> Iterator[Session]:
    """A session on the configured database, its engine disposed after: for work (a flow's task) that
    gets the database from its settings, never from a parameter (Prefect stores and shows those)."""
    with configured_sessions(settings) as sessions, sessions() as session:
        yield session


@contextmanager
def configured_sessions(settings: Settings | None = None) -> Iterator[sessionmaker[Session]]:
    """Sessions on the configured database for a task that opens several, one engine disposed after."""
    settings = settings or Settings()
    engine = make_engine(settings.resolved_database_url)
    try:
        yield make_session_factory(engine)
    finally:
        engine.dispose()
