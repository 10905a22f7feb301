"""Reading and checking returns as plain functions: every bad input names its cell."""

from collections.abc import Callable
from dataclasses import replace
from io import BytesIO
from zipfile import ZipFile

import pytest
from openpyxl import load_workbook

from agencies.form_layout import FIGURES_SHEET, META_SHEET, NARRATIVE_SHEET
from agencies.return_check import CheckedReturn, check_return
from agencies.return_reader import read_return
from agencies.roster import Roster
from tests.factories import POLICE_FIGURES, blank_form, filled_form, json_return


def checked(roster: Roster, data: bytes, submitter: str | None = None) -> CheckedReturn:
    return check_return(read_return(data), roster, submitter=submitter)


def edited(data: bytes, change: Callable) -> bytes:
    book = load_workbook(BytesIO(data))
    change(book)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def row_of(book, code: str) -> int:
    sheet = book[FIGURES_SHEET]
    return next(c.row for c in sheet["A"] if c.value == code)


def test_a_filled_police_form_is_accepted_with_its_cells(roster: Roster) -> None:
    data = filled_form(roster, "police", figures=POLICE_FIGURES, narrative={"activities": ["Đoạn một.", "Đoạn hai."]})
    result = checked(roster, data, submitter="police")
    assert result.errors == [] and result.accepted
    assert (result.agency_id, result.period_id, result.form_ref) == ("police", "2023-H1", "police@1")
    assert {code: f.value for code, f in result.figures.items()} == POLICE_FIGURES
    assert result.figures["fraud_damage"].source.sheet == FIGURES_SHEET
    assert result.figures["fraud_damage"].source.cell == f"D{row_of(load_workbook(BytesIO(data)), 'fraud_damage')}"
    assert [p.value for p in result.narrative["activities"]] == ["Đoạn một.", "Đoạn hai."]


def test_figures_are_found_by_code_when_rows_are_moved(roster: Roster) -> None:
    def shuffle(book) -> None:
        sheet = book[FIGURES_SHEET]
        sheet.insert_rows(7, amount=3)  # rows the officer inserted
        sheet.move_range(f"A{row_of(book, 'fraud_cases')}:E{row_of(book, 'fraud_cases')}", rows=20)

    data = edited(filled_form(roster, "police", figures=POLICE_FIGURES), shuffle)
    result = checked(roster, data)
    assert result.errors == []
    assert result.figures["fraud_cases"].value == 4
    assert (
        result.figures["fraud_cases"].source.cell
        != f"D{row_of(load_workbook(BytesIO(blank_form(roster, 'police'))), 'fraud_cases')}"
    )


def test_numbers_typed_as_text_with_leading_zeros_are_read(roster: Roster) -> None:
    figures = {**POLICE_FIGURES, "fraud_cases": "04", "accounts_removed": " 15 "}
    result = checked(roster, filled_form(roster, "police", figures=figures))
    assert result.errors == []
    assert result.figures["fraud_cases"].value == 4 and result.figures["accounts_removed"].value == 15


def test_an_inserted_narrative_row_belongs_to_the_section_above(roster: Roster) -> None:
    def insert(book) -> None:
        sheet = book[NARRATIVE_SHEET]
        first = next(c.row for c in sheet["A"] if c.value == "difficulties")
        sheet.insert_rows(first + 1)
        sheet.cell(first + 1, 3, "Đoạn chèn thêm.")

    data = edited(filled_form(roster, "police", figures=POLICE_FIGURES, narrative={"difficulties": ["Đầu."]}), insert)
    result = checked(roster, data)
    assert [p.value for p in result.narrative["difficulties"]] == ["Đầu.", "Đoạn chèn thêm."]


def test_json_returns_are_checked_by_the_same_rules(roster: Roster) -> None:
    good = checked(roster, json_return("police", "2023-H1", "police@1", POLICE_FIGURES, {"activities": ["Một."]}))
    assert good.accepted and good.figures["fines_total"].source.field == "indicators.fines_total"
    bad = checked(roster, json_return("police", "2023-H1", "police@1", {**POLICE_FIGURES, "fraud_cases": -1}))
    assert [(p.code, p.field) for p in bad.errors] == [("negative", "indicators.fraud_cases")]


def test_all_errors_of_a_file_are_reported_at_once(roster: Roster) -> None:
    figures = {**POLICE_FIGURES, "fraud_cases": "bốn", "accounts_removed": -2, "fraud_prosecuted": 1.5}
    result = checked(roster, filled_form(roster, "police", figures=figures))
    assert sorted(p.code for p in result.errors) == ["negative", "not_a_number", "not_whole"]


def _set_meta(key: str, value: str) -> Callable:
    def change(book) -> None:
        sheet = book[META_SHEET]
        row = next(c.row for c in sheet["A"] if c.value == key)
        sheet.cell(row, 3, value)

    return change


def _set_figure(code: str, value) -> Callable:
    def change(book) -> None:
        book[FIGURES_SHEET].cell(row_of(book, code), 4).value = value

    return change


def _zip_of(name: str) -> bytes:
    buffer = BytesIO()
    with ZipFile(buffer, "w") as archive:
        archive.writestr(name, "<w:document/>")
    return buffer.getvalue()


