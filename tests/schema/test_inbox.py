"""The drop folder: each file claimed once, kept, filed away with its sidecar — with two runs at once,
links pointing outside, a file that crashes the reader, a run killed mid-way and a database that fails."""

import hashlib
import json
import logging
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from agencies.errors import UserError
from agencies.file_safety import DEFAULT_LIMITS, Limits
from agencies.roster import Roster
from report.templating import render
from schema.database import make_engine, make_session_factory
from schema.filing import Outcome, keep_claimed
from schema.inbox import PROCESSED, PROCESSING, REJECTED, InboxRun, claim_files
from schema.intake import submit_return
from schema.models import Blob, Return
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
from tests.factories import blank_form, fill_form, filled_form
from tests.small_disk import fill, small_disk


def process(inbox: Path, engine: Engine, roster: Roster) -> list[Outcome]:
    """What one collect run does, without Prefect: hold the folder, claim, keep and file away each file."""
    with InboxRun(inbox) as run, make_session_factory(engine)() as session:
        return [keep_claimed(session, roster, run, item, render) for item in claim_files(run, roster)]


def sidecar(path: Path) -> tuple[str, dict]:
    return path.with_name(path.name + ".txt").read_text(encoding="utf-8"), json.loads(
        path.with_name(path.name + ".json").read_text(encoding="utf-8")
    )


def nothing_claimed(inbox: Path) -> bool:
    return list((inbox / PROCESSING).iterdir()) == []


def test_a_mixed_folder_is_sorted_with_sidecars(
    loaded: Session, engine: Engine, roster: Roster, tmp_path: Path
) -> None:
    good = police_return(roster)
    inbox = drop(
        tmp_path / "inbox",
        {
            "CA tinh - bao cao 6 thang.xlsx": good,
            "CA tinh - bao cao 6 thang (1).xlsx": good,  # the same attachment saved twice
            "customs/hq.xlsx": customs_return(roster),
            "scan.pdf": b"%PDF-1.4 scanned",
            "loi.xlsx": filled_form(roster, "market-surveillance", figures={"violation_cases": "nhiều"}),
        },
    )

    assert len(process(inbox, engine, roster)) == 5
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
    assert [p.name for p in inbox.iterdir() if p.is_file()] == [] and nothing_claimed(inbox)
    assert not any((inbox / "customs").iterdir())

    sidecars = {p.name: p.read_text(encoding="utf-8") for p in (inbox / PROCESSED).glob("*.txt")}
    texts = sorted(sidecars.values())
    assert sum("\nĐã nhận báo cáo" in t and "phiên bản 1" in t for t in texts) == 2
    assert sum("\nTrùng với tệp đã nhận" in t for t in texts) == 1
    assert "Chi cục Hải quan Hưng Yên" in sidecars["hq.xlsx.txt"]
    refusal = (inbox / REJECTED / "loi.xlsx.txt").read_text(encoding="utf-8")
    assert "Không hợp lệ, 1 lỗi cần sửa (báo cáo của Cục Quản lý thị trường tỉnh Hưng Yên" in refusal
    assert "Trang «Số liệu», ô D" in refusal
    assert loaded.scalar(select(func.count()).select_from(Return)) == 4, "the duplicate makes no row"

    assert process(inbox, engine, roster) == [], "a second run finds nothing new"


