"""Reporting periods, their data windows and deadlines.

Decree 09/2019/NĐ-CP art. 12 is the default: a period's data run from the 15th of the
month before its first month to the 14th of its last month. A roster may override
the window end and the deadline per period kind (e.g. circular 02/2023/TT-BTTTT).

A custom (thematic) period, `2023-CD1`, has no rule: its first and last day and its
deadline are given when it is opened and kept with it; the id only names it.
"""

from __future__ import annotations

import calendar as _stdlib_calendar
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field

from agencies.bounds import shorten
from agencies.errors import UserError

# Vietnam keeps one time zone; deadlines and receipt days are counted in it.
REPORTING_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


class PeriodKind(StrEnum):
    MONTH = "M"
    QUARTER = "Q"
    FIRST_HALF = "H1"
    SECOND_HALF = "H2"
    YEAR = "Y"
    CUSTOM = "CD"  # a thematic report with explicit dates, e.g. spanning two years


_PERIOD_ID = re.compile(
    r"^(?P<year>[1-9]\d{3})-(?:(?P<half>H[12])|(?P<year_kind>Y)|Q(?P<quarter>[1-4])|M(?P<month>0?[1-9]|1[0-2])|CD(?P<custom>0?[1-9]|[1-9]\d))$"
)
# The same rule without Python's group names, for a JSON Schema (the API's OpenAPI document).
PERIOD_ID_PATTERN = re.sub(r"\?P<\w+>", "", _PERIOD_ID.pattern)


class DayOfMonth(BaseModel):
    """A day counted from the last month of a period: `month_offset` 0 is that month."""

    model_config = ConfigDict(extra="forbid")

    day: int | Literal["last"] = Field(description="day of the month, or 'last'")
    month_offset: int = Field(0, ge=-11, le=2, description="months after the period's last month")

    def resolve(self, year: int, month: int) -> date:
        total = year * 12 + (month - 1) + self.month_offset
        y, m = divmod(total, 12)
        m += 1
        last = _stdlib_calendar.monthrange(y, m)[1]
        day = last if self.day == "last" else min(self.day, last)
        return date(y, m, day)


class PeriodRule(BaseModel):
    """When one kind of period's data end and when its returns are due."""

    model_config = ConfigDict(extra="forbid")

    window_end: DayOfMonth = DayOfMonth(day=14)
    deadline: DayOfMonth = DayOfMonth(day=18)


DECREE_09_RULE = PeriodRule()


