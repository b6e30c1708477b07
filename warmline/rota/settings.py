"""Line settings beyond the policy form: opening hours and closures; audited."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from warmline.core.errors import InvalidInput
from warmline.lines import audit
from warmline.lines.rules import audit as audit_words
from warmline.models import Closure, Coordinator, Line, LineHours
from warmline.rota import service, shifts
from warmline.rota.rules.hours import as_spec, describe
from warmline.rota.rules.localtime import NonexistentLocalTime, to_utc

MAX_REASON = 120


def hours(session: Session, line: Line) -> list[tuple[int, int, int]]:
    """The line's weekly windows (none: always open)."""
    return [
        (h.weekday, h.opens_minute, h.closes_minute)
        for h in session.scalars(
            select(LineHours).where(LineHours.line_id == line.id).order_by(LineHours.weekday)
        )
    ]


def hours_spec(session: Session, line: Line) -> str:
    """The line's hours written as the hours field reads them."""
    return as_spec(hours(session, line))


def set_hours(session: Session, line: Line, spec: str, actor: Coordinator, now: datetime) -> str:
    """Replace the weekly hours as `warmline line hours` does; returns them in words."""
    before = hours_spec(session, line)
    entry = audit.record(session, actor, "changed hours", "", now, line.id)
    try:
        shifts.set_hours(session, line.number, spec)  # commits, with the audit entry
    except InvalidInput as exc:
        session.rollback()
        raise exc.at("hours") from None
    # Old and new, as the hours field writes them, once the new hours are read and kept.
    entry.subject = audit_words.change("hours", before, hours_spec(session, line))[:200]
    session.commit()
    return describe(hours(session, line))


def upcoming_closures(session: Session, line: Line, now: datetime) -> list[Closure]:
    """Closures not yet over, soonest first."""
    return list(
        session.scalars(
            select(Closure)
            .where(Closure.line_id == line.id, Closure.ends_at > now)
            .order_by(Closure.starts_at, Closure.id)
        )
    )


def add_closure(
    session: Session, line: Line, form: dict[str, str], actor: Coordinator, now: datetime
) -> Closure:
    """Close the line from a local date and time to another; the reason is optional."""
    zone = ZoneInfo(line.timezone)
    starts = _moment(form, "start", zone)
    ends = _moment(form, "end", zone)
    if ends <= starts:
        raise InvalidInput("The closure must end after it starts.", field="end_date")
    if ends <= now:
        raise InvalidInput("That time is already over.", field="end_date")
    reason = " ".join(form.get("reason", "").split())[:MAX_REASON]
    try:
        closure = service.add_closure(session, line, starts, ends, reason, now)
    except InvalidInput as exc:
        session.rollback()
        raise exc.at("end_date") from None
    audit.record(session, actor, "added closure", _span(closure, zone), now, line.id)
    session.commit()
    return closure


def remove_closure(
    session: Session, line: Line, closure_id: int, actor: Coordinator, now: datetime
) -> None:
    """Remove one of the line's closures, so it opens as usual then."""
    closure = session.get(Closure, closure_id)
    if closure is None or closure.line_id != line.id:
        raise InvalidInput("That closure is already gone.", field="closure")
    audit.record(
        session, actor, "removed closure", _span(closure, ZoneInfo(line.timezone)), now, line.id
    )
    session.delete(closure)
    session.commit()


def _moment(form: dict[str, str], which: str, zone: ZoneInfo) -> datetime:
    """The form's `<which>_date` and `<which>_time`, read on the line's wall clock, in UTC."""
    try:
        day = date.fromisoformat(form.get(f"{which}_date", "").strip())
    except ValueError:
        raise InvalidInput("Enter a date like 2026-12-24.", field=which + "_date") from None
    raw_time = form.get(f"{which}_time", "").strip() or "00:00"
    try:
        at = time.fromisoformat(raw_time)
    except ValueError:
        raise InvalidInput("Enter a time like 18:00.", field=which + "_time") from None
    try:
        return to_utc(datetime.combine(day, at), zone).utc
    except NonexistentLocalTime as exc:
        raise exc.at(f"{which}_time") from None


def _span(closure: Closure, zone: ZoneInfo) -> str:
    starts = closure.starts_at.astimezone(zone)
    ends = closure.ends_at.astimezone(zone)
    return f"{starts:%a %Y-%m-%d %H:%M} to {ends:%a %Y-%m-%d %H:%M}"
