"""Every way a return goes wrong, each a real file, through the real intake on SQLite and PostgreSQL.

Each gets exactly its error code and a Vietnamese message that names the cell where there
is one — and its raw bytes are in the database afterwards, whatever was wrong.
"""

import hashlib
import json
import os
import zipfile
from collections.abc import Callable
from datetime import datetime
from io import BytesIO

import pytest
from docx import Document
from msoffcrypto.format.ooxml import OOXMLFile
from sqlalchemy.orm import Session

from agencies.form_layout import FIGURES_SHEET, META_SHEET, NARRATIVE_SHEET
from agencies.roster import Roster
from schema.intake import submit_return
from schema.models import Blob, Period, Return
from tests.factories import POLICE_FIGURES, edited, filled_form, json_return, row_of, set_figure, set_meta

VIETNAMESE = set("ạảãáàâấầẩẫậăắằẳẵặđêếềểễệôốồổỗộơớờởỡợưứừửữựíìỉĩịúùủũụýỳỷỹỵéèẻẽẹóòỏõọ")


def police(roster: Roster, change: Callable | None = None, **figures) -> bytes:
    data = filled_form(roster, "police", figures={**POLICE_FIGURES, **figures})
    return edited(data, change) if change else data


def zip_with(base: bytes, extra: dict[str, bytes]) -> bytes:
    buffer = BytesIO()
    with zipfile.ZipFile(BytesIO(base)) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        for name, content in extra.items():
            target.writestr(name, content)
    return buffer.getvalue()


def zip_bomb() -> bytes:
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (250 * 1024 * 1024))
    return buffer.getvalue()


def encrypted(data: bytes) -> bytes:
    """The workbook as Excel saves it with «Encrypt with Password» (Agile encryption)."""
    target = BytesIO()
    OOXMLFile(BytesIO(data)).encrypt("matkhau", target)
    return target.getvalue()


def word_document() -> bytes:
    document = Document()
    document.add_paragraph("Báo cáo kết quả 6 tháng đầu năm 2023 — Công an tỉnh")
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def formula_without_cache(book) -> None:
    sheet = book[FIGURES_SHEET]
    first, last = row_of(book, "gambling_information"), row_of(book, "false_information")
    sheet.cell(row_of(book, "harmful_content_cases"), 4).value = f"=SUM(D{first}:D{last})"


def narrative_before_any_section(book) -> None:
    sheet = book[NARRATIVE_SHEET]
    sheet.insert_rows(4)
    sheet.cell(4, 3).value = "Đoạn văn viết trước mọi mục."


def unknown_code(book) -> None:
    sheet = book[FIGURES_SHEET]
    sheet.cell(40, 1).value, sheet.cell(40, 4).value = "bogus_code", 3


def value_without_code(book) -> None:
    book[FIGURES_SHEET].cell(40, 4).value = 12


def unknown_section(book) -> None:
    sheet = book[NARRATIVE_SHEET]
    sheet.cell(80, 1).value, sheet.cell(80, 3).value = "gossip", "Chuyện khác."


