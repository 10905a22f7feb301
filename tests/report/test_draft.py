"""The draft built from returns that went through the real intake, checked section by section.

The golden figures are seed 004's; they reach the draft only through the sample returns
(agencies/rosters/hung-yen/samples/2023-H1.yaml) filled into XLSX forms and submitted.
"""

from datetime import date
from pathlib import Path

import pytest
from docx import Document
from sqlalchemy.orm import Session

from agencies.roster import Roster
from agencies.samples import SampleSet, load_samples
from phoihop.demo import submit_samples
from report.annex import completeness_note
from report.context import build_context
from report.draft import render_draft
from schema.intake import submit_return
from schema.periods import open_period
from schema.snapshot import load_period_returns
from tests.docx_reading import paragraphs, section, sections, table_text
from tests.factories import POLICE_FIGURES, filled_form

REPORT_DATE = date(2023, 7, 5)


@pytest.fixture(scope="module")
def samples() -> SampleSet:
    return load_samples()


def draft(session: Session, roster: Roster, path: Path, period: str = "2023-H1") -> Path:
    return render_draft(build_context(load_period_returns(session, period), REPORT_DATE), path)


def without(samples: SampleSet, *agencies: str) -> SampleSet:
    return samples.model_copy(update={"returns": {k: v for k, v in samples.returns.items() if k not in agencies}})


@pytest.fixture
def golden(loaded: Session, roster: Roster, samples: SampleSet, tmp_path: Path) -> Path:
    receipts = submit_samples(loaded, roster, samples, "test")
    assert all(r.accepted for r in receipts), [p.message for r in receipts for p in r.problems]
    return draft(loaded, roster, tmp_path / "bao-cao.docx")


def test_sections_in_the_order_of_seed_004(golden: Path) -> None:
    assert [h for h in sections(golden) if h] == [
        "I. KẾT QUẢ THỰC HIỆN",
        "1. Đối với Sở TT&TT",
        "1.1. Công tác thanh tra, kiểm tra",
        "1.2. Công tác chủ trì, phối hợp liên quan đến phòng, chống tội phạm trong lĩnh vực thông tin và truyền thông",
        "2. Đối với các cơ quan, đơn vị phối hợp",
        "2.1. Công an tỉnh",
        "2.2. Sở Công Thương",
        "2.3. Cục Quản lý thị trường tỉnh",
        "2.4. Chi cục Hải quan Hưng Yên",
        "2.5. UBND các huyện, thị xã, thành phố (UBND cấp huyện)",
        "2.6. Các cơ quan báo, đài",
        "3. Các doanh nghiệp, đơn vị hoạt động trong lĩnh vực thông tin và truyền thông",
        "II. ĐÁNH GIÁ CHUNG KẾT QUẢ ĐẠT ĐƯỢC",
        "1. Ưu điểm",
        "2. Tồn tại, hạn chế",
        "III. KHÓ KHĂN, VƯỚNG MẮC VÀ NGUYÊN NHÂN",
        "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ TRONG THỜI GIAN TỚI",
        "V. KIẾN NGHỊ, ĐỀ XUẤT",
        "1. Đối với các sở, ngành, địa phương có liên quan",
        "2. Đối với các doanh nghiệp, đơn vị hoạt động trong lĩnh vực thông tin và truyền thông",
    ]


def test_the_dic_own_results(golden: Path) -> None:
    inspections = section(golden, "1.1.")
    assert "đã tiến hành 02 cuộc thanh tra, kiểm tra chuyên ngành đối với 02 tổ chức" in inspections
    assert "Phạt tiền 25.850.000 đồng đối với 01 tổ chức, 01 cá nhân" in inspections
    assert "tinhhungyen.com" in inspections, "the officer's narrative follows the figures"
    coordination = section(golden, "1.2.")
    for phrase in (
        "253 trường hợp",
        "1.878 kết nối",
        "42.000 kết nối",
        "02 trường hợp kết nối đến mã độc nguy hiểm WannaCry",
        "205 trường hợp",
    ):
        assert phrase in coordination
    assert "253" not in section(golden, "1.1.")


def test_the_words_around_a_figure_reach_its_sentence(golden: Path) -> None:
    """Seed 004, 1.2 and 2.1: the qualifier, the trend and the status the officers wrote beside the figures."""
    coordination = section(golden, "1.2.")
    assert "hơn 42.000 kết nối đến các máy chủ điều khiển (C&C server) độc hại" in coordination
    assert "253 trường hợp sử dụng trang web giả mạo để lừa đảo (phishing) người dùng (có chiều hướng gia tăng)" in (
        coordination
    )
    assert "205 trường hợp kết nối đến mạng máy tính ma (botnet) (gia tăng mạnh)" in coordination
    assert "1.878 kết nối từ máy nhiễm mã độc đào tiền ảo;" in coordination, "a figure with no words stays bare"
    police = section(golden, "2.1.")
    assert (
        "Phát hiện 01 vụ tổ chức đánh bạc và đánh bạc trên không gian mạng, "
        "hiện nay Công an huyện Văn Lâm đang xác minh làm rõ vụ việc." in police
    )


