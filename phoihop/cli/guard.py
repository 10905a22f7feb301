"""The one place where whatever a command raises becomes one Vietnamese line and an exit code.

A `UserError` (and a database or disk fault, through `schema.faults.fault_of`) prints its
message; anything else is an internal error. Either way the traceback goes to the log file
only, and the line says where that file is.
"""

from __future__ import annotations

import logging
from typing import Any, NoReturn

import typer
from sqlalchemy.exc import SQLAlchemyError
from typer._click import exceptions as click_errors
from typer.core import TyperGroup

from agencies.errors import UserError
from phoihop.cli.context import EXIT_INTERNAL_ERROR, AppContext, exit_code_of, fail, log
from phoihop.cli.usage_errors import VietnameseHelp, in_vietnamese
from schema.faults import fault_of


def _log_and_fail(app: AppContext | None, exc: Exception, error: UserError | None) -> NoReturn:
    if error is not None and error.status < 500:  # the user's own slip: the line says all, nothing to log
        fail(error.message, code=exit_code_of(error))
    handler = app.log_file if app is not None else None
    if handler is not None:  # straight to the file: never to a console handler someone else set up
        code = error.code if error is not None else "internal_error"
        exc_info = (type(exc), exc, exc.__traceback__)
        handler.handle(log.makeRecord(log.name, logging.ERROR, __file__, 0, "command failed (%s)", (code,), exc_info))
    where = f" Chi tiết kỹ thuật ghi trong {handler.path}." if handler is not None and handler.stream else ""
    if error is None:
        fail(
            f"Lỗi nội bộ của phoihop ({type(exc).__name__}); lệnh chưa hoàn tất.{where} "
            "Hãy gửi tệp nhật ký này cho quản trị viên.",
            code=EXIT_INTERNAL_ERROR,
        )
    fail(f"{error.message}{where}", code=exit_code_of(error))


class GuardedGroup(VietnameseHelp, TyperGroup):
    """The `phoihop` group: runs a command and turns its failure into one line (see the module)."""

    def make_context(self, *args: Any, **kwargs: Any) -> typer.Context:
        try:
            return super().make_context(*args, **kwargs)
        except click_errors.UsageError as error:  # e.g. an unknown option before the command
            raise in_vietnamese(error) from None

    def invoke(self, ctx: typer.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click_errors.UsageError as error:  # a mistyped command line: Typer prints it, in Vietnamese
            raise in_vietnamese(error) from None
        except (typer.Exit, typer.Abort, typer.TyperException):  # already said
            raise
        except Exception as exc:
            app = ctx.obj if isinstance(ctx.obj, AppContext) else None
            if app is not None and isinstance(exc, SQLAlchemyError):
                _log_and_fail(app, exc, fault_of(exc, app.database_label, app.database_folder))
            _log_and_fail(app, exc, fault_of(exc))
