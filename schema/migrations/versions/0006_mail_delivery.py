"""mail delivery: reminder steps and receipt mails carry where their mail stands

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28 21:12:44.254990
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _delivery_columns(existing_state: str) -> list[sa.Column]:
    return [
        sa.Column("state", sa.String(length=16), nullable=False, server_default=existing_state),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("claim", sa.String(length=64), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("message_id", sa.String(length=255), nullable=True),
        sa.Column("refused", sa.JSON(), nullable=False, server_default="{}"),
        sa.Column("detail", sa.Text(), nullable=True),
    ]


def upgrade() -> None:
    op.create_table(
        "receipt_mails",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("return_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.String(length=64), nullable=False),
        sa.Column("duplicate", sa.Boolean(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=True),
        sa.Column("recipients", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        *_delivery_columns("pending"),
        sa.ForeignKeyConstraint(["agency_id"], ["agencies.id"], name=op.f("fk_receipt_mails_agency_id_agencies")),
        sa.ForeignKeyConstraint(["return_id"], ["returns.id"], name=op.f("fk_receipt_mails_return_id_returns")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_receipt_mails")),
    )
    with op.batch_alter_table("receipt_mails") as batch_op:
        batch_op.create_index(batch_op.f("ix_receipt_mails_return_id"), ["return_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_receipt_mails_state"), ["state"], unique=False)
    # A step recorded before this revision was claimed to be sent: kept as sent, never sent again.
    with op.batch_alter_table("reminder_log") as batch_op:
        for column in _delivery_columns("sent"):
            batch_op.add_column(column)
        batch_op.create_index(batch_op.f("ix_reminder_log_state"), ["state"], unique=False)
    with op.batch_alter_table(
        "reminder_log"
    ) as batch_op:  # the defaults served the rows there; the models set their own
        for name in ("state", "attempts", "refused"):
            batch_op.alter_column(name, server_default=None)
    with op.batch_alter_table("receipt_mails") as batch_op:
        for name in ("state", "attempts", "refused"):
            batch_op.alter_column(name, server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("reminder_log") as batch_op:
        batch_op.drop_index(batch_op.f("ix_reminder_log_state"))
        for name in ("detail", "refused", "message_id", "sent_at", "claimed_at", "claim", "attempts", "state"):
            batch_op.drop_column(name)
    op.drop_table("receipt_mails")
