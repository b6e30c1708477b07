"""The availability rule agrees with a minute-by-minute reading of the wall clock, DST nights too."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from warmline.rota.rules.shifts import (
    InvalidShift,
    OpeningHours,
    RotaSnapshot,
    ShiftPattern,
    available_at,
    validate,
)

# The nights clocks change in 2026, and the zones that change them.
DST_NIGHTS = {
    "America/New_York": [date(2026, 3, 8), date(2026, 11, 1)],
    "Europe/London": [date(2026, 3, 29), date(2026, 10, 25)],
}
MINUTE = timedelta(minutes=1)


def wall(moment: datetime, zone: ZoneInfo) -> datetime:
    """What a clock on the wall in `zone` shows at `moment`."""
    return moment.astimezone(zone).replace(tzinfo=None)


def reference_spans(
    pattern: ShiftPattern, zone: ZoneInfo, start: datetime, end: datetime
) -> list[tuple[datetime, datetime]]:
    """Each occurrence runs from the first minute the wall clock reads its start
    until the first later minute it reads its end — found by walking the clock."""
    spans = []
    weeks = range(0, 60) if pattern.weekly else range(1)
    for week in weeks:
        local_start = pattern.local_start + week * timedelta(days=7)
        local_end = pattern.local_end + week * timedelta(days=7)
        if pattern.repeat_until and local_start.date() > pattern.repeat_until:
            break
        if local_start.date() in pattern.skipped:
            continue
        if local_start > wall(end, zone) + timedelta(days=1):
            break
        moment = start - timedelta(days=2)
        while moment < end + timedelta(days=2) and wall(moment, zone) < local_start:
            moment += MINUTE
        began = moment
        while moment < end + timedelta(days=2) and wall(moment, zone) < local_end:
            moment += MINUTE
        spans.append((began, moment))
    return spans


def reference_available(
    patterns: list[ShiftPattern],
    zone: ZoneInfo,
    spans: list[list[tuple[datetime, datetime]]],
    closures: list[tuple[datetime, datetime]],
    off: dict[int, tuple[tuple[datetime, datetime], ...]],
    load: dict[int, int],
    capacity: int,
    moment: datetime,
) -> set[int]:
    """Brute force: the line open, a primary span covering the minute, not OFF, under capacity."""
    if any(s <= moment < e for s, e in closures):
        return set()
    found = set()
    for pattern, pattern_spans in zip(patterns, spans, strict=True):
        if pattern.role != "primary":
            continue
        if not any(s <= moment < e for s, e in pattern_spans):
            continue
        vid = pattern.volunteer_id
        if any(s <= moment < e for s, e in off.get(vid, ())):
            continue
        if load.get(vid, 0) >= capacity:
            continue
        found.add(vid)
    return found


@st.composite
def rotas(draw: st.DrawFn) -> tuple[str, date, list[ShiftPattern]]:
    zone_name = draw(st.sampled_from(sorted(DST_NIGHTS)))
    night = draw(st.sampled_from(DST_NIGHTS[zone_name]))
    patterns = []
    for _ in range(draw(st.integers(1, 5))):
        day = night + timedelta(days=draw(st.integers(-8, 1)))
        start = datetime(day.year, day.month, day.day) + timedelta(
            minutes=15 * draw(st.integers(0, 95))
        )
        length = timedelta(minutes=15 * draw(st.integers(1, 48)))
        weekly = draw(st.booleans())
        skipped = (
            frozenset(
                (start + timedelta(days=7 * k)).date()
                for k in draw(st.sets(st.integers(0, 2), max_size=1))
            )
            if weekly
            else frozenset()
        )
        patterns.append(
            ShiftPattern(
                volunteer_id=draw(st.integers(1, 4)),
                role=draw(st.sampled_from(["primary", "primary", "backup"])),
                local_start=start,
                local_end=start + length,
                weekly=weekly,
                skipped=skipped,
            )
        )
    return zone_name, night, patterns


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rota=rotas(),
    capacity=st.integers(1, 3),
    load=st.dictionaries(st.integers(1, 4), st.integers(0, 3), max_size=4),
    off_hours=st.dictionaries(
        st.integers(1, 4), st.tuples(st.integers(-30, 30), st.integers(1, 10)), max_size=2
    ),
    closure=st.none() | st.tuples(st.integers(-30, 30), st.integers(1, 12)),
)
def test_availability_matches_a_minute_by_minute_reference(
    rota: tuple[str, date, list[ShiftPattern]],
    capacity: int,
    load: dict[int, int],
    off_hours: dict[int, tuple[int, int]],
    closure: tuple[int, int] | None,
) -> None:
    zone_name, night, patterns = rota
    zone = ZoneInfo(zone_name)
    valid = []
    for pattern in patterns:
        try:
            validate(pattern, zone)
        except InvalidShift:
            continue  # times a DST change skips are refused at entry, so never reach the rota
        valid.append(pattern)
    midnight = datetime(night.year, night.month, night.day, tzinfo=UTC)
    window_start, window_end = midnight - timedelta(hours=30), midnight + timedelta(hours=30)
    off = {
        vid: ((midnight + timedelta(hours=h), midnight + timedelta(hours=h + n)),)
        for vid, (h, n) in off_hours.items()
    }
    closures = (
        [
            (
                midnight + timedelta(hours=closure[0]),
                midnight + timedelta(hours=closure[0] + closure[1]),
            )
        ]
        if closure
        else []
    )
    snapshot = RotaSnapshot(
        patterns=tuple(valid),
        zone=zone,
        hours=OpeningHours(closures=tuple(closures)),
        off=off,
        load=load,
        capacity=capacity,
    )
    spans = [reference_spans(p, zone, window_start, window_end) for p in valid]
    moment = window_start
    while moment < window_end:
        expected = reference_available(valid, zone, spans, closures, off, load, capacity, moment)
        assert available_at(snapshot, moment) == expected, moment
        moment += timedelta(minutes=15)


def test_a_weekly_overnight_shift_keeps_its_wall_clock_times_on_both_change_nights() -> None:
    zone = ZoneInfo("America/New_York")
    pattern = ShiftPattern(
        1, "primary", datetime(2026, 2, 28, 22, 0), datetime(2026, 3, 1, 6, 0), weekly=True
    )
    from warmline.rota.rules.shifts import expand

    lengths = {
        o.local_date: o.ends_at - o.starts_at
        for o in expand(pattern, zone, datetime(2026, 11, 10, tzinfo=UTC))
    }
    assert lengths[date(2026, 3, 7)] == timedelta(hours=7)  # spring forward: one hour less
    assert lengths[date(2026, 10, 31)] == timedelta(hours=9)  # fall back: one hour more
    assert lengths[date(2026, 3, 14)] == timedelta(hours=8)
    for o in expand(pattern, zone, datetime(2026, 11, 10, tzinfo=UTC)):
        assert o.starts_at.astimezone(zone).strftime("%H:%M") == "22:00"
        assert o.ends_at.astimezone(zone).strftime("%H:%M") == "06:00"
