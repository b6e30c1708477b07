"""FORGET and "erase contact": everything tied to a contact's keys goes at once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from warmline.core.statuses import OutboxStatus, VoicemailStatus
from warmline.messaging import carrier_copies
from warmline.models import (
    Call,
    CheckIn,
    ConsentRecord,
    Contact,
    ContactLogEntry,
    Conversation,
    InboundMessage,
    Outbox,
    Voicemail,
)

OPEN_VOICEMAIL = (VoicemailStatus.WAITING, VoicemailStatus.REQUESTED, VoicemailStatus.CALLING)


@dataclass(frozen=True)
class Erased:
    """How many rows of each kind went, and the voicemails whose recordings must go at once."""

    conversations: int
    messages: int
    log_rows: int
    consent_records: int
    calls: int = 0
    recordings: tuple[int, ...] = ()

    @property
    def anything(self) -> bool:
        """True when anything at all was held."""
        return any(
            (self.conversations, self.messages, self.log_rows, self.consent_records, self.calls)
        )


def erase(session: Session, line_id: int, keys: Sequence[str], now: datetime) -> Erased:
    """Delete what the line holds under any of the contact's keys, contact row or not.

    Texts, conversations, check-ins, the log and consent go; calls lose every link to the caller
    and Twilio's records of them are queued for deletion; voicemails close, never to be played,
    and their ids are returned so the recordings are deleted at Twilio at once.
    """
    keys = list(keys)
    contacts = session.scalars(
        select(Contact).where(Contact.line_id == line_id, Contact.contact_key.in_(keys))
    ).all()
    contact_ids = [c.id for c in contacts]
    conversation_ids = list(
        session.scalars(select(Conversation.id).where(Conversation.contact_id.in_(contact_ids)))
    )
    messages = _erase_texts(session, line_id, keys, contact_ids, now)
    # Check-ins still to come go too, and the check-in question is forgotten.
    session.execute(delete(CheckIn).where(CheckIn.contact_id.in_(contact_ids)))
    for contact in contacts:
        contact.checkin_asked_at = None
    if conversation_ids:
        # Relays of their words still waiting for a peer go too; sent ones hold no words already.
        session.execute(
            delete(Outbox).where(
                Outbox.conversation_id.in_(conversation_ids), Outbox.status == OutboxStatus.QUEUED
            )
        )
        session.execute(delete(Conversation).where(Conversation.id.in_(conversation_ids)))
    log_rows = _count(
        session.execute(
            delete(ContactLogEntry).where(
                ContactLogEntry.line_id == line_id, ContactLogEntry.contact_key.in_(keys)
            )
        )
    )
    records = _count(
        session.execute(
            delete(ConsentRecord).where(
                ConsentRecord.line_id == line_id, ConsentRecord.contact_key.in_(keys)
            )
        )
    )
    calls, recordings = _erase_calls(session, line_id, keys, contact_ids, now)
    session.flush()
    return Erased(len(conversation_ids), messages, log_rows, records, calls, recordings)


def _erase_texts(
    session: Session, line_id: int, keys: list[str], contact_ids: list[int], now: datetime
) -> int:
    """Inbound and outbox rows go; Twilio's copies of them are queued for deletion now."""
    inbound = (InboundMessage.line_id == line_id) & InboundMessage.sender_key.in_(keys)
    outgoing = (Outbox.line_id == line_id) & or_(
        Outbox.recipient_key.in_(keys), Outbox.contact_id.in_(contact_ids)
    )
    sids = list(session.scalars(select(InboundMessage.message_sid).where(inbound)))
    sids += [sid for sid in session.scalars(select(Outbox.twilio_sid).where(outgoing)) if sid]
    carrier_copies.remember(session, sids, now)
    messages = _count(session.execute(delete(InboundMessage).where(inbound)))
    session.execute(delete(Outbox).where(outgoing).execution_options(synchronize_session=False))
    return messages


def _erase_calls(
    session: Session, line_id: int, keys: list[str], contact_ids: list[int], now: datetime
) -> tuple[int, tuple[int, ...]]:
    """Unlink the caller's calls, queue Twilio's call records for deletion, close voicemails."""
    calls = session.scalars(
        select(Call).where(
            Call.line_id == line_id,
            or_(Call.caller_key.in_(keys), Call.contact_id.in_(contact_ids)),
        )
    ).all()
    if not calls:
        return 0, ()
    call_ids = [c.id for c in calls]
    carrier_copies.remember(session, [c.call_sid for c in calls], now, carrier_copies.CALL)
    voicemails = session.scalars(
        select(Voicemail).where(Voicemail.call_id.in_(call_ids)).with_for_update()
    ).all()
    for vm in voicemails:
        if vm.status in OPEN_VOICEMAIL:
            vm.status = VoicemailStatus.EXPIRED
        vm.handled_at = vm.handled_at or now
        vm.recording_url_sealed = None  # never played again, whatever a peer texts
        vm.updated_at = now
    session.execute(
        update(Call)
        .where(Call.id.in_(call_ids))
        .values(caller_key=None, contact_id=None, updated_at=now)
        .execution_options(synchronize_session="fetch")
    )
    return len(calls), tuple(vm.id for vm in voicemails if vm.recording_deleted_at is None)


def _count(result: object) -> int:
    return int(getattr(result, "rowcount", 0) or 0)
