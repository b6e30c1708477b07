"""How each line is doing right now, in counts and ages: what metrics and alerts read."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from warmline.core.statuses import ConversationStatus, OutboxStatus
from warmline.models import Conversation, Line, Outbox, Timer

# The dashboard counts an escalation the same way: the deadline fired while nobody had claimed.
ESCALATED = ("alerted", "no coordinator")
FAILED = ("failed", "undelivered")


@dataclass(frozen=True)
class LineState:
    """One line's queues, waits, failures and escalations (ages in seconds; 0 when none)."""

    line_id: int
    outbox_queued: int = 0
    oldest_queued_s: float = 0.0
    waiting: int = 0
    oldest_waiting_s: float = 0.0
    failures_last_hour: int = 0
    escalations_last_day: int = 0
    crisis_last_day: int = 0


def states(session: Session, now: datetime) -> list[LineState]:
    """Every line's state at `now`, in a handful of grouped queries."""
    queued = _by_line(
        session.execute(
            select(Outbox.line_id, func.count(), func.min(Outbox.created_at))
            .where(Outbox.status == OutboxStatus.QUEUED)
            .group_by(Outbox.line_id)
        )
    )
    waiting = _by_line(
        session.execute(
            select(Conversation.line_id, func.count(), func.min(Conversation.waiting_since))
            .where(Conversation.status == ConversationStatus.WAITING)
            .group_by(Conversation.line_id)
        )
    )
    failures = _counts(
        session.execute(
            select(Outbox.line_id, func.count())
            .where(Outbox.status.in_(FAILED), Outbox.updated_at >= now - timedelta(hours=1))
            .group_by(Outbox.line_id)
        )
    )
    escalations = _counts(
        session.execute(
            select(Conversation.line_id, func.count())
            .join(Timer, Timer.conversation_id == Conversation.id)
            .where(
                Timer.kind == "escalate",
                Timer.outcome.in_(ESCALATED),
                Timer.done_at >= now - timedelta(days=1),
            )
            .group_by(Conversation.line_id)
        )
    )
    crisis = _counts(
        session.execute(
            select(Conversation.line_id, func.count())
            .where(Conversation.crisis_at >= now - timedelta(days=1))
            .group_by(Conversation.line_id)
        )
    )
    result = []
    for line_id in session.scalars(select(Line.id).order_by(Line.id)):
        n_queued, oldest_queued = queued.get(line_id, (0, None))
        n_waiting, oldest_waiting = waiting.get(line_id, (0, None))
        result.append(
            LineState(
                line_id=line_id,
                outbox_queued=n_queued,
                oldest_queued_s=_age(oldest_queued, now),
                waiting=n_waiting,
                oldest_waiting_s=_age(oldest_waiting, now),
                failures_last_hour=failures.get(line_id, 0),
                escalations_last_day=escalations.get(line_id, 0),
                crisis_last_day=crisis.get(line_id, 0),
            )
        )
    return result


def _by_line(rows: Iterable[Any]) -> dict[int, tuple[int, datetime | None]]:
    return {int(line_id): (int(count), oldest) for line_id, count, oldest in rows}


def _counts(rows: Iterable[Any]) -> dict[int, int]:
    return {int(line_id): int(count) for line_id, count in rows}


def _age(since: datetime | None, now: datetime) -> float:
    """Seconds from `since` to `now`; 0 for nothing (SQLite hands back naive UTC times)."""
    if since is None:
        return 0.0
    if since.tzinfo is None:
        since = since.replace(tzinfo=now.tzinfo)
    return max(0.0, (now - since).total_seconds())
