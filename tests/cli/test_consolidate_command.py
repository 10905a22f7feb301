"""`phoihop consolidate` as the coordinator types it: refused in Vietnamese when no agency has a valid return
(before any draft or Prefect run), and telling on the terminal whose figures an incomplete draft lacks."""

from pathlib import Path

from sqlalchemy.orm import Session

from agencies.roster import Roster
from tests.cli.command import one_line, phoihop
from tests.factories import POLICE_FIGURES, filled_form


def cycle(tmp_path: Path, url: str) -> Path:
    """The shared test database emptied (the `session` fixture), then set up as a user would."""
    data_dir = tmp_path / "var"
    assert phoihop(data_dir, "--db", url, "init").returncode == 0
    assert phoihop(data_dir, "--db", url, "period", "open", "2023-H1").returncode == 0
    return data_dir


def test_a_period_with_no_valid_return_is_refused_and_nothing_is_written(
    tmp_path: Path, database_url: str, session: Session
) -> None:
    data_dir = cycle(tmp_path, database_url)
    result = phoihop(data_dir, "--db", database_url, "consolidate", "2023-H1", "--out", str(tmp_path / "drafts"))
    assert result.returncode == 1
    assert one_line(result) == (
        "Lỗi: Kỳ 2023-H1 chưa có báo cáo hợp lệ nào trong 25 đơn vị phải báo cáo: chưa thể tổng hợp. "
        "Xem tình hình gửi báo cáo bằng «phoihop status 2023-H1»."
    )
    assert not (tmp_path / "drafts").exists() or list((tmp_path / "drafts").iterdir()) == []


def test_an_incomplete_period_is_drafted_and_the_terminal_says_whose_figures_are_missing(
    tmp_path: Path, database_url: str, session: Session, roster: Roster, prefect_api: str
) -> None:
    data_dir = cycle(tmp_path, database_url)
    police, customs = tmp_path / "ca.xlsx", tmp_path / "hq.xlsx"
    police.write_bytes(filled_form(roster, "police", figures=POLICE_FIGURES))
    customs.write_bytes(filled_form(roster, "customs", figures={"violation_cases": -1}))
    phoihop(data_dir, "--db", database_url, "submit", str(police), str(customs))
    result = phoihop(
        data_dir, "--db", database_url, "consolidate", "2023-H1", "--out", str(tmp_path / "drafts"),
        timeout=180, PREFECT_API_URL=prefect_api,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Tổng hợp kỳ 2023-H1 từ báo cáo của 1/25 đơn vị; dự thảo chưa gồm số liệu của 24 đơn vị:"
    assert "- Chi cục Hải quan Hưng Yên: không hợp lệ (báo cáo gửi gần nhất có lỗi)." in lines
    assert "- Sở Thông tin và Truyền thông tỉnh Hưng Yên: chưa gửi." in lines
    assert not any("Công an tỉnh Hưng Yên:" in line for line in lines), "the police sent"
    assert (tmp_path / "drafts" / "bao-cao-2023-H1.docx").exists()
