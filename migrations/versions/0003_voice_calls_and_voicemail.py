"""voice calls and voicemail

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OPEN_REF = "handled_at IS NULL"


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    """A foreign key named as the models' naming convention names it."""
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("lines") as batch:
        batch.add_column(
            sa.Column("say_language", sa.String(length=12), nullable=False, server_default="en-US")
        )
        batch.add_column(
            sa.Column("say_voice", sa.String(length=40), nullable=False, server_default="")
        )

    op.create_table(
        "calls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("line_id", sa.Integer(), nullable=False),
        sa.Column("call_sid", sa.String(length=64), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("volunteer_id", sa.Integer(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("connected_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("duration_s", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('ringing', 'connected', 'fallback', 'ended')",
            name=op.f("ck_calls_known_status"),
        ),
        _fk("calls", "line_id", "lines", "CASCADE"),
        _fk("calls", "contact_id", "contacts", "SET NULL"),
        _fk("calls", "volunteer_id", "volunteers", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calls")),
        sa.UniqueConstraint("call_sid", name=op.f("uq_calls_call_sid")),
    )
    op.create_index("ix_calls_volunteer_status", "calls", ["volunteer_id", "status"])
    op.create_index("ix_calls_status_updated", "calls", ["status", "updated_at"])

    op.create_table(
        "call_steps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("tier", sa.String(length=12), nullable=True),
        sa.Column("words", sa.String(length=40), nullable=True),
        sa.Column("dial_status", sa.String(length=12), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        _fk("call_steps", "call_id", "calls", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_call_steps")),
        sa.UniqueConstraint("call_id", "step", name=op.f("uq_call_steps_call_id")),
    )

    op.create_table(
        "call_legs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("volunteer_id", sa.Integer(), nullable=False),
        sa.Column("tier", sa.String(length=12), nullable=False),
        sa.Column("leg_sid", sa.String(length=64), nullable=True),
        sa.Column("rung_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("screened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        _fk("call_legs", "call_id", "calls", "CASCADE"),
        _fk("call_legs", "volunteer_id", "volunteers", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_call_legs")),
        sa.UniqueConstraint("call_id", "step", "volunteer_id", name=op.f("uq_call_legs_call_id")),
    )
    op.create_index("ix_call_legs_volunteer_rung", "call_legs", ["volunteer_id", "rung_at"])

    op.create_table(
        "voicemails",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("line_id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=4), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("recording_sid", sa.String(length=64), nullable=True),
        sa.Column("recording_url_sealed", sa.LargeBinary(), nullable=True),
        sa.Column("duration_s", sa.Integer(), nullable=True),
        sa.Column("volunteer_id", sa.Integer(), nullable=True),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("callback_sid", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("offered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("delete_after", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recording_deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('waiting', 'requested', 'calling', 'done', 'expired', 'empty')",
            name=op.f("ck_voicemails_known_status"),
        ),
        _fk("voicemails", "line_id", "lines", "CASCADE"),
        _fk("voicemails", "call_id", "calls", "CASCADE"),
        _fk("voicemails", "volunteer_id", "volunteers", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_voicemails")),
        sa.UniqueConstraint("call_id", name=op.f("uq_voicemails_call_id")),
        sa.UniqueConstraint("recording_sid", name=op.f("uq_voicemails_recording_sid")),
    )
    op.create_index(
        "uq_voicemails_open_ref",
        "voicemails",
        ["line_id", "ref"],
        unique=True,
        postgresql_where=sa.text(_OPEN_REF),
        sqlite_where=sa.text(_OPEN_REF),
    )
    op.create_index("ix_voicemails_status", "voicemails", ["status", "updated_at"])
    op.create_index(
        "ix_voicemails_recording_kept", "voicemails", ["recording_deleted_at", "delete_after"]
    )


def downgrade() -> None:
    """Undo this revision."""
    op.drop_index("ix_voicemails_recording_kept", table_name="voicemails")
    op.drop_index("ix_voicemails_status", table_name="voicemails")
    op.drop_index(
        "uq_voicemails_open_ref",
        table_name="voicemails",
        postgresql_where=sa.text(_OPEN_REF),
        sqlite_where=sa.text(_OPEN_REF),
    )
    op.drop_table("voicemails")
    op.drop_index("ix_call_legs_volunteer_rung", table_name="call_legs")
    op.drop_table("call_legs")
    op.drop_table("call_steps")
    op.drop_index("ix_calls_status_updated", table_name="calls")
    op.drop_index("ix_calls_volunteer_status", table_name="calls")
    op.drop_table("calls")
    with op.batch_alter_table("lines") as batch:
        batch.drop_column("say_voice")
        batch.drop_column("say_language")
