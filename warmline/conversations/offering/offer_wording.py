"""The words around an offer beyond its catalogue text: the texter's language, the peer's hello."""

from __future__ import annotations

from sqlalchemy.orm import Session

from warmline.lines.rules.languages import SUPPORTED
from warmline.messaging.outgoing import Turn
from warmline.models import Contact, Conversation, Volunteer


def texter_language(turn: Turn, conversation: Conversation) -> str | None:
    """The texter's language when an offer names it: another than the line's own."""
    contact = _contact(turn.session, conversation)
    language = contact.language if contact is not None else None
    if language is None or language == turn.line.default_language or language not in SUPPORTED:
        return None
    return language


def joined_text(turn: Turn, conversation: Conversation, volunteer: Volunteer, language: str) -> str:
    """What the texter reads when a peer takes their conversation; a returning peer says so."""
    if conversation.prefer_volunteer_id != volunteer.id:
        return turn.say("peer_joined", language)
    if volunteer.shown_name:  # a first name the peer chose, never anything else about them
        return turn.say("peer_returned_named", language, name=volunteer.shown_name)
    return turn.say("peer_returned", language)


def _contact(session: Session, conversation: Conversation) -> Contact | None:
    # Not claims.contact_of: claims reads its wording from here, and modules import one way.
    if conversation.contact_id is None:
        return None
    return session.get(Contact, conversation.contact_id)
