"""Locks that hold across processes (PostgreSQL advisory locks) or threads (SQLite)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text

from warmline.db import Database

INBOUND_SENDER = 1
OUTBOX_RECIPIENT = 2

_thread_locks: dict[tuple[int, str], threading.Lock] = {}
_thread_locks_guard = threading.Lock()


@contextmanager
def key_lock(db: Database, namespace: int, key: str) -> Iterator[None]:
    """Hold a lock on (`namespace`, `key`) until the block ends, whichever process asks."""
    if db.is_sqlite:
        with _thread_locks_guard:
            lock = _thread_locks.setdefault((namespace, key), threading.Lock())
        with lock:
            yield
        return
    # Keys are hex digests: 28 bits fit PostgreSQL's int4 and a rare collision only serialises.
    args = {"ns": namespace, "k": int(key[:7], 16)}
    with db.engine.connect() as conn:
        conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        conn.execute(text("SELECT pg_advisory_lock(:ns, :k)"), args)
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:ns, :k)"), args)
