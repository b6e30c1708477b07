"""calls keep their caller's key while Twilio holds the call's record

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.add_column("calls", sa.Column("caller_key", sa.String(length=64), nullable=True))
    op.create_index("ix_calls_line_caller", "calls", ["line_id", "caller_key"])


def downgrade() -> None:
    """Undo this revision."""
    op.drop_index("ix_calls_line_caller", table_name="calls")
    with op.batch_alter_table("calls") as batch:
        batch.drop_column("caller_key")
