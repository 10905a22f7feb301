"""Shared fixtures: a migrated database on SQLite and on the local PostgreSQL, the roster."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from agencies.roster import Roster, load_roster
from schema.database import make_engine, make_session_factory
from schema.migrate import upgrade_to_head
from schema.models import Base
from schema.periods import open_period
from schema.roster_store import save_roster

pytest_plugins = ["tests.smtp_server"]  # the loopback SMTP server fixtures, for every test that sends mail

POSTGRES_ADMIN_URL = os.environ.get(
    "PHOIHOP_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


@pytest.fixture(scope="session")
def roster() -> Roster:
    return load_roster()


def postgres_database() -> Iterator[str]:
    """A database of its own for this test run, dropped after."""
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"phoihop_test_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # no server answers: the PostgreSQL half is skipped, visibly
        admin.dispose()
        pytest.skip(f"PostgreSQL not reachable at {make_url(POSTGRES_ADMIN_URL).render_as_string()}: {exc}")
    try:
        yield make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'phoihop.db'}"
    else:
        yield from postgres_database()


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    upgrade_to_head(engine)
    yield engine
    engine.dispose()


def _empty(engine: Engine) -> None:
    with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session on a migrated, empty database; emptied again after the test."""
    _empty(engine)
    with make_session_factory(engine)() as session:
        yield session
    _empty(engine)


@pytest.fixture
def loaded(session: Session, roster: Roster) -> Session:
    """The Hưng Yên roster loaded and 2023-H1 open."""
    save_roster(session, roster, "test", "test")
    open_period(session, "2023-H1", "test")
    return session


@pytest.fixture
def consolidable(loaded: Session, roster: Roster) -> Session:
    """`loaded`, with the police's return accepted: a period a consolidation can draft from."""
    from schema.intake import submit_return
    from tests.factories import POLICE_FIGURES, filled_form

    data = filled_form(roster, "police", figures=POLICE_FIGURES)
    receipt = submit_return(loaded, roster, data, channel="cli", actor="test", agency_id="police")
    assert receipt.accepted, receipt
    return loaded


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path


@pytest.fixture(scope="session")
def prefect_api() -> Iterator[str]:
    """One Prefect API for the whole test session (PREFECT_NOTES: ~15 s to start, so flow tests are few); its URL,
    for the processes a test starts (`phoihop remind` runs its flow through it instead of a server of its own)."""
    import flows  # noqa: F401, I001  — Prefect's defaults (no telemetry, patient start-up) before Prefect loads
    from prefect.settings import PREFECT_API_URL
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield PREFECT_API_URL.value()


@pytest.fixture(scope="session")
def office() -> str:
    """LibreOffice's command, or a visible skip where the machine has none (a failure where
    PHOIHOP_TEST_REQUIRE_OFFICE is set: .ci/run installs it with .ci/office)."""
    from tests.office import require_office

    return require_office()
