"""The people the line knows: volunteers, and contacts known only by key."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    ForeignKey,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from warmline.models.base import Base


class Volunteer(Base):
    """A peer who answers from their own phone; their number is kept only encrypted."""

    __tablename__ = "volunteers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    phone_key: Mapped[str] = mapped_column(String(64), unique=True)
    phone_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    is_on: Mapped[bool] = mapped_column(default=True)
    is_active: Mapped[bool] = mapped_column(default=True)
    calendar_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    # Lived-experience topics they opted in to be matched on (comma-separated topic names).
    topics: Mapped[str] = mapped_column(Text, default="")
    # Agreed to be offered first to a returning texter they talked with; the name they chose.
    continuity: Mapped[bool] = mapped_column(default=False)
    shown_name: Mapped[str | None] = mapped_column(String(30))
    # PAUSE, and the cool-down after a hard conversation: no new offers until then.
    paused_until: Mapped[datetime | None]
    cooldown_until: Mapped[datetime | None]
    # Languages they can talk in, as language codes in their order of ease ("en,es").
    languages: Mapped[str] = mapped_column(String(40), default="en")


class Contact(Base):
    """A texter or caller on one line, known by contact key; the number is sealed and purged."""

    __tablename__ = "contacts"
    __table_args__ = (UniqueConstraint("line_id", "contact_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("lines.id", ondelete="CASCADE"))
    contact_key: Mapped[str] = mapped_column(String(64))
    number_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    opted_out_at: Mapped[datetime | None]
    # FORGET: everything else is gone; the sealed number waits only for the confirmation text.
    erase_requested_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    # The line asked whether they would like check-in texts; cleared by their answer.
    checkin_asked_at: Mapped[datetime | None]
    # The language they are texted in (read from their first text or chosen); None until known.
    language: Mapped[str | None] = mapped_column(String(8))


class BlockedNumber(Base):
    """A number a coordinator blocked on a line, by contact key: its texts reach nobody."""

    __tablename__ = "blocked_numbers"
    __table_args__ = (UniqueConstraint("line_id", "contact_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("lines.id", ondelete="CASCADE"))
    contact_key: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
