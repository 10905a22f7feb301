"""Build return files as agencies would: the generated form, filled in with openpyxl."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from agencies.calendar import parse_period
from agencies.form_filling import fill_form_workbook as fill_form
from agencies.form_layout import META_SHEET
from agencies.form_workbook import FormContext, build_form_workbook
from agencies.period_returns import FigureRecord, PeriodReturns, ReturnRecord
from agencies.roster import Roster
from schema.models import Blob, PendingUpload

# A custom period's dates are given when it is opened; forms for one built here carry these.
CUSTOM_SPAN = (date(2023, 1, 1), date(2024, 12, 31))
CUSTOM_DEADLINE = date(2025, 1, 10)


def blank_form(roster: Roster, agency_id: str, period_id: str = "2023-H1") -> bytes:
    period = parse_period(period_id)
    if period.custom:
        period = period.with_dates(*CUSTOM_SPAN)
        context = FormContext.for_agency(roster, agency_id, period, CUSTOM_SPAN, CUSTOM_DEADLINE)
    else:
        rule = roster.rule_for(period.kind, roster.group_of(agency_id).id)
        context = FormContext.for_agency(roster, agency_id, period, period.window(rule), period.deadline(rule))
    return build_form_workbook(context)


def filled_form(roster: Roster, agency_id: str, period_id: str = "2023-H1", **kwargs: Any) -> bytes:
    return fill_form(blank_form(roster, agency_id, period_id), **kwargs)


def json_return(
    agency: str, period: str, form: str, indicators: dict[str, Any], narrative: dict | None = None
) -> bytes:
    document = {"agency": agency, "period": period, "form": form, "indicators": indicators}
    document["narrative"] = narrative or {}
    return json.dumps(document, ensure_ascii=False).encode()


POLICE_FIGURES = {
    "harmful_content_cases": 22,
    "gambling_information": 7,
    "unlicensed_conditional_business": 5,
    "counterfeit_brand_goods": 1,
    "personal_data_misuse": 5,
    "false_information": 4,
    "sanctioned_cases": 22,
    "fines_total": 169_750_000,
    "accounts_removed": 15,
    "fraud_cases": 4,
    "fraud_damage": 1_526_950_000,
    "fraud_prosecuted": 1,
    "fraud_under_verification": 3,
    "online_gambling_cases": 1,
}


def edited(data: bytes, change) -> bytes:
    """The workbook after `change(book)`, as an officer's edit in Excel."""
    from io import BytesIO

    from openpyxl import load_workbook

    book = load_workbook(BytesIO(data))
    change(book)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def row_of(book, code: str, sheet: str = "Số liệu") -> int:
    return next(c.row for c in book[sheet]["A"] if c.value == code)


def set_figure(code: str, value):
    """An edit that types `value` in the figure cell of `code` (None empties it)."""

    def change(book) -> None:
        book["Số liệu"].cell(row_of(book, code), 4).value = value

    return change


def sample_uploads(roster: Roster, count: int, tag: str = "") -> list[tuple[str, bytes]]:
    """`count` distinct valid forms, round-robin over the sample cycle's agencies (as on a deadline's last day).

    Each is the agency's sample return with one paragraph of its own, so every upload is a new version.
    """
    from agencies.samples import load_samples

    samples = load_samples()
    agencies = list(samples.returns)
    blanks: dict[str, bytes] = {}
    uploads = []
    for i in range(count):
        agency = agencies[i % len(agencies)]
        blank = blanks.setdefault(agency, blank_form(roster, agency, samples.period))
        sample = samples.returns[agency]
        narrative = {code: list(paragraphs) for code, paragraphs in sample.narrative.items()}
        narrative.setdefault(roster.form_for(agency).narrative[0].code, []).append(f"Lần gửi {tag}{i}.")
        uploads.append((agency, fill_form(blank, figures=sample.figures, narrative=narrative)))
    return uploads


def set_meta(key: str, value):
    """An edit that types `value` in the metadata sheet's cell for `key` (column C)."""

    def change(book) -> None:
        sheet = book[META_SHEET]
        sheet.cell(next(c.row for c in sheet["A"] if c.value == key), 3).value = value

    return change


RECEIVED = datetime(2023, 6, 16, 9, 30, tzinfo=UTC)


def left_by_a_killed_run(session: Session, data: bytes, **fields) -> PendingUpload:
    """What a run killed between keeping the bytes and writing the return row leaves behind."""
    digest = hashlib.sha256(data).hexdigest()
    if session.get(Blob, digest) is None:
        session.add(Blob(sha256=digest, size=len(data), content=data))
    upload = PendingUpload(
        sha256=digest,
        channel=fields.get("channel", "api"),
        actor=fields.get("actor", "api:police"),
        filename=fields.get("filename", "cong-an.xlsx"),
        agency_hint=fields.get("agency_hint", "police"),
        received_at=fields.get("received_at", RECEIVED),
        taken_at=fields.get("taken_at", datetime.now(UTC) - timedelta(minutes=10)),
        received_via=fields.get("received_via"),
    )
    session.add(upload)
    session.commit()
    return upload


def ready_database(
    url: str, roster: Roster, credentials_for: Iterable[str | None] = (), period: str = "2023-H1"
) -> dict[str | None, str]:
    """A database of its own made ready as `phoihop init` and `period open 2023-H1` would: migrated, the
    roster loaded, `period` open; and a credential for each agency named (None: the coordinator), by agency id."""
    from schema.credentials import issue_token
    from schema.database import make_engine, make_session_factory
    from schema.migrate import upgrade_to_head
    from schema.periods import open_period
    from schema.roster_store import save_roster

    engine = make_engine(url)
    try:
        upgrade_to_head(engine)
        with make_session_factory(engine)() as session:
            save_roster(session, roster, "test", "test")
            open_period(session, period, "test")
            return {agency: issue_token(session, "test", agency) for agency in credentials_for}
    finally:
        engine.dispose()


def accepted_return(return_id: int, agency: str, figures: dict[str, float]) -> ReturnRecord:
    """An accepted XLSX return as the store hands it to report/: its figures in «Số liệu», from D8 down."""
    cells = {
        code: FigureRecord(value, sheet="Số liệu", cell=f"D{row}")
        for row, (code, value) in enumerate(figures.items(), 8)
    }
    return ReturnRecord(return_id, agency, 1, datetime(2023, 6, 16, 3, 0, tzinfo=UTC), f"{agency}@1", cells)


def returns_of_2023_h1(
    roster: Roster, returns: list[ReturnRecord], previous: list[ReturnRecord] | None = None
) -> PeriodReturns:
    """2023-H1's returns as plain data, without a database (`previous`: 2022-H1's, when it was collected)."""
    return PeriodReturns(
        roster=roster,
        period=parse_period("2023-H1"),
        window=(date(2022, 12, 15), date(2023, 6, 14)),
        deadline=date(2023, 6, 18),
        returns=returns,
        absences=[],
        previous=previous,
    )
