"""Finishing uploads a killed run left half-done: bytes kept, no return row yet.

Every start that opens the database calls `finish_unfinished_uploads` — each CLI command,
the API at start-up, a drop-folder run — and it costs one query when there is nothing to do.
An upload whose note (`PendingUpload`) has not been touched for the grace period goes through
the normal intake again with its original time, sender and file name, so that its version is
what it would have been and the same bytes never count twice. One that cannot be finished
after `MAX_ATTEMPTS` tries stays listed for the coordinator (`schema.unseen`), with the stable code of
why (kept in `last_error`) and a Vietnamese sentence for it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from agencies.errors import UserError
from agencies.roster import Roster
from agencies.states import ReceivedVia
from schema.backfill import Backfill
from schema.faults import fault_of
from schema.intake import submit_return
from schema.models import Blob, PendingUpload, utc_now
from schema.pending import RESUMING
from schema.receipts import Receipt
from schema.roster_store import current_roster
from schema.unseen import INTERNAL_ERROR, UnfinishedUpload

log = logging.getLogger(__name__)

DEFAULT_GRACE = timedelta(minutes=2)  # longer than any intake takes, lock waits included
MAX_ATTEMPTS = 3


@dataclass
class Recovery:
    """What a start did with the uploads it found unfinished."""

    finished: list[tuple[UnfinishedUpload, Receipt]] = field(default_factory=list)
    failed: list[UnfinishedUpload] = field(default_factory=list)


def _due(cutoff: datetime):  # noqa: ANN202 — a SQL condition
    return (PendingUpload.taken_at < cutoff) & (PendingUpload.attempts < MAX_ATTEMPTS)


def _set(session: Session, upload_id: int, **values: object) -> int:
    """Update one note (its object in the session too) in its own transaction; how many rows it changed."""
    changed = session.execute(update(PendingUpload).where(PendingUpload.id == upload_id).values(**values)).rowcount
    session.commit()
    return changed


def _claim(session: Session, upload: PendingUpload, cutoff: datetime, now: datetime) -> bool:
    """Take the upload up (one attempt more), unless another process did meanwhile."""
    claimed = session.execute(
        update(PendingUpload)
        .where(PendingUpload.id == upload.id, PendingUpload.attempts == upload.attempts, _due(cutoff))
        .values(attempts=upload.attempts + 1, taken_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    session.commit()
    if claimed:
        session.refresh(upload)
    return claimed == 1


def _finish_one(session: Session, roster: Roster, upload: PendingUpload) -> Receipt | str | None:
    """The upload's receipt; else the code of why it could not be finished; None if another process finished it.

    The code is what is kept and shown (in Vietnamese, `schema.unseen`); the exception and its
    traceback go to the log only.
    """
    blob = session.get(Blob, upload.sha256)
    assert blob is not None  # the foreign key keeps it
    session.info[RESUMING] = upload
    try:
        return submit_return(
            session,
            roster,
            blob.content,
            channel=upload.channel,
            actor=upload.actor,
            filename=upload.filename,
            agency_id=upload.agency_hint,
            now=upload.received_at,
            backfill=Backfill(ReceivedVia(upload.received_via), upload.received_at) if upload.received_via else None,
        )
    except Exception as exc:
        session.rollback()
        if isinstance(exc, UserError) and exc.code == "upload_taken_over":
            return None
        error = fault_of(exc)
        if error is not None and error.status >= 500:  # the database or the disk, not the upload
            with suppress(Exception):
                _set(session, upload.id, attempts=upload.attempts - 1)  # give the attempt back
            raise
        code = error.code if error is not None else INTERNAL_ERROR
        log.exception("could not finish stored upload %s (%s): %s", upload.id, upload.sha256, code)
        return code
    finally:
        session.info.pop(RESUMING, None)


def finish_unfinished_uploads(
    session: Session,
    roster_of: Callable[[Session], Roster] = current_roster,
    grace: timedelta = DEFAULT_GRACE,
    now: datetime | None = None,
) -> Recovery:
    """Finish, oldest first, the uploads stored but left without a return row for longer than `grace`.

    One query when there is none; the roster is read only when there is one.
    """
    now = now or utc_now()
    cutoff = now - grace
    recovery = Recovery()
    due = session.scalars(select(PendingUpload).where(_due(cutoff)).order_by(PendingUpload.id)).all()
    session.commit()
    roster = roster_of(session) if due else None
    for upload in due:
        if roster is None or not _claim(session, upload, cutoff, now):
            continue
        before = UnfinishedUpload.of(upload)
        outcome = _finish_one(session, roster, upload)
        if isinstance(outcome, Receipt):
            log.info(
                "finished stored upload %s (%s, %s by %s, received %s): return %s, %s, version %s",
                before.id,
                before.filename,
                before.channel,
                before.actor,
                before.received_at.isoformat(),
                outcome.id,
                outcome.status,
                outcome.version,
            )
            recovery.finished.append((before, outcome))
        elif outcome is not None:
            _set(session, upload.id, last_error=outcome)
            recovery.failed.append(before.failed_with(outcome))
    return recovery
