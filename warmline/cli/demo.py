"""A demo line with volunteers on shift, for trying the line out and for training."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

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


def keep_demo_on_shift(session: Session, keyring: Keyring, now: datetime) -> None:
    """Give each demo volunteer a shift covering the next day, if they have none left today."""
    line = find_line(session, DEMO_LINE)
    if line is None:
        return
    zone = service.zone_of(line)
    for person in DEMO_VOLUNTEERS:
        volunteer = get_volunteer(session, keyring, person.phone, line.region)
        current = session.scalar(
            select(ShiftOccurrence.id).where(
                ShiftOccurrence.line_id == line.id,
                ShiftOccurrence.volunteer_id == volunteer.id,
                ShiftOccurrence.starts_at <= now,
                ShiftOccurrence.ends_at > now + timedelta(hours=1),
            )
        )
        if current is None:
            start = (
                (now - timedelta(minutes=1))
                .astimezone(zone)
                .replace(tzinfo=None, second=0, microsecond=0)
            )
            new = service.NewShift(
                line, volunteer.id, person.role, start, start + timedelta(hours=23)
            )
            try:
                service.add_shift(session, new, now)
                session.commit()
            except InvalidInput:
                session.rollback()  # overlaps the shift ending soon: the next start adds it
