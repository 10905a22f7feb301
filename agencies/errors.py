"""The one error a user can act on: a stable English code, a Vietnamese message, an HTTP status.

Raised by the layers below; turned into an exit code by the CLI and into a response by the API,
each in one place.
"""

from __future__ import annotations


class UserError(Exception):
    """Something the user (or the administrator) can fix; the message says what and how, in Vietnamese."""

    def __init__(
        self, code: str, message: str, status: int = 400, retry_after: int | None = None, field: str | None = None
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.retry_after = retry_after  # seconds, for a 503 the client may simply retry
        self.field = field  # the request's field at fault, when there is one
