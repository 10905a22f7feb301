"""Drafts are versions, never overwritten.

Each consolidation writes `bao-cao-<period>-v<N>.docx` beside the earlier ones (an officer's edits to a downloaded
draft are never lost by a rerun), and last `bao-cao-<period>-v<N>.json`: what that draft was written from. The
summary marks the version complete and is what the next version is compared with (figures that moved, agencies
added or gone, returns corrected).
"""

from __future__ import annotations

import fcntl
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the CLI reads versions without paying for pandas, which the context's module imports
    from agencies.period_returns import PeriodReturns
    from report.context import ReportContext

PREFIX = "bao-cao"
VERSION_NAME = re.compile(rf"{PREFIX}-(?P<period>.+)-v(?P<number>[1-9]\d*)\.docx")  # bao-cao-2023-H1-v2.docx


@dataclass(frozen=True)
class DraftVersion:
    """One numbered draft of a period in a folder, and the files that go with it."""

    period_id: str
    number: int
    folder: Path

    def beside(self, prefix: str, suffix: str) -> Path:
        """A file of this version: `bao-cao-2023-H1-v2.docx`, `phu-luc-2023-H1-v2.xlsx`."""
        return self.folder / f"{prefix}-{self.period_id}-v{self.number}{suffix}"

    @property
    def docx(self) -> Path:
        return self.beside(PREFIX, ".docx")

    @property
    def summary_path(self) -> Path:
        return self.beside(PREFIX, ".json")

    @property
    def annex(self) -> Path:
        return self.beside("phu-luc", ".xlsx")

    @property
    def chart_prefix(self) -> str:
        """Its charts are `<chart_prefix>-1.png`, `-2.png`, …"""
        return self.beside("bieu-do", "").name

    def files(self) -> list[Path]:
        """Every file this version has written so far."""
        written = [self.docx, self.annex, self.summary_path, *self.folder.glob(f"{self.chart_prefix}-*.png")]
        return [path for path in written if path.exists()]


@contextmanager
def drafting(folder: Path, period_id: str) -> Iterator[None]:
    """One consolidation of a period at a time in a folder, from reading the returns to its last file.

    Two runs at once would otherwise finish out of order: the portal's "latest" draft would not be the newest
    numbers, and a version could be compared with one still being written. The lock ends with the process.
    """
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / f".{PREFIX}-{period_id}.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _numbers(folder: Path, period_id: str) -> list[int]:
    matches = (VERSION_NAME.fullmatch(p.name) for p in folder.glob(f"{PREFIX}-*-v*.docx"))
    return sorted(int(m["number"]) for m in matches if m is not None and m["period"] == period_id)


def claim_version(folder: Path, period_id: str) -> DraftVersion:
    """The next version, claimed by creating its (empty) draft file: two runs at once never share a number."""
    folder.mkdir(parents=True, exist_ok=True)
    number = max(_numbers(folder, period_id), default=0) + 1
    while True:
        version = DraftVersion(period_id, number, folder)
        try:
            version.docx.open("xb").close()
        except FileExistsError:
            number += 1
        else:
            return version


def release_version(version: DraftVersion) -> None:
    """Give back a number whose run failed before the version was complete: every file it wrote is removed (none
    was handed to anyone: only a complete version is linked, downloaded or compared)."""
    if version.summary_path.exists():
        return
    for path in version.files():
        path.unlink()


def version_of(draft: Path) -> DraftVersion:
    """The version a draft file is: `…/bao-cao-2023-H1-v2.docx` → 2023-H1, 2."""
    match = VERSION_NAME.fullmatch(draft.name)
    if match is None:
        raise ValueError(f"not a numbered draft: {draft.name}")
    return DraftVersion(match["period"], int(match["number"]), draft.parent)


@dataclass(frozen=True)
class FigureLine:
    """A figure of the draft as the change summary names it."""

    section: str  # `2.1. Công an tỉnh`
    label: str
    unit: str
    kind: str
    value: float


@dataclass(frozen=True)
class ReturnLine:
    name: str
    version: int


