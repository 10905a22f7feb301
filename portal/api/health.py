"""Is the service able to take returns now? For a load balancer, a monitor or a worried coordinator."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.orm import Session

from portal.deps import Database
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


@router.get("/health", response_model=HealthOut, responses={503: {"model": HealthOut}})
async def health(database: Database) -> JSONResponse:
    """200 khi hệ thống nhận được báo cáo; 503 kèm lý do (mã và thông báo tiếng Việt) khi không."""
    try:
        await database.run(_probe)
    except Exception as exc:
        error = fault_of(exc)
        if error is None:
            raise
        out = HealthOut(
            status="unavailable",
            code=error.code,
            message=error.message,
            busy=database.busy,
            waiting=database.waiting,
        )
        headers = {"Retry-After": str(error.retry_after)} if error.retry_after else None
        return JSONResponse(out.model_dump(), status_code=503, headers=headers)
    return JSONResponse(HealthOut(status="ok", busy=database.busy, waiting=database.waiting).model_dump())
