"""The `phoihop` command: what it tells people is in Vietnamese; logs are in English."""

from __future__ import annotations

from typing import Annotated

import typer
from pydantic import ValidationError

from phoihop.cli import audit, consolidation, credentials, logs, reminders, returns, serve, setup
from phoihop.cli.context import AppContext, fail
from phoihop.cli.guard import GuardedGroup
from phoihop.cli.usage_errors import speak_vietnamese
from schema.settings import Settings

app = typer.Typer(
    name="phoihop",
    cls=GuardedGroup,
    help=(
        "Điều phối báo cáo liên ngành: nhận báo cáo của các đơn vị, tổng hợp và dự thảo báo cáo chung.\n\n"
        "Mã thoát: 0 thành công; 1 lỗi người dùng sửa được (tệp bị từ chối, tham số sai); 2 sai cú pháp lệnh; "
        "3 sự cố hệ thống (không kết nối được cơ sở dữ liệu, ổ đĩa đầy, thư mục dữ liệu không dùng được): "
        "khắc phục rồi chạy lại; 4 lỗi nội bộ. Chi tiết kỹ thuật của mọi sự cố ghi trong nhật ký "
        "var/logs/phoihop.log (theo PHOIHOP_DATA_DIR, hoặc PHOIHOP_LOG_FILE)."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def main(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option("--db", help="URL cơ sở dữ liệu (mặc định: PHOIHOP_DATABASE_URL, hoặc tệp SQLite trong ./var/)."),
    ] = None,
) -> None:
    try:
        settings = Settings(database_url=db) if db else Settings()
    except ValidationError as exc:
        wrong = ", ".join(f"PHOIHOP_{str(e['loc'][0]).upper()}" for e in exc.errors())
        fail(f"Thiết lập {wrong} không hợp lệ; hãy sửa biến môi trường rồi chạy lại.")
    handler = logs.attach(settings.resolved_log_file)
    ctx.obj = AppContext(settings=settings, log_file=handler)
    ctx.call_on_close(ctx.obj.close)
    ctx.call_on_close(lambda: logs.detach(handler))


setup.register(app)
returns.register(app)
consolidation.register(app)
audit.register(app)
serve.register(app)
credentials.register(app)
reminders.register(app)
speak_vietnamese(app)
