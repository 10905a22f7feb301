"""What the sender is told about one upload: the receipt, as the intake makes it and as a stored return reads back.

One shape for every reader: the CLI, the drop folder's sidecars, the flows' artifacts and the pages render it
through templates/receipts/; the API's `ReceiptOut` derives from it.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from agencies.problems import Problem, Severity
from agencies.states import ReceivedVia, ReturnStatus
from schema.models import Return


class Receipt(BaseModel):
    """What the sender is told: the stored upload and every problem found in it."""

    model_config = ConfigDict(frozen=True)

    id: int = Field(description="số biên nhận (mã của lần gửi)")
    version: int | None = Field(description="phiên bản của báo cáo hợp lệ; không có khi bị từ chối")
    sha256: str = Field(description="mã băm SHA-256 của tệp đã nhận, byte theo byte")
    received_at: datetime
    agency: str | None = Field(description="mã đơn vị; không có khi tệp không cho biết đơn vị")
    period: str | None = Field(description="kỳ báo cáo, ví dụ 2023-H1; không có khi tệp không cho biết kỳ")
    status: ReturnStatus  # as stored: accepted / invalid, later superseded or withdrawn
    duplicate: bool = Field(default=False, description="cùng tệp đã được nhận trước đó: không tạo phiên bản mới")
    problems: list[Problem] = Field(default_factory=list, description="mọi lỗi và lưu ý, theo thứ tự trong tệp")
    received_via: ReceivedVia | None = Field(
        default=None,
        description="báo cáo Sở nhận ngoài hệ thống (paper: giấy, email: thư điện tử) và nhập lại; "
        "không có khi đơn vị gửi qua hệ thống",
    )
    entered_at: datetime | None = Field(default=None, description="thời điểm Sở nhập báo cáo nhận ngoài hệ thống")
    entered_by: str | None = Field(default=None, description="người nhập báo cáo nhận ngoài hệ thống")

    @property
    def accepted(self) -> bool:
        return self.status == ReturnStatus.ACCEPTED

    @property
    def errors(self) -> list[Problem]:
        """Why it was refused."""
        return [p for p in self.problems if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        """What the sender should look at; it does not block the return."""
        return [p for p in self.problems if p.severity is Severity.WARNING]


def receipt_of(row: Return, duplicate: bool = False) -> Receipt:
    """The receipt of a stored return."""
    return Receipt(
        id=row.id,
        version=row.version,
        sha256=row.sha256,
        received_at=row.received_at,
        agency=row.agency_id,
        period=row.period_id,
        status=row.status,
        duplicate=duplicate,
        problems=[Problem.model_validate(p) for p in row.problems],
        received_via=row.received_via,
        entered_at=row.entered_at,
        entered_by=row.actor if row.received_via else None,
    )
