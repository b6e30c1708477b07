"""Conversations: open, offer, claim, relay, pass and close."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Select, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from warmline.conversations import care, timers
from warmline.conversations.offer_wording import joined_text as _joined_text
from warmline.conversations.offer_wording import texter_language as _texter_language
from warmline.conversations.rules import floods
from warmline.conversations.rules.offers import longest_idle
from warmline.core.statuses import ConversationStatus
from warmline.lines.rules.languages import from_stored as languages_of
from warmline.lines.rules.settings import outcome_tags
from warmline.lines.rules.topics import from_stored
from warmline.messaging.outgoing import Turn, first_language
from warmline.messaging.rules import priority
from warmline.messaging.rules.refs import REF_ATTEMPTS, new_ref
from warmline.messaging.times import language_name
from warmline.models import Contact, Conversation, InboundMessage, Offer, Volunteer
from warmline.privacy import consent, contact_log
from warmline.rota.availability import available_now

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


def offer(turn: Turn, conversation: Conversation, exclude: Iterable[int] = ()) -> int:
    """Offer a waiting conversation by the line's strategy; returns how many were offered."""
    volunteers = available_now(turn.session, turn.line, turn.now, exclude=exclude)
    if turn.line.offer_strategy == "longest_idle" and volunteers:
        chosen = longest_idle([v.id for v in volunteers], _last_busy(turn.session, volunteers))
        volunteers = [v for v in volunteers if v.id == chosen]
    offer_to(turn, conversation, volunteers)
    return len(volunteers)


def offer_to(
    turn: Turn,
    conversation: Conversation,
    volunteers: Iterable[Volunteer],
    key: str | None = None,
    **fields: object,
) -> None:
    """Text each volunteer the offer (flagged when crisis words were used) and record it."""
    already = set(
        turn.session.scalars(
            select(Offer.volunteer_id).where(Offer.conversation_id == conversation.id)
        )
    )
    key = key or ("offer_crisis" if conversation.crisis_at is not None else "offer")
    texter_language = _texter_language(turn, conversation)
    for volunteer in volunteers:
        if volunteer.id == conversation.skip_volunteer_id:
            continue  # the texter asked for someone new (NEW)
        if volunteer.id not in already:
            turn.session.add(
                Offer(
                    conversation_id=conversation.id, volunteer_id=volunteer.id, offered_at=turn.now
                )
            )
        reader = first_language(volunteer, turn.line)
        body = turn.say(key, reader, ref=conversation.ref, **fields)
        note = f" ({language_name(texter_language, reader)})" if texter_language else ""
        turn.text_volunteer(volunteer, body + note, conversation.id, priority.of_key(key))


def offer_next_to(turn: Turn, volunteer: Volunteer) -> None:
    """Offer a volunteer who has just become free the head of the queue, if they can take it."""
    if volunteer.id not in {v.id for v in available_now(turn.session, turn.line, turn.now)}:
        return
    offered = select(Offer.conversation_id).where(Offer.volunteer_id == volunteer.id)
    head = turn.session.scalar(
        waiting_queue(turn.line.id)
        .where(Conversation.id.not_in(offered), _open_to(volunteer, turn.now))
        .limit(1)
    )
    if head is not None:
        offer_to(turn, head, [volunteer])


def _open_to(volunteer: Volunteer, now: datetime) -> ColumnElement[bool]:
    """Conversations the volunteer may be offered now: not during others' head start, not skipped."""
    head_start_over = or_(
        Conversation.head_start_until.is_(None), Conversation.head_start_until <= now
    )
    # In the texter's language: a head start for the language alone has no topic and no peer.
    in_language = Conversation.contact_id.in_(
        select(Contact.id).where(
            or_(Contact.language.is_(None), Contact.language.in_(languages_of(volunteer.languages)))
        )
    )
    matched = or_(
        Conversation.prefer_volunteer_id == volunteer.id,
        Conversation.topic.in_(from_stored(volunteer.topics)) & in_language,
        Conversation.topic.is_(None) & Conversation.prefer_volunteer_id.is_(None) & in_language,
    )
    not_skipped = or_(
        Conversation.skip_volunteer_id.is_(None), Conversation.skip_volunteer_id != volunteer.id
    )
    return or_(head_start_over, matched) & not_skipped


def waiting_queue(line_id: int) -> Select[Conversation]:
    """The line's waiting conversations in the order peers should take them: crisis, then oldest."""
    return (
        select(Conversation)
        .where(Conversation.line_id == line_id, Conversation.status == ConversationStatus.WAITING)
        .order_by(Conversation.crisis_at.is_(None), Conversation.waiting_since, Conversation.id)
    )


def _last_busy(session: Session, volunteers: list[Volunteer]) -> dict[int, datetime]:
    """When each volunteer was last offered or took a conversation."""
    ids = [v.id for v in volunteers]
    last: dict[int, datetime] = {}
    rows = session.execute(
        select(Offer.volunteer_id, func.max(Offer.offered_at))
        .where(Offer.volunteer_id.in_(ids))
        .group_by(Offer.volunteer_id)
    )
    for vid, when in rows:
        last[vid] = when
    rows = session.execute(
        select(Conversation.volunteer_id, func.max(Conversation.claimed_at))
        .where(Conversation.volunteer_id.in_(ids))
        .group_by(Conversation.volunteer_id)
    )
    for vid, when in rows:
        if vid is not None and when is not None:
            last[vid] = max(last.get(vid, when), when)
    return last


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
    offer_next_to(turn, volunteer)


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
    offer(turn, conversation, exclude=[volunteer.id])


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


def waiting_count(session: Session, line_id: int) -> int:
    """How many conversations wait in the line's queue."""
    return int(
        session.scalar(
            select(func.count()).where(
                Conversation.line_id == line_id, Conversation.status == ConversationStatus.WAITING
            )
        )
        or 0
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
