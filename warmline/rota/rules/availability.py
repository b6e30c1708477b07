"""Who can be offered a conversation right now."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class ShiftWindow:
    """A volunteer's shift on a line, in UTC."""

    volunteer_id: int
    role: str
    starts_at: datetime
    ends_at: datetime

    def covers(self, now: datetime) -> bool:
        """True while the shift is running (start inclusive, end exclusive)."""
        return self.starts_at <= now < self.ends_at


@dataclass(frozen=True)
class VolunteerState:
    """What availability needs to know about a volunteer."""

    volunteer_id: int
    is_active: bool
    is_on: bool
    active_conversations: int
    on_call: bool = False
    # Paused (PAUSE) or cooling down after a hard conversation until then.
    resting_until: datetime | None = None
    # Conversations taken on the line since the current shift began (for the per-shift cap).
    shift_conversations: int = 0


def on_shift(shifts: Iterable[ShiftWindow], now: datetime, roles: Iterable[str]) -> set[int]:
    """Ids of volunteers with a current shift in one of `roles`."""
    wanted = set(roles)
    return {s.volunteer_id for s in shifts if s.role in wanted and s.covers(now)}


def is_available(state: VolunteerState, shift_roles: set[str], capacity: int) -> bool:
    """On a current primary or backup shift, not OFF, still active, under capacity, not on a call."""
    return (
        state.is_active
        and state.is_on
        and not state.on_call
        and bool(shift_roles & {"primary", "backup"})
        and state.active_conversations < capacity
    )


def available_volunteers(
    states: Iterable[VolunteerState],
    shifts: Iterable[ShiftWindow],
    now: datetime,
    capacity: int,
    roles: Iterable[str] = ("primary",),
    shift_cap: int = 0,
) -> list[int]:
    """Ids of volunteers who may be offered a conversation now, in id order."""
    current = on_shift(shifts, now, roles)
    return sorted(
        s.volunteer_id
        for s in states
        if s.volunteer_id in current
        and is_available(s, {"primary", "backup"}, capacity)
        and not (s.resting_until is not None and s.resting_until > now)
        and not (shift_cap > 0 and s.shift_conversations >= shift_cap)
    )
