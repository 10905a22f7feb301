"""What the coordinator may read of any agency: a receipt (every error with its cell), and an agency's audit history
for a period — who did what, when, from which address — beside its versions and its credentials' history."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from agencies.bounds import AGENCY_ID_MAX, PERIOD_TEXT_MAX, shorten
from agencies.errors import UserError
from portal.deps import Database
from portal.web import CoordinatorViewer, RowId, page
from schema.history import HistoryEntry, account_history, agency_history
from schema.models import Agency, Period, Return
from schema.periods import get_period
from schema.receipts import Receipt, receipt_of
from schema.roster_store import current_roster, roster_naming

router = APIRouter()


@dataclass(frozen=True)
class ReceiptView:
    receipt: Receipt
    filename: str | None
    agency_name: str | None


def _receipt(session: Session, return_id: int) -> ReceiptView:
    row = session.get(Return, return_id)
    if row is None:
        raise UserError("receipt_not_found", f"Không có biên nhận số {return_id}.", status=404)
    agency = session.get(Agency, row.agency_id) if row.agency_id else None
    return ReceiptView(receipt_of(row), row.filename, agency.name if agency else None)


@router.get("/coordinator/returns/{return_id}")
async def receipt_page(return_id: RowId, request: Request, database: Database, viewer: CoordinatorViewer) -> Response:
    found = await database.run(_receipt, return_id)
    return page(
        request,
        "portal/coordinator/receipt.html",
        viewer,
        receipt=found.receipt,
        filename=found.filename,
        agency_name=found.agency_name,
    )


@dataclass(frozen=True)
class AgencyRecord:
    agency: Agency
    group_title: str
    periods: list[str]  # every period, newest first, to choose from
    period: Period | None  # the one shown: the one asked for, else the newest
    versions: list[Return]
    entries: list[HistoryEntry]  # the period's audit history, oldest first
    account_entries: list[HistoryEntry]  # passwords and API keys issued or revoked, sign-ins


def unknown_agency(session: Session, agency_id: str) -> UserError:
    nearest = current_roster(session).nearest_agency_ids(agency_id)
    hint = f" Có phải: {', '.join(nearest)}?" if nearest else ""
    return UserError(
        "unknown_agency",
        f"Mã đơn vị «{shorten(agency_id)}» không có trong danh sách đơn vị báo cáo.{hint}",
        status=404,
    )


def _record(session: Session, agency_id: str, period_text: str) -> AgencyRecord:
    agency = session.get(Agency, agency_id)
    if agency is None:
        raise unknown_agency(session, agency_id)
    roster = roster_naming(session, agency.id)  # the group title of the newest roster naming it
    group = next((g for g in roster.groups if g.id == agency.group_id), None)
    periods = list(session.scalars(select(Period.id).order_by(Period.window_end.desc(), Period.id)))
    if period_text:
        period: Period | None = get_period(session, period_text)
    else:
        period = session.get(Period, periods[0]) if periods else None
    versions, entries = [], []
    if period is not None:
        versions = list(
            session.scalars(
                select(Return)
                .where(Return.agency_id == agency.id, Return.period_id == period.id)
                .order_by(Return.id.desc())
            )
        )
        entries = agency_history(session, agency.id, period.id)
    return AgencyRecord(
        agency=agency,
        group_title=group.title if group else agency.group_id,
        periods=periods,
        period=period,
        versions=versions,
        entries=entries,
        account_entries=account_history(session, agency.id),
    )


@router.get("/coordinator/agencies/{agency}")
async def agency_page(
    agency: Annotated[str, Path(max_length=AGENCY_ID_MAX)],
    request: Request,
    database: Database,
    viewer: CoordinatorViewer,
    period: str = Query("", max_length=PERIOD_TEXT_MAX),
) -> Response:
    record = await database.run(_record, agency, period.strip())
    return page(request, "portal/coordinator/agency.html", viewer, record=record)
