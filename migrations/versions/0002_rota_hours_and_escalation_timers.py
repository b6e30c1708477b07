"""rota, hours and escalation timers

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "closures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("line_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_closures_ends_after_start")),
        sa.ForeignKeyConstraint(
            ["line_id"], ["lines.id"], name=op.f("fk_closures_line_id_lines"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_closures")),
    )
    op.create_index(
        "ix_closures_line_window", "closures", ["line_id", "starts_at", "ends_at"], unique=False
    )
    op.create_table(
        "line_hours",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("line_id", sa.Integer(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("opens_minute", sa.Integer(), nullable=False),
        sa.Column("closes_minute", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "closes_minute BETWEEN 0 AND 1440", name=op.f("ck_line_hours_closes_range")
        ),
        sa.CheckConstraint(
            "opens_minute BETWEEN 0 AND 1439", name=op.f("ck_line_hours_opens_range")
        ),
        sa.CheckConstraint("weekday BETWEEN 0 AND 6", name=op.f("ck_line_hours_weekday_range")),
        sa.ForeignKeyConstraint(
            ["line_id"], ["lines.id"], name=op.f("fk_line_hours_line_id_lines"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_line_hours")),
    )
    op.create_index(op.f("ix_line_hours_line_id"), "line_hours", ["line_id"], unique=False)
    op.create_table(
        "rota_notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("line_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["line_id"],
            ["lines.id"],
            name=op.f("fk_rota_notices_line_id_lines"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rota_notices")),
        sa.UniqueConstraint("line_id", "kind", "key", name=op.f("uq_rota_notices_line_id")),
    )
    op.create_table(
        "shift_exceptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shift_id", sa.Integer(), nullable=False),
        sa.Column("local_date", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("volunteer_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('skip', 'handover')", name=op.f("ck_shift_exceptions_known_kind")
        ),
        sa.ForeignKeyConstraint(
            ["shift_id"],
            ["shifts.id"],
            name=op.f("fk_shift_exceptions_shift_id_shifts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["volunteer_id"],
            ["volunteers.id"],
            name=op.f("fk_shift_exceptions_volunteer_id_volunteers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shift_exceptions")),
        sa.UniqueConstraint("shift_id", "local_date", name=op.f("uq_shift_exceptions_shift_id")),
    )
    op.create_table(
        "shift_occurrences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shift_id", sa.Integer(), nullable=False),
        sa.Column("line_id", sa.Integer(), nullable=False),
        sa.Column("volunteer_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=12), nullable=False),
        sa.Column("local_date", sa.Date(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["line_id"],
            ["lines.id"],
            name=op.f("fk_shift_occurrences_line_id_lines"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["shift_id"],
            ["shifts.id"],
            name=op.f("fk_shift_occurrences_shift_id_shifts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["volunteer_id"],
            ["volunteers.id"],
            name=op.f("fk_shift_occurrences_volunteer_id_volunteers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shift_occurrences")),
        sa.UniqueConstraint("shift_id", "local_date", name=op.f("uq_shift_occurrences_shift_id")),
    )
    op.create_index(
        "ix_shift_occurrences_line_start",
        "shift_occurrences",
        ["line_id", "starts_at"],
        unique=False,
    )
    op.create_index(
        "ix_shift_occurrences_volunteer_start",
        "shift_occurrences",
        ["volunteer_id", "starts_at"],
        unique=False,
    )
    op.create_table(
        "open_shifts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("line_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.Column("role", sa.String(length=12), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("occurrence_id", sa.Integer(), nullable=True),
        sa.Column("asked_by", sa.Integer(), nullable=True),
        sa.Column("claimed_by", sa.Integer(), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["asked_by"],
            ["volunteers.id"],
            name=op.f("fk_open_shifts_asked_by_volunteers"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["claimed_by"],
            ["volunteers.id"],
            name=op.f("fk_open_shifts_claimed_by_volunteers"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["line_id"], ["lines.id"], name=op.f("fk_open_shifts_line_id_lines"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["occurrence_id"],
            ["shift_occurrences.id"],
            name=op.f("fk_open_shifts_occurrence_id_shift_occurrences"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_open_shifts")),
    )
    op.create_index(
        "uq_open_shifts_open_code",
        "open_shifts",
        ["line_id", "code"],
        unique=True,
        postgresql_where=sa.text("claimed_at IS NULL"),
        sqlite_where=sa.text("claimed_at IS NULL"),
    )
    op.create_table(
        "timers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_timers_conversation_id_conversations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_timers")),
    )
    op.create_index("ix_timers_conversation", "timers", ["conversation_id"], unique=False)
    op.create_index(
        "ix_timers_pending_due",
        "timers",
        ["due_at"],
        unique=False,
        postgresql_where=sa.text("done_at IS NULL"),
        sqlite_where=sa.text("done_at IS NULL"),
    )
    op.add_column(
        "conversations", sa.Column("crisis_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column(
        "lines",
        sa.Column(
            "offer_strategy", sa.String(length=12), nullable=False, server_default="broadcast"
        ),
    )
    op.add_column(
        "lines", sa.Column("reminder_lead_s", sa.Integer(), nullable=False, server_default="3600")
    )
    op.add_column(
        "lines", sa.Column("crisis_words_en", sa.Text(), nullable=False, server_default="")
    )
    op.add_column(
        "lines", sa.Column("crisis_words_es", sa.Text(), nullable=False, server_default="")
    )
    op.add_column("shifts", sa.Column("local_start", sa.DateTime(), nullable=True))
    op.add_column("shifts", sa.Column("local_end", sa.DateTime(), nullable=True))
    op.add_column(
        "shifts", sa.Column("weekly", sa.Boolean(), nullable=False, server_default=sa.false())
    )
    op.add_column("shifts", sa.Column("repeat_until", sa.Date(), nullable=True))
    op.add_column(
        "shifts", sa.Column("materialized_until", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column("shifts", sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("volunteers") as batch:
        batch.add_column(sa.Column("calendar_token", sa.String(length=64), nullable=True))
        batch.create_unique_constraint(op.f("uq_volunteers_calendar_token"), ["calendar_token"])
    # Shifts written before occurrences existed become one occurrence each.
    op.execute(
        "INSERT INTO shift_occurrences (shift_id, line_id, volunteer_id, role, local_date, starts_at, ends_at) "
        "SELECT id, line_id, volunteer_id, role, DATE(starts_at), starts_at, ends_at FROM shifts"
    )


def downgrade() -> None:
    """Undo this revision."""
    with op.batch_alter_table("volunteers") as batch:
        batch.drop_constraint(op.f("uq_volunteers_calendar_token"), type_="unique")
        batch.drop_column("calendar_token")
    op.drop_column("shifts", "cancelled_at")
    op.drop_column("shifts", "materialized_until")
    op.drop_column("shifts", "repeat_until")
    op.drop_column("shifts", "weekly")
    op.drop_column("shifts", "local_end")
    op.drop_column("shifts", "local_start")
    op.drop_column("lines", "crisis_words_es")
    op.drop_column("lines", "crisis_words_en")
    op.drop_column("lines", "reminder_lead_s")
    op.drop_column("lines", "offer_strategy")
    op.drop_column("conversations", "crisis_at")
    op.drop_index(
        "ix_timers_pending_due",
        table_name="timers",
        postgresql_where=sa.text("done_at IS NULL"),
        sqlite_where=sa.text("done_at IS NULL"),
    )
    op.drop_index("ix_timers_conversation", table_name="timers")
    op.drop_table("timers")
    op.drop_index(
        "uq_open_shifts_open_code",
        table_name="open_shifts",
        postgresql_where=sa.text("claimed_at IS NULL"),
        sqlite_where=sa.text("claimed_at IS NULL"),
    )
    op.drop_table("open_shifts")
    op.drop_index("ix_shift_occurrences_volunteer_start", table_name="shift_occurrences")
    op.drop_index("ix_shift_occurrences_line_start", table_name="shift_occurrences")
    op.drop_table("shift_occurrences")
    op.drop_table("shift_exceptions")
    op.drop_table("rota_notices")
    op.drop_index(op.f("ix_line_hours_line_id"), table_name="line_hours")
    op.drop_table("line_hours")
    op.drop_index("ix_closures_line_window", table_name="closures")
    op.drop_table("closures")
