"""Care for carers and frequent texters: debriefs, cool-downs, breaks, shift caps, daily limits."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from warmline.messaging.outgoing import Turn
from warmline.models import Contact, Conversation, Volunteer
from warmline.rota.availability import (
    active_counts,
    coordinators_on_call,
    current_shifts,
    taken_this_shift,
)
from warmline.rota.rules import care as rules


def after_close(turn: Turn, volunteer: Volunteer, conversation: Conversation) -> None:
    """However a peer's conversation ended: a debrief and cool-down if it was hard; the shift cap."""
    if was_hard(conversation):
        debrief(turn, volunteer, conversation.ref)
    cap = turn.line.shift_cap
    if cap <= 0:
        return
    shifts = current_shifts(turn.session, turn.line, turn.now)
    taken = taken_this_shift(turn.session, turn.line, shifts, [volunteer.id]).get(volunteer.id, 0)
    if taken >= cap and not active_counts(turn.session, [volunteer.id]):
        turn.tell_volunteer(volunteer, "shift_cap_reached", count=taken)


def was_hard(conversation: Conversation) -> bool:
    """The conversation used crisis words or its peer escalated it."""
    return rules.was_hard(conversation.crisis_at, conversation.escalated_at)


def debrief(turn: Turn, volunteer: Volunteer, ref: str) -> None:
    """A gentle prompt for the peer, a cool-down, and a word to the on-call coordinator."""
    until = rules.cooldown_end(turn.now, turn.line.cooldown_min)
    if until is not None:
        volunteer.cooldown_until = until
        turn.tell_volunteer(volunteer, "debrief_cooldown", ref=ref, minutes=turn.line.cooldown_min)
    else:
        turn.tell_volunteer(volunteer, "debrief", ref=ref)
    for coordinator in coordinators_on_call(turn.session, turn.line, turn.now):
        if coordinator.id != volunteer.id:
            turn.tell_volunteer(coordinator, "carer_check_in", peer=volunteer.name, ref=ref)


def pause(turn: Turn, volunteer: Volunteer, requested: int | None) -> None:
    """PAUSE [minutes]: no new offers for a while, without leaving the shift."""
    minutes = rules.pause_minutes(requested)
    volunteer.paused_until = turn.now + timedelta(minutes=minutes)
    until = volunteer.paused_until.astimezone(ZoneInfo(turn.line.timezone)).strftime("%H:%M")
    turn.tell_volunteer(volunteer, "paused", minutes=minutes, until=until)


def back_on(volunteer: Volunteer) -> None:
    """ON ends a pause and a cool-down early: the peer says they are ready."""
    volunteer.paused_until = None
    volunteer.cooldown_until = None


def over_daily_limit(turn: Turn, contact: Contact, urgent: bool) -> bool:
    """The texter has started the line's daily limit of conversations today (never when urgent)."""
    limit = turn.line.daily_limit
    if limit <= 0 or urgent:
        return False
    since = rules.start_of_day(turn.now, ZoneInfo(turn.line.timezone))
    today = turn.session.scalar(
        select(func.count()).where(
            Conversation.contact_id == contact.id, Conversation.created_at >= since
        )
    )
    return rules.over_daily_limit(int(today or 0), limit, urgent)
