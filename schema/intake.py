"""The act of keeping a return: raw bytes first, then the checked content as a new version.

The CLI, the portal, the API and the collect flow all call `submit_return`. The bytes are kept
before anything else (`schema.pending`), so that whatever happens next nothing sent is lost.
"""

from __future__ import annotations

import hashlib
import logging
from contextlib import suppress
from datetime import UTC, datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from agencies.calendar import PeriodIdError, parse_period
from agencies.errors import UserError
from agencies.file_names import display_name
from agencies.file_safety import DEFAULT_LIMITS, Limits
from agencies.problems import problem
from agencies.return_bounds import where
from agencies.return_check import CheckedReturn, check_return
from agencies.return_content import ReturnContent
from agencies.return_reader import read_return
from agencies.roster import Roster
from agencies.states import ReturnStatus
from schema import faults
from schema.agency_lock import lock_agency
from schema.backfill import Backfill, check_received_at
from schema.models import AuditEntry, Period, ReceiptMail, Return, ReturnValue, utc_now
from schema.pending import Kept, finish_upload, keep_bytes
from schema.receipts import Receipt, receipt_of
from schema.roster_store import roster_for

CHANNELS = ("cli", "api", "portal", "folder")

logger = logging.getLogger(__name__)


def _check_period(session: Session, checked: CheckedReturn, content: ReturnContent) -> Period | None:
    if checked.period_id is None:
        return None
    period = session.get(Period, checked.period_id)
    location = where(content.period) if content.period else {}
    if period is None:
        checked.problems.append(problem("unknown_period", value=checked.period_id, **location))
    elif period.state != "open":
        checked.problems.append(problem("period_closed", value=checked.period_id, **location))
    return period


def _period_roster(session: Session, content: ReturnContent, roster: Roster) -> Roster:
    """The roster of the period the file names, if that period was opened; else `roster`."""
    try:
        period_id = parse_period(content.period.value).id if content.period is not None else None
    except PeriodIdError:
        return roster  # check_return names the bad period
    return roster_for(session, period_id) if period_id and session.get(Period, period_id) else roster


def _read_and_check(
    session: Session, data: bytes, digest: str, roster: Roster, agency_id: str | None, limits: Limits
) -> tuple[ReturnContent, CheckedReturn, Roster]:
    """The file read and checked against its period's roster; if that fails unexpectedly, a refusal saying so.

    (The bytes are already kept.) Also the roster it was checked against, which answers the agency.
    """
    try:
        content = read_return(data, limits)
        roster = _period_roster(session, content, roster)
        return content, check_return(content, roster, submitter=agency_id), roster
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # also a Rust panic in python-calamine, which pyo3 raises as a BaseException
        logger.exception("reading upload %s (%d bytes) failed; refused as internal_error", digest, len(data))
        sender = agency_id if agency_id is not None and roster.agency(agency_id) is not None else None
        checked = CheckedReturn(format="unknown", agency_id=sender, problems=[problem("internal_error")])
        return ReturnContent(format="unknown"), checked, roster


def _same_as_latest(session: Session, digest: str, checked: CheckedReturn) -> Return | None:
    """The agency's latest upload for the period, if it holds exactly these bytes.

    Re-sending an older version after a newer one is a deliberate correction, not a duplicate.
    """
    agency = Return.agency_id.is_(None) if checked.agency_id is None else Return.agency_id == checked.agency_id
    period = (
        Return.claimed_period.is_(None) if checked.period_id is None else Return.claimed_period == checked.period_id
    )
    latest = session.scalars(select(Return).where(agency, period).order_by(Return.id.desc()).limit(1)).first()
    if latest is None or latest.sha256 != digest or latest.status not in (ReturnStatus.ACCEPTED, ReturnStatus.INVALID):
        return None  # after a withdrawal, sending the same file again is a new submission
    return latest


def _newer_current(session: Session, agency_id: str, period_id: str, received_at: datetime) -> int | None:
    """The agency's current return, if it was received after `received_at` (only an upload finished late can be older)."""
    return session.scalar(
        select(Return.id).where(
            Return.agency_id == agency_id,
            Return.period_id == period_id,
            Return.status == ReturnStatus.ACCEPTED,
            Return.received_at > received_at,
        )
    )


def _make_current(
    session: Session, row: Return, checked: CheckedReturn, period: Period
) -> tuple[list[int], int | None]:
    """Give the accepted `row` its version and figures and make it the agency's current return.

    The returns it supersedes; or, for an upload finished late, the newer current return it must not replace.
    """
    assert checked.agency_id is not None
    mine = (Return.agency_id == checked.agency_id, Return.period_id == period.id)
    row.version = 1 + (session.scalar(select(func.max(Return.version)).where(*mine)) or 0)
    row.values = [
        ReturnValue(
            code=f.code,
            value=f.value,
            sheet=f.source.sheet,
            cell=f.source.cell,
            field=f.source.field,
            qualifier=f.words.qualifier,
            trend=f.words.trend,
            status=f.words.status,
        )
        for f in checked.figures.values()
    ]
    newer = _newer_current(session, checked.agency_id, period.id, row.received_at)
    if newer is not None:  # a recovered upload older than the current return: kept, never made current
        row.status = ReturnStatus.SUPERSEDED
        return [], newer
    current = update(Return).where(*mine, Return.status == ReturnStatus.ACCEPTED).values(status=ReturnStatus.SUPERSEDED)
    return list(session.execute(current.returning(Return.id)).scalars()), None


