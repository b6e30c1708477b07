"""Texts PostgreSQL announces as they are stored, taken by the one worker that listens."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import psycopg
import pytest
from cryptography.fernet import Fernet
from sqlalchemy import delete, select, text
from sqlalchemy.orm import Session

from warmline.conversations.incoming import announced, inbound
from warmline.conversations.incoming.nearby import NearbyProcessing
from warmline.core.clock import utcnow
from warmline.core.crypto import Keyring, Vault
from warmline.core.db import Database
from warmline.core.jobqueue import INBOUND_CHANNEL, PROCESS_INBOUND, SEND_OUTBOX, RedisJobQueue
from warmline.lines.lines import add_line
from warmline.models import InboundMessage, Line

NUMBER = "+15550002323"
TEXTER = "+15550009023"
VAULT = Vault((Fernet.generate_key().decode(),))
KEYRING = Keyring(b"a" * 32)
# Long enough for any of these waits on a loaded machine; a passing test never waits it out.
PATIENCE_S = 20.0


@dataclass
class Jobs:
    """A queue that keeps what it was given and says when it has some of it."""

    queued: list[int] = field(default_factory=list)
    arrived: threading.Condition = field(default_factory=threading.Condition)

    def enqueue(self, job: str, *ids: int) -> bool:
        """Keep an inbound job's id."""
        assert job == PROCESS_INBOUND
        with self.arrived:
            self.queued.extend(ids)
            self.arrived.notify_all()
        return True

    def wait_for(self, *ids: int) -> list[int]:
        """What was queued, once every one of `ids` is among it (or patience ran out)."""
        with self.arrived:
            self.arrived.wait_for(lambda: set(ids) <= set(self.queued), PATIENCE_S)
            return list(self.queued)


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    """A real engine on the test database, with one line; its texts are removed afterwards."""
    database = Database(database_url)
    with database.session() as session:
        add_line(session, number_raw=NUMBER, name="Heard", timezone="UTC", now=utcnow())
        session.commit()
    yield database
    with database.session() as session:
        session.execute(delete(Line).where(Line.number == NUMBER))
        session.commit()
    inbound._line_ids.pop(NUMBER, None)
    database.engine.dispose()


@pytest.fixture
def listening() -> Iterator[list[tuple[threading.Thread, threading.Event]]]:
    """Listener threads the test starts; each is stopped and joined afterwards."""
    started: list[tuple[threading.Thread, threading.Event]] = []
    yield started
    for thread, stop in started:
        stop.set()
        thread.join(PATIENCE_S)
        assert not thread.is_alive()


def listen(
    started: list[tuple[threading.Thread, threading.Event]], db: Database, jobs: Jobs
) -> threading.Event:
    """Start a worker's listener (its own engine, so its own connection); its stop."""
    stop = threading.Event()
    thread = threading.Thread(
        target=announced.listen_forever, args=(db, jobs, stop), kwargs={"standby_s": 0.05}
    )
    thread.start()
    started.append((thread, stop))
    return stop


def text_in(db: Database, queue: object, sid: str) -> int:
    """Store one text as the webhook does on PostgreSQL with RQ; its row id."""
    sms = inbound.InboundSms(message_sid=sid, sender=TEXTER, to=NUMBER, body="you there?")
    assert inbound.receive(db, KEYRING, VAULT, queue, sms, utcnow(), announced=True)  # type: ignore[arg-type]
    with db.session() as session:
        event_id = session.scalar(
            select(InboundMessage.id).where(InboundMessage.message_sid == sid)
        )
    assert event_id is not None
    return event_id


def sid(n: int) -> str:
    return f"SM{n:032d}"


def test_an_announced_text_is_queued_by_the_listener_and_not_by_the_webhook(
    db: Database, redis_url: str, listening: list[tuple[threading.Thread, threading.Event]]
) -> None:
    rq = RedisJobQueue(redis_url)
    rq.redis.flushdb()
    before = text_in(db, rq, sid(1))  # stored while no worker listened
    jobs = Jobs()
    listen(listening, db, jobs)
    assert before in jobs.wait_for(before)  # caught up as the listener started

    after = text_in(db, rq, sid(2))
    assert jobs.wait_for(after).count(after) == 1
    assert rq.rq_queue.count == 0  # the webhook built no job and never called Redis for it
    rq.redis.flushdb()


