"""What became of a return, where an agency stands in a period, how far a consolidation got: the enums every layer shares.

The values are what the database stores (`Return.status`) and what `status --json` and the
API print; the Vietnamese label of each is the one the CLI, the artifacts and the pages show.
"""

from __future__ import annotations

from enum import StrEnum


class ReturnStatus(StrEnum):
    """A stored upload's status."""

    ACCEPTED = "accepted"  # valid, and the agency's current version
    INVALID = "invalid"  # refused: kept with every problem found
    SUPERSEDED = "superseded"  # valid, replaced by a later version
    WITHDRAWN = "withdrawn"  # taken back by the agency: kept, not counted

    @property
    def label(self) -> str:
        return RETURN_LABELS[self]


class AgencyStanding(StrEnum):
    """An agency's state in a period's completeness table."""

    MISSING = "missing"  # nothing valid sent
    ACCEPTED = "accepted"
    INVALID = "invalid"  # its latest upload was refused and none is valid
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return STANDING_LABELS[self]


class ReceivedVia(StrEnum):
    """How a return received outside the system reached the department (a back-filled return)."""

    PAPER = "paper"
    EMAIL = "email"

    @property
    def label(self) -> str:
        return VIA_LABELS[self]


class ConsolidationState(StrEnum):
    """How far a consolidation the coordinator asked for has got."""

    SCHEDULED = "scheduled"  # asked for; the flow run has not started
    RUNNING = "running"
    COMPLETED = "completed"  # the draft is written
    FAILED = "failed"  # ended without a draft; the message says why

    @property
    def label(self) -> str:
        return CONSOLIDATION_LABELS[self]

    @property
    def final(self) -> bool:
        return self in (ConsolidationState.COMPLETED, ConsolidationState.FAILED)


RETURN_LABELS = {
    ReturnStatus.ACCEPTED: "Chấp nhận",
    ReturnStatus.INVALID: "Không hợp lệ",
    ReturnStatus.SUPERSEDED: "Được thay bằng phiên bản mới",
    ReturnStatus.WITHDRAWN: "Đơn vị rút báo cáo",
}
STANDING_LABELS = {
    AgencyStanding.MISSING: "Chưa gửi",
    AgencyStanding.ACCEPTED: "Đã nhận",
    AgencyStanding.INVALID: "Không hợp lệ",
    AgencyStanding.WITHDRAWN: "Đã rút",
}
VIA_LABELS = {
    ReceivedVia.PAPER: "giấy",
    ReceivedVia.EMAIL: "thư điện tử",
}
CONSOLIDATION_LABELS = {
    ConsolidationState.SCHEDULED: "Đang chờ chạy",
    ConsolidationState.RUNNING: "Đang tổng hợp",
    ConsolidationState.COMPLETED: "Đã lập dự thảo",
    ConsolidationState.FAILED: "Không thành công",
}

# What the audit log's actions are called where people read the log (the CLI's history, the pages).
ACTION_LABELS = {
    "received": "Nhận tệp",
    **{str(status): label for status, label in RETURN_LABELS.items()},
    "duplicate": "Gửi lại tệp trùng",
    "backfilled": "Sở nhập báo cáo nhận ngoài hệ thống",
    "period_opened": "Mở kỳ báo cáo",
    "closed": "Khóa kỳ báo cáo",
    "reopened": "Mở lại kỳ báo cáo",
    "token_issued": "Cấp khóa truy cập API",
    "password_issued": "Cấp mật khẩu đăng nhập",
    "credentials_revoked": "Thu hồi mật khẩu và khóa truy cập",
    "signed_in": "Đăng nhập",
    "sign_in_failed": "Đăng nhập sai",
    "signed_out": "Đăng xuất",
    "consolidation_requested": "Yêu cầu tổng hợp",
}
