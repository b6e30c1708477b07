"""A volunteer's text is a command only when the whole message has a command's shape."""

from __future__ import annotations

import pytest

from warmline.conversations.rules.commands import Command, Relay, parse_volunteer_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("K4P", Command("TAKE", ref="K4P")),
        ("#k4p", Command("TAKE", ref="K4P")),
        ("  take  K4P ", Command("TAKE", ref="K4P")),
        ("TAKE #k4p", Command("TAKE", ref="K4P")),
        ("DONE", Command("DONE")),
        ("done k4p", Command("DONE", ref="K4P")),
        ("Done #K4P", Command("DONE", ref="K4P")),
        ("PASS", Command("PASS")),
        ("escalate m7q", Command("ESCALATE", ref="M7Q")),
        ("on", Command("ON")),
        ("OFF", Command("OFF")),
        ("break", Command("OFF")),
        ("Status", Command("STATUS")),
        ("HELP", Command("HELP")),
        ("PAUSE 15", Command("PAUSE", minutes=15)),
        ("pause", Command("PAUSE")),
    ],
)
def test_commands_are_recognised_in_any_case(text: str, expected: Command) -> None:
    assert parse_volunteer_text(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Done with work today?",
        "Pause and breathe with me",
        "on my way",
        "I'm off to bed soon, are you ok?",
        "help is here",
        "take your time",
        "OK",
        "K4",
        "K1P",  # 1 is never in a reference
    ],
)
def test_ordinary_words_are_relayed_unchanged(text: str) -> None:
    assert parse_volunteer_text(text) == Relay(text=text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("#K4P done", Relay(text="done", ref="K4P")),
        ("#k4p: are you still there?", Relay(text="are you still there?", ref="K4P")),
        ("K4P hello", Relay(text="hello", ref="K4P")),
        ("#K4P DONE", Relay(text="DONE", ref="K4P")),
        ("#K4P:", Relay(text="", ref="K4P")),
    ],
)
def test_a_message_starting_with_a_reference_is_relayed_to_that_conversation(
    text: str, expected: Relay
) -> None:
    assert parse_volunteer_text(text) == expected


def test_line_breaks_stay_in_relayed_words() -> None:
    assert parse_volunteer_text("#K4P first\nsecond") == Relay(text="first\nsecond", ref="K4P")
