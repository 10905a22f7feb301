"""One Prefect API for the whole test session (PREFECT_NOTES: ~15 s to start, so flow tests are few)."""

from collections.abc import Iterator

import pytest

import flows  # noqa: F401  — Prefect's defaults (no telemetry, patient start-up) before Prefect loads


@pytest.fixture(scope="session")
def prefect_api() -> Iterator[None]:
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture
def flow_database(database_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The test database named in the settings, where the flows read it (never a flow parameter)."""
    monkeypatch.setenv("PHOIHOP_DATABASE_URL", database_url)
    return database_url
