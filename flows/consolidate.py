"""Consolidate a period: merge every agency's latest valid return and draft the report.

Triggered by the coordinator (CLI `phoihop consolidate`, the portal, or the Prefect UI). Started
from the portal, the run is given the id of the consolidation it does, and notes there how far it
got: running, then completed with the draft's path, or failed with why (in Vietnamese). A run
killed or cancelled midway is noted by Prefect's state hooks.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from prefect import Flow, flow, get_run_logger, task
from prefect.artifacts import create_link_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.client.schemas.objects import FlowRun, State

from agencies.period_returns import PeriodReturns
from agencies.states import AgencyStanding
from report.context import ReportContext, build_context
from report.draft import render_draft
from report.preview import preview
from schema.consolidations import STOPPED, failure_message, mark_completed, mark_failed, mark_running
from schema.database import configured_session
from schema.snapshot import load_period_returns


@task(retries=3, retry_delay_seconds=[1, 2, 4], cache_policy=NO_CACHE)
def load_returns(period: str) -> PeriodReturns:
    """Read the latest accepted return of every agency, and who is missing."""
    with configured_session() as session:
        return load_period_returns(session, period)


@task(cache_policy=NO_CACHE)
def publish_completeness(data: PeriodReturns) -> None:
    """A table artifact the coordinator reads: every agency, what it sent, who is late."""
    absent = {a.agency_id: a.state for a in data.absences}
    versions = {r.agency_id: r.version for r in data.returns}
    rows = [
        {
            "Đơn vị": agency.name,
            "Nhóm": group.title,
            "Trạng thái": AgencyStanding(absent.get(agency.id, AgencyStanding.ACCEPTED)).label,
            "Phiên bản": versions.get(agency.id, ""),
            "Quá hạn": "có" if agency.id in data.late else "",
        }
        for group in data.roster.groups
        for agency in group.agencies
    ]
    create_table_artifact(
        key=f"completeness-{data.period.id.lower()}",
        table=rows,
        description=f"Tình hình gửi báo cáo kỳ {data.period.id}: {len(data.returns)}/{len(rows)} đơn vị đã gửi.",
    )
    if data.absences:
        get_run_logger().warning("%d agencies have no valid return: %s", len(absent), ", ".join(absent))


@task(cache_policy=NO_CACHE)
def merge_returns(data: PeriodReturns, report_date: date | None, number: int | None = None) -> ReportContext:
    """Merge figures and narrative with pandas into the report's plain context."""
    return build_context(data, report_date, number)


@task(cache_policy=NO_CACHE)
def draft_report(context: ReportContext, out_dir: Path) -> Path:
    """Render the Word draft."""
    return render_draft(context, out_dir / f"bao-cao-{context.period_id}.docx")


@task(cache_policy=NO_CACHE)
def preview_draft(draft: Path) -> Path:
    """Convert the draft to PDF with LibreOffice, and its page 1 to PNG, beside it; returns the PDF's path."""
    pdf, png = preview(draft)
    create_link_artifact(
        key=f"preview-{draft.stem.lower()}",
        link=pdf.resolve().as_uri(),
        link_text=pdf.name,
        description=f"Bản PDF của dự thảo {draft.name} (LibreOffice); ảnh trang 1: {png.name}",
    )
    return pdf


@task(retries=3, retry_delay_seconds=[1, 2, 4], cache_policy=NO_CACHE)
def record_start(consolidation_id: int) -> None:
    """Note that the coordinator's consolidation is running."""
    with configured_session() as session:
        mark_running(session, consolidation_id)


@task(retries=3, retry_delay_seconds=[1, 2, 4], cache_policy=NO_CACHE)
def record_draft(consolidation_id: int, draft: Path) -> None:
    """Note the consolidation completed, and where its draft is."""
    with configured_session() as session:
        mark_completed(session, consolidation_id, str(draft))


@task(retries=3, retry_delay_seconds=[1, 2, 4], cache_policy=NO_CACHE)
def record_failure(consolidation_id: int, message: str) -> None:
    """Note the consolidation failed, and why."""
    with configured_session() as session:
        mark_failed(session, consolidation_id, message)


def record_stop(flow: Flow, flow_run: FlowRun, state: State) -> None:
    """State hook: a run that crashed or was cancelled leaves its consolidation failed, never running."""
    consolidation_id = flow_run.parameters.get("consolidation_id")
    if consolidation_id is not None:
        with configured_session() as session:
            mark_failed(session, int(consolidation_id), STOPPED)


def write_draft(
    period: str, out_dir: Path, report_date: date | None, number: int | None = None, pdf: bool = False
) -> Path:
    """The flow's steps: returns in, completeness published, merged, drafted, previewed if asked, linked."""
    data = load_returns(period)
    publish_completeness(data)
    context = merge_returns(data, report_date, number)
    draft = draft_report(context, out_dir)
    if pdf:
        preview_draft(draft)
    create_link_artifact(
        key=f"draft-{data.period.id.lower()}",
        link=draft.resolve().as_uri(),
        link_text=draft.name,
        description=f"Dự thảo báo cáo tổng hợp kỳ {data.period.id}",
    )
    get_run_logger().info("draft written to %s", draft)
    return draft


@flow(name="consolidate", on_crashed=[record_stop], on_cancellation=[record_stop])
def consolidate(
    period: str,
    out_dir: str = "out",
    report_date: date | None = None,
    consolidation_id: int | None = None,
    number: int | None = None,
    pdf: bool = False,
) -> str:
    """Merge the period's latest valid returns and write the draft report; returns its path.

    Without `report_date` or `number`, the day, the month and the number are left blank for the clerk.
    With `pdf`, the draft is also converted to PDF and its page 1 to PNG, beside it (report/preview.py).
    With `consolidation_id` (the portal's request), its progress and outcome are noted there.
    The database is the one the settings name (PHOIHOP_DATABASE_URL), never a parameter.
    """
    if consolidation_id is None:
        return str(write_draft(period, Path(out_dir), report_date, number, pdf))
    record_start(consolidation_id)
    try:
        draft = write_draft(period, Path(out_dir), report_date, number, pdf)
    except Exception as exc:
        record_failure(consolidation_id, failure_message(exc))
        raise
    record_draft(consolidation_id, draft)
    return str(draft)


if __name__ == "__main__":
    import sys

    print(consolidate(period=sys.argv[1] if len(sys.argv) > 1 else "2023-H1"))
