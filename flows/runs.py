"""Runs of served deployments, seen from outside Prefect (the portal): start one, read how it stands.

The Prefect API is the one the settings name; with none, or one that does not answer, or no
runner serving the deployment, nothing is started and the caller gets `flows_not_running` (503):
a request must never start a temporary Prefect server of its own, nor leave a run no one will take.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from uuid import UUID, uuid4

import anyio
import httpx
from prefect.client.orchestration import PrefectClient, get_client
from prefect.client.schemas.objects import DeploymentStatus, StateType
from prefect.deployments import arun_deployment
from prefect.exceptions import ObjectNotFound, PrefectHTTPStatusError
from prefect.settings import PREFECT_API_URL, temporary_settings

from agencies.errors import UserError

CALL_TIMEOUT = 15  # seconds for the whole exchange with the Prefect API

FINAL = frozenset({StateType.COMPLETED, StateType.CRASHED, StateType.FAILED, StateType.CANCELLED})


def flows_not_running() -> UserError:
    return UserError(
        "flows_not_running",
        "Phần chạy luồng tự động (Prefect) chưa chạy nên chưa tổng hợp được. Hãy khởi động hệ thống bằng lệnh "
        "«phoihop serve» (hoặc báo quản trị viên), rồi thử lại.",
        status=503,
        retry_after=30,
    )


@asynccontextmanager
async def _prefect(api_url: str | None) -> AsyncIterator[PrefectClient]:
    """A client of the API at `api_url`; any failure to reach it, or a timeout, is `flows_not_running`."""
    if not api_url:
        raise flows_not_running()
    try:
        with temporary_settings({PREFECT_API_URL: api_url}), anyio.fail_after(CALL_TIMEOUT):
            async with get_client() as client:
                if await client.api_healthcheck() is not None:
                    raise flows_not_running()
                yield client
    except (httpx.HTTPError, PrefectHTTPStatusError, ObjectNotFound, TimeoutError) as exc:
        raise flows_not_running() from exc


async def start_run(api_url: str | None, deployment: str, parameters: dict[str, Any]) -> str:
    """Start a run of `deployment` ("flow/deployment") now; its flow run id.

    Only if a runner serves the deployment (Prefect says READY: it polled in the last minute).
    The idempotency key is this call's own: the client's retries of it start no second run,
    while a later call — even one from another database whose ids repeat — always starts one.
    """
    async with _prefect(api_url) as client:
        found = await client.read_deployment_by_name(deployment)
        if found.status != DeploymentStatus.READY:
            raise flows_not_running()
        run = await arun_deployment(
            found.id, client=client, parameters=parameters, timeout=0, as_subflow=False, idempotency_key=str(uuid4())
        )
    return str(run.id)


async def final_state(api_url: str | None, flow_run_id: str) -> str | None:
    """How a run ended — COMPLETED, FAILED, CRASHED or CANCELLED; None while it is not over."""
    async with _prefect(api_url) as client:
        run = await client.read_flow_run(UUID(flow_run_id))
    state = run.state.type if run.state is not None else None
    return state.value if state in FINAL else None
