"""Hours, closures, coverage gaps, crisis words and fair offers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from warmline.conversations.rules.crisis import mentions_crisis, word_lists
from warmline.conversations.rules.offers import longest_idle
from warmline.rota.rules.hours import InvalidHours, describe, parse_hours
from warmline.rota.rules.shifts import (
    InvalidShift,
    Occurrence,
    OpeningHours,
    ShiftPattern,
    uncovered,
    validate,
)

NY = ZoneInfo("America/New_York")


def ny(*args: int) -> datetime:
    return datetime(*args, tzinfo=NY).astimezone(UTC)


def test_hours_are_read_as_people_write_them() -> None:
    assert parse_hours("Mon-Fri 18:00-23:00; sat,sun 12:00-02:00") == [
        (0, 1080, 1380),
        (1, 1080, 1380),
        (2, 1080, 1380),
        (3, 1080, 1380),
        (4, 1080, 1380),
        (5, 720, 120),
        (6, 720, 120),
    ]
    assert parse_hours("always") == []
    assert parse_hours("fri-mon 20:00-24:00") == [
        (0, 1200, 1440),
        (4, 1200, 1440),
        (5, 1200, 1440),
        (6, 1200, 1440),
    ]
    assert describe(parse_hours("tue 09:00-17:30")) == "Tue 09:00-17:30"


@pytest.mark.parametrize(
    "spec",
    ["weekdays 9-5", "mon 25:00-26:00", "mon 18:00", "mon 18:00-18:00", "funday 10:00-11:00"],
)
def test_unreadable_hours_are_refused(spec: str) -> None:
    with pytest.raises(InvalidHours):
        parse_hours(spec)


def test_opening_hours_include_the_opening_minute_and_exclude_the_closing_one() -> None:
    hours = OpeningHours(windows=((0, 18 * 60, 23 * 60),))  # Monday 18:00-23:00
    assert not hours.is_open(ny(2026, 11, 30, 17, 59), NY)
    assert hours.is_open(ny(2026, 11, 30, 18, 0), NY)
    assert hours.is_open(ny(2026, 11, 30, 22, 59), NY)
    assert not hours.is_open(ny(2026, 11, 30, 23, 0), NY)


def test_hours_past_midnight_run_into_the_next_morning() -> None:
    hours = OpeningHours(windows=((5, 20 * 60, 2 * 60),))  # Saturday 20:00-02:00
    assert hours.is_open(ny(2026, 11, 28, 23, 0), NY)
    assert hours.is_open(ny(2026, 11, 29, 1, 59), NY)
    assert not hours.is_open(ny(2026, 11, 29, 2, 0), NY)
    assert not hours.is_open(ny(2026, 11, 29, 20, 30), NY)  # Sunday evening is not Saturday


def test_a_closure_closes_an_always_open_line() -> None:
    hours = OpeningHours(closures=((ny(2026, 12, 25, 0, 0), ny(2026, 12, 26, 0, 0)),))
    assert not hours.is_open(ny(2026, 12, 25, 12, 0), NY)
    assert hours.is_open(ny(2026, 12, 26, 0, 0), NY)


def occurrence(start: datetime, end: datetime, role: str = "primary") -> Occurrence:
    return Occurrence(start.date(), 1, role, start, end)


def test_coverage_gaps_are_the_open_hours_no_primary_shift_covers() -> None:
    hours = OpeningHours(windows=((0, 18 * 60, 23 * 60), (1, 18 * 60, 23 * 60)))
    shifts = [
        occurrence(ny(2026, 11, 30, 18, 0), ny(2026, 11, 30, 21, 0)),
        occurrence(ny(2026, 11, 30, 21, 0), ny(2026, 11, 30, 23, 0), role="backup"),
        occurrence(ny(2026, 12, 1, 17, 0), ny(2026, 12, 1, 23, 30)),
    ]
    gaps = uncovered(shifts, ny(2026, 11, 30, 12, 0), ny(2026, 12, 2, 12, 0), hours, NY)
    assert gaps == [(ny(2026, 11, 30, 21, 0), ny(2026, 11, 30, 23, 0))]


def test_a_fully_covered_always_open_line_has_no_gap() -> None:
    start = ny(2026, 11, 30, 0, 0)
    shifts = [
        occurrence(start - timedelta(hours=1), start + timedelta(hours=30)),
        occurrence(start + timedelta(hours=29), start + timedelta(hours=49)),
    ]
    assert uncovered(shifts, start, start + timedelta(hours=48), OpeningHours(), NY) == []


def test_shifts_must_end_after_they_start_and_last_at_most_a_day() -> None:
    with pytest.raises(InvalidShift, match="end must be after"):
        validate(
            ShiftPattern(1, "primary", datetime(2026, 12, 1, 18), datetime(2026, 12, 1, 18)), NY
        )
    with pytest.raises(InvalidShift, match="at most 24 hours"):
        validate(
            ShiftPattern(1, "primary", datetime(2026, 12, 1, 18), datetime(2026, 12, 2, 19)), NY
        )


def test_a_weekly_shift_that_would_start_in_a_skipped_hour_is_refused() -> None:
    pattern = ShiftPattern(
        1, "primary", datetime(2026, 2, 22, 2, 30), datetime(2026, 2, 22, 5, 0), weekly=True
    )
    with pytest.raises(InvalidShift, match="does not exist"):
        validate(pattern, NY)


@pytest.mark.parametrize(
    ("text", "crisis"),
    [
        ("I want to kill myself", True),
        ("i'm SUICIDAL tonight", True),
        ("Sometimes I think everyone would be better off dead without me", True),
        ("estoy pensando en hacerme daño", True),
        ("this traffic is killing me", False),
        ("I'm dying to see the new film", False),
        ("", False),
    ],
)
def test_crisis_words_are_found_as_whole_words_in_any_case(text: str, crisis: bool) -> None:
    assert mentions_crisis(text, word_lists({})) is crisis


def test_a_lines_own_crisis_words_replace_the_defaults_for_that_language() -> None:
    lists = word_lists({"en": "bridge, pills"})
    assert mentions_crisis("I'm standing on the bridge", lists)
    assert not mentions_crisis("I want to kill myself", lists)
    assert mentions_crisis("quiero morir", lists)  # Spanish keeps its defaults


def test_longest_idle_prefers_never_busy_then_the_longest_ago() -> None:
    now = datetime(2026, 12, 1, tzinfo=UTC)
    assert longest_idle([1, 2, 3], {1: now, 2: now - timedelta(hours=1)}) == 3
    assert longest_idle([1, 2], {1: now, 2: now - timedelta(hours=1)}) == 2
    assert longest_idle([2, 1], {}) == 1
    assert longest_idle([], {}) is None
