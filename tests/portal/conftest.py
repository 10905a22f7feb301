"""The API served for real, by uvicorn in its own process on loopback, against the test database."""

from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from tests.live_server import live_server
from tests.portal.browser import chromium  # noqa: F401 — the browser fixture of the portal's tests
from tests.portal.portal_user import PortalUser


@pytest.fixture(scope="session")
def api_url(database_url: str, engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with live_server(database_url, tmp_path_factory.mktemp("api") / "server.log") as server:
        yield server.url


@pytest.fixture
def http(api_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=api_url, timeout=30) as client:
        yield client


@pytest.fixture
def server_log(tmp_path: Path) -> Path:
    return tmp_path / "server.log"


@pytest.fixture
def people(api_url: str) -> Iterator[Callable[[], PortalUser]]:
    """Browsers of their own, closed after the test."""
    made: list[PortalUser] = []

    def new() -> PortalUser:
        made.append(PortalUser(api_url))
        return made[-1]

    yield new
    for user in made:
        user.close()
