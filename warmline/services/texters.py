"""What happens when a texter's message is processed."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from warmline.domain.keywords import TexterKeyword, texter_keyword
from warmline.models import Contact, InboundMessage
from warmline.services import conversations
from warmline.services.turn import Turn


def handle(turn: Turn, message: InboundMessage, sender: str, body: str) -> None:
    """Route a texter's message: keywords first, then into their conversation (new or open)."""
    contact = _contact(turn, message.sender_key, sender)
    keyword = texter_keyword(body)
    if keyword is TexterKeyword.OPT_OUT:
        contact.opted_out_at = turn.now
        conversation = conversations.open_for_contact(turn.session, contact)
        if conversation is not None:
            conversations.end_by_opt_out(turn, conversation)
        return
    if keyword is TexterKeyword.OPT_IN:
        contact.opted_out_at = None  # the carrier confirms START itself
        return

    conversation = conversations.open_for_contact(turn.session, contact)
    if conversation is None:
        conversation = conversations.start(turn, contact)
        if keyword is not TexterKeyword.HELP:
            turn.text_contact(contact, turn.say("greeting"), conversation.id)
        if conversations.offer(turn, conversation) == 0:
            turn.text_contact(contact, turn.say("no_one_available"), conversation.id)
    if keyword is TexterKeyword.HELP:
        turn.text_contact(contact, turn.say("texter_help"), conversation.id)
    conversations.relay_to_volunteer(turn, conversation, message, body)


def _contact(turn: Turn, contact_key: str, sender: str) -> Contact:
    """The line's contact for this key, created on first contact; keeps the number sealed."""
    contact = find(turn.session, turn.line.id, contact_key)
    if contact is None:
        contact = Contact(line_id=turn.line.id, contact_key=contact_key, created_at=turn.now)
        turn.session.add(contact)
    contact.number_sealed = turn.vault.seal(sender)
    turn.session.flush()
    return contact


def find(session: Session, line_id: int, contact_key: str) -> Contact | None:
    """The line's contact with this key, if we know them."""
    return session.scalar(
        select(Contact).where(Contact.line_id == line_id, Contact.contact_key == contact_key)
    )
