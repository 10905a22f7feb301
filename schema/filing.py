"""One claimed entry of the drop folder, kept and filed away on its own (see schema/inbox.py).

The entry is read without following links, kept through the intake, and moved at once to
processed/ or rejected/ beside its sidecar (`.txt` for people, `.json` for scripts), so a run
killed mid-way leaves only untouched entries claimed. A link or an odd entry (fifo, device) is
refused unread. An exception of the intake that is not a fault of the world is a bug in reading
that file: it goes to rejected/ as `internal_error`, its traceback to the log, and the run goes
on. A fault of the world (database unreachable, pool exhausted, disk full: the 503s of
schema/faults.py) is raised, and the file stays claimed for the next run.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import logging
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from agencies.calendar import REPORTING_TZ
from agencies.errors import UserError
from agencies.problems import Problem, Severity
from agencies.roster import Roster
from schema.faults import fault_of
from schema.inbox import PROCESSED, REJECTED, Claimed, InboxRun
from schema.intake import Receipt, submit_return

logger = logging.getLogger(__name__)
NAME_MAX = 255

REFUSALS = {
    "link_not_accepted": (
        "Đây là một liên kết (symlink/shortcut) chứ không phải tệp báo cáo; hệ thống không mở liên kết. "
        "Hãy lưu chính tệp đính kèm (không phải liên kết tới nó) vào thư mục nhận."
    ),
    "not_a_regular_file": (
        "Đây không phải là một tệp thông thường nên hệ thống không đọc. Hãy lưu chính tệp đính kèm vào thư mục nhận."
    ),
    "internal_error": (
        "Hệ thống gặp lỗi nội bộ khi đọc tệp này nên chưa nhận được báo cáo. Tệp được giữ nguyên ở đây; "
        "hãy báo quản trị hệ thống (kèm tên tệp), hoặc mở tệp, lưu lại đúng mẫu rồi gửi lại."
    ),
}


@dataclass(frozen=True)
class Outcome:
    """What became of one claimed entry: filed with its receipt, refused, or left for the next run."""

    name: str
    agency_id: str | None
    filed: Path | None  # None: still claimed, for the next run
    receipt: Receipt | None = None  # None: refused before or without a receipt
    problems: list[Problem] = field(default_factory=list)

    @property
    def status(self) -> str:
        if self.filed is None:
            return "left"
        if self.receipt is None:
            return "refused"
        return "duplicate" if self.receipt.duplicate else self.receipt.status

    @property
    def accepted(self) -> bool:
        return self.receipt is not None and self.receipt.accepted

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]


def read_claimed(run: InboxRun, item: Claimed) -> bytes | str:
    """The entry's bytes, or the code that refuses it unread; never through a link."""
    where = f"{item.slot}/{item.name}"
    mode = os.stat(where, dir_fd=run.fd, follow_symlinks=False).st_mode
    if stat.S_ISLNK(mode):
        return "link_not_accepted"
    if not stat.S_ISREG(mode):
        return "not_a_regular_file"
    with os.fdopen(os.open(where, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=run.fd), "rb") as file:
        return file.read() if stat.S_ISREG(os.fstat(file.fileno()).st_mode) else "not_a_regular_file"


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


def _names(name: str) -> Iterator[str]:
    """`name`, then `stem-1.suffix`, `stem-2.suffix`, …, each short enough to take a `.json` after it."""
    stem, dot, suffix = name.rpartition(".")
    stem, suffix = (stem, dot + suffix) if stem and len(suffix) < 16 else (name, "")
    for n in itertools.count():
        tail = (f"-{n}" if n else "") + suffix
        cut = stem
        while len(os.fsencode(cut + tail + ".json")) > NAME_MAX:
            cut = cut[:-1]
        yield cut + tail


def _exists(name: str, folder_fd: int) -> bool:
    try:
        os.stat(name, dir_fd=folder_fd, follow_symlinks=False)
    except FileNotFoundError:
        return False
    return True


def _write_new(name: str, folder_fd: int, text: str) -> bool:
    """Write a new file, or False if the name is taken: two runs never write over each other's sidecar."""
    try:
        fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o640, dir_fd=folder_fd)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w", encoding="utf-8") as file:
        file.write(text)
    return True


def file_away(run: InboxRun, item: Claimed, folder: str, text: str, document: dict[str, Any]) -> Path:
    """Move the entry (never a link's target) to processed/ or rejected/, beside its sidecars, under a free name."""
    folder_fd = run.fds[folder]
    for target in _names(item.name):  # the .txt sidecar, made exclusively, reserves the name
        if _exists(target, folder_fd) or _exists(target + ".json", folder_fd):
            continue
        if _write_new(target + ".txt", folder_fd, text):
            break
    _write_new(target + ".json", folder_fd, json.dumps(document, ensure_ascii=False, indent=2))
    os.rename(f"{item.slot}/{item.name}", target, src_dir_fd=run.fd, dst_dir_fd=folder_fd)
    os.rmdir(item.slot, dir_fd=run.fd)
    return run.inbox / folder / target


def _document(item: Claimed, problems: list[Problem], sha256: str | None, receipt: Receipt | None = None) -> dict:
    """The .json sidecar, for scripts: the receipt's fields, or a refusal with no receipt."""
    return {
        "file": item.name,
        "receipt": receipt.return_id if receipt else None,
        "sha256": sha256,
        "agency": receipt.agency_id if receipt else item.agency_hint,
        "period": receipt.period_id if receipt else None,
        "status": receipt.status if receipt else "refused",
        "version": receipt.version if receipt else None,
        "duplicate": receipt.duplicate if receipt else False,
        "problems": [p.model_dump(mode="json") for p in problems],
    }


def refuse(run: InboxRun, item: Claimed, code: str, message: str, sha256: str | None = None) -> Outcome:
    """File the entry to rejected/ with no receipt: why, and what to do."""
    problem = Problem(code=code, message=message)
    text = f"Tệp: {item.name}\nKhông nhận: {message} ({code})\n"
    filed = file_away(run, item, REJECTED, text, _document(item, [problem], sha256))
    return Outcome(item.name, item.agency_hint, filed, problems=[problem])


def keep_claimed(
    session: Session,
    roster: Roster,
    run: InboxRun,
    item: Claimed,
    actor: str = "collect",
    log: logging.Logger | logging.LoggerAdapter = logger,
) -> Outcome:
    """Keep and check one claimed entry, then file it away; a fault of the world is raised, leaving it claimed."""
    data = read_claimed(run, item)
    if isinstance(data, str):
        return refuse(run, item, data, REFUSALS[data])
    try:
        receipt = submit_return(
            session, roster, data, channel="folder", actor=actor, filename=item.name, agency_id=item.agency_hint
        )
    except Exception as exc:
        fault = fault_of(exc)
        if fault is not None and fault.status == 503:
            raise
        session.rollback()
        if fault is None:  # a bug in reading this file
            log.exception("the intake failed on %s; filed to rejected/ as internal_error", item.name)
            fault = UserError("internal_error", REFUSALS["internal_error"])
        return refuse(run, item, fault.code, fault.message, hashlib.sha256(data).hexdigest())
    folder = PROCESSED if receipt.accepted else REJECTED
    text = sidecar_text(item.name, receipt, roster)
    filed = file_away(run, item, folder, text, _document(item, receipt.problems, receipt.sha256, receipt))
    return Outcome(item.name, receipt.agency_id, filed, receipt, receipt.problems)
