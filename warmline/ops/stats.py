"""The line's figures, aggregated in SQL: contacts per day by channel, answer rate, waits, coverage."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Date, cast, func, select
from sqlalchemy.orm import Session

from warmline.models import ContactCount, ContactLogEntry, Line
from warmline.rota import service
from warmline.rota.rules.shifts import open_intervals


@dataclass(frozen=True)
class DayFigures:
    """One local day: contacts by channel, how many a peer answered, and the logged waits."""

    day: date
    texts: int
    calls: int
    answered: int
    median_wait_s: float | None
    p90_wait_s: float | None
    texts_received: int = 0

    @property
    def contacts(self) -> int:
        """Texts and calls together."""
        return self.texts + self.calls


@dataclass(frozen=True)
class LineFigures:
    """A line over a period of whole local days, ending today."""

    days: list[DayFigures]
    texts: int
    calls: int
    answered: int
    crisis: int
    median_wait_s: float | None
    p90_wait_s: float | None
    waits_logged: int  # consented contacts with a wait: the sample the wait figures come from
    coverage: float | None  # share of open time with a primary on shift
    texts_received: int = 0  # every text texters sent; `texts` counts conversations

    @property
    def contacts(self) -> int:
        """Texts and calls together."""
        return self.texts + self.calls

    @property
    def answer_rate(self) -> float | None:
        """Answered over contacts, when there were any."""
        return self.answered / self.contacts if self.contacts else None


def figures(session: Session, line: Line, today: date, days: int, now: datetime) -> LineFigures:
    """The line's figures for the `days` local days up to `today`.

    Counts come from the anonymous daily counts, which outlive the conversations (purged a day
    after they close); waits come from the consented contact log, the only place they are kept.
    """
    zone = ZoneInfo(line.timezone)
    first = today - timedelta(days=days - 1)
    start = datetime.combine(first, datetime.min.time(), zone)
    end = datetime.combine(today + timedelta(days=1), datetime.min.time(), zone)
    counts = _counts(session, line, first, today)
    if session.get_bind().dialect.name == "postgresql":
        waits, total_waits = _waits_postgresql(session, line, start, end)
    else:
        waits, total_waits = _waits_portable(session, line, start, end, zone)
    filled = []
    for i in range(days):
        day = first + timedelta(days=i)
        texts, calls, answered, _crisis, received = counts.get(day, (0, 0, 0, 0, 0))
        median, p90, _n = waits.get(day, (None, None, 0))
        filled.append(DayFigures(day, texts, calls, answered, median, p90, received))
    return LineFigures(
        filled,
        texts=sum(c[0] for c in counts.values()),
        calls=sum(c[1] for c in counts.values()),
        answered=sum(c[2] for c in counts.values()),
        crisis=sum(c[3] for c in counts.values()),
        median_wait_s=total_waits[0],
        p90_wait_s=total_waits[1],
        waits_logged=total_waits[2],
        coverage=_coverage(session, line, start, min(end, now)),
        texts_received=sum(c[4] for c in counts.values()),
    )


Counts = dict[date, tuple[int, int, int, int, int]]  # texts, calls, answered, crisis, received
Waits = tuple[float | None, float | None, int]  # median, 90th percentile, how many


def _counts(session: Session, line: Line, first: date, last: date) -> Counts:
    """The anonymous counts per local day (they are kept by the line's calendar day)."""
    rows = session.execute(
        select(
            ContactCount.day,
            ContactCount.channel,
            func.sum(ContactCount.contacts),
            func.sum(ContactCount.answered),
            func.sum(ContactCount.crisis),
            func.sum(ContactCount.texts_received),
        )
        .where(ContactCount.line_id == line.id, ContactCount.day.between(first, last))
        .group_by(ContactCount.day, ContactCount.channel)
    ).all()
    out: Counts = {}
    for day, channel, contacts, answered, crisis, received in rows:
        texts, calls, answered_before, crisis_before, received_before = out.get(
            day, (0, 0, 0, 0, 0)
        )
        if channel == "voice":
            calls += int(contacts or 0)
        else:
            texts += int(contacts or 0)
        out[day] = (
            texts,
            calls,
            answered_before + int(answered or 0),
            crisis_before + int(crisis or 0),
            received_before + int(received or 0),
        )
    return out


def _waits_postgresql(
    session: Session, line: Line, start: datetime, end: datetime
) -> tuple[dict[date, Waits], Waits]:
    wait = ContactLogEntry.first_response_wait_s
    day = cast(func.timezone(line.timezone, ContactLogEntry.started_at), Date)
    where = (
        ContactLogEntry.line_id == line.id,
        ContactLogEntry.started_at >= start,
        ContactLogEntry.started_at < end,
        wait.is_not(None),
    )
    median = func.percentile_cont(0.5).within_group(wait)
    p90 = func.percentile_cont(0.9).within_group(wait)
    rows = session.execute(select(day, median, p90, func.count()).where(*where).group_by(day)).all()
    total = session.execute(select(median, p90, func.count()).where(*where)).one()
    return (
        {d: (_f(m), _f(p), int(n)) for d, m, p, n in rows},
        (_f(total[0]), _f(total[1]), int(total[2])),
    )


def _waits_portable(
    session: Session, line: Line, start: datetime, end: datetime, zone: ZoneInfo
) -> tuple[dict[date, Waits], Waits]:
    """The same where the database has no percentiles (the embedded SQLite line)."""
    rows = session.execute(
        select(ContactLogEntry.started_at, ContactLogEntry.first_response_wait_s).where(
            ContactLogEntry.line_id == line.id,
            ContactLogEntry.started_at >= start,
            ContactLogEntry.started_at < end,
            ContactLogEntry.first_response_wait_s.is_not(None),
        )
    ).all()
    days: dict[date, list[float]] = {}
    for started, waited in rows:
        days.setdefault(started.astimezone(zone).date(), []).append(float(waited or 0))
    every = [w for ws in days.values() for w in ws]
    return (
        {d: (*_percentiles(ws), len(ws)) for d, ws in days.items()},
        (*_percentiles(every), len(every)),
    )


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
    # Before the line existed nobody could be on its rota, and shifts cannot be added in the
    # past: counting those days as uncovered open time made a new line read 0%.
    start = max(start, line.created_at)
    if end <= start:
        return None
    hours = service.opening_hours(session, line, start, end)
    opened = open_intervals(hours, start, end, ZoneInfo(line.timezone))
    open_s = sum((e - s).total_seconds() for s, e in opened)
    if open_s <= 0:
        return None
    gaps = service.coverage_gaps(session, line, start, end - start)
    return max(0.0, 1 - sum((e - s).total_seconds() for s, e in gaps) / open_s)


def _f(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]