# (name, how to spoil a good police return, submitter, expected code, expected sheet, expected cell)
BAD_INPUTS = [
    ("text in a count cell", _set_figure("fraud_cases", "bốn vụ"), None, "not_a_number", FIGURES_SHEET, "D"),
    ("negative count", _set_figure("accounts_removed", -3), None, "negative", FIGURES_SHEET, "D"),
    ("fraction of a case", _set_figure("fraud_cases", 2.5), None, "not_whole", FIGURES_SHEET, "D"),
    ("required left blank", _set_figure("harmful_content_cases", None), None, "required_missing", FIGURES_SHEET, "D"),
    (
        "required row deleted",
        lambda b: b[FIGURES_SHEET].delete_rows(row_of(b, "fraud_cases")),
        None,
        "indicator_row_missing",
        FIGURES_SHEET,
        None,
    ),
    (
        "code typed twice",
        lambda b: b[FIGURES_SHEET].cell(b[FIGURES_SHEET].max_row + 1, 1, "fraud_cases"),
        None,
        "duplicate_indicator",
        FIGURES_SHEET,
        "A",
    ),
    (
        "unknown code with a value",
        lambda b: (b[FIGURES_SHEET].cell(40, 1, "bogus_code"), b[FIGURES_SHEET].cell(40, 4, 3)),
        None,
        "unknown_indicator",
        FIGURES_SHEET,
        "D40",
    ),
    (
        "unknown narrative section",
        lambda b: (b[NARRATIVE_SHEET].cell(60, 1, "gossip"), b[NARRATIVE_SHEET].cell(60, 3, "Chuyện khác.")),
        None,
        "unknown_section",
        NARRATIVE_SHEET,
        "C60",
    ),
    ("another agency's form", lambda b: None, "customs", "agency_mismatch", META_SHEET, "C2"),
    ("unknown agency", _set_meta("agency", "police-hanoi"), None, "unknown_agency", META_SHEET, "C2"),
    ("bad period id", _set_meta("period", "2023-H3"), None, "invalid_period", META_SHEET, "C4"),
    ("form of another group", _set_meta("form", "customs@1"), None, "form_mismatch", META_SHEET, "C6"),
    ("metadata erased", _set_meta("period", ""), None, "metadata_missing", META_SHEET, "C4"),
    ("metadata sheet deleted", lambda b: b.remove(b[META_SHEET]), None, "metadata_sheet_missing", META_SHEET, None),
]


@pytest.mark.parametrize(
    ("spoil", "submitter", "code", "sheet", "cell"), [b[1:] for b in BAD_INPUTS], ids=[b[0] for b in BAD_INPUTS]
)
def test_bad_workbooks_get_a_coded_vietnamese_error_naming_the_cell(
    roster: Roster, spoil: Callable, submitter: str | None, code: str, sheet: str, cell: str | None
) -> None:
    data = edited(filled_form(roster, "police", figures=POLICE_FIGURES), spoil)
    result = checked(roster, data, submitter=submitter)
    assert not result.accepted
    assert [p.code for p in result.errors] == [code]
    error = result.errors[0]
    assert error.sheet == sheet
    if cell is not None:
        assert error.cell is not None and error.cell.startswith(cell)
        assert error.cell in error.message
    assert any(ch in error.message for ch in "ạảãáàâấầẩẫậăắằẳẵặđêếềểễệôốồổỗộơớờởỡợưứừửữự")


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty_file"),
        (b"%PDF-1.7\n...", "pdf_file"),
        ("Báo cáo kết quả, xem tệp đính kèm".encode(), "not_a_spreadsheet"),
        (b"\x89PNG\r\n\x1a\n....", "not_a_spreadsheet"),
        (_zip_of("word/document.xml"), "word_document"),
        (b"PK\x03\x04 truncated", "unreadable_workbook"),
        (b'{"agency": "police", ', "invalid_json"),
        (b'["police"]', "not_a_spreadsheet"),
        (b'{"agency": 7, "indicators": []}', "json_shape"),
    ],
    ids=[
        "empty",
        "pdf",
        "plain text",
        "png",
        "docx-like zip",
        "truncated zip",
        "broken json",
        "json array",
        "json shape",
    ],
)
def test_files_that_are_not_returns_are_refused_with_what_they_are(roster: Roster, data: bytes, code: str) -> None:
    result = checked(roster, data)
    assert not result.accepted
    assert result.errors[0].code == code
    assert result.agency_id is None


def test_an_unreadable_file_from_a_known_sender_is_filed_under_the_sender(roster: Roster) -> None:
    result = checked(roster, b"%PDF-1.4", submitter="police")
    assert result.agency_id == "police" and not result.accepted


def test_a_broken_character_read_from_a_workbook_is_refused_naming_its_cell(roster: Roster) -> None:
    """A cell or sheet name holding half an emoji (an .xls or .ods can) is refused like JSON text is."""
    data = filled_form(roster, "police", figures=POLICE_FIGURES, narrative={"activities": ["Đoạn một.", "Đoạn hai."]})
    content = read_return(data)
    half = "\ud83d"
    fraud = content.figures["fraud_cases"]
    first, second = content.narrative["activities"]
    broken = replace(
        content,
        form=replace(content.form, value=content.form.value + half),
        figures={**content.figures, "fraud_cases": replace(fraud, value="12" + half)},
        narrative={"activities": [replace(first, value=first.value + half), replace(second, sheet="Trang" + half)]},
    )
    result = check_return(broken, roster, submitter="police")
    assert sorted((p.code, p.sheet, p.cell) for p in result.errors) == sorted(
        [
            ("broken_characters", META_SHEET, content.form.cell),
            ("broken_characters", FIGURES_SHEET, fraud.cell),
            ("broken_characters", NARRATIVE_SHEET, first.cell),
            ("broken_characters", "Trang\ufffd", None),
        ]
    )
    assert all(p.message.encode("utf-8") for p in result.problems)
