"""Writing and retiring a conversation's deadlines (the sweeper acts on them)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from warmline.conversations.rules import floods
from warmline.models import Conversation, Line, Timer

WAITING_STEPS = ("reoffer", "escalate", "fallback")
REOFFER = WAITING_STEPS[0]
IDLE = "idle_close"
GATHERED = "gathered"


def schedule_waiting(
    session: Session, line: Line, conversation: Conversation, now: datetime
) -> None:
    """Write the re-offer, escalation and fallback deadlines of a newly waiting conversation."""
    delays = (line.offer_timeout_s, line.escalate_timeout_s, line.fallback_timeout_s)
    for kind, delay in zip(WAITING_STEPS, delays, strict=True):
        session.add(
            Timer(
                conversation_id=conversation.id,
                kind=kind,
                due_at=now + timedelta(seconds=delay),
                created_at=now,
            )
        )


def schedule_reoffer(
    session: Session, line: Line, conversation: Conversation, now: datetime
) -> None:
    """Write the next re-offer of a waiting conversation, if it comes before the fallback."""
    due = now + timedelta(seconds=line.reoffer_every_s)
    if due < fallback_at(line, conversation):
        session.add(
            Timer(conversation_id=conversation.id, kind=REOFFER, due_at=due, created_at=now)
        )


def fallback_at(line: Line, conversation: Conversation) -> datetime:
    """When a waiting texter is told about the wait: offers stop then."""
    return conversation.waiting_since + timedelta(seconds=line.fallback_timeout_s)


def schedule_idle(session: Session, line: Line, conversation: Conversation, now: datetime) -> None:
    """Write the idle-close deadline of a conversation a peer has just taken."""
    session.add(
        Timer(
            conversation_id=conversation.id,
            kind=IDLE,
            due_at=now + timedelta(seconds=line.idle_close_s),
            created_at=now,
        )
    )


def schedule_gathered(session: Session, conversation: Conversation, now: datetime) -> None:
    """Write when a flood's gathered texts go to the peer, unless that is already written."""
    pending = session.scalar(
        select(Timer.id).where(
            Timer.conversation_id == conversation.id,
            Timer.kind == GATHERED,
            Timer.done_at.is_(None),
        )
    )
    if pending is None:
        session.add(
            Timer(
                conversation_id=conversation.id,
                kind=GATHERED,
                due_at=floods.gathered_due(now),
                created_at=now,
            )
        )


def cancel(session: Session, conversation_id: int, now: datetime, outcome: str) -> None:
    """Retire a conversation's pending deadlines (claimed, closed, passed)."""
    session.execute(
        update(Timer)
        .where(Timer.conversation_id == conversation_id, Timer.done_at.is_(None))
        .values(done_at=now, outcome=outcome)
    )
