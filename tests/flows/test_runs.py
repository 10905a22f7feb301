"""Starting and following served runs from the portal, against a real Prefect API (the session's test server)."""

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.orm import Session

from agencies.errors import UserError
from schema.consolidations import (
    FLOW_FAILED,
    NOT_NOTED,
    STOPPED,
    attach_flow_run,
    consolidation_view,
    request_consolidation,
)
from schema.models import Consolidation
from schema.settings import Settings
from tests.live_server import free_port


@pytest.fixture
def api_url(prefect_api: str) -> str:
    from prefect.settings import PREFECT_API_URL

    return PREFECT_API_URL.value()


@pytest.fixture(scope="module")
def unserved_deployment(prefect_api: str) -> str:
    """The consolidate flow deployed with no runner serving it (Prefect: NOT_READY)."""
    from flows.consolidate import consolidate

    return str(consolidate.to_deployment(name="consolidate").apply())


@contextmanager
def portal(database_url: str, api_url: str | None, data_dir: Path) -> Iterator[FastAPI]:
    """The portal's app, as a request handler sees it; its connections closed after."""
    from portal.app import create_app

    app = create_app(Settings(database_url=database_url, prefect_api_url=api_url, data_dir=data_dir))
    try:
        yield app
    finally:
        app.state.engine.dispose()


@pytest.mark.parametrize("where", ["none", "nobody listens", "no such deployment", "not served"])
def test_nothing_starts_unless_a_runner_serves_the_flow(api_url: str, unserved_deployment: str, where: str) -> None:
    from flows.runs import start_run

    url, deployment = {
        "none": (None, "consolidate/consolidate"),
        "nobody listens": (f"http://127.0.0.1:{free_port()}/api", "consolidate/consolidate"),
        "no such deployment": (api_url, "consolidate/nowhere"),
        "not served": (api_url, "consolidate/consolidate"),
    }[where]
    with pytest.raises(UserError) as caught:
        asyncio.run(start_run(url, deployment, {"period": "2023-H1"}))
    assert (caught.value.code, caught.value.status) == ("flows_not_running", 503)
    assert "phoihop serve" in caught.value.message


@pytest.mark.parametrize(
    ("ended", "expected", "message"),
    [("Crashed", "failed", STOPPED), ("Cancelled", "failed", STOPPED), ("Failed", "failed", FLOW_FAILED)]
    + [("Completed", "failed", NOT_NOTED), ("Running", "scheduled", None), ("Scheduled", "scheduled", None)],
)
def test_reading_a_consolidation_notes_a_run_that_ended_without_its_draft(
    api_url: str,
    unserved_deployment: str,
    flow_database: str,
    consolidable: Session,
    tmp_path: Path,
    ended: str,
    expected: str,
    message: str | None,
) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.objects import State, StateType

    from portal.consolidation import read_consolidation

    row = request_consolidation(consolidable, "2023-H1", "api:coordinator")

    async def scenario() -> str:
        async with get_client() as client:
            run = await client.create_flow_run_from_deployment(
                unserved_deployment, parameters={"period": "2023-H1"}, state=State(type=StateType[ended.upper()])
            )
        attach_flow_run(consolidable, row.id, str(run.id))
        with portal(flow_database, api_url, tmp_path) as app:
            return (await read_consolidation(app, row.id)).state

    assert asyncio.run(scenario()) == expected
    consolidable.expire_all()
    assert consolidation_view(consolidable, row.id).message == message


def test_without_prefect_a_request_fails_at_once_and_leaves_no_row_scheduled(
    flow_database: str, consolidable: Session, tmp_path: Path
) -> None:
    from portal.consolidation import read_consolidation, start_consolidation

    async def scenario(app: FastAPI) -> None:
        with pytest.raises(UserError) as caught:
            await start_consolidation(app, "2023-H1", "api:coordinator", "127.0.0.1")
        assert caught.value.code == "flows_not_running"
        row = request_consolidation(consolidable, "2023-H1", "api:coordinator")
        attach_flow_run(consolidable, row.id, "3f0f6a1e-0000-4000-8000-000000000000")
        assert (await read_consolidation(app, row.id)).state == "scheduled"  # shown as it is

    with portal(flow_database, None, tmp_path) as app:
        asyncio.run(scenario(app))
    consolidable.expire_all()
    first = consolidable.scalars(select(Consolidation).order_by(Consolidation.id)).first()
    assert (first.state, first.flow_run_id) == ("failed", None)
    assert first.message is not None and "phoihop serve" in first.message
