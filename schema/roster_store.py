"""The roster in force: loaded by `phoihop init`, read by every other command."""

from __future__ import annotations

import hashlib
import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from agencies.errors import UserError
from agencies.roster import Roster
from schema.models import Agency, AuditEntry, RosterVersion


class RosterNotLoaded(UserError):
    """The database has no roster yet."""

    def __init__(self) -> None:
        super().__init__("roster_not_loaded", "Chưa nạp danh sách đơn vị báo cáo: hãy chạy «phoihop init».", status=503)


def save_roster(session: Session, roster: Roster, source: str, actor: str) -> tuple[RosterVersion, bool]:
    """Keep `roster` as the one in force and refresh the agencies; False when nothing changed."""
    document = roster.model_dump(mode="json")
    digest = hashlib.sha256(json.dumps(document, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    current = session.scalars(select(RosterVersion).order_by(RosterVersion.id.desc()).limit(1)).first()
    if current is not None and current.sha256 == digest:
        return current, False
    version = RosterVersion(roster_key=roster.id, sha256=digest, source=source, document=document)
    session.add(version)
    known = {agency.id: agency for agency in session.scalars(select(Agency))}
    in_roster: set[str] = set()
    position = 0
    for group in roster.groups:
        for entry in group.agencies:
            position += 1
            in_roster.add(entry.id)
            row = known.get(entry.id) or Agency(id=entry.id)
            row.name, row.group_id, row.form_id = entry.name, group.id, group.form
            row.emails, row.position, row.active = list(entry.emails), position, True
            session.add(row)
    for agency_id, row in known.items():
        if agency_id not in in_roster:
            row.active = False  # its returns stay; it just no longer reports
    session.flush()
    session.add(
        AuditEntry(
            actor=actor, action="roster_loaded", detail={"roster": roster.id, "source": source, "id": version.id}
        )
    )
    session.commit()
    return version, True


def current_roster_version(session: Session) -> RosterVersion:
    version = session.scalars(select(RosterVersion).order_by(RosterVersion.id.desc()).limit(1)).first()
    if version is None:
        raise RosterNotLoaded()
    return version


_validated: dict[str, Roster] = {}


def current_roster(session: Session) -> Roster:
    """The roster in force; read and validated once per stored version (the API asks on every request)."""
    newest = session.execute(
        select(RosterVersion.id, RosterVersion.sha256).order_by(RosterVersion.id.desc()).limit(1)
    ).first()
    if newest is None:
        raise RosterNotLoaded()
    if newest.sha256 not in _validated:
        document = session.scalar(select(RosterVersion.document).where(RosterVersion.id == newest.id))
        _validated[newest.sha256] = Roster.model_validate(document)
    return _validated[newest.sha256]
