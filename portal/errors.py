"""Errors as responses, in one place: every error body is `{"code", "message"}` with the message in Vietnamese.

A `UserError` raised below answers as itself; a fault of the world (database unreachable, pool
exhausted, disk full, not initialised) is a 503 with Retry-After; a request FastAPI cannot
validate is a 422 naming its fields; anything unexpected is logged with its traceback and
answered as a JSON 500 that says so in Vietnamese, never a bare page.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from sqlalchemy import exc as sa_exc
from starlette.exceptions import HTTPException

from agencies.bounds import shorten
from agencies.errors import UserError
from portal.body_limit import BodyTooLarge, is_upload, too_large
from portal.responses import error_headers, error_response
from portal.web import go, is_page, page
from schema.faults import fault_of

log = logging.getLogger(__name__)

INTERNAL_ERROR = UserError(
    "internal_error",
    "Hệ thống gặp lỗi ngoài dự kiến khi xử lý yêu cầu; lỗi đã được ghi lại để Sở kiểm tra. "
    "Hãy thử lại sau ít phút; nếu vẫn lỗi, hãy báo cho Sở.",
    status=500,
)

# The framework's own refusals (no route, wrong method, a body it cannot parse), in Vietnamese.
HTTP_ERRORS = {
    400: ("bad_request", "Yêu cầu không đúng định dạng."),
    401: ("unauthorized", "Thiếu hoặc sai khóa truy cập."),
    403: ("forbidden", "Không có quyền thực hiện yêu cầu này."),
    404: ("not_found", "Không có địa chỉ này."),
    405: ("method_not_allowed", "Địa chỉ này không nhận phương thức {method}."),
}


def answer(request: Request, error: UserError, **extra: Any) -> Response:
    """JSON for the API; for a page, the sign-in page when signed out, else an error page in Vietnamese."""
    if not is_page(request):
        return error_response(error, **extra)
    if error.status == 401:
        return go(f"/sign-in?next={quote(request.url.path)}")
    response = page(request, "portal/error.html", error=error, status=error.status)
    response.headers.update({k: v for k, v in (error_headers(error) or {}).items() if k == "Retry-After"})
    return response


async def _user_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, UserError)
    return answer(request, exc)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if isinstance(exc, BodyTooLarge):
        return answer(request, too_large(exc.size, exc.limit, is_upload(request.url.path)))
    code, message = HTTP_ERRORS.get(exc.status_code, ("http_error", "Yêu cầu không thực hiện được."))
    error = UserError(code, message.format(method=request.method), status=exc.status_code)
    return answer(request, error)


def _field(location: tuple) -> str:
    """`("path", "return_id")` → `return_id`; `("body", "reason")` → `reason`."""
    parts = [str(p) for p in location if p not in ("body", "path", "query", "header")]
    return ".".join(parts) or "body"


async def _invalid_request(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    fields = [{"field": _field(e["loc"]), "type": e["type"]} for e in exc.errors()]
    names = ", ".join(f"«{shorten(f['field'], 40)}»" for f in fields[:5])
    error = UserError(
        "invalid_request",
        f"Yêu cầu có giá trị không hợp lệ hoặc thiếu ở {names}. Hãy xem tài liệu API (/api/v1/docs).",
        status=422,
        field=fields[0]["field"] if fields else None,
    )
    return answer(request, error, errors=fields)


async def _fault(request: Request, exc: Exception) -> Response:
    error = fault_of(exc)
    if error is None:
        return await _unexpected(request, exc)
    log.warning("%s %s: %s: %s", request.method, request.url.path, error.code, exc)
    return answer(request, error)


async def _unexpected(request: Request, exc: Exception) -> Response:
    log.error("%s %s failed", request.method, request.url.path, exc_info=exc)
    return answer(request, INTERNAL_ERROR)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(UserError, _user_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_exception_handler(sa_exc.SQLAlchemyError, _fault)
    app.add_exception_handler(OSError, _fault)
    app.add_exception_handler(Exception, _unexpected)
