"""Hostile returns — what an attacker or a broken exporter sends — and exactly what each must get back.

Shared by the intake tests (tests/schema), the API tests (tests/portal) and the CLI tests (tests/cli).
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from io import BytesIO
from typing import Any

from openpyxl import load_workbook

from agencies.form_layout import FIGURES_SHEET, META_SHEET
from agencies.roster import load_roster
from tests.factories import POLICE_FIGURES, blank_form, edited, filled_form, row_of, set_figure, set_meta

FIVE_MB = 5 * 1024 * 1024


def police_document(**changes: Any) -> dict[str, Any]:
    """A valid JSON return of the police for 2023-H1, with `changes` to its top-level keys."""
    document = {
        "agency": "police",
        "period": "2023-H1",
        "form": "police@1",
        "indicators": dict(POLICE_FIGURES),
        "narrative": {"activities": ["Phối hợp xử lý các trường hợp vi phạm."]},
    }
    return {**document, **changes}


def as_json(document: dict[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False).encode()


def as_escaped_json(document: dict[str, Any]) -> bytes:
    """`document` as JavaScript's `JSON.stringify` writes it: a lone surrogate (half an emoji) as a `\\uXXXX` escape."""
    return json.dumps(document).encode()


# What JavaScript leaves of 😀 (U+1F600, the pair D83D DE00) when it cuts a text after its first half.
HALF_EMOJI = "\ud83d"


def with_figure(code: str, literal: str) -> bytes:
    """The police return with figure `code` written as `literal`, which no JSON library writes (`1e400`)."""
    document = police_document()
    document["indicators"][code] = "@@"
    return as_json(document).replace(b'"@@"', literal.encode())


def with_indicators(extra: int) -> bytes:
    """The police return with `extra` codes the form does not know."""
    return as_json(police_document(indicators={**POLICE_FIGURES, **{f"extra_{i}": 1 for i in range(extra)}}))


def with_paragraphs(*paragraphs: str, section: str = "activities") -> bytes:
    return as_json(police_document(narrative={section: list(paragraphs)}))


def police_form(change: Callable | None = None, **figures: Any) -> bytes:
    data = filled_form(load_roster(), "police", figures={**POLICE_FIGURES, **figures})
    return edited(data, change) if change else data


def rename_figures_sheet(title: str) -> Callable:
    def change(book) -> None:
        with warnings.catch_warnings():  # openpyxl warns past Excel's 31 characters; LibreOffice allows more
            warnings.simplefilter("ignore", UserWarning)
            book[FIGURES_SHEET].title = title

    return change


@cache
def figure_cell(code: str) -> str:
    """The value cell of `code` on the police form, as the reader names it."""
    return f"D{row_of(load_workbook(BytesIO(blank_form(load_roster(), 'police'))), code)}"


@dataclass(frozen=True)
class Hostile:
    build: Callable[[], bytes]
    code: str  # the error the sender must get, naming the place below
    field: str | None = None  # JSON: the field named (its start, when the sender's key is shortened)
    sheet: str | None = None
    cell: str | None = None
    figure: str | None = None  # the cell is the value cell of this figure
    also: frozenset[str] = frozenset()  # the other error codes expected, if any: nothing else
    quotes: str | None = None  # the sender's value as the message must quote it

    @property
    def located_cell(self) -> str | None:
        return figure_cell(self.figure) if self.figure else self.cell


