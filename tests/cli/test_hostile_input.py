"""Hostile returns through the installed `phoihop` command: a Vietnamese receipt with the code, exit 1, no traceback."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from agencies.bounds import FILENAME_MAX
from schema.models import Blob, Return
from tests.hostile_returns import HOSTILE, police_form

PHOIHOP = Path(sys.executable).parent / "phoihop"


def phoihop(database_url: str, *args: str | bytes) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [PHOIHOP, "--db", database_url, *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "COLUMNS": "250"},
    )
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout, result.stderr
    return result


@pytest.mark.parametrize(
    "name",
    [
        "number 1e400",
        "arrays nested 100,000 deep",
        "integer of 5,000 digits",
        "NaN as money",
        "form reference of 65 characters",
        "half an emoji in the form reference",
        "half an emoji in a paragraph",
    ],
)
def test_submit_of_a_hostile_json_prints_the_refusal(
    loaded: Session, database_url: str, tmp_path: Path, name: str
) -> None:
    case = HOSTILE[name]
    path = tmp_path / "bao-cao.json"
    path.write_bytes(case.build())
    result = phoihop(database_url, "submit", str(path))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "không hợp lệ, 1 lỗi" in result.stdout
    assert f"Trường «{case.field}»" in result.stdout and f"({case.code})" in result.stdout
    assert "Tệp gốc đã được lưu" in result.stdout
    row = loaded.scalars(select(Return).where(Return.filename == "bao-cao.json")).one()
    assert row.status == "invalid" and loaded.get(Blob, row.sha256).content == path.read_bytes()


def test_half_an_emoji_in_the_period_leaves_status_working(loaded: Session, database_url: str, tmp_path: Path) -> None:
    """The refused upload names no readable period: `status` lists it beside every period, printable."""
    path = tmp_path / "bao-cao.json"
    path.write_bytes(HOSTILE["half an emoji in the period"].build())
    refused = phoihop(database_url, "submit", str(path))
    assert refused.returncode == 1 and "Trường «period»" in refused.stdout and "(broken_characters)" in refused.stdout

    table = phoihop(database_url, "status", "2023-H1")
    assert table.returncode == 0, table.stderr
    assert "Tệp không xác định được kỳ báo cáo" in table.stdout and "(broken_characters)" in table.stdout
    document = phoihop(database_url, "status", "2023-H1", "--json")
    assert document.returncode == 0, document.stderr
    assert [u["code"] for u in json.loads(document.stdout)["unassigned"]] == ["broken_characters"]


def test_a_path_over_255_characters_is_shown_shortened(loaded: Session, database_url: str, tmp_path: Path) -> None:
    """No Linux file system holds a name over 255 bytes; a path can be longer, and its name can be 255 bytes long."""
    name = "bao-cao-" * 31 + "xy.xlsx"  # 255 characters, the longest name a file can have
    folder = tmp_path.joinpath(*["thu-muc-nhan-bao-cao"] * 12)
    folder.mkdir(parents=True)
    path = folder / name
    path.write_bytes(police_form())
    assert len(name) == FILENAME_MAX and len(str(path)) > FILENAME_MAX

    result = phoihop(database_url, "submit", str(path))
    assert result.returncode == 0, result.stdout + result.stderr
    (line,) = [line for line in result.stdout.splitlines() if "đã nhận báo cáo" in line]
    shown = line.split(": đã nhận báo cáo")[0].removeprefix("✓ ")
    assert shown == "…" + str(path)[-(FILENAME_MAX - 1) :]
    assert loaded.scalars(select(Return.filename)).one() == name


def test_a_file_name_that_is_not_utf8_is_received_and_shown_printable(
    loaded: Session, database_url: str, tmp_path: Path
) -> None:
    path = os.fsencode(tmp_path) + b"/b\xe1o-c\xe1o.xlsx"  # a Latin-1 name, as an old Windows share writes it
    Path(os.fsdecode(path)).write_bytes(police_form())
    result = phoihop(database_url, "submit", path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "b\ufffdo-c\ufffdo.xlsx: đã nhận báo cáo" in result.stdout
    assert loaded.scalars(select(Return.filename)).one() == "b\ufffdo-c\ufffdo.xlsx"
