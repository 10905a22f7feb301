"""Collect returns from the drop folder the coordinator saves e-mailed attachments into.

The run holds its claim on the folder (schema/inbox.py) for its whole life, takes what dead
runs left and every new file, then keeps each file in a task of its own: one file's bug never
stops the others (it is filed to rejected/ as an internal error), and a fault of the database
or the disk is retried, then leaves that file — and, the world being down, those after it —
claimed for the next run. An artifact tells, per agency, what arrived and what became of it;
each agency is answered by mail (its receipt, or its errors).
Safe to re-run, safe with two runs at once, safe when a run is killed.
"""

from __future__ import annotations

from datetime import timedelta

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run

from agencies.roster import Roster
from flows.receipt_mail import send_waiting_receipts
from report.templating import render
from schema.database import configured_session
from schema.faults import fault_of
from schema.filing import Outcome, keep_claimed
from schema.inbox import Claimed, InboxRun, claim_files
from schema.recovery import finish_unfinished_uploads
from schema.roster_store import current_roster
from schema.settings import Settings

RESULT = "receipts/result.txt.j2"


@task(retries=3, retry_delay_seconds=[1, 2, 4], cache_policy=NO_CACHE)
def load_roster_in_force() -> Roster:
    """The roster the database holds."""
    with configured_session() as session:
        return current_roster(session)


@task(retries=3, retry_delay_seconds=[1, 2, 4], cache_policy=NO_CACHE)
def finish_unfinished() -> int:
    """Finish the uploads a killed process left stored but unfinished (from any channel); how many."""
    grace = timedelta(seconds=Settings().unfinished_grace_seconds)
    with configured_session() as session:
        recovery = finish_unfinished_uploads(session, grace=grace)
    if recovery.failed:
        get_run_logger().warning(
            "%d stored uploads could not be finished; listed by «phoihop status»", len(recovery.failed)
        )
    return len(recovery.finished)


@task(cache_policy=NO_CACHE)
def claim_inbox(run: InboxRun, roster: Roster) -> list[Claimed]:
    """Take what dead runs left and the new files of the drop folder, for this run."""
    return claim_files(run, roster)


@task(retries=3, retry_delay_seconds=[1, 2, 4], cache_policy=NO_CACHE, task_run_name="keep-{item.shown}")
def keep_file(item: Claimed, run: InboxRun, roster: Roster) -> Outcome:
    """Keep one file, check it, file it away with its sidecar; only a fault of the world fails (and retries)."""
    with configured_session() as session:
        return keep_claimed(session, roster, run, item, render, log=get_run_logger())


@task(cache_policy=NO_CACHE)
def publish_arrivals(outcomes: list[Outcome], roster: Roster) -> None:
    """A table artifact: per agency, what arrived and what became of it."""
    rows = []
    for outcome in outcomes:
        agency = roster.agency(outcome.agency_id) if outcome.agency_id else None
        rows.append(
            {
                "Đơn vị": agency.name if agency else "(chưa xác định)",
                "Tệp": outcome.name,
                "Kỳ": (outcome.receipt.period if outcome.receipt else None) or "",
                "Kết quả": render(RESULT, outcome=outcome.status, receipt=outcome.receipt),
                "Lỗi": "; ".join(p.message for p in outcome.errors),
            }
        )
    rows.sort(key=lambda row: (row["Đơn vị"], row["Tệp"]))
    accepted = sum(o.accepted for o in outcomes)
    left = sum(o.status == "left" for o in outcomes)
    create_table_artifact(
        key="collect-inbox",
        table=rows,
        description=f"Thư mục nhận báo cáo: {len(outcomes)} tệp, {accepted} được nhận, "
        f"{len(outcomes) - accepted - left} bị từ chối, {left} chờ lần chạy sau.",
    )


@flow(name="collect")
def collect(inbox: str | None = None) -> dict[str, int]:
    """Ingest every new file of the drop folder; returns how many were accepted, rejected and left for later.

    The folder defaults to `inbox/` in the data folder; the database is the one the settings
    name (PHOIHOP_DATABASE_URL), never a parameter.
    """
    inbox = inbox or str(Settings().data_dir / "inbox")
    logger = get_run_logger()
    roster = load_roster_in_force()
    finish_unfinished()
    outcomes: list[Outcome] = []
    with InboxRun(inbox) as run:
        claimed = claim_inbox(run, roster)
        for n, item in enumerate(claimed):
            state = keep_file(item, run, roster, return_state=True)
            if state.is_completed():
                outcomes.append(state.result())
                continue
            outcomes.append(Outcome(item.shown, item.agency_hint, filed=None))
            if fault_of(state.result(raise_on_failure=False)) is not None:
                logger.error("the database or the disk is failing: %d files left for the next run", len(claimed) - n)
                outcomes += [Outcome(rest.shown, rest.agency_hint, filed=None) for rest in claimed[n + 1 :]]
                break
    publish_arrivals(outcomes, roster)
    answer_by_mail = send_waiting_receipts.submit(str(flow_run.id))  # an async task: submitted from this sync flow
    answer_by_mail.wait()  # failing, it leaves the mails queued for the receipt-mail flow; the files are kept
    summary = {"files": len(outcomes), "accepted": sum(o.accepted for o in outcomes)}
    summary["left"] = sum(o.status == "left" for o in outcomes)
    summary["rejected"] = summary["files"] - summary["accepted"] - summary["left"]
    logger.info("inbox %s: %s", inbox, summary)
    return summary


if __name__ == "__main__":
    print(collect())
