"""Who gets which reminder today, and the log that keeps every step to once per (period, agency, step).

`reminders_today` decides; `claim_step` claims a step before its mail goes out: an insert that
does nothing when the row is there (ON CONFLICT DO NOTHING on SQLite and PostgreSQL alike), or
taking back a step whose last attempt met a passing fault — so that of two runs at once exactly
one gets the step, and a deferred step is sent by a later run, once.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from agencies.calendar import REPORTING_TZ
from agencies.problems import Problem
from agencies.reminders import Counting, ReminderKind, due_step
from agencies.roster import Roster
from agencies.states import AgencyStanding
from schema.completeness import AgencyState, period_completeness
from schema.mail_log import MailState, claim
from schema.models import Period, ReminderLog, Return, utc_now


class SkipReason(StrEnum):
    SENT = "sent"  # an accepted return: nothing to chase
    NO_STEP = "no_step"  # no step of the plan is due yet
    DAY_OFF = "day_off"  # a weekend, holiday or day off: mails wait for the next working day
    LOGGED = "logged"  # today's step was already recorded
    PERIOD_CLOSED = "period_closed"  # the cycle no longer takes returns


class ReminderDecision(BaseModel):
    """One agency's line of the day: the step due and to whom, or why it is skipped."""

    model_config = ConfigDict(frozen=True)

    agency: str
    name: str
    group: str
    state: AgencyStanding
    deadline: date
    step: str | None = None
    step_day: date | None = None
    kind: ReminderKind | None = None
    days_left: int | None = None  # > 0 before the deadline, 0 on it, < 0 late
    counting: Counting | None = None
    recipients: list[str] = []
    errors: list[Problem] = []  # the refused return's problems, for the "has errors" mail
    skip: SkipReason | None = None
    logged_at: datetime | None = None  # when the step was recorded, if skipped as logged
    logged_state: str | None = None  # where its mail stands, if logged (schema.mail_log.MailState)
    attempts: int = 0  # earlier attempts of this step that met a passing fault

    @property
    def due(self) -> bool:
        return self.skip is None


def _local_day(moment: datetime) -> date:
    return moment.astimezone(REPORTING_TZ).date()


def _recipients(roster: Roster, agency_id: str, kind: ReminderKind) -> list[str]:
    agency = roster.require_agency(agency_id)
    found = list(agency.emails)
    if kind is ReminderKind.ESCALATION:
        coordinator = roster.require_agency(roster.coordinator.agency)
        found += agency.head_emails + ([] if coordinator.id == agency.id else coordinator.emails)
    return list(dict.fromkeys(found))


def _errors(session: Session, state: AgencyState) -> list[Problem]:
    row = session.get(Return, state.return_id) if state.return_id is not None else None
    return [Problem.model_validate(p) for p in row.problems] if row is not None else []


def reminders_today(session: Session, roster: Roster, period: Period, today: date) -> list[ReminderDecision]:
    """One decision per roster agency, in roster order, for `period` on `today`.

    Chased: agencies without an accepted return (a withdrawn one counts as not sent); one whose
    latest upload was refused gets the "has errors" kind with its problems instead of a plain
    reminder. Skipped, with the reason: those who have sent, those with no step due, those whose
    step is already in the log, and everyone once the period is closed.
    """
    logged = {
        (row.agency_id, row.step): row
        for row in session.scalars(select(ReminderLog).where(ReminderLog.period_id == period.id))
    }
    plan = roster.reminders
    opened_on = _local_day(period.opened_at)
    decisions = []
    for state in period_completeness(session, roster, period, today):
        base = {
            "agency": state.agency,
            "name": state.name,
            "group": state.group,
            "state": state.state,
            "deadline": state.deadline,
        }
        if period.state != "open":
            decisions.append(ReminderDecision(**base, skip=SkipReason.PERIOD_CLOSED))
            continue
        if state.state == AgencyStanding.ACCEPTED:
            decisions.append(ReminderDecision(**base, skip=SkipReason.SENT))
            continue
        due = due_step(plan, state.deadline, opened_on, today)
        if due is None:
            day_off = not (plan.send_on_days_off or plan.calendar.is_working(today))
            decisions.append(ReminderDecision(**base, skip=SkipReason.DAY_OFF if day_off else SkipReason.NO_STEP))
            continue
        kind = due.step.kind
        errors: list[Problem] = []
        if state.state == AgencyStanding.INVALID and kind is ReminderKind.REMINDER:
            kind, errors = ReminderKind.HAS_ERRORS, _errors(session, state)
        elif state.state == AgencyStanding.INVALID:
            errors = _errors(session, state)
        entry = logged.get((state.agency, due.step.id))
        retry = entry is not None and entry.state == MailState.DEFERRED
        decisions.append(
            ReminderDecision(
                **base,
                step=due.step.id,
                step_day=due.step.day,
                kind=kind,
                days_left=due.days_left,
                counting=due.counting,
                recipients=_recipients(roster, state.agency, due.step.kind),
                errors=errors,
                skip=SkipReason.LOGGED if entry and not retry else None,
                logged_at=entry.recorded_at if entry else None,
                logged_state=entry.state if entry else None,
                attempts=entry.attempts if retry else 0,
            )
        )
    return decisions


def claim_step(session: Session, period_id: str, decision: ReminderDecision, token: str) -> int | None:
    """Claim `decision`'s step for the sender `token` and commit: the log row's id, or None if another has it."""
    if decision.step is None or decision.kind is None:
        raise ValueError(f"no step to claim for {decision.agency}: {decision.skip}")
    table = ReminderLog.__table__
    now = utc_now()
    values = {
        "period_id": period_id,
        "agency_id": decision.agency,
        "step": decision.step,
        "kind": decision.kind.value,
        "recipients": decision.recipients,
        "recorded_at": now,
        "state": MailState.SENDING,
        "attempts": 1,
        "claim": token,
        "claimed_at": now,
        "refused": {},
    }
    insert = postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = (
        insert(table)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["period_id", "agency_id", "step"])
        .returning(table.c.id)
    )
    row_id = session.execute(statement).scalar()
    session.commit()
    if row_id is not None:
        return row_id
    mine = (ReminderLog.period_id == period_id, ReminderLog.agency_id == decision.agency)
    row_id = session.scalar(select(ReminderLog.id).where(*mine, ReminderLog.step == decision.step))
    return row_id if row_id is not None and claim(session, ReminderLog, row_id, token) else None
