"""a line's own send rate

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.add_column("lines", sa.Column("send_rate_per_s", sa.Double(), nullable=True))


def downgrade() -> None:
    """Undo this revision."""
    with op.batch_alter_table("lines") as batch:
        batch.drop_column("send_rate_per_s")
