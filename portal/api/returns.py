"""Submitting a return (multipart XLSX or a JSON body) and reading its receipt."""

from __future__ import annotations

import logging
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, status
from fastapi.responses import JSONResponse
from pydantic import Field, computed_field
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException as StarletteHTTPException

from agencies.bounds import ID_MAX, STATUS_MAX, TREND_MAX
from agencies.calendar import PERIOD_ID_PATTERN, parse_period
from agencies.errors import UserError
from agencies.figure_words import QUALIFIERS
from agencies.problems import Problem
from portal.body_limit import BodyTooLarge
from portal.deps import ClientIp, CurrentPrincipal, Database
from portal.receipt_mail import AnswerByMail
from portal.responses import ErrorOut, documented
from portal.uploads import unreadable_multipart, uploaded_file
from report.templating import render
from schema.credentials import Principal
from schema.intake import submit_return
from schema.models import Return
from schema.receipts import Receipt, receipt_of
from schema.roster_store import current_roster, roster_for, roster_naming

router = APIRouter(tags=["returns"])
log = logging.getLogger(__name__)


class ReceiptOut(Receipt):
    """The receipt as the API answers it (DESIGN §5): its problems split into `errors` (why it was refused,
    each with its sheet and cell or field) and `warnings`."""

    problems: list[Problem] = Field(default_factory=list, exclude=True)
    errors = computed_field(Receipt.errors)
    warnings = computed_field(Receipt.warnings)

    @classmethod
    def of(cls, receipt: Receipt) -> ReceiptOut:
        return cls.model_validate(receipt, from_attributes=True)


class RefusalOut(ErrorOut):
    """422: the return was kept but refused (code `invalid_return`); every error, and its receipt."""

    errors: list[Problem]
    receipt: ReceiptOut


# The upload's body, for the OpenAPI document: the handler reads it itself (so that it is bounded).
UPLOAD_BODY = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["file"],
                "additionalProperties": False,  # one part, the file (the handler reads no other field)
                "properties": {
                    "file": {
                        "type": "string",
                        "format": "binary",
                        "description": "tệp biểu mẫu đã điền (.xlsx; cả .ods, .xls) hoặc tệp JSON, tối đa 20 MB",
                    }
                },
            }
        },
        "application/json": {
            "schema": {
                "type": "object",
                "required": ["agency", "period", "form"],
                "properties": {
                    "agency": {"type": "string", "example": "police"},
                    "period": {"type": "string", "example": "2023-H1"},
                    "form": {"type": "string", "example": "police@1"},
                    "indicators": {
                        "type": "object",
                        "description": "mã chỉ tiêu → số, hoặc số kèm lời đi kèm (từ đi kèm, xu hướng, tình trạng xử lý)",
                        "additionalProperties": {
                            "oneOf": [
                                {"type": "number"},
                                {
                                    "type": "object",
                                    "required": ["value"],
                                    "additionalProperties": False,
                                    "properties": {
                                        "value": {"type": "number"},
                                        "qualifier": {"type": "string", "enum": list(QUALIFIERS)},
                                        "trend": {"type": "string", "maxLength": TREND_MAX},
                                        "status": {"type": "string", "maxLength": STATUS_MAX},
                                    },
                                },
                            ]
                        },
                    },
                    "narrative": {
                        "type": "object",
                        "additionalProperties": {"type": "array", "items": {"type": "string"}},
                    },
                },
            }
        },
    },
}


async def _body(request: Request) -> tuple[bytes, str | None]:
    """The uploaded bytes: the `file` part of a multipart form, else the raw body (JSON).

    The body as a whole is bounded by `portal.body_limit` before and while it is read; a file
    part over the intake's limit is refused with a 413 and nothing is kept.
    """
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        return await request.body(), None
    try:
        form = await request.form(max_files=1, max_fields=5)
    except BodyTooLarge:
        raise
    except StarletteHTTPException as exc:  # the multipart parser's own refusal (in English: logged only)
        log.info("unreadable multipart upload: %s", exc.detail)
        raise unreadable_multipart() from None
    try:
        return await uploaded_file(form, missing=unreadable_multipart())
    finally:
        await form.close()  # the spooled upload


