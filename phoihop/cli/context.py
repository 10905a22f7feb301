"""What every command shares: settings, the database, the roster, the console, and failing well."""

from __future__ import annotations

import getpass
import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property
from pathlib import Path
from typing import NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.text import Text
from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session

from agencies.errors import UserError
from agencies.roster import Roster
from phoihop.cli.logs import LazyLogFile
from report.templating import render
from schema.database import SCHEMA_REVISION, make_engine, make_session_factory, schema_revision
from schema.recovery import Recovery, finish_unfinished_uploads
from schema.roster_store import current_roster, roster_for
from schema.settings import Settings

console = Console(highlight=False, soft_wrap=True)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)
log = logging.getLogger(__name__)

# Exit codes: 0 done; 1 the user can fix it (a refused file, a wrong argument); 2 a malformed
# command line (Click's own); 3 a fault of the service around us (database unreachable or busy,
# disk full, data folder unusable): retry once it is fixed; 4 an internal error (a bug).
EXIT_USER_ERROR = 1
EXIT_SERVICE_FAULT = 3
EXIT_INTERNAL_ERROR = 4


def fail(message: str, code: int = EXIT_USER_ERROR) -> NoReturn:
    """Exit non-zero with a one-line reason."""
    err_console.print(f"[bold red]Lỗi:[/] {escape(message)}")
    raise typer.Exit(code=code)


def exit_code_of(error: UserError) -> int:
    return EXIT_SERVICE_FAULT if error.status >= 500 else EXIT_USER_ERROR


def parse_day(text: str | None) -> date | None:
    """A YYYY-MM-DD option, or exit with a one-line reason."""
    if text is None:
        return None
    try:
        return datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        fail(f"Ngày «{text}» không hợp lệ: dùng dạng YYYY-MM-DD, ví dụ 2023-06-18.")


def require_agency(roster: Roster, agency_id: str | None) -> None:
    """Unless `agency_id` (when given) is in the roster: a one-line reason naming the nearest ids."""
    if agency_id is not None:
        roster.require_agency(agency_id, hint="Xem mọi mã đơn vị bằng «phoihop agencies».")


def report_recovery(recovery: Recovery) -> None:
    """Tell (on stderr, so that `--json` stays clean) what became of uploads a killed run left."""
    for upload, receipt in recovery.finished:
        err_console.print(
            Text.assemble(("↻ ", "cyan"), render("receipts/recovered.txt.j2", upload=upload, receipt=receipt))
        )
    for upload in recovery.failed:
        err_console.print(
            f"[yellow]![/] Chưa hoàn tất được tệp «{escape(upload.filename or upload.sha256[:12])}» "
            f"(lần thử {upload.attempts}): {escape(upload.error or '')}. Tệp gốc vẫn được lưu; "
            "xem «phoihop status»."
        )


@dataclass
class AppContext:
    settings: Settings
    actor: str = field(default_factory=lambda: f"cli:{getpass.getuser()}")
    log_file: LazyLogFile | None = None  # the technical log, attached by the `phoihop` callback
    recovered: bool = False  # unfinished uploads were looked for in this run

    @cached_property
    def engine(self) -> Engine:
        return make_engine(self.settings.resolved_database_url)

    def session(self, require_init: bool = True) -> Session:
        """A session; on an initialised database the first one also finishes uploads a killed run left."""
        if not require_init:
            return make_session_factory(self.engine)()
        revision = schema_revision(self.engine)
        if revision is None:
            fail("Cơ sở dữ liệu chưa được khởi tạo: hãy chạy «phoihop init» trước.")
        if revision != SCHEMA_REVISION:
            fail(
                f"Cơ sở dữ liệu ở phiên bản lược đồ {revision}, cần {SCHEMA_REVISION}: hãy chạy «phoihop init» để nâng cấp."
            )
        session = make_session_factory(self.engine)()
        if not self.recovered:
            self.recovered = True
            grace = timedelta(seconds=self.settings.unfinished_grace_seconds)
            report_recovery(finish_unfinished_uploads(session, self.roster, grace))
        return session

    def close(self) -> None:
        if "engine" in self.__dict__:  # only if a command opened it
            self.engine.dispose()

    @property
    def database_label(self) -> str:
        """The database as a person may see it: the URL without its password."""
        try:
            return make_url(self.settings.resolved_database_url).render_as_string(hide_password=True)
        except ArgumentError:
            return "cơ sở dữ liệu"

    @property
    def database_folder(self) -> Path | None:
        """The folder of an SQLite database file (whose free space tells a full disk), else None."""
        try:
            url = make_url(self.settings.resolved_database_url)
        except ArgumentError:
            return None
        if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
            return None
        return Path(url.database).parent

    def roster(self, session: Session, period_id: str | None = None) -> Roster:
        """The roster of the period `period_id` if it was opened, else the newest loaded."""
        return roster_for(session, period_id) if period_id else current_roster(session)


def app_context(ctx: typer.Context) -> AppContext:
    obj = ctx.find_root().obj
    assert isinstance(obj, AppContext)
    return obj
