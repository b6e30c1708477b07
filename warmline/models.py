"""The database tables, as typed SQLAlchemy models."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    LargeBinary,
    MetaData,
    String,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """An aware UTC datetime on every database, SQLite included."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        """Refuse naive times; store UTC."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: pass an aware time")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Give back aware UTC times."""
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """Base of all models; names constraints so migrations are stable."""

    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime()}


class Line(Base):
    """A public number people text or call, with its own policy and wording."""

    __tablename__ = "lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    timezone: Mapped[str] = mapped_column(String(64))
    region: Mapped[str] = mapped_column(String(2))
    crisis_numbers: Mapped[str] = mapped_column(String(300))
    hours_text: Mapped[str] = mapped_column(String(300))
    offer_timeout_s: Mapped[int] = mapped_column(default=120)
    escalate_timeout_s: Mapped[int] = mapped_column(default=300)
    fallback_timeout_s: Mapped[int] = mapped_column(default=600)
    idle_close_s: Mapped[int] = mapped_column(default=3600)
    max_active_per_volunteer: Mapped[int] = mapped_column(default=2)
    ring_strategy: Mapped[str] = mapped_column(String(12), default="simultaneous")
    ring_timeout_s: Mapped[int] = mapped_column(default=20)
    voice_fallback: Mapped[str] = mapped_column(String(40), default="voicemail")
    created_at: Mapped[datetime]


class Volunteer(Base):
    """A peer who answers from their own phone; their number is kept only encrypted."""

    __tablename__ = "volunteers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    phone_key: Mapped[str] = mapped_column(String(64), unique=True)
    phone_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    is_on: Mapped[bool] = mapped_column(default=True)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]


class Shift(Base):
    """A volunteer's time on a line, stored in UTC."""

    __tablename__ = "shifts"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("role IN ('primary', 'backup', 'coordinator')", name="known_role"),
        Index("ix_shifts_line_window", "line_id", "starts_at", "ends_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("lines.id", ondelete="CASCADE"))
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteers.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(12), default="primary")
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    created_at: Mapped[datetime]

    volunteer: Mapped[Volunteer] = relationship()


class Contact(Base):
    """A texter or caller on one line, known by contact key; the number is sealed and purged."""

    __tablename__ = "contacts"
    __table_args__ = (UniqueConstraint("line_id", "contact_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("lines.id", ondelete="CASCADE"))
    contact_key: Mapped[str] = mapped_column(String(64))
    number_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    opted_out_at: Mapped[datetime | None]
    created_at: Mapped[datetime]


class Conversation(Base):
    """One texter's conversation: waiting in the queue, active with a peer, or closed."""

    __tablename__ = "conversations"
    __table_args__ = (
        CheckConstraint("status IN ('waiting', 'active', 'closed')", name="known_status"),
        Index(
            "uq_conversations_open_ref",
            "line_id",
            "ref",
            unique=True,
            postgresql_where=text("status <> 'closed'"),
            sqlite_where=text("status <> 'closed'"),
        ),
        Index("ix_conversations_line_status", "line_id", "status"),
        Index("ix_conversations_volunteer_status", "volunteer_id", "status"),
        Index("ix_conversations_contact_status", "contact_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("lines.id", ondelete="CASCADE"))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="SET NULL"))
    ref: Mapped[str] = mapped_column(String(4))
    status: Mapped[str] = mapped_column(String(8), default="waiting")
    volunteer_id: Mapped[int | None] = mapped_column(ForeignKey("volunteers.id"))
    created_at: Mapped[datetime]
    waiting_since: Mapped[datetime]
    claimed_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    last_activity_at: Mapped[datetime]
    outcome: Mapped[str | None] = mapped_column(String(20))


class Offer(Base):
    """A volunteer was offered a waiting conversation."""

    __tablename__ = "offers"
    __table_args__ = (UniqueConstraint("conversation_id", "volunteer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteers.id", ondelete="CASCADE"))
    offered_at: Mapped[datetime]


class InboundMessage(Base):
    """A text Twilio delivered to us; sender and body stay sealed until processed, then wiped."""

    __tablename__ = "inbound_messages"
    __table_args__ = (
        Index("ix_inbound_pending", "processed_at", "received_at"),
        Index("ix_inbound_sender", "line_id", "sender_key", "id"),
        Index("ix_inbound_held", "conversation_id", "relayed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    message_sid: Mapped[str] = mapped_column(String(64), unique=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("lines.id", ondelete="CASCADE"))
    sender_key: Mapped[str] = mapped_column(String(64))
    sender_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    body_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    received_at: Mapped[datetime]
    enqueued_at: Mapped[datetime | None]
    processed_at: Mapped[datetime | None]
    conversation_id: Mapped[int | None] = mapped_column(
        ForeignKey("conversations.id", ondelete="SET NULL")
    )
    # A texter's words wait here, sealed, until a peer claims the conversation.
    relayed_at: Mapped[datetime | None]


class Outbox(Base):
    """One outbound text: sealed until sent, then wiped; its status only moves forward."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_due", "status", "due_at"),
        Index("ix_outbox_recipient", "recipient_key", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("lines.id", ondelete="CASCADE"))
    conversation_id: Mapped[int | None] = mapped_column(
        ForeignKey("conversations.id", ondelete="SET NULL")
    )
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="SET NULL"))
    volunteer_id: Mapped[int | None] = mapped_column(
        ForeignKey("volunteers.id", ondelete="SET NULL")
    )
    recipient_key: Mapped[str] = mapped_column(String(64))
    body_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(12), default="queued")
    attempts: Mapped[int] = mapped_column(default=0)
    due_at: Mapped[datetime]
    twilio_sid: Mapped[str | None] = mapped_column(String(64), unique=True)
    error_code: Mapped[int | None]
    interrupted: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
