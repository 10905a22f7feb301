"""An agency's pre-filled form for an open period, as the CLI, the API and the pages hand it out."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from agencies.form_workbook import FormContext, build_form_workbook
from agencies.roster import Roster
from schema.models import Period
from schema.periods import get_period, period_of
from schema.roster_store import roster_of_period


@dataclass(frozen=True)
class FilledForm:
    filename: str  # `2023-H1_police.xlsx`
    content: bytes


def form_for(roster: Roster, period: Period, agency_id: str) -> FilledForm:
    roster.require_agency(agency_id)
    deadline = period.deadline_for(roster.group_of(agency_id).id)
    window = (period.window_start, period.window_end)
    context = FormContext.for_agency(roster, agency_id, period_of(period), window, deadline)
    return FilledForm(f"{period.id}_{agency_id}.xlsx", build_form_workbook(context))


def agency_form(session: Session, period_id: str, agency_id: str) -> FilledForm:
    """The agency's form for the period (which must exist), pre-filled from the roster."""
    period = get_period(session, period_id)
    return form_for(roster_of_period(session, period), period, agency_id)
