"""The words around a figure — qualifier, trend, status — read from the XLSX columns and from JSON, and checked."""

from io import BytesIO

import pytest
from openpyxl import load_workbook

from agencies.figure_words import QUALIFIERS, FigureWords, combined_qualifier
from agencies.form_layout import FIGURES_SHEET, QUALIFIER_HEADER, STATUS_HEADER, TREND_HEADER
from agencies.return_check import CheckedReturn, check_return
from agencies.return_reader import read_return
from agencies.roster import Roster
from tests.factories import POLICE_FIGURES, blank_form, filled_form, json_return

STATUS = "hiện nay Công an huyện Văn Lâm đang xác minh làm rõ vụ việc"


def checked(roster: Roster, data: bytes) -> CheckedReturn:
    return check_return(read_return(data), roster, submitter="police")


def police_form(roster: Roster, **words: dict) -> bytes:
    figures = {
        code: ({"value": value, **words[code]} if code in words else value) for code, value in POLICE_FIGURES.items()
    }
    return filled_form(roster, "police", figures=figures)


def header_columns(data: bytes) -> dict[str, str]:
    sheet = load_workbook(BytesIO(data))[FIGURES_SHEET]
    return {c.value: c.column_letter for row in sheet.iter_rows(max_row=10) for c in row if isinstance(c.value, str)}


def row_of(data: bytes, code: str) -> int:
    return next(c.row for c in load_workbook(BytesIO(data))[FIGURES_SHEET]["A"] if c.value == code)


def test_the_form_offers_the_columns_and_the_list_of_qualifiers(roster: Roster) -> None:
    data = blank_form(roster, "police")
    columns = header_columns(data)
    assert [columns[t] for t in (QUALIFIER_HEADER, TREND_HEADER, STATUS_HEADER)] == ["E", "F", "G"]
    sheet = load_workbook(BytesIO(data))[FIGURES_SHEET]
    lists = [v for v in sheet.data_validations.dataValidation if v.type == "list"]
    assert len(lists) == 1 and lists[0].formula1 == '"hơn,khoảng,gần,trên"'
    assert f"E{row_of(data, 'fraud_cases')}" in str(lists[0].sqref)


def test_words_written_beside_a_figure_are_read_with_it(roster: Roster) -> None:
    data = police_form(
        roster,
        harmful_content_cases={"qualifier": "Hơn", "trend": "có chiều hướng gia tăng"},
        online_gambling_cases={"status": STATUS},
    )
    result = checked(roster, data)
    assert result.accepted, [p.message for p in result.errors]
    assert result.figures["harmful_content_cases"].words == FigureWords("hơn", "có chiều hướng gia tăng")
    assert result.figures["online_gambling_cases"].words == FigureWords(status=STATUS)
    assert result.figures["fraud_cases"].words == FigureWords(), "a figure with nothing beside it has no words"
    assert isinstance(result.figures["harmful_content_cases"].value, int)


def test_a_form_made_before_the_columns_is_still_read(roster: Roster) -> None:
    def drop_columns(book) -> None:
        book[FIGURES_SHEET].delete_cols(5, 3)

    book = load_workbook(BytesIO(filled_form(roster, "police", figures=POLICE_FIGURES)))
    drop_columns(book)
    buffer = BytesIO()
    book.save(buffer)
    result = checked(roster, buffer.getvalue())
    assert result.accepted and result.figures["fraud_cases"].value == 4
    assert all(not f.words for f in result.figures.values())


@pytest.mark.parametrize("word", [*QUALIFIERS, " KHOẢNG ", "Trên"])
def test_each_allowed_qualifier_is_kept_in_lower_case(roster: Roster, word: str) -> None:
    result = checked(roster, police_form(roster, fraud_cases={"qualifier": word}))
    assert result.accepted and result.figures["fraud_cases"].words.qualifier == word.strip().lower()


