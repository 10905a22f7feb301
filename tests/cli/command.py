"""The installed `phoihop` command, run in its own process as a user would type it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

PHOIHOP = Path(sys.executable).parent / "phoihop"


def environment(data_dir: Path, **extra: str) -> dict[str, str]:
    """This process's environment without PHOIHOP_ settings, the data folder set, the temp folder `data_dir`'s."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PHOIHOP_")}
    env.update(PHOIHOP_DATA_DIR=str(data_dir), COLUMNS="250", TMPDIR=str(data_dir.parent))
    env.update(extra)
    return env


def phoihop(data_dir: Path, *args: str, timeout: float = 120, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(PHOIHOP), *args], capture_output=True, text=True, env=environment(data_dir, **env), timeout=timeout
    )


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    """The one line a failed command says, with no traceback anywhere."""
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Lỗi: ")
    return lines[0]


def log_named_in(line: str) -> Path:
    """The log file the line says holds the details."""
    found = re.search(r"Chi tiết kỹ thuật ghi trong (\S+)\.$", line)
    assert found, line
    return Path(found[1])
