"""The audit log: what coordinators did in the dashboard; names and settings, never content."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select, text
from sqlalchemy.orm import Session

from warmline.lines.rules.audit import AuditFilter
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
) -> AuditEntry:
    """Add an entry to the log; the caller commits it with the change it describes."""
    entry = AuditEntry(
        coordinator_id=coordinator.id if coordinator else None,
        actor=coordinator.email if coordinator else (actor or "system"),
        action=action[:40],
        subject=subject[:200],
        line_id=line_id,
        at=now,
    )
    session.add(entry)
    return entry


def page(
    session: Session,
    before_id: int | None = None,
    size: int = PAGE_SIZE,
    viewer: Coordinator | None = None,
    line_ids: set[int] | None = None,
    narrowed: AuditFilter | None = None,
    zone: str = "UTC",
) -> list[AuditEntry]:
    """Up to `size` entries, newest first, older than `before_id` when given.

    With `line_ids` (a coordinator of some lines): only those lines' entries and the viewer's own.
    With `narrowed`: only that person's entries (by email, or "sign-in form", "cli"), that
    action, between those days in `zone` (the lines' zone, as the page shows the times).
    """
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(size)
    if line_ids is not None:
        own = AuditEntry.coordinator_id == (viewer.id if viewer is not None else -1)
        query = query.where(or_(AuditEntry.line_id.in_(line_ids), own))
    if before_id is not None:
        query = query.where(AuditEntry.id < before_id)
    if narrowed is not None:
        if narrowed.who:
            query = query.where(AuditEntry.actor == narrowed.who.lower())
        if narrowed.action:
            query = query.where(AuditEntry.action == narrowed.action)
        if narrowed.first_day is not None:
            query = query.where(AuditEntry.at >= _midnight(narrowed.first_day, zone))
        if narrowed.last_day is not None:
            query = query.where(
                AuditEntry.at < _midnight(narrowed.last_day + timedelta(days=1), zone)
            )
    return list(session.scalars(query))


def _midnight(day: date, zone: str) -> datetime:
    return datetime.combine(day, time.min, ZoneInfo(zone)).astimezone(UTC)


# Each step reads one index entry: the next action after the last (the index on action, id), so
# listing a handful of actions costs the same over a hundred rows or a million.
_ACTIONS = text(
    """
    WITH RECURSIVE found(action) AS (
        SELECT min(action) FROM audit_log
        UNION ALL
        SELECT (SELECT min(action) FROM audit_log WHERE action > found.action)
        FROM found WHERE found.action IS NOT NULL
    )
    SELECT action FROM found WHERE action IS NOT NULL
    """
)


def actions(session: Session) -> list[str]:
    """Every kind of entry in the log, in alphabetical order (the audit page's "what" choices)."""
    return [str(a) for a in session.scalars(_ACTIONS)]
