"""Read a return file — the XLSX form (or its .ods/.xls copy) or JSON — into located raw values.

Figures are found by their code, never by row number; sheets by their name, else by their
content (an officer may rename a sheet); nothing here judges the values (return_check.py
does). The file type comes from the content (file_safety.py), never from the name; JSON is
read by json_return.py, into the same ReturnContent (return_content.py).
"""

from __future__ import annotations

from io import BytesIO
from typing import Any

from python_calamine import CalamineError, CalamineWorkbook, PasswordError

from agencies.bounds import shorten
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
    WORD_HEADERS,
    cell_name,
)
from agencies.json_return import read_json
from agencies.problems import Severity, problem
from agencies.return_content import REQUIRED_META, Located, ReturnContent, is_blank

Rows = list[list[Any]]


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


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


def _word_columns(rows: Rows, header: int) -> dict[str, int]:
    """The optional columns of the words around a figure, by kind, found by their title in the header row."""
    if header < 0:
        return {}
    titles = [_text(v).casefold() for v in rows[header]]
    return {kind: titles.index(title.casefold()) for kind, title in WORD_HEADERS.items() if title.casefold() in titles}


def _read_words(name: str, row: list[Any], r: int, columns: dict[str, int]) -> dict[str, Located]:
    return {
        kind: Located(row[c], name, cell_name(r, c))
        for kind, c in columns.items()
        if c < len(row) and not is_blank(row[c])
    }


def _read_figures(sheet: tuple[str, Rows] | None, formulas: set[str], content: ReturnContent) -> None:
    if sheet is None:
        return  # every required figure is then reported missing by the check
    name, rows = sheet
    start, (code_col, value_col) = _find_header(rows, CODE_HEADER, VALUE_HEADER) or (-1, [0, 3])
    word_columns = _word_columns(rows, start)
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
        words = _read_words(name, row, r, word_columns)
        if words:
            content.figure_words[code] = words


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
        content.problems.append(problem("unreadable_workbook", detail=shorten(str(exc), 200)))
        return content
    names = {role: sheets[role][0] for role in ("figures", "narrative") if role in sheets}
    formulas = _formula_cells(data, list(names.values())) if has_formulas and kind == "xlsx" else {}
    _read_metadata(sheets.get("meta"), content)
    _read_figures(sheets.get("figures"), formulas.get(names.get("figures"), set()), content)
    _read_narrative(sheets.get("narrative"), formulas.get(names.get("narrative"), set()), content)
    for name in extra:
        content.problems.append(problem("extra_sheet_ignored", sheet=name, sheet_name=name, severity=Severity.WARNING))
    return content


def read_return(data: bytes, limits: Limits = DEFAULT_LIMITS) -> ReturnContent:
    """Inspect the bytes, then read them as what they really are — or say what they are."""
    container = inspect_file(data, limits)
    if not container.readable:
        return ReturnContent(format=container.kind, problems=container.problems)
    if container.kind == "json":
        return read_json(data)
    return read_workbook(data, container.kind, container.has_formulas)