HOSTILE: dict[str, Hostile] = {
    # numbers
    "number 1e400": Hostile(
        lambda: with_figure("fraud_cases", "1e400"), "number_too_large", "indicators.fraud_cases", quotes="= 1e400 "
    ),
    "number -1e400": Hostile(
        lambda: with_figure("fraud_damage", "-1e400"), "number_too_large", "indicators.fraud_damage", quotes="-1e400"
    ),
    "NaN as money": Hostile(
        lambda: with_figure("fines_total", "NaN"), "not_finite", "indicators.fines_total", quotes="«NaN»"
    ),
    "Infinity": Hostile(
        lambda: with_figure("fraud_cases", "Infinity"), "not_finite", "indicators.fraud_cases", quotes="«Infinity»"
    ),
    "-Infinity": Hostile(
        lambda: with_figure("fraud_damage", "-Infinity"), "not_finite", "indicators.fraud_damage", quotes="«-Infinity»"
    ),
    "integer of 5,000 digits": Hostile(
        lambda: with_figure("fraud_cases", "9" * 5000), "number_too_large", "indicators.fraud_cases"
    ),
    "10^16 đồng": Hostile(
        lambda: with_figure("fraud_damage", str(10**16)), "number_too_large", "indicators.fraud_damage"
    ),
    "arrays nested 100,000 deep": Hostile(
        lambda: with_figure("fraud_cases", "[" * 100_000 + "]" * 100_000), "too_deep", "(gốc)"
    ),
    # over-long and unprintable text
    "form reference of 65 characters": Hostile(lambda: as_json(police_document(form="p" * 65)), "too_long", "form"),
    "form reference of 5 MB": Hostile(lambda: as_json(police_document(form="p" * FIVE_MB)), "too_long", "form"),
    "agency of 5 MB": Hostile(lambda: as_json(police_document(agency="a" * FIVE_MB)), "too_long", "agency"),
    "period of 1,000 characters": Hostile(lambda: as_json(police_document(period="9" * 1000)), "too_long", "period"),
    "indicator code of 10,000 characters": Hostile(
        lambda: as_json(police_document(indicators={**POLICE_FIGURES, "k" * 10_000: 1})),
        "too_long",
        "indicators.kkkk",
    ),
    "section code of 100 characters": Hostile(
        lambda: with_paragraphs("Đoạn văn.", section="s" * 100), "too_long", "narrative.ssss"
    ),
    "paragraph of 20,001 characters": Hostile(
        lambda: with_paragraphs("x" * 20_001), "too_long", "narrative.activities[0]"
    ),
    "1,001 paragraphs": Hostile(lambda: with_paragraphs(*["Đoạn văn."] * 1001), "too_many", "narrative"),
    "1,001 indicators": Hostile(lambda: with_indicators(1001 - len(POLICE_FIGURES)), "too_many", "indicators"),
    "NUL in the form reference": Hostile(
        lambda: as_json(police_document(form="police@1\x00")), "control_characters", "form"
    ),
    "terminal escape in a paragraph": Hostile(
        lambda: with_paragraphs("\x1b[2J xóa màn hình"), "control_characters", "narrative.activities[0]"
    ),
    # half an emoji: no UTF-8 text, database column or document can hold it
    "half an emoji in the form reference": Hostile(
        lambda: as_escaped_json(police_document(form="police@1" + HALF_EMOJI)), "broken_characters", "form"
    ),
    "half an emoji in the period": Hostile(
        lambda: as_escaped_json(police_document(period="2023-H1" + HALF_EMOJI)), "broken_characters", "period"
    ),
    "half an emoji in a section name": Hostile(
        lambda: as_escaped_json(police_document(narrative={"activities" + HALF_EMOJI: ["Đoạn văn."]})),
        "broken_characters",
        "narrative.activities\ufffd[0]",
    ),
    "half an emoji in an indicator code": Hostile(
        lambda: as_escaped_json(police_document(indicators={**POLICE_FIGURES, "fraud_cases" + HALF_EMOJI: 1})),
        "broken_characters",
        "indicators.fraud_cases\ufffd",
    ),
    "half an emoji in an indicator value": Hostile(
        lambda: as_escaped_json(police_document(indicators={**POLICE_FIGURES, "fraud_cases": "12" + HALF_EMOJI})),
        "broken_characters",
        "indicators.fraud_cases",
    ),
    "half an emoji in a paragraph": Hostile(
        lambda: as_escaped_json(police_document(narrative={"activities": ["Đã gỡ 12 tài khoản " + HALF_EMOJI]})),
        "broken_characters",
        "narrative.activities[0]",
        quotes="(U+D83D)",
    ),
    "U+FFFF in a paragraph": Hostile(
        lambda: with_paragraphs("Đoạn văn \uffff"), "broken_characters", "narrative.activities[0]", quotes="(U+FFFF)"
    ),
    "150 unknown indicators": Hostile(
        lambda: with_indicators(150), "unknown_indicator", "indicators.extra_0", also=frozenset({"too_many_problems"})
    ),
    # the XLSX form
    "metadata C6 of 300 characters": Hostile(
        lambda: police_form(set_meta("form", "p" * 300)), "too_long", sheet=META_SHEET, cell="C6"
    ),
    "a cell holding 1e300": Hostile(
        lambda: police_form(fraud_damage=1e300),
        "number_too_large",
        sheet=FIGURES_SHEET,
        figure="fraud_damage",
        quotes="= 1e+300 ",
    ),
    "a text cell of 5,000 digits": Hostile(
        lambda: police_form(set_figure("fraud_damage", "9" * 5000)),
        "too_long",
        sheet=FIGURES_SHEET,
        figure="fraud_damage",
    ),
    "two million billion đồng typed as text": Hostile(
        lambda: police_form(set_figure("fraud_damage", "2.000.000.000.000.000 đồng")),
        "number_too_large",
        sheet=FIGURES_SHEET,
        figure="fraud_damage",
    ),
    "a figures sheet named with 70 characters": Hostile(
        lambda: police_form(rename_figures_sheet("S" * 70)), "too_long", sheet="S" * 70
    ),
}
