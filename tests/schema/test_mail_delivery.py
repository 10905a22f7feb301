"""Mail through a real SMTP server on loopback (aiosmtpd, started here): plain, STARTTLS, implicit TLS, AUTH;
refusals kept apart from passing faults; the local sink when no server is configured."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pydantic import SecretStr

from agencies.calendar import parse_period
from agencies.form_layout import META_SHEET
from agencies.problems import Problem
from agencies.roster import Roster
from report.mail import Attachment, ReceiptMail, Reminder, receipt_message, reminder_message
from schema.mail_delivery import Mailer, Outcome
from schema.models import Period
from schema.period_forms import form_for
from schema.receipts import Receipt
from schema.settings import Settings
from tests.smtp_server import BUSY_DOMAIN, DROPPED_SUBJECT, REFUSED_DOMAIN, Inbox, free_port, settings_for


@pytest.fixture
def serve(smtp_server):
    """serve(security, auth) -> (inbox, port) of a server started for this test."""

    def start(security: str = "none", auth: bool = False) -> tuple[Inbox, int]:
        server = smtp_server(security, auth)
        return server.inbox, server.port

    return start


def police_reminder(roster: Roster, to: list[str] | None = None, problems: list[Problem] | None = None) -> EmailMessage:
    agency = roster.require_agency("police")
    period = parse_period("2023-H1")
    rule = roster.rule_for(period.kind, roster.group_of("police").id)
    window, deadline = period.window(rule), period.deadline(rule)
    row = Period(id=period.id, window_start=window[0], window_end=window[1], deadline=deadline, group_deadlines={})
    form = form_for(roster, row, "police")
    reminder = Reminder(
        agency_name=agency.name,
        to=to or agency.emails,
        period_id=period.id,
        period_label=period.label,
        window=window,
        deadline=deadline,
        today=deadline - timedelta(days=3),
        portal_url="http://127.0.0.1:8000",
        problems=problems or [],
        form=Attachment(form.filename, form.content),
    )
    return reminder_message(reminder, sender="Sở KH&CN <phoihop@so.test>")


def send(settings: Settings, *messages: EmailMessage):
    async def run():
        mailer = Mailer(settings)
        deliveries = [await mailer.send(m) for m in messages]
        # A TLS close ends with the server's close_notify: ending the loop at once leaves the raw socket to the
        # garbage collector (a ResourceWarning, an error here). A task's loop lives on; this one waits a moment.
        await asyncio.sleep(0.2)
        return deliveries

    return asyncio.run(run())


def assert_is_police_reminder(roster: Roster, recipients: list[str], received: EmailMessage) -> None:
    agency = roster.require_agency("police")
    assert recipients == agency.emails
    assert received["Subject"] == "[phoihop] Nhắc gửi báo cáo 6 tháng đầu năm 2023 (2023-H1)"
    text = received.get_body(("plain",)).get_content()
    html = received.get_body(("html",)).get_content()
    for body in (text, html):
        assert f"Kính gửi: {agency.name}" in body.replace("<strong>", "").replace("</strong>", "")
        assert "15/12/2022" in body and "14/06/2023" in body
        assert "còn 3 ngày nữa là đến hạn" in body
        assert "http://127.0.0.1:8000" in body
    (attachment,) = list(received.iter_attachments())
    assert attachment.get_filename() == "2023-H1_police.xlsx"
    book = load_workbook(BytesIO(attachment.get_content()))
    meta = {row[0]: row[2] for row in book[META_SHEET].iter_rows(min_row=2, max_row=8, values_only=True)}
    assert (meta["agency"], meta["agency_name"], meta["period"]) == ("police", agency.name, "2023-H1")


def test_plain_smtp_delivers_the_reminder_with_its_form(serve, tmp_path: Path, roster: Roster) -> None:
    inbox, port = serve()
    (delivery,) = send(settings_for(tmp_path, port), police_reminder(roster))
    assert delivery.outcome is Outcome.SENT and delivery.refused == {}
    (recipients, received) = inbox.messages[0]
    assert_is_police_reminder(roster, recipients, received)


def test_starttls_and_login(serve, tmp_path: Path, roster: Roster, certificate) -> None:
    inbox, port = serve("starttls", auth=True)
    settings = settings_for(tmp_path, port, "starttls", auth=True, smtp_ca_file=certificate[0])
    (delivery,) = send(settings, police_reminder(roster))
    assert delivery.outcome is Outcome.SENT
    assert_is_police_reminder(roster, *inbox.messages[0])


def test_implicit_tls(serve, tmp_path: Path, roster: Roster, certificate) -> None:
    inbox, port = serve("tls")
    (delivery,) = send(settings_for(tmp_path, port, "tls", smtp_ca_file=certificate[0]), police_reminder(roster))
    assert delivery.outcome is Outcome.SENT
    assert_is_police_reminder(roster, *inbox.messages[0])


def test_an_untrusted_certificate_is_not_accepted(serve, tmp_path: Path, roster: Roster) -> None:
    inbox, port = serve("starttls")
    (delivery,) = send(settings_for(tmp_path, port, "starttls"), police_reminder(roster))
    assert delivery.outcome is Outcome.DEFERRED and "CERTIFICATE_VERIFY_FAILED" in delivery.detail
    assert inbox.messages == []


def test_a_wrong_password_is_permanent(serve, tmp_path: Path, roster: Roster, certificate) -> None:
    inbox, port = serve("starttls", auth=True)
    settings = settings_for(tmp_path, port, "starttls", auth=True, smtp_ca_file=certificate[0])
    settings = settings.model_copy(update={"smtp_password": SecretStr("sai")})
    (delivery,) = send(settings, police_reminder(roster))
    assert delivery.outcome is Outcome.REFUSED and delivery.detail.startswith("535")
    assert inbox.messages == []


def test_a_refused_recipient_is_permanent_and_reported(serve, tmp_path: Path, roster: Roster) -> None:
    inbox, port = serve()
    address = f"cong-an@{REFUSED_DOMAIN}"
    (delivery,) = send(settings_for(tmp_path, port), police_reminder(roster, to=[address]))
    assert delivery.outcome is Outcome.REFUSED
    assert delivery.refused == {address: "550 5.1.1 No such user here"}
    assert inbox.messages == []


def test_one_refused_recipient_among_others_is_reported_while_the_rest_receive(
    serve, tmp_path: Path, roster: Roster
) -> None:
    inbox, port = serve()
    refused = f"cu@{REFUSED_DOMAIN}"
    (delivery,) = send(settings_for(tmp_path, port), police_reminder(roster, to=["vanthu@congan.test", refused]))
    assert delivery.outcome is Outcome.SENT
    assert list(delivery.refused) == [refused] and delivery.refused[refused].startswith("550")
    assert [recipients for recipients, _ in inbox.messages] == [["vanthu@congan.test"]]


def test_the_server_down_is_transient(tmp_path: Path, roster: Roster) -> None:
    (delivery,) = send(settings_for(tmp_path, free_port(), smtp_timeout=5), police_reminder(roster))
    assert delivery.outcome is Outcome.DEFERRED and not delivery.outcome.delivered
    assert delivery.recipients == roster.require_agency("police").emails


def test_the_rate_limit_spaces_the_mails(serve, tmp_path: Path, roster: Roster) -> None:
    inbox, port = serve()
    started = time.monotonic()
    deliveries = send(settings_for(tmp_path, port, mail_rate_per_minute=200), *[police_reminder(roster)] * 3)
    assert [d.outcome for d in deliveries] == [Outcome.SENT] * 3 and len(inbox.messages) == 3
    assert time.monotonic() - started >= 2 * 60 / 200


def test_without_a_server_the_mail_is_saved_as_an_eml_file(tmp_path: Path, roster: Roster) -> None:
    message = police_reminder(
        roster, problems=[Problem(code="not_a_number", message="Phải là số", sheet="Số liệu", cell="D12")]
    )
    (delivery,) = send(settings_for(tmp_path, None), message)
    assert delivery.outcome is Outcome.SAVED and delivery.outcome.delivered
    assert delivery.path is not None and delivery.path.parent == tmp_path / "mail"
    assert [p.name for p in (tmp_path / "mail").iterdir()] == [delivery.path.name]
    saved = message_from_bytes(delivery.path.read_bytes(), policy=policy.default)
    assert saved["Subject"] == "[phoihop] Báo cáo 6 tháng đầu năm 2023 (2023-H1) của đơn vị có lỗi, cần gửi lại"
    assert saved["Message-ID"] == delivery.message_id and saved["From"] == "Sở KH&CN <phoihop@so.test>"
    assert "Trang «Số liệu», ô D12: Phải là số" in saved.get_body(("plain",)).get_content()
    (attachment,) = list(saved.iter_attachments())
    assert load_workbook(BytesIO(attachment.get_content()))[META_SHEET]["C2"].value == "police"


def test_the_default_port_follows_the_security(tmp_path: Path) -> None:
    ports = {s: Settings(data_dir=tmp_path, smtp_security=s).resolved_smtp_port for s in ("starttls", "tls", "none")}
    assert ports == {"starttls": 587, "tls": 465, "none": 25}


def test_a_receipt_arrives_with_the_errors_and_their_cells(serve, tmp_path: Path) -> None:
    inbox, port = serve()
    refusal = Problem(code="negative", message="Số vụ không được âm", sheet="Số liệu", cell="D12")
    receipt = Receipt(
        id=9,
        version=None,
        sha256="cd" * 32,
        received_at=datetime(2023, 6, 16, 2, 30, tzinfo=UTC),
        agency="police",
        period="2023-H1",
        status="invalid",
        problems=[refusal],
    )
    mail = ReceiptMail("Công an tỉnh Hưng Yên", ["vanthu@congan.test"], receipt, "http://127.0.0.1:8000", "ca.xlsx")
    (delivery,) = send(settings_for(tmp_path, port), receipt_message(mail))
    assert delivery.outcome is Outcome.SENT
    ((recipients, received),) = inbox.messages
    assert recipients == ["vanthu@congan.test"]
    assert received["Subject"] == "[phoihop] Báo cáo kỳ 2023-H1 không hợp lệ: 1 lỗi cần sửa"
    assert "- Trang «Số liệu», ô D12: Số vụ không được âm" in received.get_body(("plain",)).get_content()
    assert "<strong>D12</strong>" in received.get_body(("html",)).get_content()
    assert list(received.iter_attachments()) == []


def test_a_busy_mailbox_is_transient(serve, tmp_path: Path, roster: Roster) -> None:
    inbox, port = serve()
    address = f"vanthu@{BUSY_DOMAIN}"
    (delivery,) = send(settings_for(tmp_path, port), police_reminder(roster, to=[address]))
    assert delivery.outcome is Outcome.DEFERRED and delivery.refused[address].startswith("451")
    assert inbox.messages == []


def test_a_connection_dropped_in_the_middle_is_transient(serve, tmp_path: Path, roster: Roster) -> None:
    inbox, port = serve()
    message = police_reminder(roster)
    message.replace_header("Subject", DROPPED_SUBJECT)
    (delivery,) = send(settings_for(tmp_path, port), message)
    assert delivery.outcome is Outcome.DEFERRED and "Disconnected" in delivery.detail
    assert inbox.messages == []


@pytest.mark.parametrize(
    "subject",
    [
        "[phoihop] Báo cáo kỳ không hợp lệ: 1 lỗi cần sửa",  # Python's folding made it "lệ:1 lỗi"
        "[phoihop] hạn gửi cáo hợp lỗi Báo hạn hạn",  # … and this "Báohạn"
        "[phoihop] Quá hạn gửi báo cáo tháng 12 năm 2024 (2024-M12): báo cáo lãnh đạo đơn vị Sở Thông tin và Truyền thông",
    ],
)
def test_a_vietnamese_subject_arrives_word_for_word(serve, tmp_path: Path, roster: Roster, subject: str) -> None:
    inbox, port = serve()
    message = police_reminder(roster)
    message.replace_header("Subject", subject)
    settings = settings_for(tmp_path, port)
    (delivery,) = send(settings, message)
    assert delivery.outcome is Outcome.SENT
    assert inbox.messages[0][1]["Subject"] == subject
    (saved,) = send(settings_for(tmp_path, None), message)
    assert message_from_bytes(saved.path.read_bytes(), policy=policy.default)["Subject"] == subject
