"""The one shape of an error response: JSON `{"code", "message"}` (and `field`), Retry-After for a 503."""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse

from agencies.errors import UserError


def error_headers(error: UserError) -> dict[str, str] | None:
    headers = {}
    if error.retry_after:
        headers["Retry-After"] = str(error.retry_after)
    if error.status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    return headers or None


def error_body(error: UserError) -> dict[str, Any]:
    body: dict[str, Any] = {"code": error.code, "message": error.message}
    if error.field:
        body["field"] = error.field
    return body


def error_response(error: UserError, **extra: Any) -> JSONResponse:
    return JSONResponse({**error_body(error), **extra}, status_code=error.status, headers=error_headers(error))
