"""Durable escalation: timers written with the conversation, acted on once by any sweeper."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from warmline.conversations.lifecycle import claims, timers
from warmline.conversations.lifecycle.timers import IDLE
from warmline.conversations.offering import matching, offers
from warmline.core.crypto import Vault
from warmline.core.db import Database
from warmline.core.statuses import ConversationStatus
from warmline.mail import notices
from warmline.mail.rules.compose import UNCLAIMED
from warmline.messaging.outgoing import Turn
from warmline.models import Contact, Conversation, Line, Timer, Volunteer
from warmline.rota import service
from warmline.rota.availability import coordinators_on_call

log = logging.getLogger(__name__)


def due_ids(session: Session, now: datetime, limit: int = 200) -> list[int]:
    """Deadlines that have come."""
    return list(
        session.scalars(
            select(Timer.id)
            .where(Timer.done_at.is_(None), Timer.due_at <= now)
            .order_by(Timer.due_at, Timer.id)
            .limit(limit)
        )
    )


def run(db: Database, vault: Vault, timer_id: int, now: datetime) -> list[int]:
    """Act on one deadline exactly once, whichever sweeper gets it; returns outbox ids written."""
    with db.session() as session:
        timer = session.scalar(
            select(Timer)
            .where(Timer.id == timer_id, Timer.done_at.is_(None))
            .with_for_update(skip_locked=True)
        )
        if timer is None:
            return []  # done already, or another sweeper holds it right now
        conversation = session.scalar(
            select(Conversation).where(Conversation.id == timer.conversation_id).with_for_update()
        )
        assert conversation is not None  # timers cascade with their conversation
        line = session.get_one(Line, conversation.line_id)
        turn = Turn(session, vault, line, now)
        timer.outcome = _STEPS[timer.kind](turn, conversation, timer)
        timer.done_at = now
        session.commit()
        return turn.outbox_ids()


def _reoffer(turn: Turn, conversation: Conversation, timer: Timer) -> str:
    if conversation.status != ConversationStatus.WAITING:
        return "moot"
    if turn.now >= timers.fallback_at(turn.line, conversation):
        return "moot"  # the texter has been told; offers stop with the fallback
    everyone = offers.offer_again(turn, conversation)
    timers.schedule_reoffer(turn.session, turn.line, conversation, turn.now)
    return f"offered {len(everyone)}"


def _escalate(turn: Turn, conversation: Conversation, timer: Timer) -> str:
    if conversation.status != ConversationStatus.WAITING:
        return "moot"
    coordinators = coordinators_on_call(turn.session, turn.line, turn.now)
    minutes = max(1, int((turn.now - conversation.waiting_since).total_seconds() // 60))
    for coordinator in coordinators:
        turn.tell_volunteer(
            coordinator, "unclaimed_alert", conversation.id, ref=conversation.ref, minutes=minutes
        )
    notices.record(
        turn.session,
        turn.line,
        UNCLAIMED,
        f"timer:{timer.id}",
        turn.now,
        ref=conversation.ref,
        minutes=minutes,
    )
    return "alerted" if coordinators else "no coordinator"


def _fallback(turn: Turn, conversation: Conversation, timer: Timer) -> str:
    if conversation.status != ConversationStatus.WAITING or conversation.contact_id is None:
        return "moot"
    contact = turn.session.get_one(Contact, conversation.contact_id)
    # "Busy" only when it is so: with a peer available, the texter is still in line.
    key = (
        "still_in_line"
        if offers.available_to_offer(turn.session, turn.line, turn.now)
        else "everyone_busy"
    )
    turn.tell_contact(contact, key, conversation.id)
    return "told texter"


def _idle_close(turn: Turn, conversation: Conversation, timer: Timer) -> str:
    if conversation.status != ConversationStatus.ACTIVE or conversation.volunteer_id is None:
        return "moot"
    quiet_until = conversation.last_activity_at + timedelta(seconds=turn.line.idle_close_s)
    if quiet_until > turn.now:
        schedule_again = Timer(
            conversation_id=conversation.id, kind=IDLE, due_at=quiet_until, created_at=turn.now
        )
        turn.session.add(schedule_again)
        return "still talking"
    volunteer = turn.session.get_one(Volunteer, conversation.volunteer_id)
    claims.close(turn, volunteer, conversation, outcome="idle")
    return "closed"


def _widen(turn: Turn, conversation: Conversation, timer: Timer) -> str:
    return matching.widen(turn, conversation)


def _relay_gathered(turn: Turn, conversation: Conversation, timer: Timer) -> str:
    if conversation.status != ConversationStatus.ACTIVE or conversation.volunteer_id is None:
        return "moot"  # a claim relays held words; an ending relayed them already
    volunteer = turn.session.get_one(Volunteer, conversation.volunteer_id)
    return f"relayed {claims.relay_held(turn, conversation, volunteer, together=True)}"


_STEPS = {
    "reoffer": _reoffer,
    "escalate": _escalate,
    "fallback": _fallback,
    IDLE: _idle_close,
    matching.WIDEN: _widen,
    timers.GATHERED: _relay_gathered,
}


def close_waiting_after_hours(db: Database, vault: Vault, now: datetime) -> list[int]:
    """Conversations still waiting when their line closes get a kind message and are closed."""
    written: list[int] = []
    with db.session() as session:
        line_ids = session.scalars(
            select(Conversation.line_id)
            .where(Conversation.status == ConversationStatus.WAITING)
            .distinct()
        ).all()
    for line_id in line_ids:
        with db.session() as session:
            line = session.get_one(Line, line_id)
            if service.is_open(session, line, now):
                continue
            turn = Turn(session, vault, line, now)
            waiting = session.scalars(
                offers.waiting_queue(line_id).with_for_update(skip_locked=True)
            ).all()
            for conversation in waiting:
                claims.close_unanswered(turn, conversation, outcome="line_closed")
            session.commit()
            written.extend(turn.outbox_ids())
    return written
