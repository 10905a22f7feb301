"""A period seen from the API: completeness (coordinator) and an agency withdrawing its return."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from agencies.bounds import REASON_MAX
from agencies.calendar import parse_period
from agencies.errors import UserError
from portal.deps import Coordinator, CurrentPrincipal, Database
from schema.completeness import Completeness, completeness_document, period_completeness
from schema.credentials import Principal
from schema.models import Period
from schema.periods import get_period
from schema.roster_store import current_roster
from schema.unseen import unassigned_uploads, unfinished_uploads
from schema.withdrawal import withdraw_return

router = APIRouter(tags=["periods"])


class WithdrawalIn(BaseModel):
    reason: str = Field("", max_length=REASON_MAX, description="lý do rút báo cáo")


class WithdrawalOut(BaseModel):
    id: int
    version: int | None
    status: str


class PeriodOut(BaseModel):
    id: str
    label: str  # `6 tháng đầu năm 2023`
    state: str  # open / closed
    window_start: date
    window_end: date
    deadline: date  # the caller's own deadline (its group's), else the period's


def _periods(session: Session, principal: Principal) -> list[PeriodOut]:
    group = current_roster(session).group_of(principal.agency_id).id if principal.agency_id else None
    return [
        PeriodOut(
            id=row.id,
            label=parse_period(row.id).label,
            state=row.state,
            window_start=row.window_start,
            window_end=row.window_end,
            deadline=row.deadline_for(group) if group else row.deadline,
        )
        for row in session.scalars(select(Period).order_by(Period.window_end.desc(), Period.id))
    ]


@router.get("/periods", response_model=list[PeriodOut])
async def periods(database: Database, principal: CurrentPrincipal) -> list[PeriodOut]:
    """Các kỳ báo cáo (mới nhất trước): thời gian lấy số liệu, hạn gửi của đơn vị, trạng thái."""
    return await database.run(_periods, principal)


def _period_id(text: str) -> str:
    """The period id of the path; a malformed one is a 422 naming the field (PeriodIdError)."""
    return parse_period(text).id


def _completeness(session: Session, period_id: str) -> Completeness:
    row = get_period(session, period_id)
    states = period_completeness(session, current_roster(session), row)
    return completeness_document(row.id, states, unfinished_uploads(session), unassigned_uploads(session, row))


@router.get("/periods/{period}/completeness", response_model=Completeness)
async def completeness(period: str, database: Database, _: Coordinator) -> Completeness:
    """Tình hình gửi báo cáo của các đơn vị trong kỳ (chỉ cơ quan tổng hợp)."""
    return await database.run(_completeness, _period_id(period))


@router.post("/periods/{period}/withdrawal", response_model=WithdrawalOut)
async def withdraw(period: str, body: WithdrawalIn, database: Database, principal: CurrentPrincipal) -> WithdrawalOut:
    """Đơn vị rút báo cáo hiện hành của mình trong kỳ; báo cáo vẫn được lưu và đánh dấu đã rút."""
    if principal.agency_id is None:
        raise UserError("forbidden", "Chỉ đơn vị gửi báo cáo mới rút được báo cáo của mình.", status=403)
    row = await database.run(withdraw_return, principal.agency_id, _period_id(period), principal.actor, body.reason)
    return WithdrawalOut(id=row.id, version=row.version, status=row.status)
