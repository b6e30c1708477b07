"""Sending on a few threads of one worker: many texts at the carrier at once, each person's in order.

A carrier takes 100-300 ms to accept a text, time a worker would otherwise spend waiting. The
pool keeps up to `size` sends in flight, one thread each. One person's texts are sent by one
thread at a time (in this process; the recipient lock covers the others), oldest first, so they
never overtake each other. The outbox stays the truth: a text the pool has not sent when the
process dies is still queued (or marked sending) in the database, and the sweeper sends it.

A carrier that answers at once (within `ANSWERED_AT_ONCE_S`, on average over the recent sends)
leaves nothing to wait for: the text is then sent on the thread that hands it in, with the same
per-person ordering, since waking a send thread would cost more than the send.

Without the pool (`warmline run`, tests) a job sends the texts it wrote itself (`SendHere`).
"""

from __future__ import annotations

import logging
import threading
import time
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

# Twilio takes 100-300 ms to accept a text, so with it every send goes to a thread; a local
# carrier (a mock, an instant fake) answers in a few.
ANSWERED_AT_ONCE_S = 0.02
# The weight of the newest send in the carrier's running average: one slow answer (0.15 s among
# instant ones) is enough to send on the threads again.
NEWEST_WEIGHT = 0.2


class SendHere:
    """A queue for a job's own follow-up texts: it sends them at once, in the job that wrote them.

    A relayed text then costs one queued job rather than two. Any other job, and any text that
    cannot be sent here, goes to the real queue (or, failing that, to the sweeper).
    """

    def __init__(
        self,
        db: Database,
        vault: Vault,
        transport: Transport,
        queue: JobQueue,
        clock: Clock,
        pacer: Pacer | None = None,
    ) -> None:
        self.db, self.vault, self.transport = db, vault, transport
        self.queue, self.clock, self.pacer = queue, clock, pacer

    def enqueue(self, job: str, *ids: int) -> bool:
        """Send the texts now, in order; queue whatever is left if sending here fails."""
        if job != SEND_OUTBOX:
            return self.queue.enqueue(job, *ids)
        for done, outbox_id in enumerate(ids):
            try:
                outbox.send(self.db, self.vault, self.transport, outbox_id, self.clock, self.pacer)
            except Exception:
                log.exception("sending outbox %s in this job failed; queueing it", outbox_id)
                return all([self.queue.enqueue(SEND_OUTBOX, left) for left in ids[done:]])
        return True


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
        answered_at_once_s: float = ANSWERED_AT_ONCE_S,
    ) -> None:
        self.db, self.vault = db, vault
        self.transport = _TimedTransport(transport, self._carrier_answered)
        self.queue, self.clock, self.pacer = queue, clock, pacer
        self._threads = ThreadPoolExecutor(max_workers=size, thread_name_prefix="send")
        self._guard = threading.Lock()
        # Ids handed in and not yet taken to be sent, whether a thread has started on them or they
        # wait behind their person's send: the sweeper hands in every queued id each second, and
        # under a backlog each one taken again cost a thread a look-up and a place in the queue.
        self._held: set[int] = set()
        # Recipients a thread is sending to, with the ids that arrived for them meanwhile.
        self._busy: dict[str, list[int]] = {}
        self._closed = False
        # How long the carrier takes to accept a text, averaged; None until it has been asked.
        self._carrier_s: float | None = None
        self._at_once_s = answered_at_once_s

    def enqueue(self, job: str, *ids: int) -> bool:
        """Send the texts on the pool; any other job goes to the real queue."""
        if job != SEND_OUTBOX:
            return self.queue.enqueue(job, *ids)
        for outbox_id in ids:
            self.submit(outbox_id)
        return True

    def submit(self, outbox_id: int) -> None:
        """Send text `outbox_id` (and older ones to the same person) on a free thread, or here."""
        with self._guard:
            if self._closed or outbox_id in self._held:
                return
            self._held.add(outbox_id)
            here = self._carrier_s is not None and self._carrier_s < self._at_once_s
        if here:
            self._run(outbox_id)
        else:
            self._threads.submit(self._run, outbox_id)

    def close(self) -> None:
        """Finish the sends in flight; texts not started stay queued for the sweeper."""
        with self._guard:
            self._closed = True
        self._threads.shutdown(wait=True, cancel_futures=True)

    def _carrier_answered(self, seconds: float) -> None:
        """Count one send's time at the carrier into the running average."""
        with self._guard:
            before = self._carrier_s
            self._carrier_s = (
                seconds if before is None else before + NEWEST_WEIGHT * (seconds - before)
            )

    def _run(self, outbox_id: int) -> None:
        try:
            # One connection for the look-up and every send that follows: the recipient lock
            # belongs to it.
            with self.db.pinned_session() as session:
                key = session.scalar(select(Outbox.recipient_key).where(Outbox.id == outbox_id))
                if key is None:
                    self._let_go(outbox_id)
                    return
                with self._guard:
                    if key in self._busy:
                        # That person's thread sends it next, after what it is sending now.
                        self._busy[key].append(outbox_id)
                        return
                    self._busy[key] = [outbox_id]
                self._drain(session, key)
        except Exception:
            self._let_go(outbox_id)
            log.exception("could not send outbox %s here; the sweeper will", outbox_id)

    def _let_go(self, outbox_id: int) -> None:
        """Take `outbox_id` again when it is handed in (the sweeper hands in what is due)."""
        with self._guard:
            self._held.discard(outbox_id)

    def _drain(self, session: Session, key: str) -> None:
        """Send one person's texts until none has arrived for them since the last send."""
        try:
            while True:
                with self._guard:
                    arrived = self._busy[key]
                    if not arrived:
                        del self._busy[key]
                        return
                    self._busy[key] = []
                    # Sent now, or left queued for the sweeper to hand in again.
                    self._held.difference_update(arrived)
                newest = max(arrived)
                try:
                    outbox.send_in(
                        session, self.vault, self.transport, newest, self.clock, self.pacer, key
                    )
                except Exception:
                    # The row is still queued or marked sending: the sweeper takes it from there.
                    log.exception("sending outbox %s failed; the sweeper will retry", newest)
                    session.rollback()
        except BaseException:
            # The connection itself failed: this person's texts are the sweeper's again, and the
            # next one handed in gets a thread rather than waiting behind this one for good.
            with self._guard:
                self._held.difference_update(self._busy.pop(key, []))
            raise


class _TimedTransport:
    """The carrier, timed: each send's duration (failed ones too) goes to `answered`."""

    def __init__(self, transport: Transport, answered: Callable[[float], None]) -> None:
        self.transport, self.answered = transport, answered

    def send(self, *, from_number: str, to_number: str, body: str, label: str) -> str:
        """Send through the carrier and report how long it took."""
        started = time.monotonic()
        try:
            return self.transport.send(
                from_number=from_number, to_number=to_number, body=body, label=label
            )
        finally:
            self.answered(time.monotonic() - started)
