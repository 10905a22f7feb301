"""Folders and files a command writes where the user said (`--out`): a failure is one line, never half a file."""

from __future__ import annotations

from contextlib import suppress
from pathlib import Path

from schema import faults


def out_dir(path: Path) -> Path:
    """Make the folder (and its parents) or fail with what is wrong with it."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise faults.folder_unwritable(path, exc) from exc
    return path


def write_out(path: Path, data: bytes) -> None:
    """Write the whole file, or leave none (a full disk would otherwise leave a truncated workbook)."""
    try:
        path.write_bytes(data)
    except OSError as exc:
        with suppress(OSError):
            path.unlink(missing_ok=True)
        raise faults.folder_unwritable(path.parent, exc) from exc