def test_the_department_opens_part_v_with_its_own_paragraph(golden: Path) -> None:
    body = paragraphs(golden)
    part = body.index("V. KIẾN NGHỊ, ĐỀ XUẤT")
    assert body[part + 1].startswith("Trong giai đoạn phát triển mạnh mẽ của công nghệ thông tin như hiện nay")
    assert body[part + 2].startswith("Qua quá trình thực hiện")
    assert body.count(body[part + 1]) == 1, "said once, at the opening of part V only"


def test_the_police_section(golden: Path) -> None:
    police = section(golden, "2.1. Công an tỉnh")
    assert "Đã phát hiện 22 trường hợp đăng tải nội dung xấu độc" in police
    assert "07 trường hợp cung cấp, chia sẻ thông tin đánh bạc" in police
    assert "04 trường hợp cung cấp, chia sẻ thông tin giả mạo" in police
    assert "Ra quyết định xử phạt hành chính 22 trường hợp với số tiền 169,75 triệu đồng" in police
    assert "bóc gỡ, vô hiệu hóa 15 tài khoản" in police
    assert "04 vụ lừa đảo, chiếm đoạt tài sản trên không gian mạng, gây thiệt hại 1.526.950.000 đồng" in police
    assert "đã khởi tố 01 vụ, còn 03 vụ đang tiếp tục xác minh" in police
    assert "01 vụ tổ chức đánh bạc" in police


@pytest.mark.parametrize(
    "heading", ["2.2. Sở Công Thương", "2.3. Cục Quản lý thị trường tỉnh", "2.4. Chi cục Hải quan"]
)
def test_groups_with_nothing_found_say_so_in_words(golden: Path, heading: str) -> None:
    text = section(golden, heading)
    assert "chưa phát hiện" in text
    assert " 0 vụ" not in text and "00 vụ" not in text


def test_districts_are_one_section_with_the_case_attributed(golden: Path, samples: SampleSet) -> None:
    districts = section(golden, "2.5.")
    assert "UBND huyện Văn Lâm: Phát hiện 01 vụ đánh cắp thông tin của Bộ Quốc phòng" in districts
    common = samples.returns["district-my-hao"].narrative["activities"][0]
    assert districts.count(common) == 1, "ten districts wrote it; it is said once"


def test_press_and_firms_are_merged(golden: Path, roster: Roster) -> None:
    assert section(golden, "2.6.").count("Đăng tải nhiều tin, bài") == 1
    firms = section(golden, "3. Các doanh nghiệp")
    for agency in next(g for g in roster.groups if g.id == "firms").agencies:
        assert agency.name in firms
    assert "không xảy ra vụ việc xâm hại hạ tầng cơ sở viễn thông nào trên địa bàn tỉnh Hưng Yên" in firms


def test_parts_ii_to_v_gather_the_narrative(golden: Path, samples: SampleSet) -> None:
    difficulties = section(golden, "III.")
    bts = samples.returns["firm-vnpt"].narrative["difficulties"][0]
    assert difficulties.count(bts) == 1, "three firms raised it; it is said once"
    assert "C&C server" in difficulties, "the DIC's own difficulties"
    assert "Chưa có biện pháp hữu hiệu" in section(golden, "2. Tồn tại, hạn chế")
    assert "Kế hoạch số 410/KH-CAT-STTTT" in section(golden, "IV.")
    assert "Kịp thời báo cáo những sai phạm" in section(golden, "2. Đối với các doanh nghiệp")


def test_decree_30_frame(golden: Path) -> None:
    header = table_text(golden, 0)
    for text in (
        "UBND TỈNH HƯNG YÊN",
        "SỞ THÔNG TIN VÀ TRUYỀN THÔNG",
        "/BC-STTTT",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    ):
        assert text in header
    assert "Độc lập - Tự do - Hạnh phúc" in header and "Hưng Yên, ngày 05 tháng 7 năm 2023" in header
    body = paragraphs(golden)
    assert body[0] == "BÁO CÁO"
    assert body[1].endswith("trong lĩnh vực thông tin và truyền thông 6 tháng đầu năm 2023")
    assert body[2] == "Kính gửi: UBND tỉnh Hưng Yên"
    assert body[3].startswith("Thực hiện Quyết định số 04/2016/QĐ-UBND ngày 15/3/2016 của UBND tỉnh Hưng Yên")
    assert not any("Tổng hợp từ báo cáo của" in p for p in body), "the completeness note is the coordinator's (annex)"
    assert body[-1] == "Trân trọng báo cáo./."
    closing = table_text(golden, 1)
    assert (
        "Nơi nhận:" in closing
        and "- Như trên (để báo cáo);" in closing
        and closing.index("- Lưu: VT.") > closing.index("Thanh tra Sở")
    )
    assert "GIÁM ĐỐC" in closing and "Nguyễn Văn A" in closing

    document = Document(str(golden))
    page = document.sections[0]
    assert (round(page.page_width.mm), round(page.page_height.mm)) == (210, 297)
    assert (round(page.left_margin.mm), round(page.right_margin.mm), round(page.top_margin.mm)) == (30, 15, 20)
    assert page.different_first_page_header_footer, "no page number on page 1"
    assert 'w:instr="PAGE"' in page.header._element.xml
    heading = next(p for p in document.paragraphs if p.text == "2.1. Công an tỉnh")
    assert heading.runs[0].bold
    assert all(r.font.name in (None, "Times New Roman") for p in document.paragraphs for r in p.runs)


