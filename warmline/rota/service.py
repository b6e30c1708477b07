"""The rota: shifts written out as occurrences, exceptions, opening hours and closures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import case, delete, func, select, update
from sqlalchemy.orm import Session

from warmline.core.errors import InvalidInput
from warmline.core.refusals import refusal
from warmline.lines import audit
from warmline.models import (
    Closure,
    Coordinator,
    Line,
    LineHours,
    Shift,
    ShiftException,
    ShiftOccurrence,
    Volunteer,
)
from warmline.rota.rules.availability import ShiftWindow
from warmline.rota.rules.shifts import (
    HORIZON,
    MAX_SHIFT,
    InvalidShift,
    Occurrence,
    OpeningHours,
    ShiftPattern,
    Stretch,
    expand,
    uncovered,
    validate,
)

# Days as a refusal names them, translated with it.
WEEKDAYS = (
    refusal("Mon"),
    refusal("Tue"),
    refusal("Wed"),
    refusal("Thu"),
    refusal("Fri"),
    refusal("Sat"),
    refusal("Sun"),
)


@dataclass(frozen=True)
class NewShift:
    """A shift to add, in the line's wall-clock time."""

    line: Line
    volunteer_id: int
    role: str
    local_start: datetime
    local_end: datetime
    weekly: bool = False
    repeat_until: date | None = None


def zone_of(line: Line) -> ZoneInfo:
    """The line's time zone."""
    return ZoneInfo(line.timezone)


@dataclass(frozen=True)
class ShiftAdded:
    """The shift written, and any note on how its times were read."""

    shift: Shift
    notes: tuple[str, ...]


def add_shift(
    session: Session, new: NewShift, now: datetime, actor: Coordinator | None = None
) -> ShiftAdded:
    """Add a shift: the one way, for the CLI, the dashboard and SMS claims.

    Validates, refuses overlaps for the same volunteer, writes the shift and its occurrences, and
    records a coordinator's change in the audit log. The caller commits.
    """
    zone = zone_of(new.line)
    pattern = ShiftPattern(
        new.volunteer_id, new.role, new.local_start, new.local_end, new.weekly, new.repeat_until
    )
    try:
        notes = validate(pattern, zone)
    except InvalidShift as exc:
        raise exc.at("") from None
    first_start = new.local_start.replace(tzinfo=zone).astimezone(now.tzinfo)
    horizon = max(now, first_start) + HORIZON
    planned = list(expand(pattern, zone, horizon))
    if not planned:
        raise InvalidInput("that shift never happens (its repeat ends before it starts)")
    if planned[-1].ends_at <= now:
        raise InvalidInput("that shift is already over")
    _refuse_overlap(session, new.line.id, new.volunteer_id, planned, zone)
    shift = Shift(
        line_id=new.line.id,
        volunteer_id=new.volunteer_id,
        role=new.role,
        starts_at=planned[0].starts_at,
        ends_at=planned[0].ends_at,
        local_start=new.local_start,
        local_end=new.local_end,
        weekly=new.weekly,
        repeat_until=new.repeat_until,
        materialized_until=horizon,
        created_at=now,
    )
    session.add(shift)
    session.flush()
    for occurrence in planned:
        session.add(
            ShiftOccurrence(
                shift_id=shift.id,
                line_id=new.line.id,
                volunteer_id=occurrence.volunteer_id,
                role=occurrence.role,
                local_date=occurrence.local_date,
                starts_at=occurrence.starts_at,
                ends_at=occurrence.ends_at,
            )
        )
    session.flush()
    if actor is not None:
        volunteer = session.get_one(Volunteer, new.volunteer_id)
        repeat = "weekly from" if new.weekly else "on"
        audit.record(
            session,
            actor,
            "added shift",
            f"{volunteer.name}, {new.role}, {repeat} "
            f"{new.local_start:%a %Y-%m-%d %H:%M}–{new.local_end:%H:%M}",
            now,
            new.line.id,
        )
    return ShiftAdded(shift, tuple(notes))


