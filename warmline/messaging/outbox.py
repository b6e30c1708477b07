"""The transactional outbox: texts written with the change that causes them, sent after commit."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from warmline.core import metrics
from warmline.core.crypto import Vault
from warmline.core.db import Database
from warmline.core.jobqueue import SEND_OUTBOX, SWEEPER_GRACE, JobQueue
from warmline.core.locks import OUTBOX_RECIPIENT, key_lock
from warmline.core.ports import SendError, Transport
from warmline.core.statuses import ConversationStatus, OutboxStatus
from warmline.messaging import carrier_copies, wording
from warmline.messaging.pacer import Pacer
from warmline.messaging.rules.delivery import (
    advanced_status,
    failure_reason,
    is_permanent,
    is_rate_limited,
    rate_limited_delay,
    retry_delay,
)
from warmline.messaging.rules.pacing import Pace
from warmline.messaging.rules.priority import Priority
from warmline.messaging.rules.segments import segments
from warmline.models import Contact, Conversation, Line, Outbox, Volunteer

log = logging.getLogger(__name__)

# A freshly queued text is the queue's to send; the sweeper only steps in after this long.
# A send that has said 'sending' this long was interrupted (its worker died).
SENDING_STALE = timedelta(seconds=60)

Clock = Callable[[], datetime]


def add(
    session: Session,
    vault: Vault,
    *,
    line: Line,
    body: str,
    now: datetime,
    volunteer: Volunteer | None = None,
    contact: Contact | None = None,
    conversation_id: int | None = None,
    priority: Priority = Priority.NOTICE,
) -> Outbox:
    """Write one sealed text for a volunteer or a contact; it is sent once the caller commits."""
    if (volunteer is None) == (contact is None):
        raise ValueError("a text goes to exactly one volunteer or contact")
    recipient_key = volunteer.phone_key if volunteer is not None else contact.contact_key  # type: ignore[union-attr]
    row = Outbox(
        line_id=line.id,
        conversation_id=conversation_id,
        volunteer_id=volunteer.id if volunteer is not None else None,
        contact_id=contact.id if contact is not None else None,
        recipient_key=recipient_key,
        body_sealed=vault.seal(body),
        status=OutboxStatus.QUEUED,
        priority=int(priority),
        due_at=now + SWEEPER_GRACE,
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    return row


def enqueue_all(queue: JobQueue, outbox_ids: Iterable[int]) -> None:
    """Ask the queue to send each committed text; the sweeper covers any it cannot take."""
    for outbox_id in outbox_ids:
        queue.enqueue(SEND_OUTBOX, outbox_id)


def send(
    db: Database,
    vault: Vault,
    transport: Transport,
    outbox_id: int,
    clock: Clock,
    pacer: Pacer | None = None,
    recipient_key: str | None = None,
) -> None:
    """Send text `outbox_id` and any older queued texts to the same person, in order, once."""
    with db.pinned_session() as session:
        send_in(session, vault, transport, outbox_id, clock, pacer, recipient_key)


def send_in(
    session: Session,
    vault: Vault,
    transport: Transport,
    outbox_id: int,
    clock: Clock,
    pacer: Pacer | None = None,
    recipient_key: str | None = None,
) -> None:
    """`send` in a session that keeps its one connection (`Database.pinned_session`)."""
    if recipient_key is None:
        recipient_key = session.scalar(select(Outbox.recipient_key).where(Outbox.id == outbox_id))
    if recipient_key is None:
        return
    with key_lock(session, OUTBOX_RECIPIENT, recipient_key):
        waiting = session.execute(
            select(Outbox.id, Outbox.status, Outbox.priority)
            .where(
                Outbox.recipient_key == recipient_key,
                Outbox.status.in_((OutboxStatus.QUEUED, OutboxStatus.SENDING)),
            )
            .order_by(Outbox.id)
        ).all()
        # Holding this person's lock, no live worker can be mid-send to them: a text still
        # marked "sending" was cut off by a dead one. It goes again first, so order holds.
        cut_off = [row_id for row_id, status, _ in waiting if status == OutboxStatus.SENDING]
        if cut_off:
            session.execute(
                update(Outbox)
                .where(Outbox.id.in_(cut_off), Outbox.status == OutboxStatus.SENDING)
                .values(
                    status=OutboxStatus.QUEUED,
                    interrupted=True,
                    due_at=clock(),
                    updated_at=clock(),
                )
            )
            session.commit()
        batch = [(row_id, priority) for row_id, _, priority in waiting if row_id <= outbox_id]
        # Order per person holds, so older texts to them go at the most urgent one's priority.
        urgent = min((priority for _, priority in batch), default=Priority.NOTICE)
        for index, (row_id, _) in enumerate(batch):
            if not _send_one(session, vault, transport, row_id, clock, pacer, urgent):
                # Keep the person's texts in order: later ones wait for this one, and are
                # due when it is, so the sweeper sends them together.
                _due_with(session, row_id, [later for later, _ in batch[index + 1 :]])
                break


def _due_with(session: Session, held_id: int, later_ids: list[int]) -> None:
    """Texts held back only to keep a person's order become due with the text they wait for."""
    if not later_ids:
        return
    due = select(Outbox.due_at).where(Outbox.id == held_id).scalar_subquery()
    session.execute(
        update(Outbox)
        .where(Outbox.id.in_(later_ids), Outbox.status == OutboxStatus.QUEUED)
        .values(due_at=due)
    )
    session.commit()


