"""The flows' database, named in the settings (the Prefect API of the session is tests/conftest.py's)."""

import pytest


@pytest.fixture
def flow_database(database_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The test database named in the settings, where the flows read it (never a flow parameter)."""
    monkeypatch.setenv("PHOIHOP_DATABASE_URL", database_url)
    return database_url
