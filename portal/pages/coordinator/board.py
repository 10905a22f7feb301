"""A period's completeness board: the counts, every agency's standing (by group), the uploads the table cannot
place, closing and reopening the period, and its latest consolidation."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from agencies.bounds import AGENCY_ID_MAX, REASON_MAX, shorten
from agencies.calendar import parse_period
from agencies.errors import UserError
from agencies.roster import Group
from agencies.states import AgencyStanding
from portal.consolidation import read_consolidation
from portal.deps import ClientIp, Database
from portal.web import CoordinatorViewer, checked_form, go, page, text_field
from schema.accounts import Viewer
from schema.completeness import AgencyState, period_completeness
from schema.mail_log import MailFailure, mail_failures
from schema.models import Consolidation, Period
from schema.periods import get_period, period_of, set_period_state
from schema.roster_store import roster_of_period
from schema.unseen import UnassignedUpload, UnfinishedUpload, unassigned_uploads, unfinished_uploads

router = APIRouter()
COUNTED = ("accepted", "missing", "invalid", "withdrawn", "late")


@dataclass(frozen=True)
class Board:
    period: Period
    label: str
    groups: list[Group]  # every group of the roster, for the filter and the table's group rows
    group: str  # the group shown, or "" for all
    rows: list[AgencyState]
    counts: dict[str, int]  # of the rows shown: each standing, and `late`
    sent: int  # of the whole period: agencies with a valid return…
    total: int  # …out of
    unfinished: list[UnfinishedUpload]
    unassigned: list[UnassignedUpload]
    mail_failures: list[MailFailure]  # reminders and receipts that did not reach their agency
    names: dict[str, str]  # agency id -> name, for the mail failures
    consolidation_id: int | None  # the latest asked for


def _counts(rows: list[AgencyState]) -> dict[str, int]:
    counts = Counter(str(row.state) for row in rows)
    counts["late"] = sum(row.late for row in rows)
    return {name: counts[name] for name in COUNTED}


def _board(session: Session, period_id: str, group: str) -> Board:
    row = get_period(session, period_id)
    roster = roster_of_period(session, row)
    if group and group not in {g.id for g in roster.groups}:
        raise UserError(
            "group_not_found", f"Không có nhóm đơn vị «{shorten(group)}» trong danh sách.", status=404, field="group"
        )
    states = period_completeness(session, roster, row)
    shown = [s for s in states if not group or s.group == group]
    latest = session.scalar(
        select(Consolidation.id).where(Consolidation.period_id == row.id).order_by(Consolidation.id.desc()).limit(1)
    )
    return Board(
        period=row,
        label=period_of(row).label,
        groups=list(roster.groups),
        group=group,
        rows=shown,
        counts=_counts(shown),
        sent=sum(s.state is AgencyStanding.ACCEPTED for s in states),
        total=len(states),
        unfinished=unfinished_uploads(session),
        unassigned=unassigned_uploads(session, row),
        mail_failures=mail_failures(session, row.id),
        names={a.id: a.name for a in roster.agencies()},
        consolidation_id=latest,
    )


async def _board_page(
    request: Request,
    database: Database,
    viewer: Viewer,
    period_id: str,
    group: str = "",
    error: UserError | None = None,
    reason: str = "",
) -> Response:
    board = await database.run(_board, period_id, group)
    consolidation = await read_consolidation(request.app, board.consolidation_id) if board.consolidation_id else None
    return page(
        request,
        "portal/coordinator/board.html",
        viewer,
        error.status if error else 200,
        board=board,
        consolidation=consolidation,
        error=error,
        reason=reason,
    )


@router.get("/coordinator/periods/{period}")
async def board_page(
    period: str,
    request: Request,
    database: Database,
    viewer: CoordinatorViewer,
    group: str = Query("", max_length=AGENCY_ID_MAX),
) -> Response:
    return await _board_page(request, database, viewer, parse_period(period).id, group.strip())


def reason_required() -> UserError:
    return UserError(
        "reason_required",
        "Hãy ghi lý do mở lại kỳ báo cáo (ví dụ: nhận báo cáo gửi muộn của một đơn vị); lý do được ghi vào nhật ký.",
        status=422,
        field="reason",
    )


async def _set_state(
    period: str, state: str, request: Request, database: Database, viewer: Viewer, ip: str | None
) -> Response:
    period_id = parse_period(period).id
    form = await checked_form(request, viewer)
    reason = text_field(form, "reason", REASON_MAX)
    try:
        if state == "open" and not reason:
            raise reason_required()
        await database.run(set_period_state, period_id, state, viewer.actor, reason, ip)
    except UserError as error:  # told on the board, with the reason as typed
        return await _board_page(request, database, viewer, period_id, error=error, reason=reason)
    return go(f"/coordinator/periods/{period_id}")


@router.post("/coordinator/periods/{period}/close")
async def close_period(
    period: str, request: Request, database: Database, viewer: CoordinatorViewer, ip: ClientIp
) -> Response:
    return await _set_state(period, "closed", request, database, viewer, ip)


@router.post("/coordinator/periods/{period}/reopen")
async def reopen_period(
    period: str, request: Request, database: Database, viewer: CoordinatorViewer, ip: ClientIp
) -> Response:
    return await _set_state(period, "open", request, database, viewer, ip)
