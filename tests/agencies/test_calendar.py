import re
from datetime import date

import pytest

from agencies.calendar import (
    PERIOD_ID_PATTERN,
    DayOfMonth,
    Period,
    PeriodIdError,
    PeriodKind,
    PeriodRule,
    parse_period,
    working_days_between,
)


@pytest.mark.parametrize(
    ("period_id", "start", "end", "deadline"),
    [
        # Decree 09/2019 art. 12; seed 002: October 2022 runs 15/9/2022 – 14/10/2022
        ("2022-M10", date(2022, 9, 15), date(2022, 10, 14), date(2022, 10, 18)),
        ("2023-M1", date(2022, 12, 15), date(2023, 1, 14), date(2023, 1, 18)),  # year boundary
        ("2023-M12", date(2023, 11, 15), date(2023, 12, 14), date(2023, 12, 18)),
        ("2023-Q1", date(2022, 12, 15), date(2023, 3, 14), date(2023, 3, 18)),  # year boundary
        ("2023-Q2", date(2023, 3, 15), date(2023, 6, 14), date(2023, 6, 18)),
        ("2023-Q4", date(2023, 9, 15), date(2023, 12, 14), date(2023, 12, 18)),
        ("2023-H1", date(2022, 12, 15), date(2023, 6, 14), date(2023, 6, 18)),
        ("2023-H2", date(2023, 6, 15), date(2023, 12, 14), date(2023, 12, 18)),
        ("2023-Y", date(2022, 12, 15), date(2023, 12, 14), date(2023, 12, 18)),
        ("2024-H1", date(2023, 12, 15), date(2024, 6, 14), date(2024, 6, 18)),
    ],
)
def test_decree_09_windows_and_default_deadline(period_id: str, start: date, end: date, deadline: date) -> None:
    period = parse_period(period_id)
    assert period.window() == (start, end)
    assert period.deadline() == deadline
    assert period.id == period_id


def test_consecutive_periods_leave_no_gap_and_no_overlap() -> None:
    for kind, count in ((PeriodKind.MONTH, 12), (PeriodKind.QUARTER, 4)):
        for number in range(1, count + 1):
            period = Period(kind, 2024, number)
            assert (period.window()[0] - period.previous().window()[1]).days == 1
    h2 = parse_period("2023-H2")
    assert (parse_period("2024-H1").window()[0] - h2.window()[1]).days == 1
    assert (h2.window()[0] - parse_period("2023-H1").window()[1]).days == 1


def test_a_roster_rule_overrides_window_and_deadline() -> None:
    # Circular 02/2023/TT-BTTTT style: data to the end of May, six-month report due 06 June.
    rule = PeriodRule(window_end=DayOfMonth(day="last", month_offset=-1), deadline=DayOfMonth(day=6))
    period = parse_period("2024-H1")
    assert period.window(rule) == (date(2023, 12, 1), date(2024, 5, 31))
    assert period.deadline(rule) == date(2024, 6, 6)
    assert parse_period("2024-Y").deadline(PeriodRule(deadline=DayOfMonth(day=25, month_offset=-1))) == date(
        2024, 11, 25
    )


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("2023-h1", "2023-H1"),
        (" 2023-M01 ", "2023-M1"),
        ("2023-m10", "2023-M10"),
        ("2023-y", "2023-Y"),
        ("2023-cd1", "2023-CD1"),
        ("2023-CD01", "2023-CD1"),
        ("2023-CD9", "2023-CD9"),
        ("2023-CD10", "2023-CD10"),
        ("2023-CD99", "2023-CD99"),
    ],
)
def test_period_ids_are_read_leniently_and_written_one_way(text: str, canonical: str) -> None:
    assert parse_period(text).id == canonical


