"""Dependencies shared by the routers: a database session, the roster, who is asking."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from agencies.roster import Roster
from schema.credentials import Principal, authenticate
from schema.roster_store import current_roster

_bearer = HTTPBearer(auto_error=False, description="Khóa truy cập do `phoihop token` cấp")


def get_session(request: Request) -> Iterator[Session]:
    with request.app.state.sessions() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


def get_roster(session: SessionDep) -> Roster:
    return current_roster(session)


RosterDep = Annotated[Roster, Depends(get_roster)]


def get_principal(
    session: SessionDep, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Principal:
    principal = authenticate(session, credentials.credentials) if credentials else None
    if principal is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail="Thiếu hoặc sai khóa truy cập: gửi «Authorization: Bearer <khóa>» do Sở cấp.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return principal


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]


def require_coordinator(principal: CurrentPrincipal) -> Principal:
    if principal.role != "coordinator":
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail="Chỉ cơ quan tổng hợp được xem nội dung này.")
    return principal


Coordinator = Annotated[Principal, Depends(require_coordinator)]
