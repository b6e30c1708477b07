"""What peers write to texters is relayed as written, even when it begins with a command word."""

from __future__ import annotations

import pytest

from tests.peer_messages import peer_messages
from tests.unit.conversations.test_command_spellings import KNOWN
from warmline.conversations.rules.commands import Relay, parse_volunteer_text

MESSAGES = peer_messages()
COMMAND_WORDS = [
    "done",
    "pass",
    "status",
    "help",
    "topics",
    "res",
    "call",
    "take",
    "on",
    "off",
    "break",
    "pause",
    "lang",
    "swap",
    "claim",
    "check",
    "checkin",
    "escalate",
    "tag",
    "continuity",
    "skip",
]


def test_there_are_enough_messages_and_many_begin_with_a_command_word() -> None:
    assert len(MESSAGES) >= 200
    assert len(set(MESSAGES)) == len(MESSAGES)
    first_words = [m.split()[0].strip(".,!?:").lower() for m in MESSAGES]
    assert sum(w in COMMAND_WORDS for w in first_words) >= 80
    assert {w for w in first_words if w in COMMAND_WORDS} >= set(COMMAND_WORDS) - {"checkin"}


@pytest.mark.parametrize("message", MESSAGES)
def test_a_peer_message_is_relayed_verbatim(message: str) -> None:
    assert parse_volunteer_text(message, KNOWN) == Relay(text=message)
    assert parse_volunteer_text(f"#K4P {message}", KNOWN) == Relay(text=message, ref="K4P")
