"""a call keeps the language its caller chose

Revision ID: 0020
Revises: 0019
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.add_column("calls", sa.Column("language", sa.String(8), nullable=True))


def downgrade() -> None:
    """Undo this revision."""
    with op.batch_alter_table("calls") as batch:
        batch.drop_column("language")
