"""What happens when a volunteer texts the line: a command, or words for a texter."""

from __future__ import annotations

from collections.abc import Callable
from zoneinfo import ZoneInfo

from warmline.conversations.lifecycle import claims
from warmline.conversations.lifecycle.relay import relay_to_texter
from warmline.conversations.offering import offers
from warmline.conversations.rules.commands import Command, Relay, parse_volunteer_text, spelled
from warmline.conversations.rules.vocabulary import SKIP, Vocabulary, trimmed
from warmline.conversations.support import care, checkins, peers, resources
from warmline.core.statuses import ConversationStatus
from warmline.core.text import fold
from warmline.lines.rules.settings import outcome_tags
from warmline.lines.topic_list import topics as line_topics
from warmline.mail import notices
from warmline.mail.rules.compose import ESCALATION
from warmline.messaging.outgoing import Turn, first_language
from warmline.messaging.times import one_of
from warmline.models import Conversation, Volunteer
from warmline.privacy import contact_log
from warmline.rota import texts as rota_sms
from warmline.rota.availability import coordinators_on_call, current_shifts
from warmline.voice import callbacks


def handle(turn: Turn, volunteer: Volunteer, body: str) -> None:
    """Act on a volunteer's text."""
    parsed = parse_volunteer_text(body, _vocabulary(turn))
    if isinstance(parsed, Relay):
        _relay(turn, volunteer, parsed)
        return
    action = _ACTIONS.get(parsed.name)
    if action is None:
        turn.tell_volunteer(volunteer, "not_supported", command=parsed.name)
        return
    action(turn, volunteer, parsed)


def _vocabulary(turn: Turn) -> Vocabulary:
    """The words this line's commands accept."""
    return Vocabulary(
        topics=line_topics(turn.line),
        resources=tuple(resources.cards(turn.session, turn.line)),
        tags=tuple(outcome_tags(turn.line.outcome_tags)),
    )


def _relay(turn: Turn, volunteer: Volunteer, relay: Relay) -> None:
    if relay.ref is None and _bare_tag(turn, volunteer, relay.text):
        return
    active = claims.active_for(turn.session, volunteer, turn.line.id)
    if relay.ref is not None and not trimmed(relay.text) and relay.ref not in _refs(active):
        claims.claim(turn, volunteer, relay.ref)  # `K4P 👍` to an offer: a claim
        return
    if relay.ref is None and not active:
        turn.tell_volunteer(volunteer, "not_understood")
        _help(turn, volunteer, Command("HELP"))
        return
    conversation = _own_conversation(turn, volunteer, relay.ref)
    if conversation is None:
        return
    if not relay.text:
        turn.tell_volunteer(volunteer, "empty_relay", conversation.id, ref=conversation.ref)
        return
    relay_to_texter(turn, volunteer, conversation, relay.text)


def _refs(conversations: list[Conversation]) -> set[str]:
    return {c.ref for c in conversations}


def _take(turn: Turn, volunteer: Volunteer, command: Command) -> None:
    assert command.ref is not None
    claims.claim(turn, volunteer, command.ref)


def _done(turn: Turn, volunteer: Volunteer, command: Command) -> None:
    conversation = _own_conversation(turn, volunteer, command.ref, command)
    if conversation is not None:
        # One question at a time: with DONE CHECKIN, consent waits for a later goodbye.
        checkin = command.text == "CHECKIN"
        claims.close(turn, volunteer, conversation, ask_consent=not checkin)
        if checkin:
            checkins.offer(turn, volunteer, conversation)


def _pass(turn: Turn, volunteer: Volunteer, command: Command) -> None:
    conversation = _own_conversation(turn, volunteer, command.ref, command)
    if conversation is not None:
        claims.pass_back(turn, volunteer, conversation)


