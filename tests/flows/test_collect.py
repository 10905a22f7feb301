"""The collect flow, run for real under Prefect on a drop folder of good and bad files, links, crashes,
a dead run's claims and a database that fails."""

import hashlib
import json
import os
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from agencies.file_safety import DEFAULT_LIMITS
from agencies.roster import Roster
from schema.database import make_engine, make_session_factory
from schema.inbox import PROCESSED, PROCESSING, REJECTED
from schema.models import Blob, PendingUpload, Return
from tests.drop_folder import (
    OVERFLOWING,
    Claimer,
    customs_return,
    drop,
    embedded_database,
    filed,
    inject_intake_bug,
    link_outside,
    outside_world,
    police_return,
)
from tests.factories import blank_form, fill_form, filled_form, left_by_a_killed_run
from tests.flows.artifacts import read_artifact


def count(session: Session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_collect_sorts_the_inbox_and_reports_per_agency(
    prefect_api: str, loaded: Session, roster: Roster, flow_database: str, tmp_path: Path, smtp_server, monkeypatch
) -> None:
    from flows.collect import collect

    server = smtp_server()
    for name, value in server.environment().items():
        monkeypatch.setenv(name, value)

    bad = filled_form(roster, "firm-vnpt", figures={"infrastructure_incidents": -2})
    inbox = drop(
        tmp_path / "inbox",
        {
            "police.xlsx": police_return(roster),
            "customs/hq.xlsx": customs_return(roster),
            "bao-cao.pdf": b"%PDF-1.4",
            "vnpt.xlsx": bad,
        },
    )

    left = left_by_a_killed_run(loaded, b"%PDF-1.4 sent through the API by a process that was killed")
    left_sha256 = left.sha256

    summary = collect(inbox=str(inbox))
    assert summary == {"files": 4, "accepted": 2, "rejected": 2, "left": 0}
    loaded.expunge_all()
    finished = loaded.scalars(select(Return).where(Return.sha256 == left_sha256)).one()  # a run finishes it first
    assert (finished.channel, finished.status) == ("api", "invalid") and count(loaded, PendingUpload) == 0
    assert filed(inbox / PROCESSED) == ["hq.xlsx", "police.xlsx"]
    assert filed(inbox / REJECTED) == ["bao-cao.pdf", "vnpt.xlsx"]
    loaded.expire_all()
    assert {r.channel for r in loaded.scalars(select(Return).where(Return.sha256 != left_sha256))} == {"folder"}
    assert loaded.get(Blob, json.loads((inbox / REJECTED / "vnpt.xlsx.json").read_text())["sha256"]).content == bad

    rows = json.loads(read_artifact("collect-inbox").data)
    by_file = {row["Tệp"]: row for row in rows}
    assert (
        by_file["police.xlsx"]["Đơn vị"] == "Công an tỉnh Hưng Yên"
        and by_file["police.xlsx"]["Kết quả"] == "Đã nhận, phiên bản 1"
    )
    assert by_file["vnpt.xlsx"]["Kết quả"] == "Không hợp lệ, 1 lỗi" and "số âm" in by_file["vnpt.xlsx"]["Lỗi"]
    assert by_file["bao-cao.pdf"]["Đơn vị"] == "(chưa xác định)"

    # each agency the files name is answered by mail, the recovered API upload too; a file naming none has nobody
    subjects = sorted((tuple(to), message["Subject"]) for to, message in server.inbox.messages)
    police, customs, vnpt = (tuple(roster.require_agency(a).emails) for a in ("police", "customs", "firm-vnpt"))
    assert subjects == sorted(
        [
            (police, "[phoihop] Biên nhận báo cáo kỳ 2023-H1, phiên bản 1"),
            (police, "[phoihop] Báo cáo không hợp lệ: 1 lỗi cần sửa"),
            (customs, "[phoihop] Biên nhận báo cáo kỳ 2023-H1, phiên bản 1"),
            (vnpt, "[phoihop] Báo cáo kỳ 2023-H1 không hợp lệ: 1 lỗi cần sửa"),
        ]
    )
    vnpt = server.inbox.to(roster.require_agency("firm-vnpt").emails[0])[0]
    assert "vnpt.xlsx" in vnpt.get_body(("plain",)).get_content() and "số âm" in vnpt.get_body(("plain",)).get_content()

    assert collect(inbox=str(inbox)) == {"files": 0, "accepted": 0, "rejected": 0, "left": 0}
    assert len(server.inbox.messages) == 4, "nothing mailed twice"


def test_collect_handles_each_file_on_its_own_and_never_leaves_the_inbox(
    prefect_api: str, loaded: Session, roster: Roster, flow_database: str, tmp_path: Path, monkeypatch
) -> None:
    """Links to the outside, a file that crashes the reader, a bug injected into the intake for one file
    (fault injection: the intake as the folder calls it raises for those bytes), and the claims of a
    run killed with SIGKILL — all in one run, beside good files that are accepted in that same run."""
    from flows.collect import collect

    outside = outside_world(tmp_path, secret=police_return(roster, accounts_removed=99), form=customs_return(roster, 1))
    district = fill_form(blank_form(roster, "district-khoai-chau"), figures={"violation_cases": 2})
    inbox = drop(tmp_path / "inbox", {"kc.xlsx": district})
    with Claimer(inbox) as dead:
        dead.go()
        assert [path.rpartition("/")[2] for path in dead.claimed()] == ["kc.xlsx"]
    links = link_outside(inbox, tmp_path / "outside")
    cursed = b"%PDF-1.4 cursed"
    inject_intake_bug(monkeypatch, cursed)
    drop(
        inbox,
        {
            "police/bao-cao-6-thang.xlsx": police_return(roster),
            "overflow.json": OVERFLOWING,
            "police/cursed.pdf": cursed,
        },
    )
    summary = collect(inbox=str(inbox))
    assert summary == {"files": 4 + len(links), "accepted": 2, "rejected": 2 + len(links), "left": 0}
    assert filed(inbox / PROCESSED) == ["bao-cao-6-thang.xlsx", "kc.xlsx"]
    assert filed(inbox / REJECTED) == sorted(["cursed.pdf", "overflow.json"] + [n.rpartition("/")[2] for n in links])
    assert list((inbox / PROCESSING).iterdir()) == [], "the dead run's folder and lock are gone, and this run's"
    assert {path: path.read_bytes() for path in outside} == outside, "outside, every file is where it was, unchanged"
    loaded.expire_all()
    digests = [hashlib.sha256(data).hexdigest() for data in outside.values()]
    assert loaded.scalars(select(Blob.sha256).where(Blob.sha256.in_(digests))).all() == []
    accepted = loaded.execute(select(Return.agency_id, Return.version).where(Return.status == "accepted"))
    assert sorted(tuple(row) for row in accepted) == [("district-khoai-chau", 1), ("police", 1)]

    rows = {row["Tệp"]: row for row in json.loads(read_artifact("collect-inbox").data)}
    assert sorted(rows) == sorted(
        ["bao-cao-6-thang.xlsx", "kc.xlsx", "cursed.pdf", "overflow.json"] + [n.rpartition("/")[2] for n in links]
    )
    assert rows["kc.xlsx"]["Đơn vị"] == "UBND huyện Khoái Châu" and rows["kc.xlsx"]["Kết quả"] == "Đã nhận, phiên bản 1"
    for name in (n.rpartition("/")[2] for n in links):
        assert rows[name]["Kết quả"] == "Bị từ chối" and "liên kết" in rows[name]["Lỗi"], name
    assert rows["tai-lieu"]["Đơn vị"] == "Công an tỉnh Hưng Yên", "a link in an agency folder is reported for it"
    assert rows["cursed.pdf"]["Kết quả"] == "Bị từ chối" and "lỗi nội bộ" in rows["cursed.pdf"]["Lỗi"]
    assert rows["overflow.json"]["Kết quả"].startswith(("Bị từ chối", "Không hợp lệ")) and rows["overflow.json"]["Lỗi"]


def test_collect_leaves_the_files_for_the_next_run_when_the_database_fails(
    prefect_api: str, roster: Roster, tmp_path: Path, monkeypatch
) -> None:
    """The fault is real: the embedded database opened read-only (SQLite's `mode=ro`), so the roster loads and
    every write fails. The keep task still retries three times, without the waits between tries."""
    import flows.collect
    from flows.collect import collect

    monkeypatch.setattr(flows.collect, "keep_file", flows.collect.keep_file.with_options(retry_delay_seconds=0))
    path = tmp_path / "db" / "phoihop.db"
    url = embedded_database(path, roster)
    inbox = drop(tmp_path / "inbox", {"customs/hq.xlsx": customs_return(roster), "police.xlsx": police_return(roster)})

    monkeypatch.setenv("PHOIHOP_DATABASE_URL", f"sqlite:///file:{path}?mode=ro&uri=true")
    left = collect(inbox=str(inbox))
    assert left == {"files": 2, "accepted": 0, "rejected": 0, "left": 2}
    rows = json.loads(read_artifact("collect-inbox").data)
    assert {row["Tệp"]: row["Kết quả"] for row in rows} == dict.fromkeys(
        ["hq.xlsx", "police.xlsx"], "Chưa xử lý xong; lần chạy sau sẽ xử lý lại"
    )
    assert filed(inbox / PROCESSED) == filed(inbox / REJECTED) == []
    assert sorted(p.name for p in (inbox / PROCESSING).glob("*/*/*")) == ["hq.xlsx", "police.xlsx"]

    monkeypatch.setenv("PHOIHOP_DATABASE_URL", url)
    assert collect(inbox=str(inbox)) == {"files": 2, "accepted": 2, "rejected": 0, "left": 0}
    assert filed(inbox / PROCESSED) == ["hq.xlsx", "police.xlsx"] and list((inbox / PROCESSING).iterdir()) == []
    engine = make_engine(url)
    with make_session_factory(engine)() as session:
        assert sorted(tuple(r) for r in session.execute(select(Return.agency_id, Return.version))) == [
            ("customs", 1),
            ("police", 1),
        ]
        assert session.scalar(select(func.count()).select_from(Blob)) == 2
    engine.dispose()


def test_collect_files_names_that_are_not_utf8_and_refuses_a_file_too_large_to_read(
    prefect_api: str, loaded: Session, roster: Roster, flow_database: str, tmp_path: Path
) -> None:
    """Names of raw bytes and Latin-1 beside a good file, and a sparse file past `Limits.unread_past`: each filed
    once in one run (no retries, nothing left claimed), shown printably in the artifact; a second run adds nothing."""
    from flows.collect import collect

    inbox = drop(tmp_path / "inbox", {"police.xlsx": police_return(roster)})
    (inbox / os.fsdecode(b"\xff\xfe.json")).write_bytes(b"%PDF-1.4")
    (inbox / os.fsdecode("été.xlsx".encode("latin-1"))).write_bytes(customs_return(roster))
    with open(inbox / "anh-chup.xlsx", "wb") as big:
        big.truncate(DEFAULT_LIMITS.unread_past + 1)

    assert collect(inbox=str(inbox)) == {"files": 4, "accepted": 2, "rejected": 2, "left": 0}
    assert list((inbox / PROCESSING).iterdir()) == []
    assert filed(inbox / PROCESSED) == sorted(["police.xlsx", os.fsdecode("été.xlsx".encode("latin-1"))])
    assert filed(inbox / REJECTED) == sorted(["anh-chup.xlsx", os.fsdecode(b"\xff\xfe.json")])
    rows = {row["Tệp"]: row for row in json.loads(read_artifact("collect-inbox").data)}
    assert sorted(rows) == sorted(["police.xlsx", "anh-chup.xlsx", "\ufffd\ufffd.json", "\ufffdt\ufffd.xlsx"])
    assert rows["\ufffdt\ufffd.xlsx"]["Kết quả"] == "Đã nhận, phiên bản 1"
    assert rows["anh-chup.xlsx"]["Kết quả"] == "Bị từ chối" and "vượt giới hạn 20 MB" in rows["anh-chup.xlsx"]["Lỗi"]
    loaded.expire_all()
    assert max(loaded.scalars(select(func.length(Blob.content)))) < DEFAULT_LIMITS.max_bytes, "the large file unread"

    before = sorted(os.listdir(inbox / PROCESSED) + os.listdir(inbox / REJECTED))
    assert collect(inbox=str(inbox)) == {"files": 0, "accepted": 0, "rejected": 0, "left": 0}
    assert sorted(os.listdir(inbox / PROCESSED) + os.listdir(inbox / REJECTED)) == before
