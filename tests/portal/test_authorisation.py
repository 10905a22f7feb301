"""Who may do what on every /api/v1 route: a table of route × role → status, against the live server.

Roles: anonymous (no credential), agency A (police), agency B (customs), the coordinator. Each row is one
request, asked by each role; the table must cover every route the app serves under /api/v1 — a new route
without a row fails `test_the_table_covers_every_api_route`. Beyond the status, no answer to an agency ever
carries another agency's data (`agency` anywhere in its body is its own).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from fastapi.routing import iter_route_contexts

from agencies.roster import Roster
from portal.app import create_app
from schema.settings import Settings
from tests.factories import POLICE_FIGURES, filled_form
from tests.portal.conftest import ReadyApi
from tests.portal.test_api import XLSX

A, B = "police", "customs"
ROLES = {"anonymous": "-", "agency A": A, "agency B": B, "coordinator": None}
_sent = itertools.count()


@dataclass
class World:
    """The ready API with one accepted return of A and one of B on file."""

    api: ReadyApi
    roster: Roster
    returns: dict[str, int] = field(default_factory=dict)

    def url(self, path: str) -> str:
        return self.api.server.url + path.format(a_return=self.returns.get(A), b_return=self.returns.get(B))

    def fresh_form(self, agency: str) -> bytes:
        """The agency's form filled, with a paragraph of its own: never a duplicate of an earlier upload."""
        section = self.roster.form_for(agency).narrative[0].code
        figures = POLICE_FIGURES if agency == A else {"violation_cases": 0}
        return filled_form(self.roster, agency, figures=figures, narrative={section: [f"Lần gửi {next(_sent)}."]})

    def send(self, agency: str, by: str | None) -> httpx.Response:
        files = {"file": (f"{agency}.xlsx", self.fresh_form(agency), XLSX)}
        return httpx.post(self.url("/api/v1/returns"), headers=self.api.headers(by), files=files, timeout=30)


def upload(agency: str) -> Callable[[World], dict[str, Any]]:
    return lambda world: {"files": {"file": (f"{agency}.xlsx", world.fresh_form(agency), XLSX)}}


def own_return_first(world: World, role: str) -> None:
    """Before a withdrawal: the agency asking has a current return to withdraw."""
    if ROLES[role] not in ("-", None):
        assert world.send(ROLES[role], ROLES[role]).status_code == 201


def a_return_in(world: World, role: str) -> None:
    """Before a consolidation: the period has a valid return to draft from (the withdrawals above took theirs)."""
    assert world.send(A, A).status_code == 201


@dataclass(frozen=True)
class Row:
    method: str
    route: str  # the route's path as the app declares it
    url: str  # this request: `{a_return}` / `{b_return}` is A's / B's return id
    expect: tuple[int, int, int, int]  # anonymous, agency A, agency B, coordinator
    request: Callable[[World], dict[str, Any]] = lambda _: {}
    before: Callable[[World, str], None] = lambda world, role: None
    case: str = ""


