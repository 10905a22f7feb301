"""A consolidation's life in the database: asked for (audited), running, completed or failed — and never back."""

import errno
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from agencies.errors import UserError
from agencies.states import ConsolidationState
from schema.consolidations import (
    ConsolidationView,
    attach_flow_run,
    consolidation_view,
    failure_message,
    latest_draft,
    mark_completed,
    mark_failed,
    mark_running,
    request_consolidation,
)
from schema.models import AuditEntry, Consolidation


def a_draft(folder: Path, name: str = "bao-cao-2023-H1.docx") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(b"docx")
    return path


def test_a_request_is_scheduled_and_audited_with_who_and_where(consolidable: Session) -> None:
    row = request_consolidation(consolidable, "2023-h1", "api:coordinator", "10.0.0.7")
    view = consolidation_view(consolidable, row.id)
    assert (view.period, view.state, view.state_label) == ("2023-H1", ConsolidationState.SCHEDULED, "Đang chờ chạy")
    assert (view.requested_by, view.finished_at, view.draft_available, view.message) == (
        "api:coordinator",
        None,
        False,
        None,
    )
    entry = consolidable.scalars(select(AuditEntry).where(AuditEntry.action == "consolidation_requested")).one()
    assert (entry.actor, entry.ip, entry.period_id, entry.detail) == (
        "api:coordinator",
        "10.0.0.7",
        "2023-H1",
        {"consolidation": row.id},
    )


@pytest.mark.parametrize(
    ("period", "code", "status"), [("2022-H1", "period_not_found", 404), ("2023-H9", "invalid_period_id", 422)]
)
def test_a_period_not_open_or_malformed_is_refused(loaded: Session, period: str, code: str, status: int) -> None:
    with pytest.raises(UserError) as caught:
        request_consolidation(loaded, period, "api:coordinator")
    assert (caught.value.code, caught.value.status, caught.value.field) == (code, status, "period")


def test_running_then_completed_with_its_draft(consolidable: Session, tmp_path: Path) -> None:
    row = request_consolidation(consolidable, "2023-H1", "t")
    assert attach_flow_run(consolidable, row.id, "f3b3c7e2-0000-4000-8000-000000000001").flow_run_id is not None
    assert mark_running(consolidable, row.id).state == ConsolidationState.RUNNING
    draft = a_draft(tmp_path)
    done = ConsolidationView.of(mark_completed(consolidable, row.id, str(draft)))
    assert (done.state, done.state_label, done.draft_available) == ("completed", "Đã lập dự thảo", True)
    assert done.finished_at is not None and done.finished_at >= done.requested_at
    assert latest_draft(consolidable, "2023-H1") == draft


def test_a_final_state_is_never_left(consolidable: Session, tmp_path: Path) -> None:
    row = request_consolidation(consolidable, "2023-H1", "t")
    failed = mark_failed(consolidable, row.id, "Lượt tổng hợp bị dừng giữa chừng.")
    assert mark_completed(consolidable, row.id, str(a_draft(tmp_path))).state == ConsolidationState.FAILED
    assert mark_running(consolidable, row.id).state == ConsolidationState.FAILED
    again = mark_failed(consolidable, row.id, "another reason")
    assert (again.message, again.finished_at) == ("Lượt tổng hợp bị dừng giữa chừng.", failed.finished_at)
    done = request_consolidation(consolidable, "2023-H1", "t")
    mark_completed(consolidable, done.id, str(a_draft(tmp_path)))
    assert mark_failed(consolidable, done.id, "late").state == ConsolidationState.COMPLETED


def test_a_period_with_no_valid_return_is_refused_and_nothing_is_kept(loaded: Session) -> None:
    with pytest.raises(UserError) as caught:
        request_consolidation(loaded, "2023-H1", "api:coordinator")
    assert (caught.value.code, caught.value.status) == ("nothing_to_consolidate", 409)
    assert "chưa có báo cáo hợp lệ nào trong 25 đơn vị" in caught.value.message
    assert loaded.scalars(select(AuditEntry).where(AuditEntry.action == "consolidation_requested")).all() == []
    assert loaded.scalars(select(Consolidation)).all() == []


def test_an_unknown_consolidation_is_404(loaded: Session) -> None:
    with pytest.raises(UserError) as caught:
        consolidation_view(loaded, 999)
    assert (caught.value.code, caught.value.status) == ("consolidation_not_found", 404)


def test_the_latest_completed_draft_that_still_exists(consolidable: Session, tmp_path: Path) -> None:
    with pytest.raises(UserError) as caught:
        latest_draft(consolidable, "2023-H1")
    assert (caught.value.code, caught.value.status, caught.value.field) == ("draft_not_ready", 404, "period")
    assert "Chưa có bản dự thảo báo cáo tổng hợp kỳ 2023-H1" in caught.value.message

    first, second, failed = (request_consolidation(consolidable, "2023-H1", "t") for _ in range(3))
    mark_completed(consolidable, first.id, str(a_draft(tmp_path / "1")))
    newest = a_draft(tmp_path / "2")
    mark_completed(consolidable, second.id, str(newest))
    mark_failed(consolidable, failed.id, "x")
    assert latest_draft(consolidable, "2023-H1") == newest
    newest.unlink()  # removed from the disk: the one before it is the latest there is
    assert latest_draft(consolidable, "2023-H1") == tmp_path / "1" / "bao-cao-2023-H1.docx"
    assert consolidation_view(consolidable, second.id).draft_available is False


def test_why_it_failed_is_said_in_vietnamese() -> None:
    refused = UserError("roster_not_loaded", "Chưa nạp danh sách đơn vị báo cáo: hãy chạy «phoihop init».")
    assert failure_message(refused) == refused.message
    unreachable = OperationalError("SELECT 1", {}, Exception("connection refused"))
    assert failure_message(unreachable).startswith("Không kết nối được cơ sở dữ liệu")
    in_the_way = NotADirectoryError(errno.ENOTDIR, "Not a directory", "/var/drafts/2023-H1/1")
    assert failure_message(in_the_way) == (
        "Không ghi được dự thảo vào «/var/drafts/2023-H1/1»: một phần của đường dẫn là tệp, không phải thư mục. "
        "Hãy báo quản trị viên kiểm tra thư mục dữ liệu (PHOIHOP_DATA_DIR), rồi tổng hợp lại."
    )
    assert failure_message(KeyError("x")).startswith("Tổng hợp không thành công do lỗi nội bộ (KeyError)")
