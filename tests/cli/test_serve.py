"""`phoihop serve` as an administrator starts it: the installed command, free ports, a data folder of its own.

One serve process for the module (it takes ~15 s to start on a new Prefect database): returns
uploaded through its portal, a consolidation asked for through the API and followed until its
draft is downloaded, one that fails, the served schedules, then SIGTERM — which must leave no
process behind and pauses the schedules. Last, the administrator moves to PostgreSQL and starts
it again: the schedules are resumed and a consolidation drafts from returns kept there.
"""

from __future__ import annotations

import re
import signal
import socket
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from agencies.roster import Roster
from schema.accounts import issue_password
from schema.credentials import issue_token
from schema.database import make_engine, make_session_factory
from schema.periods import open_period
from tests.cli.command import PHOIHOP, environment, one_line, phoihop
from tests.conftest import postgres_database
from tests.docx_reading import section
from tests.factories import POLICE_FIGURES, filled_form, ready_database
from tests.live_server import free_port
from tests.portal.browser import launched_chromium, shoot
from tests.portal.portal_user import PortalUser, form_token

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
READY = "Hệ thống đã sẵn sàng"
START_SECONDS = 180
AGENCIES = ("police", "district-hung-yen-city", "district-my-hao", "district-van-lam")


@dataclass
class Serving:
    port: int
    prefect_port: int
    data_dir: Path
    database_url: str
    output: Path  # the command's stdout and stderr, every start appended
    tokens: dict[str, str]
    process: subprocess.Popen[bytes] | None = None

    @property
    def portal(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def prefect(self) -> str:
        return f"http://127.0.0.1:{self.prefect_port}/api"

    def said(self) -> str:
        return self.output.read_text(encoding="utf-8") if self.output.exists() else ""

    def http(self, who: str) -> httpx.Client:
        return httpx.Client(base_url=self.portal, headers={"Authorization": f"Bearer {self.tokens[who]}"}, timeout=30)

    def start(self) -> float:
        """Start `phoihop serve`; seconds until it says the whole system is ready."""
        env = environment(self.data_dir, PHOIHOP_DATABASE_URL=self.database_url)
        env["PHOIHOP_PREFECT_PORT"] = str(self.prefect_port)
        for name in ("PREFECT_API_URL", "PREFECT_HOME"):
            env.pop(name, None)
        ready_before = self.said().count(READY)
        with self.output.open("ab") as out:
            command = [str(PHOIHOP), "serve", "--port", str(self.port)]
            self.process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
        began = time.monotonic()
        while self.said().count(READY) == ready_before:
            assert self.process.poll() is None, self.said()
            assert time.monotonic() - began < START_SECONDS, self.said()
            time.sleep(0.3)
        return time.monotonic() - began

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self) -> int:
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=90)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise


def prepared(database_url: str, roster: Roster) -> dict[str, str]:
    """A database as `phoihop init`, `period open 2023-H1`, `token` and `password` leave it; the secrets by who."""
    tokens = ready_database(database_url, roster, credentials_for=AGENCIES)
    engine = make_engine(database_url)
    with make_session_factory(engine)() as session:
        tokens["coordinator"] = issue_token(session, "test")
        tokens["coordinator password"] = issue_password(session, "test", None)
    engine.dispose()
    return tokens


@pytest.fixture(scope="module")
def serving(tmp_path_factory: pytest.TempPathFactory, roster: Roster) -> Iterator[Serving]:
    """`phoihop serve` on the embedded database, in its usual place under the data folder."""
    folder = tmp_path_factory.mktemp("serve")
    database_url = f"sqlite:///{folder / 'var' / 'phoihop.db'}"
    tokens = prepared(database_url, roster)
    serving = Serving(free_port(), free_port(), folder / "var", database_url, folder / "serve.out", tokens)
    try:
        print(f"phoihop serve ready in {serving.start():.1f} s")
        yield serving
    finally:
        if serving.running():
            serving.stop()


