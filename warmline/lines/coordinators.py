"""Coordinator accounts: add, sign in, change password; passwords kept only as argon2id hashes."""

from __future__ import annotations

import functools
import re
import secrets
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from warmline.core.errors import InvalidInput
from warmline.lines.rules.languages import known_language
from warmline.models import Coordinator, CoordinatorLine, Line

if TYPE_CHECKING:
    from argon2 import PasswordHasher

MIN_PASSWORD = 12
MAX_PASSWORD = 1024
EMAIL_SHAPE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_NUMBER = re.compile(r"[0-9]{1,9}")


@functools.cache
def _hasher() -> PasswordHasher:
    """argon2id with the library's current recommended parameters (RFC 9106 low-memory profile)."""
    # Made on first use, not on import: the worker and most commands never hash a password, and
    # the dummy hash below costs each process over half a second of CPU.
    from argon2 import PasswordHasher

    return PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    """Verified against when the email is unknown, so a wrong email costs as long as a wrong password."""
    return _hasher().hash("not a real password, only for equal timing")


def prepare_sign_in() -> None:
    """Make the dummy hash now, so that the first unknown email takes as long as any later one."""
    _dummy_hash()


def normalise_email(raw: str) -> str:
    """The email in the form we store: trimmed, lower case; or a clear error."""
    email = (raw or "").strip().lower()
    if len(email) > 254 or not EMAIL_SHAPE.match(email):
        raise InvalidInput("enter an email address like name@example.org")
    return email


def check_password_rules(password: str) -> None:
    """Refuse a password too short or too long to be a good one."""
    if len(password) < MIN_PASSWORD:
        raise InvalidInput("the password must be at least {least} characters", least=MIN_PASSWORD)
    if len(password) > MAX_PASSWORD:
        raise InvalidInput("the password must be at most {most} characters", most=MAX_PASSWORD)


def add(
    session: Session,
    email_raw: str,
    password: str,
    now: datetime,
    lines: Sequence[Line] = (),
    one_time: bool = False,
) -> Coordinator:
    """Create an account: a coordinator of `lines`, or with none an administrator of every line.

    `one_time`: someone else chose the password, so it must be changed at the first sign-in.
    """
    email = normalise_email(email_raw)
    check_password_rules(password)
    if session.scalar(select(Coordinator.id).where(Coordinator.email == email)) is not None:
        raise InvalidInput("a coordinator with email {email} already exists", email=email)
    coordinator = Coordinator(
        email=email,
        password_hash=_hasher().hash(password),
        session_epoch=0,
        is_active=True,
        created_at=now,
        password_changed_at=now,
        is_administrator=not lines,
        must_change_password=one_time,
    )
    session.add(coordinator)
    session.flush()
    session.add_all(CoordinatorLine(coordinator_id=coordinator.id, line_id=ln.id) for ln in lines)
    session.commit()
    return coordinator


def one_time_password() -> str:
    """A fresh password for someone else to use once and then change."""
    return secrets.token_urlsafe(15)


def get(session: Session, email_raw: str) -> Coordinator:
    """The account with this email, or a clear error."""
    email = normalise_email(email_raw)
    found = session.scalar(select(Coordinator).where(Coordinator.email == email))
    if found is None:
        raise InvalidInput("no coordinator has the email {email}", email=email)
    return found


def existing_email(session: Session, raw: str) -> str | None:
    """The email as stored when an account has it; None for anything else typed."""
    try:
        email = normalise_email(raw)
    except InvalidInput:
        return None
    found = session.scalar(select(Coordinator.email).where(Coordinator.email == email))
    return found


def everyone(session: Session) -> list[Coordinator]:
    """Every account, active first, then by email."""
    return list(
        session.scalars(
            select(Coordinator).order_by(Coordinator.is_active.desc(), Coordinator.email)
        )
    )


def line_ids(session: Session, coordinator: Coordinator) -> set[int] | None:
    """The ids of the lines the coordinator may see; None for an administrator (every line)."""
    if coordinator.is_administrator:
        return None
    query = select(CoordinatorLine.line_id).where(CoordinatorLine.coordinator_id == coordinator.id)
    return set(session.scalars(query))


