"""Each upload answered by mail right after its page or API answer has gone out (a background task).

The mail is queued with the upload (schema.intake); here it is written, claimed, sent and settled. Its
bookkeeping runs on a database connection of its own, one call at a time, never through the API's gate:
on the last day before a deadline the mails wait their turn behind each other, not in front of the next
upload. The SMTP exchange itself holds no connection. What cannot go now (the mail server or the database
down) stays queued for the receipt-mail flow — never lost, never sent twice.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass
from typing import Annotated

from fastapi import BackgroundTasks, Depends, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from flows.receipt_sending import claim_receipt, receipt_mails_of, settle_receipt
from portal.gate import DatabaseGate
from schema.faults import fault_of
from schema.mail_delivery import Mailer
from schema.settings import Settings

log = logging.getLogger(__name__)

MAIL_GATE_WAIT = 600  # seconds a mail waits its turn at its gate: no user waits on it; past that it waits for the flow
QUIET_WAIT = 30.0  # seconds a mail waits for the requests in flight to be answered before it is written and sent


class MailDesk:
    """The mails' own database gate (one connection, one call at a time) and their sender, for the app's life."""

    def __init__(self, gate: DatabaseGate, settings: Settings) -> None:
        self.gate = gate
        self.settings = settings
        self.mailer = Mailer(settings)  # one per process: its send-rate limit holds across requests
        self.in_flight = 0  # requests of this process not yet answered (InFlight)
        self.turn = asyncio.Lock()

    async def quiet(self) -> None:
        """Wait until this process has answered every request in flight (or QUIET_WAIT has passed): on the last day
        before a deadline a burst of uploads is answered first, its receipts right after, not in between."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + QUIET_WAIT
        while self.in_flight and loop.time() < deadline:
            await asyncio.sleep(0.05)

    def close(self) -> None:
        if self.gate.engine is not None:
            self.gate.engine.dispose()

    async def send_receipt_mails(self, return_id: int) -> None:
        token = f"portal-{uuid.uuid4()}"
        try:
            async with self.turn:  # one upload's mails at a time, each after the requests then in flight
                await self.quiet()
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


class InFlight:
    """Counts the requests the process is answering, each until the last byte of its response has gone (its
    background work — a receipt mail — runs after that, and does not count)."""

    def __init__(self, app: ASGIApp, desk: MailDesk) -> None:
        self.app = app
        self.desk = desk

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        self.desk.in_flight += 1
        answered = False

        def done() -> None:
            nonlocal answered
            if not answered:
                answered = True
                self.desk.in_flight -= 1

        async def counted(message: Message) -> None:
            await send(message)
            if message["type"] == "http.response.body" and not message.get("more_body", False):
                done()

        try:
            await self.app(scope, receive, counted)
        finally:
            done()
