"""How times and durations read on the dashboard."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo


def local(moment: datetime, timezone: str, fmt: str = "%a %d %b %H:%M") -> str:
    """`moment` on the line's wall clock."""
    return moment.astimezone(ZoneInfo(timezone)).strftime(fmt)


def clock(moment: datetime, timezone: str) -> str:
    """Hours and minutes on the line's wall clock."""
    return local(moment, timezone, "%H:%M")


def until(moment: datetime, now: datetime, timezone: str) -> str:
    """An end time that says when it falls on a later day: 14:42, 14:42 tomorrow, Thu 14:42."""
    zone = ZoneInfo(timezone)
    days = (moment.astimezone(zone).date() - now.astimezone(zone).date()).days
    if days <= 0:
        return clock(moment, timezone)
    if days == 1:
        return f"{clock(moment, timezone)} tomorrow"
    return local(moment, timezone, "%a %H:%M")


def span(starts: datetime, ends: datetime, timezone: str, sep: str = " – ") -> str:
    """A shift's hours; one that ends after midnight says so: 15:42 - 14:42 (next day), with an en dash."""
    zone = ZoneInfo(timezone)
    later = (ends.astimezone(zone).date() - starts.astimezone(zone).date()).days
    tail = " (next day)" if later == 1 else f" ({local(ends, timezone, '%a')})" if later > 1 else ""
    return f"{clock(starts, timezone)}{sep}{clock(ends, timezone)}{tail}"


def zone_name(moment: datetime, timezone: str) -> str:
    """The zone's abbreviation at `moment`, as people read it: EST, EDT, CET."""
    return local(moment, timezone, "%Z")


def duration(seconds: float) -> str:
    """A wait or a length of time, as a person would say it: 45 s, 3 min 05 s, 2 h 10 min."""
    whole = max(0, int(seconds))
    if whole < 60:
        return f"{whole} s"
    minutes, secs = divmod(whole, 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def iso(moment: datetime) -> str:
    """An ISO 8601 UTC timestamp for the page's script."""
    return moment.isoformat().replace("+00:00", "Z")
