"""rosters over time: the days a roster version is in force, to choose the roster of a period

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-28 22:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Rosters loaded before this revision had no validity: in force on every day, as before.
    with op.batch_alter_table("roster_versions") as batch_op:
        batch_op.add_column(sa.Column("valid_from", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("valid_until", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("roster_versions") as batch_op:
        batch_op.drop_column("valid_until")
        batch_op.drop_column("valid_from")
