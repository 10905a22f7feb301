"""Every upload answered by mail to the agency's contacts — through the API and the pages of a served portal
(uvicorn on loopback), through a real SMTP server on loopback; with the server down, the mail waits and the
receipt-mail flow sends it once when the server is back."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from agencies.roster import Roster
from schema.accounts import issue_password
from schema.database import make_engine, make_session_factory
from schema.models import ReceiptMail
from tests.factories import POLICE_FIGURES, filled_form, ready_database
from tests.live_server import ROOT, LiveServer, live_server
from tests.portal.portal_user import PortalUser, form_token
from tests.smtp_server import SmtpServer, bodies

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def arrived(server: SmtpServer, count: int, within: float = 15) -> list[EmailMessage]:
    """The messages the server holds once it holds `count` of them (the mail leaves after the answer)."""
    deadline = time.monotonic() + within
    while len(server.inbox.messages) < count and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(server.inbox.messages) == count, [m["Subject"] for _, m in server.inbox.messages]
    return [message for _, message in server.inbox.messages]


@pytest.fixture
def portal(tmp_path: Path, roster: Roster, smtp_server) -> Iterator[tuple[LiveServer, SmtpServer, dict, str]]:
    """A portal of its own sending through an SMTP server of its own: (portal, mail server, API keys, database)."""
    mail = smtp_server("starttls", auth=True)
    url = f"sqlite:///{tmp_path / 'phoihop.db'}"
    tokens = ready_database(url, roster, credentials_for=["police", "customs"])
    settings = {name.removeprefix("PHOIHOP_").lower(): value for name, value in mail.environment().items()}
    with live_server(url, tmp_path / "server.log", **settings) as server:
        yield server, mail, tokens, url


def test_an_api_upload_is_answered_by_mail_with_its_version_or_its_errors(portal, roster: Roster) -> None:
    server, mail, tokens, _ = portal
    police = roster.require_agency("police")
    headers = {"Authorization": f"Bearer {tokens['police']}"}
    good = filled_form(roster, "police", figures=POLICE_FIGURES)
    with httpx.Client(base_url=server.url, headers=headers, timeout=30) as http:
        answer = http.post("/api/v1/returns", files={"file": ("cong-an.xlsx", good, XLSX)})
        assert answer.status_code == 201, answer.text
        (receipt,) = arrived(mail, 1)
        assert receipt["To"] == ", ".join(police.emails)
        assert receipt["Subject"] == "[phoihop] Biên nhận báo cáo kỳ 2023-H1, phiên bản 1"
        text, html = bodies(receipt)
        assert f"Kính gửi: {police.name}" in text and "Tệp: cong-an.xlsx" in text
        assert answer.json()["sha256"][:12] in text
        again = http.post("/api/v1/returns", files={"file": ("lan-nua.xlsx", good, XLSX)})
        assert again.status_code == 200, "the same file again"
        duplicate = arrived(mail, 2)[1]
        assert "phiên bản 1" in duplicate["Subject"] and "Tệp: lan-nua.xlsx" in bodies(duplicate)[0]
        bad = filled_form(roster, "police", figures={**POLICE_FIGURES, "fraud_cases": -3})
        refused = http.post("/api/v1/returns", files={"file": ("sai.xlsx", bad, XLSX)})
        assert refused.status_code == 422
        (cell,) = {e["cell"] for e in refused.json()["errors"]}
        errors = arrived(mail, 3)[2]
        assert errors["Subject"] == "[phoihop] Báo cáo kỳ 2023-H1 không hợp lệ: 1 lỗi cần sửa"
        assert f"Trang «Số liệu», ô {cell}:" in bodies(errors)[0]
    assert all(to == police.emails for to, _ in mail.inbox.messages), "only the agency's own contacts"


def test_a_page_upload_and_the_online_form_are_answered_by_mail(portal, roster: Roster) -> None:
    server, mail, _, url = portal
    engine = make_engine(url)
    with make_session_factory(engine)() as session:
        password = issue_password(session, "test", "police")
    engine.dispose()
    officer = PortalUser(server.url)
    try:
        assert officer.sign_in("police", password).status_code == 303
        token = form_token(officer.get("/agency").text)
        form = filled_form(roster, "police", figures=POLICE_FIGURES)
        sent = officer.post(
            "/agency/periods/2023-H1/returns", data={"csrf": token}, files={"file": ("ca.xlsx", form, XLSX)}
        )
        assert sent.status_code == 303, sent.text[:500]
        (first,) = arrived(mail, 1)
        assert first["To"] == ", ".join(roster.require_agency("police").emails)
        assert first["Subject"] == "[phoihop] Biên nhận báo cáo kỳ 2023-H1, phiên bản 1"
        page = officer.get("/agency/periods/2023-H1/online")
        fields = {"csrf": form_token(page.text), "form": roster.form_for("police").ref}
        fields |= {f"indicator:{code}": str(value) for code, value in POLICE_FIGURES.items()}
        assert officer.post("/agency/periods/2023-H1/online", data=fields).status_code == 303
        second = arrived(mail, 2)[1]
        assert second["Subject"] == "[phoihop] Biên nhận báo cáo kỳ 2023-H1, phiên bản 2"
    finally:
        officer.close()


def test_with_the_mail_server_down_the_receipt_waits_and_is_sent_once_when_it_is_back(
    portal, roster: Roster, prefect_api: str
) -> None:
    server, mail, tokens, url = portal
    mail.stop()
    headers = {"Authorization": f"Bearer {tokens['police']}"}
    good = filled_form(roster, "police", figures=POLICE_FIGURES)
    answer = httpx.post(f"{server.url}/api/v1/returns", headers=headers, files={"file": ("a.xlsx", good, XLSX)})
    assert answer.status_code == 201, "the upload does not wait for mail"
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    deadline = time.monotonic() + 15
    while True:
        with sessions() as session:
            row = session.scalars(select(ReceiptMail)).one()
        if row.state == "deferred" or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert (row.state, row.attempts) == ("deferred", 1)
    mail.start()
    run = {**os.environ, **mail.environment(), "PHOIHOP_DATABASE_URL": url, "PREFECT_API_URL": prefect_api}

    def receipt_mail() -> dict[str, int]:
        """The flow as a worker runs it: `python -m flows.receipt_mail`, in its own process."""
        done = subprocess.run(
            [sys.executable, "-m", "flows.receipt_mail"], cwd=ROOT, env=run, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stderr
        return ast.literal_eval(done.stdout.strip().splitlines()[-1])

    assert receipt_mail() == {"sent": 1, "refused": 0}
    (receipt,) = arrived(mail, 1)
    assert receipt["Subject"] == "[phoihop] Biên nhận báo cáo kỳ 2023-H1, phiên bản 1"
    assert receipt_mail() == {"sent": 0, "refused": 0}
    assert len(mail.inbox.messages) == 1
    with sessions() as session:
        assert [(r.state, r.attempts) for r in session.scalars(select(ReceiptMail))] == [("sent", 2)]
    engine.dispose()


def test_a_receipt_waits_until_the_uploads_in_flight_are_answered(portal, roster: Roster) -> None:
    """The last day: a burst of uploads is answered first, its receipts right after — not in between."""
    import socket

    server, mail, tokens, _ = portal
    host, port = server.url.removeprefix("http://").split(":")
    slow = socket.create_connection((host, int(port)))  # an upload still arriving: its request is in flight
    slow.sendall(
        b"POST /api/v1/returns HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + tokens["customs"].encode() + b"\r\n"
        b"Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 100000\r\n\r\n--b\r\n"
    )
    try:
        headers = {"Authorization": f"Bearer {tokens['police']}"}
        good = filled_form(roster, "police", figures=POLICE_FIGURES)
        answer = httpx.post(
            f"{server.url}/api/v1/returns", headers=headers, files={"file": ("ca.xlsx", good, XLSX)}, timeout=30
        )
        assert answer.status_code == 201, answer.text
        time.sleep(2)
        assert mail.inbox.messages == [], "its receipt waits while another upload is being received"
    finally:
        slow.close()  # that upload ends (the client went away): the process is quiet
    (receipt,) = arrived(mail, 1)
    assert receipt["Subject"] == "[phoihop] Biên nhận báo cáo kỳ 2023-H1, phiên bản 1"
