"""`phoihop remind` as a user types it, on SQLite and PostgreSQL: `--dry-run` tells who would get what and why
around Tết; without it the remind flow sends through a real SMTP server on loopback — each due mail once, through
the server down, a dropped connection, an address refused for good and two runs at once."""

import json
import subprocess
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from agencies.roster import Roster
from schema.models import Period, ReminderLog
from tests.cli.command import PHOIHOP, environment, one_line, phoihop
from tests.factories import POLICE_FIGURES, filled_form
from tests.flows.artifacts import read_artifact
from tests.smtp_server import SmtpServer, attached_form, bodies

PERIOD = "2024-M02"  # deadline Sunday 18/02/2024, just after Tết Giáp Thìn (08–14/02/2024)


@pytest.fixture
def cycle(session: Session, database_url: str, tmp_path: Path, roster: Roster) -> str:
    """2024-M02 opened on 20/01/2024; police sent a valid return, market surveillance a refused one."""
    data_dir = tmp_path / "var"
    assert phoihop(data_dir, "--db", database_url, "init").returncode == 0
    opened = phoihop(data_dir, "--db", database_url, "period", "open", PERIOD)
    assert opened.returncode == 0, opened.stderr
    session.get(Period, "2024-M2").opened_at = datetime(2024, 1, 20, 2, tzinfo=UTC)
    session.commit()
    files = []
    for agency, figures in [("police", POLICE_FIGURES), ("market-surveillance", {"violation_cases": -1})]:
        path = tmp_path / f"{agency}.xlsx"
        path.write_bytes(filled_form(roster, agency, PERIOD, figures=figures))
        files.append(str(path))
    phoihop(data_dir, "--db", database_url, "submit", *files)
    return database_url


def dry_run(tmp_path: Path, url: str, today: str) -> list[str]:
    result = phoihop(tmp_path / "var", "--db", url, "remind", PERIOD, "--dry-run", "--today", today)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result.stdout.splitlines()


def line_of(lines: list[str], agency: str) -> str:
    return next(line for line in lines if f"({agency}):" in line)


def test_dry_run_the_day_before_a_sunday_deadline(cycle: str, tmp_path: Path, roster: Roster) -> None:
    lines = dry_run(tmp_path, cycle, "2024-02-16")
    assert lines[0] == "Nhắc gửi báo cáo kỳ 2024-M2, ngày 16/02/2024 — chạy thử, không gửi thư nào."
    assert lines[1] == f"Sẽ gửi {len(roster.agencies()) - 1} thư:"
    assert line_of(lines, "customs") == (
        "- Chi cục Hải quan Hưng Yên (customs): bước «nhắc trước hạn 1 ngày» (ngày 16/02/2024), "
        "thư «nhắc gửi báo cáo»; còn 1 ngày làm việc đến hạn 18/02/2024; gửi tới: vanthu@haiquan.hungyen.example."
    )
    market = lines.index(line_of(lines, "market-surveillance"))
    assert "thư «báo cáo có lỗi»" in lines[market]
    assert lines[market + 1].startswith("    · Trang «Số liệu», ô ")  # the refused return's error, by cell
    assert line_of(lines, "police").endswith("(police): đã gửi báo cáo hợp lệ.")
    assert "Bỏ qua 1 đơn vị:" in lines


def test_dry_run_over_tet_and_once_late(cycle: str, tmp_path: Path) -> None:
    tet = dry_run(tmp_path, cycle, "2024-02-12")
    assert "Sẽ gửi 0 thư:" in tet and "  (không có)" in tet
    assert "hôm nay là ngày nghỉ, thư nhắc chờ đến ngày làm việc tiếp theo" in line_of(tet, "customs")
    back = dry_run(tmp_path, cycle, "2024-02-15")
    assert "bước «nhắc trước hạn 3 ngày» (ngày 07/02/2024)" in line_of(back, "customs"), "the T-3 missed over Tết"
    assert "còn 2 ngày làm việc" in line_of(back, "customs")
    late = dry_run(tmp_path, cycle, "2024-02-23")
    assert "bước «báo cáo lãnh đạo do quá hạn»" in line_of(late, "customs")
    assert "quá hạn 5 ngày làm việc (hạn 18/02/2024)" in line_of(late, "customs")
    assert "thanhtra@stttt.hungyen.example" in line_of(late, "customs"), "the coordinator is told"


DAY_BEFORE = "2024-02-16"  # Friday: T-1 in working days before Sunday 18/02


