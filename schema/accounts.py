"""Portal sign-in: passwords kept as argon2 hashes, browser sessions, sign-in attempts counted and limited.

An agency's password (and the coordinator's) is issued by the coordinator or `phoihop password`,
shown once, and can be revoked; issuing or revoking ends every session of the account. A browser
session is a random cookie token kept only as its SHA-256, with the form token (CSRF) its pages
must send back. Failed sign-ins are audit entries: too many for one login or one address in the
window and sign-in answers 429 until the window has passed.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from agencies.bounds import AGENCY_ID_MAX
from agencies.errors import UserError
from schema.models import Account, AuditEntry, Credential, WebSession, utc_now
from schema.roster_store import roster_naming

COORDINATOR_LOGIN = "coordinator"
PASSWORD_MAX = 200  # characters a sign-in form accepts
# Issued passwords: letters and digits that cannot be misread when read out or copied by hand (no 0/O, 1/l/I),
# and no sign that looks like punctuation around it; 16 of 55 symbols ≈ 92 bits.
PASSWORD_ALPHABET = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
PASSWORD_LENGTH = 16
_hasher = PasswordHasher()
# Verified when the login is unknown, so that a wrong login takes as long as a wrong password.
_UNKNOWN = _hasher.hash(secrets.token_urlsafe(16))


@dataclass(frozen=True)
class SignInPolicy:
    attempts: int = 5  # failed sign-ins allowed per login, and four times that per address
    window: timedelta = timedelta(minutes=15)
    session_lifetime: timedelta = timedelta(hours=12)


@dataclass(frozen=True)
class Viewer:
    """Who a browser session belongs to."""

    session_id: int
    login: str
    role: str  # agency / coordinator
    agency_id: str | None
    csrf_token: str

    @property
    def actor(self) -> str:
        return f"portal:{self.login}"

    @property
    def is_coordinator(self) -> bool:
        return self.role == "coordinator"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _end_sessions(session: Session, account_id: int, now: datetime) -> None:
    session.execute(
        update(WebSession)
        .where(WebSession.account_id == account_id, WebSession.ended_at.is_(None))
        .values(ended_at=now)
    )


def issue_password(session: Session, actor: str, agency_id: str | None = None, ip: str | None = None) -> str:
    """A new password for the agency's account (or, with no agency, the coordinator's); shown once, kept hashed."""
    if agency_id is not None:
        roster_naming(session, agency_id).require_agency(agency_id)
    login = agency_id or COORDINATOR_LOGIN
    password = "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(PASSWORD_LENGTH))
    now = utc_now()
    account = session.scalars(select(Account).where(Account.login == login)).first()
    if account is None:
        role = "agency" if agency_id else "coordinator"
        account = Account(login=login, role=role, agency_id=agency_id, password_hash="")
        session.add(account)
        session.flush()
    account.password_hash = _hasher.hash(password)
    account.revoked_at = None
    _end_sessions(session, account.id, now)
    session.add(AuditEntry(actor=actor, action="password_issued", agency_id=agency_id, detail={"login": login}, ip=ip))
    session.commit()
    return password


def revoke_credentials(session: Session, actor: str, agency_id: str | None = None, ip: str | None = None) -> None:
    """The account can no longer sign in, its sessions end, and its API token stops working."""
    login = agency_id or COORDINATOR_LOGIN
    now = utc_now()
    account = session.scalars(select(Account).where(Account.login == login)).first()
    if account is not None:
        account.revoked_at = now
        _end_sessions(session, account.id, now)
    owner = Credential.agency_id == agency_id if agency_id else Credential.role == "coordinator"
    session.execute(update(Credential).where(owner, Credential.revoked_at.is_(None)).values(revoked_at=now))
    session.add(
        AuditEntry(actor=actor, action="credentials_revoked", agency_id=agency_id, detail={"login": login}, ip=ip)
    )
    session.commit()


def _failures(session: Session, login: str, ip: str | None, since: datetime) -> tuple[int, int]:
    """Failed sign-ins since `since`: for the login (only since its password was last issued), and from the address."""
    recent = select(func.count()).where(AuditEntry.action == "sign_in_failed", AuditEntry.at >= since)
    issued = session.scalar(
        select(func.max(AuditEntry.at)).where(
            AuditEntry.action == "password_issued",
            AuditEntry.agency_id.is_(None) if login == COORDINATOR_LOGIN else AuditEntry.agency_id == login,
        )
    )
    by_login = (
        session.scalar(
            recent.where(AuditEntry.actor == f"portal:{login}", *([AuditEntry.at > issued] if issued else []))
        )
        or 0
    )
    by_ip = session.scalar(recent.where(AuditEntry.ip == ip)) or 0 if ip else 0
    return by_login, by_ip


def _too_many(policy: SignInPolicy) -> UserError:
    minutes = int(policy.window.total_seconds() // 60)
    return UserError(
        "too_many_sign_ins",
        f"Đăng nhập sai quá nhiều lần. Hãy chờ {minutes} phút rồi thử lại, hoặc liên hệ Sở để được cấp lại mật khẩu.",
        status=429,
        retry_after=int(policy.window.total_seconds()),
    )


def sign_in(
    session: Session, login: str, password: str, ip: str | None, policy: SignInPolicy = SignInPolicy()
) -> tuple[str, Viewer]:
    """A new session token for a right password; a wrong one is counted, and too many are refused for a while."""
    login = login.strip()[:AGENCY_ID_MAX]
    now = utc_now()
    by_login, by_ip = _failures(session, login, ip, now - policy.window)
    if by_login >= policy.attempts or by_ip >= policy.attempts * 4:
        raise _too_many(policy)
    account = session.scalars(select(Account).where(Account.login == login, Account.revoked_at.is_(None))).first()
    try:
        _hasher.verify(account.password_hash if account else _UNKNOWN, password[:PASSWORD_MAX])
        known = account is not None
    except (VerificationError, InvalidHashError):
        known = False
    if not known or account is None:
        session.add(AuditEntry(actor=f"portal:{login}", action="sign_in_failed", ip=ip))
        session.commit()
        raise UserError("sign_in_failed", "Tên đăng nhập hoặc mật khẩu không đúng.", status=401, field="password")
    if _hasher.check_needs_rehash(account.password_hash):
        account.password_hash = _hasher.hash(password)
    token = secrets.token_urlsafe(32)
    row = WebSession(
        token_sha256=_digest(token),
        account_id=account.id,
        csrf_token=secrets.token_urlsafe(32),
        expires_at=now + policy.session_lifetime,
        ip=ip,
    )
    session.add(row)
    session.flush()
    session.add(AuditEntry(actor=f"portal:{login}", action="signed_in", agency_id=account.agency_id, ip=ip))
    session.commit()
    return token, Viewer(row.id, account.login, account.role, account.agency_id, row.csrf_token)


def viewer_of(session: Session, token: str) -> Viewer | None:
    """The live session a cookie names, or None (unknown, ended, expired, or its account revoked)."""
    found = session.execute(
        select(WebSession, Account)
        .join(Account, Account.id == WebSession.account_id)
        .where(
            WebSession.token_sha256 == _digest(token),
            WebSession.ended_at.is_(None),
            WebSession.expires_at > utc_now(),
            Account.revoked_at.is_(None),
        )
    ).first()
    if found is None:
        return None
    web, account = found
    return Viewer(web.id, account.login, account.role, account.agency_id, web.csrf_token)


def sign_out(session: Session, viewer: Viewer, ip: str | None) -> None:
    session.execute(update(WebSession).where(WebSession.id == viewer.session_id).values(ended_at=utc_now()))
    session.add(AuditEntry(actor=viewer.actor, action="signed_out", agency_id=viewer.agency_id, ip=ip))
    session.commit()


@dataclass(frozen=True)
class AccountState:
    """An agency's (or the coordinator's) credentials as the coordinator's page lists them."""

    login: str
    has_password: bool
    password_issued_at: datetime | None
    revoked_at: datetime | None
    has_token: bool


def account_states(session: Session) -> dict[str, AccountState]:
    """Every account by login, with whether an API token is live for it."""
    tokens = set(
        session.scalars(
            select(func.coalesce(Credential.agency_id, COORDINATOR_LOGIN)).where(Credential.revoked_at.is_(None))
        )
    )
    issued = {
        entry.detail.get("login"): entry.at
        for entry in session.scalars(
            select(AuditEntry).where(AuditEntry.action == "password_issued").order_by(AuditEntry.id)
        )
    }
    accounts = {a.login: a for a in session.scalars(select(Account))}
    logins = set(accounts) | tokens
    return {
        login: AccountState(
            login=login,
            has_password=login in accounts and accounts[login].revoked_at is None,
            password_issued_at=issued.get(login),
            revoked_at=accounts[login].revoked_at if login in accounts else None,
            has_token=login in tokens,
        )
        for login in logins
    }
