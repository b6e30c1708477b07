"""Operator use cases behind the CLI (and later the dashboard): lines, volunteers, shifts."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.orm import Session

from warmline.conversations.rules.checkins import parse_schedule
from warmline.conversations.rules.topics import parse_topics
from warmline.core import phones
from warmline.core.clock import utcnow
from warmline.core.crypto import Keyring, Vault
from warmline.models import Line, OpenShift, Shift, ShiftOccurrence, Volunteer
from warmline.rota import service
from warmline.rota.rules.hours import InvalidHours, describe, parse_hours
from warmline.rota.rules.localtime import NonexistentLocalTime, to_utc

DEFAULT_CRISIS = {"US": "call or text 988, or call 911"}
DEFAULT_HOURS = "Peers answer when they are on shift."
ROLES = ("primary", "backup", "coordinator")
INT_SETTINGS = {
    "offer_timeout_s": (2, 86400),
    "escalate_timeout_s": (2, 86400),
    "fallback_timeout_s": (2, 86400),
    "idle_close_s": (60, 7 * 86400),
    "max_active_per_volunteer": (1, 20),
    "ring_timeout_s": (5, 120),
    "reminder_lead_s": (0, 86400),
    "number_retention_h": (1, 720),
    "unsent_text_max_h": (1, 48),
    "log_retention_days": (1, 3650),
    "recording_retention_days": (1, 90),
    # Peer support (DESIGN §2); 0 turns each off.
    "match_head_start_s": (0, 600),
    "cooldown_min": (0, 240),
    "shift_cap": (0, 100),
    "daily_limit": (0, 50),
}
TEXT_SETTINGS = {
    "name": 80,
    "crisis_numbers": 300,
    "hours_text": 300,
    "say_language": 12,
    "say_voice": 40,
    "greeting": 600,
    "crisis_words_en": 2000,
    "crisis_words_es": 2000,
    "outcome_tags": 300,
    "topics": 4000,
    "followup_after": 100,
}
# Settings whose empty value means something: the built-in crisis words, or no outcome question.
MAY_BE_EMPTY = {
    "crisis_words_en",
    "crisis_words_es",
    "outcome_tags",
    "topics",
    "greeting",
}  # topics: built-in
# Settings with a shape of their own, read by the rule that uses them.
PARSED_SETTINGS: dict[str, Callable[[str], object]] = {
    "topics": parse_topics,
    "followup_after": parse_schedule,
}
_OUTCOME_TAG = re.compile(r"[^\W_][\w-]{0,29}")
# A line's own pace (segments a second, 0 = unpaced), as SEND_RATE_PER_S is bounded; plain
# decimals only, so nan, inf, 1e3 and -1 are refused.
MAX_SEND_RATE = 1000
_SEND_RATE = re.compile(r"\d+(\.\d+)?")
# Words that put the line back on SEND_RATE_PER_S.
SEND_RATE_DEFAULT = ("", "default")


class InvalidInput(ValueError):
    """Operator input we refuse, with a message fit to show them."""


@dataclass(frozen=True)
class ShiftAdded:
    """The shift written, and any note on how its times were read."""

    shift: Shift
    notes: tuple[str, ...]


def zone(name: str) -> ZoneInfo:
    """The time zone called `name`, or a clear error."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(
            f"unknown time zone {name!r} (use a name like America/New_York)"
        ) from None


def number(raw: str, region: str, what: str) -> str:
    """`raw` as E.164, or a clear error naming the option."""
    try:
        return phones.normalise(raw, region)
    except phones.InvalidNumber:
        raise InvalidInput(f"{what}: {raw!r} is not a phone number") from None


