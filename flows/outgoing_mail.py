"""Composing and sending phoihop's mails, each once: the reminders due today, and the receipts of uploads.

Plain functions (no Prefect here): flows/remind.py and flows/receipt_mail.py wrap them in tasks that
Prefect retries; the CLI and the portal call `deliver_receipts` right after an upload. Every mail is
claimed (schema.mail_log) before it leaves and settled with what the mail system answered, so a retry,
a re-run or a second run at once skips what is sent and takes back only what met a passing fault.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date
from email.message import EmailMessage
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from agencies.calendar import parse_period
from agencies.problems import Problem
from agencies.roster import Roster
from report.mail import Attachment, ReceiptMail, Reminder, receipt_message, reminder_message
from schema.mail_delivery import Delivery, Mailer, Outcome
from schema.mail_log import CLAIMABLE, MailState, claim, settle
from schema.models import Period, ReminderLog, Return
from schema.models import ReceiptMail as ReceiptMailRow
from schema.period_forms import form_for
from schema.periods import get_period
from schema.receipts import receipt_of
from schema.reminders import ReminderDecision, claim_step, reminders_today
from schema.roster_store import current_roster
from schema.settings import Settings

log = logging.getLogger(__name__)

Sessions = Callable[[], AbstractContextManager[Session]]


@dataclass(frozen=True)
class MailResult:
    """What became of one mail this run tried."""

    agency: str
    what: str  # the reminder's step, or `receipt-<return id>`
    kind: str  # agencies.reminders.ReminderKind, or `receipt`
    recipients: list[str]
    state: MailState
    refused: dict[str, str] = field(default_factory=dict)
    detail: str = ""
    saved: Path | None = None  # the .eml file, when no mail server is configured


@dataclass(frozen=True)
class ReminderRun:
    """One period's reminders of the day: every decision (the skipped with their reason) and what was tried."""

    period: str
    today: date
    decisions: list[ReminderDecision]
    results: list[MailResult]

    @property
    def deferred(self) -> list[MailResult]:
        return [r for r in self.results if r.state is MailState.DEFERRED]


def compose_reminder(
    roster: Roster, period: Period, decision: ReminderDecision, today: date, portal_url: str
) -> EmailMessage:
    """The mail for one agency's due step, with its pre-filled form attached."""
    form = form_for(roster, period, decision.agency)
    problems: list[Problem] = list(decision.errors)
    return reminder_message(
        Reminder(
            agency_name=decision.name,
            to=decision.recipients,
            period_id=period.id,
            period_label=parse_period(period.id).label,
            window=(period.window_start, period.window_end),
            deadline=decision.deadline,
            today=today,
            portal_url=portal_url,
            problems=problems,
            form=Attachment(form.filename, form.content),
            kind=decision.kind.value if decision.kind else "reminder",
            days=decision.days_left,
            day_word=decision.counting.label if decision.counting else "ngày",
        )
    )


def _unsendable(error: Exception, recipients: list[str]) -> Delivery:
    """A mail that could not even be written: recorded as refused (shown to the coordinator), never retried."""
    log.exception("mail could not be composed")
    return Delivery(Outcome.REFUSED, "", recipients, detail=f"not composed: {type(error).__name__}: {error}")


async def send_reminders(
    sessions: Sessions, settings: Settings, mailer: Mailer, period_id: str, today: date, token: str
) -> ReminderRun:
    """Send `period_id`'s reminders due on `today` that no run has sent, under the claim `token`."""
    with sessions() as session:
        roster = current_roster(session)
        period = get_period(session, period_id)
        decisions = reminders_today(session, roster, period, today)
    results = []
    for decision in (d for d in decisions if d.due):
        with sessions() as session:
            row_id = claim_step(session, period.id, decision, token)
        if row_id is None:
            continue  # another run has it, or sent it since we looked
        try:
            message = compose_reminder(roster, period, decision, today, settings.public_url)
            delivery = await mailer.send(message)
        except Exception as error:  # a bug in one mail must not leave it claimed, nor stop the others
            delivery = _unsendable(error, decision.recipients)
        with sessions() as session:
            state = settle(session, ReminderLog, row_id, token, delivery)
        results.append(
            MailResult(
                decision.agency,
                decision.step or "",
                decision.kind.value if decision.kind else "",
                decision.recipients,
                state,
                delivery.refused,
                delivery.detail,
                delivery.path,
            )
        )
    return ReminderRun(period.id, today, decisions, results)


