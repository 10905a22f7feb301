"""The coordinator enters a return the department received outside the system (on paper, by e-mail) for an agency,
with its real receipt time: the same intake as every upload (`schema.backfill`), and no receipt mail to the agency."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from agencies.bounds import AGENCY_ID_MAX
from agencies.calendar import REPORTING_TZ
from agencies.errors import UserError
from agencies.states import ReceivedVia
from portal.deps import ClientIp, Database
from portal.pages.coordinator.records import unknown_agency
from portal.uploads import uploaded_file
from portal.web import CoordinatorViewer, checked_form, go, text_field
from schema.accounts import Viewer
from schema.backfill import Backfill
from schema.intake import submit_return
from schema.models import Agency
from schema.receipts import Receipt
from schema.roster_store import roster_naming

router = APIRouter()

FIELD = "Thời điểm nhận"


def _received_at(text: str) -> datetime:
    """The form's `received_at` (a browser's `YYYY-MM-DDTHH:MM`, or `YYYY-MM-DD HH:MM`), in Asia/Ho_Chi_Minh."""
    try:
        return datetime.strptime(text.replace("T", " "), "%Y-%m-%d %H:%M").replace(tzinfo=REPORTING_TZ)
    except ValueError:
        raise UserError(
            "invalid_received_at",
            f"{FIELD} «{text}» không hợp lệ: chọn ngày và giờ Sở thực nhận báo cáo, ví dụ 16/06/2023 09:30.",
            status=422,
            field="received_at",
        ) from None


def _via(text: str) -> ReceivedVia:
    try:
        return ReceivedVia(text)
    except ValueError:
        raise UserError(
            "invalid_via",
            "Cách nhận không hợp lệ: chọn «Bằng giấy» hoặc «Thư điện tử».",
            status=422,
            field="via",
        ) from None


def _enter(
    session: Session,
    agency_id: str,
    data: bytes,
    filename: str | None,
    backfill: Backfill,
    viewer: Viewer,
    ip: str | None,
) -> Receipt:
    if session.get(Agency, agency_id) is None:
        raise unknown_agency(session, agency_id)
    return submit_return(
        session,
        roster_naming(session, agency_id),
        data,
        channel="portal",
        actor=viewer.actor,
        filename=filename,
        agency_id=agency_id,
        ip=ip,
        backfill=backfill,
    )


@router.post("/coordinator/agencies/{agency}/returns")
async def enter_return(
    agency: Annotated[str, Path(max_length=AGENCY_ID_MAX)],
    request: Request,
    database: Database,
    viewer: CoordinatorViewer,
    ip: ClientIp,
) -> Response:
    form = await checked_form(request, viewer, max_fields=5, max_files=1)
    try:
        backfill = Backfill(_via(text_field(form, "via", 16)), _received_at(text_field(form, "received_at", 32)), FIELD)
        data, filename = await uploaded_file(form)
    finally:
        await form.close()
    receipt = await database.run(_enter, agency, data, filename, backfill, viewer, ip)
    return go(f"/coordinator/returns/{receipt.id}")
