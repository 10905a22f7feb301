"""The consolidation flow, run for real under Prefect: draft, completeness table, link to the draft."""

import json
from datetime import date
from pathlib import Path
from types import SimpleNamespace

from openpyxl import load_workbook
from sqlalchemy.orm import Session

from agencies.roster import Roster
from agencies.samples import load_samples
from phoihop.demo import submit_samples
from report.annex import CHARTS, SENDERS
from schema.consolidations import STOPPED, consolidation_view, latest_draft, mark_running, request_consolidation
from tests.docx_reading import paragraphs, section
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
    assert draft == tmp_path / "bao-cao-2023-H1.docx"
    assert "169,75 triệu đồng" in section(draft, "2.1.")
    assert not any("Tổng hợp từ báo cáo của" in p for p in paragraphs(draft)), "the note is the coordinator's"
    annex = load_workbook(tmp_path / "phu-luc-2023-H1.xlsx")
    note = annex[SENDERS]["A2"].value
    assert note.startswith("Tổng hợp từ báo cáo của 23/25 cơ quan, đơn vị")
    assert "chưa nhận được báo cáo của: Chi cục Hải quan Hưng Yên, UBND huyện Ân Thi" in note
    charts = sorted(tmp_path.glob("bieu-do-2023-H1-*.png"))
    assert charts and len(annex[CHARTS]._images) == len(charts)

    table = read_artifact("completeness-2023-h1")
    assert "23/25" in table.description
    rows = {row["Đơn vị"]: row for row in json.loads(table.data)}
    assert rows["Chi cục Hải quan Hưng Yên"]["Trạng thái"] == "Chưa gửi"
    assert rows["UBND huyện Ân Thi"]["Trạng thái"] == "Chưa gửi"
    assert rows["Công an tỉnh Hưng Yên"]["Trạng thái"] == "Đã nhận" and rows["Công an tỉnh Hưng Yên"]["Phiên bản"] == 1
    link = read_artifact("draft-2023-h1")
    assert link.data.endswith("bao-cao-2023-H1.docx") or draft.name in link.data
    assert "phu-luc-2023-H1.xlsx" in read_artifact("annex-2023-h1").data


def test_a_consolidation_asked_for_is_noted_running_then_completed_with_its_draft(
    prefect_api: str, flow_database: str, loaded: Session, tmp_path: Path
) -> None:
    from flows.consolidate import consolidate

    row = request_consolidation(loaded, "2023-H1", "api:coordinator")
    draft = consolidate(period="2023-H1", out_dir=str(tmp_path / "1"), consolidation_id=row.id)
    loaded.expire_all()
    view = consolidation_view(loaded, row.id)
    assert (view.state, view.draft_available) == ("completed", True)
    assert latest_draft(loaded, "2023-H1") == Path(draft) == tmp_path / "1" / "bao-cao-2023-H1.docx"


def test_a_failed_consolidation_says_why_in_vietnamese(
    prefect_api: str, flow_database: str, loaded: Session, tmp_path: Path
) -> None:
    from flows.consolidate import consolidate

    (tmp_path / "drafts").write_text("a file where the drafts' folder should be")
    row = request_consolidation(loaded, "2023-H1", "api:coordinator")
    state = consolidate(
        period="2023-H1", out_dir=str(tmp_path / "drafts" / "1"), consolidation_id=row.id, return_state=True
    )
    assert state.is_failed()
    loaded.expire_all()
    view = consolidation_view(loaded, row.id)
    assert (view.state, view.state_label, view.draft_available) == ("failed", "Không thành công", False)
    assert view.message.startswith("Không ghi được dự thảo vào «") and "PHOIHOP_DATA_DIR" in view.message


def test_a_run_that_crashed_or_was_cancelled_leaves_its_consolidation_failed(
    flow_database: str, loaded: Session
) -> None:
    from flows.consolidate import consolidate, record_stop

    row = request_consolidation(loaded, "2023-H1", "api:coordinator")
    mark_running(loaded, row.id)
    assert record_stop in consolidate.on_crashed_hooks and record_stop in consolidate.on_cancellation_hooks
    record_stop(consolidate, SimpleNamespace(parameters={"period": "2023-H1", "consolidation_id": row.id}), None)
    record_stop(consolidate, SimpleNamespace(parameters={"period": "2023-H1"}), None)  # a run not asked from the portal
    loaded.expire_all()
    view = consolidation_view(loaded, row.id)
    assert (view.state, view.message) == ("failed", STOPPED)
