"""A coordinator's offers from the Now page: offer a waiting conversation again, or to one peer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from warmline.conversations.offering import offers
from warmline.core.crypto import Vault
from warmline.core.errors import InvalidInput
from warmline.core.jobqueue import JobQueue
from warmline.core.statuses import ConversationStatus
from warmline.lines import audit
from warmline.messaging import outbox
from warmline.messaging.outgoing import Turn
from warmline.models import Conversation, Coordinator, Line, Volunteer


@dataclass(frozen=True)
class Offered:
    """Who a coordinator's offer went to, by name."""

    ref: str
    names: list[str]


def peers_to_offer(session: Session, line: Line, now: datetime) -> list[Volunteer]:
    """Peers who could take a conversation now (on shift, ON, not resting, under their load)."""
    peers = offers.available_to_offer(session, line, now)
    return sorted(peers, key=lambda v: v.name.lower())


def reoffer_now(
    session: Session,
    vault: Vault,
    queue: JobQueue,
    line: Line,
    ref: str,
    actor: Coordinator,
    now: datetime,
) -> Offered:
    """Offer a waiting conversation again, now, to everyone available, as its timer would."""
    turn = Turn(session, vault, line, now)
    conversation = _waiting(turn, ref)
    peers = offers.offer_again(turn, conversation)
    if not peers:
        session.rollback()
        raise InvalidInput(
            "No peer is available right now: everyone on shift is busy, paused or OFF.",
            field="ref",
        )
    names = sorted((v.name for v in peers), key=str.lower)
    audit.record(
        session,
        actor,
        "re-offered conversation",
        f"#{conversation.ref} to {', '.join(names)}",
        now,
        line.id,
    )
    session.commit()
    outbox.enqueue_all(queue, turn.outbox_ids())
    return Offered(conversation.ref, names)


def offer_to_peer(
    session: Session,
    vault: Vault,
    queue: JobQueue,
    line: Line,
    ref: str,
    volunteer_id: int,
    actor: Coordinator,
    now: datetime,
) -> Offered:
    """Text one available peer the offer; they take it by replying, under the usual claim rules."""
    turn = Turn(session, vault, line, now)
    conversation = _waiting(turn, ref)
    peer = next(
        (v for v in offers.available_to_offer(session, line, now) if v.id == volunteer_id), None
    )
    if peer is not None and peer.id == conversation.skip_volunteer_id:
        name = peer.name
        session.rollback()
        raise InvalidInput(
            "The texter asked to talk to someone other than {name}: choose someone else.",
            field="volunteer",
            name=name,
        )
    if peer is None:
        chosen = session.get(Volunteer, volunteer_id)
        session.rollback()
        if chosen is None:
            raise InvalidInput(
                "That peer is no longer available (off shift, OFF, paused or at their limit): "
                "choose someone else.",
                field="volunteer",
            )
        raise InvalidInput(
            "{name} is no longer available (off shift, OFF, paused or at their limit): "
            "choose someone else.",
            field="volunteer",
            name=chosen.name,
        )
    offers.offer_to(turn, conversation, [peer])
    audit.record(
        session, actor, "offered conversation", f"#{conversation.ref} to {peer.name}", now, line.id
    )
    session.commit()
    outbox.enqueue_all(queue, turn.outbox_ids())
    return Offered(conversation.ref, [peer.name])


def _waiting(turn: Turn, ref: str) -> Conversation:
    """The line's conversation `ref`, locked, if it is still waiting; else a clear sentence."""
    ref = ref.strip().lstrip("#").upper()
    conversation = turn.session.scalar(
        select(Conversation)
        .where(
            Conversation.line_id == turn.line.id,
            Conversation.ref == ref,
            Conversation.status != ConversationStatus.CLOSED,
        )
        # Held until commit, so a peer's claim either lands first (and we say so) or after.
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if conversation is None:
        turn.session.rollback()
        raise InvalidInput("#{ref} has ended: there is nothing to offer.", field="ref", ref=ref)
    if conversation.status != ConversationStatus.WAITING:
        turn.session.rollback()
        raise InvalidInput("#{ref} was taken meanwhile: a peer has it now.", field="ref", ref=ref)
    return conversation
