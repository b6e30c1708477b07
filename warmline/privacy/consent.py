"""Consent to the minimal contact log: versioned wording, answers, withdrawals."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from warmline.core.errors import InvalidInput, sentence
from warmline.lines import audit
from warmline.models import ConsentRecord, ConsentWording, Coordinator, Line

DEFAULT_WORDING = (
    "May we keep a small record of this contact to improve the line: the times and how it "
    "went, never your words or your number? Reply YES or NO; your answer changes nothing "
    "about the support you get. Text FORGET any time to erase what we keep."
)
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


def current_wording(session: Session, line: Line, now: datetime) -> ConsentWording:
    """The line's newest wording; the default becomes version 1 the first time it is needed."""
    newest = (
        select(ConsentWording)
        .where(ConsentWording.line_id == line.id)
        .order_by(ConsentWording.version.desc())
        .limit(1)
    )
    wording = session.scalar(newest)
    if wording is None:
        wording = ConsentWording(
            line_id=line.id,
            version=1,
            text=DEFAULT_WORDING,
            text_hash=text_hash(DEFAULT_WORDING),
            created_at=now,
        )
        try:
            with session.begin_nested():
                session.add(wording)
        except IntegrityError:  # two first texts at once: another process made version 1
            found = session.scalar(newest)
            assert found is not None
            wording = found
    return wording


def set_wording(session: Session, line: Line, text: str, now: datetime) -> ConsentWording:
    """A new version when the text changes; the same version when it does not."""
    current = current_wording(session, line, now)
    cleaned = " ".join(text.split())
    if cleaned == current.text:
        return current
    if not cleaned or len(cleaned) > 600:
        raise ValueError("the consent wording must be 1 to 600 characters")
    wording = ConsentWording(
        line_id=line.id,
        version=current.version + 1,
        text=cleaned,
        text_hash=text_hash(cleaned),
        created_at=now,
    )
    session.add(wording)
    session.flush()
    return wording


def state(session: Session, line: Line, contact_keys: list[str], now: datetime) -> ConsentState:
    """The contact's consent: the latest answer decides; `asked` says whether to ask again."""
    current = current_wording(session, line, now)
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


def record(
    session: Session, line: Line, contact_key: str, answer: str, now: datetime, method: str = "sms"
) -> ConsentRecord:
    """Record that the current wording was asked, answered, or withdrawn."""
    wording = current_wording(session, line, now)
    entry = ConsentRecord(
        line_id=line.id,
        contact_key=contact_key,
        version=wording.version,
        text_hash=wording.text_hash,
        answer=answer,
        method=method,
        recorded_at=now,
    )
    session.add(entry)
    session.flush()
    return entry


def change_wording(
    session: Session, line: Line, text: str, actor: Coordinator, now: datetime
) -> tuple[ConsentWording, bool]:
    """Save the consent question; different text is a new version. Returns it and if it changed."""
    before = current_wording(session, line, now).version
    try:
        wording = set_wording(session, line, text, now)
    except ValueError as exc:
        session.rollback()
        raise InvalidInput(sentence(str(exc)), field="consent_wording") from None
    changed = wording.version != before
    if changed:
        # The version, never the words: the audit log says who changed what, and when.
        audit.record(
            session, actor, "changed consent wording", f"version {wording.version}", now, line.id
        )
    session.commit()
    return wording, changed
