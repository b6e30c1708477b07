"""The rota as coordinators work it on the dashboard: a week per line, and changes to it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from warmline.core.crypto import Vault
from warmline.core.errors import InvalidInput
from warmline.core.jobqueue import JobQueue
from warmline.lines import audit
from warmline.lines.rules.settings import ROLES
from warmline.messaging import outbox
from warmline.messaging.outgoing import Turn
from warmline.models import Coordinator, Line, OpenShift, Shift, ShiftOccurrence, Volunteer
from warmline.rota import service, texts
from warmline.rota.rules.localtime import NonexistentLocalTime, to_utc

DAYS = 7


@dataclass(frozen=True)
class Slot:
    """One shift on one date, as the week view shows it."""

    shift_id: int
    local_date: date
    starts_at: datetime
    ends_at: datetime
    volunteer_id: int
    name: str
    role: str
    weekly: bool


@dataclass(frozen=True)
class Day:
    """A date of the week: its shifts, its open shifts and the stretches nobody covers."""

    date: date
    slots: list[Slot]
    open_shifts: list[OpenShift]
    gaps: list[tuple[datetime, datetime]]


@dataclass(frozen=True)
class Week:
    """Seven days from a Monday, in the line's time zone."""

    monday: date
    days: list[Day]


def monday_of(day: date) -> date:
    """The Monday on or before `day`."""
    return day - timedelta(days=day.weekday())


def week(session: Session, line: Line, monday: date) -> Week:
    """The line's week from `monday`: shifts by local date, open shifts and coverage gaps."""
    zone = ZoneInfo(line.timezone)
    start = _utc(monday, time(0), zone)
    end = _utc(monday + timedelta(days=DAYS), time(0), zone)
    rows = session.execute(
        select(ShiftOccurrence, Volunteer.name, Shift.weekly)
        .join(Volunteer, Volunteer.id == ShiftOccurrence.volunteer_id)
        .join(Shift, Shift.id == ShiftOccurrence.shift_id)
        .where(
            ShiftOccurrence.line_id == line.id,
            ShiftOccurrence.starts_at < end,
            ShiftOccurrence.ends_at > start,
        )
        .order_by(ShiftOccurrence.starts_at, ShiftOccurrence.id)
    ).all()
    posted = session.scalars(
        select(OpenShift)
        .where(
            OpenShift.line_id == line.id,
            OpenShift.claimed_at.is_(None),
            OpenShift.starts_at < end,
            OpenShift.ends_at > start,
        )
        .order_by(OpenShift.starts_at)
    ).all()
    gaps = service.coverage_gaps(session, line, start, end - start)
    days = []
    for offset in range(DAYS):
        day = monday + timedelta(days=offset)
        day_start, day_end = _utc(day, time(0), zone), _utc(day + timedelta(days=1), time(0), zone)
        days.append(
            Day(
                date=day,
                slots=[
                    Slot(
                        o.shift_id,
                        o.local_date,
                        o.starts_at,
                        o.ends_at,
                        o.volunteer_id,
                        name,
                        o.role,
                        weekly,
                    )
                    for o, name, weekly in rows
                    if o.starts_at.astimezone(zone).date() == day
                ],
                open_shifts=[p for p in posted if p.starts_at.astimezone(zone).date() == day],
                gaps=[
                    (max(s, day_start), min(e, day_end))
                    for s, e in gaps
                    if s < day_end and e > day_start
                ],
            )
        )
    return Week(monday, days)


def volunteers_to_pick(session: Session) -> list[Volunteer]:
    """Active volunteers, by name, for the rota's forms."""
    return list(
        session.scalars(select(Volunteer).where(Volunteer.is_active).order_by(Volunteer.name))
    )


def add(
    session: Session,
    line: Line,
    form: dict[str, str],
    actor: Coordinator,
    now: datetime,
) -> list[str]:
    """Add a shift from the form (an end at or before the start ends the next day); returns notes."""
    volunteer = _volunteer(session, form.get("volunteer", ""))
    role = _role(form.get("role", ""))
    local_start, local_end = _times(form)
    weekly = form.get("weekly") == "yes"
    until = _date(form.get("until", ""), "until") if weekly and form.get("until") else None
    new = service.NewShift(line, volunteer.id, role, local_start, local_end, weekly, until)
    try:
        added = service.add_shift(session, new, now, actor)
    except InvalidInput as exc:
        session.rollback()
        raise exc.at("start") from None
    session.commit()
    return list(added.notes)


def cancel_date(
    session: Session, line: Line, shift_id: int, day: str, actor: Coordinator, now: datetime
) -> None:
    """Cancel one date of a shift (the whole shift when it happens once)."""
    shift = _shift(session, line, shift_id)
    local_day = _date(day, "date")
    try:
        if shift.weekly:
            service.except_date(session, shift, local_day, now)
        else:
            service.cancel_shift(session, shift, now)
    except InvalidInput as exc:
        session.rollback()
        raise exc.at("shift") from None
    audit.record(
        session, actor, "cancelled shift date", f"{_who(session, shift)}, {local_day}", now, line.id
    )
    session.commit()


