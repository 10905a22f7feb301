"""Bearer credentials for the API: issued (or rotated) by the administrator, kept only as a hash."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from schema.models import AuditEntry, Credential, utc_now

TOKEN_PREFIX = "phh_"


@dataclass(frozen=True)
class Principal:
    """Who a request acts as: an agency (its own returns only) or the coordinator (all)."""

    role: str  # agency / coordinator
    agency_id: str | None

    @property
    def actor(self) -> str:
        return f"api:{self.agency_id}" if self.role == "agency" else "api:coordinator"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(session: Session, actor: str, agency_id: str | None = None, ip: str | None = None) -> str:
    """A new token for the agency (or, with no agency, the coordinator); the previous one stops working."""
    role = "agency" if agency_id else "coordinator"
    owner = Credential.agency_id == agency_id if agency_id else Credential.role == "coordinator"
    session.execute(update(Credential).where(owner, Credential.revoked_at.is_(None)).values(revoked_at=utc_now()))
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(Credential(role=role, agency_id=agency_id, token_sha256=_digest(token)))
    session.add(AuditEntry(actor=actor, action="token_issued", agency_id=agency_id, detail={"role": role}, ip=ip))
    session.commit()
    return token


def authenticate(session: Session, token: str) -> Principal | None:
    credential = session.scalars(
        select(Credential).where(Credential.token_sha256 == _digest(token), Credential.revoked_at.is_(None))
    ).first()
    return Principal(credential.role, credential.agency_id) if credential else None
