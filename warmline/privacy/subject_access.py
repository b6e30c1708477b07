"""What we hold about one number: exported for a subject-access request, or erased."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from warmline.core.crypto import Keyring
from warmline.core.statuses import OutboxStatus
from warmline.models import (
    Call,
    CheckIn,
    ConsentRecord,
    Contact,
    ContactLogEntry,
    Conversation,
    InboundMessage,
    Line,
    Outbox,
    Voicemail,
)


def export(session: Session, keyring: Keyring, line: Line, e164: str) -> dict[str, Any]:
    """Everything held about `e164` on the line, as plain data; words are never held in clear."""
    keys = keyring.keys_for(e164)
    contacts = session.scalars(
        select(Contact).where(Contact.line_id == line.id, Contact.contact_key.in_(keys))
    ).all()
    contact_ids = [c.id for c in contacts]
    conversations = session.scalars(
        select(Conversation)
        .where(Conversation.contact_id.in_(contact_ids))
        .order_by(Conversation.created_at)
    ).all()
    log_rows = session.scalars(
        select(ContactLogEntry)
        .where(ContactLogEntry.line_id == line.id, ContactLogEntry.contact_key.in_(keys))
        .order_by(ContactLogEntry.started_at)
    ).all()
    consents = session.scalars(
        select(ConsentRecord)
        .where(ConsentRecord.line_id == line.id, ConsentRecord.contact_key.in_(keys))
        .order_by(ConsentRecord.recorded_at)
    ).all()
    held = session.scalar(
        select(func.count()).where(
            InboundMessage.line_id == line.id,
            InboundMessage.sender_key.in_(keys),
            InboundMessage.body_sealed.is_not(None),
        )
    )
    queued = session.scalar(
        select(func.count()).where(
            Outbox.line_id == line.id,
            Outbox.recipient_key.in_(keys),
            Outbox.status == OutboxStatus.QUEUED,
        )
    )
    check_ins = session.scalars(
        select(CheckIn).where(CheckIn.contact_id.in_(contact_ids)).order_by(CheckIn.due_at)
    ).all()
    calls = session.execute(
        select(Call, Voicemail)
        .outerjoin(Voicemail, Voicemail.call_id == Call.id)
        .where(
            Call.line_id == line.id,
            Call.caller_key.in_(keys) | Call.contact_id.in_(contact_ids),
        )
        .order_by(Call.started_at)
    ).all()
    return {
        "line": line.number,
        "number_kept_encrypted": any(c.number_sealed is not None for c in contacts),
        "first_contact": _iso(min((c.created_at for c in contacts), default=None)),
        "opted_out": _iso(next((c.opted_out_at for c in contacts if c.opted_out_at), None)),
        "conversations": [
            {
                "reference": c.ref,
                "status": c.status,
                "started": _iso(c.created_at),
                "answered": _iso(c.claimed_at),
                "closed": _iso(c.closed_at),
                "outcome": c.outcome,
                "crisis_words": c.crisis_at is not None,
                "topic": c.topic,
            }
            for c in conversations
        ],
        "contact_log": [
            {
                "channel": r.channel,
                "started": _iso(r.started_at),
                "ended": _iso(r.ended_at),
                "first_response_wait_s": r.first_response_wait_s,
                "duration_s": r.duration_s,
                "outcome": r.outcome,
                "crisis_words": r.crisis,
                "consent_version": r.consent_version,
            }
            for r in log_rows
        ],
        "consent": [
            {
                "answer": r.answer,
                "version": r.version,
                "wording_sha256": r.text_hash,
                "method": r.method,
                "at": _iso(r.recorded_at),
            }
            for r in consents
        ],
        "texts_waiting_for_a_peer_encrypted": int(held or 0),
        "texts_waiting_to_be_sent": int(queued or 0),
        "check_ins": [
            {
                "due": _iso(r.due_at),
                "sent": _iso(r.sent_at),
                "cancelled": _iso(r.cancelled_at),
            }
            for r in check_ins
        ],
        "calls": [_call(call, vm) for call, vm in calls],
    }


def _call(call: Call, vm: Voicemail | None) -> dict[str, Any]:
    """A call's times and outcome, and its voicemail's; never a number or a recording."""
    return {
        "started": _iso(call.started_at),
        "answered": _iso(call.connected_at),
        "ended": _iso(call.ended_at),
        "duration_s": call.duration_s,
        "outcome": call.outcome,
        "voicemail": None
        if vm is None
        else {
            "left": _iso(vm.created_at),
            "duration_s": vm.duration_s,
            "status": vm.status.value,
            "called_back": vm.status == "done",
            "recording_deleted": _iso(vm.recording_deleted_at),
        },
    }


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
