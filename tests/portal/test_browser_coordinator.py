"""The coordinator in a real browser (Debian's chromium) opens a custom period with its dates and title."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from schema.accounts import issue_password
from schema.models import Period
from tests.portal.browser import shoot

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")


def test_the_coordinator_opens_a_custom_period_from_the_form(chromium, api_url: str, loaded: Session) -> None:
    password = issue_password(loaded, "test", None)
    context = chromium.new_context(base_url=api_url, locale="vi-VN")
    page = context.new_page()

    def field(name: str):
        return page.locator(f"#open-period [name={name}]")

    try:
        page.goto("/coordinator")
        page.get_by_label("Tên đăng nhập").fill("coordinator")
        page.get_by_label("Mật khẩu").fill(password)
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_url("**/coordinator")
        field("period").fill("2023-cd1")
        field("deadline").fill("2025-01-10")
        page.get_by_role("button", name="Mở kỳ báo cáo").click()  # without its dates: told, what was typed kept
        assert "cần đủ ngày bắt đầu" in page.get_by_role("alert").inner_text()
        assert field("period").input_value() == "2023-cd1"
        field("start").fill("2023-01-01")
        field("end").fill("2024-12-31")
        field("title").fill("Phòng, chống lừa đảo trực tuyến")
        shoot(page, "20-coordinator-custom-period")
        page.get_by_role("button", name="Mở kỳ báo cáo").click()
        page.wait_for_url("**/coordinator/periods/2023-CD1")
        heading = page.get_by_role("heading", level=1).inner_text()
        assert "chuyên đề «Phòng, chống lừa đảo trực tuyến» từ ngày 01/01/2023 đến ngày 31/12/2024" in heading
        loaded.expire_all()
        assert loaded.get(Period, "2023-CD1").deadline.isoformat() == "2025-01-10"
    finally:
        context.close()
