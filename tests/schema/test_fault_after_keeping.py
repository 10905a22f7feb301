"""A fault of the database after an upload's bytes are kept: the sender is told the file was kept, never "not received".

The fault is real: as soon as the intake has committed the bytes, another connection takes the lock the
intake needs next (SQLite's write lock; the agency's row on PostgreSQL) and holds it past the intake's wait.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, event, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from agencies.errors import UserError
from agencies.roster import Roster
from schema.database import make_engine, make_session_factory
from schema.faults import fault_of
from schema.intake import submit_return
from schema.models import Blob, PendingUpload, Return
from schema.recovery import finish_unfinished_uploads
from schema.unseen import unfinished_uploads
from tests.factories import POLICE_FIGURES, filled_form

WAIT_MS = 200  # how long the intake waits for a lock here (30 s in production)


def is_sqlite(database_url: str) -> bool:
    return make_url(database_url).get_backend_name() == "sqlite"


@contextmanager
def impatient_engine(database_url: str) -> Iterator[Engine]:
    """An engine like the intake's, that gives up waiting for a lock after WAIT_MS."""
    engine = make_engine(database_url)

    def wait_briefly(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        if is_sqlite(database_url):
            cursor.execute(f"PRAGMA busy_timeout={WAIT_MS}")
        else:
            cursor.execute(f"SET lock_timeout = {WAIT_MS}")
        cursor.close()
        dbapi_connection.commit()

    event.listen(engine, "connect", wait_briefly)
    try:
        yield engine
    finally:
        engine.dispose()


@contextmanager
def another_writer_once_the_bytes_are_kept(session: Session, database_url: str) -> Iterator[None]:
    """At the session's first commit (the bytes and the upload's note), another connection takes the write lock."""
    other = make_engine(database_url)
    held = []

    def take_the_lock(_: Session) -> None:
        connection = other.raw_connection()
        cursor = connection.cursor()
        if is_sqlite(database_url):
            cursor.execute("BEGIN IMMEDIATE")
        else:
            cursor.execute("SELECT id FROM agencies WHERE id = 'police' FOR UPDATE")
        held.append(connection)

    event.listen(session, "after_commit", take_the_lock, once=True)
    try:
        yield
    finally:
        for connection in held:
            connection.rollback()
            connection.close()
        other.dispose()


def count(session: Session, model) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model))


def test_a_fault_after_the_bytes_are_kept_says_they_were_kept_and_the_upload_is_finished_later(
    loaded: Session, database_url: str, roster: Roster
) -> None:
    data = filled_form(roster, "police", figures=POLICE_FIGURES)
    with (
        impatient_engine(database_url) as engine,
        make_session_factory(engine)() as session,
        another_writer_once_the_bytes_are_kept(session, database_url),
        pytest.raises(UserError) as raised,
    ):
        submit_return(
            session, roster, data, channel="api", actor="api:police", filename="cong-an.xlsx", agency_id="police"
        )

    error = raised.value
    assert fault_of(error.__cause__) is not None, "a real fault of the database"
    assert (error.code, error.status, error.retry_after) == ("stored_not_finished", 503, 60)
    assert "đã được nhận và lưu nguyên gốc" in error.message and "Không cần gửi lại" in error.message
    assert "chưa được nhận" not in error.message  # what `service_busy` says
    assert count(loaded, Blob) == 1 and count(loaded, Return) == 0
    (note,) = unfinished_uploads(loaded)
    assert (note.filename, note.agency, note.attempts, note.error) == ("cong-an.xlsx", "police", 0, None)

    later = datetime.now(UTC) + timedelta(seconds=1)
    (finished,) = finish_unfinished_uploads(loaded, grace=timedelta(0), now=later).finished
    receipt = finished[1]
    assert receipt.accepted and receipt.version == 1 and receipt.sha256 == note.sha256
    assert count(loaded, PendingUpload) == 0 and count(loaded, Return) == 1


def test_a_fault_before_the_bytes_are_kept_is_the_fault_itself(
    loaded: Session, database_url: str, roster: Roster
) -> None:
    """Nothing was kept: `service_busy` (SQLite) or `database_unreachable` rightly say the file was not received."""
    data = filled_form(roster, "police", figures=POLICE_FIGURES)
    other = make_engine(database_url)
    with impatient_engine(database_url) as engine, make_session_factory(engine)() as session:
        connection = other.raw_connection()
        try:
            cursor = connection.cursor()
            cursor.execute("BEGIN IMMEDIATE" if is_sqlite(database_url) else "LOCK TABLE blobs IN EXCLUSIVE MODE")
            with pytest.raises(Exception) as raised:
                submit_return(session, roster, data, channel="api", actor="api:police", agency_id="police")
        finally:
            connection.rollback()
            connection.close()
            other.dispose()
    error = fault_of(raised.value)
    assert error is not None and error.code in ("service_busy", "database_unreachable")
    assert count(loaded, Blob) == 0 and count(loaded, PendingUpload) == 0
