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
