"""The rota as the rest of the platform sees it: shift occurrences in a window, and opening hours."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from warmline.domain.availability import ShiftWindow
from warmline.models import Line, Shift


def occurrences(session: Session, line: Line, start: datetime, end: datetime) -> list[ShiftWindow]:
    """Every shift of the line overlapping [start, end), in UTC, ordered by start."""
    rows = session.scalars(
        select(Shift)
        .where(Shift.line_id == line.id, Shift.starts_at < end, Shift.ends_at > start)
        .order_by(Shift.starts_at, Shift.id)
    )
    return [ShiftWindow(s.volunteer_id, s.role, s.starts_at, s.ends_at) for s in rows]
