"""Every page × every role: anonymous, agency A (police), agency B (customs), the coordinator.

Each gets exactly what it should: the anonymous are sent to sign in, an agency reaches only its own
returns (another's receipt is answered as if it did not exist), agency pages are not the coordinator's
and coordinator pages are no agency's. POSTs carry the role's own form token, so that what is checked
is the authorisation, not the CSRF defence (tested on its own). A page without a row here fails the test.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.routing import iter_route_contexts
from sqlalchemy import select
from sqlalchemy.orm import Session

from agencies.roster import Roster
from agencies.samples import load_samples
from portal.app import create_app
from schema.accounts import issue_password
from schema.intake import submit_return
from schema.models import Consolidation, Return
from tests.factories import POLICE_FIGURES, filled_form
from tests.portal.portal_user import PortalUser, form_token

ROLES = ("anonymous", "agency_a", "agency_b", "coordinator")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SIGN_IN = "sign in"  # a redirect to the sign-in page


@dataclass(frozen=True)
class Row:
    method: str
    route: str  # as the app declares it; filled from PLACES for the request
    expect: dict[str, int | str]  # by role: a status, or SIGN_IN
    body: Callable[[Roster], dict[str, Any]] = field(default=lambda _: {})


def _upload(roster: Roster) -> dict[str, Any]:
    return {"files": {"file": ("a.xlsx", filled_form(roster, "police", figures=POLICE_FIGURES), XLSX)}}


def _backfill(roster: Roster) -> dict[str, Any]:
    return {**_upload(roster), "data": {"received_at": "2023-06-16T09:30", "via": "paper"}}


def _online(roster: Roster) -> dict[str, Any]:
    return {"data": {"form": roster.form_for("police").ref, "indicator:fraud_cases": "1"}}


def _everyone(status: int | str) -> dict[str, int | str]:
    return dict.fromkeys(ROLES, status)


def _agencies(a: int | str, b: int | str | None = None) -> dict[str, int | str]:
    return {"anonymous": SIGN_IN, "agency_a": a, "agency_b": a if b is None else b, "coordinator": 403}


def _coordinator(status: int | str) -> dict[str, int | str]:
    return {"anonymous": SIGN_IN, "agency_a": 403, "agency_b": 403, "coordinator": status}


def _reason(_: Roster) -> dict[str, Any]:
    return {"data": {"reason": "nhận báo cáo muộn"}}


ROWS = [
    Row("GET", "/", {"anonymous": SIGN_IN, "agency_a": 303, "agency_b": 303, "coordinator": 303}),
    Row("GET", "/sign-in", {"anonymous": 200, "agency_a": 303, "agency_b": 303, "coordinator": 303}),
    Row("GET", "/agency", _agencies(200)),
    Row("GET", "/agency/periods/{period}/form", _agencies(200)),
    Row("POST", "/agency/periods/{period}/returns", _agencies(303), _upload),
    Row("GET", "/agency/periods/{period}/online", _agencies(200)),
    Row("POST", "/agency/periods/{period}/online", _agencies(303), _online),
    Row("GET", "/agency/returns/{return_id}", _agencies(200, 404)),  # A's return: B is told it does not exist
    Row("GET", "/agency/periods/{period}/history", _agencies(200)),
    Row("POST", "/agency/periods/{period}/withdrawal", _agencies(303), lambda _: {"data": {"reason": "thử"}}),
    Row("GET", "/coordinator", _coordinator(200)),
    Row("POST", "/coordinator/periods", _coordinator(303), lambda _: {"data": {"period": "2024-H1"}}),
    Row("GET", "/coordinator/periods/{period}", _coordinator(200)),
    Row("POST", "/coordinator/periods/{period}/close", _coordinator(303), _reason),
    Row("POST", "/coordinator/periods/{period}/reopen", _coordinator(409), _reason),  # it is open: nothing to reopen
    Row("POST", "/coordinator/periods/{period}/consolidations", _coordinator(503)),  # no flow runner on this server
    Row("GET", "/coordinator/consolidations/{consolidation_id}", _coordinator(200)),
    Row("GET", "/coordinator/periods/{period}/draft", _coordinator(404)),  # none written yet
    Row("GET", "/coordinator/periods/{period}/annex", _coordinator(404)),  # none written yet
    Row("GET", "/coordinator/returns/{return_id}", _coordinator(200)),
    Row("GET", "/coordinator/agencies/{agency}", _coordinator(200)),
    Row("POST", "/coordinator/agencies/{agency}/returns", _coordinator(303), _backfill),
    Row("GET", "/coordinator/accounts", _coordinator(200)),
    Row("POST", "/coordinator/accounts/{login}/password", _coordinator(200)),  # the password, shown once
    Row("POST", "/coordinator/accounts/{login}/api-key", _coordinator(200)),
    Row("POST", "/coordinator/accounts/{login}/revocation", _coordinator(303)),
    Row("POST", "/sign-out", _everyone(SIGN_IN)),  # the signed-in are signed out, and sent there too
]
# The sign-in form is posted to by anyone; the stylesheet and script are public files.
PUBLIC = {("POST", "/sign-in"), ("GET", "/static")}


def _pages() -> set[tuple[str, str]]:
    return {
        (method, route.path)
        for route in iter_route_contexts(create_app().routes)
        if route.path is not None and not route.path.startswith("/api/")
        for method in (route.methods or {"GET"}) - {"HEAD"}
    }


def _uncovered(rows: list[Row]) -> set[tuple[str, str]]:
    return _pages() - {(row.method, row.route) for row in rows} - PUBLIC


def test_every_page_has_a_row() -> None:
    assert _uncovered(ROWS) == set(), "pages without a row in the authorisation table"
    assert {(row.method, row.route) for row in ROWS} <= _pages(), "a row for a page the app does not serve"


def test_a_page_without_a_row_is_caught() -> None:
    assert _uncovered([row for row in ROWS if row.route != "/coordinator/accounts"]) == {
        ("GET", "/coordinator/accounts")
    }


@pytest.fixture
def roles(api_url: str, loaded: Session, roster: Roster) -> dict[str, Any]:
    """The four roles, each with a browser; A and B with an accepted return each."""
    returns = {}
    samples = load_samples()
    for role, agency in (("agency_a", "police"), ("agency_b", "customs")):
        form = filled_form(roster, agency, figures=samples.returns[agency].figures)
        receipt = submit_return(loaded, roster, form, channel="cli", actor="test", agency_id=agency)
        assert receipt.accepted
        returns[role] = receipt.id
    users = {role: PortalUser(api_url) for role in ROLES}
    for role, login in (("agency_a", "police"), ("agency_b", "customs"), ("coordinator", None)):
        password = issue_password(loaded, "test", login)
        assert users[role].sign_in(login or "coordinator", password).status_code == 303
    consolidation = Consolidation(period_id="2023-H1", requested_by="test")
    loaded.add(consolidation)
    loaded.commit()
    places = {
        "period": "2023-H1",
        "return_id": returns["agency_a"],
        "agency": "police",
        "login": "customs",
        "consolidation_id": consolidation.id,
    }
    yield {"users": users, "places": places}
    for user in users.values():
        user.close()


@pytest.mark.parametrize("row", ROWS, ids=lambda row: f"{row.method} {row.route}")
def test_each_role_gets_exactly_what_it_should(
    row: Row, roles: dict[str, Any], roster: Roster, loaded: Session
) -> None:
    path = row.route.format(**roles["places"])
    got = {}
    for role in ROLES:
        user: PortalUser = roles["users"][role]
        body = row.body(roster)
        if row.method == "POST" and role != "anonymous":
            body.setdefault("data", {})["csrf"] = _token(user)
        answer = user.get(path) if row.method == "GET" else user.post(path, **body)
        status: int | str = answer.status_code
        if status == 303 and answer.headers["location"].startswith("/sign-in"):
            status = SIGN_IN
        got[role] = status
    assert got == row.expect


def _token(user: PortalUser) -> str:
    """The role's own form token, from its home page."""
    home = user.get("/")
    return form_token(user.get(home.headers["location"]).text)


def test_an_agency_never_changes_another_agencys_returns(
    roles: dict[str, Any], roster: Roster, loaded: Session
) -> None:
    """B posting A's filled form and withdrawing: only B's own uploads and returns move."""
    b: PortalUser = roles["users"]["agency_b"]
    token = _token(b)
    before = {r.id: r.status for r in loaded.scalars(select(Return).where(Return.agency_id == "police"))}
    b.post("/agency/periods/2023-H1/returns", data={"csrf": token}, **_upload(roster))
    b.post("/agency/periods/2023-H1/withdrawal", data={"csrf": token, "reason": "thử"})
    loaded.expire_all()
    after = {r.id: r.status for r in loaded.scalars(select(Return).where(Return.agency_id == "police"))}
    assert after == before
    refused = loaded.scalars(select(Return).where(Return.agency_id == "customs").order_by(Return.id.desc())).first()
    assert refused.status == "withdrawn" or any(p["code"] == "agency_mismatch" for p in refused.problems)
