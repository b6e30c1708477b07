"""A month's hours on shift and conversations taken, per volunteer, as funders ask for them."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from warmline.lines import audit
from warmline.lines.rules.spreadsheet import inert
from warmline.models import Conversation, Coordinator, Line, Volunteer
from warmline.rota.rules.months import InvalidMonth, month_window, time_inside
from warmline.rota.service import occurrences

COLUMNS = ("month", "volunteer", "hours_on_shift", "conversations_taken")


@dataclass(frozen=True)
class VolunteerMonth:
    """One volunteer's month on a line: counts only, nothing about any texter."""

    volunteer_id: int
    name: str
    hours: float
    conversations: int


def month_report(session: Session, line: Line, month: str, now: datetime) -> list[VolunteerMonth]:
    """Hours on the line's rota (up to now) and conversations taken in `month`, by name."""
    try:
        start, end = month_window(month, ZoneInfo(line.timezone))
    except InvalidMonth as exc:
        raise exc.at("month") from None
    end = min(end, max(now, start))  # shifts still to come are not hours given
    worked: dict[int, timedelta] = {}
    for shift in occurrences(session, line, start, end):
        inside = time_inside(shift.starts_at, shift.ends_at, start, end)
        worked[shift.volunteer_id] = worked.get(shift.volunteer_id, timedelta(0)) + inside
    taken: dict[int | None, int] = {
        vid: count
        for vid, count in session.execute(
            select(Conversation.volunteer_id, func.count())
            .where(
                Conversation.line_id == line.id,
                Conversation.volunteer_id.is_not(None),
                Conversation.claimed_at >= start,
                Conversation.claimed_at < end,
            )
            .group_by(Conversation.volunteer_id)
        )
    }
    ids = {v for v, spent in worked.items() if spent} | {v for v in taken if v is not None}
    names = {
        vid: name
        for vid, name in session.execute(
            select(Volunteer.id, Volunteer.name).where(Volunteer.id.in_(ids))
        )
    }
    rows = [
        VolunteerMonth(
            vid,
            names[vid],
            round(worked.get(vid, timedelta(0)).total_seconds() / 3600, 2),
            taken.get(vid, 0),
        )
        for vid in ids
    ]
    return sorted(rows, key=lambda r: (r.name.casefold(), r.volunteer_id))


def month_csv(
    session: Session, line: Line, month: str, actor: Coordinator | None, now: datetime
) -> str:
    """The month's report as CSV, every cell inert in a spreadsheet; the download is audited."""
    rows = month_report(session, line, month, now)
    audit.record(session, actor, "exported hours report", f"{month.strip()}", now, line.id)
    session.commit()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([inert(month), inert(row.name), f"{row.hours:.2f}", str(row.conversations)])
    return out.getvalue()
