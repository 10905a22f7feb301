"""The deployments `phoihop serve` serves on one machine; prefect.yaml deploys the same ones to workers.

`python -m flows.deployments` serves them (Prefect's `serve`, no work pool) until SIGTERM or Ctrl-C.
Prefect pauses served deployments when their process stops; serving them again resumes them.
tests/flows/test_deployments.py checks these and prefect.yaml agree (names, flows, schedules).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from agencies.calendar import REPORTING_TZ

TIMEZONE = str(REPORTING_TZ)  # Asia/Ho_Chi_Minh: every schedule is in the province's time
POLL_SECONDS = 2  # how often the runner looks for runs to start (Prefect's default, 10 s, is long for a click)


@dataclass(frozen=True)
class Served:
    name: str  # the deployment's name; its flow's name is the same
    entrypoint: str  # the flow as an importable module path, so the runner finds it from any folder
    tags: tuple[str, ...]
    cron: str | None = None  # in TIMEZONE; none: run only when asked for

    @property
    def full_name(self) -> str:
        return f"{self.name}/{self.name}"


SERVED = (
    Served("consolidate", "flows.consolidate.consolidate", tags=("phoihop", "report")),
    Served("collect", "flows.collect.collect", tags=("phoihop", "intake"), cron="*/15 7-18 * * 1-5"),
    Served("remind", "flows.remind.remind", tags=("phoihop", "mail"), cron="0 8 * * *"),
    Served("receipt-mail", "flows.receipt_mail.receipt_mail", tags=("phoihop", "mail"), cron="*/10 * * * *"),
)


def load_flow(entrypoint: str):  # -> prefect.Flow
    module, _, name = entrypoint.rpartition(".")
    return getattr(importlib.import_module(module), name)


def serve_flows() -> None:
    """Serve every deployment of SERVED with its schedule, resumed if a previous stop paused it."""
    from prefect import serve
    from prefect.flows import EntrypointType
    from prefect.schedules import Cron

    deployments = [
        load_flow(served.entrypoint).to_deployment(
            name=served.name,
            tags=list(served.tags),
            schedule=Cron(served.cron, timezone=TIMEZONE) if served.cron else None,
            paused=False,
            entrypoint_type=EntrypointType.MODULE_PATH,
        )
        for served in SERVED
    ]
    serve(*deployments, print_starting_message=False, query_seconds=POLL_SECONDS)


if __name__ == "__main__":
    serve_flows()
