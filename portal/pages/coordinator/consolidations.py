"""Consolidating a period from the board: asking for it, watching it until it ends, downloading the draft it wrote.

The work itself (the `consolidate` flow run, its state) is portal/consolidation.py's; these are its pages.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, Response

from agencies.calendar import parse_period
from portal.consolidation import latest_annex, read_consolidation, start_consolidation
from portal.deps import ClientIp, Database
from portal.responses import DOCX, XLSX
from portal.web import CoordinatorViewer, RowId, checked_form, go, page
from schema.consolidations import latest_draft

router = APIRouter()
REFRESH_SECONDS = 3  # how often a consolidation's page reloads itself until the work has ended
FINAL_STATES = ("completed", "failed")


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


@router.get("/coordinator/periods/{period}/draft")
async def download_draft(period: str, database: Database, viewer: CoordinatorViewer) -> Response:
    path = await database.run(latest_draft, parse_period(period).id)
    return FileResponse(path, media_type=DOCX, filename=path.name, headers={"Cache-Control": "no-store"})


@router.get("/coordinator/periods/{period}/annex")
async def download_annex(period: str, database: Database, viewer: CoordinatorViewer) -> Response:
    path = await database.run(latest_annex, parse_period(period).id)
    return FileResponse(path, media_type=XLSX, filename=path.name, headers={"Cache-Control": "no-store"})
