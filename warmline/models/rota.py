"""Shifts on the rota."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from warmline.models.base import Base
from warmline.models.people import Volunteer


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
