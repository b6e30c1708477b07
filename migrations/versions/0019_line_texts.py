"""a line's own texts per language; the consent question's versions have a language

Revision ID: 0019
Revises: 0018
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "line_texts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "line_id", sa.Integer(), sa.ForeignKey("lines.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("key", sa.String(40), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("line_id", "key", "language"),
    )
    # Every question asked so far was the English one.
    op.add_column(
        "consent_wordings",
        sa.Column("language", sa.String(8), nullable=False, server_default="en"),
    )


def downgrade() -> None:
    """Undo this revision."""
    with op.batch_alter_table("consent_wordings") as batch:
        batch.drop_column("language")
    op.drop_table("line_texts")
