"""The one clock the edges read; services and rules are handed `now`."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from warmline.core.errors import InvalidInput


def utcnow() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)


def parse_zone(name: str) -> ZoneInfo:
    """The time zone called `name`, or a clear error."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(
            "unknown time zone {name!r} (use a name like America/New_York)", name=name
        ) from None
