"""A volunteer's private calendar feed: their shifts, behind a revocable token."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from warmline.models import Line, ShiftOccurrence, Volunteer

PAST = timedelta(days=14)
AHEAD = timedelta(days=120)


def token_hash(token: str) -> str:
    """What we store: a hash, so a copy of the database opens no one's calendar."""
    return hashlib.sha256(token.encode()).hexdigest()


def issue(session: Session, volunteer: Volunteer) -> str:
    """A fresh feed token for the volunteer; any earlier one stops working."""
    token = secrets.token_urlsafe(24)
    volunteer.calendar_token = token_hash(token)
    session.commit()
    return token


def revoke(session: Session, volunteer: Volunteer) -> None:
    """Stop the volunteer's feed."""
    volunteer.calendar_token = None
    session.commit()


def feed(session: Session, token: str, now: datetime) -> bytes | None:
    """The iCalendar feed for a token, or None when it is unknown or revoked."""
    # Only the feed needs icalendar (8 MB): the command line and the worker never load it.
    from icalendar import Calendar, Event

    volunteer = session.scalar(
        select(Volunteer).where(Volunteer.calendar_token == token_hash(token), Volunteer.is_active)
    )
    if volunteer is None:
        return None
    # Imported here: few requests ask for a feed, and every web worker would carry it otherwise.

    calendar = Calendar()
    calendar.add("prodid", "-//Warmline//rota//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Warmline shifts")
    rows = session.execute(
        select(ShiftOccurrence, Line.name)
        .join(Line, Line.id == ShiftOccurrence.line_id)
        .where(
            ShiftOccurrence.volunteer_id == volunteer.id,
            ShiftOccurrence.starts_at > now - PAST,
            ShiftOccurrence.starts_at < now + AHEAD,
        )
        .order_by(ShiftOccurrence.starts_at)
    )
    for occurrence, line_name in rows:
        event = Event()
        event.add("uid", f"shift-{occurrence.id}@warmline")
        event.add("summary", f"{line_name}: {occurrence.role} shift")
        event.add("dtstart", occurrence.starts_at)
        event.add("dtend", occurrence.ends_at)
        event.add("dtstamp", now)
        calendar.add_component(event)
    return bytes(calendar.to_ical())
