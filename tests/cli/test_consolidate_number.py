"""`phoihop consolidate --number N`: the document's number, a positive whole number; anything else is refused in one
Vietnamese line before the database is even opened (the number itself reaching the draft is
tests/report/test_decree_30.py's)."""

from pathlib import Path

import pytest

from tests.cli.command import one_line, phoihop


@pytest.mark.parametrize("number", ["0", "-3", "1.5", "abc", "١٢"])
def test_a_number_that_is_not_a_positive_whole_number_is_refused(tmp_path: Path, number: str) -> None:
    result = phoihop(tmp_path / "var", "consolidate", "2023-H1", "--number", number)
    assert result.returncode == 1
    assert one_line(result) == (
        f"Lỗi: Số văn bản «{number}» không hợp lệ: ghi một số nguyên dương, ví dụ --number 123."
    )


def test_number_1_is_taken(tmp_path: Path) -> None:
    result = phoihop(
        tmp_path / "var", "--db", f"sqlite:///{tmp_path / 'new.db'}", "consolidate", "2023-H1", "--number", "1"
    )
    assert "Số văn bản" not in result.stderr
    assert one_line(result) == "Lỗi: Cơ sở dữ liệu chưa được khởi tạo: hãy chạy «phoihop init» trước."
