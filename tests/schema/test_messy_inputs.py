"""Files as officers really send them — re-typed, re-saved, rearranged — accepted with the right values."""

from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl.styles import Alignment
from sqlalchemy.orm import Session

from agencies.form_layout import FIGURES_SHEET, META_SHEET, NARRATIVE_SHEET
from agencies.roster import Roster
from schema.intake import submit_return
from schema.models import Return
from tests.factories import POLICE_FIGURES, edited, filled_form, json_return, row_of

DATA = Path(__file__).parents[1] / "data" / "libreoffice"
NARRATIVE = {"activities": ["Đoạn do LibreOffice lưu.", "Đoạn thứ hai."]}


def police(roster: Roster, change: Callable | None = None, **figures) -> bytes:
    data = filled_form(roster, "police", figures={**POLICE_FIGURES, **figures}, narrative=NARRATIVE)
    return edited(data, change) if change else data


def move_rows(book) -> None:
    sheet = book[FIGURES_SHEET]
    sheet.insert_rows(row_of(book, "fraud_cases"), amount=2)  # blank rows typed in the middle
    row = row_of(book, "accounts_removed")
    sheet.move_range(f"A{row}:E{row}", rows=30)  # a row cut and pasted below the table


def empty_rows_on_top(book) -> None:
    for name in (FIGURES_SHEET, NARRATIVE_SHEET, META_SHEET):
        book[name].insert_rows(1, amount=3)


def rename_sheets(book) -> None:
    book[FIGURES_SHEET].title = "Sheet1"
    book[NARRATIVE_SHEET].title = "Sheet2"
    book[META_SHEET].title = "Thong tin (khong sua)"


def extra_sheet(book) -> None:
    book.create_sheet("Ghi chú").cell(1, 1).value = "Số liệu đã được lãnh đạo duyệt ngày 10/6."


def text_cells(book) -> None:
    sheet = book[FIGURES_SHEET]
    for code in ("fraud_cases", "accounts_removed"):
        cell = sheet.cell(row_of(book, code), 4)
        cell.number_format, cell.value = "@", str(cell.value)


def merged_narrative(book) -> None:
    sheet = book[NARRATIVE_SHEET]
    row = next(c.row for c in sheet["C"] if c.value == NARRATIVE["activities"][0])
    sheet.merge_cells(start_row=row, start_column=3, end_row=row, end_column=5)
    sheet.cell(row, 3).alignment = Alignment(wrap_text=True)


def inserted_paragraph(book) -> None:
    sheet = book[NARRATIVE_SHEET]
    row = next(c.row for c in sheet["C"] if c.value == NARRATIVE["activities"][1])
    sheet.insert_rows(row + 1)
    sheet.cell(row + 1, 3).value = "Đoạn chèn thêm, không ghi mã mục."


# name → (build, the figures it must yield (beyond POLICE_FIGURES), the warnings it carries)
CASES: dict[str, tuple[Callable[[Roster], bytes], dict, set[str]]] = {
    "money typed with dots": (lambda r: police(r, fraud_damage="1.526.950.000"), {}, set()),
    "money in millions with a decimal comma": (lambda r: police(r, fines_total="169,75 triệu đồng"), {}, set()),
    "counts with leading zeros and units": (
        lambda r: police(r, fraud_cases="04 vụ", gambling_information="07"),
        {},
        set(),
    ),
    "rows inserted and moved": (lambda r: police(r, move_rows), {}, set()),
    "empty rows above every table": (lambda r: police(r, empty_rows_on_top), {}, set()),
    "every sheet renamed": (lambda r: police(r, rename_sheets), {}, set()),
    "a notes sheet added": (lambda r: police(r, extra_sheet), {}, {"extra_sheet_ignored"}),
    "cells formatted as text": (lambda r: police(r, text_cells), {}, set()),
    "merged narrative cells": (lambda r: police(r, merged_narrative), {}, set()),
    "saved by LibreOffice (.xlsx)": (lambda r: (DATA / "police-2023-H1-libreoffice.xlsx").read_bytes(), {}, set()),
    "saved by LibreOffice (.ods)": (lambda r: (DATA / "police-2023-H1.ods").read_bytes(), {}, set()),
    "saved as Excel 97 (.xls)": (lambda r: (DATA / "police-2023-H1.xls").read_bytes(), {}, set()),
    "a formula LibreOffice computed": (
        lambda r: (DATA / "police-2023-H1-formula.xlsx").read_bytes(),
        {},
        {"formula_used"},
    ),
    "categories not adding up (a warning)": (
        lambda r: police(r, false_information=3),
        {"false_information": 3},
        {"rule_violated"},
    ),
    "JSON with numbers as text": (
        lambda r: json_return(
            "police", "2023-H1", "police@1", {**POLICE_FIGURES, "fraud_damage": "1.526.950.000"}, NARRATIVE
        ),
        {},
        set(),
    ),
}


def test_the_table_is_wide_enough() -> None:
    assert len(CASES) >= 10


@pytest.mark.parametrize("name", list(CASES))
def test_messy_but_acceptable_files_are_accepted_with_the_right_values(
    loaded: Session, roster: Roster, name: str
) -> None:
    build, changed, warnings = CASES[name]
    receipt = submit_return(loaded, roster, build(roster), channel="cli", actor="test", agency_id="police")
    assert receipt.accepted, [p.message for p in receipt.problems]
    assert {p.code for p in receipt.problems} == warnings
    row = loaded.get(Return, receipt.id)
    assert {v.code: v.value for v in row.values} == {**POLICE_FIGURES, **changed}
    assert row.narrative["activities"][:2] == NARRATIVE["activities"]


def test_an_inserted_paragraph_without_code_joins_its_section(loaded: Session, roster: Roster) -> None:
    receipt = submit_return(loaded, roster, police(roster, inserted_paragraph), channel="cli", actor="test")
    assert receipt.accepted
    assert loaded.get(Return, receipt.id).narrative["activities"] == [
        *NARRATIVE["activities"],
        "Đoạn chèn thêm, không ghi mã mục.",
    ]


def test_warnings_are_stored_with_the_return_and_shown(loaded: Session, roster: Roster) -> None:
    receipt = submit_return(loaded, roster, police(roster, false_information=3), channel="cli", actor="test")
    (warning,) = receipt.problems
    assert warning.severity == "warning" and "chưa bằng tổng số" in warning.message
    assert "ô D7 (harmful_content_cases) = 22" in warning.message
    assert loaded.get(Return, receipt.id).problems[0]["code"] == "rule_violated"
