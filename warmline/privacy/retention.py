"""The scheduled purge: each kind of data is kept only as long as its line says."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, exists, select, update
from sqlalchemy.orm import Session

from warmline.core.db import Database
from warmline.core.ports import CarrierRecords
from warmline.core.statuses import CallStatus, ConversationStatus, OutboxStatus
from warmline.messaging import carrier_copies
from warmline.models import (
    Call,
    CarrierRecord,
    CheckIn,
    ConsentRecord,
    Contact,
    ContactLogEntry,
    Conversation,
    EmailNotice,
    InboundMessage,
    Line,
    Outbox,
    Voicemail,
)

log = logging.getLogger(__name__)

# A deleted copy's id is kept a little while so a late duplicate is not deleted twice.
DELETED_KEPT_DAYS = 7
TERMINAL = (
    OutboxStatus.SENT,
    OutboxStatus.DELIVERED,
    OutboxStatus.UNDELIVERED,
    OutboxStatus.FAILED,
    OutboxStatus.SUPPRESSED,
    OutboxStatus.EXPIRED,
)


@dataclass
class PurgeReport:
    """How many of each kind the purge removed."""

    counts: dict[str, int] = field(default_factory=dict)

    def add(self, kind: str, n: int) -> None:
        """Count `n` more of `kind`."""
        if n:
            self.counts[kind] = self.counts.get(kind, 0) + n


def purge(db: Database, records: CarrierRecords, now: datetime) -> PurgeReport:
    """Enforce every line's retention windows, then delete the carrier's copies that are due."""
    report = PurgeReport()
    with db.session() as session:
        for line in session.scalars(select(Line)).all():
            _purge_line(session, line, now, report)
            session.commit()
    report.add("carrier copies deleted", carrier_copies.delete_due(db, records, now))
    with db.session() as session:
        report.add(
            "carrier records removed",
            _rowcount(
                session.execute(
                    delete(CarrierRecord).where(
                        CarrierRecord.deleted_at < now - timedelta(days=DELETED_KEPT_DAYS)
                    )
                )
            ),
        )
        session.commit()
    if report.counts:
        log.info("purge: %s", ", ".join(f"{k} {v}" for k, v in sorted(report.counts.items())))
    return report


def _purge_line(session: Session, line: Line, now: datetime, report: PurgeReport) -> None:
    numbers_until = now - timedelta(hours=line.number_retention_h)
    unsent_until = now - timedelta(hours=line.unsent_text_max_h)
    log_until = now - timedelta(days=line.log_retention_days)

    # Texts never sent in time: their words go; nothing will send them now.
    report.add(
        "unsent texts expired",
        _rowcount(
            session.execute(
                update(Outbox)
                .where(
                    Outbox.line_id == line.id,
                    Outbox.status == OutboxStatus.QUEUED,
                    Outbox.created_at < unsent_until,
                )
                .values(status=OutboxStatus.EXPIRED, body_sealed=None, updated_at=now)
            )
        ),
    )

    # FORGET: the contact row goes once its confirmation is no longer waiting to be sent.
    waiting_for_them = exists().where(
        Outbox.contact_id == Contact.id,
        Outbox.status.in_((OutboxStatus.QUEUED, OutboxStatus.SENDING)),
    )
    forgotten = session.scalars(
        select(Contact).where(
            Contact.line_id == line.id,
            Contact.erase_requested_at.is_not(None),
            (~waiting_for_them) | (Contact.erase_requested_at < unsent_until),
        )
    ).all()
    for contact in forgotten:
        _forget_outbox(session, line.id, contact.contact_key)
        session.delete(contact)
    report.add("forgotten contacts removed", len(forgotten))

    # Numbers: kept sealed only while a conversation, or a voicemail call-back, may need them.
    recent_or_open = exists().where(
        Conversation.contact_id == Contact.id,
        (Conversation.status != ConversationStatus.CLOSED)
        | (Conversation.closed_at > numbers_until),
    )
    callback_pending = exists().where(
        Call.contact_id == Contact.id,
        Voicemail.call_id == Call.id,
        Voicemail.handled_at.is_(None),
    )
    # A check-in still to come needs the number, and so does one just sent (its text may wait).
    check_in_pending = exists().where(
        CheckIn.still_to_come(Contact.id)
        | ((CheckIn.contact_id == Contact.id) & (CheckIn.sent_at > numbers_until))
    )
    report.add(
        "numbers purged",
        _rowcount(
            session.execute(
                update(Contact)
                .where(
                    Contact.line_id == line.id,
                    Contact.number_sealed.is_not(None),
                    Contact.erase_requested_at.is_(None),
                    Contact.created_at < numbers_until,
                    ~recent_or_open,
                    ~callback_pending,
                    ~check_in_pending,
                )
                .values(number_sealed=None)
                .execution_options(synchronize_session=False)
            )
        ),
    )

    # Calls: once over and their voicemail gone, Twilio's record of the call (it holds the
    # caller's number) is deleted, and the call keeps no key: it is only times and an outcome.
    report.add(
        "call records queued for deletion", _let_calls_go(session, line.id, numbers_until, now)
    )

    # Delivered and failed texts, and processed inbound ones, keep only ids, then go entirely.
    old_out = session.execute(
        select(Outbox.id, Outbox.twilio_sid).where(
            Outbox.line_id == line.id,
            Outbox.status.in_(TERMINAL),
            Outbox.updated_at < numbers_until,
        )
    ).all()
    if old_out:
        session.execute(delete(Outbox).where(Outbox.id.in_([i for i, _ in old_out])))
    report.add("sent texts removed", len(old_out))

    old_in = session.execute(
        select(InboundMessage.id, InboundMessage.message_sid).where(
            InboundMessage.line_id == line.id,
            InboundMessage.processed_at.is_not(None),
            InboundMessage.received_at < numbers_until,
            InboundMessage.body_sealed.is_(None),
        )
    ).all()
    if old_in:
        session.execute(delete(InboundMessage).where(InboundMessage.id.in_([i for i, _ in old_in])))
    report.add("received texts removed", len(old_in))

    # Closed conversations: what may outlive them is already in the counts and the consented log.
    report.add(
        "conversations removed",
        _rowcount(
            session.execute(
                delete(Conversation).where(
                    Conversation.line_id == line.id,
                    Conversation.status == ConversationStatus.CLOSED,
                    Conversation.closed_at < numbers_until,
                )
            )
        ),
    )

    # Alert e-mails (a reference, counts, a peer's first name) once they have gone or were
    # dropped: kept for the line's number window, like a closed conversation, so that an alert
    # is mailed once; the same alert happening again after that is mailed again.
    report.add(
        "alert e-mails removed",
        _rowcount(
            session.execute(
                delete(EmailNotice).where(
                    EmailNotice.line_id == line.id,
                    EmailNotice.next_attempt_at.is_(None),
                    EmailNotice.created_at < numbers_until,
                )
            )
        ),
    )

    # The log, and the consent records that justify it, for the line's log window.
    report.add(
        "log rows removed",
        _rowcount(
            session.execute(
                delete(ContactLogEntry).where(
                    ContactLogEntry.line_id == line.id, ContactLogEntry.ended_at < log_until
                )
            )
        ),
    )
    still_logged = exists().where(
        and_(
            ContactLogEntry.line_id == ConsentRecord.line_id,
            ContactLogEntry.contact_key == ConsentRecord.contact_key,
        )
    )
    report.add(
        "consent records removed",
        _rowcount(
            session.execute(
                delete(ConsentRecord)
                .where(
                    ConsentRecord.line_id == line.id,
                    ConsentRecord.recorded_at < log_until,
                    ~still_logged,
                )
                .execution_options(synchronize_session=False)
            )
        ),
    )

    # A contact with nothing left (no number, no conversation) is only a key: drop it.
    has_conversation = exists().where(Conversation.contact_id == Contact.id)
    has_call = exists().where(Call.contact_id == Contact.id)
    report.add(
        "empty contacts removed",
        _rowcount(
            session.execute(
                delete(Contact)
                .where(
                    Contact.line_id == line.id,
                    Contact.number_sealed.is_(None),
                    Contact.erase_requested_at.is_(None),
                    Contact.opted_out_at.is_(None),
                    ~has_conversation,
                    ~has_call,
                )
                .execution_options(synchronize_session=False)
            )
        ),
    )


def _let_calls_go(session: Session, line_id: int, until: datetime, now: datetime) -> int:
    """Queue old calls' records at the carrier for deletion and drop their callers' keys."""
    recording_kept = exists().where(
        Voicemail.call_id == Call.id, Voicemail.recording_deleted_at.is_(None)
    )
    calls = session.execute(
        select(Call.id, Call.call_sid).where(
            Call.line_id == line_id,
            Call.caller_key.is_not(None),
            Call.status == CallStatus.ENDED,
            Call.ended_at < until,
            ~recording_kept,
        )
    ).all()
    if calls:
        carrier_copies.remember(session, [sid for _, sid in calls], now, carrier_copies.CALL)
        session.execute(
            update(Call)
            .where(Call.id.in_([i for i, _ in calls]))
            .values(caller_key=None)
            .execution_options(synchronize_session=False)
        )
    return len(calls)


def _forget_outbox(session: Session, line_id: int, contact_key: str) -> None:
    session.execute(
        delete(Outbox).where(Outbox.line_id == line_id, Outbox.recipient_key == contact_key)
    )


def _rowcount(result: object) -> int:
    return int(getattr(result, "rowcount", 0) or 0)