@router.post(
    "/returns",
    status_code=status.HTTP_201_CREATED,
    response_model=ReceiptOut,
    responses={
        200: {"model": ReceiptOut, "description": "the same file was already received"},
        422: {"model": RefusalOut, "description": "the return is refused: every error; the file is kept"},
        **documented(400, 401, 413, 503),
    },
    openapi_extra={"requestBody": UPLOAD_BODY},
)
async def post_return(
    request: Request, database: Database, principal: CurrentPrincipal, ip: ClientIp, mail: AnswerByMail
) -> Any:
    """Gửi báo cáo: tệp biểu mẫu (multipart, phần `file`) hoặc JSON. Tệp luôn được lưu nguyên gốc.

    Đơn vị nhận thêm thư điện tử: biên nhận, hoặc danh sách lỗi."""
    data, filename = await _body(request)  # read in full before any database work starts
    receipt, agency = await database.run(_submit, data, filename, principal, ip)
    mail(receipt.id)
    out = ReceiptOut.of(receipt)
    if not receipt.accepted:
        message = render("receipts/verdict.txt.j2", receipt=receipt, agency=agency)
        refusal = RefusalOut(code="invalid_return", message=message, errors=receipt.errors, receipt=out)
        return JSONResponse(refusal.model_dump(mode="json"), status_code=status.HTTP_422_UNPROCESSABLE_CONTENT)
    if receipt.duplicate:
        return JSONResponse(out.model_dump(mode="json"), status_code=status.HTTP_200_OK)
    return out


def _submit(
    session: Session, data: bytes, filename: str | None, principal: Principal, ip: str | None
) -> tuple[Receipt, str | None]:
    """The receipt, and the name of the agency it is for (None when the file names none the roster knows)."""
    roster = roster_naming(session, principal.agency_id) if principal.agency_id else current_roster(session)
    receipt = submit_return(
        session,
        roster,
        data,
        channel="api",
        actor=principal.actor,
        filename=filename,
        agency_id=principal.agency_id,
        ip=ip,
    )
    agency = roster_for(session, receipt.period).agency(receipt.agency) if receipt.agency else None
    return receipt, agency.name if agency else None


def _own_receipt(session: Session, return_id: int, principal: Principal) -> Receipt | None:
    row = session.get(Return, return_id)
    if row is None or (principal.role == "agency" and row.agency_id != principal.agency_id):
        return None
    return receipt_of(row)


ReturnId = Annotated[int, Path(ge=1, le=ID_MAX, description="số biên nhận")]
LIST_MAX = 500  # receipts in one answer: an agency sends a handful per period


def _own_receipts(session: Session, principal: Principal, period: str | None) -> list[Receipt]:
    query = select(Return).order_by(Return.id.desc()).limit(LIST_MAX)
    if principal.role == "agency":
        query = query.where(Return.agency_id == principal.agency_id)
    if period is not None:
        query = query.where(Return.period_id == parse_period(period).id)
    return [receipt_of(row) for row in session.scalars(query)]


@router.get("/returns", response_model=list[ReceiptOut], responses=documented(401, 422, 503))
async def list_returns(
    database: Database,
    principal: CurrentPrincipal,
    period: Annotated[
        str | None,
        Query(
            description="chỉ các lần gửi của kỳ này, ví dụ 2023-H1",
            json_schema_extra={"pattern": PERIOD_ID_PATTERN},
        ),
    ] = None,
) -> list[ReceiptOut]:
    """Các lần gửi của đơn vị (mới nhất trước); cơ quan tổng hợp thấy mọi đơn vị."""
    return [ReceiptOut.of(r) for r in await database.run(_own_receipts, principal, period)]


@router.get("/returns/{return_id}", response_model=ReceiptOut, responses=documented(401, 404, 422, 503))
async def get_return(return_id: ReturnId, database: Database, principal: CurrentPrincipal) -> ReceiptOut:
    """Biên nhận của một lần gửi; đơn vị chỉ xem được báo cáo của mình."""
    receipt = await database.run(_own_receipt, return_id, principal)
    if receipt is None:  # another agency's receipt is answered as if it did not exist
        raise UserError("receipt_not_found", f"Không có biên nhận số {return_id} của đơn vị.", status=404)
    return ReceiptOut.of(receipt)
