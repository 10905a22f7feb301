"""What is kept: rosters, agencies, periods, every upload's bytes and parsed content, the audit log."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from agencies.bounds import (
    AGENCY_ID_MAX,
    CELL_MAX,
    CODE_MAX,
    FIELD_MAX,
    FILENAME_MAX,
    FORM_REF_MAX,
    IP_MAX,
    PERIOD_TEXT_MAX,
    PERIOD_TITLE_MAX,
    QUALIFIER_MAX,
    SHEET_NAME_MAX,
    STATUS_MAX,
    TREND_MAX,
)

# Constraint names are spelled out so that Alembic names them alike on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utc_now() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON, list[Any]: JSON}


class RosterVersion(Base):
    """A roster as loaded by `phoihop init`, forms included.

    Rosters of different ids are kept side by side; the newest version of each is its current one,
    in force from `valid_from` to `valid_until` (a bound left empty is open). A period keeps the
    version it was opened with (`Period.roster_version_id`) and reads the newest of that roster id.
    """

    __tablename__ = "roster_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    roster_key: Mapped[str] = mapped_column(String(64))
    sha256: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(500))
    document: Mapped[dict[str, Any]]
    loaded_at: Mapped[datetime] = mapped_column(default=utc_now)
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)


class Agency(Base):
    """A reporting agency as the newest roster naming it describes it; kept when it leaves every roster.

    `active`: named by the current version of some roster id (an agency of an earlier roster still
    reports for the periods that roster is in force for).
    """

    __tablename__ = "agencies"

    id: Mapped[str] = mapped_column(String(AGENCY_ID_MAX), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    group_id: Mapped[str] = mapped_column(String(64))
    form_id: Mapped[str] = mapped_column(String(64))
    emails: Mapped[list[Any]]
    position: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(default=True)


class Period(Base):
    """A reporting cycle: its data window and deadlines, open until approved."""

    __tablename__ = "periods"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    kind: Mapped[str] = mapped_column(String(4))
    year: Mapped[int]
    number: Mapped[int]
    window_start: Mapped[date] = mapped_column(Date)
    window_end: Mapped[date] = mapped_column(Date)
    deadline: Mapped[date] = mapped_column(Date)
    group_deadlines: Mapped[dict[str, Any]] = mapped_column(default=dict)
    title: Mapped[str | None] = mapped_column(String(PERIOD_TITLE_MAX))  # a custom period's name, if given
    state: Mapped[str] = mapped_column(String(16), default="open")
    opened_at: Mapped[datetime] = mapped_column(default=utc_now)
    roster_version_id: Mapped[int] = mapped_column(ForeignKey("roster_versions.id"))

    def deadline_for(self, group_id: str) -> date:
        override = self.group_deadlines.get(group_id)
        return date.fromisoformat(override) if override else self.deadline


class Blob(Base):
    """Uploaded bytes, content-addressed: the same file is kept once, whatever became of it."""

    __tablename__ = "blobs"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int]
    content: Mapped[bytes] = mapped_column(LargeBinary)
    stored_at: Mapped[datetime] = mapped_column(default=utc_now)


class PendingUpload(Base):
    """An upload whose bytes are kept but whose return row is not written yet, and who sent it.

    Written with the bytes, deleted in the transaction that writes the return row: one left
    behind is an upload a killed run did not finish. `schema.recovery` finishes it through the
    normal intake (its original time and sender), or it stays listed for the coordinator.
    """

    __tablename__ = "pending_uploads"
    # A note's id is never reused (SQLite reuses a deleted row's id unless told not to): a slow
    # process deleting its own note after a recovery took it over must not delete a newer one's.
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(ForeignKey("blobs.sha256"))
    channel: Mapped[str] = mapped_column(String(16))
    actor: Mapped[str] = mapped_column(String(200))
    filename: Mapped[str | None] = mapped_column(Text)  # as sent; the intake shortens it for the return row
    agency_hint: Mapped[str | None] = mapped_column(String(64))  # the sender's agency, if the channel knew it
    received_at: Mapped[datetime]
    taken_at: Mapped[datetime] = mapped_column(default=utc_now)  # stored, or last taken up by a recovery
    received_via: Mapped[str | None] = mapped_column(String(16))  # a back-filled return: paper / email
    attempts: Mapped[int] = mapped_column(default=0)  # recoveries tried
    last_error: Mapped[str | None] = mapped_column(String(500))


class Return(Base):
    """One upload and what became of it. Accepted ones carry a version per agency and period."""

    __tablename__ = "returns"
    __table_args__ = (
        UniqueConstraint("agency_id", "period_id", "version"),
        Index("ix_returns_agency_period", "agency_id", "period_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(ForeignKey("blobs.sha256"))
    filename: Mapped[str | None] = mapped_column(String(FILENAME_MAX))
    format: Mapped[str] = mapped_column(String(16))
    channel: Mapped[str] = mapped_column(String(16))
    actor: Mapped[str] = mapped_column(String(200))
    received_at: Mapped[datetime] = mapped_column(default=utc_now)
    agency_id: Mapped[str | None] = mapped_column(ForeignKey("agencies.id"))
    period_id: Mapped[str | None] = mapped_column(ForeignKey("periods.id"))
    claimed_period: Mapped[str | None] = mapped_column(String(PERIOD_TEXT_MAX))
    form_ref: Mapped[str | None] = mapped_column(String(FORM_REF_MAX))
    status: Mapped[str] = mapped_column(String(16))
    version: Mapped[int | None]
    problems: Mapped[list[Any]] = mapped_column(default=list)
    narrative: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # A back-filled return: received outside the system (paper / email) at `received_at`, entered by `actor` at
    # `entered_at`; both None for an upload the system received itself.
    received_via: Mapped[str | None] = mapped_column(String(16))
    entered_at: Mapped[datetime | None]

    values: Mapped[list[ReturnValue]] = relationship(back_populates="return_", cascade="all, delete-orphan")


class ReturnValue(Base):
    """One figure of an accepted return and the cell or field it was read from."""

    __tablename__ = "return_values"

    return_id: Mapped[int] = mapped_column(ForeignKey("returns.id"), primary_key=True)
    code: Mapped[str] = mapped_column(String(CODE_MAX), primary_key=True)
    value: Mapped[float] = mapped_column(Float)
    sheet: Mapped[str | None] = mapped_column(String(SHEET_NAME_MAX))
    cell: Mapped[str | None] = mapped_column(String(CELL_MAX))
    field: Mapped[str | None] = mapped_column(String(FIELD_MAX))
    # The words the sender wrote around the figure (agencies/figure_words.py); None where none.
    qualifier: Mapped[str | None] = mapped_column(String(QUALIFIER_MAX))
    trend: Mapped[str | None] = mapped_column(String(TREND_MAX))
    status: Mapped[str | None] = mapped_column(String(STATUS_MAX))

    return_: Mapped[Return] = relationship(back_populates="values")


class AuditEntry(Base):
    """Every state change, with who and when."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utc_now)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(32))
    agency_id: Mapped[str | None] = mapped_column(String(AGENCY_ID_MAX))
    period_id: Mapped[str | None] = mapped_column(String(16))
    return_id: Mapped[int | None]
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
    ip: Mapped[str | None] = mapped_column(
        String(IP_MAX)
    )  # where the request came from (portal, API); none for the CLI

    __table_args__ = (Index("ix_audit_log_action_at", "action", "at"),)


