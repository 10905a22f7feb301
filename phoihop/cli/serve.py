"""`phoihop serve`: the whole system on one machine — a Prefect server, the flows served on their schedules, the portal.

Each runs in a child process (phoihop/cli/processes.py); this command watches them and stops
them all on Ctrl-C or SIGTERM, or when one of them ends. Nothing here imports Prefect: the
children do, and the Prefect API is asked over HTTP whether it is up and the flows are served.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Annotated

import httpx
import typer
from rich.markup import escape

import flows  # noqa: F401  — Prefect's defaults (no telemetry) into this environment, which the children inherit
from agencies.errors import UserError
from flows.deployments import SERVED
from phoihop.cli.context import AppContext, app_context, console
from phoihop.cli.processes import Children, Stopped, StopSignal, child_failed, require_free_port
from schema.roster_store import current_roster

PREFECT_HOST = "127.0.0.1"  # Prefect's server has no sign-in: it listens on this machine only
PREFECT_START_SECONDS = 180  # a new Prefect database on a cold two-core machine takes ~15 s; leave room
FLOWS_START_SECONDS = 120
PORTAL_START_SECONDS = 60


def _answers(url: str, accept: tuple[int, ...] = (200,)) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code in accept
    except httpx.HTTPError:
        return False


def _served(api_url: str) -> bool:
    """Every deployment of SERVED is registered by our runner (not paused, as a previous stop left it) and
    a runner polls for its runs (Prefect: READY)."""
    for served in SERVED:
        try:
            response = httpx.get(f"{api_url}/deployments/name/{served.full_name}", timeout=2)
        except httpx.HTTPError:
            return False
        if response.status_code != 200:
            return False
        deployment = response.json()
        if deployment.get("paused") is not False or deployment.get("status") != "READY":
            return False
    return True


def _prepare_database(app: AppContext) -> None:
    """Migrate the database and finish what a killed run left, as other commands do; a roster is needed."""
    from schema.migrate import upgrade_to_head  # alembic only where it is needed

    upgrade_to_head(app.engine)
    with app.session() as session:
        current_roster(session)
    app.engine.dispose()  # the children open their own connections


def _environment(app: AppContext, api_url: str | None, own_server: bool) -> dict[str, str]:
    """The children's environment: this one, the database and data folder spelled out, the Prefect API named."""
    data_dir = app.settings.data_dir.resolve()
    env = dict(os.environ)
    env.update(PHOIHOP_DATABASE_URL=app.settings.resolved_database_url, PHOIHOP_DATA_DIR=str(data_dir))
    if api_url is not None:
        env["PREFECT_API_URL"] = api_url
    if own_server:  # Prefect's own database, settings and local files, beside ours
        env["PREFECT_HOME"] = str(data_dir / "prefect")
        env["PREFECT_SERVER_UI_SHOW_PROMOTIONAL_CONTENT"] = "false"
    return env


def _start_prefect(children: Children, env: dict[str, str], port: int, logs: Path) -> str:
    api_url = f"http://{PREFECT_HOST}:{port}/api"
    console.print(f"Đang khởi động máy chủ Prefect (cổng {port}; lần đầu mất khoảng 15–30 giây)…")
    command = [sys.executable, "-m", "prefect", "server", "start", "--host", PREFECT_HOST, "--port", str(port)]
    command += ["--analytics-off", "--ui"]
    server = children.start("máy chủ Prefect", command, env, logs / "prefect-server.log", grace=20)
    children.wait_until(lambda: _answers(f"{api_url}/health"), server, PREFECT_START_SECONDS, "sẵn sàng")
    return api_url


def _start_flows(children: Children, env: dict[str, str], api_url: str, logs: Path) -> None:
    console.print("Đang khởi động các luồng tự động (" + ", ".join(s.name for s in SERVED) + ")…")
    command = [sys.executable, "-m", "flows.deployments"]
    runner = children.start("các luồng tự động", command, env, logs / "flows.log", grace=30)
    children.wait_until(lambda: _served(api_url), runner, FLOWS_START_SECONDS, "sẵn sàng")
    for served in SERVED:
        when = f"theo lịch «{served.cron}» (giờ Việt Nam)" if served.cron else "khi cán bộ tổng hợp yêu cầu"
        console.print(f"  Luồng «{served.name}» chạy {when}.")


