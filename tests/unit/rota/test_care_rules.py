"""Rest for peers: breaks, cool-downs after hard conversations, and daily limits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from warmline.rota.rules.availability import ShiftWindow, VolunteerState, available_volunteers
from warmline.rota.rules.care import (
    over_daily_limit,
    pause_minutes,
    resting,
    start_of_day,
    was_hard,
)

NOW = datetime(2026, 3, 2, 20, 0, tzinfo=UTC)


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
