"""The demo: a fresh embedded database and seed 004's returns sent as filled XLSX forms."""

from __future__ import annotations

import asyncio
from datetime import datetime, time, timedelta
from pathlib import Path

from rich.console import Console
from rich.progress import track
from sqlalchemy.orm import Session

from agencies.calendar import REPORTING_TZ
from agencies.form_filling import fill_form_workbook
from agencies.roster import Roster, load_roster
from agencies.samples import SampleSet, load_samples
from flows.receipt_sending import deliver_receipts
from schema.database import make_engine, make_session_factory
from schema.intake import submit_return
from schema.mail_delivery import Mailer
from schema.migrate import upgrade_to_head
from schema.period_forms import form_for
from schema.periods import get_period, open_period
from schema.receipts import Receipt
from schema.roster_store import save_roster
from schema.settings import Settings


def submit_samples(
    session: Session,
    roster: Roster,
    samples: SampleSet,
    actor: str,
    returns_dir: Path | None = None,
    console: Console | None = None,
) -> list[Receipt]:
    """Fill each agency's generated form with its sample and submit it through the intake.

    The demo replays the sample's cycle: its returns are stamped as received, a few minutes
    apart, from 08:00 two days after the data window closed — before the deadline, as in 2023.
    """
    row = get_period(session, samples.period)
    first_receipt = datetime.combine(row.window_end + timedelta(days=2), time(8, 0), REPORTING_TZ)
    agencies = list(samples.returns)
    if console is not None:
        agencies = track(agencies, description="Đang gửi báo cáo mẫu…", console=console, transient=True)
    receipts = []
    for index, agency_id in enumerate(agencies):
        sample = samples.returns[agency_id]
        blank = form_for(roster, row, agency_id)  # the form `phoihop forms` and the portal hand out
        filled = fill_form_workbook(blank.content, figures=sample.figures, narrative=sample.narrative)
        name = blank.filename
        if returns_dir is not None:
            (returns_dir / name).write_bytes(filled)
        receipt = submit_return(
            session,
            roster,
            filled,
            channel="cli",
            actor=actor,
            filename=name,
            agency_id=agency_id,
            now=first_receipt + timedelta(minutes=7 * index),
        )
        if console is not None and not receipt.accepted:
            for problem in receipt.problems:
                console.print(f"[red]✗[/] {name}: {problem.message}")
        receipts.append(receipt)
    return receipts


def prepare_demo(out: Path, actor: str, console: Console) -> tuple[str, SampleSet, list[Receipt]]:
    """Create `out/phoihop-demo.db` anew, open the sample period and submit every sample return."""
    roster, samples = load_roster(), load_samples()
    out.mkdir(parents=True, exist_ok=True)
    for stale in [*out.glob("phoihop-demo.db*"), *out.glob("mail/*.eml")]:  # the last demo's database and mails
        stale.unlink()
    database_url = f"sqlite:///{out / 'phoihop-demo.db'}"
    engine = make_engine(database_url)
    upgrade_to_head(engine)
    returns_dir = out / "returns"
    returns_dir.mkdir(exist_ok=True)
    with make_session_factory(engine)() as session:
        save_roster(session, roster, "demo", actor)
        open_period(session, samples.period, actor)
        receipts = submit_samples(session, roster, samples, actor, returns_dir, console)
    engine.dispose()
    return database_url, samples, receipts


DEMO_LOGINS = (None, "police")  # the coordinator, and one agency's officer


def demo_accounts(database_url: str, actor: str, out: Path) -> dict[str, str]:
    """Portal passwords for the demo's coordinator and one officer, also kept in `out/demo-accounts.txt`."""
    from schema.accounts import COORDINATOR_LOGIN, issue_password

    engine = make_engine(database_url)
    with make_session_factory(engine)() as session:
        passwords = {login or COORDINATOR_LOGIN: issue_password(session, actor, login) for login in DEMO_LOGINS}
    engine.dispose()
    lines = [f"{login}\t{password}" for login, password in passwords.items()]
    (out / "demo-accounts.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return passwords


def mail_demo_receipts(database_url: str, out: Path, settings: Settings) -> Path:
    """Each sample return's receipt mail, saved as .eml under `out/mail/` — never sent: the roster's addresses
    are examples, so the demo writes to the local sink whatever mail server the settings name."""
    sink = settings.model_copy(update={"smtp_host": None, "data_dir": out})
    engine = make_engine(database_url)
    try:
        asyncio.run(deliver_receipts(make_session_factory(engine), sink, Mailer(sink), "demo"))
    finally:
        engine.dispose()
    return sink.mail_dir