def change_lines(
    session: Session, coordinator: Coordinator, add: Sequence[Line], remove: Sequence[Line]
) -> set[int] | None:
    """Give and take lines; an administrator given lines keeps only those. The lines after."""
    if coordinator.is_administrator:
        if not add:
            raise InvalidInput(
                "{email} is an administrator of every line: name the lines they keep with --add",
                email=coordinator.email,
            )
        _keep_an_administrator(session, coordinator)
        coordinator.is_administrator = False
    now_ids = (line_ids(session, coordinator) or set()) | {ln.id for ln in add}
    now_ids -= {ln.id for ln in remove}
    _set_lines(session, coordinator, now_ids)
    session.commit()
    return now_ids


def set_access(
    session: Session, coordinator: Coordinator, administrator: bool, lines: Sequence[Line]
) -> None:
    """Make the account an administrator, or a coordinator of exactly `lines`."""
    if coordinator.is_administrator and not administrator:
        _keep_an_administrator(session, coordinator)
    coordinator.is_administrator = administrator
    _set_lines(session, coordinator, set() if administrator else {ln.id for ln in lines})
    session.commit()


def deactivate(session: Session, coordinator: Coordinator) -> None:
    """Stop the account signing in; its sessions end now."""
    if coordinator.is_administrator:
        _keep_an_administrator(session, coordinator)
    coordinator.is_active = False
    coordinator.session_epoch += 1
    session.commit()


def reset(session: Session, coordinator: Coordinator, password: str, now: datetime) -> None:
    """Set a password someone else chose: sessions end, and it must be changed at sign-in."""
    check_password_rules(password)
    coordinator.password_hash = _hasher().hash(password)
    coordinator.must_change_password = True
    coordinator.session_epoch += 1
    coordinator.password_changed_at = now
    session.commit()


def set_email_alerts(session: Session, coordinator: Coordinator, wanted: bool) -> None:
    """Turn the coordinator's alert e-mails on or off (they still see every alert on the Now page)."""
    coordinator.email_alerts = wanted
    session.flush()


def set_language(session: Session, coordinator: Coordinator, code: str) -> None:
    """Keep the language the coordinator's alert e-mails are written in."""
    coordinator.language = known_language(code)
    session.flush()


def sign_out(session: Session, coordinator: Coordinator) -> None:
    """End every session of the account on the server, not just the browser's cookie."""
    coordinator.session_epoch += 1
    session.commit()


def _set_lines(session: Session, coordinator: Coordinator, ids: set[int]) -> None:
    session.execute(delete(CoordinatorLine).where(CoordinatorLine.coordinator_id == coordinator.id))
    session.add_all(CoordinatorLine(coordinator_id=coordinator.id, line_id=i) for i in ids)


def _keep_an_administrator(session: Session, leaving: Coordinator) -> None:
    """Refuse to leave no active administrator: nobody could manage coordinators then."""
    others = session.scalar(
        select(func.count())
        .select_from(Coordinator)
        .where(
            Coordinator.is_administrator,
            Coordinator.is_active,
            Coordinator.id != leaving.id,
        )
    )
    if not others:
        raise InvalidInput(
            "{email} is the last active administrator: make another one first",
            email=leaving.email,
        )


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
        _verify(_dummy_hash(), password)
        return None
    if not _verify(coordinator.password_hash, password):
        return None
    if _hasher().check_needs_rehash(coordinator.password_hash):
        coordinator.password_hash = _hasher().hash(password)
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
    coordinator.password_hash = _hasher().hash(new)
    coordinator.session_epoch += 1
    coordinator.password_changed_at = now
    coordinator.must_change_password = False
    session.commit()


def session_token(coordinator: Coordinator) -> str:
    """What the session cookie remembers: the account and its password generation."""
    return f"{coordinator.id}:{coordinator.session_epoch}"


def from_session_token(session: Session, token: str) -> Coordinator | None:
    """The coordinator a session token names, if it is still valid."""
    ident, _, epoch = token.partition(":")
    if not _NUMBER.fullmatch(ident) or not _NUMBER.fullmatch(epoch):
        return None
    coordinator = session.get(Coordinator, int(ident))
    if coordinator is None or not coordinator.is_active:
        return None
    return coordinator if coordinator.session_epoch == int(epoch) else None


def _verify(password_hash: str, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
