"""What happens when a texter's message is processed."""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.orm import Session

from warmline.conversations.lifecycle import claims, forgetting, relay
from warmline.conversations.offering import matching, offers
from warmline.conversations.rules.crisis import mentions_crisis, word_lists
from warmline.conversations.rules.keywords import TexterKeyword, is_goodbye, texter_keyword
from warmline.conversations.rules.languages import asked_language, detect
from warmline.conversations.support import care, checkins
from warmline.core import metrics
from warmline.core.statuses import ConversationStatus
from warmline.core.text import fold
from warmline.lines.rules.languages import from_stored
from warmline.mail import notices
from warmline.mail.rules.compose import CRISIS
from warmline.messaging.outgoing import Turn, first_language
from warmline.messaging.rules.priority import Priority
from warmline.messaging.times import language_name
from warmline.models import (
    Contact,
    Conversation,
    InboundMessage,
    Line,
    Volunteer,
)
from warmline.privacy import consent, contact_log
from warmline.privacy.keys import rekey
from warmline.rota import service
from warmline.rota.availability import available_now, coordinators_on_call

log = logging.getLogger(__name__)


class Erased:
    """Returned by handle() when the message itself was erased with everything else."""


def handle(
    turn: Turn,
    message: InboundMessage,
    sender: str,
    body: str,
    known_keys: list[str] | None = None,
    *,
    known: Contact | None,
) -> type[Erased] | None:
    """Route a texter's message: keywords first, then into their conversation (new or open).

    `known` is the line's contact for `known_keys` as the caller found it (None: not yet one).
    """
    contact = _contact(turn, known, message.sender_key, sender)
    contact_log.count_text_received(turn.session, turn.line, turn.now)
    languages = from_stored(turn.line.languages) or (turn.line.default_language,)
    asked = asked_language(body)
    asked = asked if asked in languages else None
    if contact.language is None:
        # Read once, from the first words; kept with the contact and erased with it.
        contact.language = asked or detect(body, languages, turn.line.default_language)
    turn.contact = contact
    keyword = texter_keyword(body)
    if keyword is TexterKeyword.OPT_OUT:
        contact.opted_out_at = turn.now
        _withdraw(turn, contact)
        checkins.cancel(turn.session, contact.id, turn.now, "opted_out")
        conversation = claims.open_for_contact(turn.session, contact)
        if conversation is not None:
            claims.end_by_texter(turn, conversation, "opted_out")
        return None
    returning = keyword is TexterKeyword.OPT_IN and contact.opted_out_at is not None
    if keyword is TexterKeyword.OPT_IN:
        contact.opted_out_at = None  # the carrier confirms START itself
        if not returning:
            return None
    if keyword is TexterKeyword.FORGET:
        forgetting.forget(turn, contact, known_keys or [message.sender_key])
        return Erased
    if contact.opted_out_at is not None:
        # Opted out and not back with START: no reply can reach them, so no peer is offered
        # a conversation; the text is kept (without its words) and counted, and Now shows it.
        log.info("text %s is from a texter who opted out: offered to nobody", message.id)
        metrics.TEXTS_FROM_OPTED_OUT.inc()
        return None

    conversation = claims.open_for_contact(turn.session, contact)
    if asked is not None:
        _switch_language(turn, contact, conversation, asked)
        return None
    # The check-in question is asked after a conversation ends, so it is the question waiting.
    check_in_answer = keyword in (TexterKeyword.YES, TexterKeyword.NO) and conversation is None
    if check_in_answer and checkins.answer(turn, contact, keyword is TexterKeyword.YES):
        return None
    stop_word = keyword is TexterKeyword.NO_MORE
    if stop_word and (checkins.stop(turn, contact) or conversation is None):
        turn.tell_contact(contact, "checkins_stopped")
        return None
    if keyword in (TexterKeyword.YES, TexterKeyword.NO) and _answer_consent(turn, contact, keyword):
        if conversation is None:
            return None  # an answer to the line, not a new conversation
        # Inside a conversation the word may also be meant for the peer, so it is relayed too.
        relay.relay_to_volunteer(turn, conversation, message)
        return None

    crisis = mentions_crisis(body, word_lists(crisis_settings(turn.line)))
    started = False  # a new conversation: its first reply answers HELP too
    if conversation is None and keyword not in (TexterKeyword.NEW, TexterKeyword.OPT_IN):
        recent = relay.recently_closed(turn, contact)
        if recent is not None and relay.reopen(turn, recent):
            conversation = recent  # soon after DONE: back to the same peer, same reference
        elif recent is not None and not crisis and is_goodbye(fold(body)):
            return None  # a goodbye after the conversation ended pages nobody
    if conversation is None:
        if not service.is_open(turn.session, turn.line, turn.now):
            # Outside hours nobody is disturbed; the texter still gets the hours and crisis numbers
            # (HELP too: who we are, the hours and the numbers, within a first reply's segments).
            turn.tell_contact(contact, "closed_now")
            return None
        urgent = crisis or keyword is TexterKeyword.HELP
        if care.over_daily_limit(turn, contact, urgent):
            turn.tell_contact(contact, "daily_limit")
            return None
        conversation = claims.start(turn, contact)
        started = True
        if crisis:
            _crisis(turn, contact, conversation, offered_now=True)
        someone_new = keyword is TexterKeyword.NEW
        offered = matching.offer_new(turn, contact, conversation, body, someone_new)
        _first_reply(turn, contact, conversation, keyword, crisis, busy=offered == 0)
        if someone_new or returning:
            return None  # asked of the line, not words for the peer
    elif crisis and conversation.crisis_at is None:
        _crisis(turn, contact, conversation, offered_now=False)
    elif keyword is TexterKeyword.NEW and conversation.status == ConversationStatus.WAITING:
        matching.someone_new(turn, contact, conversation)
        return None
    if keyword is TexterKeyword.HELP and not started:
        turn.tell_contact(contact, "texter_help", conversation.id)
    relay.relay_to_volunteer(turn, conversation, message, urgent=crisis)
    return None


