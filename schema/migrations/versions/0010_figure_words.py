"""the words around a figure: the qualifier before it (hơn, khoảng, gần, trên), its trend, its case's status

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29 00:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Figures kept before this revision were bare numbers: no words around them.
    with op.batch_alter_table("return_values") as batch_op:
        batch_op.add_column(sa.Column("qualifier", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("trend", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("status", sa.String(length=500), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("return_values") as batch_op:
        batch_op.drop_column("status")
        batch_op.drop_column("trend")
        batch_op.drop_column("qualifier")
