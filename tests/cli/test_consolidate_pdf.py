"""`phoihop consolidate --pdf` as the coordinator types it: seed 004's draft laid out by LibreOffice, then read
back from the PDF as a reader sees it — how many pages, the page numbers from page 2, the header's lines as
Decree 30/2020 sets them, with the number and the day left blank for the clerk, and the roster's signing
authority above the signature.

The Hưng Yên roster is copied with a deputy signing on the Director's behalf (KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC);
`phoihop demo` fills its database with the 25 sample returns, then `consolidate` drafts from it without
`--date` or `--number`.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from agencies.calendar import REPORTING_TZ
from agencies.roster import DEFAULT_ROSTER
from tests.cli.command import one_line, phoihop

# Measured: 11 pages (LibreOffice 7.4, Liberation Serif, seed 004's returns). The bounds leave room for the
# wording to change a little; a layout that lost its margins or font sizes falls outside them.
PAGES = range(9, 14)
DEPUTY = "  signer_title: GIÁM ĐỐC\n  signing_authority: KT.\n  signer_position: PHÓ GIÁM ĐỐC\n"


@dataclass
class Preview:
    result: subprocess.CompletedProcess[str]
    draft: Path
    pages: list[list[str]]  # each page's lines of text, as pypdf extracts them


@pytest.fixture(scope="module")
def preview(tmp_path_factory: pytest.TempPathFactory, prefect_api: str, office: str) -> Preview:
    root = tmp_path_factory.mktemp("pdf")
    roster = root / "hung-yen" / "roster.yaml"
    shutil.copytree(DEFAULT_ROSTER.parent, roster.parent)
    text = roster.read_text(encoding="utf-8")
    assert "  signer_title: GIÁM ĐỐC\n" in text
    roster.write_text(text.replace("  signer_title: GIÁM ĐỐC\n", DEPUTY), encoding="utf-8")
    demo = root / "demo"
    made = phoihop(
        root / "var", "demo", "--out", str(demo), "--roster", str(roster), timeout=300, PREFECT_API_URL=prefect_api
    )
    assert made.returncode == 0, made.stderr
    database = f"sqlite:///{demo / 'phoihop-demo.db'}"
    drafts = root / "drafts"
    result = phoihop(
        root / "var", "--db", database, "consolidate", "2023-H1", "--out", str(drafts), "--pdf",
        timeout=300, PREFECT_API_URL=prefect_api,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    draft = drafts / "bao-cao-2023-H1-v1.docx"
    reader = PdfReader(drafts / "bao-cao-2023-H1-v1.pdf")
    pages = [[line.strip() for line in page.extract_text().splitlines() if line.strip()] for page in reader.pages]
    return Preview(result, draft, pages)


def test_the_terminal_names_the_pdf_and_the_picture_of_page_1_beside_the_draft(preview: Preview) -> None:
    lines = preview.result.stdout.splitlines()
    pdf, png = preview.draft.with_suffix(".pdf"), preview.draft.with_name("bao-cao-2023-H1-v1-trang-1.png")
    assert f"Đã lập dự thảo báo cáo kỳ 2023-H1, phiên bản 1 (bản mới nhất): {preview.draft}" in lines
    assert f"Bản PDF của dự thảo (LibreOffice): {pdf}" in lines
    assert f"Ảnh trang 1 của dự thảo: {png}" in lines
    assert pdf.read_bytes().startswith(b"%PDF-")
    with png.open("rb") as picture:
        header = picture.read(24)
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(header[16:20], "big"), int.from_bytes(header[20:24], "big")
    assert 800 < width < 1000 and abs(height / width - 297 / 210) < 0.01, "an A4 page, portrait"


def test_page_count_and_page_numbers_from_page_2(preview: Preview) -> None:
    assert len(preview.pages) in PAGES, len(preview.pages)
    first = preview.pages[0]
    assert first[0] == "UBND TỈNH HƯNG YÊN", "page 1 starts with the header, no page number above it"
    assert not any(line.isdigit() for line in first), "no page number on page 1"
    for number, lines in enumerate(preview.pages[1:], start=2):
        assert lines[0] == str(number), f"page {number} starts with its number, centred in the top margin"


def test_the_header_keeps_each_name_on_its_own_line(preview: Preview) -> None:
    year = datetime.now(REPORTING_TZ).year
    header = preview.pages[0][:6]
    assert header[:2] == ["UBND TỈNH HƯNG YÊN", "SỞ THÔNG TIN VÀ TRUYỀN THÔNG"], "no lone word wrapped to a line"
    assert re.fullmatch(r"Số:\s{3,}/BC-STTTT", header[2]), "the number left blank for the clerk"
    assert header[3:5] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    assert re.fullmatch(rf"Hưng Yên, ngày\s{{3,}}tháng\s{{3,}}năm {year}", header[5]), "the day left blank"
    assert preview.pages[0][6] == "BÁO CÁO"


def test_the_roster_s_signing_authority_stands_above_the_signature_on_the_closing_line_s_page(preview: Preview) -> None:
    last = preview.pages[-1]
    at = last.index("KT. GIÁM ĐỐC")
    assert last[at + 1 : at + 3] == ["PHÓ GIÁM ĐỐC", "Nguyễn Văn A"]
    assert last[-1] == "Nguyễn Văn A"
    assert last[last.index("Nơi nhận:") - 1] == "Trân trọng báo cáo./.", "the closing line kept with the signature"


def test_without_libreoffice_the_pdf_is_refused_before_anything_is_drafted(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'x.db'}"
    result = phoihop(
        tmp_path / "var", "--db", database, "consolidate", "2023-H1", "--out", str(tmp_path / "drafts"), "--pdf",
        PATH=str(tmp_path / "no-office"),
    )  # fmt: skip
    assert result.returncode == 3, "a missing service: rerun once it is installed"
    assert one_line(result).startswith("Lỗi: Không tìm thấy LibreOffice (lệnh soffice) để chuyển dự thảo sang PDF.")
    assert not (tmp_path / "drafts").exists()
