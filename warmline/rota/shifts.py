"""The rota's shift use cases as an operator types them: times read in the line's zone."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from warmline.core.clock import parse_zone
from warmline.core.crypto import Keyring, Vault
from warmline.core.errors import InvalidInput
from warmline.lines.lines import get_line
from warmline.lines.rules.settings import DEFAULT_HOURS, ROLES
from warmline.lines.volunteers import get_volunteer
from warmline.messaging.outgoing import Turn
from warmline.messaging.times import weekly_hours
from warmline.messaging.wording import SOURCE_LANGUAGE
from warmline.models import Line, OpenShift, Shift, ShiftOccurrence, Volunteer
from warmline.rota import service, texts
from warmline.rota.rules.hours import InvalidHours, describe, parse_hours
from warmline.rota.rules.localtime import NonexistentLocalTime, to_utc


def read_shift(
    session: Session,
    keyring: Keyring,
    *,
    line_raw: str,
    volunteer_raw: str,
    start: str,
    end: str,
    role: str,
    weekly: bool = False,
    until: str | None = None,
) -> service.NewShift:
    """A shift as an operator typed it, once or weekly, times read in the line's zone."""
    if role not in ROLES:
        raise InvalidInput("--role must be one of {roles}", roles=", ".join(ROLES))
    line = get_line(session, line_raw)
    volunteer = get_volunteer(session, keyring, volunteer_raw, line.region)
    line_zone = parse_zone(line.timezone)
    local_start = _local(start, "--start", line_zone)
    local_end = _local(end, "--end", line_zone)
    if local_end <= local_start:
        raise InvalidInput("--end must be after --start")
    repeat_until = None
    if until is not None:
        try:
            repeat_until = date.fromisoformat(until.strip())
        except ValueError:
            raise InvalidInput(
                "--until: {until!r} is not a date like 2027-06-30", until=until
            ) from None
    return service.NewShift(line, volunteer.id, role, local_start, local_end, weekly, repeat_until)


def _local(raw: str, what: str, line_zone: ZoneInfo) -> datetime:
    """A wall-clock time in the line's zone; a time given with an offset is converted to it."""
    try:
        value = datetime.fromisoformat(raw.strip())
    except ValueError:
        raise InvalidInput(
            "{what}: {raw!r} is not a date and time like 2026-12-01T18:00", what=what, raw=raw
        ) from None
    if value.tzinfo is not None:
        return value.astimezone(line_zone).replace(tzinfo=None)
    try:
        to_utc(value, line_zone)
    except NonexistentLocalTime as exc:
        raise InvalidInput("{what}: {skipped}", what=what, skipped=exc) from None
    return value


def get_shift(session: Session, shift_id: int) -> Shift:
    """The shift with this id, or a clear error."""
    shift = session.get(Shift, shift_id)
    if shift is None or shift.cancelled_at is not None:
        raise InvalidInput("no shift {id} (see `warmline shift list`)", id=shift_id)
    return shift


def list_shifts(
    session: Session, vault: Vault, line_raw: str, days: int, now: datetime
) -> list[str]:
    """One line of text per shift occurrence in the next `days` days, in the line's time."""
    line = get_line(session, line_raw)
    line_zone = parse_zone(line.timezone)
    rows = session.execute(
        select(ShiftOccurrence, Volunteer.name)
        .join(Volunteer, Volunteer.id == ShiftOccurrence.volunteer_id)
        .where(
            ShiftOccurrence.line_id == line.id,
            ShiftOccurrence.ends_at > now,
            ShiftOccurrence.starts_at < now + timedelta(days=days),
        )
        .order_by(ShiftOccurrence.starts_at, ShiftOccurrence.id)
    ).all()
    lines = []
    for occurrence, name in rows:
        start = occurrence.starts_at.astimezone(line_zone)
        end = occurrence.ends_at.astimezone(line_zone)
        lines.append(
            f"{occurrence.shift_id:>5}  {start:%a %Y-%m-%d %H:%M}-{end:%H:%M %Z}  "
            f"{occurrence.role:<11} {name}"
        )
    return lines or ["no shifts in that time"]


def cancel_shift(session: Session, shift_id: int, now: datetime) -> int:
    """Cancel a shift from now on."""
    removed = service.cancel_shift(session, get_shift(session, shift_id), now)
    session.commit()
    return removed


def except_date(
    session: Session,
    keyring: Keyring,
    shift_id: int,
    day: str,
    to_phone: str | None,
    now: datetime,
) -> None:
    """Skip a date of a shift, or hand it to the volunteer with `to_phone`."""
    shift = get_shift(session, shift_id)
    try:
        local_day = date.fromisoformat(day.strip())
    except ValueError:
        raise InvalidInput("{day!r} is not a date like 2026-12-24", day=day) from None
    line = session.get_one(Line, shift.line_id)
    to_id = None
    if to_phone is not None:
        to_id = get_volunteer(session, keyring, to_phone, line.region).id
        if to_id == shift.volunteer_id:
            raise InvalidInput("that volunteer already has this shift")
    try:
        service.except_date(session, shift, local_day, now, to_id)
    except InvalidInput as exc:
        session.rollback()
        raise exc.at("") from None
    session.commit()


def post_open_shift(
    session: Session,
    vault: Vault,
    line_raw: str,
    start: str,
    end: str,
    role: str,
    now: datetime,
) -> tuple[OpenShift, list[int]]:
    """Post an open shift and text the line's volunteers; returns it and the outbox ids."""
    if role not in ROLES:
        raise InvalidInput("--role must be one of {roles}", roles=", ".join(ROLES))
    line = get_line(session, line_raw)
    line_zone = parse_zone(line.timezone)
    starts = to_utc(_local(start, "--start", line_zone), line_zone).utc
    ends = to_utc(_local(end, "--end", line_zone), line_zone).utc
    if ends <= starts:
        raise InvalidInput("--end must be after --start")
    if ends <= now:
        raise InvalidInput("that shift is already over")
    turn = Turn(session, vault, line, now)
    posted = texts.post_open_shift(turn, starts, ends, role)
    session.commit()
    return posted, turn.outbox_ids()


def set_hours(session: Session, line_raw: str, spec: str) -> str:
    """Replace the line's weekly hours; the texts the line sends say them."""
    line = get_line(session, line_raw)
    try:
        windows = parse_hours(spec)
    except InvalidHours as exc:
        raise exc.at("") from None
    service.set_hours(session, line, windows)
    if windows:
        # Stored in English; each text re-says it in its reader's language.
        line.hours_text = weekly_hours(windows, line.timezone, SOURCE_LANGUAGE)
    else:
        line.hours_text = DEFAULT_HOURS
    session.commit()
    return f"hours of {line.number}: {describe(windows)}"


def add_closure(
    session: Session, line_raw: str, start: str, end: str, reason: str, now: datetime
) -> str:
    """Close the line for a while, times in its zone."""
    line = get_line(session, line_raw)
    line_zone = parse_zone(line.timezone)
    starts = to_utc(_local(start, "--start", line_zone), line_zone).utc
    ends = to_utc(_local(end, "--end", line_zone), line_zone).utc
    try:
        closure = service.add_closure(session, line, starts, ends, reason, now)
    except InvalidInput as exc:
        session.rollback()
        raise exc.at("") from None
    session.commit()
    return f"line {line.number} closed from {start} to {end} (closure {closure.id})"
