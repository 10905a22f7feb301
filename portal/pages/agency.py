"""The agency officer's pages: open periods and days left, the pre-filled form, uploading (file or online), receipts
with every error beside its cell, the history of the agency's versions, withdrawing one."""

from __future__ import annotations

import json
from contextlib import suppress
from dataclasses import dataclass
from datetime import date, datetime

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from agencies.bounds import REASON_MAX, STATUS_MAX, TREND_MAX
from agencies.calendar import REPORTING_TZ, parse_period
from agencies.errors import UserError
from agencies.figure_words import QUALIFIERS, WORD_KINDS
from agencies.forms import Form
from agencies.states import ReturnStatus
from portal.deps import ClientIp, Database
from portal.receipt_mail import AnswerByMail
from portal.responses import XLSX
from portal.uploads import uploaded_file
from portal.web import AgencyViewer, RowId, checked_form, go, page, text_field
from report.wording import number
from schema.accounts import Viewer
from schema.completeness import AgencyState, period_completeness
from schema.history import HistoryEntry, agency_history
from schema.intake import submit_return
from schema.models import Blob, Period, Return
from schema.period_forms import agency_form
from schema.periods import get_period, period_of
from schema.receipts import Receipt, receipt_of
from schema.roster_store import roster_naming, roster_of_period
from schema.withdrawal import withdraw_return

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class PeriodCard:
    """One period as the agency's home page shows it."""

    id: str
    label: str
    open: bool
    window_start: date
    window_end: date
    deadline: date
    days_left: int  # negative once the deadline has passed
    standing: AgencyState


def _today() -> date:
    return datetime.now(REPORTING_TZ).date()


def _agency_name(session: Session, viewer: Viewer) -> str:
    agency = roster_naming(session, viewer.agency_id or "").agency(viewer.agency_id or "")
    return agency.name if agency else viewer.login


def _home(session: Session, viewer: Viewer) -> tuple[str, list[PeriodCard]]:
    today = _today()
    cards = []
    for row in session.scalars(select(Period).order_by(Period.window_end.desc(), Period.id)):
        roster = roster_of_period(session, row)
        if roster.agency(viewer.agency_id or "") is None:
            continue  # a period of a roster the agency is not in (before or after a reform)
        (standing,) = period_completeness(session, roster, row, today, agency_id=viewer.agency_id)
        cards.append(
            PeriodCard(
                id=row.id,
                label=period_of(row).label,
                open=row.state == "open",
                window_start=row.window_start,
                window_end=row.window_end,
                deadline=standing.deadline,
                days_left=(standing.deadline - today).days,
                standing=standing,
            )
        )
    return _agency_name(session, viewer), cards


@router.get("/agency")
async def agency_home(request: Request, database: Database, viewer: AgencyViewer) -> Response:
    name, cards = await database.run(_home, viewer)
    return page(request, "portal/agency/home.html", viewer, viewer_name=name, periods=cards)


@router.get("/agency/periods/{period}/form")
async def download_form(period: str, database: Database, viewer: AgencyViewer) -> Response:
    filled = await database.run(agency_form, parse_period(period).id, viewer.agency_id)
    return Response(
        filled.content,
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{filled.filename}"', "Cache-Control": "no-store"},
    )


def _submit(session: Session, data: bytes, filename: str | None, viewer: Viewer, ip: str | None) -> Receipt:
    roster = roster_naming(session, viewer.agency_id or "")  # the intake checks against the period's own
    return submit_return(
        session,
        roster,
        data,
        channel="portal",
        actor=viewer.actor,
        filename=filename,
        agency_id=viewer.agency_id,
        ip=ip,
    )


@router.post("/agency/periods/{period}/returns")
async def upload_return(
    period: str, request: Request, database: Database, viewer: AgencyViewer, ip: ClientIp, mail: AnswerByMail
) -> Response:
    parse_period(period)
    form = await checked_form(request, viewer, max_fields=5, max_files=1)
    try:
        data, filename = await uploaded_file(form)
    finally:
        await form.close()
    receipt = await database.run(_submit, data, filename, viewer, ip)
    mail(receipt.id)
    return go(f"/agency/returns/{receipt.id}")


@dataclass(frozen=True)
class OnlineForm:
    period: Period
    form: Form
    values: dict[str, str]  # the agency's latest figures as typed, to start from
    words: dict[str, dict[str, str]]  # the words it wrote around them: code → qualifier / trend / status → text
    narrative: dict[str, str]
    qualifiers: tuple[str, ...] = QUALIFIERS


def _online_form(session: Session, viewer: Viewer, period_id: str) -> tuple[str, OnlineForm]:
    row = get_period(session, period_id)
    roster = roster_of_period(session, row)
    roster.require_agency(viewer.agency_id or "")
    latest = session.scalars(
        select(Return)
        .where(
            Return.agency_id == viewer.agency_id,
            Return.period_id == row.id,
            Return.status.in_([ReturnStatus.ACCEPTED, ReturnStatus.INVALID]),
        )
        .order_by(Return.id.desc())
    ).first()
    form = roster.form_for(viewer.agency_id or "")
    return _agency_name(session, viewer), OnlineForm(row, form, *_starting_values(session, latest))


Starting = tuple[dict[str, str], dict[str, dict[str, str]], dict[str, str]]


