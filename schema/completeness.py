"""Who has sent what for a period: the completeness table of `phoihop status`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from agencies.calendar import REPORTING_TZ
from agencies.roster import Roster
from agencies.states import AgencyStanding, ReceivedVia, ReturnStatus
from schema.mail_log import MailFailure
from schema.models import Period, Return
from schema.unseen import Moment, UnassignedUpload, UnfinishedUpload


class AgencyState(BaseModel):
    """One agency's row of the table. `received_via` marks a return the department received outside the
    system (paper / email) and the coordinator back-filled; the fields after it serve the CLI and the
    pages, the document (`status --json`, the API) leaves them out."""

    model_config = ConfigDict(frozen=True)

    agency: str
    name: str
    group: str
    state: AgencyStanding
    version: int | None
    received_at: Moment | None
    late: bool
    received_via: ReceivedVia | None = None
    deadline: date = Field(exclude=True)
    return_id: int | None = Field(default=None, exclude=True)
    problem_count: int = Field(default=0, exclude=True)


class Completeness(BaseModel):
    """The contract of `phoihop status --json` and of the API's completeness (DESIGN §5): one shape for both.

    Beside the agencies, what the table cannot place: uploads kept but not finished, refused
    uploads that name no readable period, and mails (reminders, receipts) that did not arrive.
    """

    period: str
    agencies: list[AgencyState]
    unfinished: list[UnfinishedUpload] = []
    unassigned: list[UnassignedUpload] = []
    mail_failures: list[MailFailure] = []


def _local_day(moment: datetime) -> date:
    return moment.astimezone(REPORTING_TZ).date()


def period_completeness(
    session: Session, roster: Roster, period: Period, today: date | None = None, agency_id: str | None = None
) -> list[AgencyState]:
    """One row per roster agency, in roster order: its current state for `period` (only `agency_id`'s, if given).

    An accepted version counts even when a later upload was refused; `late` means sent
    after the agency's deadline, or, for one that has sent nothing valid, that the
    deadline has passed.
    """
    today = today or datetime.now(REPORTING_TZ).date()
    query = select(Return).where(Return.period_id == period.id).order_by(Return.id)
    if agency_id is not None:  # an officer's own page: only its uploads are read
        query = query.where(Return.agency_id == agency_id)
    rows = session.scalars(query).all()
    by_agency: dict[str, list[Return]] = {}
    for row in rows:
        if row.agency_id is not None:
            by_agency.setdefault(row.agency_id, []).append(row)
    states = []
    for group in roster.groups:
        deadline = period.deadline_for(group.id)
        for agency in group.agencies:
            if agency_id is not None and agency.id != agency_id:
                continue
            uploads = by_agency.get(agency.id, [])
            current = next((r for r in reversed(uploads) if r.status == ReturnStatus.ACCEPTED), None)
            # else the latest that was not replaced (refused or withdrawn)
            shown = current or next((r for r in reversed(uploads) if r.status != ReturnStatus.SUPERSEDED), None)
            if shown is None:
                state = AgencyStanding.MISSING
            else:
                state = AgencyStanding.ACCEPTED if current else AgencyStanding(shown.status)
            late = _local_day(current.received_at) > deadline if current is not None else today > deadline
            states.append(
                AgencyState(
                    agency=agency.id,
                    name=agency.name,
                    group=group.id,
                    state=state,
                    version=current.version if current else None,
                    received_at=shown.received_at if shown else None,
                    late=late,
                    received_via=shown.received_via if shown else None,
                    deadline=deadline,
                    return_id=shown.id if shown else None,
                    problem_count=len(shown.problems) if shown else 0,
                )
            )
    return states


def completeness_document(
    period_id: str,
    states: list[AgencyState],
    unfinished: Sequence[UnfinishedUpload] = (),
    unassigned: Sequence[UnassignedUpload] = (),
    mail_failures: Sequence[MailFailure] = (),
) -> Completeness:
    return Completeness(
        period=period_id,
        agencies=states,
        unfinished=list(unfinished),
        unassigned=list(unassigned),
        mail_failures=list(mail_failures),
    )
