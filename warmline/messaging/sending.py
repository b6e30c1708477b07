"""Sending on a few threads of one worker: many texts at the carrier at once, each person's in order.

A carrier takes 100-300 ms to accept a text, time a worker would otherwise spend waiting. The
pool keeps up to `size` sends in flight, one thread each. One person's texts are sent by one
thread at a time (in this process; the recipient lock covers the others), oldest first, so they
never overtake each other. The outbox stays the truth: a text the pool has not sent when the
process dies is still queued (or marked sending) in the database, and the sweeper sends it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from warmline.core.crypto import Vault
from warmline.core.db import Database
from warmline.core.jobqueue import SEND_OUTBOX, JobQueue
from warmline.core.ports import Transport
from warmline.messaging import outbox
from warmline.messaging.pacer import Pacer
from warmline.models import Outbox

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


class SendPool:
    """Sends outbox texts on up to `size` threads; stands in for the queue's send jobs."""

    def __init__(
        self,
        db: Database,
        vault: Vault,
        transport: Transport,
        queue: JobQueue,
        clock: Clock,
        pacer: Pacer | None,
        size: int,
    ) -> None:
        self.db, self.vault, self.transport = db, vault, transport
        self.queue, self.clock, self.pacer = queue, clock, pacer
        self._threads = ThreadPoolExecutor(max_workers=size, thread_name_prefix="send")
        self._guard = threading.Lock()
        # Ids handed in and not yet started: the sweeper hands in the same due ids every second.
        self._waiting: set[int] = set()
        # Recipients a thread is sending to, with the ids that arrived for them meanwhile.
        self._busy: dict[str, list[int]] = {}
        self._closed = False

    def enqueue(self, job: str, *ids: int) -> bool:
        """Send the texts on the pool; any other job goes to the real queue."""
        if job != SEND_OUTBOX:
            return self.queue.enqueue(job, *ids)
        for outbox_id in ids:
            self.submit(outbox_id)
        return True

    def submit(self, outbox_id: int) -> None:
        """Send text `outbox_id` (and older ones to the same person) on a free thread."""
        with self._guard:
            if self._closed or outbox_id in self._waiting:
                return
            self._waiting.add(outbox_id)
        self._threads.submit(self._run, outbox_id)

    def close(self) -> None:
        """Finish the sends in flight; texts not started stay queued for the sweeper."""
        with self._guard:
            self._closed = True
        self._threads.shutdown(wait=True, cancel_futures=True)

    def _run(self, outbox_id: int) -> None:
        with self._guard:
            self._waiting.discard(outbox_id)
        try:
            # One connection for the look-up and every send that follows: the recipient lock
            # belongs to it.
            with self.db.pinned_session() as session:
                key = session.scalar(select(Outbox.recipient_key).where(Outbox.id == outbox_id))
                if key is None:
                    return
                with self._guard:
                    if key in self._busy:
                        # That person's thread sends it next, after what it is sending now.
                        self._busy[key].append(outbox_id)
                        return
                    self._busy[key] = [outbox_id]
                self._drain(session, key)
        except Exception:
            log.exception("could not send outbox %s here; the sweeper will", outbox_id)

    def _drain(self, session: Session, key: str) -> None:
        """Send one person's texts until none has arrived for them since the last send."""
        while True:
            with self._guard:
                arrived = self._busy[key]
                if not arrived:
                    del self._busy[key]
                    return
                self._busy[key] = []
            newest = max(arrived)
            try:
                outbox.send_in(
                    session, self.vault, self.transport, newest, self.clock, self.pacer, key
                )
            except Exception:
                # The row is still queued or marked sending: the sweeper takes it from there.
                log.exception("sending outbox %s failed; the sweeper will retry", newest)
                session.rollback()
