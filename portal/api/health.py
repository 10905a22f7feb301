"""Is the service able to take returns now? For a load balancer, a monitor or a worried coordinator."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.orm import Session

from portal.deps import Database
from portal.responses import error_body, error_headers
from schema.faults import fault_of
from schema.roster_store import current_roster

router = APIRouter(tags=["health"])


class HealthOut(BaseModel):
    status: str  # ok / unavailable
    code: str | None = None
    message: str | None = None
    busy: int  # database calls running now in this process
    waiting: int  # requests waiting for a database connection


def _probe(session: Session) -> None:
    session.execute(text("SELECT 1"))
    current_roster(session)


HEALTH_WAIT = 1.0  # seconds: a monitor is told "busy" quickly rather than left waiting with the uploads


@router.get("/health", response_model=HealthOut, responses={503: {"model": HealthOut}})
async def health(database: Database) -> JSONResponse:
    """200 khi hệ thống nhận được báo cáo; 503 kèm lý do (mã và thông báo tiếng Việt) khi không."""
    try:
        await database.run(_probe, wait=min(HEALTH_WAIT, database.wait))
    except Exception as exc:
        error = fault_of(exc)
        if error is None:
            raise
        out = HealthOut(status="unavailable", busy=database.busy, waiting=database.waiting)
        return JSONResponse({**out.model_dump(), **error_body(error)}, status_code=503, headers=error_headers(error))
    return JSONResponse(HealthOut(status="ok", busy=database.busy, waiting=database.waiting).model_dump())
