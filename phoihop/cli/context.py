"""What every command shares: settings, the database, the roster, the console, and failing well."""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import NoReturn

import typer
from rich.console import Console
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from agencies.calendar import PeriodIdError
from agencies.roster import Roster, RosterError
from phoihop.settings import Settings
from schema.database import is_initialized, make_engine, make_session_factory
from schema.periods import PeriodError
from schema.roster_store import RosterNotLoaded, current_roster

console = Console(highlight=False, soft_wrap=True)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)


def fail(message: str) -> NoReturn:
    """Exit non-zero with a one-line reason."""
    err_console.print(f"[bold red]Lỗi:[/] {message}")
    raise typer.Exit(code=1)


def parse_day(text: str | None) -> date | None:
    """A YYYY-MM-DD option, or exit with a one-line reason."""
    if text is None:
        return None
    try:
        return datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        fail(f"Ngày «{text}» không hợp lệ: dùng dạng YYYY-MM-DD, ví dụ 2023-06-18.")


def require_agency(roster: Roster, agency_id: str | None) -> None:
    """Exit with a one-line reason unless `agency_id` (when given) is in the roster."""
    if agency_id is not None and roster.agency(agency_id) is None:
        fail(f"Mã đơn vị «{agency_id}» không có trong danh sách đơn vị báo cáo.")


@contextmanager
def user_errors() -> Iterator[None]:
    """Errors a user can act on become one line and exit code 1, never a traceback."""
    try:
        yield
    except (PeriodError, PeriodIdError, RosterError, RosterNotLoaded) as exc:
        fail(str(exc))


@dataclass
class AppContext:
    settings: Settings
    actor: str = field(default_factory=lambda: f"cli:{getpass.getuser()}")

    @cached_property
    def engine(self) -> Engine:
        return make_engine(self.settings.resolved_database_url)

    def session(self, require_init: bool = True) -> Session:
        if require_init and not is_initialized(self.engine):
            fail("Cơ sở dữ liệu chưa được khởi tạo: hãy chạy «phoihop init» trước.")
        return make_session_factory(self.engine)()

    def close(self) -> None:
        if "engine" in self.__dict__:  # only if a command opened it
            self.engine.dispose()

    def roster(self, session: Session) -> Roster:
        return current_roster(session)


def app_context(ctx: typer.Context) -> AppContext:
    obj = ctx.find_root().obj
    assert isinstance(obj, AppContext)
    return obj
