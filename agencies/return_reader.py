"""Read a return file — the XLSX form (or its .ods/.xls copy) or JSON — into located raw values.

Figures are found by their code, never by row number; sheets by their name, else by their
content (an officer may rename a sheet); nothing here judges the values (return_check.py
does). The file type comes from the content (file_safety.py), never from the name.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from io import BytesIO
from typing import Any

from python_calamine import CalamineError, CalamineWorkbook, PasswordError

from agencies.bounds import NUMBER_TEXT_MAX
from agencies.file_safety import DEFAULT_LIMITS, Limits, inspect_file
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
from agencies.problems import Problem, Severity, problem

REQUIRED_META = ("agency", "period", "form")


@dataclass(frozen=True)
class Located:
    """A value as read, and where: `sheet`+`cell` in a workbook, `field` in JSON."""

    value: Any
    sheet: str | None = None
    cell: str | None = None
    field: str | None = None
    formula: bool = False  # the cell holds a formula; `value` is Excel's cached result


@dataclass(frozen=True)
class HugeNumber:
    """A JSON number too large to hold as it is written (past a float, or a very long integer); never accepted."""

    text: str


@dataclass
class ReturnContent:
    """What a return file says, before any rule is applied."""

    format: str  # xlsx / ods / xls / json / pdf / unknown
    agency: Located | None = None
    period: Located | None = None
    form: Located | None = None
    figures: dict[str, Located] = field(default_factory=dict)
    narrative: dict[str, list[Located]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    figures_refused: bool = False  # the figures as a whole are already refused (said once): none is checked


Rows = list[list[Any]]


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def is_blank(value: Any) -> bool:
    """An empty cell: nothing, or only spaces."""
    return value is None or (isinstance(value, str) and not value.strip())


def _find_header(rows: Rows, *titles: str) -> tuple[int, list[int]] | None:
    """Row index and column indexes of a header row holding all `titles`."""
    wanted = [t.casefold() for t in titles]
    for r, row in enumerate(rows):
        cells = [_text(v).casefold() for v in row]
        if all(t in cells for t in wanted):
            return r, [cells.index(t) for t in wanted]
    return None


def _is_metadata(rows: Rows) -> bool:
    keys = {_text(row[0]) for row in rows if row}
    return set(REQUIRED_META) <= keys


def _locate_sheets(book: CalamineWorkbook) -> tuple[dict[str, tuple[str, Rows]], list[str]]:
    """The form's three sheets by role — by name, else by what they hold — and the sheets left over."""
    found: dict[str, tuple[str, Rows]] = {}
    content = {name: book.get_sheet_by_name(name).to_python(skip_empty_area=False) for name in book.sheet_names}
    roles = {
        "meta": (META_SHEET, _is_metadata),
        "figures": (FIGURES_SHEET, lambda rows: _find_header(rows, CODE_HEADER, VALUE_HEADER) is not None),
        "narrative": (NARRATIVE_SHEET, lambda rows: _find_header(rows, SECTION_HEADER, TEXT_HEADER) is not None),
    }
    for role, (name, _) in roles.items():
        if name in content:
            found[role] = (name, content[name])
    for role, (_, matches) in roles.items():
        if role not in found:
            taken = {sheet for sheet, _ in found.values()}
            match = next((n for n, rows in content.items() if n not in taken and matches(rows)), None)
            if match is not None:
                found[role] = (match, content[match])
    taken = {sheet for sheet, _ in found.values()}
    extra = [
        name for name, rows in content.items() if name not in taken and any(not is_blank(v) for r in rows for v in r)
    ]
    return found, extra


def _formula_cells(data: bytes, sheets: list[str]) -> dict[str, set[str]]:
    """Cells of each of `sheets` holding a formula (only looked for when the file has formulas)."""
    from openpyxl import load_workbook  # only for the rare workbook with formulas

    book = load_workbook(BytesIO(data), read_only=True, data_only=False)
    try:
        return {
            sheet: {
                cell.coordinate
                for row in book[sheet].iter_rows()
                for cell in row
                if isinstance(cell.value, str) and cell.value.startswith("=")
            }
            for sheet in sheets
        }
    finally:
        book.close()


def _read_metadata(sheet: tuple[str, Rows] | None, content: ReturnContent) -> None:
    if sheet is None:
        content.problems.append(problem("metadata_sheet_missing", sheet=META_SHEET))
        return
    name, rows = sheet
    found: dict[str, Located] = {}
    for r, row in enumerate(rows):
        key = _text(row[0]) if row else ""
        if key in META_LABELS and len(row) > 2 and not is_blank(row[2]):
            found[key] = Located(str(row[2]).strip(), name, cell_name(r, 2))
    for key in REQUIRED_META:
        if key not in found:
            expected_cell = f"C{list(META_LABELS).index(key) + 2}"
            content.problems.append(problem("metadata_missing", sheet=name, cell=expected_cell, label=META_LABELS[key]))
    content.agency, content.period, content.form = found.get("agency"), found.get("period"), found.get("form")


