"""Remind the agencies that have not sent: each open period's steps due today, every mail once.

Scheduled daily at 08:00 (Asia/Ho_Chi_Minh) by `phoihop serve` and prefect.yaml; `phoihop remind
PERIOD` runs it for one period. A mail that meets a passing fault (the server down, the connection
dropped, a 4xx answer) fails its period's task, which Prefect retries after the settings'
`mail_retry_delays`; the log's claims (schema.mail_log) make a retry, a re-run or a second run at once
send only what is not sent. A refused address is recorded, shown to the coordinator, never retried.
Each period's run leaves a table artifact: per agency, what was sent, skipped and why, or failed.
"""

from __future__ import annotations

from datetime import date, datetime

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run

from agencies.calendar import REPORTING_TZ
from flows.outgoing_mail import MailDeferred
from flows.reminder_sending import ReminderRun, reminder_rows, send_reminders
from report.templating import render
from schema.database import configured_session, configured_sessions
from schema.mail_delivery import Mailer
from schema.mail_log import MailState
from schema.periods import open_period_ids
from schema.settings import Settings

OUTCOME = "reminders/outcome.txt.j2"


@task(retries=3, retry_delay_seconds=[1, 2, 4], cache_policy=NO_CACHE)
def list_open_periods() -> list[str]:
    """The cycles that take returns now."""
    with configured_session() as session:
        return open_period_ids(session)


@task(cache_policy=NO_CACHE, task_run_name="remind-{period}")
async def send_period_reminders(period: str, today: date, token: str) -> ReminderRun:
    """Send the period's reminders due today that no run has sent; fail (to be retried) if any met a passing fault."""
    settings = Settings()
    with configured_sessions(settings) as sessions:
        run = await send_reminders(sessions, settings, Mailer(settings), period, today, token)
    if run.deferred:
        raise MailDeferred(run.deferred)
    return run


@task(retries=3, retry_delay_seconds=[1, 2, 4], cache_policy=NO_CACHE, task_run_name="report-{period}")
def publish_reminders(period: str, today: date, token: str) -> dict[str, int]:
    """A table artifact of the period's day: per agency, what this run sent, skipped and why, or failed."""
    with configured_session() as session:
        rows = reminder_rows(session, period, today, token)
        table = [
            {
                "Đơn vị": d.name,
                "Bước": d.step or "",
                "Kết quả": render(OUTCOME, d=d, row=row),
            }
            for d, row in rows
        ]
    tried = [row.state for _, row in rows if row is not None]
    counts = {state.value: tried.count(state) for state in (MailState.SENT, MailState.DEFERRED, MailState.REFUSED)}
    counts["skipped"] = len(rows) - len(tried)
    create_table_artifact(
        key=f"remind-{period.lower()}",
        table=table,
        description=f"Nhắc gửi báo cáo kỳ {period}, ngày {today:%d/%m/%Y}: {counts['sent']} thư đã gửi, "
        f"{counts['deferred']} chờ gửi lại, {counts['refused']} bị từ chối, {counts['skipped']} đơn vị bỏ qua.",
    )
    return counts


@flow(name="remind")
async def remind(period: str | None = None, today: date | None = None) -> dict[str, dict[str, int]]:
    """Send the reminders due today for `period`, or for every open period; returns per period what happened.

    `today` defaults to the province's date; the database and the mail server come from the settings.
    """
    logger = get_run_logger()
    today = today or datetime.now(REPORTING_TZ).date()
    token = str(flow_run.id)
    settings = Settings()
    attempt = send_period_reminders.with_options(
        retries=len(settings.mail_retry_delays), retry_delay_seconds=settings.mail_retry_delays
    )
    summary: dict[str, dict[str, int]] = {}
    for each in [period] if period else list_open_periods():
        await attempt(each, today, token, return_state=True)  # what it did is read back from the log
        summary[each] = publish_reminders(each, today, token)
    logger.info("reminders of %s: %s", today, summary)
    waiting = sum(counts["deferred"] for counts in summary.values())
    if waiting:
        raise RuntimeError(f"{waiting} reminders met a passing fault after every retry; the next run sends them")
    return summary


if __name__ == "__main__":
    import asyncio

    print(asyncio.run(remind()))
