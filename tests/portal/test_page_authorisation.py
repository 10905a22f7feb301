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
from fastapi.routing import APIRoute
from sqlalchemy import select
from sqlalchemy.orm import Session

from agencies.roster import Roster
from agencies.samples import load_samples
from portal.app import create_app
from schema.accounts import issue_password
from schema.intake import submit_return
from schema.models import Return
from tests.factories import POLICE_FIGURES, filled_form
from tests.portal.portal_user import PortalUser, form_token

ROLES = ("anonymous", "agency_a", "agency_b", "coordinator")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SIGN_IN = "sign in"  # a redirect to the sign-in page


@dataclass(frozen=True)
class Row:
    method: str
    path: str  # with {a_return}, {b_return} filled from the fixture
    expect: dict[str, int | str]  # by role: a status, or SIGN_IN
    body: Callable[[Roster], dict[str, Any]] = field(default=lambda _: {})


def _upload(roster: Roster) -> dict[str, Any]:
    return {"files": {"file": ("a.xlsx", filled_form(roster, "police", figures=POLICE_FIGURES), XLSX)}}


def _online(roster: Roster) -> dict[str, Any]:
    return {"data": {"form": roster.form_for("police").ref, "indicator:fraud_cases": "1"}}


def _everyone(status: int | str) -> dict[str, int | str]:
    return dict.fromkeys(ROLES, status)


def _agencies(a: int | str, b: int | str | None = None) -> dict[str, int | str]:
    return {"anonymous": SIGN_IN, "agency_a": a, "agency_b": a if b is None else b, "coordinator": 403}


ROWS = [
    Row("GET", "/", {"anonymous": SIGN_IN, "agency_a": 303, "agency_b": 303, "coordinator": 303}),
    Row("GET", "/sign-in", {"anonymous": 200, "agency_a": 303, "agency_b": 303, "coordinator": 303}),
    Row("GET", "/agency", _agencies(200)),
    Row("GET", "/agency/periods/2023-H1/form", _agencies(200)),
    Row("POST", "/agency/periods/2023-H1/returns", _agencies(303), _upload),
    Row("GET", "/agency/periods/2023-H1/online", _agencies(200)),
    Row("POST", "/agency/periods/2023-H1/online", _agencies(303), _online),
    Row("GET", "/agency/returns/{a_return}", _agencies(200, 404)),
    Row("GET", "/agency/periods/2023-H1/history", _agencies(200)),
    Row("POST", "/agency/periods/2023-H1/withdrawal", _agencies(303), lambda _: {"data": {"reason": "thử"}}),
    Row("POST", "/sign-out", _everyone(SIGN_IN)),  # the signed-in are signed out, and sent there too
]
# Pages every role may see as the same public page (the sign-in form itself is posted to by anyone).
PUBLIC = {("POST", "/sign-in")}


def test_every_page_has_a_row() -> None:
    pages = {
        (method, route.path)
        for route in create_app().routes
        if isinstance(route, APIRoute) and not route.path.startswith("/api/")
        for method in route.methods - {"HEAD"}
    }
    covered = {(row.method, row.path.replace("{a_return}", "{return_id}")) for row in ROWS} | PUBLIC
    assert pages - covered == set(), "pages without a row in the authorisation table"


@pytest.fixture
def roles(api_url: str, loaded: Session, roster: Roster) -> dict[str, Any]:
    """The four roles, each with a browser; A and B with an accepted return each."""
    returns = {}
    samples = load_samples()
    for role, agency in (("agency_a", "police"), ("agency_b", "customs")):
        form = filled_form(roster, agency, figures=samples.returns[agency].figures)
        receipt = submit_return(loaded, roster, form, channel="cli", actor="test", agency_id=agency)
        assert receipt.accepted
        returns[role] = receipt.return_id
    users = {role: PortalUser(api_url) for role in ROLES}
    for role, login in (("agency_a", "police"), ("agency_b", "customs"), ("coordinator", None)):
        password = issue_password(loaded, "test", login)
        assert users[role].sign_in(login or "coordinator", password).status_code == 303
    yield {"users": users, "returns": returns}
    for user in users.values():
        user.close()


@pytest.mark.parametrize("row", ROWS, ids=lambda row: f"{row.method} {row.path}")
def test_each_role_gets_exactly_what_it_should(
    row: Row, roles: dict[str, Any], roster: Roster, loaded: Session
) -> None:
    path = row.path.format(a_return=roles["returns"]["agency_a"], b_return=roles["returns"]["agency_b"])
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
