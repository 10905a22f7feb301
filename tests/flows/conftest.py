"""One Prefect API for the whole test session (PREFECT_NOTES: ~15 s to start, so flow tests are few)."""

from collections.abc import Iterator

import pytest

import flows  # noqa: F401  — Prefect's defaults (no telemetry, patient start-up) before Prefect loads


@pytest.fixture(scope="session")
def prefect_api() -> Iterator[None]:
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield
