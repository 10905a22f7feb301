"""What a return file says, located, before any rule is applied: the reader's output, the check's input."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from agencies.problems import Problem

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
    # The words around a figure, by code then by kind (qualifier / trend / status), where the sender wrote any.
    figure_words: dict[str, dict[str, Located]] = field(default_factory=dict)
    narrative: dict[str, list[Located]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    figures_refused: bool = False  # the figures as a whole are already refused (said once): none is checked


def is_blank(value: Any) -> bool:
    """An empty cell: nothing, or only spaces."""
    return value is None or (isinstance(value, str) and not value.strip())
