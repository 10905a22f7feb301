"""How fast a return is read and checked, against opening the same file with openpyxl.

Run: .venv/bin/python bench/intake.py [--runs N]
Prints median milliseconds per file and ratios; writes bench/results/intake.json.
The reader uses python-calamine; reading every cell with openpyxl (which writes the forms)
is the baseline. `read_return` adds the safety inspection and locating cells by code;
`read_and_check` adds the form's kinds, bounds and cross-field rules.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from agencies.calendar import parse_period
from agencies.form_filling import fill_form_workbook
from agencies.form_workbook import FormContext, build_form_workbook
from agencies.return_check import check_return
from agencies.return_reader import read_return
from agencies.roster import load_roster
from agencies.samples import load_samples

RESULTS = Path(__file__).parent / "results"


def openpyxl_read_all(data: bytes) -> None:
    book = load_workbook(BytesIO(data), data_only=True, read_only=True)
    for sheet in book.worksheets:
        for _ in sheet.iter_rows(values_only=True):
            pass
    book.close()


def calamine_read_all(data: bytes) -> None:
    book = CalamineWorkbook.from_filelike(BytesIO(data))
    for name in book.sheet_names:
        book.get_sheet_by_name(name).to_python(skip_empty_area=False)


def median_ms(action: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    roster, samples = load_roster(), load_samples()
    period = parse_period(samples.period)
    sample = samples.returns["police"]
    form = build_form_workbook(FormContext.for_agency(roster, "police", period, period.window(), period.deadline()))
    data = fill_form_workbook(form, figures=sample.figures, narrative=sample.narrative)
    results = {
        "openpyxl_read_all": median_ms(lambda: openpyxl_read_all(data), args.runs),
        "calamine_read_all": median_ms(lambda: calamine_read_all(data), args.runs),
        "read_return": median_ms(lambda: read_return(data), args.runs),
        "read_and_check": median_ms(lambda: check_return(read_return(data), roster), args.runs),
    }
    baseline = results["openpyxl_read_all"]
    print(f"{'step':<22}{'median ms':>12}{'÷ openpyxl read':>18}")
    for name, ms in results.items():
        print(f"{name:<22}{ms:>12.2f}{ms / baseline:>18.2f}")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "intake.json").write_text(
        json.dumps(
            {
                "runs": args.runs,
                "file_bytes": len(data),
                "median_ms": results,
                "ratio_to_openpyxl": {k: v / baseline for k, v in results.items()},
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
