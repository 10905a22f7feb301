"""The file part of a posted form, bounded: the same rules for the API and the upload page."""

from __future__ import annotations

from fastapi import status
from starlette.datastructures import FormData

from agencies.errors import UserError
from agencies.file_safety import DEFAULT_LIMITS
from portal.body_limit import too_large


def unreadable_multipart() -> UserError:
    return UserError(
        "invalid_multipart",
        "Không đọc được dữ liệu gửi lên dạng multipart. Hãy gửi đúng một tệp trong phần «file», "
        "với tên tệp ngắn (dưới 255 ký tự), ví dụ bao-cao.xlsx.",
        status=status.HTTP_400_BAD_REQUEST,
        field="file",
    )


def no_file() -> UserError:
    return UserError(
        "no_file", "Chưa chọn tệp báo cáo: hãy chọn hoặc kéo thả tệp biểu mẫu đã điền.", status=400, field="file"
    )


async def uploaded_file(form: FormData, missing: UserError | None = None) -> tuple[bytes, str | None]:
    """The bytes and name of the form's `file` part (else `missing`, by default no_file); over the intake's
    limit it is a 413 and nothing is kept."""
    limit = DEFAULT_LIMITS.max_bytes
    upload = form.get("file")
    if upload is None or isinstance(upload, str):
        raise missing or no_file()
    data = await upload.read(limit + 1)
    if len(data) > limit:
        raise too_large(len(data), limit, upload=True)
    return data, upload.filename
