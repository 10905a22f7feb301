"""The last day before a deadline, through the real server process: many uploads at once, saturation, the database stopped.

The server is `uvicorn --factory portal.app:create_app` in its own process on loopback; every
upload is a distinct filled form sent over HTTP at the same moment; what the server answered
is checked against what the database then holds.
"""

import asyncio
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from agencies.roster import Roster
from schema.credentials import issue_token
from schema.models import Blob, Return
from tests.factories import (
    POLICE_FIGURES,
    filled_form,
    json_return,
    left_by_a_killed_run,
    ready_database,
    sample_uploads,
)
from tests.live_server import live_server
from tests.private_postgres import private_postgres

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def send_all_at_once(url: str, uploads: list[tuple[str, bytes]], tokens: dict[str, str]) -> list[httpx.Response]:
    """Every upload on its own connection, all started together."""

    async def send() -> list[httpx.Response]:
        limits = httpx.Limits(max_connections=None, max_keepalive_connections=0)
        async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as client:
            return await asyncio.gather(
                *(
                    client.post(
                        "/api/v1/returns",
                        headers={"Authorization": f"Bearer {tokens[agency]}"},
                        files={"file": (f"{agency}-{i}.xlsx", data, XLSX)},
                    )
                    for i, (agency, data) in enumerate(uploads)
                )
            )

    return asyncio.run(send())


def tokens_for(session: Session, agencies: set[str]) -> dict[str, str]:
    return {agency: issue_token(session, "test", agency) for agency in sorted(agencies)}


def versions_by_agency(session: Session) -> dict[str, list[int]]:
    rows = session.execute(select(Return.agency_id, Return.version).order_by(Return.agency_id, Return.version))
    versions: dict[str, list[int]] = {}
    for agency, version in rows:
        versions.setdefault(agency, []).append(version)
    return versions


def test_forty_uploads_at_once_are_all_answered_201_and_stored_with_exact_versions(
    api_url: str, loaded: Session, roster: Roster
) -> None:
    uploads = sample_uploads(roster, 40)  # 25 agencies: 15 of them send twice at the same moment
    tokens = tokens_for(loaded, {agency for agency, _ in uploads})

    responses = send_all_at_once(api_url, uploads, tokens)

    assert Counter(r.status_code for r in responses) == {201: 40}, [r.text for r in responses if r.status_code != 201]
    receipts = [r.json() for r in responses]
    assert len({r["id"] for r in receipts}) == 40
    loaded.expire_all()
    assert loaded.scalar(select(func.count()).select_from(Return)) == 40
    sent = Counter(agency for agency, _ in uploads)
    assert versions_by_agency(loaded) == {agency: list(range(1, n + 1)) for agency, n in sent.items()}
    for receipt in receipts:  # what each sender was told is what was kept
        row = loaded.get(Return, receipt["id"])
        assert (row.agency_id, row.version, row.sha256) == (receipt["agency"], receipt["version"], receipt["sha256"])
    current = loaded.scalars(select(Return).where(Return.status == "accepted")).all()
    assert sorted(r.agency_id for r in current) == sorted(sent)  # one current version per agency


def test_a_saturated_service_answers_503_with_retry_after_and_never_500(
    database_url: str, loaded: Session, roster: Roster, tmp_path: Path
) -> None:
    uploads = sample_uploads(roster, 40)
    tokens = tokens_for(loaded, {agency for agency, _ in uploads})
    settings = {"db_pool_size": "1", "db_max_overflow": "0", "db_pool_timeout": "0.05", "api_retry_after": "3"}
    with live_server(database_url, tmp_path / "server.log", **settings) as server:
        responses = send_all_at_once(server.url, uploads, tokens)
        answers = Counter(r.status_code for r in responses)
        assert set(answers) == {201, 503}, answers  # one connection, 50 ms of patience: some must be turned away
        for response in responses:
            if response.status_code == 503:
                assert response.headers["Retry-After"] == "3"
                body = response.json()
                assert body["code"] == "service_busy" and "thử lại sau 3 giây" in body["message"]
        loaded.expire_all()
        stored = {r.sha256 for r in loaded.scalars(select(Return))}
        assert len(stored) == answers[201]  # a 503 kept nothing: the sender knows to send again
        assert loaded.scalar(select(func.count()).select_from(Blob)) == answers[201]

        turned_away = [upload for upload, r in zip(uploads, responses, strict=True) if r.status_code == 503]
        with httpx.Client(base_url=server.url, timeout=30) as client:  # sent again one by one, as told
            for i, (agency, data) in enumerate(turned_away):
                again = client.post(
                    "/api/v1/returns",
                    headers={"Authorization": f"Bearer {tokens[agency]}"},
                    files={"file": (f"again-{i}.xlsx", data, XLSX)},
                )
                assert again.status_code == 201, again.text
        assert "Traceback" not in server.log_text()
    loaded.expire_all()
    sent = Counter(agency for agency, _ in uploads)
    assert versions_by_agency(loaded) == {agency: list(range(1, n + 1)) for agency, n in sent.items()}


