"""Answer every upload by mail: send the receipts (or the lists of errors) not sent yet, each once.

The portal, the API and `phoihop submit` send an upload's receipt mail at once; this flow, served every
ten minutes, sends what they could not (the mail server was down) and what the collect flow and a
recovered upload queued. Passing faults fail the task, which Prefect retries; refused addresses are
recorded and shown to the coordinator.
"""

from __future__ import annotations

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run

from flows.outgoing_mail import MailDeferred, MailResult
from flows.receipt_sending import deliver_receipts
from schema.database import configured_sessions
from schema.mail_delivery import Mailer
from schema.mail_log import MailState
from schema.settings import Settings


@task(cache_policy=NO_CACHE)
async def send_waiting_receipts(token: str) -> list[MailResult]:
    """Send every receipt mail waiting; fail (to be retried) if any met a passing fault."""
    settings = Settings()
    with configured_sessions(settings) as sessions:
        results = await deliver_receipts(sessions, settings, Mailer(settings), token)
    deferred = [r for r in results if r.state is MailState.DEFERRED]
    if deferred:
        raise MailDeferred(deferred)
    return results


@flow(name="receipt-mail")
async def receipt_mail() -> dict[str, int]:
    """Send the receipt mails waiting; returns how many were sent and refused."""
    settings = Settings()
    attempt = send_waiting_receipts.with_options(
        retries=len(settings.mail_retry_delays), retry_delay_seconds=settings.mail_retry_delays
    )
    results = await attempt(str(flow_run.id))  # still failing after every retry: this run fails, the next sends
    summary = {"sent": sum(r.state is MailState.SENT for r in results)}
    summary["refused"] = sum(r.state is MailState.REFUSED for r in results)
    get_run_logger().info("receipt mails: %s", summary)
    return summary


if __name__ == "__main__":
    import asyncio

    print(asyncio.run(receipt_mail()))