def add_line(
    session: Session,
    *,
    number_raw: str,
    name: str,
    timezone: str,
    now: datetime,
    crisis_numbers: str | None = None,
) -> Line:
    """Create a line for a number not yet in use."""
    e164 = number(number_raw, "US", "--number")
    zone(timezone)
    if not name.strip():
        raise InvalidInput("--name must not be empty")
    if find_line(session, e164) is not None:
        raise InvalidInput(f"a line with number {e164} already exists")
    region = phones.region_of(e164)
    line = Line(
        number=e164,
        name=name.strip()[:80],
        timezone=timezone,
        region=region,
        crisis_numbers=crisis_numbers or DEFAULT_CRISIS.get(region, DEFAULT_CRISIS["US"]),
        hours_text=DEFAULT_HOURS,
        created_at=now,
    )
    session.add(line)
    session.commit()
    return line


def find_line(session: Session, e164: str) -> Line | None:
    """The line with this number."""
    return session.scalar(select(Line).where(Line.number == e164))


def get_line(session: Session, number_raw: str) -> Line:
    """The line with this number, or a clear error."""
    e164 = number(number_raw, "US", "line")
    line = find_line(session, e164)
    if line is None:
        raise InvalidInput(f"no line with number {e164}")
    return line


def set_line(
    session: Session, line: Line, assignments: list[str], now: datetime | None = None
) -> dict[str, object]:
    """Apply `name=value` settings all together, or none of them."""
    changes: dict[str, object] = {}
    for assignment in assignments:
        key, sep, value = assignment.partition("=")
        key = key.strip()
        if not sep:
            raise InvalidInput(f"{assignment!r}: expected setting=value")
        changes[key] = _setting_value(key, value.strip())
    if not changes:
        raise InvalidInput("nothing to set: give one or more setting=value")
    offer, escalate, fallback = (
        int(str(changes.get(k, getattr(line, k))))
        for k in ("offer_timeout_s", "escalate_timeout_s", "fallback_timeout_s")
    )
    if not offer < escalate < fallback:
        raise InvalidInput(
            "timeouts must grow: offer_timeout_s < escalate_timeout_s < fallback_timeout_s"
        )
    if "timezone" in changes and changes["timezone"] != line.timezone:
        upcoming = session.scalar(
            select(ShiftOccurrence.id)
            .where(ShiftOccurrence.line_id == line.id, ShiftOccurrence.ends_at > (now or utcnow()))
            .limit(1)
        )
        if upcoming is not None:
            # Shifts were entered as wall-clock times in the old zone; moving them silently is worse.
            raise InvalidInput(
                "the line has upcoming shifts: cancel them before changing its time zone"
            )
    for name, new_value in changes.items():
        setattr(line, name, new_value)
    session.commit()
    return changes


def _setting_value(key: str, value: str) -> object:
    if key in INT_SETTINGS:
        low, high = INT_SETTINGS[key]
        if not value.isdigit() or not low <= int(value) <= high:
            raise InvalidInput(f"{key} must be a whole number from {low} to {high}")
        return int(value)
    tags = [t.strip() for t in value.split(",")] if key == "outcome_tags" and value else []
    if any(not _OUTCOME_TAG.fullmatch(t) or t.lower() == "skip" for t in tags):
        # A tag is one word a volunteer texts back, kept in a 30-character column.
        raise InvalidInput(
            "outcome_tags must be single words of up to 30 letters, separated by commas"
        )
    if key in PARSED_SETTINGS and value:
        try:
            PARSED_SETTINGS[key](value)
        except ValueError as exc:
            raise InvalidInput(f"{key}: {exc}") from None
    if key in TEXT_SETTINGS:
        if not value and key in MAY_BE_EMPTY:
            return value
        if not value or len(value) > TEXT_SETTINGS[key]:
            raise InvalidInput(f"{key} must be 1 to {TEXT_SETTINGS[key]} characters")
        return value
    if key == "timezone":
        zone(value)
        return value
    if key == "offer_strategy":
        if value not in ("broadcast", "longest_idle"):
            raise InvalidInput("offer_strategy must be broadcast or longest_idle")
        return value
    if key == "ring_strategy":
        if value not in ("simultaneous", "sequential"):
            raise InvalidInput("ring_strategy must be simultaneous or sequential")
        return value
    if key == "send_rate_per_s":
        return _send_rate(value)
    if key == "voice_fallback":
        if value != "voicemail" and not value.startswith("number:"):
            raise InvalidInput("voice_fallback must be voicemail or number:+1...")
        if value.startswith("number:"):
            return "number:" + number(value[len("number:") :], "US", "voice_fallback")
        return value
    known = sorted(
        [
            *INT_SETTINGS,
            *TEXT_SETTINGS,
            "timezone",
            "offer_strategy",
            "ring_strategy",
            "voice_fallback",
            "send_rate_per_s",
        ]
    )
    raise InvalidInput(f"unknown setting {key!r}; known: {', '.join(known)}")


