"""Build return files as agencies would: the generated form, filled in with openpyxl."""

from __future__ import annotations

import json
from io import BytesIO
from typing import Any

from openpyxl import load_workbook

from agencies.calendar import parse_period
from agencies.form_layout import CODE_HEADER, FIGURES_SHEET, NARRATIVE_SHEET, SECTION_HEADER, TEXT_HEADER, VALUE_HEADER
from agencies.form_workbook import FormContext, build_form_workbook
from agencies.roster import Roster


def blank_form(roster: Roster, agency_id: str, period_id: str = "2023-H1") -> bytes:
    period = parse_period(period_id)
    rule = roster.rule_for(period.kind, roster.group_of(agency_id).id)
    context = FormContext(
        agency=roster.agency(agency_id),
        form=roster.form_for(agency_id),
        period_id=period.id,
        period_label=period.label,
        window=period.window(rule),
        deadline=period.deadline(rule),
    )
    return build_form_workbook(context)


def _column(sheet: Any, header: str) -> tuple[int, int]:
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value == header:
                return cell.row, cell.column
    raise LookupError(header)


def fill_form(
    form: bytes,
    figures: dict[str, Any] | None = None,
    narrative: dict[str, list[str]] | None = None,
) -> bytes:
    """Type values next to their codes and paragraphs into their sections, as an officer does."""
    book = load_workbook(BytesIO(form))
    sheet = book[FIGURES_SHEET]
    header_row, code_col = _column(sheet, CODE_HEADER)
    _, value_col = _column(sheet, VALUE_HEADER)
    rows = {sheet.cell(r, code_col).value: r for r in range(header_row + 1, sheet.max_row + 1)}
    for code, value in (figures or {}).items():
        sheet.cell(rows[code], value_col, value)
    text_sheet = book[NARRATIVE_SHEET]
    header_row, section_col = _column(text_sheet, SECTION_HEADER)
    _, text_col = _column(text_sheet, TEXT_HEADER)
    for section, paragraphs in (narrative or {}).items():
        free = [
            r
            for r in range(header_row + 1, text_sheet.max_row + 1)
            if text_sheet.cell(r, section_col).value == section and not text_sheet.cell(r, text_col).value
        ]
        for r, paragraph in zip(free, paragraphs, strict=False):
            text_sheet.cell(r, text_col, paragraph)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


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
