"""The drop folder: the coordinator saves e-mailed attachments into it; each file is kept, then filed away.

    inbox/                                  new files (or inbox/<agency-id>/… to name the sender)
    inbox/.processing/<run>.lock            held (flock) by a live run for its whole life
    inbox/.processing/<run>/<n>[-<agency>]/ one claimed entry each, taken by an atomic rename
    inbox/processed/                        accepted or duplicate, with a sidecar receipt
    inbox/rejected/                         refused, with a sidecar listing every error

The folder never leads outside itself. Below the inbox, everything is listed, opened and
moved through directory descriptors opened with O_NOFOLLOW, so no link is ever followed,
not even one swapped in mid-run: a link (to a file or a folder) found in the inbox or in an
agency folder is claimed as the link entry itself and filed to rejected/ unread, as is any
entry that is not a regular file (fifo, socket, device). Folders inside an agency folder and
hidden entries (`.…`, e.g. an office suite's lock files) are left alone. A name need not be
UTF-8 (an attachment saved in Latin-1): the entry keeps its own bytes on disk, and every text
about it shows it as `shown_name` does.

Dead runs: a run holds an exclusive flock on `<run>.lock` while its process lives; the kernel
drops it when the process dies, however it dies. Each run first adopts the claims of every
run folder whose lock it can take, and files left directly in `.processing/` by the layout
before run folders. Two runs never take the same entry: every claim is a rename.
Keeping and filing away each claimed entry, one at a time: schema/filing.py.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from agencies.bounds import printable
from agencies.errors import UserError
from agencies.file_names import display_name
from agencies.roster import Roster

PROCESSING, PROCESSED, REJECTED = ".processing", "processed", "rejected"
RESERVED = {PROCESSING, PROCESSED, REJECTED}
LOCK = ".lock"
_FOLDER = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW
_LOCK_FILE = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW


def shown_name(name: str) -> str:
    """A name read from the disk as text may hold it: bytes that are not UTF-8 as `�` (never a surrogate),
    nothing invisible, no longer than a file name may be; for display only, never to find the file."""
    text = os.fsencode(name).decode("utf-8", "replace")
    return display_name(text) or printable(text)


@dataclass(frozen=True)
class Claimed:
    """An entry this run holds, at `slot/name` in its run folder."""

    path: Path  # where it now lies, for people; the code goes through the run's descriptor and `slot`
    slot: str
    name: str  # its name as dropped, as Python reads it from the disk (undecodable bytes as surrogates)
    agency_hint: str | None  # from inbox/<agency-id>/, when that is a roster agency

    @property
    def shown(self) -> str:
        """Its name in every text about it: the intake's record, sidecars, logs, the artifact."""
        return shown_name(self.name)


def open_folder(parent_fd: int, name: str, where: Path) -> int:
    """A folder of the drop folder's own, made if missing; refused if it is a link or not a folder."""
    with contextlib.suppress(FileExistsError):
        os.mkdir(name, 0o750, dir_fd=parent_fd)
    try:
        return os.open(name, _FOLDER, dir_fd=parent_fd)
    except OSError as exc:  # ELOOP: a link; ENOTDIR: a file
        raise UserError(
            "inbox_unusable",
            f"«{where / name}» không phải là một thư mục thật (có thể là liên kết hoặc tệp). Hệ thống không "
            "làm việc qua nó: hãy xóa hoặc đổi tên nó rồi chạy lại; hệ thống sẽ tự tạo lại thư mục này.",
        ) from exc


def _entries(fd: int) -> list[os.DirEntry[str]]:
    with os.scandir(fd) as entries:
        return sorted(entries, key=lambda entry: entry.name)


