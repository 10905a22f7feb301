"""Read a generated .docx back the way a reader does: by its headings."""

from __future__ import annotations

import re
from pathlib import Path

from docx import Document

HEADING = re.compile(r"^(?:[IVX]+\.|\d+(?:\.\d+)*\.)\s+\S")


def paragraphs(path: Path) -> list[str]:
    return [p.text.strip() for p in Document(str(path)).paragraphs if p.text.strip()]


def sections(path: Path) -> dict[str, str]:
    """Body text under each heading (`2.1. Công an tỉnh` → its paragraphs), in document order."""
    result: dict[str, list[str]] = {"": []}
    current = ""
    for text in paragraphs(path):
        if HEADING.match(text) and len(text) < 160:
            current = text
            result.setdefault(current, [])
        else:
            result[current].append(text)
    return {heading: "\n".join(lines) for heading, lines in result.items()}


def section(path: Path, prefix: str) -> str:
    """The text of the one section whose heading starts with `prefix`."""
    found = [text for heading, text in sections(path).items() if heading.startswith(prefix)]
    assert len(found) == 1, f"{prefix!r}: {len(found)} sections"
    return found[0]


def table_text(path: Path, index: int) -> str:
    table = Document(str(path)).tables[index]
    return "\n".join(p.text for row in table.rows for cell in row.cells for p in cell.paragraphs)
