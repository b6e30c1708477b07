"""What the coordinator's Now page shows: people on shift, the queue and active conversations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from warmline.core.statuses import ConversationStatus
from warmline.models import Contact, Conversation, InboundMessage, Line, Offer, Timer, Volunteer
from warmline.ops.offering import peers_to_offer
from warmline.rota import service
from warmline.rota.availability import active_counts
from warmline.rota.rules.availability import ShiftWindow

LOOK_AHEAD = timedelta(hours=24)
RECENT = timedelta(hours=24)
ESCALATED = ("alerted", "no coordinator")
NEXT_SHOWN = 6
ROWS_SHOWN = 100


@dataclass(frozen=True)
class PersonNow:
    """Someone on a current shift, and whether they can take a conversation."""

    volunteer_id: int
    name: str
    role: str
    state: str  # available, busy, off, on_call
    active: int
    until: datetime


@dataclass(frozen=True)
class ShiftNext:
    """A shift starting later today or tomorrow."""

    name: str
    role: str
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True)
class OfferMade:
    """A peer a waiting conversation was offered to, and when."""

    name: str
    at: datetime


@dataclass(frozen=True)
class Peer:
    """A peer a coordinator may offer a conversation to right now."""

    volunteer_id: int
    name: str


@dataclass(frozen=True)
class Waiting:
    """A conversation in the queue, known only by its reference."""

    ref: str
    waiting_since: datetime
    crisis: bool
    offers: list[OfferMade]


@dataclass(frozen=True)
class OptedOut:
    """A text from a texter who opted out: stored, offered to nobody, since replies cannot go."""

    at: datetime


@dataclass(frozen=True)
class Active:
    """A conversation a peer has, known only by its reference."""

    ref: str
    volunteer: str
    claimed_at: datetime
    crisis: bool


@dataclass(frozen=True)
class Escalation:
    """Something today that asked for a coordinator: an unclaimed alert, ESCALATE, crisis words."""

    ref: str
    at: datetime
    outcome: str  # alerted, no coordinator, escalated (a peer's ESCALATE), crisis


@dataclass(frozen=True)
class LineNow:
    """One line as it is right now."""

    line_id: int
    name: str
    timezone: str
    capacity: int
    on_shift: list[PersonNow]
    next_up: list[ShiftNext]
    waiting: list[Waiting]
    waiting_total: int
    opted_out: list[OptedOut]
    active: list[Active]
    active_total: int
    escalations: list[Escalation]
    peers: list[Peer]


def lines(session: Session) -> list[Line]:
    """Every line, oldest first."""
    return list(session.scalars(select(Line).order_by(Line.id)))


def line_now(session: Session, line: Line, now: datetime) -> LineNow:
    """The line at `now`: who is on and next, the queue, and who is talking to whom."""
    windows = service.occurrences(session, line, now, now + LOOK_AHEAD)
    current = [w for w in windows if w.covers(now)]
    upcoming = [w for w in windows if w.starts_at > now][:NEXT_SHOWN]
    names = _names(session, {w.volunteer_id for w in windows})
    waiting, waiting_total = _waiting(session, line, now)
    active, active_total = _active(session, line)
    return LineNow(
        line_id=line.id,
        name=line.name,
        timezone=line.timezone,
        capacity=line.max_active_per_volunteer,
        on_shift=_on_shift(session, line, current, names),
        next_up=[
            ShiftNext(names[w.volunteer_id][0], w.role, w.starts_at, w.ends_at)
            for w in upcoming
            if w.volunteer_id in names
        ],
        waiting=waiting,
        waiting_total=waiting_total,
        opted_out=_opted_out(session, line, now),
        active=active,
        active_total=active_total,
        escalations=_escalations(session, line, now),
        peers=[Peer(v.id, v.name) for v in peers_to_offer(session, line, now)],
    )


def _names(session: Session, ids: set[int]) -> dict[int, tuple[str, bool, bool]]:
    """Name, active and ON for each volunteer id."""
    if not ids:
        return {}
    rows = session.execute(
        select(Volunteer.id, Volunteer.name, Volunteer.is_active, Volunteer.is_on).where(
            Volunteer.id.in_(ids)
        )
    )
    return {vid: (name, is_active, is_on) for vid, name, is_active, is_on in rows}


def _on_shift(
    session: Session,
    line: Line,
    current: list[ShiftWindow],
    names: dict[int, tuple[str, bool, bool]],
) -> list[PersonNow]:
    counts = active_counts(session, {w.volunteer_id for w in current})
    people: list[PersonNow] = []
    for w in current:
        if w.volunteer_id not in names:
            continue
        name, is_active, is_on = names[w.volunteer_id]
        if not is_active:
            continue
        active = counts.get(w.volunteer_id, 0)
        people.append(
            PersonNow(
                w.volunteer_id, name, w.role, _state(w.role, is_on, active, line), active, w.ends_at
            )
        )
    order = {"primary": 0, "backup": 1, "coordinator": 2}
    return sorted(people, key=lambda p: (order.get(p.role, 3), p.name.lower()))


def _state(role: str, is_on: bool, active: int, line: Line) -> str:
    """How a coordinator would describe someone on shift."""
    if role == "coordinator":
        return "on_call"
    if not is_on:
        return "off"
    return "busy" if active >= line.max_active_per_volunteer else "available"


def _waiting(session: Session, line: Line, now: datetime) -> tuple[list[Waiting], int]:
    where = (Conversation.line_id == line.id, Conversation.status == ConversationStatus.WAITING)
    total = int(session.scalar(select(func.count()).where(*where)) or 0)
    rows = session.execute(
        select(
            Conversation.id, Conversation.ref, Conversation.waiting_since, Conversation.crisis_at
        )
        .where(*where)
        # Crisis first, then the longest wait: the order a coordinator should look in.
        .order_by(Conversation.crisis_at.is_(None), Conversation.waiting_since)
        .limit(ROWS_SHOWN)
    ).all()
    offers = _offers(session, [row[0] for row in rows])
    return [
        Waiting(ref, since, crisis is not None, offers.get(cid, []))
        for cid, ref, since, crisis in rows
    ], total


def _offers(session: Session, conversation_ids: list[int]) -> dict[int, list[OfferMade]]:
    """Who each conversation was offered to and when, earliest first."""
    if not conversation_ids:
        return {}
    rows = session.execute(
        select(Offer.conversation_id, Volunteer.name, Offer.offered_at)
        .join(Volunteer, Volunteer.id == Offer.volunteer_id)
        .where(Offer.conversation_id.in_(conversation_ids))
        .order_by(Offer.offered_at, Volunteer.name)
    )
    made: dict[int, list[OfferMade]] = {}
    for cid, name, at in rows:
        made.setdefault(cid, []).append(OfferMade(name, at))
    return made


def _opted_out(session: Session, line: Line, now: datetime) -> list[OptedOut]:
    """Texts of the last day from texters who opted out then, and have not sent START since."""
    rows = session.scalars(
        select(InboundMessage.received_at)
        .join(
            Contact,
            (Contact.line_id == InboundMessage.line_id)
            & (Contact.contact_key == InboundMessage.sender_key),
        )
        .where(
            InboundMessage.line_id == line.id,
            InboundMessage.received_at >= now - RECENT,
            Contact.opted_out_at.is_not(None),
            InboundMessage.received_at > Contact.opted_out_at,
        )
        .order_by(InboundMessage.received_at.desc())
        .limit(ROWS_SHOWN)
    )
    return [OptedOut(at) for at in rows]


def _active(session: Session, line: Line) -> tuple[list[Active], int]:
    where = (Conversation.line_id == line.id, Conversation.status == ConversationStatus.ACTIVE)
    total = int(session.scalar(select(func.count()).where(*where)) or 0)
    rows = session.execute(
        select(
            Conversation.ref,
            Volunteer.name,
            Conversation.claimed_at,
            Conversation.created_at,
            Conversation.crisis_at,
        )
        .join(Volunteer, Volunteer.id == Conversation.volunteer_id)
        .where(*where)
        .order_by(Conversation.claimed_at)
        .limit(ROWS_SHOWN)
    )
    return [
        Active(ref, name, claimed or created, crisis is not None)
        for ref, name, claimed, created, crisis in rows
    ], total


def _escalations(session: Session, line: Line, now: datetime) -> list[Escalation]:
    """Alerts, peers' ESCALATEs and crisis flags of the last day, newest first."""
    found = _timer_alerts(session, line, now)
    for column, outcome in (
        (Conversation.escalated_at, "escalated"),
        (Conversation.crisis_at, "crisis"),
    ):
        rows = session.execute(
            select(Conversation.ref, column)
            .where(Conversation.line_id == line.id, column >= now - RECENT)
            .order_by(column.desc())
            .limit(ROWS_SHOWN)
        )
        found.extend(Escalation(ref, at, outcome) for ref, at in rows if at is not None)
    return sorted(found, key=lambda e: e.at, reverse=True)[:ROWS_SHOWN]


def _timer_alerts(session: Session, line: Line, now: datetime) -> list[Escalation]:
    """Escalation deadlines that fired in the last day, newest first."""
    rows = session.execute(
        select(Conversation.ref, Timer.done_at, Timer.outcome)
        .join(Conversation, Conversation.id == Timer.conversation_id)
        .where(
            Conversation.line_id == line.id,
            Timer.kind == "escalate",
            Timer.done_at >= now - RECENT,
            # Only deadlines that alerted someone: cancelled ones carry why (claimed, closed...).
            Timer.outcome.in_(ESCALATED),
        )
        .order_by(Timer.done_at.desc())
        .limit(ROWS_SHOWN)
    )
    return [Escalation(ref, at, outcome or "") for ref, at, outcome in rows if at is not None]
