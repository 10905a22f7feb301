"""Opening and finding reporting cycles."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from agencies.bounds import PERIOD_TITLE_MAX, invisible
from agencies.calendar import Period as PeriodId
from agencies.calendar import parse_period
from agencies.errors import UserError
from schema.models import AuditEntry, Period
from schema.roster_store import current_roster, roster_of_version, roster_version_on


class PeriodError(UserError):
    """A cycle that cannot be opened, found or changed; the message is for the user."""

    def __init__(self, code: str, message: str, status: int = 409, field: str | None = None) -> None:
        super().__init__(code, message, status=status, field=field)


def period_of(row: Period) -> PeriodId:
    """The calendar period of a stored cycle, a custom one with the dates and title it was opened with."""
    return parse_period(row.id).with_dates(row.window_start, row.window_end, row.title)


def _custom_dates(
    period: PeriodId, start: date | None, end: date | None, deadline: date | None, title: str | None
) -> tuple[date, date, date, str | None]:
    """A custom period's first and last day, deadline and title, as the coordinator gave them."""
    if start is None or end is None or deadline is None:
        raise PeriodError(
            "custom_period_dates_missing",
            f"Kỳ chuyên đề {period.id} cần đủ ngày bắt đầu, ngày kết thúc lấy số liệu và hạn gửi: "
            "kỳ chuyên đề không theo lịch của danh sách đơn vị.",
            status=422,
            field="start" if start is None else "end" if end is None else "deadline",
        )
    if end <= start:
        raise PeriodError(
            "custom_period_end_before_start",
            f"Ngày kết thúc {end:%d/%m/%Y} phải sau ngày bắt đầu {start:%d/%m/%Y} của kỳ {period.id}.",
            status=422,
            field="end",
        )
    if not start.year <= period.year <= end.year:
        raise PeriodError(
            "custom_period_year_outside",
            f"Năm {period.year} trong mã kỳ {period.id} phải nằm trong khoảng {start:%d/%m/%Y} – {end:%d/%m/%Y}: "
            f"hãy dùng mã {start.year}-CD{period.number}.",
            status=422,
            field="period",
        )
    name = " ".join((title or "").split())
    if len(name) > PERIOD_TITLE_MAX:
        raise PeriodError(
            "period_title_too_long",
            f"Tên kỳ chuyên đề dài {len(name)} ký tự, quá {PERIOD_TITLE_MAX} ký tự cho phép.",
            status=422,
            field="title",
        )
    hidden = next((c for c in name if invisible(c)), None)
    if hidden is not None:
        raise PeriodError(
            "period_title_characters",
            f"Tên kỳ chuyên đề có ký tự không in được (U+{ord(hidden):04X}): hãy gõ lại tên.",
            status=422,
            field="title",
        )
    return start, end, deadline, name or None


def open_period(
    session: Session,
    period_id: str,
    actor: str,
    deadline: date | None = None,
    ip: str | None = None,
    *,
    start: date | None = None,
    end: date | None = None,
    title: str | None = None,
) -> Period:
    """Open a cycle with the roster's window and deadlines; `deadline` overrides the main one.

    A custom period (`2023-CD1`) takes its window, deadline and optional title as given instead:
    they are required for it and refused for the others.
    """
    period = parse_period(period_id)
    if session.get(Period, period.id) is not None:
        raise PeriodError("period_already_open", f"Kỳ báo cáo {period.id} đã được mở từ trước.")
    group_deadlines: dict[str, str] = {}
    if period.custom:
        start, end, main_deadline, title = _custom_dates(period, start, end, deadline, title)
        version = roster_version_on(session, end)
    elif start is not None or end is not None or title:
        raise PeriodError(
            "period_dates_from_roster",
            f"Kỳ {period.id} lấy số liệu và hạn gửi theo danh sách đơn vị: chỉ kỳ chuyên đề (mã dạng 2023-CD1) "
            "mới ghi ngày bắt đầu, ngày kết thúc và tên kỳ.",
            status=422,
            field="start" if start is not None else "end" if end is not None else "title",
        )
    else:
        # The roster whose validity covers the data window's end; the window itself is that roster's.
        version = roster_version_on(session, period.window(current_roster(session).rule_for(period.kind))[1])
        roster = roster_of_version(session, version)
        rule = roster.rule_for(period.kind)
        start, end = period.window(rule)
        main_deadline = deadline or period.deadline(rule)
        group_deadlines = {
            group.id: period.deadline(roster.rule_for(period.kind, group.id)).isoformat()
            for group in roster.groups
            if group.calendar.get(period.kind) is not None
        }
    if main_deadline <= end:
        raise PeriodError(
            "deadline_before_window_end",
            f"Hạn gửi {main_deadline:%d/%m/%Y} phải sau ngày chốt số liệu {end:%d/%m/%Y} của kỳ {period.id}.",
            status=422,
            field="deadline",
        )
    row = Period(
        id=period.id,
        kind=period.kind.value,
        year=period.year,
        number=period.number,
        window_start=start,
        window_end=end,
        deadline=main_deadline,
        group_deadlines=group_deadlines,
        title=title,
        state="open",
        roster_version_id=version.id,
    )
    session.add(row)
    detail = {"deadline": main_deadline.isoformat(), "window": [start.isoformat(), end.isoformat()]}
    session.add(
        AuditEntry(
            actor=actor,
            action="period_opened",
            period_id=period.id,
            detail=detail | ({"title": title} if title else {}),
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
            f"Kỳ báo cáo {period.id} chưa được mở: hãy chạy «phoihop period open {period.id}"
            f"{' --start … --end … --deadline …' if period.custom else ''}».",
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
