"""The coordinator's front page: every period, newest first, with how many agencies have sent; opening a period."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import partial

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from agencies.bounds import PERIOD_TEXT_MAX, PERIOD_TITLE_MAX, shorten
from agencies.calendar import parse_period
from agencies.errors import UserError
from agencies.states import AgencyStanding
from portal.deps import ClientIp, Database
from portal.web import CoordinatorViewer, checked_form, go, page, text_field
from schema.accounts import Viewer
from schema.completeness import period_completeness
from schema.models import Period
from schema.periods import open_period, period_of
from schema.roster_store import roster_of_period

router = APIRouter()
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


@dataclass(frozen=True)
class PeriodLine:
    """One period of the list."""

    id: str
    label: str
    open: bool
    window_start: date
    window_end: date
    deadline: date
    sent: int  # agencies with a valid return
    total: int


def _periods(session: Session) -> list[PeriodLine]:
    lines = []
    for row in session.scalars(select(Period).order_by(Period.window_end.desc(), Period.id)):
        states = period_completeness(session, roster_of_period(session, row), row)
        lines.append(
            PeriodLine(
                id=row.id,
                label=period_of(row).label,
                open=row.state == "open",
                window_start=row.window_start,
                window_end=row.window_end,
                deadline=row.deadline,
                sent=sum(s.state is AgencyStanding.ACCEPTED for s in states),
                total=len(states),
            )
        )
    return lines


_DAY_NAMES = {"deadline": "Hạn gửi", "start": "Ngày bắt đầu", "end": "Ngày kết thúc"}


def day_of(text: str, field: str = "deadline") -> date | None:
    """A day typed in the form: empty (not given), `2023-06-18` (a date picker) or `18/06/2023`."""
    if not text:
        return None
    match = _DAY_MONTH_YEAR.fullmatch(text)
    try:
        return date(int(match[3]), int(match[2]), int(match[1])) if match else date.fromisoformat(text)
    except ValueError:
        raise UserError(
            f"invalid_{field}",
            f"{_DAY_NAMES[field]} «{shorten(text)}» không phải là một ngày: hãy ghi theo dạng 18/06/2023.",
            status=422,
            field=field,
        ) from None


async def _home(
    request: Request,
    database: Database,
    viewer: Viewer,
    typed: dict[str, str] | None = None,
    error: UserError | None = None,
) -> Response:
    lines = await database.run(_periods)
    typed = typed or dict.fromkeys(("period", "deadline", "start", "end", "title"), "")
    status = error.status if error else 200
    return page(request, "portal/coordinator/home.html", viewer, status, periods=lines, typed=typed, error=error)


@router.get("/coordinator")
async def home(request: Request, database: Database, viewer: CoordinatorViewer) -> Response:
    return await _home(request, database, viewer)


@router.post("/coordinator/periods")
async def open_new_period(request: Request, database: Database, viewer: CoordinatorViewer, ip: ClientIp) -> Response:
    form = await checked_form(request, viewer)
    typed = {"period": text_field(form, "period", PERIOD_TEXT_MAX)}
    typed |= {name: text_field(form, name, 32) for name in ("deadline", "start", "end")}
    typed["title"] = text_field(form, "title", PERIOD_TITLE_MAX + 1)  # one more, so that too long is told
    try:
        period_id = parse_period(typed["period"]).id
        days = {name: day_of(typed[name], name) for name in ("start", "end")}
        opening = partial(open_period, **days, title=typed["title"])
        await database.run(opening, period_id, viewer.actor, day_of(typed["deadline"]), ip)
    except UserError as error:  # told on the same page, beside what was typed
        return await _home(request, database, viewer, typed, error)
    return go(f"/coordinator/periods/{period_id}")
