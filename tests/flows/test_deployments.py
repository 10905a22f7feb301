"""prefect.yaml names real flows with parameters they accept."""

import inspect
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def test_every_deployment_loads_its_flow_and_parameters() -> None:
    from prefect.flows import load_flow_from_entrypoint

    config = yaml.safe_load((ROOT / "prefect.yaml").read_text(encoding="utf-8"))
    names = {d["name"] for d in config["deployments"]}
    assert "consolidate" in names
    for deployment in config["deployments"]:
        path, _, function = deployment["entrypoint"].partition(":")
        flow = load_flow_from_entrypoint(f"{ROOT / path}:{function}")
        accepted = inspect.signature(flow.fn).parameters
        assert set(deployment.get("parameters", {})) <= set(accepted), deployment["name"]
        assert deployment["work_pool"]["name"] == "phoihop"
        assert "PREFECT_SERVER_ANALYTICS_ENABLED" in deployment["work_pool"]["job_variables"]["env"]


def test_no_flow_takes_the_database_as_a_parameter() -> None:
    """Prefect stores and shows a flow's parameters: no connection setting (a URL, its password) is ever one.

    Every flow of every module under flows/ is looked at, so a new one is checked too.
    """
    import importlib

    from prefect import Flow

    settings_like = ("database", "db", "url", "dsn", "password", "secret", "token", "smtp")
    flows = []
    for path in sorted((ROOT / "flows").glob("*.py")):
        module = importlib.import_module(f"flows.{path.stem}")
        flows += [obj for obj in vars(module).values() if isinstance(obj, Flow)]
    assert {f.name for f in flows} >= {"collect", "consolidate"}
    for flow in flows:
        for name, parameter in inspect.signature(flow.fn).parameters.items():
            words = set(name.lower().split("_"))
            assert not words & set(settings_like), (flow.name, name)
            assert "Settings" not in str(parameter.annotation), (flow.name, name)


def test_the_served_deployments_are_those_of_prefect_yaml() -> None:
    """`phoihop serve` serves what prefect.yaml deploys to workers: same names, flows, tags and schedules."""
    from flows.deployments import SERVED, TIMEZONE

    config = yaml.safe_load((ROOT / "prefect.yaml").read_text(encoding="utf-8"))
    deployed = {d["name"]: d for d in config["deployments"]}
    assert set(deployed) == {s.name for s in SERVED}
    assert TIMEZONE == "Asia/Ho_Chi_Minh"
    for served in SERVED:
        deployment = deployed[served.name]
        path, _, function = deployment["entrypoint"].partition(":")
        assert served.entrypoint == f"{path.removesuffix('.py').replace('/', '.')}.{function}"
        assert set(deployment["tags"]) == set(served.tags)
        schedules = [(s["cron"], s["timezone"]) for s in deployment.get("schedules", [])]
        assert schedules == ([(served.cron, TIMEZONE)] if served.cron else []), served.name


def test_the_served_entrypoints_import_from_anywhere(tmp_path: Path, monkeypatch) -> None:
    from prefect.flows import load_flow_from_entrypoint

    from flows.deployments import SERVED

    monkeypatch.chdir(tmp_path)  # the runner finds its flows by module path, whatever folder it runs in
    for served in SERVED:
        assert load_flow_from_entrypoint(served.entrypoint).name == served.name


def test_reminders_go_out_at_eight_every_morning_in_the_province() -> None:
    """prefect.yaml's and `phoihop serve`'s remind schedule, as Prefect's server computes its runs: 08:00 in Hưng Yên
    (01:00 UTC) every day, over every open period (no period parameter); its entrypoint imports."""
    import asyncio
    from datetime import UTC, datetime

    from prefect.flows import load_flow_from_entrypoint
    from prefect.server.schemas.schedules import CronSchedule

    from flows.deployments import SERVED, TIMEZONE

    config = yaml.safe_load((ROOT / "prefect.yaml").read_text(encoding="utf-8"))
    (deployed,) = [d for d in config["deployments"] if d["name"] == "remind"]
    (served,) = [s for s in SERVED if s.name == "remind"]
    (schedule,) = deployed["schedules"]
    assert (schedule["cron"], schedule["timezone"]) == (served.cron, TIMEZONE)
    assert "period" not in deployed.get("parameters", {}), "no period: every open period"
    cron = CronSchedule(cron=schedule["cron"], timezone=schedule["timezone"])
    runs = asyncio.run(cron.get_dates(n=3, start=datetime(2026, 11, 28, 2, 0, tzinfo=UTC)))  # 09:00 there
    assert [run.astimezone(UTC) for run in runs] == [datetime(2026, 11, d, 1, 0, tzinfo=UTC) for d in (29, 30)] + [
        datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
    ]
    flow = load_flow_from_entrypoint(f"{ROOT / deployed['entrypoint'].partition(':')[0]}:remind")
    assert flow.name == "remind" and set(inspect.signature(flow.fn).parameters) == {"period", "today"}
