"""`phoihop remind`: send the reminders due today for a period (the `remind` flow); `--dry-run` shows who would
get what, and why, and sends nothing."""

from __future__ import annotations

import asyncio
import os
from datetime import date, datetime
from typing import Annotated

import typer

from agencies.calendar import REPORTING_TZ
from phoihop.cli.context import AppContext, app_context, console, fail, parse_day
from report.templating import render
from schema.periods import get_period
from schema.reminders import reminders_today


def _send(app: AppContext, period_id: str, today: date) -> None:
    """Run the Prefect flow (imported only here: it costs seconds to start) and tell what it did."""
    with console.status("Đang gửi thư nhắc (luồng Prefect «remind»)…"):
        # Prefect's own lines (retries, tracebacks) go to the technical log, not between the command's words.
        os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "CRITICAL")
        from flows.remind import remind as remind_flow
        from flows.reminder_sending import reminder_rows

        app.settings.export_database()  # the flow reads its database from the settings, never a parameter
        state = asyncio.run(remind_flow(period=period_id, today=today, return_state=True))
    with app.session() as session:
        rows = reminder_rows(session, period_id, today, str(state.state_details.flow_run_id))
        period = get_period(session, period_id)
    typer.echo(render("reminders/sent.txt.j2", period=period, today=today, rows=rows), nl=False)
    waiting = [row for _, row in rows if row is not None and row.state == "deferred"]
    if waiting:
        fail(
            f"{len(waiting)} thư nhắc chưa gửi được vì máy chủ thư gặp lỗi tạm thời; "
            "chạy lại lệnh (hoặc chờ lần chạy theo lịch) để gửi lại, không thư nào bị gửi hai lần."
        )
    if not state.is_completed():
        fail("Luồng gửi thư nhắc không hoàn thành; xem nhật ký kỹ thuật.")


def remind(
    ctx: typer.Context,
    period: Annotated[str, typer.Argument(help="Mã kỳ, ví dụ 2023-H1.")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Chỉ in ai sẽ nhận thư gì và vì sao; không gửi.")] = False,
    today: Annotated[
        str | None,
        typer.Option("--today", help="Xét như thể hôm nay là ngày này (YYYY-MM-DD), để chạy thử hoặc gửi bù."),
    ] = None,
) -> None:
    """Gửi thư nhắc đến hạn hôm nay cho các đơn vị chưa gửi báo cáo hợp lệ (mỗi bước nhắc chỉ gửi một lần)."""
    day = parse_day(today) or datetime.now(REPORTING_TZ).date()
    app = app_context(ctx)
    with app.session() as session:
        row = get_period(session, period)
        if dry_run:
            decisions = reminders_today(session, app.roster(session, row.id), row, day)
            typer.echo(render("reminders/dry_run.txt.j2", period=row, today=day, decisions=decisions), nl=False)
            return
    _send(app, row.id, day)


def register(app: typer.Typer) -> None:
    app.command()(remind)
