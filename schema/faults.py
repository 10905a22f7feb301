"""Faults of the world around the service, as a `UserError` a person can act on.

The database unreachable, the connection pool exhausted, the disk full, a data folder that
cannot be used: each becomes one Vietnamese sentence (what is wrong, what to do) with a
stable code and a 503; the details stay in the log.
"""

from __future__ import annotations

import errno
import shutil
from contextlib import suppress
from pathlib import Path

from sqlalchemy import exc as sa_exc

from agencies.errors import UserError

DISK_FULL_MARKERS = ("disk is full", "no space left", "diskfull", "could not extend file")
LOW_SPACE_BYTES = 1024 * 1024  # below this, a disk I/O error is taken for a full disk


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


def stored_not_finished(sha256: str, retry_after: int = 60) -> UserError:
    """A fault after the upload's bytes were kept: the sender must not read "not received", nor send again."""
    return UserError(
        "stored_not_finished",
        f"Tệp đã được nhận và lưu nguyên gốc (mã SHA-256 {sha256[:12]}…), nhưng hệ thống đang gặp sự cố tạm thời "
        "nên chưa kiểm tra xong. Không cần gửi lại: hệ thống sẽ tự kiểm tra tiếp tệp này ở lần xử lý tự động sau "
        "và ghi kết quả vào lịch sử gửi báo cáo của đơn vị; nếu vẫn gửi lại, tệp cũng không bị tính trùng.",
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


def disk_io_error(where: str) -> UserError:
    return UserError(
        "disk_io_error",
        f"Lỗi đọc/ghi ổ đĩa ({where}). Hãy kiểm tra ổ đĩa (dung lượng trống, quyền ghi, lỗi phần cứng) rồi thử lại; "
        "những báo cáo đã nhận trước đó không bị mất.",
        status=503,
        retry_after=60,
    )


def disk_fault(where: str, folder: Path | None) -> UserError:
    """A disk I/O error (SQLite says no more): a full disk when `folder` has next to no space left."""
    if folder is not None:
        with suppress(OSError):
            if shutil.disk_usage(folder).free < LOW_SPACE_BYTES:
                return disk_full(where)
    return disk_io_error(where)


def database_url_invalid(url: str) -> UserError:
    shown = url.split("://", 1)[0] + "://…" if "://" in url else url  # never echo a password
    return UserError(
        "database_url_invalid",
        f"URL cơ sở dữ liệu «{shown}» không hợp lệ: dùng dạng sqlite:///đường/dẫn.db hoặc "
        "postgresql+psycopg://người_dùng@máy_chủ/tên_csdl trong PHOIHOP_DATABASE_URL hoặc --db.",
        status=400,
    )


def database_file_unusable(where: str) -> UserError:
    return UserError(
        "database_file_unusable",
        f"Không mở được tệp cơ sở dữ liệu ({where}): thư mục không tồn tại, không có quyền ghi, hoặc đường dẫn "
        "là một thư mục. Hãy kiểm tra PHOIHOP_DATA_DIR hoặc --db, rồi thử lại.",
        status=503,
    )


def folder_unwritable(path: Path | str, exc: OSError) -> UserError:
    """A folder the user chose to write into (`--out`) cannot take the files; a full disk is a service fault."""
    if exc.errno == errno.ENOSPC:
        return disk_full(str(path))
    return UserError(
        "folder_unwritable",
        f"Không ghi được vào thư mục «{path}»: {os_reason(exc)}. Hãy chọn một thư mục ghi được (--out), rồi thử lại.",
        status=400,
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


def database_not_initialised() -> UserError:
    return UserError(
        "database_not_initialised",
        "Cơ sở dữ liệu chưa được khởi tạo hoặc chưa được nâng cấp cho phiên bản này: "
        "hãy chạy «phoihop init» rồi thử lại.",
        status=503,
        retry_after=60,
    )


# A table the code needs is missing: SQLite says "no such table", PostgreSQL "relation … does not exist".
_NO_TABLE = ("no such table", "undefinedtable", "does not exist")


def fault_of(exc: BaseException, where: str = "", folder: Path | None = None) -> UserError | None:
    """The user-facing form of a fault of the database or the disk; None for anything else (a bug).

    `folder`, where known, is the folder of an SQLite database: on a disk I/O error its free
    space tells a full disk from a failing one.
    """
    if isinstance(exc, UserError):
        return exc
    if isinstance(exc, sa_exc.TimeoutError):  # every pooled connection is in use
        return service_busy()
    if isinstance(exc, sa_exc.OperationalError | sa_exc.InterfaceError | sa_exc.ProgrammingError):
        text = f"{exc.orig!r} {exc}" if isinstance(exc, sa_exc.DBAPIError) else str(exc)
        if any(marker in text.lower() for marker in _NO_TABLE):
            return database_not_initialised()
        if isinstance(exc, sa_exc.ProgrammingError):
            return None  # a bug in a statement, not a fault of the world
        if _disk_full(text):
            return disk_full(where or "cơ sở dữ liệu")
        if any(marker in text.lower() for marker in ("database is locked", "lock timeout", "deadlock detected")):
            return service_busy()
        if "disk i/o error" in text.lower():
            return disk_fault(where or "cơ sở dữ liệu", folder)
        if "unable to open database file" in text:  # SQLite: the file or its folder cannot be opened
            return database_file_unusable(where or "cơ sở dữ liệu")
        return database_unreachable(where or "cơ sở dữ liệu")
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        return disk_full(where or str(exc.filename or ""))
    return None
