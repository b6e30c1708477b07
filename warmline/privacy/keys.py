"""Key rotation: re-encrypt every sealed value under the newest data key; re-key every row we can.

A contact key is an HMAC of a number, so a row can move to the newest HMAC key only while the number
is still held somewhere (a contact's sealed number, an unprocessed text's sealed sender). Rows kept
after the number is purged (the contact log, consent answers) stay under the key they were filed
with; erasure and export look under every configured key, so keep older keys configured until the
log window has passed.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import LargeBinary, select, update
from sqlalchemy.orm import Session

from warmline.core.crypto import Keyring, Vault
from warmline.models import (
    Base,
    Call,
    ConsentRecord,
    Contact,
    ContactLogEntry,
    InboundMessage,
    Outbox,
    Volunteer,
)

BATCH = 500


@dataclass(frozen=True)
class Rotated:
    """How many sealed values were re-encrypted and how many numbers re-keyed."""

    sealed: int
    rekeyed: int


def rotate(session: Session, vault: Vault, keyring: Keyring) -> Rotated:
    """Re-encrypt every *_sealed column; move every row whose number we hold to the newest key."""
    sealed = 0
    for mapper in Base.registry.mappers:
        model = mapper.class_
        columns = [
            c
            for c in mapper.columns
            if isinstance(c.type, LargeBinary) and c.key.endswith("_sealed")
        ]
        primary = mapper.primary_key[0]
        for column in columns:
            rows = session.execute(select(primary, column).where(column.is_not(None))).all()
            for row_id, token in rows:
                session.execute(
                    update(model).where(primary == row_id).values({column.key: vault.rotate(token)})
                )
                sealed += 1
    rekeyed = 0
    for volunteer in session.scalars(select(Volunteer)).all():
        newest = keyring.key_for(vault.open(volunteer.phone_sealed))
        if volunteer.phone_key != newest:
            # Their texts still to send are addressed (and locked) by the key.
            session.execute(
                update(Outbox)
                .where(Outbox.volunteer_id == volunteer.id, Outbox.recipient_key != newest)
                .values(recipient_key=newest)
            )
            volunteer.phone_key = newest
            rekeyed += 1
    for contact in session.scalars(select(Contact).where(Contact.number_sealed.is_not(None))).all():
        assert contact.number_sealed is not None
        newest = keyring.key_for(vault.open(contact.number_sealed))
        if contact.contact_key != newest:
            rekey(session, contact.line_id, contact.contact_key, newest)
            contact.contact_key = newest
            rekeyed += 1
    rekeyed += _rekey_waiting_texts(session, vault, keyring)
    session.commit()
    return Rotated(sealed, rekeyed)


def _rekey_waiting_texts(session: Session, vault: Vault, keyring: Keyring) -> int:
    """Texts not processed yet still hold their sender sealed: file them under the newest key."""
    moved = 0
    rows = session.execute(
        select(InboundMessage.id, InboundMessage.sender_key, InboundMessage.sender_sealed).where(
            InboundMessage.sender_sealed.is_not(None)
        )
    ).all()
    for row_id, key, sender in rows:
        assert sender is not None
        newest = keyring.key_for(vault.open(sender))
        if key != newest:
            session.execute(
                update(InboundMessage).where(InboundMessage.id == row_id).values(sender_key=newest)
            )
            moved += 1
    return moved


def rekey(session: Session, line_id: int, old: str, new: str) -> None:
    """Move a contact's records from an older HMAC key to the newest."""
    for model, column in (
        (ConsentRecord, ConsentRecord.contact_key),
        (ContactLogEntry, ContactLogEntry.contact_key),
        (InboundMessage, InboundMessage.sender_key),
        (Outbox, Outbox.recipient_key),
        (Call, Call.caller_key),
    ):
        session.execute(
            update(model).where(model.line_id == line_id, column == old).values({column.key: new})
        )
