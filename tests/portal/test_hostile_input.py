"""Hostile returns over real HTTP, on SQLite and PostgreSQL: a 422 with the code naming the field, never a 500."""

import httpx
import pytest
from sqlalchemy.orm import Session

from schema.credentials import issue_token
from schema.models import Blob, Return
from tests.hostile_returns import HOSTILE, police_form
from tests.portal.test_api import XLSX, bearer

JSON_BODIES = [
    "number 1e400",
    "NaN as money",
    "integer of 5,000 digits",
    "arrays nested 100,000 deep",
    "form reference of 5 MB",
    "agency of 5 MB",
    "indicator code of 10,000 characters",
    "NUL in the form reference",
    "half an emoji in the form reference",
    "half an emoji in the period",
    "half an emoji in a section name",
    "half an emoji in an indicator code",
    "half an emoji in an indicator value",
    "half an emoji in a paragraph",
]
# Over 255 characters, and a path; under the 4 KB that python-multipart allows a part's header.
LONG_PATH = "C:\\Users\\can-bo\\" + "thu-muc/" * 50 + "bao-cao-" * 80 + ".xlsx"


@pytest.mark.parametrize("name", JSON_BODIES)
def test_a_hostile_json_body_is_a_422_naming_its_field(http: httpx.Client, loaded: Session, name: str) -> None:
    case = HOSTILE[name]
    token = issue_token(loaded, "test", "police")
    response = http.post(
        "/api/v1/returns", headers={**bearer(token), "Content-Type": "application/json"}, content=case.build()
    )
    assert response.status_code == 422, response.text
    body = response.json()
    assert {e["code"] for e in body["errors"]} == {case.code, *case.also}
    error = next(e for e in body["errors"] if e["code"] == case.code)
    assert error["field"].startswith(case.field) and error["field"] in error["message"]
    row = loaded.get(Return, body["receipt"]["id"])
    assert row.status == "invalid" and row.agency_id == "police"
    assert loaded.get(Blob, body["receipt"]["sha256"]) is not None


def test_an_over_long_multipart_file_name_is_no_500(http: httpx.Client, loaded: Session) -> None:
    token = issue_token(loaded, "test", "police")
    hostile = HOSTILE["metadata C6 of 300 characters"]
    refused = http.post("/api/v1/returns", headers=bearer(token), files={"file": (LONG_PATH, hostile.build(), XLSX)})
    assert refused.status_code == 422, refused.text
    assert [(e["code"], e["cell"]) for e in refused.json()["errors"]] == [("too_long", "C6")]

    accepted = http.post("/api/v1/returns", headers=bearer(token), files={"file": (LONG_PATH, police_form(), XLSX)})
    assert accepted.status_code == 201, accepted.text
    for receipt in (refused.json()["receipt"], accepted.json()):
        name = loaded.get(Return, receipt["id"]).filename
        assert len(name) == 255 and name.startswith("bao-cao-") and name.endswith("….xlsx")


def test_a_file_name_past_the_multipart_header_limit_is_no_500(http: httpx.Client, loaded: Session) -> None:
    token = issue_token(loaded, "test", "police")
    name = "thu-muc/" * 600 + "bao-cao.xlsx"  # 4,812 characters: refused by the multipart parser itself
    response = http.post("/api/v1/returns", headers=bearer(token), files={"file": (name, police_form(), XLSX)})
    assert response.status_code == 400, response.text
    assert response.json()["code"] == "invalid_multipart" and "tên tệp ngắn" in response.json()["message"]


def test_half_an_emoji_in_the_period_leaves_the_coordinators_view_working(http: httpx.Client, loaded: Session) -> None:
    """The refused upload names no readable period, so it is listed beside every period: printable."""
    police, coordinator = issue_token(loaded, "test", "police"), issue_token(loaded, "test")
    sent = http.post(
        "/api/v1/returns",
        headers={**bearer(police), "Content-Type": "application/json"},
        content=HOSTILE["half an emoji in the period"].build(),
    )
    assert sent.status_code == 422, sent.text
    assert "\ufffd" not in sent.text and [e["code"] for e in sent.json()["errors"]] == ["broken_characters"]

    completeness = http.get("/api/v1/periods/2023-H1/completeness", headers=bearer(coordinator))
    assert completeness.status_code == 200, completeness.text
    (listed,) = completeness.json()["unassigned"]
    assert (listed["return_id"], listed["code"]) == (sent.json()["receipt"]["id"], "broken_characters")
    assert "U+D83D" in listed["message"]
