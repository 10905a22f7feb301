"""One claimed entry of the drop folder, kept and filed away on its own (see schema/inbox.py).

The entry is read without following links, kept through the intake, and moved at once to
processed/ or rejected/ beside its sidecar (`.txt` for people, `.json` for scripts), so a run
killed mid-way leaves only untouched entries claimed. A sidecar appears whole or not at all
(written under a temporary name, then linked to its own), and names the entry as people can
read it (`Claimed.shown`) while the entry keeps its own bytes as its name on disk. A link, an
odd entry (fifo, device) and a file too large to read (past `Limits.unread_past`) are refused
unread. The sidecar's wording is templates/receipts/sidecar.txt.j2, rendered by the function the
caller hands in (`report.templating.render`: schema/ does not import report/). An exception of the intake that is not a fault of the world is a bug in reading
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
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy.orm import Session

from agencies.bounds import FILENAME_MAX
from agencies.file_safety import DEFAULT_LIMITS, Limits, read_local
from agencies.problems import Problem, Severity
from agencies.roster import Roster
from schema.faults import fault_of
from schema.inbox import PROCESSED, REJECTED, Claimed, InboxRun
from schema.intake import submit_return
from schema.receipts import Receipt

logger = logging.getLogger(__name__)

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


SIDECAR = "receipts/sidecar.txt.j2"


class Render(Protocol):
    """Renders a template of templates/ with its context: `report.templating.render`, handed down by the caller."""

    def __call__(self, name: str, /, **context: Any) -> str: ...


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


def _refusal(code: str) -> Problem:
    return Problem(code=code, message=REFUSALS[code])


def read_claimed(run: InboxRun, item: Claimed, limits: Limits = DEFAULT_LIMITS) -> bytes | Problem:
    """The entry's bytes, or the problem that refuses it unread; never through a link, never past the size bound."""
    where = f"{item.slot}/{item.name}"
    mode = os.stat(where, dir_fd=run.fd, follow_symlinks=False).st_mode
    if stat.S_ISLNK(mode):
        return _refusal("link_not_accepted")
    if not stat.S_ISREG(mode):
        return _refusal("not_a_regular_file")
    with os.fdopen(os.open(where, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=run.fd), "rb") as file:
        if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
            return _refusal("not_a_regular_file")
        return read_local(file, limits)


def sidecar_text(
    render: Render, roster: Roster, name: str, receipt: Receipt | None = None, refusal: Problem | None = None
) -> str:
    """What the coordinator reads beside a filed-away file (`name` as shown): its receipt, or why it was refused."""
    agency = roster.agency(receipt.agency) if receipt is not None and receipt.agency else None
    context = {"file": name, "receipt": receipt, "agency": agency.name if agency else None, "refusal": refusal}
    return render(SIDECAR, **context)


def _names(name: str) -> Iterator[str]:
    """`name`, then `stem-1.suffix`, `stem-2.suffix`, …, each short enough to take a `.json` after it."""
    stem, dot, suffix = name.rpartition(".")
    stem, suffix = (stem, dot + suffix) if stem and len(suffix) < 16 else (name, "")
    for n in itertools.count():
        tail = (f"-{n}" if n else "") + suffix
        cut = stem
        while len(os.fsencode(cut + tail + ".json")) > FILENAME_MAX:
            cut = cut[:-1]
        yield cut + tail


def _exists(name: str, folder_fd: int) -> bool:
    try:
        os.stat(name, dir_fd=folder_fd, follow_symlinks=False)
    except FileNotFoundError:
        return False
    return True


def _write_new(name: str, folder_fd: int, text: str) -> bool:
    """Write a new file whole, or False if the name is taken: two runs never write over each other's sidecar.

    Written under a hidden temporary name, then linked to `name` (a link, unlike a rename, never
    replaces a file): `name` appears with all its text or not at all.
    """
    data = text.encode("utf-8", "replace")  # a stray surrogate is written `?`, never a failed write
    temporary = f".{uuid.uuid4().hex}.tmp"
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o640, dir_fd=folder_fd)
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.link(temporary, name, src_dir_fd=folder_fd, dst_dir_fd=folder_fd, follow_symlinks=False)
    except FileExistsError:
        return False
    finally:
        os.unlink(temporary, dir_fd=folder_fd)
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
        "file": item.shown,
        "receipt": receipt.id if receipt else None,
        "sha256": sha256,
        "agency": receipt.agency if receipt else item.agency_hint,
        "period": receipt.period if receipt else None,
        "status": receipt.status if receipt else "refused",
        "version": receipt.version if receipt else None,
        "duplicate": receipt.duplicate if receipt else False,
        "problems": [p.model_dump(mode="json") for p in problems],
    }


def refuse(
    render: Render, roster: Roster, run: InboxRun, item: Claimed, problem: Problem, sha256: str | None = None
) -> Outcome:
    """File the entry to rejected/ with no receipt: why, and what to do."""
    text = sidecar_text(render, roster, item.shown, refusal=problem)
    filed = file_away(run, item, REJECTED, text, _document(item, [problem], sha256))
    return Outcome(item.shown, item.agency_hint, filed, problems=[problem])


def keep_claimed(
    session: Session,
    roster: Roster,
    run: InboxRun,
    item: Claimed,
    render: Render,
    actor: str = "collect",
    log: logging.Logger | logging.LoggerAdapter = logger,
    limits: Limits = DEFAULT_LIMITS,
) -> Outcome:
    """Keep and check one claimed entry, then file it away with its sidecar (worded by `render`); a fault of the
    world is raised, leaving it claimed."""
    data = read_claimed(run, item, limits)
    if isinstance(data, Problem):
        return refuse(render, roster, run, item, data)
    try:
        receipt = submit_return(
            session,
            roster,
            data,
            channel="folder",
            actor=actor,
            filename=item.shown,
            agency_id=item.agency_hint,
            limits=limits,
        )
    except Exception as exc:
        fault = fault_of(exc)
        if fault is not None and fault.status == 503:
            raise
        session.rollback()
        if fault is None:  # a bug in reading this file
            log.exception("the intake failed on %s; filed to rejected/ as internal_error", item.shown)
        problem = Problem(code=fault.code, message=fault.message) if fault else _refusal("internal_error")
        return refuse(render, roster, run, item, problem, hashlib.sha256(data).hexdigest())
    folder = PROCESSED if receipt.accepted else REJECTED
    text = sidecar_text(render, roster, item.shown, receipt)
    filed = file_away(run, item, folder, text, _document(item, receipt.problems, receipt.sha256, receipt))
    return Outcome(item.shown, receipt.agency, filed, receipt, receipt.problems)
