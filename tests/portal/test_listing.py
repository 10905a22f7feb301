"""Listing over real HTTP: the periods with the caller's own deadline, the caller's own returns, a refusal's errors."""

import httpx
from sqlalchemy.orm import Session

from agencies.roster import Roster
from schema.credentials import issue_token
from tests.factories import POLICE_FIGURES, filled_form
from tests.portal.test_api import bearer, upload


def test_an_agency_lists_only_its_own_returns_and_reads_why_one_was_refused(
    http: httpx.Client, loaded: Session, roster: Roster
) -> None:
    police, customs, coordinator = (issue_token(loaded, "test", a) for a in ("police", "customs", None))
    refused = upload(http, police, filled_form(roster, "police", figures={**POLICE_FIGURES, "fraud_cases": "bốn"}))
    accepted = upload(http, police, filled_form(roster, "police", figures=POLICE_FIGURES))
    assert (refused.status_code, accepted.status_code) == (422, 201)

    own = http.get("/api/v1/returns", headers=bearer(police)).json()
    assert [r["id"] for r in own] == [accepted.json()["id"], refused.json()["receipt"]["id"]]  # newest first
    assert http.get("/api/v1/returns", headers=bearer(customs)).json() == []  # never another agency's
    assert len(http.get("/api/v1/returns?period=2023-H1", headers=bearer(coordinator)).json()) == 2
    assert http.get("/api/v1/returns?period=2023-H2", headers=bearer(police)).json() == []
    bad = http.get("/api/v1/returns?period=2023-H9", headers=bearer(police))
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_period_id"

    read = http.get(f"/api/v1/returns/{refused.json()['receipt']['id']}", headers=bearer(police)).json()
    assert [(e["code"], e["sheet"]) for e in read["errors"]] == [("not_a_number", "Số liệu")]
    assert read["errors"][0]["cell"] in read["errors"][0]["message"]
    other = http.get(f"/api/v1/returns/{refused.json()['receipt']['id']}", headers=bearer(customs))
    assert other.status_code == 404  # by id guessing neither


def test_periods_come_with_the_callers_own_deadline(http: httpx.Client, loaded: Session, roster: Roster) -> None:
    police = issue_token(loaded, "test", "police")
    (period,) = http.get("/api/v1/periods", headers=bearer(police)).json()
    assert (period["id"], period["label"], period["state"]) == ("2023-H1", "6 tháng đầu năm 2023", "open")
    assert (period["window_start"], period["window_end"], period["deadline"]) == (
        "2022-12-15",
        "2023-06-14",
        "2023-06-18",
    )
    assert http.get("/api/v1/periods").status_code == 401
