"""A custom (thematic) period with its own dates, through the installed command, on SQLite and PostgreSQL."""

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from schema.models import Period
from tests.cli.command import one_line, phoihop
from tests.docx_reading import paragraphs
from tests.factories import POLICE_FIGURES, fill_form, json_return

TITLE = "Phòng, chống lừa đảo trực tuyến"
LABEL = f"chuyên đề «{TITLE}» từ ngày 01/01/2023 đến ngày 31/12/2024"
DATES = ("--start", "2023-01-01", "--end", "2024-12-31", "--deadline", "2025-01-10")


@pytest.fixture
def opened(session: Session, database_url: str, tmp_path: Path) -> Path:
    """`init`, then 2023-CD1 opened (on 01/12/2024) for 2023 and 2024 together; returns the data folder."""
    data_dir = tmp_path / "var"
    assert phoihop(data_dir, "--db", database_url, "init").returncode == 0
    result = phoihop(data_dir, "--db", database_url, "period", "open", "2023-cd1", *DATES, "--title", TITLE)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"Đã mở kỳ 2023-CD1 ({LABEL}): số liệu từ 01/01/2023 đến 31/12/2024, ")
    assert "hạn gửi 10/01/2025." in result.stdout
    session.get(Period, "2023-CD1").opened_at = datetime(2024, 12, 1, 2, tzinfo=UTC)
    session.commit()
    return data_dir


def test_a_custom_period_runs_the_whole_cycle(
    opened: Path, database_url: str, tmp_path: Path, prefect_api: str
) -> None:
    def run(*args: str, **env: str):
        result = phoihop(opened, "--db", database_url, *args, timeout=240, **env)
        assert result.returncode == 0, result.stderr
        return result.stdout

    assert "Đã tạo 25 biểu mẫu kỳ 2023-CD1" in run("forms", "2023-CD1", "--out", str(tmp_path / "forms"))
    police = tmp_path / "cong-an.xlsx"
    police.write_bytes(fill_form((tmp_path / "forms" / "2023-CD1_police.xlsx").read_bytes(), figures=POLICE_FIGURES))
    customs = tmp_path / "hai-quan.json"  # the JSON return names the period as typed, in lower case
    customs.write_bytes(json_return("customs", "2023-cd1", "customs@1", {"violation_cases": 0}))
    assert run("submit", str(police), str(customs)).count("phiên bản 1") == 2

    document = json.loads(run("status", "2023-CD1", "--json"))
    assert document["period"] == "2023-CD1"
    states = {a["agency"]: a for a in document["agencies"]}
    assert (states["police"]["state"], states["customs"]["state"]) == ("accepted", "accepted")
    assert (states["police"]["late"], states["dic"]["state"]) == (True, "missing")  # sent now, after 10/01/2025
    assert f"Tình hình gửi báo cáo kỳ 2023-CD1 ({LABEL}) — hạn gửi 10/01/2025" in run("status", "2023-cd1")

    # Reminders count from the stored deadline, Friday 10/01/2025: the day before is a step.
    lines = run("remind", "2023-CD1", "--dry-run", "--today", "2025-01-09").splitlines()
    assert lines[0] == "Nhắc gửi báo cáo kỳ 2023-CD1, ngày 09/01/2025 — chạy thử, không gửi thư nào."
    dic = next(line for line in lines if "(dic):" in line)
    assert "bước «nhắc trước hạn 1 ngày»" in dic and "đến hạn 10/01/2025" in dic

    said = run("consolidate", "2023-CD1", "--out", str(tmp_path / "out"), PREFECT_API_URL=prefect_api)
    assert "Đã lập dự thảo báo cáo kỳ 2023-CD1" in said
    text = paragraphs(tmp_path / "out" / "bao-cao-2023-CD1-v1.docx")
    subject = next(p for p in text if p.startswith("Kết quả công tác phối hợp"))
    assert subject.endswith(f"thông tin và truyền thông {LABEL}")
    assert any(f"trong lĩnh vực thông tin và truyền thông {LABEL} thuộc phạm vi" in p for p in text)
    assert not any("cùng kỳ" in p for p in text)  # a custom period has no same period last year


REFUSALS = [
    (("2023-H1", "--start", "2023-01-01"), "Kỳ 2023-H1 lấy số liệu và hạn gửi theo danh sách đơn vị"),
    (("2023-Y", "--title", "Chuyên đề"), "chỉ kỳ chuyên đề (mã dạng 2023-CD1) mới ghi ngày bắt đầu"),
    (("2023-CD2",), "Kỳ chuyên đề 2023-CD2 cần đủ ngày bắt đầu, ngày kết thúc lấy số liệu và hạn gửi"),
    (("2023-CD2", "--start", "2023-01-01", "--end", "2024-12-31"), "cần đủ ngày bắt đầu"),
    (("2023-CD2", "--end", "2024-12-31", "--deadline", "2025-01-10"), "cần đủ ngày bắt đầu"),
    (
        ("2023-CD2", "--start", "2023-01-01", "--end", "2023-01-01", "--deadline", "2023-02-01"),
        "Ngày kết thúc 01/01/2023 phải sau ngày bắt đầu 01/01/2023 của kỳ 2023-CD2.",
    ),
    (
        ("2023-CD2", "--start", "2023-01-01", "--end", "2024-12-31", "--deadline", "2024-12-31"),
        "Hạn gửi 31/12/2024 phải sau ngày chốt số liệu 31/12/2024 của kỳ 2023-CD2.",
    ),
    (
        ("2022-CD2", "--start", "2023-01-01", "--end", "2024-12-31", "--deadline", "2025-01-10"),
        "Năm 2022 trong mã kỳ 2022-CD2 phải nằm trong khoảng 01/01/2023 – 31/12/2024: hãy dùng mã 2023-CD2.",
    ),
    (("2023-CD1", *DATES), "Kỳ báo cáo 2023-CD1 đã được mở từ trước."),
    (("2023-CD0", *DATES), "Mã kỳ báo cáo «2023-CD0» không hợp lệ"),
]


def test_what_a_custom_period_needs_and_a_regular_one_refuses(opened: Path, database_url: str) -> None:
    for args, message in REFUSALS:
        result = phoihop(opened, "--db", database_url, "period", "open", *args)
        assert result.returncode != 0, args
        assert message in one_line(result), args
    at_bounds = ("2024-CD2", "--start", "2023-01-01", "--end", "2024-01-01", "--deadline", "2024-01-02")
    result = phoihop(opened, "--db", database_url, "period", "open", *at_bounds)  # a day apart, the year at the end
    assert result.returncode == 0, result.stderr
    assert "Đã mở kỳ 2024-CD2 (từ ngày 01/01/2023 đến ngày 01/01/2024)" in result.stdout  # no title: its dates
