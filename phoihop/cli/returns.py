"""`phoihop forms`, `submit` and `status`: the officer's and the coordinator's daily commands."""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import track
from rich.table import Table
from rich.text import Text

from agencies.bounds import FILENAME_MAX, printable
from agencies.calendar import REPORTING_TZ
from agencies.file_safety import read_local
from agencies.problems import Problem, problem
from agencies.roster import Roster
from agencies.states import AgencyStanding, ReceivedVia, ReturnStatus
from flows.receipt_sending import deliver_receipts, receipt_mails_of
from phoihop.cli.context import AppContext, app_context, console, fail, require_agency
from phoihop.cli.output import out_dir, write_out
from phoihop.cli.unseen import print_mail_failures, print_unassigned, print_unfinished
from report.templating import render
from schema.backfill import Backfill
from schema.completeness import completeness_document, period_completeness
from schema.intake import submit_return
from schema.mail_delivery import Mailer
from schema.mail_log import mail_failures
from schema.periods import get_period, period_of
from schema.receipts import Receipt
from schema.roster_store import roster_naming
from schema.unseen import unassigned_uploads, unfinished_uploads

STATE_LABELS = {
    standing: f"[{colour}]{standing.label}[/]"
    for standing, colour in {
        AgencyStanding.ACCEPTED: "green",
        AgencyStanding.MISSING: "red",
        AgencyStanding.INVALID: "yellow",
        AgencyStanding.WITHDRAWN: "magenta",
    }.items()
}


def forms(
    ctx: typer.Context,
    period: Annotated[str, typer.Argument(help="Mã kỳ, ví dụ 2023-H1.")],
    out: Annotated[Path, typer.Option("--out", help="Thư mục ghi các biểu mẫu.")] = Path("forms"),
) -> None:
    """Tạo biểu mẫu Excel điền sẵn cho từng đơn vị của kỳ báo cáo."""
    from schema.period_forms import form_for

    app = app_context(ctx)
    with app.session() as session:
        row = get_period(session, period)
        roster = app.roster(session, row.id)
    out_dir(out)
    written = 0
    for group in track(roster.groups, description="Đang tạo biểu mẫu…", console=console, transient=True):
        for agency in group.agencies:
            filled = form_for(roster, row, agency.id)
            write_out(out / filled.filename, filled.content)
            written += 1
    console.print(f"Đã tạo {written} biểu mẫu kỳ {row.id} trong thư mục {out}.")


def shown_path(path: Path) -> str:
    """A file as a receipt names it: as it was given, printable (a name that is not UTF-8 shows `�`), and past
    FILENAME_MAX characters cut at its start, so that the end, the file's own name, stays."""
    text = printable(str(path))
    return text if len(text) <= FILENAME_MAX else "…" + text[-(FILENAME_MAX - 1) :]


MARKS = {"✓": "green", "✗": "red", "=": "cyan", "·": "magenta"}


def print_receipt(roster: Roster, name: str, receipt: Receipt | None = None, refusal: Problem | None = None) -> None:
    """A file's receipt, or why it was refused, as templates/receipts/receipt.txt.j2 words it; its mark in colour."""
    agency = roster.agency(receipt.agency) if receipt is not None and receipt.agency else None
    context = {"file": name, "receipt": receipt, "agency": agency.name if agency else None, "refusal": refusal}
    text = Text(render("receipts/receipt.txt.j2", **context))
    text.stylize(MARKS.get(text.plain[:1], ""), 0, 1)
    text.highlight_regex(r"(?m)^    Lưu ý:", "yellow")
    text.highlight_regex(r"(?m) \([a-z_]+\)$", "dim")
    console.print(text)


def mail_receipts(app: AppContext, return_ids: list[int]) -> None:
    """Send each upload's receipt mail to its agency now; what cannot go now, the receipt-mail flow sends later."""
    if not return_ids:
        return
    with app.session() as session:
        ids = receipt_mails_of(session, return_ids)
    if not ids:
        return
    token = f"cli-{uuid.uuid4()}"
    results = asyncio.run(deliver_receipts(app.session, app.settings, Mailer(app.settings), token, ids))
    for result in results:
        typer.echo(
            render("email/delivered.txt.j2", result=result, saved=shown_path(result.saved) if result.saved else None)
        )


VIA_OPTIONS = {"giay": ReceivedVia.PAPER, "email": ReceivedVia.EMAIL}


def parse_received_at(text: str) -> datetime:
    """A `YYYY-MM-DD HH:MM` time in Asia/Ho_Chi_Minh, or exit with a one-line reason naming the option."""
    try:
        return datetime.strptime(text.strip(), "%Y-%m-%d %H:%M").replace(tzinfo=REPORTING_TZ)
    except ValueError:
        fail(
            f"Thời điểm nhận (--received-at) «{text}» không hợp lệ: dùng dạng «YYYY-MM-DD HH:MM», ví dụ «2023-06-16 09:30»."
        )


