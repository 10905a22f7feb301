"""An upload's bytes are kept first, with a note of who sent them, until its return row is written.

The note (`PendingUpload`) is deleted in the transaction that writes the return row; one left
behind is an upload a killed run did not finish, which `schema.recovery` resumes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from agencies.errors import UserError
from schema.models import Blob, PendingUpload, utc_now

# A recovery resuming a stored upload puts its `PendingUpload` here (`Session.info`) for the next intake.
RESUMING = "phoihop.resuming_upload"


@dataclass(frozen=True)
class Kept:
    """Bytes on file and the note of their upload."""

    sha256: str
    upload: PendingUpload
    resumed: bool  # kept by an earlier run, which a recovery now finishes


def keep_bytes(
    session: Session,
    data: bytes,
    channel: str,
    actor: str,
    filename: str | None,
    agency_id: str | None,
    now: datetime | None,
    received_via: str | None = None,
) -> Kept:
    """Store the upload's bytes (once per content) with a note of who sent them; commit before anything can fail."""
    digest = hashlib.sha256(data).hexdigest()
    resumed = session.info.pop(RESUMING, None)
    if isinstance(resumed, PendingUpload) and resumed.sha256 == digest:
        return Kept(digest, resumed, resumed=True)
    upload = PendingUpload(
        sha256=digest,
        channel=channel,
        actor=actor,
        filename=filename,
        agency_hint=agency_id,
        received_at=now or utc_now(),
        received_via=received_via,
    )
    if session.get(Blob, digest) is None:
        session.add(Blob(sha256=digest, size=len(data), content=data))
    session.add(upload)
    try:
        session.commit()
    except IntegrityError:  # the same bytes arrived at the same moment from elsewhere: kept once
        session.rollback()
        session.add(upload)
        session.commit()
    return Kept(digest, upload, resumed=False)


def finish_upload(session: Session, upload: PendingUpload) -> None:
    """Commit what became of the upload, deleting its note in the same transaction.

    If the note is already gone, a recovery took this upload for abandoned and recorded it:
    this run records nothing, so that the same upload never counts twice.
    """
    if session.execute(delete(PendingUpload).where(PendingUpload.id == upload.id)).rowcount != 1:
        session.rollback()
        raise UserError(
            "upload_taken_over",
            "Tệp đã được lưu và được hệ thống xử lý tiếp ở một tiến trình khác; "
            "hãy xem kết quả bằng «phoihop history» hoặc «phoihop status».",
            status=409,
        )
    session.commit()
