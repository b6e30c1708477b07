"""The webhook's store-and-queue on a real engine: committed for real, queued as RQ's own jobs."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from cryptography.fernet import Fernet
from rq import Queue, SimpleWorker
from rq.job import Job, JobStatus
from rq.serializers import JSONSerializer
from sqlalchemy import create_engine, delete, func, select, text
from sqlalchemy.exc import SQLAlchemyError

from warmline.conversations.incoming import inbound
from warmline.core.clock import utcnow
from warmline.core.crypto import Keyring, Vault
from warmline.core.db import Database
from warmline.core.jobqueue import FINISHED_KEPT_S, PROCESS_INBOUND, QUEUE_NAME, RedisJobQueue
from warmline.lines.lines import add_line
from warmline.models import InboundMessage, Line

NUMBER = "+15550002222"
TEXTER = "+15550009002"
VAULT = Vault((Fernet.generate_key().decode(),))
KEYRING = Keyring(b"k" * 32)
# What the job below was run with, in this process (SimpleWorker runs jobs in-process).
JOBS_RUN: list[int] = []


def remember_job(event_id: int) -> None:
    """A job that notes its argument, standing in for the real one."""
    JOBS_RUN.append(event_id)


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    """A real engine on the test database, with one line; what the test commits is removed."""
    database = Database(database_url)
    add(database)
    yield database
    with database.session() as session:
        session.execute(delete(Line).where(Line.number == NUMBER))  # its texts go with it
        session.commit()
    inbound._line_ids.pop(NUMBER, None)
    database.engine.dispose()


@pytest.fixture
def queue(redis_url: str) -> Iterator[RedisJobQueue]:
    """RQ on the test Redis database, emptied afterwards."""
    jobs = RedisJobQueue(redis_url)
    jobs.redis.flushdb()
    yield jobs
    jobs.redis.flushdb()


def add(db: Database) -> int:
    """Add the line; its id."""
    with db.session() as session:
        line = add_line(session, number_raw=NUMBER, name="Real", timezone="UTC", now=utcnow())
        session.commit()
        return line.id


def text_in(db: Database, queue: RedisJobQueue, sid: str, body: str = "hello?") -> bool:
    """Receive one text, as the webhook does."""
    sms = inbound.InboundSms(message_sid=sid, sender=TEXTER, to=NUMBER, body=body)
    return inbound.receive(db, KEYRING, VAULT, queue, sms, utcnow())


def stored(db: Database) -> list[tuple[str, int, str]]:
    """Every stored text of the line: its sid, line id and the words it carried."""
    with db.session() as session:
        rows = session.execute(
            select(InboundMessage.message_sid, InboundMessage.line_id, InboundMessage.body_sealed)
            .join(Line, Line.id == InboundMessage.line_id)
            .where(Line.number == NUMBER)
            .order_by(InboundMessage.id)
        ).all()
    return [(sid, line_id, VAULT.open(body)) for sid, line_id, body in rows]


def test_a_text_twilio_sends_twice_is_stored_sealed_once_and_queued_once(
    db: Database, queue: RedisJobQueue
) -> None:
    assert text_in(db, queue, "SM" + "1" * 32, "are you there?")
    assert text_in(db, queue, "SM" + "1" * 32, "are you there?")
    rows = stored(db)
    assert [(sid, body) for sid, _, body in rows] == [("SM" + "1" * 32, "are you there?")]
    assert queue.rq_queue.count == 1


def test_a_queued_text_is_an_rq_job_a_worker_runs(db: Database, queue: RedisJobQueue) -> None:
    assert text_in(db, queue, "SM" + "2" * 32)
    (job_id,) = queue.rq_queue.job_ids
    job = Job.fetch(job_id, connection=queue.redis, serializer=JSONSerializer)
    with db.session() as session:
        event_id = session.scalar(select(func.max(InboundMessage.id)))
    assert (job.func_name, list(job.args), job.origin) == (PROCESS_INBOUND, [event_id], QUEUE_NAME)
    assert (job.get_status(), job.timeout, job.result_ttl) == (
        JobStatus.QUEUED,
        120,
        FINISHED_KEPT_S,
    )

    queue.rq_queue.remove(job_id)  # the real job needs a whole runtime: one of ours instead
    queue.enqueue(f"{__name__}.remember_job", 41)
    before = len(JOBS_RUN)
    worker = SimpleWorker([QUEUE_NAME], connection=queue.redis, serializer=JSONSerializer)
    worker.work(burst=True, logging_level="WARNING")
    assert JOBS_RUN[before:] == [41]


def test_a_queued_job_reads_back_as_rq_s_own_and_its_queue_is_listed_for_rq_info(
    db: Database, queue: RedisJobQueue
) -> None:
    for n in "69":
        assert text_in(db, queue, "SM" + n * 32)

    for job_id in queue.rq_queue.job_ids:
        job = Job.fetch(job_id, connection=queue.redis, serializer=JSONSerializer)
        assert job.enqueued_at == job.created_at is not None
        assert (job.description, job.failure_ttl) == (f"{PROCESS_INBOUND}({job.args[0]})", 86400)
        assert (job.worker_name, job.started_at, job.ended_at, job.group_id) == (None,) * 4
    assert [listed.name for listed in Queue.all(connection=queue.redis)] == [QUEUE_NAME]


def test_a_text_for_a_line_added_again_is_stored_on_the_new_line(
    db: Database, queue: RedisJobQueue
) -> None:
    assert text_in(db, queue, "SM" + "3" * 32)
    with db.session() as session:
        session.execute(delete(Line).where(Line.number == NUMBER))
        session.commit()
    new_id = add(db)  # the process still keeps the old id for the number
    assert text_in(db, queue, "SM" + "4" * 32)
    assert [(sid, line_id) for sid, line_id, _ in stored(db)] == [("SM" + "4" * 32, new_id)]


def test_after_the_database_drops_the_connection_one_text_fails_and_the_next_is_stored(
    db: Database, queue: RedisJobQueue
) -> None:
    assert text_in(db, queue, "SM" + "5" * 32)
    with db.engine.connect() as pooled:  # the one connection the texts use, back in the pool
        backend = pooled.scalar(text("SELECT pg_backend_pid()"))
    with create_engine(db.url).connect() as admin:
        admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": backend})
    failed = 0
    for n in range(6, 9):
        try:
            text_in(db, queue, "SM" + str(n) * 32)
        except SQLAlchemyError:
            failed += 1
    assert failed == 1  # the one on the dropped connection; the pool replaced it after that
    assert [sid for sid, _, _ in stored(db)] == ["SM" + n * 32 for n in "578"]