def _refuse_overlap(
    session: Session, line_id: int, volunteer_id: int, planned: list[Occurrence], zone: ZoneInfo
) -> None:
    starts = [o.starts_at for o in planned]
    ends = [o.ends_at for o in planned]
    existing = session.execute(
        select(ShiftOccurrence.starts_at, ShiftOccurrence.ends_at).where(
            ShiftOccurrence.line_id == line_id,
            ShiftOccurrence.volunteer_id == volunteer_id,
            ShiftOccurrence.starts_at < max(ends),
            ShiftOccurrence.ends_at > min(starts),
        )
    ).all()
    for s, e in existing:
        for ns, ne in zip(starts, ends, strict=True):
            if s < ne and e > ns:
                # Said on the line's clock, as the coordinator entered it.
                local = ns.astimezone(zone)
                raise InvalidInput(
                    "this volunteer already has a shift on this line that overlaps it "
                    "({day} {when})",
                    day=WEEKDAYS[local.weekday()],
                    when=local.strftime("%Y-%m-%d %H:%M"),
                )


def pattern_of(session: Session, shift: Shift) -> ShiftPattern:
    """The shift as a pattern, with its exceptions."""
    exceptions = session.scalars(select(ShiftException).where(ShiftException.shift_id == shift.id))
    skipped: set[date] = set()
    handed: dict[date, int] = {}
    for exception in exceptions:
        if exception.kind == "skip":
            skipped.add(exception.local_date)
        elif exception.volunteer_id is not None:
            handed[exception.local_date] = exception.volunteer_id
    assert shift.local_start is not None and shift.local_end is not None
    return ShiftPattern(
        shift.volunteer_id,
        shift.role,
        shift.local_start,
        shift.local_end,
        shift.weekly,
        shift.repeat_until,
        frozenset(skipped),
        handed,
    )


