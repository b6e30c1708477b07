"""Caring check-ins: when a line sends them, said the way a texter reads it."""

from __future__ import annotations

import re
from datetime import timedelta

from warmline.core.errors import InvalidInput

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
_OFFSET = re.compile(r"(\d{1,4})\s*([smhdw])")
MAX_CHECKINS = 5
LONGEST = timedelta(days=90)
OFF_WORDS = ("", "off", "none")


class InvalidSchedule(InvalidInput):
    """A check-in schedule we cannot read, with a message fit to show the operator."""


def parse_schedule(setting: str) -> list[timedelta]:
    """Offsets after the texter's YES, e.g. "1d, 7d" (s, m, h, d, w); empty or "off" is none."""
    text = setting.strip().lower()
    if text in OFF_WORDS:
        return []
    offsets: list[timedelta] = []
    for part in text.split(","):
        match = _OFFSET.fullmatch(part.strip())
        if match is None:
            raise InvalidSchedule(
                "{part!r}: use times after the texter's yes like '1d, 7d' "
                "(s, m, h, d or w), or 'off'",
                part=part.strip(),
            )
        offset = timedelta(seconds=int(match.group(1)) * _UNITS[match.group(2)])
        if not timedelta(0) < offset <= LONGEST:
            raise InvalidSchedule("each check-in must come within 90 days")
        offsets.append(offset)
    if len(offsets) > MAX_CHECKINS:
        raise InvalidSchedule("at most {count} check-ins", count=MAX_CHECKINS)
    return sorted(set(offsets))


def describe(offsets: list[timedelta]) -> str:
    """The schedule in plain words: "tomorrow and in a week"."""
    words = [_when(o) for o in offsets]
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def _when(offset: timedelta) -> str:
    seconds = int(offset.total_seconds())
    if seconds == 86400:
        return "tomorrow"
    if seconds == 7 * 86400:
        return "in a week"
    for unit, size in (("week", 7 * 86400), ("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds % size == 0:
            count = seconds // size
            return f"in {count} {unit}{'s' if count != 1 else ''}"
    return f"in {seconds} second{'s' if seconds != 1 else ''}"