def _send_one(
    session: Session,
    vault: Vault,
    transport: Transport,
    outbox_id: int,
    clock: Clock,
    pacer: Pacer | None = None,
    priority: int = Priority.NOTICE,
) -> bool:
    """Move one text queued → sending → sent/failed; False when it must be retried later."""
    # One session serves all of this person's texts: what an earlier one loaded is read afresh.
    session.expire_all()
    # The text, its line and its recipient in one round trip; the look-ups below find them here.
    # (Each entity of the row is loaded only when the whole row is taken, not with scalar().)
    found = session.execute(_TEXT_WITH_LINE_AND_RECIPIENT, {"outbox_id": outbox_id}).first()
    row = found[0] if found is not None else None
    if row is None or row.status != OutboxStatus.QUEUED:
        session.commit()
        return True
    now = clock()
    if row.attempts > 0 and row.due_at > now:
        session.commit()
        return False
    line = session.get_one(Line, row.line_id)
    recipient = _recipient(session, vault, row)
    if recipient is None or row.body_sealed is None:
        _finish(row, OutboxStatus.SUPPRESSED, now, error_code=None)
        session.commit()
        return True
    to_number, label = recipient
    body = vault.open(row.body_sealed)
    if pacer is not None and not _paced(session, row, pacer, segments(body), now, priority):
        return False
    row.status = OutboxStatus.SENDING
    row.attempts += 1
    row.updated_at = now
    session.commit()

    try:
        sid = transport.send(from_number=line.number, to_number=to_number, body=body, label=label)
    except SendError as exc:
        return _after_failure(session, vault, row, exc, clock(), pacer)
    row.twilio_sid = sid
    _finish(row, OutboxStatus.SENT, clock(), error_code=None)
    carrier_copies.remember(session, [sid], clock() + carrier_copies.SETTLE)
    session.commit()
    return True


# Built once: this runs for every text sent.
_TEXT_WITH_LINE_AND_RECIPIENT = (
    select(Outbox, Line, Volunteer, Contact)
    .outerjoin(Line, Line.id == Outbox.line_id)
    .outerjoin(Volunteer, Volunteer.id == Outbox.volunteer_id)
    .outerjoin(Contact, Contact.id == Outbox.contact_id)
    .where(Outbox.id == bindparam("outbox_id"))
)


def _paced(
    session: Session, row: Outbox, pacer: Pacer, cost: int, now: datetime, priority: int
) -> bool:
    """Spend the text's segments from its number's bucket; if it is empty the text waits."""
    pace = _pace(session, row, pacer)
    # The priority is the segments left for more urgent texts (rules.priority.Priority).
    wait = pacer.take(_sender(row), cost, now.timestamp(), pace, reserve=int(priority))
    if wait <= 0:
        return True
    # Still queued, never dropped: the sweeper sends it when due, and the person's later texts
    # wait behind it, so their order holds.
    metrics.SENDS_PACED.inc()
    row.due_at = now + timedelta(seconds=wait)
    row.updated_at = now
    session.commit()
    return False


def _sender(row: Outbox) -> str:
    """The bucket a text spends from: its line's number."""
    return f"line:{row.line_id}"


def _pace(session: Session, row: Outbox, pacer: Pacer) -> Pace:
    """The pace of the text's line: its own rate if it has one, else the pacer's default."""
    # Read each time, never cached: a rate set by `warmline line set` applies to the next text.
    line = session.get_one(Line, row.line_id)
    return pacer.pace.at_rate(line.send_rate_per_s)


