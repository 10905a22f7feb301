"""`phoihop submit --received-at`: the coordinator enters a return the department received on paper or by e-mail
before the system was used, with its real receipt time, on SQLite and PostgreSQL, through the installed command."""

import json
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from agencies.calendar import REPORTING_TZ
from agencies.roster import Roster
from schema.models import AuditEntry, PendingUpload, ReceiptMail, Return
from tests.cli.command import one_line, phoihop
from tests.factories import POLICE_FIGURES, filled_form


@pytest.fixture
def run(session: Session, database_url: str, tmp_path: Path):
    """`phoihop …` on the test's database, after `init` and `period open 2023-H1` (due 18/06/2023)."""
    data_dir = tmp_path / "var"

    def command(*args: str):
        return phoihop(data_dir, *args, PHOIHOP_DATABASE_URL=database_url)

    assert command("init").returncode == 0
    assert command("period", "open", "2023-H1").returncode == 0
    return command


@pytest.fixture
def police_file(tmp_path: Path, roster: Roster) -> Path:
    path = tmp_path / "cong-an-giay.xlsx"
    path.write_bytes(filled_form(roster, "police", figures=POLICE_FIGURES))
    return path


def status_of(run, agency: str) -> dict:
    result = run("status", "2023-H1", "--json")
    assert result.returncode == 0, result.stderr
    return next(a for a in json.loads(result.stdout)["agencies"] if a["agency"] == agency)


def local(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=REPORTING_TZ)


def test_a_paper_return_before_the_deadline_is_on_time_and_mails_nobody(
    run, police_file: Path, session: Session, tmp_path: Path
) -> None:
    result = run("submit", str(police_file), "--agency", "police", "--received-at", "2023-06-16 09:30")
    assert result.returncode == 0, result.stderr
    assert "đã nhận báo cáo của" in result.stdout and "phiên bản 1" in result.stdout
    assert "Sở nhận bằng giấy lúc 09:30 ngày 16/06/2023, do Sở nhập vào hệ thống (cli:" in result.stdout
    assert "Thư biên nhận" not in result.stdout, "no receipt mailed as if the agency had just uploaded"
    assert not (tmp_path / "var" / "mail").exists()

    police = status_of(run, "police")
    assert police["state"] == "accepted" and police["late"] is False and police["received_via"] == "paper"
    assert datetime.fromisoformat(police["received_at"]) == local("2023-06-16 09:30")
    assert status_of(run, "customs")["received_via"] is None

    row = session.scalars(select(Return)).one()
    assert row.received_via == "paper" and row.received_at == local("2023-06-16 09:30")
    assert row.entered_at is not None and row.entered_at > row.received_at and row.actor.startswith("cli:")
    assert session.scalar(select(func.count()).select_from(ReceiptMail)) == 0
    audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "backfilled")).one()
    assert audit.actor == row.actor and audit.return_id == row.id and audit.agency_id == "police"
    assert audit.detail == {
        "via": "paper",
        "received_at": "2023-06-16T02:30:00+00:00",
        "entered_at": row.entered_at.isoformat(),
    }

    history = run("history", "police", "2023-H1")
    assert history.returncode == 0, history.stderr
    assert "Sở nhập báo cáo nhận ngoài hệ thống" in history.stdout
    assert "Sở nhận bằng giấy lúc 09:30 ngày 16/06/2023" in history.stdout
    table = run("status", "2023-H1")
    assert "16/06/2023 09:30 (giấy, Sở nhập)" in table.stdout and "đúng hạn" in table.stdout


def test_an_email_return_after_the_deadline_is_late(run, police_file: Path) -> None:
    result = run(
        "submit", str(police_file), "--agency", "police", "--received-at", "2023-06-19 08:00", "--via", "email"
    )
    assert result.returncode == 0, result.stderr
    assert "Sở nhận qua thư điện tử lúc 08:00 ngày 19/06/2023" in result.stdout
    police = status_of(run, "police")
    assert police["late"] is True and police["received_via"] == "email"


def test_the_last_minute_of_the_deadline_is_on_time(run, police_file: Path) -> None:
    assert run("submit", str(police_file), "--agency", "police", "--received-at", "2023-06-18 23:59").returncode == 0
    assert status_of(run, "police")["late"] is False


@pytest.mark.parametrize(
    ("received_at", "code_words"),
    [
        ("2099-01-01 08:00", "ở tương lai"),
        ("2022-12-14 23:59", "trước khi thời gian lấy số liệu của kỳ 2023-H1 bắt đầu (15/12/2022)"),
    ],
)
def test_a_receipt_time_in_the_future_or_before_the_window_is_refused_and_nothing_kept(
    run, police_file: Path, session: Session, received_at: str, code_words: str
) -> None:
    result = run("submit", str(police_file), "--agency", "police", "--received-at", received_at)
    assert result.returncode == 1
    line = one_line(result)
    assert "Thời điểm nhận (--received-at)" in line and code_words in line
    assert session.scalar(select(func.count()).select_from(Return)) == 0
    assert session.scalar(select(func.count()).select_from(PendingUpload)) == 0


def test_the_first_minute_of_the_window_is_taken(run, police_file: Path) -> None:
    result = run("submit", str(police_file), "--agency", "police", "--received-at", "2022-12-15 00:00")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--received-at", "2023-06-16 09:30"], "--received-at cần có --agency"),
        (["--agency", "police", "--received-at", "16/06/2023"], "dùng dạng «YYYY-MM-DD HH:MM»"),
        (["--agency", "police", "--received-at", "2023-06-16 09:30", "--via", "fax"], "Cách nhận (--via) «fax»"),
        (["--agency", "police", "--via", "email"], "--via chỉ dùng cùng --received-at"),
    ],
)
def test_wrong_back_fill_options_are_refused_in_one_line(run, police_file: Path, args: list[str], words: str) -> None:
    result = run("submit", str(police_file), *args)
    assert result.returncode == 1
    assert words in one_line(result)


def test_a_paper_return_older_than_the_current_one_is_kept_but_not_made_current(
    run, police_file: Path, tmp_path: Path, roster: Roster, session: Session
) -> None:
    uploaded = tmp_path / "cong-an-he-thong.xlsx"
    uploaded.write_bytes(filled_form(roster, "police", figures={**POLICE_FIGURES, "fraud_cases": 9}))
    assert run("submit", str(uploaded)).returncode == 0
    result = run("submit", str(police_file), "--agency", "police", "--received-at", "2023-06-16 09:30")
    assert result.returncode == 0, result.stderr
    assert (
        result.stdout.startswith("· ")
        and "cong-an-giay.xlsx:" in result.stdout
        and "được thay bằng phiên bản mới" in result.stdout
    )
    police = status_of(run, "police")
    assert police["version"] == 1 and police["received_via"] is None, "the newer upload stays current"
    paper = session.scalars(select(Return).where(Return.received_via == "paper")).one()
    assert paper.status == "superseded" and paper.version == 2
