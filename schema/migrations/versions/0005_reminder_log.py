"""reminder log: each reminder step recorded once per period and agency

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 20:25:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "reminder_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period_id", sa.String(length=16), nullable=False),
        sa.Column("agency_id", sa.String(length=64), nullable=False),
        sa.Column("step", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("recipients", sa.JSON(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["agency_id"], ["agencies.id"], name=op.f("fk_reminder_log_agency_id_agencies")),
        sa.ForeignKeyConstraint(["period_id"], ["periods.id"], name=op.f("fk_reminder_log_period_id_periods")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder_log")),
        sa.UniqueConstraint("period_id", "agency_id", "step", name=op.f("uq_reminder_log_period_id_agency_id_step")),
    )


def downgrade() -> None:
    op.drop_table("reminder_log")
