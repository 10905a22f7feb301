"""An agency taking back its current return: kept and marked withdrawn, so that nothing counts for it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from agencies.errors import UserError
from agencies.states import ReturnStatus
from schema.agency_lock import lock_agency
from schema.models import AuditEntry, Period, Return


class WithdrawError(UserError):
    """Nothing to withdraw, or no longer allowed; the message is for the user."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(code, message, status=409)


def withdraw_return(
    session: Session, agency_id: str, period_id: str, actor: str, reason: str = "", ip: str | None = None
) -> Return:
    """The agency takes back its current return: kept and marked withdrawn, nothing counts for it."""
    session.commit()
    lock_agency(session, agency_id)
    period = session.get(Period, period_id)
    if period is None or period.state != "open":
        session.rollback()
        raise WithdrawError("period_not_open", f"Kỳ báo cáo {period_id} chưa mở hoặc đã khóa: không rút được báo cáo.")
    current = session.scalars(
        select(Return).where(
            Return.agency_id == agency_id, Return.period_id == period_id, Return.status == ReturnStatus.ACCEPTED
        )
    ).first()
    if current is None:
        session.rollback()
        raise WithdrawError(
            "nothing_to_withdraw", f"Đơn vị {agency_id} không có báo cáo hợp lệ nào của kỳ {period_id} để rút."
        )
    current.status = ReturnStatus.WITHDRAWN
    session.add(
        AuditEntry(
            actor=actor,
            action=ReturnStatus.WITHDRAWN,
            agency_id=agency_id,
            period_id=period_id,
            return_id=current.id,
            detail={"version": current.version, "reason": reason},
            ip=ip,
        )
    )
    session.commit()
    return current
