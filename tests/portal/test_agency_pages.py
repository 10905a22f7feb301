"""The agency officer's pages over real HTTP: sign in, the period, the form, a refused upload with its cells,
a corrected one, the history, withdrawing, and the same return filled in online."""

from __future__ import annotations

from collections.abc import Callable
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from agencies.roster import Roster
from schema.accounts import issue_password
from schema.intake import submit_return
from schema.models import AuditEntry, Return
from tests.factories import POLICE_FIGURES, filled_form, json_return
from tests.portal.portal_user import PortalUser, form_token

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def officer(people: Callable[[], PortalUser], loaded: Session) -> PortalUser:
    user = people()
    password = issue_password(loaded, "test", "police")
    assert user.sign_in("police", password).status_code == 303
    return user


def test_signing_in_sets_a_secure_http_only_cookie_and_a_wrong_password_is_told_and_audited(
    people: Callable[[], PortalUser], loaded: Session
) -> None:
    password = issue_password(loaded, "test", "police")
    user = people()
    wrong = user.sign_in("police", password + "x")
    assert wrong.status_code == 401 and "Tên đăng nhập hoặc mật khẩu không đúng" in wrong.text
    assert "phoihop_session" not in user.cookies
    right = user.sign_in("police", password)
    assert (right.status_code, right.headers["location"]) == (303, "/agency")
    (session_cookie,) = [c for c in user.last_set_cookies if c.startswith("phoihop_session=")]
    attributes = {part.strip().lower() for part in session_cookie.split(";")}
    assert {"httponly", "secure", "samesite=lax", "path=/"} <= attributes
    failed = loaded.scalars(select(AuditEntry).where(AuditEntry.action == "sign_in_failed")).one()
    assert (failed.actor, failed.ip) == ("portal:police", "127.0.0.1")
    assert user.get("/").headers["location"] == "/agency"


def test_signed_out_pages_send_to_sign_in_and_forms_without_their_token_are_refused(
    people: Callable[[], PortalUser], officer: PortalUser
) -> None:
    stranger = people()
    answer = stranger.get("/agency")
    assert (answer.status_code, answer.headers["location"]) == (303, "/sign-in?next=/agency")
    forged = officer.post("/agency/periods/2023-H1/withdrawal", data={"reason": "x"})
    assert forged.status_code == 403 and "tải lại trang" in forged.text
    forged = officer.post("/agency/periods/2023-H1/withdrawal", data={"reason": "x", "csrf": "not-the-token"})
    assert forged.status_code == 403


def test_the_officer_sees_the_period_downloads_the_form_and_corrects_a_refused_upload(
    officer: PortalUser, roster: Roster, loaded: Session
) -> None:
    home = officer.get("/agency")
    assert home.status_code == 200
    assert "Kỳ 2023-H1" in home.text and "15/12/2022 đến 14/06/2023" in home.text and "18/06/2023" in home.text
    assert "Chưa gửi" in home.text

    form = officer.get("/agency/periods/2023-H1/form")
    assert form.headers["content-type"] == XLSX
    assert 'filename="2023-H1_police.xlsx"' in form.headers["content-disposition"]
    assert load_workbook(BytesIO(form.content)).sheetnames  # a real workbook

    token = form_token(home.text)
    bad = filled_form(roster, "police", figures={**POLICE_FIGURES, "fraud_cases": "bốn"})
    sent = officer.post(
        "/agency/periods/2023-H1/returns", data={"csrf": token}, files={"file": ("cong-an.xlsx", bad, XLSX)}
    )
    assert sent.status_code == 303
    refused = officer.get(sent.headers["location"])
    assert 'data-receipt="invalid"' in refused.text
    row = loaded.scalars(select(Return)).one()
    (problem,) = row.problems
    assert f'data-cell="{problem["cell"]}"' in refused.text and "bốn" in refused.text

    good = filled_form(roster, "police", figures=POLICE_FIGURES)
    sent = officer.post(
        "/agency/periods/2023-H1/returns", data={"csrf": token}, files={"file": ("cong-an.xlsx", good, XLSX)}
    )
    accepted = officer.get(sent.headers["location"])
    assert 'data-receipt="accepted"' in accepted.text and "<strong data-version>1</strong>" in accepted.text
    audit = loaded.scalars(select(AuditEntry).where(AuditEntry.action == "accepted")).one()
    assert (audit.actor, audit.ip) == ("portal:police", "127.0.0.1")

    history = officer.get("/agency/periods/2023-H1/history")
    assert history.text.count("<tr data-return=") == 2
    withdrawn = officer.post("/agency/periods/2023-H1/withdrawal", data={"csrf": token, "reason": "gửi nhầm"})
    assert withdrawn.status_code == 303
    loaded.expire_all()
    assert {r.status for r in loaded.scalars(select(Return))} == {"invalid", "withdrawn"}
    assert "gửi nhầm" in officer.get("/agency/periods/2023-H1/history").text


