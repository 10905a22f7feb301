"""One writer at a time per agency: its versions are counted and its current return replaced under this lock."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from schema.models import Agency


def lock_agency(session: Session, agency_id: str) -> None:
    """Serialise writes for one agency: a row lock on PostgreSQL, the write lock on SQLite.

    It must be the first statement of its transaction, so that SQLite takes its snapshot
    only once it holds the lock (and waits for it, with the busy timeout, instead of failing).
    """
    session.execute(update(Agency).where(Agency.id == agency_id).values(id=Agency.id))
