"""A calendar month on a line's clock, and the time a shift spends inside a window."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from warmline.core.errors import InvalidInput

_MONTH = re.compile(r"(\d{4})-(\d{2})")


class InvalidMonth(InvalidInput):
    """A month we cannot read, with a message fit to show."""


def month_window(month: str, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC start and end of "2026-11" on the line's wall clock (midnight to midnight)."""
    found = _MONTH.fullmatch(month.strip())
    if not found or not 1 <= int(found.group(2)) <= 12:
        raise InvalidMonth("Choose a month, like 2026-11.")
    year, number = int(found.group(1)), int(found.group(2))
    if not 2000 <= year <= 2100:
        raise InvalidMonth("Choose a month between 2000 and 2100.")
    start = datetime(year, number, 1, tzinfo=zone)
    end = datetime(year + number // 12, number % 12 + 1, 1, tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)


def time_inside(starts: datetime, ends: datetime, start: datetime, end: datetime) -> timedelta:
    """How much of [starts, ends) falls inside [start, end)."""
    return max(timedelta(0), min(ends, end) - max(starts, start))
