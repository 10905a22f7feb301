"""A preview of the Word draft as the department will print it: a PDF by LibreOffice, and its page 1 as PNG.

LibreOffice (Debian's `libreoffice-writer-nogui`, with `fonts-liberation2`, metric-compatible with
Times New Roman; `.ci/office` installs both) lays the draft out headless. Each conversion gets a profile
of its own (`-env:UserInstallation`), so conversions running at once never share LibreOffice's lock,
and a time limit, after which LibreOffice's whole process group is ended.

Page 1 is drawn from the PDF by PDFium (pypdfium2), not by LibreOffice: the Writer of the `-nogui`
packages has no working PNG export, and drawing from the PDF makes the picture exactly the PDF's page.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from agencies.errors import UserError

OFFICE = "soffice"
TIMEOUT_SECONDS = 180.0
PNG_DPI = 110  # A4 at 110 dpi: 910 × 1286 pixels, readable on a screen and in the README


def pdf_path(draft: Path) -> Path:
    """Where the PDF of `draft` goes: beside it, with its name (`bao-cao-2023-H1-v2.docx` → `….pdf`)."""
    return draft.with_suffix(".pdf")


def png_path(draft: Path) -> Path:
    """Where the picture of page 1 of `draft` goes: beside it, `…-trang-1.png`."""
    return draft.with_name(f"{draft.stem}-trang-1.png")


def office_command() -> str | None:
    """LibreOffice's command on this machine, if any."""
    return shutil.which(OFFICE)


def require_office() -> str:
    """LibreOffice's command, or a UserError that says how to install it."""
    office = office_command()
    if office is None:
        raise UserError(
            "office_missing",
            "Không tìm thấy LibreOffice (lệnh soffice) để chuyển dự thảo sang PDF. Cài các gói Debian "
            "libreoffice-writer-nogui và fonts-liberation2 (tệp .ci/office của dự án làm việc này), "
            "hoặc bỏ tùy chọn --pdf.",
            status=503,
        )
    return office


def convert_to_pdf(draft: Path, timeout: float = TIMEOUT_SECONDS) -> Path:
    """The draft converted to PDF by LibreOffice, written beside it; a UserError, in Vietnamese, if it cannot be."""
    office = require_office()
    target = pdf_path(draft)
    with tempfile.TemporaryDirectory(prefix="phoihop-office-") as work:
        folder = Path(work)
        command = [
            office,
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "pdf:writer_pdf_Export",
            "--outdir",
            str(folder / "out"),
            str(draft.resolve()),
        ]
        detail = _run(command, timeout, draft)
        produced = folder / "out" / f"{draft.stem}.pdf"
        if not produced.is_file() or produced.stat().st_size == 0:
            raise UserError(
                "office_failed",
                f"LibreOffice không chuyển được dự thảo {draft.name} sang PDF"
                f"{f' ({detail})' if detail else ''}. Dự thảo vẫn được ghi ở {draft}: mở bằng Word hoặc LibreOffice "
                "để kiểm tra tệp.",
                status=500,
            )
        shutil.move(produced, target)
    return target


def _run(command: list[str], timeout: float, draft: Path) -> str:
    """Run LibreOffice in a process group of its own; its last line of errors, or a UserError past `timeout`."""
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        _, errors = process.communicate(timeout=timeout)
    except BaseException as stopped:  # past its time, or Ctrl-C / a cancelled run: LibreOffice never outlives us
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        if not isinstance(stopped, subprocess.TimeoutExpired):
            raise
        raise UserError(
            "office_timeout",
            f"LibreOffice chưa chuyển xong dự thảo {draft.name} sang PDF sau {timeout:.0f} giây nên đã bị dừng. "
            f"Dự thảo vẫn được ghi ở {draft}; thử lại sau, khi máy bớt bận.",
            status=503,
        ) from None
    lines = [line for line in errors.splitlines() if line.strip() and "javaldx" not in line]
    return lines[-1].strip() if lines else ""


def render_first_page(pdf: Path, target: Path, dpi: int = PNG_DPI) -> Path:
    """Page 1 of `pdf` as a PNG at `dpi`, drawn by PDFium."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        page = document[0]
        image = page.render(scale=dpi / 72, grayscale=True).to_pil()  # black text: a grey picture is a third the size
        image.save(target, format="PNG", optimize=True)
        page.close()
    finally:
        document.close()
    return target


def preview(draft: Path) -> tuple[Path, Path]:
    """The draft's PDF and the picture of its page 1, both beside it."""
    pdf = convert_to_pdf(draft)
    return pdf, render_first_page(pdf, png_path(draft))
