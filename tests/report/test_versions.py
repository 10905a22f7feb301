"""Numbered drafts: a number is claimed once, never reused, and a version is compared with the last complete one."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from report.versions import (
    DraftSummary,
    DraftVersion,
    FigureLine,
    ReturnLine,
    changes_of,
    claim_version,
    drafting,
    release_version,
    version_of,
    write_summary,
)


def summary(number: int, cases: float, returns: dict[str, int]) -> DraftSummary:
    line = FigureLine("2.1. Công an tỉnh", "Số vụ lừa đảo", "vụ", "count", cases)
    return DraftSummary(
        "2023-H1", number, {"police/fraud": line}, {k: ReturnLine(k.upper(), v) for k, v in returns.items()}
    )


def test_runs_at_once_each_claim_a_number_of_their_own(tmp_path: Path) -> None:
    with ThreadPoolExecutor(8) as pool:
        numbers = sorted(v.number for v in pool.map(lambda _: claim_version(tmp_path, "2023-H1"), range(16)))
    assert numbers == list(range(1, 17))


def test_numbers_follow_the_highest_kept_and_another_period_does_not_count(tmp_path: Path) -> None:
    (tmp_path / "bao-cao-2023-H1-v7.docx").write_bytes(b"kept")
    (tmp_path / "bao-cao-2023-H1-v09.docx").write_bytes(b"not a version name")
    (tmp_path / "bao-cao-2023-H2-v12.docx").write_bytes(b"another period")
    assert claim_version(tmp_path, "2023-H1").number == 8
    assert claim_version(tmp_path, "2023-H2").number == 13
    assert claim_version(tmp_path, "2023-Y").number == 1


def test_a_failed_run_gives_its_number_and_files_back_but_a_complete_version_is_never_removed(tmp_path: Path) -> None:
    failed = claim_version(tmp_path, "2023-H1")
    failed.docx.write_bytes(b"a draft whose annex could not be written")
    (tmp_path / f"{failed.chart_prefix}-1.png").write_bytes(b"png")
    release_version(failed)
    assert list(tmp_path.iterdir()) == [] and claim_version(tmp_path, "2023-H1").number == 1
    complete = DraftVersion("2023-H1", 1, tmp_path)
    complete.docx.write_bytes(b"a draft")
    write_summary(complete, summary(1, 3, {"police": 1}))
    release_version(complete)
    assert complete.docx.read_bytes() == b"a draft" and complete.summary_path.exists()


def test_one_run_of_a_period_at_a_time_writes_its_versions(tmp_path: Path) -> None:
    order: list[str] = []
    inside = threading.Event()

    def first() -> None:
        with drafting(tmp_path, "2023-H1"):
            order.append("first in")
            inside.set()
            time.sleep(0.3)
            order.append("first out")

    def second() -> None:
        inside.wait(5)
        with drafting(tmp_path, "2023-H1"):
            order.append("second in")

    def other_period() -> None:
        inside.wait(5)
        with drafting(tmp_path, "2023-H2"):
            order.append("other period in")

    threads = [threading.Thread(target=f) for f in (first, second, other_period)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert order.index("second in") > order.index("first out"), order
    assert order.index("other period in") < order.index("first out"), "another period does not wait"


def test_a_version_whose_run_never_finished_is_skipped_when_comparing(tmp_path: Path) -> None:
    first, unfinished, third = (DraftVersion("2023-H1", n, tmp_path) for n in (1, 2, 3))
    write_summary(first, summary(1, 3, {"police": 1}))
    unfinished.docx.write_bytes(b"")  # claimed, then the process was killed
    write_summary(third, summary(3, 5, {"police": 2, "customs": 1}))
    changes = changes_of(third)
    assert changes.previous == 1
    assert [(c.before, c.after) for c in changes.figures] == [(3, 5)]
    assert (changes.added, changes.removed, changes.corrected) == (["CUSTOMS"], [], [("POLICE", 1, 2)])
    assert changes_of(first).previous is None
    assert version_of(third.docx) == third