def upload(serving: Serving, roster: Roster, agency: str, figures: dict, period: str = "2023-H1") -> None:
    with serving.http(agency) as http:
        data = filled_form(roster, agency, period, figures=figures)
        response = http.post("/api/v1/returns", files={"file": (f"{agency}.xlsx", data, XLSX)})
    assert response.status_code == 201, response.text


def consolidate(serving: Serving, period: str) -> dict:
    """Ask for a consolidation through the API and follow it until it ends."""
    with serving.http("coordinator") as http:
        response = http.post(f"/api/v1/periods/{period}/consolidations")
        assert response.status_code == 202, response.text
        started = response.json()
        assert (started["state"], started["period"]) == ("scheduled", period) and started["flow_run_id"]
        deadline = time.monotonic() + 90
        while True:
            shown = http.get(f"/api/v1/consolidations/{started['id']}").json()
            if shown["state"] in ("completed", "failed"):
                return shown
            assert time.monotonic() < deadline, shown
            time.sleep(0.5)


def downloaded_draft(serving: Serving, done: dict) -> Path:
    """The period's draft as the coordinator downloads it: the one the consolidation wrote."""
    assert (done["state"], done["state_label"], done["draft_available"], done["message"]) == (
        "completed",
        "Đã lập dự thảo",
        True,
        None,
    )
    with serving.http("coordinator") as http:
        response = http.get(f"/api/v1/periods/{done['period']}/draft")
    assert response.status_code == 200
    name = re.search(r'filename="([^"]+)"', response.headers["content-disposition"]).group(1)
    assert re.fullmatch(rf"bao-cao-{done['period']}-v\d+\.docx", name), "the version is in the downloaded name"
    kept = serving.data_dir / "drafts" / done["period"] / name  # versions side by side, never overwritten
    assert kept.read_bytes() == response.content
    draft = serving.data_dir.parent / f"downloaded-{done['id']}.docx"
    draft.write_bytes(response.content)
    return draft


def test_a_port_in_use_is_one_line_and_nothing_starts(tmp_path: Path, roster: Roster) -> None:
    database_url = f"sqlite:///{tmp_path / 'var' / 'phoihop.db'}"
    ready_database(database_url, roster)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = phoihop(tmp_path / "var", "serve", "--port", str(port), PHOIHOP_DATABASE_URL=database_url)
    assert result.returncode == 1
    assert one_line(result) == (
        f"Lỗi: Cổng {port} trên 127.0.0.1 đang được một chương trình khác dùng: hãy dừng chương trình đó, "
        "hoặc chọn cổng khác (--port)."
    )
    assert not (tmp_path / "var" / "prefect").exists()


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["--port", "0"], "Lỗi: Cổng «0» không hợp lệ: dùng một số từ 1 đến 65535."),
        (["--port", "65536"], "Lỗi: Cổng «65536» không hợp lệ: dùng một số từ 1 đến 65535."),
        (
            ["--host", "nowhere.invalid"],
            "Lỗi: Máy này không lắng nghe được ở địa chỉ «nowhere.invalid»: hãy dùng 127.0.0.1 hoặc 0.0.0.0.",
        ),
    ],
)
def test_a_port_or_host_it_cannot_use_is_one_line_in_vietnamese(tmp_path: Path, args: list[str], line: str) -> None:
    result = phoihop(tmp_path / "var", "serve", *args)
    assert result.returncode == 1
    assert one_line(result) == line


def test_a_prefect_server_named_but_not_answering_is_one_line(tmp_path: Path, roster: Roster) -> None:
    database_url = f"sqlite:///{tmp_path / 'var' / 'phoihop.db'}"
    ready_database(database_url, roster)
    nowhere = f"http://127.0.0.1:{free_port()}/api"
    result = phoihop(
        tmp_path / "var",
        "serve",
        "--port",
        str(free_port()),
        PHOIHOP_DATABASE_URL=database_url,
        PREFECT_API_URL=nowhere,
    )
    assert result.returncode == 3
    assert one_line(result).startswith(f"Lỗi: Không kết nối được máy chủ Prefect tại {nowhere} (PREFECT_API_URL)")


