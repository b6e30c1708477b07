"""Local wall-clock times in a line's time zone, turned into UTC without silent surprises."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from warmline.core.errors import InvalidInput


class NonexistentLocalTime(InvalidInput):
    """A wall-clock time skipped by a daylight-saving change."""


@dataclass(frozen=True)
class Resolved:
    """A UTC time and, when the local time was ambiguous, a note saying how it was read."""

    utc: datetime
    note: str | None = None


def to_utc(value: datetime, zone: ZoneInfo) -> Resolved:
    """Read `value` in `zone` unless it carries its own offset; refuse times that never happen."""
    if value.tzinfo is not None:
        return Resolved(value.astimezone(UTC))
    first = value.replace(tzinfo=zone, fold=0)
    second = value.replace(tzinfo=zone, fold=1)
    if first.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != value:
        raise NonexistentLocalTime(
            "{moment} does not exist in {zone} (clocks skip it)",
            moment=value.strftime("%Y-%m-%d %H:%M"),
            zone=zone.key,
        )
    if first.utcoffset() != second.utcoffset():
        return Resolved(
            first.astimezone(UTC),
            f"{value:%Y-%m-%d %H:%M} happens twice in {zone.key}; read as the first "
            f"(UTC{_offset(first)})",
        )
    return Resolved(first.astimezone(UTC))


def _offset(moment: datetime) -> str:
    offset = moment.utcoffset()
    assert offset is not None
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