def waiting_receipts(session: Session, ids: Iterable[int] | None = None) -> list[int]:
    """Receipt mails not yet sent (pending or deferred), oldest first; only those of `ids` if given."""
    query = select(ReceiptMailRow.id).where(ReceiptMailRow.state.in_(CLAIMABLE)).order_by(ReceiptMailRow.id)
    if ids is not None:
        query = query.where(ReceiptMailRow.id.in_(list(ids)))
    return list(session.scalars(query))


def receipt_mails_of(session: Session, return_ids: Iterable[int]) -> list[int]:
    """The receipt mails queued for these returns (the answers to uploads just made)."""
    query = select(ReceiptMailRow.id).where(ReceiptMailRow.return_id.in_(list(return_ids)))
    return list(session.scalars(query.order_by(ReceiptMailRow.id)))


def compose_receipt(session: Session, roster: Roster, row: ReceiptMailRow, portal_url: str) -> EmailMessage:
    answered = session.get(Return, row.return_id)
    agency = roster.agency(row.agency_id)
    mail = ReceiptMail(
        agency_name=agency.name if agency else row.agency_id,
        to=list(row.recipients),
        receipt=receipt_of(answered, duplicate=row.duplicate),
        portal_url=portal_url,
        file=row.filename,
    )
    return receipt_message(mail)


@dataclass(frozen=True)
class ClaimedMail:
    row_id: int
    agency: str
    recipients: list[str]
    message: EmailMessage | None  # None: it could not be written (already settled as refused)


def claim_receipt(session: Session, row_id: int, token: str, portal_url: str) -> ClaimedMail | None:
    """Claim one receipt mail and write it; None if another sender has it or it is settled."""
    if not claim(session, ReceiptMailRow, row_id, token):
        return None
    row = session.get(ReceiptMailRow, row_id)
    recipients = list(row.recipients)
    try:
        message = compose_receipt(session, current_roster(session), row, portal_url)
    except Exception as error:
        settle(session, ReceiptMailRow, row_id, token, _unsendable(error, recipients))
        message = None
    return ClaimedMail(row_id, row.agency_id, recipients, message)


def settle_receipt(session: Session, row_id: int, token: str, delivery: Delivery) -> MailState:
    return settle(session, ReceiptMailRow, row_id, token, delivery)


async def deliver_receipts(
    sessions: Sessions, settings: Settings, mailer: Mailer, token: str, ids: Iterable[int] | None = None
) -> list[MailResult]:
    """Send the receipt mails waiting (or those of `ids` among them), each once, under the claim `token`."""
    with sessions() as session:
        waiting = waiting_receipts(session, ids)
    results = []
    for row_id in waiting:
        with sessions() as session:
            claimed = claim_receipt(session, row_id, token, settings.public_url)
        if claimed is None or claimed.message is None:
            continue
        delivery = await mailer.send(claimed.message)
        with sessions() as session:
            state = settle_receipt(session, row_id, token, delivery)
        results.append(
            MailResult(
                claimed.agency,
                f"receipt-{row_id}",
                "receipt",
                claimed.recipients,
                state,
                delivery.refused,
                delivery.detail,
                delivery.path,
            )
        )
    return results


class MailDeferred(RuntimeError):
    """Some mails met a passing fault: Prefect retries the task; the claims keep the others from going twice."""

    def __init__(self, results: list[MailResult]) -> None:
        self.results = results
        shown = "; ".join(f"{r.what} to {r.agency}: {r.detail}" for r in results)
        super().__init__(f"{len(results)} mails not sent yet ({shown})")


def reminder_rows(
    session: Session, period_id: str, today: date, token: str
) -> list[tuple[ReminderDecision, ReminderLog | None]]:
    """Each agency's decision as it stands after a run, with the log row if that run (`token`) tried it."""
    roster = current_roster(session)
    period = get_period(session, period_id)
    mine = {
        row.agency_id: row
        for row in session.scalars(
            select(ReminderLog).where(ReminderLog.period_id == period_id, ReminderLog.claim == token)
        )
    }
    return [(d, mine.get(d.agency)) for d in reminders_today(session, roster, period, today)]
