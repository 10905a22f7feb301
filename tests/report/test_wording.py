from datetime import UTC, date, datetime

import pytest

from report.wording import (
    bullet,
    capital,
    compare,
    count,
    document_date,
    local_time,
    million,
    money,
    number,
    percent,
    sentence_end,
)


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (2, "cuộc", "02 cuộc"),
        (7, "trường hợp", "07 trường hợp"),
        (10, "vụ", "10 vụ"),
        (42000, "kết nối", "42.000 kết nối"),
        (1, "", "01"),
    ],
)
def test_counts_under_ten_take_a_leading_zero(value: int, unit: str, text: str) -> None:
    assert count(value, unit) == text


def test_money_in_vietnamese_separators() -> None:
    assert money(25_850_000) == "25.850.000 đồng"
    assert money(1_526_950_000.0) == "1.526.950.000 đồng"
    assert million(169_750_000) == "169,75 triệu đồng"
    assert million(2_000_000) == "2 triệu đồng"
    assert million(850_000) == "850.000 đồng"
    assert number(169.75) == "169,75" and number(1878) == "1.878"
    assert percent(15.3) == "15,3%"


@pytest.mark.parametrize(
    ("current", "previous", "unit", "text"),
    [
        (11, 9, "vụ", "tăng 02 vụ so với cùng kỳ năm 2022"),
        (15, 17, "đối tượng", "giảm 02 đối tượng so với cùng kỳ năm 2022"),
        (4, 4, "vụ", "bằng cùng kỳ năm 2022"),
        (115_300_000, 100_000_000, "đồng", "tăng 15,3% so với cùng kỳ năm 2022"),
        (5_000_000, 0, "đồng", "tăng 5 triệu đồng so với cùng kỳ năm 2022"),
        (3, None, "vụ", ""),
    ],
)
def test_comparisons_as_officials_write_them(current, previous, unit: str, text: str) -> None:
    assert compare(current, previous, unit, 2022) == text


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (date(2023, 7, 5), "ngày 05 tháng 7 năm 2023"),
        (date(2023, 2, 14), "ngày 14 tháng 02 năm 2023"),
        (date(2023, 1, 9), "ngày 09 tháng 01 năm 2023"),
        (date(2023, 12, 25), "ngày 25 tháng 12 năm 2023"),
    ],
)
def test_document_dates_follow_decree_30(day: date, text: str) -> None:
    assert document_date(day) == text


def test_bullets_and_sentence_ends() -> None:
    assert bullet("Phát hiện 01 vụ.") == "- Phát hiện 01 vụ."
    assert bullet("- Đã có gạch đầu dòng") == "- Đã có gạch đầu dòng"
    assert bullet("+ Ý phụ") == "+ Ý phụ"
    assert sentence_end("Không dấu chấm") == "Không dấu chấm."
    assert sentence_end("Có dấu chấm phẩy;") == "Có dấu chấm phẩy;"


def test_a_moment_reads_on_the_provinces_clock() -> None:
    late_evening = datetime(2023, 6, 18, 17, 5, 9, tzinfo=UTC)  # past midnight in Hưng Yên: the next day
    assert local_time(late_evening) == "00:05 ngày 19/06/2023"
    assert local_time(late_evening, seconds=True) == "00:05:09 ngày 19/06/2023"


@pytest.mark.parametrize(
    ("text", "shown"),
    [("đã nhận báo cáo của UBND", "Đã nhận báo cáo của UBND"), ("«x»", "«x»"), ("", "")],
)
def test_capital_starts_a_sentence_and_keeps_the_rest(text: str, shown: str) -> None:
    assert capital(text) == shown