class InboxRun:
    """One run's hold on the drop folder: its claim folder, locked for as long as the process lives."""

    def __init__(self, inbox: Path | str) -> None:
        self.inbox = Path(inbox)
        self.id = f"{datetime.now():%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
        self.path = self.inbox / PROCESSING / self.id
        self.fds: dict[str, int] = {}
        self._slots = 0

    def __enter__(self) -> InboxRun:
        self.inbox.mkdir(parents=True, exist_ok=True)
        self.fds["inbox"] = os.open(self.inbox, os.O_RDONLY | os.O_DIRECTORY)  # the configured path itself
        try:
            for name in (PROCESSED, REJECTED, PROCESSING):
                self.fds[name] = open_folder(self.fds["inbox"], name, self.inbox)
            self.fds[LOCK] = os.open(self.id + LOCK, _LOCK_FILE | os.O_EXCL, 0o600, dir_fd=self.fds[PROCESSING])
            fcntl.flock(self.fds[LOCK], fcntl.LOCK_EX | fcntl.LOCK_NB)  # locked before its folder exists
            self.fds["run"] = open_folder(self.fds[PROCESSING], self.id, self.inbox / PROCESSING)
        except BaseException:
            self._close()
            raise
        return self

    def __exit__(self, *_exc: object) -> None:
        """Remove the run folder once everything is filed away; else leave it for the next run to adopt."""
        if not os.listdir(self.fd):
            for name, remove in ((self.id + LOCK, os.unlink), (self.id, os.rmdir)):
                with contextlib.suppress(FileNotFoundError):  # a run that saw the lock gone took the empty folder
                    remove(name, dir_fd=self.fds[PROCESSING])
        self._close()  # closing the lock file releases the lock

    def _close(self) -> None:
        for fd in self.fds.values():
            os.close(fd)
        self.fds.clear()

    @property
    def fd(self) -> int:
        return self.fds["run"]

    def _next_slot(self, hint: str | None) -> str:
        self._slots += 1
        return f"{self._slots:05d}" + (f"-{hint}" if hint else "")

    def take(self, source_fd: int, name: str, hint: str | None, keep_as: str | None = None) -> Claimed | None:
        """Move one entry (a link itself, never its target) into a new slot; None if another run took it first."""
        slot = self._next_slot(hint)
        os.mkdir(slot, 0o750, dir_fd=self.fd)
        try:
            os.rename(name, f"{slot}/{keep_as or name}", src_dir_fd=source_fd, dst_dir_fd=self.fd)
        except FileNotFoundError:
            os.rmdir(slot, dir_fd=self.fd)
            return None
        return Claimed(self.path / slot / (keep_as or name), slot, keep_as or name, hint)

    def take_slot(self, source_fd: int, old_slot: str) -> Claimed | None:
        """Move a dead run's slot, whole, into this run; None if it was empty."""
        hint = old_slot.partition("-")[2] or None
        slot = self._next_slot(hint)
        os.rename(old_slot, slot, src_dir_fd=source_fd, dst_dir_fd=self.fd)
        fd = os.open(slot, _FOLDER, dir_fd=self.fd)
        try:
            names = os.listdir(fd)
        finally:
            os.close(fd)
        if not names:
            os.rmdir(slot, dir_fd=self.fd)
            return None
        return Claimed(self.path / slot / names[0], slot, names[0], hint)


def _adopt_dead_run(run: InboxRun, name: str) -> list[Claimed]:
    """The slots of run folder `name` if its lock is free (its process died); nothing if it is alive."""
    processing = run.fds[PROCESSING]
    lock = os.open(name + LOCK, _LOCK_FILE, 0o600, dir_fd=processing)
    try:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return []
        try:
            dead = os.open(name, _FOLDER, dir_fd=processing)
        except FileNotFoundError:  # adopted by another run in the meantime
            os.unlink(name + LOCK, dir_fd=processing)
            return []
        try:
            slots = [run.take_slot(dead, e.name) for e in _entries(dead) if e.is_dir(follow_symlinks=False)]
        finally:
            os.close(dead)
        os.unlink(name + LOCK, dir_fd=processing)
        with contextlib.suppress(OSError):  # anything but slots in it stays, for a person to look at
            os.rmdir(name, dir_fd=processing)
        return [item for item in slots if item is not None]
    finally:
        os.close(lock)


def _adopt(run: InboxRun) -> Iterator[Claimed | None]:
    for entry in _entries(run.fds[PROCESSING]):
        legacy = entry.name.count("__") >= 2  # the layout before run folders: <uuid>__<agency>__<name>, ownerless
        if entry.name == run.id or (entry.name.endswith(LOCK) and not legacy):
            continue
        if entry.is_dir(follow_symlinks=False):
            yield from _adopt_dead_run(run, entry.name)
        else:
            _, hint, name = entry.name.split("__", 2) if legacy else ("", "", entry.name)
            yield run.take(run.fds[PROCESSING], entry.name, hint or None, keep_as=name)


def _dropped(inbox_fd: int, roster: Roster) -> Iterator[tuple[int, str, str | None]]:
    """(folder descriptor, name, agency hint) of each new entry: the inbox's own, then each folder's."""
    entries = [e for e in _entries(inbox_fd) if not e.name.startswith(".")]
    yield from ((inbox_fd, e.name, None) for e in entries if not e.is_dir(follow_symlinks=False))
    for folder in entries:
        if not folder.is_dir(follow_symlinks=False) or folder.name in RESERVED:
            continue
        try:
            fd = os.open(folder.name, _FOLDER, dir_fd=inbox_fd)
        except OSError:  # swapped for a link (or removed) since it was listed: the next run sees what it is
            continue
        try:
            hint = folder.name if roster.agency(folder.name) is not None else None
            for entry in _entries(fd):
                if not entry.name.startswith(".") and not entry.is_dir(follow_symlinks=False):
                    yield fd, entry.name, hint
        finally:
            os.close(fd)


def claim_files(run: InboxRun, roster: Roster) -> list[Claimed]:
    """Take for `run` what dead runs left, then every new entry of the drop folder, each by atomic rename."""
    adopted = list(_adopt(run))
    dropped = [run.take(fd, name, hint) for fd, name, hint in _dropped(run.fds["inbox"], roster)]
    return [item for item in adopted + dropped if item is not None]
