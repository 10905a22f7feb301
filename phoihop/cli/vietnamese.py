"""Click's and Typer's own words — help headings, usage errors — in Vietnamese, through gettext.

Both libraries pass some of their strings through `gettext.gettext` (Typer already while it is
imported), so `use_vietnamese` runs before either is imported: in the console script's entry
(`phoihop/cli/entry.py`), never as a side effect of importing the package. The catalogue ships
compiled (`locale/vi/LC_MESSAGES/phoihop-cli.mo`, from the `.po` beside it; a test checks they
agree), so nothing is written at run time.
"""

from __future__ import annotations

import gettext
import os
from pathlib import Path

LOCALE = Path(__file__).parent / "locale"
DOMAIN = "phoihop-cli"


def use_vietnamese() -> None:
    """This process's gettext speaks Vietnamese, from our catalogue (English where it has no entry)."""
    gettext.bindtextdomain(DOMAIN, str(LOCALE))
    gettext.textdomain(DOMAIN)
    os.environ["LANGUAGE"] = "vi"  # gettext picks the language from the environment
