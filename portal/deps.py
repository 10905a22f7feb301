"""Dependencies shared by the routers: the database gate and who is asking."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from portal.gate import DatabaseGate
from schema.credentials import Principal, authenticate

_bearer = HTTPBearer(auto_error=False, description="Khóa truy cập do `phoihop token` cấp")


def get_gate(request: Request) -> DatabaseGate:
    return request.app.state.gate


Database = Annotated[DatabaseGate, Depends(get_gate)]


async def get_principal(
    database: Database, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Principal:
    principal = await database.run(authenticate, credentials.credentials) if credentials else None
    if principal is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail="Thiếu hoặc sai khóa truy cập: gửi «Authorization: Bearer <khóa>» do Sở cấp.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return principal


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]


async def require_coordinator(principal: CurrentPrincipal) -> Principal:
    if principal.role != "coordinator":
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail="Chỉ cơ quan tổng hợp được xem nội dung này.")
    return principal


Coordinator = Annotated[Principal, Depends(require_coordinator)]
