"""The audit log: what coordinators did in the dashboard; names and settings, never content."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select
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


def page(
    session: Session,
    before_id: int | None = None,
    size: int = PAGE_SIZE,
    viewer: Coordinator | None = None,
    line_ids: set[int] | None = None,
) -> list[AuditEntry]:
    """Up to `size` entries, newest first, older than `before_id` when given.

    With `line_ids` (a coordinator of some lines): only those lines' entries and the viewer's own.
    """
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(size)
    if line_ids is not None:
        own = AuditEntry.coordinator_id == (viewer.id if viewer is not None else -1)
        query = query.where(or_(AuditEntry.line_id.in_(line_ids), own))
    if before_id is not None:
        query = query.where(AuditEntry.id < before_id)
    return list(session.scalars(query))
