"""The act of keeping a return: raw bytes first, then the checked content as a new version.

The CLI, the portal, the API and the collect flow all call `submit_return`.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from agencies.errors import UserError
from agencies.file_names import display_name
from agencies.file_safety import DEFAULT_LIMITS, Limits
from agencies.problems import Problem, Severity, problem
from agencies.return_check import CheckedReturn, check_return
from agencies.return_content import ReturnContent
from agencies.return_reader import read_return
from agencies.roster import Roster
from schema.models import Agency, AuditEntry, Blob, PendingUpload, Period, Return, ReturnValue, utc_now

CHANNELS = ("cli", "api", "portal", "folder")

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Receipt:
    """What the sender is told: the stored upload and, if refused, every problem."""

    return_id: int
    sha256: str
    received_at: datetime
    status: str  # accepted / invalid (as stored; later it may become superseded or withdrawn)
    agency_id: str | None
    period_id: str | None
    version: int | None
    problems: list[Problem] = field(default_factory=list)
    duplicate: bool = False  # the same bytes were already on file for this agency and period

    @property
    def accepted(self) -> bool:
        return self.status == "accepted"

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]


# A recovery resuming a stored upload puts its `PendingUpload` here (`Session.info`) for the next intake.
RESUMING = "phoihop.resuming_upload"


def _keep_bytes(
    session: Session,
    data: bytes,
    channel: str,
    actor: str,
    filename: str | None,
    agency_id: str | None,
    now: datetime | None,
) -> tuple[str, PendingUpload]:
    """Store the upload's bytes (once per content) with a note of who sent them; commit before anything can fail.

    The note is deleted in the transaction that writes the return row (`_finish`); one left
    behind is an upload a killed run did not finish, which `schema.recovery` resumes.
    """
    digest = hashlib.sha256(data).hexdigest()
    resumed = session.info.pop(RESUMING, None)
    if isinstance(resumed, PendingUpload) and resumed.sha256 == digest:
        return digest, resumed
    upload = PendingUpload(
        sha256=digest,
        channel=channel,
        actor=actor,
        filename=filename,
        agency_hint=agency_id,
        received_at=now or utc_now(),
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
    return digest, upload


def _finish(session: Session, upload: PendingUpload) -> None:
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


def lock_agency(session: Session, agency_id: str) -> None:
    """Serialise writes for one agency: a row lock on PostgreSQL, the write lock on SQLite.

    It must be the first statement of its transaction, so that SQLite takes its snapshot
    only once it holds the lock (and waits for it, with the busy timeout, instead of failing).
    """
    session.execute(update(Agency).where(Agency.id == agency_id).values(id=Agency.id))


def receipt_of(row: Return, duplicate: bool = False) -> Receipt:
    return Receipt(
        return_id=row.id,
        sha256=row.sha256,
        received_at=row.received_at,
        status=row.status,
        agency_id=row.agency_id,
        period_id=row.period_id,
        version=row.version,
        problems=[Problem.model_validate(p) for p in row.problems],
        duplicate=duplicate,
    )


def _check_period(
    session: Session, checked: CheckedReturn, content_period_cell: dict[str, str | None]
) -> Period | None:
    if checked.period_id is None:
        return None
    period = session.get(Period, checked.period_id)
    if period is None:
        checked.problems.append(problem("unknown_period", value=checked.period_id, **content_period_cell))
    elif period.state != "open":
        checked.problems.append(problem("period_closed", value=checked.period_id, **content_period_cell))
    return period


def _read_and_check(
    data: bytes, digest: str, roster: Roster, agency_id: str | None, limits: Limits
) -> tuple[ReturnContent, CheckedReturn]:
    """The file read and checked; if that fails unexpectedly, a refusal saying so (the bytes are already kept)."""
    try:
        content = read_return(data, limits)
        return content, check_return(content, roster, submitter=agency_id)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # also a Rust panic in python-calamine, which pyo3 raises as a BaseException
        logger.exception("reading upload %s (%d bytes) failed; refused as internal_error", digest, len(data))
        sender = agency_id if agency_id is not None and roster.agency(agency_id) is not None else None
        checked = CheckedReturn(format="unknown", agency_id=sender, problems=[problem("internal_error")])
        return ReturnContent(format="unknown"), checked


def _same_as_latest(session: Session, digest: str, checked: CheckedReturn) -> Return | None:
    """The agency's latest upload for the period, if it holds exactly these bytes.

    Re-sending an older version after a newer one is a deliberate correction, not a duplicate.
    """
    agency = Return.agency_id.is_(None) if checked.agency_id is None else Return.agency_id == checked.agency_id
    period = (
        Return.claimed_period.is_(None) if checked.period_id is None else Return.claimed_period == checked.period_id
    )
    latest = session.scalars(select(Return).where(agency, period).order_by(Return.id.desc()).limit(1)).first()
    if latest is None or latest.sha256 != digest or latest.status not in ("accepted", "invalid"):
        return None  # after a withdrawal, sending the same file again is a new submission
    return latest


def _newer_current(session: Session, agency_id: str, period_id: str, received_at: datetime) -> int | None:
    """The agency's current return, if it was received after `received_at` (only an upload finished late can be older)."""
    return session.scalar(
        select(Return.id).where(
            Return.agency_id == agency_id,
            Return.period_id == period_id,
            Return.status == "accepted",
            Return.received_at > received_at,
        )
    )