def setting_text(value: object, unset: str = "") -> str:
    """A setting's value as an operator would type it: 3 rather than 3.0, `unset` for none."""
    if value is None:
        return unset
    return f"{value:g}" if isinstance(value, float) else str(value)


def _send_rate(value: str) -> float | None:
    """A line's own send rate in segments a second; None (the default) for `default` or empty."""
    if value.lower() in SEND_RATE_DEFAULT:
        return None
    if not _SEND_RATE.fullmatch(value) or float(value) > MAX_SEND_RATE:
        raise InvalidInput(
            f"send_rate_per_s must be a number from 0 to {MAX_SEND_RATE} (segments a second; "
            "0 = unpaced), or default"
        )
    return float(value)


def add_volunteer(
    session: Session, keyring: Keyring, vault: Vault, *, name: str, phone_raw: str, now: datetime
) -> Volunteer:
    """Register a volunteer by phone; the number is kept only sealed and as a key."""
    if not name.strip():
        raise InvalidInput("--name must not be empty")
    e164 = number(phone_raw, "US", "--phone")
    key = keyring.key_for(e164)
    if session.scalar(select(Volunteer.id).where(Volunteer.phone_key == key)) is not None:
        raise InvalidInput("a volunteer with that phone number already exists")
    volunteer = Volunteer(
        name=name.strip()[:80], phone_key=key, phone_sealed=vault.seal(e164), created_at=now
    )
    session.add(volunteer)
    session.commit()
    return volunteer


def get_volunteer(session: Session, keyring: Keyring, phone_raw: str, region: str) -> Volunteer:
    """The volunteer with this phone, or a clear error."""
    e164 = number(phone_raw, region, "--volunteer")
    volunteer = session.scalar(
        select(Volunteer).where(Volunteer.phone_key == keyring.key_for(e164))
    )
    if volunteer is None:
        raise InvalidInput(
            "no volunteer with that phone number (add them with `warmline volunteer add`)"
        )
    return volunteer


def add_shift(
    session: Session,
    keyring: Keyring,
    *,
    line_raw: str,
    volunteer_raw: str,
    start: str,
    end: str,
    role: str,
    now: datetime,
    weekly: bool = False,
    until: str | None = None,
) -> ShiftAdded:
    """Add a shift, once or weekly, times read in the line's zone; refuse overlaps and empties."""
    if role not in ROLES:
        raise InvalidInput(f"--role must be one of {', '.join(ROLES)}")
    line = get_line(session, line_raw)
    volunteer = get_volunteer(session, keyring, volunteer_raw, line.region)
    line_zone = zone(line.timezone)
    local_start = _local(start, "--start", line_zone)
    local_end = _local(end, "--end", line_zone)
    if local_end <= local_start:
        raise InvalidInput("--end must be after --start")
    repeat_until = None
    if until is not None:
        try:
            repeat_until = date.fromisoformat(until.strip())
        except ValueError:
            raise InvalidInput(f"--until: {until!r} is not a date like 2027-06-30") from None
    new = service.NewShift(line, volunteer.id, role, local_start, local_end, weekly, repeat_until)
    try:
        shift, notes = service.add_shift(session, new, now)
    except service.RotaError as exc:
        session.rollback()
        raise InvalidInput(str(exc)) from None
    session.commit()
    return ShiftAdded(shift, tuple(notes))


