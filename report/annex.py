"""The draft's annex (phu-luc-<period>.xlsx): every figure by agency and by group, who sent what, where each
figure came from, and the charts — from the same plain context as the draft.

Totals are Excel formulas, never values: an officer who corrects an agency's figure in «Theo đơn vị» sees the
group's total, the change against last year and the «Tổng hợp» sheet follow. Every text is written through
agencies.spreadsheet_text (an agency name or a paragraph starting with `=` stays text).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook
from openpyxl.drawing.image import Image
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.worksheet import Worksheet

from agencies.calendar import REPORTING_TZ
from agencies.spreadsheet_text import write_text
from report.body import parse_blocks, template_context
from report.charts import Chart
from report.context import Figure, GroupSection, ReportContext
from report.templating import TEMPLATES, report_environment

SUMMARY, BY_AGENCY, SENDERS, SOURCES, CHARTS = "Tổng hợp", "Theo đơn vị", "Đơn vị gửi", "Nguồn số liệu", "Biểu đồ"
COMPLETENESS_TEMPLATE = "_completeness.txt.j2"

_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=13)
_NOTE = Font(italic=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
_WRAP = Alignment(wrap_text=True, vertical="top")
_PERCENT = "0.0%"
_CHART_WIDTH = 800  # pixels on the sheet


@dataclass
class FigureRow:
    """Where one figure sits on «Theo đơn vị»: its agencies' cells, its total, last year's value."""

    row: int
    agency_cells: dict[str, str] = field(default_factory=dict)  # agency id → cell
    total: str = ""
    previous: str | None = None


def _number_format(figure: Figure) -> str:
    return "General" if figure.kind == "number" else "#,##0"


def _header(sheet: Worksheet, row: int, titles: Iterable[str]) -> None:
    for column, title in enumerate(titles, 1):
        cell = write_text(sheet.cell(row=row, column=column), title)
        cell.font, cell.fill, cell.alignment = _BOLD, _HEADER_FILL, Alignment(wrap_text=True, vertical="center")


def _widths(sheet: Worksheet, widths: Iterable[float]) -> None:
    for column, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(column)].width = width


def _landscape(sheet: Worksheet) -> None:
    """Printed across the page's width, on as many pages down as it takes."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0


def _ref(sheet: str, cell: str) -> str:
    return f"{quote_sheetname(sheet)}!{cell}"


def _change(total: str, previous: str) -> tuple[str, str]:
    """The change and its ratio as formulas; no ratio against a zero."""
    return f"={total}-{previous}", f'=IF({previous}=0,"",({total}-{previous})/{previous})'


def _group_block(
    sheet: Worksheet, row: int, group: GroupSection, columns: list[tuple[str, str]], previous_year: int
) -> tuple[int, dict[str, FigureRow]]:
    """One group on «Theo đơn vị»: indicators × its agencies, a SUM per indicator; the next free row."""
    write_text(sheet.cell(row=row, column=1), f"{group.number}. {group.title}").font = _BOLD
    with_previous = any(f.previous is not None for f in group.figures.values())
    titles = ["Mã", "Chỉ tiêu", "Đơn vị tính", *(name for _, name in columns), "Tổng cộng"]
    if with_previous:
        titles += [f"Cùng kỳ năm {previous_year}", "Tăng (+)/giảm (-)", "Tỷ lệ tăng/giảm"]
    _header(sheet, row + 1, titles)
    first, last = get_column_letter(4), get_column_letter(3 + len(columns))
    total_column = 4 + len(columns)
    placed: dict[str, FigureRow] = {}
    for r, figure in enumerate(group.figures.values(), row + 2):
        write_text(sheet.cell(row=r, column=1), figure.code)
        write_text(sheet.cell(row=r, column=2), figure.label).alignment = _WRAP
        write_text(sheet.cell(row=r, column=3), figure.unit)
        by_agency: dict[str, float] = {}
        for source in figure.sources:
            by_agency[source.agency_id] = by_agency.get(source.agency_id, 0.0) + source.value
        placed_row = FigureRow(r)
        for c, (agency_id, _) in enumerate(columns, 4):
            cell = sheet.cell(row=r, column=c)
            if agency_id in by_agency:
                cell.value = by_agency[agency_id]
                placed_row.agency_cells[agency_id] = cell.coordinate
            cell.number_format = _number_format(figure)
        total = sheet.cell(row=r, column=total_column, value=f"=SUM({first}{r}:{last}{r})")
        total.number_format, total.font, total.fill = _number_format(figure), _BOLD, _TOTAL_FILL
        placed_row.total = total.coordinate
        if figure.previous is not None:
            before = sheet.cell(row=r, column=total_column + 1, value=figure.previous)
            before.number_format = _number_format(figure)
            placed_row.previous = before.coordinate
            difference, ratio = _change(total.coordinate, before.coordinate)
            sheet.cell(row=r, column=total_column + 2, value=difference).number_format = _number_format(figure)
            sheet.cell(row=r, column=total_column + 3, value=ratio).number_format = _PERCENT
        placed[figure.code] = placed_row
    return row + 3 + len(group.figures), placed


