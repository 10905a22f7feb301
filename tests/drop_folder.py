"""A drop folder as the world leaves it: links pointing outside, a file that crashes the reader, other runs.

Other runs are real processes that claim files through `schema.inbox` and are then killed
with SIGKILL, as a worker dies: no clean-up code runs, and the kernel drops their locks.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import schema.filing
from agencies.roster import Roster
from tests.factories import POLICE_FIGURES, blank_form, fill_form, filled_form, json_return, ready_database

ROOT = Path(__file__).parents[1]

# A JSON return whose number overflows: it crashed the reader (OverflowError) when this was written.
OVERFLOWING = json_return("police", "2023-H1", "police@1", {"fines_total": 0}).replace(
    b'"fines_total": 0', b'"fines_total": 1e400'
)


def customs_return(roster: Roster, cases: int = 0) -> bytes:
    """The customs form, filled in: the smallest valid return."""
    return fill_form(blank_form(roster, "customs"), figures={"violation_cases": cases})


def police_return(roster: Roster, **figures: int) -> bytes:
    return filled_form(roster, "police", figures={**POLICE_FIGURES, **figures})


def drop(inbox: Path, files: dict[str, bytes]) -> Path:
    """Save files into the drop folder as the coordinator does (`agency-id/name` into an agency folder)."""
    for name, data in files.items():
        (inbox / name).parent.mkdir(parents=True, exist_ok=True)
        (inbox / name).write_bytes(data)
    return inbox


def inject_intake_bug(monkeypatch, cursed: bytes) -> None:
    """Fault injection: the intake, as the drop folder calls it, raises for these bytes, as a bug in reading would."""
    real = schema.filing.submit_return

    def crashing(session, roster, data, **kwargs):
        if data == cursed:
            raise RecursionError("maximum recursion depth exceeded (injected)")
        return real(session, roster, data, **kwargs)

    monkeypatch.setattr(schema.filing, "submit_return", crashing)


_CLAIMER = """
import json, sys
from agencies.roster import load_roster
from schema.inbox import InboxRun, claim_files
run = InboxRun(sys.argv[1]).__enter__()
print("ready", flush=True)
sys.stdin.readline()
print(json.dumps([str(c.path.relative_to(run.inbox)) for c in claim_files(run, load_roster())]), flush=True)
sys.stdin.readline()  # alive, holding its claims, until killed
"""


class Claimer:
    """Another collect run in a process of its own: it claims when told to, then holds its claims until killed."""

    def __init__(self, inbox: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", _CLAIMER, str(inbox)],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None and self.process.stdout.readline() == "ready\n"

    def go(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write("go\n")
        self.process.stdin.flush()

    def claimed(self) -> list[str]:
        """What it took, relative to the inbox."""
        assert self.process.stdout is not None
        return json.loads(self.process.stdout.readline())

    def kill(self) -> None:
        """SIGKILL, as a worker dies: no clean-up runs. Idempotent."""
        self.process.kill()
        self.process.wait(timeout=30)
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                stream.close()

    def __enter__(self) -> Claimer:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.kill()


def outside_world(tmp_path: Path, secret: bytes, form: bytes) -> dict[Path, bytes]:
    """A folder beside the inbox: a file, and a folder holding a valid form; what each file holds."""
    outside = tmp_path / "outside"
    (outside / "customs").mkdir(parents=True)
    files = {outside / "secret.xlsx": secret, outside / "customs" / "hq.xlsx": form}
    for path, data in files.items():
        path.write_bytes(data)
    return files


def link_outside(inbox: Path, outside: Path) -> list[str]:
    """Links to the outside world wherever the drop folder is read; their paths, relative to the inbox."""
    (inbox / "police").mkdir(parents=True, exist_ok=True)
    links = {
        "secret.xlsx": outside / "secret.xlsx",  # a file in the inbox
        "customs": outside / "customs",  # an agency folder
        "police/bao-cao.xlsx": outside / "secret.xlsx",  # a file in an agency folder
        "police/tai-lieu": outside / "customs",  # a folder in an agency folder
    }
    for name, target in links.items():
        (inbox / name).symlink_to(target)
    return list(links)


def filed(folder: Path) -> list[str]:
    """The files filed away in processed/ or rejected/, without their sidecars."""
    names = {p.name for p in folder.iterdir()}
    return sorted(n for n in names if not (n.endswith((".txt", ".json")) and n.rpartition(".")[0] in names))


def embedded_database(path: Path, roster: Roster) -> str:
    """A database of its own for a test that breaks it: migrated, the roster loaded, 2023-H1 open."""
    url = f"sqlite:///{path}"
    ready_database(url, roster)
    return url
