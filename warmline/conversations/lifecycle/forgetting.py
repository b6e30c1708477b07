"""FORGET, from a texter or a coordinator: close what is open, erase everything, say so."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from warmline.conversations.lifecycle import claims
from warmline.conversations.support import care
from warmline.core.crypto import Keyring, Vault
from warmline.core.jobqueue import DELETE_RECORDING
from warmline.messaging.outgoing import Turn
from warmline.models import Contact, Line, Volunteer
from warmline.privacy import erasure


@dataclass(frozen=True)
class NumberErased:
    """A coordinator's erasure: whether anything was held, the texts and jobs to queue."""

    anything: bool
    outbox_ids: list[int]
    jobs: list[tuple[str, int]]


def forget(turn: Turn, contact: Contact, keys: Sequence[str] = ()) -> erasure.Erased:
    """Close any open conversation, erase everything under the contact's keys, and tell them so."""
    return _forget(turn, [contact], [contact.contact_key, *keys])


def _forget(turn: Turn, contacts: Sequence[Contact], keys: Sequence[str]) -> erasure.Erased:
    """Close their open conversations, erase once under every key, then tell peers and them."""
    peers: list[tuple[Volunteer, str, bool]] = []
    for contact in contacts:
        open_conversation = claims.open_for_contact(turn.session, contact)
        if open_conversation is None:
            continue
        if open_conversation.volunteer_id is not None:
            volunteer = turn.session.get_one(Volunteer, open_conversation.volunteer_id)
            peers.append((volunteer, open_conversation.ref, care.was_hard(open_conversation)))
        claims.finish(turn, open_conversation, "forgotten")  # counted, anonymously
    erased = erasure.erase(turn.session, turn.line.id, list(dict.fromkeys(keys)), turn.now)
    turn.jobs.extend((DELETE_RECORDING, vm_id) for vm_id in erased.recordings)
    # Told after the erasure, which removes every queued text of the conversation.
    for volunteer, ref, hard in peers:
        turn.tell_volunteer(volunteer, "texter_forgotten", ref=ref)
        if hard:  # a hard conversation the texter ended still calls for the peer's care
            care.debrief(turn, volunteer, ref)
    for contact in contacts:
        # The number stays sealed only until this last text is sent; the purge then drops the row.
        contact.erase_requested_at = turn.now
        turn.tell_contact(contact, "forgotten")
    return erased


def erase_number(
    session: Session, vault: Vault, keyring: Keyring, line: Line, e164: str, now: datetime
) -> NumberErased:
    """A coordinator's "erase contact": as FORGET, under every configured key, contact row or not.

    A texter whose contact row remains is told, as FORGET tells them; one whose row the purge
    already dropped is not texted, since that would mean keeping their number again.
    """
    keys = keyring.keys_for(e164)
    contacts = session.scalars(
        select(Contact).where(Contact.line_id == line.id, Contact.contact_key.in_(keys))
    ).all()
    turn = Turn(session, vault, line, now)
    erased = _forget(turn, contacts, keys)
    session.flush()
    return NumberErased(bool(contacts) or erased.anything, turn.outbox_ids(), list(turn.jobs))
