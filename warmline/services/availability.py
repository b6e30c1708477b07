"""Who on a line can be offered a conversation, or alerted, right now."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from warmline.domain.availability import ShiftWindow, VolunteerState, available_volunteers
from warmline.models import Call, Conversation, Line, Voicemail, Volunteer
from warmline.services import rota

_INSTANT = timedelta(microseconds=1)


def current_shifts(session: Session, line: Line, now: datetime) -> list[ShiftWindow]:
    """The line's shifts running at `now`."""
    return [w for w in rota.occurrences(session, line, now, now + _INSTANT) if w.covers(now)]


def active_counts(session: Session, volunteer_ids: Iterable[int]) -> dict[int, int]:
    """How many active conversations each volunteer has, on any line."""
    ids = list(volunteer_ids)
    if not ids:
        return {}
    rows = session.execute(
        select(Conversation.volunteer_id, func.count())
        .where(Conversation.status == "active", Conversation.volunteer_id.in_(ids))
        .group_by(Conversation.volunteer_id)
    )
    return {int(vid): int(n) for vid, n in rows if vid is not None}


def on_call_ids(session: Session, volunteer_ids: Iterable[int]) -> set[int]:
    """Volunteers busy on a call now: a bridged call, or a voicemail call-back in progress."""
    ids = list(volunteer_ids)
    if not ids:
        return set()
    calls = select(Call.volunteer_id).where(Call.status == "connected", Call.volunteer_id.in_(ids))
    callbacks = select(Voicemail.volunteer_id).where(
        Voicemail.status == "calling", Voicemail.volunteer_id.in_(ids)
    )
    return {int(v) for v in session.scalars(calls.union(callbacks)) if v is not None}


def available_now(
    session: Session,
    line: Line,
    now: datetime,
    exclude: Iterable[int] = (),
    roles: tuple[str, ...] = ("primary",),
) -> list[Volunteer]:
    """Volunteers on a current shift in `roles` who are ON and under the line's capacity."""
    shifts = current_shifts(session, line, now)
    ids = {s.volunteer_id for s in shifts if s.role in roles} - set(exclude)
    if not ids:
        return []
    volunteers = {v.id: v for v in session.scalars(select(Volunteer).where(Volunteer.id.in_(ids)))}
    counts = active_counts(session, ids)
    busy = on_call_ids(session, ids)
    states = [
        VolunteerState(v.id, v.is_active, v.is_on, counts.get(v.id, 0), on_call=v.id in busy)
        for v in volunteers.values()
    ]
    chosen = available_volunteers(states, shifts, now, line.max_active_per_volunteer, roles)
    return [volunteers[i] for i in chosen]


def coordinators_on_call(session: Session, line: Line, now: datetime) -> list[Volunteer]:
    """Active volunteers on a current coordinator shift of the line."""
    ids = {s.volunteer_id for s in current_shifts(session, line, now) if s.role == "coordinator"}
    if not ids:
        return []
    return list(
        session.scalars(
            select(Volunteer)
            .where(Volunteer.id.in_(ids), Volunteer.is_active)
            .order_by(Volunteer.id)
        )
    )
