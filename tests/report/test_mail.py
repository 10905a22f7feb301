"""The mails' wording (templates/email/) and shape: subjects, days left or late, errors with their cells, escaping."""

from datetime import UTC, date, datetime
from email.message import EmailMessage

import pytest

from agencies.problems import Problem, Severity, problem
from report.mail import Attachment, ReceiptMail, Reminder, receipt_message, reminder_message
from schema.receipts import Receipt

POLICE = "Công an tỉnh Hưng Yên"
DEADLINE = date(2023, 6, 18)
NEGATIVE = problem("negative", sheet="Số liệu", cell="D12", label="Số vụ", value="-1")
FORMULA = problem("formula_used", sheet="Số liệu", cell="D13", label="Số tiền", value="5", severity=Severity.WARNING)
RECEIVED = datetime(2023, 6, 16, 2, 30, 12, tzinfo=UTC)  # 09:30:12 in Hưng Yên


def reminder(today: date = date(2023, 6, 15), **fields) -> Reminder:
    values = {
        "agency_name": POLICE,
        "to": ["vanthu@congan.test", "lanhdao@congan.test"],
        "period_id": "2023-H1",
        "period_label": "6 tháng đầu năm 2023",
        "window": (date(2022, 12, 15), date(2023, 6, 14)),
        "deadline": DEADLINE,
        "today": today,
        "portal_url": "https://phoihop.so.test",
    }
    return Reminder(**{**values, **fields})


def bodies(message: EmailMessage) -> tuple[str, str]:
    return message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content()


@pytest.mark.parametrize(
    ("today", "phrase", "subject"),
    [
        (date(2023, 6, 11), "còn 7 ngày nữa là đến hạn", "Nhắc gửi báo cáo"),
        (date(2023, 6, 17), "còn 1 ngày nữa là đến hạn", "Nhắc gửi báo cáo"),
        (DEADLINE, "hôm nay là ngày cuối cùng của hạn gửi", "Nhắc gửi báo cáo"),
        (date(2023, 6, 19), "đã quá hạn 1 ngày", "Quá hạn gửi báo cáo"),
        (date(2023, 6, 28), "đã quá hạn 10 ngày", "Quá hạn gửi báo cáo"),
    ],
)
def test_days_left_or_late_around_the_deadline(today: date, phrase: str, subject: str) -> None:
    message = reminder_message(reminder(today))
    assert message["Subject"] == f"[phoihop] {subject} 6 tháng đầu năm 2023 (2023-H1)"
    for body in bodies(message):
        assert "Hạn gửi: ngày" in body and "18/06/2023" in body and phrase in body


def test_a_plain_reminder_names_the_agency_the_window_and_the_portal() -> None:
    message = reminder_message(reminder(), sender="Sở KH&CN <phoihop@so.test>")
    assert message["To"] == "vanthu@congan.test, lanhdao@congan.test"
    assert message["From"] == "Sở KH&CN <phoihop@so.test>"
    assert message.get_content_type() == "multipart/alternative"  # no form to attach
    text, html = bodies(message)
    assert text.splitlines()[:3] == [
        f"Kính gửi: {POLICE}",
        "",
        "Hệ thống chưa nhận được báo cáo 6 tháng đầu năm 2023 (kỳ 2023-H1) của đơn vị.",
    ]
    assert "- Số liệu tính từ ngày 15/12/2022 đến ngày 14/06/2023." in text
    assert "- Gửi báo cáo tại: https://phoihop.so.test" in text
    assert '<a href="https://phoihop.so.test"' in html and "không hợp lệ" not in text


def test_a_refused_return_gets_its_errors_with_sheet_and_cell() -> None:
    message = reminder_message(reminder(problems=[NEGATIVE]))
    assert message["Subject"] == "[phoihop] Báo cáo 6 tháng đầu năm 2023 (2023-H1) của đơn vị có lỗi, cần gửi lại"
    text, html = bodies(message)
    assert f"- Trang «Số liệu», ô D12: {NEGATIVE.message}" in text
    assert "<td>Số liệu</td><td><strong>D12</strong></td>" in html
    assert "Hệ thống chưa nhận được" not in text