@pytest.mark.parametrize("word", ["nhiều hơn", "hon", "khoảng chừng", "ít nhất"])
def test_a_qualifier_outside_the_list_is_refused_naming_its_cell(roster: Roster, word: str) -> None:
    data = police_form(roster, fraud_cases={"qualifier": word})
    result = checked(roster, data)
    assert [p.code for p in result.errors] == ["qualifier_unknown"]
    error = result.errors[0]
    assert (error.sheet, error.cell) == (FIGURES_SHEET, f"E{row_of(data, 'fraud_cases')}")
    assert error.cell in error.message and "hơn, khoảng, gần, trên" in error.message
    assert "fraud_cases" not in result.figures


def test_a_status_past_its_bound_is_refused_naming_its_cell(roster: Roster) -> None:
    data = police_form(roster, fraud_cases={"status": "x" * 501})
    result = checked(roster, data)
    assert [(p.code, p.cell) for p in result.errors] == [("too_long", f"G{row_of(data, 'fraud_cases')}")]
    assert checked(roster, police_form(roster, fraud_cases={"status": "x" * 500})).accepted, "at the bound"


def test_json_takes_a_number_or_an_object_with_the_words(roster: Roster) -> None:
    indicators = {
        **POLICE_FIGURES,
        "harmful_content_cases": {"value": 22, "qualifier": "trên", "trend": "giảm"},
        "online_gambling_cases": {"value": 1, "status": STATUS},
    }
    result = checked(roster, json_return("police", "2023-H1", "police@1", indicators))
    assert result.accepted, [p.message for p in result.errors]
    assert result.figures["harmful_content_cases"].value == 22
    assert result.figures["harmful_content_cases"].source.field == "indicators.harmful_content_cases.value"
    assert result.figures["harmful_content_cases"].words == FigureWords("trên", "giảm")
    assert result.figures["online_gambling_cases"].words == FigureWords(status=STATUS)
    assert result.figures["fraud_cases"].source.field == "indicators.fraud_cases", "plain numbers stay valid"


@pytest.mark.parametrize(
    ("figure", "code", "field"),
    [
        ({"value": 4, "qualifier": "chừng"}, "qualifier_unknown", "indicators.fraud_cases.qualifier"),
        ({"value": 4, "trend": 3}, "json_shape", "indicators.fraud_cases.trend"),
        ({"value": 4, "note": "x"}, "json_shape", "indicators.fraud_cases"),
        ({"value": -4, "qualifier": "hơn"}, "negative", "indicators.fraud_cases.value"),
        ({"qualifier": "hơn"}, "required_missing", "indicators.fraud_cases.value"),
    ],
    ids=["bad qualifier", "trend not text", "unknown key", "negative value", "no value"],
)
def test_json_words_are_refused_naming_their_field(roster: Roster, figure: dict, code: str, field: str) -> None:
    result = checked(roster, json_return("police", "2023-H1", "police@1", {**POLICE_FIGURES, "fraud_cases": figure}))
    assert [(p.code, p.field) for p in result.errors] == [(code, field)]


def test_a_formula_typed_as_a_status_stays_text_on_the_form(roster: Roster) -> None:
    data = police_form(roster, fraud_cases={"status": '=HYPERLINK("http://x")'})
    cell = load_workbook(BytesIO(data))[FIGURES_SHEET][f"G{row_of(data, 'fraud_cases')}"]
    assert cell.data_type == "s" and cell.value.startswith("'=")


@pytest.mark.parametrize(
    ("written", "total"),
    [
        ([None, None], None),
        (["hơn", None], "hơn"),
        (["hơn", "hơn"], "hơn"),
        (["gần", None], "gần"),
        (["hơn", "trên"], "hơn"),
        (["hơn", "gần"], "khoảng"),
        (["khoảng", "trên"], "khoảng"),
    ],
)
def test_the_qualifier_of_a_total(written: list, total: str | None) -> None:
    assert combined_qualifier(written) == total
