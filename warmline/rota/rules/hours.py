"""Opening hours as people write them: `Mon-Fri 18:00-23:00; Sat,Sun 12:00-02:00`."""

from __future__ import annotations

import re

from warmline.core.errors import InvalidInput
from warmline.messaging.times import day_runs

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_TIME = re.compile(r"([01]?\d|2[0-4]):([0-5]\d)")


class InvalidHours(InvalidInput):
    """Hours we cannot read, with a message saying why."""


def parse_hours(spec: str) -> list[tuple[int, int, int]]:
    """Weekly windows (weekday, opens minute, closes minute); `always` means no windows (24/7)."""
    text = spec.strip().lower()
    if text in ("always", "24/7", ""):
        return []
    windows: list[tuple[int, int, int]] = []
    for part in (p.strip() for p in text.split(";") if p.strip()):
        days_text, _, times_text = part.partition(" ")
        days = _days(days_text)
        opens, sep, closes = times_text.replace(" ", "").partition("-")
        if not sep:
            raise InvalidHours("{part!r}: expected times like 18:00-23:00", part=part)
        open_minute, close_minute = _minute(opens), _minute(closes)
        if open_minute == close_minute or open_minute >= 1440:
            raise InvalidHours(
                "{part!r}: opening and closing must differ (use 00:00-24:00 for all day)",
                part=part,
            )
        windows.extend((day, open_minute, close_minute) for day in days)
    return windows


def describe(windows: list[tuple[int, int, int]]) -> str:
    """Hours in words, for texts: `Mon 18:00-23:00, Tue 18:00-23:00`."""
    if not windows:
        return "always open"
    return ", ".join(
        f"{DAYS[d].title()} {o // 60:02d}:{o % 60:02d}-{c // 60:02d}:{c % 60:02d}"
        for d, o, c in sorted(windows)
    )


def as_spec(windows: list[tuple[int, int, int]]) -> str:
    """Windows written back in the syntax `parse_hours` reads: `mon-fri 18:00-23:00; sat 12:00-02:00`."""
    if not windows:
        return "always"
    by_times: dict[tuple[int, int], list[int]] = {}
    for day, opens, closes in sorted(windows):
        by_times.setdefault((opens, closes), []).append(day)
    parts = []
    for (opens, closes), days in sorted(by_times.items(), key=lambda item: item[1][0]):
        times = f"{opens // 60:02d}:{opens % 60:02d}-{closes // 60:02d}:{closes % 60:02d}"
        parts.append(f"{_day_ranges(sorted(set(days)))} {times}")
    return "; ".join(parts)


def _day_ranges(days: list[int]) -> str:
    """Days as runs: [0, 1, 2, 4] → `mon-wed,fri`."""
    return ",".join(
        DAYS[first] if first == last else f"{DAYS[first]}-{DAYS[last]}"
        for first, last in day_runs(days)
    )


def _days(text: str) -> list[int]:
    days: list[int] = []
    for item in text.split(","):
        first, sep, last = item.partition("-")
        if first not in DAYS or (sep and last not in DAYS):
            raise InvalidHours(
                "{days!r}: days are written mon, tue, ... sun (e.g. mon-fri)", days=text
            )
        start, end = DAYS.index(first), DAYS.index(last) if sep else DAYS.index(first)
        span = range(start, end + 1) if end >= start else [*range(start, 7), *range(0, end + 1)]
        days.extend(span)
    return sorted(set(days))


def _minute(text: str) -> int:
    match = _TIME.fullmatch(text)
    if match is None:
        raise InvalidHours("{time!r} is not a time like 18:00", time=text)
    minute = int(match.group(1)) * 60 + int(match.group(2))
    if minute > 1440:
        raise InvalidHours("{time!r} is not a time like 18:00", time=text)
    return minute
