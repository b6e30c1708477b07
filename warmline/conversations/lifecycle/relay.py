"""Words carried between a texter and their peer, from the line's number."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import bindparam, func, select
from sqlalchemy.exc import IntegrityError

from warmline.conversations.lifecycle import timers
from warmline.conversations.lifecycle.claims import active_for, contact_of, relay_held
from warmline.conversations.rules import floods
from warmline.core import metrics
from warmline.core.statuses import ConversationStatus
from warmline.messaging.outgoing import Turn
from warmline.models import Contact, Conversation, InboundMessage, Volunteer
from warmline.rota.availability import current_shifts

# Endings after which the texter's next words may go back to the same peer.
REOPENED_AFTER = ("done", "idle")


def relay_to_volunteer(
    turn: Turn, conversation: Conversation, message: InboundMessage, urgent: bool = False
) -> None:
    """Hold a texter's words until a peer claims the conversation, or pass them on now.

    A texter past the flood threshold has their words gathered: held, and passed on together
    every few seconds (by a timer), or at once with the next `urgent` text (crisis words).
    """
    message.conversation_id = conversation.id
    conversation.last_activity_at = turn.now
    if conversation.status != ConversationStatus.ACTIVE or conversation.volunteer_id is None:
        return  # stays sealed on the message until claim() relays it
    volunteer, flooding = _peer_and_flooding(turn, conversation.volunteer_id, message, urgent)
    if flooding:
        metrics.TEXTS_GATHERED.inc()
        timers.schedule_gathered(turn.session, conversation, turn.now)
        return  # stays sealed on the message until the timer relays it with the others
    # Words gathered earlier go first, with these, so the peer reads them all in order.
    relay_held(turn, conversation, volunteer, together=True)


def _peer_and_flooding(
    turn: Turn, volunteer_id: int, message: InboundMessage, urgent: bool
) -> tuple[Volunteer, bool]:
    """The conversation's peer, and whether the sender floods (never when `urgent`): one query."""
    if urgent:
        return turn.session.get_one(Volunteer, volunteer_id), False
    found = turn.session.execute(
        _PEER_AND_SENT_IN_WINDOW,
        {
            "volunteer_id": volunteer_id,
            "line_id": message.line_id,
            "sender_key": message.sender_key,
            "since": floods.flood_since(turn.now),
        },
    ).one()
    return found[0], floods.is_flood(found[1] or 0)


# Built once, with its values bound: every relayed text runs it.
_PEER_AND_SENT_IN_WINDOW = select(
    Volunteer,
    select(func.count())
    .select_from(InboundMessage)
    .where(
        InboundMessage.line_id == bindparam("line_id"),
        InboundMessage.sender_key == bindparam("sender_key"),
        InboundMessage.received_at > bindparam("since"),
    )
    .scalar_subquery(),
).where(Volunteer.id == bindparam("volunteer_id"))


def relay_to_texter(
    turn: Turn, volunteer: Volunteer, conversation: Conversation, text: str
) -> None:
    """Send a volunteer's words to the texter, from the line number, unprefixed."""
    conversation.last_activity_at = turn.now
    contact = contact_of(turn.session, conversation)
    if contact is None or contact.opted_out_at is not None:
        turn.tell_volunteer(volunteer, "texter_unreachable", conversation.id, ref=conversation.ref)
        return
    turn.text_contact(contact, text, conversation.id)


def recently_closed(turn: Turn, contact: Contact) -> Conversation | None:
    """The texter's last conversation, if it closed within the line's `reopen_window_s`."""
    window = turn.line.reopen_window_s
    if window <= 0:
        return None
    last = turn.session.scalar(
        select(Conversation)
        .where(Conversation.line_id == turn.line.id, Conversation.contact_id == contact.id)
        .order_by(Conversation.id.desc())
        .limit(1)
        .with_for_update()
    )
    if last is None or last.status != ConversationStatus.CLOSED or last.closed_at is None:
        return None
    return last if last.closed_at >= turn.now - timedelta(seconds=window) else None


def reopen(turn: Turn, conversation: Conversation) -> bool:
    """Give a just-closed conversation back to the peer who had it, if they are on shift with room."""
    if conversation.outcome not in REOPENED_AFTER or conversation.volunteer_id is None:
        return False
    volunteer = turn.session.get_one(Volunteer, conversation.volunteer_id)
    on_shift = any(
        s.volunteer_id == volunteer.id for s in current_shifts(turn.session, turn.line, turn.now)
    )
    room = len(active_for(turn.session, volunteer)) < turn.line.max_active_per_volunteer
    if not (volunteer.is_active and on_shift and room):
        return False
    try:
        with turn.session.begin_nested():
            conversation.status = ConversationStatus.ACTIVE
            conversation.closed_at = None
            conversation.outcome = None
            conversation.reopened_at = turn.now
            conversation.last_activity_at = turn.now
            turn.session.flush()
    except IntegrityError:
        return False  # its reference went to another open conversation meanwhile
    timers.schedule_idle(turn.session, turn.line, conversation, turn.now)
    turn.tell_volunteer(volunteer, "reopened", conversation.id, ref=conversation.ref)
    return True
