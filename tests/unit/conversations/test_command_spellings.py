"""Commands read the way peers type them; words that only begin like one are relayed."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from warmline.conversations.rules.commands import (
    Command,
    Relay,
    parse_volunteer_text,
    spelled,
)
from warmline.conversations.rules.resources import ResourceCard
from warmline.conversations.rules.vocabulary import Vocabulary, trimmed
from warmline.lines.rules.topics import DEFAULT_TOPICS

KNOWN = Vocabulary(
    DEFAULT_TOPICS,
    (
        ResourceCard(1, "Calm breathing", ("anxiety",), "en"),
        ResourceCard(2, "Grief circle", ("grief",), "en"),
    ),
    ("talked", "resources", "referred", "crisis", "disconnected"),
)

# Every command shape, as the words a peer types and what it means.
COMMANDS: list[tuple[list[str], Command]] = [
    (["k4p"], Command("TAKE", ref="K4P")),
    (["#K4P"], Command("TAKE", ref="K4P")),
    (["take", "k4p"], Command("TAKE", ref="K4P")),
    (["done"], Command("DONE")),
    (["done", "k4p"], Command("DONE", ref="K4P")),
    (["done", "#k4p"], Command("DONE", ref="K4P")),
    (["pass"], Command("PASS")),
    (["pass", "u2x"], Command("PASS", ref="U2X")),
    (["escalate"], Command("ESCALATE")),
    (["escalate", "m7q"], Command("ESCALATE", ref="M7Q")),
    (["on"], Command("ON")),
    (["off"], Command("OFF")),
    (["break"], Command("OFF")),
    (["status"], Command("STATUS")),
    (["help"], Command("HELP")),
    (["swap"], Command("SWAP")),
    (["pause"], Command("PAUSE")),
    (["pause", "15"], Command("PAUSE", minutes=15)),
    (["claim", "ab23"], Command("CLAIM", ref="AB23")),
    (["call", "k4p"], Command("CALL", ref="K4P")),
    (["checkin"], Command("CHECKIN")),
    (["check-in", "k4p"], Command("CHECKIN", ref="K4P")),
    (["done", "checkin"], Command("DONE", text="CHECKIN")),
    (["done", "k4p", "checkin"], Command("DONE", ref="K4P", text="CHECKIN")),
    (["tag", "talked"], Command("TAG", ref="talked")),
    (["tag", "skip"], Command("TAG", ref="skip")),
    (["res"], Command("RES")),
    (["res", "anxiety"], Command("RES", text="anxiety")),
    (["res", "k4p", "grief"], Command("RES", ref="K4P", text="grief")),
    (["res", "breathing"], Command("RES", text="breathing")),
    (["topics"], Command("TOPICS")),
    (["topics", "none"], Command("TOPICS", text="none")),
    (["topics", "grief,", "anxiety"], Command("TOPICS", text="grief, anxiety")),
    (["continuity", "on"], Command("CONTINUITY_ON")),
    (["continuity", "on", "sam"], Command("CONTINUITY_ON", text="sam")),
    (["continuity", "off"], Command("CONTINUITY_OFF")),
]
ENDINGS = [
    "",
    ".",
    "!",
    "?",
    "!!",
    "...",
    " :)",
    " 👍",
    "👍🏽",
    " 🙏",
    " ❤️",
    "✨",
    " ✅",
    "?!",
    " 😊",
]
SPACES = st.sampled_from([" ", "  ", "\t", " \u00a0"])
# Ordinary words a peer writes to a texter, none of them a topic, tag or resource of this line.
SENTENCE_WORDS = [
    "with",
    "me",
    "today",
    "you",
    "are",
    "so",
    "brave",
    "thank",
    "for",
    "telling",
    "that",
    "sounds",
    "really",
    "hard",
    "how",
    "long",
    "has",
    "this",
    "been",
    "going",
    "on",
    "like",
    "it",
    "was",
    "your",
    "fault",
    "what",
    "would",
    "help",
    "most",
    "right",
    "now",
    "i",
    "am",
    "here",
    "and",
    "listening",
    "take",
    "all",
    "the",
    "time",
    "need",
    "proud",
    "of",
    "reaching",
    "out",
    "tonight",
    "have",
    "eaten",
    "anything",
    "slept",
    "at",
    "since",
    "yesterday",
    "can",
    "we",
    "try",
    "something",
    "together",
    "is",
    "there",
    "someone",
    "near",
    "who",
    "could",
    "sit",
    "while",
    "talk",
    "bed",
    "soon",
    "way",
    "home",
    "work",
]


def _case(word: str, choice: int) -> str:
    return [word.lower(), word.upper(), word.capitalize()][choice]


@st.composite
def spellings(draw: st.DrawFn) -> tuple[str, Command]:
    """A command with each word in any case, any spacing around and between, any ending."""
    words, command = draw(st.sampled_from(COMMANDS))
    typed = [_case(w, draw(st.integers(0, 2))) for w in words]
    body = draw(SPACES).join(typed) if len(typed) > 1 else typed[0]
    lead = draw(st.sampled_from(["", " ", "\n"]))
    return lead + body + draw(st.sampled_from(ENDINGS)) + draw(
        st.sampled_from(["", " ", "\n"])
    ), command


@given(spellings())
def test_every_command_in_every_spelling_parses_as_that_command(
    typed: tuple[str, Command],
) -> None:
    body, command = typed
    parsed = parse_volunteer_text(body, KNOWN)
    if command.name == "CONTINUITY_ON" and command.text:
        assert parsed == Command("CONTINUITY_ON", text=parsed.text)  # the name as typed
        assert isinstance(parsed, Command) and (parsed.text or "").lower() == command.text
    elif command.name == "TOPICS" and command.text:
        assert isinstance(parsed, Command) and parsed.name == "TOPICS"
        assert " ".join((parsed.text or "").lower().split()) == command.text
    elif isinstance(parsed, Relay) and command.name == "TAKE" and parsed.ref == command.ref:
        assert not trimmed(parsed.text)  # `K4P 👍`: a claim unless K4P is already theirs
    elif command.name == "RES" and command.text:
        assert isinstance(parsed, Command) and parsed.name == "RES" and parsed.ref == command.ref
        assert (parsed.text or "").lower() == command.text
    else:
        assert parsed == command


COMMAND_WORDS = [
    "Done",
    "Pass",
    "Escalate",
    "On",
    "Off",
    "Break",
    "Status",
    "Help",
    "Swap",
    "Pause",
    "Claim",
    "Call",
    "Take",
    "Tag",
    "Res",
    "Topics",
    "Continuity on",
    "Check in",
    "Checkin",
]


@given(
    st.sampled_from(COMMAND_WORDS),
    st.lists(st.sampled_from(SENTENCE_WORDS), min_size=1, max_size=8),
    st.sampled_from(["", ".", "?", "!", " 💛"]),
)
def test_a_command_word_followed_by_sentence_words_is_relayed(
    word: str, words: list[str], ending: str
) -> None:
    if word == "Continuity on" and len(words) == 1:
        words = [*words, "matters"]  # CONTINUITY ON <one word> is the command: a first name
    body = f"{word} {' '.join(words)}{ending}"
    assert parse_volunteer_text(body, KNOWN) == Relay(text=body)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("done.", Command("DONE")),
        ("Done!", Command("DONE")),
        ("DONE 👍", Command("DONE")),
        ("pass?", Command("PASS")),
        ("off.", Command("OFF")),
        ("help?", Command("HELP")),
        ("done k4p!", Command("DONE", ref="K4P")),
    ],
)
def test_trailing_punctuation_and_emoji_do_not_hide_a_command(text: str, expected: Command) -> None:
    assert parse_volunteer_text(text, KNOWN) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Topics like this are hard to bring up",
        "Topics like grief are hard to bring up",
        "TOPICS anxiety and so much more",
        "Res is short for residence, right?",
        "Tag, you're it 😄",
        "tag along with me for a minute",
        "Continuity on my end is what matters",
        "Continuity on purpose matters",
        "Talked.",
        "❤️ done",
        "Done? Really? You're sure?",
    ],
)
def test_free_words_the_line_does_not_know_are_relayed(text: str) -> None:
    assert parse_volunteer_text(text, KNOWN) == Relay(text=text)


def test_a_reference_with_an_emoji_is_words_for_that_texter() -> None:
    assert parse_volunteer_text("#K4P 👍", KNOWN) == Relay(text="👍", ref="K4P")
    assert parse_volunteer_text("K4P.", KNOWN) == Command("TAKE", ref="K4P")


def test_trimming_keeps_words_and_drops_only_the_tail() -> None:
    assert trimmed("  Done 👍🏽!! ") == "Done"
    assert trimmed("¿pass?") == "¿pass"
    assert trimmed("café") == "café"


def test_the_hint_spells_the_form_that_works() -> None:
    assert spelled(Command("DONE"), "U2X") == "DONE U2X"
    assert spelled(Command("PASS"), "U2X") == "PASS U2X"
    assert spelled(Command("DONE", text="CHECKIN"), "U2X") == "DONE U2X CHECKIN"
    assert spelled(Command("RES", text="grief"), "U2X") == "RES U2X grief"
    for form in ("DONE U2X", "PASS U2X", "DONE U2X CHECKIN", "RES U2X grief"):
        parsed = parse_volunteer_text(form, KNOWN)
        assert isinstance(parsed, Command) and parsed.ref == "U2X"
