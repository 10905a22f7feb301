"""The command line's own words in Vietnamese: its libraries' help headings and usage errors."""

from pathlib import Path

import pytest

from phoihop.cli.vietnamese import DOMAIN, LOCALE
from tests.cli.command import phoihop

ENGLISH = ("Missing", "No such", "Did you mean", "Got unexpected", "Invalid value", "Option ", "requires", "Usage")


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["status"], "Thiếu tham số «period»"),
        (["withdraw", "police"], "Thiếu tham số «period»"),
        (["stauts", "2023-H1"], "Không có lệnh «stauts». Có phải: status?"),
        (["status", "2023-H1", "--jsn"], "Không có tùy chọn «--jsn». Có phải: --json?"),
        (["--bogus", "status"], "Không có tùy chọn «--bogus»."),
        (["status", "2023-H1", "extra"], "Thừa tham số: extra."),
        (["period", "open", "2023-H1", "--deadline"], "Tùy chọn «--deadline» cần một giá trị đi kèm."),
        (["status", "2023-H1", "--json=x"], "Tùy chọn «--json» không nhận giá trị"),
    ],
)
def test_a_mistyped_command_line_is_told_in_vietnamese(tmp_path: Path, args: list[str], said: str) -> None:
    result = phoihop(tmp_path / "var", *args)
    assert result.returncode == 2
    assert said in result.stderr
    if "Xem hướng dẫn" in result.stderr:  # Typer adds the usage line when the error knows its command
        assert "Cách dùng: phoihop" in result.stderr
    assert not [word for word in ENGLISH if word in result.stderr], result.stderr


@pytest.mark.parametrize("args", [["--help"], ["status", "--help"], ["period", "open", "--help"], ["period", "--help"]])
def test_the_help_is_vietnamese(tmp_path: Path, args: list[str]) -> None:
    shown = phoihop(tmp_path / "var", *args).stdout
    assert "Cách dùng: phoihop" in shown and "Tùy chọn" in shown and "Hiện hướng dẫn này rồi thoát." in shown
    assert not [w for w in ("Usage:", "Options", "Commands", "Arguments", "Show this message") if w in shown], shown


def test_the_shipped_catalogue_is_the_compiled_po() -> None:
    """The `.mo` gettext reads says what the `.po` beside it says, entry for entry (recompile after editing the .po)."""
    import gettext
    from io import BytesIO

    from babel.messages.pofile import read_po

    folder = LOCALE / "vi" / "LC_MESSAGES"
    source = read_po(BytesIO((folder / f"{DOMAIN}.po").read_bytes()), locale="vi")
    with (folder / f"{DOMAIN}.mo").open("rb") as compiled:
        shipped = gettext.GNUTranslations(compiled)
    entries = [m for m in source if m.id]
    assert len(entries) > 40
    for message in entries:
        if isinstance(message.id, str):
            assert shipped.gettext(message.id) == message.string, message.id
        else:
            assert shipped.ngettext(message.id[0], message.id[1], 1) == message.string[0], message.id


def test_importing_the_package_changes_nothing_of_the_process(tmp_path: Path) -> None:
    """Only the console script switches gettext to Vietnamese; a library user or a test importing us does not."""
    import subprocess
    import sys

    probe = "import os, gettext, phoihop.cli.main; print(gettext.textdomain(), os.environ.get('LANGUAGE'))"
    env = {k: v for k, v in __import__("os").environ.items() if k != "LANGUAGE"}
    shown = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True).stdout
    assert shown.split() == ["messages", "None"]
