"""Hostile returns through the installed `phoihop` command: a Vietnamese receipt with the code, exit 1, no traceback."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from schema.models import Blob, Return
from tests.hostile_returns import HOSTILE

PHOIHOP = Path(sys.executable).parent / "phoihop"


@pytest.mark.parametrize("name", ["number 1e400", "arrays nested 100,000 deep"])
def test_submit_of_a_hostile_json_prints_the_refusal(
    loaded: Session, database_url: str, tmp_path: Path, name: str
) -> None:
    case = HOSTILE[name]
    path = tmp_path / "bao-cao.json"
    path.write_bytes(case.build())
    result = subprocess.run(
        [PHOIHOP, "--db", database_url, "submit", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "COLUMNS": "250"},
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    assert "không hợp lệ, 1 lỗi" in result.stdout
    assert f"Trường «{case.field}»" in result.stdout and f"({case.code})" in result.stdout
    assert "Tệp gốc đã được lưu" in result.stdout
    row = loaded.scalars(select(Return).where(Return.filename == "bao-cao.json")).one()
    assert row.status == "invalid" and loaded.get(Blob, row.sha256).content == path.read_bytes()
