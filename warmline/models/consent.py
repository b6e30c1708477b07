"""Consent, the minimal contact log and the anonymous counts that outlive everything else."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from warmline.models.base import Base


class ConsentWording(Base):
    """One version of a line's consent question, with the hash of its exact text."""

    __tablename__ = "consent_wordings"
    __table_args__ = (UniqueConstraint("line_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("lines.id", ondelete="CASCADE"))
    version: Mapped[int]
    # Versions count up per line across languages; each version is the question in one language.
    language: Mapped[str] = mapped_column(String(8), default="en")
    text: Mapped[str] = mapped_column(Text)
    text_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]


class ConsentRecord(Base):
    """A contact's answer to a wording version (yes, no) or a withdrawal, and when."""

    __tablename__ = "consent_records"
    __table_args__ = (Index("ix_consent_records_contact", "line_id", "contact_key", "recorded_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("lines.id", ondelete="CASCADE"))
    contact_key: Mapped[str] = mapped_column(String(64))
    version: Mapped[int]
    text_hash: Mapped[str] = mapped_column(String(64))
    answer: Mapped[str] = mapped_column(String(10))
    method: Mapped[str] = mapped_column(String(20))
    recorded_at: Mapped[datetime]


class ContactLogEntry(Base):
    """One consented conversation or call: times and outcome, never words or a number."""

    __tablename__ = "contact_log"
    __table_args__ = (
        Index("ix_contact_log_line_started", "line_id", "started_at"),
        Index("ix_contact_log_contact", "line_id", "contact_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("lines.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(8))
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime]
    first_response_wait_s: Mapped[int | None]
    duration_s: Mapped[int | None]
    volunteer_id: Mapped[int | None] = mapped_column(
        ForeignKey("volunteers.id", ondelete="SET NULL")
    )
    outcome: Mapped[str | None] = mapped_column(String(30))
    crisis: Mapped[bool] = mapped_column(default=False)
    consent_version: Mapped[int]
    contact_key: Mapped[str] = mapped_column(String(64))
    conversation_id: Mapped[int | None] = mapped_column(unique=True)


class ContactCount(Base):
    """Anonymous daily counts per line and channel: all that survives without consent."""

    __tablename__ = "contact_counts"
    __table_args__ = (UniqueConstraint("line_id", "day", "channel"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("lines.id", ondelete="CASCADE"))
    day: Mapped[date]
    channel: Mapped[str] = mapped_column(String(8))
    contacts: Mapped[int] = mapped_column(default=0)
    answered: Mapped[int] = mapped_column(default=0)
    crisis: Mapped[int] = mapped_column(default=0)
    # Check-in texts the line sent that day.
    check_ins: Mapped[int] = mapped_column(default=0)
    # Texts texters sent the line that day (a conversation is often many).
    texts_received: Mapped[int] = mapped_column(default=0)


class CarrierRecord(Base):
    """A message or recording Twilio still holds, to be deleted there (by id; nothing else)."""

    __tablename__ = "carrier_records"
    __table_args__ = (
        UniqueConstraint("sid"),
        Index("ix_carrier_records_due", "deleted_at", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sid: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(10))
    due_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(default=0)
    deleted_at: Mapped[datetime | None]