def test_it_says_where_the_portal_and_prefects_ui_are(serving: Serving) -> None:
    said = serving.said()
    assert f"Cổng thông tin: {serving.portal}/ — API: {serving.portal}/api/v1" in said
    assert f"Giao diện Prefect (chỉ mở được trên máy này): {serving.prefect.removesuffix('/api')}" in said
    assert "Luồng «collect» chạy theo lịch «*/15 7-18 * * 1-5» (giờ Việt Nam)." in said
    assert "Traceback" not in said


def test_a_consolidation_asked_through_the_api_drafts_from_the_uploaded_returns(
    serving: Serving, roster: Roster
) -> None:
    upload(serving, roster, "police", POLICE_FIGURES)
    upload(serving, roster, "district-hung-yen-city", {"violation_cases": 2})
    upload(serving, roster, "district-my-hao", {"violation_cases": 3})
    draft = downloaded_draft(serving, consolidate(serving, "2023-H1"))
    assert "169,75 triệu đồng" in section(draft, "2.1.")  # the police's fines, 169.750.000 đồng
    districts = section(draft, "2.5.")  # 2 + 3: the two districts' cases summed, each district named
    assert "Phát hiện 05 vụ việc vi phạm" in districts and "UBND thị xã Mỹ Hào: 03 vụ" in districts


def test_the_coordinator_consolidates_from_the_board_and_downloads_the_draft(serving: Serving, roster: Roster) -> None:
    upload(serving, roster, "police", POLICE_FIGURES)  # something to draft from, whatever ran before
    coordinator = PortalUser(serving.portal)
    try:
        assert coordinator.sign_in("coordinator", serving.tokens["coordinator password"]).status_code == 303
        board = coordinator.get("/coordinator/periods/2023-H1")
        started = coordinator.post("/coordinator/periods/2023-H1/consolidations", data={"csrf": form_token(board.text)})
        assert started.status_code == 303, started.text
        deadline = time.monotonic() + 90
        while 'data-consolidation="completed"' not in (page := coordinator.get(started.headers["location"])).text:
            assert 'data-consolidation="failed"' not in page.text and time.monotonic() < deadline, page.text
            assert "data-refresh-seconds" in page.text  # the page reloads itself while the work runs
            time.sleep(0.5)
        assert "data-refresh-seconds" not in page.text and "Đã lập dự thảo" in page.text
        draft = coordinator.get("/coordinator/periods/2023-H1/draft")
        assert draft.status_code == 200 and draft.content.startswith(b"PK")
    finally:
        coordinator.close()


