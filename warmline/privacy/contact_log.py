"""What outlives a conversation: anonymous counts always, a log row only with consent."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import Insert

from warmline.core.db import insert_or_skip
from warmline.models import Call, Contact, ContactCount, ContactLogEntry, Conversation, Line
from warmline.privacy import consent


def record_end(session: Session, line: Line, conversation: Conversation, now: datetime) -> None:
    """Count the conversation; log its facts if the contact has said yes (and not withdrawn)."""
    if conversation.reopened_at is not None:
        _record_end_again(session, conversation, now)
        return
    _count(session, line, conversation)
    contact = session.get(Contact, conversation.contact_id) if conversation.contact_id else None
    if contact is None:
        return
    state = consent.state(session, line, [contact.contact_key], now)
    if not state.consented or state.consent_version is None:
        return
    _log(session, line, conversation, contact, state.consent_version, now)


def record_consented(session: Session, line: Line, contact: Contact, now: datetime) -> None:
    """YES after the closing text asked: log the conversation it closed, if not logged yet."""
    state = consent.state(session, line, [contact.contact_key], now)
    if not state.consented or state.consent_version is None:
        return
    logged = select(ContactLogEntry.id).where(ContactLogEntry.conversation_id == Conversation.id)
    latest = session.scalar(
        select(Conversation)
        .where(
            Conversation.line_id == line.id,
            Conversation.contact_id == contact.id,
            Conversation.closed_at.is_not(None),
            ~logged.exists(),
        )
        .order_by(Conversation.closed_at.desc())
        .limit(1)
    )
    if latest is not None and latest.closed_at is not None:
        _log(session, line, latest, contact, state.consent_version, latest.closed_at)


def _log(
    session: Session,
    line: Line,
    conversation: Conversation,
    contact: Contact,
    version: int,
    ended_at: datetime,
) -> None:
    wait = (
        int((conversation.claimed_at - conversation.created_at).total_seconds())
        if conversation.claimed_at
        else None
    )
    duration = (
        int((ended_at - conversation.claimed_at).total_seconds())
        if conversation.claimed_at
        else None
    )
    session.add(
        ContactLogEntry(
            line_id=line.id,
            channel=conversation.channel,
            started_at=conversation.created_at,
            ended_at=ended_at,
            first_response_wait_s=wait,
            duration_s=duration,
            volunteer_id=conversation.volunteer_id,
            outcome=conversation.outcome_tag
            if conversation.outcome_tag not in (None, "skipped")
            else conversation.outcome,
            crisis=conversation.crisis_at is not None,
            consent_version=version,
            contact_key=contact.contact_key,
            conversation_id=conversation.id,
        )
    )


def _record_end_again(session: Session, conversation: Conversation, now: datetime) -> None:
    """A reopened conversation closed again: counted once, its log row (if any) brought up to date."""
    duration = (
        int((now - conversation.claimed_at).total_seconds()) if conversation.claimed_at else None
    )
    session.execute(
        update(ContactLogEntry)
        .where(ContactLogEntry.conversation_id == conversation.id)
        .values(
            ended_at=now,
            duration_s=duration,
            crisis=conversation.crisis_at is not None,
        )
    )


def tag(session: Session, conversation: Conversation, outcome_tag: str | None) -> None:
    """The volunteer's outcome tag, on the conversation and its log row if there is one."""
    conversation.outcome_tag = outcome_tag or "skipped"
    if outcome_tag:
        session.execute(
            update(ContactLogEntry)
            .where(ContactLogEntry.conversation_id == conversation.id)
            .values(outcome=outcome_tag)
        )


def _count(session: Session, line: Line, conversation: Conversation) -> None:
    """Add one conversation to the day's anonymous counts."""
    _add_count(
        session,
        line,
        conversation.created_at,
        conversation.channel,
        answered=conversation.claimed_at is not None,
        crisis=conversation.crisis_at is not None,
    )


def record_call(session: Session, line: Line, call: Call, now: datetime) -> None:
    """Count a finished call; log it if the caller has said yes by text (and not withdrawn)."""
    answered = call.outcome in ("answered", "forwarded")
    _add_count(session, line, call.started_at, "voice", answered=answered, crisis=False)
    contact = session.get(Contact, call.contact_id) if call.contact_id else None
    if contact is None:
        return
    state = consent.state(session, line, [contact.contact_key], now)
    if not state.consented or state.consent_version is None:
        return
    wait = int((call.connected_at - call.started_at).total_seconds()) if call.connected_at else None
    session.add(
        ContactLogEntry(
            line_id=line.id,
            channel="voice",
            started_at=call.started_at,
            ended_at=call.ended_at or now,
            first_response_wait_s=wait,
            duration_s=call.duration_s,
            volunteer_id=call.volunteer_id,
            outcome=call.outcome,
            crisis=False,
            consent_version=state.consent_version,
            contact_key=contact.contact_key,
        )
    )


def _add_count(
    session: Session, line: Line, started: datetime, channel: str, answered: bool, crisis: bool
) -> None:
    """Add one to the day's anonymous counts, safely across processes."""
    # The line's own calendar day, so the statistics' days match the line's clock.
    day = started.astimezone(ZoneInfo(line.timezone)).date()
    dialect = session.get_bind().dialect.name
    insert = insert_or_skip(dialect)
    statement = insert(ContactCount).values(
        line_id=line.id,
        day=day,
        channel=channel,
        contacts=1,
        answered=int(answered),
        crisis=int(crisis),
    )
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["line_id", "day", "channel"],
            set_={
                "contacts": ContactCount.contacts + 1,
                "answered": ContactCount.answered + int(answered),
                "crisis": ContactCount.crisis + int(crisis),
            },
        )
    )


def count_text_received(session: Session, line: Line, now: datetime) -> None:
    """One more text from a texter on the line's day, in the anonymous counts (never whose)."""
    day = now.astimezone(ZoneInfo(line.timezone)).date()
    statement = _text_received_statement(session.get_bind().dialect.name)
    session.execute(statement, {"line_id": line.id, "day": day})


@cache
def _text_received_statement(dialect: str) -> Insert:
    """The upsert counting one text, built once per dialect: every text received runs it."""
    insert = insert_or_skip(dialect)
    statement = insert(ContactCount).values(
        line_id=bindparam("line_id"),
        day=bindparam("day"),
        channel="sms",
        contacts=0,
        answered=0,
        crisis=0,
        texts_received=1,
    )
    return statement.on_conflict_do_update(
        index_elements=["line_id", "day", "channel"],
        set_={"texts_received": ContactCount.texts_received + 1},
    )


def log_rows(session: Session, line: Line, contact_key: str) -> list[ContactLogEntry]:
    """The consented log rows of one contact (for export)."""
    return list(
        session.scalars(
            select(ContactLogEntry)
            .where(ContactLogEntry.line_id == line.id, ContactLogEntry.contact_key == contact_key)
            .order_by(ContactLogEntry.started_at)
        )
    )
