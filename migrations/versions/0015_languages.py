"""peers speak languages; a contact keeps theirs; a line offers its languages

Revision ID: 0015
Revises: 0014
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.add_column(
        "volunteers",
        sa.Column("languages", sa.String(40), nullable=False, server_default="en"),
    )
    op.add_column("contacts", sa.Column("language", sa.String(8), nullable=True))
    op.add_column(
        "lines", sa.Column("languages", sa.String(40), nullable=False, server_default="en,es")
    )
    op.add_column(
        "lines", sa.Column("default_language", sa.String(8), nullable=False, server_default="en")
    )


def downgrade() -> None:
    """Undo this revision."""
    with op.batch_alter_table("lines") as batch:
        batch.drop_column("default_language")
        batch.drop_column("languages")
    with op.batch_alter_table("contacts") as batch:
        batch.drop_column("language")
    with op.batch_alter_table("volunteers") as batch:
        batch.drop_column("languages")
