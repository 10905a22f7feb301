"""Text that goes into a spreadsheet we generate must never become a formula there.

A cell text starting with `=`, `+`, `-`, `@` (or a tab or carriage return) is read by
Excel, LibreOffice and CSV importers as a formula — the "CSV/formula injection" of
OWASP. Such text gets a leading apostrophe, the spreadsheet convention for "this is text".
"""

from __future__ import annotations

from typing import Any

from openpyxl.cell import Cell

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(text: str) -> str:
    return "'" + text if text.startswith(TRIGGERS) else text


def write_text(cell: Cell, value: Any) -> Cell:
    """Put `value` in `cell` as inert text (numbers and None as they are)."""
    if isinstance(value, str):
        cell.value = safe_text(value)
        cell.data_type = "s"
    else:
        cell.value = value
    return cell
