"""`create_app(settings)`: the only place the web app reads its configuration."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from functools import partial

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from agencies.errors import UserError
from portal.api import consolidations, health, periods, returns
from portal.api.docs import install_docs
from portal.body_limit import BodyLimit
from portal.errors import answer, install_error_handlers
from portal.gate import DatabaseGate
from portal.pages import agency, coordinator, sign_in
from portal.receipt_mail import MAIL_GATE_WAIT, InFlight, MailDesk
from schema.database import make_engine
from schema.faults import fault_of
from schema.recovery import finish_unfinished_uploads
from schema.settings import Settings

log = logging.getLogger(__name__)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """At start, finish the uploads a killed process left half-done; the service starts even if it cannot."""
    grace = timedelta(seconds=app.state.settings.unfinished_grace_seconds)
    try:
        recovery = await app.state.gate.run(partial(finish_unfinished_uploads, grace=grace))
        log.info("at start: %d unfinished uploads finished, %d not", len(recovery.finished), len(recovery.failed))
    except Exception as exc:  # the service starts anyway: its requests and /health say what is wrong
        error = fault_of(exc)
        if error is None:
            log.error("at start, finishing unfinished uploads failed", exc_info=exc)
        else:
            log.warning("at start, unfinished uploads not looked at: %s: %s", error.code, exc)
    yield
    app.state.mail_desk.close()
    if app.state.engine is not None:
        app.state.engine.dispose()


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    app = FastAPI(
        title="phoihop",
        version="1",
        description="Nhận báo cáo của các đơn vị và theo dõi tình hình gửi báo cáo.",
        openapi_url="/api/v1/openapi.json",
        docs_url=None,  # FastAPI's own page loads its scripts from a CDN: ours is portal/api/docs.py
        redoc_url=None,
        lifespan=lifespan,
        # Nothing leaves the province: FastAPI's own OpenTelemetry layer off, and never configured from the environment.
        telemetry={"tracing": False, "metrics": False, "logs": False, "auto_configure": False},
    )
    app.state.settings = settings
    try:
        engine = make_engine(
            settings.resolved_database_url,
            pool_size=settings.db_pool_size,
            max_overflow=settings.db_max_overflow,
            pool_timeout=settings.db_pool_timeout,
        )
    except UserError as error:  # e.g. an unusable data folder: the API starts and says so on every request
        log.error("no database: %s: %s", error.code, error.message)
        engine, unavailable = None, error
    else:
        unavailable = None
    app.state.engine = engine
    app.state.gate = DatabaseGate(
        engine,
        capacity=settings.resolved_api_db_calls,
        wait=settings.db_pool_timeout,
        retry_after=settings.api_retry_after,
        unavailable=unavailable,
    )
    # The receipt mails keep to a connection of their own, one call at a time, never in front of an upload.
    mail_engine = make_engine(settings.resolved_database_url, pool_size=1, max_overflow=0) if engine else None
    mail_gate = DatabaseGate(mail_engine, 1, MAIL_GATE_WAIT, settings.api_retry_after, unavailable=unavailable)
    app.state.mail_desk = MailDesk(mail_gate, settings)
    app.add_middleware(BodyLimit, answer=answer)
    app.add_middleware(InFlight, desk=app.state.mail_desk)  # receipts wait for a burst of uploads to be answered
    install_error_handlers(app)
    app.include_router(returns.router, prefix="/api/v1")
    app.include_router(periods.router, prefix="/api/v1")
    app.include_router(consolidations.router, prefix="/api/v1")
    app.include_router(health.router, prefix="/api/v1")
    install_docs(app)
    app.include_router(sign_in.router)
    app.include_router(agency.router)
    app.include_router(coordinator.router)
    app.mount("/static", StaticFiles(packages=[("portal", "static")]), name="static")
    return app
