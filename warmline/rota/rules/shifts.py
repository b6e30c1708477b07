"""Shifts as wall-clock times in a line's zone, expanded into UTC occurrences."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from warmline.core.errors import InvalidInput
from warmline.rota.rules.availability import ShiftWindow, VolunteerState, available_volunteers
from warmline.rota.rules.localtime import NonexistentLocalTime, to_utc

MAX_SHIFT = timedelta(hours=24)
WEEK = timedelta(days=7)
# How far ahead weekly shifts are written out as occurrences; the sweeper keeps extending it.
HORIZON = timedelta(days=400)
# How far ahead a weekly shift's times are checked against daylight-saving gaps.
DST_CHECK_WEEKS = 53 * 2


class InvalidShift(InvalidInput):
    """A shift we refuse, with a message fit to show a coordinator."""


@dataclass(frozen=True)
class ShiftPattern:
    """A shift as entered: local wall-clock start and end, once or every week."""

    volunteer_id: int
    role: str
    local_start: datetime
    local_end: datetime
    weekly: bool = False
    repeat_until: date | None = None
    skipped: frozenset[date] = field(default_factory=frozenset)
    handed_over: Mapping[date, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Occurrence:
    """One concrete shift in UTC, with the local date it belongs to."""

    local_date: date
    volunteer_id: int
    role: str
    starts_at: datetime
    ends_at: datetime


def validate(pattern: ShiftPattern, zone: ZoneInfo) -> list[str]:
    """Refuse empty, over-long or never-happening shifts; return notes on ambiguous times."""
    if pattern.local_end <= pattern.local_start:
        raise InvalidShift("the end must be after the start")
    notes: list[str] = []
    for week in range(DST_CHECK_WEEKS if pattern.weekly else 1):
        start_local = pattern.local_start + week * WEEK
        if pattern.repeat_until is not None and start_local.date() > pattern.repeat_until:
            break
        try:
            start = to_utc(start_local, zone)
            end = to_utc(pattern.local_end + week * WEEK, zone)
        except NonexistentLocalTime as exc:
            if week:
                raise InvalidShift(
                    "on one of its weeks, {skipped}: choose another time", skipped=exc
                ) from None
            raise InvalidShift("{skipped}: choose another time", skipped=exc) from None
        if end.utc - start.utc > MAX_SHIFT:
            raise InvalidShift("a shift can be at most 24 hours long")
        notes.extend(n for n in (start.note, end.note) if n and n not in notes)
    return notes


def expand(pattern: ShiftPattern, zone: ZoneInfo, until: datetime) -> Iterator[Occurrence]:
    """Occurrences starting before `until`: wall-clock times kept across daylight-saving changes."""
    weeks = _weeks(pattern)
    for week in weeks:
        start_local = pattern.local_start + week * WEEK
        local_day = start_local.date()
        if pattern.repeat_until is not None and local_day > pattern.repeat_until:
            return
        starts_at = _utc(start_local, zone)
        if starts_at >= until:
            return
        if local_day in pattern.skipped:
            continue
        yield Occurrence(
            local_date=local_day,
            volunteer_id=pattern.handed_over.get(local_day, pattern.volunteer_id),
            role=pattern.role,
            starts_at=starts_at,
            ends_at=_utc(pattern.local_end + week * WEEK, zone),
        )


def _weeks(pattern: ShiftPattern) -> Iterable[int]:
    if not pattern.weekly:
        return range(1)
    return range(10_000)


def _utc(local: datetime, zone: ZoneInfo) -> datetime:
    """A wall-clock time in UTC; the first reading of an ambiguous time, as validate() said."""
    return local.replace(tzinfo=zone, fold=0).astimezone(UTC)


@dataclass(frozen=True)
class OpeningHours:
    """Weekly opening windows (weekday 0 = Monday, local times) and closures in UTC."""

    windows: tuple[tuple[int, int, int], ...] = ()  # (weekday, opens minute, closes minute)
    closures: tuple[tuple[datetime, datetime], ...] = ()

    def is_open(self, now: datetime, zone: ZoneInfo) -> bool:
        """Open at `now`: inside a weekly window (none means always) and not in a closure."""
        if any(start <= now < end for start, end in self.closures):
            return False
        if not self.windows:
            return True
        local = now.astimezone(zone)
        minute = local.hour * 60 + local.minute
        for weekday, opens, closes in self.windows:
            if closes > opens:
                if local.weekday() == weekday and opens <= minute < closes:
                    return True
            else:  # past midnight: the evening on `weekday`, the morning on the day after
                if local.weekday() == weekday and minute >= opens:
                    return True
                if local.weekday() == (weekday + 1) % 7 and minute < closes:
                    return True
        return False


Interval = tuple[datetime, datetime]


def open_intervals(
    hours: OpeningHours, start: datetime, end: datetime, zone: ZoneInfo
) -> list[Interval]:
    """The stretches of [start, end) when the line is open."""
    if not hours.windows:
        opened = [(start, end)]
    else:
        opened = []
        first_day = start.astimezone(zone).date() - timedelta(days=1)
        last_day = end.astimezone(zone).date()
        day = first_day
        while day <= last_day:
            for weekday, opens, closes in hours.windows:
                if day.weekday() != weekday:
                    continue
                midnight = datetime(day.year, day.month, day.day)
                local_open = midnight + timedelta(minutes=opens)
                local_close = midnight + timedelta(days=0 if closes > opens else 1, minutes=closes)
                opened.append((_utc(local_open, zone), _utc(local_close, zone)))
            day += timedelta(days=1)
        opened = _clip(_merge(opened), start, end)
    return _subtract(opened, _merge(list(hours.closures)))


class RoleWindow(Protocol):
    """Anything with a role and a UTC window: an occurrence or a shift window."""

    @property
    def role(self) -> str: ...
    @property
    def starts_at(self) -> datetime: ...
    @property
    def ends_at(self) -> datetime: ...


@dataclass(frozen=True)
class Stretch:
    """A span that primary shifts cover without a break, as the database merged them."""

    starts_at: datetime
    ends_at: datetime
    role: str = "primary"


def uncovered(
    occurrences: Iterable[RoleWindow],
    start: datetime,
    end: datetime,
    hours: OpeningHours,
    zone: ZoneInfo,
) -> list[Interval]:
    """Open stretches of [start, end) that no primary shift covers."""
    covered = _merge([(o.starts_at, o.ends_at) for o in occurrences if o.role == "primary"])
    return _subtract(open_intervals(hours, start, end, zone), covered)


def _merge(intervals: list[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for s, e in sorted(intervals):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        elif e > s:
            merged.append((s, e))
    return merged


def _clip(intervals: list[Interval], start: datetime, end: datetime) -> list[Interval]:
    return [(max(s, start), min(e, end)) for s, e in intervals if e > start and s < end]


def _subtract(base: list[Interval], remove: list[Interval]) -> list[Interval]:
    """`base` minus `remove`; both sorted and non-overlapping."""
    result: list[Interval] = []
    for s, e in base:
        cursor = s
        for rs, re_ in remove:
            if re_ <= cursor or rs >= e:
                continue
            if rs > cursor:
                result.append((cursor, rs))
            cursor = max(cursor, re_)
            if cursor >= e:
                break
        if cursor < e:
            result.append((cursor, e))
    return result


@dataclass(frozen=True)
class RotaSnapshot:
    """Everything availability depends on, for one line, as plain data."""

    patterns: tuple[ShiftPattern, ...]
    zone: ZoneInfo
    hours: OpeningHours = OpeningHours()
    off: Mapping[int, tuple[Interval, ...]] = field(default_factory=dict)
    load: Mapping[int, int] = field(default_factory=dict)
    capacity: int = 2


def available_at(rota: RotaSnapshot, now: datetime) -> set[int]:
    """Volunteers who may be offered a contact at `now`: the line open, on a primary shift,
    not OFF, under capacity."""
    if not rota.hours.is_open(now, rota.zone):
        return set()
    windows = [
        ShiftWindow(o.volunteer_id, o.role, o.starts_at, o.ends_at)
        for pattern in rota.patterns
        for o in expand(pattern, rota.zone, now + timedelta(seconds=1))
        if o.starts_at <= now < o.ends_at
    ]
    states = [
        VolunteerState(
            volunteer_id=vid,
            is_active=True,
            is_on=not any(s <= now < e for s, e in rota.off.get(vid, ())),
            active_conversations=rota.load.get(vid, 0),
        )
        for vid in {w.volunteer_id for w in windows}
    ]
    return set(available_volunteers(states, windows, now, rota.capacity))
