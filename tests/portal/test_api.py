"""The JSON API over real HTTP: the same intake and validation as the CLI, behind bearer credentials."""

import json
from datetime import date

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from agencies.roster import Roster
from portal.app import create_app
from schema.credentials import issue_token
from schema.models import AuditEntry, Blob, Return
from schema.periods import open_period
from schema.recovery import MAX_ATTEMPTS
from schema.unseen import unfinished_reason
from tests.factories import POLICE_FIGURES, filled_form, json_return, left_by_a_killed_run

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def upload(http: httpx.Client, token: str, data: bytes, name: str = "bao-cao.xlsx") -> httpx.Response:
    return http.post("/api/v1/returns", headers=bearer(token), files={"file": (name, data, XLSX)})


def test_an_agency_uploads_its_form_and_gets_a_receipt(http: httpx.Client, loaded: Session, roster: Roster) -> None:
    token = issue_token(loaded, "test", "police")
    data = filled_form(roster, "police", figures=POLICE_FIGURES)
    response = upload(http, token, data)
    assert response.status_code == 201, response.text
    receipt = response.json()
    assert (receipt["version"], receipt["agency"], receipt["period"], receipt["status"]) == (
        1,
        "police",
        "2023-H1",
        "accepted",
    )
    assert set(receipt) >= {"id", "version", "sha256", "received_at"}
    row = loaded.get(Return, receipt["id"])
    assert row.channel == "api" and row.actor == "api:police" and row.filename == "bao-cao.xlsx"
    audited = loaded.scalars(select(AuditEntry.ip).where(AuditEntry.return_id == receipt["id"])).all()
    assert audited and set(audited) == {"127.0.0.1"}, "the audit log says where the upload came from"

    again = upload(http, token, data)
    assert again.status_code == 200 and again.json()["id"] == receipt["id"] and again.json()["duplicate"]
    corrected = upload(http, token, filled_form(roster, "police", figures={**POLICE_FIGURES, "fraud_cases": 5}))
    assert corrected.status_code == 201 and corrected.json()["version"] == 2

    assert http.get(f"/api/v1/returns/{receipt['id']}", headers=bearer(token)).json()["status"] == "superseded"


def test_errors_come_back_as_422_with_cells_and_the_file_is_kept(
    http: httpx.Client, loaded: Session, roster: Roster
) -> None:
    token = issue_token(loaded, "test", "police")
    data = filled_form(roster, "police", figures={**POLICE_FIGURES, "fraud_cases": "bốn", "accounts_removed": -1})
    response = upload(http, token, data)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_return" and body["message"].startswith("Không hợp lệ, 2 lỗi cần sửa")
    assert sorted(e["code"] for e in body["errors"]) == ["negative", "not_a_number"]
    assert all(
        e["sheet"] == "Số liệu" and e["cell"].startswith("D") and e["cell"] in e["message"] for e in body["errors"]
    )
    assert loaded.get(Blob, body["receipt"]["sha256"]).content == data


def test_json_returns_share_the_validation(http: httpx.Client, loaded: Session) -> None:
    token = issue_token(loaded, "test", "customs")
    good = json_return(
        "customs", "2023-H1", "customs@1", {"violation_cases": 0}, {"activities": ["Không phát hiện vi phạm."]}
    )
    response = http.post("/api/v1/returns", headers={**bearer(token), "Content-Type": "application/json"}, content=good)
    assert response.status_code == 201 and response.json()["version"] == 1
    bad = json_return("customs", "2023-H1", "customs@1", {"violation_cases": -1})
    refused = http.post("/api/v1/returns", headers={**bearer(token), "Content-Type": "application/json"}, content=bad)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "indicators.violation_cases"


