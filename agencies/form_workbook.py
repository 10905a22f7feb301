"""The pre-filled XLSX form an agency fills: figures by code, narrative by section, metadata."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from io import BytesIO

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from agencies.calendar import Period
from agencies.figure_words import QUALIFIERS
from agencies.form_layout import (
    CODE_HEADER,
    FIGURES_SHEET,
    META_LABELS,
    META_SHEET,
    NARRATIVE_SHEET,
    QUALIFIER_HEADER,
    SECTION_HEADER,
    STATUS_HEADER,
    TEXT_HEADER,
    TREND_HEADER,
    VALUE_HEADER,
)
from agencies.forms import Form, Indicator
from agencies.roster import Agency, Roster
from agencies.spreadsheet_text import write_text

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_CODE_FILL = PatternFill("solid", fgColor="F2F2F2")
_INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
_WRAP = Alignment(wrap_text=True, vertical="top")


@dataclass(frozen=True)
class FormContext:
    """Everything pre-filled on one agency's form for one period."""

    agency: Agency
    form: Form
    period_id: str
    period_label: str
    window: tuple[date, date]
    deadline: date

    @classmethod
    def for_agency(
        cls, roster: Roster, agency_id: str, period: Period, window: tuple[date, date], deadline: date
    ) -> FormContext:
        """The context of `agency_id`'s form for the period (a custom one with its dates), from the roster."""
        agency = roster.agency(agency_id)
        assert agency is not None, agency_id
        return cls(agency, roster.form_for(agency_id), period.id, period.label, window, deadline)