@dataclass(frozen=True)
class Period:
    kind: PeriodKind
    year: int
    number: int  # month 1-12, quarter 1-4, half 1-2; 1 for a year; a custom period's own number
    # A custom period's stored first and last day and title (`with_dates`); never part of its identity.
    span: tuple[date, date] | None = field(default=None, compare=False)
    title: str | None = field(default=None, compare=False)

    @property
    def custom(self) -> bool:
        return self.kind is PeriodKind.CUSTOM

    def with_dates(self, start: date, end: date, title: str | None = None) -> Period:
        """This custom period with its dates and title as stored; a regular period is returned as it is."""
        if not self.custom:
            return self
        return Period(self.kind, self.year, self.number, (start, end), title or None)

    @property
    def id(self) -> str:
        match self.kind:
            case PeriodKind.MONTH:
                return f"{self.year}-M{self.number}"
            case PeriodKind.QUARTER:
                return f"{self.year}-Q{self.number}"
            case PeriodKind.YEAR:
                return f"{self.year}-Y"
            case PeriodKind.CUSTOM:
                return f"{self.year}-CD{self.number}"
            case _:
                return f"{self.year}-{self.kind.value}"

    @property
    def months(self) -> tuple[int, int]:
        """First and last calendar month the period covers (a regular period's)."""
        match self.kind:
            case PeriodKind.MONTH:
                return self.number, self.number
            case PeriodKind.QUARTER:
                return 3 * self.number - 2, 3 * self.number
            case PeriodKind.FIRST_HALF:
                return 1, 6
            case PeriodKind.SECOND_HALF:
                return 7, 12
            case _:
                return 1, 12

    def same_period_last_year(self) -> Period | None:
        """None for a custom period: its dates are its own, there is no "cùng kỳ" to compare with."""
        if self.custom:
            return None
        return Period(self.kind, self.year - 1, self.number)

    def previous(self) -> Period | None:
        """The period of the same kind just before this one; None for a custom period."""
        if self.custom:
            return None
        count = {PeriodKind.MONTH: 12, PeriodKind.QUARTER: 4}.get(self.kind)
        if count is None:
            return self.same_period_last_year()
        if self.number == 1:
            return Period(self.kind, self.year - 1, count)
        return Period(self.kind, self.year, self.number - 1)

    def window(self, rule: PeriodRule = DECREE_09_RULE) -> tuple[date, date]:
        """First and last day of the data the period's returns cover (inclusive)."""
        if self.custom:
            return self._span()
        first_month, last_month = self.months
        end = rule.window_end.resolve(self.year, last_month)
        months_covered = last_month - first_month + 1
        start = rule.window_end.model_copy(update={"month_offset": rule.window_end.month_offset - months_covered})
        return start.resolve(self.year, last_month) + timedelta(days=1), end

    def deadline(self, rule: PeriodRule = DECREE_09_RULE) -> date:
        if self.custom:
            raise ValueError(f"{self.id} has no rule-made deadline: it is given when the period is opened")
        return rule.deadline.resolve(self.year, self.months[1])

    def _span(self) -> tuple[date, date]:
        if self.span is None:
            raise ValueError(f"{self.id}'s dates are those it was opened with: use with_dates")
        return self.span

    @property
    def label(self) -> str:
        """How Vietnamese documents name the period: `6 tháng đầu năm 2023`.

        A custom period is named by its dates (and title): `chuyên đề «…» từ ngày 01/01/2023 đến ngày 31/12/2024`.
        """
        match self.kind:
            case PeriodKind.MONTH:
                return f"tháng {self.number} năm {self.year}"
            case PeriodKind.QUARTER:
                return f"quý {['I', 'II', 'III', 'IV'][self.number - 1]} năm {self.year}"
            case PeriodKind.FIRST_HALF:
                return f"6 tháng đầu năm {self.year}"
            case PeriodKind.SECOND_HALF:
                return f"6 tháng cuối năm {self.year}"
            case PeriodKind.CUSTOM:
                return self._custom_label()
            case _:
                return f"năm {self.year}"

    def _custom_label(self) -> str:
        if self.span is None:
            return f"kỳ chuyên đề {self.id}"
        start, end = self.span
        dates = f"từ ngày {start:%d/%m/%Y} đến ngày {end:%d/%m/%Y}"
        return f"chuyên đề «{self.title}» {dates}" if self.title else dates

    def __str__(self) -> str:
        return self.id


class PeriodIdError(UserError, ValueError):
    """Not a period id; a 422 naming the field `period` in the API."""

    def __init__(self, text: str) -> None:
        super().__init__(
            "invalid_period_id",
            f"Mã kỳ báo cáo «{shorten(text)}» không hợp lệ: dùng dạng 2023-H1, 2023-H2, 2023-Y, 2023-Q1, "
            "2023-M10 hoặc 2023-CD1 (kỳ chuyên đề).",
            status=422,
            field="period",
        )


def parse_period(text: str) -> Period:
    """`2023-H1`, `2023-H2`, `2023-Y`, `2023-Q1`, `2023-M10` (or `2023-M01`), `2023-CD1` (custom, 1-99)."""
    match = _PERIOD_ID.match(text.strip().upper())
    if not match:
        raise PeriodIdError(text)
    year = int(match["year"])
    if match["half"]:
        kind = PeriodKind(match["half"])
        return Period(kind, year, 1 if kind is PeriodKind.FIRST_HALF else 2)
    if match["year_kind"]:
        return Period(PeriodKind.YEAR, year, 1)
    if match["custom"]:
        return Period(PeriodKind.CUSTOM, year, int(match["custom"]))
    if match["quarter"]:
        return Period(PeriodKind.QUARTER, year, int(match["quarter"]))
    return Period(PeriodKind.MONTH, year, int(match["month"]))


def working_days_between(start: date, end: date) -> int:
    """Monday-to-Friday days strictly after `start` and strictly before `end`."""
    days = 0
    current = start + timedelta(days=1)
    while current < end:
        if current.weekday() < 5:
            days += 1
        current += timedelta(days=1)
    return days
