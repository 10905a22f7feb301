"""Nothing invisible: a killed `submit` is finished or listed; refused files with no period are listed."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from agencies.roster import Roster
from phoihop.cli.main import app
from schema import intake
from schema.models import Blob, PendingUpload, Return
from schema.unseen import unfinished_reason
from tests.cli.command import PHOIHOP, environment, phoihop
from tests.factories import POLICE_FIGURES, blank_form, fill_form, json_return, left_by_a_killed_run

AGENCIES = [
    ("customs", "violation_cases"),
    ("market-surveillance", "violation_cases"),
    ("district-van-lam", "violation_cases"),
    ("district-yen-my", "violation_cases"),
    ("firm-vnpt", "infrastructure_incidents"),
    ("firm-viettel", "infrastructure_incidents"),
]
FILES = 90
ROUNDS = 8
runner = CliRunner()


def prepared(database_url: str) -> None:
    for args in (["init"], ["period", "open", "2023-H1"]):
        result = runner.invoke(app, ["--db", database_url, *args], catch_exceptions=False)
        assert result.exit_code == 0, result.output


def distinct_returns(roster: Roster, folder: Path) -> list[Path]:
    """FILES valid returns of several agencies, no two alike."""
    folder.mkdir()
    forms = {agency: blank_form(roster, agency) for agency, _ in AGENCIES}
    paths = []
    for n in range(FILES):
        agency, code = AGENCIES[n % len(AGENCIES)]
        path = folder / f"{n:03d}-{agency}.xlsx"
        path.write_bytes(fill_form(forms[agency], figures={code: n}))
        paths.append(path)
    return paths


def count(session: Session, model) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model))


def kill_mid_batch(database_url: str, files: list[Path], session: Session, data_dir: Path) -> None:
    """Run `phoihop submit` on the files and SIGKILL it while a file is half-kept, a few blobs in."""
    stored_before = count(session, Blob)
    process = subprocess.Popen(
        [str(PHOIHOP), "--db", database_url, "submit", *map(str, files)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=environment(data_dir),
    )
    try:
        deadline = time.monotonic() + 60
        while process.poll() is None and time.monotonic() < deadline:
            if count(session, Blob) >= stored_before + 3 and count(session, PendingUpload):
                os.kill(process.pid, signal.SIGKILL)
                break
            time.sleep(0.002)
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)
        session.rollback()


def test_a_killed_submit_is_listed_then_finished_with_exact_versions(
    session: Session, engine: Engine, database_url: str, roster: Roster, tmp_path: Path
) -> None:
    prepared(database_url)
    data_dir = tmp_path / "var"
    files = distinct_returns(roster, tmp_path / "returns")
    digests = {hashlib.sha256(path.read_bytes()).hexdigest(): path for path in files}
    for _ in range(ROUNDS):  # until a kill lands between keeping the bytes and writing the return row
        stored = set(session.scalars(select(Blob.sha256)))
        kill_mid_batch(database_url, [p for d, p in digests.items() if d not in stored], session, data_dir)
        if count(session, PendingUpload):
            break
    left = {(p.sha256, p.received_at, p.filename) for p in session.scalars(select(PendingUpload))}
    assert left, f"no kill in {ROUNDS} rounds landed inside an upload"

    # the next command, within the grace period: every stored upload is a return row or listed
    listed = phoihop(data_dir, "--db", database_url, "status", "2023-H1", "--json")
    assert listed.returncode == 0, listed.stderr
    unfinished = json.loads(listed.stdout)["unfinished"]
    assert {(u["sha256"], u["filename"]) for u in unfinished} == {(d, f) for d, _, f in left}
    session.expire_all()
    with_rows = set(session.scalars(select(Return.sha256)))
    assert set(session.scalars(select(Blob.sha256))) == with_rows | {d for d, _, _ in left}
    table = phoihop(data_dir, "--db", database_url, "status", "2023-H1")
    assert "Tệp đã lưu nhưng chưa xử lý xong" in table.stdout
    assert all(f in table.stdout for _, _, f in left)

    # past the grace period, the next start finishes them with their own time
    finished = phoihop(
        data_dir, "--db", database_url, "status", "2023-H1", "--json", PHOIHOP_UNFINISHED_GRACE_SECONDS="0"
    )
    assert finished.returncode == 0, finished.stderr
    assert json.loads(finished.stdout)["unfinished"] == []
    assert finished.stderr.count("Đã hoàn tất tệp") == len(left)
    session.expire_all()
    returns = session.scalars(select(Return)).all()
    assert sorted(r.sha256 for r in returns) == sorted(session.scalars(select(Blob.sha256)))  # one row per upload
    by_digest = {r.sha256: r for r in returns}
    for digest, received_at, filename in left:
        row = by_digest[digest]
        assert (row.received_at, row.filename, row.channel, row.status) == (received_at, filename, "cli", "accepted")
    for agency, _ in AGENCIES:
        versions = sorted(r.version for r in returns if r.agency_id == agency)
        assert versions == list(range(1, len(versions) + 1)), agency
    assert count(session, PendingUpload) == 0


def test_a_file_with_no_readable_period_is_listed_and_in_the_agencys_history(
    session: Session, database_url: str, tmp_path: Path
) -> None:
    prepared(database_url)
    data_dir = tmp_path / "var"
    no_period = tmp_path / "hq-khong-ky.json"
    document = json.loads(json_return("customs", "2023-H1", "customs@1", {"violation_cases": 1}))
    del document["period"]
    no_period.write_text(json.dumps(document), encoding="utf-8")
    wrong_period = tmp_path / "hq-ky-sai.json"
    wrong_period.write_bytes(json_return("customs", "2023-H9", "customs@1", {"violation_cases": 2}))
    sent = phoihop(data_dir, "--db", database_url, "submit", str(no_period), str(wrong_period))
    assert sent.returncode == 1

    listed = phoihop(data_dir, "--db", database_url, "status", "2023-H1", "--json")
    document = json.loads(listed.stdout)
    assert set(document) == {"period", "agencies", "unfinished", "unassigned", "mail_failures"}
    unassigned = document["unassigned"]
    assert [(u["agency"], u["filename"], u["code"]) for u in unassigned] == [
        ("customs", "hq-khong-ky.json", "json_shape"),
        ("customs", "hq-ky-sai.json", "invalid_period"),
    ]
    assert all(u["message"] and u["actor"].startswith("cli:") and u["received_at"] for u in unassigned)
    assert {a["agency"]: a["state"] for a in document["agencies"]}["customs"] == "missing"

    table = phoihop(data_dir, "--db", database_url, "status", "2023-H1")
    section = table.stdout[table.stdout.index("Tệp không xác định được kỳ báo cáo") :]
    assert "Chi cục Hải quan Hưng Yên" in section and "hq-khong-ky.json" in section and "2023-H9" in section

    history = phoihop(data_dir, "--db", database_url, "history", "customs", "2023-H1")
    assert history.returncode == 0
    assert history.stdout.count("Không hợp lệ (không xác định được kỳ)") == 2
    assert "invalid_period" in history.stdout
    other = phoihop(data_dir, "--db", database_url, "history", "police", "2023-H1")
    assert "không xác định được kỳ" not in other.stdout


def test_an_upload_that_cannot_be_finished_is_told_in_vietnamese_and_logged_in_english(
    loaded: Session, database_url: str, roster: Roster, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The start of every command tries the upload again; the user reads why in Vietnamese, the log has the traceback."""

    def broken_check(*args, **kwargs):  # a bug past the reader's guard, in this process only
        raise RuntimeError("intake crashed")

    monkeypatch.setattr(intake, "_same_as_latest", broken_check)
    monkeypatch.setenv("PHOIHOP_LOG_FILE", str(tmp_path / "phoihop.log"))
    left_by_a_killed_run(loaded, fill_form(blank_form(roster, "police"), figures=POLICE_FIGURES))

    result = runner.invoke(app, ["--db", database_url, "status", "2023-H1", "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    reason = unfinished_reason("internal_error")
    assert f"Chưa hoàn tất được tệp «cong-an.xlsx» (lần thử 1): {reason}." in " ".join(result.stderr.split())
    (listed,) = json.loads(result.stdout)["unfinished"]
    assert (listed["error_code"], listed["error"], listed["attempts"]) == ("internal_error", reason, 1)
    assert "RuntimeError" not in result.stdout + result.stderr
    log = (tmp_path / "phoihop.log").read_text(encoding="utf-8")
    assert "RuntimeError: intake crashed" in log and "Traceback" in log
