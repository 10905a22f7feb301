"""What happened to an agency's returns for a period: the audit log, oldest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from schema.models import AuditEntry, Return


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    actor: str
    action: str
    return_id: int | None
    version: int | None
    filename: str | None
    detail: dict


def agency_history(session: Session, agency_id: str, period_id: str) -> list[HistoryEntry]:
    """Every state change of the agency's uploads for the period, and the period's own openings and closings."""
    rows = session.execute(
        select(AuditEntry, Return)
        .outerjoin(Return, Return.id == AuditEntry.return_id)
        .where(
            or_(
                and_(AuditEntry.agency_id == agency_id, AuditEntry.period_id == period_id),
                and_(AuditEntry.agency_id.is_(None), AuditEntry.period_id == period_id),
            )
        )
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
        )
        for entry, upload in rows
    ]
