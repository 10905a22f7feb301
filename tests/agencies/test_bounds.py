"""The bounds fit together: every field name built from a bounded code fits its column; quotes stay short."""

from agencies.bounds import (
    CODE_MAX,
    FIELD_MAX,
    PARAGRAPHS_MAX,
    QUOTE_MAX,
    broken_character,
    control_character,
    printable,
    shorten,
)
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
    assert shorten("2023-H1\ud83d") == "2023-H1\ufffd" and printable("\udce1\udfff").encode() == "\ufffd\ufffd".encode()

    refused = problem("unknown_agency", value=huge, field=huge)
    assert len(refused.message) < 3 * QUOTE_MAX + 100 and len(refused.field) == QUOTE_MAX


def test_text_written_by_the_roster_is_quoted_whole() -> None:
    message = "Tổng các trường hợp chi tiết không được lớn hơn tổng số trường hợp phát hiện; " * 3
    assert message in problem("rule_violated", message=message, detail="ô D12 (x) = 3").message


def test_a_character_no_document_can_hold_is_found() -> None:
    assert control_character("Đoạn\tvăn\r\n") is None and control_character("a\x00b\x1b") == "\x00"
    assert broken_character("😀 \ufffd \ufffd") is None  # a whole emoji, and the replacement character, are fine
    for broken in ("\ud800", "\udbff", "\udc00", "\udfff", "\ufffe", "\uffff"):
        assert broken_character(f"a{broken}b") == broken
    assert broken_character("\ud7ff\ue000") is None  # the code points either side of the surrogates
