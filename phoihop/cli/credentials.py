"""`phoihop token` and `phoihop password`: an agency's (or the coordinator's) API key and portal password."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated

import typer

from phoihop.cli.context import app_context, console, fail, require_agency

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

Agency = Annotated[str | None, typer.Argument(help="Mã đơn vị; bỏ trống khi dùng --coordinator.")]


def _issued(
    ctx: typer.Context, agency: str | None, coordinator: bool, issue: Callable[[Session, str, str | None], str]
) -> tuple[str, str]:
    """Who the new secret is for, in words, and the secret `issue` made for the agency (or the coordinator)."""
    if (agency is None) == (not coordinator):
        fail("Hãy ghi mã đơn vị, hoặc dùng --coordinator (không dùng cả hai).")
    from schema.roster_store import roster_naming

    app = app_context(ctx)
    with app.session() as session:
        require_agency(roster_naming(session, agency) if agency else app.roster(session), agency)
        secret = issue(session, app.actor, agency)
    return (f"đơn vị {agency}" if agency else "cơ quan tổng hợp"), secret


def token(
    ctx: typer.Context,
    agency: Agency = None,
    coordinator: Annotated[bool, typer.Option("--coordinator", help="Cấp khóa cho cơ quan tổng hợp.")] = False,
) -> None:
    """Cấp (hoặc thay) khóa truy cập API của một đơn vị; khóa cũ hết hiệu lực ngay."""
    from schema.credentials import issue_token

    who, secret = _issued(ctx, agency, coordinator, issue_token)
    console.print(f"Khóa truy cập mới của {who} (chỉ hiện một lần; khóa cũ đã hết hiệu lực):")
    typer.echo(secret)


def password(
    ctx: typer.Context,
    agency: Agency = None,
    coordinator: Annotated[bool, typer.Option("--coordinator", help="Cấp mật khẩu cho cơ quan tổng hợp.")] = False,
) -> None:
    """Cấp (hoặc thay) mật khẩu đăng nhập cổng thông tin; mật khẩu cũ và các phiên đăng nhập cũ hết hiệu lực."""
    from schema.accounts import COORDINATOR_LOGIN, issue_password

    who, secret = _issued(ctx, agency, coordinator, issue_password)
    console.print(f"Tên đăng nhập của {who}: {agency or COORDINATOR_LOGIN}")
    console.print("Mật khẩu mới (chỉ hiện một lần; mật khẩu cũ đã hết hiệu lực):")
    typer.echo(secret)


def register(app: typer.Typer) -> None:
    app.command()(token)
    app.command()(password)
