"""`phoihop remind`: the reminders due today for a period; `--dry-run` shows who would get what, and why."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer

from agencies.calendar import REPORTING_TZ
from phoihop.cli.context import app_context, fail, parse_day
from report.templating import render
from schema.periods import get_period
from schema.reminders import reminders_today


def remind(
    ctx: typer.Context,
    period: Annotated[str, typer.Argument(help="Mã kỳ, ví dụ 2023-H1.")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Chỉ in ai sẽ nhận thư gì và vì sao; không gửi.")] = False,
    today: Annotated[
        str | None,
        typer.Option("--today", help="Xét như thể hôm nay là ngày này (YYYY-MM-DD); chỉ dùng cùng --dry-run."),
    ] = None,
) -> None:
    """Gửi thư nhắc đến hạn hôm nay cho các đơn vị chưa gửi báo cáo hợp lệ."""
    if not dry_run:
        fail("Chưa cấu hình gửi thư nhắc: hiện chỉ dùng được «phoihop remind KỲ --dry-run».")
    day = parse_day(today) or datetime.now(REPORTING_TZ).date()
    app = app_context(ctx)
    with app.session() as session:
        row = get_period(session, period)
        decisions = reminders_today(session, app.roster(session), row, day)
        typer.echo(render("reminders/dry_run.txt.j2", period=row, today=day, decisions=decisions), nl=False)


def register(app: typer.Typer) -> None:
    app.command()(remind)