class Credential(Base):
    """An upload credential: a bearer token (kept only as its SHA-256) for an agency or the coordinator."""

    __tablename__ = "credentials"

    id: Mapped[int] = mapped_column(primary_key=True)
    role: Mapped[str] = mapped_column(String(16))  # agency / coordinator
    agency_id: Mapped[str | None] = mapped_column(ForeignKey("agencies.id"))
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    revoked_at: Mapped[datetime | None]


class Account(Base):
    """Who signs in to the portal: one per agency and the coordinator; the password kept only as its argon2 hash."""

    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(AGENCY_ID_MAX), unique=True)
    role: Mapped[str] = mapped_column(String(16))  # agency / coordinator
    agency_id: Mapped[str | None] = mapped_column(ForeignKey("agencies.id"))
    password_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    revoked_at: Mapped[datetime | None]


class WebSession(Base):
    """A signed-in browser: the cookie's token kept only as its SHA-256, with the form token it must echo."""

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    expires_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    ip: Mapped[str | None] = mapped_column(String(IP_MAX))

    account: Mapped[Account] = relationship()


class Consolidation(Base):
    """One consolidation asked for by the coordinator: the flow run doing it, its state and the draft it wrote."""

    __tablename__ = "consolidations"

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[str] = mapped_column(ForeignKey("periods.id"))
    requested_by: Mapped[str] = mapped_column(String(200))
    requested_at: Mapped[datetime] = mapped_column(default=utc_now)
    flow_run_id: Mapped[str | None] = mapped_column(String(36))
    state: Mapped[str] = mapped_column(String(16), default="scheduled")  # scheduled / running / completed / failed
    finished_at: Mapped[datetime | None]
    draft_path: Mapped[str | None] = mapped_column(Text)
    message: Mapped[str | None] = mapped_column(Text)


class MailDelivery:
    """Where one mail stands: claimed by one sender at a time, sent once, or why not (columns shared by two tables).

    States: `pending` (to send), `sending` (claimed by the run named in `claim`), `sent`, `deferred` (a passing
    fault: the next attempt claims it again), `refused` (permanent: shown to the coordinator, never retried).
    """

    state: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    claim: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    message_id: Mapped[str | None] = mapped_column(String(255))
    refused: Mapped[dict[str, Any]] = mapped_column(default=dict)  # address -> the server's answer
    detail: Mapped[str | None] = mapped_column(Text)


class ReminderLog(MailDelivery, Base):
    """A reminder step for an agency in a period: one row per (period, agency, step), never two.

    The row is claimed before the mail goes out (insert-or-skip, or taking back a deferred one), so a
    retried task, a re-run flow or two schedulers at once find it claimed and do not send the step again.
    """

    __tablename__ = "reminder_log"
    __table_args__ = (UniqueConstraint("period_id", "agency_id", "step"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[str] = mapped_column(ForeignKey("periods.id"))
    agency_id: Mapped[str] = mapped_column(ForeignKey("agencies.id"))
    step: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16))
    recipients: Mapped[list[Any]] = mapped_column(default=list)
    recorded_at: Mapped[datetime] = mapped_column(default=utc_now)


class ReceiptMail(MailDelivery, Base):
    """The mail answering one upload (its receipt, or its errors), written with the upload's outcome."""

    __tablename__ = "receipt_mails"

    id: Mapped[int] = mapped_column(primary_key=True)
    return_id: Mapped[int] = mapped_column(ForeignKey("returns.id"), index=True)
    agency_id: Mapped[str] = mapped_column(ForeignKey("agencies.id"))
    duplicate: Mapped[bool] = mapped_column(default=False)  # the same file again: the earlier receipt is re-sent
    filename: Mapped[str | None] = mapped_column(String(FILENAME_MAX))
    recipients: Mapped[list[Any]] = mapped_column(default=list)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