def cancel_whole(
    session: Session, line: Line, shift_id: int, actor: Coordinator, now: datetime
) -> int:
    """Cancel a whole shift (every week of a weekly one) from now on; returns dates removed."""
    shift = _shift(session, line, shift_id)
    removed = service.cancel_shift(session, shift, now)
    repeat = "weekly from" if shift.weekly else "on"
    audit.record(
        session,
        actor,
        "cancelled shift",
        f"{_who(session, shift)}, {shift.role}, {repeat} "
        f"{shift.local_start:%a %Y-%m-%d %H:%M}–{shift.local_end:%H:%M}",
        now,
        line.id,
    )
    session.commit()
    return removed


def hand_over(
    session: Session,
    line: Line,
    shift_id: int,
    day: str,
    to_volunteer: str,
    actor: Coordinator,
    now: datetime,
) -> None:
    """Give one date of a shift to another volunteer."""
    shift = _shift(session, line, shift_id)
    local_day = _date(day, "date")
    volunteer = _volunteer(session, to_volunteer)
    if volunteer.id == shift.volunteer_id:
        raise InvalidInput("That volunteer already has this shift.", field="volunteer")
    try:
        service.except_date(session, shift, local_day, now, volunteer.id)
    except InvalidInput as exc:
        session.rollback()
        raise exc.at("shift") from None
    audit.record(
        session,
        actor,
        "handed over shift date",
        f"{_who(session, shift)} → {volunteer.name}, {local_day}",
        now,
        line.id,
    )
    session.commit()


def post_open(
    session: Session,
    vault: Vault,
    queue: JobQueue,
    line: Line,
    form: dict[str, str],
    actor: Coordinator,
    now: datetime,
) -> OpenShift:
    """Post an open shift; the line's volunteers are texted a code to claim it."""
    role = _role(form.get("role", ""))
    local_start, local_end = _times(form)
    zone = ZoneInfo(line.timezone)
    starts, ends = _aware(local_start, zone), _aware(local_end, zone)
    if ends <= now:
        raise InvalidInput("That shift is already over.", field="start")
    turn = Turn(session, vault, line, now)
    posted = texts.post_open_shift(turn, starts, ends, role)
    audit.record(
        session,
        actor,
        "posted open shift",
        f"{role}, {local_start:%a %Y-%m-%d %H:%M}–{local_end:%H:%M}",
        now,
        line.id,
    )
    session.commit()
    outbox.enqueue_all(queue, turn.outbox_ids())
    return posted


def _shift(session: Session, line: Line, shift_id: int) -> Shift:
    shift = session.get(Shift, shift_id)
    if shift is None or shift.line_id != line.id or shift.cancelled_at is not None:
        raise InvalidInput("That shift is no longer on the rota.", field="shift")
    return shift


def _who(session: Session, shift: Shift) -> str:
    volunteer = session.get(Volunteer, shift.volunteer_id)
    return volunteer.name if volunteer else "a volunteer"


def _volunteer(session: Session, raw: str) -> Volunteer:
    volunteer = session.get(Volunteer, int(raw)) if raw.isdigit() else None
    if volunteer is None or not volunteer.is_active:
        raise InvalidInput("Choose a volunteer.", field="volunteer")
    return volunteer


def _role(raw: str) -> str:
    if raw not in ROLES:
        raise InvalidInput("Choose primary, backup or coordinator.", field="role")
    return raw


def _date(raw: str, field: str) -> date:
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise InvalidInput("Enter a date like 2026-12-24.", field=field) from None


def _times(form: dict[str, str]) -> tuple[datetime, datetime]:
    """Local start and end from the date and two times; an early end means the next day."""
    day = _date(form.get("date", ""), "date")
    try:
        starts = time.fromisoformat(form.get("start", "").strip())
    except ValueError:
        raise InvalidInput("Enter a start time like 18:00.", field="start") from None
    try:
        ends = time.fromisoformat(form.get("end", "").strip())
    except ValueError:
        raise InvalidInput("Enter an end time like 22:00.", field="end") from None
    if ends == starts:
        raise InvalidInput(
            "The end must differ from the start: a shift needs some length.", field="end"
        )
    local_start = datetime.combine(day, starts)
    local_end = datetime.combine(day if ends > starts else day + timedelta(days=1), ends)
    return local_start, local_end


def _aware(local: datetime, zone: ZoneInfo) -> datetime:
    try:
        return to_utc(local, zone).utc
    except NonexistentLocalTime as exc:
        raise exc.at("start") from None


def _utc(day: date, at: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, at).replace(tzinfo=zone).astimezone(ZoneInfo("UTC"))
