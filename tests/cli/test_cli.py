"""The newcomer's path through the CLI, on SQLite and PostgreSQL, as a user would type it."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from agencies.file_safety import DEFAULT_LIMITS
from agencies.roster import Roster
from phoihop.cli.main import app
from schema.models import Blob, Return
from tests.factories import POLICE_FIGURES, fill_form

runner = CliRunner()


def phoihop(database_url: str, *args: str):
    return runner.invoke(app, ["--db", database_url, *args], catch_exceptions=False, env={"COLUMNS": "250"})


@pytest.fixture
def cycle(session: Session, database_url: str, tmp_path: Path) -> Path:
    """`init`, `period open 2023-H1` and `forms` done; returns the forms folder."""
    assert phoihop(database_url, "init").exit_code == 0
    opened = phoihop(database_url, "period", "open", "2023-H1")
    assert opened.exit_code == 0, opened.output
    assert "15/12/2022" in opened.output and "14/06/2023" in opened.output and "18/06/2023" in opened.output
    forms = phoihop(database_url, "forms", "2023-H1", "--out", str(tmp_path / "forms"))
    assert forms.exit_code == 0, forms.output
    assert "25 biểu mẫu" in forms.output
    return tmp_path / "forms"


def status(database_url: str) -> dict[str, dict]:
    result = phoihop(database_url, "status", "2023-H1", "--json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["period"] == "2023-H1"
    return {a["agency"]: a for a in document["agencies"]}


def test_init_forms_submit_status(cycle: Path, database_url: str, tmp_path: Path) -> None:
    assert len(list(cycle.glob("2023-H1_*.xlsx"))) == 25
    assert set(status(database_url).values().__iter__().__next__()) == {
        "agency", "name", "group", "state", "version", "received_at", "late", "received_via",
    }  # fmt: skip
    police = tmp_path / "cong-an.xlsx"
    police.write_bytes(fill_form((cycle / "2023-H1_police.xlsx").read_bytes(), figures=POLICE_FIGURES))
    customs = tmp_path / "hai-quan.xlsx"
    customs.write_bytes(fill_form((cycle / "2023-H1_customs.xlsx").read_bytes(), figures={"violation_cases": 0}))
    sent = phoihop(database_url, "submit", str(police), str(customs))
    assert sent.exit_code == 0, sent.output
    assert sent.output.count("phiên bản 1") == 2 and "biên nhận #" in sent.output

    states = status(database_url)
    assert states["police"]["state"] == "accepted" and states["police"]["version"] == 1
    assert states["customs"]["state"] == "accepted"
    assert states["dic"]["state"] == "missing" and states["dic"]["version"] is None
    assert sum(a["state"] == "missing" for a in states.values()) == 23

    corrected = tmp_path / "cong-an-sua.xlsx"
    corrected.write_bytes(fill_form(police.read_bytes(), figures={"fraud_cases": 5}))
    again = phoihop(database_url, "submit", str(corrected), "--agency", "police")
    assert again.exit_code == 0 and "phiên bản 2" in again.output
    duplicate = phoihop(database_url, "submit", str(corrected))
    assert duplicate.exit_code == 0 and "không tạo phiên bản mới" in duplicate.output
    assert status(database_url)["police"]["version"] == 2

    table = phoihop(database_url, "status", "2023-H1")
    assert table.exit_code == 0 and "Đã nhận 2/25 đơn vị" in table.output


def test_a_file_past_the_read_bound_is_refused_unread(session: Session, database_url: str, tmp_path: Path) -> None:
    """The drop folder's size policy (`Limits.unread_past`); the file is sparse, so nothing is slow."""
    assert phoihop(database_url, "init").exit_code == 0
    big = tmp_path / "anh-chup.xlsx"
    with open(big, "wb") as file:
        file.truncate(DEFAULT_LIMITS.unread_past + 1)
    sent = phoihop(database_url, "submit", str(big))
    assert sent.exit_code == 1
    assert "không nhận. Tệp nặng 80.0 MB, vượt giới hạn 20 MB." in sent.output and "(file_too_large)" in sent.output
    assert session.scalars(select(Blob.sha256)).all() == []


def test_a_bad_file_gets_its_cells_named_and_is_kept(
    cycle: Path, database_url: str, session: Session, tmp_path: Path
) -> None:
    bad = tmp_path / "loi.xlsx"
    bad.write_bytes(
        fill_form(
            (cycle / "2023-H1_police.xlsx").read_bytes(),
            figures={**POLICE_FIGURES, "fraud_cases": "bốn", "accounts_removed": -15},
        )
    )
    result = phoihop(database_url, "submit", str(bad))
    assert result.exit_code == 1
    assert "không hợp lệ, 2 lỗi" in result.output
    assert (
        "Trang «Số liệu», ô D" in result.output and "(not_a_number)" in result.output and "(negative)" in result.output
    )
    assert "Tệp gốc đã được lưu" in result.output
    stored = session.scalars(select(Return).where(Return.filename == "loi.xlsx")).one()
    assert session.get(Blob, stored.sha256).content == bad.read_bytes()
    assert status(database_url)["police"]["state"] == "invalid"


