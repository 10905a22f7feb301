"""Read numbers as Vietnamese officers type them into a cell formatted as text.

Accepted: `1.526.950.000`, `1526950000`, `1 526 950 000`, `25,85 triệu`, `169,75 triệu đồng`,
`02`, `15 tài khoản` (the indicator's own unit), `1,5 tỷ`, `1,526,950,000` (several comma
groups can only be thousands). Refused as ambiguous, with a reason: `1.5` and `169.75`
(a dot is the Vietnamese thousands separator, so a dot followed by other than three digits
is an English decimal point), `1,526` without a multiplier (Vietnamese 1,526 or English 1526?).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from agencies.bounds import NUMBER_TEXT_MAX, printable

MULTIPLIERS = {
    "nghìn": Decimal(1_000),
    "ngàn": Decimal(1_000),
    "triệu": Decimal(1_000_000),
    "tr": Decimal(1_000_000),
    "tỷ": Decimal(1_000_000_000),
    "tỉ": Decimal(1_000_000_000),
}
CURRENCY = ("đồng", "vnđ", "vnd", "đ")

_DIGITS = re.compile(r"^\d+$")
_DOT_THOUSANDS = re.compile(r"^\d{1,3}(?:\.\d{3})+$")
_COMMA_THOUSANDS = re.compile(r"^\d{1,3}(?:,\d{3}){2,}$")
_SPACE_THOUSANDS = re.compile(r"^\d{1,3}(?: \d{3})+$")
_VN_MIXED = re.compile(r"^\d{1,3}(?:\.\d{3})+,\d+$")  # 1.526.950,5
_EN_MIXED = re.compile(r"^\d{1,3}(?:,\d{3})+\.\d+$")  # 1,526,950.5
_DECIMAL_COMMA = re.compile(r"^\d+,\d+$")


@dataclass(frozen=True)
class Unreadable:
    """Why a text is not a number; `ambiguous` when it could be read two ways."""

    reason: str
    ambiguous: bool = False
    too_long: bool = False  # over NUMBER_TEXT_MAX characters: not looked at


def _strip_words(text: str, unit: str | None) -> tuple[str, Decimal]:
    multiplier = Decimal(1)
    words = [unit.casefold()] if unit else []
    changed = True
    while changed:
        changed = False
        for word in (*words, *CURRENCY):
            if text.endswith(word) and (len(text) == len(word) or not text[-len(word) - 1].isalpha()):
                text, changed = text[: -len(word)].strip(), True
        for word, factor in MULTIPLIERS.items():
            if text.endswith(word) and (len(text) == len(word) or not text[-len(word) - 1].isalpha()):
                text, changed, multiplier = text[: -len(word)].strip(), True, multiplier * factor
    return text, multiplier


def parse_number(text: str, unit: str | None = None) -> Decimal | Unreadable:
    """The number a person meant by `text`, or why it cannot be told."""
    if len(text.strip()) > NUMBER_TEXT_MAX:
        return Unreadable(f"dài hơn {NUMBER_TEXT_MAX} ký tự", too_long=True)
    shown = printable(text.strip())
    cleaned = " ".join(text.replace("\u00a0", " ").casefold().split())
    sign = Decimal(1)
    if cleaned and cleaned[0] in "+-":
        sign = Decimal(-1) if cleaned[0] == "-" else Decimal(1)
        cleaned = cleaned[1:].strip()
    body, multiplier = _strip_words(cleaned, unit)
    if not body:
        return Unreadable("không có chữ số")
    if _DIGITS.match(body) or _SPACE_THOUSANDS.match(body):
        digits = body.replace(" ", "")
    elif _DOT_THOUSANDS.match(body):
        digits = body.replace(".", "")
    elif _COMMA_THOUSANDS.match(body):
        digits = body.replace(",", "")
    elif _VN_MIXED.match(body):
        digits = body.replace(".", "").replace(",", ".")
    elif _EN_MIXED.match(body):
        digits = body.replace(",", "")
    elif _DECIMAL_COMMA.match(body):
        whole, fraction = body.split(",")
        if len(fraction) == 3 and multiplier == 1:
            return Unreadable(f"«{shown}» có thể là {whole},{fraction} hoặc {whole}{fraction}", ambiguous=True)
        digits = f"{whole}.{fraction}"
    elif re.fullmatch(r"\d+\.\d+", body):
        return Unreadable(
            f"«{shown}» dùng dấu chấm thập phân; theo cách viết tiếng Việt dấu chấm phân cách hàng nghìn",
            ambiguous=True,
        )
    else:
        return Unreadable(f"«{shown}» không phải là số")
    try:
        return sign * Decimal(digits) * multiplier
    except InvalidOperation:  # pragma: no cover - the patterns above admit only digits
        return Unreadable(f"«{shown}» không phải là số")
