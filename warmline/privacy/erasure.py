"""FORGET and "erase contact": everything tied to a contact key goes at once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from warmline.core.statuses import OutboxStatus
from warmline.messaging import carrier_copies
from warmline.models import (
    CheckIn,
    ConsentRecord,
    Contact,
    ContactLogEntry,
    Conversation,
    InboundMessage,
    Outbox,
)


@dataclass(frozen=True)
class Erased:
    """How many rows of each kind went."""

    conversations: int
    messages: int
    log_rows: int
    consent_records: int


def erase(session: Session, line_id: int, contact: Contact, now: datetime) -> Erased:
    """Delete the contact's conversations, texts, log rows and consent records on this line."""
    key = contact.contact_key
    conversation_ids = list(
        session.scalars(select(Conversation.id).where(Conversation.contact_id == contact.id))
    )
    sids = list(
        session.scalars(
            select(InboundMessage.message_sid).where(
                InboundMessage.line_id == line_id, InboundMessage.sender_key == key
            )
        )
    )
    sids += [
        sid
        for sid in session.scalars(
            select(Outbox.twilio_sid).where(Outbox.recipient_key == key, Outbox.line_id == line_id)
        )
        if sid
    ]
    carrier_copies.remember(session, sids, now)
    messages = session.execute(
        delete(InboundMessage).where(
            InboundMessage.line_id == line_id, InboundMessage.sender_key == key
        )
    ).rowcount  # type: ignore[attr-defined]
    session.execute(delete(Outbox).where(Outbox.recipient_key == key, Outbox.line_id == line_id))
    # Check-ins still to come go too, and the check-in question is forgotten.
    session.execute(delete(CheckIn).where(CheckIn.contact_id == contact.id))
    contact.checkin_asked_at = None
    if conversation_ids:
        # Relays of their words still waiting for a peer go too; sent ones hold no words already.
        session.execute(
            delete(Outbox).where(
                Outbox.conversation_id.in_(conversation_ids), Outbox.status == OutboxStatus.QUEUED
            )
        )
        session.execute(delete(Conversation).where(Conversation.id.in_(conversation_ids)))
    log_rows = session.execute(
        delete(ContactLogEntry).where(
            ContactLogEntry.line_id == line_id, ContactLogEntry.contact_key == key
        )
    ).rowcount  # type: ignore[attr-defined]
    records = session.execute(
        delete(ConsentRecord).where(
            ConsentRecord.line_id == line_id, ConsentRecord.contact_key == key
        )
    ).rowcount  # type: ignore[attr-defined]
    session.flush()
    return Erased(len(conversation_ids), int(messages), int(log_rows), int(records))
