"""The drop folder: each file claimed once, kept, filed away with its sidecar — even with two runs at once."""

import os
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from agencies.roster import Roster
from schema.database import make_session_factory
from schema.inbox import PROCESSED, PROCESSING, REJECTED, claim_files, file_away, ingest_claimed
from schema.models import Return
from tests.factories import POLICE_FIGURES, blank_form, fill_form, filled_form


def process(inbox: Path, engine: Engine, roster: Roster) -> int:
    """What one collect run does, without Prefect: claim, keep, file away."""
    claimed = claim_files(inbox, roster)
    with make_session_factory(engine)() as session:
        for item, receipt in zip(claimed, ingest_claimed(session, roster, claimed), strict=True):
            file_away(item, receipt, inbox, roster)
    return len(claimed)


def test_a_mixed_folder_is_sorted_with_sidecars(
    loaded: Session, engine: Engine, roster: Roster, tmp_path: Path
) -> None:
    inbox = tmp_path / "inbox"
    (inbox / "customs").mkdir(parents=True)
    good = filled_form(roster, "police", figures=POLICE_FIGURES)
    (inbox / "CA tinh - bao cao 6 thang.xlsx").write_bytes(good)
    (inbox / "CA tinh - bao cao 6 thang (1).xlsx").write_bytes(good)  # the same attachment saved twice
    (inbox / "customs" / "hq.xlsx").write_bytes(
        fill_form(blank_form(roster, "customs"), figures={"violation_cases": 0})
    )
    (inbox / "scan.pdf").write_bytes(b"%PDF-1.4 scanned")
    (inbox / "loi.xlsx").write_bytes(filled_form(roster, "market-surveillance", figures={"violation_cases": "nhiều"}))

    assert process(inbox, engine, roster) == 5
    processed = sorted(p.name for p in (inbox / PROCESSED).iterdir())
    rejected = sorted(p.name for p in (inbox / REJECTED).iterdir())
    assert processed == sorted(
        f"{name}{suffix}"
        for name in ("CA tinh - bao cao 6 thang.xlsx", "CA tinh - bao cao 6 thang (1).xlsx", "hq.xlsx")
        for suffix in ("", ".txt", ".json")
    )
    assert rejected == sorted(
        f"{name}{suffix}" for name in ("scan.pdf", "loi.xlsx") for suffix in ("", ".txt", ".json")
    )
    assert [p.name for p in inbox.iterdir() if p.is_file()] == [] and not any((inbox / PROCESSING).iterdir())
    assert not any((inbox / "customs").iterdir())

    sidecars = {p.name: p.read_text(encoding="utf-8") for p in (inbox / PROCESSED).glob("*.txt")}
    texts = sorted(sidecars.values())
    assert sum("phiên bản 1" in t for t in texts) == 2 and sum("Trùng với tệp đã nhận" in t for t in texts) == 1
    assert "Chi cục Hải quan Hưng Yên" in sidecars["hq.xlsx.txt"]
    refusal = (inbox / REJECTED / "loi.xlsx.txt").read_text(encoding="utf-8")
    assert "Không hợp lệ (Cục Quản lý thị trường tỉnh Hưng Yên)" in refusal and "Trang «Số liệu», ô D" in refusal
    assert loaded.scalar(select(func.count()).select_from(Return)) == 4, "the duplicate makes no row"

    assert process(inbox, engine, roster) == 0, "a second run finds nothing new"


def test_two_runs_at_once_take_each_file_once(loaded: Session, engine: Engine, roster: Roster, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    agencies = [a.id for a in roster.agencies() if a.id.startswith("district-")]
    for i, agency in enumerate(agencies * 2):
        data = fill_form(blank_form(roster, agency), figures={"violation_cases": i})
        (inbox / f"{i:02d}-{agency}.xlsx").write_bytes(data)
    with ThreadPoolExecutor(max_workers=2) as pool:
        counts = list(pool.map(lambda _: process(inbox, engine, roster), range(2)))
    assert sum(counts) == 20
    assert len(list((inbox / PROCESSED).glob("*.xlsx"))) == 20
    loaded.expire_all()
    for agency in agencies:
        versions = loaded.scalars(select(Return.version).where(Return.agency_id == agency)).all()
        assert sorted(versions) == [1, 2], agency


def test_a_claim_left_by_a_dead_run_is_taken_again(
    loaded: Session, engine: Engine, roster: Roster, tmp_path: Path
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "hq.xlsx").write_bytes(fill_form(blank_form(roster, "customs"), figures={"violation_cases": 0}))
    (orphan,) = claim_files(inbox, roster)  # a run that claimed and died
    assert claim_files(inbox, roster) == [], "a fresh claim belongs to its run"
    old = time.time() - 3600
    os.utime(orphan.path, (old, old))
    assert process(inbox, engine, roster) == 1
    assert (inbox / PROCESSED / "hq.xlsx").exists()
