"""Consent to the minimal contact log: versioned wording, answers, withdrawals."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from warmline.core.errors import InvalidInput
from warmline.lines import audit
from warmline.messaging import wording
from warmline.messaging.outgoing import Turn
from warmline.models import ConsentRecord, ConsentWording, Contact, Coordinator, Line

DEFAULT_WORDING = wording.say("consent_question")
ANSWERS = ("yes", "no", "withdrawn")


@dataclass(frozen=True)
class ConsentState:
    """Where a contact stands with the line's current wording."""

    consented: bool
    consent_version: int | None
    asked_current: bool
    answered_current: bool

    @property
    def pending(self) -> bool:
        """Asked the current wording and not yet answered it."""
        return self.asked_current and not self.answered_current


def text_hash(text: str) -> str:
    """The SHA-256 of a wording's exact text."""
    return hashlib.sha256(text.encode()).hexdigest()


def current_wording(
    session: Session, line: Line, now: datetime, language: str | None = None
) -> ConsentWording:
    """The line's newest wording in a language (None: the line's default); made when first needed.

    Version numbers count up per line, whatever the language, so a version names one text.
    """
    language = language or line.default_language
    newest = (
        select(ConsentWording)
        .where(ConsentWording.line_id == line.id, ConsentWording.language == language)
        .order_by(ConsentWording.version.desc())
        .limit(1)
    )
    found = session.scalar(newest)
    if found is not None:
        return found
    text = wording.say("consent_question", language)
    for _ in range(3):
        made = ConsentWording(
            line_id=line.id,
            version=_next_version(session, line),
            language=language,
            text=text,
            text_hash=text_hash(text),
            created_at=now,
        )
        try:
            with session.begin_nested():
                session.add(made)
            return made
        except IntegrityError:  # two first texts at once: another process took that version
            found = session.scalar(newest)
            if found is not None:
                return found
    raise RuntimeError("could not number the consent wording")  # pragma: no cover


def _next_version(session: Session, line: Line) -> int:
    highest = session.scalar(
        select(ConsentWording.version)
        .where(ConsentWording.line_id == line.id)
        .order_by(ConsentWording.version.desc())
        .limit(1)
    )
    return (highest or 0) + 1


def set_wording(
    session: Session, line: Line, text: str, now: datetime, language: str | None = None
) -> ConsentWording:
    """A new version when the text changes; the same version when it does not."""
    current = current_wording(session, line, now, language)
    cleaned = " ".join(text.split())
    if cleaned == current.text:
        return current
    if not cleaned or len(cleaned) > 600:
        raise InvalidInput("the consent wording must be 1 to 600 characters", "consent_wording")
    made = ConsentWording(
        line_id=line.id,
        version=_next_version(session, line),
        language=current.language,
        text=cleaned,
        text_hash=text_hash(cleaned),
        created_at=now,
    )
    session.add(made)
    session.flush()
    return made


def state(
    session: Session,
    line: Line,
    contact_keys: list[str],
    now: datetime,
    language: str | None = None,
) -> ConsentState:
    """The contact's consent: the latest answer decides; `asked` is about their language's text."""
    current = current_wording(session, line, now, language)
    records = session.execute(
        select(ConsentRecord.answer, ConsentRecord.version)
        .where(ConsentRecord.line_id == line.id, ConsentRecord.contact_key.in_(contact_keys))
        .order_by(ConsentRecord.recorded_at.desc(), ConsentRecord.id.desc())
    ).all()
    latest_answer = next(((a, v) for a, v in records if a in ANSWERS), None)
    return ConsentState(
        consented=latest_answer is not None and latest_answer[0] == "yes",
        consent_version=latest_answer[1] if latest_answer else None,
        asked_current=any(v == current.version for _, v in records),
        answered_current=any(a in ANSWERS and v == current.version for a, v in records),
    )


def asked_in(session: Session, line: Line, contact_keys: list[str]) -> str | None:
    """The language of the consent question last asked of the contact, if it was ever asked."""
    return session.scalar(
        select(ConsentWording.language)
        .join(
            ConsentRecord,
            (ConsentRecord.line_id == ConsentWording.line_id)
            & (ConsentRecord.version == ConsentWording.version),
        )
        .where(
            ConsentRecord.line_id == line.id,
            ConsentRecord.contact_key.in_(contact_keys),
            ConsentRecord.answer == "asked",
        )
        .order_by(ConsentRecord.recorded_at.desc(), ConsentRecord.id.desc())
        .limit(1)
    )


def record(
    session: Session,
    line: Line,
    contact_key: str,
    answer: str,
    now: datetime,
    method: str = "sms",
    language: str | None = None,
) -> ConsentRecord:
    """Record that the current wording (in `language`) was asked, answered, or withdrawn."""
    current = current_wording(session, line, now, language)
    entry = ConsentRecord(
        line_id=line.id,
        contact_key=contact_key,
        version=current.version,
        text_hash=current.text_hash,
        answer=answer,
        method=method,
        recorded_at=now,
    )
    session.add(entry)
    session.flush()
    return entry


def change_wording(
    session: Session,
    line: Line,
    text: str,
    actor: Coordinator,
    now: datetime,
    language: str | None = None,
) -> tuple[ConsentWording, bool]:
    """Save the consent question; different text is a new version. Returns it and if it changed."""
    before = current_wording(session, line, now, language).version
    try:
        saved = set_wording(session, line, text, now, language)
    except InvalidInput as exc:
        session.rollback()
        raise exc.at("consent_wording") from None
    changed = saved.version != before
    if changed:
        # The version, never the words: the audit log says who changed what, and when.
        audit.record(
            session, actor, "changed consent wording", f"version {saved.version}", now, line.id
        )
    session.commit()
    return saved, changed


def ask(turn: Turn, contact: Contact, conversation_id: int | None) -> bool:
    """Ask the consent question in the texter's language, once per version; True if asked."""
    if contact.opted_out_at is not None or contact.erase_requested_at is not None:
        return False
    language = turn.language_of(contact)
    keys = [contact.contact_key]
    if state(turn.session, turn.line, keys, turn.now, language).asked_current:
        return False
    question = current_wording(turn.session, turn.line, turn.now, language)
    record(turn.session, turn.line, contact.contact_key, "asked", turn.now, language=language)
    turn.text_contact(contact, question.text, conversation_id)
    return True
