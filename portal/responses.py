"""The one shape of an error response: JSON `{"code", "message"}` (and `field`), Retry-After for a 503."""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse
from pydantic import BaseModel

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


class ErrorOut(BaseModel):
    """An error body, for the OpenAPI document."""

    code: str
    message: str  # in Vietnamese
    field: str | None = None


def documented(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` for error statuses, each with the error body."""
    return {status: {"model": ErrorOut, "description": ERROR_DESCRIPTIONS[status]} for status in statuses}


ERROR_DESCRIPTIONS = {
    401: "no or a wrong bearer credential",
    403: "not allowed to the caller",
    404: "not found",
    422: "a malformed value; `field` names it",
    503: "a service it needs is not available; try again after Retry-After seconds",
}
