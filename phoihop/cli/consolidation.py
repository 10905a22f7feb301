"""`phoihop consolidate` and `phoihop demo`: run the consolidation flow and write the draft."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from agencies.states import AgencyStanding
from phoihop.cli.context import AppContext, app_context, console, fail, parse_day
from phoihop.cli.output import out_dir
from report.preview import pdf_path, png_path, require_office
from report.templating import render
from report.versions import changes_of, version_of
from schema.consolidations import consolidation_states
from schema.periods import get_period


def _run_flow(
    app: AppContext, period: str, out: Path, report_date: date | None, number: int | None = None, pdf: bool = False
) -> Path:
    """Run the Prefect flow (imported only here: it costs seconds to start)."""
    with console.status("Đang tổng hợp báo cáo (luồng Prefect «consolidate»)…"):
        from flows.consolidate import consolidate as consolidate_flow

        app.settings.export_database()  # the flow reads its database from the settings, never a parameter
        path = consolidate_flow(period=period, out_dir=str(out), report_date=report_date, number=number, pdf=pdf)
    return Path(path)


def parse_number(text: str | None) -> int | None:
    """The document's number (`--number 123`), or exit with a one-line reason."""
    if text is None:
        return None
    if not (text.isascii() and text.isdigit()) or int(text) < 1:
        fail(f"Số văn bản «{text}» không hợp lệ: ghi một số nguyên dương, ví dụ --number 123.")
    return int(text)


def consolidate(
    ctx: typer.Context,
    period: Annotated[str, typer.Argument(help="Mã kỳ, ví dụ 2023-H1.")],
    out: Annotated[Path, typer.Option("--out", help="Thư mục ghi dự thảo.")] = Path("out"),
    report_date: Annotated[
        str | None,
        typer.Option("--date", help="Ngày ghi trên báo cáo (YYYY-MM-DD); mặc định để trống ngày, tháng cho văn thư."),
    ] = None,
    number: Annotated[
        str | None,
        typer.Option("--number", help="Số văn bản, ví dụ 123; mặc định để trống cho văn thư ghi khi ban hành."),
    ] = None,
    pdf: Annotated[
        bool,
        typer.Option(
            "--pdf", help="Chuyển dự thảo sang PDF và trang 1 sang ảnh PNG (cần LibreOffice), ghi cạnh dự thảo."
        ),
    ] = False,
) -> None:
    """Chạy luồng tổng hợp: gộp báo cáo hợp lệ mới nhất của các đơn vị và lập dự thảo báo cáo (.docx).

    Mỗi lần chạy ghi một phiên bản mới (bao-cao-KỲ-vN.docx), giữ nguyên các phiên bản trước, và cho biết số liệu
    nào đã thay đổi so với phiên bản trước."""
    app = app_context(ctx)
    day = parse_day(report_date)
    document_number = parse_number(number)
    if pdf:
        require_office()  # before Prefect is even started: the preview could not be made
    with app.session() as session:
        row = get_period(session, period)
        states = consolidation_states(session, row)  # refused here, before Prefect is even started
    if any(s.state != AgencyStanding.ACCEPTED for s in states):
        typer.echo(render("consolidation/incomplete.txt.j2", period=row.id, states=states), nl=False)
    draft = _run_flow(app, row.id, out_dir(out), day, document_number, pdf)
    version = version_of(draft)
    console.print(
        f"Đã lập dự thảo báo cáo kỳ {row.id}, phiên bản {version.number} (bản mới nhất): {escape(str(draft))}"
    )
    console.print(f"Phụ lục số liệu (kèm tình hình gửi báo cáo, nguồn số liệu, biểu đồ): {escape(str(version.annex))}")
    if pdf:
        console.print(f"Bản PDF của dự thảo (LibreOffice): {escape(str(pdf_path(draft)))}")
        console.print(f"Ảnh trang 1 của dự thảo: {escape(str(png_path(draft)))}")
    typer.echo(render("consolidation/changes.txt.j2", changes=changes_of(version)), nl=False)


def demo(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", help="Thư mục ghi cơ sở dữ liệu, biểu mẫu đã điền và dự thảo.")] = Path(
        "out"
    ),
    roster: Annotated[
        Path | None,
        typer.Option("--roster", help="Tệp danh sách đơn vị (YAML); mặc định: danh sách Hưng Yên kèm theo."),
    ] = None,
    samples: Annotated[
        Path | None,
        typer.Option(
            "--samples", help="Tệp báo cáo mẫu (YAML); mặc định: tệp duy nhất trong thư mục samples/ của danh sách."
        ),
    ] = None,
) -> None:
    """Trình diễn: nạp danh sách đơn vị, nhận báo cáo mẫu của các đơn vị và lập dự thảo (mặc định: Hưng Yên, 6 tháng đầu năm 2023)."""
    from agencies.roster import DEFAULT_ROSTER
    from phoihop.demo import demo_accounts, mail_demo_receipts, prepare_demo

    app = app_context(ctx)
    database_url, samples_set, receipts = prepare_demo(
        out_dir(out), actor=app.actor, console=console, roster_path=roster or DEFAULT_ROSTER, samples_path=samples
    )
    refused = [r for r in receipts if not r.accepted]
    if refused:
        fail(f"{len(refused)} báo cáo mẫu bị từ chối; xem các lỗi ở trên.")
    console.print(f"Đã nhận {len(receipts)} báo cáo mẫu kỳ {samples_set.period} qua biểu mẫu Excel.")
    mail = mail_demo_receipts(database_url, out, app.settings)
    console.print(
        f"Thư biên nhận gửi các đơn vị được lưu thành tệp .eml trong {escape(str(mail))} (mở bằng trình đọc thư)."
    )
    demo_app = AppContext(settings=app.settings.model_copy(update={"database_url": database_url}), actor=app.actor)
    draft = _run_flow(demo_app, samples_set.period, out, samples_set.report_date)
    console.print(f"Đã lập dự thảo báo cáo: {escape(str(draft))}")
    console.print(f"Phụ lục số liệu và biểu đồ: {escape(str(version_of(draft).annex))}")
    accounts = demo_accounts(database_url, app.actor, out)
    console.print(
        f"Cổng thông tin: chạy «make serve» (hoặc «phoihop --db {database_url} serve») rồi mở http://127.0.0.1:8000/ "
        "và đăng nhập:"
    )
    for login, password in accounts.items():
        console.print(f"  {login} / {password}")
    console.print(f"(ghi lại trong {escape(str(out / 'demo-accounts.txt'))})")


def register(app: typer.Typer) -> None:
    app.command()(consolidate)
    app.command()(demo)
