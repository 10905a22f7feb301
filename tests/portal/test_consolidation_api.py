"""Consolidation over the API of a portal run alone (plain uvicorn, no Prefect): who may, what it says, the draft.

The flow itself, run through `phoihop serve`, is tested in tests/cli/test_serve.py.
"""

from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from schema.consolidations import mark_completed, request_consolidation
from schema.credentials import issue_token
from schema.models import AuditEntry, Consolidation

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def coordinator(loaded: Session) -> dict[str, str]:
    return bearer(issue_token(loaded, "test"))


def test_without_prefect_it_is_503_flows_not_running_and_the_request_ends_failed(
    http: httpx.Client, consolidable: Session, coordinator: dict[str, str]
) -> None:
    response = http.post("/api/v1/periods/2023-h1/consolidations", headers=coordinator)
    assert response.status_code == 503 and response.headers["Retry-After"] == "30"
    body = response.json()
    assert body["code"] == "flows_not_running" and "«phoihop serve»" in body["message"]

    row = consolidable.scalars(select(Consolidation)).one()
    assert (row.period_id, row.state, row.requested_by, row.flow_run_id) == (
        "2023-H1",
        "failed",
        "api:coordinator",
        None,
    )
    assert row.message == body["message"] and row.finished_at is not None
    shown = http.get(f"/api/v1/consolidations/{row.id}", headers=coordinator).json()
    assert (shown["state"], shown["state_label"], shown["message"]) == ("failed", "Không thành công", body["message"])
    audit = consolidable.scalars(select(AuditEntry).where(AuditEntry.action == "consolidation_requested")).one()
    assert (audit.actor, audit.ip) == ("api:coordinator", "127.0.0.1")


def test_the_latest_completed_draft_is_downloaded(
    http: httpx.Client, consolidable: Session, coordinator: dict[str, str], tmp_path: Path
) -> None:
    missing = http.get("/api/v1/periods/2023-H1/draft", headers=coordinator)
    assert missing.status_code == 404 and missing.json()["code"] == "draft_not_ready"
    assert missing.json()["message"].startswith("Chưa có bản dự thảo báo cáo tổng hợp kỳ 2023-H1")

    draft = tmp_path / "bao-cao-2023-H1.docx"
    draft.write_bytes(b"PK\x03\x04 a docx")
    row = request_consolidation(consolidable, "2023-H1", "api:coordinator")
    mark_completed(consolidable, row.id, str(draft))
    response = http.get("/api/v1/periods/2023-H1/draft", headers=coordinator)
    assert response.status_code == 200 and response.content == draft.read_bytes()
    assert response.headers["content-type"] == DOCX
    assert response.headers["content-disposition"] == 'attachment; filename="bao-cao-2023-H1.docx"'
    shown = http.get(f"/api/v1/consolidations/{row.id}", headers=coordinator).json()
    assert (shown["state"], shown["draft_available"], shown["period"]) == ("completed", True, "2023-H1")
    none = http.get("/api/v1/periods/2023-H1/annex", headers=coordinator)
    assert none.status_code == 404 and none.json()["code"] == "annex_not_ready", "a draft from before annexes"


def test_the_annex_of_the_latest_draft_is_downloaded(
    http: httpx.Client, consolidable: Session, coordinator: dict[str, str], tmp_path: Path
) -> None:
    first, second = tmp_path / "bao-cao-2023-H1-v1.docx", tmp_path / "bao-cao-2023-H1-v2.docx"
    for number, draft in enumerate((first, second), 1):
        draft.write_bytes(b"PK\x03\x04 a docx")
        (tmp_path / f"phu-luc-2023-H1-v{number}.xlsx").write_bytes(b"PK\x03\x04 annex %d" % number)
        mark_completed(consolidable, request_consolidation(consolidable, "2023-H1", "api:coordinator").id, str(draft))
    response = http.get("/api/v1/periods/2023-H1/annex", headers=coordinator)
    assert response.status_code == 200 and response.content == b"PK\x03\x04 annex 2"
    assert response.headers["content-type"] == XLSX
    assert response.headers["content-disposition"] == 'attachment; filename="phu-luc-2023-H1-v2.xlsx"'


@pytest.mark.parametrize(
    ("method", "path", "status", "code", "field"),
    [
        ("post", "/api/v1/periods/2023-H9/consolidations", 422, "invalid_period_id", "period"),
        ("get", "/api/v1/periods/0001-H1/draft", 422, "invalid_period_id", "period"),
        ("post", "/api/v1/periods/2022-H1/consolidations", 404, "period_not_found", "period"),
        ("get", "/api/v1/periods/2022-H1/draft", 404, "period_not_found", "period"),
        ("get", "/api/v1/consolidations/999", 404, "consolidation_not_found", "id"),
        ("get", "/api/v1/consolidations/0", 422, "invalid_request", "consolidation_id"),
        ("get", "/api/v1/consolidations/abc", 422, "invalid_request", "consolidation_id"),
    ],
)
def test_a_malformed_or_unknown_period_or_consolidation(
    http: httpx.Client, coordinator: dict[str, str], method: str, path: str, status: int, code: str, field: str
) -> None:
    response = http.request(method, path, headers=coordinator)
    assert response.status_code == status
    body = response.json()
    assert (body["code"], body.get("field")) == (code, field)
    assert any(ch in body["message"] for ch in "ảãạăâđêôơư"), body["message"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/api/v1/periods/2023-H1/consolidations"),
        ("get", "/api/v1/consolidations/1"),
        ("get", "/api/v1/periods/2023-H1/draft"),
    ],
)
def test_only_the_coordinator(http: httpx.Client, loaded: Session, method: str, path: str) -> None:
    assert http.request(method, path).status_code == 401
    agency = bearer(issue_token(loaded, "test", "police"))
    response = http.request(method, path, headers=agency)
    assert response.status_code == 403 and response.json()["code"] == "forbidden"
    assert loaded.scalars(select(Consolidation)).all() == []


def test_the_openapi_document_describes_them(http: httpx.Client) -> None:
    paths = http.get("/api/v1/openapi.json").json()["paths"]
    start = paths["/api/v1/periods/{period}/consolidations"]["post"]["responses"]
    assert {"202", "401", "403", "404", "422", "503"} <= set(start)
    assert start["202"]["content"]["application/json"]["schema"]["$ref"].endswith("/ConsolidationView")
    assert start["503"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorOut")
    assert "200" in paths["/api/v1/consolidations/{consolidation_id}"]["get"]["responses"]
    draft = paths["/api/v1/periods/{period}/draft"]["get"]["responses"]
    assert DOCX in draft["200"]["content"] and "404" in draft
