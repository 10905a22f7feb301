"""An uploaded file's name, kept for display only: never a path, never a control character, never too long.

A name whose bytes were not UTF-8 (Python decodes them to lone surrogates) keeps its place for each such
byte as `�`, so that it still reads as the name the sender chose and can be stored and printed.
"""

from __future__ import annotations

import re
import unicodedata

from agencies.bounds import FILENAME_MAX, invisible, surrogate

_EXTENSION = re.compile(r"\.[^.\s]{1,16}$")


def display_name(name: str | None, limit: int = FILENAME_MAX) -> str | None:
    """The last part of `name` after any `/` or `\\`, without control or format characters (a surrogate shown
    as `�`), cut to `limit` characters keeping its extension; None when nothing readable is left."""
    if name is None:
        return None
    last = re.split(r"[/\\]", name)[-1]
    shown = ("\ufffd" if surrogate(c) else c for c in last)
    kept = "".join(c for c in shown if not invisible(c))
    kept = unicodedata.normalize("NFC", kept).strip()
    if kept in ("", ".", ".."):
        return None
    if len(kept) <= limit:
        return kept
    extension = _EXTENSION.search(kept)
    suffix = extension.group() if extension else ""
    return kept[: limit - len(suffix) - 1] + "…" + suffix
