"""Operator use cases behind the CLI (and later the dashboard): lines, volunteers, shifts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.orm import Session

from warmline import phones
from warmline.domain.localtime import NonexistentLocalTime, to_utc
from warmline.models import Line, Shift, Volunteer
from warmline.privacy import Keyring, Vault
from warmline.services import rota

DEFAULT_CRISIS = {"US": "call or text 988, or call 911"}
DEFAULT_HOURS = "Peers answer when they are on shift."
ROLES = ("primary", "backup", "coordinator")
INT_SETTINGS = {
    "offer_timeout_s": (5, 86400),
    "escalate_timeout_s": (5, 86400),
    "fallback_timeout_s": (5, 86400),
    "idle_close_s": (60, 7 * 86400),
    "max_active_per_volunteer": (1, 20),
    "ring_timeout_s": (5, 120),
}
TEXT_SETTINGS = {"name": 80, "crisis_numbers": 300, "hours_text": 300}


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


def set_line(session: Session, line: Line, assignments: list[str]) -> dict[str, object]:
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
    if key in TEXT_SETTINGS:
        if not value or len(value) > TEXT_SETTINGS[key]:
            raise InvalidInput(f"{key} must be 1 to {TEXT_SETTINGS[key]} characters")
        return value
    if key == "timezone":
        zone(value)
        return value
    if key == "ring_strategy":
        if value not in ("simultaneous", "sequential"):
            raise InvalidInput("ring_strategy must be simultaneous or sequential")
        return value
    if key == "voice_fallback":
        if value != "voicemail" and not value.startswith("number:"):
            raise InvalidInput("voice_fallback must be voicemail or number:+1...")
        if value.startswith("number:"):
            return "number:" + number(value[len("number:") :], "US", "voice_fallback")
        return value
    known = sorted([*INT_SETTINGS, *TEXT_SETTINGS, "timezone", "ring_strategy", "voice_fallback"])
    raise InvalidInput(f"unknown setting {key!r}; known: {', '.join(known)}")


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
    new = rota.NewShift(line, volunteer.id, role, local_start, local_end, weekly, repeat_until)
    try:
        shift, notes = rota.add_shift(session, new, now)
    except rota.RotaError as exc:
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
