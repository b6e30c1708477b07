"""Conversations: open, claim, relay, pass and close."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from warmline.conversations.lifecycle import timers
from warmline.conversations.offering import offers
from warmline.conversations.offering.offer_wording import joined_text as _joined_text
from warmline.conversations.rules import floods
from warmline.conversations.support import care
from warmline.core.statuses import ConversationStatus
from warmline.lines.rules.settings import outcome_tags
from warmline.messaging.outgoing import Turn
from warmline.messaging.rules.refs import REF_ATTEMPTS, new_ref
from warmline.models import Contact, Conversation, InboundMessage, Offer, Volunteer
from warmline.privacy import consent, contact_log

TAG_WINDOW = timedelta(hours=1)


def open_for_contact(session: Session, contact: Contact) -> Conversation | None:
    """The contact's waiting or active conversation, locked for this transaction."""
    return session.scalar(
        select(Conversation)
        .where(
            Conversation.contact_id == contact.id, Conversation.status != ConversationStatus.CLOSED
        )
        .order_by(Conversation.id.desc())
        .limit(1)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def start(turn: Turn, contact: Contact) -> Conversation:
    """A new waiting conversation with a reference no other open conversation on the line has."""
    in_use = set(
        turn.session.scalars(
            select(Conversation.ref).where(
                Conversation.line_id == turn.line.id,
                Conversation.status != ConversationStatus.CLOSED,
            )
        )
    )
    for _ in range(REF_ATTEMPTS):
        ref = new_ref()
        if ref in in_use:
            continue
        conversation = Conversation(
            line_id=turn.line.id,
            contact_id=contact.id,
            ref=ref,
            status=ConversationStatus.WAITING,
            created_at=turn.now,
            waiting_since=turn.now,
            last_activity_at=turn.now,
        )
        try:
            with turn.session.begin_nested():
                turn.session.add(conversation)
        except IntegrityError:
            in_use.add(ref)  # another process took it a moment ago
            continue
        timers.schedule_waiting(turn.session, turn.line, conversation, turn.now)
        return conversation
    raise RuntimeError("no free conversation reference on this line")


def claim(turn: Turn, volunteer: Volunteer, ref: str) -> None:
    """Give conversation `ref` to `volunteer` if it is still waiting: exactly one claim wins."""
    conversation = _open_by_ref(turn, ref)
    if conversation is None:
        turn.tell_volunteer(volunteer, "unknown_ref", ref=ref)
        return
    if conversation.volunteer_id == volunteer.id:
        turn.tell_volunteer(volunteer, "already_yours", conversation.id, ref=ref)
        return
    if conversation.skip_volunteer_id == volunteer.id:
        turn.tell_volunteer(volunteer, "already_taken", ref=ref)  # they asked for someone new
        return
    count = len(active_for(turn.session, volunteer))
    if count >= turn.line.max_active_per_volunteer:
        turn.tell_volunteer(volunteer, "at_capacity", count=count, ref=ref)
        return
    won = turn.session.execute(
        update(Conversation)
        .where(
            Conversation.id == conversation.id, Conversation.status == ConversationStatus.WAITING
        )
        .values(
            status=ConversationStatus.ACTIVE,
            volunteer_id=volunteer.id,
            claimed_at=turn.now,
            last_activity_at=turn.now,
        )
    )
    if won.rowcount != 1:  # type: ignore[attr-defined]
        turn.tell_volunteer(volunteer, "already_taken", ref=ref)
        return
    turn.session.refresh(conversation)
    timers.cancel(turn.session, conversation.id, turn.now, "claimed")
    conversation.head_start_until = None  # taken: a later PASS offers it to everyone
    timers.schedule_idle(turn.session, turn.line, conversation, turn.now)
    turn.tell_volunteer(volunteer, "claimed", conversation.id, ref=ref)
    contact = contact_of(turn.session, conversation)
    if contact is not None:
        joined = _joined_text(turn, conversation, volunteer, turn.language_of(contact))
        turn.text_contact(contact, joined, conversation.id)
    relay_held(turn, conversation, volunteer)
    for other in _offered(turn.session, conversation, exclude=volunteer.id):
        turn.tell_volunteer(other, "taken", conversation.id, ref=ref)


def relay_held(
    turn: Turn, conversation: Conversation, volunteer: Volunteer, together: bool = False
) -> int:
    """Pass the texter's waiting words to the volunteer, oldest first, and wipe them.

    `together` sends them as one relay (a flood's gathered texts), as does a backlog longer than
    a flood; returns how many there were.
    """
    turn.session.flush()  # a text being handled right now is among them
    held = turn.session.scalars(
        select(InboundMessage)
        .where(
            InboundMessage.conversation_id == conversation.id,
            InboundMessage.relayed_at.is_(None),
            InboundMessage.body_sealed.is_not(None),
        )
        .order_by(InboundMessage.received_at, InboundMessage.id)
        .with_for_update()
    ).all()
    texts = []
    for message in held:
        assert message.body_sealed is not None
        texts.append(turn.vault.open(message.body_sealed))
        message.body_sealed = None
        message.relayed_at = turn.now
    together = together or floods.is_flood(len(texts))
    for text in [floods.gathered(texts)] if together and texts else texts:
        turn.relay_to_volunteer(volunteer, conversation.ref, text, conversation.id)
    return len(texts)


def close(
    turn: Turn,
    volunteer: Volunteer,
    conversation: Conversation,
    outcome: str = "done",
    ask_consent: bool = True,
) -> None:
    """Close an active conversation: a kind goodbye to the texter, thanks to the volunteer.

    The goodbye brings the consent question (once per version) unless another question follows
    or the conversation had crisis words; a later, calmer goodbye asks it then.
    """
    finish(turn, conversation, outcome)
    contact = contact_of(turn.session, conversation)
    if contact is not None:
        turn.tell_contact(contact, "closing", conversation.id)
        # The calm moment to ask (routing never waited for the answer); not after crisis words.
        if ask_consent and conversation.crisis_at is None:
            consent.ask(turn, contact, conversation.id)
    key = "closed_idle" if outcome == "idle" else "closed_for_volunteer"
    turn.tell_volunteer(volunteer, key, conversation.id, ref=conversation.ref)
    tags = outcome_tags(turn.line.outcome_tags)
    if tags and conversation.outcome_tag is None:  # a reopened one may be tagged already
        conversation.tag_asked_at = turn.now
        # Still talking to someone: a bare word would read as words for them, so ask for TAG.
        busy = active_for(turn.session, volunteer, turn.line.id)
        key = "tag_question_busy" if busy else "tag_question"
        turn.tell_volunteer(
            volunteer,
            key,
            conversation.id,
            ref=conversation.ref,
            tags=", ".join(tags),
            first=tags[0],
        )
    care.after_close(turn, volunteer, conversation)
    turn.session.flush()
    offers.offer_next_to(turn, volunteer)


def finish(turn: Turn, conversation: Conversation, outcome: str) -> None:
    """Every ending: closed, deadlines retired, held words wiped, counted and (with consent) logged."""
    if (
        conversation.status == ConversationStatus.ACTIVE
        and conversation.volunteer_id is not None
        and outcome != "forgotten"
    ):
        # A flood's gathered texts were written before the end: they still reach the peer.
        volunteer = turn.session.get_one(Volunteer, conversation.volunteer_id)
        relay_held(turn, conversation, volunteer, together=True)
    conversation.status = ConversationStatus.CLOSED
    conversation.closed_at = turn.now
    conversation.outcome = outcome
    timers.cancel(turn.session, conversation.id, turn.now, outcome)
    turn.session.execute(
        update(InboundMessage)
        .where(
            InboundMessage.conversation_id == conversation.id, InboundMessage.relayed_at.is_(None)
        )
        .values(body_sealed=None)
    )
    turn.session.flush()
    contact_log.record_end(turn.session, turn.line, conversation, turn.now)


def pass_back(turn: Turn, volunteer: Volunteer, conversation: Conversation) -> None:
    """Return an active conversation to the queue and offer it to the others."""
    conversation.status = ConversationStatus.WAITING
    conversation.volunteer_id = None
    conversation.claimed_at = None
    conversation.waiting_since = turn.now
    timers.cancel(turn.session, conversation.id, turn.now, "passed")
    timers.schedule_waiting(turn.session, turn.line, conversation, turn.now)
    turn.session.execute(delete(Offer).where(Offer.conversation_id == conversation.id))
    turn.tell_volunteer(volunteer, "passed_for_volunteer", conversation.id, ref=conversation.ref)
    contact = contact_of(turn.session, conversation)
    if contact is not None:
        turn.tell_contact(contact, "passed_to_texter", conversation.id)
    turn.session.flush()
    offers.offer(turn, conversation, exclude=[volunteer.id])


def close_unanswered(turn: Turn, conversation: Conversation, outcome: str) -> None:
    """Close a conversation no peer took (the line closed): a kind message with the hours."""
    finish(turn, conversation, outcome)
    contact = contact_of(turn.session, conversation)
    if contact is not None:
        turn.tell_contact(contact, "closing_time", conversation.id)


def end_by_texter(turn: Turn, conversation: Conversation, outcome: str) -> None:
    """The texter opted out or asked to be forgotten: close and tell the volunteer, if any."""
    finish(turn, conversation, outcome)
    if conversation.volunteer_id is not None:
        volunteer = turn.session.get_one(Volunteer, conversation.volunteer_id)
        key = "texter_opted_out" if outcome == "opted_out" else "texter_forgotten"
        turn.tell_volunteer(volunteer, key, conversation.id, ref=conversation.ref)
        care.after_close(turn, volunteer, conversation)  # the peer is cared for all the same


def active_for(
    session: Session, volunteer: Volunteer, line_id: int | None = None
) -> list[Conversation]:
    """The volunteer's active conversations, oldest first, on one line or all."""
    query = select(Conversation).where(
        Conversation.volunteer_id == volunteer.id, Conversation.status == ConversationStatus.ACTIVE
    )
    if line_id is not None:
        query = query.where(Conversation.line_id == line_id)
    return list(session.scalars(query.order_by(Conversation.id)))


def awaiting_tag(
    session: Session, volunteer: Volunteer, line_id: int, now: datetime
) -> Conversation | None:
    """The volunteer's conversation closed in the last hour whose outcome tag was asked for."""
    return session.scalar(
        select(Conversation)
        .where(
            Conversation.line_id == line_id,
            Conversation.volunteer_id == volunteer.id,
            Conversation.status == ConversationStatus.CLOSED,
            Conversation.tag_asked_at > now - TAG_WINDOW,
            Conversation.outcome_tag.is_(None),
        )
        .order_by(Conversation.closed_at.desc())
        .limit(1)
    )


def _open_by_ref(turn: Turn, ref: str) -> Conversation | None:
    return turn.session.scalar(
        select(Conversation).where(
            Conversation.line_id == turn.line.id,
            Conversation.ref == ref,
            Conversation.status != ConversationStatus.CLOSED,
        )
    )


def contact_of(session: Session, conversation: Conversation) -> Contact | None:
    if conversation.contact_id is None:
        return None
    return session.get(Contact, conversation.contact_id)


def _offered(session: Session, conversation: Conversation, exclude: int) -> list[Volunteer]:
    return list(
        session.scalars(
            select(Volunteer)
            .join(Offer, Offer.volunteer_id == Volunteer.id)
            .where(Offer.conversation_id == conversation.id, Volunteer.id != exclude)
            .order_by(Volunteer.id)
        )
    )