def test_the_online_form_is_the_same_return_checked_by_the_same_intake(
    officer: PortalUser, roster: Roster, loaded: Session
) -> None:
    page = officer.get("/agency/periods/2023-H1/online")
    assert page.status_code == 200
    form = roster.form_for("police")
    fields = {"csrf": form_token(page.text), "form": form.ref}
    fields |= {f"indicator:{code}": str(value) for code, value in POLICE_FIGURES.items()}
    first = form.narrative[0].code
    fields[f"narrative:{first}"] = "Đoạn thứ nhất.\r\n\r\nĐoạn thứ hai."
    sent = officer.post("/agency/periods/2023-H1/online", data={**fields, f"indicator:{form.indicators[0].code}": "-3"})
    refused = officer.get(sent.headers["location"])
    assert 'data-receipt="invalid"' in refused.text and f"indicators.{form.indicators[0].code}" in refused.text
    again = officer.get("/agency/periods/2023-H1/online").text  # what was typed is offered again, to correct
    assert 'value="-3"' in again and "Đoạn thứ hai." in again
    sent = officer.post("/agency/periods/2023-H1/online", data=fields)
    accepted = officer.get(sent.headers["location"])
    assert 'data-receipt="accepted"' in accepted.text
    row = loaded.scalars(select(Return).where(Return.status == "accepted")).one()
    assert (row.channel, row.narrative[first]) == ("portal", ["Đoạn thứ nhất.", "Đoạn thứ hai."])
    assert {v.code: v.value for v in row.values} == {k: float(v) for k, v in POLICE_FIGURES.items()}


def test_the_online_form_starts_from_the_numbers_of_figures_sent_with_their_words(
    officer: PortalUser, roster: Roster, loaded: Session
) -> None:
    indicators = {**POLICE_FIGURES, "fraud_cases": {"value": 4, "qualifier": "hơn", "status": "đang xác minh"}}
    data = json_return("police", "2023-H1", "police@1", indicators)
    assert submit_return(loaded, roster, data, channel="api", actor="police").accepted
    page = officer.get("/agency/periods/2023-H1/online").text
    field = page.split('name="indicator:fraud_cases"')[1].split(">")[0]
    assert 'value="4"' in field, field
    assert "<option selected>hơn</option>" in page and 'value="đang xác minh"' in page, "its words are offered too"


def test_the_online_form_sends_the_words_around_a_figure(officer: PortalUser, roster: Roster, loaded: Session) -> None:
    page = officer.get("/agency/periods/2023-H1/online")
    fields = {"csrf": form_token(page.text), "form": "police@1"}
    fields |= {f"indicator:{code}": str(value) for code, value in POLICE_FIGURES.items()}
    fields |= {"qualifier:fraud_cases": "gần", "trend:fraud_cases": "giảm", "status:online_gambling_cases": "đã xử lý"}
    accepted = officer.get(officer.post("/agency/periods/2023-H1/online", data=fields).headers["location"])
    assert 'data-receipt="accepted"' in accepted.text
    row = loaded.scalars(select(Return).where(Return.status == "accepted")).one()
    words = {v.code: (v.qualifier, v.trend, v.status) for v in row.values}
    assert words["fraud_cases"] == ("gần", "giảm", None)
    assert words["online_gambling_cases"] == (None, None, "đã xử lý")
    refused = officer.post("/agency/periods/2023-H1/online", data={**fields, "qualifier:fraud_cases": "ít nhất"})
    assert "indicators.fraud_cases.qualifier" in officer.get(refused.headers["location"]).text


def test_sign_in_is_rate_limited_per_account_and_never_redirects_elsewhere(
    people: Callable[[], PortalUser], loaded: Session
) -> None:
    password = issue_password(loaded, "test", "police")
    guesser = people()
    for _ in range(5):
        assert guesser.sign_in("police", "doan-bua").status_code == 401
    refused = guesser.sign_in("police", password)  # even the right password, until the window has passed
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) == 15 * 60
    assert "Đăng nhập sai quá nhiều lần" in refused.text and "phoihop_session" not in guesser.cookies
    other = people()  # another account is not locked by guesses at this one (but the address counts too)
    issue_password(loaded, "test", "customs")
    assert other.sign_in("customs", "sai").status_code == 401
    renewed = issue_password(loaded, "test", "police")  # a new password from the coordinator: no need to wait
    assert guesser.sign_in("police", renewed).status_code == 303

    officer = people()
    token = officer.token_of("/sign-in?next=//elsewhere.example/x")
    answer = officer.post(
        "/sign-in", data={"csrf": token, "login": "police", "password": renewed, "next": "//elsewhere.example/x"}
    )
    assert (answer.status_code, answer.headers["location"]) == (303, "/agency")
    assert "elsewhere" not in officer.get("/sign-in?next=https://elsewhere.example").headers.get("location", "")


def test_signing_out_ends_the_session_on_the_server(officer: PortalUser) -> None:
    cookie = officer.cookies["phoihop_session"]
    token = form_token(officer.get("/agency").text)
    assert officer.post("/sign-out", data={"csrf": token}).headers["location"] == "/sign-in"
    officer.cookies["phoihop_session"] = cookie  # a copy of the old cookie no longer opens anything
    assert officer.get("/agency").status_code == 303


def test_an_upload_over_the_limit_is_refused_before_it_is_read_with_a_page_that_says_so(
    officer: PortalUser, loaded: Session
) -> None:
    token = form_token(officer.get("/agency").text)
    huge = b"x" * (21 * 1024 * 1024)
    answer = officer.post(
        "/agency/periods/2023-H1/returns", data={"csrf": token}, files={"file": ("lon.xlsx", huge, XLSX)}
    )
    assert answer.status_code == 413 and answer.headers["content-type"].startswith("text/html")
    assert "MB" in answer.text and "<h1>Không thực hiện được</h1>" in answer.text
    assert loaded.scalars(select(Return)).all() == []
