"""`phoihop submit` answers each file by mail to its agency's contacts: through a real SMTP server on loopback when
one is configured, else saved as an .eml file under the data folder — and says which, in one line per mail."""

from email import message_from_bytes, policy
from pathlib import Path

from agencies.roster import Roster
from tests.cli.command import phoihop
from tests.factories import POLICE_FIGURES, filled_form


def cycle(tmp_path: Path) -> Path:
    data_dir = tmp_path / "var"
    assert phoihop(data_dir, "init").returncode == 0
    assert phoihop(data_dir, "period", "open", "2023-H1").returncode == 0
    return data_dir


def test_each_file_submitted_is_answered_through_the_mail_server(tmp_path: Path, roster: Roster, smtp_server) -> None:
    server = smtp_server("starttls", auth=True)
    data_dir = cycle(tmp_path)
    good, bad = tmp_path / "ca.xlsx", tmp_path / "hq.xlsx"
    good.write_bytes(filled_form(roster, "police", figures=POLICE_FIGURES))
    bad.write_bytes(filled_form(roster, "customs", figures={"violation_cases": -1}))
    result = phoihop(data_dir, "submit", str(good), str(bad), **server.environment())
    assert result.returncode == 1, "one was refused"
    police, customs = (roster.require_agency(a).emails for a in ("police", "customs"))
    assert f"Thư biên nhận gửi {', '.join(police)}: đã gửi." in result.stdout
    assert f"Thư biên nhận gửi {', '.join(customs)}: đã gửi." in result.stdout
    subjects = {tuple(to): message["Subject"] for to, message in server.inbox.messages}
    assert subjects == {
        tuple(police): "[phoihop] Biên nhận báo cáo kỳ 2023-H1, phiên bản 1",
        tuple(customs): "[phoihop] Báo cáo kỳ 2023-H1 không hợp lệ: 1 lỗi cần sửa",
    }
    assert not (data_dir / "mail").exists(), "sent, not saved"


def test_with_no_mail_server_the_receipt_is_saved_and_the_command_says_where(tmp_path: Path, roster: Roster) -> None:
    data_dir = cycle(tmp_path)
    good = tmp_path / "ca.xlsx"
    good.write_bytes(filled_form(roster, "police", figures=POLICE_FIGURES))
    result = phoihop(data_dir, "submit", str(good))
    assert result.returncode == 0, result.stderr
    (saved,) = (data_dir / "mail").glob("*.eml")
    line = next(line for line in result.stdout.splitlines() if line.startswith("Thư biên nhận"))
    assert line.endswith(f"đã lưu vào {saved} (chưa cấu hình máy chủ thư PHOIHOP_SMTP_HOST).")
    message = message_from_bytes(saved.read_bytes(), policy=policy.default)
    assert message["Subject"] == "[phoihop] Biên nhận báo cáo kỳ 2023-H1, phiên bản 1"
    assert "Tệp: ca.xlsx" in message.get_body(("plain",)).get_content()
