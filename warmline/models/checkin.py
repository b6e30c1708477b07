"""Caring check-ins a texter asked for: each a row the sweeper sends once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, QueryableAttribute, mapped_column

from warmline.models.base import Base


class CheckIn(Base):
    """One short, kind text from the line, due at a time; sent once, or cancelled."""

    __tablename__ = "check_ins"
    __table_args__ = (
        Index(
            "ix_check_ins_pending_due",
            "due_at",
            postgresql_where=text("sent_at IS NULL AND cancelled_at IS NULL"),
            sqlite_where=text("sent_at IS NULL AND cancelled_at IS NULL"),
        ),
        Index("ix_check_ins_contact", "contact_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("lines.id", ondelete="CASCADE"))
    # Never a number: the contact row keeps it sealed while a check-in is still to come.
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    sequence: Mapped[int]
    due_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    outcome: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime]

    @classmethod
    def still_to_come(cls, contact_id: int | QueryableAttribute[int]) -> ColumnElement[bool]:
        """The condition "a check-in still to come" for a contact id (or a correlated column)."""
        return (cls.contact_id == contact_id) & cls.sent_at.is_(None) & cls.cancelled_at.is_(None)
