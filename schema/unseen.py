"""Uploads the completeness table cannot place, listed for the coordinator.

- *Unfinished*: bytes kept, no return row yet (`PendingUpload`): in flight, or left by a killed
  run and not (yet) finished by `schema.recovery`.
- *Unassigned*: refused uploads that name no readable period, so that they belong to no
  period's table; listed with every period whose data window had begun when they came.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime, time
from typing import Annotated

from pydantic import PlainSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session

from agencies.calendar import REPORTING_TZ
from agencies.problems import Severity
from schema.models import PendingUpload, Period, Return

# A moment as the documents write it (`status --json`, the API): ISO 8601 with its offset, `+00:00`.
Moment = Annotated[datetime, PlainSerializer(datetime.isoformat, return_type=str, when_used="json")]

INTERNAL_ERROR = "internal_error"
# Why a kept upload could not be finished, one sentence per code (`PendingUpload.last_error` keeps the code):
# what `phoihop status`, the start of every command and the API's completeness tell the coordinator.
UNFINISHED_REASONS = {
    INTERNAL_ERROR: (
        "hệ thống gặp lỗi nội bộ khi xử lý tệp này; chi tiết kỹ thuật đã được ghi vào nhật ký để quản trị viên kiểm tra"
    ),
}
_CODE = re.compile(r"[a-z][a-z0-9_]*")


def unfinished_reason(code: str) -> str:
    """The Vietnamese sentence for why an upload could not be finished."""
    return UNFINISHED_REASONS.get(code, f"hệ thống chưa xử lý được tệp này (mã lỗi {code})")


def _code_of(last_error: str | None) -> str | None:
    """The code kept for the upload; an exception's text kept by an earlier version counts as an internal error."""
    if last_error is None:
        return None
    return last_error if _CODE.fullmatch(last_error) else INTERNAL_ERROR


@dataclass(frozen=True)
class UnfinishedUpload:
    id: int
    sha256: str
    filename: str | None
    channel: str
    actor: str
    agency: str | None  # as the channel knew the sender, before the file was read
    received_at: Moment
    attempts: int
    error_code: str | None  # why the last attempt failed: a stable code…
    error: str | None  # …and its Vietnamese sentence

    @classmethod
    def of(cls, row: PendingUpload) -> UnfinishedUpload:
        upload = cls(
            id=row.id,
            sha256=row.sha256,
            filename=row.filename,
            channel=row.channel,
            actor=row.actor,
            agency=row.agency_hint,
            received_at=row.received_at,
            attempts=row.attempts,
            error_code=None,
            error=None,
        )
        code = _code_of(row.last_error)
        return upload if code is None else upload.failed_with(code)

    def failed_with(self, code: str) -> UnfinishedUpload:
        return replace(self, error_code=code, error=unfinished_reason(code))


@dataclass(frozen=True)
class UnassignedUpload:
    return_id: int
    agency: str | None
    actor: str
    channel: str
    filename: str | None
    received_at: Moment
    code: str | None  # the first error's
    message: str | None


def unfinished_uploads(session: Session) -> list[UnfinishedUpload]:
    """Every upload kept without a return row yet, oldest first."""
    return [UnfinishedUpload.of(row) for row in session.scalars(select(PendingUpload).order_by(PendingUpload.id))]


def unassigned_condition():  # noqa: ANN201 — a SQL condition on `Return`
    """A refused upload in which no period could be read (none given, or not a period id)."""
    return Return.period_id.is_(None) & Return.claimed_period.is_(None)


def period_start(period: Period) -> datetime:
    """The first moment of the period's data window, in the reporting time zone."""
    return datetime.combine(period.window_start, time.min, tzinfo=REPORTING_TZ)


def unassigned_uploads(session: Session, period: Period) -> list[UnassignedUpload]:
    """Refused uploads with no readable period, received since `period`'s data window began."""
    rows = session.scalars(
        select(Return).where(unassigned_condition(), Return.received_at >= period_start(period)).order_by(Return.id)
    )
    listed = []
    for row in rows:
        first = next((p for p in row.problems if p.get("severity") == Severity.ERROR), {})
        listed.append(
            UnassignedUpload(
                return_id=row.id,
                agency=row.agency_id,
                actor=row.actor,
                channel=row.channel,
                filename=row.filename,
                received_at=row.received_at,
                code=first.get("code"),
                message=first.get("message"),
            )
        )
    return listed
