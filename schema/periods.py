"""Opening and finding reporting cycles."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from agencies.calendar import Period as PeriodId
from agencies.calendar import parse_period
from agencies.errors import UserError
from schema.models import AuditEntry, Period
from schema.roster_store import current_roster, current_roster_version


class PeriodError(UserError):
    """A cycle that cannot be opened, found or changed; the message is for the user."""

    def __init__(self, code: str, message: str, status: int = 409, field: str | None = None) -> None:
        super().__init__(code, message, status=status, field=field)


def open_period(
    session: Session, period_id: str, actor: str, deadline: date | None = None, ip: str | None = None
) -> Period:
    """Open a cycle with the roster's window and deadlines; `deadline` overrides the main one."""
    period = parse_period(period_id)
    if session.get(Period, period.id) is not None:
        raise PeriodError("period_already_open", f"Kỳ báo cáo {period.id} đã được mở từ trước.")
    roster = current_roster(session)
    rule = roster.rule_for(period.kind)
    start, end = period.window(rule)
    main_deadline = deadline or period.deadline(rule)
    if main_deadline <= end:
        raise PeriodError(
            "deadline_before_window_end",
            f"Hạn gửi {main_deadline:%d/%m/%Y} phải sau ngày chốt số liệu {end:%d/%m/%Y} của kỳ {period.id}.",
            status=422,
            field="deadline",
        )
    group_deadlines = {
        group.id: period.deadline(roster.rule_for(period.kind, group.id)).isoformat()
        for group in roster.groups
        if group.calendar.get(period.kind) is not None
    }
    row = Period(
        id=period.id,
        kind=period.kind.value,
        year=period.year,
        number=period.number,
        window_start=start,
        window_end=end,
        deadline=main_deadline,
        group_deadlines=group_deadlines,
        state="open",
        roster_version_id=current_roster_version(session).id,
    )
    session.add(row)
    session.add(
        AuditEntry(
            actor=actor,
            action="period_opened",
            period_id=period.id,
            detail={"deadline": main_deadline.isoformat(), "window": [start.isoformat(), end.isoformat()]},
            ip=ip,
        )
    )
    session.commit()
    return row


def get_period(session: Session, period_id: str) -> Period:
    period: PeriodId = parse_period(period_id)
    row = session.get(Period, period.id)
    if row is None:
        raise PeriodError(
            "period_not_found",
            f"Kỳ báo cáo {period.id} chưa được mở: hãy chạy «phoihop period open {period.id}».",
            status=404,
            field="period",
        )
    return row


def open_period_ids(session: Session) -> list[str]:
    """The cycles taking returns now, in order."""
    return list(session.scalars(select(Period.id).where(Period.state == "open").order_by(Period.id)))


def set_period_state(
    session: Session, period_id: str, state: str, actor: str, reason: str = "", ip: str | None = None
) -> Period:
    """Close a cycle to new returns, or reopen it for a late one; both are audited."""
    row = get_period(session, period_id)
    if row.state == state:
        raise PeriodError(
            "period_state_unchanged", f"Kỳ báo cáo {row.id} đã ở trạng thái «{'mở' if state == 'open' else 'khóa'}»."
        )
    row.state = state
    session.add(
        AuditEntry(
            actor=actor,
            action="reopened" if state == "open" else "closed",
            period_id=row.id,
            detail={"reason": reason},
            ip=ip,
        )
    )
    session.commit()
    return row
