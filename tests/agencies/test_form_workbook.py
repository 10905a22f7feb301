from io import BytesIO

from openpyxl import load_workbook

from agencies.form_layout import FIGURES_SHEET, META_SHEET, NARRATIVE_SHEET, cell_name
from agencies.roster import Roster
from tests.factories import blank_form


def test_form_is_prefilled_for_its_agency_and_period(roster: Roster) -> None:
    book = load_workbook(BytesIO(blank_form(roster, "police")))
    assert book.sheetnames == [FIGURES_SHEET, NARRATIVE_SHEET, META_SHEET]
    meta = {row[0]: row[2] for row in book[META_SHEET].iter_rows(min_row=2, values_only=True) if row[0]}
    assert meta["agency"] == "police"
    assert meta["period"] == "2023-H1"
    assert meta["form"] == "police@1"
    assert meta["window"] == "15/12/2022 – 14/06/2023"
    assert meta["deadline"] == "18/06/2023"
    assert book[META_SHEET].protection.sheet, "the metadata sheet is protected"


def test_every_indicator_has_a_code_row_with_validation_and_format(roster: Roster) -> None:
    book = load_workbook(BytesIO(blank_form(roster, "police")))
    sheet = book[FIGURES_SHEET]
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=6) if row[0].value}
    form = roster.form_for("police")
    assert list(rows) == [i.code for i in form.indicators]
    validated = {str(ref) for dv in sheet.data_validations.dataValidation for ref in dv.sqref.ranges}
    for indicator in form.indicators:
        value = rows[indicator.code][3]
        assert value.coordinate in validated
        assert value.number_format == "#,##0"
    fines = next(
        dv for dv in sheet.data_validations.dataValidation if rows["fines_total"][3].coordinate in str(dv.sqref)
    )
    assert fines.type == "whole" and fines.operator == "greaterThanOrEqual" and fines.formula1 == "0"
    assert "đồng" in fines.error


def test_narrative_rows_carry_their_section_code(roster: Roster) -> None:
    book = load_workbook(BytesIO(blank_form(roster, "dic")))
    codes = [row[0] for row in book[NARRATIVE_SHEET].iter_rows(min_row=4, values_only=True) if row[0]]
    form = roster.form_for("dic")
    assert codes == [s.code for s in form.narrative for _ in range(s.rows)]


def test_cell_names() -> None:
    assert [cell_name(0, 0), cell_name(6, 3), cell_name(0, 25), cell_name(9, 26), cell_name(0, 701)] == [
        "A1",
        "D7",
        "Z1",
        "AA10",
        "ZZ1",
    ]


def test_text_that_looks_like_a_formula_stays_text(roster: Roster) -> None:
    from agencies.calendar import parse_period
    from agencies.form_workbook import FormContext, build_form_workbook
    from agencies.roster import Agency

    period = parse_period("2023-H1")
    hostile = Agency(id="police", name='=HYPERLINK("http://x.example","Bấm vào đây")', emails=["a@b.example"])
    form = roster.form_for("police")
    form = form.model_copy(
        update={"title": "+SUM(1,2)", "narrative": [form.narrative[0].model_copy(update={"title": "@cmd"})]}
    )
    data = build_form_workbook(FormContext(hostile, form, period.id, period.label, period.window(), period.deadline()))
    book = load_workbook(BytesIO(data))
    meta = {row[0].value: row[2] for row in book[META_SHEET].iter_rows(min_row=2) if row[0].value}
    assert meta["agency_name"].data_type == "s" and meta["agency_name"].value.startswith("'=HYPERLINK")
    assert book[FIGURES_SHEET]["A1"].value == "'+SUM(1,2)" and book[FIGURES_SHEET]["A1"].data_type == "s"
    assert book[NARRATIVE_SHEET]["B4"].value == "'@cmd"
    assert not any(cell.data_type == "f" for sheet in book.worksheets for row in sheet.iter_rows() for cell in row), (
        "no formula anywhere in a generated form"
    )