def _sent_online(indicators: dict) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """The numbers and words of a JSON return's indicators (a number, or an object with its words), as text."""
    values: dict[str, str] = {}
    words: dict[str, dict[str, str]] = {}
    for code, sent in indicators.items():
        figure = sent if isinstance(sent, dict) else {"value": sent}
        if figure.get("value") is not None:
            values[str(code)] = str(figure["value"])
        written = {kind: str(figure[kind]) for kind in WORD_KINDS if figure.get(kind) is not None}
        if written:
            words[str(code)] = written
    return values, words


def _starting_values(session: Session, latest: Return | None) -> Starting:
    """What the agency last sent, to correct rather than retype: a refused online return too (its own JSON)."""
    if latest is None:
        return {}, {}, {}
    narrative = {code: "\n\n".join(paragraphs) for code, paragraphs in latest.narrative.items()}
    if latest.format == "json":
        with suppress(ValueError, AttributeError):
            sent = json.loads(session.get(Blob, latest.sha256).content)
            return *_sent_online(dict(sent.get("indicators", {}))), narrative
    words = {
        v.code: {kind: getattr(v, kind) for kind in WORD_KINDS if getattr(v, kind)}
        for v in latest.values
        if any(getattr(v, kind) for kind in WORD_KINDS)
    }
    return {v.code: number(v.value) for v in latest.values}, words, narrative


@router.get("/agency/periods/{period}/online")
async def online_form(period: str, request: Request, database: Database, viewer: AgencyViewer) -> Response:
    name, online = await database.run(_online_form, viewer, parse_period(period).id)
    return page(
        request,
        "portal/agency/online_form.html",
        viewer,
        viewer_name=name,
        online=online,
        limits={"trend": TREND_MAX, "status": STATUS_MAX},
    )


ONLINE_FIELDS_MAX = 5_100  # a form's indicators (a value and three words each) and sections (at most 1,000 each)


@router.post("/agency/periods/{period}/online")
async def submit_online(
    period: str, request: Request, database: Database, viewer: AgencyViewer, ip: ClientIp, mail: AnswerByMail
) -> Response:
    """The online form becomes the same JSON return the API takes, so one intake checks both."""
    period_id = parse_period(period).id
    form = await checked_form(request, viewer, max_fields=ONLINE_FIELDS_MAX)
    form_ref = text_field(form, "form", 64)
    document: dict = {
        "agency": viewer.agency_id,
        "period": period_id,
        "form": form_ref,
        "indicators": {},
        "narrative": {},
    }
    words: dict[str, dict[str, str]] = {}
    for key, value in form.multi_items():
        if not isinstance(value, str):
            continue
        kind, _, code = key.partition(":")
        if kind == "indicator" and value.strip():
            document["indicators"][code] = value.strip()
        elif kind in WORD_KINDS and value.strip():
            words.setdefault(code, {})[kind] = value.strip()
        elif kind == "narrative":
            paragraphs = [p.strip() for p in value.replace("\r\n", "\n").split("\n\n") if p.strip()]
            document["narrative"][code] = paragraphs
    for code, written in words.items():  # a figure with words is sent as the JSON return writes one
        document["indicators"][code] = {"value": document["indicators"].get(code), **written}
    data = json.dumps(document, ensure_ascii=False).encode()
    receipt = await database.run(_submit, data, None, viewer, ip)
    mail(receipt.id)
    return go(f"/agency/returns/{receipt.id}")


def _own_receipt(session: Session, viewer: Viewer, return_id: int) -> tuple[str, Receipt, Return]:
    row = session.get(Return, return_id)
    if row is None or row.agency_id != viewer.agency_id:  # another agency's receipt is as if it did not exist
        raise UserError("receipt_not_found", f"Không có biên nhận số {return_id} của đơn vị.", status=404)
    return _agency_name(session, viewer), receipt_of(row), row


@router.get("/agency/returns/{return_id}")
async def receipt_page(return_id: RowId, request: Request, database: Database, viewer: AgencyViewer) -> Response:
    name, receipt, row = await database.run(_own_receipt, viewer, return_id)
    return page(request, "portal/agency/receipt.html", viewer, viewer_name=name, receipt=receipt, filename=row.filename)


def _history(session: Session, viewer: Viewer, period_id: str) -> tuple[str, Period, list[Return], list[HistoryEntry]]:
    row = get_period(session, period_id)
    versions = list(
        session.scalars(
            select(Return)
            .where(Return.agency_id == viewer.agency_id, Return.period_id == row.id)
            .order_by(Return.id.desc())
        )
    )
    return _agency_name(session, viewer), row, versions, agency_history(session, viewer.agency_id or "", row.id)


@router.get("/agency/periods/{period}/history")
async def history_page(period: str, request: Request, database: Database, viewer: AgencyViewer) -> Response:
    name, row, versions, entries = await database.run(_history, viewer, parse_period(period).id)
    return page(
        request,
        "portal/agency/history.html",
        viewer,
        viewer_name=name,
        period=row,
        label=period_of(row).label,
        versions=versions,
        entries=entries,
    )


@router.post("/agency/periods/{period}/withdrawal")
async def withdraw(period: str, request: Request, database: Database, viewer: AgencyViewer, ip: ClientIp) -> Response:
    period_id = parse_period(period).id
    form = await checked_form(request, viewer)
    reason = text_field(form, "reason", REASON_MAX)
    await database.run(withdraw_return, viewer.agency_id, period_id, viewer.actor, reason, ip)
    return go(f"/agency/periods/{period_id}/history")