def test_an_agency_cannot_send_for_another_or_read_another(http: httpx.Client, loaded: Session, roster: Roster) -> None:
    police, customs = issue_token(loaded, "test", "police"), issue_token(loaded, "test", "customs")
    sent = upload(http, police, filled_form(roster, "police", figures=POLICE_FIGURES))
    refused = upload(
        http, customs, filled_form(roster, "police", figures=POLICE_FIGURES, narrative={"activities": ["x"]})
    )
    assert refused.status_code == 422 and refused.json()["errors"][0]["code"] == "agency_mismatch"
    assert http.get(f"/api/v1/returns/{sent.json()['id']}", headers=bearer(customs)).status_code == 404
    assert http.get("/api/v1/periods/2023-H1/completeness", headers=bearer(police)).status_code == 403


def test_credentials_are_required_and_rotate(http: httpx.Client, loaded: Session, roster: Roster) -> None:
    data = filled_form(roster, "police", figures=POLICE_FIGURES)
    assert http.post("/api/v1/returns", files={"file": ("x.xlsx", data, XLSX)}).status_code == 401
    assert upload(http, "phh_not-a-token", data).status_code == 401
    old = issue_token(loaded, "test", "police")
    new = issue_token(loaded, "test", "police")
    assert upload(http, old, data).status_code == 401
    assert upload(http, new, data).status_code == 201


def test_the_coordinator_sees_completeness_and_an_agency_withdraws(
    http: httpx.Client, loaded: Session, roster: Roster
) -> None:
    police, coordinator = issue_token(loaded, "test", "police"), issue_token(loaded, "test")
    upload(http, police, filled_form(roster, "police", figures=POLICE_FIGURES))
    states = {
        a["agency"]: a
        for a in http.get("/api/v1/periods/2023-H1/completeness", headers=bearer(coordinator)).json()["agencies"]
    }
    assert states["police"]["state"] == "accepted" and states["customs"]["state"] == "missing" and len(states) == 25

    withdrawn = http.post("/api/v1/periods/2023-H1/withdrawal", headers=bearer(police), json={"reason": "gửi nhầm"})
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    action = select(AuditEntry.ip).where(AuditEntry.action == "withdrawn", AuditEntry.agency_id == "police")
    assert loaded.scalars(action).all() == ["127.0.0.1"]
    states = http.get("/api/v1/periods/2023-H1/completeness", headers=bearer(coordinator)).json()["agencies"]
    assert next(a for a in states if a["agency"] == "police")["state"] == "withdrawn"
    again = http.post("/api/v1/periods/2023-H1/withdrawal", headers=bearer(police), json={})
    assert again.status_code == 409 and again.json()["code"] == "nothing_to_withdraw"
    assert "không có báo cáo hợp lệ" in again.json()["message"]


def test_an_upload_that_could_not_be_finished_says_why_in_vietnamese(
    http: httpx.Client, loaded: Session, roster: Roster
) -> None:
    """As the recovery keeps it (a code), or as an earlier version kept it (an exception's English text)."""
    for n, kept in enumerate(["internal_error", "RuntimeError: intake crashed"]):
        left = left_by_a_killed_run(loaded, filled_form(roster, "police", figures={**POLICE_FIGURES, "fraud_cases": n}))
        left.attempts, left.last_error = MAX_ATTEMPTS, kept
        loaded.commit()
    coordinator = issue_token(loaded, "test")
    board = http.get("/api/v1/periods/2023-H1/completeness", headers=bearer(coordinator))
    assert board.status_code == 200, board.text
    reason = unfinished_reason("internal_error")
    assert [(u["error_code"], u["error"]) for u in board.json()["unfinished"]] == [("internal_error", reason)] * 2
    assert "RuntimeError" not in board.text


def test_the_openapi_contract_is_published(http: httpx.Client) -> None:
    spec = http.get("/api/v1/openapi.json").json()
    assert {"/api/v1/returns", "/api/v1/returns/{return_id}", "/api/v1/periods/{period}/completeness"} <= set(
        spec["paths"]
    )
    assert http.get("/docs").status_code == 404, "no documentation page that loads scripts from a CDN"
    json.dumps(spec)