@dataclass
class DraftSummary:
    period_id: str
    version: int
    figures: dict[str, FigureLine] = field(default_factory=dict)  # `<group id>/<code>`
    returns: dict[str, ReturnLine] = field(default_factory=dict)  # by agency id


def summarise(context: ReportContext, data: PeriodReturns, number: int) -> DraftSummary:
    """What version `number` of the draft is written from: each group's figures and the return of each agency."""
    names = {agency.id: agency.name for agency in data.roster.agencies()}
    summary = DraftSummary(context.period_id, number)
    for group in context.groups:
        for code, figure in group.figures.items():
            summary.figures[f"{group.id}/{code}"] = FigureLine(
                f"{group.number}. {group.title}", figure.label, figure.unit, figure.kind, figure.value
            )
    for record in data.returns:
        summary.returns[record.agency_id] = ReturnLine(names[record.agency_id], record.version)
    return summary


def write_summary(version: DraftVersion, summary: DraftSummary) -> Path:
    version.summary_path.write_text(json.dumps(asdict(summary), ensure_ascii=False, indent=1), encoding="utf-8")
    return version.summary_path


def read_summary(version: DraftVersion) -> DraftSummary | None:
    """The version's summary; none for a version whose run never finished."""
    if not version.summary_path.is_file():
        return None
    raw = json.loads(version.summary_path.read_text(encoding="utf-8"))
    return DraftSummary(
        raw["period_id"],
        raw["version"],
        {key: FigureLine(**line) for key, line in raw["figures"].items()},
        {key: ReturnLine(**line) for key, line in raw["returns"].items()},
    )


@dataclass(frozen=True)
class FigureChange:
    line: FigureLine  # as it is now (or was, when the figure is gone)
    before: float | None
    after: float | None


@dataclass(frozen=True)
class DraftChanges:
    """Version `number` against the latest complete version before it (`previous`; none for the first)."""

    period_id: str
    number: int
    previous: int | None
    figures: list[FigureChange] = field(default_factory=list)
    added: list[str] = field(default_factory=list)  # agencies whose return is in now, and was not
    removed: list[str] = field(default_factory=list)  # agencies whose return was in, and is not now
    corrected: list[tuple[str, int, int]] = field(default_factory=list)  # name, version then, version now

    @property
    def unchanged(self) -> bool:
        return not (self.figures or self.added or self.removed or self.corrected)


def compare_summaries(before: DraftSummary | None, after: DraftSummary) -> DraftChanges:
    if before is None:
        return DraftChanges(after.period_id, after.version, None)
    changes = DraftChanges(after.period_id, after.version, before.version)
    for key, line in after.figures.items():
        old = before.figures.get(key)
        if old is None or old.value != line.value:
            changes.figures.append(FigureChange(line, old.value if old else None, line.value))
    for key, old in before.figures.items():
        if key not in after.figures:
            changes.figures.append(FigureChange(old, old.value, None))
    changes.added.extend(line.name for key, line in after.returns.items() if key not in before.returns)
    changes.removed.extend(line.name for key, line in before.returns.items() if key not in after.returns)
    changes.corrected.extend(
        (line.name, before.returns[key].version, line.version)
        for key, line in after.returns.items()
        if key in before.returns and before.returns[key].version != line.version
    )
    return changes


def previous_summary(version: DraftVersion) -> DraftSummary | None:
    """The summary of the latest version before `version` that was completed; none before the first."""
    earlier = (DraftVersion(version.period_id, n, version.folder) for n in reversed(range(1, version.number)))
    return next((s for s in map(read_summary, earlier) if s is not None), None)


def changes_of(version: DraftVersion) -> DraftChanges:
    """What changed in `version` since the latest earlier version that was completed."""
    current = read_summary(version)
    if current is None:
        raise ValueError(f"version {version.number} of {version.period_id} has no summary")
    return compare_summaries(previous_summary(version), current)


def annex_of(draft: Path) -> Path | None:
    """The annex written with a numbered draft, when it is there."""
    try:
        annex = version_of(draft).annex
    except ValueError:  # a draft from before drafts were numbered had no annex
        return None
    return annex if annex.is_file() else None
