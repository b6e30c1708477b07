"""Telling the on-call coordinator, once per incident, when texts keep failing or the queue stalls.

An incident starts when its condition first holds and ends when the condition is wholly clear
(no failures in the window, nothing stuck). Both are RotaNotice rows (unique per line, kind and
key), so any number of sweepers alert once; the key is the oldest row involved, which every
sweeper sees alike.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session

from warmline.core.crypto import Vault
from warmline.core.db import Database
from warmline.core.statuses import ConversationStatus, OutboxStatus
from warmline.mail import notices
from warmline.messaging.outgoing import Turn
from warmline.models import Conversation, Line, Outbox, RotaNotice, Timer
from warmline.ops.line_health import FAILED
from warmline.rota.availability import coordinators_on_call
from warmline.rota.texts import _first_notice

log = logging.getLogger(__name__)

FAILURE_WINDOW = timedelta(minutes=10)
FAILURES_TO_ALERT = 5
STALL_AFTER = timedelta(minutes=5)
# A person who texted STOP cannot be sent to: expected, never an incident.
OPTED_OUT = 21610

SEND_FAILURES = "send_failures"
QUEUE_STALL = "queue_stall"
CLEARED = "_ok"


def check(db: Database, vault: Vault, now: datetime) -> list[int]:
    """Alert each line's on-call coordinators about new incidents; returns outbox ids written."""
    written: list[int] = []
    with db.session() as session:
        line_ids = session.scalars(select(Line.id).order_by(Line.id)).all()
    for line_id in line_ids:
        with db.session() as session:
            turn = Turn(session, vault, session.get_one(Line, line_id), now)
            count, oldest = _recent_failures(session, line_id, now)
            _incident(
                turn,
                SEND_FAILURES,
                started=count >= FAILURES_TO_ALERT,
                cleared=count == 0,
                key=f"outbox:{oldest}",
                wording_key="send_failures_alert",
                count=count,
                minutes=int(FAILURE_WINDOW.total_seconds() // 60),
            )
            stuck = _stuck(session, line_id, now)
            _incident(
                turn,
                QUEUE_STALL,
                started=stuck is not None,
                cleared=stuck is None,
                key=stuck or "",
                wording_key="queue_stall_alert",
                minutes=int(STALL_AFTER.total_seconds() // 60),
            )
            session.commit()
            written.extend(turn.outbox_ids())
    return written


def _incident(
    turn: Turn,
    kind: str,
    *,
    started: bool,
    cleared: bool,
    key: str,
    wording_key: str,
    **fields: object,
) -> None:
    """Alert when an incident of `kind` starts; record its end once it has cleared."""
    session, line = turn.session, turn.line
    latest = session.scalar(
        select(RotaNotice)
        .where(RotaNotice.line_id == line.id, RotaNotice.kind.in_((kind, kind + CLEARED)))
        .order_by(RotaNotice.id.desc())
        .limit(1)
    )
    ongoing = latest is not None and latest.kind == kind
    if ongoing and cleared:
        assert latest is not None
        _first_notice(session, line.id, kind + CLEARED, latest.key, turn.now)
        log.info("line %s: %s cleared", line.id, kind)
        return
    if ongoing or not started:
        return
    # Once per incident (its key), whoever is on call; the text below waits for someone on call.
    notices.record(session, line, kind, f"{kind}:{key}", turn.now, **fields)
    coordinators = coordinators_on_call(session, line, turn.now)
    if not coordinators:
        # Not recorded: whoever comes on call next is told while it lasts.
        log.warning("line %s: %s, and no coordinator is on call to tell", line.id, kind)
        return
    if _first_notice(session, line.id, kind, key, turn.now):
        log.warning("line %s: %s; on-call coordinators alerted", line.id, kind)
        for coordinator in coordinators:
            turn.tell_volunteer(coordinator, wording_key, None, **fields)


def _recent_failures(session: Session, line_id: int, now: datetime) -> tuple[int, int | None]:
    """Texts that failed for good in the window (opt-outs aside), and the oldest one's id."""
    count, oldest = session.execute(
        select(func.count(), func.min(Outbox.id)).where(
            Outbox.line_id == line_id,
            Outbox.status.in_(FAILED),
            Outbox.updated_at >= now - FAILURE_WINDOW,
            or_(Outbox.error_code.is_(None), Outbox.error_code != OPTED_OUT),
        )
    ).one()
    return int(count), oldest


def _stuck(session: Session, line_id: int, now: datetime) -> str | None:
    """The oldest thing not moving (a text, a deadline, a forgotten wait); None when all move."""
    before = now - STALL_AFTER
    text_id = session.scalar(
        select(func.min(Outbox.id)).where(
            Outbox.line_id == line_id,
            Outbox.status == OutboxStatus.QUEUED,
            Outbox.created_at < before,
        )
    )
    if text_id is not None:
        return f"outbox:{text_id}"
    timer_id = session.scalar(
        select(func.min(Timer.id))
        .join(Conversation, Conversation.id == Timer.conversation_id)
        .where(Conversation.line_id == line_id, Timer.done_at.is_(None), Timer.due_at < before)
    )
    if timer_id is not None:
        return f"timer:{timer_id}"
    pending = exists().where(Timer.conversation_id == Conversation.id, Timer.done_at.is_(None))
    # After its fallback step a conversation waits with no deadline left, by design.
    scheduled = exists().where(
        Timer.conversation_id == Conversation.id,
        Timer.kind == "fallback",
        Timer.created_at >= Conversation.waiting_since,
    )
    conversation_id = session.scalar(
        select(func.min(Conversation.id)).where(
            Conversation.line_id == line_id,
            Conversation.status == ConversationStatus.WAITING,
            Conversation.waiting_since < before,
            ~pending,
            ~scheduled,
        )
    )
    return f"conversation:{conversation_id}" if conversation_id is not None else None
