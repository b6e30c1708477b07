"""A line's topics and synonyms, and its check-in schedule, as operators write them."""

from __future__ import annotations

from datetime import timedelta

import pytest

from warmline.lines.rules.checkins import InvalidSchedule, describe, parse_schedule
from warmline.lines.rules.topics import (
    DEFAULT_TOPICS,
    InvalidTopics,
    parse_topics,
    resolve,
    resolve_list,
    topic_in,
)


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
