"""A month on the line's clock, and the part of a shift inside it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from warmline.rota.rules.months import InvalidMonth, month_window, time_inside

NEW_YORK = ZoneInfo("America/New_York")


def test_a_month_runs_from_local_midnight_to_local_midnight_across_a_clock_change() -> None:
    start, end = month_window("2027-11", NEW_YORK)
    assert start == datetime(2027, 11, 1, 4, tzinfo=UTC)  # still daylight time on the 1st
    assert end == datetime(2027, 12, 1, 5, tzinfo=UTC)


def test_december_ends_at_the_new_year() -> None:
    assert month_window("2027-12", NEW_YORK)[1] == datetime(2028, 1, 1, 5, tzinfo=UTC)


@pytest.mark.parametrize("month", ["", "2027-13", "2027-00", "Nov 2027", "1999-01"])
def test_a_month_we_cannot_read_is_refused(month: str) -> None:
    with pytest.raises(InvalidMonth):
        month_window(month, NEW_YORK)


@pytest.mark.parametrize(
    ("starts", "ends", "inside"),
    [(-2, 3, 3), (1, 3, 2), (9, 12, 1), (-3, -1, 0), (11, 12, 0)],
)
def test_only_the_part_of_a_shift_inside_the_window_counts(
    starts: int, ends: int, inside: int
) -> None:
    base = datetime(2027, 11, 1, tzinfo=UTC)
    hours = timedelta(hours=1)
    got = time_inside(base + starts * hours, base + ends * hours, base, base + 10 * hours)
    assert got == inside * hours
