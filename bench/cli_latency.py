"""How fast the CLI answers the commands that run no flow, against the cost of importing Prefect.

Run: .venv/bin/python bench/cli_latency.py [--runs N]
Prints median seconds per command and its ratio to `import prefect`; writes bench/results/cli_latency.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
RESULTS = Path(__file__).parent / "results"


def median_seconds(command: list[str], runs: int, env: dict[str, str] | None = None) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=False, capture_output=True, env=env)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = f"sqlite:///{folder}/bench.db"
        phoihop = [str(BIN / "phoihop"), "--db", db]
        subprocess.run([*phoihop, "init"], check=True, capture_output=True)
        subprocess.run([*phoihop, "period", "open", "2023-H1"], check=True, capture_output=True)
        subprocess.run([*phoihop, "forms", "2023-H1", "--out", f"{folder}/forms"], check=True, capture_output=True)
        form = f"{folder}/forms/2023-H1_customs.xlsx"
        baseline = median_seconds([sys.executable, "-c", "import prefect"], args.runs)
        results = {
            "python_start": median_seconds([sys.executable, "-c", "pass"], args.runs),
            "import_prefect": baseline,
            "status_json": median_seconds([*phoihop, "status", "2023-H1", "--json"], args.runs),
            "status_table": median_seconds([*phoihop, "status", "2023-H1"], args.runs),
            "submit_one_form": median_seconds([*phoihop, "submit", form], args.runs),
        }
    print(f"{'command':<18}{'median s':>10}{'÷ import prefect':>20}")
    for name, seconds in results.items():
        print(f"{name:<18}{seconds:>10.3f}{seconds / baseline:>20.2f}")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "cli_latency.json").write_text(
        json.dumps(
            {
                "runs": args.runs,
                "seconds": results,
                "ratio_to_import_prefect": {k: v / baseline for k, v in results.items()},
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
