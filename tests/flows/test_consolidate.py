"""The consolidation flow, run for real under Prefect: draft, completeness table, link to the draft."""

import json
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from agencies.errors import UserError
from agencies.roster import Roster
from agencies.samples import load_samples
from phoihop.demo import submit_samples
from report.annex import CHARTS, SENDERS
from schema.consolidations import STOPPED, consolidation_view, latest_draft, mark_running, request_consolidation
from schema.intake import submit_return
from tests.docx_reading import paragraphs, section
from tests.factories import POLICE_FIGURES, filled_form
from tests.flows.artifacts import read_artifact


def test_the_flow_drafts_and_reports_who_is_missing(
    prefect_api: str, flow_database: str, loaded: Session, roster: Roster, tmp_path: Path
) -> None:
    from flows.consolidate import consolidate

    samples = load_samples()
    partial = samples.model_copy(
        update={"returns": {k: v for k, v in samples.returns.items() if k not in {"customs", "district-an-thi"}}}
    )
    submit_samples(loaded, roster, partial, "test")
    state = consolidate(
        period="2023-H1",
        out_dir=str(tmp_path),
        report_date=date(2023, 7, 5),
        return_state=True,
    )
    assert state.is_completed()
    draft = Path(state.result())
    assert draft == tmp_path / "bao-cao-2023-H1-v1.docx"
    assert "169,75 triệu đồng" in section(draft, "2.1.")
    assert not any("Tổng hợp từ báo cáo của" in p for p in paragraphs(draft)), "the note is the coordinator's"
    annex = load_workbook(tmp_path / "phu-luc-2023-H1-v1.xlsx")
    note = annex[SENDERS]["A2"].value
    assert note.startswith("Tổng hợp từ báo cáo của 23/25 cơ quan, đơn vị")
    assert "chưa nhận được báo cáo của: Chi cục Hải quan Hưng Yên, UBND huyện Ân Thi" in note
    charts = sorted(tmp_path.glob("bieu-do-2023-H1-v1-*.png"))
    assert charts and len(annex[CHARTS]._images) == len(charts)

    table = read_artifact("completeness-2023-h1")
    assert "23/25" in table.description
    rows = {row["Đơn vị"]: row for row in json.loads(table.data)}
    assert rows["Chi cục Hải quan Hưng Yên"]["Trạng thái"] == "Chưa gửi"
    assert rows["UBND huyện Ân Thi"]["Trạng thái"] == "Chưa gửi"
    assert rows["Công an tỉnh Hưng Yên"]["Trạng thái"] == "Đã nhận" and rows["Công an tỉnh Hưng Yên"]["Phiên bản"] == 1
    link = read_artifact("draft-2023-h1")
    assert link.data.endswith("bao-cao-2023-H1-v1.docx)")
    assert "phu-luc-2023-H1-v1.xlsx" in read_artifact("annex-2023-h1").data


def test_a_consolidation_asked_for_is_noted_running_then_completed_with_its_draft(
    prefect_api: str, flow_database: str, consolidable: Session, tmp_path: Path
) -> None:
    from flows.consolidate import consolidate

    row = request_consolidation(consolidable, "2023-H1", "api:coordinator")
    draft = consolidate(period="2023-H1", out_dir=str(tmp_path / "1"), consolidation_id=row.id)
    consolidable.expire_all()
    view = consolidation_view(consolidable, row.id)
    assert (view.state, view.draft_available) == ("completed", True)
    assert latest_draft(consolidable, "2023-H1") == Path(draft) == tmp_path / "1" / "bao-cao-2023-H1-v1.docx"


def test_a_failed_consolidation_says_why_in_vietnamese(
    prefect_api: str, flow_database: str, consolidable: Session, tmp_path: Path
) -> None:
    from flows.consolidate import consolidate

    (tmp_path / "drafts").write_text("a file where the drafts' folder should be")
    row = request_consolidation(consolidable, "2023-H1", "api:coordinator")
    state = consolidate(
        period="2023-H1", out_dir=str(tmp_path / "drafts" / "1"), consolidation_id=row.id, return_state=True
    )
    assert state.is_failed()
    consolidable.expire_all()
    view = consolidation_view(consolidable, row.id)
    assert (view.state, view.state_label, view.draft_available) == ("failed", "Không thành công", False)
    assert view.message.startswith("Không ghi được dự thảo vào «") and "PHOIHOP_DATA_DIR" in view.message


