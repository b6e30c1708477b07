"""Locks that hold across processes (PostgreSQL advisory locks) or threads (SQLite)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

INBOUND_SENDER = 1
OUTBOX_RECIPIENT = 2
# One key only: whichever worker holds it queues the texts PostgreSQL announces.
INBOUND_LISTENER = 3

_thread_locks: dict[tuple[int, str], threading.Lock] = {}
_thread_locks_guard = threading.Lock()

_LOCK = text("SELECT pg_advisory_lock(:ns, :k)")
_UNLOCK = text("SELECT pg_advisory_unlock(:ns, :k)")


@contextmanager
def key_lock(session: Session, namespace: int, key: str) -> Iterator[None]:
    """Hold a lock on (`namespace`, `key`) until the block ends, whichever process asks.

    `session` must keep one connection for its whole life (`Database.pinned_session`): the
    lock belongs to that connection and outlives the block's commits. Whatever the block has
    not committed when it fails is rolled back before the lock is let go.
    """
    if session.get_bind().dialect.name == "sqlite":
        with _thread_lock(namespace, key):
            yield
        return
    # Keys are hex digests: 28 bits fit PostgreSQL's int4 and a rare collision only serialises.
    args = {"ns": namespace, "k": int(key[:7], 16)}
    session.execute(_LOCK, args)
    try:
        yield
    except BaseException:
        session.rollback()
        raise
    finally:
        # Whatever the block left is committed before the next one may enter. An advisory lock
        # outlives its transaction: should that commit fail, the lock is let go all the same,
        # or every later text from this sender would wait on it for good.
        try:
            session.commit()
        except BaseException:
            session.rollback()
            _unlock(session, args)
            raise
        # A lost connection takes its locks with it; otherwise this lets the next one in.
        _unlock(session, args)


def _unlock(session: Session, args: dict[str, int]) -> None:
    """Let the lock go; on a connection of its own, in one round trip rather than three."""
    bind = session.get_bind()
    if not isinstance(bind, Connection) or bind.in_transaction():
        # A connection shared with an outer transaction (the tests'): it stays in it.
        session.execute(_UNLOCK, args)
        session.commit()
        return
    # Outside a transaction: no BEGIN before the unlock and no COMMIT after it.
    level = bind.default_isolation_level
    bind.execution_options(isolation_level="AUTOCOMMIT")
    try:
        bind.execute(_UNLOCK, args)
        bind.commit()
    finally:
        bind.execution_options(isolation_level=level)


def _thread_lock(namespace: int, key: str) -> threading.Lock:
    with _thread_locks_guard:
        return _thread_locks.setdefault((namespace, key), threading.Lock())
