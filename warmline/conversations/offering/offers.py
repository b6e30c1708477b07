"""Offers: the line's queue of waiting conversations, and texting peers the offer to take one."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import Session

from warmline.conversations.offering.offer_wording import texter_language as _texter_language
from warmline.conversations.rules.offers import longest_idle
from warmline.core.statuses import ConversationStatus
from warmline.lines.rules.languages import from_stored as languages_of
from warmline.lines.rules.topics import from_stored
from warmline.messaging.outgoing import Turn, first_language
from warmline.messaging.rules import priority
from warmline.messaging.times import language_name
from warmline.models import Contact, Conversation, Line, Offer, Volunteer
from warmline.rota.availability import available_now


def offer(turn: Turn, conversation: Conversation, exclude: Iterable[int] = ()) -> int:
    """Offer a waiting conversation by the line's strategy; returns how many were offered."""
    volunteers = available_now(turn.session, turn.line, turn.now, exclude=exclude)
    if turn.line.offer_strategy == "longest_idle" and volunteers:
        chosen = longest_idle([v.id for v in volunteers], _last_busy(turn.session, volunteers))
        volunteers = [v for v in volunteers if v.id == chosen]
    offer_to(turn, conversation, volunteers)
    return len(volunteers)


def offer_to(
    turn: Turn,
    conversation: Conversation,
    volunteers: Iterable[Volunteer],
    key: str | None = None,
    **fields: object,
) -> None:
    """Text each volunteer the offer (flagged when crisis words were used) and record it."""
    already = set(
        turn.session.scalars(
            select(Offer.volunteer_id).where(Offer.conversation_id == conversation.id)
        )
    )
    key = key or ("offer_crisis" if conversation.crisis_at is not None else "offer")
    texter_language = _texter_language(turn, conversation)
    for volunteer in volunteers:
        if volunteer.id == conversation.skip_volunteer_id:
            continue  # the texter asked for someone new (NEW)
        if volunteer.id not in already:
            turn.session.add(
                Offer(
                    conversation_id=conversation.id, volunteer_id=volunteer.id, offered_at=turn.now
                )
            )
        reader = first_language(volunteer, turn.line)
        body = turn.say(key, reader, ref=conversation.ref, **fields)
        note = f" ({language_name(texter_language, reader)})" if texter_language else ""
        turn.text_volunteer(volunteer, body + note, conversation.id, priority.of_key(key))


def offer_next_to(turn: Turn, volunteer: Volunteer) -> None:
    """Offer a volunteer who has just become free the head of the queue, if they can take it."""
    if volunteer.id not in {v.id for v in available_now(turn.session, turn.line, turn.now)}:
        return
    offered = select(Offer.conversation_id).where(Offer.volunteer_id == volunteer.id)
    head = turn.session.scalar(
        waiting_queue(turn.line.id)
        .where(Conversation.id.not_in(offered), _open_to(volunteer, turn.now))
        .limit(1)
    )
    if head is not None:
        offer_to(turn, head, [volunteer])


def _open_to(volunteer: Volunteer, now: datetime) -> ColumnElement[bool]:
    """Conversations the volunteer may be offered now: not during others' head start, not skipped."""
    head_start_over = or_(
        Conversation.head_start_until.is_(None), Conversation.head_start_until <= now
    )
    # In the texter's language: a head start for the language alone has no topic and no peer.
    in_language = Conversation.contact_id.in_(
        select(Contact.id).where(
            or_(Contact.language.is_(None), Contact.language.in_(languages_of(volunteer.languages)))
        )
    )
    matched = or_(
        Conversation.prefer_volunteer_id == volunteer.id,
        Conversation.topic.in_(from_stored(volunteer.topics)) & in_language,
        Conversation.topic.is_(None) & Conversation.prefer_volunteer_id.is_(None) & in_language,
    )
    not_skipped = or_(
        Conversation.skip_volunteer_id.is_(None), Conversation.skip_volunteer_id != volunteer.id
    )
    return or_(head_start_over, matched) & not_skipped


def waiting_queue(line_id: int) -> Select[Conversation]:
    """The line's waiting conversations in the order peers should take them: crisis, then oldest."""
    return (
        select(Conversation)
        .where(Conversation.line_id == line_id, Conversation.status == ConversationStatus.WAITING)
        .order_by(Conversation.crisis_at.is_(None), Conversation.waiting_since, Conversation.id)
    )


def _last_busy(session: Session, volunteers: list[Volunteer]) -> dict[int, datetime]:
    """When each volunteer was last offered or took a conversation."""
    ids = [v.id for v in volunteers]
    last: dict[int, datetime] = {}
    rows = session.execute(
        select(Offer.volunteer_id, func.max(Offer.offered_at))
        .where(Offer.volunteer_id.in_(ids))
        .group_by(Offer.volunteer_id)
    )
    for vid, when in rows:
        last[vid] = when
    rows = session.execute(
        select(Conversation.volunteer_id, func.max(Conversation.claimed_at))
        .where(Conversation.volunteer_id.in_(ids))
        .group_by(Conversation.volunteer_id)
    )
    for vid, when in rows:
        if vid is not None and when is not None:
            last[vid] = max(last.get(vid, when), when)
    return last


def waiting_count(session: Session, line_id: int) -> int:
    """How many conversations wait in the line's queue."""
    return int(
        session.scalar(
            select(func.count()).where(
                Conversation.line_id == line_id, Conversation.status == ConversationStatus.WAITING
            )
        )
        or 0
    )


def offer_again(turn: Turn, conversation: Conversation) -> list[Volunteer]:
    """Offer a waiting conversation again to everyone available; the timer and coordinators use it."""
    everyone = available_to_offer(turn.session, turn.line, turn.now)
    offer_to(turn, conversation, everyone)
    return [v for v in everyone if v.id != conversation.skip_volunteer_id]


def available_to_offer(session: Session, line: Line, now: datetime) -> list[Volunteer]:
    """Everyone who could take a conversation now: primaries and the backup tier."""
    primary = available_now(session, line, now)
    backup = available_now(session, line, now, roles=("backup",))
    return list({v.id: v for v in [*primary, *backup]}.values())
