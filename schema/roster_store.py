"""Rosters over time: loaded by `phoihop init`, kept side by side, chosen by a period's dates."""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from agencies.calendar import REPORTING_TZ
from agencies.errors import UserError
from agencies.roster import Roster
from schema.models import Agency, AuditEntry, Period, RosterVersion


class RosterNotLoaded(UserError):
    """The database has no roster yet."""

    def __init__(self) -> None:
        super().__init__("roster_not_loaded", "Chưa nạp danh sách đơn vị báo cáo: hãy chạy «phoihop init».", status=503)


class NoRosterInForce(UserError):
    """No stored roster is in force on the day a period needs one."""

    def __init__(self, day: date) -> None:
        super().__init__(
            "no_roster_in_force",
            f"Không có danh sách đơn vị báo cáo nào có hiệu lực vào ngày {day:%d/%m/%Y}: hãy nạp danh sách "
            "phù hợp bằng «phoihop init --roster …» (khóa valid_from, valid_until).",
            status=409,
            field="period",
        )


def _current_versions(session: Session) -> list[RosterVersion]:
    """The newest version of every roster id, newest loaded first."""
    newest = select(func.max(RosterVersion.id)).group_by(RosterVersion.roster_key)
    return list(
        session.scalars(select(RosterVersion).where(RosterVersion.id.in_(newest)).order_by(RosterVersion.id.desc()))
    )


def save_roster(session: Session, roster: Roster, source: str, actor: str) -> tuple[RosterVersion, bool]:
    """Keep `roster` as the current version of its id and refresh the agencies; False when nothing changed.

    Rosters of other ids stay: each is in force for the periods its validity covers.
    """
    document = roster.model_dump(mode="json")
    digest = hashlib.sha256(json.dumps(document, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    same_id = select(RosterVersion).where(RosterVersion.roster_key == roster.id)
    current = session.scalars(same_id.order_by(RosterVersion.id.desc()).limit(1)).first()
    if current is not None and current.sha256 == digest:
        return current, False
    version = RosterVersion(
        roster_key=roster.id,
        sha256=digest,
        source=source,
        document=document,
        valid_from=roster.valid_from,
        valid_until=roster.valid_until,
    )
    session.add(version)
    session.flush()
    known = {agency.id: agency for agency in session.scalars(select(Agency))}
    position = 0
    for group in roster.groups:
        for entry in group.agencies:
            position += 1
            row = known.get(entry.id) or Agency(id=entry.id)
            row.name, row.group_id, row.form_id = entry.name, group.id, group.form
            row.emails, row.position = list(entry.emails), position
            known[entry.id] = row
            session.add(row)
    named = {a["id"] for v in _current_versions(session) for g in v.document["groups"] for a in g["agencies"]}
    for agency_id, row in known.items():
        row.active = agency_id in named  # one no roster names any more: its returns stay, it no longer reports
    session.flush()
    session.add(
        AuditEntry(
            actor=actor, action="roster_loaded", detail={"roster": roster.id, "source": source, "id": version.id}
        )
    )
    session.commit()
    return version, True


def roster_version_on(session: Session, day: date) -> RosterVersion:
    """The roster in force on `day`: of the current versions whose validity covers it, the newest loaded."""
    versions = _current_versions(session)
    if not versions:
        raise RosterNotLoaded()
    for version in versions:
        if _covers(version.valid_from, version.valid_until, day):
            return version
    raise NoRosterInForce(day)


def _covers(valid_from: date | None, valid_until: date | None, day: date) -> bool:
    return (valid_from is None or valid_from <= day) and (valid_until is None or day <= valid_until)


_validated: dict[str, Roster] = {}


def _roster(session: Session, version_id: int, sha256: str) -> Roster:
    """The roster of a stored version, read and validated once (the API asks on every request)."""
    if sha256 not in _validated:
        document = session.scalar(select(RosterVersion.document).where(RosterVersion.id == version_id))
        _validated[sha256] = Roster.model_validate(document)
    return _validated[sha256]


def roster_of_version(session: Session, version: RosterVersion) -> Roster:
    return _roster(session, version.id, version.sha256)


def current_roster(session: Session, today: date | None = None) -> Roster:
    """The roster for what has no period at hand (`phoihop agencies`, credentials): the one in force today,
    else (none covers today) the newest loaded. A corrected earlier roster does not take over by being loaded last.
    """
    newest = select(func.max(RosterVersion.id)).group_by(RosterVersion.roster_key)
    versions = session.execute(
        select(RosterVersion.id, RosterVersion.sha256, RosterVersion.valid_from, RosterVersion.valid_until)
        .where(RosterVersion.id.in_(newest))
        .order_by(RosterVersion.id.desc())
    ).all()
    if not versions:
        raise RosterNotLoaded()
    day = today or datetime.now(REPORTING_TZ).date()
    chosen = next((v for v in versions if _covers(v.valid_from, v.valid_until, day)), versions[0])
    return _roster(session, chosen.id, chosen.sha256)


def roster_of_period(session: Session, period: Period) -> Roster:
    """The roster a period was opened with, as its id's current version (a corrected address applies)."""
    key = select(RosterVersion.roster_key).where(RosterVersion.id == period.roster_version_id).scalar_subquery()
    newest = session.execute(
        select(RosterVersion.id, RosterVersion.sha256)
        .where(RosterVersion.roster_key == key)
        .order_by(RosterVersion.id.desc())
        .limit(1)
    ).first()
    assert newest is not None, "a period's roster version is never deleted"
    return _roster(session, newest.id, newest.sha256)


def roster_for(session: Session, period_id: str | None) -> Roster:
    """The roster of the period `period_id` if it was opened, else the newest loaded."""
    period = session.get(Period, period_id) if period_id else None
    return roster_of_period(session, period) if period is not None else current_roster(session)


def roster_naming(session: Session, agency_id: str) -> Roster:
    """The newest current roster that names `agency_id` (an agency of an earlier roster still reports
    for its periods), else the newest loaded, whose `require_agency` names the nearest ids."""
    for version in _current_versions(session):
        roster = roster_of_version(session, version)
        if roster.agency(agency_id) is not None:
            return roster
    return current_roster(session)
