"""The words around a figure in the draft's wording, and the coordinator's openings of a part, from plain returns."""

from datetime import UTC, date, datetime

import pytest

from agencies.calendar import parse_period
from agencies.figure_words import FigureWords
from agencies.period_returns import FigureRecord, PeriodReturns, ReturnRecord
from agencies.roster import Roster
from report.body import render_body
from report.context import build_context

NOW = datetime(2023, 6, 16, tzinfo=UTC)


def record(return_id: int, agency: str, figures: dict, narrative: dict | None = None) -> ReturnRecord:
    kept = {
        code: FigureRecord(value[0], field=code, words=value[1]) if isinstance(value, tuple) else FigureRecord(value)
        for code, value in figures.items()
    }
    return ReturnRecord(return_id, agency, 1, NOW, "x@1", kept, narrative or {})


def body(roster: Roster, *returns: ReturnRecord) -> list[str]:
    data = PeriodReturns(
        roster=roster,
        period=parse_period("2023-H1"),
        window=(date(2022, 12, 15), date(2023, 6, 14)),
        deadline=date(2023, 6, 18),
        returns=list(returns),
        absences=[],
    )
    return [block.text for block in render_body(build_context(data, date(2023, 7, 5)))]


def line(blocks: list[str], start: str) -> str:
    return next(b for b in blocks if b.startswith(start))


VAN_LAM = "hiện nay Công an huyện đang xác minh làm rõ vụ việc"


def test_a_merged_group_sums_and_names_each_agency_s_words(roster: Roster) -> None:
    blocks = body(
        roster,
        record(1, "district-van-lam", {"violation_cases": (3, FigureWords("hơn", "gia tăng", VAN_LAM))}),
        record(2, "district-yen-my", {"violation_cases": (2, FigureWords(trend="gia tăng", status="đã xử phạt"))}),
        record(3, "district-my-hao", {"violation_cases": 0}),
    )
    cases = line(blocks, "- Phát hiện")
    assert cases.startswith("- Phát hiện hơn 05 vụ việc vi phạm"), "hơn 3 and exactly 2 are more than 5"
    assert "(UBND huyện Văn Lâm: hơn 03 vụ; UBND huyện Yên Mỹ: 02 vụ)" in cases
    assert " (gia tăng)" in cases, "one trend that every reporting district wrote is said once"
    assert cases.endswith(f", UBND huyện Văn Lâm: {VAN_LAM}; UBND huyện Yên Mỹ: đã xử phạt.")


def test_words_beside_a_zero_are_not_credited_to_the_total(roster: Roster) -> None:
    blocks = body(
        roster,
        record(1, "district-van-lam", {"violation_cases": (3, FigureWords(status=VAN_LAM))}),
        record(2, "district-yen-my", {"violation_cases": (0, FigureWords("hơn", "giảm", "không phát sinh"))}),
    )
    cases = line(blocks, "- Phát hiện")
    assert (
        cases
        == f"- Phát hiện 03 vụ việc vi phạm trong lĩnh vực thông tin và truyền thông (UBND huyện Văn Lâm: 03 vụ), UBND huyện Văn Lâm: {VAN_LAM}."
    )


def test_a_trend_not_every_agency_wrote_is_named(roster: Roster) -> None:
    blocks = body(
        roster,
        record(1, "district-van-lam", {"violation_cases": (3, FigureWords(trend="gia tăng"))}),
        record(2, "district-yen-my", {"violation_cases": 2}),
    )
    assert "(UBND huyện Văn Lâm: gia tăng)" in line(blocks, "- Phát hiện")


@pytest.mark.parametrize(
    ("words", "qualifier"), [(("hơn", None), "hơn"), (("hơn", "gần"), "khoảng"), (("trên", "hơn"), "hơn")]
)
def test_the_qualifier_of_a_merged_total(roster: Roster, words: tuple, qualifier: str) -> None:
    blocks = body(
        roster,
        record(1, "district-van-lam", {"violation_cases": (30, FigureWords(words[0]))}),
        record(2, "district-yen-my", {"violation_cases": (20, FigureWords(words[1]))}),
    )
    assert line(blocks, "- Phát hiện").startswith(f"- Phát hiện {qualifier} 50 vụ")


def test_the_generic_wording_writes_the_words_too(roster: Roster) -> None:
    document = roster.model_dump(mode="json")
    document["forms"]["customs"]["kind"] = None  # customs written by the generic template
    generic = Roster.model_validate(document)
    blocks = body(generic, record(1, "customs", {"violation_cases": (12, FigureWords("khoảng", "giảm", "đang xử lý"))}))
    assert any(b.endswith(": khoảng 12 vụ (giảm), đang xử lý.") for b in blocks), blocks


def test_the_coordinator_opens_a_part_and_no_one_else_does(roster: Roster) -> None:
    opening = "Trong giai đoạn phát triển mạnh mẽ của công nghệ thông tin như hiện nay, …"
    blocks = body(
        roster,
        record(1, "dic", {"inspections": 0}, {"part_5_opening": [opening], "part_2_opening": ["Nhìn chung, …"]}),
        record(2, "police", {"fraud_cases": 0}, {"part_3_opening": ["Công an tỉnh mở đầu phần III."]}),
    )
    assert blocks[blocks.index("V. KIẾN NGHỊ, ĐỀ XUẤT") + 1] == opening
    assert blocks[blocks.index("V. KIẾN NGHỊ, ĐỀ XUẤT") + 2].startswith("Qua quá trình thực hiện")
    assert blocks[blocks.index("II. ĐÁNH GIÁ CHUNG KẾT QUẢ ĐẠT ĐƯỢC") + 1] == "Nhìn chung, …"
    assert "Công an tỉnh mở đầu phần III." not in blocks
    assert blocks.count(opening) == 1
