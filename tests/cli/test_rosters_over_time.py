"""Rosters over time, through the installed command on SQLite and PostgreSQL: the 2023 roster (districts) and the
2026 one (after the 2025 reform: communes, the Department of Science and Technology) loaded side by side; each
period opened with the roster in force at its data window's end; the 2025-H2 draft compares the communes with the
2024-H2 district totals they replaced."""

import json
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from agencies.roster import DEFAULT_ROSTER
from tests.cli.command import phoihop
from tests.docx_reading import paragraphs, section, table_text
from tests.factories import json_return

ROSTER_2026 = DEFAULT_ROSTER.parents[1] / "hung-yen-2026" / "roster.yaml"


@pytest.fixture
def both(session: Session, database_url: str, tmp_path: Path) -> Path:
    """Both rosters loaded (the 2023 one first), 2024-H2 and 2025-H2 opened; the data folder."""
    data_dir = tmp_path / "var"
    for roster in (DEFAULT_ROSTER, ROSTER_2026):
        result = phoihop(data_dir, "--db", database_url, "init", "--roster", str(roster))
        assert result.returncode == 0, result.stderr
    assert "«hung-yen-2026»: 8 nhóm, 56 đơn vị" in result.stdout
    for period in ("2024-H2", "2025-H2"):
        result = phoihop(data_dir, "--db", database_url, "period", "open", period)
        assert result.returncode == 0, result.stderr
    return data_dir


def _agencies(data_dir: Path, database_url: str, period: str) -> dict[str, dict]:
    result = phoihop(data_dir, "--db", database_url, "status", period, "--json")
    assert result.returncode == 0, result.stderr
    return {a["agency"]: a for a in json.loads(result.stdout)["agencies"]}


def test_each_period_reports_with_the_roster_in_force_at_its_end(both: Path, database_url: str, tmp_path: Path) -> None:
    before, after = _agencies(both, database_url, "2024-H2"), _agencies(both, database_url, "2025-H2")
    assert "district-van-lam" in before and "dic" in before and not any(a.startswith("commune-") for a in before)
    assert (before["district-van-lam"]["group"], after["commune-nhu-quynh"]["group"]) == ("districts", "communes")
    assert "dost" in after and "dic" not in after and not any(a.startswith("district-") for a in after)
    assert sum(a.startswith("commune-") for a in after) == 41
    assert after["commune-nhu-quynh"]["name"] == "UBND xã Như Quỳnh"
    for period, count in (("2024-H2", 25), ("2025-H2", 56)):
        result = phoihop(both, "--db", database_url, "forms", period, "--out", str(tmp_path / period))
        assert f"Đã tạo {count} biểu mẫu kỳ {period}" in result.stdout, result.stderr
    assert (tmp_path / "2024-H2" / "2024-H2_district-van-lam.xlsx").is_file()
    assert (tmp_path / "2025-H2" / "2025-H2_commune-nhu-quynh.xlsx").is_file()
    assert not (tmp_path / "2025-H2" / "2025-H2_district-van-lam.xlsx").exists()


def test_a_return_is_checked_against_its_periods_roster(both: Path, database_url: str, tmp_path: Path) -> None:
    late_district = tmp_path / "van-lam.json"  # a district's return for 2024-H2, sent after the 2026 roster came
    late_district.write_bytes(json_return("district-van-lam", "2024-H2", "district@1", {"violation_cases": 1}))
    gone = tmp_path / "van-lam-2025.json"  # no district reports for 2025-H2
    gone.write_bytes(json_return("district-van-lam", "2025-H2", "district@1", {"violation_cases": 1}))
    result = phoihop(both, "--db", database_url, "submit", str(late_district), str(gone))
    assert result.returncode == 1
    assert "van-lam.json: đã nhận báo cáo của UBND huyện Văn Lâm, kỳ 2024-H2, phiên bản 1" in result.stdout
    assert "van-lam-2025.json: không hợp lệ" in result.stdout
    assert _agencies(both, database_url, "2024-H2")["district-van-lam"]["state"] == "accepted"
    history = phoihop(both, "--db", database_url, "history", "district-van-lam", "2024-H2")
    assert history.returncode == 0 and "Nhật ký báo cáo của district-van-lam, kỳ 2024-H2" in history.stdout


def test_the_communes_are_compared_with_the_districts_they_replaced(
    both: Path, database_url: str, tmp_path: Path, prefect_api: str
) -> None:
    returns = [
        ("dic", "2024-H2", "dic@1", {"inspections": 2, "fines_total": 0}),
        ("district-van-lam", "2024-H2", "district@1", {"violation_cases": 3, "interagency_inspections": 1}),
        ("district-yen-my", "2024-H2", "district@1", {"violation_cases": 2}),
        ("dost", "2025-H2", "dost@1", {"inspections": 3, "fines_total": 0}),
        ("commune-nhu-quynh", "2025-H2", "commune@1", {"violation_cases": 4, "interagency_inspections": 2}),
        ("commune-lac-dao", "2025-H2", "commune@1", {"violation_cases": 1}),
        ("commune-yen-my", "2025-H2", "commune@1", {"violation_cases": 3}),
    ]
    files = []
    for agency, period, form, figures in returns:
        files.append(tmp_path / f"{period}_{agency}.json")
        files[-1].write_bytes(json_return(agency, period, form, figures))
    result = phoihop(both, "--db", database_url, "submit", *map(str, files))
    assert result.returncode == 0, result.stdout + result.stderr
    out = tmp_path / "out"
    result = phoihop(
        both, "--db", database_url, "consolidate", "2025-H2", "--out", str(out), PREFECT_API_URL=prefect_api
    )
    assert result.returncode == 0, result.stderr
    draft = out / "bao-cao-2025-H2-v1.docx"
    communes = section(draft, "2.5. UBND các xã, phường")
    assert "Phát hiện 08 vụ việc vi phạm trong lĩnh vực thông tin và truyền thông" in communes
    assert "(tăng 03 vụ so với cùng kỳ năm 2024)" in communes, "last year's two districts: 05 vụ"
    assert "UBND xã Như Quỳnh: 04 vụ" in communes and "UBND xã Yên Mỹ: 03 vụ" in communes
    own = section(draft, "1.1.")
    assert "Sở KH&CN đã tiến hành 03 cuộc thanh tra" in own, "the DIC's section continued by the DOST's"
    assert "tăng 01 cuộc so với cùng kỳ năm 2024" in own
    header = table_text(draft, 0)
    assert "SỞ KHOA HỌC VÀ CÔNG NGHỆ" in header and "/BC-SKHCN" in header
    assert "Sở KH&CN báo cáo UBND tỉnh" in "\n".join(paragraphs(draft))
    assert "huyện" not in communes
