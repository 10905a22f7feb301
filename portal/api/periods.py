"""A period seen from the API: the list, an agency's pre-filled form, completeness (coordinator), a withdrawal."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from agencies.bounds import AGENCY_ID_MAX, REASON_MAX
from agencies.calendar import PERIOD_ID_PATTERN, parse_period
from agencies.errors import UserError
from portal.deps import ClientIp, Coordinator, CurrentPrincipal, Database
from portal.responses import XLSX, documented
from schema.completeness import Completeness, completeness_document, period_completeness
from schema.credentials import Principal
from schema.mail_log import mail_failures
from schema.models import Period
from schema.period_forms import agency_form
from schema.periods import get_period, period_of
from schema.roster_store import roster_of_period
from schema.unseen import unassigned_uploads, unfinished_uploads
from schema.withdrawal import withdraw_return

router = APIRouter(tags=["periods"])


# A period id in the path. The pattern documents it; the route checks it itself (parse_period), so that a
# malformed id is answered with its own Vietnamese message: a 422 naming the field `period`.
PeriodPath = Annotated[
    str,
    Path(
        description="mã kỳ báo cáo: 2023-H1, 2023-H2, 2023-Y, 2023-Q1, 2023-M10 hoặc 2023-CD1 (kỳ chuyên đề)",
        examples=["2023-H1"],
        json_schema_extra={"pattern": PERIOD_ID_PATTERN},
    ),
]


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
    lines = []
    for row in session.scalars(select(Period).order_by(Period.window_end.desc(), Period.id)):
        roster = roster_of_period(session, row)  # an agency's group is its period's roster's
        mine = principal.agency_id and roster.agency(principal.agency_id)
        deadline = row.deadline_for(roster.group_of(principal.agency_id).id) if mine else row.deadline
        lines.append(
            PeriodOut(
                id=row.id,
                label=period_of(row).label,
                state=row.state,
                window_start=row.window_start,
                window_end=row.window_end,
                deadline=deadline,
            )
        )
    return lines


@router.get("/periods", response_model=list[PeriodOut], responses=documented(401, 503))
async def periods(database: Database, principal: CurrentPrincipal) -> list[PeriodOut]:
    """Các kỳ báo cáo (mới nhất trước): thời gian lấy số liệu, hạn gửi của đơn vị, trạng thái."""
    return await database.run(_periods, principal)


def _period_id(text: str) -> str:
    """The period id of the path; a malformed one is a 422 naming the field (PeriodIdError)."""
    return parse_period(text).id


def _form_agency(principal: Principal, wanted: str | None) -> str:
    """Whose form: an agency's own (asking for another's is a 403); the coordinator names the agency."""
    if principal.agency_id is not None:
        if wanted is not None and wanted != principal.agency_id:
            raise UserError("forbidden", "Đơn vị chỉ tải được biểu mẫu của chính mình.", status=403, field="agency")
        return principal.agency_id
    if wanted is None:
        raise UserError(
            "agency_required",
            "Hãy cho biết mã đơn vị cần tải biểu mẫu: ?agency=<mã đơn vị>.",
            status=422,
            field="agency",
        )
    return wanted


@router.get(
    "/periods/{period}/form",
    response_class=Response,
    responses={
        200: {
            "content": {XLSX: {"schema": {"type": "string", "format": "binary"}}},
            "description": "biểu mẫu Excel điền sẵn của đơn vị cho kỳ này (tệp `2023-H1_police.xlsx`)",
        },
        **documented(401, 403, 404, 422, 503),
    },
)
async def form(
    period: PeriodPath,
    database: Database,
    principal: CurrentPrincipal,
    agency: Annotated[
        str | None,
        Query(max_length=AGENCY_ID_MAX, description="mã đơn vị (chỉ cơ quan tổng hợp; đơn vị tải biểu mẫu của mình)"),
    ] = None,
) -> Response:
    """Biểu mẫu Excel điền sẵn của đơn vị cho kỳ báo cáo: đơn vị tải biểu mẫu của mình, cơ quan tổng hợp của
    đơn vị bất kỳ (`?agency=`)."""
    period_id = _period_id(period)
    filled = await database.run(agency_form, period_id, _form_agency(principal, agency))
    disposition = f'attachment; filename="{filled.filename}"'
    return Response(filled.content, media_type=XLSX, headers={"Content-Disposition": disposition})


def _completeness(session: Session, period_id: str) -> Completeness:
    row = get_period(session, period_id)
    states = period_completeness(session, roster_of_period(session, row), row)
    unfinished, unassigned = unfinished_uploads(session), unassigned_uploads(session, row)
    return completeness_document(row.id, states, unfinished, unassigned, mail_failures(session, row.id))


@router.get(
    "/periods/{period}/completeness",
    response_model=Completeness,
    responses=documented(401, 403, 404, 422, 503),
)
async def completeness(period: PeriodPath, database: Database, _: Coordinator) -> Completeness:
    """Tình hình gửi báo cáo của các đơn vị trong kỳ (chỉ cơ quan tổng hợp)."""
    return await database.run(_completeness, _period_id(period))


@router.post(
    "/periods/{period}/withdrawal",
    response_model=WithdrawalOut,
    responses=documented(400, 401, 403, 404, 409, 413, 422, 503),
)
async def withdraw(
    period: PeriodPath, body: WithdrawalIn, database: Database, principal: CurrentPrincipal, ip: ClientIp
) -> WithdrawalOut:
    """Đơn vị rút báo cáo hiện hành của mình trong kỳ; báo cáo vẫn được lưu và đánh dấu đã rút."""
    if principal.agency_id is None:
        raise UserError("forbidden", "Chỉ đơn vị gửi báo cáo mới rút được báo cáo của mình.", status=403)
    period_id = _period_id(period)
    row = await database.run(withdraw_return, principal.agency_id, period_id, principal.actor, body.reason, ip)
    return WithdrawalOut(id=row.id, version=row.version, status=row.status)
