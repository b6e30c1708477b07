"""The training simulator's phones: fictional texters and volunteers, and the texts they saw.

Development and training only. A simulated phone always has a fictional number (+1 555 …); its
texts are kept sealed, for a day at most, so the simulator page can show each phone's screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from warmline.core.crypto import Keyring, UnreadableSecret, Vault
from warmline.models import Line, TrainingText, Volunteer

# +1 555 is no real area code: nothing sent to these numbers can reach a person.
FICTIONAL_PREFIX = "+1555"
TEXTERS = (
    ("t1", "Texter 1", "+15550009001"),
    ("t2", "Texter 2", "+15550009002"),
    ("t3", "Texter 3", "+15550009003"),
)
KEPT_FOR = timedelta(hours=24)
SHOWN = 40
MAX_BODY = 1600


@dataclass(frozen=True)
class Phone:
    """A simulated phone: the page knows it by `key` and `label`; the number stays here."""

    key: str
    label: str
    number: str
    is_volunteer: bool


@dataclass(frozen=True)
class Text:
    """A text on a simulated phone's screen."""

    direction: str  # "received" or "sent"
    body: str
    at: datetime


def is_fictional(e164: str) -> bool:
    """True for a +1 555 number, which no real phone has."""
    return e164.startswith(FICTIONAL_PREFIX) and len(e164) == 12 and e164[1:].isdigit()


def phones(session: Session, vault: Vault) -> list[Phone]:
    """The texters, then every active volunteer whose phone is fictional, by name."""
    found = [Phone(key, label, number, False) for key, label, number in TEXTERS]
    texter_numbers = {number for _, _, number in TEXTERS}
    for volunteer in session.scalars(
        select(Volunteer).where(Volunteer.is_active).order_by(Volunteer.name, Volunteer.id)
    ):
        try:
            number = vault.open(volunteer.phone_sealed)
        except UnreadableSecret:
            continue
        if is_fictional(number) and number not in texter_numbers:
            found.append(Phone(f"v{volunteer.id}", volunteer.name, number, True))
    return found


def remember(
    session: Session,
    keyring: Keyring,
    vault: Vault,
    line: Line,
    number: str,
    direction: str,
    body: str,
    now: datetime,
) -> bool:
    """Keep one text of a simulated phone, sealed; False (and nothing kept) for a real number."""
    if not is_fictional(number):
        return False
    forget_old(session, now)
    session.add(
        TrainingText(
            line_id=line.id,
            phone_key=keyring.key_for(number),
            direction=direction,
            body_sealed=vault.seal(body[:MAX_BODY]),
            at=now,
        )
    )
    session.flush()
    return True


def screens(
    session: Session,
    keyring: Keyring,
    vault: Vault,
    line: Line,
    shown: list[Phone],
    now: datetime,
) -> dict[str, list[Text]]:
    """The latest texts on each phone's screen, oldest first, keyed by the phone's page key."""
    out: dict[str, list[Text]] = {}
    for phone in shown:
        rows = session.scalars(
            select(TrainingText)
            .where(
                TrainingText.line_id == line.id,
                TrainingText.phone_key == keyring.key_for(phone.number),
                TrainingText.at >= now - KEPT_FOR,
            )
            .order_by(TrainingText.id.desc())
            .limit(SHOWN)
        ).all()
        out[phone.key] = [t for t in (_readable(vault, r) for r in reversed(rows)) if t]
    return out


def _readable(vault: Vault, row: TrainingText) -> Text | None:
    """The text, unless it was sealed under a data key that is gone since."""
    try:
        return Text(row.direction, vault.open(row.body_sealed), row.at)
    except UnreadableSecret:
        return None


def forget_old(session: Session, now: datetime) -> int:
    """Delete simulated texts older than a day, on every line."""
    result = session.execute(delete(TrainingText).where(TrainingText.at < now - KEPT_FOR))
    return int(result.rowcount)  # type: ignore[attr-defined]


def clear(session: Session, line: Line) -> int:
    """Wipe every simulated phone's screen on the line; returns how many texts went."""
    result = session.execute(delete(TrainingText).where(TrainingText.line_id == line.id))
    session.flush()
    return int(result.rowcount)  # type: ignore[attr-defined]