@pytest.mark.parametrize(
    "text",
    [
        *("2023", "2023-H3", "2023-Q5", "2023-M13", "2023-M0", "23-H1", "H1-2023", ""),
        *("2023-CD0", "2023-CD00", "2023-CD100", "2023-CD", "2023-C1", "CD1", "2023-2024-CD1", "2023-CD1A"),
    ],
)
def test_bad_period_ids_are_refused_in_vietnamese(text: str) -> None:
    with pytest.raises(PeriodIdError, match="không hợp lệ"):
        parse_period(text)


@pytest.mark.parametrize(
    ("period_id", "label"),
    [
        ("2023-H1", "6 tháng đầu năm 2023"),
        ("2023-H2", "6 tháng cuối năm 2023"),
        ("2023-Y", "năm 2023"),
        ("2023-Q3", "quý III năm 2023"),
        ("2022-M10", "tháng 10 năm 2022"),
    ],
)
def test_labels_as_documents_write_them(period_id: str, label: str) -> None:
    assert parse_period(period_id).label == label


def test_same_period_last_year_for_comparisons() -> None:
    assert parse_period("2023-H1").same_period_last_year().id == "2022-H1"
    assert parse_period("2023-M1").previous().id == "2022-M12"


CUSTOM_SPAN = (date(2023, 1, 1), date(2024, 12, 31))


def test_a_custom_period_is_its_own_kind_and_its_dates_are_not_its_identity() -> None:
    period = parse_period("2023-CD1")
    assert (period.kind, period.year, period.number, period.custom) == (PeriodKind.CUSTOM, 2023, 1, True)
    dated = period.with_dates(*CUSTOM_SPAN, "Phòng, chống lừa đảo")
    assert dated == period and dated.id == "2023-CD1"
    assert dated.window() == CUSTOM_SPAN
    assert parse_period("2023-H1").with_dates(*CUSTOM_SPAN) == parse_period("2023-H1")  # a regular one keeps its rule
    assert parse_period("2023-H1").with_dates(*CUSTOM_SPAN).window()[0] == date(2022, 12, 15)


@pytest.mark.parametrize(
    ("title", "label"),
    [
        (None, "từ ngày 01/01/2023 đến ngày 31/12/2024"),
        ("", "từ ngày 01/01/2023 đến ngày 31/12/2024"),
        ("Phòng, chống lừa đảo", "chuyên đề «Phòng, chống lừa đảo» từ ngày 01/01/2023 đến ngày 31/12/2024"),
    ],
)
def test_a_custom_period_is_named_by_its_stored_dates_and_title(title: str | None, label: str) -> None:
    assert parse_period("2023-CD1").with_dates(*CUSTOM_SPAN, title).label == label


def test_a_custom_period_has_no_rule_made_dates_and_no_same_period_to_compare() -> None:
    period = parse_period("2023-CD1")
    assert period.label == "kỳ chuyên đề 2023-CD1"  # only where the stored row is not at hand
    assert period.same_period_last_year() is None and period.previous() is None
    with pytest.raises(ValueError, match="with_dates"):
        period.window()
    with pytest.raises(ValueError, match="opened"):
        period.with_dates(*CUSTOM_SPAN).deadline()


@pytest.mark.parametrize("text", ["2023-CD1", "2023-CD99", "2023-H1", "2023-M10"])
def test_the_openapi_pattern_admits_what_parse_period_writes(text: str) -> None:
    assert re.fullmatch(PERIOD_ID_PATTERN, parse_period(text).id)


@pytest.mark.parametrize("text", ["2023-CD0", "2023-CD100", "2023-C1"])
def test_the_openapi_pattern_refuses_what_parse_period_refuses(text: str) -> None:
    assert re.fullmatch(PERIOD_ID_PATTERN, text) is None


def test_working_days_between_skip_weekends() -> None:
    # 14/6/2023 is a Wednesday: Thursday and Friday lie before Sunday 18/6.
    assert working_days_between(date(2023, 6, 14), date(2023, 6, 18)) == 2
    # Friday 14/6/2024 to Monday 17/6/2024: none.
    assert working_days_between(date(2024, 6, 14), date(2024, 6, 17)) == 0
