"""Conversations, offers to volunteers, and inbound texts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from warmline.core.statuses import ConversationStatus
from warmline.models.base import Base, StatusText


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
        # The dashboard's statistics read a line's conversations by day.
        Index("ix_conversations_line_created", "line_id", "created_at"),
        # The Now page's escalations panel reads a line's recent crisis flags and ESCALATEs.
        Index("ix_conversations_line_crisis", "line_id", "crisis_at"),
        Index("ix_conversations_line_escalated", "line_id", "escalated_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("lines.id", ondelete="CASCADE"))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="SET NULL"))
    ref: Mapped[str] = mapped_column(String(4))
    status: Mapped[ConversationStatus] = mapped_column(
        StatusText(ConversationStatus, 8), default=ConversationStatus.WAITING
    )
    volunteer_id: Mapped[int | None] = mapped_column(ForeignKey("volunteers.id"))
    created_at: Mapped[datetime]
    waiting_since: Mapped[datetime]
    claimed_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    last_activity_at: Mapped[datetime]
    outcome: Mapped[str | None] = mapped_column(String(20))
    crisis_at: Mapped[datetime | None]
    channel: Mapped[str] = mapped_column(String(8), default="sms")
    outcome_tag: Mapped[str | None] = mapped_column(String(30))
    tag_asked_at: Mapped[datetime | None]
    # Matching: the topic named in the first text (never the words), the returning texter's
    # previous peer offered first, the end of that head start, and a peer they asked NEW to skip.
    topic: Mapped[str | None] = mapped_column(String(40))
    prefer_volunteer_id: Mapped[int | None] = mapped_column(
        ForeignKey("volunteers.id", ondelete="SET NULL")
    )
    head_start_until: Mapped[datetime | None]
    skip_volunteer_id: Mapped[int | None] = mapped_column(
        ForeignKey("volunteers.id", ondelete="SET NULL")
    )
    escalated_at: Mapped[datetime | None]
    # The texter wrote again soon after DONE and the conversation went back to its peer.
    reopened_at: Mapped[datetime | None]


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
