"""Words carried between a texter and their peer, from the line's number."""

from __future__ import annotations

from warmline.conversations.claims import contact_of
from warmline.core.statuses import ConversationStatus
from warmline.messaging.outgoing import Turn
from warmline.models import Conversation, InboundMessage, Volunteer


def relay_to_volunteer(
    turn: Turn, conversation: Conversation, message: InboundMessage, text: str
) -> None:
    """Hold a texter's words until a peer claims the conversation, or pass them on now."""
    message.conversation_id = conversation.id
    conversation.last_activity_at = turn.now
    if conversation.status != ConversationStatus.ACTIVE or conversation.volunteer_id is None:
        return  # stays sealed on the message until claim() relays it
    volunteer = turn.session.get_one(Volunteer, conversation.volunteer_id)
    turn.relay_to_volunteer(volunteer, conversation.ref, text, conversation.id)
    message.body_sealed = None
    message.relayed_at = turn.now


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