def test_two_runs_at_once_take_each_file_once(loaded: Session, engine: Engine, roster: Roster, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    agencies = [a.id for a in roster.agencies() if a.id.startswith("district-")]
    for i, agency in enumerate(agencies * 2):
        data = fill_form(blank_form(roster, agency), figures={"violation_cases": i})
        (inbox / f"{i:02d}-{agency}.xlsx").write_bytes(data)
    with ThreadPoolExecutor(max_workers=2) as pool:
        counts = list(pool.map(lambda _: len(process(inbox, engine, roster)), range(2)))
    assert sum(counts) == 20
    assert len(list((inbox / PROCESSED).glob("*.xlsx"))) == 20
    loaded.expire_all()
    for agency in agencies:
        versions = loaded.scalars(select(Return.version).where(Return.agency_id == agency)).all()
        assert sorted(versions) == [1, 2], agency


def test_a_file_listed_by_one_run_and_taken_by_another_is_not_taken_again(roster: Roster, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for i in range(5):
        (inbox / f"{i}.xlsx").write_bytes(b"x")
    with InboxRun(inbox) as slow, InboxRun(inbox) as fast:
        listed = sorted(os.listdir(inbox))  # what the slow run saw before the fast one took it all
        assert len(claim_files(fast, roster)) == 5
        assert [slow.take(slow.fds["inbox"], name, None) for name in listed if name.endswith(".xlsx")] == [None] * 5
        assert os.listdir(slow.path) == []


def test_two_claiming_processes_take_each_file_once_and_their_claims_outlive_them_once(
    roster: Roster, tmp_path: Path
) -> None:
    """Two real processes claim at the same moment, hold their claims, and are killed with SIGKILL."""
    inbox = tmp_path / "inbox"
    (inbox / "customs").mkdir(parents=True)
    dropped = {f"r{i:03d}.xlsx" for i in range(150)} | {f"customs/c{i:03d}.xlsx" for i in range(150)}
    for name in dropped:
        (inbox / name).write_bytes(name.encode())
    with Claimer(inbox) as first, Claimer(inbox) as second:
        first.go()
        second.go()
        taken = [[path.rpartition("/")[2] for path in c.claimed()] for c in (first, second)]
        assert sorted(taken[0] + taken[1]) == sorted(name.rpartition("/")[2] for name in dropped), "each file once"
        with InboxRun(inbox) as run:
            assert claim_files(run, roster) == [], "the claims of live runs are theirs"

    with InboxRun(inbox) as run:
        adopted = claim_files(run, roster)
        assert sorted(item.name for item in adopted) == sorted(name.rpartition("/")[2] for name in dropped)
        assert {(item.name[0], item.agency_hint) for item in adopted} == {("r", None), ("c", "customs")}
        assert all(item.path.read_bytes().endswith(item.name.encode()) for item in adopted)
        assert sorted(p.name for p in (inbox / PROCESSING).iterdir()) == [run.id, run.id + ".lock"]
        with InboxRun(inbox) as other:
            assert claim_files(other, roster) == [], "adopted once"


def test_a_run_killed_mid_way_leaves_its_files_to_the_next_run_which_keeps_each_once(
    loaded: Session, engine: Engine, roster: Roster, tmp_path: Path
) -> None:
    police = police_return(roster)
    inbox = drop(tmp_path / "inbox", {"police.xlsx": police, "customs/hq.xlsx": customs_return(roster, 3)})
    with Claimer(inbox) as dead:
        dead.go()
        assert len(dead.claimed()) == 2
        with make_session_factory(engine)() as session:  # it kept the police file, and died before filing it away
            submit_return(session, roster, police, channel="folder", actor="collect", filename="police.xlsx")

    outcomes = process(inbox, engine, roster)
    assert sorted((o.name, o.agency_id, o.status) for o in outcomes) == [
        ("hq.xlsx", "customs", "accepted"),
        ("police.xlsx", "police", "duplicate"),
    ]
    assert filed(inbox / PROCESSED) == ["hq.xlsx", "police.xlsx"] and nothing_claimed(inbox)
    loaded.expire_all()
    assert sorted(tuple(r) for r in loaded.execute(select(Return.agency_id, Return.version))) == [
        ("customs", 1),
        ("police", 1),
    ]
    assert process(inbox, engine, roster) == []


def test_claims_of_the_layout_before_run_folders_are_adopted(
    loaded: Session, engine: Engine, roster: Roster, tmp_path: Path
) -> None:
    drop(
        tmp_path / "inbox" / PROCESSING,
        {
            "5f0c9e0c2f8a4f7e9d3b1a2c4e6f8a0b__customs__hq.xlsx": customs_return(roster),
            "77a1__police__a__b.xlsx": b"%PDF",
        },
    )
    outcomes = process(tmp_path / "inbox", engine, roster)
    assert sorted((o.name, o.agency_id, o.status) for o in outcomes) == [
        ("a__b.xlsx", "police", "invalid"),
        ("hq.xlsx", "customs", "accepted"),
    ]
    assert nothing_claimed(tmp_path / "inbox")


def test_links_are_refused_unread_and_nothing_outside_is_read_or_moved(
    loaded: Session, engine: Engine, roster: Roster, tmp_path: Path
) -> None:
    outside = outside_world(tmp_path, secret=police_return(roster, accounts_removed=99), form=customs_return(roster, 1))
    inbox = tmp_path / "inbox"
    links = link_outside(inbox, tmp_path / "outside")
    os.mkfifo(inbox / "pipe.xlsx")

    outcomes = process(inbox, engine, roster)
    assert sorted(o.name for o in outcomes) == sorted([name.rpartition("/")[2] for name in links] + ["pipe.xlsx"])
    assert {o.status for o in outcomes} == {"refused"}
    assert filed(inbox / PROCESSED) == [] and nothing_claimed(inbox)
    for name in ("secret.xlsx", "customs", "bao-cao.xlsx", "tai-lieu"):
        link = inbox / REJECTED / name
        assert link.is_symlink(), "the link itself is filed away, not what it points to"
        text, document = sidecar(link)
        assert "liên kết" in text and "Hãy lưu chính tệp đính kèm" in text
        assert [p["code"] for p in document["problems"]] == ["link_not_accepted"] and document["sha256"] is None
    assert sidecar(inbox / REJECTED / "pipe.xlsx")[1]["problems"][0]["code"] == "not_a_regular_file"
    assert {path: path.read_bytes() for path in outside} == outside, "outside, every file is where it was, unchanged"
    loaded.expire_all()
    digests = [hashlib.sha256(data).hexdigest() for data in outside.values()]
    assert loaded.scalar(select(func.count()).select_from(Return)) == 0
    assert loaded.scalars(select(Blob.sha256).where(Blob.sha256.in_(digests))).all() == []


@pytest.mark.parametrize("folder", [PROCESSED, REJECTED, PROCESSING])
def test_a_folder_of_the_inbox_own_that_is_a_link_stops_the_run_before_anything_moves(
    roster: Roster, tmp_path: Path, folder: str
) -> None:
    inbox, outside = tmp_path / "inbox", tmp_path / "outside"
    inbox.mkdir()
    outside.mkdir()
    (inbox / folder).symlink_to(outside)
    (inbox / "hq.xlsx").write_bytes(b"x")
    with pytest.raises(UserError) as refused:
        InboxRun(inbox).__enter__()
    assert refused.value.code == "inbox_unusable" and "không phải là một thư mục thật" in refused.value.message
    assert list(outside.iterdir()) == [] and (inbox / "hq.xlsx").read_bytes() == b"x"


def test_a_file_that_crashes_the_reader_is_rejected_and_the_one_beside_it_accepted(
    loaded: Session, engine: Engine, roster: Roster, tmp_path: Path
) -> None:
    inbox = drop(tmp_path / "inbox", {"a-overflow.json": OVERFLOWING, "b-police.xlsx": police_return(roster)})
    outcomes = process(inbox, engine, roster)
    assert [(o.name, o.accepted) for o in outcomes] == [("a-overflow.json", False), ("b-police.xlsx", True)]
    assert filed(inbox / PROCESSED) == ["b-police.xlsx"] and filed(inbox / REJECTED) == ["a-overflow.json"]
    text, document = sidecar(inbox / REJECTED / "a-overflow.json")
    assert text.startswith("Tệp: a-overflow.json\n") and document["problems"] and nothing_claimed(inbox)
    assert document["sha256"] == hashlib.sha256(OVERFLOWING).hexdigest()


def test_an_intake_bug_files_the_file_as_an_internal_error_and_the_others_go_on(
    loaded: Session, engine: Engine, roster: Roster, tmp_path: Path, monkeypatch, caplog
) -> None:
    """Fault injection: the intake, as the drop folder calls it, raises for one file's bytes (as any bug may)."""
    cursed = b"%PDF-1.4 cursed"
    inject_intake_bug(monkeypatch, cursed)
    inbox = drop(
        tmp_path / "inbox",
        {"a.xlsx": customs_return(roster), "police/b.pdf": cursed, "police/c.xlsx": police_return(roster)},
    )
    with caplog.at_level(logging.ERROR, logger="schema.filing"):
        outcomes = process(inbox, engine, roster)
    assert [(o.name, o.status) for o in outcomes] == [
        ("a.xlsx", "accepted"),
        ("b.pdf", "refused"),
        ("c.xlsx", "accepted"),
    ]
    text, document = sidecar(inbox / REJECTED / "b.pdf")
    assert "lỗi nội bộ" in text and "(internal_error)" in text
    assert document["status"] == "refused" and document["agency"] == "police" and document["receipt"] is None
    assert [p["code"] for p in document["problems"]] == ["internal_error"]
    assert document["sha256"] == hashlib.sha256(cursed).hexdigest()
    (record,) = caplog.records
    assert "b.pdf" in record.getMessage() and "RecursionError" in caplog.text and "Traceback" in caplog.text
    assert filed(inbox / PROCESSED) == ["a.xlsx", "c.xlsx"] and nothing_claimed(inbox)


def test_a_database_fault_leaves_the_file_claimed_for_the_next_run(roster: Roster, tmp_path: Path) -> None:
    """The fault is real: the embedded database opened read-only (SQLite's `mode=ro`), so every write fails."""
    path = tmp_path / "db" / "phoihop.db"
    url = embedded_database(path, roster)
    inbox = drop(tmp_path / "inbox", {"hq.xlsx": customs_return(roster)})

    read_only = make_engine(f"sqlite:///file:{path}?mode=ro&uri=true")
    with InboxRun(inbox) as run, make_session_factory(read_only)() as session:
        (item,) = claim_files(run, roster)
        with pytest.raises(OperationalError, match="readonly"):
            keep_claimed(session, roster, run, item, render)
        assert item.path.exists()
    read_only.dispose()
    assert filed(inbox / PROCESSED) == filed(inbox / REJECTED) == [] and not nothing_claimed(inbox)

    engine = make_engine(url)
    (outcome,) = process(inbox, engine, roster)
    assert (outcome.name, outcome.status, outcome.receipt and outcome.receipt.version) == ("hq.xlsx", "accepted", 1)
    assert filed(inbox / PROCESSED) == ["hq.xlsx"] and nothing_claimed(inbox)
    engine.dispose()


@pytest.mark.parametrize(("length", "kept"), [(250, 250), (251, 250)])
def test_a_long_name_is_filed_with_room_for_its_sidecars(
    loaded: Session, engine: Engine, roster: Roster, tmp_path: Path, length: int, kept: int
) -> None:
    name = "b" * (length - len(".pdf")) + ".pdf"
    inbox = drop(tmp_path / "inbox", {name: b"%PDF-1.4"})
    (outcome,) = process(inbox, engine, roster)
    assert outcome.filed is not None and len(outcome.filed.name) == kept and outcome.filed.name.endswith(".pdf")
    assert sidecar(outcome.filed)[1]["file"] == name


def test_names_that_are_not_utf8_are_filed_once_under_their_own_bytes_with_readable_sidecars(
    loaded: Session, engine: Engine, roster: Roster, tmp_path: Path
) -> None:
    """A name of raw bytes (`\\xff\\xfe.json`) and `été.json` saved in Latin-1: the file keeps its bytes on disk;
    every text about it (the intake's name, the sidecars) shows it printably."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    bytes_named, latin1_named = b"\xff\xfe.json", "été.json".encode("latin-1")
    for name, data in ((bytes_named, b"%PDF-1.4"), (latin1_named, customs_return(roster))):
        (inbox / os.fsdecode(name)).write_bytes(data)
    (inbox / "police.xlsx").write_bytes(police_return(roster))

    outcomes = process(inbox, engine, roster)
    assert {o.name: o.status for o in outcomes} == {
        "police.xlsx": "accepted",
        "\ufffd\ufffd.json": "invalid",
        "\ufffdt\ufffd.json": "accepted",
    }
    assert filed(inbox / PROCESSED) == sorted(["police.xlsx", os.fsdecode(latin1_named)])
    assert filed(inbox / REJECTED) == [os.fsdecode(bytes_named)]
    assert nothing_claimed(inbox)
    for folder, name, shown in (
        (REJECTED, bytes_named, "\ufffd\ufffd.json"),
        (PROCESSED, latin1_named, "\ufffdt\ufffd.json"),
    ):
        text, document = sidecar(inbox / folder / os.fsdecode(name))
        assert text.startswith(f"Tệp: {shown}\n") and document["file"] == shown
    assert (inbox / REJECTED / os.fsdecode(bytes_named)).read_bytes() == b"%PDF-1.4"
    loaded.expire_all()
    assert set(loaded.scalars(select(Return.filename))) == {o.name for o in outcomes}, "the intake records them so"

    before = {folder: sorted(os.listdir(inbox / folder)) for folder in (PROCESSED, REJECTED)}
    assert process(inbox, engine, roster) == [], "a second run finds nothing new"
    assert {folder: sorted(os.listdir(inbox / folder)) for folder in (PROCESSED, REJECTED)} == before
    assert nothing_claimed(inbox)


def test_a_sidecar_the_full_disk_refuses_leaves_nothing_half_written(
    loaded: Session, engine: Engine, roster: Roster, tmp_path: Path
) -> None:
    """A real full disk (a small tmpfs) under the inbox: the sidecar cannot be written, the file stays claimed and
    no empty sidecar is left to push the file, once space is back, to another name."""
    with small_disk(tmp_path / "disk", megabytes=1) as disk:
        inbox = drop(disk / "inbox", {"scan.pdf": b"%PDF-1.4"})
        with InboxRun(inbox) as run, make_session_factory(engine)() as session:
            (item,) = claim_files(run, roster)
            filler = fill(disk)
            with pytest.raises(OSError, match="No space left"):
                keep_claimed(session, roster, run, item, render)
        assert os.listdir(inbox / REJECTED) == [] and not nothing_claimed(inbox)

        filler.unlink()
        (outcome,) = process(inbox, engine, roster)
        assert outcome.filed == inbox / REJECTED / "scan.pdf"
        assert sorted(os.listdir(inbox / REJECTED)) == ["scan.pdf", "scan.pdf.json", "scan.pdf.txt"]
        assert sidecar(outcome.filed)[0].startswith("Tệp: scan.pdf\n") and nothing_claimed(inbox)


SMALL = Limits(max_bytes=1024 * 1024, unread_past=2 * 1024 * 1024)


@pytest.mark.parametrize(
    ("limits", "size", "read", "said"),
    [
        (SMALL, SMALL.unread_past, True, "Tệp nặng 2.0 MB, vượt giới hạn 1 MB."),  # kept, refused by the intake
        (SMALL, SMALL.unread_past + 1, False, "Tệp nặng 2.0 MB, vượt giới hạn 1 MB."),
        (DEFAULT_LIMITS, DEFAULT_LIMITS.unread_past + 1, False, "Tệp nặng 80.0 MB, vượt giới hạn 20 MB."),
    ],
    ids=["at-the-bound", "past-it", "past-the-default-80-MB"],
)
def test_a_file_past_the_read_bound_is_refused_unread(
    loaded: Session, engine: Engine, roster: Roster, tmp_path: Path, limits: Limits, size: int, read: bool, said: str
) -> None:
    """One size policy with the CLI (`Limits.unread_past`); the large files are sparse, so nothing is slow."""
    inbox = tmp_path / "inbox"
    (inbox / "police").mkdir(parents=True)
    with open(inbox / "police" / "anh-chup.xlsx", "wb") as big:
        big.truncate(size)
    with InboxRun(inbox) as run, make_session_factory(engine)() as session:
        (outcome,) = [
            keep_claimed(session, roster, run, item, render, limits=limits) for item in claim_files(run, roster)
        ]

    assert outcome.status == ("invalid" if read else "refused") and outcome.filed == inbox / REJECTED / "anh-chup.xlsx"
    assert [p.code for p in outcome.errors] == ["file_too_large"] and said in outcome.errors[0].message
    text, document = sidecar(outcome.filed)
    assert text.startswith("Tệp: anh-chup.xlsx\n") and said in text and "(file_too_large)" in text
    assert [p["code"] for p in document["problems"]] == ["file_too_large"] and document["agency"] == "police"
    assert outcome.filed.stat().st_size == size and nothing_claimed(inbox)
    loaded.expire_all()
    stored = loaded.scalars(select(func.length(Blob.content))).all()
    assert stored == ([size] if read else []) and (document["sha256"] is not None) == read
