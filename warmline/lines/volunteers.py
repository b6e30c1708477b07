"""Volunteers as coordinators manage them: the roster, adding, renaming, deactivating."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from warmline.conversations import claims
from warmline.core import phones
from warmline.core.crypto import Keyring, Vault
from warmline.core.jobqueue import JobQueue
from warmline.lines import admin, audit
from warmline.messaging import outbox
from warmline.messaging.outgoing import Turn
from warmline.models import Conversation, Coordinator, Line, Shift, Volunteer
from warmline.rota.availability import active_counts

MAX_NAME = 80
BAD_PHONE = (
    "This is not a phone number we can text. Write it with its area code, like (555) 010-4477, "
    "or with its country code, like +44 20 7946 0958."
)


class VolunteerError(ValueError):
    """Input about a volunteer we refuse; `field` names the form field it concerns."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class RosterRow:
    """A volunteer as the roster shows them: by name, never by number."""

    id: int
    name: str
    is_active: bool
    is_on: bool
    active_conversations: int


def roster(session: Session) -> list[RosterRow]:
    """Every volunteer, active ones first, by name."""
    people = list(
        session.scalars(
            select(Volunteer).order_by(Volunteer.is_active.desc(), Volunteer.name, Volunteer.id)
        )
    )
    counts = active_counts(session, [v.id for v in people])
    return [RosterRow(v.id, v.name, v.is_active, v.is_on, counts.get(v.id, 0)) for v in people]


def lines_served(session: Session) -> dict[int, set[int]]:
    """The lines each volunteer has a (not cancelled) shift on, by volunteer id."""
    served: dict[int, set[int]] = {}
    query = select(Shift.volunteer_id, Shift.line_id).where(Shift.cancelled_at.is_(None))
    for volunteer_id, line_id in session.execute(query):
        served.setdefault(volunteer_id, set()).add(line_id)
    return served


def add(
    session: Session,
    keyring: Keyring,
    vault: Vault,
    *,
    name: str,
    phone_raw: str,
    region: str,
    actor: Coordinator,
    now: datetime,
) -> Volunteer:
    """Register a volunteer; the phone is read in the line's region and kept only sealed."""
    clean_name = _name(name)
    try:
        e164 = phones.normalise(phone_raw, region)
    except phones.InvalidNumber:
        raise VolunteerError("phone", BAD_PHONE) from None
    try:
        volunteer = admin.add_volunteer(
            session, keyring, vault, name=clean_name, phone_raw=e164, now=now
        )
    except admin.InvalidInput:
        raise VolunteerError(
            "phone", "A volunteer with this phone number already exists."
        ) from None
    audit.record(session, actor, "added volunteer", volunteer.name, now)
    session.commit()
    return volunteer


def rename(
    session: Session, volunteer_id: int, name: str, actor: Coordinator, now: datetime
) -> Volunteer:
    """Change how a volunteer is called on the dashboard and in alerts."""
    volunteer = get(session, volunteer_id)
    old = volunteer.name
    volunteer.name = _name(name)
    audit.record(session, actor, "renamed volunteer", f"{old} → {volunteer.name}", now)
    session.commit()
    return volunteer


def deactivate(
    session: Session,
    vault: Vault,
    queue: JobQueue,
    volunteer_id: int,
    actor: Coordinator,
    now: datetime,
) -> int:
    """Stop offering to a volunteer; their active conversations go back to the queue. Returns how many."""
    volunteer = get(session, volunteer_id)
    volunteer.is_active = False
    session.flush()  # so the re-offers below already leave them out
    mine = list(
        session.scalars(
            select(Conversation)
            .where(Conversation.volunteer_id == volunteer.id, Conversation.status == "active")
            .order_by(Conversation.id)
            .with_for_update()
        )
    )
    written: list[int] = []
    turns = []
    for conversation in mine:
        turn = Turn(session, vault, session.get_one(Line, conversation.line_id), now)
        claims.pass_back(turn, volunteer, conversation)
        turns.append(turn)
    audit.record(session, actor, "deactivated volunteer", volunteer.name, now)
    session.commit()
    for turn in turns:
        written.extend(turn.outbox_ids())
    outbox.enqueue_all(queue, written)
    return len(mine)


def reactivate(session: Session, volunteer_id: int, actor: Coordinator, now: datetime) -> None:
    """Let a deactivated volunteer be offered conversations again."""
    volunteer = get(session, volunteer_id)
    volunteer.is_active = True
    audit.record(session, actor, "reactivated volunteer", volunteer.name, now)
    session.commit()


def get(session: Session, volunteer_id: int) -> Volunteer:
    """The volunteer with this id, or a clear error."""
    volunteer = session.get(Volunteer, volunteer_id)
    if volunteer is None:
        raise VolunteerError("volunteer", "There is no such volunteer.")
    return volunteer


def _name(raw: str) -> str:
    name = " ".join((raw or "").split())
    if not name:
        raise VolunteerError("name", "Enter the volunteer's name.")
    if len(name) > MAX_NAME:
        raise VolunteerError("name", f"Keep the name to {MAX_NAME} characters or fewer.")
    return name
