"""The one shape of an error response: JSON `{"code", "message"}` (and `field`), Retry-After for a 503.

`ErrorOut` is that shape for the OpenAPI document; `documented(…)` lists the error statuses a route
may answer, each with it, so that a client (and schemathesis) knows every answer it can get.
"""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from agencies.errors import UserError


class ErrorOut(BaseModel):
    """Every error body: a stable English code, what happened and what to do in Vietnamese, the field at fault."""

    code: str = Field(examples=["invalid_period_id"])
    message: str
    field: str | None = Field(default=None, description="trường của yêu cầu gây lỗi, nếu có")


class InvalidField(BaseModel):
    field: str
    type: str  # pydantic's error type, e.g. `int_parsing`


class InvalidRequestOut(ErrorOut):
    """A request FastAPI could not validate (code `invalid_request`), or a value the service refused (422)."""

    errors: list[InvalidField] = []


# The office files the portal sends: forms and annexes, drafts.
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

DESCRIPTIONS = {
    400: "yêu cầu không đúng định dạng",
    401: "thiếu hoặc sai khóa truy cập",
    403: "không có quyền",
    404: "không có (hoặc không thuộc đơn vị gọi)",
    409: "trạng thái hiện tại không cho phép thao tác này",
    413: "nội dung gửi lên vượt giới hạn; không có gì được lưu",
    422: "giá trị không hợp lệ; `field` chỉ trường sai",
    503: "hệ thống bận hoặc cơ sở dữ liệu không sẵn sàng; gửi lại sau Retry-After giây",
}


def documented(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The error answers of a route for its `responses=`: each status with ErrorOut and what it means."""
    return {
        status: {"model": InvalidRequestOut if status == 422 else ErrorOut, "description": DESCRIPTIONS[status]}
        for status in statuses
    }


def error_headers(error: UserError) -> dict[str, str] | None:
    headers = {}
    if error.retry_after:
        headers["Retry-After"] = str(error.retry_after)
    if error.status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    return headers or None


def error_body(error: UserError) -> dict[str, Any]:
    return ErrorOut(code=error.code, message=error.message, field=error.field).model_dump(exclude_none=True)


def error_response(error: UserError, **extra: Any) -> JSONResponse:
    return JSONResponse({**error_body(error), **extra}, status_code=error.status, headers=error_headers(error))