def _vn_date(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def _number_format(indicator: Indicator) -> str:
    return "#,##0" if indicator.kind.whole else "#,##0.###"


def _validation(indicator: Indicator) -> DataValidation:
    kind = "whole" if indicator.kind.whole else "decimal"
    low = f"{indicator.min:g}"
    if indicator.max is None:
        rule = DataValidation(type=kind, operator="greaterThanOrEqual", formula1=low)
        limit = f"lớn hơn hoặc bằng {low}"
    else:
        rule = DataValidation(type=kind, operator="between", formula1=low, formula2=f"{indicator.max:g}")
        limit = f"từ {low} đến {indicator.max:g}"
    noun = "số nguyên" if indicator.kind.whole else "số"
    rule.error = f"«{indicator.label}» phải là {noun} {limit} ({indicator.unit})."
    rule.errorTitle = "Số liệu không hợp lệ"
    rule.prompt = indicator.hint or f"Nhập {noun} ({indicator.unit}); không có thì nhập 0."
    rule.promptTitle = indicator.unit
    rule.showErrorMessage = True
    rule.showInputMessage = True
    return rule


def _qualifier_validation() -> DataValidation:
    """The list of words allowed before a figure, offered as a drop-down (blank: an exact figure)."""
    rule = DataValidation(type="list", formula1='"' + ",".join(QUALIFIERS) + '"', allow_blank=True)
    rule.error = f"Chỉ chọn một trong các từ: {', '.join(QUALIFIERS)}; số liệu chính xác thì để trống."
    rule.errorTitle = "Từ đi kèm không hợp lệ"
    rule.prompt = "Số liệu ước tính? Chọn «hơn», «khoảng», «gần» hoặc «trên»; chính xác thì để trống."
    rule.promptTitle = QUALIFIER_HEADER
    rule.showErrorMessage = True
    rule.showInputMessage = True
    return rule


def _header(sheet: Worksheet, row: int, titles: list[str]) -> None:
    for column, title in enumerate(titles, start=1):
        cell = sheet.cell(row=row, column=column, value=title)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = _WRAP


def _write_figures(sheet: Worksheet, context: FormContext) -> None:
    sheet.title = FIGURES_SHEET
    write_text(sheet["A1"], context.form.title).font = Font(bold=True, size=13)
    write_text(sheet["A2"], f"{context.agency.name} — {context.period_label} (mã kỳ {context.period_id})")
    sheet["A3"] = (
        f"Số liệu từ ngày {_vn_date(context.window[0])} đến ngày {_vn_date(context.window[1])}; "
        f"hạn gửi {_vn_date(context.deadline)}. Điền cột «{VALUE_HEADER}» (số ước tính thì chọn «{QUALIFIER_HEADER}»; "
        f"«{TREND_HEADER}», «{STATUS_HEADER}» nếu có); không sửa cột mã."
    )
    sheet["A3"].font = Font(italic=True)
    titles = [CODE_HEADER, "Chỉ tiêu", "Đơn vị tính", VALUE_HEADER, QUALIFIER_HEADER, TREND_HEADER, STATUS_HEADER]
    _header(sheet, 5, [*titles, "Ghi chú"])
    qualifiers = _qualifier_validation()
    sheet.add_data_validation(qualifiers)
    row = 6
    for group in context.form.indicator_groups:
        write_text(sheet.cell(row=row, column=2), group.title).font = _HEADER_FONT
        row += 1
        for indicator in group.indicators:
            sheet.cell(row=row, column=1, value=indicator.code).fill = _CODE_FILL
            label = write_text(sheet.cell(row=row, column=2), indicator.label + (" (*)" if indicator.required else ""))
            label.alignment = _WRAP
            write_text(sheet.cell(row=row, column=3), indicator.unit)
            value = sheet.cell(row=row, column=4)
            value.number_format = _number_format(indicator)
            value.fill = _INPUT_FILL
            rule = _validation(indicator)
            sheet.add_data_validation(rule)
            rule.add(value.coordinate)
            qualifiers.add(sheet.cell(row=row, column=5).coordinate)
            for column in (6, 7, 8):  # trend, status, the officer's note: free text
                words = sheet.cell(row=row, column=column)
                words.alignment = _WRAP
                words.number_format = "@"
            row += 1
    sheet.cell(row=row + 1, column=2, value="(*) Chỉ tiêu bắt buộc; không phát sinh thì nhập 0.").font = Font(
        italic=True
    )
    for column, width in zip("ABCDEFGH", (26, 70, 14, 18, 12, 26, 40, 30), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A6"


def _write_narrative(sheet: Worksheet, context: FormContext) -> None:
    sheet["A1"] = "Nội dung báo cáo: mỗi đoạn văn một dòng, ghi ở cột «Nội dung». Thiếu dòng thì chèn thêm dòng."
    sheet["A1"].font = Font(italic=True)
    _header(sheet, 3, [SECTION_HEADER, "Mục", TEXT_HEADER])
    row = 4
    for section in context.form.narrative:
        title = write_text(sheet.cell(row=row, column=2), section.title)
        title.font = _HEADER_FONT
        title.alignment = _WRAP
        if section.hint:
            title.comment = Comment(section.hint, "phoihop")
        for _ in range(section.rows):
            sheet.cell(row=row, column=1, value=section.code).fill = _CODE_FILL
            text = sheet.cell(row=row, column=3)
            text.alignment = _WRAP
            text.fill = _INPUT_FILL
            text.number_format = "@"
            row += 1
    for column, width in zip("ABC", (22, 34, 100), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A4"


def _write_metadata(sheet: Worksheet, context: FormContext) -> None:
    values = {
        "agency": context.agency.id,
        "agency_name": context.agency.name,
        "period": context.period_id,
        "period_label": context.period_label,
        "form": context.form.ref,
        "window": f"{_vn_date(context.window[0])} – {_vn_date(context.window[1])}",
        "deadline": _vn_date(context.deadline),
    }
    _header(sheet, 1, ["Khóa", "Thông tin", "Giá trị"])
    for row, (key, label) in enumerate(META_LABELS.items(), start=2):
        sheet.cell(row=row, column=1, value=key)
        sheet.cell(row=row, column=2, value=label)
        write_text(sheet.cell(row=row, column=3), values[key]).protection = Protection(locked=True)
    sheet.cell(row=len(META_LABELS) + 3, column=2, value="Trang này do hệ thống tạo; không sửa.").font = Font(
        italic=True
    )
    for column, width in zip("ABC", (14, 24, 60), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.protection.sheet = True


def build_form_workbook(context: FormContext) -> bytes:
    """The XLSX bytes of one agency's pre-filled form."""
    workbook = Workbook()
    _write_figures(workbook.active, context)
    _write_narrative(workbook.create_sheet(NARRATIVE_SHEET), context)
    _write_metadata(workbook.create_sheet(META_SHEET), context)
    workbook.properties.title = context.form.title
    workbook.properties.creator = "phoihop"
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
