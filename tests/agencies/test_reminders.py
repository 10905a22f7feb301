"""The reminder plan: which step is due on a given day, counted in working days around Tết and weekends."""

from datetime import date
from pathlib import Path

import pytest

from agencies.reminders import Counting, ReminderKind, ReminderPlan, WorkCalendar, due_step, plan_steps
from agencies.roster import RosterError, load_roster, read_yaml, validate_document

DEFAULT = ReminderPlan()

# 2024-M02: deadline Sunday 18/02/2024, the Monday after Tết Giáp Thìn (holidays 08–14/02/2024).
# Working days back from it: 16, 15 | Tết 08–14 | 07, 06, 05, 02, 01 — so T-1 = 16/02, T-3 = 07/02, T-7 = 01/02.
TET_DEADLINE = date(2024, 2, 18)
TET_OPENED = date(2024, 1, 20)  # a Saturday


@pytest.mark.parametrize(
    ("today", "step", "days_left"),
    [
        (date(2024, 1, 19), None, None),  # before the cycle opened
        (date(2024, 1, 20), None, None),  # opened on a Saturday: the notice waits for Monday
        (date(2024, 1, 22), "opened", 15),  # 5 + 5 + 3 working days, Tết aside, then 15 and 16/02
        (date(2024, 1, 31), "opened", 8),  # still the latest step (the log says whether it went out)
        (date(2024, 2, 1), "before-7", 7),
        (date(2024, 2, 2), "before-7", 6),
        (date(2024, 2, 7), "before-3", 3),  # the last working day before Tết
        (date(2024, 2, 8), None, None),  # 29 Tết
        (date(2024, 2, 10), None, None),  # Mùng 1 Tết
        (date(2024, 2, 14), None, None),  # Mùng 5 Tết
        (date(2024, 2, 15), "before-3", 2),  # back at work: a T-3 missed over Tết is still the latest
        (date(2024, 2, 16), "before-1", 1),
        (date(2024, 2, 17), None, None),  # Saturday
        (date(2024, 2, 18), None, None),  # the deadline, a Sunday: no deadline-day mail
        (date(2024, 2, 19), None, None),  # late, but the T-1 is not caught up after the deadline
        (date(2024, 2, 20), None, None),
        (date(2024, 2, 21), "overdue-1", -3),
        (date(2024, 2, 22), "overdue-1", -4),
        (date(2024, 2, 23), "escalation", -5),
        (date(2024, 2, 26), "overdue-2", -6),
        (date(2024, 2, 29), "overdue-3", -9),
    ],
)
def test_deadline_on_a_sunday_after_tet(today: date, step: str | None, days_left: int | None) -> None:
    due = due_step(DEFAULT, TET_DEADLINE, TET_OPENED, today)
    if step is None:
        assert due is None
        return
    assert due is not None
    assert (due.step.id, due.days_left, due.counting) == (step, days_left, Counting.WORKING)
    assert isinstance(due.days_left, int)


def test_escalation_and_overdue_kinds() -> None:
    steps = {s.id: s for s in plan_steps(DEFAULT, TET_DEADLINE, TET_OPENED, date(2024, 3, 1))}
    assert steps["escalation"].kind is ReminderKind.ESCALATION and steps["escalation"].day == date(2024, 2, 23)
    assert steps["opened"].kind is ReminderKind.OPENED and steps["opened"].day == TET_OPENED
    assert {steps[k].kind for k in ("before-7", "before-3", "before-1", "overdue-1")} == {ReminderKind.REMINDER}
    assert "deadline" not in steps, "a deadline on a day off has no deadline-day step"


# 2023-H1: deadline Sunday 18/06/2023, no holiday near it.
@pytest.mark.parametrize(
    ("today", "step"),
    [
        (date(2023, 6, 7), "opened"),
        (date(2023, 6, 8), "before-7"),
        (date(2023, 6, 14), "before-3"),
        (date(2023, 6, 16), "before-1"),
        (date(2023, 6, 17), None),
        (date(2023, 6, 21), "overdue-1"),
        (date(2023, 6, 23), "escalation"),
    ],
)
def test_weekend_deadline_in_working_days(today: date, step: str | None) -> None:
    due = due_step(DEFAULT, date(2023, 6, 18), date(2023, 6, 1), today)
    assert (due.step.id if due else None) == step


