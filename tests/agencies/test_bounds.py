"""The bounds fit together: every field name built from a bounded code fits its column; quotes stay short."""

from agencies.bounds import CODE_MAX, FIELD_MAX, PARAGRAPHS_MAX, QUOTE_MAX, shorten
from agencies.problems import problem


def test_a_field_built_from_a_code_fits_its_column() -> None:
    assert len(f"indicators.{'x' * CODE_MAX}") <= FIELD_MAX
    assert len(f"narrative.{'x' * CODE_MAX}[{PARAGRAPHS_MAX}]") <= FIELD_MAX


def test_a_senders_value_is_quoted_short_and_printable() -> None:
    huge = "a" * 5 * 1024 * 1024
    assert shorten("police") == "police"
    assert shorten("a" * QUOTE_MAX) == "a" * QUOTE_MAX
    assert shorten("a" * (QUOTE_MAX + 1)) == "a" * (QUOTE_MAX - 1) + "…"
    assert shorten("po\x1b[2Jlice\u202e") == "po\ufffd[2Jlice\ufffd"

    refused = problem("unknown_agency", value=huge, field=huge)
    assert len(refused.message) < 3 * QUOTE_MAX + 100 and len(refused.field) == QUOTE_MAX


def test_text_written_by_the_roster_is_quoted_whole() -> None:
    message = "Tổng các trường hợp chi tiết không được lớn hơn tổng số trường hợp phát hiện; " * 3
    assert message in problem("rule_violated", message=message, detail="ô D12 (x) = 3").message
