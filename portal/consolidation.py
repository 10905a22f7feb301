"""STAND-IN, to be replaced at merge by the `serve` branch's portal/consolidation.py.

Written on branch `coordinator-pages` only so that the coordinator's pages can be built and
tested against the interface agreed for `serve`: `start_consolidation(app, period_id, actor, ip)`
and `read_consolidation(app, id)`, both returning a `ConsolidationView`. It records the request
(a `Consolidation` row and its audit entry) and starts no flow run: a consolidation asked for
here stays "scheduled". Delete this file in favour of serve's when merging; keep serve's.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from fastapi import FastAPI
from pydantic import BaseModel
from sqlalchemy.orm import Session

from agencies.errors import UserError
from schema.models import AuditEntry, Consolidation
from schema.periods import get_period

ConsolidationState = Literal["scheduled", "running", "completed", "failed"]
LABELS: dict[str, str] = {
    "scheduled": "Đang chờ chạy",
    "running": "Đang tổng hợp",
    "completed": "Đã xong",
    "failed": "Không thành công",
}


class ConsolidationView(BaseModel):
    id: int
    period: str
    state: ConsolidationState
    label: str
    requested_at: datetime
    requested_by: str
    finished_at: datetime | None
    draft_available: bool
    message: str | None


def _view(row: Consolidation) -> ConsolidationView:
    return ConsolidationView(
        id=row.id,
        period=row.period_id,
        state=row.state,  # type: ignore[arg-type]
        label=LABELS[row.state],
        requested_at=row.requested_at,
        requested_by=row.requested_by,
        finished_at=row.finished_at,
        draft_available=row.state == "completed" and row.draft_path is not None,
        message=row.message,
    )


def _start(session: Session, period_id: str, actor: str, ip: str | None) -> ConsolidationView:
    period = get_period(session, period_id)
    row = Consolidation(period_id=period.id, requested_by=actor)
    session.add(row)
    session.flush()
    session.add(
        AuditEntry(
            actor=actor, action="consolidation_requested", period_id=period.id, detail={"consolidation": row.id}, ip=ip
        )
    )
    session.commit()
    return _view(row)


def _read(session: Session, consolidation_id: int) -> ConsolidationView:
    row = session.get(Consolidation, consolidation_id)
    if row is None:
        raise UserError("consolidation_not_found", f"Không có lần tổng hợp số {consolidation_id}.", status=404)
    return _view(row)


async def start_consolidation(app: FastAPI, period_id: str, actor: str, ip: str | None) -> ConsolidationView:
    return await app.state.gate.run(_start, period_id, actor, ip)


async def read_consolidation(app: FastAPI, consolidation_id: int) -> ConsolidationView:
    return await app.state.gate.run(_read, consolidation_id)
