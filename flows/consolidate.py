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
from prefect.artifacts import create_link_artifact, create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.client.schemas.objects import FlowRun, State

from agencies.calendar import parse_period
from agencies.period_returns import NothingToConsolidate, PeriodReturns
from report.annex import write_annex as render_annex
from report.charts import Chart
from report.charts import draw_charts as render_charts
from report.context import ReportContext, build_context, senders
from report.draft import render_draft
from report.preview import preview
from report.templating import render
from report.versions import (
    DraftChanges,
    DraftVersion,
    claim_version,
    compare_summaries,
    drafting,
    previous_summary,
    release_version,
    summarise,
    write_summary,
)
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
    rows = [
        {
            "Đơn vị": sender.name,
            "Nhóm": sender.group,
            "Trạng thái": sender.state.label,
            "Phiên bản": sender.version or "",
            "Quá hạn": "có" if sender.late else "",
        }
        for sender in senders(data)
    ]
    create_table_artifact(
        key=f"completeness-{data.period.id.lower()}",
        table=rows,
        description=f"Tình hình gửi báo cáo kỳ {data.period.id}: {len(data.returns)}/{len(rows)} đơn vị đã gửi.",
    )
    if data.absences:
        absent = [a.agency_id for a in data.absences]
        get_run_logger().warning("%d agencies have no valid return: %s", len(absent), ", ".join(absent))


@task(cache_policy=NO_CACHE)
def merge_returns(data: PeriodReturns, report_date: date | None, number: int | None = None) -> ReportContext:
    """Merge figures and narrative with pandas into the report's plain context."""
    return build_context(data, report_date, number)


@task(cache_policy=NO_CACHE)
def draft_report(context: ReportContext, version: DraftVersion) -> Path:
    """Render the Word draft as the period's next numbered version; the earlier ones are kept."""
    return render_draft(context, version.docx)


@task(cache_policy=NO_CACHE)
def record_version(context: ReportContext, data: PeriodReturns, version: DraftVersion) -> DraftChanges:
    """Keep what this version was written from (marking it complete); publish what changed since the last one."""
    summary = summarise(context, data, version.number)
    write_summary(version, summary)
    changes = compare_summaries(previous_summary(version), summary)
    create_markdown_artifact(
        key=f"draft-changes-{data.period.id.lower()}",
        markdown=render("consolidation/changes.txt.j2", changes=changes),
        description=f"Dự thảo kỳ {data.period.id}, phiên bản {version.number}: thay đổi so với phiên bản trước",
    )
    return changes


@task(cache_policy=NO_CACHE)
def draw_charts(context: ReportContext, version: DraftVersion) -> list[tuple[Chart, Path]]:
    """Draw the annex's charts as PNG files beside the draft (`bieu-do-<period>-v<N>-<n>.png`)."""
    return render_charts(context, version.folder, version.chart_prefix)


@task(cache_policy=NO_CACHE)
def write_annex(context: ReportContext, charts: list[tuple[Chart, Path]], path: Path) -> Path:
    """Write the XLSX annex: figures by agency and group with live totals, who sent what, sources, charts."""
    return render_annex(context, path, charts)


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
    """The flow's steps: returns in, completeness published, merged, drafted as a new version with its annex and
    charts, what changed since the last version published, previewed if asked, linked. One run of a period at a
    time in a folder, so that versions follow the returns they were written from."""
    with drafting(out_dir, parse_period(period).id):
        data = load_returns(period)
        publish_completeness(data)
        if not data.returns:  # a draft of blanks helps nobody; the Prefect UI and the portal get the reason too
            raise NothingToConsolidate(data.period.id, len(data.roster.agencies()))
        context = merge_returns(data, report_date, number)
        version = claim_version(out_dir, context.period_id)
        try:
            draft_report(context, version)
            write_annex(context, draw_charts(context, version), version.annex)
            record_version(context, data, version)  # last of the version's files: it is complete
        except BaseException:
            release_version(version)
            raise
    if pdf:
        preview_draft(version.docx)
    for key, path, what in (
        ("draft", version.docx, "Dự thảo báo cáo tổng hợp"),
        ("annex", version.annex, "Phụ lục số liệu, tình hình gửi báo cáo và biểu đồ"),
    ):
        create_link_artifact(
            key=f"{key}-{data.period.id.lower()}",
            link=path.resolve().as_uri(),
            link_text=path.name,
            description=f"{what} kỳ {data.period.id}, phiên bản {version.number} (bản mới nhất)",
        )
    get_run_logger().info(
        "draft version %d written to %s, its annex to %s", version.number, version.docx, version.annex
    )
    return version.docx


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
