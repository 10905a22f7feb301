"""`phoihop init` tries a roster's wording before loading it: a template that asks for an indicator its form lacks
is refused there, in one Vietnamese line naming the template, its line, the indicator and the form — not at
`consolidate`, after every return is in."""

import shutil
from pathlib import Path

import pytest

from tests.cli.command import one_line, phoihop

SON_NGUYEN = Path(__file__).parents[1] / "data" / "son-nguyen"


@pytest.fixture
def roster_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "son-nguyen"
    shutil.copytree(SON_NGUYEN, folder)
    return folder


def test_the_made_up_province_loads(roster_copy: Path, tmp_path: Path) -> None:
    result = phoihop(tmp_path / "var", "init", "--roster", str(roster_copy / "roster.yaml"))
    assert result.returncode == 0, result.stderr
    assert "Đã nạp danh sách «son-nguyen-2026»: 6 nhóm, 11 đơn vị" in result.stdout


def test_a_form_of_the_police_kind_without_the_polices_indicators_is_refused(roster_copy: Path, tmp_path: Path) -> None:
    form = roster_copy / "forms" / "police.yaml"
    form.write_text(form.read_text(encoding="utf-8").replace("version: 1\n", "version: 1\nkind: police\n"))
    (roster_copy / "templates" / "groups" / "cong-an.txt.j2").unlink()  # so that the built-in police wording is used
    (roster_copy / "templates" / "note.txt.j2").write_text("{# kept so that the folder is not empty #}\n")
    result = phoihop(tmp_path / "var", "init", "--roster", str(roster_copy / "roster.yaml"))
    assert result.returncode == 1
    line = one_line(result)
    assert line.startswith("Lỗi: Mẫu lời văn «groups/police.txt.j2» (mẫu có sẵn), dòng ")
    assert "cần chỉ tiêu «" in line and "biểu mẫu «police» của nhóm «Công an tỉnh» không có chỉ tiêu này" in line
    assert not (tmp_path / "var" / "phoihop.db").exists(), "refused before anything was written"


def test_the_rosters_own_template_asking_for_a_missing_indicator_is_refused_with_its_line(
    roster_copy: Path, tmp_path: Path
) -> None:
    template = roster_copy / "templates" / "groups" / "cong-an.txt.j2"
    lines = template.read_text(encoding="utf-8").splitlines()
    lines.insert(4, "- Thu giữ {{ f.seized_devices.value | count('thiết bị') }}.")
    template.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = phoihop(tmp_path / "var", "init", "--roster", str(roster_copy / "roster.yaml"))
    assert result.returncode == 1
    assert one_line(result) == (
        "Lỗi: Mẫu lời văn «groups/cong-an.txt.j2» (thư mục mẫu của danh sách), dòng 5 cần chỉ tiêu «seized_devices» "
        "nhưng biểu mẫu «police» của nhóm «Công an tỉnh» không có chỉ tiêu này (thử lập dự thảo khi mọi chỉ tiêu đều "
        "có số liệu). Hãy sửa mẫu hoặc biểu mẫu rồi nạp lại danh sách."
    )


def test_wording_that_runs_only_when_a_figure_carries_a_status_is_tried_too(roster_copy: Path, tmp_path: Path) -> None:
    template = roster_copy / "templates" / "groups" / "cong-an.txt.j2"
    lines = template.read_text(encoding="utf-8").splitlines()
    lines.insert(
        4,
        "{% for s in g.figures.values() | map(attribute='statuses') | sum(start=[]) %}{{ s.words.stage }}{% endfor %}",
    )
    template.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = phoihop(tmp_path / "var", "init", "--roster", str(roster_copy / "roster.yaml"))
    assert result.returncode == 1
    assert one_line(result).startswith(
        "Lỗi: Mẫu lời văn «groups/cong-an.txt.j2» (thư mục mẫu của danh sách), dòng 5 dùng «stage» nhưng không có giá "
        "trị nào mang tên này (thử lập dự thảo khi mọi chỉ tiêu đều có số liệu)."
    )


def test_a_template_that_does_not_parse_is_refused_with_its_line(roster_copy: Path, tmp_path: Path) -> None:
    template = roster_copy / "templates" / "groups" / "cong-an.txt.j2"
    template.write_text("Dòng một.\n{% if g.reporting %}\nchưa đóng khối\n", encoding="utf-8")
    result = phoihop(tmp_path / "var", "init", "--roster", str(roster_copy / "roster.yaml"))
    assert result.returncode == 1
    assert one_line(result).startswith("Lỗi: Mẫu lời văn «groups/cong-an.txt.j2» (thư mục mẫu của danh sách), dòng ")
