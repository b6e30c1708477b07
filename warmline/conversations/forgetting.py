"""FORGET, from a texter or a coordinator: close what is open, erase everything, say so."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from warmline.conversations import care, claims
from warmline.core.crypto import Keyring, Vault
from warmline.messaging.outgoing import Turn
from warmline.models import Contact, Line, Volunteer
from warmline.privacy import erasure


def forget(turn: Turn, contact: Contact) -> erasure.Erased:
    """Close any open conversation, erase everything about the contact, and tell them so."""
    open_conversation = claims.open_for_contact(turn.session, contact)
    peer: tuple[Volunteer, str, bool] | None = None
    if open_conversation is not None:
        if open_conversation.volunteer_id is not None:
            volunteer = turn.session.get_one(Volunteer, open_conversation.volunteer_id)
            peer = (volunteer, open_conversation.ref, care.was_hard(open_conversation))
        claims.finish(turn, open_conversation, "forgotten")  # counted, anonymously
    erased = erasure.erase(turn.session, turn.line.id, contact, turn.now)
    if peer is not None:
        # Told after the erasure, which removes every queued text of the conversation.
        turn.tell_volunteer(peer[0], "texter_forgotten", ref=peer[1])
        if peer[2]:  # a hard conversation the texter ended still calls for the peer's care
            care.debrief(turn, peer[0], peer[1])
    # The number stays sealed only until this last text is sent; the purge then drops the row.
    contact.erase_requested_at = turn.now
    turn.text_contact(contact, turn.say("forgotten"))
    return erased


def erase_number(
    session: Session, vault: Vault, keyring: Keyring, line: Line, e164: str, now: datetime
) -> tuple[bool, list[int]]:
    """A coordinator's "erase contact": as FORGET, the texter is told; returns the outbox ids."""
    keys = keyring.keys_for(e164)
    contacts = session.scalars(
        select(Contact).where(Contact.line_id == line.id, Contact.contact_key.in_(keys))
    ).all()
    turn = Turn(session, vault, line, now)
    for contact in contacts:
        forget(turn, contact)
    session.flush()
    return bool(contacts), turn.outbox_ids()