def test_a_text_stored_as_the_listener_catches_up_is_queued_once(
    db: Database,
    listening: list[tuple[threading.Thread, threading.Event]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stored: list[int] = []

    def stored_after_listen(session: Session, now: datetime, **options: Any) -> list[int]:
        # Between LISTEN and the catch-up: announced, and found by the catch-up too.
        stored.append(text_in(db, Jobs(), sid(12)))
        return inbound.stranded_ids(session, utcnow(), **options)

    monkeypatch.setattr(announced, "stranded_ids", stored_after_listen)
    jobs = Jobs()
    listen(listening, db, jobs)
    with jobs.arrived:
        assert jobs.arrived.wait_for(lambda: bool(stored) and stored[0] in jobs.queued, PATIENCE_S)
    later = text_in(db, Jobs(), sid(13))
    # Announcements arrive in commit order: once the later one is queued, the first's has been
    # heard too.
    queued = jobs.wait_for(later)
    assert queued.count(stored[0]) == 1
    assert queued.count(later) == 1


def test_a_text_twilio_sends_twice_is_announced_once(database_url: str, db: Database) -> None:
    conninfo = database_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(conninfo, autocommit=True) as ear:
        ear.execute(f"LISTEN {INBOUND_CHANNEL}")
        first = text_in(db, Jobs(), sid(3))
        text_in(db, Jobs(), sid(3))
        with db.engine.connect() as other:
            # Announcements arrive in commit order: once this one is in, the rest are too.
            other.execute(text(f"NOTIFY {INBOUND_CHANNEL}, 'end'"))
            other.commit()
        heard = []
        for note in ear.notifies(timeout=PATIENCE_S):
            if note.payload == "end":
                break
            heard.append(note.payload)
    assert heard == [str(first)]


def test_one_worker_listens_at_a_time_and_another_takes_over_when_it_stops(
    database_url: str, db: Database, listening: list[tuple[threading.Thread, threading.Event]]
) -> None:
    first_jobs, second_jobs = Jobs(), Jobs()
    first_db, second_db = Database(database_url), Database(database_url)
    stop_first = listen(listening, first_db, first_jobs)
    one = text_in(db, Jobs(), sid(4))
    assert one in first_jobs.wait_for(one)
    listen(listening, second_db, second_jobs)
    assert standing_by(db) == 1  # asked for the lock, did not get it

    two = text_in(db, Jobs(), sid(5))
    assert first_jobs.wait_for(two).count(two) == 1
    assert second_jobs.queued == []
    stop_first.set()
    listening[0][0].join(PATIENCE_S)
    three = text_in(db, Jobs(), sid(6))  # stored around the takeover

    assert three in second_jobs.wait_for(three)  # caught up or announced: queued all the same
    four = text_in(db, Jobs(), sid(7))
    assert four in second_jobs.wait_for(four)
    first_db.engine.dispose()
    second_db.engine.dispose()


def standing_by(db: Database) -> int:
    """How many connections have asked for the listener's lock without getting it, once any has."""
    asked = text(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND query LIKE 'SELECT pg_try_advisory_lock%'"
    )
    deadline = time.monotonic() + PATIENCE_S
    with db.engine.connect() as connection:
        while True:
            count = connection.execute(asked).scalar_one()
            connection.rollback()
            if count or time.monotonic() > deadline:
                return int(count)
            time.sleep(0.01)


def test_a_listener_whose_connection_is_cut_comes_back_and_queues_what_it_missed(
    db: Database, listening: list[tuple[threading.Thread, threading.Event]]
) -> None:
    jobs = Jobs()
    listen(listening, db, jobs)
    one = text_in(db, Jobs(), sid(8))
    assert one in jobs.wait_for(one)

    with db.engine.connect() as admin:
        cut = admin.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE query LIKE 'LISTEN %' AND datname = current_database()"
            )
        ).all()
        admin.commit()
    assert cut == [(True,)]
    two = text_in(db, Jobs(), sid(9))  # maybe announced to nobody: the listener is reconnecting
    assert two in jobs.wait_for(two)
    three = text_in(db, Jobs(), sid(10))
    assert three in jobs.wait_for(three)


