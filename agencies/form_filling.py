"""Fill a generated form the way an officer does: values beside their codes, paragraphs in their sections.

Used by `phoihop demo` for its sample returns, and by the tests.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from io import BytesIO
from typing import Any

from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from agencies.form_layout import (
    CODE_HEADER,
    FIGURES_SHEET,
    NARRATIVE_SHEET,
    SECTION_HEADER,
    TEXT_HEADER,
    VALUE_HEADER,
    WORD_HEADERS,
)
from agencies.spreadsheet_text import write_text


def _header_cell(sheet: Worksheet, title: str) -> tuple[int, int]:
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value == title:
                return cell.row, cell.column
    raise LookupError(f"no «{title}» header on sheet {sheet.title}")


def fill_form_workbook(
    form: bytes,
    figures: Mapping[str, Any] | None = None,
    narrative: Mapping[str, Sequence[str]] | None = None,
) -> bytes:
    """The form with `figures` typed beside their codes and `narrative` into free rows of each section.

    A figure is a value, or a mapping `{"value": …, "qualifier": …, "trend": …, "status": …}` whose words go
    into their columns (the form must then have them).
    """
    book = load_workbook(BytesIO(form))
    sheet = book[FIGURES_SHEET]
    header_row, code_col = _header_cell(sheet, CODE_HEADER)
    _, value_col = _header_cell(sheet, VALUE_HEADER)
    rows = {sheet.cell(r, code_col).value: r for r in range(header_row + 1, sheet.max_row + 1)}
    word_cols = {kind: _header_cell(sheet, title)[1] for kind, title in WORD_HEADERS.items()}
    for code, value in (figures or {}).items():
        if isinstance(value, Mapping):  # the number and the words around it, as a JSON return writes them
            for kind, column in word_cols.items():
                if value.get(kind) is not None:
                    write_text(sheet.cell(rows[code], column), value[kind])
            value = value.get("value")
        sheet.cell(rows[code], value_col).value = value
    text_sheet = book[NARRATIVE_SHEET]
    header_row, section_col = _header_cell(text_sheet, SECTION_HEADER)
    _, text_col = _header_cell(text_sheet, TEXT_HEADER)
    for section, paragraphs in (narrative or {}).items():
        free = [
            r
            for r in range(header_row + 1, text_sheet.max_row + 1)
            if text_sheet.cell(r, section_col).value == section and not text_sheet.cell(r, text_col).value
        ]
        if not free:
            raise LookupError(f"no row for section {section}")
        extra = len(paragraphs) - len(free)
        if extra > 0:  # as an officer would: insert rows under the section's last row
            text_sheet.insert_rows(free[-1] + 1, amount=extra)
            for r in range(free[-1] + 1, free[-1] + 1 + extra):
                text_sheet.cell(r, section_col).value = section
            free += list(range(free[-1] + 1, free[-1] + 1 + extra))
        for r, paragraph in zip(free, paragraphs, strict=False):
            text_sheet.cell(r, text_col).value = paragraph
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
