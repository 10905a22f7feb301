"""`phoihop init`, `agencies` and `period …`: the database, the roster, the cycles."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from agencies.calendar import working_days_between
from agencies.roster import DEFAULT_ROSTER, load_roster
from phoihop.cli.context import app_context, console, parse_day
from schema.periods import open_period, period_of, set_period_state
from schema.roster_store import save_roster

period_app = typer.Typer(help="Kỳ báo cáo.", no_args_is_help=True)


def init(
    ctx: typer.Context,
    roster: Annotated[
        Path | None, typer.Option(help="Tệp danh sách đơn vị (YAML); mặc định: danh sách Hưng Yên kèm theo.")
    ] = None,
) -> None:
    """Tạo hoặc nâng cấp cơ sở dữ liệu và nạp (hoặc cập nhật) danh sách đơn vị báo cáo."""
    from report.trial import check_wording  # pandas and the templates only where they are needed
    from schema.migrate import upgrade_to_head  # alembic only where it is needed

    app = app_context(ctx)
    path = roster or DEFAULT_ROSTER
    loaded = load_roster(path)
    check_wording(loaded)  # a trial draft: a template asking for what a form lacks is refused now
    upgrade_to_head(app.engine)
    with app.session() as session:
        version, changed = save_roster(session, loaded, str(path), app.actor)
    url = app.engine.url.render_as_string(hide_password=True)
    console.print(f"Cơ sở dữ liệu sẵn sàng: {url}")
    agencies = len(loaded.agencies())
    if changed:
        console.print(
            f"Đã nạp danh sách «{loaded.id}»: {len(loaded.groups)} nhóm, {agencies} đơn vị (bản #{version.id})."
        )
    else:
        console.print(f"Danh sách «{loaded.id}» không thay đổi ({agencies} đơn vị, bản #{version.id}).")


@period_app.command("open")
def open_command(
    ctx: typer.Context,
    period: Annotated[
        str, typer.Argument(help="Mã kỳ: 2023-H1, 2023-H2, 2023-Y, 2023-Q1, 2023-M10; kỳ chuyên đề: 2023-CD1.")
    ],
    deadline: Annotated[
        str | None, typer.Option(help="Hạn gửi (YYYY-MM-DD): riêng cho kỳ này; bắt buộc với kỳ chuyên đề.")
    ] = None,
    start: Annotated[str | None, typer.Option(help="Kỳ chuyên đề: ngày bắt đầu lấy số liệu (YYYY-MM-DD).")] = None,
    end: Annotated[str | None, typer.Option(help="Kỳ chuyên đề: ngày kết thúc lấy số liệu (YYYY-MM-DD).")] = None,
    title: Annotated[
        str | None, typer.Option(help="Kỳ chuyên đề: tên chuyên đề, dùng trong trích yếu báo cáo (tùy chọn).")
    ] = None,
) -> None:
    """Mở một kỳ báo cáo: thời gian lấy số liệu và hạn gửi theo danh sách đơn vị, hoặc ghi rõ với kỳ chuyên đề."""
    app = app_context(ctx)
    chosen = parse_day(deadline)
    first, last = parse_day(start), parse_day(end)
    with app.session() as session:
        row = open_period(session, period, app.actor, deadline=chosen, start=first, end=last, title=title)
        label = period_of(row).label
    console.print(
        f"Đã mở kỳ {row.id} ({escape(label)}): số liệu từ {row.window_start:%d/%m/%Y} đến {row.window_end:%d/%m/%Y}, "
        f"hạn gửi {row.deadline:%d/%m/%Y}."
    )
    for group_id, day in sorted(row.group_deadlines.items()):
        console.print(f"  Nhóm {group_id}: hạn gửi {date.fromisoformat(day):%d/%m/%Y}.")
    if working_days_between(row.window_end, row.deadline) < 1:
        console.print(
            "[yellow]Lưu ý:[/] giữa ngày chốt số liệu và hạn gửi không có ngày làm việc nào "
            "(Nghị định 09/2019/NĐ-CP, Điều 8, yêu cầu tối thiểu 01 ngày làm việc)."
        )


def _set_state(ctx: typer.Context, period: str, state: str, reason: str) -> str:
    app = app_context(ctx)
    with app.session() as session:
        return set_period_state(session, period, state, app.actor, reason).id


@period_app.command("close")
def close_command(
    ctx: typer.Context,
    period: Annotated[str, typer.Argument(help="Mã kỳ.")],
    reason: Annotated[str, typer.Option(help="Lý do (ghi vào nhật ký).")] = "",
) -> None:
    """Khóa kỳ báo cáo: không nhận thêm báo cáo."""
    console.print(f"Đã khóa kỳ {_set_state(ctx, period, 'closed', reason)}: không nhận thêm báo cáo.")


@period_app.command("reopen")
def reopen_command(
    ctx: typer.Context,
    period: Annotated[str, typer.Argument(help="Mã kỳ.")],
    reason: Annotated[str, typer.Option(help="Lý do, ví dụ: nhận báo cáo muộn của đơn vị X.")] = "",
) -> None:
    """Mở lại kỳ báo cáo đã khóa để nhận báo cáo muộn."""
    console.print(f"Đã mở lại kỳ {_set_state(ctx, period, 'open', reason)}.")


def agencies(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="In dạng JSON.")] = False,
) -> None:
    """Danh sách đơn vị báo cáo đang áp dụng: mã (dùng trong các lệnh khác), tên và nhóm."""
    app = app_context(ctx)
    with app.session() as session:
        roster = app.roster(session)
    rows = [(agency.id, agency.name, group) for group in roster.groups for agency in group.agencies]
    if as_json:
        document = [{"agency": a, "name": name, "group": g.id, "group_title": g.title} for a, name, g in rows]
        typer.echo(json.dumps(document, ensure_ascii=False, indent=2))
        return
    table = Table(title=f"Đơn vị báo cáo — {len(rows)} đơn vị, {len(roster.groups)} nhóm")
    for header in ("Mã đơn vị", "Tên", "Nhóm"):
        table.add_column(header)
    for agency_id, name, group in rows:
        table.add_row(agency_id, escape(name), escape(group.title))
    console.print(table)


def register(app: typer.Typer) -> None:
    app.command()(init)
    app.command()(agencies)
    app.add_typer(period_app, name="period")
