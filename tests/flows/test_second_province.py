"""Any province as data: a made-up one (tests/data/son-nguyen/), written only from docs/roster.md, run with
`phoihop demo --roster`. Its draft follows its own order and numbering, its empty groups say "nothing found",
its police section is in its own words, and not a word of Hưng Yên is left in it — read section by section."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

from agencies.roster import load_roster
from phoihop.cli.main import app
from tests.docx_reading import paragraphs, section, sections, table_text

ROSTER = Path(__file__).parents[1] / "data" / "son-nguyen" / "roster.yaml"
HUNG_YEN_WORDS = ("Hưng Yên", "Hải quan", "Văn Lâm", "huyện", "Thông tin và Truyền thông", "STTTT", "Sở TT&TT")


@pytest.fixture(scope="module")
def draft(prefect_api: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("son-nguyen")
    result = CliRunner().invoke(app, ["demo", "--roster", str(ROSTER), "--out", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "Đã nhận 11 báo cáo mẫu kỳ 2026-H1" in result.output
    assert "cong-an / " in result.output, "the demo's officer is one of this roster's agencies"
    return out / "bao-cao-2026-H1-v1.docx"


def test_part_one_follows_the_rosters_order_and_numbers_each_heading_once(draft: Path) -> None:
    headings = [h for h in sections(draft) if h]
    part_one = headings[
        headings.index("I. KẾT QUẢ THỰC HIỆN") + 1 : headings.index("II. ĐÁNH GIÁ CHUNG KẾT QUẢ ĐẠT ĐƯỢC")
    ]
    assert part_one == [
        "1. Đối với Sở KH&CN",
        "2. Đối với các cơ quan, đơn vị phối hợp",
        "2.1. Công an tỉnh",
        "2.2. Báo và Đài Phát thanh – Truyền hình tỉnh",
        "2.3. UBND các xã, phường",
        "3. Đối với các doanh nghiệp",
        "3.1. Các doanh nghiệp viễn thông",
        "3.2. Các doanh nghiệp bưu chính",
    ]
    numbers = [h.split(" ")[0] for h in part_one]
    assert len(numbers) == len(set(numbers)), "no number twice"


def test_the_opening_is_the_rosters_own(draft: Path) -> None:
    opening = sections(draft)[""]
    assert "Thực hiện Kế hoạch số 12/KH-UBND ngày 10/01/2026 của UBND tỉnh Sơn Nguyên" in opening
    assert "Sở Khoa học và Công nghệ tỉnh Sơn Nguyên (sau đây viết tắt là Sở KH&CN) tổng hợp" in opening
    assert "công tác phòng, chống tội phạm sử dụng công nghệ cao 6 tháng đầu năm 2026" in opening
    assert "báo cáo UBND tỉnh như sau:" in opening
    assert "Kết quả công tác phòng, chống tội phạm sử dụng công nghệ cao 6 tháng đầu năm 2026" in paragraphs(draft)


def test_each_group_in_its_words_with_the_domains_number_rules(draft: Path) -> None:
    own = section(draft, "1. Đối với Sở KH&CN")
    assert "- Số cuộc thanh tra, kiểm tra: 03 cuộc." in own and "12.500.000 đồng" in own
    police = section(draft, "2.1. Công an tỉnh")
    assert "Lực lượng Công an tỉnh đã phát hiện, điều tra 07 vụ lừa đảo qua mạng" in police, "its own template"
    assert "làm rõ thiệt hại 1.250.000.000 đồng" in police
    press = section(draft, "2.2.")
    assert "75 tin, bài (Báo Sơn Nguyên: 45 tin, bài; Đài Phát thanh và Truyền hình Sơn Nguyên: 30 tin, bài)" in press
    communes = section(draft, "2.3.")
    assert "01 vụ (UBND xã An Bình: 01 vụ)" in communes


def test_groups_with_nothing_found_say_so(draft: Path) -> None:
    for heading in ("3.1. Các doanh nghiệp viễn thông", "3.2. Các doanh nghiệp bưu chính"):
        assert section(draft, heading).endswith("chưa phát hiện vụ việc vi phạm nào.")


def test_not_a_word_of_hung_yen(draft: Path) -> None:
    from docx import Document

    text = "\n".join(paragraphs(draft))
    text += "\n".join(table_text(draft, i) for i in range(len(Document(str(draft)).tables)))
    assert "SỞ KHOA HỌC VÀ CÔNG NGHỆ" in text and "Sơn Nguyên, ngày 03 tháng 7 năm 2026" in text
    found = [word for word in HUNG_YEN_WORDS if word.casefold() in text.casefold()]
    assert found == []


def test_a_form_named_police_without_the_police_kind_is_not_written_with_the_police_wording() -> None:
    roster = load_roster(ROSTER)
    assert roster.forms["police"].kind is None and "groups/cong-an.txt.j2" in roster.wording