def _first_reply(
    turn: Turn,
    contact: Contact,
    conversation: Conversation,
    keyword: TexterKeyword | None,
    crisis: bool,
    busy: bool,
) -> None:
    """One short text: who we are, not a crisis line, the crisis numbers, and whether it's busy."""
    language = turn.language_of(contact)
    urgency = Priority.CRISIS if crisis else Priority.WORDS
    if crisis:
        key = "greeting_words_busy" if busy else "greeting_words"
        turn.tell_contact(contact, key, conversation.id, urgency)
    elif keyword is TexterKeyword.HELP:
        # HELP answered within the first reply's few segments: no hours, the line is open.
        key = "texter_help_first_busy" if busy else "texter_help_first"
        turn.tell_contact(contact, key, conversation.id, urgency)
    else:
        turn.text_contact(contact, turn.greeting(language, busy), conversation.id, urgency)
    if conversation.prefer_volunteer_id is not None:
        turn.tell_contact(contact, "continuity_note", conversation.id)


def _switch_language(
    turn: Turn, contact: Contact, conversation: Conversation | None, language: str
) -> None:
    """ESPAÑOL or ENGLISH: from now on the texter is written to in it, and their peer knows."""
    contact.language = language
    conversation_id = conversation.id if conversation is not None else None
    turn.tell_contact(contact, "language_set", conversation_id)
    if conversation is not None and conversation.volunteer_id is not None:
        volunteer = turn.session.get_one(Volunteer, conversation.volunteer_id)
        turn.tell_volunteer(
            volunteer,
            "texter_language",
            conversation.id,
            ref=conversation.ref,
            language_name=language_name(language, first_language(volunteer, turn.line)),
        )


