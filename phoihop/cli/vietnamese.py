"""Click's and Typer's own words — help headings, usage errors — in Vietnamese, through gettext.

Both libraries pass their strings through `gettext.gettext` (Typer already while it is
imported), so this runs before either is imported (from `phoihop/cli/__init__.py`). The
catalogue `locale/vi.po` is compiled with babel once per machine into the temporary folder;
if that cannot be done, the command still works, in the libraries' English.
"""

from __future__ import annotations

import gettext
import hashlib
import os
import tempfile
from pathlib import Path

CATALOGUE = Path(__file__).parent / "locale" / "vi.po"
DOMAIN = "phoihop-cli"


def compiled(catalogue: Path = CATALOGUE) -> Path:
    """The folder holding `vi/LC_MESSAGES/phoihop-cli.mo` compiled from `catalogue` (made if missing)."""
    source = catalogue.read_bytes()
    folder = Path(tempfile.gettempdir()) / f"phoihop-locale-{hashlib.sha256(source).hexdigest()[:16]}"
    target = folder / "vi" / "LC_MESSAGES" / f"{DOMAIN}.mo"
    if not target.exists():
        from io import BytesIO

        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{os.getpid()}.mo")
        with partial.open("wb") as out:
            write_mo(out, read_po(BytesIO(source), locale="vi"))
        partial.replace(target)  # atomic: two first runs at once never read half a file
    return folder


def use_vietnamese() -> None:
    try:
        folder = compiled()
    except OSError:
        return
    gettext.bindtextdomain(DOMAIN, str(folder))
    gettext.textdomain(DOMAIN)
    os.environ["LANGUAGE"] = "vi"
