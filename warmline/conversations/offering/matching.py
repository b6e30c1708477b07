"""Shared experience and continuity: a short head start for matched peers, then everyone."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, select, update

from warmline.conversations.offering import offers
from warmline.core.statuses import ConversationStatus
from warmline.lines.rules.languages import from_stored as languages_of
from warmline.lines.rules.topics import from_stored, topic_in
from warmline.lines.topic_list import topics
from warmline.messaging.outgoing import Turn
from warmline.models import Contact, ContactLogEntry, Conversation, Offer, Timer, Volunteer
from warmline.privacy import consent
from warmline.rota.availability import available_now

WIDEN = "widen"


def offer_new(
    turn: Turn, contact: Contact, conversation: Conversation, first_text: str, someone_new: bool
) -> int:
    """Offer a new conversation: matched peers first for a head start, or everyone at once.

    The texter's words are read here and never kept: only the topic they name is stored.
    Returns how many peers were offered.
    """
    conversation.topic = topic_in(first_text, topics(turn.line))
    previous = previous_peer(turn, contact)
    if someone_new:
        conversation.skip_volunteer_id = previous
        previous = None
        turn.tell_contact(contact, "new_peer", conversation.id)
    head_start = timedelta(seconds=turn.line.match_head_start_s)
    # Crisis words are never held back for a match: everyone available is offered at once.
    if not head_start or conversation.crisis_at is not None:
        return _everyone(turn, conversation)
    available = [
        v
        for v in available_now(turn.session, turn.line, turn.now)
        if v.id != conversation.skip_volunteer_id
    ]
    returning = [v for v in available if v.id == previous and v.continuity]
    # Peers who speak the texter's language come first; when none is free, language can't narrow.
    speakers = [v for v in available if contact.language in languages_of(v.languages)]
    speakers = speakers or available
    sharing = [
        v
        for v in speakers
        if conversation.topic is not None
        and conversation.topic in from_stored(v.topics)
        and v not in returning
    ]
    if not returning and not sharing and len(speakers) == len(available):
        return _everyone(turn, conversation)
    conversation.prefer_volunteer_id = returning[0].id if returning else None
    conversation.head_start_until = turn.now + head_start
    turn.session.add(
        Timer(
            conversation_id=conversation.id,
            kind=WIDEN,
            due_at=conversation.head_start_until,
            created_at=turn.now,
        )
    )
    offers.offer_to(turn, conversation, returning, key="offer_returning")
    offers.offer_to(turn, conversation, sharing, key="offer_matched", topic=conversation.topic)
    if not returning and not sharing:
        offers.offer_to(turn, conversation, speakers)
    # The texter hears of the returning peer (conversation.prefer_volunteer_id) after the first reply.
    return len(returning) + len(sharing) or len(speakers)


def _everyone(turn: Turn, conversation: Conversation) -> int:
    """The ordinary offer, never to the peer the texter asked NEW to skip."""
    skip = [conversation.skip_volunteer_id] if conversation.skip_volunteer_id else []
    return offers.offer(turn, conversation, exclude=skip)


def previous_peer(turn: Turn, contact: Contact) -> int | None:
    """The peer a consenting texter last talked with on this line, from the consented log."""
    state = consent.state(turn.session, turn.line, [contact.contact_key], turn.now)
    if not state.consented:
        return None
    return turn.session.scalar(
        select(ContactLogEntry.volunteer_id)
        .where(
            ContactLogEntry.line_id == turn.line.id,
            ContactLogEntry.contact_key == contact.contact_key,
            ContactLogEntry.volunteer_id.is_not(None),
        )
        .order_by(ContactLogEntry.ended_at.desc(), ContactLogEntry.id.desc())
        .limit(1)
    )


def widen(turn: Turn, conversation: Conversation) -> str:
    """The head start is over: offer everyone available who has not been offered yet."""
    if conversation.status != ConversationStatus.WAITING:
        return "moot"
    conversation.head_start_until = None
    offered = set(
        turn.session.scalars(
            select(Offer.volunteer_id).where(Offer.conversation_id == conversation.id)
        )
    )
    if conversation.skip_volunteer_id is not None:
        offered.add(conversation.skip_volunteer_id)
    return f"widened {offers.offer(turn, conversation, exclude=offered)}"


def someone_new(turn: Turn, contact: Contact, conversation: Conversation) -> None:
    """NEW while waiting: skip the previous peer, and end a head start at once."""
    previous = conversation.prefer_volunteer_id or previous_peer(turn, contact)
    conversation.skip_volunteer_id = previous
    conversation.prefer_volunteer_id = None
    if previous is not None:
        withdrawn = turn.session.execute(
            delete(Offer).where(
                Offer.conversation_id == conversation.id, Offer.volunteer_id == previous
            )
        )
        if withdrawn.rowcount:  # type: ignore[attr-defined]
            peer = turn.session.get_one(Volunteer, previous)
            turn.tell_volunteer(peer, "offer_withdrawn", conversation.id, ref=conversation.ref)
    turn.tell_contact(contact, "new_peer", conversation.id)
    if conversation.head_start_until is not None:
        turn.session.execute(
            update(Timer)
            .where(
                Timer.conversation_id == conversation.id,
                Timer.kind == WIDEN,
                Timer.done_at.is_(None),
            )
            .values(done_at=turn.now, outcome="asked new")
        )
        turn.session.flush()
        widen(turn, conversation)
