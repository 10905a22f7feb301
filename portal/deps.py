"""Dependencies shared by the routers: the database gate and who is asking."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from agencies.errors import UserError
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
        raise UserError(
            "unauthorized", "Thiếu hoặc sai khóa truy cập: gửi «Authorization: Bearer <khóa>» do Sở cấp.", status=401
        )
    return principal


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]


async def require_coordinator(principal: CurrentPrincipal) -> Principal:
    if principal.role != "coordinator":
        raise UserError("forbidden", "Chỉ cơ quan tổng hợp được xem nội dung này.", status=403)
    return principal


Coordinator = Annotated[Principal, Depends(require_coordinator)]


def client_ip(request: Request) -> str | None:
    """Where the request came from, for the audit log (behind a proxy: uvicorn's --proxy-headers sets it)."""
    return request.client.host if request.client else None


ClientIp = Annotated[str | None, Depends(client_ip)]