def _local(raw: str, what: str, line_zone: ZoneInfo) -> datetime:
    """A wall-clock time in the line's zone; a time given with an offset is converted to it."""
    try:
        value = datetime.fromisoformat(raw.strip())
    except ValueError:
        raise InvalidInput(
            f"{what}: {raw!r} is not a date and time like 2026-12-01T18:00"
        ) from None
    if value.tzinfo is not None:
        return value.astimezone(line_zone).replace(tzinfo=None)
    try:
        to_utc(value, line_zone)
    except NonexistentLocalTime as exc:
        raise InvalidInput(f"{what}: {exc}") from None
    return value


def get_shift(session: Session, shift_id: int) -> Shift:
    """The shift with this id, or a clear error."""
    shift = session.get(Shift, shift_id)
    if shift is None or shift.cancelled_at is not None:
        raise InvalidInput(f"no shift {shift_id} (see `warmline shift list`)")
    return shift


def list_shifts(
    session: Session, vault: Vault, line_raw: str, days: int, now: datetime
) -> list[str]:
    """One line of text per shift occurrence in the next `days` days, in the line's time."""
    line = get_line(session, line_raw)
    line_zone = zone(line.timezone)
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
        raise InvalidInput(f"{day!r} is not a date like 2026-12-24") from None
    line = session.get_one(Line, shift.line_id)
    to_id = None
    if to_phone is not None:
        to_id = get_volunteer(session, keyring, to_phone, line.region).id
        if to_id == shift.volunteer_id:
            raise InvalidInput("that volunteer already has this shift")
    try:
        service.except_date(session, shift, local_day, now, to_id)
    except service.RotaError as exc:
        session.rollback()
        raise InvalidInput(str(exc)) from None
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
    from warmline.messaging.outgoing import Turn
    from warmline.rota import texts as rota_sms

    if role not in ROLES:
        raise InvalidInput(f"--role must be one of {', '.join(ROLES)}")
    line = get_line(session, line_raw)
    line_zone = zone(line.timezone)
    starts = to_utc(_local(start, "--start", line_zone), line_zone).utc
    ends = to_utc(_local(end, "--end", line_zone), line_zone).utc
    if ends <= starts:
        raise InvalidInput("--end must be after --start")
    if ends <= now:
        raise InvalidInput("that shift is already over")
    turn = Turn(session, vault, line, now)
    posted = rota_sms.post_open_shift(turn, starts, ends, role)
    session.commit()
    return posted, turn.outbox_ids()


def set_hours(session: Session, line_raw: str, spec: str) -> str:
    """Replace the line's weekly hours; the texts the line sends say them."""
    line = get_line(session, line_raw)
    try:
        windows = parse_hours(spec)
    except InvalidHours as exc:
        raise InvalidInput(str(exc)) from None
    service.set_hours(session, line, windows)
    if windows:
        line.hours_text = f"Our hours ({line.timezone}): {describe(windows)}."
    else:
        line.hours_text = DEFAULT_HOURS
    session.commit()
    return f"hours of {line.number}: {describe(windows)}"


def add_closure(
    session: Session, line_raw: str, start: str, end: str, reason: str, now: datetime
) -> str:
    """Close the line for a while, times in its zone."""
    line = get_line(session, line_raw)
    line_zone = zone(line.timezone)
    starts = to_utc(_local(start, "--start", line_zone), line_zone).utc
    ends = to_utc(_local(end, "--end", line_zone), line_zone).utc
    try:
        closure = service.add_closure(session, line, starts, ends, reason, now)
    except service.RotaError as exc:
        session.rollback()
        raise InvalidInput(str(exc)) from None
    session.commit()
    return f"line {line.number} closed from {start} to {end} (closure {closure.id})"
