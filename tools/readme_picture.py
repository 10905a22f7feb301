"""Make the README's picture of the draft the way a coordinator would: `phoihop demo` (seed 004's returns on a
fresh database), then `phoihop consolidate 2023-H1 --pdf`, whose page-1 PNG (LibreOffice's PDF, drawn by PDFium)
becomes docs/images/draft-page-1.png. Needs LibreOffice (`bash .ci/office`). Run from the project root:

    .venv/bin/python tools/readme_picture.py     # or: make picture
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PICTURE = ROOT / "docs" / "images" / "draft-page-1.png"
PHOIHOP = Path(sys.executable).parent / "phoihop"


def run(*args: str, data_dir: Path) -> None:
    """The installed command, with no PHOIHOP_ setting of this shell but its own data folder."""
    print("$ phoihop", " ".join(args), flush=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PHOIHOP_")}
    subprocess.run([str(PHOIHOP), *args], check=True, env={**env, "PHOIHOP_DATA_DIR": str(data_dir)})


def main() -> Path:
    with tempfile.TemporaryDirectory(prefix="phoihop-picture-") as work:
        folder = Path(work)
        run("demo", "--out", str(folder / "demo"), data_dir=folder / "var")
        database = f"sqlite:///{folder / 'demo' / 'phoihop-demo.db'}"
        run(
            "--db",
            database,
            "consolidate",
            "2023-H1",
            "--out",
            str(folder / "preview"),
            "--pdf",
            data_dir=folder / "var",
        )
        (page,) = (folder / "preview").glob("*-trang-1.png")  # whatever the draft's name, its one picture
        shutil.copyfile(page, PICTURE)
    return PICTURE


if __name__ == "__main__":
    print(f"wrote {main()}")
