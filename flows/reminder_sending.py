"""The reminders of a day, composed and sent once each: plain functions the remind flow wraps in tasks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from email.message import EmailMessage

from sqlalchemy import select
from sqlalchemy.orm import Session

from agencies.problems import Problem
from agencies.roster import Roster
from flows.outgoing_mail import MailResult, Sessions, unsendable
from report.mail import Attachment, Reminder, reminder_message
from schema.mail_delivery import Mailer
from schema.mail_log import MailState, settle
from schema.models import Period, ReminderLog
from schema.period_forms import form_for
from schema.periods import get_period, period_of
from schema.reminders import ReminderDecision, claim_step, reminders_today
from schema.roster_store import roster_of_period
from schema.settings import Settings


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
            period_label=period_of(period).label,
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


async def send_reminders(
    sessions: Sessions, settings: Settings, mailer: Mailer, period_id: str, today: date, token: str
) -> ReminderRun:
    """Send `period_id`'s reminders due on `today` that no run has sent, under the claim `token`."""
    with sessions() as session:
        period = get_period(session, period_id)
        roster = roster_of_period(session, period)
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
            delivery = unsendable(error, decision.recipients)
        with sessions() as session:
            state = settle(session, ReminderLog, row_id, token, delivery)
        results.append(
            MailResult.of(
                decision.agency, decision.step or "", decision.kind.value if decision.kind else "", state, delivery
            )
        )
    return ReminderRun(period.id, today, decisions, results)


def reminder_rows(
    session: Session, period_id: str, today: date, token: str
) -> list[tuple[ReminderDecision, ReminderLog | None]]:
    """Each agency's decision as it stands after a run, with the log row if that run (`token`) tried it."""
    period = get_period(session, period_id)
    roster = roster_of_period(session, period)
    mine = {
        row.agency_id: row
        for row in session.scalars(
            select(ReminderLog).where(ReminderLog.period_id == period_id, ReminderLog.claim == token)
        )
    }
    return [(d, mine.get(d.agency)) for d in reminders_today(session, roster, period, today)]
