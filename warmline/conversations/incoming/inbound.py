"""Inbound texts: stored at once by the webhook, processed in order per sender by a job."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    LargeBinary,
    Select,
    String,
    bindparam,
    cast,
    func,
    literal,
    literal_column,
    select,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import Insert

from warmline.conversations.incoming import texters, volunteer_texts
from warmline.core import metrics, phones
from warmline.core.crypto import Keyring, Vault
from warmline.core.db import Database, insert_or_skip
from warmline.core.jobqueue import INBOUND_CHANNEL, PROCESS_INBOUND, SWEEPER_GRACE, JobQueue
from warmline.core.locks import INBOUND_SENDER, key_lock
from warmline.lines import blocks
from warmline.messaging import carrier_copies, outbox
from warmline.messaging.outgoing import OWN_TEXT_COLUMNS, OWN_TEXTS_JOIN, turn_with_texts
from warmline.models import Contact, InboundMessage, Line, LineText, UTCDateTime, Volunteer

log = logging.getLogger(__name__)

# An event the queue has not processed this long after arrival is the sweeper's to process.


@dataclass(frozen=True)
class InboundSms:
    """The parts of Twilio's incoming-message webhook we use, already cleaned."""

    message_sid: str
    sender: str
    to: str
    body: str


def receive(
    db: Database,
    keyring: Keyring,
    vault: Vault,
    queue: JobQueue,
    sms: InboundSms,
    now: datetime,
    announced: bool = False,
) -> bool:
    """Store a text once per MessageSid, then try to queue it; False when `To` is not our line.

    The row is committed before this returns, so it is kept before Twilio hears a 200. When
    `announced`, the insert itself tells PostgreSQL's listeners (a worker queues the job) and
    nothing is queued here.
    """
    line_id = _line_id(db, sms.to, now)
    if line_id is None:
        return False
    values = {
        "sid": sms.message_sid,
        "line_id": line_id,
        "key": keyring.key_for(sms.sender),
        "sender": vault.seal(sms.sender),
        "body": vault.seal(sms.body),
        "at": now,
    }
    statement = _insert_statement(db.engine.dialect.name, announced)
    try:
        event_id: int | None = db.write_returning(statement, values)
    except IntegrityError:
        # The kept line id is stale (the line was removed and added again): ask once more.
        _line_ids.pop(sms.to, None)
        line_id = _line_id(db, sms.to, now)
        if line_id is None:
            return False
        event_id = db.write_returning(statement, values | {"line_id": line_id})
    if event_id is not None and not announced:  # None: Twilio sent it before, and it is kept
        queue.enqueue(PROCESS_INBOUND, event_id)
    return True


# The webhook's hot path: a line's id by its number rarely changes, so each process keeps it
# for a short while (the database stays the truth; an unknown number is always asked again).
LINE_ID_TTL = timedelta(seconds=60)
_line_ids: dict[str, tuple[int, datetime]] = {}


def _line_id(db: Database, number: str, now: datetime) -> int | None:
    known = _line_ids.get(number)
    if known is not None and now - known[1] < LINE_ID_TTL:
        return known[0]
    with db.session() as session:
        line_id = session.scalar(select(Line.id).where(Line.number == number))
    if line_id is not None:
        _line_ids[number] = (line_id, now)
    return line_id


@cache
def _insert_statement(dialect: str, announced: bool) -> Insert | Select[tuple[int, Any]]:
    """The de-duplicating insert, built once per dialect (SQLAlchemy caches its compiled form).

    Announced, it is wrapped so that a row actually inserted is also announced on PostgreSQL's
    INBOUND_CHANNEL by id, in the same statement; a MessageSid already kept announces nothing.
    """
    insert = insert_or_skip(dialect)
    stored = (
        insert(InboundMessage)
        .values(
            message_sid=bindparam("sid"),
            line_id=bindparam("line_id"),
            sender_key=bindparam("key"),
            sender_sealed=bindparam("sender", type_=LargeBinary),
            body_sealed=bindparam("body", type_=LargeBinary),
            received_at=bindparam("at", type_=UTCDateTime()),
        )
        .on_conflict_do_nothing(index_elements=["message_sid"])
        .returning(InboundMessage.id)
    )
    if not announced:
        return stored
    row = stored.cte("stored")
    # The channel is a constant, written into the SQL: the driver's values are the text's alone.
    channel: ColumnElement[str] = literal_column(f"'{INBOUND_CHANNEL}'")
    return select(row.c.id, func.pg_notify(channel, cast(row.c.id, String)))


Clock = Callable[[], datetime]


def process(
    db: Database,
    vault: Vault,
    queue: JobQueue,
    event_id: int,
    clock: Clock,
    keyring: Keyring | None = None,
) -> None:
    """Process text `event_id` and every other unprocessed text from its sender, in order."""
    with db.pinned_session() as session:
        found = session.execute(
            select(InboundMessage.line_id, InboundMessage.sender_key).where(
                InboundMessage.id == event_id
            )
        ).first()
        if found is None:
            return
        line_id, sender_key = found
        with key_lock(session, INBOUND_SENDER, sender_key):
            pending = session.scalars(
                select(InboundMessage.id)
                .where(
                    InboundMessage.line_id == line_id,
                    InboundMessage.sender_key == sender_key,
                    InboundMessage.processed_at.is_(None),
                )
                # Twilio's order, not the table's: a text kept in Redis during a database
                # outage is stored after later ones but still goes first.
                .order_by(InboundMessage.received_at, InboundMessage.id)
            ).all()
            for pending_id in pending:
                outbox_ids, jobs = _process_one(session, vault, pending_id, clock(), keyring)
                outbox.enqueue_all(queue, outbox_ids)
                for job, job_id in jobs:
                    queue.enqueue(job, job_id)