def test_the_doctor_can_tell_whether_a_worker_listens(
    db: Database, listening: list[tuple[threading.Thread, threading.Event]]
) -> None:
    def listens() -> bool:
        with db.engine.connect() as connection:
            return announced.someone_listens(connection)

    def eventually(expected: bool) -> bool:
        """What `listens` says once it says `expected`, or when patience runs out."""
        deadline = time.monotonic() + PATIENCE_S
        while listens() is not expected and time.monotonic() < deadline:
            time.sleep(0.01)
        return listens()

    # A backend lets its locks go as it exits, a moment after its client has closed.
    assert eventually(False) is False
    stop = listen(listening, db, Jobs())
    assert eventually(True) is True
    stop.set()
    listening[0][0].join(PATIENCE_S)
    assert eventually(False) is False  # its connection closed, and the lock with it


@dataclass
class Sends:
    """Where a processed text's replies go: kept, never sent."""

    jobs: list[tuple[str, tuple[int, ...]]] = field(default_factory=list)

    def enqueue(self, job: str, *ids: int) -> bool:
        """Keep the job."""
        self.jobs.append((job, ids))
        return True


def processed(db: Database, event_id: int) -> bool:
    """Whether the text has been processed, once it is or patience runs out."""
    deadline = time.monotonic() + PATIENCE_S
    while True:
        with db.session() as session:
            done = session.scalar(
                select(InboundMessage.processed_at).where(InboundMessage.id == event_id)
            )
        if done is not None or time.monotonic() > deadline:
            return done is not None
        time.sleep(0.01)


def test_the_listening_worker_processes_an_announced_text_itself_without_rq(
    db: Database, redis_url: str, listening: list[tuple[threading.Thread, threading.Event]]
) -> None:
    rq = RedisJobQueue(redis_url)
    rq.redis.flushdb()
    sends = Sends()
    nearby = NearbyProcessing(
        rq, lambda event_id: inbound.process(db, VAULT, sends, event_id, utcnow, KEYRING)
    )
    listen(listening, db, nearby)  # type: ignore[arg-type]
    event_id = text_in(db, rq, sid(11))

    assert processed(db, event_id)  # the texter's words reached the line
    nearby.close()
    assert [job for job, _ in sends.jobs] == [SEND_OUTBOX]  # the greeting, to be sent
    assert rq.rq_queue.count == 0  # no job in Redis, on the way in or out
    rq.redis.flushdb()


def test_with_every_thread_busy_the_next_text_goes_to_rq_for_any_worker(redis_url: str) -> None:
    rq = RedisJobQueue(redis_url)
    rq.redis.flushdb()
    release = threading.Event()
    started: list[int] = []

    def slow(event_id: int) -> None:
        started.append(event_id)
        release.wait(PATIENCE_S)

    nearby = NearbyProcessing(rq, slow, size=2)
    assert nearby.enqueue(PROCESS_INBOUND, 1, 2, 3)
    queued = rq.rq_queue.get_jobs()
    assert [job.args for job in queued] == [[3]]  # the two threads took 1 and 2
    release.set()
    nearby.close()
    assert sorted(started) == [1, 2]

    assert nearby.enqueue(PROCESS_INBOUND, 4)  # after a stop, everything goes to RQ
    assert [job.args for job in rq.rq_queue.get_jobs()] == [[3], [4]]
    rq.redis.flushdb()


def test_a_text_that_fails_here_is_logged_and_frees_its_thread(
    redis_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    rq = RedisJobQueue(redis_url)
    rq.redis.flushdb()
    done: list[int] = []
    ran = threading.Semaphore(0)

    def failing_first(event_id: int) -> None:
        try:
            if event_id == 1:
                raise RuntimeError("the database went away")
            done.append(event_id)
        finally:
            ran.release()

    nearby = NearbyProcessing(rq, failing_first, size=1)
    with caplog.at_level(logging.ERROR):
        nearby.enqueue(PROCESS_INBOUND, 1)
        assert ran.acquire(timeout=PATIENCE_S)
        deadline = time.monotonic() + PATIENCE_S
        # The thread is free again once it has logged; then the next text is processed here.
        while "processing text 1 here failed" not in caplog.text:
            assert time.monotonic() < deadline
            time.sleep(0.01)
    nearby.enqueue(PROCESS_INBOUND, 2)
    nearby.close()
    assert done == [2]
    assert rq.rq_queue.count == 0
    rq.redis.flushdb()