def _read_figures(sheet: tuple[str, Rows] | None, formulas: set[str], content: ReturnContent) -> None:
    if sheet is None:
        return  # every required figure is then reported missing by the check
    name, rows = sheet
    start, (code_col, value_col) = _find_header(rows, CODE_HEADER, VALUE_HEADER) or (-1, [0, 3])
    for r in range(start + 1, len(rows)):
        row = rows[r]
        code = _text(row[code_col]) if code_col < len(row) else ""
        value = row[value_col] if value_col < len(row) else ""
        where = cell_name(r, value_col)
        if not code:
            if not is_blank(value) and start >= 0:
                content.problems.append(problem("value_without_code", sheet=name, cell=where, value=value))
            continue
        if code in content.figures:
            first = content.figures[code].cell
            content.problems.append(
                problem("duplicate_indicator", sheet=name, cell=cell_name(r, code_col), code=code, first=first)
            )
            continue
        content.figures[code] = Located(value, name, where, formula=where in formulas)


def _read_narrative(sheet: tuple[str, Rows] | None, formulas: set[str], content: ReturnContent) -> None:
    if sheet is None:
        return
    name, rows = sheet
    start, (code_col, text_col) = _find_header(rows, SECTION_HEADER, TEXT_HEADER) or (-1, [0, 2])
    section = ""
    for r in range(start + 1, len(rows)):
        row = rows[r]
        code = _text(row[code_col]) if code_col < len(row) else ""
        section = code or section  # a row the officer inserted belongs to the section above
        raw = row[text_col] if text_col < len(row) else ""
        text = raw.strip() if isinstance(raw, str) else ("" if is_blank(raw) else str(raw))
        if not text:
            if cell_name(r, text_col) in formulas:  # a formula Excel never computed: its text is unknown
                where = {"sheet": name, "cell": cell_name(r, text_col)}
                content.problems.append(problem("narrative_formula_without_value", severity=Severity.WARNING, **where))
            continue
        if not section:
            content.problems.append(problem("paragraph_without_section", sheet=name, cell=cell_name(r, text_col)))
            continue
        content.narrative.setdefault(section, []).append(Located(text, name, cell_name(r, text_col)))


def read_workbook(data: bytes, kind: str = "xlsx", has_formulas: bool = False) -> ReturnContent:
    content = ReturnContent(format=kind)
    try:
        book = CalamineWorkbook.from_filelike(BytesIO(data))
        sheets, extra = _locate_sheets(book)
    except PasswordError:
        content.problems.append(problem("encrypted"))
        return content
    except (CalamineError, ValueError, OSError) as exc:
        content.problems.append(problem("unreadable_workbook", detail=str(exc)[:200]))
        return content
    names = {role: sheets[role][0] for role in ("figures", "narrative") if role in sheets}
    formulas = _formula_cells(data, list(names.values())) if has_formulas and kind == "xlsx" else {}
    _read_metadata(sheets.get("meta"), content)
    _read_figures(sheets.get("figures"), formulas.get(names.get("figures"), set()), content)
    _read_narrative(sheets.get("narrative"), formulas.get(names.get("narrative"), set()), content)
    for name in extra:
        content.problems.append(problem("extra_sheet_ignored", sheet=name, sheet_name=name, severity=Severity.WARNING))
    return content


def _json_int(text: str) -> int | HugeNumber:
    # Python refuses to convert integers of over 4,300 digits; any over NUMBER_TEXT_MAX is refused anyway.
    return int(text) if len(text) <= NUMBER_TEXT_MAX else HugeNumber(text)


def _json_float(text: str) -> float | HugeNumber:
    number = float(text)  # `1e400` becomes inf: the number was written, it is only too large
    return number if math.isfinite(number) else HugeNumber(text)


def read_json(data: bytes) -> ReturnContent:
    """The JSON return of DESIGN §5: agency, period, form, indicators, narrative.

    Numbers are read by hooks that never fail, so that a number too large is refused naming its
    field; the literals NaN and Infinity are read as floats and refused by the check.
    """
    content = ReturnContent(format="json")
    try:
        document = json.loads(data.decode("utf-8-sig"), parse_int=_json_int, parse_float=_json_float)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        content.problems.append(problem("invalid_json", detail=str(exc)[:200]))
        return content
    except RecursionError:  # arrays or objects nested past Python's recursion limit (about 1,000 levels)
        content.problems.append(problem("too_deep", field="(gốc)"))
        return content
    return read_json_document(document, content)


def read_json_document(document: Any, content: ReturnContent | None = None) -> ReturnContent:
    content = content or ReturnContent(format="json")
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
        content.figures_refused = True
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
        kept = [Located(p.strip(), field=f"narrative.{section}[{i}]") for i, p in enumerate(paragraphs) if p.strip()]
        if kept:  # a section with nothing written says nothing
            content.narrative[str(section)] = kept
    return content


def read_return(data: bytes, limits: Limits = DEFAULT_LIMITS) -> ReturnContent:
    """Inspect the bytes, then read them as what they really are — or say what they are."""
    container = inspect_file(data, limits)
    if not container.readable:
        return ReturnContent(format=container.kind, problems=container.problems)
    if container.kind == "json":
        return read_json(data)
    return read_workbook(data, container.kind, container.has_formulas)
