"""Back-filling: a return the department received outside the system (on paper, by e-mail), entered by the coordinator
with its real time of receipt, so that a cycle begun before the system was used is not all late.

Such a return goes through the one intake (`schema.intake.submit_return`, with `received_via`): its version follows
its real receipt time, it is marked with how it came and when it was entered, and no receipt mail is queued for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from agencies.calendar import REPORTING_TZ
from agencies.errors import UserError
from agencies.states import ReceivedVia
from schema.models import Period, utc_now
from schema.unseen import period_start


@dataclass(frozen=True)
class Backfill:
    """A return received outside the system: how, and when the department really received it (aware)."""

    via: ReceivedVia
    received_at: datetime
    field: str = "Thời điểm nhận"  # how the caller names the receipt time to the user (an option, a form field)


def _shown(moment: datetime) -> str:
    return f"{moment.astimezone(REPORTING_TZ):%d/%m/%Y %H:%M}"


def check_received_at(session: Session, backfill: Backfill, period_id: str | None, now: datetime | None = None) -> None:
    """Refuse a receipt time in the future, or before the data window of the period the file names began."""
    now = now or utc_now()
    if backfill.received_at > now:
        raise UserError(
            "received_at_in_future",
            f"{backfill.field} ({_shown(backfill.received_at)}) ở tương lai (bây giờ là {_shown(now)}): "
            "hãy ghi thời điểm Sở thực nhận báo cáo bằng giấy hoặc thư điện tử.",
            status=422,
            field="received_at",
        )
    period = session.get(Period, period_id) if period_id is not None else None
    if period is not None and backfill.received_at < period_start(period):
        raise UserError(
            "received_at_before_window",
            f"{backfill.field} ({_shown(backfill.received_at)}) trước khi thời gian lấy số liệu của kỳ {period.id} "
            f"bắt đầu ({period.window_start:%d/%m/%Y}): hãy kiểm tra lại ngày Sở nhận báo cáo.",
            status=422,
            field="received_at",
        )
