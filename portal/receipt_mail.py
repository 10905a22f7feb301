"""Each upload answered by mail right after its page or API answer has gone out (a background task).

The mail is queued with the upload (schema.intake); here it is written, claimed, sent and settled. Its
bookkeeping runs on a database connection of its own, one call at a time, never through the API's gate:
on the last day before a deadline the mails wait their turn behind each other, not in front of the next
upload. The SMTP exchange itself holds no connection. What cannot go now (the mail server or the database
down) stays queued for the receipt-mail flow — never lost, never sent twice.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from typing import Annotated

from fastapi import BackgroundTasks, Depends, Request

from flows.receipt_sending import claim_receipt, receipt_mails_of, settle_receipt
from portal.gate import DatabaseGate
from schema.faults import fault_of
from schema.mail_delivery import Mailer
from schema.settings import Settings

log = logging.getLogger(__name__)

MAIL_GATE_WAIT = 600  # seconds a mail waits its turn at its gate: no user waits on it; past that it waits for the flow


class MailDesk:
    """The mails' own database gate (one connection, one call at a time) and their sender, for the app's life."""

    def __init__(self, gate: DatabaseGate, settings: Settings) -> None:
        self.gate = gate
        self.settings = settings
        self.mailer = Mailer(settings)  # one per process: its send-rate limit holds across requests

    def close(self) -> None:
        if self.gate.engine is not None:
            self.gate.engine.dispose()

    async def send_receipt_mails(self, return_id: int) -> None:
        token = f"portal-{uuid.uuid4()}"
        try:
            for row_id in await self.gate.run(receipt_mails_of, [return_id]):
                claimed = await self.gate.run(claim_receipt, row_id, token, self.settings.public_url)
                if claimed is None:
                    continue
                delivery = await self.mailer.send(claimed.message)
                await self.gate.run(settle_receipt, row_id, token, delivery)
        except Exception as exc:  # the mail stays queued (or, claimed, shown as unsure): the upload itself is done
            fault = fault_of(exc)
            if fault is None:
                log.exception("receipt mail of return %s not sent now", return_id)
            else:  # the database or the disk: said in one line, like every fault the portal meets
                log.warning("receipt mail of return %s not sent now (%s): %s", return_id, fault.code, exc)


@dataclass(frozen=True)
class MailAnswer:
    background: BackgroundTasks
    desk: MailDesk

    def __call__(self, return_id: int) -> None:
        """Send the receipt mail of `return_id` once the response has gone out."""
        self.background.add_task(self.desk.send_receipt_mails, return_id)


def get_mail_answer(request: Request, background: BackgroundTasks) -> MailAnswer:
    return MailAnswer(background, request.app.state.mail_desk)


AnswerByMail = Annotated[MailAnswer, Depends(get_mail_answer)]
