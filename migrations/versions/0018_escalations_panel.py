"""the Now page finds a line's recent crisis flags and escalations by index

Revision ID: 0018
Revises: 0017
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_index("ix_conversations_line_crisis", "conversations", ["line_id", "crisis_at"])
    op.create_index("ix_conversations_line_escalated", "conversations", ["line_id", "escalated_at"])


def downgrade() -> None:
    """Undo this revision."""
    op.drop_index("ix_conversations_line_escalated", table_name="conversations")
    op.drop_index("ix_conversations_line_crisis", table_name="conversations")
