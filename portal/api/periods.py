"""A period seen from the API: completeness (coordinator) and an agency withdrawing its return."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from agencies.bounds import REASON_MAX
from agencies.calendar import parse_period
from agencies.errors import UserError
from portal.deps import Coordinator, CurrentPrincipal, Database
from schema.completeness import Completeness, completeness_document, period_completeness
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
