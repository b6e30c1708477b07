"""Every text the line sends: the English source here, other languages in a gettext catalogue."""

from __future__ import annotations

import gettext
from functools import cache
from pathlib import Path
from typing import Final

from warmline.messaging.wording_first import FIRST_REPLIES
from warmline.messaging.wording_parts import PARTS

# The catalogue's domain and the languages it translates into (English is the source itself).
DOMAIN: Final = "wording"
TRANSLATED: Final = ("es",)
SOURCE_LANGUAGE: Final = "en"
_LOCALE = Path(__file__).parent / "locale"

ENGLISH: Final[dict[str, str]] = {
    # What fills {crisis} and {hours} when a line keeps the defaults (a line may set its own).
    "crisis_numbers": "call or text 988, or call 911",
    "hours": "Peers answer when they are on shift.",
    # The first reply to a new texter: who we are, not a crisis line, the crisis numbers. It must
    # fit 2 SMS segments in English and 3 in Spanish (a test counts them), so every word counts.
    "greeting": (
        "Hi, this is {line_name}, peer support from people who have been there too. "
        "This is not a crisis line: if you are in danger, {crisis}. "
        "A peer will text you here soon."
    ),
    "greeting_busy": (
        "Hi, this is {line_name}, peer support from people who have been there too. "
        "This is not a crisis line: if you are in danger, {crisis}. "
        "Every peer is busy right now, but one will text you here as soon as they can."
    ),
    "greeting_words": (
        "Hi, this is {line_name}. It sounds like things are really hard right now. "
        "This is not a crisis line: if you are in danger, {crisis}. "
        "A peer will text you here soon."
    ),
    "greeting_words_busy": (
        "Hi, this is {line_name}. It sounds like things are really hard right now. "
        "This is not a crisis line: if you are in danger, {crisis}. "
        "Every peer is busy right now, but one will text you here as soon as they can."
    ),
    "greeting_crisis": "This is peer support, not a crisis service: if you are in danger, {crisis}.",
    "texter_help": (
        "{line_name} is peer support by text, not a crisis service. In a crisis: {crisis}. "
        "{hours} A peer will be with you soon. Text STOP to stop messages."
    ),
    "no_one_available": (
        "All our peers are busy right now. Your message is saved and a peer will text you "
        "as soon as one is free. If you are in danger, {crisis}."
    ),
    "peer_joined": "A peer is here now and reading your messages.",
    "closing": (
        "Thank you for texting {line_name}. Take care of yourself. "
        "You can text this number again any time. {hours} In a crisis: {crisis}."
    ),
    "passed_to_texter": "Your peer had to step away. We're finding someone else for you now.",
    "offer": "{line_name}: someone is waiting to talk (#{ref}). Reply {ref} to take it.",
    "offer_crisis": (
        "{line_name}: CRISIS WORDS - someone is waiting to talk (#{ref}) and used crisis words. "
        "Reply {ref} to take it."
    ),
    "unclaimed_alert": "{line_name}: #{ref} has waited {minutes} min and no peer has taken it.",
    "everyone_busy": (
        "We're sorry for the wait: every peer is busy right now. Please stay with us, "
        "we will text you as soon as someone is free. If you are in danger, {crisis}."
    ),
    "still_in_line": (
        "We're sorry for the wait: nobody has picked up yet, but you are still in line and a peer "
        "will text you here. If you are in danger, {crisis}."
    ),
    "closed_now": (
        "{line_name} is closed right now. {hours} If you are in danger or need help now, {crisis}."
    ),
    "closing_time": (
        "{line_name} is closing now and we could not reach you in time. We're sorry. "
        "{hours} If you need help now, {crisis}."
    ),
    "crisis_resources": (
        "It sounds like things are really hard right now. If you are in danger, {crisis}. "
        "A peer will be with you here soon."
    ),
    "crisis_resources_with_peer": (
        "It sounds like things are really hard right now. If you are in danger, {crisis}. "
        "Your peer is with you here too."
    ),
    "crisis_alert": "{line_name}: crisis words in #{ref}. Please check in with the peer or the queue.",
    "crisis_to_volunteer": (
        "#{ref}: crisis words were used. The texter was sent the crisis numbers and the "
        "on-call coordinator was alerted. You're not alone with this."
    ),
    "shift_reminder": "{line_name}: a reminder of your shift {when}. Text OFF if you can't make it, or SWAP.",
    "gap_alert": "{line_name}: no peer is on the rota {when}. Post an open shift or ask someone to cover.",
    "open_shift": "{line_name}: open shift {when}. Reply CLAIM {code} to take it.",
    "swap_offer": "{line_name}: {peer} asks for a swap: {when}. Reply CLAIM {code} to take it.",
    "open_shift_yours": "The shift {when} is yours. Thank you!",
    "open_shift_gone": "Open shift {code} is already taken or no longer open. Thank you for offering.",
    "open_shift_refused": "You can't take open shift {code}: {reason}.",
    "own_swap": "That's your own swap request ({code}); another peer needs to claim it.",
    "swap_taken": "{peer} took your shift {when}.",
    "swap_asked": "Your shift {when} is offered to the others. You'll hear when someone takes it.",
    "swap_pending": "Your shift {when} is already offered for a swap (code {code}).",
    "no_shift_to_swap": "You have no upcoming shift on this line to swap.",
    "closed_idle": "#{ref} was closed after a long quiet spell. Thank you for being there.",
    "claimed": "You have #{ref}. Their messages start with #{ref}:. Reply DONE when finished.",
    "already_yours": "#{ref} is already yours.",
    "taken": "#{ref} was taken by another peer. Thank you.",
    "already_taken": "#{ref} is no longer waiting. Thank you for offering.",
    "unknown_ref": "There is no open conversation #{ref}. Text STATUS to see yours.",
    "at_capacity": (
        "You already have {count} conversations, the most this line allows. "
        "Finish one (DONE) before taking #{ref}."
    ),
    "relay_to_volunteer": "#{ref}: {text}",
    "which_conversation": (
        "You have {count} conversations ({refs}). Start with the reference, e.g. #{first} hello"
    ),
    "which_command": "You have {count} conversations ({refs}). Say which: {forms}.",
    "not_yours": "#{ref} is not one of your conversations. Text STATUS to see yours.",
    "no_active": "You have no active conversation. Text STATUS or HELP.",
    "not_understood": (
        "Not sent: that is not a command, and you have no open conversation to send it to."
    ),
    "empty_relay": "Nothing to send: add your words after #{ref}.",
    "closed_for_volunteer": "#{ref} is closed. Thank you for being there.",
    "reopened": (
        "#{ref} texted again just after it closed, so it's yours again (nobody else was offered "
        "it). Their words follow. Text DONE when you're finished."
    ),
    "passed_for_volunteer": "#{ref} is back in the queue for another peer.",
    "texter_opted_out": "#{ref}: the texter opted out and the conversation is closed.",
    "texter_forgotten": "#{ref}: the texter asked us to forget them; the conversation is closed.",
    "tag_question": "How did #{ref} go? Reply with one word: {tags}, or SKIP.",
    "tag_question_busy": (
        "How did #{ref} go? Reply TAG and one word: {tags} (e.g. TAG {first}), or TAG SKIP."
    ),
    "tag_nothing": "None of your conversations from the last hour is waiting for a tag.",
    "tag_thanks": "Thank you: #{ref} is tagged {tag}.",
    "tag_skipped": "Okay: no tag for #{ref}.",
    "tag_not_sent": "Nothing was sent to {others}; to send it, write #{first} {word}",
    # Asked once per wording version, at a calm moment: with the closing text, never the first.
    "consent_question": (
        "May we keep a small record of this contact to improve the line: the times and how it "
        "went, never your words or your number? Reply YES or NO; your answer changes nothing "
        "about the support you get. Text FORGET any time to erase what we keep."
    ),
    "consent_yes": "Thank you. We'll keep only the times and how it went, never your words. Text FORGET any time.",
    "consent_no": "Okay, we won't keep a record of this contact. Your support doesn't change.",
    "forgotten": "We've erased what we kept about you. You can text this number again any time.",
    "texter_unreachable": "#{ref}: not delivered, the texter has opted out of texts.",
    "texter_not_delivered": (
        "#{ref}: your text did not reach the texter: {why}. Later texts may not reach them either."
    ),
    "now_on": "You're ON: you'll be offered conversations during your shifts.",
    "now_off": "You're OFF: no new offers until you text ON. Your open conversations stay yours.",
    "status": "Active: {active}. Waiting in the queue: {waiting}. {shift}",
    "status_on_shift": "On shift until {until}.",
    "status_off_shift": "Not on shift now.",
    "status_off": "You're OFF.",
    "volunteer_help": (
        "Reply a ref (K4P) to take a conversation. #REF words: reply to one. "
        "DONE, PASS, ESCALATE [REF]. TAG <word>. ON, OFF, STATUS, SWAP, CLAIM <code>, HELP."
    ),
    "escalation_alert": "{line_name}: {peer} asks for support with #{ref}.",
    "escalated": "The on-call coordinator has been alerted about #{ref}.",
    "no_coordinator": (
        "No coordinator is on call right now. Stay with #{ref} if you can; "
        "if someone is in danger, {crisis}."
    ),
    "not_supported": "{command} is not available on this line yet. Text HELP for commands.",
    # Spoken on calls (<Say>); never a phone number, never the other side's details.
    "voice_greeting": (
        "Hi, this is {line_name}, peer support from people who have been there. "
        "This is not a crisis line: if you are in danger, {crisis}. "
        "We're finding a peer for you now."
    ),
    "voice_still_looking": "Thank you for holding. We're still finding a peer for you.",
    "voice_screen": "{line_name} call. Press 1 to accept.",
    "voice_thanks": "Thank you for calling {line_name}. Take care.",
    "voice_after_hours": (
        "You've reached {line_name}, peer support. No peers are answering right now. "
        "{hours} If you are in danger, {crisis}. Please call again."
    ),
    "voice_voicemail": (
        "All our peers are busy right now. Please leave a short message after the tone, "
        "and a peer will call you back from this number. If you are in danger, {crisis}."
    ),
    "voice_voicemail_hidden": (
        "All our peers are busy right now. Your number is hidden, so we cannot call you back, "
        "but you can leave a message for our peers after the tone. "
        "If you are in danger, {crisis}."
    ),
    "voice_message_saved": "Thank you. A peer will hear your message soon. Take care.",
    "voice_no_message": (
        "We didn't hear a message. Please call again any time. If you are in danger, {crisis}."
    ),
    "voice_forwarding": "All our peers are busy right now. Connecting you to someone who can help.",
    "voice_no_one": (
        "No one could answer right now. {hours} If you are in danger, {crisis}. Please call again."
    ),
    "voice_unknown_line": "Sorry, this number is not in service.",
    "voice_callback_gate": "{line_name} voicemail {spoken_ref}. Press 1 to hear it.",
    "voice_callback_prompt": (
        "Press 1 to call them back now. They will see the line's number, not yours."
    ),
    "voice_callback_hidden": (
        "Their number is hidden, so we cannot call them back. Thank you for listening."
    ),
    "voice_callback_done": "Thank you for calling them back.",
    "voice_callback_missed": (
        "They didn't answer. The voicemail is still waiting: text CALL {ref} to try again."
    ),
    # Texted to volunteers about voicemail.
    "voicemail_offer": (
        "{line_name}: a caller left a voicemail (#{ref}). "
        "Reply CALL {ref} to hear it and call them back from the line number."
    ),
    "voicemail_offer_hidden": (
        "{line_name}: a caller left a voicemail (#{ref}); their number is hidden. "
        "Reply CALL {ref} to hear it."
    ),
    "callback_calling": (
        "Calling you now from the line number about voicemail #{ref}: "
        "press 1 to hear it, then 1 to call them back."
    ),
    "callback_unknown": "There is no voicemail #{ref} waiting. Thank you for checking.",
    "callback_taken": "Another peer is already calling back #{ref}. Thank you.",
    "callback_missed": "The call about voicemail #{ref} did not connect. Text CALL {ref} to try again.",
    # The safe answers when the platform itself is in trouble (no database, a failed handler).
    "sms_safe_reply": (
        "Sorry, {line_name} has a technical problem and your message may not have reached a "
        "peer. Please text again in a few minutes. {hours} If you are in danger, {crisis}."
    ),
    "voice_safe_reply": (
        "Sorry, {line_name} has a technical problem and cannot connect you to a peer right now. "
        "{hours} If you are in danger, {crisis}. Please call again in a few minutes."
    ),
    # Said to a peer's phone: nobody can be connected, so nobody is.
    "voice_not_connected": (
        "Sorry, {line_name} has a technical problem and this call could not be connected. "
        "Thank you, goodbye."
    ),
    # Texted to the on-call coordinator, once per incident.
    "send_failures_alert": (
        "{line_name}: {count} texts could not be sent in the last {minutes} min. "
        "Please check the dashboard and the Twilio console."
    ),
    "queue_stall_alert": (
        "{line_name}: texts or waiting conversations have not moved for {minutes} min. "
        "Please check that a worker is running."
    ),
    # Shared experience and ongoing connection: matching and continuity.
    "offer_matched": (
        "{line_name}: someone is waiting to talk (#{ref}) about {topic}, one of your topics. "
        "Reply {ref} to take it."
    ),
    "offer_returning": (
        "{line_name}: someone you talked with before is waiting to talk (#{ref}). "
        "Reply {ref} to take it."
    ),
    "offer_withdrawn": "#{ref} is no longer waiting for you. Thank you.",
    "continuity_note": (
        "We're asking the peer you talked with last time first. "
        "If you'd rather talk with someone new, reply NEW."
    ),
    "new_peer": "Okay, we're finding someone new for you.",
    "peer_returned": "The peer you talked with last time is here now and reading your messages.",
    "peer_returned_named": (
        "{name}, the peer you talked with last time, is here now and reading your messages."
    ),
    "topics_set": "Your topics: {topics}. Texters who mention them may be offered to you first.",
    "topics_cleared": "You have no topics now; offers come to you as usual.",
    "topics_unknown": "Not on this line's list: {unknown}. Topics here: {known}.",
    "topics_show": (
        "Your topics: {topics}. Topics here: {known}. "
        "Text TOPICS a, b to choose, or TOPICS NONE to clear."
    ),
    "continuity_on": (
        "Returning texters you talked with may be offered to you first. They won't see your name."
    ),
    "continuity_on_named": (
        "Returning texters you talked with may be offered to you first; they'll see you as {name}."
    ),
    "continuity_off": "Returning texters won't be offered to you first any more.",
    # Caring check-ins, from the line; NOMORE stops them (STOP stays the carrier's word).
    "checkin_question": (
        "Would you like {line_name} to send you a short check-in text {when}? "
        "Reply YES if so. No reply is fine too."
    ),
    "checkin_yes": (
        "Thank you. We'll check in {when}. Reply NOMORE any time to stop these check-ins."
    ),
    "checkin_no": "Okay, no check-in texts. You can text this number any time.",
    "checkin": (
        "Hi, it's {line_name}, checking in as you asked. We hope you're doing okay. "
        "Reply TALK if you'd like a peer to text you, or NOMORE to stop these check-ins. "
        "In a crisis: {crisis}."
    ),
    "checkins_stopped": (
        "Okay, no more check-in texts from us. You can still text this number any time."
    ),
    "checkin_asked": "We asked the texter of #{ref} whether they'd like check-in texts. Thank you.",
    "checkin_off": "This line doesn't send check-in texts.",
    "checkin_unreachable": "We can't offer check-ins for #{ref}: the texter can't be texted.",
    "checkin_already": "The texter of #{ref} has already been asked about check-ins.",
    "checkin_nothing": "None of your conversations closed in the last hour. Text CHECKIN <ref>.",
    # The resource library (RES).
    "resource": "{title}: {text}{link}",
    "resource_sent": "Sent to #{ref}: {title}.",
    "resource_choices": 'No resource matches "{word}". Try: {choices}.',
    "resource_list": "Resources: {choices}.",
    "resource_none": "This line's resource library is empty; a coordinator can add resources.",
    # Care for the carers.
    "debrief": (
        "Thank you for staying with #{ref}. That sounded hard. Take a moment for yourself; "
        "the on-call coordinator is there if you'd like to talk it through."
    ),
    "debrief_cooldown": (
        "Thank you for staying with #{ref}. That sounded hard. Take a breather: no new offers "
        "for {minutes} min (text ON if you're ready sooner). The on-call coordinator is there "
        "if you'd like to talk it through."
    ),
    "carer_check_in": (
        "{line_name}: {peer} just finished a hard conversation (#{ref}) and may welcome a check-in."
    ),
    "shift_cap_reached": (
        "You've reached this line's limit per shift ({count}). Thank you: no more offers "
        "until your next shift."
    ),
    "paused": (
        "Paused until {until} ({minutes} min): no new offers. Your open conversations stay "
        "yours. Text ON to come back sooner."
    ),
    "status_paused": "Paused until {until}.",
    "volunteer_help_peer": (
        "RES <word>: send a resource. TOPICS a, b: your topics. CONTINUITY ON/OFF. "
        "PAUSE [min]: a break. DONE CHECKIN: close and offer check-in texts."
    ),
    # A new peer's first text from the line: the few commands they need on their first shift.
    "volunteer_welcome": (
        "Welcome to {line_name}, {name}! On shift you get offers like #K4P: reply K4P to take "
        "it. Their texts start with #K4P; just reply. DONE when finished, PAUSE for a break, "
        "HELP for all commands. Your number is never shown."
    ),
    # Languages: a texter's switch, a peer's own list, the caller's choice.
    "language_set": "Okay, we'll write to you in English from now on. Para español, escribe ESPAÑOL.",
    "texter_language": "#{ref}: the texter asked for {language_name}.",
    "languages_set": (
        "Your languages: {languages}. Texters who write in them may be offered to you first."
    ),
    "languages_show": "Your languages: {languages}. Languages here: {known}. Text LANG en,es to choose.",
    "languages_unknown": "Not a language we know: {unknown}. Languages: {known}.",
    "voice_choose_language": "For English, press {digit}.",
    "voice_screen_language": "{line_name} call, in {language_name}. Press 1 to accept.",
    # Gentle limits for very frequent texters; crisis words are never held back.
    "daily_limit": (
        "Thank you for texting {line_name} again. You've talked with our peers several times "
        "today, so we're keeping the line free for others until tomorrow. {hours} "
        "If you are in danger, {crisis}. Take care of yourself."
    ),
    **FIRST_REPLIES,
    **PARTS,
}


@cache
def _catalogue(language: str) -> gettext.NullTranslations:
    # A missing .mo is a packaging fault the tests catch; texts then stay in English, never lost.
    return gettext.translation(DOMAIN, _LOCALE, languages=[language], fallback=True)


def template(key: str, language: str = SOURCE_LANGUAGE) -> str:
    """The unfilled text `key` in `language` (English when that language has no such text)."""
    english = ENGLISH[key]
    if language not in TRANSLATED:
        return english
    return _catalogue(language).pgettext(key, english)


def say(key: str, language: str = SOURCE_LANGUAGE, **fields: object) -> str:
    """The text `key` in `language`, filled in."""
    return template(key, language).format(**fields)


def setting_in(key: str, setting: str, language: str) -> str:
    """A line's crisis numbers or hours in `language`: the catalogue's when it kept the default."""
    if setting.strip() == ENGLISH[key]:
        return template(key, language)
    return setting


def first_of(languages: str, fallback: str) -> str:
    """The first language in a stored list such as "es,en" (a peer's easiest), else `fallback`."""
    return languages.split(",")[0].strip() or fallback
