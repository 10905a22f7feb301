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
        "Xem tình hình gửi báo cáo trên bảng theo dõi kỳ (hoặc bằng lệnh «phoihop status 2023-H1»)."
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
    assert (tmp_path / "drafts" / "bao-cao-2023-H1-v1.docx").exists()


def test_a_rerun_after_a_corrected_return_writes_version_2_keeps_version_1_and_names_what_moved(
    tmp_path: Path, database_url: str, session: Session, roster: Roster, prefect_api: str
) -> None:
    data_dir = cycle(tmp_path, database_url)
    drafts = tmp_path / "drafts"

    def submit(agency: str, **figures: int) -> None:
        path = tmp_path / f"{agency}.xlsx"
        path.write_bytes(filled_form(roster, agency, figures=figures))
        assert phoihop(data_dir, "--db", database_url, "submit", str(path)).returncode == 0

    def consolidate() -> list[str]:
        result = phoihop(
            data_dir, "--db", database_url, "consolidate", "2023-H1", "--out", str(drafts),
            timeout=180, PREFECT_API_URL=prefect_api,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        return result.stdout.splitlines()

    submit("police", **POLICE_FIGURES)
    first = consolidate()
    v1 = drafts / "bao-cao-2023-H1-v1.docx"
    assert f"Đã lập dự thảo báo cáo kỳ 2023-H1, phiên bản 1 (bản mới nhất): {v1}" in first
    assert "Phiên bản 1 là bản dự thảo đầu tiên của kỳ 2023-H1 trong thư mục này." in first
    edited = v1.read_bytes() + b"the officer's edits"  # a downloaded draft an officer has worked on
    v1.write_bytes(edited)

    submit("police", **{**POLICE_FIGURES, "harmful_content_cases": POLICE_FIGURES["harmful_content_cases"] + 8})
    submit("customs", violation_cases=2)
    second = consolidate()
    v2 = drafts / "bao-cao-2023-H1-v2.docx"
    assert f"Đã lập dự thảo báo cáo kỳ 2023-H1, phiên bản 2 (bản mới nhất): {v2}" in second
    assert v1.read_bytes() == edited, "version 1 is kept as the officer left it"
    annex = drafts / "phu-luc-2023-H1-v2.xlsx"
    assert f"Phụ lục số liệu (kèm tình hình gửi báo cáo, nguồn số liệu, biểu đồ): {annex}" in second, "\n".join(second)
    assert annex.exists() and (drafts / "phu-luc-2023-H1-v1.xlsx").exists()
    assert v2.stat().st_size > 0
    changes = second[second.index("So với phiên bản 1:") + 1 :]
    moved = [line for line in changes if "2.1. Công an tỉnh" in line]
    assert moved == [
        "- 2.1. Công an tỉnh — Tổng số trường hợp đăng tải nội dung xấu độc được phát hiện: "
        "22 trường hợp → 30 trường hợp;"
    ], changes
    assert "- có thêm báo cáo của: Chi cục Hải quan Hưng Yên;" in changes
    assert "- báo cáo đã được gửi lại: Công an tỉnh Hưng Yên (phiên bản 1 → 2);" in changes

    third = consolidate()
    assert "So với phiên bản 2: không có thay đổi về số liệu và báo cáo của các đơn vị." in third
    assert sorted(p.name for p in drafts.glob("*.docx")) == [f"bao-cao-2023-H1-v{n}.docx" for n in (1, 2, 3)]
