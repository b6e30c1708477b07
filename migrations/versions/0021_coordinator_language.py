"""a coordinator keeps the language of their alert e-mails

Revision ID: 0021
Revises: 0020
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.add_column("coordinators", sa.Column("language", sa.String(8), nullable=True))


def downgrade() -> None:
    """Undo this revision."""
    with op.batch_alter_table("coordinators") as batch:
        batch.drop_column("language")
