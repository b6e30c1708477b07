"""coordinators may get alerts by e-mail; the e-mails to send, once each

Revision ID: 0017
Revises: 0016
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.add_column(
        "coordinators",
        sa.Column("email_alerts", sa.Boolean(), nullable=False, server_default=sa.true()),
    )
    op.create_table(
        "email_notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("line_id", sa.Integer(), nullable=False),
        sa.Column("coordinator_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("details", sa.String(400), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(200), nullable=True),
        sa.ForeignKeyConstraint(
            ["line_id"],
            ["lines.id"],
            name=op.f("fk_email_notices_line_id_lines"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["coordinator_id"],
            ["coordinators.id"],
            name=op.f("fk_email_notices_coordinator_id_coordinators"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_email_notices")),
        sa.UniqueConstraint(
            "coordinator_id", "kind", "key", name=op.f("uq_email_notices_coordinator_id")
        ),
    )
    op.create_index(op.f("ix_email_notices_line_id"), "email_notices", ["line_id"])
    op.create_index(op.f("ix_email_notices_next_attempt_at"), "email_notices", ["next_attempt_at"])


def downgrade() -> None:
    """Undo this revision."""
    op.drop_index(op.f("ix_email_notices_next_attempt_at"), table_name="email_notices")
    op.drop_index(op.f("ix_email_notices_line_id"), table_name="email_notices")
    op.drop_table("email_notices")
    with op.batch_alter_table("coordinators") as batch:
        batch.drop_column("email_alerts")
