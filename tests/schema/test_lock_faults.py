"""A lock held too long is "busy, send again" — on SQLite ("database is locked") and on PostgreSQL (lock timeout)."""

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import OperationalError

from schema.faults import fault_of


def test_a_lock_wait_that_runs_out_is_service_busy(engine: Engine, database_url: str) -> None:
    sqlite = engine.dialect.name == "sqlite"
    options = {"connect_args": {"timeout": 0.1}} if sqlite else {}
    impatient = create_engine(database_url, **options)
    holder = engine.connect()
    try:
        holder.execute(text("UPDATE roster_versions SET source = source"))  # holds the write lock (SQLite)
        holder.execute(
            text("INSERT INTO blobs (sha256, size, content, stored_at) VALUES ('x', 0, '', CURRENT_TIMESTAMP)")
        )
        with impatient.connect() as waiter, pytest.raises(OperationalError) as raised:
            if not sqlite:
                waiter.execute(text("SET lock_timeout = '100ms'"))
            waiter.execute(
                text("INSERT INTO blobs (sha256, size, content, stored_at) VALUES ('x', 0, '', CURRENT_TIMESTAMP)")
            )
        error = fault_of(raised.value)
        assert error is not None and (error.code, error.status) == ("service_busy", 503)
    finally:
        holder.rollback()
        holder.close()
        impatient.dispose()