def backfill_of(agency: str | None, received_at: str | None, via: str | None) -> Backfill | None:
    """What `--received-at` and `--via` ask: a return the department received outside the system, or None."""
    if received_at is None:
        if via is not None:
            fail("Tùy chọn --via chỉ dùng cùng --received-at (báo cáo Sở đã nhận bằng giấy hoặc thư điện tử).")
        return None
    if agency is None:
        fail("Tùy chọn --received-at cần có --agency: ghi rõ đơn vị đã gửi báo cáo bằng giấy hoặc thư điện tử.")
    if via is not None and via not in VIA_OPTIONS:
        fail(f"Cách nhận (--via) «{via}» không hợp lệ: dùng «giay» (bằng giấy) hoặc «email» (thư điện tử).")
    return Backfill(VIA_OPTIONS[via or "giay"], parse_received_at(received_at), field="Thời điểm nhận (--received-at)")


def submit(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(help="Các tệp báo cáo (.xlsx hoặc .json).")],
    agency: Annotated[str | None, typer.Option(help="Mã đơn vị gửi; khi có, biểu mẫu phải là của đơn vị này.")] = None,
    received_at: Annotated[
        str | None,
        typer.Option(
            "--received-at",
            help="Báo cáo Sở đã nhận ngoài hệ thống (bằng giấy, thư điện tử): thời điểm thực nhận, "
            "dạng «YYYY-MM-DD HH:MM» giờ Việt Nam; cần --agency. Không gửi thư biên nhận cho đơn vị.",
        ),
    ] = None,
    via: Annotated[
        str | None, typer.Option("--via", help="Cách Sở đã nhận báo cáo: giay (bằng giấy, mặc định) hoặc email.")
    ] = None,
) -> None:
    """Nhận báo cáo: mỗi tệp được lưu nguyên gốc, kiểm tra và trả biên nhận hoặc danh sách lỗi."""
    app = app_context(ctx)
    backfill = backfill_of(agency, received_at, via)
    refused = 0
    answered: list[int] = []
    with app.session() as session:
        roster = roster_naming(session, agency) if agency else app.roster(session)
        require_agency(roster, agency)
        for path in track(files, description="Đang nhận báo cáo…", console=console, transient=True):
            if not path.is_file():
                print_receipt(roster, shown_path(path), refusal=problem("file_not_found"))
                refused += 1
                continue
            with path.open("rb") as file:
                data = read_local(file)  # past the bound (Limits.unread_past), not even read
            if isinstance(data, Problem):
                print_receipt(roster, shown_path(path), refusal=data)
                refused += 1
                continue
            receipt = submit_return(
                session,
                roster,
                data,
                channel="cli",
                actor=app.actor,
                filename=path.name,
                agency_id=agency,
                backfill=backfill,
            )
            print_receipt(app.roster(session, receipt.period), shown_path(path), receipt)
            refused += receipt.status == ReturnStatus.INVALID  # an older back-filled return is kept, not current
            if backfill is None:
                answered.append(receipt.id)
    mail_receipts(app, answered)
    if refused:
        raise typer.Exit(code=1)


def status(
    ctx: typer.Context,
    period: Annotated[str, typer.Argument(help="Mã kỳ, ví dụ 2023-H1.")],
    as_json: Annotated[bool, typer.Option("--json", help="In dạng JSON.")] = False,
) -> None:
    """Bảng tình hình gửi báo cáo của các đơn vị trong kỳ."""
    app = app_context(ctx)
    with app.session() as session:
        row = get_period(session, period)
        roster = app.roster(session, row.id)
        states = period_completeness(session, roster, row)
        unfinished = unfinished_uploads(session)
        unassigned = unassigned_uploads(session, row)
        failures = mail_failures(session, row.id)
    if as_json:
        document = completeness_document(row.id, states, unfinished, unassigned, failures)
        typer.echo(document.model_dump_json(indent=2))
        return
    label = escape(period_of(row).label)
    table = Table(title=f"Tình hình gửi báo cáo kỳ {row.id} ({label}) — hạn gửi {row.deadline:%d/%m/%Y}")
    for header in ("Đơn vị", "Trạng thái", "Phiên bản", "Nhận lúc", "Hạn"):
        table.add_column(header)
    titles = {group.id: group.title for group in roster.groups}
    group = None
    for s in states:
        if s.group != group:
            group = s.group
            table.add_row(f"[bold]{escape(titles[group])}[/]", end_section=False)
        received = f"{s.received_at.astimezone(REPORTING_TZ):%d/%m/%Y %H:%M}" if s.received_at else ""
        if s.received_via:
            received += f" ({s.received_via.label}, Sở nhập)"
        timing = "[red]quá hạn[/]" if s.late else "đúng hạn" if s.state == AgencyStanding.ACCEPTED else ""
        table.add_row(f"  {escape(s.name)}", STATE_LABELS[s.state], str(s.version or ""), received, timing)
    console.print(table)
    counts = {state: sum(1 for s in states if s.state == state) for state in STATE_LABELS}
    console.print(
        f"Đã nhận {counts['accepted']}/{len(states)} đơn vị; chưa gửi {counts['missing']}; "
        f"không hợp lệ {counts['invalid']}; quá hạn {sum(1 for s in states if s.late)}."
    )
    print_unfinished(roster, unfinished)
    print_unassigned(roster, unassigned)
    print_mail_failures(roster, failures)


def register(app: typer.Typer) -> None:
    app.command()(forms)
    app.command()(submit)
    app.command()(status)