def test_a_run_that_crashed_or_was_cancelled_leaves_its_consolidation_failed(
    flow_database: str, consolidable: Session
) -> None:
    from flows.consolidate import consolidate, record_stop

    row = request_consolidation(consolidable, "2023-H1", "api:coordinator")
    mark_running(consolidable, row.id)
    assert record_stop in consolidate.on_crashed_hooks and record_stop in consolidate.on_cancellation_hooks
    record_stop(consolidate, SimpleNamespace(parameters={"period": "2023-H1", "consolidation_id": row.id}), None)
    record_stop(consolidate, SimpleNamespace(parameters={"period": "2023-H1"}), None)  # a run not asked from the portal
    consolidable.expire_all()
    view = consolidation_view(consolidable, row.id)
    assert (view.state, view.message) == ("failed", STOPPED)


def test_a_run_of_a_period_with_no_valid_return_fails_with_the_reason_and_writes_nothing(
    prefect_api: str, flow_database: str, loaded: Session, tmp_path: Path
) -> None:
    """As started from Prefect's UI, where neither the command nor the portal has checked the period first."""
    from flows.consolidate import consolidate

    state = consolidate(period="2023-H1", out_dir=str(tmp_path), return_state=True)
    assert state.is_failed()
    with pytest.raises(UserError) as caught:
        state.result()
    assert caught.value.code == "nothing_to_consolidate"
    assert caught.value.message.startswith("Kỳ 2023-H1 chưa có báo cáo hợp lệ nào trong 25 đơn vị phải báo cáo")
    assert [p.name for p in tmp_path.iterdir()] == [".bao-cao-2023-H1.lock"], "no draft: only the lock it waited on"
    assert "0/25" in read_artifact("completeness-2023-h1").description


def test_the_artifacts_name_the_latest_version_and_what_changed_since_the_one_before(
    prefect_api: str, flow_database: str, consolidable: Session, roster: Roster, tmp_path: Path
) -> None:
    from flows.consolidate import consolidate

    first = Path(consolidate(period="2023-H1", out_dir=str(tmp_path), report_date=date(2023, 7, 5)))
    corrected = filled_form(
        roster, "police", figures={**POLICE_FIGURES, "gambling_information": 9, "harmful_content_cases": 24}
    )
    assert submit_return(consolidable, roster, corrected, channel="cli", actor="test", agency_id="police").accepted
    second = Path(consolidate(period="2023-H1", out_dir=str(tmp_path), report_date=date(2023, 7, 5)))

    assert (first.name, second.name) == ("bao-cao-2023-H1-v1.docx", "bao-cao-2023-H1-v2.docx")
    assert first.exists() and paragraphs(first) != paragraphs(second)
    link = read_artifact("draft-2023-h1")
    assert link.data.endswith("/bao-cao-2023-H1-v2.docx)")
    assert link.description.endswith("phiên bản 2 (bản mới nhất)")
    changes = read_artifact("draft-changes-2023-h1").data.splitlines()
    assert changes[0] == "So với phiên bản 1:"
    assert [line for line in changes if "2.1. Công an tỉnh" in line] == [
        "- 2.1. Công an tỉnh — Tổng số trường hợp đăng tải nội dung xấu độc được phát hiện: "
        "22 trường hợp → 24 trường hợp;",
        "- 2.1. Công an tỉnh — Trong đó: cung cấp, chia sẻ thông tin đánh bạc, phục vụ đánh bạc: "
        "7 trường hợp → 9 trường hợp;",
    ], changes
    assert "- báo cáo đã được gửi lại: Công an tỉnh Hưng Yên (phiên bản 1 → 2);" in changes
