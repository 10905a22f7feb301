"""The pre-filled form over real HTTP: an agency downloads its own, the coordinator any agency's."""

import httpx
import pytest
from sqlalchemy.orm import Session

from agencies.return_reader import read_return
from agencies.roster import Roster
from schema.credentials import issue_token
from tests.factories import POLICE_FIGURES, blank_form, fill_form
from tests.portal.test_api import XLSX, bearer, upload


def test_an_agency_downloads_its_own_form_and_sends_it_back_filled(http: httpx.Client, loaded: Session) -> None:
    police = issue_token(loaded, "test", "police")
    response = http.get("/api/v1/periods/2023-H1/form", headers=bearer(police))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == XLSX
    assert response.headers["content-disposition"] == 'attachment; filename="2023-H1_police.xlsx"'
    assert http.get("/api/v1/periods/2023-h1/form?agency=police", headers=bearer(police)).content == response.content

    sent = upload(http, police, fill_form(response.content, figures=POLICE_FIGURES))
    assert sent.status_code == 201, sent.text
    assert (sent.json()["agency"], sent.json()["period"], sent.json()["version"]) == ("police", "2023-H1", 1)


def test_the_coordinator_downloads_any_agencys_form(http: httpx.Client, loaded: Session, roster: Roster) -> None:
    coordinator = issue_token(loaded, "test", None)
    response = http.get("/api/v1/periods/2023-H1/form?agency=customs", headers=bearer(coordinator))
    assert response.status_code == 200, response.text
    assert response.headers["content-disposition"] == 'attachment; filename="2023-H1_customs.xlsx"'
    form = read_return(response.content)
    assert (form.agency.value, form.period.value, form.form.value) == ("customs", "2023-H1", "customs@1")
    assert form == read_return(blank_form(roster, "customs"))  # the CLI's builder: the same form


@pytest.mark.parametrize(
    ("who", "url", "status", "code", "field"),
    [
        ("police", "/api/v1/periods/2023-H1/form?agency=customs", 403, "forbidden", "agency"),
        ("police", "/api/v1/periods/2023-H1/form?agency=ghost", 403, "forbidden", "agency"),
        ("coordinator", "/api/v1/periods/2023-H1/form?agency=polise", 404, "unknown_agency", "agency"),
        ("coordinator", "/api/v1/periods/2023-H1/form", 422, "agency_required", "agency"),
        ("police", "/api/v1/periods/2023-H9/form", 422, "invalid_period_id", "period"),
        ("coordinator", "/api/v1/periods/H1-2023/form?agency=police", 422, "invalid_period_id", "period"),
        ("police", "/api/v1/periods/2023-H2/form", 404, "period_not_found", "period"),
        ("coordinator", f"/api/v1/periods/2023-H1/form?agency={'x' * 65}", 422, "invalid_request", "agency"),
        (None, "/api/v1/periods/2023-H1/form", 401, "unauthorized", None),
    ],
    ids=[
        "another-agency",
        "another-unknown",
        "unknown-agency",
        "no-agency-named",
        "malformed-period",
        "reversed-period",
        "period-not-open",
        "agency-too-long",
        "anonymous",
    ],
)
def test_a_form_refused_says_why(
    http: httpx.Client, loaded: Session, who: str | None, url: str, status: int, code: str, field: str | None
) -> None:
    headers = bearer(issue_token(loaded, "test", None if who == "coordinator" else who)) if who else {}
    response = http.get(url, headers=headers)
    assert response.status_code == status, response.text
    body = response.json()
    assert (body["code"], body.get("field")) == (code, field) and body["message"]
    if code == "unknown_agency":
        assert "Có phải: police" in body["message"]
