"""Who on a line can be offered a conversation, or alerted, right now."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from warmline.core.db import among
from warmline.core.statuses import CallStatus, ConversationStatus, VoicemailStatus
from warmline.models import Call, Conversation, Line, Voicemail, Volunteer
from warmline.rota import service
from warmline.rota.rules.availability import ShiftWindow, VolunteerState, available_volunteers
from warmline.rota.rules.care import resting

_INSTANT = timedelta(microseconds=1)


def current_shifts(session: Session, line: Line, now: datetime) -> list[ShiftWindow]:
    """The line's shifts running at `now`."""
    return [w for w in service.occurrences(session, line, now, now + _INSTANT) if w.covers(now)]


def active_counts(session: Session, volunteer_ids: Iterable[int]) -> dict[int, int]:
    """How many active conversations each volunteer has, on any line."""
    ids = list(volunteer_ids)
    if not ids:
        return {}
    rows = session.execute(
        select(Conversation.volunteer_id, func.count())
        .where(
            Conversation.status == ConversationStatus.ACTIVE,
            among(session, Conversation.volunteer_id, ids),
        )
        .group_by(Conversation.volunteer_id)
    )
    return {int(vid): int(n) for vid, n in rows if vid is not None}


def on_call_ids(session: Session, volunteer_ids: Iterable[int]) -> set[int]:
    """Volunteers busy on a call now: a bridged call, or a voicemail call-back in progress."""
    ids = list(volunteer_ids)
    if not ids:
        return set()
    calls = select(Call.volunteer_id).where(
        Call.status == CallStatus.CONNECTED, among(session, Call.volunteer_id, ids)
    )
    callbacks = select(Voicemail.volunteer_id).where(
        Voicemail.status == VoicemailStatus.CALLING, among(session, Voicemail.volunteer_id, ids)
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
    chosen_from = select(Volunteer).where(among(session, Volunteer.id, ids))
    volunteers = {v.id: v for v in session.scalars(chosen_from)}
    counts = active_counts(session, ids)
    busy = on_call_ids(session, ids)
    taken = taken_this_shift(session, line, shifts, ids) if line.shift_cap > 0 else {}
    states = [
        VolunteerState(
            v.id,
            v.is_active,
            v.is_on,
            counts.get(v.id, 0),
            on_call=v.id in busy,
            resting_until=_resting_until(v, now),
            shift_conversations=taken.get(v.id, 0),
        )
        for v in volunteers.values()
    ]
    chosen = available_volunteers(
        states, shifts, now, line.max_active_per_volunteer, roles, shift_cap=line.shift_cap
    )
    return [volunteers[i] for i in chosen]


def _resting_until(volunteer: Volunteer, now: datetime) -> datetime | None:
    """The end of the volunteer's pause or cool-down, if either is running."""
    if not resting(volunteer.paused_until, volunteer.cooldown_until, now):
        return None
    return max(t for t in (volunteer.paused_until, volunteer.cooldown_until) if t is not None)


def taken_this_shift(
    session: Session, line: Line, shifts: list[ShiftWindow], volunteer_ids: Iterable[int]
) -> dict[int, int]:
    """How many conversations each volunteer has taken on the line since their shift began."""
    wanted = set(volunteer_ids)
    starts: dict[int, datetime] = {}
    for window in shifts:
        if window.volunteer_id in wanted:
            starts[window.volunteer_id] = min(
                window.starts_at, starts.get(window.volunteer_id, window.starts_at)
            )
    if not starts:
        return {}
    rows = session.execute(
        select(Conversation.volunteer_id, Conversation.claimed_at).where(
            Conversation.line_id == line.id,
            among(session, Conversation.volunteer_id, list(starts)),
            Conversation.claimed_at >= min(starts.values()),
        )
    )
    taken: dict[int, int] = {}
    for vid, claimed_at in rows:
        if vid is not None and claimed_at is not None and claimed_at >= starts[vid]:
            taken[vid] = taken.get(vid, 0) + 1
    return taken


def coordinators_on_call(session: Session, line: Line, now: datetime) -> list[Volunteer]:
    """Active volunteers on a current coordinator shift of the line."""
    ids = {s.volunteer_id for s in current_shifts(session, line, now) if s.role == "coordinator"}
    if not ids:
        return []
    return list(
        session.scalars(
            select(Volunteer)
            .where(among(session, Volunteer.id, ids), Volunteer.is_active)
            .order_by(Volunteer.id)
        )
    )
