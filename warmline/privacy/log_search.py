"""The consented contact log as coordinators read it: filtered, newest first, a page at a time."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Row, Select, and_, func, or_, select
from sqlalchemy.orm import Session

from warmline.lines.rules.settings import outcome_tags
from warmline.models import ContactLogEntry, Line, Volunteer

PAGE_SIZE = 50
EXPORT_BATCH = 500
CHANNELS = ("sms", "voice")
# How a conversation can end before (or without) a volunteer's outcome tag.
ENDINGS = ("done", "idle", "line_closed", "opted_out")


@dataclass(frozen=True)
class LogFilters:
    """What the coordinator narrowed the log to; dates are the line's calendar days, inclusive."""

    since: date | None = None
    until: date | None = None
    channel: str | None = None
    outcome: str | None = None
    crisis: bool | None = None
    volunteer_id: int | None = None


@dataclass(frozen=True)
class LogRow:
    """One consented contact: times, people and outcome; the contact only as a repeat count."""

    id: int
    started_at: datetime
    ended_at: datetime
    channel: str
    wait_s: int | None
    duration_s: int | None
    volunteer: str | None
    outcome: str | None
    crisis: bool
    consent_version: int
    repeat_count: int  # log rows of the same contact on this line, this one included
    repeat_tag: str  # a short hash of the contact key: rows of one person share it


def outcomes(line: Line) -> list[str]:
    """The outcomes a log row can carry on this line: its tags, then the plain endings."""
    tags = outcome_tags(line.outcome_tags)
    return [*tags, *(e for e in ENDINGS if e not in tags)]


def volunteers(session: Session) -> list[tuple[int, str]]:
    """Every volunteer by name, for the filter."""
    return [
        (vid, name)
        for vid, name in session.execute(
            select(Volunteer.id, Volunteer.name).order_by(Volunteer.name, Volunteer.id)
        )
    ]


def page(
    session: Session,
    line: Line,
    filters: LogFilters,
    before_id: int | None = None,
    size: int = PAGE_SIZE,
) -> tuple[list[LogRow], int | None]:
    """Up to `size` rows older than row `before_id`, and the id to ask for the next page with."""
    query = _query(line, filters)
    if before_id is not None:
        cursor = session.execute(
            select(ContactLogEntry.started_at, ContactLogEntry.id).where(
                ContactLogEntry.id == before_id, ContactLogEntry.line_id == line.id
            )
        ).one_or_none()
        if cursor is not None:
            query = query.where(_older_than(cursor[0], cursor[1]))
    found = session.execute(query.limit(size + 1)).all()
    rows = _rows(session, line, found[:size])
    return rows, (rows[-1].id if len(found) > size else None)


def every_row(session: Session, line: Line, filters: LogFilters) -> Iterator[LogRow]:
    """All matching rows, newest first, read in batches so a large export never sits in memory."""
    query = _query(line, filters)
    cursor: tuple[datetime, int] | None = None
    while True:
        batch_query = query if cursor is None else query.where(_older_than(*cursor))
        found = session.execute(batch_query.limit(EXPORT_BATCH)).all()
        yield from _rows(session, line, found)
        if len(found) < EXPORT_BATCH:
            return
        last: ContactLogEntry = found[-1][0]
        cursor = (last.started_at, last.id)


def repeat_tag(contact_key: str) -> str:
    """Four hex digits of a hash of the key: enough to see repeats, never the key itself."""
    return hashlib.sha256(("repeat-contact:" + contact_key).encode()).hexdigest()[:4]


def _query(line: Line, filters: LogFilters) -> Select[ContactLogEntry, str]:
    return (
        select(ContactLogEntry, Volunteer.name)
        .outerjoin(Volunteer, Volunteer.id == ContactLogEntry.volunteer_id)
        .where(*_conditions(line, filters))
        .order_by(ContactLogEntry.started_at.desc(), ContactLogEntry.id.desc())
    )


def _conditions(line: Line, filters: LogFilters) -> list[ColumnElement[bool]]:
    zone = ZoneInfo(line.timezone)
    where: list[ColumnElement[bool]] = [ContactLogEntry.line_id == line.id]
    if filters.since is not None:
        where.append(ContactLogEntry.started_at >= _midnight(filters.since, zone))
    if filters.until is not None:
        where.append(ContactLogEntry.started_at < _midnight(filters.until + timedelta(1), zone))
    if filters.channel is not None:
        where.append(ContactLogEntry.channel == filters.channel)
    if filters.outcome is not None:
        where.append(ContactLogEntry.outcome == filters.outcome)
    if filters.crisis is not None:
        where.append(ContactLogEntry.crisis.is_(filters.crisis))
    if filters.volunteer_id is not None:
        where.append(ContactLogEntry.volunteer_id == filters.volunteer_id)
    return where


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    """The start of a local day, in UTC (a zone's midnight can be skipped, never doubled)."""
    return datetime.combine(day, time(), zone).astimezone(ZoneInfo("UTC"))


def _older_than(started_at: datetime, row_id: int) -> ColumnElement[bool]:
    # The first condition alone can use the (line_id, started_at) index.
    return and_(
        ContactLogEntry.started_at <= started_at,
        or_(ContactLogEntry.started_at < started_at, ContactLogEntry.id < row_id),
    )


def _rows(session: Session, line: Line, found: Sequence[Row[ContactLogEntry, str]]) -> list[LogRow]:
    keys = {entry.contact_key for entry, _ in found}
    counts: dict[str, int] = {}
    if keys:
        counts = {
            key: int(n)
            for key, n in session.execute(
                select(ContactLogEntry.contact_key, func.count())
                .where(ContactLogEntry.line_id == line.id, ContactLogEntry.contact_key.in_(keys))
                .group_by(ContactLogEntry.contact_key)
            )
        }
    return [
        LogRow(
            id=entry.id,
            started_at=entry.started_at,
            ended_at=entry.ended_at,
            channel=entry.channel,
            wait_s=entry.first_response_wait_s,
            duration_s=entry.duration_s,
            volunteer=name,
            outcome=entry.outcome,
            crisis=entry.crisis,
            consent_version=entry.consent_version,
            repeat_count=counts.get(entry.contact_key, 1),
            repeat_tag=repeat_tag(entry.contact_key),
        )
        for entry, name in found
    ]
