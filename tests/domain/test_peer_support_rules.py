"""Pure rules of peer support: topics, resources, check-in times, breaks and limits, commands."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from warmline.conversations.rules.commands import Command, Relay, parse_volunteer_text
from warmline.conversations.rules.keywords import TexterKeyword, texter_keyword
from warmline.conversations.rules.resources import (
    ResourceCard,
    best_match,
    parse_request,
    suggestions,
)
from warmline.lines.rules.checkins import InvalidSchedule, describe, parse_schedule
from warmline.lines.rules.topics import (
    DEFAULT_TOPICS,
    InvalidTopics,
    parse_topics,
    resolve,
    resolve_list,
    topic_in,
)
from warmline.rota.rules.availability import ShiftWindow, VolunteerState, available_volunteers
from warmline.rota.rules.care import (
    over_daily_limit,
    pause_minutes,
    resting,
    start_of_day,
    was_hard,
)

NOW = datetime(2026, 3, 2, 20, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("panic attacks", "anxiety"),
        ("Having a PANIC attack right now!!", "anxiety"),
        ("tengo ataques de pánico", "anxiety"),
        ("mi ansiedad", "anxiety"),
        ("my mum passed away", "grief"),
        ("el duelo", "grief"),
        ("so lonely tonight", "loneliness"),
        ("lonely and anxious", "loneliness"),  # the first named wins
        ("I relapsed... no, a relapse", "substance use"),
        ("hi", None),
        ("hispanic heritage month", None),  # whole words only
        ("", None),
    ],
)
def test_a_texters_words_name_a_topic_through_its_synonyms(text: str, topic: str | None) -> None:
    assert topic_in(text, DEFAULT_TOPICS) == topic


def test_a_line_sets_its_own_topics_and_synonyms() -> None:
    topics = parse_topics("Anxiety: panic, Pánico; Grief: loss\nWork: burnout")
    assert topics == {"anxiety": ("panic", "panico"), "grief": ("loss",), "work": ("burnout",)}
    assert topic_in("total burnout", topics) == "work"
    assert topic_in("depressed", topics) is None  # the defaults are replaced, not added to
    assert parse_topics("  ") == dict(DEFAULT_TOPICS)


@pytest.mark.parametrize("setting", [": panic", ";;", "x" * 41 + ": y"])
def test_an_unreadable_topic_list_is_refused(setting: str) -> None:
    with pytest.raises(InvalidTopics):
        parse_topics(setting)


def test_a_peers_words_resolve_to_topics_exactly() -> None:
    assert resolve("Panic", DEFAULT_TOPICS) == "anxiety"
    assert resolve("DUELO", DEFAULT_TOPICS) == "grief"
    assert resolve("panicky", DEFAULT_TOPICS) is None
    assert resolve_list("anxiety, panic, grief, juggling", DEFAULT_TOPICS) == (
        ["anxiety", "grief"],
        ["juggling"],
    )


CARDS = [
    ResourceCard(1, "Calm breathing", ("anxiety",), "en"),
    ResourceCard(2, "Grief circle", ("grief",), "en"),
    ResourceCard(3, "Respiración tranquila", ("anxiety",), "es"),
    ResourceCard(4, "Housing help line", (), "en"),
]


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
    ("setting", "offsets", "words"),
    [
        ("1d, 7d", [timedelta(days=1), timedelta(days=7)], "tomorrow and in a week"),
        ("7d,1d", [timedelta(days=1), timedelta(days=7)], "tomorrow and in a week"),
        ("30s, 60s", [timedelta(seconds=30), timedelta(minutes=1)], "in 30 seconds and in 1 minute"),
        ("2h, 3d, 2w", [timedelta(hours=2), timedelta(days=3), timedelta(weeks=2)],
         "in 2 hours, in 3 days and in 2 weeks"),
        ("off", [], ""),
        ("", [], ""),
    ],
)  # fmt: skip
def test_check_in_times_are_read_and_said_plainly(
    setting: str, offsets: list[timedelta], words: str
) -> None:
    assert parse_schedule(setting) == offsets
    assert describe(offsets) == words


@pytest.mark.parametrize("setting", ["tomorrow", "1y", "0d", "91d", "1d,2d,3d,4d,5d,6d"])
def test_an_unreadable_check_in_schedule_is_refused(setting: str) -> None:
    with pytest.raises(InvalidSchedule):
        parse_schedule(setting)


def test_breaks_cool_downs_and_daily_limits() -> None:
    assert pause_minutes(None) == 15 and pause_minutes(0) == 1 and pause_minutes(999) == 240
    assert was_hard(NOW, None) and was_hard(None, NOW) and not was_hard(None, None)
    assert resting(NOW + timedelta(minutes=1), None, NOW)
    assert not resting(NOW, NOW - timedelta(minutes=1), NOW)
    assert over_daily_limit(3, 3, urgent=False)
    assert not over_daily_limit(2, 3, urgent=False)
    assert not over_daily_limit(9, 3, urgent=True)  # crisis words are never held back
    assert not over_daily_limit(9, 0, urgent=False)  # off
    new_york = ZoneInfo("America/New_York")
    assert start_of_day(NOW, new_york) == datetime(2026, 3, 2, tzinfo=new_york)


def shift(vid: int) -> ShiftWindow:
    return ShiftWindow(vid, "primary", NOW - timedelta(hours=1), NOW + timedelta(hours=1))


@pytest.mark.parametrize(
    ("state", "cap", "expected"),
    [
        (VolunteerState(1, True, True, 0), 0, [1]),
        (VolunteerState(1, True, True, 0, resting_until=NOW + timedelta(minutes=5)), 0, []),
        (VolunteerState(1, True, True, 0, resting_until=NOW), 0, [1]),  # ended exactly now
        (VolunteerState(1, True, True, 0, shift_conversations=3), 3, []),
        (VolunteerState(1, True, True, 0, shift_conversations=2), 3, [1]),
        (VolunteerState(1, True, True, 0, shift_conversations=9), 0, [1]),  # no cap
    ],
)
def test_resting_and_capped_peers_are_not_offered_conversations(
    state: VolunteerState, cap: int, expected: list[int]
) -> None:
    assert available_volunteers([state], [shift(1)], NOW, capacity=2, shift_cap=cap) == expected


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
    assert parse_volunteer_text(text) == expected


@pytest.mark.parametrize(
    "text", ["Rest well tonight", "Resources are out there", "RES 911", "Checking in on you"]
)
def test_words_that_only_look_like_them_are_relayed(text: str) -> None:
    assert parse_volunteer_text(text) == Relay(text=text)


def test_texters_can_ask_for_someone_new_and_stop_check_ins() -> None:
    assert texter_keyword("new") is TexterKeyword.NEW
    assert texter_keyword("NOMORE!") is TexterKeyword.NO_MORE
    assert texter_keyword("no more") is None  # could be anything: never swallowed
    assert texter_keyword("new here") is None
