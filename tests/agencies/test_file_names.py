"""A file name as sent is kept for display only: its last part, printable, at most 255 characters."""

import pytest

from agencies.bounds import FILENAME_MAX
from agencies.file_names import display_name


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("bao-cao.xlsx", "bao-cao.xlsx"),
        ("C:\\Users\\can-bo\\Desktop\\bao-cao.xlsx", "bao-cao.xlsx"),
        ("../../etc/passwd", "passwd"),
        ("thư mục/..\\báo cáo 6 tháng.xlsx", "báo cáo 6 tháng.xlsx"),
        ("bao\x00-cao\x1b[31m.xlsx", "bao-cao[31m.xlsx"),
        ("\u202eslx.exe", "slx.exe"),  # a right-to-left override that would show `exe.xls`
        ("b\udce1o-c\udce1o.xlsx", "b\ufffdo-c\ufffdo.xlsx"),  # Latin-1 bytes, as Python decodes a non-UTF-8 name
        ("\ud83d.json", "\ufffd.json"),  # half an emoji
        ("Ba\u0301o ca\u0301o.xlsx", "Báo cáo.xlsx"),  # decomposed (macOS) becomes composed
        ("  bao-cao.xlsx  ", "bao-cao.xlsx"),
        ("a" * (FILENAME_MAX - 5) + ".xlsx", "a" * (FILENAME_MAX - 5) + ".xlsx"),
        ("a" * (FILENAME_MAX - 4) + ".xlsx", "a" * (FILENAME_MAX - 6) + "….xlsx"),
        ("a" * 10_000, "a" * (FILENAME_MAX - 1) + "…"),
        ("folder/", None),
        ("..", None),
        ("\x00\x01", None),
        ("", None),
        (None, None),
    ],
)
def test_a_file_name_is_kept_for_display_only(sent: str | None, kept: str | None) -> None:
    assert display_name(sent) == kept
    assert kept is None or len(kept) <= FILENAME_MAX