def test_the_coordinator_in_a_browser_follows_the_board_reopens_consolidates_and_downloads(
    serving: Serving, roster: Roster, tmp_path: Path
) -> None:
    """Debian's chromium on the served portal: the board changes as a return arrives, the period is closed and
    reopened with a reason, Tổng hợp runs the flow for real, the page follows it to the end, the draft downloads."""
    with launched_chromium() as browser:
        context = browser.new_context(base_url=serving.portal, accept_downloads=True, locale="vi-VN")
        page = context.new_page()
        try:
            page.goto("/coordinator")
            page.get_by_label("Tên đăng nhập").fill("coordinator")
            page.get_by_label("Mật khẩu").fill(serving.tokens["coordinator password"])
            page.get_by_role("button", name="Đăng nhập").click()
            page.wait_for_url("**/coordinator")
            shoot(page, "07-coordinator-periods")

            page.goto("/coordinator/periods/2023-H1")
            sent = int(page.locator("[data-count=accepted] strong").inner_text())
            assert page.locator("tr[data-agency=district-van-lam]").get_attribute("data-state") == "missing"
            upload(serving, roster, "district-van-lam", {"violation_cases": 1})
            page.reload()
            assert page.locator("tr[data-agency=district-van-lam]").get_attribute("data-state") == "accepted"
            assert int(page.locator("[data-count=accepted] strong").inner_text()) == sent + 1
            shoot(page, "08-coordinator-board")
            shoot(page, "08-coordinator-board-top", full_page=False)  # the README's picture

            page.on("dialog", lambda dialog: dialog.accept())  # "Khóa kỳ …?" asked first
            page.get_by_role("button", name="Khóa kỳ báo cáo").click()
            page.wait_for_selector("text=Đã khóa")
            page.get_by_label("Lý do mở lại (bắt buộc)").fill("nhận báo cáo gửi muộn")
            page.get_by_role("button", name="Mở lại kỳ báo cáo").click()
            page.wait_for_selector("text=Đang mở")

            page.get_by_role("button", name="Tổng hợp").click()
            page.wait_for_url("**/coordinator/consolidations/*")
            page.wait_for_selector("[data-consolidation=completed]", timeout=90_000)  # it reloads itself until then
            shoot(page, "09-coordinator-consolidation")
            with page.expect_download() as download:
                page.get_by_role("link", name="Tải bản dự thảo báo cáo (.docx)").click()
            draft = tmp_path / download.value.suggested_filename
            download.value.save_as(draft)
            assert re.fullmatch(r"bao-cao-2023-H1-v\d+\.docx", draft.name), "a numbered version of the draft"
            assert "UBND huyện Văn Lâm: 01 vụ" in section(draft, "2.5.")  # the return sent while the board was open

            page.goto("/coordinator/agencies/district-van-lam?period=2023-H1")
            assert "Mở lại kỳ báo cáo" in page.content() and "nhận báo cáo gửi muộn" in page.content()
            shoot(page, "10-coordinator-agency-history")
            page.goto("/coordinator/accounts")
            shoot(page, "11-coordinator-accounts")
        finally:
            context.close()


def test_a_consolidation_that_fails_ends_failed_with_a_vietnamese_message(serving: Serving, roster: Roster) -> None:
    engine = make_engine(serving.database_url)
    with make_session_factory(engine)() as session:
        open_period(session, "2022-H2", "test")
    engine.dispose()
    upload(serving, roster, "police", POLICE_FIGURES, "2022-H2")
    (serving.data_dir / "drafts").mkdir(exist_ok=True)
    (serving.data_dir / "drafts" / "2022-H2").write_text("a file where the period's drafts folder should be")

    done = consolidate(serving, "2022-H2")
    assert (done["state"], done["state_label"], done["draft_available"]) == ("failed", "Không thành công", False)
    assert done["message"].startswith("Không ghi được dự thảo vào «"), done["message"]
    with serving.http("coordinator") as http:
        assert http.get("/api/v1/periods/2022-H2/draft").json()["code"] == "draft_not_ready"


def test_the_flows_are_served_on_their_schedules_in_vietnam_time(serving: Serving) -> None:
    from prefect.flows import load_flow_from_entrypoint

    for name, schedules in {
        "collect": [{"cron": "*/15 7-18 * * 1-5", "timezone": "Asia/Ho_Chi_Minh", "day_or": True}],
        "consolidate": [],
        "remind": [{"cron": "0 8 * * *", "timezone": "Asia/Ho_Chi_Minh", "day_or": True}],
        "receipt-mail": [{"cron": "*/10 * * * *", "timezone": "Asia/Ho_Chi_Minh", "day_or": True}],
    }.items():
        deployment = httpx.get(f"{serving.prefect}/deployments/name/{name}/{name}", timeout=10).json()
        assert (deployment["status"], deployment["paused"]) == ("READY", False)
        assert [s["schedule"] for s in deployment["schedules"]] == schedules
        assert all(s["active"] for s in deployment["schedules"])
        assert load_flow_from_entrypoint(deployment["entrypoint"]).name == name


