"""`phoihop remind --dry-run` as a user types it: who would get what and why, around Tết, on SQLite and PostgreSQL."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from agencies.roster import Roster
from schema.models import Period
from tests.cli.command import one_line, phoihop
from tests.factories import POLICE_FIGURES, filled_form

PERIOD = "2024-M02"  # deadline Sunday 18/02/2024, just after Tết Giáp Thìn (08–14/02/2024)


@pytest.fixture
def cycle(session: Session, database_url: str, tmp_path: Path, roster: Roster) -> str:
    """2024-M02 opened on 20/01/2024; police sent a valid return, market surveillance a refused one."""
    data_dir = tmp_path / "var"
    assert phoihop(data_dir, "--db", database_url, "init").returncode == 0
    opened = phoihop(data_dir, "--db", database_url, "period", "open", PERIOD)
    assert opened.returncode == 0, opened.stderr
    session.get(Period, "2024-M2").opened_at = datetime(2024, 1, 20, 2, tzinfo=UTC)
    session.commit()
    files = []
    for agency, figures in [("police", POLICE_FIGURES), ("market-surveillance", {"violation_cases": -1})]:
        path = tmp_path / f"{agency}.xlsx"
        path.write_bytes(filled_form(roster, agency, PERIOD, figures=figures))
        files.append(str(path))
    phoihop(data_dir, "--db", database_url, "submit", *files)
    return database_url


def dry_run(tmp_path: Path, url: str, today: str) -> list[str]:
    result = phoihop(tmp_path / "var", "--db", url, "remind", PERIOD, "--dry-run", "--today", today)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result.stdout.splitlines()


def line_of(lines: list[str], agency: str) -> str:
    return next(line for line in lines if f"({agency}):" in line)


def test_dry_run_the_day_before_a_sunday_deadline(cycle: str, tmp_path: Path, roster: Roster) -> None:
    lines = dry_run(tmp_path, cycle, "2024-02-16")
    assert lines[0] == "Nhắc gửi báo cáo kỳ 2024-M2, ngày 16/02/2024 — chạy thử, không gửi thư nào."
    assert lines[1] == f"Sẽ gửi {len(roster.agencies()) - 1} thư:"
    assert line_of(lines, "customs") == (
        "- Chi cục Hải quan Hưng Yên (customs): bước «nhắc trước hạn 1 ngày» (ngày 16/02/2024), "
        "thư «nhắc gửi báo cáo»; còn 1 ngày làm việc đến hạn 18/02/2024; gửi tới: vanthu@haiquan.hungyen.example."
    )
    market = lines.index(line_of(lines, "market-surveillance"))
    assert "thư «báo cáo có lỗi»" in lines[market]
    assert lines[market + 1].startswith("    · Trang «Số liệu», ô ")  # the refused return's error, by cell
    assert line_of(lines, "police").endswith("(police): đã gửi báo cáo hợp lệ.")
    assert "Bỏ qua 1 đơn vị:" in lines


def test_dry_run_over_tet_and_once_late(cycle: str, tmp_path: Path) -> None:
    tet = dry_run(tmp_path, cycle, "2024-02-12")
    assert "Sẽ gửi 0 thư:" in tet and "  (không có)" in tet
    assert "hôm nay là ngày nghỉ, thư nhắc chờ đến ngày làm việc tiếp theo" in line_of(tet, "customs")
    back = dry_run(tmp_path, cycle, "2024-02-15")
    assert "bước «nhắc trước hạn 3 ngày» (ngày 07/02/2024)" in line_of(back, "customs"), "the T-3 missed over Tết"
    assert "còn 2 ngày làm việc" in line_of(back, "customs")
    late = dry_run(tmp_path, cycle, "2024-02-23")
    assert "bước «báo cáo lãnh đạo do quá hạn»" in line_of(late, "customs")
    assert "quá hạn 5 ngày làm việc (hạn 18/02/2024)" in line_of(late, "customs")
    assert "thanhtra@stttt.hungyen.example" in line_of(late, "customs"), "the coordinator is told"


def test_sending_is_not_configured_yet(cycle: str, tmp_path: Path) -> None:
    result = phoihop(tmp_path / "var", "--db", cycle, "remind", PERIOD)
    assert result.returncode == 1
    assert "Chưa cấu hình gửi thư nhắc" in one_line(result)
