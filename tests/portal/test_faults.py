"""Faults under a running service, tried for real: the disk fills up under the database."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from agencies.roster import Roster
from schema.database import make_engine, make_session_factory
from schema.models import Return
from tests.factories import ready_database, sample_uploads
from tests.live_server import live_server
from tests.private_postgres import private_postgres
from tests.small_disk import fill, small_disk

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_a_full_disk_is_a_503_in_vietnamese_and_nothing_acknowledged_is_lost(roster: Roster, tmp_path: Path) -> None:
    with small_disk(tmp_path / "disk") as disk:
        url = f"sqlite:///{disk / 'phoihop.db'}"
        token = ready_database(url, roster, ["police"])["police"]
        forms = [data for agency, data in sample_uploads(roster, 50) if agency == "police"]
        headers = {"Authorization": f"Bearer {token}"}

        with live_server(url, tmp_path / "server.log") as server, httpx.Client(base_url=server.url) as client:

            def upload(data: bytes) -> httpx.Response:
                return client.post("/api/v1/returns", headers=headers, files={"file": ("f.xlsx", data, XLSX)})

            first = upload(forms[0])
            assert first.status_code == 201, first.text
            filler = fill(disk)

            refused = upload(forms[1])
            assert refused.status_code == 503, refused.text
            assert refused.json()["code"] == "disk_full"
            assert "Ổ đĩa đã đầy" in refused.json()["message"] and refused.headers["Retry-After"]

            filler.unlink()
            again = upload(forms[1])
            assert again.status_code == 201 and again.json()["version"] == 2, again.text
            assert "Traceback" not in server.log_text()

        engine = make_engine(url)
        with make_session_factory(engine)() as session:
            kept = session.scalars(select(Return).order_by(Return.id)).all()
            assert [(r.id, r.version) for r in kept] == [(first.json()["id"], 1), (again.json()["id"], 2)]
        engine.dispose()


@contextmanager
def empty_database(kind: str, folder: Path) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'empty.db'}"
    else:
        with private_postgres() as server:
            yield server.url


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_on_a_database_never_initialised_the_api_starts_and_says_to_run_init(kind: str, tmp_path: Path) -> None:
    with empty_database(kind, tmp_path) as url, live_server(url, tmp_path / "server.log") as server:
        health = httpx.get(f"{server.url}/api/v1/health")
        upload = httpx.post(f"{server.url}/api/v1/returns", headers={"Authorization": "Bearer x"}, content=b"{}")
        assert "Traceback" not in server.log_text()
    for response in (health, upload):
        assert response.status_code == 503, response.text
        assert response.json()["code"] == "database_not_initialised" and "phoihop init" in response.json()["message"]


def test_with_a_data_folder_it_cannot_use_the_api_starts_and_says_why(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    url = f"sqlite:///{blocker / 'sub' / 'phoihop.db'}"
    with live_server(url, tmp_path / "server.log") as server:
        health = httpx.get(f"{server.url}/api/v1/health")
        assert "Traceback" not in server.log_text()
    assert health.status_code == 503 and health.json()["code"] == "data_dir_unusable"
    assert "là tệp, không phải thư mục" in health.json()["message"]
