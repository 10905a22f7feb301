"""Errors as responses, in one place: a `UserError` and every database or disk fault carry a code and a Vietnamese message.

A fault of the world (database unreachable, pool exhausted, disk full) is a 503 with
Retry-After; anything unexpected is logged with its traceback and answered as a JSON 500
that says the same in Vietnamese, never a bare page.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy import exc as sa_exc

from agencies.errors import UserError
from schema.faults import fault_of

log = logging.getLogger(__name__)

INTERNAL_ERROR = UserError(
    "internal_error",
    "Hệ thống gặp lỗi ngoài dự kiến khi xử lý yêu cầu; lỗi đã được ghi lại để Sở kiểm tra. "
    "Hãy thử lại sau ít phút; nếu vẫn lỗi, hãy báo cho Sở.",
    status=500,
)


def error_response(error: UserError) -> JSONResponse:
    headers = {"Retry-After": str(error.retry_after)} if error.retry_after else None
    return JSONResponse({"code": error.code, "message": error.message}, status_code=error.status, headers=headers)


async def _user_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, UserError)
    return error_response(exc)


async def _fault(request: Request, exc: Exception) -> JSONResponse:
    error = fault_of(exc)
    if error is None:
        return await _unexpected(request, exc)
    log.warning("%s %s: %s: %s", request.method, request.url.path, error.code, exc)
    return error_response(error)


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.error("%s %s failed", request.method, request.url.path, exc_info=exc)
    return error_response(INTERNAL_ERROR)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(UserError, _user_error)
    app.add_exception_handler(sa_exc.SQLAlchemyError, _fault)
    app.add_exception_handler(OSError, _fault)
    app.add_exception_handler(Exception, _unexpected)