def send(tmp_path: Path, url: str, api: str, server: SmtpServer, today: str = DAY_BEFORE, **env: str):
    """`phoihop remind PERIOD --today DAY` sending through `server`, its flow run through the session's Prefect API."""
    settings = {**server.environment(), "PREFECT_API_URL": api, "PHOIHOP_MAIL_RETRY_DELAYS": "[0.5]", **env}
    return phoihop(tmp_path / "var", "--db", url, "remind", PERIOD, "--today", today, timeout=180, **settings)


def due_agencies(tmp_path: Path, url: str, today: str = DAY_BEFORE) -> set[str]:
    """The agencies the dry run says get a mail today (the decision is tested above; here, what is sent)."""
    return {line.split("(")[1].split(")")[0] for line in dry_run(tmp_path, url, today) if ": bước «" in line}


def test_every_due_reminder_arrives_once_with_the_agencys_form(
    cycle: str, tmp_path: Path, roster: Roster, prefect_api: str, smtp_server
) -> None:
    server = smtp_server("starttls", auth=True)
    due = due_agencies(tmp_path, cycle)
    assert "police" not in due and len(due) == len(roster.agencies()) - 1
    result = send(tmp_path, cycle, prefect_api, server)
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "", "Prefect's lines stay out of the terminal"
    assert (
        result.stdout.splitlines()[0]
        == f"Nhắc gửi báo cáo kỳ 2024-M2, ngày 16/02/2024: {len(due)} thư đã gửi, 1 đơn vị bỏ qua."
    )
    received = server.inbox.messages
    assert len(received) == len(due)
    by_agency = {attached_form(message)["agency"]: (recipients, message) for recipients, message in received}
    assert set(by_agency) == due, "one mail per agency that has not sent, none to the police (sent)"
    for agency_id, (recipients, message) in by_agency.items():
        agency = roster.require_agency(agency_id)
        assert recipients == agency.emails
        assert attached_form(message)["filename"] == f"2024-M2_{agency_id}.xlsx"
        assert attached_form(message)["period"] == "2024-M2"
        text, html = bodies(message)
        for body in (text, html):
            assert agency.name in body
            assert "Hạn gửi: ngày" in body and "18/02/2024" in body
            assert "còn 1 ngày làm việc nữa là đến hạn" in body
            assert "http://127.0.0.1:8000" in body
    customs = by_agency["customs"][1]
    assert customs["Subject"] == "[phoihop] Nhắc gửi báo cáo tháng 2 năm 2024 (2024-M2)"
    assert customs["From"] == "Sở KH&CN Hưng Yên <phoihop@so.test>"
    market = by_agency["market-surveillance"][1]
    assert market["Subject"] == "[phoihop] Báo cáo tháng 2 năm 2024 (2024-M2) của đơn vị có lỗi, cần gửi lại"
    assert "Trang «Số liệu», ô D" in bodies(market)[0], "the refused return's errors, by cell"
    again = send(tmp_path, cycle, prefect_api, server)
    assert again.returncode == 0, again.stderr
    assert len(server.inbox.messages) == len(due), "a second run the same day sends nothing"
    assert "0 thư đã gửi" in again.stdout.splitlines()[0]
    assert "bỏ qua: bước «nhắc trước hạn 1 ngày» đã gửi lúc" in line_of(again.stdout.splitlines(), "customs")


def test_the_server_down_then_a_dropped_connection_then_back_sends_each_mail_once(
    cycle: str, tmp_path: Path, session: Session, prefect_api: str, smtp_server
) -> None:
    due = due_agencies(tmp_path, cycle)
    server = smtp_server(started=False)  # its port answers nothing: connection refused
    down = send(tmp_path, cycle, prefect_api, server, PHOIHOP_SMTP_TIMEOUT="5")
    assert down.returncode == 1
    assert f"{len(due)} thư nhắc chưa gửi được vì máy chủ thư gặp lỗi tạm thời" in one_line(down)
    assert f"0 thư đã gửi, {len(due)} chờ gửi lại" in down.stdout.splitlines()[0]
    states = session.execute(select(ReminderLog.state, ReminderLog.attempts)).all()
    assert set(states) == {("deferred", 2)}, "tried, then retried once by Prefect, and left for the next run"
    artifact = read_artifact("remind-2024-m2")  # what the run published, per agency
    assert artifact.description.startswith(
        f"Nhắc gửi báo cáo kỳ 2024-M2, ngày 16/02/2024: 0 thư đã gửi, {len(due)} chờ gửi lại"
    )
    rows = {row["Đơn vị"]: row["Kết quả"] for row in json.loads(artifact.data)}
    assert rows["Chi cục Hải quan Hưng Yên"].startswith("chưa gửi được (lỗi tạm thời của máy chủ thư: ")
    assert rows["Công an tỉnh Hưng Yên"] == "bỏ qua: đã gửi báo cáo hợp lệ"
    server.start()
    server.inbox.drop_next = 3  # back, but three connections drop in the middle of a message
    back = send(tmp_path, cycle, prefect_api, server)
    assert back.returncode == 0, back.stderr + back.stdout
    assert server.inbox.dropped == 3
    agencies = sorted(attached_form(message)["agency"] for _, message in server.inbox.messages)
    assert agencies == sorted(due), "every due mail, each exactly once"
    rows = {row["Đơn vị"]: row["Kết quả"] for row in json.loads(read_artifact("remind-2024-m2").data)}
    assert rows["Chi cục Hải quan Hưng Yên"] == ("đã gửi «nhắc trước hạn 1 ngày» tới vanthu@haiquan.hungyen.example")
    session.expire_all()
    assert {state for (state,) in session.execute(select(ReminderLog.state))} == {"sent"}
    assert send(tmp_path, cycle, prefect_api, server).returncode == 0
    assert len(server.inbox.messages) == len(due), "nothing twice once all is sent"