# name → (build(roster) → bytes, submitting agency, expected code, names a cell)
CASES: dict[str, tuple[Callable[[Roster], bytes], str | None, str, bool]] = {
    "text in a count cell": (lambda r: police(r, fraud_cases="bốn vụ"), None, "not_a_number", True),
    "negative count": (lambda r: police(r, accounts_removed=-3), None, "negative", True),
    "a fraction of a case": (lambda r: police(r, online_gambling_cases=1.5), None, "not_whole", True),
    "ambiguous decimal point": (lambda r: police(r, accounts_removed="1.5"), None, "number_ambiguous", True),
    "a date where a number goes": (
        lambda r: police(r, online_gambling_cases=datetime(2023, 5, 1)),
        None,
        "date_in_number_cell",
        True,
    ),
    "required figure left blank": (
        lambda r: police(r, set_figure("fraud_cases", None)),
        None,
        "required_missing",
        True,
    ),
    "required row deleted": (
        lambda r: police(r, lambda b: b[FIGURES_SHEET].delete_rows(row_of(b, "fraud_cases"))),
        None,
        "indicator_row_missing",
        False,
    ),
    "code typed twice": (
        lambda r: police(r, lambda b: b[FIGURES_SHEET].cell(b[FIGURES_SHEET].max_row + 1, 1, "fraud_cases")),
        None,
        "duplicate_indicator",
        True,
    ),
    "unknown code with a value": (lambda r: police(r, unknown_code), None, "unknown_indicator", True),
    "a value on a row without code": (lambda r: police(r, value_without_code), None, "value_without_code", True),
    "formula without a computed value": (
        lambda r: police(r, formula_without_cache),
        None,
        "formula_without_value",
        True,
    ),
    "cross-field rule broken": (lambda r: police(r, sanctioned_cases=30), None, "rule_violated", True),
    "unknown narrative section": (lambda r: police(r, unknown_section), None, "unknown_section", True),
    "paragraph before any section": (
        lambda r: police(r, narrative_before_any_section),
        None,
        "paragraph_without_section",
        True,
    ),
    "another agency's form": (lambda r: police(r), "customs", "agency_mismatch", True),
    "unknown agency in the metadata": (
        lambda r: police(r, set_meta("agency", "police-hanoi")),
        None,
        "unknown_agency",
        True,
    ),
    "malformed period": (lambda r: police(r, set_meta("period", "2023-H3")), None, "invalid_period", True),
    "period never opened": (
        lambda r: filled_form(r, "police", "2022-H2", figures=POLICE_FIGURES),
        None,
        "unknown_period",
        True,
    ),
    "form of another group": (lambda r: police(r, set_meta("form", "customs@1")), None, "form_mismatch", True),
    "outdated form version": (lambda r: police(r, set_meta("form", "police@0")), None, "form_mismatch", True),
    "metadata erased": (lambda r: police(r, set_meta("period", None)), None, "metadata_missing", True),
    "metadata sheet deleted": (
        lambda r: police(r, lambda b: b.remove(b[META_SHEET])),
        None,
        "metadata_sheet_missing",
        False,
    ),
    "empty file": (lambda r: b"", "police", "empty_file", False),
    "a PDF": (lambda r: b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n", "police", "pdf_file", False),
    "a Word document": (lambda r: word_document(), "police", "word_document", False),
    "a CSV export": (lambda r: "Mã chỉ tiêu;Số liệu\nfraud_cases;4\n".encode(), "police", "not_a_spreadsheet", False),
    "a photo of the form": (
        lambda r: b"\xff\xd8\xff\xe0\x00\x10JFIF" + os.urandom(2048),
        "police",
        "not_a_spreadsheet",
        False,
    ),
    "a truncated download": (lambda r: police(r)[:3000], "police", "unreadable_workbook", False),
    "a ZIP bomb": (lambda r: zip_bomb(), "police", "zip_bomb", False),
    "macro-enabled workbook": (
        lambda r: zip_with(police(r), {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0" + b"\x00" * 512}),
        "police",
        "macro_enabled",
        False,
    ),
    "password-protected workbook": (lambda r: encrypted(police(r)), "police", "encrypted", False),
    "a file over the size limit": (
        lambda r: b"PK\x03\x04" + os.urandom(21 * 1024 * 1024),
        "police",
        "file_too_large",
        False,
    ),
    "broken JSON": (lambda r: b'{"agency": "police", "period": ', "police", "invalid_json", False),
    "JSON in the wrong shape": (
        lambda r: json.dumps({"agency": "police", "period": "2023-H1", "form": "police@1", "indicators": [4]}).encode(),
        "police",
        "json_shape",
        False,
    ),
    "JSON with a negative figure": (
        lambda r: json_return("police", "2023-H1", "police@1", {**POLICE_FIGURES, "fraud_cases": -4}),
        "police",
        "negative",
        False,
    ),
}


def test_the_table_is_wide_enough() -> None:
    assert len(CASES) >= 25
    assert len({code for _, _, code, _ in CASES.values()}) >= 25


@pytest.mark.parametrize("name", list(CASES))
def test_bad_input_is_refused_precisely_and_kept(loaded: Session, roster: Roster, name: str) -> None:
    build, sender, code, names_cell = CASES[name]
    data = build(roster)
    receipt = submit_return(loaded, roster, data, channel="cli", actor="test", filename=f"{name}.bin", agency_id=sender)

    assert not receipt.accepted
    assert [p.code for p in receipt.errors] == [code]
    error = receipt.errors[0]
    assert VIETNAMESE & set(error.message.casefold()), error.message
    if names_cell:
        assert error.cell or error.field
        assert (error.cell or error.field) in error.message
    stored = loaded.get(Blob, hashlib.sha256(data).hexdigest())
    assert stored is not None and stored.content == data and stored.size == len(data)
    row = loaded.get(Return, receipt.id)
    assert row.status == "invalid" and row.sha256 == receipt.sha256 and row.version is None
    assert [p["code"] for p in row.problems if p["severity"] == "error"] == [code]


def test_a_closed_period_refuses_and_keeps(loaded: Session, roster: Roster) -> None:
    loaded.get(Period, "2023-H1").state = "closed"
    loaded.commit()
    data = police(roster)
    receipt = submit_return(loaded, roster, data, channel="cli", actor="test")
    assert [p.code for p in receipt.errors] == ["period_closed"]
    assert "C4" in receipt.errors[0].message
    assert loaded.get(Blob, receipt.sha256).content == data