def submit_return(
    session: Session,
    roster: Roster,
    data: bytes,
    *,
    channel: str,
    actor: str,
    filename: str | None = None,
    agency_id: str | None = None,
    now: datetime | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Receipt:
    """Keep one upload whatever it holds; accept it as the agency's next version if it passes."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown intake channel {channel!r}")
    filename = display_name(filename)
    digest, upload = _keep_bytes(session, data, channel, actor, filename, agency_id, now)
    content, checked = _read_and_check(data, digest, roster, agency_id, limits)
    period_cell = (
        {"sheet": content.period.sheet, "cell": content.period.cell, "field": content.period.field}
        if content.period
        else {}
    )
    session.commit()  # the lock below must open a fresh transaction
    if checked.agency_id is not None:
        lock_agency(session, checked.agency_id)
    period = _check_period(session, checked, period_cell)

    previous = _same_as_latest(session, digest, checked)
    if previous is not None:
        session.add(
            AuditEntry(
                actor=actor,
                action="duplicate",
                agency_id=previous.agency_id,
                period_id=previous.period_id,
                return_id=previous.id,
                detail={"channel": channel, "filename": filename},
            )
        )
        _finish(session, upload)
        return receipt_of(previous, duplicate=True)

    accepted = checked.accepted and period is not None and period.state == "open"
    received_at = now or utc_now()
    row = Return(
        sha256=digest,
        filename=filename,
        format=content.format,
        channel=channel,
        actor=actor,
        received_at=received_at,
        agency_id=checked.agency_id,
        period_id=period.id if period is not None else None,
        claimed_period=checked.period_id,
        form_ref=checked.form_ref,
        status="accepted" if accepted else "invalid",
        problems=[p.model_dump(mode="json") for p in checked.problems],
        narrative={code: [p.value for p in paragraphs] for code, paragraphs in checked.narrative.items()},
    )
    superseded: list[int] = []
    newer: int | None = None
    if accepted:
        assert period is not None and checked.agency_id is not None
        row.version = 1 + (
            session.scalar(
                select(func.max(Return.version)).where(
                    Return.agency_id == checked.agency_id, Return.period_id == period.id
                )
            )
            or 0
        )
        row.values = [
            ReturnValue(code=f.code, value=f.value, sheet=f.source.sheet, cell=f.source.cell, field=f.source.field)
            for f in checked.figures.values()
        ]
        newer = _newer_current(session, checked.agency_id, period.id, received_at)
        if newer is not None:  # a recovered upload older than the current return: kept, never made current
            row.status = "superseded"
        else:
            superseded = list(
                session.execute(
                    update(Return)
                    .where(
                        Return.agency_id == checked.agency_id,
                        Return.period_id == period.id,
                        Return.status == "accepted",
                    )
                    .values(status="superseded")
                    .returning(Return.id)
                ).scalars()
            )
    session.add(row)
    session.flush()
    where = {"agency_id": row.agency_id, "period_id": row.period_id or checked.period_id}
    session.add(
        AuditEntry(
            actor=actor, action="received", return_id=row.id, detail={"channel": channel, "sha256": digest}, **where
        )
    )
    for old_id in superseded:
        session.add(AuditEntry(actor=actor, action="superseded", return_id=old_id, detail={"by": row.id}, **where))
    session.add(
        AuditEntry(
            actor=actor,
            action=row.status,
            return_id=row.id,
            detail={
                "version": row.version,
                "errors": [p.code for p in checked.errors],
                **({"by": newer} if newer else {}),
            },
            **where,
        )
    )
    _finish(session, upload)
    return receipt_of(row)


class WithdrawError(Exception):
    """Nothing to withdraw, or no longer allowed; the message is for the user."""


def withdraw_return(session: Session, agency_id: str, period_id: str, actor: str, reason: str = "") -> Return:
    """The agency takes back its current return: kept and marked withdrawn, nothing counts for it."""
    session.commit()
    lock_agency(session, agency_id)
    period = session.get(Period, period_id)
    if period is None or period.state != "open":
        session.rollback()
        raise WithdrawError(f"Kỳ báo cáo {period_id} chưa mở hoặc đã khóa: không rút được báo cáo.")
    current = session.scalars(
        select(Return).where(Return.agency_id == agency_id, Return.period_id == period_id, Return.status == "accepted")
    ).first()
    if current is None:
        session.rollback()
        raise WithdrawError(f"Đơn vị {agency_id} không có báo cáo hợp lệ nào của kỳ {period_id} để rút.")
    current.status = "withdrawn"
    session.add(
        AuditEntry(
            actor=actor,
            action="withdrawn",
            agency_id=agency_id,
            period_id=period_id,
            return_id=current.id,
            detail={"version": current.version, "reason": reason},
        )
    )
    session.commit()
    return current
