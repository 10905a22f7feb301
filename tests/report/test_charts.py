"""The annex's charts: which series each group gets (plain data), then the PNGs drawn from them."""

from datetime import date
from pathlib import Path

import pytest
from PIL import Image

from agencies.period_returns import ReturnRecord
from agencies.roster import Roster
from report.charts import Chart, Series, chart_data, draw_chart, draw_charts
from report.context import ReportContext, build_context
from tests.factories import accepted_return, returns_of_2023_h1


def context_of(roster: Roster, returns: list[ReturnRecord], previous: list[ReturnRecord] | None) -> ReportContext:
    return build_context(returns_of_2023_h1(roster, returns, previous), date(2023, 7, 5))


THIS_YEAR = [
    accepted_return(
        1,
        "police",
        {"harmful_content_cases": 22, "gambling_information": 7, "fraud_cases": 4, "fines_total": 169_750_000},
    ),
    accepted_return(2, "district-van-lam", {"violation_cases": 1, "interagency_inspections": 0}),
    accepted_return(3, "press-newspaper", {"articles": 0}),
    accepted_return(4, "press-broadcaster", {"articles": 0}),
]


def charts_by_group(context: ReportContext) -> dict[tuple[str, str], Chart]:
    return {(chart.group_id, chart.unit): chart for chart in chart_data(context)}


def test_each_group_with_figures_gets_its_counts_one_chart_per_unit_and_no_more(roster: Roster) -> None:
    charts = charts_by_group(context_of(roster, THIS_YEAR, previous=None))
    assert list(charts) == [("police", "trường hợp")], (
        "all zero (press) or nothing sent (customs …): no chart; money is not drawn; "
        "one bar (the police's cases, the district's case) compares nothing: no chart"
    )
    cases = charts[("police", "trường hợp")]
    assert cases.title == "2.1. Công an tỉnh (đơn vị tính: trường hợp)"
    assert cases.labels == (
        "Tổng số trường hợp đăng tải nội dung xấu độc được phát hiện",
        "Trong đó: cung cấp, chia sẻ thông tin đánh bạc, phục vụ đánh bạc",
    )
    assert cases.series == (Series("6 tháng đầu năm 2023", (22.0, 7.0)),), "no last year collected: no such series"


def test_last_year_beside_this_year_where_it_was_reported(roster: Roster) -> None:
    last_year = [accepted_return(9, "police", {"harmful_content_cases": 20, "fraud_cases": 6, "accounts_removed": 3})]
    charts = charts_by_group(context_of(roster, THIS_YEAR, previous=last_year))
    assert list(charts) == [("police", "trường hợp"), ("police", "tài khoản"), ("police", "vụ")]
    accounts = charts[("police", "tài khoản")]
    assert accounts.labels == ("Số tài khoản mạng xã hội bị bóc gỡ, vô hiệu hóa",), "none now, 3 then: a fall to show"
    assert accounts.series == (Series("6 tháng đầu năm 2023", (0.0,)), Series("Cùng kỳ năm 2022", (3.0,)))
    assert charts[("police", "trường hợp")].series == (
        Series("6 tháng đầu năm 2023", (22.0, 7.0)),
        Series("Cùng kỳ năm 2022", (20.0, None)),
    ), "gambling was not sent last year: no bar, never a bar of 0"
    assert charts[("police", "vụ")].series == (
        Series("6 tháng đầu năm 2023", (4.0,)),
        Series("Cùng kỳ năm 2022", (6.0,)),
    )


def is_png(path: Path) -> tuple[int, int]:
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with Image.open(path) as image:
        image.verify()
    with Image.open(path) as image:
        return image.size


def test_the_charts_are_drawn_as_png(roster: Roster, tmp_path: Path) -> None:
    context = context_of(roster, THIS_YEAR, previous=[accepted_return(9, "police", {"fraud_cases": 6})])
    drawn = draw_charts(context, tmp_path / "charts", "bieu-do-2023-H1")
    assert [(chart.group_id, chart.unit, path.name) for chart, path in drawn] == [
        ("police", "trường hợp", "bieu-do-2023-H1-1.png"),
        ("police", "vụ", "bieu-do-2023-H1-2.png"),
    ]
    for _, path in drawn:
        width, height = is_png(path)
        assert width > 600 and height > 150


@pytest.mark.parametrize("values", [(3.0, None), (None, 5.0)])
def test_a_missing_value_is_no_bar_rather_than_a_zero(tmp_path: Path, values: tuple[float | None, ...]) -> None:
    chart = Chart(
        "x", "Thử", ("Số vụ (vụ)", "Số đối tượng (người)"), (Series("Năm nay", (1.0, 2.0)), Series("Năm trước", values))
    )
    assert is_png(draw_chart(chart, tmp_path / "x.png"))
