"""An officer in a real browser (Debian's chromium): signs in, downloads the form, fills it in wrongly, sees the
cell errors, drops the corrected file, sees the receipt and the history. A screenshot of each page."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from schema.accounts import issue_password
from schema.models import Return
from tests.factories import POLICE_FIGURES, edited, set_figure
from tests.portal.browser import shoot

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")

PHONE = {"width": 390, "height": 844}


def fill(form: bytes, figures: dict[str, object]) -> bytes:
    for code, value in figures.items():
        form = edited(form, set_figure(code, value))
    return form


def test_an_officer_corrects_a_refused_return_in_the_browser(
    chromium,
    api_url: str,
    loaded: Session,
    tmp_path: Path,  # noqa: F811
) -> None:
    password = issue_password(loaded, "test", "police")
    context = chromium.new_context(base_url=api_url, accept_downloads=True, locale="vi-VN")
    page = context.new_page()
    try:
        page.goto("/agency")
        assert page.url.endswith("/sign-in?next=/agency")
        shoot(page, "01-sign-in")
        page.get_by_label("Tên đăng nhập").fill("police")
        page.get_by_label("Mật khẩu").fill(password)
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_url("**/agency")
        assert "Còn" in page.content() or "quá hạn" in page.content() or "hạn cuối" in page.content()
        shoot(page, "02-officer-periods")

        with page.expect_download() as download:
            page.get_by_role("link", name="Tải biểu mẫu điền sẵn (.xlsx)").click()
        blank = Path(download.value.path()).read_bytes()
        assert download.value.suggested_filename == "2023-H1_police.xlsx"

        wrong = tmp_path / "cong-an-sai.xlsx"
        wrong.write_bytes(fill(blank, {**POLICE_FIGURES, "fraud_cases": "bốn"}))
        page.locator("input[type=file]").set_input_files(str(wrong))
        page.get_by_role("button", name="Gửi báo cáo").click()
        page.wait_for_url("**/agency/returns/*")
        (problem,) = loaded.scalars(select(Return)).one().problems
        row = page.locator(f"tr[data-cell='{problem['cell']}']")
        assert row.count() == 1 and "bốn" in row.inner_text()
        shoot(page, "03-officer-cell-errors")

        # The corrected file dropped onto the upload zone of the receipt page, as an officer drags it from a folder.
        fixed = fill(blank, POLICE_FIGURES)
        transfer = page.evaluate_handle(
            """(bytes) => { const t = new DataTransfer();
                t.items.add(new File([new Uint8Array(bytes)], "cong-an.xlsx")); return t; }""",
            list(fixed),
        )
        page.locator("[data-drop-zone]").dispatch_event("drop", {"dataTransfer": transfer})
        assert page.locator("[data-file-name]").inner_text() == "cong-an.xlsx"
        page.get_by_role("button", name="Gửi báo cáo").click()
        page.wait_for_url("**/agency/returns/*")
        assert page.locator("[data-receipt=accepted]").count() == 1
        assert page.locator("strong[data-version]").inner_text() == "1"
        shoot(page, "04-officer-receipt")

        page.get_by_role("link", name="Các lần gửi kỳ 2023-H1").click()
        assert page.locator("tr[data-return]").count() == 2
        shoot(page, "05-officer-history")

        page.set_viewport_size(PHONE)  # the same pages on a phone
        page.goto("/agency")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        shoot(page, "06-officer-periods-phone")
    finally:
        context.close()
