"""waiting texters re-offered on a cadence; outbox texts carry a sending priority

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.add_column(
        "lines", sa.Column("reoffer_every_s", sa.Integer(), nullable=False, server_default="120")
    )
    op.add_column(
        "outbox", sa.Column("priority", sa.SmallInteger(), nullable=False, server_default="1")
    )


def downgrade() -> None:
    """Undo this revision."""
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("priority")
    with op.batch_alter_table("lines") as batch:
        batch.drop_column("reoffer_every_s")
