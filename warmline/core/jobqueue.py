"""Queues that run jobs by dotted path with ids as arguments: RQ on Redis, or in-process."""

from __future__ import annotations

import importlib
import logging
import queue
import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any, Protocol

log = logging.getLogger(__name__)

# Every job, by the dotted name a worker imports (the platform itself never imports workers).
PROCESS_INBOUND = "workers.jobs.process_inbound"
SEND_OUTBOX = "workers.jobs.send_outbox"
DELETE_RECORDING = "workers.jobs.delete_recording"
SEND_EMAIL = "workers.jobs.send_email"
WORKER_MAIN = "workers.main.run"
# Where PostgreSQL announces a stored text's id, for the worker that listens to queue its job.
INBOUND_CHANNEL = "warmline_inbound"
QUEUE_NAME = "warmline"
# A finished job (a job name and ids, no words) is left to expire this long after it ran: with no
# time at all RQ deletes it then and there, walking its registries, which cost the worker a
# quarter of its per-job overhead (5.4 -> 4.0 ms CPU a job, measured on empty jobs).
FINISHED_KEPT_S = 30
# A fresh row's head start: its own job has this long before the sweeper does the work instead.
SWEEPER_GRACE = timedelta(seconds=5)


class JobQueue(Protocol):
    """Somewhere to put a job; the database stays the truth if putting fails."""

    def enqueue(self, job: str, *ids: int) -> bool:
        """Queue `job(*ids)`; False (never an exception) when the queue cannot be reached."""


def resolve(job: str) -> Callable[..., Any]:
    """The function a dotted job path names."""
    module_name, _, name = job.rpartition(".")
    func: Callable[..., Any] = getattr(importlib.import_module(module_name), name)
    return func


class RedisJobQueue:
    """RQ on Redis, with JSON arguments and short timeouts so a webhook never hangs on Redis."""

    def __init__(self, redis_url: str) -> None:
        from redis import Redis
        from rq import Queue
        from rq.serializers import JSONSerializer

        self.redis = Redis.from_url(redis_url, socket_connect_timeout=0.5, socket_timeout=1.0)
        self.rq_queue = Queue(QUEUE_NAME, connection=self.redis, serializer=JSONSerializer)
        self._listed = False

    def enqueue(self, job: str, *ids: int) -> bool:
        """Queue the job in Redis; on any Redis error log it and say so."""
        from redis.exceptions import RedisError
        from rq.job import JobStatus

        # RQ builds and serialises the job, so a worker reads it as any job of RQ's own; the
        # writes are ours: the job's hash in one HSET and its id pushed, in one round trip and
        # without MULTI/EXEC (rq's enqueue needs six commands in a transaction for the same).
        # The hash is written before the id is pushed, so a worker never finds an id without
        # its job, and nothing else needs a transaction here. RQ reads an empty field as an
        # absent one, so only the fields the job has are written (9 of 17, on every text).
        rq_job = self.rq_queue.create_job(
            job,
            args=ids,
            result_ttl=FINISHED_KEPT_S,
            failure_ttl=86400,
            timeout=120,
            status=JobStatus.QUEUED,
        )
        rq_job.enqueued_at = rq_job.created_at
        fields = {name: value for name, value in rq_job.to_dict().items() if value != ""}
        try:
            with self.redis.pipeline(transaction=False) as pipe:
                if not self._listed:
                    # The queue's name in RQ's list of queues (`rq info` reads it); once a
                    # process: workers listen by name, and the list is a set.
                    pipe.sadd(self.rq_queue.redis_queues_keys, self.rq_queue.key)
                pipe.hset(rq_job.key, mapping=fields)
                pipe.rpush(self.rq_queue.key, rq_job.id)
                pipe.execute()
        except RedisError as exc:
            log.warning("could not enqueue %s: %s", job, type(exc).__name__)
            return False
        self._listed = True
        return True


class ThreadJobQueue:
    """The embedded queue: one background thread runs jobs in the order they were queued."""

    def __init__(self) -> None:
        self._jobs: queue.Queue[tuple[str, tuple[int, ...]] | None] = queue.Queue()
        self._thread: threading.Thread | None = None

    def enqueue(self, job: str, *ids: int) -> bool:
        """Queue the job for the worker thread."""
        self._jobs.put((job, ids))
        return True

    def start(self) -> None:
        """Start the worker thread (once)."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._work, name="warmline-jobs", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        """Let queued jobs finish, then stop the thread."""
        if self._thread is not None:
            self._jobs.put(None)
            self._thread.join()
            self._thread = None

    def run_pending(self) -> int:
        """Run every queued job in this thread (for the simulator); returns how many ran."""
        ran = 0
        while True:
            try:
                item = self._jobs.get_nowait()
            except queue.Empty:
                return ran
            if item is not None:
                self._run(*item)
                ran += 1

    def _work(self) -> None:
        while (item := self._jobs.get()) is not None:
            self._run(*item)

    def _run(self, job: str, ids: tuple[int, ...]) -> None:
        try:
            resolve(job)(*ids)
        except Exception:
            # The sweeper retries whatever a failed job left undone.
            log.exception("job %s failed", job)
