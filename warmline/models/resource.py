"""A line's resource library, and how often each resource was shared (never with whom)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from warmline.models.base import Base


class Resource(Base):
    """A vetted resource coordinators keep: a title, a short text, a link or number."""

    __tablename__ = "resources"
    __table_args__ = (Index("ix_resources_line", "line_id", "retired_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("lines.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(String(480))
    link: Mapped[str] = mapped_column(String(300), default="")
    # Comma-separated topic names, as in the line's topic list.
    topics: Mapped[str] = mapped_column(String(300), default="")
    language: Mapped[str] = mapped_column(String(8), default="en")
    created_at: Mapped[datetime]
    retired_at: Mapped[datetime | None]


class ResourceShare(Base):
    """How many times a resource was sent on a line's day: a count, never a texter."""

    __tablename__ = "resource_shares"
    __table_args__ = (UniqueConstraint("line_id", "day", "resource_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("lines.id", ondelete="CASCADE"))
    day: Mapped[date]
    resource_id: Mapped[int] = mapped_column(ForeignKey("resources.id", ondelete="CASCADE"))
    count: Mapped[int] = mapped_column(default=0)
