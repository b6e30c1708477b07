"""Who is available now, and wall-clock times read in a line's zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from warmline.rota.rules.availability import ShiftWindow, VolunteerState, available_volunteers
from warmline.rota.rules.localtime import NonexistentLocalTime, to_utc

NOW = datetime(2026, 12, 1, 20, 0, tzinfo=UTC)


def shift(vid: int, start_h: int, end_h: int, role: str = "primary") -> ShiftWindow:
    return ShiftWindow(vid, role, NOW + timedelta(hours=start_h), NOW + timedelta(hours=end_h))


@pytest.mark.parametrize(
    ("state", "shifts", "expected"),
    [
        (VolunteerState(1, True, True, 0), [shift(1, -1, 1)], [1]),
        (VolunteerState(1, True, False, 0), [shift(1, -1, 1)], []),  # OFF
        (VolunteerState(1, False, True, 0), [shift(1, -1, 1)], []),  # deactivated
        (VolunteerState(1, True, True, 2), [shift(1, -1, 1)], []),  # at capacity
        (VolunteerState(1, True, True, 1), [shift(1, -1, 1)], [1]),
        (VolunteerState(1, True, True, 0), [shift(1, 1, 2)], []),  # not started
        (VolunteerState(1, True, True, 0), [shift(1, -2, 0)], []),  # ended exactly now
        (VolunteerState(1, True, True, 0), [shift(1, 0, 1)], [1]),  # starts exactly now
        (VolunteerState(1, True, True, 0), [shift(1, -1, 1, "coordinator")], []),
        (VolunteerState(1, True, True, 0), [shift(2, -1, 1)], []),  # someone else's shift
    ],
)
def test_available_means_on_shift_on_and_under_capacity(
    state: VolunteerState, shifts: list[ShiftWindow], expected: list[int]
) -> None:
    assert available_volunteers([state], shifts, NOW, capacity=2) == expected


NEW_YORK = ZoneInfo("America/New_York")


def test_local_times_are_read_in_the_line_zone() -> None:
    assert to_utc(datetime(2026, 12, 1, 18, 0), NEW_YORK).utc == datetime(
        2026, 12, 1, 23, 0, tzinfo=UTC
    )


def test_a_time_skipped_by_daylight_saving_is_refused() -> None:
    with pytest.raises(NonexistentLocalTime):
        to_utc(datetime(2026, 3, 8, 2, 30), NEW_YORK)


def test_an_ambiguous_time_is_read_as_the_first_and_said() -> None:
    resolved = to_utc(datetime(2026, 11, 1, 1, 30), NEW_YORK)
    assert resolved.utc == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)
    assert resolved.note is not None and "twice" in resolved.note


def test_times_with_an_offset_keep_it() -> None:
    aware = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)
    assert to_utc(aware, NEW_YORK).utc == aware
