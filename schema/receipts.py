"""What the sender is told about one upload: the receipt, as the intake makes it and as a stored return reads back."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from agencies.problems import Problem, Severity
from agencies.states import ReturnStatus
from schema.models import Return


@dataclass(frozen=True)
class Receipt:
    """What the sender is told: the stored upload and, if refused, every problem."""

    return_id: int
    sha256: str
    received_at: datetime
    status: str  # accepted / invalid (as stored; later it may become superseded or withdrawn)
    agency_id: str | None
    period_id: str | None
    version: int | None
    problems: list[Problem] = field(default_factory=list)
    duplicate: bool = False  # the same bytes were already on file for this agency and period

    @property
    def accepted(self) -> bool:
        return self.status == ReturnStatus.ACCEPTED

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]


def receipt_of(row: Return, duplicate: bool = False) -> Receipt:
    """The receipt of a stored return."""
    return Receipt(
        return_id=row.id,
        sha256=row.sha256,
        received_at=row.received_at,
        status=row.status,
        agency_id=row.agency_id,
        period_id=row.period_id,
        version=row.version,
        problems=[Problem.model_validate(p) for p in row.problems],
        duplicate=duplicate,
    )
