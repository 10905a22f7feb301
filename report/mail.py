"""The mails phoihop writes, composed from plain data: a reminder (or "your return has errors") and a receipt.

Each is an `email.message.EmailMessage`: plain text and HTML as multipart/alternative, both from templates/email/,
a Vietnamese subject, and for a reminder the agency's pre-filled form attached. Sending is schema.mail_delivery's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from email.message import EmailMessage
from typing import Any

from agencies.problems import Problem
from report.templating import environment

XLSX = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    maintype: str = XLSX[0]
    subtype: str = XLSX[1]


@dataclass(frozen=True)
class Reminder:
    """What one reminder tells one agency; `problems` turns it into "your return has errors"."""

    agency_name: str
    to: Sequence[str]
    period_id: str  # `2023-H1`
    period_label: str  # `6 tháng đầu năm 2023`
    window: tuple[date, date]
    deadline: date
    today: date
    portal_url: str
    problems: Sequence[Problem] = ()
    form: Attachment | None = None
    kind: str = "reminder"  # agencies.reminders.ReminderKind: opened / reminder / has_errors / escalation
    days: int | None = None  # to the deadline as the plan counts them (negative when late); None: calendar days
    day_word: str = "ngày"  # what `days` counts: `ngày` or `ngày làm việc`

    @property
    def days_left(self) -> int:
        """Days to the deadline; negative when late."""
        return self.days if self.days is not None else (self.deadline - self.today).days


@dataclass(frozen=True)
class ReceiptMail:
    """A receipt (schema.receipts.Receipt, read by its fields) for the agency's contacts."""

    agency_name: str
    to: Sequence[str]
    receipt: Any
    portal_url: str
    file: str | None = None
    cc: Sequence[str] = field(default_factory=tuple)


def _macro(name: str) -> Any:
    return getattr(environment().get_template("email/_mail.txt.j2").module, name)


def _message(subject: str, to: Sequence[str], text: str, html: str, sender: str | None) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = " ".join(subject.split())
    message["To"] = ", ".join(to)
    if sender:
        message["From"] = sender
    message.set_content(text, subtype="plain", charset="utf-8")
    message.add_alternative(html, subtype="html", charset="utf-8")
    return message


def reminder_message(reminder: Reminder, sender: str | None = None) -> EmailMessage:
    """The reminder as it leaves: text, HTML and the pre-filled form (multipart/mixed around the alternative)."""
    context = {
        "agency": reminder.agency_name,
        "period": reminder.period_id,
        "label": reminder.period_label,
        "window": reminder.window,
        "deadline": reminder.deadline,
        "days": reminder.days_left,
        "word": reminder.day_word,
        "kind": reminder.kind,
        "portal": reminder.portal_url,
        "problems": list(reminder.problems),
        "attachment": reminder.form.filename if reminder.form else None,
    }
    env = environment()
    subject = str(_macro("reminder_subject")(reminder.period_label, reminder.period_id, reminder.days_left,
                                             list(reminder.problems), reminder.kind))  # fmt: skip
    message = _message(
        subject,
        reminder.to,
        env.get_template("email/reminder.txt.j2").render(context),
        env.get_template("email/reminder.html.j2").render(context),
        sender,
    )
    if reminder.form:
        form = reminder.form
        message.add_attachment(form.content, maintype=form.maintype, subtype=form.subtype, filename=form.filename)
    return message


def receipt_message(mail: ReceiptMail, sender: str | None = None) -> EmailMessage:
    """The receipt of one upload: its version, or every error with its sheet and cell."""
    context = {"receipt": mail.receipt, "agency": mail.agency_name, "file": mail.file, "portal": mail.portal_url}
    env = environment()
    message = _message(
        str(_macro("receipt_subject")(mail.receipt)),
        mail.to,
        env.get_template("email/receipt.txt.j2").render(context),
        env.get_template("email/receipt.html.j2").render(context),
        sender,
    )
    if mail.cc:
        message["Cc"] = ", ".join(mail.cc)
    return message
