"""a line's own greeting

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.add_column(
        "lines", sa.Column("greeting", sa.String(length=600), nullable=False, server_default="")
    )


def downgrade() -> None:
    """Undo this revision."""
    with op.batch_alter_table("lines") as batch:
        batch.drop_column("greeting")
