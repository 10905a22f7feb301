"""Where each mail stands (schema.models.MailDelivery): claimed by one sender, settled once, failures kept.

A sender claims a row before its mail leaves — a conditional update that only one of two runs at once can
make — and settles it with what the mail system answered. A `deferred` row (a passing fault) is claimed again
by the next attempt; a `refused` one (permanent) is shown to the coordinator and never retried; a row left
`sending` by a killed process is not sent again either (the mail may have left): it is shown as unsure.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from schema.mail_delivery import Delivery, Outcome
from schema.models import ReceiptMail, ReminderLog, Return, utc_now

Logged = type[ReminderLog] | type[ReceiptMail]

UNSURE_AFTER = timedelta(minutes=30)  # a claim this old whose run never settled it: the process died mid-send


class MailState(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    DEFERRED = "deferred"
    REFUSED = "refused"


CLAIMABLE = (MailState.PENDING, MailState.DEFERRED)


def claim(session: Session, model: Logged, row_id: int, token: str) -> bool:
    """Take row `row_id` for the sender `token` and commit; False if another has it or it is settled."""
    statement = (
        update(model)
        .where(model.id == row_id, model.state.in_(CLAIMABLE))
        .values(state=MailState.SENDING, claim=token, claimed_at=utc_now(), attempts=model.attempts + 1)
    )
    claimed = session.execute(statement).rowcount == 1
    session.commit()
    return claimed


def state_of(delivery: Delivery) -> MailState:
    if delivery.outcome.delivered:
        return MailState.SENT
    return MailState.REFUSED if delivery.outcome is Outcome.REFUSED else MailState.DEFERRED


def settle(session: Session, model: Logged, row_id: int, token: str, delivery: Delivery) -> MailState:
    """Write what became of the claimed mail and commit."""
    state = state_of(delivery)
    values = {
        "state": state,
        "message_id": delivery.message_id,
        "refused": delivery.refused,
        "detail": delivery.detail or None,
        "sent_at": utc_now() if state is MailState.SENT else None,
    }
    session.execute(update(model).where(model.id == row_id, model.claim == token).values(**values))
    session.commit()
    return state


class MailFailure(BaseModel):
    """A mail the coordinator should know about: refused for good, refused for some addresses, or unsure."""

    model_config = ConfigDict(frozen=True)

    agency: str
    what: str  # `reminder` or `receipt`
    step: str | None  # the reminder's step, or the receipt's return id
    state: MailState
    recipients: list[str]
    refused: dict[str, str]
    detail: str | None
    at: datetime | None


def _failing(row: ReminderLog | ReceiptMail, now: datetime) -> bool:
    if row.state == MailState.SENDING:
        return row.claimed_at is not None and row.claimed_at < now - UNSURE_AFTER
    return row.state == MailState.REFUSED or (row.state == MailState.SENT and bool(row.refused))


def mail_failures(session: Session, period_id: str, agency_id: str | None = None) -> list[MailFailure]:
    """The period's mails refused (wholly or for some addresses) or left unsure, oldest first."""
    now = utc_now()
    period_returns = select(Return.id).where((Return.period_id == period_id) | (Return.claimed_period == period_id))
    reminders = select(ReminderLog).where(ReminderLog.period_id == period_id, ReminderLog.state != MailState.PENDING)
    receipts = select(ReceiptMail).where(ReceiptMail.return_id.in_(period_returns))
    if agency_id is not None:
        reminders = reminders.where(ReminderLog.agency_id == agency_id)
        receipts = receipts.where(ReceiptMail.agency_id == agency_id)
    found = [_failure(row, "reminder", row.step) for row in session.scalars(reminders) if _failing(row, now)]
    found += [_failure(row, "receipt", str(row.return_id)) for row in session.scalars(receipts) if _failing(row, now)]
    return sorted(found, key=lambda f: (f.at is None, f.at or now))


def _failure(row: ReminderLog | ReceiptMail, what: str, step: str) -> MailFailure:
    return MailFailure(
        agency=row.agency_id,
        what=what,
        step=step,
        state=MailState(row.state),
        recipients=list(row.recipients),
        refused=dict(row.refused or {}),
        detail=row.detail,
        at=row.claimed_at,
    )
