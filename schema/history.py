"""What happened to an agency's returns for a period: the audit log, oldest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from schema.models import AuditEntry, Period, Return
from schema.unseen import period_start, unassigned_condition


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    actor: str
    action: str
    return_id: int | None
    version: int | None
    filename: str | None
    detail: dict
    period_unknown: bool = False  # an upload in which no period could be read
    ip: str | None = None  # where the request came from (portal, API); none for the CLI


def agency_history(session: Session, agency_id: str, period_id: str) -> list[HistoryEntry]:
    """Every state change of the agency's uploads for the period, and the period's own openings and closings.

    The agency's refused uploads that named no readable period are included too, from the
    start of the period's data window (they may belong to it; they belong to no other).
    """
    conditions = [
        and_(AuditEntry.agency_id == agency_id, AuditEntry.period_id == period_id),
        and_(AuditEntry.agency_id.is_(None), AuditEntry.period_id == period_id),
    ]
    period = session.get(Period, period_id)
    if period is not None:
        conditions.append(
            and_(
                AuditEntry.agency_id == agency_id,
                AuditEntry.period_id.is_(None),
                unassigned_condition(),
                Return.received_at >= period_start(period),
            )
        )
    rows = session.execute(
        select(AuditEntry, Return)
        .outerjoin(Return, Return.id == AuditEntry.return_id)
        .where(or_(*conditions))
        .order_by(AuditEntry.id)
    ).all()
    return [
        HistoryEntry(
            at=entry.at,
            actor=entry.actor,
            action=entry.action,
            return_id=entry.return_id,
            version=upload.version if upload is not None else None,
            filename=upload.filename if upload is not None else None,
            detail=entry.detail,
            period_unknown=upload is not None and entry.period_id is None,
            ip=entry.ip,
        )
        for entry, upload in rows
    ]


def account_history(session: Session, agency_id: str) -> list[HistoryEntry]:
    """What happened to the agency's sign-in and API credentials: passwords and keys issued, revoked, sign-ins."""
    entries = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.agency_id == agency_id, AuditEntry.period_id.is_(None), AuditEntry.return_id.is_(None))
        .order_by(AuditEntry.id)
    )
    return [
        HistoryEntry(
            at=entry.at,
            actor=entry.actor,
            action=entry.action,
            return_id=None,
            version=None,
            filename=None,
            detail=entry.detail,
            ip=entry.ip,
        )
        for entry in entries
    ]