def test_calendar_days_and_sending_on_days_off() -> None:
    plan = ReminderPlan(
        before=[3],
        before_counting=Counting.CALENDAR,
        overdue_every=2,
        overdue_counting=Counting.CALENDAR,
        escalate_after=None,
        send_on_days_off=True,
    )
    deadline = date(2023, 6, 18)  # a Sunday
    assert [(s.id, s.day) for s in plan_steps(plan, deadline, date(2023, 6, 1), date(2023, 6, 22))] == [
        ("opened", date(2023, 6, 1)),
        ("before-3", date(2023, 6, 15)),
        ("deadline", date(2023, 6, 18)),  # a Sunday, yet the plan sends on days off
        ("overdue-1", date(2023, 6, 20)),
        ("overdue-2", date(2023, 6, 22)),
    ]
    due = due_step(plan, deadline, date(2023, 6, 1), date(2023, 6, 18))
    assert due is not None and (due.step.id, due.days_left) == ("deadline", 0)
    late = due_step(plan, deadline, date(2023, 6, 1), date(2023, 6, 21))
    assert late is not None and (late.step.id, late.days_left, late.counting) == ("overdue-1", -3, Counting.CALENDAR)


def test_a_plan_without_overdue_or_escalation() -> None:
    plan = ReminderPlan(overdue_every=None, escalate_after=None)
    assert due_step(plan, date(2023, 6, 18), date(2023, 6, 1), date(2023, 7, 3)) is None


def test_holidays_and_the_rosters_days_off_and_working_saturdays() -> None:
    plain = WorkCalendar()
    assert not plain.is_working(date(2024, 2, 12)), "Mùng 3 Tết"
    assert not plain.is_working(date(2024, 9, 2)) and not plain.is_working(date(2024, 4, 30))
    assert plain.is_working(date(2024, 2, 15)) and not plain.is_working(date(2024, 5, 4))
    # Deadline Monday 06/05/2024, after 27/4 – 01/5/2024 (29/4 a day off, Saturday 04/5 worked for it).
    assert plain.shift(date(2024, 5, 6), -1, Counting.WORKING) == date(2024, 5, 3)
    assert plain.shift(date(2024, 5, 6), -3, Counting.WORKING) == date(2024, 4, 26)
    roster_plan = ReminderPlan(working_days={2024: [date(2024, 5, 4)]}, days_off={2024: [date(2024, 5, 3)]})
    assert roster_plan.calendar.shift(date(2024, 5, 6), -1, Counting.WORKING) == date(2024, 5, 4)
    assert roster_plan.calendar.shift(date(2024, 5, 6), -2, Counting.WORKING) == date(2024, 5, 2)
    due = due_step(roster_plan, date(2024, 5, 6), date(2024, 4, 1), date(2024, 5, 4))
    assert due is not None and due.step.id == "before-1", "a working Saturday sends"
    assert due_step(roster_plan, date(2024, 5, 6), date(2024, 4, 1), date(2024, 5, 3)) is None, "a day off waits"


def test_the_plan_is_roster_data(tmp_path: Path) -> None:
    source = Path(load_roster.__defaults__[0])
    data = read_yaml(source)
    assert "reminders" not in data and load_roster().reminders == ReminderPlan(), "defaults when left out"
    plan = {"before": [5, 2], "escalate_after": 10, "days_off": {2025: ["2025-01-27"]}}
    loaded = validate_document(ReminderPlan, plan, source)
    assert loaded.before == [5, 2] and loaded.escalate_after == 10
    assert not loaded.calendar.is_working(date(2025, 1, 27))


@pytest.mark.parametrize(
    ("plan", "message"),
    [
        ({"days_off": {2025: ["2024-12-30"]}}, "days_off: ngày 30/12/2024 không thuộc năm 2025"),
        ({"before": [0]}, "khóa before.0"),
        ({"overdue_evry": 3}, "khóa overdue_evry: khóa không được phép"),
    ],
)
def test_a_wrong_plan_is_refused_in_vietnamese(plan: dict, message: str) -> None:
    with pytest.raises(RosterError) as caught:
        validate_document(ReminderPlan, plan, Path("roster.yaml"))
    assert message in caught.value.message
