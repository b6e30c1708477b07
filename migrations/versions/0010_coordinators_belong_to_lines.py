"""coordinators belong to lines; administrators; one-time passwords

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("coordinators") as batch:
        batch.add_column(
            sa.Column("is_administrator", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch.add_column(
            sa.Column(
                "must_change_password", sa.Boolean(), server_default=sa.false(), nullable=False
            )
        )
    # Every coordinator so far saw every line: they stay administrators, as they were.
    op.execute(sa.text("UPDATE coordinators SET is_administrator = true"))
    op.create_table(
        "coordinator_lines",
        sa.Column("coordinator_id", sa.Integer(), nullable=False),
        sa.Column("line_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["coordinator_id"],
            ["coordinators.id"],
            name=op.f("fk_coordinator_lines_coordinator_id_coordinators"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["line_id"],
            ["lines.id"],
            name=op.f("fk_coordinator_lines_line_id_lines"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("coordinator_id", "line_id", name=op.f("pk_coordinator_lines")),
    )
    op.create_index(
        op.f("ix_coordinator_lines_line_id"), "coordinator_lines", ["line_id"], unique=False
    )


def downgrade() -> None:
    """Undo this revision."""
    op.drop_index(op.f("ix_coordinator_lines_line_id"), table_name="coordinator_lines")
    op.drop_table("coordinator_lines")
    with op.batch_alter_table("coordinators") as batch:
        batch.drop_column("must_change_password")
        batch.drop_column("is_administrator")
