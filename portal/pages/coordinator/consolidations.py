"""Consolidating a period from the board: asking for it, watching it until it ends, downloading the draft it wrote.

The work itself (the `consolidate` flow run, its state) is portal/consolidation.py's; these are its pages.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from agencies.calendar import parse_period
from agencies.errors import UserError
from portal.consolidation import read_consolidation, start_consolidation
from portal.deps import ClientIp, Database
from portal.web import CoordinatorViewer, RowId, checked_form, go, page
from schema.models import Consolidation
from schema.periods import get_period

router = APIRouter()
REFRESH_SECONDS = 3  # how often a consolidation's page reloads itself until the work has ended
FINAL_STATES = ("completed", "failed")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@router.post("/coordinator/periods/{period}/consolidations")
async def consolidate(
    period: str, request: Request, database: Database, viewer: CoordinatorViewer, ip: ClientIp
) -> Response:
    period_id = parse_period(period).id
    await checked_form(request, viewer)
    started = await start_consolidation(request.app, period_id, viewer.actor, ip)
    return go(f"/coordinator/consolidations/{started.id}")


@router.get("/coordinator/consolidations/{consolidation_id}")
async def consolidation_page(consolidation_id: RowId, request: Request, viewer: CoordinatorViewer) -> Response:
    consolidation = await read_consolidation(request.app, consolidation_id)
    return page(
        request,
        "portal/coordinator/consolidation.html",
        viewer,
        consolidation=consolidation,
        final=consolidation.state in FINAL_STATES,
        refresh_seconds=REFRESH_SECONDS,
    )


def latest_draft(session: Session, period_id: str) -> Path:
    """The draft the period's latest completed consolidation wrote."""
    row = get_period(session, period_id)
    path = session.scalar(
        select(Consolidation.draft_path)
        .where(
            Consolidation.period_id == row.id,
            Consolidation.state == "completed",
            Consolidation.draft_path.is_not(None),
        )
        .order_by(Consolidation.id.desc())
        .limit(1)
    )
    if path is None or not Path(path).is_file():
        raise UserError(
            "draft_not_found",
            f"Chưa có bản dự thảo báo cáo tổng hợp kỳ {row.id}: hãy bấm «Tổng hợp» trên bảng theo dõi kỳ "
            "và chờ tổng hợp xong.",
            status=404,
        )
    return Path(path)


@router.get("/coordinator/periods/{period}/draft")
async def download_draft(period: str, database: Database, viewer: CoordinatorViewer) -> Response:
    path = await database.run(latest_draft, parse_period(period).id)
    return FileResponse(path, media_type=DOCX, filename=path.name, headers={"Cache-Control": "no-store"})
