"""`phoihop withdraw` and `phoihop history`: taking a return back, and what happened to it."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from agencies.calendar import REPORTING_TZ, parse_period
from agencies.states import ACTION_LABELS
from phoihop.cli.context import app_context, console, require_agency
from report.templating import render
from schema.history import agency_history
from schema.withdrawal import withdraw_return


def withdraw(
    ctx: typer.Context,
    agency: Annotated[str, typer.Argument(help="Mã đơn vị.")],
    period: Annotated[str, typer.Argument(help="Mã kỳ, ví dụ 2023-H1.")],
    reason: Annotated[str, typer.Option(help="Lý do rút (ghi vào nhật ký).")] = "",
) -> None:
    """Rút báo cáo hiện hành của một đơn vị: báo cáo vẫn được lưu, đánh dấu đã rút và không được tổng hợp."""
    app = app_context(ctx)
    with app.session() as session:
        require_agency(app.roster(session, parse_period(period).id), agency)
        row = withdraw_return(session, agency, parse_period(period).id, app.actor, reason)
    console.print(f"Đã rút báo cáo phiên bản {row.version} của {agency}, kỳ {row.period_id} (biên nhận #{row.id}).")


def history(
    ctx: typer.Context,
    agency: Annotated[str, typer.Argument(help="Mã đơn vị.")],
    period: Annotated[str, typer.Argument(help="Mã kỳ, ví dụ 2023-H1.")],
) -> None:
    """Nhật ký: mọi lần gửi, chấp nhận, từ chối, thay thế, rút báo cáo của đơn vị trong kỳ, ai làm và lúc nào."""
    app = app_context(ctx)
    with app.session() as session:
        require_agency(app.roster(session, parse_period(period).id), agency)
        entries = agency_history(session, agency, parse_period(period).id)
    table = Table(title=f"Nhật ký báo cáo của {agency}, kỳ {parse_period(period).id}")
    for header in ("Thời điểm", "Sự kiện", "Người thực hiện", "Biên nhận", "Phiên bản", "Chi tiết"):
        table.add_column(header)
    for entry in entries:
        detail = ", ".join(entry.detail.get("errors", [])) or entry.detail.get("reason", "") or entry.filename or ""
        if entry.action == "backfilled":
            detail = render("receipts/backfilled.txt.j2", detail=entry.detail)
        action = ACTION_LABELS.get(entry.action, entry.action)
        table.add_row(
            f"{entry.at.astimezone(REPORTING_TZ):%d/%m/%Y %H:%M:%S}",
            f"{action} (không xác định được kỳ)" if entry.period_unknown else action,
            escape(entry.actor),
            f"#{entry.return_id}" if entry.return_id else "",
            str(entry.version or ""),
            escape(str(detail)),
        )
    console.print(table)
    if not entries:
        console.print("Chưa có sự kiện nào.")


def register(app: typer.Typer) -> None:
    app.command()(withdraw)
    app.command()(history)