def test_an_address_refused_for_good_is_reported_and_not_retried(
    cycle: str, tmp_path: Path, roster: Roster, prefect_api: str, smtp_server
) -> None:
    server = smtp_server()
    (address,) = roster.require_agency("customs").emails
    server.inbox.refuse.add(address)
    first = send(tmp_path, cycle, prefect_api, server)
    assert first.returncode == 0, first.stderr
    assert f"bị từ chối, không gửi lại: {address} (550 5.1.1 No such user here)" in line_of(
        first.stdout.splitlines(), "customs"
    )
    assert send(tmp_path, cycle, prefect_api, server).returncode == 0
    assert server.inbox.asked.count(address) == 1, "refused for good: never asked again"
    status = phoihop(tmp_path / "var", "--db", cycle, "status", PERIOD)
    assert status.returncode == 0, status.stderr
    assert f"{address}: 550 5.1.1 No such user here" in status.stdout
    assert "Chi cục Hải quan Hưng Yên" in next(line for line in status.stdout.splitlines() if address in line)


def test_two_runs_at_once_send_each_mail_once(cycle: str, tmp_path: Path, prefect_api: str, smtp_server) -> None:
    server = smtp_server()
    due = due_agencies(tmp_path, cycle)
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda _: send(tmp_path, cycle, prefect_api, server), range(2)))
    assert [r.returncode for r in results] == [0, 0], [r.stderr for r in results]
    agencies = sorted(attached_form(message)["agency"] for _, message in server.inbox.messages)
    assert agencies == sorted(due)


def test_a_run_killed_while_a_mail_is_leaving_never_sends_it_again_and_says_it_is_unsure(
    cycle: str, tmp_path: Path, session: Session, roster: Roster, prefect_api: str, smtp_server
) -> None:
    """kill -9 while the server holds the first message, unanswered: whether it left cannot be known, so the next run
    does not send it again (never twice) — it sends the others; once the claim is old, `status` shows it as unsure,
    for the coordinator to phone the agency."""
    server = smtp_server()
    server.inbox.hold = True
    settings = {**server.environment(), "PREFECT_API_URL": prefect_api, "PHOIHOP_MAIL_RETRY_DELAYS": "[0.5]"}
    args = ["--db", cycle, "remind", PERIOD, "--today", DAY_BEFORE]
    process = subprocess.Popen([str(PHOIHOP), *args], env=environment(tmp_path / "var", **settings))
    try:
        assert server.inbox.holding.wait(120), "the first mail reached the server"
    finally:
        process.kill()
        process.wait()
    server.inbox.hold = False
    server.inbox.release.set()
    (held,) = session.scalars(select(ReminderLog)).all()
    assert held.state == "sending"
    again = send(tmp_path, cycle, prefect_api, server)
    assert again.returncode == 0, again.stderr
    agencies = [attached_form(message)["agency"] for _, message in server.inbox.messages]
    due = due_agencies(tmp_path, cycle) | {held.agency_id}  # the dry run now lists the held one as logged
    assert sorted(agencies) == sorted(due - {held.agency_id}), "the others once each; the held one not again"
    assert "bước «nhắc trước hạn 1 ngày» đang được gửi từ lúc" in line_of(
        dry_run(tmp_path, cycle, DAY_BEFORE), held.agency_id
    )
    session.expire_all()
    session.get(ReminderLog, held.id).claimed_at -= timedelta(minutes=31)  # half an hour on, nobody settled it
    session.commit()
    status = phoihop(tmp_path / "var", "--db", cycle, "status", PERIOD)
    name = roster.require_agency(held.agency_id).name
    line = next(line for line in status.stdout.splitlines() if name in line and "gửi dở dang" in line)
    assert "chưa rõ đã đến chưa" in line
