"""LibreOffice (headless) for the tests that need a real spreadsheet program: Debian's `soffice`, installed by
.ci/office. Where it is missing the test is skipped, visibly — and fails instead when
PHOIHOP_TEST_REQUIRE_OFFICE is set (.ci/run sets it).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl.utils.cell import coordinate_to_tuple
from python_calamine import CalamineWorkbook


def require_office(calc: bool = False) -> str:
    """The path of `soffice` (with Calc, if `calc`), or a visible skip (a failure where the office is required)."""
    found = shutil.which("soffice")
    # Debian's Calc module beside the program: Writer alone converts drafts, not workbooks.
    present = found is not None and (not calc or (Path(found).resolve().parent / "libsclo.so").exists())
    if not present:
        what = "LibreOffice Calc" if calc else "LibreOffice"
        message = f"no {what} (`soffice`) on this machine: `bash .ci/office` installs it (.ci/run does)"
        if os.environ.get("PHOIHOP_TEST_REQUIRE_OFFICE"):
            pytest.fail(message)
        pytest.skip(message)
    return found


def recalculated(workbook: Path, out_dir: Path) -> dict[str, list[list[object]]]:
    """`workbook` opened by LibreOffice Calc (which computes every formula that has no stored value, as
    openpyxl leaves them) and saved again; its sheets' values as calamine reads them. A profile of its own
    (`-env:UserInstallation`), so that parallel runs never share LibreOffice's lock."""
    out_dir.mkdir(parents=True, exist_ok=True)
    profile = out_dir / "profile"
    subprocess.run(
        [
            require_office(calc=True),
            f"-env:UserInstallation={profile.resolve().as_uri()}",
            "--headless",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
            str(out_dir),
            str(workbook),
        ],
        check=True,
        capture_output=True,
        timeout=180,
        env={**os.environ, "HOME": str(out_dir)},
    )
    book = CalamineWorkbook.from_path(str(out_dir / workbook.name))
    return {name: book.get_sheet_by_name(name).to_python(skip_empty_area=False) for name in book.sheet_names}


def value_at(rows: list[list[object]], coordinate: str) -> object:
    """The value at `coordinate` (`F5`) of a sheet read by `recalculated`; None past its used area."""
    row, column = coordinate_to_tuple(coordinate)
    if row > len(rows) or column > len(rows[row - 1]):
        return None
    found = rows[row - 1][column - 1]
    return None if found == "" else found
