"""Numbers and small phrases as Vietnamese official reports write them (babel `vi` locale).

These are the Jinja2 filters of the report templates; the sentences themselves live in
templates/report/. House style of seed 004: counts under ten take a leading zero
(`02 cuộc`, `07 trường hợp`), money in full đồng (`25.850.000 đồng`) or in millions
(`169,75 triệu đồng`).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from babel.numbers import format_decimal

from agencies.calendar import REPORTING_TZ
from agencies.problems import Problem, location

LOCALE = "vi"


def number(value: float | int) -> str:
    """`42.000`, `169,75`: Vietnamese separators, no needless decimals."""
    return format_decimal(Decimal(str(value)).normalize(), format="#,##0.###", locale=LOCALE)


def count(value: float | int, unit: str = "") -> str:
    """`07 trường hợp`: whole counts under ten with a leading zero."""
    text = format_decimal(int(value), format="00", locale=LOCALE) if 0 <= value < 10 else number(value)
    return f"{text} {unit}".strip()


def money(value: float | int) -> str:
    """`25.850.000 đồng`."""
    return f"{number(round(value))} đồng"


def million(value: float | int) -> str:
    """`169,75 triệu đồng`; amounts under a million stay in đồng."""
    if value < 1_000_000:
        return money(value)
    return f"{format_decimal(Decimal(str(value)) / 1_000_000, format='#,##0.##', locale=LOCALE)} triệu đồng"


def percent(value: float) -> str:
    """`15,3%`."""
    return f"{format_decimal(value, format='#,##0.0', locale=LOCALE)}%"


def compare(current: float, previous: float | None, unit: str, year: int) -> str:
    """`tăng 2 vụ so với cùng kỳ năm 2022`, `giảm 15,3% …`, or `bằng cùng kỳ năm 2022`.

    Counts are compared by difference, as officials write them; money by percentage.
    """
    if previous is None:
        return ""
    if current == previous:
        return f"bằng cùng kỳ năm {year}"
    direction = "tăng" if current > previous else "giảm"
    if unit == "đồng":
        if previous == 0:
            return f"{direction} {million(abs(current - previous))} so với cùng kỳ năm {year}"
        return f"{direction} {percent(abs(current - previous) / previous * 100)} so với cùng kỳ năm {year}"
    return f"{direction} {count(abs(current - previous), unit)} so với cùng kỳ năm {year}"


CLERK_BLANK = " " * 6  # room the clerk fills in by hand at issuance (the document's number, its day and month)


def document_date(day: date) -> str:
    """`ngày 05 tháng 7 năm 2023` — Decree 30: days under 10 and months 1–2 take a leading zero."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def undated(year: int) -> str:
    """`ngày      tháng      năm 2023`: the day and month left blank for the clerk, who fills them at issuance."""
    return f"ngày{CLERK_BLANK}tháng{CLERK_BLANK}năm {year}"


def document_number(number: int | None) -> str:
    """`05`, `123`: Decree 30 writes numbers under 10 with a leading zero; none: a blank for the clerk."""
    return CLERK_BLANK if number is None else f"{number:02d}"


def capital(text: str) -> str:
    """The text with its first letter upper-case and the rest as written: a phrase made to start a sentence."""
    return text[:1].upper() + text[1:]


def bullet(text: str) -> str:
    """A paragraph as a `- ` item, unless the officer already wrote a bullet."""
    text = text.strip()
    return text if text[:1] in {"-", "+", "•", "*"} else f"- {text}"


def sentence_end(text: str, mark: str = ".") -> str:
    """`text.` — ends the text with `mark` unless it already ends with punctuation."""
    text = text.rstrip()
    return text if text[-1:] in {".", ";", ":", "!", "?", "…"} else text + mark


def local_time(moment: datetime | str, seconds: bool = False) -> str:
    """`14:05 ngày 05/07/2023` (`14:05:09 ngày …` with seconds): a moment of the system (or as the audit log
    keeps one, ISO 8601 with its offset), at the reporting time zone (Asia/Ho_Chi_Minh)."""
    local = (datetime.fromisoformat(moment) if isinstance(moment, str) else moment).astimezone(REPORTING_TZ)
    clock = f"{local:%H:%M:%S}" if seconds else f"{local:%H:%M}"
    return f"{clock} ngày {local:%d/%m/%Y}"


def day(value: date) -> str:
    """`05/07/2023`: a day as the CLI and the mails write it."""
    return f"{value:%d/%m/%Y}"


def where(found: Problem) -> str:
    """Where a problem is, in words: `Trang «Số liệu», ô D12`."""
    return location(found.sheet, found.cell, found.field)


FILTERS = {
    "day": day,
    "where": where,
    "number": number,
    "count": count,
    "money": money,
    "million": million,
    "percent": percent,
    "document_date": document_date,
    "capital": capital,
    "bullet": bullet,
    "sentence_end": sentence_end,
    "local_time": local_time,
}
