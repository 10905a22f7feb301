"""Collect returns from the drop folder the coordinator saves e-mailed attachments into.

Each file is kept byte for byte through the intake, then moved to processed/ or rejected/
with a sidecar of its receipt or errors; an artifact tells, per agency, what arrived and
what was wrong. Safe to re-run, and safe with two runs at once (see schema/inbox.py).
"""

from __future__ import annotations

from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE

from agencies.roster import Roster
from phoihop.settings import Settings
from schema.database import make_engine, make_session_factory
from schema.inbox import Claimed, claim_files, file_away, ingest_claimed
from schema.intake import Receipt
from schema.roster_store import current_roster


@task(retries=3, retry_delay_seconds=[1, 2, 4], cache_policy=NO_CACHE)
def load_roster_in_force(database_url: str) -> Roster:
    """The roster the database holds."""
    engine = make_engine(database_url)
    try:
        with make_session_factory(engine)() as session:
            return current_roster(session)
    finally:
        engine.dispose()


@task(cache_policy=NO_CACHE)
def claim_inbox(inbox: Path, roster: Roster) -> list[Claimed]:
    """Take the new files of the drop folder for this run."""
    return claim_files(inbox, roster)


@task(retries=3, retry_delay_seconds=[1, 2, 4], cache_policy=NO_CACHE)
def ingest_files(claimed: list[Claimed], roster: Roster, database_url: str) -> list[Receipt]:
    """Keep each file and check it; a retry resubmits the same bytes, which never doubles a version."""
    engine = make_engine(database_url)
    try:
        with make_session_factory(engine)() as session:
            return ingest_claimed(session, roster, claimed)
    finally:
        engine.dispose()


@task(cache_policy=NO_CACHE)
def file_away_all(claimed: list[Claimed], receipts: list[Receipt], inbox: Path, roster: Roster) -> list[Path]:
    """Move each file to processed/ or rejected/ with its sidecar."""
    return [file_away(item, receipt, inbox, roster) for item, receipt in zip(claimed, receipts, strict=True)]


@task(cache_policy=NO_CACHE)
def publish_arrivals(claimed: list[Claimed], receipts: list[Receipt], roster: Roster) -> None:
    """A table artifact: per agency, what arrived and what was wrong."""
    rows = []
    for item, receipt in zip(claimed, receipts, strict=True):
        agency = roster.agency(receipt.agency_id) if receipt.agency_id else None
        if receipt.duplicate:
            outcome = "Trùng tệp đã nhận"
        elif receipt.accepted:
            outcome = f"Đã nhận, phiên bản {receipt.version}"
        else:
            outcome = "Không hợp lệ"
        rows.append(
            {
                "Đơn vị": agency.name if agency else "(chưa xác định)",
                "Tệp": item.name,
                "Kỳ": receipt.period_id or "",
                "Kết quả": outcome,
                "Lỗi": "; ".join(p.message for p in receipt.errors),
            }
        )
    rows.sort(key=lambda row: (row["Đơn vị"], row["Tệp"]))
    accepted = sum(1 for r in receipts if r.accepted)
    create_table_artifact(
        key="collect-inbox",
        table=rows,
        description=f"Thư mục nhận báo cáo: {len(receipts)} tệp, {accepted} được nhận, {len(receipts) - accepted} bị từ chối.",
    )


@flow(name="collect")
def collect(inbox: str = "var/inbox", database_url: str | None = None) -> dict[str, int]:
    """Ingest every new file of the drop folder; returns how many were accepted and rejected."""
    url = database_url or Settings().resolved_database_url
    folder = Path(inbox)
    roster = load_roster_in_force(url)
    claimed = claim_inbox(folder, roster)
    receipts = ingest_files(claimed, roster, url)
    file_away_all(claimed, receipts, folder, roster)
    publish_arrivals(claimed, receipts, roster)
    summary = {"files": len(receipts), "accepted": sum(r.accepted for r in receipts)}
    summary["rejected"] = summary["files"] - summary["accepted"]
    get_run_logger().info("inbox %s: %s", folder, summary)
    return summary


if __name__ == "__main__":
    print(collect())
