"""consent, the contact log and retention

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "carrier_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sid", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_carrier_records")),
        sa.UniqueConstraint("sid", name=op.f("uq_carrier_records_sid")),
    )
    op.create_index(
        "ix_carrier_records_due", "carrier_records", ["deleted_at", "due_at"], unique=False
    )
    op.create_table(
        "consent_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("line_id", sa.Integer(), nullable=False),
        sa.Column("contact_key", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("text_hash", sa.String(length=64), nullable=False),
        sa.Column("answer", sa.String(length=10), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["line_id"],
            ["lines.id"],
            name=op.f("fk_consent_records_line_id_lines"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_records")),
    )
    op.create_index(
        "ix_consent_records_contact",
        "consent_records",
        ["line_id", "contact_key", "recorded_at"],
        unique=False,
    )
    op.create_table(
        "consent_wordings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("line_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("text_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["line_id"],
            ["lines.id"],
            name=op.f("fk_consent_wordings_line_id_lines"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_wordings")),
        sa.UniqueConstraint("line_id", "version", name=op.f("uq_consent_wordings_line_id")),
    )
    op.create_table(
        "contact_counts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("line_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("contacts", sa.Integer(), nullable=False),
        sa.Column("answered", sa.Integer(), nullable=False),
        sa.Column("crisis", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["line_id"],
            ["lines.id"],
            name=op.f("fk_contact_counts_line_id_lines"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_counts")),
        sa.UniqueConstraint("line_id", "day", "channel", name=op.f("uq_contact_counts_line_id")),
    )
    op.create_table(
        "contact_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("line_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("first_response_wait_s", sa.Integer(), nullable=True),
        sa.Column("duration_s", sa.Integer(), nullable=True),
        sa.Column("volunteer_id", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(length=30), nullable=True),
        sa.Column("crisis", sa.Boolean(), nullable=False),
        sa.Column("consent_version", sa.Integer(), nullable=False),
        sa.Column("contact_key", sa.String(length=64), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["line_id"], ["lines.id"], name=op.f("fk_contact_log_line_id_lines"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["volunteer_id"],
            ["volunteers.id"],
            name=op.f("fk_contact_log_volunteer_id_volunteers"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_log")),
        sa.UniqueConstraint("conversation_id", name=op.f("uq_contact_log_conversation_id")),
    )
    op.create_index(
        "ix_contact_log_contact", "contact_log", ["line_id", "contact_key"], unique=False
    )
    op.create_index(
        "ix_contact_log_line_started", "contact_log", ["line_id", "started_at"], unique=False
    )
    op.add_column(
        "contacts", sa.Column("erase_requested_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column(
        "conversations",
        sa.Column("channel", sa.String(length=8), nullable=False, server_default="sms"),
    )
    op.add_column("conversations", sa.Column("outcome_tag", sa.String(length=30), nullable=True))
    op.add_column(
        "conversations", sa.Column("tag_asked_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column(
        "lines",
        sa.Column(
            "outcome_tags",
            sa.String(length=300),
            nullable=False,
            server_default="talked, resources, referred, crisis, disconnected",
        ),
    )
    op.add_column(
        "lines", sa.Column("number_retention_h", sa.Integer(), nullable=False, server_default="24")
    )
    op.add_column(
        "lines", sa.Column("unsent_text_max_h", sa.Integer(), nullable=False, server_default="1")
    )
    op.add_column(
        "lines", sa.Column("log_retention_days", sa.Integer(), nullable=False, server_default="365")
    )
    op.add_column(
        "lines",
        sa.Column("recording_retention_days", sa.Integer(), nullable=False, server_default="7"),
    )


def downgrade() -> None:
    """Undo this revision."""
    op.drop_column("lines", "recording_retention_days")
    op.drop_column("lines", "log_retention_days")
    op.drop_column("lines", "unsent_text_max_h")
    op.drop_column("lines", "number_retention_h")
    op.drop_column("lines", "outcome_tags")
    op.drop_column("conversations", "tag_asked_at")
    op.drop_column("conversations", "outcome_tag")
    op.drop_column("conversations", "channel")
    op.drop_column("contacts", "erase_requested_at")
    op.drop_index("ix_contact_log_line_started", table_name="contact_log")
    op.drop_index("ix_contact_log_contact", table_name="contact_log")
    op.drop_table("contact_log")
    op.drop_table("contact_counts")
    op.drop_table("consent_wordings")
    op.drop_index("ix_consent_records_contact", table_name="consent_records")
    op.drop_table("consent_records")
    op.drop_index("ix_carrier_records_due", table_name="carrier_records")
    op.drop_table("carrier_records")
