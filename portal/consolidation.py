"""Consolidation from the portal: ask for one (a row, then a run of the served `consolidate` deployment), read it.

Both functions take the app, so that any request handler — the API's or a page's — can call
them. Prefect is imported only when a flow run is started or looked at (flows/runs.py), and
in a worker thread: importing it takes seconds the event loop must not wait.
"""

from __future__ import annotations

import logging
from pathlib import Path
from types import ModuleType

import anyio
from fastapi import FastAPI
from sqlalchemy.orm import Session

from agencies.errors import UserError
from portal.gate import DatabaseGate
from report.versions import annex_of
from schema.consolidations import (
    FLOW_FAILED,
    NOT_NOTED,
    STOPPED,
    ConsolidationView,
    attach_flow_run,
    consolidation_view,
    failure_message,
    latest_draft,
    mark_failed_view,
    request_consolidation,
)
from schema.settings import Settings

DEPLOYMENT = "consolidate/consolidate"  # flow name / deployment name, as `phoihop serve` serves it
ENDED_MESSAGES = {"FAILED": FLOW_FAILED, "COMPLETED": NOT_NOTED}  # else (crashed, cancelled): STOPPED

log = logging.getLogger(__name__)


def _import_runs() -> ModuleType:
    from flows import runs

    return runs


async def _runs() -> ModuleType:
    """flows.runs (and Prefect), imported off the event loop."""
    return await anyio.to_thread.run_sync(_import_runs)


def _gate(app: FastAPI) -> DatabaseGate:
    return app.state.gate


def _settings(app: FastAPI) -> Settings:
    return app.state.settings


async def start_consolidation(app: FastAPI, period_id: str, actor: str, ip: str | None) -> ConsolidationView:
    """Ask for a consolidation of the period and start its flow run; the consolidation, `scheduled`.

    Prefect not reachable, or no runner serving the flows: `flows_not_running` (503), and the
    consolidation is left `failed` with that message, never `scheduled` for ever.
    """
    gate, settings = _gate(app), _settings(app)
    row = await gate.run(request_consolidation, period_id, actor, ip)
    out_dir = (settings.data_dir / "drafts" / row.period_id).resolve()  # numbered versions, side by side
    parameters = {"period": row.period_id, "out_dir": str(out_dir), "consolidation_id": row.id}
    try:
        runs = await _runs()
        flow_run_id = await runs.start_run(settings.prefect_api_url, DEPLOYMENT, parameters)
    except BaseException as exc:  # even a cancelled request leaves the row with an end
        message = exc.message if isinstance(exc, UserError) else failure_message(exc)
        with anyio.CancelScope(shield=True):
            await gate.run(mark_failed_view, row.id, message)
        raise
    return await gate.run(attach_flow_run, row.id, flow_run_id)


async def read_consolidation(app: FastAPI, consolidation_id: int) -> ConsolidationView:
    """The consolidation as it stands; one whose flow run ended without noting its outcome here is marked failed.

    The run notes its outcome before Prefect marks it ended, so a run that ended while its
    consolidation is still under way crashed, failed, was cancelled — or wrote to another
    database. Reading never needs Prefect: when it cannot be asked, the row is shown as it is.
    """
    gate, settings = _gate(app), _settings(app)
    view = await gate.run(consolidation_view, consolidation_id)
    if view.state.final or view.flow_run_id is None:
        return view
    runs = await _runs()
    try:
        ended = await runs.final_state(settings.prefect_api_url, view.flow_run_id)
    except UserError as error:
        log.info("consolidation %d: flow run %s not looked at: %s", view.id, view.flow_run_id, error.code)
        return view
    if ended is None:
        return view
    log.warning("consolidation %d: flow run %s ended %s, its outcome not noted", view.id, view.flow_run_id, ended)
    return await gate.run(mark_failed_view, view.id, ENDED_MESSAGES.get(ended, STOPPED))


def latest_annex(session: Session, period_id: str) -> Path:
    """The annex written with the period's latest draft; `annex_not_ready` (404) when that draft has none."""
    annex = annex_of(latest_draft(session, period_id))
    if annex is None:
        raise UserError(
            "annex_not_ready",
            f"Bản dự thảo mới nhất của kỳ {period_id} không có phụ lục số liệu: hãy tổng hợp lại kỳ này.",
            status=404,
            field="period",
        )
    return annex
