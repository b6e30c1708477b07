"""A call's rows: looked up by sid, locked, its steps and attempts, its caller's number while needed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from warmline.core import phones
from warmline.core.crypto import Keyring, Vault
from warmline.models import (
    Call,
    CallLeg,
    CallStep,
    Contact,
    Conversation,
    Line,
    Voicemail,
    Volunteer,
)
from warmline.voice.rules.calls import (
    Attempt,
    is_hidden_caller,
)


def forget_number_if_unneeded(session: Session, contact_id: int | None) -> None:
    """Drop a caller's sealed number once no call of theirs still needs it.

    A call keeps its link to the caller only while pending (ringing, or a voicemail open), so a
    linked call means the number is needed. Texters' numbers are the texting side's to keep.
    """
    if contact_id is None:
        return
    needed = session.scalar(
        select(func.count()).select_from(Call).where(Call.contact_id == contact_id)
    ) or session.scalar(
        select(func.count()).select_from(Conversation).where(Conversation.contact_id == contact_id)
    )
    if not needed:
        session.execute(update(Contact).where(Contact.id == contact_id).values(number_sealed=None))


def caller_number(session: Session, vault: Vault, call: Call) -> str | None:
    """The caller's number, opened from their contact, when we still keep it."""
    if call.contact_id is None:
        return None
    sealed = session.scalar(select(Contact.number_sealed).where(Contact.id == call.contact_id))
    return vault.open(sealed) if sealed is not None else None


def release_contact(session: Session, call: Call) -> None:
    """Once no voicemail of the call is open, drop the call's link to its caller, and the number
    too when nothing else needs it: callers give no consent to a contact log."""
    if call.contact_id is None:
        return
    open_voicemail = session.scalar(
        select(Voicemail.id).where(Voicemail.call_id == call.id, Voicemail.handled_at.is_(None))
    )
    if open_voicemail is not None:
        return
    contact_id = call.contact_id
    call.contact_id = None
    session.flush()
    forget_number_if_unneeded(session, contact_id)


def attempts_of(session: Session, call: Call) -> list[Attempt]:
    """The call's dials so far, in order."""
    legs = session.scalars(
        select(CallLeg).where(CallLeg.call_id == call.id).order_by(CallLeg.step, CallLeg.id)
    ).all()
    by_step: dict[int, list[CallLeg]] = {}
    for leg in legs:
        by_step.setdefault(leg.step, []).append(leg)
    return [
        Attempt(
            group[0].tier,
            tuple(leg.volunteer_id for leg in group),
            frozenset(leg.volunteer_id for leg in group if leg.screened_at is not None),
        )
        for _, group in sorted(by_step.items())
    ]


def contact_for_caller(
    session: Session, keyring: Keyring, vault: Vault, line: Line, raw_from: str, now: datetime
) -> Contact | None:
    """The caller as a contact with their number sealed; None when the number is hidden."""
    if is_hidden_caller(raw_from):
        return None
    try:
        number = phones.normalise(raw_from, line.region)
    except phones.InvalidNumber:
        return None
    key = keyring.key_for(number)
    contact = session.scalar(
        select(Contact).where(Contact.line_id == line.id, Contact.contact_key == key)
    )
    if contact is None:
        contact = Contact(line_id=line.id, contact_key=key, created_at=now)
        session.add(contact)
    contact.number_sealed = vault.seal(number)
    session.flush()
    return contact


def has_number(session: Session, call: Call) -> bool:
    """True while we keep the caller's number (so a call-back is possible)."""
    if call.contact_id is None:
        return False
    sealed = session.scalar(select(Contact.number_sealed).where(Contact.id == call.contact_id))
    return sealed is not None


def volunteer_numbers(session: Session, vault: Vault, ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.execute(
        select(Volunteer.id, Volunteer.phone_sealed).where(Volunteer.id.in_(ids))
    ).all()
    return {vid: vault.open(sealed) for vid, sealed in rows}


def call_by_sid(session: Session, call_sid: str) -> Call | None:
    return session.scalar(select(Call).where(Call.call_sid == call_sid))


def call_step(session: Session, call_id: int, step: int) -> CallStep | None:
    return session.scalar(
        select(CallStep).where(CallStep.call_id == call_id, CallStep.step == step)
    )


def locked_call(session: Session, call_id: int, call_sid: str) -> Call | None:
    """The call, locked for this transaction; None when `call_sid` names another call."""
    call = session.scalar(
        select(Call)
        .where(Call.id == call_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if call is None or (call_sid and call_sid != call.call_sid):
        return None
    return call
