"""The collect flow, run for real under Prefect on a drop folder of good and bad files."""

import json
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from agencies.roster import Roster
from schema.inbox import PROCESSED, REJECTED
from schema.models import Blob, Return
from tests.factories import POLICE_FIGURES, blank_form, fill_form, filled_form
from tests.flows.artifacts import read_artifact


def test_collect_sorts_the_inbox_and_reports_per_agency(
    prefect_api: None, loaded: Session, roster: Roster, database_url: str, tmp_path: Path
) -> None:
    from flows.collect import collect

    inbox = tmp_path / "inbox"
    (inbox / "customs").mkdir(parents=True)
    (inbox / "police.xlsx").write_bytes(filled_form(roster, "police", figures=POLICE_FIGURES))
    (inbox / "customs" / "hq.xlsx").write_bytes(
        fill_form(blank_form(roster, "customs"), figures={"violation_cases": 0})
    )
    (inbox / "bao-cao.pdf").write_bytes(b"%PDF-1.4")
    bad = filled_form(roster, "firm-vnpt", figures={"infrastructure_incidents": -2})
    (inbox / "vnpt.xlsx").write_bytes(bad)

    summary = collect(inbox=str(inbox), database_url=database_url)
    assert summary == {"files": 4, "accepted": 2, "rejected": 2}
    assert sorted(p.name for p in (inbox / PROCESSED).glob("*.xlsx")) == ["hq.xlsx", "police.xlsx"]
    assert sorted(p.name for p in (inbox / REJECTED).iterdir() if not p.name.endswith((".txt", ".json"))) == [
        "bao-cao.pdf",
        "vnpt.xlsx",
    ]
    loaded.expire_all()
    assert {r.channel for r in loaded.scalars(select(Return))} == {"folder"}
    assert loaded.get(Blob, json.loads((inbox / REJECTED / "vnpt.xlsx.json").read_text())["sha256"]).content == bad

    rows = json.loads(read_artifact("collect-inbox").data)
    by_file = {row["Tệp"]: row for row in rows}
    assert (
        by_file["police.xlsx"]["Đơn vị"] == "Công an tỉnh Hưng Yên"
        and by_file["police.xlsx"]["Kết quả"] == "Đã nhận, phiên bản 1"
    )
    assert by_file["vnpt.xlsx"]["Kết quả"] == "Không hợp lệ" and "số âm" in by_file["vnpt.xlsx"]["Lỗi"]
    assert by_file["bao-cao.pdf"]["Đơn vị"] == "(chưa xác định)"

    assert collect(inbox=str(inbox), database_url=database_url) == {"files": 0, "accepted": 0, "rejected": 0}
