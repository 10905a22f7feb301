"""The `phoihop` command: what it tells people is in Vietnamese; logs are in English."""

from __future__ import annotations

from typing import Annotated

import typer

from phoihop.cli import audit, consolidation, returns, setup
from phoihop.cli.context import AppContext
from phoihop.settings import Settings

app = typer.Typer(
    name="phoihop",
    help="Điều phối báo cáo liên ngành: nhận báo cáo của các đơn vị, tổng hợp và dự thảo báo cáo chung.",
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
    settings = Settings(database_url=db) if db else Settings()
    ctx.obj = AppContext(settings=settings)
    ctx.call_on_close(ctx.obj.close)


setup.register(app)
returns.register(app)
consolidation.register(app)
audit.register(app)
