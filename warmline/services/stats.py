"""The line's figures, aggregated in SQL: contacts per day, answer rate, waits, coverage."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Date, cast, extract, func, select
from sqlalchemy.orm import Session

from warmline.domain.rota import open_intervals
from warmline.models import Conversation, Line
from warmline.services import rota


@dataclass(frozen=True)
class DayFigures:
    """One local day: texts that came in, how many a peer answered, and the waits."""

    day: date
    contacts: int
    answered: int
    median_wait_s: float | None
    p90_wait_s: float | None


@dataclass(frozen=True)
class LineFigures:
    """A line over a period of whole local days, ending today."""

    days: list[DayFigures]
    contacts: int
    answered: int
    crisis: int
    median_wait_s: float | None
    p90_wait_s: float | None
    coverage: float | None  # share of open time with a primary on shift

    @property
    def answer_rate(self) -> float | None:
        """Answered over contacts, when there were any."""
        return self.answered / self.contacts if self.contacts else None


def figures(session: Session, line: Line, today: date, days: int, now: datetime) -> LineFigures:
    """The line's figures for the `days` local days up to `today`."""
    zone = ZoneInfo(line.timezone)
    first = today - timedelta(days=days - 1)
    start = datetime.combine(first, datetime.min.time(), zone)
    end = datetime.combine(today + timedelta(days=1), datetime.min.time(), zone)
    if session.get_bind().dialect.name == "postgresql":
        rows, totals = _postgresql(session, line, start, end)
    else:
        rows, totals = _portable(session, line, start, end, zone)
    by_day = {r.day: r for r in rows}
    filled = [
        by_day.get(
            first + timedelta(days=i), DayFigures(first + timedelta(days=i), 0, 0, None, None)
        )
        for i in range(days)
    ]
    contacts, answered, crisis, median, p90 = totals
    return LineFigures(
        filled,
        contacts,
        answered,
        crisis,
        median,
        p90,
        _coverage(session, line, start, min(end, now)),
    )


Totals = tuple[int, int, int, float | None, float | None]


def _postgresql(
    session: Session, line: Line, start: datetime, end: datetime
) -> tuple[list[DayFigures], Totals]:
    wait = extract("epoch", Conversation.claimed_at - Conversation.waiting_since)
    day = cast(func.timezone(line.timezone, Conversation.created_at), Date)
    where = (
        Conversation.line_id == line.id,
        Conversation.created_at >= start,
        Conversation.created_at < end,
    )
    median = func.percentile_cont(0.5).within_group(wait)
    p90 = func.percentile_cont(0.9).within_group(wait)
    rows = session.execute(
        select(day, func.count(), func.count(Conversation.claimed_at), median, p90)
        .where(*where)
        .group_by(day)
        .order_by(day)
    ).all()
    total = session.execute(
        select(
            func.count(),
            func.count(Conversation.claimed_at),
            func.count(Conversation.crisis_at),
            median,
            p90,
        ).where(*where)
    ).one()
    return (
        [DayFigures(d, int(n), int(a), _f(m), _f(p)) for d, n, a, m, p in rows],
        (int(total[0]), int(total[1]), int(total[2]), _f(total[3]), _f(total[4])),
    )


def _portable(
    session: Session, line: Line, start: datetime, end: datetime, zone: ZoneInfo
) -> tuple[list[DayFigures], Totals]:
    """The same figures where the database has no percentiles (the embedded SQLite line)."""
    rows = session.execute(
        select(
            Conversation.created_at,
            Conversation.waiting_since,
            Conversation.claimed_at,
            Conversation.crisis_at,
        ).where(
            Conversation.line_id == line.id,
            Conversation.created_at >= start,
            Conversation.created_at < end,
        )
    ).all()
    days: dict[date, list[float | None]] = {}
    for created, since, claimed, _crisis in rows:
        waited = (claimed - since).total_seconds() if claimed is not None else None
        days.setdefault(created.astimezone(zone).date(), []).append(waited)
    figures = [
        DayFigures(
            d,
            len(w),
            sum(1 for x in w if x is not None),
            *_percentiles([x for x in w if x is not None]),
        )
        for d, w in sorted(days.items())
    ]
    waits = [x for w in days.values() for x in w if x is not None]
    crisis = sum(1 for r in rows if r[3] is not None)
    return figures, (len(rows), len(waits), crisis, *_percentiles(waits))


def _percentiles(values: list[float]) -> tuple[float | None, float | None]:
    """Median and 90th percentile, interpolated like PostgreSQL's percentile_cont."""
    if not values:
        return None, None
    ordered = sorted(values)
    return statistics.median(ordered), _cont(ordered, 0.9)


def _cont(ordered: list[float], fraction: float) -> float:
    position = fraction * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _coverage(session: Session, line: Line, start: datetime, end: datetime) -> float | None:
    """The share of the line's open time, up to now, that had a primary on shift."""
    if end <= start:
        return None
    hours = rota.opening_hours(session, line, start, end)
    opened = open_intervals(hours, start, end, ZoneInfo(line.timezone))
    open_s = sum((e - s).total_seconds() for s, e in opened)
    if open_s <= 0:
        return None
    gaps = rota.coverage_gaps(session, line, start, end - start)
    return max(0.0, 1 - sum((e - s).total_seconds() for s, e in gaps) / open_s)


def _f(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]