def _escalate(turn: Turn, volunteer: Volunteer, command: Command) -> None:
    conversation = _own_conversation(turn, volunteer, command.ref, command)
    if conversation is None:
        return
    coordinators = [
        c for c in coordinators_on_call(turn.session, turn.line, turn.now) if c.id != volunteer.id
    ]
    conversation.escalated_at = turn.now  # a hard one: the peer gets a debrief at DONE
    # By e-mail too, even with nobody on call: someone reading mail may still help.
    notices.record(
        turn.session,
        turn.line,
        ESCALATION,
        f"conversation:{conversation.id}:{turn.now:%Y%m%dT%H%M%S}",
        turn.now,
        peer=volunteer.name,
        ref=conversation.ref,
    )
    if not coordinators:
        turn.tell_volunteer(volunteer, "no_coordinator", conversation.id, ref=conversation.ref)
        return
    for coordinator in coordinators:
        turn.tell_volunteer(
            coordinator,
            "escalation_alert",
            conversation.id,
            peer=volunteer.name,
            ref=conversation.ref,
        )
    turn.tell_volunteer(volunteer, "escalated", conversation.id, ref=conversation.ref)


def _on(turn: Turn, volunteer: Volunteer, command: Command) -> None:
    volunteer.is_on = True
    care.back_on(volunteer)
    turn.tell_volunteer(volunteer, "now_on")
    turn.session.flush()
    offers.offer_next_to(turn, volunteer)


def _tag(turn: Turn, volunteer: Volunteer, command: Command) -> None:
    awaiting = claims.awaiting_tag(turn.session, volunteer, turn.line.id, turn.now)
    if awaiting is None:
        turn.tell_volunteer(volunteer, "tag_nothing")
        return
    _record_tag(turn, volunteer, awaiting, command.ref or SKIP, note="")


def _bare_tag(turn: Turn, volunteer: Volunteer, text: str) -> bool:
    """A bare outcome tag or SKIP while one is awaited: taken as the tag, never relayed."""
    word = fold(trimmed(text))
    if word != SKIP and word not in outcome_tags(turn.line.outcome_tags):
        return False
    awaiting = claims.awaiting_tag(turn.session, volunteer, turn.line.id, turn.now)
    if awaiting is None:
        return False
    active = claims.active_for(turn.session, volunteer, turn.line.id)
    others = ", ".join(f"#{c.ref}" for c in active)
    note = (
        turn.say(
            "tag_not_sent",
            first_language(volunteer, turn.line),
            others=others,
            first=active[0].ref,
            word=text.strip(),
        )
        if active
        else ""
    )
    _record_tag(turn, volunteer, awaiting, word, note)
    return True


def _record_tag(
    turn: Turn, volunteer: Volunteer, awaiting: Conversation, word: str, note: str
) -> None:
    """Tag the conversation (SKIP: none) and say so."""
    contact_log.tag(turn.session, awaiting, None if word == SKIP else word)
    if word == SKIP:
        text = turn.say("tag_skipped", first_language(volunteer, turn.line), ref=awaiting.ref)
    else:
        text = turn.say(
            "tag_thanks", first_language(volunteer, turn.line), ref=awaiting.ref, tag=word
        )
    turn.text_volunteer(volunteer, f"{text} {note}".strip())


def _claim_shift(turn: Turn, volunteer: Volunteer, command: Command) -> None:
    assert command.ref is not None
    rota_sms.claim_open_shift(turn, volunteer, command.ref)


def _call(turn: Turn, volunteer: Volunteer, command: Command) -> None:
    assert command.ref is not None
    callbacks.request_callback(turn, volunteer, command.ref)


def _swap(turn: Turn, volunteer: Volunteer, command: Command) -> None:
    rota_sms.request_swap(turn, volunteer)


def _off(turn: Turn, volunteer: Volunteer, command: Command) -> None:
    volunteer.is_on = False
    turn.tell_volunteer(volunteer, "now_off")


def _status(turn: Turn, volunteer: Volunteer, command: Command) -> None:
    active = claims.active_for(turn.session, volunteer, turn.line.id)
    refs = ", ".join(f"#{c.ref}" for c in active) or "none"
    waiting = offers.waiting_count(turn.session, turn.line.id)
    mine = [
        s
        for s in current_shifts(turn.session, turn.line, turn.now)
        if s.volunteer_id == volunteer.id
    ]
    if not volunteer.is_on:
        shift = turn.say("status_off", first_language(volunteer, turn.line))
    elif volunteer.paused_until is not None and volunteer.paused_until > turn.now:
        until = volunteer.paused_until.astimezone(_zone(turn)).strftime("%H:%M")
        shift = turn.say("status_paused", first_language(volunteer, turn.line), until=until)
    elif mine:
        until = max(s.ends_at for s in mine).astimezone(_zone(turn)).strftime("%H:%M")
        shift = turn.say("status_on_shift", first_language(volunteer, turn.line), until=until)
    else:
        shift = turn.say("status_off_shift", first_language(volunteer, turn.line))
    turn.tell_volunteer(volunteer, "status", active=refs, waiting=waiting, shift=shift)


