"""Each upload answered by mail right after its page or API answer has gone out (a background task).

The mail is queued with the upload (schema.intake); here it is claimed, sent and settled, each step a short
call through the database gate — the SMTP exchange itself holds no connection. What cannot go now (the
mail server down, the gate busy) stays queued for the receipt-mail flow, never lost and never sent twice.
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

GATE_WAIT = 60  # seconds a background mail waits for the database: no user is waiting on it


async def send_receipt_mails(gate: DatabaseGate, mailer: Mailer, settings: Settings, return_id: int) -> None:
    token = f"portal-{uuid.uuid4()}"
    try:
        for row_id in await gate.run(receipt_mails_of, [return_id], wait=GATE_WAIT):
            claimed = await gate.run(claim_receipt, row_id, token, settings.public_url, wait=GATE_WAIT)
            if claimed is None or claimed.message is None:
                continue
            delivery = await mailer.send(claimed.message)
            await gate.run(settle_receipt, row_id, token, delivery, wait=GATE_WAIT)
    except Exception as exc:  # the mail stays queued (or, claimed, shown as unsure): the upload itself is done
        fault = fault_of(exc)
        if fault is None:
            log.exception("receipt mail of return %s not sent now", return_id)
        else:  # the database or the disk: said in one line, like every fault the portal meets
            log.warning("receipt mail of return %s not sent now (%s): %s", return_id, fault.code, exc)


@dataclass(frozen=True)
class MailAnswer:
    background: BackgroundTasks
    gate: DatabaseGate
    mailer: Mailer
    settings: Settings

    def __call__(self, return_id: int) -> None:
        """Send the receipt mail of `return_id` once the response has gone out."""
        self.background.add_task(send_receipt_mails, self.gate, self.mailer, self.settings, return_id)


def get_mail_answer(request: Request, background: BackgroundTasks) -> MailAnswer:
    state = request.app.state
    return MailAnswer(background, state.gate, state.mailer, state.settings)


AnswerByMail = Annotated[MailAnswer, Depends(get_mail_answer)]
