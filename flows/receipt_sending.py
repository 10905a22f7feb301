"""Each upload's receipt mail (its version, or its errors by cell), composed and sent once: plain functions the
portal, the CLI, the collect flow and the receipt-mail flow call."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from email.message import EmailMessage

from sqlalchemy import select
from sqlalchemy.orm import Session

from agencies.roster import Roster
from flows.outgoing_mail import MailResult, Sessions, unsendable
from report.mail import ReceiptMail, receipt_message
from schema.faults import fault_of
from schema.mail_delivery import Delivery, Mailer
from schema.mail_log import CLAIMABLE, MailState, claim, settle
from schema.models import ReceiptMail as ReceiptMailRow
from schema.models import Return
from schema.receipts import receipt_of
from schema.roster_store import roster_for
from schema.settings import Settings


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
    message: EmailMessage


def claim_receipt(session: Session, row_id: int, token: str, portal_url: str) -> ClaimedMail | None:
    """Write one receipt mail, then claim it; None if another sender has it or it is settled.

    Written first: a fault of the database while reading the return leaves the mail unclaimed, for a later
    sender, instead of claimed and never sent. A bug in the writing is settled as refused (shown, not retried).
    """
    row = session.get(ReceiptMailRow, row_id)
    if row is None or row.state not in CLAIMABLE:
        return None
    recipients = list(row.recipients)
    try:
        answered = session.get(Return, row.return_id)
        roster = roster_for(session, answered.period_id if answered else None)
        message = compose_receipt(session, roster, row, portal_url)
    except Exception as error:
        if fault_of(error) is not None:
            raise
        if claim(session, ReceiptMailRow, row_id, token):
            settle(session, ReceiptMailRow, row_id, token, unsendable(error, recipients))
        return None
    if not claim(session, ReceiptMailRow, row_id, token):
        return None
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
        if claimed is None:
            continue
        delivery = await mailer.send(claimed.message)
        with sessions() as session:
            state = settle_receipt(session, row_id, token, delivery)
        results.append(MailResult.of(claimed.agency, f"receipt-{row_id}", "receipt", state, delivery))
    return results
