from decimal import Decimal

import pytest

from agencies.vn_numbers import Unreadable, parse_number


@pytest.mark.parametrize(
    ("text", "unit", "value"),
    [
        ("1.526.950.000", None, Decimal(1_526_950_000)),
        ("1526950000", None, Decimal(1_526_950_000)),
        ("1 526 950 000", None, Decimal(1_526_950_000)),
        ("1.526.950.000 đồng", "đồng", Decimal(1_526_950_000)),
        ("1.526.950.000đ", "đồng", Decimal(1_526_950_000)),
        ("169,75 triệu đồng", "đồng", Decimal(169_750_000)),
        ("25,85 triệu", "đồng", Decimal(25_850_000)),
        ("1,5 tỷ", "đồng", Decimal(1_500_000_000)),
        ("850 nghìn đồng", "đồng", Decimal(850_000)),
        ("02", "vụ", Decimal(2)),
        ("15 tài khoản", "tài khoản", Decimal(15)),
        ("22 trường hợp", "trường hợp", Decimal(22)),
        ("1,526,950,000", None, Decimal(1_526_950_000)),
        ("1.526.950,5", None, Decimal("1526950.5")),
        ("12,5", None, Decimal("12.5")),
        ("-3", None, Decimal(-3)),
        ("\u00a042.000\u00a0", None, Decimal(42_000)),
    ],
)
def test_numbers_as_officers_type_them(text: str, unit: str | None, value: Decimal) -> None:
    assert parse_number(text, unit) == value


@pytest.mark.parametrize(
    ("text", "ambiguous"),
    [
        ("1.5", True),
        ("169.75", True),
        ("1,526", True),
        ("bốn", False),
        ("12 vụ việc khác", False),
        ("1.52.000", False),
        ("đồng", False),
        ("", False),
    ],
)
def test_what_cannot_be_told_is_refused_with_a_reason(text: str, ambiguous: bool) -> None:
    result = parse_number(text, "vụ")
    assert isinstance(result, Unreadable)
    assert result.ambiguous is ambiguous
    assert result.reason


@pytest.mark.parametrize(("length", "too_long"), [(64, False), (65, True), (5_000, True), (5_000_000, True)])
def test_a_number_text_is_capped_before_it_is_looked_at(length: int, too_long: bool) -> None:
    result = parse_number("4".zfill(length))
    assert (result == Decimal(4)) is not too_long
    assert isinstance(result, Unreadable) is too_long and getattr(result, "too_long", False) is too_long


def test_a_quoted_text_is_printable() -> None:
    result = parse_number("\x1b[2J12 vụ")
    assert isinstance(result, Unreadable) and "\x1b" not in result.reason and "\ufffd[2J12" in result.reason
