"""The API served for real, by uvicorn in its own process on loopback, against the test database."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy.orm import Session

from agencies.roster import Roster
from schema.accounts import issue_password
from tests.factories import ready_database
from tests.live_server import LiveServer, live_server
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


@pytest.fixture
def signed_in(people: Callable[[], PortalUser], loaded: Session) -> Callable[[str | None], PortalUser]:
    """A browser signed in as the agency (None: the coordinator), with a password issued for it."""

    def sign_in(agency: str | None) -> PortalUser:
        user = people()
        password = issue_password(loaded, "test", agency)
        assert user.sign_in(agency or "coordinator", password).status_code == 303
        return user

    return sign_in


@dataclass(frozen=True)
class ReadyApi:
    """A server of its own on a fresh ready database (2023-H1 open), with the credentials of police (agency A),
    customs (agency B) and the coordinator."""

    server: LiveServer
    tokens: dict[str | None, str]

    def headers(self, agency: str | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[agency]}"}


@pytest.fixture(scope="module")
def ready_api(tmp_path_factory: pytest.TempPathFactory, roster: Roster) -> Iterator[ReadyApi]:
    folder = tmp_path_factory.mktemp("ready-api")
    url = f"sqlite:///{folder / 'phoihop.db'}"
    tokens = ready_database(url, roster, credentials_for=["police", "customs", None])
    with live_server(url, folder / "server.log") as server:
        yield ReadyApi(server, tokens)
