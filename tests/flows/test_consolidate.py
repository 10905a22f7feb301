"""The consolidation flow, run for real under Prefect: draft, completeness table, link to the draft."""

import json
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from agencies.roster import Roster
from agencies.samples import load_samples
from phoihop.demo import submit_samples
from tests.docx_reading import paragraphs, section
from tests.flows.artifacts import read_artifact


def test_the_flow_drafts_and_reports_who_is_missing(
    prefect_api: None, flow_database: str, loaded: Session, roster: Roster, tmp_path: Path
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
    assert any(
        "chưa nhận được báo cáo của: Chi cục Hải quan Hưng Yên, UBND huyện Ân Thi" in p for p in paragraphs(draft)
    )

    table = read_artifact("completeness-2023-h1")
    assert "23/25" in table.description
    rows = {row["Đơn vị"]: row for row in json.loads(table.data)}
    assert rows["Chi cục Hải quan Hưng Yên"]["Trạng thái"] == "Chưa gửi"
    assert rows["UBND huyện Ân Thi"]["Trạng thái"] == "Chưa gửi"
    assert rows["Công an tỉnh Hưng Yên"]["Trạng thái"] == "Đã nhận" and rows["Công an tỉnh Hưng Yên"]["Phiên bản"] == 1
    link = read_artifact("draft-2023-h1")
    assert link.data.endswith("bao-cao-2023-H1.docx") or draft.name in link.data