def _answer_consent(turn: Turn, contact: Contact, keyword: TexterKeyword) -> bool:
    """Record YES (only when the question is open) or NO (always: refusing is always safe)."""
    keys = [contact.contact_key]
    # Against the question as it was asked: a texter may switch language before answering.
    language = consent.asked_in(turn.session, turn.line, keys) or turn.language_of(contact)
    state = consent.state(turn.session, turn.line, keys, turn.now, language)
    if keyword is TexterKeyword.YES:
        if not state.pending:
            return False
        consent.record(
            turn.session, turn.line, contact.contact_key, "yes", turn.now, language=language
        )
        # Asked with the closing text: the conversation that just closed is the one to log.
        contact_log.record_consented(turn.session, turn.line, contact, turn.now)
        turn.tell_contact(contact, "consent_yes")
        return True
    if not state.pending and not state.consented:
        return False
    answer = "no" if state.pending else "withdrawn"
    consent.record(
        turn.session, turn.line, contact.contact_key, answer, turn.now, language=language
    )
    turn.tell_contact(contact, "consent_no")
    return True


def _withdraw(turn: Turn, contact: Contact) -> None:
    """An opt-out withdraws consent given before."""
    if consent.state(turn.session, turn.line, [contact.contact_key], turn.now).consented:
        consent.record(turn.session, turn.line, contact.contact_key, "withdrawn", turn.now)


def crisis_settings(line: Line) -> dict[str, str]:
    """The line's own crisis words per language, as configured."""
    return {"en": line.crisis_words_en, "es": line.crisis_words_es}


def _crisis(turn: Turn, contact: Contact, conversation: Conversation, offered_now: bool) -> None:
    """Once per conversation: crisis numbers to the texter, the flag, the coordinator, the peer.

    `offered_now` is a first text: its first reply carries the numbers, and everyone is offered.
    """
    conversation.crisis_at = turn.now
    # Only true words: before a claim a peer is coming, not yet here.
    with_peer = conversation.status == ConversationStatus.ACTIVE
    if not offered_now:  # on a first text, the first reply itself carries the crisis numbers
        key = "crisis_resources_with_peer" if with_peer else "crisis_resources"
        turn.tell_contact(contact, key, conversation.id, Priority.CRISIS)
    for coordinator in coordinators_on_call(turn.session, turn.line, turn.now):
        turn.tell_volunteer(coordinator, "crisis_alert", conversation.id, ref=conversation.ref)
    notices.record(
        turn.session,
        turn.line,
        CRISIS,
        f"conversation:{conversation.id}",
        turn.now,
        ref=conversation.ref,
    )
    if conversation.status == ConversationStatus.ACTIVE and conversation.volunteer_id is not None:
        volunteer = turn.session.get_one(Volunteer, conversation.volunteer_id)
        turn.tell_volunteer(volunteer, "crisis_to_volunteer", conversation.id, ref=conversation.ref)
    elif conversation.status == ConversationStatus.WAITING and not offered_now:
        conversation.head_start_until = None  # crisis words end any head start at once
        offers.offer_to(turn, conversation, available_now(turn.session, turn.line, turn.now))


def _contact(turn: Turn, contact: Contact | None, contact_key: str, sender: str) -> Contact:
    """The line's contact for this number, created on first contact; keeps the number sealed."""
    if contact is not None and contact.contact_key != contact_key:
        rekey(turn.session, turn.line.id, contact.contact_key, contact_key)
        contact.contact_key = contact_key
    if contact is None:
        contact = Contact(line_id=turn.line.id, contact_key=contact_key, created_at=turn.now)
        turn.session.add(contact)
    if contact.number_sealed is None:  # new, or wiped by the retention purge since
        contact.number_sealed = turn.vault.seal(sender)
    turn.session.flush()
    return contact


def find(session: Session, line_id: int, contact_key: str) -> Contact | None:
    """The line's contact with this key, if we know them."""
    return session.scalar(
        select(Contact).where(Contact.line_id == line_id, Contact.contact_key == contact_key)
    )