@pytest.mark.postgres
def test_the_database_stopped_and_started_under_a_running_service(roster: Roster, tmp_path: Path) -> None:
    """A private PostgreSQL server, really stopped: the API starts anyway, answers 503 with why, and recovers."""
    with private_postgres() as database:
        tokens = ready_database(database.url, roster, ["customs", "police"])
        forms = sample_uploads(roster, 50)  # two rounds over the agencies: two distinct forms each
        police = [data for agency, data in forms if agency == "police"]
        customs = [data for agency, data in forms if agency == "customs"]

        database.stop()
        with (
            live_server(database.url, tmp_path / "server.log") as server,
            httpx.Client(base_url=server.url, timeout=30) as client,
        ):

            def upload(agency: str, data: bytes) -> httpx.Response:
                headers = {"Authorization": f"Bearer {tokens[agency]}"}
                return client.post("/api/v1/returns", headers=headers, files={"file": ("f.xlsx", data, XLSX)})

            def assert_unavailable(response: httpx.Response) -> None:
                assert response.status_code == 503, response.text
                assert response.headers["Retry-After"]
                assert response.json()["code"] == "database_unreachable"
                assert "Không kết nối được cơ sở dữ liệu" in response.json()["message"]

            assert_unavailable(upload("police", police[0]))  # started with the database down
            health = client.get("/api/v1/health")
            assert_unavailable(health)
            assert health.json()["status"] == "unavailable"

            database.start()
            assert client.get("/api/v1/health").json()["status"] == "ok"
            accepted = upload("police", police[0])
            assert accepted.status_code == 201 and accepted.json()["version"] == 1

            database.stop()  # the pool's connections die under the service
            assert_unavailable(upload("customs", customs[0]))
            assert_unavailable(
                client.get("/api/v1/periods/2023-H1/completeness", headers={"Authorization": "Bearer x"})
            )

            database.start()
            again = upload("customs", customs[0])
            assert again.status_code == 201 and again.json()["version"] == 1
            assert upload("police", police[1]).json()["version"] == 2
            assert "Traceback" not in server.log_text()


def test_at_start_the_api_finishes_uploads_a_killed_process_left_and_lists_what_it_cannot_place(
    database_url: str, loaded: Session, roster: Roster, tmp_path: Path
) -> None:
    left = left_by_a_killed_run(loaded, filled_form(roster, "police", figures=POLICE_FIGURES))
    coordinator = issue_token(loaded, "test")
    token = issue_token(loaded, "test", "customs")
    loaded.expunge_all()  # the server finishes `left` behind this session's back
    with live_server(database_url, tmp_path / "server.log") as server, httpx.Client(base_url=server.url) as client:
        in_flight = left_by_a_killed_run(  # stored a moment ago: another process may still be finishing it
            loaded,
            json_return("customs", "2023-H1", "customs@1", {}),
            agency_hint="customs",
            taken_at=datetime.now(UTC),
        )
        no_period = client.post(
            "/api/v1/returns",
            headers={"Authorization": f"Bearer {token}"},
            content=json_return("customs", "năm ngoái", "customs@1", {}),
        )
        assert no_period.status_code == 422
        board = client.get("/api/v1/periods/2023-H1/completeness", headers={"Authorization": f"Bearer {coordinator}"})
    assert board.status_code == 200, board.text
    document = board.json()
    police = next(a for a in document["agencies"] if a["agency"] == "police")
    assert (police["state"], police["version"]) == ("accepted", 1)
    finished = loaded.scalars(select(Return).where(Return.agency_id == "police")).one()
    assert (finished.sha256, finished.channel, finished.actor) == (left.sha256, "api", "api:police")
    assert [(u["id"], u["agency"]) for u in document["unfinished"]] == [(in_flight.id, "customs")]
    assert [(u["return_id"], u["code"]) for u in document["unassigned"]] == [
        (no_period.json()["receipt"]["id"], "invalid_period")
    ]