def test_a_file_over_the_limit_is_refused_413_before_it_is_read_and_nothing_is_kept(
    http: httpx.Client, loaded: Session
) -> None:
    from agencies.file_safety import DEFAULT_LIMITS

    token = issue_token(loaded, "test", "police")
    declared = upload(http, token, b"PK" + b"\0" * (DEFAULT_LIMITS.max_bytes + 70_000))
    assert declared.status_code == 413
    assert declared.json()["code"] == "file_too_large" and "vượt giới hạn 20 MB" in declared.json()["message"]

    def chunks():  # no Content-Length: the server finds out while reading, and stops
        for _ in range(DEFAULT_LIMITS.max_bytes // 65536 + 2):
            yield b"{" * 65536

    streamed = http.post("/api/v1/returns", headers=bearer(token), content=chunks())
    assert streamed.status_code == 413 and streamed.json()["code"] == "file_too_large"
    loaded.expire_all()
    assert loaded.scalars(select(Blob)).all() == [] and loaded.scalars(select(Return)).all() == []


def test_a_multipart_upload_without_its_file_part_is_a_400_in_vietnamese(http: httpx.Client, loaded: Session) -> None:
    token = issue_token(loaded, "test", "police")
    response = http.post("/api/v1/returns", headers=bearer(token), files={"tep": ("a.xlsx", b"PK", XLSX)})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_multipart" and "phần «file»" in response.json()["message"]
    assert response.json()["field"] == "file"


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "status", "code", "field"),
    [
        ("get", "/api/v1/returns/9223372036854775808", {}, 422, "invalid_request", "return_id"),
        ("get", "/api/v1/returns/0", {}, 422, "invalid_request", "return_id"),
        ("get", "/api/v1/returns/abc", {}, 422, "invalid_request", "return_id"),
        ("get", "/api/v1/returns/2147483647", {}, 404, "receipt_not_found", None),
        ("get", "/api/v1/periods/0001-H1/completeness", {}, 422, "invalid_period_id", "period"),
        ("get", "/api/v1/periods/2023-H9/completeness", {}, 422, "invalid_period_id", "period"),
        ("get", "/api/v1/periods/2031-H1/completeness", {}, 404, "period_not_found", "period"),
        (
            "post",
            "/api/v1/periods/2023-H1/withdrawal",
            {"json": {"reason": "x" * 2001}},
            422,
            "invalid_request",
            "reason",
        ),
        ("post", "/api/v1/periods/2023-H1/withdrawal", {"content": b"["}, 422, "invalid_request", "body"),
        ("post", "/api/v1/periods/2023-H1/withdrawal", {"content": b"{" * 70_000}, 413, "request_too_large", None),
        ("get", "/api/v1/khong-co", {}, 404, "not_found", None),
        ("delete", "/api/v1/returns", {}, 405, "method_not_allowed", None),
    ],
)
def test_every_error_is_json_with_a_code_and_a_vietnamese_message(
    http: httpx.Client, loaded: Session, method: str, path: str, kwargs: dict, status: int, code: str, field: str | None
) -> None:
    token = issue_token(loaded, "test")  # the coordinator: sees every period and any receipt
    response = http.request(method.upper(), path, headers=bearer(token), **kwargs)
    assert response.status_code == status, response.text
    body = response.json()
    assert body["code"] == code and body.get("field") == field
    assert any(c in body["message"] for c in "ảạầếịọụưđ"), body["message"]  # Vietnamese, not the framework's English


def test_unauthorised_and_forbidden_carry_codes(http: httpx.Client, loaded: Session) -> None:
    anonymous = http.get("/api/v1/returns/1")
    assert anonymous.status_code == 401 and anonymous.json()["code"] == "unauthorized"
    assert anonymous.headers["WWW-Authenticate"] == "Bearer"
    police = issue_token(loaded, "test", "police")
    forbidden = http.get("/api/v1/periods/2023-H1/completeness", headers=bearer(police))
    assert forbidden.status_code == 403 and forbidden.json()["code"] == "forbidden"


