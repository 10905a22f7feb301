"""What a clerk would otherwise fix in the draft before issuing it (Decree 30/2020/NĐ-CP, appendix I): the number
and the day left blank unless given, the signing authority from the roster, the language Vietnamese for Word's
spell-check, the header table as wide as the text. Read back from the .docx (its layout as LibreOffice draws it is
tests/cli/test_consolidate_pdf.py's)."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from pathlib import Path
from zipfile import ZipFile

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Length
from lxml import etree
from sqlalchemy.orm import Session

from agencies.calendar import REPORTING_TZ
from agencies.roster import Roster
from agencies.samples import load_samples
from phoihop.demo import submit_samples
from report.context import ReportContext, build_context
from report.draft import render_draft
from schema.snapshot import load_period_returns
from tests.docx_reading import table_text

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture
def context(loaded: Session, roster: Roster) -> ReportContext:
    """Seed 004's returns, through the real intake; no report date, no number."""
    receipts = submit_samples(loaded, roster, load_samples(), "test")
    assert all(r.accepted for r in receipts)
    return build_context(load_period_returns(loaded, "2023-H1"), None)


def lines(path: Path, table: int) -> list[str]:
    return [line for line in table_text(path, table).splitlines() if line.strip()]


def with_coordinator(context: ReportContext, **changes: object) -> ReportContext:
    return dataclasses.replace(context, coordinator={**context.coordinator, **changes})


def test_the_number_and_the_day_are_left_blank_for_the_clerk_unless_given(
    context: ReportContext, tmp_path: Path
) -> None:
    year = datetime.now(REPORTING_TZ).year
    header = lines(render_draft(context, tmp_path / "blank.docx"), 0)
    assert "Số:       /BC-STTTT" in header
    assert f"Hưng Yên, ngày      tháng      năm {year}" in header

    given = dataclasses.replace(context, report_date=date(2023, 7, 5), number=9)
    header = lines(render_draft(given, tmp_path / "given.docx"), 0)
    assert "Số: 09/BC-STTTT" in header, "Decree 30: numbers under 10 take a leading zero"
    assert "Hưng Yên, ngày 05 tháng 7 năm 2023" in header
    header = lines(render_draft(dataclasses.replace(given, number=10), tmp_path / "ten.docx"), 0)
    assert "Số: 10/BC-STTTT" in header


@pytest.mark.parametrize(
    ("changes", "signature"),
    [
        ({}, ["GIÁM ĐỐC"]),
        ({"signing_authority": "KT.", "signer_position": "PHÓ GIÁM ĐỐC"}, ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]),
        ({"signing_authority": "TL.", "signer_position": "CHÁNH VĂN PHÒNG"}, ["TL. GIÁM ĐỐC", "CHÁNH VĂN PHÒNG"]),
        (
            {"signing_authority": "TM.", "signer_title": "ỦY BAN NHÂN DÂN", "signer_position": "CHỦ TỊCH"},
            ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"],
        ),
        ({"signing_authority": "Q."}, ["Q. GIÁM ĐỐC"]),
    ],
)
def test_the_signing_authority_stands_above_the_signature(
    context: ReportContext, tmp_path: Path, changes: dict[str, str], signature: list[str]
) -> None:
    closing = lines(render_draft(with_coordinator(context, **changes), tmp_path / "d.docx"), 1)
    right = closing[closing.index("- Lưu: VT.") + 1 :]
    assert right == [*signature, "Nguyễn Văn A"]


def test_a_long_name_breaks_where_the_roster_says(context: ReportContext, tmp_path: Path) -> None:
    long_name = with_coordinator(context, issuing_body="SỞ KHOA HỌC, CÔNG NGHỆ\nVÀ ĐỔI MỚI SÁNG TẠO")
    header = lines(render_draft(long_name, tmp_path / "d.docx"), 0)
    assert header[:3] == ["UBND TỈNH HƯNG YÊN", "SỞ KHOA HỌC, CÔNG NGHỆ", "VÀ ĐỔI MỚI SÁNG TẠO"]
    bold = [p for p in Document(str(tmp_path / "d.docx")).tables[0].rows[0].cells[0].paragraphs if p.text.strip()]
    assert [all(r.bold for r in p.runs if r.text) for p in bold[:3]] == [False, True, True], "each line of the body"


def test_the_draft_is_written_in_vietnamese_for_words_spell_check(context: ReportContext, tmp_path: Path) -> None:
    path = render_draft(context, tmp_path / "d.docx")
    with ZipFile(path) as package:
        styles = etree.fromstring(package.read("word/styles.xml"))
        document = etree.fromstring(package.read("word/document.xml"))
        settings = etree.fromstring(package.read("word/settings.xml"))
    default = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
    assert default.get(f"{W}val") == "vi-VN", "every run without a language of its own"
    languages = {node.get(f"{W}val") for node in [*styles.iter(f"{W}lang"), *document.iter(f"{W}lang")]}
    assert languages == {"vi-VN"}, "no style or run says otherwise"
    assert settings.find(f"{W}themeFontLang").get(f"{W}val") == "vi-VN"
    assert Document(str(path)).core_properties.language == "vi-VN"


def test_the_header_table_is_as_wide_as_the_text(context: ReportContext, tmp_path: Path) -> None:
    document = Document(str(render_draft(context, tmp_path / "d.docx")))
    page = document.sections[0]
    text_width = Length(page.page_width - page.left_margin - page.right_margin)
    assert abs(text_width.mm - 165) < 0.1, "A4, margins 30 and 15 mm"
    for table in document.tables:
        grid = [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.iter(qn("w:gridCol"))]
        width = table._tbl.tblPr.find(qn("w:tblW"))
        assert abs(sum(grid) - text_width.twips) <= 2 and abs(int(width.get(qn("w:w"))) - text_width.twips) <= 2
