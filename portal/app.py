"""`create_app(settings)`: the only place the web app reads its configuration."""

from __future__ import annotations

from fastapi import FastAPI

from phoihop.settings import Settings
from portal.api import periods, returns
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
    engine = make_engine(settings.resolved_database_url)
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = make_session_factory(engine)
    app.include_router(returns.router, prefix="/api/v1")
    app.include_router(periods.router, prefix="/api/v1")
    return app
