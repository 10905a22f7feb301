"""Faults of the world around the service, as a `UserError` a person can act on.

The database unreachable, the connection pool exhausted, the disk full, a data folder that
cannot be used: each becomes one Vietnamese sentence (what is wrong, what to do) with a
stable code and a 503; the details stay in the log.
"""

from __future__ import annotations

import errno
from pathlib import Path

from sqlalchemy import exc as sa_exc

from agencies.errors import UserError

DISK_FULL_MARKERS = ("disk is full", "no space left", "diskfull", "could not extend file")


def _disk_full(text: str) -> bool:
    lowered = text.lower()
    return any(marker in lowered for marker in DISK_FULL_MARKERS)


def database_unreachable(where: str) -> UserError:
    return UserError(
        "database_unreachable",
        f"Không kết nối được cơ sở dữ liệu ({where}). Hãy kiểm tra máy chủ cơ sở dữ liệu đang chạy "
        "và thiết lập PHOIHOP_DATABASE_URL (hoặc --db) đúng, rồi thử lại.",
        status=503,
        retry_after=30,
    )


def service_busy(retry_after: int = 2) -> UserError:
    return UserError(
        "service_busy",
        f"Hệ thống đang bận vì có quá nhiều yêu cầu cùng lúc; yêu cầu này chưa được thực hiện "
        f"(tệp gửi kèm, nếu có, chưa được nhận). Hãy thử lại sau {retry_after} giây.",
        status=503,
        retry_after=retry_after,
    )


def disk_full(where: str) -> UserError:
    return UserError(
        "disk_full",
        f"Ổ đĩa đã đầy, không ghi được dữ liệu ({where}). Hãy giải phóng dung lượng rồi thử lại; "
        "những báo cáo đã nhận trước đó không bị mất.",
        status=503,
        retry_after=60,
    )


def data_dir_unusable(path: Path | str, reason: str) -> UserError:
    return UserError(
        "data_dir_unusable",
        f"Không dùng được thư mục dữ liệu «{path}»: {reason}. Hãy đặt PHOIHOP_DATA_DIR là một thư mục "
        "ghi được (hoặc dùng --db), rồi thử lại.",
        status=503,
    )


def os_reason(exc: OSError) -> str:
    """Why a path cannot be used, in Vietnamese."""
    reasons = {
        errno.ENOTDIR: "một phần của đường dẫn là tệp, không phải thư mục",
        errno.EEXIST: "đã có một tệp trùng tên",
        errno.EACCES: "không có quyền ghi",
        errno.EPERM: "không có quyền ghi",
        errno.EROFS: "ổ đĩa chỉ cho phép đọc",
        errno.ENOSPC: "ổ đĩa đã đầy",
        errno.ENOENT: "không tìm thấy đường dẫn",
    }
    return reasons.get(exc.errno or 0, exc.strerror or type(exc).__name__)


def fault_of(exc: BaseException, where: str = "") -> UserError | None:
    """The user-facing form of a fault of the database or the disk; None for anything else (a bug)."""
    if isinstance(exc, UserError):
        return exc
    if isinstance(exc, sa_exc.TimeoutError):  # every pooled connection is in use
        return service_busy()
    if isinstance(exc, sa_exc.OperationalError | sa_exc.InterfaceError):
        text = f"{exc.orig!r} {exc}" if isinstance(exc, sa_exc.DBAPIError) else str(exc)
        if _disk_full(text):
            return disk_full(where or "cơ sở dữ liệu")
        if "database is locked" in text:
            return service_busy()
        return database_unreachable(where or "cơ sở dữ liệu")
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        return disk_full(where or str(exc.filename or ""))
    return None