def _write_by_agency(sheet: Worksheet, context: ReportContext) -> dict[tuple[str, str], FigureRow]:
    write_text(sheet["A1"], f"SỐ LIỆU CỦA TỪNG ĐƠN VỊ — {context.period_label.upper()}").font = _TITLE
    note = "Sửa số liệu của một đơn vị ở đây: cột «Tổng cộng» và trang «Tổng hợp» tự tính lại."
    write_text(sheet["A2"], note).font = _NOTE
    row, placed = 4, {}
    for group in context.groups:
        columns = [(s.agency_id, s.name) for s in context.completeness.agencies if s.group_id == group.id]
        row, rows = _group_block(sheet, row, group, columns, context.previous_year)
        placed.update({(group.id, code): at for code, at in rows.items()})
    widest = max((len(s.name) for s in context.completeness.agencies), default=0)
    _widths(sheet, [24, 50, 12, *[min(max(14, widest / 2), 30)] * 60])
    sheet.freeze_panes = "D4"
    _landscape(sheet)
    return placed


def _write_summary(sheet: Worksheet, context: ReportContext, placed: dict[tuple[str, str], FigureRow]) -> None:
    write_text(sheet["A1"], f"PHỤ LỤC SỐ LIỆU TỔNG HỢP {context.period_label.upper()}").font = _TITLE
    write_text(sheet["A2"], f"Kèm theo dự thảo báo cáo của {context.department}.").font = _NOTE
    _header(
        sheet,
        4,
        ["Mục", "Nhóm", "Mã", "Chỉ tiêu", "Đơn vị tính", "Kỳ này", f"Cùng kỳ năm {context.previous_year}"]
        + ["Tăng (+)/giảm (-)", "Tỷ lệ tăng/giảm"],
    )
    row = 5
    for group in context.groups:
        for figure in group.figures.values():
            at = placed[(group.id, figure.code)]
            for column, text in enumerate((group.number, group.title, figure.code, figure.label, figure.unit), 1):
                write_text(sheet.cell(row=row, column=column), text).alignment = _WRAP
            now = sheet.cell(row=row, column=6, value=f"={_ref(BY_AGENCY, at.total)}")
            now.number_format = _number_format(figure)
            if at.previous is not None:
                before = sheet.cell(row=row, column=7, value=f"={_ref(BY_AGENCY, at.previous)}")
                before.number_format = _number_format(figure)
                difference, ratio = _change(now.coordinate, before.coordinate)
                sheet.cell(row=row, column=8, value=difference).number_format = _number_format(figure)
                sheet.cell(row=row, column=9, value=ratio).number_format = _PERCENT
            row += 1
    _widths(sheet, [7, 30, 24, 50, 12, 16, 16, 16, 14])
    sheet.freeze_panes = "A5"
    _landscape(sheet)


def completeness_note(context: ReportContext, templates: Path = TEMPLATES) -> str:
    """«Tổng hợp từ báo cáo của …»: how complete the returns are, for the coordinator (never in the body)."""
    text = report_environment(context.wording, templates).get_template(COMPLETENESS_TEMPLATE)
    return " ".join(block.text for block in parse_blocks(text.render(template_context(context))))


