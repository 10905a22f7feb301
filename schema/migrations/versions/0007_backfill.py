"""back-filling: a return received outside the system keeps how it came and when it was entered

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28 22:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("returns") as batch:
        batch.add_column(sa.Column("received_via", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("entered_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("pending_uploads") as batch:
        batch.add_column(sa.Column("received_via", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("pending_uploads") as batch:
        batch.drop_column("received_via")
    with op.batch_alter_table("returns") as batch:
        batch.drop_column("entered_at")
        batch.drop_column("received_via")
