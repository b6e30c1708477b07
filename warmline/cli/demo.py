"""A demo line with volunteers on shift, for trying the line out and for training."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from warmline.conversations.support import resources
from warmline.core.crypto import Keyring, Vault
from warmline.core.errors import InvalidInput
from warmline.lines import coordinators
from warmline.lines.lines import add_line, find_line
from warmline.lines.volunteers import add_volunteer, get_volunteer
from warmline.models import Coordinator, Line, ShiftOccurrence
from warmline.rota import service

DEMO_LINE = "+15550001111"
DEMO_COORDINATOR = "demo@example.org"
DEMO_TEXTERS = {"texter": "+15550009001", "texter2": "+15550009002"}


@dataclass(frozen=True)
class DemoVolunteer:
    """A demo volunteer and the role of their shift."""

    name: str
    phone: str
    role: str


DEMO_VOLUNTEERS = (
    DemoVolunteer("Sam", "+15550002222", "primary"),
    DemoVolunteer("Alex", "+15550003333", "primary"),
    DemoVolunteer("Riley", "+15550004444", "coordinator"),
)


def seed_if_empty(session: Session, keyring: Keyring, vault: Vault, now: datetime) -> bool:
    """Create the demo line when there is no line at all; True if it did."""
    if session.scalar(select(Line.id).limit(1)) is not None:
        return False
    add_line(
        session, number_raw=DEMO_LINE, name="Demo Warmline", timezone="America/New_York", now=now
    )
    for person in DEMO_VOLUNTEERS:
        add_volunteer(session, keyring, vault, name=person.name, phone_raw=person.phone, now=now)
    line = find_line(session, DEMO_LINE)
    assert line is not None
    seed_resources(session, line, now)
    keep_demo_on_shift(session, keyring, now)
    return True


def seed_coordinator_if_none(session: Session, now: datetime) -> str | None:
    """Make the demo administrator when nobody can sign in yet; its new password, else None."""
    if session.scalar(select(Coordinator.id).limit(1)) is not None:
        return None
    # Made for this instance, so no two demos share a password that works on the other.
    password = secrets.token_urlsafe(12)
    coordinators.add(session, DEMO_COORDINATOR, password, now)
    session.commit()
    return password


# The demo rota: four-hour shifts from midnight, line's time. Sam and Alex take turns; Riley is
# the on-call coordinator throughout. Nobody covers midnight to 04:00 (as on many small lines),
# so the demo's first coverage-gap alert is about a real gap.
BLOCK = timedelta(hours=4)
PLANNED_AHEAD = timedelta(days=3)
UNCOVERED_BLOCK = 0  # the block that starts at 00:00
TAKING_TURNS = ("Sam", "Alex")
ON_CALL = "Riley"
# Whoever is on shift right now stays at least this long, so a demo never starts at a handover.
AT_LEAST = timedelta(hours=1)


@dataclass(frozen=True)
class DemoShift:
    """One shift of the demo rota, in the line's local time."""

    person: DemoVolunteer
    start: datetime
    end: datetime


def demo_rota(local_now: datetime) -> list[DemoShift]:
    """The demo's shifts from now to three days ahead (naive local times)."""
    people = {p.name: p for p in DEMO_VOLUNTEERS}
    day = local_now.replace(hour=0, minute=0, second=0, microsecond=0)
    current = day + BLOCK * ((local_now - day) // BLOCK)
    # Both peers are on now, so the demo can be tried at once, whatever the hour.
    now_until = current + BLOCK if current + BLOCK - local_now >= AT_LEAST else current + 2 * BLOCK
    now_from = local_now.replace(second=0, microsecond=0) - timedelta(minutes=1)
    planned = [DemoShift(people[name], now_from, now_until) for name in (*TAKING_TURNS, ON_CALL)]
    start = now_until
    while start < local_now + PLANNED_AHEAD:
        end = start + BLOCK
        planned.append(DemoShift(people[ON_CALL], start, end))
        block = start.hour // 4
        if block != UNCOVERED_BLOCK:
            planned.append(DemoShift(people[TAKING_TURNS[block % 2]], start, end))
        start = end
    return planned


def keep_demo_on_shift(session: Session, keyring: Keyring, now: datetime) -> None:
    """Fill the demo rota from now to three days ahead, leaving alone shifts already there."""
    line = find_line(session, DEMO_LINE)
    if line is None:
        return
    zone = service.zone_of(line)
    local_now = now.astimezone(zone).replace(tzinfo=None)
    ids = {
        p.name: get_volunteer(session, keyring, p.phone, line.region).id for p in DEMO_VOLUNTEERS
    }
    for planned in demo_rota(local_now):
        volunteer_id = ids[planned.person.name]
        cursor = planned.start.replace(tzinfo=zone).astimezone(now.tzinfo)
        ends_at = planned.end.replace(tzinfo=zone).astimezone(now.tzinfo)
        # Shifts already there win: the planned one fills only the time they leave free.
        while cursor < ends_at:
            there = session.execute(
                select(ShiftOccurrence.starts_at, ShiftOccurrence.ends_at)
                .where(
                    ShiftOccurrence.line_id == line.id,
                    ShiftOccurrence.volunteer_id == volunteer_id,
                    ShiftOccurrence.starts_at < ends_at,
                    ShiftOccurrence.ends_at > cursor,
                )
                .order_by(ShiftOccurrence.starts_at)
                .limit(1)
            ).first()
            free_until = ends_at if there is None else max(cursor, there.starts_at)
            if free_until > cursor:
                _add(session, line, volunteer_id, planned.person.role, cursor, free_until, now)
            if there is None:
                break
            cursor = max(cursor, there.ends_at)


def _add(
    session: Session,
    line: Line,
    volunteer_id: int,
    role: str,
    starts_at: datetime,
    ends_at: datetime,
    now: datetime,
) -> None:
    zone = service.zone_of(line)
    local_start = starts_at.astimezone(zone).replace(tzinfo=None)
    local_end = ends_at.astimezone(zone).replace(tzinfo=None)
    try:
        service.add_shift(
            session, service.NewShift(line, volunteer_id, role, local_start, local_end), now
        )
        session.commit()
    except InvalidInput:
        session.rollback()  # over already, or in an hour the clocks skip: left out


# Example entries, so RES and the resource library have something to show; a real line keeps
# its own, vetted for its area.
DEMO_RESOURCES = (
    (
        "988 Suicide & Crisis Lifeline",
        "Call or text 988, any time, free and confidential (US). Example entry.",
        "https://988lifeline.org",
        "depression, anxiety",
    ),
    (
        "5-4-3-2-1 grounding",
        "Name 5 things you see, 4 you can touch, 3 you hear, 2 you smell, 1 you taste. "
        "Example entry.",
        "",
        "anxiety",
    ),
    (
        "Example County Food Bank",
        "Free groceries Mon-Sat 10:00-16:00, no questions asked. Example entry: a real line "
        "lists its own local services.",
        "https://example.org/food-bank",
        "",
    ),
    (
        "Grief support group (example)",
        "A free peer group meets Thursdays at 19:00 at the library. Example entry.",
        "",
        "grief, loneliness",
    ),
)


def seed_resources(session: Session, line: Line, now: datetime) -> None:
    """Give the demo line its example resources."""
    for title, text, link, topics in DEMO_RESOURCES:
        resources.add(
            session, line, title=title, text=text, link=link, topics=topics, language="en", now=now
        )
