"""The demo's setup: a fresh embedded database and seed 004's returns sent as filled XLSX forms."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from pathlib import Path

from rich.console import Console
from rich.progress import track

from agencies.calendar import REPORTING_TZ, parse_period
from agencies.form_filling import fill_form_workbook
from agencies.form_workbook import FormContext, build_form_workbook
from agencies.roster import load_roster
from agencies.samples import SampleSet, load_samples
from schema.database import make_engine, make_session_factory
from schema.intake import Receipt, submit_return
from schema.migrate import upgrade_to_head
from schema.periods import open_period
from schema.roster_store import save_roster


def prepare_demo(out: Path, actor: str, console: Console) -> tuple[str, SampleSet, list[Receipt]]:
    """Create `out/phoihop-demo.db` anew, open the sample period and submit every sample return.

    The demo replays the sample's cycle: its returns are stamped as received, a few minutes
    apart, from 08:00 two days after the data window closed — before the deadline, as in 2023.
    """
    roster, samples = load_roster(), load_samples()
    out.mkdir(parents=True, exist_ok=True)
    database = out / "phoihop-demo.db"
    for stale in out.glob("phoihop-demo.db*"):
        stale.unlink()
    database_url = f"sqlite:///{database}"
    engine = make_engine(database_url)
    upgrade_to_head(engine)
    receipts = []
    returns_dir = out / "returns"
    returns_dir.mkdir(exist_ok=True)
    with make_session_factory(engine)() as session:
        save_roster(session, roster, "demo", actor)
        row = open_period(session, samples.period, actor)
        period = parse_period(row.id)
        first_receipt = datetime.combine(row.window_end + timedelta(days=2), time(8, 0), REPORTING_TZ)
        for index, agency_id in enumerate(
            track(list(samples.returns), description="Đang gửi báo cáo mẫu…", console=console, transient=True)
        ):
            sample = samples.returns[agency_id]
            form = build_form_workbook(
                FormContext(
                    agency=roster.agency(agency_id),
                    form=roster.form_for(agency_id),
                    period_id=row.id,
                    period_label=period.label,
                    window=(row.window_start, row.window_end),
                    deadline=row.deadline_for(roster.group_of(agency_id).id),
                )
            )
            filled = fill_form_workbook(form, figures=sample.figures, narrative=sample.narrative)
            path = returns_dir / f"{row.id}_{agency_id}.xlsx"
            path.write_bytes(filled)
            receipt = submit_return(
                session,
                roster,
                filled,
                channel="cli",
                actor=actor,
                filename=path.name,
                agency_id=agency_id,
                now=first_receipt + timedelta(minutes=7 * index),
            )
            if not receipt.accepted:
                for problem in receipt.problems:
                    console.print(f"[red]✗[/] {path.name}: {problem.message}")
            receipts.append(receipt)
    engine.dispose()
    return database_url, samples, receipts
