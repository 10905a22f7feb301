"""The coordinator enters, over real HTTP, a return the department received on paper or by e-mail, from the agency's
page: the receipt, the board row, the agency's history all say so; no receipt mail; an agency cannot do it."""

from __future__ import annotations

import html as html_text
import re
from collections.abc import Callable

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from agencies.roster import Roster
from schema.models import AuditEntry, ReceiptMail, Return
from tests.factories import POLICE_FIGURES, filled_form
from tests.portal.portal_user import PortalUser

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
AGENCY_PAGE = "/coordinator/agencies/police?period=2023-H1"


def enter(user: PortalUser, roster: Roster, token_page: str, received_at: str, via: str = "paper"):
    data = filled_form(roster, "police", figures=POLICE_FIGURES)
    token = user.token_of(token_page)
    return user.post(
        "/coordinator/agencies/police/returns",
        data={"csrf": token, "received_at": received_at, "via": via},
        files={"file": ("cong-an-giay.xlsx", data, XLSX)},
    )


def text_of(page: str) -> str:
    return html_text.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def row(page: str, agency: str) -> str:
    match = re.search(rf'<tr data-agency="{agency}".*?</tr>', page, re.S)
    assert match, f"no row for {agency}"
    return match.group(0)


def test_the_coordinator_enters_a_paper_return_with_its_real_time(
    signed_in: Callable[[str | None], PortalUser], roster: Roster, loaded: Session
) -> None:
    coordinator = signed_in(None)
    page = coordinator.get(AGENCY_PAGE)
    assert page.status_code == 200 and "data-backfill" in page.text and 'name="received_at"' in page.text
    sent = enter(coordinator, roster, AGENCY_PAGE, "2023-06-16T09:30")
    assert sent.status_code == 303, sent.text[:500]
    receipt = coordinator.get(sent.headers["location"])
    assert receipt.status_code == 200
    words = text_of(receipt.text)
    assert "Sở nhận bằng giấy lúc 09:30 ngày 16/06/2023, do Sở nhập vào hệ thống (portal:coordinator)" in words
    assert "phiên bản 1" in words

    board = coordinator.get("/coordinator/periods/2023-H1")
    police = row(board.text, "police")
    assert "nhận bằng giấy, Sở nhập" in text_of(police) and 'data-late="no"' in police
    log = text_of(coordinator.get(AGENCY_PAGE).text)
    assert "Sở nhập báo cáo nhận ngoài hệ thống" in log and "nhận bằng giấy, Sở nhập" in log

    loaded.expire_all()
    entered = loaded.scalars(select(Return).where(Return.agency_id == "police")).one()
    assert entered.channel == "portal" and entered.received_via == "paper" and entered.actor == "portal:coordinator"
    assert loaded.scalar(select(func.count()).select_from(ReceiptMail)) == 0, "no receipt mailed to the agency"
    audit = loaded.scalars(select(AuditEntry).where(AuditEntry.action == "backfilled")).one()
    assert audit.actor == "portal:coordinator" and audit.ip and audit.detail["via"] == "paper"

    officer = signed_in("police")
    history = text_of(officer.get("/agency/periods/2023-H1/history").text)
    assert "nhận bằng giấy, Sở nhập" in history and "Sở nhập báo cáo nhận ngoài hệ thống" in history


def test_an_email_return_after_the_deadline_is_late_on_the_board(
    signed_in: Callable[[str | None], PortalUser], roster: Roster
) -> None:
    coordinator = signed_in(None)
    assert enter(coordinator, roster, AGENCY_PAGE, "2023-06-19T08:00", via="email").status_code == 303
    police = row(coordinator.get("/coordinator/periods/2023-H1").text, "police")
    assert 'data-late="yes"' in police and "nhận qua thư điện tử, Sở nhập" in text_of(police)


@pytest.mark.parametrize(
    ("received_at", "via", "status", "words"),
    [
        ("2099-01-01T08:00", "paper", 422, "Thời điểm nhận (01/01/2099 08:00) ở tương lai"),
        ("2022-12-14T23:59", "paper", 422, "trước khi thời gian lấy số liệu của kỳ 2023-H1 bắt đầu"),
        ("hôm qua", "paper", 422, "Thời điểm nhận «hôm qua» không hợp lệ"),
        ("2023-06-16T09:30", "fax", 422, "Cách nhận không hợp lệ"),
    ],
)
def test_a_wrong_receipt_time_or_means_is_refused_naming_the_field(
    signed_in: Callable[[str | None], PortalUser],
    roster: Roster,
    loaded: Session,
    received_at: str,
    via: str,
    status: int,
    words: str,
) -> None:
    coordinator = signed_in(None)
    refused = enter(coordinator, roster, AGENCY_PAGE, received_at, via)
    assert refused.status_code == status
    assert words in text_of(refused.text)
    loaded.expire_all()
    assert loaded.scalar(select(func.count()).select_from(Return)) == 0


def test_an_agency_cannot_enter_a_return_for_itself_or_another(
    signed_in: Callable[[str | None], PortalUser], roster: Roster, loaded: Session
) -> None:
    officer = signed_in("police")
    refused = enter(officer, roster, "/agency", "2023-06-16T09:30")
    assert refused.status_code == 403
    loaded.expire_all()
    assert loaded.scalar(select(func.count()).select_from(Return)) == 0
