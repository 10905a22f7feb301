"""schemathesis against the live API: generated requests, positive and negative, for every operation of the
OpenAPI document, as an agency and as the coordinator. No answer is a 5xx, and every answer is one the document
describes (status, content type, headers, body schema).

Bounded and reproducible: derandomized (a fixed seed per test), a cap on examples per operation, no example
database; the whole file runs in well under a minute.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis import checks as st_checks

from agencies.roster import Roster
from tests.factories import POLICE_FIGURES, filled_form, ready_database
from tests.live_server import LiveServer, live_server

EXAMPLES = 40  # per operation and generation mode

CHECKS = [
    st_checks.not_a_server_error,
    st_checks.status_code_conformance,
    st_checks.content_type_conformance,
    st_checks.response_headers_conformance,
    st_checks.response_schema_conformance,
]


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory, roster: Roster) -> Iterator[tuple[LiveServer, dict]]:
    """A fresh ready database with two returns on file (one refused, one accepted), served on loopback."""
    folder = tmp_path_factory.mktemp("fuzz")
    url = f"sqlite:///{folder / 'phoihop.db'}"
    tokens = ready_database(url, roster, credentials_for=["police", None])
    with live_server(url, folder / "server.log") as server:
        police = {"Authorization": f"Bearer {tokens['police']}"}
        refused = filled_form(roster, "police", figures={**POLICE_FIGURES, "fraud_cases": "bốn"})
        for data, status in ((refused, 422), (filled_form(roster, "police", figures=POLICE_FIGURES), 201)):
            sent = httpx.post(f"{server.url}/api/v1/returns", headers=police, files={"file": ("x.xlsx", data)})
            assert sent.status_code == status, sent.text
        yield server, tokens


def _run(server: LiveServer, token: str, mode: GenerationMode) -> list[str]:
    schema = schemathesis.openapi.from_url(f"{server.url}/api/v1/openapi.json")
    headers = {"Authorization": f"Bearer {token}"}
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @settings(
            max_examples=EXAMPLES,
            derandomize=True,
            deadline=None,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(generation_mode=mode))
        def exercise(case: schemathesis.Case) -> None:
            case.call_and_validate(base_url=server.url, headers=headers, checks=CHECKS, timeout=30)

        try:
            exercise()
        except Unsatisfiable:  # nothing to make invalid: an operation with no parameter and no body
            assert mode is GenerationMode.NEGATIVE, operation.label
        except Exception as exc:  # every operation is tried; all their failures are reported together
            failures.append(f"{operation.label}: {exc}")
    return failures


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=str)
@pytest.mark.parametrize("role", ["police", "coordinator"])
def test_every_operation_answers_as_documented(fuzzed: tuple[LiveServer, dict], role: str, mode) -> None:
    server, tokens = fuzzed
    failures = _run(server, tokens["police" if role == "police" else None], mode)
    assert failures == [], "\n\n".join(failures) + "\n\nserver log:\n" + server.log_text()[-5000:]
