"""Read a return file — the XLSX form or JSON — into raw values located by sheet and cell.

Figures are found by their code, never by row number; nothing here judges the values
(see return_check.py). The file type comes from the content, not the name.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from io import BytesIO
from typing import Any

from python_calamine import CalamineError, CalamineWorkbook

from agencies.form_layout import (
    CODE_HEADER,
    FIGURES_SHEET,
    META_LABELS,
    META_SHEET,
    NARRATIVE_SHEET,
    SECTION_HEADER,
    TEXT_HEADER,
    VALUE_HEADER,
    cell_name,
)
from agencies.problems import Problem, problem

REQUIRED_META = ("agency", "period", "form")


@dataclass(frozen=True)
class Located:
    """A value as read, and where: `sheet`+`cell` in a workbook, `field` in JSON."""

    value: Any
    sheet: str | None = None
    cell: str | None = None
    field: str | None = None

    @property
    def where(self) -> str:
        return f"{self.sheet}!{self.cell}" if self.sheet else self.field or ""


@dataclass
class ReturnContent:
    """What a return file says, before any rule is applied."""

    format: str  # "xlsx" or "json"
    agency: Located | None = None
    period: Located | None = None
    form: Located | None = None
    figures: dict[str, Located] = field(default_factory=dict)
    narrative: dict[str, list[Located]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def sniff_format(data: bytes) -> str | None:
    """'xlsx' for a workbook container (ZIP or legacy OLE), 'json', 'pdf', or None."""
    if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
        return "xlsx"
    if data.startswith(b"%PDF"):
        return "pdf"
    if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        return "json"
    return None


def _find_header(rows: list[list[Any]], *titles: str) -> tuple[int, list[int]] | None:
    """Row index and column indexes of a header row holding all `titles`."""
    wanted = [t.casefold() for t in titles]
    for r, row in enumerate(rows):
        cells = [_text(v).casefold() for v in row]
        if all(t in cells for t in wanted):
            return r, [cells.index(t) for t in wanted]
    return None


def _read_metadata(book: CalamineWorkbook, content: ReturnContent) -> None:
    if META_SHEET not in book.sheet_names:
        content.problems.append(problem("metadata_sheet_missing", sheet=META_SHEET))
        return
    rows = book.get_sheet_by_name(META_SHEET).to_python(skip_empty_area=False)
    found: dict[str, Located] = {}
    for r, row in enumerate(rows):
        key = _text(row[0]) if row else ""
        if key in META_LABELS and len(row) > 2 and _text(row[2]):
            found[key] = Located(_text(row[2]), META_SHEET, cell_name(r, 2))
    for key in REQUIRED_META:
        if key not in found:
            expected_cell = f"C{list(META_LABELS).index(key) + 2}"
            content.problems.append(
                problem("metadata_missing", sheet=META_SHEET, cell=expected_cell, label=META_LABELS[key])
            )
    content.agency, content.period, content.form = found.get("agency"), found.get("period"), found.get("form")


def _read_figures(book: CalamineWorkbook, content: ReturnContent) -> None:
    if FIGURES_SHEET not in book.sheet_names:
        return  # every required figure is then reported missing by the check
    rows = book.get_sheet_by_name(FIGURES_SHEET).to_python(skip_empty_area=False)
    header = _find_header(rows, CODE_HEADER, VALUE_HEADER)
    start, (code_col, value_col) = header if header else (-1, [0, 3])
    for r in range(start + 1, len(rows)):
        row = rows[r]
        code = _text(row[code_col]) if code_col < len(row) else ""
        if not code:
            continue
        value = row[value_col] if value_col < len(row) else ""
        located = Located(value, FIGURES_SHEET, cell_name(r, value_col))
        if code in content.figures:
            first = content.figures[code].cell
            content.problems.append(
                problem("duplicate_indicator", sheet=FIGURES_SHEET, cell=cell_name(r, code_col), code=code, first=first)
            )
            continue
        content.figures[code] = located


def _read_narrative(book: CalamineWorkbook, content: ReturnContent) -> None:
    if NARRATIVE_SHEET not in book.sheet_names:
        return
    rows = book.get_sheet_by_name(NARRATIVE_SHEET).to_python(skip_empty_area=False)
    header = _find_header(rows, SECTION_HEADER, TEXT_HEADER)
    start, (code_col, text_col) = header if header else (-1, [0, 2])
    section = ""
    for r in range(start + 1, len(rows)):
        row = rows[r]
        code = _text(row[code_col]) if code_col < len(row) else ""
        section = code or section  # a row the officer inserted belongs to the section above
        raw = row[text_col] if text_col < len(row) else ""
        text = _text(raw) if isinstance(raw, str) else ("" if raw in ("", None) else str(raw))
        if not text:
            continue
        if not section:
            content.problems.append(
                problem("paragraph_without_section", sheet=NARRATIVE_SHEET, cell=cell_name(r, text_col))
            )
            continue
        content.narrative.setdefault(section, []).append(Located(text, NARRATIVE_SHEET, cell_name(r, text_col)))


def read_workbook(data: bytes) -> ReturnContent:
    content = ReturnContent(format="xlsx")
    try:
        book = CalamineWorkbook.from_filelike(BytesIO(data))
    except (CalamineError, ValueError, OSError) as exc:
        content.problems.append(problem("unreadable_workbook", detail=str(exc)[:200]))
        return content
    _read_metadata(book, content)
    _read_figures(book, content)
    _read_narrative(book, content)
    return content


def read_json(data: bytes) -> ReturnContent:
    """The JSON return of DESIGN §5: agency, period, form, indicators, narrative."""
    content = ReturnContent(format="json")
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        content.problems.append(problem("invalid_json", detail=str(exc)[:200]))
        return content
    if not isinstance(document, dict):
        content.problems.append(problem("json_shape", field="(gốc)", detail="phải là một đối tượng JSON"))
        return content
    for key in REQUIRED_META:
        value = document.get(key)
        if isinstance(value, str) and value.strip():
            setattr(content, key, Located(value.strip(), field=key))
        else:
            content.problems.append(problem("json_shape", field=key, detail="bắt buộc và phải là chuỗi"))
    indicators = document.get("indicators", {})
    if not isinstance(indicators, dict):
        content.problems.append(problem("json_shape", field="indicators", detail="phải là đối tượng {mã: số}"))
        indicators = {}
    for code, value in indicators.items():
        content.figures[str(code)] = Located(value, field=f"indicators.{code}")
    narrative = document.get("narrative", {})
    if not isinstance(narrative, dict):
        content.problems.append(problem("json_shape", field="narrative", detail="phải là đối tượng {mục: [đoạn, …]}"))
        narrative = {}
    for section, paragraphs in narrative.items():
        if not isinstance(paragraphs, list) or not all(isinstance(p, str) for p in paragraphs):
            content.problems.append(
                problem("json_shape", field=f"narrative.{section}", detail="phải là danh sách đoạn văn")
            )
            continue
        content.narrative[str(section)] = [
            Located(p.strip(), field=f"narrative.{section}[{i}]") for i, p in enumerate(paragraphs) if p.strip()
        ]
    return content


def read_return(data: bytes) -> ReturnContent:
    """Dispatch on the bytes: workbook, JSON, or a refusal that says what the file is."""
    if not data:
        return ReturnContent(format="unknown", problems=[problem("empty_file")])
    match sniff_format(data):
        case "xlsx":
            return read_workbook(data)
        case "json":
            return read_json(data)
        case "pdf":
            return ReturnContent(format="pdf", problems=[problem("pdf_file")])
        case _:
            return ReturnContent(format="unknown", problems=[problem("not_a_spreadsheet")])
