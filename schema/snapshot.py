"""Read a period's latest accepted returns out of the database as plain data."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from agencies.figure_words import FigureWords
from agencies.period_returns import Absence, FigureRecord, PeriodReturns, ReturnRecord
from agencies.states import AgencyStanding, ReturnStatus
from schema.completeness import period_completeness
from schema.models import Period, Return
from schema.periods import get_period, period_of
from schema.roster_store import roster_of_period


def _accepted_returns(session: Session, period_id: str) -> list[ReturnRecord]:
    rows = session.scalars(
        select(Return)
        .where(Return.period_id == period_id, Return.status == ReturnStatus.ACCEPTED)
        .options(selectinload(Return.values))
        .order_by(Return.id)
    ).all()
    return [
        ReturnRecord(
            return_id=row.id,
            agency_id=row.agency_id or "",
            version=row.version or 0,
            received_at=row.received_at,
            form_ref=row.form_ref or "",
            figures={
                v.code: FigureRecord(v.value, v.sheet, v.cell, v.field, FigureWords(v.qualifier, v.trend, v.status))
                for v in row.values
            },
            narrative={section: list(paragraphs) for section, paragraphs in row.narrative.items()},
        )
        for row in rows
    ]


def load_period_returns(session: Session, period_id: str) -> PeriodReturns:
    """The latest accepted return of every agency, who is missing, and last year's same period.

    Each period is read with its own roster: last year's may be another one (before a reform).
    """
    row = get_period(session, period_id)
    roster = roster_of_period(session, row)
    states = period_completeness(session, roster, row)
    period = period_of(row)
    last_year = period.same_period_last_year()  # none for a custom period: nothing to compare with
    before = session.get(Period, last_year.id) if last_year else None
    return PeriodReturns(
        roster=roster,
        period=period,
        window=(row.window_start, row.window_end),
        deadline=row.deadline,
        returns=_accepted_returns(session, row.id),
        absences=[Absence(s.agency, s.state) for s in states if s.state != AgencyStanding.ACCEPTED],
        late=[s.agency for s in states if s.state == AgencyStanding.ACCEPTED and s.late],
        previous=_accepted_returns(session, before.id) if before is not None else None,
        previous_roster=roster_of_period(session, before) if before is not None else None,
    )
