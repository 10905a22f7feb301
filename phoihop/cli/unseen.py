"""The sections of `phoihop status` after the table: uploads the table cannot place, mails that did not arrive."""

from __future__ import annotations

from rich.markup import escape
from rich.table import Table

from agencies.calendar import REPORTING_TZ
from agencies.roster import Roster
from phoihop.cli.context import console
from report.templating import environment
from schema.mail_log import MailFailure
from schema.unseen import UnassignedUpload, UnfinishedUpload


def _who_when_what(roster: Roster, upload: UnfinishedUpload | UnassignedUpload) -> tuple[str, str, str]:
    """The first three columns of both sections: who sent it, when, which file."""
    agency = roster.agency(upload.agency) if upload.agency else None
    who = f"{agency.name} ({upload.actor})" if agency else upload.actor
    return escape(who), f"{upload.received_at.astimezone(REPORTING_TZ):%d/%m/%Y %H:%M}", escape(upload.filename or "")


def _section(title: str, headers: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    table = Table(title=title)
    for header in headers:
        table.add_column(header)
    for row in rows:
        table.add_row(*row)
    console.print(table)


def print_unfinished(roster: Roster, uploads: list[UnfinishedUpload]) -> None:
    if not uploads:
        return
    _section(
        "Tệp đã lưu nhưng chưa xử lý xong (lần nhận bị dừng giữa chừng)",
        ("Người gửi", "Nhận lúc", "Tệp", "Mã SHA-256", "Tình trạng"),
        [
            (
                *_who_when_what(roster, u),
                u.sha256[:12],
                escape(f"đã thử {u.attempts} lần: {u.error}" if u.error else "đang chờ xử lý lại"),
            )
            for u in uploads
        ],
    )
    console.print(
        "Tệp gốc của các lần nhận trên đã được lưu; hệ thống tự xử lý lại ở lần chạy sau. "
        "Nếu vẫn còn trong danh sách, hãy đề nghị đơn vị gửi lại tệp."
    )


def print_unassigned(roster: Roster, uploads: list[UnassignedUpload]) -> None:
    if not uploads:
        return
    _section(
        "Tệp không xác định được kỳ báo cáo",
        ("Người gửi", "Nhận lúc", "Tệp", "Biên nhận", "Lỗi đầu tiên"),
        [
            (
                *_who_when_what(roster, u),
                f"#{u.return_id}",
                escape(f"{u.message} ({u.code})" if u.code else ""),
            )
            for u in uploads
        ],
    )


def print_mail_failures(roster: Roster, failures: list[MailFailure]) -> None:
    if not failures:
        return
    words = environment().get_template("email/_failures.txt.j2").module
    rows = []
    for f in failures:
        agency = roster.agency(f.agency)
        when = f"{f.at.astimezone(REPORTING_TZ):%d/%m/%Y %H:%M}" if f.at else ""
        rows.append((escape(agency.name if agency else f.agency), escape(str(words.what(f))), when,
                     escape(str(words.trouble(f)))))  # fmt: skip
    _section("Thư không đến được đơn vị", ("Đơn vị", "Thư", "Gửi lúc", "Tình trạng"), rows)
    console.print("Hãy kiểm tra địa chỉ thư điện tử của đơn vị trong danh mục, hoặc liên hệ đơn vị qua điện thoại.")