def _after_failure(
    session: Session,
    vault: Vault,
    row: Outbox,
    exc: SendError,
    now: datetime,
    pacer: Pacer | None = None,
) -> bool:
    delay: timedelta | None
    if is_rate_limited(exc.error_code, exc.http_status):
        # Too many requests: the text is not at fault, so it never runs out of attempts (the
        # retention purge still expires it); its wait doubles, and its whole number waits too.
        delay = rate_limited_delay(row.attempts)
        if pacer is not None:
            pace = _pace(session, row, pacer)
            pacer.hold(_sender(row), delay.total_seconds(), now.timestamp(), pace)
    else:
        delay = retry_delay(row.attempts)
    if is_permanent(exc.error_code, exc.http_status) or delay is None:
        log.warning("outbox %s failed for good: error %s", row.id, exc.error_code)
        metrics.SEND_FAILURES.labels(outcome="failed").inc()
        _finish(row, OutboxStatus.FAILED, now, error_code=exc.error_code)
        _tell_peer_not_delivered(session, vault, row, now)
        session.commit()
        return True
    metrics.SEND_FAILURES.labels(outcome="retry").inc()
    log.info("outbox %s will retry in %ss: error %s", row.id, delay.seconds, exc.error_code)
    row.status = OutboxStatus.QUEUED
    row.error_code = exc.error_code
    row.due_at = now + delay
    row.updated_at = now
    session.commit()
    return False


def _finish(row: Outbox, status: OutboxStatus, now: datetime, error_code: int | None) -> None:
    """A terminal state: the sealed words are wiped."""
    row.status = status
    row.error_code = error_code
    row.body_sealed = None
    row.updated_at = now


def _recipient(session: Session, vault: Vault, row: Outbox) -> tuple[str, str] | None:
    """The number to send to and a label without it; None when we must not send."""
    if row.volunteer_id is not None:
        volunteer = session.get(Volunteer, row.volunteer_id)
        if volunteer is None or not volunteer.is_active:
            return None
        return vault.open(volunteer.phone_sealed), f"{volunteer.name} (volunteer)"
    contact = session.get(Contact, row.contact_id) if row.contact_id is not None else None
    if contact is None or contact.number_sealed is None or contact.opted_out_at is not None:
        return None
    return vault.open(contact.number_sealed), f"texter {contact.contact_key[:6]}"


def _tell_peer_not_delivered(session: Session, vault: Vault, row: Outbox, now: datetime) -> None:
    """A text to a texter failed for good: the peer in that conversation hears so, not silence."""
    if row.contact_id is None or row.conversation_id is None:
        return
    conversation = session.get(Conversation, row.conversation_id)
    if (
        conversation is None
        or conversation.status != ConversationStatus.ACTIVE
        or conversation.volunteer_id is None
    ):
        return
    volunteer = session.get(Volunteer, conversation.volunteer_id)
    if volunteer is None or not volunteer.is_active:
        return
    line = session.get_one(Line, row.line_id)
    language = wording.first_of(volunteer.languages, line.default_language)
    reason, reason_fields = failure_reason(row.error_code)
    why = wording.say(reason, language, **reason_fields)
    notice = add(
        session,
        vault,
        line=line,
        body=wording.say("texter_not_delivered", language, ref=conversation.ref, why=why),
        now=now,
        volunteer=volunteer,
        conversation_id=conversation.id,
    )
    notice.due_at = now  # no job carries it: the next sweep, within a second or so, sends it


def record_status(
    session: Session,
    vault: Vault,
    twilio_sid: str,
    reported: str,
    now: datetime,
    error_code: int | None = None,
) -> bool:
    """Apply a status callback if it moves the text forward; True when it changed anything."""
    row = session.scalar(select(Outbox).where(Outbox.twilio_sid == twilio_sid).with_for_update())
    if row is None:
        return False
    new_status = advanced_status(row.status, reported)
    if new_status is None:
        return False
    row.status = new_status
    row.updated_at = now
    if new_status in (OutboxStatus.UNDELIVERED, OutboxStatus.FAILED):
        row.error_code = error_code
        _tell_peer_not_delivered(session, vault, row, now)
    session.commit()
    return True


def recover_interrupted(session: Session, now: datetime) -> int:
    """Put texts whose send was cut off back in the queue, marked as possibly sent once already."""
    result = session.execute(
        update(Outbox)
        .where(Outbox.status == OutboxStatus.SENDING, Outbox.updated_at < now - SENDING_STALE)
        .values(status=OutboxStatus.QUEUED, interrupted=True, due_at=now, updated_at=now)
    )
    session.commit()
    return int(result.rowcount)  # type: ignore[attr-defined]


def due_ids(session: Session, now: datetime, limit: int = 200) -> list[int]:
    """Queued texts the queue has not sent in time (lost jobs, retries, Redis outages)."""
    return list(
        session.scalars(
            select(Outbox.id)
            .where(Outbox.status == OutboxStatus.QUEUED, Outbox.due_at <= now)
            .order_by(Outbox.id)
            .limit(limit)
        )
    )