def test_another_agencys_form_and_a_word_file_are_refused(cycle: Path, database_url: str, tmp_path: Path) -> None:
    police = tmp_path / "police.xlsx"
    police.write_bytes(fill_form((cycle / "2023-H1_police.xlsx").read_bytes(), figures=POLICE_FIGURES))
    result = phoihop(database_url, "submit", str(police), "--agency", "customs")
    assert result.exit_code == 1 and "(agency_mismatch)" in result.output and "Công an tỉnh Hưng Yên" in result.output
    letter = tmp_path / "bao-cao.docx"
    letter.write_bytes(b"PK\x03\x04 not really a workbook")
    result = phoihop(database_url, "submit", str(letter), "--agency", "customs")
    assert result.exit_code == 1 and "(unreadable_workbook)" in result.output
    assert status(database_url)["customs"]["state"] == "invalid"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["status", "2023-H2"], "Kỳ báo cáo 2023-H2 chưa được mở"),
        (["status", "2023-H9"], "không hợp lệ"),
        (["period", "open", "2023-H1"], "đã được mở từ trước"),
        (["period", "open", "2023-H2", "--deadline", "2023-12-10"], "phải sau ngày chốt số liệu 14/12/2023"),
        (["period", "open", "2023-H2", "--deadline", "18/12/2023"], "dùng dạng YYYY-MM-DD"),
        (["submit", "khong-co.xlsx"], "Không tìm thấy tệp"),
        (["submit", "x.xlsx", "--agency", "ghost"], "Mã đơn vị «ghost»"),
    ],
)
def test_user_errors_exit_non_zero_with_one_line(cycle: Path, database_url: str, args: list[str], message: str) -> None:
    result = phoihop(database_url, *args)
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output


def test_commands_before_init_say_what_to_do(tmp_path: Path) -> None:
    result = phoihop(f"sqlite:///{tmp_path / 'new.db'}", "status", "2023-H1")
    assert result.exit_code == 1 and "phoihop init" in result.output


def test_init_with_a_broken_roster_names_the_file(tmp_path: Path, roster: Roster) -> None:
    broken = tmp_path / "roster.yaml"
    broken.write_text("id: x\nprovince: [\n", encoding="utf-8")
    result = phoihop(f"sqlite:///{tmp_path / 'new.db'}", "init", "--roster", str(broken))
    assert result.exit_code == 1 and str(broken) in result.output and "YAML" in result.output


def test_init_twice_keeps_the_roster(session: Session, database_url: str) -> None:
    assert phoihop(database_url, "init").exit_code == 0
    second = phoihop(database_url, "init")
    assert second.exit_code == 0 and "không thay đổi" in second.output


def test_commands_that_run_no_flow_do_not_import_prefect(cycle: Path, database_url: str) -> None:
    script = (
        "import sys\n"
        "from phoihop.cli.main import app\n"
        f"for args in (['status', '2023-H1'], ['submit', 'none.xlsx']):\n"
        f"    try:\n"
        f"        app(['--db', {database_url!r}, *args])\n"
        f"    except SystemExit:\n"
        f"        pass\n"
        "print(sorted(m for m in ('prefect', 'pandas', 'openpyxl') if m in sys.modules), file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert result.stderr.strip().splitlines()[-1] == "[]"


def test_the_console_script_is_installed() -> None:
    result = subprocess.run(
        [Path(sys.executable).parent / "phoihop", "--help"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0 and "period" in result.stdout and "submit" in result.stdout


def test_withdraw_history_close_reopen_and_token(cycle: Path, database_url: str, tmp_path: Path) -> None:
    customs = tmp_path / "hq.xlsx"
    customs.write_bytes(fill_form((cycle / "2023-H1_customs.xlsx").read_bytes(), figures={"violation_cases": "02 vụ"}))
    assert phoihop(database_url, "submit", str(customs)).exit_code == 0
    withdrawn = phoihop(database_url, "withdraw", "customs", "2023-H1", "--reason", "gửi nhầm số liệu")
    assert withdrawn.exit_code == 0 and "Đã rút báo cáo phiên bản 1" in withdrawn.output
    assert status(database_url)["customs"]["state"] == "withdrawn"
    assert phoihop(database_url, "withdraw", "customs", "2023-H1").exit_code == 1

    assert phoihop(database_url, "period", "close", "2023-H1").exit_code == 0
    late = phoihop(database_url, "submit", str(customs))
    assert late.exit_code == 1 and "(period_closed)" in late.output
    assert phoihop(database_url, "period", "reopen", "2023-H1", "--reason", "nhận báo cáo muộn").exit_code == 0

    history = phoihop(database_url, "history", "customs", "2023-H1")
    assert history.exit_code == 0
    text = history.output
    for label in (
        "Mở kỳ báo cáo",
        "Nhận tệp",
        "Chấp nhận",
        "Đơn vị rút báo cáo",
        "Khóa kỳ báo cáo",
        "Không hợp lệ",
        "Mở lại kỳ báo cáo",
    ):
        assert label in text, label
    assert text.index("Chấp nhận") < text.index("Đơn vị rút") < text.index("Khóa kỳ") < text.index("Mở lại kỳ")

    issued = phoihop(database_url, "token", "police")
    assert issued.exit_code == 0 and issued.output.strip().splitlines()[-1].startswith("phh_")
    assert phoihop(database_url, "token", "--coordinator").exit_code == 0
    assert phoihop(database_url, "token").exit_code == 1