def _answer_by_mail(session: Session, roster: Roster, about: Return, filename: str | None, duplicate: bool) -> None:
    """Queue the mail answering this upload to the agency's contacts (schema.mail_log sends it once)."""
    agency = roster.agency(about.agency_id) if about.agency_id else None
    if agency is None or not agency.emails:
        return  # nobody to answer: the uploader saw the receipt or the errors on the spot
    session.add(
        ReceiptMail(
            return_id=about.id,
            agency_id=agency.id,
            duplicate=duplicate,
            filename=filename,
            recipients=list(agency.emails),
        )
    )


def _record(
    session: Session,
    roster: Roster,
    kept: Kept,
    content: ReturnContent,
    checked: CheckedReturn,
    row: Return,
    now: datetime | None,
    ip: str | None = None,
    backfill: Backfill | None = None,
) -> Receipt:
    """Under the agency's lock: `row` as a new version, a duplicate of the latest, or a refusal, and its audit.

    The time of receipt is taken under the lock, so that the agency's versions follow it.
    """
    if checked.agency_id is not None:
        lock_agency(session, checked.agency_id)
    period = _check_period(session, checked, content)
    actor, channel = row.actor, row.channel
    previous = _same_as_latest(session, kept.sha256, checked)
    if previous is not None:
        about = {"agency_id": previous.agency_id, "period_id": previous.period_id, "return_id": previous.id}
        detail = {"channel": channel, "filename": row.filename}
        session.add(AuditEntry(actor=actor, action="duplicate", detail=detail, ip=ip, **about))
        if backfill is None:
            _answer_by_mail(session, roster, previous, row.filename, duplicate=True)
        finish_upload(session, kept.upload)
        return receipt_of(previous, duplicate=True)

    accepted = checked.accepted and period is not None and period.state == "open"
    row.received_at = backfill.received_at if backfill is not None else now or utc_now()
    if backfill is not None:
        row.received_via, row.entered_at = str(backfill.via), utc_now()
    row.period_id = period.id if period is not None else None
    row.status = ReturnStatus.ACCEPTED if accepted else ReturnStatus.INVALID
    row.problems = [p.model_dump(mode="json") for p in checked.problems]
    superseded, newer = _make_current(session, row, checked, period) if accepted and period else ([], None)
    session.add(row)
    session.flush()
    about = {"agency_id": row.agency_id, "period_id": row.period_id or checked.period_id}
    detail = {"channel": channel, "sha256": kept.sha256}
    session.add(AuditEntry(actor=actor, action="received", return_id=row.id, detail=detail, ip=ip, **about))
    if backfill is not None:
        entered = {"via": str(backfill.via), "received_at": row.received_at.astimezone(UTC).isoformat()}
        entered["entered_at"] = row.entered_at.isoformat() if row.entered_at else None
        session.add(AuditEntry(actor=actor, action="backfilled", return_id=row.id, detail=entered, ip=ip, **about))
    for old_id in superseded:
        session.add(
            AuditEntry(actor=actor, action=ReturnStatus.SUPERSEDED, return_id=old_id, detail={"by": row.id}, **about)
        )
    detail = {"version": row.version, "errors": [p.code for p in checked.errors], **({"by": newer} if newer else {})}
    session.add(AuditEntry(actor=actor, action=row.status, return_id=row.id, detail=detail, ip=ip, **about))
    if backfill is None:  # a back-filled return was sent long ago on paper or by e-mail: no receipt as if just uploaded
        _answer_by_mail(session, roster, row, row.filename, duplicate=False)
    finish_upload(session, kept.upload)
    return receipt_of(row)


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
    ip: str | None = None,
    backfill: Backfill | None = None,
) -> Receipt:
    """Keep one upload whatever it holds; accept it as the agency's next version if it passes.

    Once its bytes are kept, a fault of the database or the disk is `stored_not_finished`, never a
    "not received": the upload's note stays and the next start (`schema.recovery`) finishes it.
    A `backfill` (the coordinator entering a return received outside the system, `schema.backfill`) is
    received at its real time; a time in the future or before the period's window is refused before
    anything is kept (the coordinator holds the file), and no receipt mail is queued for it.
    """
    if channel not in CHANNELS:
        raise ValueError(f"unknown intake channel {channel!r}")
    filename = display_name(filename)
    early = None
    if backfill is not None:
        early = _read_and_check(session, data, hashlib.sha256(data).hexdigest(), roster, agency_id, limits)
        check_received_at(session, backfill, early[1].period_id)
        session.commit()  # end the read-only transaction before keeping the bytes
        now = backfill.received_at
    kept = keep_bytes(session, data, channel, actor, filename, agency_id, now, backfill.via if backfill else None)
    try:
        content, checked, roster = early or _read_and_check(session, data, kept.sha256, roster, agency_id, limits)
        session.commit()  # the agency's lock must open a fresh transaction
        row = Return(
            sha256=kept.sha256,
            filename=filename,
            format=content.format,
            channel=channel,
            actor=actor,
            agency_id=checked.agency_id,
            claimed_period=checked.period_id,
            form_ref=checked.form_ref,
            narrative={code: [p.value for p in paragraphs] for code, paragraphs in checked.narrative.items()},
        )
        return _record(session, roster, kept, content, checked, row, now, ip, backfill)
    except Exception as exc:
        fault = None if isinstance(exc, UserError) or kept.resumed else faults.fault_of(exc)
        if fault is None:  # a user error, a bug, or a recovery's own attempt (which handles its faults)
            raise
        with suppress(Exception):
            session.rollback()
        logger.warning("upload %s kept but not finished (%s): %s", kept.sha256, fault.code, exc)
        raise faults.stored_not_finished(kept.sha256) from exc
