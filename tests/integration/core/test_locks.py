"""Per-key locks on real PostgreSQL connections: held across commits, let go on failure."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from warmline.core.db import Database
from warmline.core.locks import key_lock

NAMESPACE = 9
KEY = "5eed0a1c0ffee"


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    """A real engine on the test database: every session its own connection."""
    database = Database(database_url)
    yield database
    database.engine.dispose()


def waiting_for_advisory_lock(db: Database) -> int:
    """How many connections are queued behind an advisory lock right now."""
    with db.engine.connect() as conn:
        return int(
            conn.scalar(
                text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
            )
            or 0
        )


def until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """Poll `condition` until it holds; fail the test if it never does."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition never held"
        time.sleep(0.01)


def test_a_key_lock_outlives_the_commits_inside_it_and_holds_off_every_other_worker(
    db: Database,
) -> None:
    inside, release = threading.Event(), threading.Event()
    order: list[str] = []

    def first() -> None:
        with db.pinned_session() as session, key_lock(session, NAMESPACE, KEY):
            session.execute(text("SELECT 1"))
            session.commit()  # the lock must survive this
            inside.set()
            release.wait(10)
            order.append("first finished")

    def second() -> None:
        with db.pinned_session() as session, key_lock(session, NAMESPACE, KEY):
            order.append("second entered")

    one = threading.Thread(target=first)
    one.start()
    assert inside.wait(10)
    two = threading.Thread(target=second)
    two.start()
    until(lambda: waiting_for_advisory_lock(db) == 1)
    assert order == []
    release.set()
    one.join(10)
    two.join(10)
    assert order == ["first finished", "second entered"]


def test_a_failing_block_rolls_back_its_unfinished_work_and_lets_the_lock_go(
    db: Database,
) -> None:
    with db.engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS lock_probe"))
        conn.execute(text("CREATE TABLE lock_probe (n int)"))
    try:
        with (
            pytest.raises(RuntimeError),
            db.pinned_session() as session,
            key_lock(session, NAMESPACE, KEY),
        ):
            session.execute(text("INSERT INTO lock_probe VALUES (1)"))
            session.commit()
            session.execute(text("INSERT INTO lock_probe VALUES (2)"))
            raise RuntimeError("the worker failed half-way")
        with db.engine.connect() as conn:
            assert conn.scalar(text("SELECT pg_try_advisory_lock(:ns, :k)"), _args()) is True
            conn.execute(text("SELECT pg_advisory_unlock(:ns, :k)"), _args())
            assert conn.scalars(text("SELECT n FROM lock_probe")).all() == [1]
    finally:
        with db.engine.begin() as conn:
            conn.execute(text("DROP TABLE lock_probe"))


def test_a_block_whose_last_commit_fails_still_lets_the_lock_go(db: Database) -> None:
    with db.engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS lock_probe"))
        # Checked at commit, not at the insert: the block's own work fails only as the lock ends.
        conn.execute(text("CREATE TABLE lock_probe (n int UNIQUE DEFERRABLE INITIALLY DEFERRED)"))
    try:
        # Opened first, so it is never the connection the lock was taken on.
        with db.engine.connect() as other:
            with (
                pytest.raises(IntegrityError),
                db.pinned_session() as session,
                key_lock(session, NAMESPACE, KEY),
            ):
                session.execute(text("INSERT INTO lock_probe VALUES (1), (1)"))
            assert other.scalar(text("SELECT pg_try_advisory_lock(:ns, :k)"), _args()) is True
            other.execute(text("SELECT pg_advisory_unlock(:ns, :k)"), _args())
            other.rollback()
    finally:
        with db.engine.begin() as conn:
            conn.execute(text("DROP TABLE lock_probe"))


def _args() -> dict[str, int]:
    return {"ns": NAMESPACE, "k": int(KEY[:7], 16)}
