"""Every text the line sends, in one place per language."""

from __future__ import annotations

from typing import Final

ENGLISH: Final[dict[str, str]] = {
    "greeting": (
        "Hi, this is {line_name}. We're peers who have been there too, here to listen. "
        "This is peer support, not a crisis service: if you are in danger, {crisis}. "
        "A peer will text you back here soon."
    ),
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
    "not_yours": "#{ref} is not one of your conversations. Text STATUS to see yours.",
    "no_active": "You have no active conversation. Text STATUS or HELP.",
    "empty_relay": "Nothing to send: add your words after #{ref}.",
    "closed_for_volunteer": "#{ref} is closed. Thank you for being there.",
    "passed_for_volunteer": "#{ref} is back in the queue for another peer.",
    "texter_opted_out": "#{ref}: the texter opted out and the conversation is closed.",
    "texter_unreachable": "#{ref}: not delivered, the texter has opted out of texts.",
    "now_on": "You're ON: you'll be offered conversations during your shifts.",
    "now_off": "You're OFF: no new offers until you text ON. Your open conversations stay yours.",
    "status": "Active: {active}. Waiting in the queue: {waiting}. {shift}",
    "status_on_shift": "On shift until {until}.",
    "status_off_shift": "Not on shift now.",
    "status_off": "You're OFF.",
    "volunteer_help": (
        "Reply a ref (K4P) to take a conversation. #REF words: reply to one. "
        "DONE, PASS, ESCALATE [REF]. ON, OFF, STATUS, HELP."
    ),
    "escalation_alert": "{line_name}: {peer} asks for support with #{ref}.",
    "escalated": "The on-call coordinator has been alerted about #{ref}.",
    "no_coordinator": (
        "No coordinator is on call right now. Stay with #{ref} if you can; "
        "if someone is in danger, {crisis}."
    ),
    "not_supported": "{command} is not available on this line yet. Text HELP for commands.",
}


def say(key: str, **fields: object) -> str:
    """The English text `key`, filled in."""
    return ENGLISH[key].format(**fields)
