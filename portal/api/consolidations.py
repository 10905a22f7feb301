"""Consolidation from the API (coordinator only): start one, follow it, download the period's draft."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request, status
from fastapi.responses import FileResponse

from agencies.bounds import ID_MAX
from agencies.calendar import parse_period
from portal.consolidation import latest_annex, read_consolidation, start_consolidation
from portal.deps import ClientIp, Coordinator, Database
from portal.responses import DOCX, XLSX, ErrorOut, documented
from schema.consolidations import ConsolidationView, latest_draft

router = APIRouter(tags=["consolidation"])

ConsolidationId = Annotated[int, Path(ge=1, le=ID_MAX, description="số lượt tổng hợp")]
PeriodId = Annotated[str, Path(description="mã kỳ báo cáo, ví dụ 2023-H1", examples=["2023-H1"])]


@router.post(
    "/periods/{period}/consolidations",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=ConsolidationView,
    responses={
        202: {"description": "started: follow it at GET /api/v1/consolidations/{id}"},
        **documented(401, 403, 404, 409, 422, 503),
        409: {
            "model": ErrorOut,
            "description": "`nothing_to_consolidate`: no agency has a valid return for the period; nothing is started.",
        },
        503: {
            "model": ErrorOut,
            "description": "`flows_not_running`: no Prefect, or no runner serving the flows (start `phoihop serve`); "
            "the consolidation is left failed. Or the database is busy or unavailable.",
        },
    },
)
async def consolidate(period: PeriodId, request: Request, principal: Coordinator, ip: ClientIp) -> ConsolidationView:
    """Tổng hợp kỳ báo cáo: chạy luồng «consolidate» để lập dự thảo (chỉ cơ quan tổng hợp).

    Trả về ngay lượt tổng hợp ở trạng thái «scheduled»; 409 `nothing_to_consolidate` khi chưa đơn vị nào có
    báo cáo hợp lệ; 503 `flows_not_running` khi phần chạy luồng (Prefect, `phoihop serve`) chưa chạy.
    """
    return await start_consolidation(request.app, parse_period(period).id, principal.actor, ip)


@router.get(
    "/consolidations/{consolidation_id}", response_model=ConsolidationView, responses=documented(401, 403, 404, 422)
)
async def get_consolidation(consolidation_id: ConsolidationId, request: Request, _: Coordinator) -> ConsolidationView:
    """Một lượt tổng hợp: trạng thái (scheduled, running, completed, failed), lý do khi không thành công."""
    return await read_consolidation(request.app, consolidation_id)


@router.get(
    "/periods/{period}/draft",
    response_class=FileResponse,
    responses={
        200: {"content": {DOCX: {"schema": {"type": "string", "format": "binary"}}}, "description": "the draft"},
        **documented(401, 403, 404, 422),
    },
)
async def download_draft(period: PeriodId, database: Database, _: Coordinator) -> FileResponse:
    """Tải dự thảo báo cáo tổng hợp (.docx) của lượt tổng hợp xong gần nhất; 404 `draft_not_ready` khi chưa có."""
    draft = await database.run(latest_draft, parse_period(period).id)
    return FileResponse(draft, media_type=DOCX, filename=draft.name)


@router.get(
    "/periods/{period}/annex",
    response_class=FileResponse,
    responses={
        200: {"content": {XLSX: {"schema": {"type": "string", "format": "binary"}}}, "description": "the annex"},
        **documented(401, 403, 404, 422),
    },
)
async def download_annex(period: PeriodId, database: Database, _: Coordinator) -> FileResponse:
    """Tải phụ lục số liệu (.xlsx) đi kèm bản dự thảo mới nhất; 404 `draft_not_ready` hoặc `annex_not_ready` khi chưa có."""
    annex = await database.run(latest_annex, parse_period(period).id)
    return FileResponse(annex, media_type=XLSX, filename=annex.name)