def test_html_escapes_what_the_roster_and_the_file_wrote() -> None:
    hostile = Problem(code="x", message="<script>alert(1)</script>", sheet="<b>", cell="D1")
    text, html = bodies(reminder_message(reminder(agency_name="A & B <C>", problems=[hostile])))
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "A &amp; B &lt;C&gt;" in html
    assert "<script>alert(1)</script>" in text and "Kính gửi: A & B <C>" in text  # plain text is not escaped


def test_the_form_is_attached_beside_the_text_and_html() -> None:
    form = Attachment("2023-H1_police.xlsx", b"PK\x03\x04...")
    message = reminder_message(reminder(form=form))
    assert message.get_content_type() == "multipart/mixed"
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_filename() == "2023-H1_police.xlsx"
    assert attachment.get_content_type() == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert attachment.get_content() == form.content
    assert "được đính kèm thư này (2023-H1_police.xlsx)" in bodies(message)[0]


def receipt(status: str = "accepted", **fields) -> Receipt:
    values = {"id": 7, "version": 2, "sha256": "ab" * 32, "received_at": RECEIVED, "agency": "police"}
    return Receipt(status=status, period="2023-H1", **{**values, **fields})


def receipt_mail(r: Receipt) -> EmailMessage:
    return receipt_message(ReceiptMail(POLICE, ["vanthu@congan.test"], r, "https://phoihop.so.test", "cong-an.xlsx"))


def test_an_accepted_return_is_answered_with_its_version() -> None:
    message = receipt_mail(receipt(problems=[FORMULA]))
    assert message["Subject"] == "[phoihop] Biên nhận báo cáo kỳ 2023-H1, phiên bản 2"
    text, html = bodies(message)
    assert f"Đã nhận báo cáo của {POLICE}, kỳ 2023-H1, phiên bản 2." in text
    assert f"Lưu ý — Trang «Số liệu», ô D13: {FORMULA.message}" in text
    assert "Biên nhận #7, sha256 " + "ab" * 32 + ", nhận lúc 09:30:12 ngày 16/06/2023." in text
    assert "Phiên bản: <strong>2</strong>" in html and "Tệp: cong-an.xlsx" in text


def test_a_refused_return_is_answered_with_every_error_and_its_cell() -> None:
    message = receipt_mail(receipt("invalid", version=None, problems=[NEGATIVE, FORMULA]))
    assert message["Subject"] == "[phoihop] Báo cáo kỳ 2023-H1 không hợp lệ: 1 lỗi cần sửa"
    text, html = bodies(message)
    assert text.splitlines()[2:4] == [
        f"Không hợp lệ, 1 lỗi cần sửa (báo cáo của {POLICE}, kỳ 2023-H1):",
        f"- Trang «Số liệu», ô D12: {NEGATIVE.message}",
    ]
    assert "Tệp gốc đã được lưu; hãy sửa các lỗi rồi gửi lại." in text
    assert "<td>Số liệu</td><td><strong>D12</strong></td>" in html and "Phiên bản" not in html


def test_the_opening_notice_says_the_cycle_is_open_and_not_that_nothing_was_received() -> None:
    message = reminder_message(reminder(date(2023, 6, 1), kind="opened", days=12, day_word="ngày làm việc"))
    assert message["Subject"] == "[phoihop] Mở kỳ báo cáo 6 tháng đầu năm 2023 (2023-H1)"
    for body in bodies(message):
        assert "Kỳ báo cáo 6 tháng đầu năm 2023 (kỳ 2023-H1) đã mở." in body
        assert "Hệ thống chưa nhận được" not in body
        assert "còn 12 ngày làm việc nữa là đến hạn" in body, "the days as the plan counts them"


def test_the_escalation_says_the_head_and_the_coordinator_are_told_with_the_days_late() -> None:
    message = reminder_message(reminder(date(2023, 6, 23), kind="escalation", days=-5, day_word="ngày làm việc"))
    assert message["Subject"] == (
        "[phoihop] Quá hạn gửi báo cáo 6 tháng đầu năm 2023 (2023-H1): báo cáo lãnh đạo đơn vị"
    )
    text, html = bodies(message)
    assert "Đơn vị đã quá hạn gửi báo cáo 5 ngày làm việc. Thư này được gửi đồng thời đến lãnh đạo đơn vị" in text
    assert "Hệ thống chưa nhận được báo cáo" in text and "đã quá hạn 5 ngày làm việc" in text
    assert 'style="color: #a11"' in html
