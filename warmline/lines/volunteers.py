"""Volunteers as coordinators manage them: the roster, adding, renaming, deactivating."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from warmline.core import phones
from warmline.core.crypto import Keyring, Vault
from warmline.core.errors import InvalidInput
from warmline.core.phones import parse_number
from warmline.lines import audit
from warmline.lines.rules.languages import as_text, parse_languages
from warmline.models import Coordinator, Shift, Volunteer

MAX_NAME = 80
BAD_PHONE = (
    "This is not a phone number we can text. Write it with its area code, like (555) 010-4477, "
    "or with its country code, like +44 20 7946 0958."
)


def lines_served(session: Session) -> dict[int, set[int]]:
    """The lines each volunteer has a (not cancelled) shift on, by volunteer id."""
    served: dict[int, set[int]] = {}
    query = select(Shift.volunteer_id, Shift.line_id).where(Shift.cancelled_at.is_(None))
    for volunteer_id, line_id in session.execute(query):
        served.setdefault(volunteer_id, set()).add(line_id)
    return served


def add(
    session: Session,
    keyring: Keyring,
    vault: Vault,
    *,
    name: str,
    phone_raw: str,
    region: str,
    actor: Coordinator,
    now: datetime,
) -> Volunteer:
    """Register a volunteer; the phone is read in the line's region and kept only sealed."""
    clean_name = _name(name)
    try:
        e164 = phones.normalise(phone_raw, region)
    except phones.InvalidNumber:
        raise InvalidInput(BAD_PHONE, field="phone") from None
    try:
        volunteer = add_volunteer(session, keyring, vault, name=clean_name, phone_raw=e164, now=now)
    except InvalidInput:
        raise InvalidInput(
            "A volunteer with this phone number already exists.", field="phone"
        ) from None
    audit.record(session, actor, "added volunteer", volunteer.name, now)
    session.commit()
    return volunteer


def rename(
    session: Session, volunteer_id: int, name: str, actor: Coordinator, now: datetime
) -> Volunteer:
    """Change how a volunteer is called on the dashboard and in alerts."""
    volunteer = get(session, volunteer_id)
    old = volunteer.name
    volunteer.name = _name(name)
    audit.record(session, actor, "renamed volunteer", f"{old} → {volunteer.name}", now)
    session.commit()
    return volunteer


def reactivate(session: Session, volunteer_id: int, actor: Coordinator, now: datetime) -> None:
    """Let a deactivated volunteer be offered conversations again."""
    volunteer = get(session, volunteer_id)
    volunteer.is_active = True
    audit.record(session, actor, "reactivated volunteer", volunteer.name, now)
    session.commit()


def get(session: Session, volunteer_id: int) -> Volunteer:
    """The volunteer with this id, or a clear error."""
    volunteer = session.get(Volunteer, volunteer_id)
    if volunteer is None:
        raise InvalidInput("There is no such volunteer.", field="volunteer")
    return volunteer


def _name(raw: str) -> str:
    name = " ".join((raw or "").split())
    if not name:
        raise InvalidInput("Enter the volunteer's name.", field="name")
    if len(name) > MAX_NAME:
        raise InvalidInput(f"Keep the name to {MAX_NAME} characters or fewer.", field="name")
    return name


def add_volunteer(
    session: Session, keyring: Keyring, vault: Vault, *, name: str, phone_raw: str, now: datetime
) -> Volunteer:
    """Register a volunteer by phone; the number is kept only sealed and as a key."""
    if not name.strip():
        raise InvalidInput("--name must not be empty")
    e164 = parse_number(phone_raw, "US", "--phone")
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
    e164 = parse_number(phone_raw, region, "--volunteer")
    volunteer = session.scalar(
        select(Volunteer).where(Volunteer.phone_key == keyring.key_for(e164))
    )
    if volunteer is None:
        raise InvalidInput(
            "no volunteer with that phone number (add them with `warmline volunteer add`)"
        )
    return volunteer


def change_languages(
    session: Session, volunteer_id: int, text: str, actor: Coordinator, now: datetime
) -> tuple[str, ...]:
    """A coordinator sets the languages a volunteer talks in."""
    volunteer = get(session, volunteer_id)
    codes = set_languages(volunteer, text)
    audit.record(session, actor, "set volunteer languages", f"{volunteer.name}: {text}", now)
    session.commit()
    return codes


def set_languages(volunteer: Volunteer, text: str) -> tuple[str, ...]:
    """Replace the languages a peer talks in with those in `text` ("es, en"), or a clear error."""
    codes = parse_languages(text)
    volunteer.languages = as_text(codes)
    return codes
