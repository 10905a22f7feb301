"""The pages' plumbing: rendering a template, who is signed in, and the form token every form sends back."""

from __future__ import annotations

import hmac
from typing import Annotated, Any

from fastapi import Depends, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException as StarletteHTTPException

from agencies.bounds import ID_MAX
from agencies.errors import UserError
from portal.body_limit import BodyTooLarge
from portal.deps import Database
from report.templating import environment
from schema.accounts import Viewer, viewer_of
from schema.settings import Settings

SESSION_COOKIE = "phoihop_session"
SIGN_IN_COOKIE = "phoihop_sign_in"  # the sign-in form's token, before any session exists
TOKEN_TEXT_MAX = 100  # a cookie or form token longer than this is not one of ours
RowId = Annotated[int, Path(ge=1, le=ID_MAX)]  # a row's id in a page's address (a receipt, a consolidation)

# No inline script or style, nothing from elsewhere: the pages load only what this server serves.
PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def is_page(request: Request) -> bool:
    """Pages answer in HTML; the API (and its docs) in JSON."""
    return not request.url.path.startswith("/api/")


def page(request: Request, name: str, viewer: Viewer | None = None, status: int = 200, **context: Any) -> HTMLResponse:
    html = environment().get_template(name).render(request=request, viewer=viewer, **context)
    return HTMLResponse(html, status_code=status, headers=PAGE_HEADERS)


def go(url: str) -> RedirectResponse:
    """After a form: the next page by GET (303), so that reloading it sends nothing twice."""
    return RedirectResponse(url, status_code=303)


def set_cookie(response: Response, settings: Settings, name: str, value: str, max_age: int | None = None) -> None:
    response.set_cookie(
        name, value, max_age=max_age, httponly=True, secure=settings.cookie_secure, samesite="lax", path="/"
    )


def settings_of(request: Request) -> Settings:
    return request.app.state.settings


class SignInRequired(UserError):
    def __init__(self) -> None:
        super().__init__("sign_in_required", "Hãy đăng nhập để tiếp tục.", status=401)


async def optional_viewer(request: Request, database: Database) -> Viewer | None:
    token = request.cookies.get(SESSION_COOKIE, "")
    if not token or len(token) > TOKEN_TEXT_MAX:
        return None
    return await database.run(viewer_of, token)


MaybeViewer = Annotated[Viewer | None, Depends(optional_viewer)]


async def signed_in(viewer: MaybeViewer) -> Viewer:
    if viewer is None:
        raise SignInRequired()
    return viewer


SignedIn = Annotated[Viewer, Depends(signed_in)]


async def agency_viewer(viewer: SignedIn) -> Viewer:
    if viewer.agency_id is None:
        raise UserError("forbidden", "Trang này dành cho đơn vị gửi báo cáo.", status=403)
    return viewer


async def coordinator_viewer(viewer: SignedIn) -> Viewer:
    if not viewer.is_coordinator:
        raise UserError("forbidden", "Trang này chỉ dành cho cơ quan tổng hợp.", status=403)
    return viewer


AgencyViewer = Annotated[Viewer, Depends(agency_viewer)]
CoordinatorViewer = Annotated[Viewer, Depends(coordinator_viewer)]


def stale_form() -> UserError:
    return UserError(
        "csrf_failed",
        "Trang đã cũ hoặc phiên đăng nhập đã thay đổi: hãy tải lại trang rồi thao tác lại.",
        status=403,
        field="csrf",
    )


def check_token(sent: object, expected: str) -> None:
    if not isinstance(sent, str) or len(sent) > TOKEN_TEXT_MAX or not hmac.compare_digest(sent, expected):
        raise stale_form()


def unreadable_form() -> UserError:
    return UserError("invalid_form", "Không đọc được dữ liệu của biểu mẫu: hãy tải lại trang rồi gửi lại.", status=400)


async def read_form(request: Request, max_fields: int = 50, max_files: int = 0) -> FormData:
    try:
        return await request.form(max_files=max_files, max_fields=max_fields)
    except BodyTooLarge:
        raise
    except StarletteHTTPException:
        raise unreadable_form() from None


async def checked_form(request: Request, viewer: Viewer, max_fields: int = 50, max_files: int = 0) -> FormData:
    """The posted form, once its token proves it came from one of our pages for this session (CSRF)."""
    form = await read_form(request, max_fields=max_fields, max_files=max_files)
    check_token(form.get("csrf"), viewer.csrf_token)
    return form


def text_field(form: FormData, name: str, limit: int) -> str:
    value = form.get(name, "")
    return value.strip()[:limit] if isinstance(value, str) else ""
