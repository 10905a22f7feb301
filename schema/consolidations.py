"""Consolidations the coordinator asks for: the request (audited), how far its flow run got, the draft it wrote.

A row goes `scheduled` → `running` → `completed` (with the draft's path) or `failed` (with a
Vietnamese message saying why). A final state is never left: whichever of the flow and the
portal records an ending first wins, so a late report cannot overwrite it.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from pydantic import BaseModel
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from agencies.errors import UserError
from agencies.period_returns import NothingToConsolidate
from agencies.states import AgencyStanding, ConsolidationState
from schema.completeness import AgencyState, period_completeness
from schema.faults import fault_of, os_reason
from schema.models import AuditEntry, Consolidation, Period, utc_now
from schema.periods import get_period
from schema.roster_store import roster_of_period

UNFINISHED = (ConsolidationState.SCHEDULED, ConsolidationState.RUNNING)

STOPPED = (
    "Lượt tổng hợp bị dừng giữa chừng (tiến trình chạy luồng bị tắt, hoặc lượt chạy bị hủy trên Prefect) "
    "nên chưa có dự thảo. Hãy tổng hợp lại."
)
NOT_NOTED = (
    "Luồng tổng hợp đã chạy xong nhưng không ghi kết quả vào cơ sở dữ liệu này: phần chạy luồng có thể đang dùng "
    "một cơ sở dữ liệu khác (PHOIHOP_DATABASE_URL). Hãy báo quản trị viên."
)
FLOW_FAILED = (
    "Luồng tổng hợp gặp lỗi trước khi ghi được kết quả; chi tiết ghi trong nhật ký của lượt chạy trên Prefect. "
    "Hãy tổng hợp lại; nếu vẫn lỗi, hãy báo quản trị viên."
)


class ConsolidationView(BaseModel):
    """One consolidation as the API and the pages show it."""

    id: int
    period: str
    state: ConsolidationState
    state_label: str  # in Vietnamese: `Đang tổng hợp`
    requested_at: datetime
    requested_by: str
    finished_at: datetime | None
    draft_available: bool  # the draft is written and can be downloaded
    message: str | None  # why it failed, in Vietnamese
    flow_run_id: str | None  # the Prefect flow run doing it (find it in Prefect's UI)

    @classmethod
    def of(cls, row: Consolidation) -> ConsolidationView:
        state = ConsolidationState(row.state)
        return cls(
            id=row.id,
            period=row.period_id,
            state=state,
            state_label=state.label,
            requested_at=row.requested_at,
            requested_by=row.requested_by,
            finished_at=row.finished_at,
            draft_available=_draft_of(row) is not None,
            message=row.message,
            flow_run_id=row.flow_run_id,
        )


def _draft_of(row: Consolidation) -> Path | None:
    if row.state != ConsolidationState.COMPLETED or not row.draft_path:
        return None
    path = Path(row.draft_path)
    return path if path.is_file() else None


def consolidation_states(session: Session, period: Period) -> list[AgencyState]:
    """Where every agency of the period stands, when at least one has a valid return to draft from.

    None has: `nothing_to_consolidate` (409), before anything is kept or started.
    """
    states = period_completeness(session, roster_of_period(session, period), period)
    if not any(s.state == AgencyStanding.ACCEPTED for s in states):
        raise NothingToConsolidate(period.id, len(states))
    return states


def request_consolidation(session: Session, period_id: str, actor: str, ip: str | None = None) -> Consolidation:
    """A new consolidation of an open or closed period, `scheduled`; who asked and from where go to the audit log.

    A period with no valid return is refused (`nothing_to_consolidate`, 409) before anything is kept or started.
    """
    period = get_period(session, period_id)
    consolidation_states(session, period)
    row = Consolidation(period_id=period.id, requested_by=actor, state=ConsolidationState.SCHEDULED)
    session.add(row)
    session.flush()
    session.add(
        AuditEntry(
            actor=actor, action="consolidation_requested", period_id=period.id, detail={"consolidation": row.id}, ip=ip
        )
    )
    session.commit()
    return row


def get_consolidation(session: Session, consolidation_id: int) -> Consolidation:
    row = session.get(Consolidation, consolidation_id)
    if row is None:
        raise UserError(
            "consolidation_not_found", f"Không có lượt tổng hợp số {consolidation_id}.", status=404, field="id"
        )
    return row


def consolidation_view(session: Session, consolidation_id: int) -> ConsolidationView:
    return ConsolidationView.of(get_consolidation(session, consolidation_id))


def _advance(session: Session, consolidation_id: int, sources: tuple[str, ...], **values: object) -> Consolidation:
    """Move the row on, in one statement, only from one of `sources`; the row as it stands after."""
    session.execute(
        update(Consolidation)
        .where(Consolidation.id == consolidation_id, Consolidation.state.in_(sources))
        .values(**values)
    )
    session.commit()
    row = get_consolidation(session, consolidation_id)
    session.refresh(row)
    return row


def attach_flow_run(session: Session, consolidation_id: int, flow_run_id: str) -> ConsolidationView:
    """Keep the id of the Prefect flow run started for the consolidation."""
    row = get_consolidation(session, consolidation_id)
    row.flow_run_id = flow_run_id
    session.commit()
    return ConsolidationView.of(row)


def mark_running(session: Session, consolidation_id: int) -> Consolidation:
    return _advance(session, consolidation_id, (ConsolidationState.SCHEDULED,), state=ConsolidationState.RUNNING)


def mark_completed(session: Session, consolidation_id: int, draft_path: str) -> Consolidation:
    return _advance(
        session,
        consolidation_id,
        UNFINISHED,
        state=ConsolidationState.COMPLETED,
        draft_path=draft_path,
        finished_at=utc_now(),
    )


def mark_failed(session: Session, consolidation_id: int, message: str) -> Consolidation:
    return _advance(
        session, consolidation_id, UNFINISHED, state=ConsolidationState.FAILED, message=message, finished_at=utc_now()
    )


def mark_failed_view(session: Session, consolidation_id: int, message: str) -> ConsolidationView:
    return ConsolidationView.of(mark_failed(session, consolidation_id, message))


def latest_draft(session: Session, period_id: str) -> Path:
    """The draft of the period's latest completed consolidation; `draft_not_ready` (404) when there is none."""
    period = get_period(session, period_id)
    rows = session.scalars(
        select(Consolidation)
        .where(Consolidation.period_id == period.id, Consolidation.state == ConsolidationState.COMPLETED)
        .order_by(Consolidation.finished_at.desc(), Consolidation.id.desc())
    )
    for row in rows:
        draft = _draft_of(row)
        if draft is not None:
            return draft
    raise UserError(
        "draft_not_ready",
        f"Chưa có bản dự thảo báo cáo tổng hợp kỳ {period.id}: hãy tổng hợp kỳ này (nút «Tổng hợp» trên bảng "
        "theo dõi kỳ) và chờ tổng hợp xong.",
        status=404,
        field="period",
    )


def failure_message(exc: BaseException) -> str:
    """Why a consolidation failed, in Vietnamese, from what its flow raised."""
    error = fault_of(exc)
    if error is not None:
        return error.message
    if isinstance(exc, OSError):
        where = f" «{exc.filename}»" if exc.filename else ""
        return (
            f"Không ghi được dự thảo vào{where}: {os_reason(exc)}. Hãy báo quản trị viên kiểm tra thư mục dữ liệu "
            "(PHOIHOP_DATA_DIR), rồi tổng hợp lại."
        )
    return (
        f"Tổng hợp không thành công do lỗi nội bộ ({type(exc).__name__}); chi tiết ghi trong nhật ký của lượt chạy "
        "trên Prefect. Hãy báo quản trị viên."
    )
