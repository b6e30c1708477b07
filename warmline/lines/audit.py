"""The audit log: what coordinators did in the dashboard; names and settings, never content."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from warmline.models import AuditEntry, Coordinator

PAGE_SIZE = 50


def record(
    session: Session,
    coordinator: Coordinator | None,
    action: str,
    subject: str,
    now: datetime,
    line_id: int | None = None,
    actor: str | None = None,
) -> None:
    """Add an entry to the log; the caller commits it with the change it describes."""
    session.add(
        AuditEntry(
            coordinator_id=coordinator.id if coordinator else None,
            actor=coordinator.email if coordinator else (actor or "system"),
            action=action[:40],
            subject=subject[:200],
            line_id=line_id,
            at=now,
        )
    )


def page(session: Session, before_id: int | None = None, size: int = PAGE_SIZE) -> list[AuditEntry]:
    """Up to `size` entries, newest first, older than `before_id` when given."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(size)
    if before_id is not None:
        query = query.where(AuditEntry.id < before_id)
    return list(session.scalars(query))
