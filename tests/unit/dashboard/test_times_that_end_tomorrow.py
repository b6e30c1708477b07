"""End times on the dashboard say when they fall on the next day, on the line's wall clock."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from warmline.dashboard.present import span, until, zone_name

NY = "America/New_York"
# 20:42 in New York on a winter evening (UTC-5).
NOW = datetime(2031, 1, 14, 1, 42, tzinfo=UTC)


@pytest.mark.parametrize(
    ("end", "said"),
    [
        (datetime(2031, 1, 14, 3, 42, tzinfo=UTC), "22:42"),
        (datetime(2031, 1, 14, 19, 42, tzinfo=UTC), "14:42 tomorrow"),
        (datetime(2031, 1, 16, 19, 42, tzinfo=UTC), "Thu 14:42"),
    ],
)
def test_an_end_time_says_tomorrow_when_it_is(end: datetime, said: str) -> None:
    assert until(end, NOW, NY) == said


def test_a_shift_over_midnight_says_next_day_and_one_within_the_day_does_not() -> None:
    starts = datetime(2031, 1, 14, 20, 42, tzinfo=UTC)  # 15:42 in New York
    assert span(starts, datetime(2031, 1, 15, 19, 42, tzinfo=UTC), NY) == "15:42 – 14:42 (next day)"
    assert span(starts, datetime(2031, 1, 14, 23, 0, tzinfo=UTC), NY, "–") == "15:42–18:00"


def test_the_zone_is_named_as_people_read_it_summer_and_winter() -> None:
    assert zone_name(NOW, NY) == "EST"
    assert zone_name(datetime(2031, 7, 1, tzinfo=UTC), NY) == "EDT"