def _start_portal(children: Children, app: AppContext, env: dict[str, str], host: str, port: int, logs: Path) -> str:
    console.print("Đang khởi động cổng thông tin…")
    command = [sys.executable, "-m", "uvicorn", "--factory", "portal.app:create_app", "--host", host]
    command += ["--port", str(port), "--proxy-headers", "--forwarded-allow-ips", app.settings.forwarded_allow_ips]
    command += ["--no-access-log"]
    portal = children.start("cổng thông tin", command, env, logs / "portal.log", grace=15)
    local = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    local = f"[{local}]" if ":" in local else local
    children.wait_until(
        lambda: _answers(f"http://{local}:{port}/api/v1/openapi.json"), portal, PORTAL_START_SECONDS, "sẵn sàng"
    )
    return f"http://{local}:{port}"


def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Địa chỉ cổng thông tin lắng nghe (0.0.0.0: mọi địa chỉ của máy).")] = (
        "127.0.0.1"
    ),
    port: Annotated[int, typer.Option(help="Cổng của cổng thông tin (1–65535).")] = 8000,
) -> None:
    """Chạy toàn bộ hệ thống trên máy này: máy chủ Prefect, các luồng tự động theo lịch và cổng thông tin (Ctrl-C để dừng)."""
    app = app_context(ctx)
    began = time.monotonic()
    settings = app.settings
    own_server = not settings.prefect_api_url
    if not 1 <= port <= 65535:
        raise UserError("invalid_port", f"Cổng «{port}» không hợp lệ: dùng một số từ 1 đến 65535.", field="port")
    require_free_port(host, port, "--port")
    if own_server:
        require_free_port(PREFECT_HOST, settings.prefect_port, "PHOIHOP_PREFECT_PORT")
    _prepare_database(app)
    logs = settings.resolved_log_file.parent
    stop = StopSignal()
    with stop.installed(), Children(stop) as children:
        try:
            api_url = _prefect_api(children, app, logs)
            env = _environment(app, api_url, own_server)
            _start_flows(children, env, api_url, logs)
            portal = _start_portal(children, app, env, host, port, logs)
            console.print(f"Cổng thông tin: {portal}/ — API: {portal}/api/v1 (tài liệu: {portal}/api/v1/docs)")
            console.print(
                f"Hệ thống đã sẵn sàng sau {time.monotonic() - began:.0f} giây. Nhật ký của từng thành phần trong "
                f"{escape(str(logs))}. Nhấn Ctrl-C để dừng."
            )
            _watch(children, stop)
        except Stopped:
            pass
        console.print("Đang dừng…")
    console.print("Đã dừng cổng thông tin, các luồng tự động và máy chủ Prefect.")


def _prefect_api(children: Children, app: AppContext, logs: Path) -> str:
    """The Prefect API the flows report to: the one the settings name (it must answer), else a server of our own."""
    settings = app.settings
    if settings.prefect_api_url:
        api_url = settings.prefect_api_url.rstrip("/")
        if not _answers(f"{api_url}/health"):
            raise UserError(
                "prefect_unreachable",
                f"Không kết nối được máy chủ Prefect tại {api_url} (PREFECT_API_URL): hãy kiểm tra máy chủ "
                "đang chạy, hoặc bỏ thiết lập này để «phoihop serve» tự chạy máy chủ Prefect.",
                status=503,
            )
        return api_url
    api_url = _start_prefect(children, _environment(app, None, True), settings.prefect_port, logs)
    console.print(f"Giao diện Prefect (chỉ mở được trên máy này): {api_url.removesuffix('/api')}")
    return api_url


def _watch(children: Children, stop: StopSignal) -> None:
    """Until a stop signal, or a child ends on its own (then everything stops, and the command fails)."""
    while stop.received is None:
        ended = children.exited()
        if ended is not None:
            raise child_failed(ended, f"đã dừng bất ngờ (mã thoát {ended.process.returncode})")
        time.sleep(0.5)


def register(app: typer.Typer) -> None:
    app.command()(serve)