def test_with_no_mail_server_the_served_mails_are_saved_as_eml_files(serving: Serving, roster: Roster) -> None:
    """No SMTP configured: an upload's receipt and the served remind flow's reminders land in data_dir/mail."""
    import asyncio
    from datetime import UTC, datetime
    from email import message_from_bytes, policy

    from flows.runs import final_state, start_run
    from schema.models import Period

    def saved() -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for path in sorted((serving.data_dir / "mail").glob("*.eml")):
            message = message_from_bytes(path.read_bytes(), policy=policy.default)
            found.setdefault(message["To"], []).append(message["Subject"])
        return found

    upload(serving, roster, "district-van-lam", {"violation_cases": 4})
    contact = ", ".join(roster.require_agency("district-van-lam").emails)
    deadline = time.monotonic() + 15
    while not any("Biên nhận" in s for s in saved().get(contact, [])) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert any(s.startswith("[phoihop] Biên nhận báo cáo kỳ 2023-H1, phiên bản") for s in saved()[contact])

    engine = make_engine(serving.database_url)
    with make_session_factory(engine)() as session:  # the cycle opened on 01/06/2023, so the 16th is a step
        session.get(Period, "2023-H1").opened_at = datetime(2023, 6, 1, 1, tzinfo=UTC)
        session.commit()
    engine.dispose()
    run = asyncio.run(start_run(serving.prefect, "remind/remind", {"period": "2023-H1", "today": "2023-06-16"}))
    deadline = time.monotonic() + 90
    while (state := asyncio.run(final_state(serving.prefect, run))) is None and time.monotonic() < deadline:
        time.sleep(1)
    assert state == "COMPLETED", serving.said()[-3000:]
    customs = saved()[", ".join(roster.require_agency("customs").emails)]
    assert customs == ["[phoihop] Nhắc gửi báo cáo 6 tháng đầu năm 2023 (2023-H1)"]
    police = saved()[", ".join(roster.require_agency("police").emails)]
    assert not any("Nhắc" in s for s in police), "the police sent a valid return: no reminder"


def test_sigterm_stops_every_process_it_started_and_pauses_the_schedules(serving: Serving) -> None:
    assert serving.process is not None
    started = descendants(serving.process.pid)
    assert len(started) >= 3, started  # the Prefect server, the runner, the portal (and their own children)
    assert serving.stop() == 0
    assert serving.said().rstrip().endswith("Đã dừng cổng thông tin, các luồng tự động và máy chủ Prefect.")
    assert [pid for pid, since in started.items() if alive(pid, since)] == []
    for url in (serving.portal, serving.prefect):
        with pytest.raises(httpx.ConnectError):
            httpx.get(url, timeout=2)
    with sqlite3.connect(serving.data_dir / "prefect" / "prefect.db") as prefects_own:  # Prefect's, in the data folder
        assert prefects_own.execute("SELECT paused FROM deployment WHERE name = 'collect'").fetchone() == (1,)


@pytest.mark.postgres
def test_started_again_on_postgresql_it_resumes_the_schedules_and_consolidates(
    serving: Serving, roster: Roster
) -> None:
    if serving.running():
        serving.stop()
    databases = postgres_database()
    try:
        serving.database_url = next(databases)
        serving.tokens = prepared(serving.database_url, roster)
        print(f"phoihop serve ready again, on PostgreSQL, in {serving.start():.1f} s")
        collect = httpx.get(f"{serving.prefect}/deployments/name/collect/collect", timeout=10).json()
        assert (collect["paused"], collect["status"]) == (False, "READY")

        upload(serving, roster, "police", {**POLICE_FIGURES, "fines_total": 25_850_000})
        draft = downloaded_draft(serving, consolidate(serving, "2023-H1"))
        assert "25,85 triệu đồng" in section(draft, "2.1.")
        assert serving.stop() == 0
    finally:
        if serving.running():
            serving.stop()
        databases.close()


def descendants(root: int) -> dict[int, str]:
    """Every process under `root`, by pid, with its start time (so that a reused pid is not taken for it)."""
    children: dict[int, list[int]] = {}
    since: dict[int, str] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(stat.parent.name)
        children.setdefault(int(fields[1]), []).append(pid)
        since[pid] = fields[19]
    found, todo = {}, list(children.get(root, []))
    while todo:
        pid = todo.pop()
        found[pid] = since[pid]
        todo += children.get(pid, [])
    return found


def alive(pid: int, since: str) -> bool:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return False
    return fields[0] != "Z" and fields[19] == since
