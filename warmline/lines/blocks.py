"""Numbers blocked on a line: kept only as contact keys, their texts counted and reach nobody."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import BindParameter, Exists, delete, select
from sqlalchemy.orm import Session

from warmline.core.crypto import Keyring
from warmline.lines import audit
from warmline.models import BlockedNumber, Coordinator, Line


def change(
    session: Session,
    keyring: Keyring,
    line: Line,
    e164: str,
    now: datetime,
    *,
    undo: bool = False,
    actor: Coordinator | None = None,
) -> bool:
    """Block `e164` on `line`, or lift it; noted in the audit log without the number.

    The one way, for the CLI (no `actor`) and the dashboard. False when nothing changed; the
    caller commits.
    """
    changed = (
        unblock(session, keyring, line, e164) if undo else block(session, keyring, line, e164, now)
    )
    if changed:
        what = "unblocked number" if undo else "blocked number"
        audit.record(session, actor, what, "", now, line.id, actor=None if actor else "cli")
    return changed


def block(session: Session, keyring: Keyring, line: Line, e164: str, now: datetime) -> bool:
    """Block `e164` on `line`; False when it already was. The caller commits."""
    if is_blocked(session, line.id, keyring.keys_for(e164)):
        return False
    session.add(BlockedNumber(line_id=line.id, contact_key=keyring.key_for(e164), created_at=now))
    session.flush()
    return True


def unblock(session: Session, keyring: Keyring, line: Line, e164: str) -> bool:
    """Lift the block on `e164` (under any configured key); False when there was none."""
    removed = session.execute(
        delete(BlockedNumber).where(
            BlockedNumber.line_id == line.id,
            BlockedNumber.contact_key.in_(keyring.keys_for(e164)),
        )
    )
    return bool(removed.rowcount)  # type: ignore[attr-defined]


def is_blocked(session: Session, line_id: int, keys: Sequence[str]) -> bool:
    """Whether a sender known by any of `keys` is blocked on the line."""
    return bool(session.scalar(select(blocked(line_id, keys))))


def blocked(
    line_id: int | BindParameter[int], keys: Sequence[str] | BindParameter[list[str]]
) -> Exists:
    """`is_blocked` as SQL, for a query that asks more at the same time."""
    return (
        select(BlockedNumber.id)
        .where(BlockedNumber.line_id == line_id, BlockedNumber.contact_key.in_(keys))
        .exists()
    )
