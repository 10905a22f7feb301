"""What a file really is, from its bytes, and whether it is safe to open.

One size policy for every local file (the CLI's and the drop folder's): a file up to
`unread_past` bytes is read and kept, and refused by the intake when over `max_bytes`; a
larger one is not even read (`read_local`). Refused before any spreadsheet library parses
it: files over the size limit, ZIP bombs
(too much uncompressed data, too high a ratio, too many entries), macro-enabled and
encrypted workbooks, Word documents and PDFs sent by mistake. Formulas are never
executed: the reader uses the values Excel cached, and this module only says whether
any formula is present.
"""

from __future__ import annotations

import os
import re
import zipfile
from dataclasses import dataclass, field
from io import BytesIO
from typing import BinaryIO

import olefile

from agencies.bounds import shorten
from agencies.problems import Problem, problem

# A cell formula in SpreadsheetML is an <f> element (`<f>`, `<f t="shared" …>`, `<x:f>`);
# data validations hold <formula1>, which is not one.
FORMULA_ELEMENT = re.compile(rb"<(?:\w+:)?f[\s>/]")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAX_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class Limits:
    max_bytes: int = MAX_BYTES  # kept, and refused by the intake, past this
    unread_past: int = 4 * MAX_BYTES  # a local file (CLI, drop folder) past this is not even read
    max_uncompressed: int = 200 * 1024 * 1024
    max_ratio: int = 200  # uncompressed / compressed, for entries over 1 MiB
    max_entries: int = 2_000


DEFAULT_LIMITS = Limits()


@dataclass
class Container:
    kind: str  # xlsx / ods / xls / json / pdf / unknown
    problems: list[Problem] = field(default_factory=list)
    has_formulas: bool = False

    @property
    def readable(self) -> bool:
        return not self.problems and self.kind in {"xlsx", "ods", "xls", "json"}


def _zip_container(data: bytes, limits: Limits) -> Container:
    try:
        archive = zipfile.ZipFile(BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        return Container("unknown", [problem("unreadable_workbook", detail=f"tệp nén hỏng: {shorten(str(exc), 200)}")])
    names = {entry.filename for entry in entries}
    total = sum(entry.file_size for entry in entries)
    worst = max(
        (entry.file_size / max(entry.compress_size, 1) for entry in entries if entry.file_size > 1024 * 1024),
        default=0,
    )
    if len(entries) > limits.max_entries or total > limits.max_uncompressed or worst > limits.max_ratio:
        return Container("unknown", [problem("zip_bomb", size=total // (1024 * 1024), entries=len(entries))])
    if "word/document.xml" in names:
        return Container("unknown", [problem("word_document")])
    if any(name.endswith("vbaProject.bin") for name in names):
        return Container("unknown", [problem("macro_enabled")])
    if "xl/workbook.xml" in names:
        sheets = [n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml")]
        formulas = any(FORMULA_ELEMENT.search(archive.read(name)) for name in sheets)
        return Container("xlsx", has_formulas=formulas)
    if "mimetype" in names:
        mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
        if mimetype.endswith("opendocument.spreadsheet"):
            content = archive.read("content.xml") if "content.xml" in names else b""
            return Container("ods", has_formulas=b"table:formula=" in content)
        if mimetype.endswith("opendocument.text"):
            return Container("unknown", [problem("word_document")])
    return Container("unknown", [problem("not_a_spreadsheet")])


def _ole_container(data: bytes) -> Container:
    try:
        ole = olefile.OleFileIO(BytesIO(data))
    except OSError as exc:
        return Container("unknown", [problem("unreadable_workbook", detail=shorten(str(exc), 120))])
    with ole:
        if ole.exists("EncryptedPackage") or ole.exists("EncryptionInfo"):
            return Container("unknown", [problem("encrypted")])
        if ole.exists("WordDocument"):
            return Container("unknown", [problem("word_document")])
        if ole.exists("_VBA_PROJECT_CUR"):
            return Container("unknown", [problem("macro_enabled")])
        if ole.exists("Workbook") or ole.exists("Book"):
            return Container("xls")
    return Container("unknown", [problem("not_a_spreadsheet")])


def too_large(size: int, limits: Limits = DEFAULT_LIMITS) -> Problem:
    """`file_too_large`: the file's size against the intake's limit, in MB."""
    return problem("file_too_large", size=f"{size / 1024 / 1024:.1f}", limit=limits.max_bytes // 1024 // 1024)


def read_local(file: BinaryIO, limits: Limits = DEFAULT_LIMITS) -> bytes | Problem:
    """All of an opened local file, or `file_too_large` when it holds more than `limits.unread_past` bytes:
    judged by its size before reading, and never read past that bound (a file still growing)."""
    size = os.fstat(file.fileno()).st_size
    if size > limits.unread_past:
        return too_large(size, limits)
    data = file.read(limits.unread_past + 1)
    return too_large(len(data), limits) if len(data) > limits.unread_past else data


def inspect_file(data: bytes, limits: Limits = DEFAULT_LIMITS) -> Container:
    """The file's real kind from its content, and every reason not to open it."""
    if not data:
        return Container("unknown", [problem("empty_file")])
    if len(data) > limits.max_bytes:
        return Container("unknown", [too_large(len(data), limits)])
    if data.startswith(b"PK\x03\x04"):
        return _zip_container(data, limits)
    if data.startswith(OLE_MAGIC):
        return _ole_container(data)
    if data.startswith(b"%PDF"):
        return Container("pdf", [problem("pdf_file")])
    if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        return Container("json")
    return Container("unknown", [problem("not_a_spreadsheet")])