def _process_one(
    session: Session, vault: Vault, event_id: int, now: datetime, keyring: Keyring | None
) -> tuple[list[int], list[tuple[str, int]]]:
    """Handle one text exactly once, committing; returns the outbox rows it wrote, other jobs."""
    # One session serves every text of this sender: what an earlier one loaded is read afresh.
    session.expire_all()
    rows = session.execute(_MESSAGE_WITH_LINE, {"event_id": event_id}).all()
    message = rows[0][0] if rows else None
    if message is None or message.processed_at is not None:
        session.commit()
        return [], []
    line = rows[0][1]
    turn = turn_with_texts(session, vault, line, now, [row[2:] for row in rows])
    assert message.sender_sealed is not None and message.body_sealed is not None
    sender = vault.open(message.sender_sealed)
    body = vault.open(message.body_sealed)
    # After an HMAC key rotation a known number may still carry its key under an older one.
    keys = keyring.keys_for(sender) if keyring is not None else [message.sender_key]
    if message.sender_key not in keys:
        keys = [message.sender_key, *keys]
    volunteer, contact, blocked = _who_sent(session, line.id, keys)
    if volunteer is not None and volunteer.phone_key != message.sender_key:
        volunteer.phone_key = message.sender_key
    if volunteer is not None:
        volunteer_texts.handle(turn, volunteer, body)
        message.body_sealed = None
    elif blocked:
        # A coordinator blocked this number on the line: counted, answered with nothing,
        # offered to no peer.
        log.info("text %s is from a number blocked on line %s: sent nowhere", event_id, line.id)
        metrics.TEXTS_BLOCKED.inc()
        message.body_sealed = None
    elif not phones.can_take_texts(sender):
        # A short code or sender id: no person, and neither a greeting nor a peer's reply can
        # reach it, so no peer is offered a conversation nobody can answer.
        log.info("text %s is from a sender that cannot take replies: offered to nobody", event_id)
        metrics.TEXTS_NOT_ROUTED.inc()
        message.body_sealed = None
    elif texters.handle(turn, message, sender, body, keys, known=contact) is texters.Erased:
        session.commit()  # FORGET: this message went with everything else
        return turn.outbox_ids(), turn.jobs
    elif message.conversation_id is None:  # a keyword, not words for a peer
        message.body_sealed = None
    message.sender_sealed = None
    message.processed_at = now
    carrier_copies.remember(session, [message.message_sid], now + carrier_copies.SETTLE)
    session.commit()
    return turn.outbox_ids(), turn.jobs


# Built once: the text, locked, with its line and the line's own texts (a row for each).
_MESSAGE_WITH_LINE = (
    select(InboundMessage, Line, *OWN_TEXT_COLUMNS)
    .join(Line, Line.id == InboundMessage.line_id)
    .outerjoin(LineText, OWN_TEXTS_JOIN)
    .where(InboundMessage.id == bindparam("event_id"))
    .with_for_update(of=InboundMessage)
)


def _who_sent(
    session: Session, line_id: int, keys: list[str]
) -> tuple[Volunteer | None, Contact | None, bool]:
    """The sender as an active volunteer, as the line's contact, and whether blocked on the line.

    One round trip for what every text needs to know before it is routed.
    """
    found = session.execute(_WHO_SENT, {"line_id": line_id, "keys": keys}).one()
    return found[0], found[1], bool(found[2])


_ONE_ROW = select(literal(1).label("one")).subquery()
# Built once, with its values bound: every text runs it.
_WHO_SENT = (
    select(
        Volunteer,
        Contact,
        blocks.blocked(bindparam("line_id"), bindparam("keys", expanding=True)),
    )
    .select_from(_ONE_ROW)
    .outerjoin(
        Volunteer,
        Volunteer.phone_key.in_(bindparam("keys", expanding=True)) & Volunteer.is_active,
    )
    .outerjoin(
        Contact,
        (Contact.line_id == bindparam("line_id"))
        & Contact.contact_key.in_(bindparam("keys", expanding=True)),
    )
    # The oldest contact when a key rotation left the number known twice.
    .order_by(Contact.id)
    .limit(1)
)


def stranded_ids(
    session: Session, now: datetime, limit: int = 200, grace: timedelta = SWEEPER_GRACE
) -> list[int]:
    """Texts stored `grace` ago or earlier and not processed: their job was lost or never made."""
    return list(
        session.scalars(
            select(InboundMessage.id)
            .where(
                InboundMessage.processed_at.is_(None),
                InboundMessage.received_at <= now - grace,
            )
            .order_by(InboundMessage.id)
            .limit(limit)
        )
    )
