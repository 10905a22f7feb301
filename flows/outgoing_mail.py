"""What the mail-sending steps share: the result of one mail, the fault that makes Prefect retry, and the
record of a mail that could not even be written.

The steps themselves are plain functions (no Prefect): flows/reminder_sending.py and flows/receipt_sending.py.
Every mail is claimed (schema.mail_log) before it leaves and settled with what the mail system answered, so a
retry, a re-run or a second run at once skips what is sent and takes back only what met a passing fault.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from schema.mail_delivery import Delivery, Outcome
from schema.mail_log import MailState

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

    @classmethod
    def of(cls, agency: str, what: str, kind: str, state: MailState, delivery: Delivery) -> MailResult:
        """The result of one mail from its settled state and what the mail system answered."""
        return cls(agency, what, kind, delivery.recipients, state, delivery.refused, delivery.detail, delivery.path)


def unsendable(error: Exception, recipients: list[str]) -> Delivery:
    """A mail that could not even be written: recorded as refused (shown to the coordinator), never retried."""
    log.exception("mail could not be composed")
    return Delivery(Outcome.REFUSED, "", recipients, detail=f"not composed: {type(error).__name__}: {error}")


class MailDeferred(RuntimeError):
    """Some mails met a passing fault: Prefect retries the task; the claims keep the others from going twice."""

    def __init__(self, results: list[MailResult]) -> None:
        self.results = results
        shown = "; ".join(f"{r.what} to {r.agency}: {r.detail}" for r in results)
        super().__init__(f"{len(results)} mails not sent yet ({shown})")
