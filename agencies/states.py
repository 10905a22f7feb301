"""What became of a return, and where an agency stands in a period: the two enums every layer shares.

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
