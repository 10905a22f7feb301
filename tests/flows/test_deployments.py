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
    """Prefect stores and shows a flow's parameters: the database URL (its password too) is never one."""
    from flows.collect import collect
    from flows.consolidate import consolidate

    for flow in (collect, consolidate):
        names = set(inspect.signature(flow.fn).parameters)
        assert not {n for n in names if "database" in n or "url" in n or "password" in n}, flow.name
