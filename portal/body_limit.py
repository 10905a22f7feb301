"""Request bodies are bounded before they are read: by their Content-Length, else while they stream in.

An upload may carry one return file (the intake's size limit, plus its multipart envelope);
any other request, a small JSON document. A body past its bound is answered 413 at once:
nothing of it is parsed, spooled to disk or kept.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from agencies.errors import UserError
from agencies.file_safety import DEFAULT_LIMITS
from agencies.problems import MESSAGES
from portal.responses import error_response

# What a multipart envelope may add to the file it carries (boundaries, headers, a long file name).
MULTIPART_ALLOWANCE = 64 * 1024
UPLOAD_BODY_MAX = DEFAULT_LIMITS.max_bytes + MULTIPART_ALLOWANCE
OTHER_BODY_MAX = 64 * 1024


class BodyTooLarge(HTTPException):
    def __init__(self, size: int, limit: int) -> None:
        super().__init__(413)
        self.size = size
        self.limit = limit


def is_upload(path: str) -> bool:
    return path.rstrip("/").endswith(("/returns", "/online"))


def body_limit_for(path: str) -> int:
    return UPLOAD_BODY_MAX if is_upload(path) else OTHER_BODY_MAX


def too_large(size: int, limit: int, upload: bool) -> UserError:
    """413: for an upload, the intake's own `file_too_large` wording; nothing was kept."""
    if upload:
        megabytes = DEFAULT_LIMITS.max_bytes // (1024 * 1024)
        message = MESSAGES["file_too_large"].format(size=max(size // (1024 * 1024), megabytes), limit=megabytes)
        return UserError("file_too_large", message + " Tệp chưa được nhận.", status=413)
    return UserError(
        "request_too_large", f"Nội dung yêu cầu vượt giới hạn {limit // 1024} KB nên không được xử lý.", status=413
    )


class BodyLimit:
    """ASGI middleware: refuses a body over `limit_for(path)` bytes with BodyTooLarge (a 413)."""

    def __init__(
        self,
        app: ASGIApp,
        limit_for: Callable[[str], int] = body_limit_for,
        answer: Callable[[Request, UserError], Response] = lambda _, error: error_response(error),
    ) -> None:
        self.app = app
        self.limit_for = limit_for
        self.answer = answer  # the error as the path's kind of client reads it: JSON, or a page

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > limit:  # refused before a byte of it is read
            error = too_large(int(declared), limit, is_upload(scope["path"]))
            await self.answer(Request(scope), error)(scope, receive, send)
            return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(received, limit)
            return message

        await self.app(scope, limited, send)
