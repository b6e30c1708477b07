"""Texts PostgreSQL announces as the webhook stores them, queued by one worker that listens.

With RQ on PostgreSQL the webhook's insert also notifies, in the same statement, so storing a
text costs the web no job to build and no round trip to Redis: the worker that listens queues
the job instead. One worker listens at a time, holding a lock that is let go with its connection;
the others stand by and take over, first queueing whatever was stored meanwhile. A text whose
announcement is lost anyway (no worker running, Redis away) is left to the sweeper, as a lost
job always was.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from datetime import timedelta
from typing import Any

from sqlalchemy import Connection, text

from warmline.conversations.incoming.inbound import stranded_ids
from warmline.core.clock import utcnow
from warmline.core.db import Database
from warmline.core.jobqueue import INBOUND_CHANNEL, PROCESS_INBOUND, JobQueue
from warmline.core.locks import INBOUND_LISTENER

log = logging.getLogger(__name__)

# The listening connection's application_name in pg_stat_activity, followed by its process id.
APPLICATION = "warmline listener"
# How often a standing-by worker asks whether it may listen, and waits after a lost connection.
STANDBY_S = 5.0
# How long one wait for announcements lasts before the listener checks whether to stop.
WAIT_S = 1.0
# How often a quiet listening connection is asked whether it still answers.
CHECK_S = 30.0
# Texts queued at once when a listener starts; any beyond are the sweeper's.
CATCH_UP_MAX = 1000


def listen_forever(
    db: Database, queue: JobQueue, stop: threading.Event, standby_s: float = STANDBY_S
) -> None:
    """Queue every text the database announces until `stop` is set, or stand by for it."""
    while not stop.is_set():
        try:
            _listen(db, queue, stop, standby_s)
        # Whatever stopped it, a worker without its listener would leave every text to the
        # sweeper: say so, and listen again.
        except Exception as exc:
            log.warning(
                "listening for stored texts stopped (%s); trying again in %.0fs",
                type(exc).__name__,
                standby_s,
            )
        stop.wait(standby_s)


def _listen(db: Database, queue: JobQueue, stop: threading.Event, standby_s: float) -> None:
    """On a connection of its own: wait for the lock, listen, catch up, then queue as told."""
    pooled = db.engine.raw_connection()
    driver: Any = pooled.driver_connection
    # Not the pool's any more: it stays open for as long as this listens, and closes with it.
    pooled.detach()
    try:
        driver.autocommit = True
        # Named with its process, so an operator (or a test) can tell which worker listens.
        driver.execute(
            "SELECT set_config('application_name', %s, false)", (f"{APPLICATION} {os.getpid()}",)
        )
        while not _may_listen(driver):
            if stop.wait(standby_s):
                return
        driver.execute(f"LISTEN {INBOUND_CHANNEL}")
        # After LISTEN, so nothing stored from here on can fall between the two.
        caught_up = _catch_up(db, queue)
        checked = time.monotonic()
        while not stop.is_set():
            for note in driver.notifies(timeout=WAIT_S):
                _queue(queue, note.payload, caught_up)
            # A text stored between LISTEN and the catch-up is announced too, and the
            # announcement is here by the end of the first wait; later ids are all new.
            caught_up.clear()
            if time.monotonic() - checked >= CHECK_S:
                # A connection cut without a word (a dropped route) would otherwise wait in
                # silence; this fails instead, and the listener connects again and catches up.
                # What arrives meanwhile is kept for the next wait.
                driver.execute("SELECT 1")
                checked = time.monotonic()
    finally:
        pooled.close()


def someone_listens(connection: Connection) -> bool:
    """Whether a worker listens for stored texts on this database now (holds the lock)."""
    held = connection.execute(_LISTENER_LOCK_HELD, {"key": INBOUND_LISTENER}).scalar()
    return bool(held)


# pg_try_advisory_lock(key, 0) shows in pg_locks as classid = key, objid = 0, objsubid = 2.
_LISTENER_LOCK_HELD = text(
    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
    "AND classid = :key AND objid = 0 AND objsubid = 2 "
    "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
)


def _may_listen(driver: Any) -> bool:
    """Whether this connection holds the listener's lock (held until it closes)."""
    row = driver.execute("SELECT pg_try_advisory_lock(%s, 0)", (INBOUND_LISTENER,)).fetchone()
    return bool(row[0])


def _catch_up(db: Database, queue: JobQueue) -> set[int]:
    """Queue the texts stored while no worker listened; their ids."""
    with db.session() as session:
        ids = stranded_ids(session, utcnow(), limit=CATCH_UP_MAX, grace=timedelta(0))
    for event_id in ids:
        queue.enqueue(PROCESS_INBOUND, event_id)
    if ids:
        log.info("queued %d texts stored while no worker listened", len(ids))
    return set(ids)


def _queue(queue: JobQueue, payload: str, caught_up: set[int]) -> None:
    """Queue the announced text unless the catch-up queued it; a payload not an id is ignored."""
    try:
        event_id = int(payload)
    except ValueError:
        log.warning("ignored an announcement on %s that is not a text's id", INBOUND_CHANNEL)
        return
    if event_id in caught_up:
        # Queued twice it would be processed once all the same, but the second job would wait
        # in RQ for a worker while this one's thread is busy with the first.
        caught_up.discard(event_id)
        return
    queue.enqueue(PROCESS_INBOUND, event_id)