def test_a_corrected_return_changes_the_draft(
    loaded: Session, roster: Roster, samples: SampleSet, tmp_path: Path
) -> None:
    submit_samples(loaded, roster, samples, "test")
    before = section(draft(loaded, roster, tmp_path / "v1.docx"), "2.1.")
    corrected = {**POLICE_FIGURES, "fraud_cases": 5, "fraud_damage": 2_000_000_000, "fraud_under_verification": 4}
    receipt = submit_return(loaded, roster, filled_form(roster, "police", figures=corrected), channel="cli", actor="t")
    assert receipt.version == 2
    after = section(draft(loaded, roster, tmp_path / "v2.docx"), "2.1.")
    assert "1.526.950.000 đồng" in before and "1.526.950.000 đồng" not in after
    assert "05 vụ lừa đảo, chiếm đoạt tài sản trên không gian mạng, gây thiệt hại 2.000.000.000 đồng" in after
    assert "activities" not in after and "Tiếp tục chỉ đạo" not in after, (
        "version 2 carries no narrative; none is kept from v1"
    )


def test_missing_and_invalid_agencies_are_listed(
    loaded: Session, roster: Roster, samples: SampleSet, tmp_path: Path
) -> None:
    submit_samples(loaded, roster, without(samples, "customs", "district-phu-cu", "market-surveillance"), "test")
    bad = filled_form(roster, "market-surveillance", figures={"violation_cases": -1})
    assert not submit_return(loaded, roster, bad, channel="cli", actor="t").accepted
    context = build_context(load_period_returns(loaded, "2023-H1"), REPORT_DATE)
    path = render_draft(context, tmp_path / "thieu.docx")
    note = completeness_note(context)
    assert note.startswith("Tổng hợp từ báo cáo của 22/25")
    assert not any("Tổng hợp từ báo cáo của" in p for p in paragraphs(path)), "the note goes to the annex, not the body"
    assert "chưa nhận được báo cáo của: Chi cục Hải quan Hưng Yên, UBND huyện Phù Cừ" in note
    assert "báo cáo chưa hợp lệ, đang chờ gửi lại: Cục Quản lý thị trường tỉnh Hưng Yên" in note
    customs = section(path, "2.4.")
    assert "Chưa nhận được báo cáo của Chi cục Hải quan Hưng Yên" in customs
    assert "chưa phát hiện" not in customs, "a missing return is not 'nothing found'"
    districts = section(path, "2.5.")
    assert "Văn Lâm" in districts and "Chưa nhận được báo cáo của: UBND huyện Phù Cừ" in districts


def test_same_period_last_year_is_compared(loaded: Session, roster: Roster, samples: SampleSet, tmp_path: Path) -> None:
    open_period(loaded, "2022-H1", "test")
    last_year = {
        **POLICE_FIGURES,
        "harmful_content_cases": 20,
        "gambling_information": 5,
        "sanctioned_cases": 20,
        "fraud_cases": 6,
    }
    sent = submit_return(
        loaded, roster, filled_form(roster, "police", "2022-H1", figures=last_year), channel="cli", actor="t"
    )
    assert sent.accepted, sent.problems
    submit_samples(loaded, roster, samples, "test")
    police = section(draft(loaded, roster, tmp_path / "cmp.docx"), "2.1.")
    assert (
        "22 trường hợp đăng tải nội dung xấu độc trên không gian mạng (tăng 02 trường hợp so với cùng kỳ năm 2022)"
        in police
    )
    assert "04 vụ lừa đảo, chiếm đoạt tài sản trên không gian mạng (giảm 02 vụ so với cùng kỳ năm 2022)" in police


def test_every_figure_is_traced_to_its_return_and_cell(loaded: Session, roster: Roster, samples: SampleSet) -> None:
    receipts = {r.agency: r for r in submit_samples(loaded, roster, samples, "test")}
    context = build_context(load_period_returns(loaded, "2023-H1"), REPORT_DATE)
    damage = next(g for g in context.groups if g.id == "police").figures.fraud_damage
    (source,) = damage.sources
    assert (source.agency_id, source.return_id, source.version) == ("police", receipts["police"].id, 1)
    assert source.location.startswith("Số liệu!D") and source.value == 1_526_950_000
    cases = next(g for g in context.groups if g.id == "districts").figures.violation_cases
    assert cases.value == 1 and [s.agency_id for s in cases.by_agency] == ["district-van-lam"]
    assert len(cases.sources) == 10, "every district's zero is a source too"
