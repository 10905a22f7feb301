"""The agencies' credentials: who can sign in and who has a live API key; issuing a password or a key (shown once),
revoking both. Every change is audited with who and from where."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from agencies.bounds import AGENCY_ID_MAX
from agencies.errors import UserError
from portal.deps import ClientIp, Database
from portal.pages.coordinator.records import unknown_agency
from portal.web import CoordinatorViewer, checked_form, go, page
from schema.accounts import COORDINATOR_LOGIN, AccountState, account_states, issue_password, revoke_credentials
from schema.credentials import issue_token
from schema.roster_store import current_roster

router = APIRouter()
Login = Annotated[str, Path(max_length=AGENCY_ID_MAX)]
COORDINATOR_NAME = "Cơ quan tổng hợp"


@dataclass(frozen=True)
class AccountLine:
    login: str  # the agency's id, or `coordinator`
    name: str
    group: str  # the group's title; "" for the coordinator
    state: AccountState | None  # None: never issued anything


def _accounts(session: Session) -> list[AccountLine]:
    """The coordinator, then every agency in roster order."""
    states = account_states(session)
    lines = [AccountLine(COORDINATOR_LOGIN, COORDINATOR_NAME, "", states.get(COORDINATOR_LOGIN))]
    for group in current_roster(session).groups:
        lines += [AccountLine(a.id, a.name, group.title, states.get(a.id)) for a in group.agencies]
    return lines


def _holder(session: Session, login: str) -> tuple[str | None, str]:
    """The agency id (None for the coordinator) and name of the account `login` names."""
    if login == COORDINATOR_LOGIN:
        return None, COORDINATOR_NAME
    agency = current_roster(session).agency(login)
    if agency is None:
        raise unknown_agency(session, login)
    return agency.id, agency.name


@router.get("/coordinator/accounts")
async def accounts_page(
    request: Request,
    database: Database,
    viewer: CoordinatorViewer,
    revoked: str = Query("", max_length=AGENCY_ID_MAX),
) -> Response:
    lines = await database.run(_accounts)
    done = next((line for line in lines if line.login == revoked), None)
    return page(request, "portal/coordinator/accounts.html", viewer, accounts=lines, revoked=done)


def _issue(session: Session, kind: str, login: str, actor: str, ip: str | None) -> tuple[str, str]:
    agency_id, name = _holder(session, login)
    issue = issue_password if kind == "password" else issue_token
    return name, issue(session, actor, agency_id, ip)


async def _issued(
    kind: str, login: str, request: Request, database: Database, viewer: CoordinatorViewer, ip: str | None
) -> Response:
    """The new secret, on this one answer only: kept nowhere but as its hash, never cached (no-store)."""
    await checked_form(request, viewer)
    name, secret = await database.run(_issue, kind, login, viewer.actor, ip)
    return page(
        request,
        "portal/coordinator/secret.html",
        viewer,
        kind=kind,
        login=login,
        holder=name,
        secret=secret,
        own=login == viewer.login,
    )


@router.post("/coordinator/accounts/{login}/password")
async def new_password(
    login: Login, request: Request, database: Database, viewer: CoordinatorViewer, ip: ClientIp
) -> Response:
    return await _issued("password", login, request, database, viewer, ip)


@router.post("/coordinator/accounts/{login}/api-key")
async def new_api_key(
    login: Login, request: Request, database: Database, viewer: CoordinatorViewer, ip: ClientIp
) -> Response:
    return await _issued("api_key", login, request, database, viewer, ip)


def _revoke(session: Session, login: str, actor: str, ip: str | None) -> None:
    agency_id, _ = _holder(session, login)
    revoke_credentials(session, actor, agency_id, ip)


@router.post("/coordinator/accounts/{login}/revocation")
async def revoke(
    login: Login, request: Request, database: Database, viewer: CoordinatorViewer, ip: ClientIp
) -> Response:
    await checked_form(request, viewer)
    if login == viewer.login:
        raise UserError(
            "cannot_revoke_self",
            "Không thể tự thu hồi tài khoản đang đăng nhập. Muốn đổi mật khẩu, hãy dùng nút «Cấp mật khẩu mới».",
            status=409,
        )
    await database.run(_revoke, login, viewer.actor, ip)
    return go(f"/coordinator/accounts?revoked={login}")
