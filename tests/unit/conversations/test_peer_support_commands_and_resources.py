"""Peers' commands for resources, topics and continuity, and choosing a resource."""

from __future__ import annotations

import pytest

from warmline.conversations.rules.commands import Command, Relay, parse_volunteer_text
from warmline.conversations.rules.keywords import TexterKeyword, texter_keyword
from warmline.conversations.rules.resources import (
    ResourceCard,
    best_match,
    parse_request,
    suggestions,
)
from warmline.conversations.rules.vocabulary import Vocabulary
from warmline.lines.rules.topics import DEFAULT_TOPICS

CARDS = [
    ResourceCard(1, "Calm breathing", ("anxiety",), "en"),
    ResourceCard(2, "Grief circle", ("grief",), "en"),
    ResourceCard(3, "Respiración tranquila", ("anxiety",), "es"),
    ResourceCard(4, "Housing help line", (), "en"),
]
KNOWN = Vocabulary(DEFAULT_TOPICS, tuple(CARDS), ("talked",))


@pytest.mark.parametrize(
    ("words", "topic", "language", "expected"),
    [
        ("anxiety", "anxiety", None, 1),  # the topic; the oldest of equals
        ("anxiety", "anxiety", "es", 3),  # the language asked for breaks the tie
        ("breathing", None, None, 1),  # a title word
        ("housing help", None, None, 4),  # title words
        ("hous", None, None, 4),  # a title word's start
        ("respiracion", None, None, 3),  # accents ignored
        ("tax", None, None, None),
        ("", None, None, None),
    ],
)
def test_the_best_resource_is_chosen_by_topic_then_title(
    words: str, topic: str | None, language: str | None, expected: int | None
) -> None:
    assert best_match(words, CARDS, topic, language) == expected


def test_suggestions_give_a_word_that_finds_each_resource() -> None:
    chosen = suggestions(CARDS, limit=4)
    assert chosen[:2] == [("anxiety", "Calm breathing"), ("grief", "Grief circle")]
    for word, title in chosen:
        card = next(c for c in CARDS if c.title == title)
        assert best_match(word, CARDS, None) == card.id
    assert parse_request("anxiety es").language == "es"
    assert parse_request("panic attacks").words == "panic attacks"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("RES anxiety", Command("RES", text="anxiety")),
        ("res", Command("RES")),
        ("RES #k4p grief es", Command("RES", ref="K4P", text="grief es")),
        ("TOPICS anxiety, grief", Command("TOPICS", text="anxiety, grief")),
        ("topics", Command("TOPICS")),
        ("DONE CHECKIN", Command("DONE", text="CHECKIN")),
        ("done k4p check-in", Command("DONE", ref="K4P", text="CHECKIN")),
        ("checkin", Command("CHECKIN")),
        ("CHECKIN #K4P", Command("CHECKIN", ref="K4P")),
        ("continuity on Sam", Command("CONTINUITY_ON", text="Sam")),
        ("CONTINUITY OFF", Command("CONTINUITY_OFF")),
        ("PAUSE 20", Command("PAUSE", minutes=20)),
    ],
)
def test_peer_support_commands_are_recognised(text: str, expected: Command) -> None:
    assert parse_volunteer_text(text, KNOWN) == expected


@pytest.mark.parametrize(
    "text", ["Rest well tonight", "Resources are out there", "RES 911", "Checking in on you"]
)
def test_words_that_only_look_like_them_are_relayed(text: str) -> None:
    assert parse_volunteer_text(text, KNOWN) == Relay(text=text)


def test_texters_can_ask_for_someone_new_and_stop_check_ins() -> None:
    assert texter_keyword("new") is TexterKeyword.NEW
    assert texter_keyword("NOMORE!") is TexterKeyword.NO_MORE
    assert texter_keyword("no more") is None  # could be anything: never swallowed
    assert texter_keyword("new here") is None
