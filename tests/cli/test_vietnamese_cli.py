"""The command line's own words in Vietnamese: its libraries' help headings and usage errors."""

from pathlib import Path

import pytest

from phoihop.cli.vietnamese import CATALOGUE
from tests.cli.command import phoihop

ENGLISH = ("Missing", "No such", "Did you mean", "Got unexpected", "Invalid value")


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["status"], "Thiếu tham số «period»"),
        (["withdraw", "police"], "Thiếu tham số «period»"),
        (["stauts", "2023-H1"], "Không có lệnh «stauts». Có phải: status?"),
        (["status", "2023-H1", "--jsn"], "Không có tùy chọn «--jsn». Có phải: --json?"),
        (["--bogus", "status"], "Không có tùy chọn «--bogus»."),
        (["status", "2023-H1", "extra"], "Thừa tham số: extra."),
    ],
)
def test_a_mistyped_command_line_is_told_in_vietnamese(tmp_path: Path, args: list[str], said: str) -> None:
    result = phoihop(tmp_path / "var", *args)
    assert result.returncode == 2
    assert said in result.stderr and "Xem hướng dẫn" in result.stderr and "Cách dùng: phoihop" in result.stderr
    assert not [word for word in ENGLISH if word in result.stderr], result.stderr


@pytest.mark.parametrize("args", [["--help"], ["status", "--help"], ["period", "open", "--help"], ["period", "--help"]])
def test_the_help_is_vietnamese(tmp_path: Path, args: list[str]) -> None:
    shown = phoihop(tmp_path / "var", *args).stdout
    assert "Cách dùng: phoihop" in shown and "Tùy chọn" in shown and "Hiện hướng dẫn này rồi thoát." in shown
    assert not [w for w in ("Usage:", "Options", "Commands", "Arguments", "Show this message") if w in shown], shown


def test_the_catalogue_compiles_and_every_entry_is_translated(tmp_path: Path) -> None:
    from io import BytesIO

    from babel.messages.pofile import read_po

    catalogue = read_po(BytesIO(CATALOGUE.read_bytes()), locale="vi")
    entries = [m for m in catalogue if m.id]
    assert len(entries) > 40
    untranslated = [m.id for m in entries if not (m.string if isinstance(m.string, str) else all(m.string))]
    assert untranslated == []
