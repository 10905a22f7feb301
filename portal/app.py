"""`create_app(settings)`: the only place the web app reads its configuration."""

from __future__ import annotations

from fastapi import FastAPI

from phoihop.settings import Settings
from portal.api import health, periods, returns
from portal.errors import install_error_handlers
from portal.gate import DatabaseGate
from schema.database import make_engine, make_session_factory


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    app = FastAPI(
        title="phoihop",
        version="1",
        description="Nhận báo cáo của các đơn vị và theo dõi tình hình gửi báo cáo.",
        openapi_url="/api/v1/openapi.json",
        docs_url=None,  # the bundled docs pages load scripts from a CDN; nothing leaves the province
        redoc_url=None,
    )
    engine = make_engine(
        settings.resolved_database_url,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        pool_timeout=settings.db_pool_timeout,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.gate = DatabaseGate(
        make_session_factory(engine),
        capacity=settings.db_pool_size + settings.db_max_overflow,
        wait=settings.db_pool_timeout,
        retry_after=settings.api_retry_after,
    )
    install_error_handlers(app)
    app.include_router(returns.router, prefix="/api/v1")
    app.include_router(periods.router, prefix="/api/v1")
    app.include_router(health.router, prefix="/api/v1")
    return app
