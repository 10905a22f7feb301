"""When an agency is reminded: the roster's reminder plan, working days, and the step due on a day.

A plan's steps sit relative to an agency's deadline: a notice when the cycle opens, a few
reminders before it (T-7, T-3, T-1 by default), one on the day, then one every N days
while overdue, and an escalation to the agency head and the coordinator once M days late.
Days are counted in working days or calendar days, as the plan says per kind of step.
Working days skip weekends and Vietnamese public holidays (the `holidays` library: Tết,
Hùng Kings, 30/4, 1/5, 2/9 and the substitute days it knows), plus the compensatory days
off the roster lists per year; the Saturdays the government makes working days count.

Pure domain: no database, no clock — `today` is always given.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import cached_property

import holidays
from pydantic import BaseModel, ConfigDict, Field, PositiveInt, model_validator


class Counting(StrEnum):
    WORKING = "working"  # ngày làm việc
    CALENDAR = "calendar"  # ngày lịch

    @property
    def label(self) -> str:
        return "ngày làm việc" if self is Counting.WORKING else "ngày"


class ReminderKind(StrEnum):
    """What a mail says: the words differ, the recipients may too."""

    OPENED = "opened"  # the cycle is open: what to send, by when
    REMINDER = "reminder"  # not sent yet
    HAS_ERRORS = "has_errors"  # the latest upload was refused: its errors listed
    ESCALATION = "escalation"  # overdue for long: the agency head and the coordinator too

    @property
    def label(self) -> str:
        return KIND_LABELS[self]


KIND_LABELS = {
    ReminderKind.OPENED: "thông báo mở kỳ",
    ReminderKind.REMINDER: "nhắc gửi báo cáo",
    ReminderKind.HAS_ERRORS: "báo cáo có lỗi",
    ReminderKind.ESCALATION: "báo cáo lãnh đạo do quá hạn",
}


class ReminderPlan(BaseModel):
    """The roster's `reminders:` key; every field has a default, so a roster may leave it out."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    opened_notice: bool = Field(True, description="a notice to every agency when a cycle opens")
    before: list[PositiveInt] = Field([7, 3, 1], description="days before the deadline")
    before_counting: Counting = Counting.WORKING
    on_deadline: bool = Field(True, description="a reminder on the deadline day itself")
    overdue_every: PositiveInt | None = Field(3, description="once late, a reminder every N days; null: none")
    overdue_counting: Counting = Counting.WORKING
    escalate_after: PositiveInt | None = Field(5, description="days late before escalating; null: never")
    escalation_counting: Counting = Counting.WORKING
    send_on_days_off: bool = Field(False, description="send on weekends, holidays and days off too")
    days_off: dict[int, list[date]] = Field(default_factory=dict, description="compensatory days off, per year")
    working_days: dict[int, list[date]] = Field(default_factory=dict, description="weekend days worked, per year")

    @model_validator(mode="after")
    def _years_match(self) -> ReminderPlan:
        for key, table in (("days_off", self.days_off), ("working_days", self.working_days)):
            for year, days in table.items():
                wrong = [d for d in days if d.year != year]
                if wrong:
                    raise ValueError(f"{key}: ngày {wrong[0]:%d/%m/%Y} không thuộc năm {year}")
        return self

    @cached_property
    def calendar(self) -> WorkCalendar:
        return WorkCalendar(
            days_off=frozenset(d for days in self.days_off.values() for d in days),
            working_days=frozenset(d for days in self.working_days.values() for d in days),
        )


