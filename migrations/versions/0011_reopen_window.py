"""a texter's text soon after DONE goes back to their peer

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.add_column(
        "lines", sa.Column("reopen_window_s", sa.Integer(), nullable=False, server_default="600")
    )
    op.add_column(
        "conversations", sa.Column("reopened_at", sa.DateTime(timezone=True), nullable=True)
    )


def downgrade() -> None:
    """Undo this revision."""
    with op.batch_alter_table("conversations") as batch:
        batch.drop_column("reopened_at")
    with op.batch_alter_table("lines") as batch:
        batch.drop_column("reopen_window_s")
