"""The CLI's technical log (English): a rotating file under the data folder, opened only when written to.

Tracebacks of faults go here, never to the terminal. If the data folder cannot take the log
(it is the very fault being reported, or the disk is full), the log goes to the system's
temporary folder instead; if that fails too, the record is dropped rather than the command.
"""

from __future__ import annotations

import getpass
import logging
import tempfile
from logging.handlers import RotatingFileHandler
from pathlib import Path

# The loggers of our packages, and Prefect's when a command runs a flow: what they say at INFO and above is
# kept in the file (the terminal shows only what the command tells, in Vietnamese).
APP_LOGGERS = ("phoihop", "schema", "agencies", "report", "flows", "portal", "prefect")
MAX_BYTES = 1_000_000
BACKUPS = 3


def fallback_log_file() -> Path:
    return Path(tempfile.gettempdir()) / f"phoihop-{getpass.getuser()}.log"


class LazyLogFile(RotatingFileHandler):
    """A rotating log file whose folder is made on the first record; the temp folder if it cannot be."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8", delay=True)
        self.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))

    @property
    def path(self) -> Path:
        return Path(self.baseFilename)

    def _open(self):  # noqa: ANN202 — the stream type of logging's own signature
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            return super()._open()
        except OSError:
            self.baseFilename = str(fallback_log_file())
            return super()._open()

    def handleError(self, record: logging.LogRecord) -> None:
        """A log that cannot be written must not print its own traceback or stop the command."""


def attach(path: Path) -> LazyLogFile:
    """Send our packages' records to `path` (opened on the first one) until `detach`."""
    handler = LazyLogFile(path)
    handler.setLevel(logging.INFO)
    for name in APP_LOGGERS:
        logger = logging.getLogger(name)
        logger.addHandler(handler)
        if logger.getEffectiveLevel() > logging.INFO:
            logger.setLevel(logging.INFO)
    return handler


def detach(handler: LazyLogFile) -> None:
    for name in APP_LOGGERS:
        logging.getLogger(name).removeHandler(handler)
    handler.close()
