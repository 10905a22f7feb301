"""Handing a composed message over: to the SMTP server of the settings, or to the local sink (.eml files).

`Mailer.send` never raises for what the mail system answers: it returns a `Delivery` whose outcome says
whether the message left (`sent`, `saved`), was refused for good (`refused`: a 5xx answer, retrying will not
help) or met a passing fault (`deferred`: connection refused or dropped, timeout, a 4xx answer) that the
caller — a Prefect task with retries — tries again later. Open one `Mailer` per event loop (per task).
"""

from __future__ import annotations

import asyncio
import email.policy
import logging
import ssl
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import getaddresses, make_msgid
from enum import StrEnum
from pathlib import Path

import aiosmtplib

from schema.settings import Settings

log = logging.getLogger(__name__)

# How a message is written out, to the server and to .eml files. Python's header folding (3.11) drops the space
# after an encoded word in about one Vietnamese subject in twelve ("hợp lệ: 1 lỗi" arrives as "lệ:1 lỗi"), so
# headers are not folded: RFC 5322 allows lines of 998 characters.
WIRE = email.policy.SMTP.clone(max_line_length=998)


class Outcome(StrEnum):
    SENT = "sent"  # the server took it (some recipients may still be listed in `refused`)
    SAVED = "saved"  # no SMTP server configured: written as .eml under data_dir/mail/
    REFUSED = "refused"  # permanent: no recipient / the sender / the content refused with 5xx
    DEFERRED = "deferred"  # transient: try again later

    @property
    def delivered(self) -> bool:
        return self in (Outcome.SENT, Outcome.SAVED)


@dataclass(frozen=True)
class Delivery:
    outcome: Outcome
    message_id: str
    recipients: list[str]
    refused: dict[str, str] = field(default_factory=dict)  # address -> the server's answer
    detail: str = ""  # the server's answer or the fault, in English, for the log
    path: Path | None = None  # the .eml file, when saved


def recipients_of(message: EmailMessage) -> list[str]:
    fields = [str(value) for name in ("To", "Cc", "Bcc") for value in message.get_all(name, [])]
    return [address for _, address in getaddresses(fields) if address]


def _permanent(code: int) -> bool:
    return 500 <= code < 600


class Mailer:
    """Sends through SMTP when `smtp_host` is set, else saves to the sink; at most `mail_rate_per_minute`."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._interval = 60 / settings.mail_rate_per_minute
        self._next_slot = 0.0

    async def send(self, message: EmailMessage) -> Delivery:
        """Deliver `message` (given a Message-ID and the settings' sender when it has none)."""
        if message["Message-ID"] is None:
            message["Message-ID"] = make_msgid(domain=_domain_of(self.settings.mail_from))
        if message["From"] is None:
            message["From"] = self.settings.mail_from
        message_id = str(message["Message-ID"])
        recipients = recipients_of(message)
        if not self.settings.smtp_host:
            try:
                path = save_eml(message, self.settings.mail_dir)
            except OSError as exc:  # a full or failing disk: like a server that cannot take it now
                return self._logged(Delivery(Outcome.DEFERRED, message_id, recipients, detail=f"not saved: {exc}"))
            return Delivery(Outcome.SAVED, message_id, recipients, detail=str(path), path=path)
        await self._wait_for_slot()
        return await self._send_smtp(message, message_id, recipients)

    async def _wait_for_slot(self) -> None:
        now = time.monotonic()
        delay = self._next_slot - now
        self._next_slot = max(now, self._next_slot) + self._interval
        if delay > 0:
            await asyncio.sleep(delay)

    def _tls_context(self) -> ssl.SSLContext:
        ca_file = self.settings.smtp_ca_file
        return ssl.create_default_context(cafile=str(ca_file) if ca_file else None)

    async def _send_smtp(self, message: EmailMessage, message_id: str, recipients: list[str]) -> Delivery:
        s = self.settings
        security = s.smtp_security
        try:
            response = await aiosmtplib.send(
                message.as_bytes(policy=WIRE),
                sender=getaddresses([str(message["From"])])[0][1],
                recipients=recipients,
                hostname=s.smtp_host,
                port=s.resolved_smtp_port,
                use_tls=security == "tls",
                start_tls=security == "starttls",
                tls_context=self._tls_context() if security != "none" else None,
                username=s.smtp_user,
                password=s.smtp_password.get_secret_value() if s.smtp_password else None,
                timeout=s.smtp_timeout,
            )
        except aiosmtplib.SMTPRecipientsRefused as exc:  # every recipient refused
            refused = {e.recipient: f"{e.code} {e.message}" for e in exc.recipients}
            permanent = all(_permanent(e.code) for e in exc.recipients)
            outcome = Outcome.REFUSED if permanent else Outcome.DEFERRED
            return self._logged(Delivery(outcome, message_id, recipients, refused, "all recipients refused"))
        except aiosmtplib.SMTPResponseException as exc:  # sender, data or login refused, or a 4xx
            outcome = Outcome.REFUSED if _permanent(exc.code) else Outcome.DEFERRED
            return self._logged(Delivery(outcome, message_id, recipients, detail=f"{exc.code} {exc.message}"))
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:  # cannot connect, dropped, timed out
            detail = f"{type(exc).__name__}: {exc}"
            return self._logged(Delivery(Outcome.DEFERRED, message_id, recipients, detail=detail))
        errors, answer = response
        refused = {address: f"{e.code} {e.message}" for address, e in errors.items()}
        return self._logged(Delivery(Outcome.SENT, message_id, recipients, refused, answer))

    @staticmethod
    def _logged(delivery: Delivery) -> Delivery:
        level = logging.INFO if delivery.outcome is Outcome.SENT and not delivery.refused else logging.WARNING
        log.log(level, "mail %s to %s: %s %s", delivery.message_id, delivery.recipients, delivery.outcome,
                delivery.refused or delivery.detail)  # fmt: skip
        return delivery


def _domain_of(address: str) -> str:
    _, addr = getaddresses([address])[0]
    return addr.rpartition("@")[2] or "localhost"


def save_eml(message: EmailMessage, folder: Path) -> Path:
    """The message as an .eml file the newcomer opens in any mail reader; never overwrites one."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    path = folder / f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
    temporary = path.with_suffix(".part")
    temporary.write_bytes(message.as_bytes(policy=WIRE))
    temporary.replace(path)
    log.info("mail %s saved to %s", message["Message-ID"], path)
    return path
