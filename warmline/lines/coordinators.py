"""Coordinator accounts: add, sign in, change password; passwords kept only as argon2id hashes."""

from __future__ import annotations

import re
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from warmline.core.errors import InvalidInput
from warmline.models import Coordinator

MIN_PASSWORD = 12
MAX_PASSWORD = 1024
EMAIL_SHAPE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

# argon2id with the library's current recommended parameters (RFC 9106 low-memory profile).
_hasher = PasswordHasher()
# Verified against when the email is unknown, so a wrong email costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not a real password, only for equal timing")


def normalise_email(raw: str) -> str:
    """The email in the form we store: trimmed, lower case; or a clear error."""
    email = (raw or "").strip().lower()
    if len(email) > 254 or not EMAIL_SHAPE.match(email):
        raise InvalidInput("enter an email address like name@example.org")
    return email


def check_password_rules(password: str) -> None:
    """Refuse a password too short or too long to be a good one."""
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(f"the password must be at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise InvalidInput(f"the password must be at most {MAX_PASSWORD} characters")


def add(session: Session, email_raw: str, password: str, now: datetime) -> Coordinator:
    """Create a coordinator account for an email not yet in use."""
    email = normalise_email(email_raw)
    check_password_rules(password)
    if session.scalar(select(Coordinator.id).where(Coordinator.email == email)) is not None:
        raise InvalidInput(f"a coordinator with email {email} already exists")
    coordinator = Coordinator(
        email=email,
        password_hash=_hasher.hash(password),
        session_epoch=0,
        is_active=True,
        created_at=now,
        password_changed_at=now,
    )
    session.add(coordinator)
    session.commit()
    return coordinator


def authenticate(session: Session, email_raw: str, password: str) -> Coordinator | None:
    """The active coordinator with this email and password, or None (never says which was wrong)."""
    try:
        email = normalise_email(email_raw)
    except InvalidInput:
        email = ""
    coordinator = (
        session.scalar(select(Coordinator).where(Coordinator.email == email)) if email else None
    )
    if coordinator is None or not coordinator.is_active:
        _verify(_DUMMY_HASH, password)
        return None
    if not _verify(coordinator.password_hash, password):
        return None
    if _hasher.check_needs_rehash(coordinator.password_hash):
        coordinator.password_hash = _hasher.hash(password)
        session.commit()
    return coordinator


def change_password(
    session: Session, coordinator: Coordinator, current: str, new: str, now: datetime
) -> None:
    """Set a new password after checking the current one; other sessions are signed out."""
    if not _verify(coordinator.password_hash, current):
        raise InvalidInput("the current password is not right")
    check_password_rules(new)
    if new == current:
        raise InvalidInput("the new password must differ from the current one")
    coordinator.password_hash = _hasher.hash(new)
    coordinator.session_epoch += 1
    coordinator.password_changed_at = now
    session.commit()


def session_token(coordinator: Coordinator) -> str:
    """What the session cookie remembers: the account and its password generation."""
    return f"{coordinator.id}:{coordinator.session_epoch}"


def from_session_token(session: Session, token: str) -> Coordinator | None:
    """The coordinator a session token names, if it is still valid."""
    ident, _, epoch = token.partition(":")
    if not ident.isdigit() or not epoch.isdigit():
        return None
    coordinator = session.get(Coordinator, int(ident))
    if coordinator is None or not coordinator.is_active:
        return None
    return coordinator if coordinator.session_epoch == int(epoch) else None


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
