"""Coordinators who sign in to the dashboard, and the audit log of what they did there."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, false, true
from sqlalchemy.orm import Mapped, mapped_column

from warmline.models.base import Base


class Coordinator(Base):
    """A person who watches the line from the dashboard; the password is kept only as argon2id."""

    __tablename__ = "coordinators"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    # Bumped at sign-out, deactivation and a password change or reset, so every session signed
    # in before it stops working on the server, whatever cookie a browser still holds.
    session_epoch: Mapped[int] = mapped_column(default=0)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    password_changed_at: Mapped[datetime]
    # An administrator sees and manages every line and the coordinators; anyone else only the
    # lines in coordinator_lines (none: nothing).
    is_administrator: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Set when someone else chose the password (added or reset): it must be changed at sign-in.
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Alerts by e-mail (when the deployment has SMTP) unless the coordinator turned them off.
    email_alerts: Mapped[bool] = mapped_column(default=True, server_default=true())
    # The language of their alert e-mails: the last chosen in the dashboard's switch, else their
    # browser's at their first sign-in; None before either (e-mails are then in English).
    language: Mapped[str | None] = mapped_column(String(8))


class CoordinatorLine(Base):
    """A line a (non-administrator) coordinator may see and change."""

    __tablename__ = "coordinator_lines"

    coordinator_id: Mapped[int] = mapped_column(
        ForeignKey("coordinators.id", ondelete="CASCADE"), primary_key=True
    )
    line_id: Mapped[int] = mapped_column(
        ForeignKey("lines.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class EmailNotice(Base):
    """One alert e-mail to one coordinator: what happened (ids and counts, never words), and
    whether it has gone; unique per coordinator, kind and key, so an alert is mailed once."""

    __tablename__ = "email_notices"
    __table_args__ = (UniqueConstraint("coordinator_id", "kind", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("lines.id", ondelete="CASCADE"), index=True)
    coordinator_id: Mapped[int] = mapped_column(ForeignKey("coordinators.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    key: Mapped[str] = mapped_column(String(64))
    # JSON of the alert's fields (a reference, minutes, a count, a peer's first name).
    details: Mapped[str] = mapped_column(String(400), default="{}")
    created_at: Mapped[datetime]
    # When the sweeper next queues it; None once it has gone or was dropped.
    next_attempt_at: Mapped[datetime | None] = mapped_column(index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    sent_at: Mapped[datetime | None]
    # Why the last try failed (an exception's class and the server's code), or why it was dropped.
    last_error: Mapped[str | None] = mapped_column(String(200))


class AuditEntry(Base):
    """One thing a coordinator did: who, what, to what, when; never a number or message text."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_line_id", "line_id", "id"),
        # The audit page's filters: who, what, and a range of days.
        Index("ix_audit_log_action", "action", "id"),
        Index("ix_audit_log_actor", "actor", "id"),
        Index("ix_audit_log_at", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    coordinator_id: Mapped[int | None] = mapped_column(
        ForeignKey("coordinators.id", ondelete="SET NULL")
    )
    # The email is copied so the entry still says who after the account is gone.
    actor: Mapped[str] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(200))
    line_id: Mapped[int | None] = mapped_column(ForeignKey("lines.id", ondelete="SET NULL"))
    at: Mapped[datetime]
