"""The drop folder: the coordinator saves e-mailed attachments into it; each file is kept, then filed away.

    inbox/                     new files (or inbox/<agency-id>/… to name the sender)
    inbox/.processing/         claimed by one run (an atomic rename: two runs never take the same file)
    inbox/processed/           accepted or duplicate, with a sidecar receipt
    inbox/rejected/            refused, with a sidecar listing every error

Safe to re-run: a file is claimed once; a claim left by a run that died is taken again after
`stale_after`, and submitting the same bytes twice never makes a second version.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from agencies.calendar import REPORTING_TZ
from agencies.roster import Roster
from schema.intake import Receipt, submit_return

PROCESSING, PROCESSED, REJECTED = ".processing", "processed", "rejected"
RESERVED = {PROCESSING, PROCESSED, REJECTED}


@dataclass(frozen=True)
class Claimed:
    path: Path  # where the file now lies, under .processing/
    name: str  # its name as dropped
    agency_hint: str | None  # from inbox/<agency-id>/, when that is a roster agency


def _candidates(inbox: Path, roster: Roster) -> list[tuple[Path, str | None]]:
    files = [(p, None) for p in sorted(inbox.iterdir()) if p.is_file() and not p.name.startswith(".")]
    for folder in sorted(p for p in inbox.iterdir() if p.is_dir() and p.name not in RESERVED):
        hint = folder.name if roster.agency(folder.name) is not None else None
        files += [(p, hint) for p in sorted(folder.iterdir()) if p.is_file() and not p.name.startswith(".")]
    return files


def claim_files(inbox: Path, roster: Roster, stale_after: timedelta = timedelta(minutes=10)) -> list[Claimed]:
    """Take every new file (and every stale claim) for this run, by atomic rename."""
    processing = inbox / PROCESSING
    processing.mkdir(parents=True, exist_ok=True)
    claimed = []
    for path, hint in _candidates(inbox, roster):
        target = processing / f"{uuid.uuid4().hex}__{hint or ''}__{path.name}"
        try:
            os.rename(path, target)
        except FileNotFoundError:
            continue  # another run took it first
        claimed.append(Claimed(target, path.name, hint))
    cutoff = time.time() - stale_after.total_seconds()
    for path in sorted(processing.iterdir()):
        if path.is_file() and path.stat().st_mtime < cutoff and not any(c.path == path for c in claimed):
            _, hint, name = path.name.split("__", 2)
            target = processing / f"{uuid.uuid4().hex}__{hint}__{name}"
            try:
                os.rename(path, target)
            except FileNotFoundError:
                continue
            claimed.append(Claimed(target, name, hint or None))
    return claimed


def _free_name(folder: Path, name: str) -> Path:
    candidate, n = folder / name, 1
    while candidate.exists() or candidate.with_name(candidate.name + ".txt").exists():
        stem, dot, suffix = name.rpartition(".")
        candidate = folder / (f"{stem}-{n}.{suffix}" if dot else f"{name}-{n}")
        n += 1
    return candidate


def sidecar_text(name: str, receipt: Receipt, roster: Roster) -> str:
    """What the coordinator reads beside a filed-away file, in Vietnamese."""
    agency = roster.agency(receipt.agency_id) if receipt.agency_id else None
    who = agency.name if agency else "chưa xác định đơn vị"
    received = receipt.received_at.astimezone(REPORTING_TZ)
    lines = [
        f"Tệp: {name}",
        f"Biên nhận #{receipt.return_id}, sha256 {receipt.sha256}, nhận lúc {received:%d/%m/%Y %H:%M:%S}",
    ]
    if receipt.duplicate:
        lines.append(f"Trùng với tệp đã nhận trước đó ({who}, kỳ {receipt.period_id}); không tạo phiên bản mới.")
    elif receipt.accepted:
        lines.append(f"Đã nhận báo cáo của {who}, kỳ {receipt.period_id}, phiên bản {receipt.version}.")
    else:
        lines.append(f"Không hợp lệ ({who}); {len(receipt.errors)} lỗi cần sửa:")
    lines += [f"- {p.message} ({p.code})" for p in receipt.problems]
    return "\n".join(lines) + "\n"


def file_away(claimed: Claimed, receipt: Receipt, inbox: Path, roster: Roster) -> Path:
    """Move a processed file to processed/ or rejected/ beside its sidecar (.txt for people, .json for scripts)."""
    folder = inbox / (PROCESSED if receipt.accepted else REJECTED)
    folder.mkdir(exist_ok=True)
    target = _free_name(folder, claimed.name)
    target.with_name(target.name + ".txt").write_text(sidecar_text(claimed.name, receipt, roster), encoding="utf-8")
    target.with_name(target.name + ".json").write_text(
        json.dumps(
            {
                "file": claimed.name,
                "receipt": receipt.return_id,
                "sha256": receipt.sha256,
                "agency": receipt.agency_id,
                "period": receipt.period_id,
                "status": receipt.status,
                "version": receipt.version,
                "duplicate": receipt.duplicate,
                "problems": [p.model_dump(mode="json") for p in receipt.problems],
            },
            ensure_ascii=False,
            indent=2,
        ),
        encoding="utf-8",
    )
    os.rename(claimed.path, target)
    return target


def ingest_claimed(session: Session, roster: Roster, claimed: list[Claimed], actor: str = "collect") -> list[Receipt]:
    """Keep and check each claimed file; resubmitting the same bytes never doubles a version."""
    return [
        submit_return(
            session,
            roster,
            item.path.read_bytes(),
            channel="folder",
            actor=actor,
            filename=item.name,
            agency_id=item.agency_hint,
        )
        for item in claimed
    ]
