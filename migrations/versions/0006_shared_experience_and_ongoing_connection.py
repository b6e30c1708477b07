"""shared experience and ongoing connection

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PENDING = "sent_at IS NULL AND cancelled_at IS NULL"


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "resources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("line_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("body", sa.String(length=480), nullable=False),
        sa.Column("link", sa.String(length=300), nullable=False),
        sa.Column("topics", sa.String(length=300), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["line_id"], ["lines.id"], name=op.f("fk_resources_line_id_lines"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resources")),
    )
    op.create_index("ix_resources_line", "resources", ["line_id", "retired_at"], unique=False)
    op.create_table(
        "resource_shares",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("line_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("resource_id", sa.Integer(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["line_id"],
            ["lines.id"],
            name=op.f("fk_resource_shares_line_id_lines"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["resource_id"],
            ["resources.id"],
            name=op.f("fk_resource_shares_resource_id_resources"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resource_shares")),
        sa.UniqueConstraint(
            "line_id", "day", "resource_id", name=op.f("uq_resource_shares_line_id")
        ),
    )
    op.create_table(
        "check_ins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("line_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_check_ins_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["line_id"], ["lines.id"], name=op.f("fk_check_ins_line_id_lines"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_check_ins")),
    )
    op.create_index("ix_check_ins_contact", "check_ins", ["contact_id"], unique=False)
    op.create_index(
        "ix_check_ins_pending_due",
        "check_ins",
        ["due_at"],
        unique=False,
        postgresql_where=sa.text(PENDING),
        sqlite_where=sa.text(PENDING),
    )
    op.add_column(
        "contact_counts",
        sa.Column("check_ins", sa.Integer(), nullable=False, server_default="0"),
    )
    op.add_column(
        "contacts", sa.Column("checkin_asked_at", sa.DateTime(timezone=True), nullable=True)
    )
    with op.batch_alter_table("conversations") as batch:
        batch.add_column(sa.Column("topic", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("prefer_volunteer_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("head_start_until", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("skip_volunteer_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_foreign_key(
            op.f("fk_conversations_prefer_volunteer_id_volunteers"),
            "volunteers",
            ["prefer_volunteer_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch.create_foreign_key(
            op.f("fk_conversations_skip_volunteer_id_volunteers"),
            "volunteers",
            ["skip_volunteer_id"],
            ["id"],
            ondelete="SET NULL",
        )
    op.add_column("lines", sa.Column("topics", sa.Text(), nullable=False, server_default=""))
    op.add_column(
        "lines",
        sa.Column("match_head_start_s", sa.Integer(), nullable=False, server_default="45"),
    )
    op.add_column(
        "lines",
        sa.Column("followup_after", sa.String(length=100), nullable=False, server_default="1d, 7d"),
    )
    op.add_column(
        "lines", sa.Column("cooldown_min", sa.Integer(), nullable=False, server_default="10")
    )
    op.add_column("lines", sa.Column("shift_cap", sa.Integer(), nullable=False, server_default="0"))
    op.add_column(
        "lines", sa.Column("daily_limit", sa.Integer(), nullable=False, server_default="0")
    )
    op.add_column("volunteers", sa.Column("topics", sa.Text(), nullable=False, server_default=""))
    op.add_column(
        "volunteers",
        sa.Column("continuity", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column("volunteers", sa.Column("shown_name", sa.String(length=30), nullable=True))
    op.add_column(
        "volunteers", sa.Column("paused_until", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column(
        "volunteers", sa.Column("cooldown_until", sa.DateTime(timezone=True), nullable=True)
    )


def downgrade() -> None:
    """Undo this revision."""
    with op.batch_alter_table("volunteers") as batch:
        for column in ("cooldown_until", "paused_until", "shown_name", "continuity", "topics"):
            batch.drop_column(column)
    with op.batch_alter_table("lines") as batch:
        for column in (
            "daily_limit",
            "shift_cap",
            "cooldown_min",
            "followup_after",
            "match_head_start_s",
            "topics",
        ):
            batch.drop_column(column)
    with op.batch_alter_table("conversations") as batch:
        batch.drop_constraint(
            op.f("fk_conversations_skip_volunteer_id_volunteers"), type_="foreignkey"
        )
        batch.drop_constraint(
            op.f("fk_conversations_prefer_volunteer_id_volunteers"), type_="foreignkey"
        )
        for column in (
            "escalated_at",
            "skip_volunteer_id",
            "head_start_until",
            "prefer_volunteer_id",
            "topic",
        ):
            batch.drop_column(column)
    with op.batch_alter_table("contacts") as batch:
        batch.drop_column("checkin_asked_at")
    with op.batch_alter_table("contact_counts") as batch:
        batch.drop_column("check_ins")
    op.drop_index("ix_check_ins_pending_due", table_name="check_ins")
    op.drop_index("ix_check_ins_contact", table_name="check_ins")
    op.drop_table("check_ins")
    op.drop_table("resource_shares")
    op.drop_index("ix_resources_line", table_name="resources")
    op.drop_table("resources")
