"""A mistyped command line and the help, told in Vietnamese: Typer's own words here are English and outside gettext.

The error keeps its context, so Typer still prints the usage line and where to find help.
"""

from __future__ import annotations

import re
from typing import Any

import typer
from typer._click import exceptions as click_errors
from typer.core import TyperCommand, TyperGroup

# Click's part of the message may already be in Vietnamese (gettext), Typer's suggestion never is.
NO_SUCH_COMMAND = re.compile(
    r"(?:No such command|Không có lệnh) '(?P<name>.*?)'\.(?: Did you mean (?P<nearest>.*)\?)?$"
)
OPTION_NEEDS_VALUE = re.compile(r"Option '(?P<name>.+?)' requires (?:an argument|(?P<count>\d+) arguments)\.$")
OPTION_TAKES_NO_VALUE = re.compile(r"Option '(?P<name>.+?)' does not take a value\.$")
EXTRA_ARGUMENTS = re.compile(r"Got unexpected extra argument(?:s|\(s\))? \((?P<args>.*)\)$")


def in_vietnamese(error: click_errors.UsageError) -> click_errors.UsageError:
    """The same error, its message in Vietnamese where we know its words; else unchanged."""
    message = None
    if isinstance(error, click_errors.MissingParameter) and error.param is not None:
        kind = "tham số" if error.param.param_type_name == "argument" else "tùy chọn"
        message = f"Thiếu {kind} «{(error.param.name or '').lower()}». Xem cách dùng ở dòng trên."
    elif isinstance(error, click_errors.NoSuchOption):
        message = f"Không có tùy chọn «{error.option_name}»."
        if error.possibilities:
            message += f" Có phải: {', '.join(sorted(error.possibilities))}?"
    elif isinstance(error, click_errors.BadParameter):
        hint = (error.param.name or "").lower() if error.param is not None else "tham số"
        message = f"Giá trị không hợp lệ cho «{hint}» ({error.message})."
    elif found := NO_SUCH_COMMAND.match(error.message):
        message = f"Không có lệnh «{found['name']}»."
        if found["nearest"]:
            message += f" Có phải: {found['nearest'].replace(chr(39), '')}?"
    elif found := OPTION_NEEDS_VALUE.match(error.message):
        message = f"Tùy chọn «{found['name']}» cần {found['count'] or 'một'} giá trị đi kèm."
    elif found := OPTION_TAKES_NO_VALUE.match(error.message):
        message = f"Tùy chọn «{found['name']}» không nhận giá trị; chỉ cần ghi «{found['name']}»."
    elif found := EXTRA_ARGUMENTS.match(error.message):
        message = f"Thừa tham số: {found['args']}."
    elif error.message == "Missing command.":
        message = "Thiếu tên lệnh."
    if message is None:
        return error
    return click_errors.UsageError(message, ctx=error.ctx)


HELP_OPTION_TEXT = "Hiện hướng dẫn này rồi thoát."
USAGE_PREFIX = "Cách dùng: "


class VietnameseHelp:
    """For a Typer command or group: the `--help` option and the usage line in Vietnamese."""

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = HELP_OPTION_TEXT
        return option

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        pieces = self.collect_usage_pieces(ctx)  # type: ignore[attr-defined]
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=USAGE_PREFIX)


class VietnameseCommand(VietnameseHelp, TyperCommand):
    pass


class VietnameseGroup(VietnameseHelp, TyperGroup):
    pass


def speak_vietnamese(app: typer.Typer) -> None:
    """Every command and sub-group registered on `app` (and below) built with the Vietnamese classes."""
    for command in app.registered_commands:
        if command.cls in (None, TyperCommand):
            command.cls = VietnameseCommand
    for group in app.registered_groups:
        if group.cls in (None, TyperGroup) or not isinstance(group.cls, type):
            group.cls = VietnameseGroup
        if group.typer_instance is not None:
            speak_vietnamese(group.typer_instance)