R, P = "/api/v1/returns", "/api/v1/periods"
TABLE = [
    Row("POST", R, R, (401, 201, 422, 201), upload(A), case="sending A's form (B: agency_mismatch, kept as B's)"),
    Row("POST", R, R, (401, 422, 201, 201), upload(B), case="sending B's form"),
    Row("GET", R, R, (401, 200, 200, 200), case="listing returns: each agency its own, the coordinator all"),
    Row("GET", R, R + "?period=2023-H1", (401, 200, 200, 200), case="listing a period's returns"),
    Row("GET", R + "/{return_id}", R + "/{a_return}", (401, 200, 404, 200), case="A's return by id"),
    Row("GET", R + "/{return_id}", R + "/{b_return}", (401, 404, 200, 200), case="B's return by id"),
    Row("GET", R + "/{return_id}", R + "/2147483647", (401, 404, 404, 404), case="a return that is not there"),
    Row("GET", P, P, (401, 200, 200, 200), case="the periods"),
    Row("GET", P + "/{period}/form", P + "/2023-H1/form", (401, 200, 200, 422), case="one's own form"),
    Row("GET", P + "/{period}/form", P + "/2023-H1/form?agency=police", (401, 200, 403, 200), case="A's form"),
    Row("GET", P + "/{period}/form", P + "/2023-H1/form?agency=customs", (401, 403, 200, 200), case="B's form"),
    Row("GET", P + "/{period}/completeness", P + "/2023-H1/completeness", (401, 403, 403, 200), case="completeness"),
    Row(
        "POST",
        P + "/{period}/withdrawal",
        P + "/2023-H1/withdrawal",
        (401, 200, 200, 403),
        lambda _: {"json": {"reason": "gửi nhầm"}},
        own_return_first,
        case="withdrawing one's own current return",
    ),
    Row(
        "POST",
        P + "/{period}/consolidations",
        P + "/2023-H1/consolidations",
        (401, 403, 403, 503),
        before=a_return_in,
        case="consolidating (this server runs no flows: flows_not_running)",
    ),
    Row(
        "GET",
        "/api/v1/consolidations/{consolidation_id}",
        "/api/v1/consolidations/2147483647",
        (401, 403, 403, 404),
        case="a consolidation that is not there",
    ),
    Row("GET", P + "/{period}/draft", P + "/2023-H1/draft", (401, 403, 403, 404), case="the draft, none yet"),
    Row("GET", P + "/{period}/annex", P + "/2023-H1/annex", (401, 403, 403, 404), case="the annex, none yet"),
    Row("GET", "/api/v1/health", "/api/v1/health", (200, 200, 200, 200), case="health"),
    Row("GET", "/api/v1/openapi.json", "/api/v1/openapi.json", (200, 200, 200, 200), case="the OpenAPI document"),
    Row("GET", "/api/v1/docs", "/api/v1/docs", (200, 200, 200, 200), case="the API's docs page"),
    Row(
        "GET",
        "/api/v1/docs/static",
        "/api/v1/docs/static/swagger-ui.css",
        (200, 200, 200, 200),
        case="the docs page's own files",
    ),
]


@pytest.fixture(scope="module")
def world(ready_api: ReadyApi, roster: Roster) -> World:
    world = World(ready_api, roster)
    for agency in (A, B):
        sent = world.send(agency, agency)
        assert sent.status_code == 201, sent.text
        world.returns[agency] = sent.json()["id"]
    return world


def _agencies_in(body: Any) -> set[str]:
    """Every `agency` named anywhere in a JSON body."""
    if isinstance(body, dict):
        found = {body["agency"]} if isinstance(body.get("agency"), str) else set()
        return found.union(*(_agencies_in(v) for v in body.values()))
    if isinstance(body, list):
        return set().union(*(_agencies_in(v) for v in body))
    return set()


@pytest.mark.parametrize("role", list(ROLES))
@pytest.mark.parametrize("row", TABLE, ids=[f"{row.method} {row.url} ({row.case})" for row in TABLE])
def test_each_role_gets_exactly_what_it_should(world: World, row: Row, role: str) -> None:
    row.before(world, role)
    agency = ROLES[role]
    headers = {} if agency == "-" else world.api.headers(agency)
    response = httpx.request(row.method, world.url(row.url), headers=headers, timeout=30, **row.request(world))
    expected = row.expect[list(ROLES).index(role)]
    assert response.status_code == expected, response.text[:500]
    if response.headers.get("content-type", "").startswith("application/json") and agency not in ("-", None):
        assert _agencies_in(response.json()) <= {agency}, "an agency is never shown another's data"
    if response.status_code >= 400 and response.headers.get("content-type") == "application/json":
        assert {"code", "message"} <= set(response.json()), "every error body carries its code and message"


def _api_routes() -> set[tuple[str, str]]:
    """(method, path) of every route the app serves under /api/v1 (a mount: GET of its files)."""
    app = create_app(Settings(database_url="sqlite://"))
    routes = set()
    for route in iter_route_contexts(app.routes):
        if route.path is None or not route.path.startswith("/api/v1"):
            continue
        methods = (route.methods or {"GET"}) - {"HEAD"}
        routes |= {(method, route.path) for method in methods}
    return routes


def uncovered(table: list[Row]) -> set[tuple[str, str]]:
    return _api_routes() - {(row.method, row.route) for row in table}


def test_the_table_covers_every_api_route() -> None:
    assert uncovered(TABLE) == set(), "a route with no row in the authorisation table"
    assert {(row.method, row.route) for row in TABLE} <= _api_routes(), "a row for a route the app does not serve"


def test_a_route_without_a_row_is_caught() -> None:
    without = [row for row in TABLE if not row.route.endswith("/completeness")]
    assert uncovered(without) == {("GET", "/api/v1/periods/{period}/completeness")}
