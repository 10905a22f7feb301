"""How long, how large and how many the parts of a return may be: every bound in one place.

A return is refused with a code before any of its values meets a limit of Python (4,300-digit
integers, recursion depth) or of the database (a `String(64)` column accepts anything on
SQLite and fails on PostgreSQL). `schema/models.py` sizes its columns from these constants,
so whatever the check lets through fits.
"""

from __future__ import annotations

import unicodedata

# Text kept in bounded columns (the model column named beside each).
AGENCY_ID_MAX = 64  # Agency.id, AuditEntry.agency_id
PERIOD_TEXT_MAX = 32  # Return.claimed_period
FORM_REF_MAX = 64  # Return.form_ref
CODE_MAX = 64  # an indicator or section code; ReturnValue.code
SHEET_NAME_MAX = 64  # ReturnValue.sheet (Excel allows 31; LibreOffice more)
CELL_MAX = 16  # ReturnValue.cell: `XFD1048576`, Excel's last cell, has 10
FIELD_MAX = 128  # ReturnValue.field: `indicators.` and a code
FILENAME_MAX = 255  # Return.filename, as most file systems allow
IP_MAX = 64  # AuditEntry.ip, WebSession.ip: an IPv6 address with its zone fits
PERIOD_TITLE_MAX = 200  # Period.title: a custom period's name, read in the report's subject line
QUALIFIER_MAX = 16  # ReturnValue.qualifier: `khoảng`, the longest word allowed before a figure
TREND_MAX = 200  # ReturnValue.trend: `có chiều hướng gia tăng`, a short phrase beside a figure
STATUS_MAX = 500  # ReturnValue.status: `hiện nay Công an huyện … đang xác minh làm rõ vụ việc`

ID_MAX = 2**31 - 1  # a row id as a request names it: PostgreSQL's INTEGER, and SQLite's too
REASON_MAX = 2_000  # characters of a reason given for an action (a withdrawal, a reopening)

# Text kept without a column bound, but read by people and put into the report.
PARAGRAPH_MAX = 20_000  # characters of one paragraph: about eight typed pages
PARAGRAPHS_MAX = 1_000  # paragraphs in one return; a six-month return has tens
INDICATORS_MAX = 1_000  # figures in one return; the largest form has under fifty

# Numbers. Every whole figure up to 2**53 (about 9 × 10**15) is exact in the Float column of
# ReturnValue; 10**15 đồng (a million billion, about a tenth of the national GDP) is above any
# real figure of a provincial return and below that, so nothing accepted is ever rounded.
NUMBER_MAX = 10**15
NUMBER_TEXT_MAX = 64  # characters of a number typed as text: `1.526.950.000 đồng` has 18

PROBLEMS_MAX = 100  # problems listed for one return; the rest are counted
QUOTE_MAX = 80  # characters of a sender's value quoted in a message

# Characters XML 1.0 (hence Word and Excel) cannot hold; tab and line breaks are fine in a cell.
_ALLOWED_CONTROLS = {"\t", "\n", "\r"}
# Not characters at all: half of a UTF-16 pair (what JavaScript leaves when it cuts text inside an emoji, and
# what Python makes of a file name's bytes that are not UTF-8) and the two noncharacters XML 1.0 excludes.
_NONCHARACTERS = {"\ufffe", "\uffff"}


def surrogate(char: str) -> bool:
    """A lone UTF-16 surrogate (category `Cs`): no UTF-8 text, database or document can hold it."""
    return "\ud800" <= char <= "\udfff"


def control_character(text: str) -> str | None:
    """The first character of `text` that no document can hold (a C0 control other than tab and line breaks)."""
    return next((c for c in text if c < " " and c not in _ALLOWED_CONTROLS), None)


def broken_character(text: str) -> str | None:
    """The first character of `text` that is no character: a lone surrogate, U+FFFE or U+FFFF."""
    return next((c for c in text if surrogate(c) or c in _NONCHARACTERS), None)


def invisible(char: str) -> bool:
    """A control or format character (a line break, a terminal escape, a bidirectional override) or a surrogate."""
    return unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp", "Cs")


def printable(text: str) -> str:
    """`text` with every invisible character shown as `�`: safe to print, to encode as UTF-8 and to store."""
    return "".join("\ufffd" if invisible(c) else c for c in text)


def shorten(text: str, limit: int = QUOTE_MAX) -> str:
    """A sender's text as a message may quote it: printable, and cut to `limit` characters with `…`."""
    cut = text if len(text) <= limit else text[: limit - 1] + "…"
    return printable(cut)


def grouped(number: int) -> str:
    """A whole number as Vietnamese text writes it: `5.000.000`."""
    return f"{number:,}".replace(",", ".")