def test_a_chunked_multipart_body_over_the_limit_is_refused_while_it_streams(api_url: str, loaded: Session) -> None:
    """No Content-Length: the server answers 413 soon after the limit instead of reading (and spooling) it all."""
    import select as readiness
    import socket
    from urllib.parse import urlsplit

    from agencies.file_safety import DEFAULT_LIMITS

    token = issue_token(loaded, "test", "police")
    address = urlsplit(api_url)
    boundary = "b0undary"
    part = f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.xlsx"\r\n\r\n'.encode()
    block = b"\0" * 65536
    sent, answer = 0, b""
    with socket.create_connection((address.hostname, address.port), timeout=30) as connection:
        connection.sendall(
            f"POST /api/v1/returns HTTP/1.1\r\nHost: {address.netloc}\r\nAuthorization: Bearer {token}\r\n"
            f"Content-Type: multipart/form-data; boundary={boundary}\r\nTransfer-Encoding: chunked\r\n\r\n".encode()
        )
        connection.sendall(b"%x\r\n%s\r\n" % (len(part), part))
        while sent < DEFAULT_LIMITS.max_bytes * 5 and not answer:  # 100 MB if all were read
            try:
                connection.sendall(b"%x\r\n%s\r\n" % (len(block), block))
            except (BrokenPipeError, ConnectionResetError):
                break
            sent += len(block)
            if readiness.select([connection], [], [], 0)[0]:  # the server has answered
                answer = connection.recv(65536)
        while not answer.endswith(b"}"):  # the JSON body may follow the head in a later packet
            more = connection.recv(65536)
            if not more:
                break
            answer += more
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert b'"code":"file_too_large"' in answer
    assert sent < DEFAULT_LIMITS.max_bytes * 2  # it stopped reading soon after the limit
    loaded.expire_all()
    assert loaded.scalars(select(Blob)).all() == []


def test_fastapis_own_telemetry_is_off_even_when_the_environment_asks_for_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing leaves the province (DESIGN §3): FastAPI 0.150's OpenTelemetry layer is not left to the environment."""
    monkeypatch.setenv("FASTAPI_OTEL_AUTO_CONFIGURE", "true")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9/")
    config = create_app()._telemetry
    assert (config["tracing"], config["metrics"], config["logs"], config["auto_configure"]) == (False,) * 4


def test_a_custom_period_over_the_api(http: httpx.Client, loaded: Session) -> None:
    open_period(
        loaded, "2023-CD1", "test", date(2025, 1, 10), start=date(2023, 1, 1), end=date(2024, 12, 31), title="Lừa đảo"
    )
    token = issue_token(loaded, "test", "customs")
    listed = {p["id"]: p for p in http.get("/api/v1/periods", headers=bearer(token)).json()}
    assert listed["2023-CD1"] == {
        "id": "2023-CD1",
        "label": "chuyên đề «Lừa đảo» từ ngày 01/01/2023 đến ngày 31/12/2024",
        "state": "open",
        "window_start": "2023-01-01",
        "window_end": "2024-12-31",
        "deadline": "2025-01-10",
    }
    sent = json_return("customs", "2023-cd1", "customs@1", {"violation_cases": 0})
    response = http.post("/api/v1/returns", headers={**bearer(token), "Content-Type": "application/json"}, content=sent)
    assert response.status_code == 201, response.text
    coordinator = issue_token(loaded, "test")
    states = http.get("/api/v1/periods/2023-cd1/completeness", headers=bearer(coordinator)).json()
    assert states["period"] == "2023-CD1"
    assert next(a for a in states["agencies"] if a["agency"] == "customs")["state"] == "accepted"
    spec = http.get("/api/v1/openapi.json").json()
    pattern = spec["paths"]["/api/v1/periods/{period}/completeness"]["get"]["parameters"][0]["schema"]["pattern"]
    assert "CD" in pattern
