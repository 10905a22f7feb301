"""report/preview.py with the real LibreOffice: conversions at once do not collide, and one that takes too long
is stopped with a Vietnamese reason."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from docx import Document
from pypdf import PdfReader

from agencies.errors import UserError
from report.preview import convert_to_pdf, pdf_path, png_path, preview


def small_draft(path: Path, text: str) -> Path:
    document = Document()
    document.add_paragraph(text)
    document.save(path)
    return path


def test_conversions_at_once_each_use_a_profile_of_their_own(office: str, tmp_path: Path) -> None:
    drafts = [small_draft(tmp_path / f"bao-cao-{n}-v{n}.docx", f"Dự thảo số {n}") for n in range(3)]
    with ThreadPoolExecutor(max_workers=3) as pool:
        results = list(pool.map(preview, drafts))
    for n, (draft, (pdf, png)) in enumerate(zip(drafts, results, strict=True)):
        assert (pdf, png) == (pdf_path(draft), png_path(draft))
        assert pdf.name == f"bao-cao-{n}-v{n}.pdf" and png.name == f"bao-cao-{n}-v{n}-trang-1.png"
        assert PdfReader(pdf).pages[0].extract_text().strip() == f"Dự thảo số {n}"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_conversion_past_its_time_limit_is_stopped(office: str, tmp_path: Path) -> None:
    draft = small_draft(tmp_path / "bao-cao.docx", "Dự thảo")
    with pytest.raises(UserError) as caught:
        convert_to_pdf(draft, timeout=0.01)
    assert caught.value.code == "office_timeout"
    assert caught.value.message.startswith("LibreOffice chưa chuyển xong dự thảo bao-cao.docx sang PDF sau 0 giây")
    assert not pdf_path(draft).exists()
