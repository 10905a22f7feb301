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
from agencies.roster import DEFAULT_ROSTER, GroupRole, Roster, RosterError, load_roster
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


def demo_samples(roster_path: Path, samples_path: Path | None) -> Path:
    """The sample returns to replay: those given, else the one file of the roster's `samples/` folder."""
    if samples_path is not None:
        return samples_path
    found = sorted((roster_path.parent / "samples").glob("*.yaml"))
    if len(found) != 1:
        raise RosterError(
            f"Hãy chỉ rõ tệp báo cáo mẫu bằng --samples: thư mục {roster_path.parent / 'samples'} "
            f"có {len(found)} tệp mẫu (*.yaml)."
        )
    return found[0]


def prepare_demo(
    out: Path, actor: str, console: Console, roster_path: Path = DEFAULT_ROSTER, samples_path: Path | None = None
) -> tuple[str, SampleSet, list[Receipt]]:
    """Create `out/phoihop-demo.db` anew, open the sample period and submit every sample return."""
    from report.trial import check_wording

    roster = load_roster(roster_path)
    check_wording(roster)
    samples = load_samples(demo_samples(roster_path, samples_path))
    out.mkdir(parents=True, exist_ok=True)
    for stale in [*out.glob("phoihop-demo.db*"), *out.glob("mail/*.eml")]:  # the last demo's database and mails
        stale.unlink()
    database_url = f"sqlite:///{out / 'phoihop-demo.db'}"
    engine = make_engine(database_url)
    upgrade_to_head(engine)
    returns_dir = out / "returns"
    returns_dir.mkdir(exist_ok=True)
    with make_session_factory(engine)() as session:
        save_roster(session, roster, str(roster_path), actor)
        open_period(session, samples.period, actor)
        receipts = submit_samples(session, roster, samples, actor, returns_dir, console)
    engine.dispose()
    return database_url, samples, receipts


def demo_officer(roster: Roster) -> str:
    """The agency whose officer the demo signs in: the first one reporting to the coordinator."""
    return next(a.id for g in roster.groups if g.role != GroupRole.COORDINATOR for a in g.agencies)


def demo_accounts(database_url: str, actor: str, out: Path) -> dict[str, str]:
    """Portal passwords for the demo's coordinator and one officer, also kept in `out/demo-accounts.txt`."""
    from schema.accounts import COORDINATOR_LOGIN, issue_password
    from schema.roster_store import current_roster

    engine = make_engine(database_url)
    with make_session_factory(engine)() as session:
        logins = (None, demo_officer(current_roster(session)))  # the coordinator, and one agency's officer
        passwords = {login or COORDINATOR_LOGIN: issue_password(session, actor, login) for login in logins}
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
