"""The rota: shifts as entered, their concrete occurrences, open shifts, hours and closures."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from warmline.core.statuses import ShiftExceptionKind, ShiftRole
from warmline.models.base import Base, StatusText


class Shift(Base):
    """A shift as entered: local wall-clock times, once or weekly; the first occurrence in UTC."""

    __tablename__ = "shifts"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("role IN ('primary', 'backup', 'coordinator')", name="known_role"),
        Index("ix_shifts_line_window", "line_id", "starts_at", "ends_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("lines.id", ondelete="CASCADE"))
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteers.id", ondelete="CASCADE"))
    role: Mapped[ShiftRole] = mapped_column(StatusText(ShiftRole, 12), default=ShiftRole.PRIMARY)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    local_start: Mapped[datetime | None] = mapped_column(DateTime(timezone=False))
    local_end: Mapped[datetime | None] = mapped_column(DateTime(timezone=False))
    weekly: Mapped[bool] = mapped_column(default=False)
    repeat_until: Mapped[date | None]
    materialized_until: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    created_at: Mapped[datetime]


class ShiftException(Base):
    """One date of a weekly shift skipped, or handed to another volunteer."""

    __tablename__ = "shift_exceptions"
    __table_args__ = (
        UniqueConstraint("shift_id", "local_date"),
        CheckConstraint("kind IN ('skip', 'handover')", name="known_kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shift_id: Mapped[int] = mapped_column(ForeignKey("shifts.id", ondelete="CASCADE"))
    local_date: Mapped[date]
    kind: Mapped[ShiftExceptionKind] = mapped_column(StatusText(ShiftExceptionKind, 10))
    volunteer_id: Mapped[int | None] = mapped_column(
        ForeignKey("volunteers.id", ondelete="CASCADE")
    )
    created_at: Mapped[datetime]


class ShiftOccurrence(Base):
    """A concrete shift in UTC: what availability, reminders and coverage read."""

    __tablename__ = "shift_occurrences"
    __table_args__ = (
        UniqueConstraint("shift_id", "local_date"),
        Index("ix_shift_occurrences_line_start", "line_id", "starts_at"),
        Index("ix_shift_occurrences_volunteer_start", "volunteer_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shift_id: Mapped[int] = mapped_column(ForeignKey("shifts.id", ondelete="CASCADE"))
    line_id: Mapped[int] = mapped_column(ForeignKey("lines.id", ondelete="CASCADE"))
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteers.id", ondelete="CASCADE"))
    role: Mapped[ShiftRole] = mapped_column(StatusText(ShiftRole, 12))
    local_date: Mapped[date]
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    reminded_at: Mapped[datetime | None]


class OpenShift(Base):
    """A shift a coordinator posted, or a volunteer asked to swap; first `CLAIM <code>` wins."""

    __tablename__ = "open_shifts"
    __table_args__ = (
        Index(
            "uq_open_shifts_open_code",
            "line_id",
            "code",
            unique=True,
            postgresql_where=text("claimed_at IS NULL"),
            sqlite_where=text("claimed_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("lines.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(8))
    role: Mapped[ShiftRole] = mapped_column(StatusText(ShiftRole, 12), default=ShiftRole.PRIMARY)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    occurrence_id: Mapped[int | None] = mapped_column(
        ForeignKey("shift_occurrences.id", ondelete="CASCADE")
    )
    asked_by: Mapped[int | None] = mapped_column(ForeignKey("volunteers.id", ondelete="SET NULL"))
    claimed_by: Mapped[int | None] = mapped_column(ForeignKey("volunteers.id", ondelete="SET NULL"))
    claimed_at: Mapped[datetime | None]
    created_at: Mapped[datetime]


class LineHours(Base):
    """A weekly opening window in the line's zone (weekday 0 is Monday; minutes after midnight)."""

    __tablename__ = "line_hours"
    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday_range"),
        CheckConstraint("opens_minute BETWEEN 0 AND 1439", name="opens_range"),
        CheckConstraint("closes_minute BETWEEN 0 AND 1440", name="closes_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("lines.id", ondelete="CASCADE"), index=True)
    weekday: Mapped[int]
    opens_minute: Mapped[int]
    closes_minute: Mapped[int]


class Closure(Base):
    """A holiday or one-off closure, in UTC."""

    __tablename__ = "closures"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        Index("ix_closures_line_window", "line_id", "starts_at", "ends_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("lines.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    reason: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime]


class RotaNotice(Base):
    """A rota text already sent (a coverage-gap alert), so it is sent once."""

    __tablename__ = "rota_notices"
    __table_args__ = (UniqueConstraint("line_id", "kind", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("lines.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    key: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