@dataclass(frozen=True)
class WorkCalendar:
    """Vietnam's working days: Monday to Friday, less public holidays and the listed days off."""

    days_off: frozenset[date] = frozenset()
    working_days: frozenset[date] = frozenset()

    @cached_property
    def _holidays(self) -> holidays.HolidayBase:
        return holidays.country_holidays("VN")  # expands to each year asked about

    def is_working(self, day: date) -> bool:
        if day in self.working_days:
            return True
        if day in self.days_off or day.weekday() >= 5:
            return False
        return day not in self._holidays

    def shift(self, day: date, count: int, counting: Counting) -> date:
        """`count` days after `day` (before it if negative), counted as `counting` says."""
        if counting is Counting.CALENDAR:
            return day + timedelta(days=count)
        step = timedelta(days=1 if count >= 0 else -1)
        for _ in range(abs(count)):
            day += step
            while not self.is_working(day):
                day += step
        return day

    def days_left(self, today: date, deadline: date, counting: Counting) -> int:
        """Days left before `deadline` (> 0), or days late (< 0), counted so that the step `shift`
        puts n days before (after) the deadline is n days left (late): working days in
        [today, deadline) before it, in (deadline, today] after it."""
        if counting is Counting.CALENDAR:
            return (deadline - today).days
        if today <= deadline:
            days = (today + timedelta(days=i) for i in range((deadline - today).days))
            return sum(self.is_working(d) for d in days)
        days = (deadline + timedelta(days=i) for i in range(1, (today - deadline).days + 1))
        return -sum(self.is_working(d) for d in days)


@dataclass(frozen=True)
class Step:
    """One step of a plan for one deadline: its stable id (the log's key), its day, its kind."""

    id: str  # opened, before-7, deadline, overdue-1, overdue-2, escalation
    day: date
    kind: ReminderKind
    order: int  # ties on one day: the later step in the plan wins


@dataclass(frozen=True)
class DueStep:
    step: Step
    days_left: int  # > 0 before the deadline, 0 on it, < 0 late (days late = -days_left)
    counting: Counting


def plan_steps(plan: ReminderPlan, deadline: date, opened_on: date, until: date) -> list[Step]:
    """Every step of `plan` for `deadline` dated on or before `until`, in order of day."""
    cal = plan.calendar
    steps: list[Step] = []
    if plan.opened_notice:
        steps.append(Step("opened", opened_on, ReminderKind.OPENED, 0))
    for n in sorted(set(plan.before), reverse=True):
        steps.append(Step(f"before-{n}", cal.shift(deadline, -n, plan.before_counting), ReminderKind.REMINDER, 1))
    if plan.on_deadline and (plan.before_counting is Counting.CALENDAR or cal.is_working(deadline)):
        # a deadline on a day off has its last reminder on the working day before (T-1)
        steps.append(Step("deadline", deadline, ReminderKind.REMINDER, 2))
    if plan.overdue_every is not None:
        k = 1
        while (day := cal.shift(deadline, k * plan.overdue_every, plan.overdue_counting)) <= until:
            steps.append(Step(f"overdue-{k}", day, ReminderKind.REMINDER, 3))
            k += 1
    if plan.escalate_after is not None:
        steps.append(
            Step(
                "escalation",
                cal.shift(deadline, plan.escalate_after, plan.escalation_counting),
                ReminderKind.ESCALATION,
                4,
            )
        )
    # a step dated before the cycle opened never goes out: the opening notice covers it
    return sorted((s for s in steps if opened_on <= s.day <= until), key=lambda s: (s.day, s.order))


def due_step(plan: ReminderPlan, deadline: date, opened_on: date, today: date) -> DueStep | None:
    """The step due for an agency with `deadline` on `today`: the latest one dated today or earlier.

    A step the scheduler missed (a day the server was down) is caught up the next run, unless a
    later one has come due meanwhile; whether it was already sent is the log's business, not this.
    Once the deadline has passed, a missed notice or "before" reminder is not caught up. Unless the plan says otherwise, nothing is due on a day off: a step falling on one goes out
    the next working day.
    """
    if not (plan.send_on_days_off or plan.calendar.is_working(today)):
        return None
    steps = plan_steps(plan, deadline, opened_on, today)
    if not steps:
        return None
    step = steps[-1]
    if today > deadline and step.order <= 2:
        return None  # once late, only the overdue reminders and the escalation: no stale "before" mail
    counting = plan.before_counting if today <= deadline else plan.overdue_counting
    return DueStep(step, plan.calendar.days_left(today, deadline, counting), counting)
