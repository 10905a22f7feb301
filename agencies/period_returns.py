"""The returns of one period as plain data: what the store hands to the report.

schema/ builds these from the database; report/ turns them into wording and documents
without ever querying the database itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from agencies.calendar import Period
from agencies.errors import UserError
from agencies.figure_words import FigureWords
from agencies.roster import Roster
from agencies.states import AgencyStanding


@dataclass(frozen=True)
class FigureRecord:
    """One accepted figure and exactly where it was read."""

    value: float
    sheet: str | None = None
    cell: str | None = None
    field: str | None = None
    words: FigureWords = FigureWords()  # `hơn`, a trend, a status, as the sender wrote them

    @property
    def location(self) -> str:
        return f"{self.sheet}!{self.cell}" if self.sheet and self.cell else self.field or ""


@dataclass(frozen=True)
class ReturnRecord:
    """An agency's latest accepted return for the period."""

    return_id: int
    agency_id: str
    version: int
    received_at: datetime
    form_ref: str
    figures: dict[str, FigureRecord] = field(default_factory=dict)
    narrative: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Absence:
    """An agency without a valid return: `missing` or `invalid` (or `withdrawn`)."""

    agency_id: str
    state: AgencyStanding  # why it is absent: missing, invalid or withdrawn


@dataclass(frozen=True)
class PeriodReturns:
    """Everything a consolidation needs to know about one period, and nothing of the database."""

    roster: Roster
    period: Period
    window: tuple[date, date]
    deadline: date
    returns: list[ReturnRecord]
    absences: list[Absence]
    late: list[str] = field(default_factory=list)  # agency ids that sent after their deadline
    previous: list[ReturnRecord] | None = None  # same period of the previous year, when it was collected
    previous_roster: Roster | None = None  # the roster last year's period was collected with; None: `roster`


class NothingToConsolidate(UserError):
    """A period with no valid return: a draft of it would be all blanks."""

    def __init__(self, period: str, expected: int) -> None:
        super().__init__(
            "nothing_to_consolidate",
            f"Kỳ {period} chưa có báo cáo hợp lệ nào trong {expected} đơn vị phải báo cáo: chưa thể tổng hợp. "
            f"Xem tình hình gửi báo cáo trên bảng theo dõi kỳ (hoặc bằng lệnh «phoihop status {period}»).",
            status=409,
            field="period",
        )