def extend_horizon(session: Session, now: datetime, limit: int = 100) -> int:
    """Write out weekly shifts' occurrences so they always reach HORIZON ahead; returns how many."""
    target = now + HORIZON
    due = session.scalars(
        select(Shift)
        .where(
            Shift.weekly,
            Shift.cancelled_at.is_(None),
            Shift.materialized_until < target - timedelta(days=7),
        )
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    for shift in due:
        line = session.get_one(Line, shift.line_id)
        known = set(
            session.scalars(
                select(ShiftOccurrence.local_date).where(ShiftOccurrence.shift_id == shift.id)
            )
        )
        for occurrence in expand(pattern_of(session, shift), zone_of(line), target):
            if occurrence.local_date not in known and occurrence.ends_at > now:
                session.add(
                    ShiftOccurrence(
                        shift_id=shift.id,
                        line_id=line.id,
                        volunteer_id=occurrence.volunteer_id,
                        role=occurrence.role,
                        local_date=occurrence.local_date,
                        starts_at=occurrence.starts_at,
                        ends_at=occurrence.ends_at,
                    )
                )
        shift.materialized_until = target
    session.commit()
    return len(due)


def cancel_shift(session: Session, shift: Shift, now: datetime) -> int:
    """Cancel a shift from now on; returns how many occurrences were removed."""
    shift.cancelled_at = now
    removed = session.execute(
        delete(ShiftOccurrence).where(
            ShiftOccurrence.shift_id == shift.id, ShiftOccurrence.ends_at > now
        )
    )
    session.flush()
    return int(removed.rowcount)  # type: ignore[attr-defined]


def except_date(
    session: Session, shift: Shift, local_day: date, now: datetime, to_volunteer: int | None = None
) -> None:
    """Skip one date of a shift, or hand it to another volunteer."""
    occurrence = session.scalar(
        select(ShiftOccurrence).where(
            ShiftOccurrence.shift_id == shift.id, ShiftOccurrence.local_date == local_day
        )
    )
    if occurrence is None:
        raise InvalidInput("the shift does not happen on {day}", day=local_day.isoformat())
    if occurrence.ends_at <= now:
        raise InvalidInput("that date is already over")
    kind = "skip" if to_volunteer is None else "handover"
    session.execute(
        delete(ShiftException).where(
            ShiftException.shift_id == shift.id, ShiftException.local_date == local_day
        )
    )
    session.add(
        ShiftException(
            shift_id=shift.id,
            local_date=local_day,
            kind=kind,
            volunteer_id=to_volunteer,
            created_at=now,
        )
    )
    if to_volunteer is None:
        session.delete(occurrence)
    else:
        session.execute(
            update(ShiftOccurrence)
            .where(ShiftOccurrence.id == occurrence.id)
            .values(volunteer_id=to_volunteer)
        )
    session.flush()


def occurrences(session: Session, line: Line, start: datetime, end: datetime) -> list[ShiftWindow]:
    """Every shift of the line overlapping [start, end), in UTC, ordered by start."""
    rows = session.execute(
        select(
            ShiftOccurrence.volunteer_id,
            ShiftOccurrence.role,
            ShiftOccurrence.starts_at,
            ShiftOccurrence.ends_at,
        )
        .where(
            ShiftOccurrence.line_id == line.id,
            # Bounded on both sides so the index range stays small whatever the rota's length.
            ShiftOccurrence.starts_at > start - MAX_SHIFT,
            ShiftOccurrence.starts_at < end,
            ShiftOccurrence.ends_at > start,
        )
        .order_by(ShiftOccurrence.starts_at, ShiftOccurrence.id)
    )
    return [ShiftWindow(vid, role, starts, ends) for vid, role, starts, ends in rows]


def opening_hours(session: Session, line: Line, start: datetime, end: datetime) -> OpeningHours:
    """The line's weekly windows and the closures overlapping [start, end)."""
    windows = tuple(
        (h.weekday, h.opens_minute, h.closes_minute)
        for h in session.scalars(select(LineHours).where(LineHours.line_id == line.id))
    )
    closures = tuple(
        (c.starts_at, c.ends_at)
        for c in session.scalars(
            select(Closure).where(
                Closure.line_id == line.id, Closure.starts_at < end, Closure.ends_at > start
            )
        )
    )
    return OpeningHours(windows, closures)


def is_open(session: Session, line: Line, now: datetime) -> bool:
    """True when the line takes contacts at `now` (its hours, less closures)."""
    return opening_hours(session, line, now, now + timedelta(seconds=1)).is_open(now, zone_of(line))


def coverage_gaps(
    session: Session, line: Line, now: datetime, ahead: timedelta = timedelta(hours=48)
) -> list[tuple[datetime, datetime]]:
    """Open stretches in the next `ahead` with no primary shift."""
    end = now + ahead
    covered = primary_stretches(session, line, now, end)
    return uncovered(covered, now, end, opening_hours(session, line, now, end), zone_of(line))


def primary_stretches(
    session: Session, line: Line, start: datetime, end: datetime
) -> list[Stretch]:
    """The primary shifts overlapping [start, end), merged into unbroken stretches.

    The database merges them, so a large rota returns a handful of rows, not every shift.
    """
    shift = ShiftOccurrence
    in_order = (shift.starts_at, shift.id)
    shifts = (
        select(
            shift.id,
            shift.starts_at,
            shift.ends_at,
            func.max(shift.ends_at).over(order_by=in_order, rows=(None, -1)).label("reach"),
        )
        .where(
            shift.line_id == line.id,
            shift.role == "primary",
            shift.starts_at > start - MAX_SHIFT,
            shift.starts_at < end,
            shift.ends_at > start,
        )
        .subquery()
    )
    # A shift that starts after every earlier one has ended begins a new stretch.
    begins = case((shifts.c.reach >= shifts.c.starts_at, 0), else_=1)
    numbered = select(
        shifts.c.starts_at,
        shifts.c.ends_at,
        func.sum(begins).over(order_by=(shifts.c.starts_at, shifts.c.id)).label("stretch"),
    ).subquery()
    first, last = func.min(numbered.c.starts_at), func.max(numbered.c.ends_at)
    rows = session.execute(select(first, last).group_by(numbered.c.stretch).order_by(first))
    return [Stretch(starts_at, ends_at) for starts_at, ends_at in rows]


def set_hours(session: Session, line: Line, windows: list[tuple[int, int, int]]) -> None:
    """Replace the line's weekly hours (an empty list means always open)."""
    session.execute(delete(LineHours).where(LineHours.line_id == line.id))
    for weekday, opens, closes in windows:
        # 24:00 closes at midnight; stored as 1440 so it reads as the end of the day.
        session.add(
            LineHours(line_id=line.id, weekday=weekday, opens_minute=opens, closes_minute=closes)
        )
    session.flush()


def add_closure(
    session: Session, line: Line, starts_at: datetime, ends_at: datetime, reason: str, now: datetime
) -> Closure:
    """Close the line for a holiday or an emergency."""
    if ends_at <= starts_at:
        raise InvalidInput("the closure must end after it starts")
    closure = Closure(
        line_id=line.id, starts_at=starts_at, ends_at=ends_at, reason=reason[:120], created_at=now
    )
    session.add(closure)
    session.flush()
    return closure
