"""The API's browsable documentation at /api/v1/docs: Swagger UI served from our own process, no CDN.

Nothing leaves the province (DESIGN §3): the page's script, styles and icon come from the
`swagger-ui-bundle` package, mounted under /api/v1/docs/static.
"""

from __future__ import annotations

from fastapi import APIRouter, FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from swagger_ui_bundle import swagger_ui_path

DOCS = "/api/v1/docs"
STATIC = f"{DOCS}/static"

router = APIRouter(include_in_schema=False)


@router.get(DOCS)
async def docs() -> HTMLResponse:
    return get_swagger_ui_html(
        openapi_url="/api/v1/openapi.json",
        title="phoihop — tài liệu API",
        swagger_js_url=f"{STATIC}/swagger-ui-bundle.js",
        swagger_css_url=f"{STATIC}/swagger-ui.css",
        swagger_favicon_url=f"{STATIC}/favicon-32x32.png",
    )


def install_docs(app: FastAPI) -> None:
    app.mount(STATIC, StaticFiles(directory=swagger_ui_path), name="docs-static")
    app.include_router(router)
