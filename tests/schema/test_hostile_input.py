"""Hostile returns through the real intake on SQLite and PostgreSQL: each is a refused receipt with one
precise code naming its field or cell, a return row and its bytes kept — never an exception, never a
value past the length of its column.
"""

import hashlib
import json
import logging
import os
import zipfile
from collections.abc import Callable
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from agencies.bounds import FILENAME_MAX, FORM_REF_MAX, NUMBER_MAX, surrogate
from agencies.form_layout import NARRATIVE_SHEET
from agencies.roster import Roster
from schema.intake import submit_return
from schema.models import Blob, Return
from tests.factories import POLICE_FIGURES, filled_form
from tests.hostile_returns import (
    HOSTILE,
    as_json,
    police_document,
    police_form,
    rename_figures_sheet,
    with_indicators,
    with_paragraphs,
)
from tests.schema.test_bad_inputs import VIETNAMESE


def submit(session: Session, roster: Roster, data: bytes, filename: str | None = "bao-cao.json"):
    return submit_return(session, roster, data, channel="api", actor="test", filename=filename, agency_id="police")


def assert_kept_and_invalid(session: Session, receipt, data: bytes) -> Return:
    stored = session.get(Blob, hashlib.sha256(data).hexdigest())
    assert stored is not None and stored.size == len(data) and stored.content == data
    row = session.get(Return, receipt.id)
    assert row.status == "invalid" and row.version is None and row.agency_id == "police"
    assert [p["code"] for p in row.problems if p["severity"] == "error"] == [p.code for p in receipt.errors]
    assert_printable(row)
    return row


def assert_printable(row: Return) -> None:
    """Nothing of the sender's stored or quoted that cannot be encoded, printed or put in a document."""
    texts = [
        row.filename,
        row.form_ref,
        row.claimed_period,
        json.dumps([row.problems, row.narrative], ensure_ascii=False),
    ]
    for text in filter(None, texts):
        assert text.encode("utf-8") and not [c for c in text if surrogate(c) or c < " "], text


@pytest.mark.parametrize("name", list(HOSTILE))
def test_a_hostile_return_is_refused_with_its_code_and_kept(loaded: Session, roster: Roster, name: str) -> None:
    case = HOSTILE[name]
    data = case.build()
    receipt = submit(loaded, roster, data)

    assert not receipt.accepted
    assert {p.code for p in receipt.errors} == {case.code, *case.also}
    error = next(p for p in receipt.errors if p.code == case.code)
    if case.field:
        assert error.field.startswith(case.field) and error.field in error.message
    else:
        assert (error.sheet, error.cell) == (case.sheet, case.located_cell)
        assert error.sheet in error.message and (error.cell or "") in error.message
    assert VIETNAMESE & set(error.message.casefold()), error.message
    assert case.quotes is None or case.quotes in error.message, error.message
    assert all(len(p.message) < 600 for p in receipt.problems), "a sender's value was copied whole into a message"
    assert_kept_and_invalid(loaded, receipt, data)


# name → (build(n), the bound n, error codes with n at the bound, with n one past it)
BOUNDS: dict[str, tuple[Callable[[int], bytes], int, set[str], set[str]]] = {
    "form reference": (lambda n: as_json(police_document(form="p" * n)), FORM_REF_MAX, {"form_mismatch"}, {"too_long"}),
    "agency id": (lambda n: as_json(police_document(agency="a" * n)), 64, {"unknown_agency"}, {"too_long"}),
    "period": (lambda n: as_json(police_document(period="9" * n)), 32, {"invalid_period"}, {"too_long"}),
    "indicator code": (
        lambda n: as_json(police_document(indicators={**POLICE_FIGURES, "k" * n: 1})),
        64,
        {"unknown_indicator"},
        {"too_long"},
    ),
    "section code": (lambda n: with_paragraphs("Đoạn văn.", section="s" * n), 64, {"unknown_section"}, {"too_long"}),
    "paragraph": (lambda n: with_paragraphs("x" * n), 20_000, set(), {"too_long"}),
    "paragraphs": (lambda n: with_paragraphs(*["Đoạn văn."] * n), 1_000, set(), {"too_many"}),
    "indicators": (
        lambda n: with_indicators(n - len(POLICE_FIGURES)),
        1_000,
        {"unknown_indicator", "too_many_problems"},
        {"too_many"},
    ),
    "problems listed": (
        lambda n: with_indicators(n),
        100,
        {"unknown_indicator"},
        {"unknown_indicator", "too_many_problems"},
    ),
    "figure": (
        lambda n: as_json(police_document(indicators={**POLICE_FIGURES, "fraud_damage": n})),
        NUMBER_MAX,
        set(),
        {"number_too_large"},
    ),
    "figure typed as text": (
        lambda n: as_json(police_document(indicators={**POLICE_FIGURES, "fraud_cases": "4".zfill(n)})),
        64,
        set(),
        {"too_long"},
    ),
    "figures sheet name": (lambda n: police_form(rename_figures_sheet("S" * n)), 64, set(), {"too_long"}),
}


