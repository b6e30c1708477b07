"""Care for carers and for very frequent texters: breaks, cool-downs and gentle limits."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

DEFAULT_PAUSE_MIN = 15
LONGEST_PAUSE_MIN = 240


def pause_minutes(requested: int | None) -> int:
    """A break's length: 15 minutes unless asked, at least 1, at most 4 hours."""
    if requested is None:
        return DEFAULT_PAUSE_MIN
    return max(1, min(requested, LONGEST_PAUSE_MIN))


def was_hard(crisis_at: datetime | None, escalated_at: datetime | None) -> bool:
    """A conversation that used crisis words or that the peer escalated."""
    return crisis_at is not None or escalated_at is not None


def resting(paused_until: datetime | None, cooldown_until: datetime | None, now: datetime) -> bool:
    """On a break or cooling down after a hard conversation."""
    return any(until is not None and until > now for until in (paused_until, cooldown_until))


def start_of_day(now: datetime, zone: ZoneInfo) -> datetime:
    """Midnight of `now`'s date in the line's zone, as an aware time."""
    local = now.astimezone(zone)
    return datetime.combine(local.date(), time(0), tzinfo=zone)


def over_daily_limit(conversations_today: int, limit: int, urgent: bool) -> bool:
    """A gentle limit (0 = off) reached; never for crisis words or a texter asking for HELP."""
    return limit > 0 and not urgent and conversations_today >= limit


def cooldown_end(now: datetime, minutes: int) -> datetime | None:
    """When a cool-down of `minutes` ends (None when the line has none)."""
    return now + timedelta(minutes=minutes) if minutes > 0 else None