def _write_senders(sheet: Worksheet, context: ReportContext, templates: Path) -> None:
    write_text(sheet["A1"], f"TÌNH HÌNH GỬI BÁO CÁO KỲ {context.period_id}").font = _TITLE
    write_text(sheet["A2"], completeness_note(context, templates)).font = _NOTE
    start, end = context.window
    write_text(sheet["A3"], f"Số liệu từ {start:%d/%m/%Y} đến {end:%d/%m/%Y}; hạn gửi {context.deadline:%d/%m/%Y}.")
    _header(sheet, 5, ["STT", "Đơn vị", "Nhóm", "Trạng thái", "Phiên bản", "Thời điểm nhận (giờ Việt Nam)", "Quá hạn"])
    for row, sender in enumerate(context.completeness.agencies, 6):
        sheet.cell(row=row, column=1, value=row - 5)
        write_text(sheet.cell(row=row, column=2), sender.name)
        write_text(sheet.cell(row=row, column=3), sender.group)
        write_text(sheet.cell(row=row, column=4), sender.state.label)
        sheet.cell(row=row, column=5, value=sender.version)
        if sender.received_at is not None:
            received = sender.received_at.astimezone(REPORTING_TZ).replace(tzinfo=None)
            sheet.cell(row=row, column=6, value=received).number_format = "dd/mm/yyyy hh:mm"
        write_text(sheet.cell(row=row, column=7), "Có" if sender.late else "")
    _widths(sheet, [6, 44, 40, 16, 10, 22, 10])
    sheet.freeze_panes = "A6"
    _landscape(sheet)


def _write_sources(sheet: Worksheet, context: ReportContext, placed: dict[tuple[str, str], FigureRow]) -> None:
    _header(
        sheet,
        1,
        ["Mục", "Nhóm", "Mã chỉ tiêu", "Chỉ tiêu", "Số liệu trong dự thảo", "Đơn vị gửi", "Mã đơn vị"]
        + ["Số báo cáo", "Phiên bản", "Vị trí trong báo cáo gửi (trang!ô hoặc trường JSON)", "Giá trị"]
        + ["Ô trong phụ lục", "Từ đi kèm", "Xu hướng", "Tình trạng xử lý"],
    )
    row = 2
    for group in context.groups:
        for figure in group.figures.values():
            at = placed[(group.id, figure.code)]
            for source in figure.sources or (None,):
                for column, text in enumerate((group.number, group.title, figure.code, figure.label), 1):
                    write_text(sheet.cell(row=row, column=column), text)
                sheet.cell(row=row, column=5, value=figure.value).number_format = _number_format(figure)
                if source is not None:
                    write_text(sheet.cell(row=row, column=6), source.agency_name)
                    write_text(sheet.cell(row=row, column=7), source.agency_id)
                    sheet.cell(row=row, column=8, value=source.return_id)
                    sheet.cell(row=row, column=9, value=source.version)
                    write_text(sheet.cell(row=row, column=10), source.location)
                    sheet.cell(row=row, column=11, value=source.value).number_format = _number_format(figure)
                    write_text(sheet.cell(row=row, column=12), _ref(BY_AGENCY, at.agency_cells[source.agency_id]))
                    words = (source.words.qualifier, source.words.trend, source.words.status)
                    for column, text in enumerate(words, 13):  # as the agency wrote them, used in the draft or not
                        if text:
                            write_text(sheet.cell(row=row, column=column), text)
                else:
                    write_text(sheet.cell(row=row, column=6), "(chưa đơn vị nào báo cáo số liệu này)")
                row += 1
    _widths(sheet, [7, 30, 24, 44, 14, 36, 20, 11, 10, 30, 14, 22, 10, 30, 40])
    sheet.freeze_panes = "A2"
    _landscape(sheet)
    sheet.auto_filter.ref = f"A1:O{max(row - 1, 1)}"


def _write_charts(sheet: Worksheet, charts: Sequence[tuple[Chart, Path]]) -> None:
    if not charts:
        write_text(sheet["A1"], "Không có biểu đồ: chưa có số liệu khác 0 để vẽ.").font = _NOTE
        return
    row = 1
    for chart, path in charts:
        write_text(sheet.cell(row=row, column=1), chart.title).font = _BOLD
        image = Image(str(path))
        image.height = round(image.height * _CHART_WIDTH / image.width)
        image.width = _CHART_WIDTH
        sheet.add_image(image, f"A{row + 1}")
        row += 3 + math.ceil(image.height / 20)  # rows of the default height are 20 pixels


def write_annex(
    context: ReportContext, out_path: Path, charts: Sequence[tuple[Chart, Path]] = (), templates: Path = TEMPLATES
) -> Path:
    """Write the XLSX annex of `context` to `out_path`, with `charts` (drawn beforehand) embedded."""
    book = Workbook()
    summary = book.active
    summary.title = SUMMARY
    placed = _write_by_agency(book.create_sheet(BY_AGENCY), context)
    _write_summary(summary, context, placed)
    _write_senders(book.create_sheet(SENDERS), context, templates)
    _write_sources(book.create_sheet(SOURCES), context, placed)
    _write_charts(book.create_sheet(CHARTS), charts)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    book.save(out_path)
    return out_path