@pytest.mark.parametrize("past", [0, 1], ids=["at the bound", "one past"])
@pytest.mark.parametrize("name", list(BOUNDS))
def test_a_bound_admits_its_limit_and_refuses_one_past(loaded: Session, roster: Roster, name: str, past: int) -> None:
    build, bound, at_bound, past_bound = BOUNDS[name]
    receipt = submit(loaded, roster, build(bound + past))
    assert {p.code for p in receipt.errors} == (past_bound if past else at_bound)
    assert receipt.accepted == (not past and not at_bound)
    if name == "problems listed":
        assert len(receipt.errors) == 100 + past
    if name == "form reference" and not past:  # kept whole in its column, on PostgreSQL too
        assert loaded.get(Return, receipt.id).form_ref == "p" * FORM_REF_MAX


def test_an_accepted_figure_at_the_ceiling_is_kept_exactly(loaded: Session, roster: Roster) -> None:
    data = as_json(police_document(indicators={**POLICE_FIGURES, "fraud_damage": NUMBER_MAX}))
    row = loaded.get(Return, submit(loaded, roster, data).id)
    value = next(v.value for v in row.values if v.code == "fraud_damage")
    assert value == NUMBER_MAX and int(value) == 10**15


def test_a_file_name_is_kept_for_display_only(loaded: Session, roster: Roster) -> None:
    data = police_form()
    hostile = "C:\\Users\\can-bo\\..\\" + "/tmp/" * 1000 + "\x1b[31m" + "bao-cao-" * 1200 + ".xlsx"
    receipt = submit(loaded, roster, data, filename=hostile)
    assert receipt.accepted
    kept = loaded.get(Return, receipt.id).filename
    assert len(kept) == FILENAME_MAX and kept.endswith("….xlsx") and kept.startswith("[31mbao-cao-bao-cao")
    assert not {"/", "\\", "\x1b"} & set(kept)

    exact = "a" * (FILENAME_MAX - 5) + ".xlsx"
    again = submit(loaded, roster, police_form(fraud_cases=5), filename=exact)
    assert loaded.get(Return, again.id).filename == exact

    not_utf8 = os.fsdecode(b"/home/can-bo/b\xe1o-c\xe1o.xlsx")  # Latin-1 bytes: lone surrogates in Python
    latin = submit(loaded, roster, police_form(fraud_cases=6), filename=not_utf8)
    assert latin.accepted and loaded.get(Return, latin.id).filename == "b\ufffdo-c\ufffdo.xlsx"


def test_an_empty_unknown_section_is_no_crash(loaded: Session, roster: Roster) -> None:
    receipt = submit(loaded, roster, as_json(police_document(narrative={"bogus": [], "activities": ["Đoạn."]})))
    assert receipt.accepted and receipt.problems == []


def test_a_narrative_formula_without_a_value_is_a_warning_naming_its_cell(loaded: Session, roster: Roster) -> None:
    data = filled_form(roster, "police", figures=POLICE_FIGURES, narrative={"activities": ['=CONCAT("Đã ", "làm")']})
    sheet = load_workbook(BytesIO(data))[NARRATIVE_SHEET]
    cell = next(c.coordinate for row in sheet.iter_rows() for c in row if str(c.value).startswith("="))

    receipt = submit(loaded, roster, data, filename="bao-cao.xlsx")
    assert receipt.accepted
    assert [(p.code, p.severity, p.sheet, p.cell) for p in receipt.problems] == [
        ("narrative_formula_without_value", "warning", NARRATIVE_SHEET, cell)
    ]
    assert f"Trang «{NARRATIVE_SHEET}», ô {cell}" in receipt.problems[0].message


def without_content_types(data: bytes) -> bytes:
    """The workbook without `[Content_Types].xml`: calamine reads it, openpyxl (used for formulas) fails."""
    buffer = BytesIO()
    with zipfile.ZipFile(BytesIO(data)) as source, zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            if item.filename != "[Content_Types].xml":
                target.writestr(item, source.read(item.filename))
    return buffer.getvalue()


def test_a_file_that_crashes_the_reader_is_an_internal_error_kept_and_logged(
    loaded: Session, roster: Roster, caplog: pytest.LogCaptureFixture
) -> None:
    data = without_content_types(police_form(fraud_cases="=2+2"))
    with caplog.at_level(logging.ERROR, logger="schema.intake"):
        receipt = submit(loaded, roster, data, filename="bao-cao.xlsx")

    assert [p.code for p in receipt.problems] == ["internal_error"]
    assert "đã được lưu nguyên gốc" in receipt.problems[0].message
    assert_kept_and_invalid(loaded, receipt, data)
    record = next(r for r in caplog.records if r.name == "schema.intake")
    assert record.exc_info is not None and receipt.sha256 in record.getMessage()