def _help(turn: Turn, volunteer: Volunteer, command: Command) -> None:
    turn.tell_volunteer(volunteer, "volunteer_help")
    turn.tell_volunteer(volunteer, "volunteer_help_peer")


def _pause(turn: Turn, volunteer: Volunteer, command: Command) -> None:
    care.pause(turn, volunteer, command.minutes)


def _checkin(turn: Turn, volunteer: Volunteer, command: Command) -> None:
    conversation = checkins.closed_for(turn.session, volunteer, turn.line.id, command.ref, turn.now)
    if conversation is None:
        turn.tell_volunteer(volunteer, "checkin_nothing")
        return
    checkins.offer(turn, volunteer, conversation)


def _res(turn: Turn, volunteer: Volunteer, command: Command) -> None:
    resource = resources.find(turn, command.text) if command.text else None
    if resource is None:
        resources.tell_choices(turn, volunteer, command.text)
        return
    conversation = _own_conversation(turn, volunteer, command.ref, command)
    if conversation is not None:
        resources.send(turn, volunteer, conversation, resource)


def _topics(turn: Turn, volunteer: Volunteer, command: Command) -> None:
    peers.topics_by_sms(turn, volunteer, command.text)


def _languages(turn: Turn, volunteer: Volunteer, command: Command) -> None:
    peers.languages_by_sms(turn, volunteer, command.text)


def _continuity_on(turn: Turn, volunteer: Volunteer, command: Command) -> None:
    peers.continuity(turn, volunteer, agree=True, name=command.text)


def _continuity_off(turn: Turn, volunteer: Volunteer, command: Command) -> None:
    peers.continuity(turn, volunteer, agree=False, name=None)


def _own_conversation(
    turn: Turn, volunteer: Volunteer, ref: str | None, command: Command | None = None
) -> Conversation | None:
    """The active conversation a volunteer means, telling them when it is unclear or not theirs.

    With several open, the hint spells the form that works: `DONE U2X`, or `#U2X hello`.
    """
    active = claims.active_for(turn.session, volunteer, turn.line.id)
    if ref is not None:
        for conversation in active:
            if conversation.ref == ref:
                return _locked(turn, volunteer, conversation)
        turn.tell_volunteer(volunteer, "not_yours", ref=ref)
        return None
    if len(active) == 1:
        return _locked(turn, volunteer, active[0])
    if not active:
        turn.tell_volunteer(volunteer, "no_active")
        return None
    refs = ", ".join(f"#{c.ref}" for c in active)
    if command is None:
        turn.tell_volunteer(
            volunteer, "which_conversation", count=len(active), refs=refs, first=active[0].ref
        )
    else:
        forms = one_of(
            [spelled(command, c.ref) for c in active], first_language(volunteer, turn.line)
        )
        turn.tell_volunteer(volunteer, "which_command", count=len(active), refs=refs, forms=forms)
    return None


def _locked(turn: Turn, volunteer: Volunteer, conversation: Conversation) -> Conversation | None:
    """Re-read a conversation under a row lock; None (and the peer told) if it has just ended."""
    turn.session.refresh(conversation, with_for_update=True)
    if conversation.status == ConversationStatus.ACTIVE:
        return conversation
    turn.tell_volunteer(volunteer, "not_yours", ref=conversation.ref)
    return None


def _zone(turn: Turn) -> ZoneInfo:
    return ZoneInfo(turn.line.timezone)


_ACTIONS: dict[str, Callable[[Turn, Volunteer, Command], None]] = {
    "TAKE": _take,
    "DONE": _done,
    "PASS": _pass,
    "ESCALATE": _escalate,
    "ON": _on,
    "OFF": _off,
    "STATUS": _status,
    "HELP": _help,
    "CLAIM": _claim_shift,
    "SWAP": _swap,
    "CALL": _call,
    "PAUSE": _pause,
    "CHECKIN": _checkin,
    "RES": _res,
    "TOPICS": _topics,
    "LANG": _languages,
    "CONTINUITY_ON": _continuity_on,
    "CONTINUITY_OFF": _continuity_off,
    "TAG": _tag,
}
