"""Announced texts processed by the listening worker itself, on a thread of its own while it is free.

A text handed to RQ waits for a round trip to Redis on the way in and several more for the job's
bookkeeping, and a worker runs its jobs one at a time, so at 20 texts a second one worker spent
most of each job waiting on PostgreSQL while the next text queued behind it. Processed here
instead, a text pays for no RQ job, and it overlaps its waits with the job RQ is running. When
the thread is busy the text goes to RQ as before, where any worker can take it: a burst is still
shared out, and nothing waits in this process that another could do sooner. Per-sender order is
kept by the sender lock, as between workers; the database stays the truth, so a text cut off by
a stop is still unprocessed there and the sweeper (or the next listener) takes it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from warmline.core.jobqueue import PROCESS_INBOUND, JobQueue

log = logging.getLogger(__name__)

# With RQ's own job, two texts in progress at once: a worker busy at 20 texts a second spends
# most of a core under the GIL, so more threads here bought no speed on a two-core machine, and
# each kept some 0.5 MB more after the soak (bench/NOTES.md). More belong in another worker.
THREADS = 1


class NearbyProcessing:
    """Stands in for the queue of announced texts: processes each here while a thread is free."""

    def __init__(
        self, queue: JobQueue, process: Callable[[int], None], size: int = THREADS
    ) -> None:
        self.queue, self.process = queue, process
        self._free = threading.BoundedSemaphore(size)
        self._threads = ThreadPoolExecutor(max_workers=size, thread_name_prefix="inbound")
        self._closed = False

    def enqueue(self, job: str, *ids: int) -> bool:
        """Process announced texts on a free thread; the rest, and any other job, go to RQ."""
        if job != PROCESS_INBOUND:
            return self.queue.enqueue(job, *ids)
        queued = True
        for event_id in ids:
            if not self._closed and self._free.acquire(blocking=False):
                try:
                    self._threads.submit(self._run, event_id)
                    continue
                except RuntimeError:  # the worker stopped between the check and the hand-over
                    self._free.release()
            queued = self.queue.enqueue(PROCESS_INBOUND, event_id) and queued
        return queued

    def close(self) -> None:
        """Finish the texts being processed; nothing else is waiting here."""
        self._closed = True
        self._threads.shutdown(wait=True)

    def _run(self, event_id: int) -> None:
        try:
            self.process(event_id)
        except Exception as exc:
            # Unprocessed, it stays in the database for the sweeper, as a failed job would. The
            # thread is free before the line is logged, so whoever reads it can hand on the next.
            self._free.release()
            log.error(
                "processing text %s here failed; the sweeper will retry", event_id, exc_info=exc
            )
        else:
            self._free.release()
