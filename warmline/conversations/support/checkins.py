"""Caring check-ins: a peer offers them at DONE, the texter says YES, the sweeper sends each once."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import exists, select, update
from sqlalchemy.orm import Session

from warmline.core.crypto import Vault
from warmline.core.db import Database, insert_or_skip
from warmline.core.statuses import ConversationStatus
from warmline.lines.rules.checkins import parse_schedule
from warmline.messaging.outgoing import Turn
from warmline.messaging.rules.priority import Priority
from warmline.messaging.times import after
from warmline.models import CheckIn, Contact, ContactCount, Conversation, Line, Volunteer

# How long the texter's YES or NO answers the check-in question.
ANSWER_WINDOW = timedelta(hours=24)
# How long after DONE a peer may still offer check-ins with CHECKIN.
OFFER_WINDOW = timedelta(hours=1)


def offer(turn: Turn, volunteer: Volunteer, conversation: Conversation) -> None:
    """Ask the texter of a closed conversation whether they would like check-in texts."""
    schedule = parse_schedule(turn.line.followup_after)
    if not schedule:
        turn.tell_volunteer(volunteer, "checkin_off")
        return
    contact = (
        turn.session.get(Contact, conversation.contact_id) if conversation.contact_id else None
    )
    if contact is None or contact.opted_out_at is not None or contact.erase_requested_at:
        turn.tell_volunteer(volunteer, "checkin_unreachable", ref=conversation.ref)
        return
    if question_pending(turn.session, contact, turn.now) or _scheduled(turn.session, contact):
        turn.tell_volunteer(volunteer, "checkin_already", ref=conversation.ref)
        return
    contact.checkin_asked_at = turn.now
    turn.tell_contact(contact, "checkin_question", when=after(schedule, turn.language_of(contact)))
    turn.tell_volunteer(volunteer, "checkin_asked", ref=conversation.ref)


def closed_for(
    session: Session, volunteer: Volunteer, line_id: int, ref: str | None, now: datetime
) -> Conversation | None:
    """The volunteer's conversation closed in the last hour (the one named, or the latest)."""
    query = select(Conversation).where(
        Conversation.line_id == line_id,
        Conversation.volunteer_id == volunteer.id,
        Conversation.status == ConversationStatus.CLOSED,
        Conversation.closed_at > now - OFFER_WINDOW,
    )
    if ref is not None:
        query = query.where(Conversation.ref == ref)
    return session.scalar(query.order_by(Conversation.closed_at.desc()).limit(1))


def question_pending(session: Session, contact: Contact, now: datetime) -> bool:
    """Asked about check-ins lately, not answered, and no new conversation since."""
    asked = contact.checkin_asked_at
    if asked is None or asked <= now - ANSWER_WINDOW:
        return False
    newer = session.scalar(
        select(Conversation.id)
        .where(Conversation.contact_id == contact.id, Conversation.created_at > asked)
        .limit(1)
    )
    return newer is None


def answer(turn: Turn, contact: Contact, yes: bool) -> bool:
    """YES or NO to the check-in question, if it is the question waiting; False otherwise."""
    if not question_pending(turn.session, contact, turn.now):
        return False
    contact.checkin_asked_at = None
    schedule = parse_schedule(turn.line.followup_after)
    if not yes or not schedule:
        turn.tell_contact(contact, "checkin_no")
        return True
    for sequence, offset in enumerate(schedule, start=1):
        turn.session.add(
            CheckIn(
                line_id=turn.line.id,
                contact_id=contact.id,
                sequence=sequence,
                due_at=turn.now + offset,
                created_at=turn.now,
            )
        )
    turn.tell_contact(contact, "checkin_yes", when=after(schedule, turn.language_of(contact)))
    return True


def stop(turn: Turn, contact: Contact) -> int:
    """The texter's stop word: no more check-ins; returns how many were still to come."""
    return cancel(turn.session, contact.id, turn.now, "stopped")


def cancel(session: Session, contact_id: int, now: datetime, outcome: str) -> int:
    """Cancel the contact's check-ins still to come (stop word, opt-out)."""
    result = session.execute(
        update(CheckIn)
        .where(
            CheckIn.contact_id == contact_id,
            CheckIn.sent_at.is_(None),
            CheckIn.cancelled_at.is_(None),
        )
        .values(cancelled_at=now, outcome=outcome)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def _scheduled(session: Session, contact: Contact) -> bool:
    return session.scalar(select(exists().where(CheckIn.still_to_come(contact.id)))) or False


def due_ids(session: Session, now: datetime, limit: int = 200) -> list[int]:
    """Check-ins whose time has come."""
    return list(
        session.scalars(
            select(CheckIn.id)
            .where(CheckIn.sent_at.is_(None), CheckIn.cancelled_at.is_(None), CheckIn.due_at <= now)
            .order_by(CheckIn.due_at, CheckIn.id)
            .limit(limit)
        )
    )


def send(db: Database, vault: Vault, check_in_id: int, now: datetime) -> list[int]:
    """Write one check-in text exactly once, whichever sweeper gets it; returns outbox ids."""
    with db.session() as session:
        row = session.scalar(
            select(CheckIn)
            .where(
                CheckIn.id == check_in_id, CheckIn.sent_at.is_(None), CheckIn.cancelled_at.is_(None)
            )
            .with_for_update(skip_locked=True)
        )
        if row is None:
            return []  # sent or cancelled already, or another sweeper holds it right now
        contact = session.get(Contact, row.contact_id)
        line = session.get_one(Line, row.line_id)
        if (
            contact is None
            or contact.number_sealed is None
            or contact.opted_out_at is not None
            or contact.erase_requested_at is not None
        ):
            row.cancelled_at, row.outcome = now, "unreachable"
            session.commit()
            return []
        if _talking(session, contact):
            # A check-in in the middle of a conversation would only interrupt it.
            row.cancelled_at, row.outcome = now, "talking"
            session.commit()
            return []
        turn = Turn(session, vault, line, now)
        turn.tell_contact(contact, "checkin", priority=Priority.NOTICE)
        row.sent_at, row.outcome = now, "sent"
        _count(session, line, now)
        session.commit()
        return turn.outbox_ids()


def _talking(session: Session, contact: Contact) -> bool:
    return (
        session.scalar(
            select(Conversation.id)
            .where(
                Conversation.contact_id == contact.id,
                Conversation.status != ConversationStatus.CLOSED,
            )
            .limit(1)
        )
        is not None
    )


def _count(session: Session, line: Line, now: datetime) -> None:
    """One more check-in sent on the line's day, in the anonymous counts."""
    day = now.astimezone(ZoneInfo(line.timezone)).date()
    dialect = session.get_bind().dialect.name
    insert = insert_or_skip(dialect)
    statement = insert(ContactCount).values(
        line_id=line.id, day=day, channel="sms", contacts=0, answered=0, crisis=0, check_ins=1
    )
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["line_id", "day", "channel"],
            set_={"check_ins": ContactCount.check_ins + 1},
        )
    )
