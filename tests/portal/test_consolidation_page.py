"""A consolidation's page in each state it can show: it reloads itself until the work has ended, then offers the
draft (or says why there is none). Rendered from the template alone: over HTTP with a real flow run, through
`phoihop serve`, in tests/cli/test_serve.py; without Prefect, in tests/portal/test_coordinator_pages.py."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from portal.pages.coordinator.consolidations import FINAL_STATES, REFRESH_SECONDS
from report.templating import environment


def rendered(state: str, label: str, draft: bool = False, message: str | None = None) -> str:
    consolidation = SimpleNamespace(
        id=7,
        period="2023-H1",
        state=state,
        state_label=label,
        requested_at=datetime(2023, 7, 1, 1, 30, tzinfo=UTC),
        requested_by="portal:coordinator",
        finished_at=datetime(2023, 7, 1, 1, 31, tzinfo=UTC) if state in FINAL_STATES else None,
        draft_available=draft,
        message=message,
    )
    template = environment().get_template("portal/coordinator/consolidation.html")
    return template.render(
        viewer=None, consolidation=consolidation, final=state in FINAL_STATES, refresh_seconds=REFRESH_SECONDS
    )


@pytest.mark.parametrize("state", ["scheduled", "running"])
def test_while_the_work_runs_the_page_reloads_itself_and_offers_no_draft(state: str) -> None:
    html = rendered(state, "Đang tổng hợp")
    assert f'data-refresh-seconds="{REFRESH_SECONDS}"' in html and "tự tải lại" in html
    assert "/draft" not in html and "08:30 ngày 01/07/2023" in html and "coordinator" in html


def test_once_completed_it_stops_reloading_and_offers_the_draft() -> None:
    html = rendered("completed", "Đã xong", draft=True)
    assert "data-refresh-seconds" not in html
    assert 'href="/coordinator/periods/2023-H1/draft"' in html and "Kết thúc lúc" in html


def test_a_failure_says_why_and_how_to_try_again() -> None:
    html = rendered("failed", "Không thành công", message="Không đọc được cơ sở dữ liệu.")
    assert "data-refresh-seconds" not in html and "/draft" not in html
    assert '<p class="problem" data-message>Không đọc được cơ sở dữ liệu.</p>' in html and "tổng hợp lại" in html
