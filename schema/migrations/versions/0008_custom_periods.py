"""custom periods: a thematic period's title, kept beside the dates it was opened with

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28 22:15:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("periods") as batch_op:
        batch_op.add_column(sa.Column("title", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("periods") as batch_op:
        batch_op.drop_column("title")
