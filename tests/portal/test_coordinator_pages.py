"""The coordinator's pages over real HTTP: the periods, the completeness board as returns arrive, the group filter,
closing and reopening, consolidating, an agency's audit history, and the agencies' credentials."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from agencies.roster import Roster
from schema.mail_delivery import Mailer
from schema.models import AuditEntry, Consolidation, Period
from tests.factories import POLICE_FIGURES, filled_form, left_by_a_killed_run
from tests.portal.portal_user import PortalUser, form_token
from tests.smtp_server import settings_for

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOARD = "/coordinator/periods/2023-H1"


@pytest.fixture
def coordinator(signed_in: Callable[[str | None], PortalUser]) -> PortalUser:
    return signed_in(None)


def upload(officer: PortalUser, roster: Roster, agency: str, period: str = "2023-H1", **figures: object) -> str:
    """The agency's form sent through its upload page; the receipt's address."""
    data = filled_form(roster, agency, period, figures={**POLICE_FIGURES, **figures})
    token = officer.token_of("/agency")
    sent = officer.post(
        f"/agency/periods/{period}/returns", data={"csrf": token}, files={"file": (f"{agency}.xlsx", data, XLSX)}
    )
    assert sent.status_code == 303, sent.text[:500]
    return sent.headers["location"]


def counts(html: str) -> dict[str, int]:
    return {name: int(n) for name, n in re.findall(r'<li data-count="(\w+)"><strong>(\d+)</strong>', html)}


def row(html: str, agency: str) -> str:
    match = re.search(rf'<tr data-agency="{agency}".*?</tr>', html, re.S)
    assert match, f"no row for {agency}"
    return match.group(0)


def test_the_board_counts_and_rows_follow_the_uploads(
    coordinator: PortalUser, signed_in: Callable[[str | None], PortalUser], roster: Roster
) -> None:
    total = len(roster.agencies())
    board = coordinator.get(BOARD)
    assert board.status_code == 200
    assert counts(board.text) == {"accepted": 0, "missing": total, "invalid": 0, "withdrawn": 0, "late": total}
    assert 'data-state="missing"' in row(board.text, "police") and "Chưa gửi" in row(board.text, "police")

    officer = signed_in("police")
    refused = upload(officer, roster, "police", fraud_cases="bốn")
    board = coordinator.get(BOARD).text
    police = row(board, "police")
    receipt_id = refused.rsplit("/", 1)[1]
    assert 'data-state="invalid"' in police and "1 lỗi" in police
    assert f'href="/coordinator/returns/{receipt_id}"' in police
    assert 'href="/coordinator/agencies/police?period=2023-H1"' in police
    assert counts(board)["invalid"] == 1 and counts(board)["missing"] == total - 1
    receipt = coordinator.get(f"/coordinator/returns/{receipt_id}")  # another agency's receipt: the coordinator's too
    assert receipt.status_code == 200 and 'data-receipt="invalid"' in receipt.text and "bốn" in receipt.text

    upload(officer, roster, "police")
    board = coordinator.get(BOARD).text
    police = row(board, "police")
    assert 'data-state="accepted"' in police and "Đã nhận" in police and '<td class="number">1</td>' in police
    assert 'data-late="yes"' in police and "Quá hạn" in police  # 2023-H1's deadline, 18/06/2023, has passed
    assert counts(board) == {"accepted": 1, "missing": total - 1, "invalid": 0, "withdrawn": 0, "late": total}
    assert "<dd data-sent>1/25 đơn vị</dd>" in board
    assert 'data-sent="1/25"' in coordinator.get("/coordinator").text


def test_a_return_sent_before_its_own_deadline_is_on_time(
    coordinator: PortalUser, signed_in: Callable[[str | None], PortalUser], roster: Roster
) -> None:
    token = coordinator.token_of("/coordinator")
    coordinator.post("/coordinator/periods", data={"csrf": token, "period": "2023-H2", "deadline": "2099-12-31"})
    upload(signed_in("police"), roster, "police", "2023-H2")
    board = coordinator.get("/coordinator/periods/2023-H2").text
    assert 'data-late="no"' in row(board, "police") and "Đúng hạn" in row(board, "police")
    assert "Chưa đến hạn" in row(board, "customs") and counts(board)["late"] == 0


def test_uploads_the_table_cannot_place_are_listed_below_it(
    coordinator: PortalUser, signed_in: Callable[[str | None], PortalUser], loaded: Session
) -> None:
    officer = signed_in("customs")
    token = officer.token_of("/agency")
    sent = officer.post(
        "/agency/periods/2023-H1/returns", data={"csrf": token}, files={"file": ("bao-cao.txt", b"not a form", XLSX)}
    )
    refused_id = sent.headers["location"].rsplit("/", 1)[1]
    left = left_by_a_killed_run(loaded, b"half-kept bytes", filename="cong-an-lan-2.xlsx")
    board = coordinator.get(BOARD).text
    unassigned = board.split('id="unassigned"')[1].split("</section>")[0]
    assert f'<tr data-unassigned="{refused_id}">' in unassigned and "bao-cao.txt" in unassigned
    assert f'href="/coordinator/returns/{refused_id}"' in unassigned and "customs" in unassigned
    unfinished = board.split('id="unfinished"')[1].split("</section>")[0]
    assert f'<tr data-unfinished="{left.id}">' in unfinished and "cong-an-lan-2.xlsx" in unfinished


def test_the_group_filter_shows_one_group_and_counts_it(coordinator: PortalUser, roster: Roster) -> None:
    districts = next(g for g in roster.groups if g.id == "districts")
    board = coordinator.get(BOARD, params={"group": "districts"})
    assert board.status_code == 200
    shown = re.findall(r'<tr data-agency="([^"]+)"', board.text)
    assert shown == [a.id for a in districts.agencies]
    assert counts(board.text)["missing"] == len(districts.agencies)
    assert f'<option value="districts" selected>{districts.title}</option>' in board.text
    unknown = coordinator.get(BOARD, params={"group": "nowhere"})
    assert unknown.status_code == 404 and "Không có nhóm đơn vị «nowhere»" in unknown.text


@pytest.mark.parametrize(
    ("period", "deadline", "status", "message"),
    [
        ("2023-H9", "", 422, "Mã kỳ báo cáo «2023-H9» không hợp lệ"),
        ("", "", 422, "không hợp lệ"),
        ("2023-H1", "", 409, "Kỳ báo cáo 2023-H1 đã được mở từ trước"),
        ("2023-H2", "31/02/2024", 422, "Hạn gửi «31/02/2024» không phải là một ngày"),
        ("2023-H2", "ngày mai", 422, "không phải là một ngày"),
        ("2023-H2", "2023-12-14", 422, "phải sau ngày chốt số liệu 14/12/2023"),
    ],
)
def test_opening_a_period_tells_what_is_wrong_beside_what_was_typed(
    coordinator: PortalUser, period: str, deadline: str, status: int, message: str
) -> None:
    token = coordinator.token_of("/coordinator")
    answer = coordinator.post("/coordinator/periods", data={"csrf": token, "period": period, "deadline": deadline})
    assert answer.status_code == status
    assert message in answer.text and 'role="alert"' in answer.text
    assert f'name="period" value="{period}"' in answer.text


@pytest.mark.parametrize("deadline", ["2024-01-05", "05/01/2024"])
def test_opening_a_period_with_its_own_deadline(coordinator: PortalUser, loaded: Session, deadline: str) -> None:
    token = coordinator.token_of("/coordinator")
    answer = coordinator.post("/coordinator/periods", data={"csrf": token, "period": "2023-h2", "deadline": deadline})
    assert (answer.status_code, answer.headers["location"]) == (303, "/coordinator/periods/2023-H2")
    assert "05/01/2024" in coordinator.get(answer.headers["location"]).text
    listed = coordinator.get("/coordinator").text
    assert listed.index('data-period="2023-H2"') < listed.index('data-period="2023-H1"')  # newest first
    opened = loaded.scalars(select(AuditEntry).where(AuditEntry.action == "period_opened")).all()[-1]
    assert (opened.actor, opened.ip, opened.detail["deadline"]) == ("portal:coordinator", "127.0.0.1", "2024-01-05")


def test_closing_and_reopening_with_a_reason_are_audited(coordinator: PortalUser, loaded: Session) -> None:
    token = coordinator.token_of(BOARD)
    closed = coordinator.post(f"{BOARD}/close", data={"csrf": token, "reason": "hết hạn gửi"})
    assert (closed.status_code, closed.headers["location"]) == (303, BOARD)
    board = coordinator.get(BOARD).text
    assert "Đã khóa" in board and "Mở lại kỳ báo cáo" in board

    no_reason = coordinator.post(f"{BOARD}/reopen", data={"csrf": token, "reason": "  "})
    assert no_reason.status_code == 422 and "Hãy ghi lý do mở lại kỳ báo cáo" in no_reason.text
    loaded.expire_all()
    assert loaded.get(Period, "2023-H1").state == "closed"

    reopened = coordinator.post(f"{BOARD}/reopen", data={"csrf": token, "reason": "nhận báo cáo muộn của Công an"})
    assert reopened.status_code == 303
    again = coordinator.post(f"{BOARD}/reopen", data={"csrf": token, "reason": "lần nữa"})
    assert again.status_code == 409 and "đã ở trạng thái «mở»" in again.text
    loaded.expire_all()
    assert loaded.get(Period, "2023-H1").state == "open"
    entries = loaded.scalars(
        select(AuditEntry).where(AuditEntry.action.in_(["closed", "reopened"])).order_by(AuditEntry.id)
    ).all()
    assert [(e.action, e.actor, e.ip, e.detail["reason"]) for e in entries] == [
        ("closed", "portal:coordinator", "127.0.0.1", "hết hạn gửi"),
        ("reopened", "portal:coordinator", "127.0.0.1", "nhận báo cáo muộn của Công an"),
    ]


def test_an_agency_history_shows_who_did_what_when_and_from_where(
    coordinator: PortalUser, signed_in: Callable[[str | None], PortalUser], roster: Roster
) -> None:
    officer = signed_in("police")
    upload(officer, roster, "police", fraud_cases="bốn")
    upload(officer, roster, "police")
    token = officer.token_of("/agency/periods/2023-H1/history")
    officer.post("/agency/periods/2023-H1/withdrawal", data={"csrf": token, "reason": "gửi nhầm"})

    page = coordinator.get("/coordinator/agencies/police")  # no period named: the newest
    assert page.status_code == 200
    assert page.text.count("<tr data-return=") == 2 and "Đơn vị rút báo cáo" in page.text
    period_log = page.text.split('id="period-log"')[1].split("</section>")[0]
    actions = re.findall(r'<tr data-action="(\w+)"', period_log)
    assert actions == ["period_opened", "received", "invalid", "received", "accepted", "withdrawn"]
    assert period_log.count("<td data-ip>127.0.0.1</td>") == 5  # the opening was done at the terminal
    assert "Lý do: gửi nhầm" in period_log and "police <span" in period_log
    account_log = page.text.split('id="account-log"')[1]
    assert re.findall(r'<tr data-action="(\w+)"', account_log) == ["password_issued", "signed_in"]

    assert (
        coordinator.get("/coordinator/agencies/police", params={"period": "2023-H1"}).text.count("<tr data-return=")
        == 2
    )
    unknown = coordinator.get("/coordinator/agencies/polise")
    assert unknown.status_code == 404 and "Có phải: police" in unknown.text
    unopened = coordinator.get("/coordinator/agencies/police", params={"period": "2024-H1"})
    assert unopened.status_code == 404 and "chưa được mở" in unopened.text


def test_a_password_issued_on_the_page_signs_the_agency_in_and_revoking_ends_its_session(
    coordinator: PortalUser, people: Callable[[], PortalUser], loaded: Session
) -> None:
    accounts = coordinator.get("/coordinator/accounts")
    logins = re.findall(r'<tr data-login="([^"]+)"', accounts.text)
    assert logins[0] == "coordinator" and len(logins) == 26 and logins[1:4] == ["dic", "police", "industry-trade"]
    assert 'data-password="no"' in row_of(accounts.text, "customs")

    token = form_token(accounts.text)
    issued = coordinator.post("/coordinator/accounts/customs/password", data={"csrf": token})
    assert issued.status_code == 200 and issued.headers["cache-control"] == "no-store"
    password = re.search(r"<code class=\"secret\" data-secret>([^<]+)</code>", issued.text).group(1)
    officer = people()
    assert officer.sign_in("customs", password).headers["location"] == "/agency"
    assert officer.get("/agency").status_code == 200
    listed = coordinator.get("/coordinator/accounts").text
    assert 'data-password="yes"' in row_of(listed, "customs") and "cấp lúc" in row_of(listed, "customs")

    revoked = coordinator.post("/coordinator/accounts/customs/revocation", data={"csrf": token})
    assert (revoked.status_code, revoked.headers["location"]) == (303, "/coordinator/accounts?revoked=customs")
    assert "Đã thu hồi mật khẩu và khóa API của Chi cục Hải quan" in coordinator.get(revoked.headers["location"]).text
    ended = officer.get("/agency")  # at once: the next page of the same browser
    assert (ended.status_code, ended.headers["location"]) == (303, "/sign-in?next=/agency")
    assert officer.sign_in("customs", password).status_code == 401
    entries = loaded.scalars(
        select(AuditEntry)
        .where(AuditEntry.action.in_(["password_issued", "credentials_revoked"]))
        .where(AuditEntry.agency_id == "customs")
        .order_by(AuditEntry.id)
    ).all()
    assert [(e.action, e.actor, e.ip) for e in entries] == [
        ("password_issued", "portal:coordinator", "127.0.0.1"),
        ("credentials_revoked", "portal:coordinator", "127.0.0.1"),
    ]
    self_revoke = coordinator.post("/coordinator/accounts/coordinator/revocation", data={"csrf": token})
    assert self_revoke.status_code == 409 and "Không thể tự thu hồi" in self_revoke.text


def test_an_api_key_issued_on_the_page_is_shown_once_and_works(coordinator: PortalUser, http, loaded: Session) -> None:
    token = coordinator.token_of("/coordinator/accounts")
    issued = coordinator.post("/coordinator/accounts/police/api-key", data={"csrf": token})
    assert issued.status_code == 200 and issued.headers["cache-control"] == "no-store"
    key = re.search(r"<code class=\"secret\" data-secret>([^<]+)</code>", issued.text).group(1)
    assert http.get("/api/v1/periods", headers={"Authorization": f"Bearer {key}"}).status_code == 200
    assert key not in coordinator.get("/coordinator/accounts").text
    assert 'data-api-key="yes"' in row_of(coordinator.get("/coordinator/accounts").text, "police")
    entry = loaded.scalars(select(AuditEntry).where(AuditEntry.action == "token_issued")).one()
    assert (entry.actor, entry.ip, entry.agency_id) == ("portal:coordinator", "127.0.0.1", "police")
    unknown = coordinator.post("/coordinator/accounts/polise/api-key", data={"csrf": token})
    assert unknown.status_code == 404 and "Có phải: police" in unknown.text


def row_of(html: str, login: str) -> str:
    match = re.search(rf'<tr data-login="{login}".*?</tr>', html, re.S)
    assert match, f"no account row for {login}"
    return match.group(0)


def test_consolidating_from_the_board_opens_a_page_that_follows_the_work(
    coordinator: PortalUser, consolidable: Session
) -> None:
    board = coordinator.get(BOARD)
    assert "Kỳ này chưa được tổng hợp lần nào" in board.text
    draft = coordinator.get(f"{BOARD}/draft")
    assert draft.status_code == 404 and "Chưa có bản dự thảo báo cáo tổng hợp kỳ 2023-H1" in draft.text

    # This portal runs alone (no `phoihop serve`): no flow run can start; the page says what to do and the
    # request ends failed, never left waiting. With the flows served: tests/cli/test_serve.py.
    started = coordinator.post(f"{BOARD}/consolidations", data={"csrf": form_token(board.text)})
    assert started.status_code == 503 and "«phoihop serve»" in started.text
    (consolidation,) = consolidable.scalars(select(Consolidation)).all()
    assert (consolidation.state, consolidation.flow_run_id) == ("failed", None)
    page = coordinator.get(f"/coordinator/consolidations/{consolidation.id}")
    assert page.status_code == 200 and "Tổng hợp kỳ 2023-H1" in page.text
    assert re.search(r'data-consolidation="(\w+)"', page.text).group(1) == "failed"
    assert "data-refresh-seconds" not in page.text and "«phoihop serve»" in page.text
    assert f'href="/coordinator/consolidations/{consolidation.id}"' in coordinator.get(BOARD).text
    entry = consolidable.scalars(select(AuditEntry).where(AuditEntry.action == "consolidation_requested")).one()
    assert (entry.actor, entry.ip, entry.period_id) == ("portal:coordinator", "127.0.0.1", "2023-H1")
    assert coordinator.get("/coordinator/consolidations/999999").status_code == 404


def test_consolidating_a_period_with_no_valid_return_says_why_and_keeps_nothing(
    coordinator: PortalUser, loaded: Session
) -> None:
    board = coordinator.get(BOARD)
    refused = coordinator.post(f"{BOARD}/consolidations", data={"csrf": form_token(board.text)})
    assert refused.status_code == 409
    assert "Kỳ 2023-H1 chưa có báo cáo hợp lệ nào trong 25 đơn vị phải báo cáo: chưa thể tổng hợp." in refused.text
    assert loaded.scalars(select(Consolidation)).all() == []


PAGES = [
    "/coordinator",
    BOARD,
    f"{BOARD}?group=police",
    f"{BOARD}/draft",
    "/coordinator/returns/1",
    "/coordinator/consolidations/1",
    "/coordinator/agencies/police?period=2023-H1",
    "/coordinator/accounts",
]
FORMS = [
    ("/coordinator/periods", {"period": "2023-H2"}),
    (f"{BOARD}/close", {"reason": "x"}),
    (f"{BOARD}/reopen", {"reason": "x"}),
    (f"{BOARD}/consolidations", {}),
    ("/coordinator/accounts/police/password", {}),
    ("/coordinator/accounts/police/api-key", {}),
    ("/coordinator/accounts/police/revocation", {}),
]


def test_every_coordinator_page_and_form_refuses_an_agency_and_sends_a_stranger_to_sign_in(
    signed_in: Callable[[str | None], PortalUser], people: Callable[[], PortalUser], loaded: Session
) -> None:
    officer, stranger = signed_in("police"), people()
    token = officer.token_of("/agency")  # the officer's own, valid token: still not the coordinator's forms
    audited = len(loaded.scalars(select(AuditEntry)).all())
    for path in PAGES:
        refused = officer.get(path)
        assert refused.status_code == 403, path
        assert "Trang này chỉ dành cho cơ quan tổng hợp." in refused.text and 'data-code="forbidden"' in refused.text
        sent_away = stranger.get(path)
        assert (sent_away.status_code, sent_away.headers["location"]) == (303, f"/sign-in?next={path.split('?')[0]}")
    for path, fields in FORMS:
        assert officer.post(path, data={"csrf": token, **fields}).status_code == 403, path
        sent_away = stranger.post(path, data=fields)
        assert (sent_away.status_code, sent_away.headers["location"]) == (303, f"/sign-in?next={path}")
    assert len(loaded.scalars(select(AuditEntry)).all()) == audited  # nothing was done


@pytest.mark.parametrize("csrf", [None, "not-the-token", "x" * 101])
def test_every_coordinator_form_refuses_a_missing_or_wrong_token(
    coordinator: PortalUser, loaded: Session, csrf: str | None
) -> None:
    audited = len(loaded.scalars(select(AuditEntry)).all())
    for path, fields in FORMS:
        answer = coordinator.post(path, data=fields if csrf is None else {"csrf": csrf, **fields})
        assert answer.status_code == 403, path
        assert (
            "Trang đã cũ hoặc phiên đăng nhập đã thay đổi" in answer.text and 'data-code="csrf_failed"' in answer.text
        )
    assert len(loaded.scalars(select(AuditEntry)).all()) == audited
    assert loaded.scalars(select(Consolidation)).all() == []


def test_a_reminder_refused_by_the_mail_server_is_shown_below_the_table(
    coordinator: PortalUser, loaded: Session, roster: Roster, smtp_server, tmp_path
) -> None:
    """A real refusal (550 from the SMTP server on loopback), kept by the sending steps, shown to the coordinator."""
    from datetime import UTC, date, datetime

    from flows.reminder_sending import send_reminders
    from schema.database import make_session_factory

    loaded.get(Period, "2023-H1").opened_at = datetime(2023, 6, 1, 1, tzinfo=UTC)
    loaded.commit()
    server = smtp_server()
    (address,) = roster.require_agency("customs").emails
    server.inbox.refuse.add(address)
    settings = settings_for(tmp_path, server.port)
    sessions = make_session_factory(loaded.get_bind())
    run = asyncio.run(send_reminders(sessions, settings, Mailer(settings), "2023-H1", date(2023, 6, 16), "run-1"))
    assert {r.agency: r.state for r in run.results}["customs"] == "refused"
    assert coordinator.get(BOARD).status_code == 200
    board = coordinator.get(BOARD).text
    failures = board.split('id="mail-failures"')[1].split("</section>")[0]
    assert failures.count("<tr data-mail-failure=") == 1
    row = failures.split('<tr data-mail-failure="customs">')[1].split("</tr>")[0]
    assert "Chi cục Hải quan Hưng Yên" in row and "thư «nhắc trước hạn 1 ngày»" in row
    assert f"bị từ chối: {address}: 550 5.1.1 No such user here" in row


def test_a_custom_period_opened_from_the_page_is_named_by_its_dates_and_title(
    coordinator: PortalUser, signed_in: Callable[[str | None], PortalUser], roster: Roster, loaded: Session
) -> None:
    token = coordinator.token_of("/coordinator")
    typed = {"period": "2023-cd1", "start": "01/01/2023", "end": "2024-12-31", "deadline": "10/01/2025"}
    answer = coordinator.post("/coordinator/periods", data={"csrf": token, **typed, "title": " Lừa đảo  trực tuyến "})
    assert (answer.status_code, answer.headers["location"]) == (303, "/coordinator/periods/2023-CD1")
    label = "chuyên đề «Lừa đảo trực tuyến» từ ngày 01/01/2023 đến ngày 31/12/2024"
    assert f"Kỳ 2023-CD1 — {label}" in coordinator.get(answer.headers["location"]).text
    listed = coordinator.get("/coordinator").text
    assert label in listed and listed.index('data-period="2023-CD1"') < listed.index('data-period="2023-H1"')
    opened = loaded.get(Period, "2023-CD1")
    assert (opened.kind, opened.year, opened.number, opened.title) == ("CD", 2023, 1, "Lừa đảo trực tuyến")
    assert opened.group_deadlines == {}  # the roster's per-group calendars are for the regular kinds
    officer = signed_in("police")
    assert f"Kỳ 2023-CD1 — {label}" in officer.get("/agency").text
    assert upload(officer, roster, "police", "2023-CD1").startswith("/agency/")


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ({"period": "2023-CD1", "deadline": "2025-01-10"}, "Kỳ chuyên đề 2023-CD1 cần đủ ngày bắt đầu"),
        ({"period": "2023-H2", "start": "2023-01-01"}, "chỉ kỳ chuyên đề (mã dạng 2023-CD1) mới ghi ngày bắt đầu"),
        ({"period": "2023-H2", "title": "Chuyên đề"}, "chỉ kỳ chuyên đề (mã dạng 2023-CD1) mới ghi ngày bắt đầu"),
        ({"period": "2023-CD1", "start": "32/01/2023"}, "Ngày bắt đầu «32/01/2023» không phải là một ngày"),
        ({"period": "2023-CD1", "end": "hôm nay"}, "Ngày kết thúc «hôm nay» không phải là một ngày"),
        (
            {
                "period": "2023-CD1",
                "start": "2023-01-01",
                "end": "2024-12-31",
                "deadline": "2025-01-10",
                "title": "x" * 201,
            },
            "Tên kỳ chuyên đề dài 201 ký tự, quá 200 ký tự cho phép.",
        ),
        (
            {
                "period": "2023-CD1",
                "start": "2023-01-01",
                "end": "2024-12-31",
                "deadline": "2025-01-10",
                "title": "a\u202eb",
            },
            "Tên kỳ chuyên đề có ký tự không in được (U+202E)",
        ),
    ],
)
def test_opening_a_custom_period_tells_what_is_missing_beside_what_was_typed(
    coordinator: PortalUser, loaded: Session, typed: dict[str, str], message: str
) -> None:
    token = coordinator.token_of("/coordinator")
    answer = coordinator.post("/coordinator/periods", data={"csrf": token, **typed})
    assert answer.status_code == 422
    assert message in answer.text and 'role="alert"' in answer.text
    assert f'name="period" value="{typed["period"]}"' in answer.text
    assert loaded.get(Period, typed["period"]) is None
