"""A reminder as it arrives: sent through the SMTP server on loopback, its HTML opened in chromium the way a
mail reader shows it (the headers above, the body below); the README's picture of a reminder is this one."""

from __future__ import annotations

import asyncio
import html
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy.orm import Session

from agencies.roster import Roster
from flows.reminder_sending import send_reminders
from schema.database import make_session_factory
from schema.intake import submit_return
from schema.mail_delivery import Mailer
from schema.models import Period
from tests.factories import filled_form
from tests.portal.browser import launched_chromium, shoot
from tests.smtp_server import settings_for


def reader_page(message) -> str:  # noqa: ANN001 — an EmailMessage
    """The message as a mail reader lays it out: sender, recipients, subject, attachment, then the HTML body."""
    (attachment,) = list(message.iter_attachments())
    rows = [("Từ", message["From"]), ("Đến", message["To"]), ("Tiêu đề", message["Subject"])]
    rows.append(("Đính kèm", attachment.get_filename()))
    head = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(str(v))}</td></tr>" for k, v in rows)
    body = html.escape(message.get_body(("html",)).get_content(), quote=True)
    return (
        '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><style>'
        "body{margin:0;font-family:Arial,sans-serif;background:#eef1f5}"
        "table{border-collapse:collapse;margin:12px 16px}th{text-align:left;color:#555;padding:2px 12px 2px 0;white-space:nowrap;vertical-align:top}"
        "iframe{border:0;background:#fff;width:100%;height:470px}</style></head><body>"
        f'<table id="headers">{head}</table><iframe id="mail" srcdoc="{body}"></iframe></body></html>'
    )


def test_a_reminder_opens_in_a_browser_in_vietnamese_with_its_link_and_nothing_fetched(
    loaded: Session, roster: Roster, smtp_server, tmp_path: Path
) -> None:
    loaded.get(Period, "2023-H1").opened_at = datetime(2023, 6, 1, 1, tzinfo=UTC)
    loaded.commit()
    refused = filled_form(roster, "market-surveillance", figures={"violation_cases": -2})
    submit_return(loaded, roster, refused, channel="cli", actor="test")
    server = smtp_server()
    settings = settings_for(tmp_path, server.port, public_url="https://baocao.sokhcn.hungyen.example")
    settings = settings.model_copy(update={"mail_from": "Sở Khoa học và Công nghệ Hưng Yên <baocao@sokhcn.example>"})
    sessions = make_session_factory(loaded.get_bind())
    asyncio.run(send_reminders(sessions, settings, Mailer(settings), "2023-H1", date(2023, 6, 16), "run-1"))
    (message,) = server.inbox.to(roster.require_agency("market-surveillance").emails[0])

    # the browser after the sending: Playwright's sync API keeps an event loop running while it is open
    with launched_chromium() as chromium:
        fetched = look_at(chromium.new_page(viewport={"width": 760, "height": 600}), message)
    assert [url for url in fetched if not url.startswith(("about:", "data:"))] == [], "a mail fetches nothing"


def look_at(page, message) -> list[str]:  # noqa: ANN001 — a Playwright page, an EmailMessage
    """Check what the reader shows, take the picture; the addresses the page asked for."""
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    try:
        page.set_content(reader_page(message))
        mail = page.frame_locator("#mail")
        assert mail.locator("body").inner_text().startswith("Kính gửi: Cục Quản lý thị trường tỉnh Hưng Yên")
        table = mail.locator("table").inner_text()
        assert "Số liệu" in table and "âm" in table, "the refused return's error, by sheet and cell"
        link = mail.get_by_role("link", name="Gửi báo cáo trên cổng thông tin")
        assert link.get_attribute("href") == "https://baocao.sokhcn.hungyen.example"
        assert "còn 1 ngày làm việc nữa là đến hạn" in mail.locator("body").inner_text()
        assert page.locator("#headers").inner_text().count("2023-H1") >= 1
        shoot(page, "10-reminder-mail")
    finally:
        page.close()
    return fetched
